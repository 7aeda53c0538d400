//! The requests table as the rest of the portal reads it: a request's
//! row, its kind and state, and the reads that respect the caller's
//! province. The flows that write it (submit, approve, reject) are in
//! `crate::requests`, the bulk jobs of unit changes in `crate::bulk`; both
//! build on this module, which imports neither.

mod kind;
mod page;
mod state;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use ca_core::store::{DbConnection, Store};

use crate::authz;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::schema::requests;
use crate::user::User;

pub use kind::Kind;
pub use page::{page, ListedRequest, REQUEST_LIST};
pub use state::{RequestState, APPROVED, FAILED, ISSUED, REJECTED, STATES, SUBMITTED};

/// A request as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = requests)]
pub struct RequestRow {
    /// The id.
    pub id: i64,
    /// The kind.
    pub kind: Kind,
    /// The state.
    pub state: RequestState,
    /// The province of the subscriber concerned.
    pub province: String,
    /// The subscriber.
    pub subscriber_id: Option<i64>,
    /// The token.
    pub token_id: Option<i64>,
    /// The certificate acted upon.
    pub certificate_id: Option<i64>,
    /// The kind's fields (JSON text).
    #[serde(skip)]
    pub payload: String,
    /// Who submitted it.
    pub submitted_by: i64,
    /// When.
    #[serde(serialize_with = "crate::vn_time::utc")]
    pub submitted_at: NaiveDateTime,
    /// Who approved or rejected it.
    pub decided_by: Option<i64>,
    /// When.
    #[serde(serialize_with = "crate::vn_time::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    /// The decision's comment (required on rejection).
    pub comment: Option<String>,
    /// The certificate made by the approval.
    pub result_certificate_id: Option<i64>,
    /// Why the CA operation failed.
    pub error: Option<String>,
    /// When the CA operation ended.
    #[serde(serialize_with = "crate::vn_time::utc_opt")]
    pub finished_at: Option<NaiveDateTime>,
}

impl RequestRow {
    /// The JSON the API returns (the payload as an object).
    pub fn to_json(&self) -> serde_json::Value {
        let payload: serde_json::Value =
            serde_json::from_str(&self.payload).unwrap_or(serde_json::Value::Null);
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("payload".into(), payload);
        }
        v
    }
}

/// One request, if the user may read it.
pub fn get(store: &Store, user: &User, id: i64) -> Result<RequestRow, PortalError> {
    let row = load(store, id)?;
    authz::authorize_object(user, authz::Action::Read, &row.province, || {
        PortalError::NotFound(format!("no request {id}"))
    })?;
    Ok(row)
}

/// Requests in the user's scope, optionally of one state, newest first.
pub fn list(
    store: &Store,
    user: &User,
    state: Option<&str>,
) -> Result<Vec<RequestRow>, PortalError> {
    let state = state.map(str::parse::<RequestState>).transpose()?;
    store.read(|c| -> Result<_, PortalError> {
        let mut q = requests::table
            .select(RequestRow::as_select())
            .order(requests::id.desc())
            .limit(1000)
            .into_boxed();
        if let Some(p) = authz::scope(user) {
            q = q.filter(requests::province.eq(p.to_owned()));
        }
        if let Some(s) = state {
            q = q.filter(requests::state.eq(s));
        }
        Ok(q.load(c)?)
    })
}

/// How many requests wait for a decision in the user's scope.
pub fn pending_count(store: &Store, user: &User) -> Result<i64, PortalError> {
    store.read(|c| -> Result<_, PortalError> {
        let mut q = requests::table
            .filter(requests::state.eq(SUBMITTED))
            .count()
            .into_boxed();
        if let Some(p) = authz::scope(user) {
            q = q.filter(requests::province.eq(p.to_owned()));
        }
        Ok(q.get_result(c)?)
    })
}

pub(crate) fn expect_submitted(row: &RequestRow) -> Result<(), PortalError> {
    if row.state == SUBMITTED {
        Ok(())
    } else {
        Err(PortalError::conflict(
            ErrorCode::RequestDecided,
            format!("request {} is {} already", row.id, row.state),
        ))
    }
}

pub(crate) fn load(store: &Store, id: i64) -> Result<RequestRow, PortalError> {
    store.read(|c| load_in(c, id))
}

pub(crate) fn load_in(c: &mut DbConnection, id: i64) -> Result<RequestRow, PortalError> {
    requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| PortalError::NotFound(format!("no request {id}")))
}
