//! Certificates as the portal's certificate pages and API read them
//! (`ra_portal::certificates`, `ra_portal::revocation`): the search over
//! subscribers' certificates, one certificate by id or by issuer and
//! serial, and when a certificate's status last changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lists::{like_escape, ordered, text_patterns, Direction, Paged, Window};
use crate::serial::Serial;
use crate::store::models::CertificateRow;
use crate::store::schema::{certificates, subscribers, tokens, units};
use crate::store::DbConnection;

type Backend = <DbConnection as Connection>::Backend;

/// Which unit's subscribers a search keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitMatch {
    /// The unit with this id.
    Id(i64),
    /// Every unit whose name contains this text.
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
    /// The subscriber's name contains this text, ignoring case and
    /// Vietnamese diacritics (the folded search key).
    pub name: Option<String>,
    /// The subscriber's uid ends with `:` and these characters (the
    /// national id or tax code without its `CCCD:`… prefix).
    pub uid_digits: Option<String>,
    /// The subscriber's unit.
    pub unit: Option<UnitMatch>,
    /// On the token with this serial (none found when no token has it).
    pub token_serial: Option<String>,
    /// Of this subscriber (none found when there is no such subscriber).
    pub subscriber_id: Option<i64>,
    /// The status.
    pub status: Option<StatusMatch>,
    /// notAfter before this time (UTC).
    pub not_after_before: Option<NaiveDateTime>,
    /// The time expiry is judged at (UTC).
    pub now: NaiveDateTime,
    /// The column sorted by, ties broken by id.
    pub order: CertificateOrder,
    /// Ascending or descending.
    pub direction: Direction,
    /// Which rows of the sorted result.
    pub window: Window,
}

/// The columns a certificate search sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertificateOrder {
    /// Recording order (the newest has the highest id).
    #[default]
    Id,
    /// The serial (hex).
    Serial,
    /// The subscriber's name, folded.
    Name,
    /// The status.
    Status,
    /// notBefore.
    NotBefore,
    /// notAfter.
    NotAfter,
    /// The subscriber's province.
    Province,
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

/// The page of certificates matching `s` (in `s.order` and
/// `s.direction`, the rows of `s.window`) and how many match in all.
pub fn search(c: &mut DbConnection, s: &CertificateSearch) -> QueryResult<Paged<FoundCertificate>> {
    let unit_ids: Option<Vec<i64>> = match &s.unit {
        None => None,
        Some(UnitMatch::Id(id)) => Some(vec![*id]),
        Some(UnitMatch::NameContains(part)) => Some(
            units::table
                .filter(
                    units::name
                        .like(format!("%{}%", like_escape(part)))
                        .escape('\\'),
                )
                .select(units::id)
                .load(c)?,
        ),
    };
    let token_id: Option<i64> = match &s.token_serial {
        None => None,
        Some(t) => Some(
            tokens::table
                .filter(tokens::serial.eq(t))
                .select(tokens::id)
                .first(c)
                .optional()?
                .unwrap_or(-1),
        ),
    };
    // The same filters on the count and on the page.
    macro_rules! filtered {
        () => {{
            let mut q = certificates::table
                .inner_join(subscribers::table)
                .into_boxed::<Backend>();
            if let Some(p) = &s.province {
                q = q.filter(subscribers::province.eq(p.clone()));
            }
            if let Some(serial) = &s.serial {
                q = q.filter(certificates::serial.eq(serial.to_hex()));
            }
            if let Some(n) = s.name.as_deref().filter(|n| !n.trim().is_empty()) {
                let (name, _) = text_patterns(n);
                q = q.filter(subscribers::search_key.like(name).escape('\\'));
            }
            if let Some(digits) = &s.uid_digits {
                q = q.filter(
                    subscribers::uid
                        .like(format!("%:{}", like_escape(digits)))
                        .escape('\\'),
                );
            }
            if let Some(ids) = &unit_ids {
                q = q.filter(subscribers::unit_id.eq_any(ids.clone()));
            }
            if let Some(id) = token_id {
                q = q.filter(certificates::token_id.eq(id));
            }
            if let Some(id) = s.subscriber_id {
                q = q.filter(certificates::subscriber_id.eq(id));
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
                Some(StatusMatch::Suspended) => {
                    q = q.filter(certificates::status.eq("suspended"));
                }
                Some(StatusMatch::Revoked) => q = q.filter(certificates::status.eq("revoked")),
                Some(StatusMatch::Pending) => q = q.filter(certificates::status.eq("pending")),
                None => {}
            }
            if let Some(b) = s.not_after_before {
                q = q.filter(certificates::not_after.lt(b));
            }
            q
        }};
    }
    let total = filtered!().count().get_result(c)?;
    let q = filtered!().select((
        CertificateRow::as_select(),
        subscribers::full_name,
        subscribers::uid,
        subscribers::province,
    ));
    let dir = s.direction;
    let q = match s.order {
        CertificateOrder::Id => ordered!(q, dir, certificates::id, certificates::id),
        CertificateOrder::Serial => ordered!(q, dir, certificates::serial, certificates::id),
        CertificateOrder::Name => ordered!(q, dir, subscribers::search_key, certificates::id),
        CertificateOrder::Status => ordered!(q, dir, certificates::status, certificates::id),
        CertificateOrder::NotBefore => {
            ordered!(q, dir, certificates::not_before, certificates::id)
        }
        CertificateOrder::NotAfter => ordered!(q, dir, certificates::not_after, certificates::id),
        CertificateOrder::Province => ordered!(q, dir, subscribers::province, certificates::id),
    };
    let rows: Vec<(CertificateRow, String, Option<String>, String)> =
        q.limit(s.window.limit).offset(s.window.offset).load(c)?;
    Ok(Paged {
        total,
        rows: rows
            .into_iter()
            .map(
                |(row, subscriber_name, subscriber_uid, province)| FoundCertificate {
                    row,
                    subscriber_name,
                    subscriber_uid,
                    province,
                },
            )
            .collect(),
    })
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
