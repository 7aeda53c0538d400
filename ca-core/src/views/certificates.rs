//! Certificates as the portal's certificate pages and API read them
//! (`ra_portal::certificates`, `ra_portal::revocation`): the search over
//! subscribers' certificates, one certificate by id or by issuer and
//! serial, and when a certificate's status last changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::serial::Serial;
use crate::store::models::CertificateRow;
use crate::store::schema::{certificates, subscribers, tokens, units};
use crate::store::DbConnection;

/// Which unit's subscribers a search keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitMatch {
    /// The unit with this id.
    Id(i64),
    /// Every unit whose name contains this text (SQL `LIKE`).
    NameContains(String),
}

/// Which certificates a search keeps by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// Status `good` and notAfter not past.
    Good,
    /// Status `good` and notAfter past.
    Expired,
    /// Status `suspended`.
    Suspended,
    /// Status `revoked`.
    Revoked,
    /// Status `pending` (recorded, not signed).
    Pending,
}

/// A search over the certificates of subscribers: every field set must
/// match. Certificates without a subscriber (CA, OCSP signers) are never
/// found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSearch {
    /// Only subscribers of this province.
    pub province: Option<String>,
    /// Exactly this serial.
    pub serial: Option<Serial>,
    /// The subscriber's name contains this text (SQL `LIKE`).
    pub name: Option<String>,
    /// The subscriber's uid ends with `:` and these characters (the
    /// national id or tax code without its `CCCD:`… prefix).
    pub uid_digits: Option<String>,
    /// The subscriber's unit.
    pub unit: Option<UnitMatch>,
    /// On the token with this serial (none found when no token has it).
    pub token_serial: Option<String>,
    /// The status.
    pub status: Option<StatusMatch>,
    /// notAfter before this time (UTC).
    pub not_after_before: Option<NaiveDateTime>,
    /// The time expiry is judged at (UTC).
    pub now: NaiveDateTime,
    /// Most certificates returned.
    pub limit: i64,
}

/// A certificate found by [`search`], with its subscriber's name, uid and
/// province.
#[derive(Debug, Clone)]
pub struct FoundCertificate {
    /// The certificate.
    pub row: CertificateRow,
    /// The subscriber's full name.
    pub subscriber_name: String,
    /// The subscriber's uid (`CCCD:…`, `MST:…`).
    pub subscriber_uid: Option<String>,
    /// The subscriber's province.
    pub province: String,
}

/// The certificates matching `s`, newest (highest id) first, at most
/// `s.limit`.
pub fn search(c: &mut DbConnection, s: &CertificateSearch) -> QueryResult<Vec<FoundCertificate>> {
    let mut q = certificates::table
        .inner_join(subscribers::table)
        .select((
            CertificateRow::as_select(),
            subscribers::full_name,
            subscribers::uid,
            subscribers::province,
        ))
        .order(certificates::id.desc())
        .limit(s.limit)
        .into_boxed();
    if let Some(p) = &s.province {
        q = q.filter(subscribers::province.eq(p.clone()));
    }
    if let Some(serial) = &s.serial {
        q = q.filter(certificates::serial.eq(serial.to_hex()));
    }
    if let Some(n) = &s.name {
        q = q.filter(subscribers::full_name.like(format!("%{n}%")));
    }
    if let Some(digits) = &s.uid_digits {
        q = q.filter(subscribers::uid.like(format!("%:{digits}")));
    }
    if let Some(u) = &s.unit {
        let ids: Vec<i64> = match u {
            UnitMatch::Id(id) => vec![*id],
            UnitMatch::NameContains(part) => units::table
                .filter(units::name.like(format!("%{part}%")))
                .select(units::id)
                .load(c)?,
        };
        q = q.filter(subscribers::unit_id.eq_any(ids));
    }
    if let Some(t) = &s.token_serial {
        let id: Option<i64> = tokens::table
            .filter(tokens::serial.eq(t))
            .select(tokens::id)
            .first(c)
            .optional()?;
        q = q.filter(certificates::token_id.eq(id.unwrap_or(-1)));
    }
    match s.status {
        Some(StatusMatch::Expired) => {
            q = q
                .filter(certificates::status.eq("good"))
                .filter(certificates::not_after.lt(s.now));
        }
        Some(StatusMatch::Good) => {
            q = q
                .filter(certificates::status.eq("good"))
                .filter(certificates::not_after.ge(s.now));
        }
        Some(StatusMatch::Suspended) => q = q.filter(certificates::status.eq("suspended")),
        Some(StatusMatch::Revoked) => q = q.filter(certificates::status.eq("revoked")),
        Some(StatusMatch::Pending) => q = q.filter(certificates::status.eq("pending")),
        None => {}
    }
    if let Some(b) = s.not_after_before {
        q = q.filter(certificates::not_after.lt(b));
    }
    let rows: Vec<(CertificateRow, String, Option<String>, String)> = q.load(c)?;
    Ok(rows
        .into_iter()
        .map(
            |(row, subscriber_name, subscriber_uid, province)| FoundCertificate {
                row,
                subscriber_name,
                subscriber_uid,
                province,
            },
        )
        .collect())
}

/// Certificate `id`, if there is one.
pub fn by_id(c: &mut DbConnection, id: i64) -> QueryResult<Option<CertificateRow>> {
    certificates::table
        .find(id)
        .select(CertificateRow::as_select())
        .first(c)
        .optional()
}

/// The serial of the certificate that replaced certificate `id` (its
/// renewal, change of information or re-issue), if one did.
pub fn replaced_by(c: &mut DbConnection, id: i64) -> QueryResult<Option<String>> {
    certificates::table
        .filter(certificates::replaces_id.eq(id))
        .order(certificates::id.asc())
        .select(certificates::serial)
        .first(c)
        .optional()
}

/// The certificate `serial` of issuer `issuer_id` (diesel's `NotFound`
/// when there is none).
pub fn by_issuer_serial(
    c: &mut DbConnection,
    issuer_id: &str,
    serial: &Serial,
) -> QueryResult<CertificateRow> {
    certificates::table
        .filter(certificates::serial.eq(serial.to_hex()))
        .filter(certificates::issuer_id.eq(issuer_id))
        .select(CertificateRow::as_select())
        .first(c)
}

/// When certificate `id`'s status last changed (issued, revoked,
/// suspended, restored).
pub fn status_changed_at(c: &mut DbConnection, id: i64) -> QueryResult<NaiveDateTime> {
    certificates::table
        .find(id)
        .select(certificates::status_changed_at)
        .first(c)
}
