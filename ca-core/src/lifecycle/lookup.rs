//! Finding certificates by serial, and what `cert show` prints.

use diesel::prelude::*;

use crate::serial::Serial;
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
            status: r.status.clone(),
            subject: r.subject_dn.clone(),
            profile: r.profile.clone(),
            operation: r.operation.clone(),
            subscriber_id: r.subscriber_id,
            not_before: rfc3339(r.not_before),
            not_after: rfc3339(r.not_after),
            revoked_at: r.revoked_at.map(rfc3339),
            revocation_reason: r.revocation_reason.clone(),
            pem: r.cert_der.as_deref().map(crate::certificate::der_to_pem),
        }
    }
}
