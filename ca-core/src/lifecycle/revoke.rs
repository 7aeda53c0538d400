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
use crate::audit::{self, AuditAction, AuditEvent};
use crate::rule::Rule;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::{BlockedKeyRow, CertificateRow};
use crate::store::schema::{blocked_keys, certificates, issuers};
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
            revoke_row(c, row.id, reason, invalidity_date, "revoke", actor)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CertificateRevoke,
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
                    action: AuditAction::CertificateSuspend,
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
                    action: AuditAction::CertificateRestore,
                    object: &object(&row),
                    details: json!({ "suspended_at": row.revoked_at.map(|t| t.to_string()) }),
                },
            )?;
            reload(c, row.id)
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

/// Revokes one certificate row inside the caller's transaction; refuses a
/// pending or already revoked one. On keyCompromise the key is blocked and
/// every other live subscriber certificate carrying it is revoked too
/// ([`revoke_key_everywhere`]). Returns the serial.
pub(crate) fn revoke_row(
    c: &mut DbConnection,
    id: i64,
    reason: RevocationReason,
    invalidity_date: Option<DateTime<Utc>>,
    operation: &'static str,
    actor: &str,
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
    if reason == RevocationReason::KeyCompromise {
        revoke_key_everywhere(c, &row, invalidity_date, actor)?;
    }
    Ok(row.serial)
}

/// Revokes one certificate of a list being revoked for key compromise
/// (a lost token's, `doctor --fix`'s), unless an earlier one in the list
/// already took it with it ([`revoke_key_everywhere`]).
pub(crate) fn revoke_compromised(
    c: &mut DbConnection,
    id: i64,
    operation: &'static str,
    actor: &str,
) -> Result<(), CaError> {
    let status: CertStatus = certificates::table
        .find(id)
        .select(certificates::status)
        .first(c)?;
    if status != CertStatus::Revoked {
        revoke_row(
            c,
            id,
            RevocationReason::KeyCompromise,
            None,
            operation,
            actor,
        )?;
    }
    Ok(())
}

/// A compromised key dies everywhere: revokes (keyCompromise) every live
/// subscriber certificate other than `compromised` that carries its key,
/// whoever holds it, with one audit event each naming the certificate
/// whose compromise it follows. Returns their serials.
pub(crate) fn revoke_key_everywhere(
    c: &mut DbConnection,
    compromised: &CertificateRow,
    invalidity_date: Option<DateTime<Utc>>,
    actor: &str,
) -> Result<Vec<String>, CaError> {
    let sharing: Vec<CertificateRow> = certificates::table
        .filter(certificates::spki_sha256.eq(&compromised.spki_sha256))
        .filter(certificates::id.ne(compromised.id))
        .filter(certificates::subscriber_id.is_not_null())
        .filter(
            certificates::status
                .eq_any([CertStatus::Good.as_str(), CertStatus::Suspended.as_str()]),
        )
        .select(CertificateRow::as_select())
        .load(c)?;
    let mut revoked = Vec::with_capacity(sharing.len());
    for row in sharing {
        change_status(
            c,
            row.id,
            StatusChange::Revoked {
                reason: RevocationReason::KeyCompromise,
                invalidity_date: invalidity_date.map(|d| d.naive_utc()),
            },
            now(),
        )?;
        audit::append(
            c,
            AuditEvent {
                actor,
                action: AuditAction::CertificateRevoke,
                object: &object(&row),
                details: json!({
                    "reason": RevocationReason::KeyCompromise.as_str(),
                    "previous_status": row.status,
                    "shares_key_with": object(compromised),
                    "spki_sha256": row.spki_sha256,
                }),
            },
        )?;
        revoked.push(row.serial);
    }
    Ok(revoked)
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
    if allowed.contains(&row.status) {
        return Ok(());
    }
    let mut described = row.status.to_string();
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
