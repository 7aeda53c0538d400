//! What the OCSP responder serves now for a certificate: its pre-signed
//! response as stored in the `ocsp_responses` table, read back and parsed.
//! For pages and reports that show the live OCSP answer without asking the
//! responder over HTTP.

use chrono::{DateTime, Utc};
use der::Decode;
use diesel::prelude::*;
use x509_cert::ext::pkix::CrlReason;
use x509_ocsp::{BasicOcspResponse, CertStatus, OcspGeneralizedTime, OcspResponse};

use super::{OcspError, OcspStatus};
use crate::serial::Serial;
use crate::status::RevocationReason;
use crate::store::models::OcspResponseRow;
use crate::store::schema::ocsp_responses;
use crate::{Ca, CaError};

/// A stored (pre-signed) OCSP response, as the responder serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedOcsp {
    /// The status the response states.
    pub status: OcspStatus,
    /// Its thisUpdate.
    pub this_update: DateTime<Utc>,
    /// Its nextUpdate.
    pub next_update: DateTime<Utc>,
    /// Its producedAt (when it was signed).
    pub produced_at: DateTime<Utc>,
    /// The CertID hash algorithm it answers (`sha1`, `sha256`).
    pub hash_alg: String,
}

impl Ca {
    /// The response the OCSP responder serves now for `serial` under
    /// `issuer_id`: the newest stored response (any CertID hash; they state
    /// the same status), parsed. `None` while the responder has not signed
    /// one yet. A stored response that does not parse is an error.
    pub fn served_ocsp(
        &self,
        issuer_id: &str,
        serial: &Serial,
    ) -> Result<Option<ServedOcsp>, CaError> {
        let row: Option<OcspResponseRow> = self.store.read(|c| -> Result<_, CaError> {
            Ok(ocsp_responses::table
                .filter(ocsp_responses::issuer_id.eq(issuer_id))
                .filter(ocsp_responses::serial.eq(serial.to_hex()))
                .order((
                    ocsp_responses::this_update.desc(),
                    ocsp_responses::hash_alg.asc(),
                ))
                .select(OcspResponseRow::as_select())
                .first(c)
                .optional()?)
        })?;
        row.map(|r| parse_served(&r).map_err(CaError::from))
            .transpose()
    }
}

/// Reads the status and times out of a stored response's DER.
fn parse_served(row: &OcspResponseRow) -> Result<ServedOcsp, OcspError> {
    let response = OcspResponse::from_der(&row.der)?;
    let bytes = response
        .response_bytes
        .ok_or_else(|| OcspError::Malformed("the stored response is not successful".into()))?;
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())?;
    let data = basic.tbs_response_data;
    let single = data
        .responses
        .first()
        .ok_or_else(|| OcspError::Malformed("the stored response has no SingleResponse".into()))?;
    let status = match &single.cert_status {
        CertStatus::Good(_) => OcspStatus::Good,
        CertStatus::Unknown(_) => OcspStatus::Unknown,
        CertStatus::Revoked(info) => OcspStatus::Revoked {
            at: time(&info.revocation_time)?,
            reason: info.revocation_reason.map(reason),
        },
    };
    let next_update = single.next_update.as_ref().unwrap_or(&single.this_update);
    Ok(ServedOcsp {
        status,
        this_update: time(&single.this_update)?,
        next_update: time(next_update)?,
        produced_at: time(&data.produced_at)?,
        hash_alg: row.hash_alg.clone(),
    })
}

fn time(t: &OcspGeneralizedTime) -> Result<DateTime<Utc>, OcspError> {
    let secs = t.0.to_unix_duration().as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(|| OcspError::Time(format!("{secs} seconds after 1970")))
}

fn reason(r: CrlReason) -> RevocationReason {
    match r {
        CrlReason::KeyCompromise => RevocationReason::KeyCompromise,
        CrlReason::CaCompromise => RevocationReason::CaCompromise,
        CrlReason::AffiliationChanged => RevocationReason::AffiliationChanged,
        CrlReason::Superseded => RevocationReason::Superseded,
        CrlReason::CessationOfOperation => RevocationReason::CessationOfOperation,
        CrlReason::CertificateHold => RevocationReason::CertificateHold,
        CrlReason::PrivilegeWithdrawn => RevocationReason::PrivilegeWithdrawn,
        CrlReason::AaCompromise => RevocationReason::AaCompromise,
        _ => RevocationReason::Unspecified,
    }
}
