//! What happens to a token's certificates when its state changes: báo tạm
//! mất (suspended: certificates on hold), tìm thấy (found: restored), báo
//! mất (lost: revoked keyCompromise, keys blocked), hỏng (damaged) and
//! ngừng sử dụng (retired: revoked cessationOfOperation). Each is one
//! transaction with one audit event, under the state machine of
//! [`super::TRANSITIONS`].

use diesel::prelude::*;
use serde_json::json;

use super::{check_transition, load_token, TokenState};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::lifecycle::{change_status, now, revoke_compromised, revoke_row, StatusChange};
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::{CertificateRow, TokenRow};
use crate::store::schema::{certificates, issuers, tokens};
use crate::store::DbConnection;
use crate::{Ca, CaError};

impl Ca {
    /// A lost token (active or temporarily lost before): every good or
    /// suspended certificate on it is revoked with keyCompromise, their
    /// keys are blocked, and the token is marked lost — at once, in one
    /// transaction. Returns the revoked serials.
    pub fn token_lost(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.store
            .write(|c| token_lost_in(c, token_serial, actor, false))
    }
}

/// [`Ca::token_lost`] inside the caller's transaction (of
/// [`crate::store::Store::write`]), for a caller that records its own
/// rows with it: an administrator's emergency revocation, carried out at
/// once without the approval step, whose audit event is marked
/// `"emergency": true` (`emergency`). Returns the revoked serials.
pub fn token_lost_in(
    c: &mut DbConnection,
    token_serial: &str,
    actor: &str,
    emergency: bool,
) -> Result<Vec<String>, CaError> {
    let token = load_token(c, token_serial)?;
    check_transition(&token, TokenState::Lost)?;
    let live: Vec<CertificateRow> = certificates::table
        .filter(certificates::token_id.eq(token.id))
        .filter(
            certificates::status
                .eq_any([CertStatus::Good.as_str(), CertStatus::Suspended.as_str()]),
        )
        .select(CertificateRow::as_select())
        .load(c)?;
    let mut revoked = Vec::with_capacity(live.len());
    for row in &live {
        revoke_compromised(c, row.id, "token lost", actor)?;
        revoked.push(row.serial.clone());
    }
    set_token_status(c, &token, TokenState::Lost)?;
    audit::append(
        c,
        AuditEvent {
            actor,
            action: AuditAction::TokenLost,
            object: &format!("token:{}", token.serial),
            details: if emergency {
                json!({ "revoked": revoked, "emergency": true })
            } else {
                json!({ "revoked": revoked })
            },
        },
    )?;
    Ok(revoked)
}

impl Ca {
    /// A damaged token: every good or suspended certificate on it is
    /// revoked with cessationOfOperation (the keys died with the device,
    /// they were not disclosed: nothing is blocked) and the token is marked
    /// damaged, in one transaction. Returns the revoked serials.
    pub fn token_damaged(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.token_out_of_service(
            token_serial,
            TokenState::Damaged,
            AuditAction::TokenDamaged,
            actor,
        )
    }

    /// A temporarily lost (suspended) token found again: it returns to
    /// service (active) and every certificate on hold on it is restored to
    /// good. A permanently lost token stays lost. Returns the restored
    /// serials.
    pub fn token_found(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.store.write(|c| {
            let token = load_token(c, token_serial)?;
            check_transition(&token, TokenState::Active)?;
            let held: Vec<CertificateRow> = certificates::table
                .filter(certificates::token_id.eq(token.id))
                .filter(certificates::status.eq(CertStatus::Suspended.as_str()))
                .select(CertificateRow::as_select())
                .load(c)?;
            let now = now();
            for row in &held {
                change_status(c, row.id, StatusChange::Restored, now)?;
            }
            set_token_status(c, &token, TokenState::Active)?;
            let restored: Vec<String> = held.into_iter().map(|r| r.serial).collect();
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::TokenFound,
                    object: &format!("token:{}", token.serial),
                    details: json!({ "restored": restored }),
                },
            )?;
            Ok(restored)
        })
    }

    /// A token temporarily lost (báo tạm mất): it is suspended and every
    /// good certificate on it is put on hold (certificateHold) where its
    /// issuer allows suspension; those of an issuer that does not stay
    /// good and are listed in the audit event. Returns the held serials.
    pub fn token_suspend(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.store.write(|c| {
            let token = load_token(c, token_serial)?;
            check_transition(&token, TokenState::Suspended)?;
            let good: Vec<(CertificateRow, bool)> = certificates::table
                .inner_join(issuers::table)
                .filter(certificates::token_id.eq(token.id))
                .filter(certificates::status.eq(CertStatus::Good.as_str()))
                .select((CertificateRow::as_select(), issuers::allow_suspend))
                .load(c)?;
            let now = now();
            let mut held = Vec::new();
            let mut not_held = Vec::new();
            for (row, allowed) in good {
                if !allowed {
                    not_held.push(row.serial);
                    continue;
                }
                change_status(c, row.id, StatusChange::Suspended, now)?;
                held.push(row.serial);
            }
            set_token_status(c, &token, TokenState::Suspended)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::TokenSuspend,
                    object: &format!("token:{}", token.serial),
                    details: json!({ "held": held, "not_held": not_held }),
                },
            )?;
            Ok(held)
        })
    }

    /// A token retired (terminated, ngừng sử dụng): every good or
    /// suspended certificate on it is revoked with cessationOfOperation
    /// (its keys were not disclosed: nothing is blocked) and the token is
    /// marked retired, in one transaction. Returns the revoked serials.
    pub fn token_retire(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.token_out_of_service(
            token_serial,
            TokenState::Retired,
            AuditAction::TokenRetire,
            actor,
        )
    }

    /// A token leaving service without its keys disclosed (damaged or
    /// retired): its good and suspended certificates revoked with
    /// cessationOfOperation, nothing blocked, the token set to `status`,
    /// one transaction and one `action` audit event.
    fn token_out_of_service(
        &self,
        token_serial: &str,
        status: TokenState,
        action: AuditAction,
        actor: &str,
    ) -> Result<Vec<String>, CaError> {
        let operation = if status == TokenState::Damaged {
            "token damaged"
        } else {
            "token retired"
        };
        self.store.write(|c| {
            let token = load_token(c, token_serial)?;
            check_transition(&token, status)?;
            let live: Vec<i64> = certificates::table
                .filter(certificates::token_id.eq(token.id))
                .filter(
                    certificates::status
                        .eq_any([CertStatus::Good.as_str(), CertStatus::Suspended.as_str()]),
                )
                .select(certificates::id)
                .load(c)?;
            let mut revoked = Vec::with_capacity(live.len());
            for id in live {
                revoked.push(revoke_row(
                    c,
                    id,
                    RevocationReason::CessationOfOperation,
                    None,
                    operation,
                    actor,
                )?);
            }
            set_token_status(c, &token, status)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action,
                    object: &format!("token:{}", token.serial),
                    details: json!({ "revoked": revoked }),
                },
            )?;
            Ok(revoked)
        })
    }
}

/// Sets a token's state (the transition checked by the caller).
fn set_token_status(
    c: &mut DbConnection,
    token: &TokenRow,
    status: TokenState,
) -> Result<(), CaError> {
    diesel::update(tokens::table.find(token.id))
        .set((tokens::status.eq(status), tokens::updated_at.eq(now())))
        .execute(c)?;
    Ok(())
}
