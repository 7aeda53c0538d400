//! Ending and pausing certificates: revoke (thu hồi), suspend (tạm dừng),
//! restore (khôi phục), and the token state changes that act on every
//! certificate of a token (báo tạm mất, tìm thấy, báo mất, hỏng, ngừng sử
//! dụng) under the state machine of [`crate::registry::TOKEN_TRANSITIONS`].
//! Each is one transaction with one audit event.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::engine::now;
use super::transition::{change_status, StatusChange};
use super::CertificateRef;
use crate::audit::{self, AuditEvent};
use crate::registry::{
    check_token_transition, TOKEN_ACTIVE, TOKEN_DAMAGED, TOKEN_LOST, TOKEN_RETIRED, TOKEN_SUSPENDED,
};
use crate::rule::Rule;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::{BlockedKeyRow, CertificateRow, TokenRow};
use crate::store::schema::{blocked_keys, certificates, issuers, tokens};
use crate::store::DbConnection;
use crate::{Ca, CaError};

impl Ca {
    /// Revokes a certificate (good or suspended) with an RFC 5280 reason and
    /// an optional invalidity date. keyCompromise blocks its key for ever.
    pub fn revoke(
        &self,
        cert: &CertificateRef,
        reason: RevocationReason,
        invalidity_date: Option<DateTime<Utc>>,
        actor: &str,
    ) -> Result<CertificateRow, CaError> {
        check_revocation(reason, invalidity_date)?;
        self.store.write(|c| {
            let row = cert.find(c)?;
            revoke_row(c, row.id, reason, invalidity_date, "revoke")?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: "certificate.revoke",
                    object: &object(&row),
                    details: json!({
                        "reason": reason.as_str(),
                        "invalidity_date": invalidity_date.map(|d| d.to_rfc3339()),
                        "previous_status": row.status,
                    }),
                },
            )?;
            reload(c, row.id)
        })
    }

    /// Suspends a good certificate (certificateHold), where the issuer
    /// allows suspension.
    pub fn suspend(&self, cert: &CertificateRef, actor: &str) -> Result<CertificateRow, CaError> {
        self.store.write(|c| {
            let row = cert.find(c)?;
            check_suspend(c, &row)?;
            change_status(c, row.id, StatusChange::Suspended, now())?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: "certificate.suspend",
                    object: &object(&row),
                    details: json!({}),
                },
            )?;
            reload(c, row.id)
        })
    }

    /// Restores a suspended certificate to good. A revoked certificate
    /// cannot be restored.
    pub fn restore(&self, cert: &CertificateRef, actor: &str) -> Result<CertificateRow, CaError> {
        self.store.write(|c| {
            let row = cert.find(c)?;
            expect_status(&row, &[CertStatus::Suspended], "restore")?;
            change_status(c, row.id, StatusChange::Restored, now())?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: "certificate.restore",
                    object: &object(&row),
                    details: json!({ "suspended_at": row.revoked_at.map(|t| t.to_string()) }),
                },
            )?;
            reload(c, row.id)
        })
    }

    /// A lost token (active or temporarily lost before): every good or
    /// suspended certificate on it is revoked with keyCompromise, their
    /// keys are blocked, and the token is marked lost — at once, in one
    /// transaction. Returns the revoked serials.
    pub fn token_lost(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.store.write(|c| {
            let token: TokenRow = tokens::table
                .filter(tokens::serial.eq(token_serial.trim()))
                .select(TokenRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| CaError::UnknownToken {
                    serial: token_serial.to_owned(),
                })?;
            check_token_transition(&token, TOKEN_LOST)?;
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
                revoke_row(
                    c,
                    row.id,
                    RevocationReason::KeyCompromise,
                    None,
                    "token lost",
                )?;
                revoked.push(row.serial.clone());
            }
            diesel::update(tokens::table.find(token.id))
                .set((tokens::status.eq(TOKEN_LOST), tokens::updated_at.eq(now())))
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: "token.lost",
                    object: &format!("token:{}", token.serial),
                    details: json!({ "revoked": revoked }),
                },
            )?;
            Ok(revoked)
        })
    }
}

impl Ca {
    /// A damaged token: every good or suspended certificate on it is
    /// revoked with cessationOfOperation (the keys died with the device,
    /// they were not disclosed: nothing is blocked) and the token is marked
    /// damaged, in one transaction. Returns the revoked serials.
    pub fn token_damaged(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.token_out_of_service(token_serial, TOKEN_DAMAGED, "token.damaged", actor)
    }

    /// A temporarily lost (suspended) token found again: it returns to
    /// service (active) and every certificate on hold on it is restored to
    /// good. A permanently lost token stays lost. Returns the restored
    /// serials.
    pub fn token_found(&self, token_serial: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.store.write(|c| {
            let token = crate::registry::load_token(c, token_serial)?;
            check_token_transition(&token, TOKEN_ACTIVE)?;
            let held: Vec<CertificateRow> = certificates::table
                .filter(certificates::token_id.eq(token.id))
                .filter(certificates::status.eq(CertStatus::Suspended.as_str()))
                .select(CertificateRow::as_select())
                .load(c)?;
            let now = now();
            for row in &held {
                change_status(c, row.id, StatusChange::Restored, now)?;
            }
            set_token_status(c, &token, TOKEN_ACTIVE)?;
            let restored: Vec<String> = held.into_iter().map(|r| r.serial).collect();
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: "token.found",
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
            let token = crate::registry::load_token(c, token_serial)?;
            check_token_transition(&token, TOKEN_SUSPENDED)?;
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
            set_token_status(c, &token, TOKEN_SUSPENDED)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: "token.suspend",
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
        self.token_out_of_service(token_serial, TOKEN_RETIRED, "token.retire", actor)
    }

    /// A token leaving service without its keys disclosed (damaged or
    /// retired): its good and suspended certificates revoked with
    /// cessationOfOperation, nothing blocked, the token set to `status`,
    /// one transaction and one `action` audit event.
    fn token_out_of_service(
        &self,
        token_serial: &str,
        status: &'static str,
        action: &'static str,
        actor: &str,
    ) -> Result<Vec<String>, CaError> {
        let operation = if status == TOKEN_DAMAGED {
            "token damaged"
        } else {
            "token retired"
        };
        self.store.write(|c| {
            let token = crate::registry::load_token(c, token_serial)?;
            check_token_transition(&token, status)?;
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

/// Refuses a revocation reason or invalidity date a revocation cannot
/// take (certificateHold is a suspension).
pub(crate) fn check_revocation(
    reason: RevocationReason,
    invalidity_date: Option<DateTime<Utc>>,
) -> Result<(), CaError> {
    if matches!(reason, RevocationReason::CertificateHold) {
        return Err(Rule::InvalidReason.refuse(
            "certificate-hold is a suspension: submit a suspend request (govpki cert suspend)",
        ));
    }
    if invalidity_date.is_some_and(|d| d > Utc::now()) {
        return Err(CaError::Refused(
            "the invalidity date is in the future".into(),
        ));
    }
    Ok(())
}

/// Refuses to suspend a certificate that is not good, or whose issuer
/// does not allow suspension.
pub(crate) fn check_suspend(c: &mut DbConnection, row: &CertificateRow) -> Result<(), CaError> {
    let allowed: bool = issuers::table
        .filter(issuers::id.eq(&row.issuer_id))
        .select(issuers::allow_suspend)
        .first(c)?;
    if !allowed {
        return Err(CaError::SuspendDisabled {
            issuer: row.issuer_id.clone(),
        });
    }
    expect_status(row, &[CertStatus::Good], "suspend")
}

/// Sets a token's state (the transition checked by the caller).
fn set_token_status(c: &mut DbConnection, token: &TokenRow, status: &str) -> Result<(), CaError> {
    diesel::update(tokens::table.find(token.id))
        .set((tokens::status.eq(status), tokens::updated_at.eq(now())))
        .execute(c)?;
    Ok(())
}

/// Revokes one certificate row inside the caller's transaction; refuses a
/// pending or already revoked one. Blocks the key on keyCompromise. Returns
/// the serial.
pub(crate) fn revoke_row(
    c: &mut DbConnection,
    id: i64,
    reason: RevocationReason,
    invalidity_date: Option<DateTime<Utc>>,
    operation: &'static str,
) -> Result<String, CaError> {
    let row = reload(c, id)?;
    expect_status(&row, &[CertStatus::Good, CertStatus::Suspended], operation)?;
    change_status(
        c,
        id,
        StatusChange::Revoked {
            reason,
            invalidity_date: invalidity_date.map(|d| d.naive_utc()),
        },
        now(),
    )?;
    Ok(row.serial)
}

/// Adds a key to the blocked list (idempotent).
pub(crate) fn block_key(
    c: &mut DbConnection,
    spki_sha256: &str,
    reason: &str,
    certificate_id: Option<i64>,
) -> Result<(), CaError> {
    let exists = blocked_keys::table
        .find(spki_sha256)
        .count()
        .get_result::<i64>(c)?
        > 0;
    if !exists {
        diesel::insert_into(blocked_keys::table)
            .values(BlockedKeyRow {
                spki_sha256: spki_sha256.to_owned(),
                reason: reason.to_owned(),
                certificate_id,
                created_at: now(),
            })
            .execute(c)?;
    }
    Ok(())
}

pub(crate) fn expect_status(
    row: &CertificateRow,
    allowed: &[CertStatus],
    operation: &'static str,
) -> Result<(), CaError> {
    let status = CertStatus::parse(&row.status);
    if status.is_some_and(|s| allowed.contains(&s)) {
        return Ok(());
    }
    let mut described = row.status.clone();
    if let Some(reason) = &row.revocation_reason {
        described = format!("{described} ({reason})");
    }
    Err(CaError::InvalidTransition {
        serial: row.serial.clone(),
        operation,
        status: described,
    })
}

fn reload(c: &mut DbConnection, id: i64) -> Result<CertificateRow, CaError> {
    Ok(certificates::table
        .find(id)
        .select(CertificateRow::as_select())
        .first(c)?)
}

fn object(row: &CertificateRow) -> String {
    format!("certificate:{}/{}", row.issuer_id, row.serial)
}
