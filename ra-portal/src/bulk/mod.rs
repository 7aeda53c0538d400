//! Bulk re-issue jobs (docs/bulk-reissue.md): an approved `unit_change`
//! request replaces every active certificate of the unit's subscribers by
//! a change-of-information certificate on the same key, the old one
//! revoked superseded. The job is recorded with the approval (one item per
//! certificate, `pending`); a worker thread ([`Runner`]) carries it out in
//! batches through the CA core, marking items `done` (with the new
//! certificate) or `failed` (with the error). A job left unfinished by a
//! stopped process continues when the portal is mounted again; an item
//! whose certificate was already replaced is marked done, never issued
//! twice. Failed items can be retried ([`retry`]).

mod worker;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::registry::{unit_certificates, UnitChangePlan};
use ca_core::store::{DbConnection, Store};

use crate::authz;
use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::request_record::{self as requests, RequestRow};
use crate::schema::{bulk_items, bulk_jobs, requests as requests_table};
use crate::user::User;

pub use worker::{process, resume, Progress, Runner};

/// Where an item of a job is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum ItemState {
    /// Waiting for the worker.
    Pending,
    /// Its certificate was replaced.
    Done,
    /// Its replacement failed (see its error).
    Failed,
}

ca_core::text_enum!(ItemState);

impl ItemState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

impl std::str::FromStr for ItemState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        [Self::Pending, Self::Done, Self::Failed]
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown item state {s:?}"))
    }
}

/// An item waiting for the worker.
pub const PENDING: ItemState = ItemState::Pending;
/// An item whose certificate was replaced.
pub const DONE: ItemState = ItemState::Done;
/// An item whose replacement failed (see its error).
pub const FAILED: ItemState = ItemState::Failed;

/// What a unit change does to the unit.
pub use ca_core::registry::UnitAction as Action;

/// A job as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = bulk_jobs)]
pub struct JobRow {
    /// The unit_change request (the job's id).
    pub request_id: i64,
    /// rename or merge.
    pub action: Action,
    /// The unit renamed or merged away.
    pub unit_id: i64,
    /// The unit the subscribers belong to afterwards.
    pub target_unit_id: i64,
    /// The name the new certificates carry.
    pub unit_name: String,
    /// Suspended certificates left as they are.
    pub skipped_suspended: i64,
    /// The worker holding the job.
    #[serde(skip)]
    pub claimed_by: Option<String>,
    /// Until when.
    #[serde(skip)]
    #[serde(serialize_with = "crate::vn_time::utc_opt")]
    pub claimed_until: Option<NaiveDateTime>,
    /// When the job was recorded (the approval).
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub created_at: NaiveDateTime,
    /// When its last item ended.
    #[serde(serialize_with = "crate::vn_time::utc_opt")]
    pub finished_at: Option<NaiveDateTime>,
}

/// An item as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bulk_items)]
pub struct ItemRow {
    /// The id.
    pub id: i64,
    /// The job.
    pub request_id: i64,
    /// The certificate to replace.
    pub certificate_id: i64,
    /// pending, done or failed.
    pub state: ItemState,
    /// Its replacement.
    pub new_certificate_id: Option<i64>,
    /// Why it failed.
    pub error: Option<String>,
    /// When the state last changed.
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = bulk_items)]
struct NewItem {
    request_id: i64,
    certificate_id: i64,
    state: ItemState,
    updated_at: NaiveDateTime,
}

/// What [`create_job`] recorded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Created {
    /// Items (active certificates).
    pub(crate) items: i64,
    /// Suspended certificates left alone.
    pub(crate) skipped_suspended: i64,
}

/// Records the job of request `request_id` inside the approval's
/// transaction: one pending item per good certificate of the subscribers
/// of `unit` (chosen before a merger moves them). Suspended certificates
/// are counted, not replaced: a new certificate would be good and so lift
/// the suspension; once restored, they get a change of information of
/// their own.
pub(crate) fn create_job(
    c: &mut DbConnection,
    request_id: i64,
    plan: &UnitChangePlan,
) -> Result<Created, PortalError> {
    let certificates = unit_certificates(c, plan.unit.id)?;
    let good = certificates.good;
    let skipped_suspended = certificates.suspended;
    let at = now();
    diesel::insert_into(bulk_jobs::table)
        .values((
            bulk_jobs::request_id.eq(request_id),
            bulk_jobs::action.eq(plan.action.as_str()),
            bulk_jobs::unit_id.eq(plan.unit.id),
            bulk_jobs::target_unit_id.eq(plan.target.id),
            bulk_jobs::unit_name.eq(&plan.name),
            bulk_jobs::skipped_suspended.eq(skipped_suspended),
            bulk_jobs::created_at.eq(at),
        ))
        .execute(c)?;
    // One row per statement: the multi-backend connection has no batch
    // insert; it is one transaction all the same.
    for &certificate_id in &good {
        diesel::insert_into(bulk_items::table)
            .values(NewItem {
                request_id,
                certificate_id,
                state: PENDING,
                updated_at: at,
            })
            .execute(c)?;
    }
    Ok(Created {
        items: i64::try_from(good.len()).unwrap_or(i64::MAX),
        skipped_suspended,
    })
}

/// Marks a job without items finished (inside the approval).
pub(crate) fn finish_empty(c: &mut DbConnection, request_id: i64) -> Result<(), PortalError> {
    diesel::update(bulk_jobs::table.find(request_id))
        .set(bulk_jobs::finished_at.eq(now()))
        .execute(c)?;
    Ok(())
}

/// Counts of a job's items.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    /// Every item.
    pub total: i64,
    /// Replaced.
    pub done: i64,
    /// Failed.
    pub failed: i64,
    /// Waiting.
    pub pending: i64,
}

/// An item as people read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemView {
    /// The certificate replaced (serial).
    pub old_serial: String,
    /// Its replacement (serial), once done.
    pub new_serial: Option<String>,
    /// pending, done or failed.
    pub state: ItemState,
    /// Why it failed.
    pub error: Option<String>,
}

/// A job with its progress and items.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobView {
    /// The job.
    #[serde(flatten)]
    pub job: JobRow,
    /// The request's state (approved while the job runs).
    pub request_state: String,
    /// Item counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// The items, in order.
    pub items: Vec<ItemView>,
}

/// The job of request `request_id`, if the user may read the request.
pub fn view(store: &Store, user: &User, request_id: i64) -> Result<JobView, PortalError> {
    let request = requests::get(store, user, request_id)?;
    store.read(|c| -> Result<JobView, PortalError> {
        let job = load_job(c, request_id)?;
        let counts = counts(c, request_id)?;
        let items: Vec<ItemRow> = bulk_items::table
            .filter(bulk_items::request_id.eq(request_id))
            .select(ItemRow::as_select())
            .order(bulk_items::id.asc())
            .load(c)?;
        let mut ids: Vec<i64> = items.iter().map(|i| i.certificate_id).collect();
        ids.extend(items.iter().filter_map(|i| i.new_certificate_id));
        let serials: std::collections::HashMap<i64, String> = ca_core::lifecycle::briefs(c, &ids)?
            .into_iter()
            .map(|(id, b)| (id, b.serial))
            .collect();
        let items = items
            .into_iter()
            .map(|i| ItemView {
                old_serial: serials.get(&i.certificate_id).cloned().unwrap_or_default(),
                new_serial: i.new_certificate_id.and_then(|n| serials.get(&n).cloned()),
                state: i.state,
                error: i.error,
            })
            .collect();
        Ok(JobView {
            job,
            request_state: request.state.to_string(),
            counts,
            items,
        })
    })
}

/// Puts a failed job's failed items back to pending and the request back
/// to approved (an approver of the province or an admin); the caller then
/// starts the worker ([`Runner::spawn`]).
pub fn retry(store: &Store, user: &User, request_id: i64) -> Result<RequestRow, PortalError> {
    store.write(|c| -> Result<RequestRow, PortalError> {
        let row = requests::load_in(c, request_id)?;
        authz::authorize_object(user, authz::Action::Decide, &row.province, || {
            PortalError::NotFound(format!("no request {request_id}"))
        })?;
        load_job(c, request_id)?;
        if row.state != requests::FAILED {
            return Err(PortalError::conflict(
                ErrorCode::NotFailed,
                format!(
                    "request {request_id} is {}: only a failed job is retried",
                    row.state
                ),
            ));
        }
        let at = now();
        let n = diesel::update(
            bulk_items::table
                .filter(bulk_items::request_id.eq(request_id))
                .filter(bulk_items::state.eq(FAILED)),
        )
        .set((
            bulk_items::state.eq(PENDING),
            bulk_items::error.eq(None::<String>),
            bulk_items::updated_at.eq(at),
        ))
        .execute(c)?;
        diesel::update(bulk_jobs::table.find(request_id))
            .set(bulk_jobs::finished_at.eq(None::<NaiveDateTime>))
            .execute(c)?;
        diesel::update(requests_table::table.find(request_id))
            .set((
                requests_table::state.eq(requests::APPROVED),
                requests_table::error.eq(None::<String>),
                requests_table::finished_at.eq(None::<NaiveDateTime>),
            ))
            .execute(c)?;
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: AuditAction::RequestRetry,
                object: &format!("request:{request_id}"),
                details: json!({ "items": n }),
            },
        )?;
        requests::load_in(c, request_id)
    })
}

pub(crate) fn load_job(c: &mut DbConnection, request_id: i64) -> Result<JobRow, PortalError> {
    bulk_jobs::table
        .find(request_id)
        .select(JobRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| {
            PortalError::conflict(
                ErrorCode::NoBulkJob,
                format!("request {request_id} has no bulk job (not an approved unit_change)"),
            )
        })
}

pub(crate) fn counts(c: &mut DbConnection, request_id: i64) -> Result<Counts, PortalError> {
    let rows: Vec<(ItemState, i64)> = bulk_items::table
        .filter(bulk_items::request_id.eq(request_id))
        .group_by(bulk_items::state)
        .select((bulk_items::state, diesel::dsl::count_star()))
        .load(c)?;
    let mut out = Counts::default();
    for (state, n) in rows {
        out.total += n;
        match state {
            ItemState::Done => out.done = n,
            ItemState::Failed => out.failed = n,
            ItemState::Pending => out.pending += n,
        }
    }
    Ok(out)
}
