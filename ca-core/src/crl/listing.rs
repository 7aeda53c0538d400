//! Which CRL first listed a certificate: the earliest CRL (full or delta)
//! of its issuer's shard, generated since its status last changed, whose
//! revokedCertificates hold its serial.

use chrono::NaiveDateTime;
use der::Decode;
use diesel::prelude::*;
use x509_cert::crl::CertificateList;

use super::generate::shard_count;
use super::history::{self, shard_column, CrlHead};
use super::{shard_of, CrlError, CrlSummary};
use crate::serial::Serial;
use crate::store::schema::crls;
use crate::{Ca, CaError};

/// Most CRLs read when looking for the first one listing a certificate.
const SCAN_LIMIT: i64 = 200;

impl Ca {
    /// The earliest CRL of `issuer` (on the shard of `serial`, full or
    /// delta) generated at or after `since` that lists `serial`, read from
    /// the stored DER; `None` when no CRL lists it yet (it will be in the
    /// next one). `since` is when the certificate's status last changed
    /// (`status_changed_at`), so that a CRL listing an earlier suspension
    /// is not taken for the revocation. At most [`SCAN_LIMIT`] CRLs are read.
    pub fn first_crl_listing(
        &self,
        issuer: &str,
        serial: &Serial,
        since: NaiveDateTime,
    ) -> Result<Option<CrlSummary>, CaError> {
        let shards = shard_count(&self.issuer(issuer)?);
        let shard = shard_of(serial, shards);
        let public_url = self.public_url()?;
        let found = self.store.read(|c| -> Result<Option<CrlHead>, CaError> {
            let heads: Vec<CrlHead> = crls::table
                .filter(crls::issuer_id.eq(issuer))
                .filter(crls::shard.eq(shard_column(shard)))
                .filter(crls::created_at.ge(since))
                .order(crls::number.asc())
                .limit(SCAN_LIMIT)
                .select(CrlHead::as_select())
                .load(c)?;
            for head in heads {
                let Some(row) = history::by_number(c, issuer, head.number)? else {
                    continue;
                };
                if lists(&row.der, serial).map_err(|detail| CrlError::CorruptStored {
                    issuer: issuer.to_owned(),
                    number: head.number,
                    detail,
                })? {
                    return Ok(Some(head));
                }
            }
            Ok(None)
        })?;
        Ok(found.map(|h| super::query::summary(h, shards, &public_url)))
    }
}

/// Whether the DER CRL lists `serial`.
fn lists(der: &[u8], serial: &Serial) -> Result<bool, String> {
    let crl = CertificateList::from_der(der).map_err(|e| e.to_string())?;
    let wanted = serial.as_bytes();
    Ok(crl
        .tbs_cert_list
        .revoked_certificates
        .iter()
        .flatten()
        .any(|r| magnitude(r.serial_number.as_bytes()) == wanted))
}

/// A DER INTEGER's content without its leading zero octets.
fn magnitude(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    &bytes[start..]
}
