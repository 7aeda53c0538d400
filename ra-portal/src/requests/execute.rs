//! Carrying out an approved request through the CA core.

use diesel::prelude::*;
use serde_json::json;

use ca_core::lifecycle::{CertificateRef, IssueRequest, Issued, ReplaceRequest};
use ca_core::serial::Serial;
use ca_core::status::RevocationReason;
use ca_core::store::schema::{certificates, subscribers};
use ca_core::{Ca, CaError};

use super::{Kind, RequestInput};

/// What an approval produced.
#[derive(Debug, Clone)]
pub(super) struct Done {
    /// The certificate issued (issue, renew, change_info, reissue) or
    /// changed (suspend, restore, revoke).
    pub(super) certificate_id: Option<i64>,
    /// For the audit event.
    pub(super) details: serde_json::Value,
}

/// Runs the CA operation of `kind` as `actor`.
pub(super) fn run(ca: &Ca, kind: Kind, input: &RequestInput, actor: &str) -> Result<Done, CaError> {
    let csr = input.csr.as_deref().map(str::as_bytes);
    let reason = input
        .reason
        .as_deref()
        .map(str::parse::<RevocationReason>)
        .transpose()?;
    match kind {
        Kind::Issue => {
            let subscriber_id = input
                .subscriber_id
                .ok_or_else(|| CaError::Refused("the request has no subscriber".into()))?;
            let profile = match &input.profile {
                Some(p) => p.clone(),
                None => ca.store().read(|c| -> Result<String, CaError> {
                    Ok(subscribers::table
                        .find(subscriber_id)
                        .select(subscribers::kind)
                        .first(c)?)
                })?,
            };
            let issued = ca.issue(&IssueRequest {
                subscriber_id,
                profile: &profile,
                csr: csr.unwrap_or_default(),
                issuer: None,
                token: input.token.as_deref(),
                days: input.days,
                actor,
            })?;
            issued_done(ca, &issued)
        }
        Kind::Renew | Kind::ChangeInfo | Kind::Reissue => {
            let req = ReplaceRequest {
                cert: cert_ref(input)?,
                csr,
                days: input.days,
                reason,
                token: input.token.as_deref(),
                changes: input
                    .changes
                    .as_ref()
                    .map(super::ChangesInput::to_core)
                    .unwrap_or_default(),
                actor,
            };
            let issued = match kind {
                Kind::Renew => ca.renew(&req)?,
                Kind::ChangeInfo => ca.change_info(&req)?,
                _ => ca.reissue(&req)?,
            };
            issued_done(ca, &issued)
        }
        Kind::Suspend => row_done(ca.suspend(&cert_ref(input)?, actor)?),
        Kind::Restore => row_done(ca.restore(&cert_ref(input)?, actor)?),
        Kind::Revoke => {
            let reason = reason.unwrap_or(RevocationReason::Unspecified);
            row_done(ca.revoke(&cert_ref(input)?, reason, None, actor)?)
        }
        Kind::TokenLost => {
            let revoked = ca.token_lost(token(input)?, actor)?;
            Ok(Done {
                certificate_id: None,
                details: json!({ "revoked": revoked }),
            })
        }
        Kind::TokenDamaged => {
            let revoked = ca.token_damaged(token(input)?, actor)?;
            Ok(Done {
                certificate_id: None,
                details: json!({ "revoked": revoked }),
            })
        }
        Kind::UnitChange => Err(CaError::Refused(
            "a unit change is carried out by its bulk job".into(),
        )),
        Kind::TokenFound => {
            let restored = ca.token_found(token(input)?, actor)?;
            Ok(Done {
                certificate_id: None,
                details: json!({ "restored": restored }),
            })
        }
        Kind::TokenSuspend => {
            let held = ca.token_suspend(token(input)?, actor)?;
            Ok(Done {
                certificate_id: None,
                details: json!({ "held": held }),
            })
        }
        Kind::TokenRetire => {
            let revoked = ca.token_retire(token(input)?, actor)?;
            Ok(Done {
                certificate_id: None,
                details: json!({ "revoked": revoked }),
            })
        }
    }
}

fn cert_ref(input: &RequestInput) -> Result<CertificateRef, CaError> {
    let serial: Serial = input.serial.as_deref().unwrap_or_default().parse()?;
    Ok(CertificateRef::serial(serial))
}

fn token(input: &RequestInput) -> Result<&str, CaError> {
    input
        .token
        .as_deref()
        .ok_or_else(|| CaError::Refused("the request names no token".into()))
}

fn issued_done(ca: &Ca, issued: &Issued) -> Result<Done, CaError> {
    let serial = issued.serial.to_hex();
    let id: i64 = ca.store().read(|c| -> Result<i64, CaError> {
        Ok(certificates::table
            .filter(certificates::issuer_id.eq(&issued.issuer_id))
            .filter(certificates::serial.eq(&serial))
            .select(certificates::id)
            .first(c)?)
    })?;
    Ok(Done {
        certificate_id: Some(id),
        details: json!({ "issuer": issued.issuer_id, "serial": serial }),
    })
}

fn row_done(row: ca_core::store::models::CertificateRow) -> Result<Done, CaError> {
    Ok(Done {
        certificate_id: Some(row.id),
        details: json!({ "serial": row.serial, "status": row.status }),
    })
}
