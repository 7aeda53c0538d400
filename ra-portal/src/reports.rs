//! Reports by province and unit (docs/reports.md): certificates by status
//! and subscriber kind, certificates expiring within 30/60/90 days, units
//! with an active organization certificate out of all units, and the
//! turnaround of requests against the 3-working-day target. Counting is
//! done by the database (GROUP BY) on both backends; only the turnaround
//! loads its requests, to count working days. The API (JSON and CSV) and
//! the pages call the same functions, so they show the same figures.
//!
//! Certificates are the end-entity certificates of subscribers (CA and
//! OCSP-signer certificates have none and are left out), without the
//! `pending` ones not yet signed. "Expired" is notAfter in the past, whatever
//! the status; "active", "suspended" and "revoked" are the statuses of the
//! certificates not expired, "replaced" the revoked ones superseded by a
//! renewal, change of information or re-issue (not counted as revoked).
//! CSV headers are Vietnamese, or English for the English interface.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use ca_core::views::reports::{self as figures, ReportScope, StatusCategory};
use ca_core::Ca;

use crate::authz::{self, Action};
use crate::csv_file::csv;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::requests::{APPROVED, ISSUED, SUBMITTED};
use crate::schema::requests;
use crate::user::User;
use crate::working_days::{self, TARGET_WORKING_DAYS};

/// The windows of the expiry report, in days.
pub const WINDOWS: [i64; 3] = [30, 60, 90];
/// Most certificates or requests a report lists one by one.
const LIST_LIMIT: i64 = 500;
/// The request kinds whose turnaround is reported (those that issue).
const ISSUING_KINDS: [&str; 4] = ["issue", "renew", "change_info", "reissue"];

/// The filters of every report (`?province=&unit=&from=&to=`), as given.
#[derive(Debug, Clone, Default)]
pub struct ReportFilters {
    /// A province (admins and auditors; officers and approvers are held to
    /// their own).
    pub province: Option<String>,
    /// A unit id.
    pub unit: Option<String>,
    /// First day of the period (YYYY-MM-DD, Vietnam time), turnaround only.
    pub from: Option<String>,
    /// Last day of the period (YYYY-MM-DD, inclusive), turnaround only.
    pub to: Option<String>,
}

/// The filters checked: the province and unit in the user's scope.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scope {
    /// The province, current name (`None`: every province).
    pub province: Option<String>,
    /// The unit id.
    pub unit: Option<i64>,
    /// The unit's name.
    pub unit_name: Option<String>,
    /// First day of the period.
    pub from: Option<NaiveDate>,
    /// Last day of the period.
    pub to: Option<NaiveDate>,
}

impl Scope {
    /// The scope as ca-core's report queries take it, expiry judged at `now`.
    fn at(&self, now: NaiveDateTime) -> ReportScope<'_> {
        ReportScope {
            province: self.province.as_deref(),
            unit: self.unit,
            now,
        }
    }
}

/// Checks the filters against the user's scope.
pub fn scope(ca: &Ca, user: &User, f: &ReportFilters) -> Result<Scope, PortalError> {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut province = match text(&f.province) {
        Some(p) => {
            let m = ca_core::subject::resolve_province(&p).map_err(|_| {
                PortalError::invalid(
                    ErrorCode::UnknownProvince,
                    format!("{p:?} is not one of the 34 provinces and cities"),
                )
            })?;
            let name = m.province.name.to_owned();
            authz::authorize(user, Action::Read, &name)?;
            Some(name)
        }
        None => authz::scope(user).map(str::to_owned),
    };
    let date = |v: &Option<String>, name: &str| -> Result<Option<NaiveDate>, PortalError> {
        text(v)
            .map(|s| {
                NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
                    PortalError::invalid(
                        ErrorCode::InvalidDate,
                        format!("{name} {s:?} is not a date YYYY-MM-DD"),
                    )
                })
            })
            .transpose()
    };
    let from = date(&f.from, "from")?;
    let to = date(&f.to, "to")?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(PortalError::invalid(
                ErrorCode::InvalidPeriod,
                format!("the period starts ({a}) after it ends ({b})"),
            ));
        }
    }
    let (unit, unit_name) = match text(&f.unit) {
        None => (None, None),
        Some(u) => {
            let id: i64 = u.parse().map_err(|_| {
                PortalError::invalid(
                    ErrorCode::InvalidUnit,
                    format!("unit {u:?} is not a unit id"),
                )
            })?;
            let row: Option<(String, String)> = ca
                .store()
                .read(|c| -> Result<_, PortalError> { Ok(figures::unit(c, id)?) })?;
            let Some((name, unit_province)) = row else {
                return Err(PortalError::invalid(
                    ErrorCode::UnknownUnit,
                    format!("there is no unit {id}"),
                ));
            };
            authz::authorize_object(user, Action::Read, &unit_province, || {
                PortalError::invalid(ErrorCode::UnknownUnit, format!("there is no unit {id}"))
            })?;
            if province.as_deref().is_some_and(|p| p != unit_province) {
                return Err(PortalError::invalid(
                    ErrorCode::UnitNotInProvince,
                    format!("unit {id} is in {unit_province}, not in the province chosen"),
                ));
            }
            province = Some(unit_province);
            (Some(id), Some(name))
        }
    };
    Ok(Scope {
        province,
        unit,
        unit_name,
        from,
        to,
    })
}

/// Certificates counted by status and by subscriber kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Good and not expired.
    pub active: i64,
    /// Suspended, not expired.
    pub suspended: i64,
    /// Revoked (not superseded), not expired.
    pub revoked: i64,
    /// Replaced by a renewal, change of information or re-issue (revoked
    /// `superseded`), not expired.
    pub replaced: i64,
    /// notAfter in the past, whatever the status.
    pub expired: i64,
    /// All of the above.
    pub total: i64,
    /// Of the total, certificates of individuals.
    pub individual: i64,
    /// Of the total, certificates of organizations.
    pub organization: i64,
    /// Of the total, certificates of devices and services.
    pub device: i64,
}

impl Counts {
    fn add(&mut self, category: StatusCategory, kind: &str, n: i64) {
        match category {
            StatusCategory::Good => self.active += n,
            StatusCategory::Suspended => self.suspended += n,
            StatusCategory::Revoked => self.revoked += n,
            StatusCategory::Replaced => self.replaced += n,
            StatusCategory::Expired => self.expired += n,
        }
        match kind {
            "individual" => self.individual += n,
            "organization" => self.organization += n,
            _ => self.device += n,
        }
        self.total += n;
    }
}

/// One unit's line of a report (`unit_id` `None`: subscribers without a
/// unit).
#[derive(Debug, Clone, Serialize)]
pub struct UnitLine<T> {
    /// The unit id.
    pub unit_id: Option<i64>,
    /// The unit's name.
    pub unit: Option<String>,
    /// The figures.
    #[serde(flatten)]
    pub figures: T,
}

/// One province's lines.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceLine<T> {
    /// The province.
    pub province: String,
    /// The province's figures.
    #[serde(flatten)]
    pub figures: T,
    /// Its units.
    pub units: Vec<UnitLine<T>>,
}

/// The status report.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// The filters applied.
    pub scope: Scope,
    /// When the figures were taken (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub generated_at: NaiveDateTime,
    /// Every province of the scope together.
    pub totals: Counts,
    /// By province, then unit.
    pub provinces: Vec<ProvinceLine<Counts>>,
}

/// The key of a grouped row: province, unit.
type Key = (String, Option<i64>);

/// Units by id: (name, province).
fn unit_names(
    ca: &Ca,
    scope: &ReportScope<'_>,
) -> Result<BTreeMap<i64, (String, String)>, PortalError> {
    ca.store().read(|c| -> Result<_, PortalError> {
        let rows = figures::units_in_scope(c, scope)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, province)| (id, (name, province)))
            .collect())
    })
}

/// Lines by province then unit from figures by (province, unit).
fn lines<T: Clone + Default>(
    by_key: BTreeMap<Key, T>,
    names: &BTreeMap<i64, (String, String)>,
    merge: impl Fn(&mut T, &T),
) -> (T, Vec<ProvinceLine<T>>) {
    let mut total = T::default();
    let mut provinces: Vec<ProvinceLine<T>> = Vec::new();
    for ((province, unit), figures) in by_key {
        merge(&mut total, &figures);
        if provinces.last().map(|p| &p.province) != Some(&province) {
            provinces.push(ProvinceLine {
                province: province.clone(),
                figures: T::default(),
                units: Vec::new(),
            });
        }
        if let Some(p) = provinces.last_mut() {
            merge(&mut p.figures, &figures);
            p.units.push(UnitLine {
                unit_id: unit,
                unit: unit.and_then(|u| names.get(&u)).map(|(n, _)| n.clone()),
                figures,
            });
        }
    }
    (total, provinces)
}

/// Certificates by status and kind, by province and unit.
pub fn status(ca: &Ca, user: &User, f: &ReportFilters) -> Result<StatusReport, PortalError> {
    let scope = scope(ca, user, f)?;
    let now = Utc::now().naive_utc();
    let at = scope.at(now);
    let names = unit_names(ca, &at)?;
    // One grouped count per category: the database groups by the
    // subscriber's province, unit and kind.
    let mut by_key: BTreeMap<Key, Counts> = BTreeMap::new();
    ca.store().read(|c| -> Result<_, PortalError> {
        for category in StatusCategory::ALL {
            for row in figures::certificates_by_kind(c, &at, category)? {
                by_key
                    .entry((row.province, row.unit_id))
                    .or_default()
                    .add(category, &row.kind, row.count);
            }
        }
        Ok(())
    })?;
    let (totals, provinces) = lines(by_key, &names, |t, f| {
        t.active += f.active;
        t.suspended += f.suspended;
        t.revoked += f.revoked;
        t.replaced += f.replaced;
        t.expired += f.expired;
        t.total += f.total;
        t.individual += f.individual;
        t.organization += f.organization;
        t.device += f.device;
    });
    Ok(StatusReport {
        scope,
        generated_at: now,
        totals,
        provinces,
    })
}

/// Active certificates expiring within 30, 60 and 90 days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Expiring {
    /// Within 30 days.
    pub within_30: i64,
    /// Within 60 days (including the 30).
    pub within_60: i64,
    /// Within 90 days (including the 60).
    pub within_90: i64,
}

/// One certificate expiring soon.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiringCertificate {
    /// The serial (hex).
    pub serial: String,
    /// The subscriber.
    pub subscriber_id: i64,
    /// Their name.
    pub subscriber: String,
    /// individual, organization or device.
    pub kind: String,
    /// The province.
    pub province: String,
    /// The unit.
    pub unit: Option<String>,
    /// notAfter (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub not_after: NaiveDateTime,
    /// Whole days left.
    pub days_left: i64,
}

/// The expiry report.
#[derive(Debug, Clone, Serialize)]
pub struct ExpiringReport {
    /// The filters applied.
    pub scope: Scope,
    /// When the figures were taken (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub generated_at: NaiveDateTime,
    /// Every province of the scope together.
    pub totals: Expiring,
    /// By province, then unit.
    pub provinces: Vec<ProvinceLine<Expiring>>,
    /// The certificates expiring within 90 days, soonest first (at most
    /// 500).
    pub certificates: Vec<ExpiringCertificate>,
}

/// Active certificates expiring within 30/60/90 days.
pub fn expiring(ca: &Ca, user: &User, f: &ReportFilters) -> Result<ExpiringReport, PortalError> {
    let scope = scope(ca, user, f)?;
    let now = Utc::now().naive_utc();
    let at = scope.at(now);
    let names = unit_names(ca, &at)?;
    let mut by_key: BTreeMap<Key, Expiring> = BTreeMap::new();
    let list = ca.store().read(|c| -> Result<_, PortalError> {
        for days in WINDOWS {
            for row in figures::expiring_by_unit(c, &at, days)? {
                let e = by_key.entry((row.province, row.unit_id)).or_default();
                match days {
                    30 => e.within_30 = row.count,
                    60 => e.within_60 = row.count,
                    _ => e.within_90 = row.count,
                }
            }
        }
        Ok(figures::expiring_certificates(
            c, &at, WINDOWS[2], LIST_LIMIT,
        )?)
    })?;
    let certificates = list
        .into_iter()
        .map(|r| ExpiringCertificate {
            serial: r.serial,
            subscriber_id: r.subscriber_id,
            subscriber: r.subscriber_name,
            kind: r.kind,
            province: r.province,
            unit: r
                .unit_id
                .and_then(|u| names.get(&u))
                .map(|(n, _)| n.clone()),
            not_after: r.not_after,
            days_left: (r.not_after - now).num_days(),
        })
        .collect();
    let (totals, provinces) = lines(by_key, &names, |t, f| {
        t.within_30 += f.within_30;
        t.within_60 += f.within_60;
        t.within_90 += f.within_90;
    });
    Ok(ExpiringReport {
        scope,
        generated_at: now,
        totals,
        provinces,
        certificates,
    })
}

/// One province's units with an active organization certificate.
#[derive(Debug, Clone, Serialize)]
pub struct UnitsFigure {
    /// The province.
    pub province: String,
    /// Units with at least one active organization certificate.
    pub with_organization_certificate: i64,
    /// All units of the province (of the unit filter).
    pub units: i64,
    /// The figure as provinces report it, e.g. "14/34".
    pub fraction: String,
}

/// One unit's line of the units report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitCoverage {
    /// The unit id.
    pub unit_id: i64,
    /// Its name.
    pub unit: String,
    /// Its province.
    pub province: String,
    /// Its active organization certificates.
    pub active_organization_certificates: i64,
}

/// The units report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitsReport {
    /// The filters applied.
    pub scope: Scope,
    /// When the figures were taken (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub generated_at: NaiveDateTime,
    /// By province.
    pub provinces: Vec<UnitsFigure>,
    /// Every unit of the scope.
    pub units: Vec<UnitCoverage>,
}

/// Units with at least one active organization certificate out of all
/// units, by province.
pub fn units(ca: &Ca, user: &User, f: &ReportFilters) -> Result<UnitsReport, PortalError> {
    let scope = scope(ca, user, f)?;
    let now = Utc::now().naive_utc();
    let at = scope.at(now);
    let names = unit_names(ca, &at)?;
    let (all, covered, per_unit) = ca.store().read(|c| -> Result<_, PortalError> {
        let all = figures::units_by_province(c, &at)?;
        let covered = figures::covered_units_by_province(c, &at)?;
        let per_unit = figures::organization_certificates_by_unit(c, &at)?;
        Ok((all, covered, per_unit))
    })?;
    let mut by_province: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    if let Some(p) = &scope.province {
        by_province.insert(p.clone(), (0, 0));
    }
    for (p, n) in all {
        by_province.entry(p).or_default().1 = n;
    }
    for (p, n) in covered {
        by_province.entry(p).or_default().0 = n;
    }
    let per_unit: BTreeMap<i64, i64> = per_unit.into_iter().collect();
    Ok(UnitsReport {
        scope,
        generated_at: now,
        provinces: by_province
            .into_iter()
            .map(|(province, (with, all))| UnitsFigure {
                province,
                with_organization_certificate: with,
                units: all,
                fraction: format!("{with}/{all}"),
            })
            .collect(),
        units: names
            .iter()
            .map(|(id, (name, province))| UnitCoverage {
                unit_id: *id,
                unit: name.clone(),
                province: province.clone(),
                active_organization_certificates: per_unit.get(id).copied().unwrap_or(0),
            })
            .collect(),
    })
}

/// One province's turnaround.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Turnaround {
    /// Requests carried out (state issued) in the period.
    pub completed: i64,
    /// Of them, done in more than 3 working days.
    pub breaches: i64,
    /// Requests still waiting (submitted or approved) for more than 3
    /// working days.
    pub pending_overdue: i64,
    /// Average working days of the completed requests (one decimal).
    pub average_working_days: f64,
    /// The longest, in working days.
    pub max_working_days: i64,
}

/// One request of the turnaround report.
#[derive(Debug, Clone, Serialize)]
pub struct TurnaroundRequest {
    /// The request id.
    pub id: i64,
    /// Its kind.
    pub kind: String,
    /// Its state.
    pub state: String,
    /// The province.
    pub province: String,
    /// When it was submitted (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub submitted_at: NaiveDateTime,
    /// When it was carried out (UTC), if it was.
    #[serde(serialize_with = "crate::vn_time::utc_opt")]
    pub finished_at: Option<NaiveDateTime>,
    /// Working days from submission to completion (or to today).
    pub working_days: i64,
    /// More than 3 working days.
    pub breach: bool,
}

/// The turnaround report.
#[derive(Debug, Clone, Serialize)]
pub struct TurnaroundReport {
    /// The filters applied.
    pub scope: Scope,
    /// When the figures were taken (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub generated_at: NaiveDateTime,
    /// The target in working days.
    pub target_working_days: i64,
    /// Every province of the scope together.
    pub totals: Turnaround,
    /// By province.
    pub provinces: Vec<ProvinceTurnaround>,
    /// The breaches and the overdue pending requests, oldest first (at
    /// most 500).
    pub flagged: Vec<TurnaroundRequest>,
}

/// One province's line of the turnaround report.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceTurnaround {
    /// The province.
    pub province: String,
    /// The figures.
    #[serde(flatten)]
    pub figures: Turnaround,
}

/// Turnaround of the issuing requests submitted in the period.
pub fn turnaround(
    ca: &Ca,
    user: &User,
    f: &ReportFilters,
) -> Result<TurnaroundReport, PortalError> {
    let scope = scope(ca, user, f)?;
    let now = Utc::now().naive_utc();
    type Row = (
        i64,
        String,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = ca.store().read(|c| -> Result<_, PortalError> {
        let mut q = requests::table
            .select((
                requests::id,
                requests::kind,
                requests::state,
                requests::province,
                requests::submitted_at,
                requests::finished_at,
            ))
            .filter(requests::kind.eq_any(ISSUING_KINDS))
            .filter(requests::state.eq_any([ISSUED, SUBMITTED, APPROVED]))
            .order((requests::submitted_at.asc(), requests::id.asc()))
            .into_boxed();
        if let Some(p) = &scope.province {
            q = q.filter(requests::province.eq(p.clone()));
        }
        if let Some(u) = scope.unit {
            let subs = figures::subscribers_of_unit(c, u)?;
            q = q.filter(requests::subscriber_id.eq_any(subs));
        }
        if let Some(d) = scope.from {
            q = q.filter(requests::submitted_at.ge(working_days::vn_day_start_utc(d)));
        }
        if let Some(d) = scope.to {
            let end = working_days::vn_day_start_utc(d + Duration::days(1));
            q = q.filter(requests::submitted_at.lt(end));
        }
        Ok(q.load(c)?)
    })?;
    let mut by_province: BTreeMap<String, (Turnaround, i64)> = BTreeMap::new();
    let mut totals = (Turnaround::default(), 0_i64);
    let mut flagged = Vec::new();
    for (id, kind, state, province, submitted_at, finished_at) in rows {
        let done = state == ISSUED.as_str();
        let end = match (done, finished_at) {
            (true, Some(t)) => t,
            (true, None) => continue,
            (false, _) => now,
        };
        let days = working_days::working_days(submitted_at, end);
        let breach = days > TARGET_WORKING_DAYS;
        let entry = by_province.entry(province.clone()).or_default();
        for (t, sum) in [&mut *entry, &mut totals] {
            if done {
                t.completed += 1;
                *sum += days;
                t.max_working_days = t.max_working_days.max(days);
                if breach {
                    t.breaches += 1;
                }
            } else if breach {
                t.pending_overdue += 1;
            }
        }
        if breach && i64::try_from(flagged.len()).unwrap_or(i64::MAX) < LIST_LIMIT {
            flagged.push(TurnaroundRequest {
                id,
                kind,
                state,
                province,
                submitted_at,
                finished_at: if done { finished_at } else { None },
                working_days: days,
                breach,
            });
        }
    }
    let average = |(mut t, sum): (Turnaround, i64)| {
        if t.completed > 0 {
            #[allow(clippy::cast_precision_loss)]
            let avg = sum as f64 / t.completed as f64;
            t.average_working_days = (avg * 10.0).round() / 10.0;
        }
        t
    };
    if let Some(p) = &scope.province {
        by_province.entry(p.clone()).or_default();
    }
    Ok(TurnaroundReport {
        scope,
        generated_at: now,
        target_working_days: TARGET_WORKING_DAYS,
        totals: average(totals),
        provinces: by_province
            .into_iter()
            .map(|(province, t)| ProvinceTurnaround {
                province,
                figures: average(t),
            })
            .collect(),
        flagged,
    })
}

/// The language of a CSV's headers and of its total line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvLanguage {
    /// Vietnamese, the default.
    #[default]
    Vi,
    /// English (the stable snake_case names).
    En,
}

impl CsvLanguage {
    /// The headers in this language, from (Vietnamese, English) pairs.
    fn headers(self, pairs: &[(&'static str, &'static str)]) -> Vec<&'static str> {
        pairs
            .iter()
            .map(|(vi, en)| match self {
                Self::Vi => *vi,
                Self::En => *en,
            })
            .collect()
    }

    /// The label of the total line.
    fn total(self) -> &'static str {
        match self {
            Self::Vi => "Tổng cộng",
            Self::En => "total",
        }
    }
}

/// The first three columns of the reports by unit.
const UNIT_COLUMNS: [(&str, &str); 3] = [
    ("Tỉnh/thành phố", "province"),
    ("Mã đơn vị", "unit_id"),
    ("Đơn vị", "unit"),
];

/// The CSV of a report (the same figures as its JSON and its page): one
/// line per unit, then one per province (unit empty), then the total.
pub fn status_csv(r: &StatusReport, lang: CsvLanguage) -> String {
    let mut pairs = UNIT_COLUMNS.to_vec();
    pairs.extend([
        ("Đang hoạt động", "active"),
        ("Tạm dừng", "suspended"),
        ("Đã thu hồi", "revoked"),
        ("Đã được thay thế", "replaced"),
        ("Hết hạn", "expired"),
        ("Tổng số", "total"),
        ("Cá nhân", "individual"),
        ("Tổ chức", "organization"),
        ("Thiết bị/dịch vụ", "device"),
    ]);
    let head = lang.headers(&pairs);
    let figures = |c: &Counts| {
        [
            c.active,
            c.suspended,
            c.revoked,
            c.replaced,
            c.expired,
            c.total,
            c.individual,
            c.organization,
            c.device,
        ]
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
    };
    csv(
        &head,
        &flatten_lines(&r.provinces, &r.totals, lang.total(), figures),
    )
}

/// The CSV of the expiry report, by unit, province and total.
pub fn expiring_csv(r: &ExpiringReport, lang: CsvLanguage) -> String {
    let mut pairs = UNIT_COLUMNS.to_vec();
    pairs.extend([
        ("Hết hạn trong 30 ngày", "within_30_days"),
        ("Hết hạn trong 60 ngày", "within_60_days"),
        ("Hết hạn trong 90 ngày", "within_90_days"),
    ]);
    let head = lang.headers(&pairs);
    let figures = |e: &Expiring| {
        vec![
            e.within_30.to_string(),
            e.within_60.to_string(),
            e.within_90.to_string(),
        ]
    };
    csv(
        &head,
        &flatten_lines(&r.provinces, &r.totals, lang.total(), figures),
    )
}

/// The CSV of the units report: one line per province.
pub fn units_csv(r: &UnitsReport, lang: CsvLanguage) -> String {
    let head = lang.headers(&[
        ("Tỉnh/thành phố", "province"),
        (
            "Số đơn vị có chứng thư số tổ chức",
            "units_with_organization_certificate",
        ),
        ("Số đơn vị", "units"),
        ("Tỷ lệ", "fraction"),
    ]);
    let rows: Vec<Vec<String>> = r
        .provinces
        .iter()
        .map(|p| {
            vec![
                p.province.clone(),
                p.with_organization_certificate.to_string(),
                p.units.to_string(),
                p.fraction.clone(),
            ]
        })
        .collect();
    csv(&head, &rows)
}

/// The CSV of the turnaround report: one line per province, then the
/// total.
pub fn turnaround_csv(r: &TurnaroundReport, lang: CsvLanguage) -> String {
    let head = lang.headers(&[
        ("Tỉnh/thành phố", "province"),
        ("Đã hoàn thành", "completed"),
        ("Quá hạn", "breaches"),
        ("Đang chờ quá hạn", "pending_overdue"),
        ("Số ngày làm việc trung bình", "average_working_days"),
        ("Số ngày làm việc tối đa", "max_working_days"),
    ]);
    let line = |name: &str, t: &Turnaround| {
        vec![
            name.to_owned(),
            t.completed.to_string(),
            t.breaches.to_string(),
            t.pending_overdue.to_string(),
            format!("{:.1}", t.average_working_days),
            t.max_working_days.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = r
        .provinces
        .iter()
        .map(|p| line(&p.province, &p.figures))
        .collect();
    rows.push(line(lang.total(), &r.totals));
    csv(&head, &rows)
}

fn flatten_lines<T>(
    provinces: &[ProvinceLine<T>],
    totals: &T,
    total: &str,
    figures: impl Fn(&T) -> Vec<String>,
) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for p in provinces {
        for u in &p.units {
            let mut row = vec![
                p.province.clone(),
                u.unit_id.map(|i| i.to_string()).unwrap_or_default(),
                u.unit.clone().unwrap_or_default(),
            ];
            row.extend(figures(&u.figures));
            rows.push(row);
        }
        let mut row = vec![p.province.clone(), String::new(), String::new()];
        row.extend(figures(&p.figures));
        rows.push(row);
    }
    let mut row = vec![total.to_owned(), String::new(), String::new()];
    row.extend(figures(totals));
    rows.push(row);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_put_each_certificate_in_one_category() {
        let mut c = Counts::default();
        c.add(StatusCategory::Good, "individual", 2);
        c.add(StatusCategory::Revoked, "organization", 1);
        c.add(StatusCategory::Replaced, "individual", 4);
        c.add(StatusCategory::Expired, "device", 3);
        assert_eq!(
            c,
            Counts {
                active: 2,
                suspended: 0,
                revoked: 1,
                replaced: 4,
                expired: 3,
                total: 10,
                individual: 6,
                organization: 1,
                device: 3,
            }
        );
    }
}
