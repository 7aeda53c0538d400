//! Reading the hierarchy: list, export, the issuer a request goes to.

use diesel::prelude::*;

use super::{DEFAULT_ISSUER_SETTING, ISSUER_ACTIVE};
use crate::certificate::{der_to_pem, fingerprint};
use crate::store::models::IssuerRow;
use crate::store::schema::issuers;
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// An issuer as `ca list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuerInfo {
    /// The id.
    pub id: String,
    /// The parent issuer.
    pub parent: Option<String>,
    /// The subject DN.
    pub subject: String,
    /// SHA-256 fingerprint of the certificate (empty while awaiting one).
    pub fingerprint: String,
    /// active, awaiting-certificate, pending, aborted.
    pub status: String,
    /// The key type.
    pub key: String,
    /// What it signs with (`sha256WithRSAEncryption` …).
    pub signature_algorithm: String,
    /// End of validity.
    pub not_after: Option<String>,
    /// How many CRL shards its certificates are spread over (see
    /// [`crate::crl::CrlName`]).
    pub crl_shards: u32,
}

impl Ca {
    /// Every issuer, roots first.
    pub fn issuers(&self) -> Result<Vec<IssuerInfo>, CaError> {
        let rows = self.store.read(load_all)?;
        Ok(rows
            .iter()
            .map(|r| IssuerInfo {
                id: r.id.clone(),
                parent: r.parent_id.clone(),
                subject: r.subject_dn.clone(),
                fingerprint: r.cert_der.as_deref().map(fingerprint).unwrap_or_default(),
                status: r.status.to_string(),
                key: r.key_spec.clone(),
                signature_algorithm: r.signature_algorithm.clone(),
                not_after: r.not_after.map(|t| t.and_utc().to_rfc3339()),
                crl_shards: u32::try_from(r.crl_shards).unwrap_or(1).max(1),
            })
            .collect())
    }

    /// An issuer's row.
    pub fn issuer(&self, id: &str) -> Result<IssuerRow, CaError> {
        self.store.read(|c| load(c, id))
    }

    /// The PEM certificate of an issuer, or with `chain` the issuer up to
    /// its root (as far as the chain is known).
    pub fn export(&self, id: &str, chain: bool) -> Result<String, CaError> {
        let mut out = String::new();
        let mut next = Some(id.to_owned());
        let mut seen = 0;
        while let Some(current) = next {
            let row = self.issuer(&current)?;
            let der = row
                .cert_der
                .as_deref()
                .ok_or_else(|| CaError::IssuerUnavailable {
                    id: row.id.clone(),
                    reason: format!("it has no certificate yet ({})", row.status),
                })?;
            out.push_str(&der_to_pem(der));
            seen += 1;
            next = if chain && seen < 16 {
                row.parent_id
            } else {
                None
            };
        }
        Ok(out)
    }
}

/// Every issuer row, parents before children.
pub(crate) fn load_all(c: &mut DbConnection) -> Result<Vec<IssuerRow>, CaError> {
    let mut rows: Vec<IssuerRow> = issuers::table
        .order(issuers::created_at.asc())
        .select(IssuerRow::as_select())
        .load(c)?;
    rows.sort_by_key(|r| r.parent_id.is_some());
    Ok(rows)
}

/// One issuer row.
pub(crate) fn load(c: &mut DbConnection, id: &str) -> Result<IssuerRow, CaError> {
    issuers::table
        .find(id)
        .select(IssuerRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| CaError::UnknownIssuer { id: id.to_owned() })
}

/// An issuer that can sign now.
pub(crate) fn usable_issuer(c: &mut DbConnection, id: &str) -> Result<IssuerRow, CaError> {
    let row = load(c, id)?;
    if row.status != ISSUER_ACTIVE || row.cert_der.is_none() {
        return Err(CaError::IssuerUnavailable {
            id: row.id,
            reason: format!("it is {}", row.status),
        });
    }
    Ok(row)
}

/// The issuer `init` made for subscriber certificates.
pub(crate) fn default_issuer(c: &mut DbConnection) -> Result<String, CaError> {
    crate::ca::setting(c, DEFAULT_ISSUER_SETTING)?.ok_or(CaError::NotInitialized)
}
