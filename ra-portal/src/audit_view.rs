//! The audit log as auditors and admins read it: events filtered by actor,
//! action, object and date, newest first, a page at a time, with the result
//! of the hash-chain check (`ca_core::audit::verify`) over the whole log.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use ca_core::audit::{self, Verification};
use ca_core::views::audit::{self as audit_log, AuditHead};
use ca_core::views::lists::Direction;
use ca_core::Ca;

use crate::authz::{self, Action};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::listing::{dir_name, ListSpec};
use crate::user::User;

/// `GET /audit`: the filters and the one sortable column (`seq`, newest
/// first unless `dir=asc`). `limit` is accepted as another name of
/// `per_page`.
pub const AUDIT_LIST: ListSpec = ListSpec {
    filters: &["actor", "action", "object", "from", "to", "per_page"],
    sorts: &["seq"],
    default_dir: Direction::Desc,
};

/// Events per page unless asked otherwise.
pub const DEFAULT_PER_PAGE: i64 = 50;
/// Most events per page.
pub const MAX_PER_PAGE: i64 = 200;

/// The filters, as given (`?actor=&action=&object=&from=&to=&page=&per_page=`).
#[derive(Debug, Clone, Default)]
pub struct AuditFilters {
    /// Exactly this actor.
    pub actor: Option<String>,
    /// Exactly this action (e.g. `certificate.issue`).
    pub action: Option<String>,
    /// Exactly this object (e.g. `unit:3`).
    pub object: Option<String>,
    /// From this day (YYYY-MM-DD, Vietnam time).
    pub from: Option<String>,
    /// Up to this day (YYYY-MM-DD, Vietnam time, inclusive).
    pub to: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
    /// Events per page, 1–200.
    pub per_page: Option<String>,
    /// Another name of `per_page`.
    pub limit: Option<String>,
    /// The column sorted by: `seq` (the only one).
    pub sort: Option<String>,
    /// `desc` (newest first, the default) or `asc`.
    pub dir: Option<String>,
}

/// The hash-chain check result.
#[derive(Debug, Clone, Serialize)]
pub struct ChainCheck {
    /// Whether the whole log verified.
    pub ok: bool,
    /// Events verified (when it did).
    pub events: Option<u64>,
    /// The head's sequence number.
    pub head_seq: i64,
    /// The head's hash.
    pub head_hash: String,
    /// The first event at which the chain is broken (when it is).
    pub broken_seq: Option<i64>,
    /// What is wrong (when it is).
    pub reason: Option<String>,
}

/// One event as shown.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// Sequence number.
    pub seq: i64,
    /// When (UTC).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub at: NaiveDateTime,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub object: String,
    /// The details (JSON).
    pub details: serde_json::Value,
    /// This event's hash.
    pub hash: String,
}

/// A page of the log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditPage {
    /// The chain check over the whole log.
    pub chain: ChainCheck,
    /// Events matching the filters.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Events per page.
    pub per_page: i64,
    /// Events per page (the same as `per_page`, as every list says it).
    pub limit: i64,
    /// How many pages there are (at least 1).
    pub pages: i64,
    /// The next page, none on the last one.
    pub next: Option<i64>,
    /// `desc` (newest first) or `asc`.
    pub dir: &'static str,
    /// The events of this page, newest first (oldest first with `asc`).
    pub events: Vec<EventView>,
}

/// The filters checked.
#[derive(Debug, Clone, Default)]
struct Parsed {
    filter: audit_log::AuditFilter,
    page: i64,
    per_page: i64,
    dir: Direction,
}

fn parse(f: &AuditFilters) -> Result<Parsed, PortalError> {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let day = |v: &Option<String>, name: &str| -> Result<Option<NaiveDate>, PortalError> {
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
    let from = day(&f.from, "from")?;
    let to = day(&f.to, "to")?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(PortalError::invalid(
                ErrorCode::InvalidPeriod,
                format!("the period starts ({a}) after it ends ({b})"),
            ));
        }
    }
    let number = |v: &Option<String>, name: &str, default: i64, max: i64| match text(v) {
        None => Ok(default),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(PortalError::invalid(
                match name {
                    "page" => ErrorCode::InvalidPage,
                    "limit" => ErrorCode::InvalidLimit,
                    _ => ErrorCode::InvalidPerPage,
                },
                format!("{name} {s:?} must be a whole number from 1 to {max}"),
            )),
        },
    };
    // Days are days of Vietnam (UTC+7), as the pages show times.
    let midnight = crate::working_days::vn_day_start_utc;
    Ok(Parsed {
        filter: audit_log::AuditFilter {
            actor: text(&f.actor),
            action: text(&f.action),
            object: text(&f.object),
            from: from.map(midnight),
            until: to.map(|d| midnight(d) + Duration::days(1)),
        },
        page: number(&f.page, "page", 1, 1_000_000)?,
        per_page: match (&f.per_page, &f.limit) {
            (None, Some(_)) => number(&f.limit, "limit", DEFAULT_PER_PAGE, MAX_PER_PAGE)?,
            (per_page, _) => number(per_page, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)?,
        },
        dir: match text(&f.dir).as_deref() {
            Some("asc") => Direction::Asc,
            _ => Direction::Desc,
        },
    })
}

/// A page of the log with the chain check, for admins and auditors.
pub fn view(ca: &Ca, user: &User, f: &AuditFilters) -> Result<AuditPage, PortalError> {
    authz::authorize(user, Action::Audit, "")?;
    let p = parse(f)?;
    ca.store().read(|c| -> Result<_, PortalError> {
        let verification = audit::verify(c)?;
        let AuditHead {
            seq: head_seq,
            hash: head_hash,
        } = audit_log::head(c)?;
        let chain = match verification {
            Verification::Ok { events } => ChainCheck {
                ok: true,
                events: Some(events),
                head_seq,
                head_hash,
                broken_seq: None,
                reason: None,
            },
            Verification::Broken { seq, reason } => ChainCheck {
                ok: false,
                events: None,
                head_seq,
                head_hash,
                broken_seq: Some(seq),
                reason: Some(reason),
            },
        };
        let total = audit_log::count(c, &p.filter)?;
        let rows = audit_log::page(c, &p.filter, p.dir, p.per_page, (p.page - 1) * p.per_page)?;
        let pages = ((total + p.per_page - 1) / p.per_page).max(1);
        Ok(AuditPage {
            chain,
            total,
            page: p.page,
            per_page: p.per_page,
            limit: p.per_page,
            pages,
            next: (p.page < pages).then_some(p.page + 1),
            dir: dir_name(p.dir),
            events: rows
                .into_iter()
                .map(|r| EventView {
                    details: serde_json::from_str(&r.details)
                        .unwrap_or(serde_json::Value::String(r.details)),
                    seq: r.seq,
                    at: r.at,
                    actor: r.actor,
                    action: r.action,
                    object: r.object,
                    hash: r.hash,
                })
                .collect(),
        })
    })
}
