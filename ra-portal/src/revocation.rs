//! The live revocation status of a certificate, as relying parties see it:
//! the OCSP response the responder serves now (read from the store, where
//! the responder keeps its pre-signed responses) and, for a revoked or
//! suspended certificate, the CRL in which the revocation first appears.
//! Both are JSON objects of a certificate's details (`ocsp`, `crl`).

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use ca_core::ocsp::OcspStatus;
use ca_core::serial::Serial;
use ca_core::status::CertStatus;
use ca_core::store::models::CertificateRow;
use ca_core::{Ca, CaError};

use crate::error::PortalError;

/// The `ocsp` object: `available` false while the responder has signed
/// no response for the certificate yet; otherwise `status` (`good`,
/// `revoked`, `unknown`), `revoked_at` and `reason` (kebab-case) when
/// revoked, `this_update`, `next_update`, `produced_at` (RFC 3339).
pub fn ocsp(ca: &Ca, row: &CertificateRow) -> Result<Value, PortalError> {
    let serial: Serial = row.serial.parse().map_err(CaError::from)?;
    let Some(served) = ca.served_ocsp(&row.issuer_id, &serial)? else {
        return Ok(json!({ "available": false }));
    };
    let (status, revoked_at, reason) = match served.status {
        OcspStatus::Good => ("good", None, None),
        OcspStatus::Unknown => ("unknown", None, None),
        OcspStatus::Revoked { at, reason } => (
            "revoked",
            Some(at.to_rfc3339()),
            reason.map(|r| r.as_str().to_owned()),
        ),
    };
    Ok(json!({
        "available": true,
        "status": status,
        "revoked_at": revoked_at,
        "reason": reason,
        "this_update": served.this_update.to_rfc3339(),
        "next_update": served.next_update.to_rfc3339(),
        "produced_at": served.produced_at.to_rfc3339(),
    }))
}

/// The `crl` object of a revoked or suspended certificate (`null` for
/// others): `listed` false while no CRL lists it yet (the next one will);
/// otherwise the first CRL listing it since its status last changed:
/// `number`, `delta`, `shard`, `this_update`, `next_update`, `url` (that
/// CRL by number, `/crl/{issuer}/number/{n}.crl`) and `published_url`
/// (where the newest CRL of its kind is published).
pub fn crl(ca: &Ca, row: &CertificateRow) -> Result<Value, PortalError> {
    if !matches!(row.status, CertStatus::Revoked | CertStatus::Suspended) {
        return Ok(Value::Null);
    }
    let serial: Serial = row.serial.parse().map_err(CaError::from)?;
    let since: NaiveDateTime = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(ca_core::views::certificates::status_changed_at(c, row.id)?)
    })?;
    let Some(found) = ca.first_crl_listing(&row.issuer_id, &serial, since)? else {
        return Ok(json!({ "listed": false }));
    };
    Ok(json!({
        "listed": true,
        "number": found.number,
        "delta": found.delta,
        "shard": found.shard,
        "this_update": found.this_update.to_rfc3339(),
        "next_update": found.next_update.to_rfc3339(),
        "url": format!("/crl/{}/number/{}.crl", found.issuer, found.number),
        "published_url": found.url,
    }))
}
