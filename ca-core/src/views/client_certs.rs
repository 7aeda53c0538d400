//! What the portal's sign-in with a client certificate reads
//! (`ra_portal::client_cert`): the issuer certificates it trusts, the
//! certificates with a presented serial, and the facts of a bound
//! certificate. Which account a certificate is bound to is the portal's
//! own table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::serial::Serial;
use crate::store::schema::{certificates, issuers};
use crate::store::DbConnection;

/// A certificate with the serial a client presented: enough to tell
/// whether it is the very certificate presented and whether it is usable.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct SerialMatch {
    /// Its id.
    pub id: i64,
    /// Its DER (`None` while pending).
    pub cert_der: Option<Vec<u8>>,
    /// Its status.
    pub status: crate::status::CertStatus,
    /// Its notAfter (UTC).
    pub not_after: NaiveDateTime,
}

/// What an account's page shows of a bound certificate.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CertificateFacts {
    /// Its serial (lowercase hex).
    pub serial: String,
    /// Its issuer's id.
    pub issuer_id: String,
    /// Its subject DN.
    pub subject_dn: String,
    /// Its status.
    pub status: crate::status::CertStatus,
    /// Its notAfter (UTC).
    pub not_after: NaiveDateTime,
}

/// The certificate of every issuer, by issuer id (`None` for an issuer
/// still awaiting its certificate).
pub fn issuer_certificates(c: &mut DbConnection) -> QueryResult<Vec<Option<Vec<u8>>>> {
    issuers::table
        .order(issuers::id)
        .select(issuers::cert_der)
        .load(c)
}

/// Every certificate with this serial, under any issuer.
pub fn with_serial(c: &mut DbConnection, serial: &Serial) -> QueryResult<Vec<SerialMatch>> {
    certificates::table
        .filter(certificates::serial.eq(serial.to_hex()))
        .select((
            certificates::id,
            certificates::cert_der,
            certificates::status,
            certificates::not_after,
        ))
        .load(c)
}

/// The facts of certificate `id` (diesel's `NotFound` when there is none).
pub fn facts(c: &mut DbConnection, id: i64) -> QueryResult<CertificateFacts> {
    certificates::table
        .find(id)
        .select((
            certificates::serial,
            certificates::issuer_id,
            certificates::subject_dn,
            certificates::status,
            certificates::not_after,
        ))
        .first(c)
}
