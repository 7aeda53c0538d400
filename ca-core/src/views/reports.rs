//! The figures of the portal's reports (`ra_portal::reports`,
//! docs/reports.md), counted by the database (GROUP BY) on both backends:
//! certificates by status and subscriber kind, certificates expiring
//! within a window, units with an active organization certificate. Each
//! query is limited to a [`ReportScope`] (a province, a unit).
//!
//! Certificates are the end-entity certificates of subscribers (the inner
//! join on `subscribers` leaves CA and OCSP-signer certificates out).

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{count, count_star};
use diesel::prelude::*;

use crate::store::schema::{certificates, subscribers, units};
use crate::store::DbConnection;

/// What a report counts: one province or all, one unit or all, at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportScope<'a> {
    /// Only subscribers (units) of this province (current name).
    pub province: Option<&'a str>,
    /// Only subscribers of this unit (this unit).
    pub unit: Option<i64>,
    /// The time expiry is judged at (UTC).
    pub now: NaiveDateTime,
}

/// The category a certificate is counted in by the status report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCategory {
    /// Status `good`, not expired.
    Good,
    /// Status `suspended`, not expired.
    Suspended,
    /// Status `revoked` for another reason than `superseded`, not
    /// expired.
    Revoked,
    /// Replaced by a renewal, change of information or re-issue: status
    /// `revoked` with reason `superseded`, not expired.
    Replaced,
    /// notAfter in the past, whatever the status (but `pending`).
    Expired,
}

impl StatusCategory {
    /// Every category, each certificate being in exactly one.
    pub const ALL: [Self; 5] = [
        Self::Good,
        Self::Suspended,
        Self::Revoked,
        Self::Replaced,
        Self::Expired,
    ];

    /// `good`, `suspended`, `revoked` (the stored statuses), `replaced` or
    /// `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
            Self::Replaced => "replaced",
            Self::Expired => "expired",
        }
    }
}

/// Certificates of one category counted for one (province, unit, kind).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct KindCount {
    /// The subscribers' province.
    pub province: String,
    /// The subscribers' unit (`None`: without a unit).
    pub unit_id: Option<i64>,
    /// The subscribers' kind: individual, organization or device.
    pub kind: String,
    /// How many certificates.
    pub count: i64,
}

/// Certificates counted for one (province, unit).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct UnitCount {
    /// The subscribers' province.
    pub province: String,
    /// The subscribers' unit (`None`: without a unit).
    pub unit_id: Option<i64>,
    /// How many certificates.
    pub count: i64,
}

/// A good certificate expiring soon, with its subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ExpiringRow {
    /// The serial (hex).
    pub serial: String,
    /// The subscriber's id.
    pub subscriber_id: i64,
    /// The subscriber's name.
    pub subscriber_name: String,
    /// The subscriber's kind.
    pub kind: String,
    /// The subscriber's province.
    pub province: String,
    /// The subscriber's unit.
    pub unit_id: Option<i64>,
    /// notAfter (UTC).
    pub not_after: NaiveDateTime,
}

/// A unit's name and province, if unit `id` exists.
pub fn unit(c: &mut DbConnection, id: i64) -> QueryResult<Option<(String, String)>> {
    units::table
        .find(id)
        .select((units::name, units::province))
        .first(c)
        .optional()
}

/// The units of the scope: (id, name, province).
pub fn units_in_scope(
    c: &mut DbConnection,
    scope: &ReportScope<'_>,
) -> QueryResult<Vec<(i64, String, String)>> {
    let mut q = units::table
        .select((units::id, units::name, units::province))
        .into_boxed();
    if let Some(p) = scope.province {
        q = q.filter(units::province.eq(p.to_owned()));
    }
    if let Some(u) = scope.unit {
        q = q.filter(units::id.eq(u));
    }
    q.load(c)
}

/// The certificates of `category`, counted by the subscriber's province,
/// unit and kind.
pub fn certificates_by_kind(
    c: &mut DbConnection,
    scope: &ReportScope<'_>,
    category: StatusCategory,
) -> QueryResult<Vec<KindCount>> {
    let mut q = certificates::table
        .inner_join(subscribers::table)
        .group_by((
            subscribers::province,
            subscribers::unit_id,
            subscribers::kind,
        ))
        .select((
            subscribers::province,
            subscribers::unit_id,
            subscribers::kind,
            count_star(),
        ))
        .into_boxed();
    let superseded = crate::status::RevocationReason::Superseded.as_str();
    q = match category {
        StatusCategory::Expired => q
            .filter(certificates::status.ne("pending"))
            .filter(certificates::not_after.lt(scope.now)),
        StatusCategory::Revoked => q
            .filter(certificates::status.eq("revoked"))
            .filter(
                certificates::revocation_reason
                    .ne(superseded)
                    .or(certificates::revocation_reason.is_null()),
            )
            .filter(certificates::not_after.ge(scope.now)),
        StatusCategory::Replaced => q
            .filter(certificates::status.eq("revoked"))
            .filter(certificates::revocation_reason.eq(superseded))
            .filter(certificates::not_after.ge(scope.now)),
        _ => q
            .filter(certificates::status.eq(category.as_str()))
            .filter(certificates::not_after.ge(scope.now)),
    };
    if let Some(p) = scope.province {
        q = q.filter(subscribers::province.eq(p.to_owned()));
    }
    if let Some(u) = scope.unit {
        q = q.filter(subscribers::unit_id.eq(u));
    }
    q.load(c)
}

/// The good certificates whose notAfter falls within `days` of now,
/// counted by the subscriber's province and unit.
pub fn expiring_by_unit(
    c: &mut DbConnection,
    scope: &ReportScope<'_>,
    days: i64,
) -> QueryResult<Vec<UnitCount>> {
    let mut q = certificates::table
        .inner_join(subscribers::table)
        .group_by((subscribers::province, subscribers::unit_id))
        .select((subscribers::province, subscribers::unit_id, count_star()))
        .filter(certificates::status.eq("good"))
        .filter(certificates::not_after.ge(scope.now))
        .filter(certificates::not_after.lt(scope.now + Duration::days(days)))
        .into_boxed();
    if let Some(p) = scope.province {
        q = q.filter(subscribers::province.eq(p.to_owned()));
    }
    if let Some(u) = scope.unit {
        q = q.filter(subscribers::unit_id.eq(u));
    }
    q.load(c)
}

/// The good certificates whose notAfter falls within `days` of now,
/// soonest first (then by id), at most `limit`.
pub fn expiring_certificates(
    c: &mut DbConnection,
    scope: &ReportScope<'_>,
    days: i64,
    limit: i64,
) -> QueryResult<Vec<ExpiringRow>> {
    let mut q = certificates::table
        .inner_join(subscribers::table)
        .select((
            certificates::serial,
            subscribers::id,
            subscribers::full_name,
            subscribers::kind,
            subscribers::province,
            subscribers::unit_id,
            certificates::not_after,
        ))
        .filter(certificates::status.eq("good"))
        .filter(certificates::not_after.ge(scope.now))
        .filter(certificates::not_after.lt(scope.now + Duration::days(days)))
        .order((certificates::not_after.asc(), certificates::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(p) = scope.province {
        q = q.filter(subscribers::province.eq(p.to_owned()));
    }
    if let Some(u) = scope.unit {
        q = q.filter(subscribers::unit_id.eq(u));
    }
    q.load(c)
}

/// The units of the scope counted by province: (province, units).
pub fn units_by_province(
    c: &mut DbConnection,
    scope: &ReportScope<'_>,
) -> QueryResult<Vec<(String, i64)>> {
    let mut q = units::table
        .group_by(units::province)
        .select((units::province, count_star()))
        .into_boxed();
    if let Some(p) = scope.province {
        q = q.filter(units::province.eq(p.to_owned()));
    }
    if let Some(u) = scope.unit {
        q = q.filter(units::id.eq(u));
    }
    q.load(c)
}

/// The units of the scope holding at least one active (good, not
/// expired) organization certificate, counted by province: (province,
/// units).
pub fn covered_units_by_province(
    c: &mut DbConnection,
    scope: &ReportScope<'_>,
) -> QueryResult<Vec<(String, i64)>> {
    let mut q = certificates::table
        .inner_join(subscribers::table.inner_join(units::table))
        .group_by(units::province)
        .select((units::province, count(units::id).aggregate_distinct()))
        .filter(subscribers::kind.eq("organization"))
        .filter(certificates::status.eq("good"))
        .filter(certificates::not_after.ge(scope.now))
        .into_boxed();
    if let Some(p) = scope.province {
        q = q.filter(units::province.eq(p.to_owned()));
    }
    if let Some(u) = scope.unit {
        q = q.filter(units::id.eq(u));
    }
    q.load(c)
}

/// The active (good, not expired) organization certificates of each unit
/// of the scope that has any: (unit id, certificates).
pub fn organization_certificates_by_unit(
    c: &mut DbConnection,
    scope: &ReportScope<'_>,
) -> QueryResult<Vec<(i64, i64)>> {
    let mut q = certificates::table
        .inner_join(subscribers::table.inner_join(units::table))
        .group_by(units::id)
        .select((units::id, count_star()))
        .filter(subscribers::kind.eq("organization"))
        .filter(certificates::status.eq("good"))
        .filter(certificates::not_after.ge(scope.now))
        .into_boxed();
    if let Some(p) = scope.province {
        q = q.filter(units::province.eq(p.to_owned()));
    }
    if let Some(u) = scope.unit {
        q = q.filter(units::id.eq(u));
    }
    q.load(c)
}

/// The ids of the subscribers of unit `unit`.
pub fn subscribers_of_unit(c: &mut DbConnection, unit: i64) -> QueryResult<Vec<i64>> {
    subscribers::table
        .filter(subscribers::unit_id.eq(unit))
        .select(subscribers::id)
        .load(c)
}
