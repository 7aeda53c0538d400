//! The one place a certificate's status changes. Issuance, revocation,
//! suspension, restoration, supersession (a revocation by a replacement)
//! and the resolution of an interrupted issuance (`doctor`) all go through
//! [`change_status`], which sets the status, the reason and the dates
//! together with `status_changed_at` (what OCSP responders poll), and
//! blocks the key when the reason says it was compromised, and records the
//! change for the OCSP responders' notification ([`crate::status_events`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::status::{CertStatus, RevocationReason};
use crate::store::schema::certificates;
use crate::store::DbConnection;
use crate::CaError;

/// A change of a certificate's status.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StatusChange<'a> {
    /// A recorded (pending) certificate, signed and checked: good.
    Issued {
        /// The certificate.
        cert_der: &'a [u8],
    },
    /// A pending record that will never be a valid certificate (its
    /// signing failed, or it was interrupted): revoked
    /// cessationOfOperation, so that OCSP never calls its serial good.
    Abandoned {
        /// The certificate, when it was signed after all.
        cert_der: Option<&'a [u8]>,
    },
    /// Revoked with a reason (from good or suspended).
    Revoked {
        /// Why.
        reason: RevocationReason,
        /// When the key is known or suspected to have been compromised.
        invalidity_date: Option<NaiveDateTime>,
    },
    /// On hold: certificateHold (from good).
    Suspended,
    /// Back to good (from suspended).
    Restored,
}

impl StatusChange<'_> {
    /// The states the change applies to.
    fn from(&self) -> &'static [CertStatus] {
        match self {
            Self::Issued { .. } | Self::Abandoned { .. } => &[CertStatus::Pending],
            Self::Revoked { .. } => &[CertStatus::Good, CertStatus::Suspended],
            Self::Suspended => &[CertStatus::Good],
            Self::Restored => &[CertStatus::Suspended],
        }
    }
}

/// Applies `change` to certificate `id` if its status is one the change
/// applies to, inside the caller's transaction; returns whether it did.
/// A revocation for keyCompromise also blocks the certificate's key.
pub(crate) fn change_status(
    c: &mut DbConnection,
    id: i64,
    change: StatusChange<'_>,
    now: NaiveDateTime,
) -> Result<bool, CaError> {
    let from: Vec<&str> = change.from().iter().map(|s| s.as_str()).collect();
    let row = certificates::table
        .filter(certificates::id.eq(id))
        .filter(certificates::status.eq_any(from));
    let updated = match change {
        StatusChange::Issued { cert_der } => diesel::update(row)
            .set((
                certificates::status.eq(CertStatus::Good.as_str()),
                certificates::cert_der.eq(cert_der),
                certificates::issued_at.eq(now),
                certificates::status_changed_at.eq(now),
            ))
            .execute(c)?,
        StatusChange::Abandoned { cert_der } => diesel::update(row)
            .set((
                certificates::status.eq(CertStatus::Revoked.as_str()),
                certificates::cert_der.eq(cert_der),
                certificates::revoked_at.eq(now),
                certificates::revocation_reason.eq(RevocationReason::CessationOfOperation.as_str()),
                certificates::status_changed_at.eq(now),
            ))
            .execute(c)?,
        StatusChange::Revoked {
            reason,
            invalidity_date,
        } => diesel::update(row)
            .set((
                certificates::status.eq(CertStatus::Revoked.as_str()),
                certificates::revoked_at.eq(now),
                certificates::revocation_reason.eq(reason.as_str()),
                certificates::invalidity_date.eq(invalidity_date),
                certificates::status_changed_at.eq(now),
            ))
            .execute(c)?,
        StatusChange::Suspended => diesel::update(row)
            .set((
                certificates::status.eq(CertStatus::Suspended.as_str()),
                certificates::revoked_at.eq(now),
                certificates::revocation_reason.eq(RevocationReason::CertificateHold.as_str()),
                certificates::status_changed_at.eq(now),
            ))
            .execute(c)?,
        StatusChange::Restored => diesel::update(row)
            .set((
                certificates::status.eq(CertStatus::Good.as_str()),
                certificates::revoked_at.eq(None::<NaiveDateTime>),
                certificates::revocation_reason.eq(None::<String>),
                certificates::status_changed_at.eq(now),
            ))
            .execute(c)?,
    };
    if updated == 0 {
        return Ok(false);
    }
    crate::status_events::record(c, id)?;
    if let StatusChange::Revoked {
        reason: RevocationReason::KeyCompromise,
        ..
    } = change
    {
        let spki: String = certificates::table
            .find(id)
            .select(certificates::spki_sha256)
            .first(c)?;
        super::revoke::block_key(c, &spki, "key compromise", Some(id))?;
    }
    Ok(true)
}
