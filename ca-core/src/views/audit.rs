//! The audit log as the portal's audit view reads it (`ra_portal::audit_view`):
//! the head of the chain and the events matching a filter, newest first, a
//! page at a time. Appending and verifying the chain are [`crate::audit`]'s.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lists::Direction;
use crate::store::models::AuditEventRow;
use crate::store::schema::{audit_events, audit_head};
use crate::store::DbConnection;

type Backend = <DbConnection as Connection>::Backend;

/// Which events: every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this actor.
    pub actor: Option<String>,
    /// Exactly this action (e.g. `certificate.issue`).
    pub action: Option<String>,
    /// Exactly this object (e.g. `unit:3`).
    pub object: Option<String>,
    /// At or after this time (UTC).
    pub from: Option<NaiveDateTime>,
    /// Before this time (UTC).
    pub until: Option<NaiveDateTime>,
}

/// The head of the chain: the last event's sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    /// The last event's sequence number (0 while the log is empty).
    pub seq: i64,
    /// The last event's hash.
    pub hash: String,
}

/// The head row of the chain.
pub fn head(c: &mut DbConnection) -> QueryResult<AuditHead> {
    let (seq, hash) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .first(c)?;
    Ok(AuditHead { seq, hash })
}

/// How many events match `filter`.
pub fn count(c: &mut DbConnection, filter: &AuditFilter) -> QueryResult<i64> {
    filtered(filter).count().get_result(c)
}

/// The events matching `filter`, newest first (oldest first with
/// [`Direction::Asc`]): at most `limit`, after skipping `offset`.
pub fn page(
    c: &mut DbConnection,
    filter: &AuditFilter,
    direction: Direction,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<AuditEventRow>> {
    let q = filtered(filter);
    let q = match direction {
        Direction::Desc => q.order(audit_events::seq.desc()),
        Direction::Asc => q.order(audit_events::seq.asc()),
    };
    q.limit(limit)
        .offset(offset)
        .select(AuditEventRow::as_select())
        .load(c)
}

fn filtered(f: &AuditFilter) -> audit_events::BoxedQuery<'static, Backend> {
    let mut q = audit_events::table.into_boxed();
    if let Some(a) = &f.actor {
        q = q.filter(audit_events::actor.eq(a.clone()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_events::action.eq(a.clone()));
    }
    if let Some(o) = &f.object {
        q = q.filter(audit_events::object.eq(o.clone()));
    }
    if let Some(t) = f.from {
        q = q.filter(audit_events::at.ge(t));
    }
    if let Some(t) = f.until {
        q = q.filter(audit_events::at.lt(t));
    }
    q
}
