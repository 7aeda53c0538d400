//! Finding certificates by serial, and what `cert show` prints.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::serial::Serial;
use crate::status::CertStatus;
use crate::store::models::CertificateRow;
use crate::store::schema::certificates;
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// A certificate named by serial, optionally under one issuer.
#[derive(Debug, Clone)]
pub struct CertificateRef {
    /// The serial.
    pub serial: Serial,
    /// The issuer, when the serial alone is ambiguous.
    pub issuer: Option<String>,
}

impl CertificateRef {
    /// By serial only.
    pub fn serial(serial: Serial) -> Self {
        Self {
            serial,
            issuer: None,
        }
    }

    /// The row, inside a transaction or not.
    pub(crate) fn find(&self, c: &mut DbConnection) -> Result<CertificateRow, CaError> {
        let hex = self.serial.to_hex();
        let mut query = certificates::table
            .filter(certificates::serial.eq(&hex))
            .select(CertificateRow::as_select())
            .into_boxed();
        if let Some(issuer) = &self.issuer {
            query = query.filter(certificates::issuer_id.eq(issuer));
        }
        let mut rows: Vec<CertificateRow> = query.limit(10).load(c)?;
        match rows.len() {
            0 => Err(CaError::UnknownCertificate { serial: hex }),
            1 => Ok(rows.remove(0)),
            _ => Err(CaError::AmbiguousSerial {
                serial: hex,
                issuers: rows
                    .iter()
                    .map(|r| r.issuer_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }
}

/// A certificate as people read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertificateInfo {
    /// Lowercase hex serial.
    pub serial: String,
    /// The issuer id.
    pub issuer: String,
    /// good, suspended, revoked or pending.
    pub status: String,
    /// The subject DN (RFC 4514).
    pub subject: String,
    /// The profile.
    pub profile: String,
    /// What produced it (issue, renew, change-info, reissue, sub-ca, root).
    pub operation: String,
    /// The subscriber.
    pub subscriber_id: Option<i64>,
    /// Start of validity (RFC 3339).
    pub not_before: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
    /// When it was revoked or suspended.
    pub revoked_at: Option<String>,
    /// Why.
    pub revocation_reason: Option<String>,
    /// The certificate PEM (absent while pending).
    pub pem: Option<String>,
}

impl Ca {
    /// A certificate, for display.
    pub fn certificate(&self, cert: &CertificateRef) -> Result<CertificateInfo, CaError> {
        let row = self.store.read(|c| cert.find(c))?;
        Ok(CertificateInfo::from(&row))
    }

    /// Every certificate of a subscriber, newest first.
    pub fn certificates_of(&self, subscriber_id: i64) -> Result<Vec<CertificateInfo>, CaError> {
        let rows: Vec<CertificateRow> = self.store.read(|c| {
            certificates::table
                .filter(certificates::subscriber_id.eq(subscriber_id))
                .order(certificates::id.desc())
                .select(CertificateRow::as_select())
                .load(c)
                .map_err(CaError::from)
        })?;
        Ok(rows.iter().map(CertificateInfo::from).collect())
    }
}

impl From<&CertificateRow> for CertificateInfo {
    fn from(r: &CertificateRow) -> Self {
        let rfc3339 = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
        Self {
            serial: r.serial.clone(),
            issuer: r.issuer_id.clone(),
            status: r.status.to_string(),
            subject: r.subject_dn.clone(),
            profile: r.profile.clone(),
            operation: r.operation.clone(),
            subscriber_id: r.subscriber_id,
            not_before: rfc3339(r.not_before),
            not_after: rfc3339(r.not_after),
            revoked_at: r.revoked_at.map(rfc3339),
            revocation_reason: r.revocation_reason.map(|r| r.as_str().to_owned()),
            pem: r.cert_der.as_deref().map(crate::certificate::der_to_pem),
        }
    }
}

/// Where a certificate is, in brief: what a job replacing certificates
/// needs to name and check one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateBrief {
    /// The issuer id.
    pub issuer_id: String,
    /// Lowercase hex serial.
    pub serial: String,
    /// Its status.
    pub status: CertStatus,
}

/// The certificates of `ids` that exist, by id (inside the caller's
/// transaction; any number of ids).
pub fn briefs(
    c: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, CertificateBrief>, CaError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(5000) {
        let rows: Vec<(i64, String, String, CertStatus)> = certificates::table
            .filter(certificates::id.eq_any(chunk))
            .select((
                certificates::id,
                certificates::issuer_id,
                certificates::serial,
                certificates::status,
            ))
            .load(c)?;
        out.extend(rows.into_iter().map(|(id, issuer_id, serial, status)| {
            (
                id,
                CertificateBrief {
                    issuer_id,
                    serial,
                    status,
                },
            )
        }));
    }
    Ok(out)
}

/// The issued certificates replacing any of `olds`: old id → new id
/// (inside the caller's transaction).
pub fn replacements(c: &mut DbConnection, olds: &[i64]) -> Result<HashMap<i64, i64>, CaError> {
    let mut out = HashMap::with_capacity(olds.len());
    for chunk in olds.chunks(5000) {
        let rows: Vec<(Option<i64>, i64)> = certificates::table
            .filter(certificates::replaces_id.eq_any(chunk))
            .filter(certificates::cert_der.is_not_null())
            .filter(certificates::status.ne(CertStatus::Pending.as_str()))
            .select((certificates::replaces_id, certificates::id))
            .load(c)?;
        out.extend(
            rows.into_iter()
                .filter_map(|(old, new)| old.map(|o| (o, new))),
        );
    }
    Ok(out)
}

impl Ca {
    /// The subscriber's good certificate on a key (SHA-256 of its
    /// SubjectPublicKeyInfo, as [`crate::csr::SubscriberKey::spki_sha256_hex`]
    /// gives it), the newest if several: (serial, DER). What a resumed
    /// batch hands out instead of certifying the key again.
    pub fn good_certificate_on_key(
        &self,
        subscriber_id: i64,
        spki_sha256: &str,
    ) -> Result<Option<(Serial, Vec<u8>)>, CaError> {
        let row: Option<(String, Option<Vec<u8>>)> =
            self.store.read(|c| -> Result<_, CaError> {
                Ok(certificates::table
                    .filter(certificates::subscriber_id.eq(subscriber_id))
                    .filter(certificates::spki_sha256.eq(spki_sha256))
                    .filter(certificates::status.eq(CertStatus::Good.as_str()))
                    .order(certificates::id.desc())
                    .select((certificates::serial, certificates::cert_der))
                    .first(c)
                    .optional()?)
            })?;
        match row {
            Some((serial, Some(der))) => Ok(Some((serial.parse::<Serial>()?, der))),
            _ => Ok(None),
        }
    }
}
