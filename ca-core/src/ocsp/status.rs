//! What a certificate's row means to OCSP.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::serial::Serial;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::CertificateRow;
use crate::store::schema::certificates;
use crate::{Ca, CaError};

/// The status one SingleResponse states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspStatus {
    /// Issued and neither revoked nor suspended.
    Good,
    /// Revoked, suspended (certificateHold), or never successfully issued.
    Revoked {
        /// The revocationTime.
        at: DateTime<Utc>,
        /// The revocationReason, when one is recorded.
        reason: Option<RevocationReason>,
    },
    /// Not a serial of this issuer (or a row this version cannot read).
    Unknown,
}

/// The OCSP status of a certificate row:
///
/// - `good` → [`OcspStatus::Good`];
/// - `revoked` → revoked at `revoked_at` with the recorded reason;
/// - `suspended` → revoked at `revoked_at` with `certificateHold`, so that a
///   restored certificate can become good again (RFC 5280 §5.3.1);
/// - `pending` → revoked at `created_at` with no reason. The serial is
///   recorded but no certificate was handed out: the cycle is either still
///   signing (nobody can hold the certificate yet) or was interrupted, and
///   `govpki doctor` or the failed-signing path then ends it revoked. RFC
///   6960 §2.2 allows "revoked" for a certificate that was not issued, and
///   it is the answer that fails closed: never `good` for a certificate the
///   CA does not hold as issued, and not `certificateHold`, which would
///   claim a suspension nobody decided. The row is answered again (signed
///   anew) when its status changes.
///
/// A revoked row without a time (not written by this CA) uses `created_at`.
/// (A stored status or reason this CA does not know never reaches here:
/// reading such a row fails.)
pub fn status_from_row(row: &CertificateRow) -> OcspStatus {
    let at = row.revoked_at.unwrap_or(row.created_at).and_utc();
    let reason = row.revocation_reason;
    match row.status {
        CertStatus::Good => OcspStatus::Good,
        CertStatus::Revoked => OcspStatus::Revoked { at, reason },
        CertStatus::Suspended => OcspStatus::Revoked {
            at,
            reason: Some(RevocationReason::CertificateHold),
        },
        CertStatus::Pending => OcspStatus::Revoked {
            at: row.created_at.and_utc(),
            reason: None,
        },
    }
}

impl Ca {
    /// The OCSP status of `serial` under `issuer_id`: the row's status, or
    /// [`OcspStatus::Unknown`] for a serial the issuer never recorded.
    pub fn ocsp_status(&self, issuer_id: &str, serial: &Serial) -> Result<OcspStatus, CaError> {
        let row: Option<CertificateRow> = self.store.read(|c| -> Result<_, CaError> {
            Ok(certificates::table
                .filter(certificates::issuer_id.eq(issuer_id))
                .filter(certificates::serial.eq(serial.to_hex()))
                .select(CertificateRow::as_select())
                .first(c)
                .optional()?)
        })?;
        Ok(row.as_ref().map_or(OcspStatus::Unknown, status_from_row))
    }
}
