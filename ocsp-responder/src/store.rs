//! The responder's narrow view of the database, through ca-core: the
//! stored responses ([`ca_core::ocsp::responses`]) and the certificates
//! whose status changed since a time ([`ca_core::views::ocsp`]).

use ca_core::ocsp::responses;
use ca_core::store::models::{CertificateRow, OcspResponseRow};
use ca_core::views::ocsp as view;
use ca_core::{Ca, CaError};
use chrono::NaiveDateTime;

/// Rows read per query when scanning certificates.
const PAGE: i64 = 1000;

/// Every stored response.
pub(crate) fn load_all(ca: &Ca) -> Result<Vec<OcspResponseRow>, CaError> {
    ca.store()
        .read(|c| -> Result<_, CaError> { Ok(responses::all(c)?) })
}

/// The stored response for (issuer, serial, hash), if any.
pub(crate) fn find(
    ca: &Ca,
    issuer_id: &str,
    serial: &str,
    hash: &str,
) -> Result<Option<OcspResponseRow>, CaError> {
    ca.store()
        .read(|c| -> Result<_, CaError> { Ok(responses::find(c, issuer_id, serial, hash)?) })
}

/// Replaces the stored response for the row's (issuer, serial, hash)
/// (update, else insert; see [`responses::save`]), outside a transaction.
pub(crate) fn save(ca: &Ca, row: &OcspResponseRow) -> Result<(), CaError> {
    ca.store()
        .read(|c| -> Result<_, CaError> { Ok(responses::save(c, row)?) })
}

/// Certificates (not pending) whose status changed at or after `since`
/// (all of them when `None`), `PAGE` at a time after id `after`.
pub(crate) fn changed_since(
    ca: &Ca,
    since: Option<NaiveDateTime>,
    after: i64,
) -> Result<Vec<CertificateRow>, CaError> {
    ca.store()
        .read(|c| -> Result<_, CaError> { Ok(view::changed_since(c, since, after, PAGE)?) })
}

/// The certificates (not pending) among `ids`.
pub(crate) fn by_ids(ca: &Ca, ids: &[i64]) -> Result<Vec<CertificateRow>, CaError> {
    ca.store()
        .read(|c| -> Result<_, CaError> { Ok(view::by_ids(c, ids)?) })
}

/// Whether the database answers.
pub(crate) fn ping(ca: &Ca) -> Result<(), CaError> {
    ca.store()
        .read(|c| -> Result<_, CaError> { Ok(view::ping(c)?) })
}
