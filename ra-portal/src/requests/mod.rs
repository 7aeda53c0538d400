//! Requests: what an officer submits (issue, renew, change of information,
//! re-issue, suspend, restore, revoke; token suspended / found / lost /
//! damaged / retired, see `docs/tokens.md`; a unit renamed or merged) and
//! an approver decides. States: submitted → approved | rejected, approved
//! → issued | failed (a unit change stays approved while its bulk job
//! runs, and a failed one goes back to approved when its failed items are
//! retried). Approval runs the CA core operation with the approver
//! as the audited actor; every step is one transaction with its audit
//! event.

mod input;
pub mod review;
mod submit;
mod unit_change;

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::store::Store;
use ca_core::Ca;

use crate::authz;
use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::schema::requests;
use crate::user::User;

pub use input::{ChangesInput, RequestInput};
pub use submit::submit;
pub(crate) use submit::{check, record};

use crate::request_record::load;
pub(crate) use crate::request_record::{expect_submitted, load_in};
pub use crate::request_record::{
    get, list, page, pending_count, Kind, ListedRequest, RequestRow, RequestState, APPROVED,
    FAILED, ISSUED, REJECTED, REQUEST_LIST, STATES, SUBMITTED,
};

/// The comment of a rejection (of a request or a batch): required, at
/// most 2000 characters, trimmed.
pub(crate) fn rejection_comment(comment: Option<&str>) -> Result<&str, PortalError> {
    let comment = comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            PortalError::invalid(
                ErrorCode::CommentRequired,
                "a rejection needs a comment saying why",
            )
        })?;
    if comment.chars().count() > 2000 {
        return Err(PortalError::invalid(
            ErrorCode::InvalidComment,
            "the comment has at most 2000 characters",
        ));
    }
    Ok(comment)
}

/// Rejects a submitted request; the comment is required.
pub fn reject(
    store: &Store,
    user: &User,
    id: i64,
    comment: Option<&str>,
) -> Result<RequestRow, PortalError> {
    let comment = rejection_comment(comment)?;
    store.write(|c| -> Result<RequestRow, PortalError> {
        let row = load_in(c, id)?;
        authz::decide(user, id, &row.province, row.submitted_by)?;
        expect_submitted(&row)?;
        diesel::update(requests::table.find(id))
            .set((
                requests::state.eq(REJECTED),
                requests::decided_by.eq(user.id),
                requests::decided_at.eq(now()),
                requests::comment.eq(comment),
            ))
            .execute(c)?;
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: AuditAction::RequestReject,
                object: &format!("request:{id}"),
                details: json!({ "kind": row.kind, "comment": comment }),
            },
        )?;
        load_in(c, id)
    })
}

/// Approves a submitted request and carries it out: the request is
/// `issued` when the CA operation succeeded, `failed` (with the error)
/// when it did not. A request whose target no longer allows the operation
/// is refused before anything changes. A unit change is only recorded
/// here (approved, with its bulk job): the caller starts the job's worker
/// ([`crate::bulk::Runner::spawn`]).
pub fn approve(
    ca: &Ca,
    user: &User,
    id: i64,
    comment: Option<&str>,
) -> Result<RequestRow, PortalError> {
    let store = ca.store();
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let row = load(store, id)?;
    authz::decide(user, id, &row.province, row.submitted_by)?;
    expect_submitted(&row)?;
    let kind = row.kind;
    if kind == Kind::UnitChange {
        return unit_change::approve(ca, user, id, comment);
    }
    let payload: RequestInput = serde_json::from_str(&row.payload)
        .map_err(|e| PortalError::Internal(format!("stored request {id}: {e}")))?;
    let command = payload.to_command()?;
    // The CA's own checks, again: a target changed since the submission
    // refuses the approval before anything changes.
    ca.check(&command)?;
    store.write(|c| -> Result<(), PortalError> {
        // Decided meanwhile by someone else: refuse rather than run twice.
        let current = load_in(c, id)?;
        expect_submitted(&current)?;
        diesel::update(requests::table.find(id))
            .set((
                requests::state.eq(APPROVED),
                requests::decided_by.eq(user.id),
                requests::decided_at.eq(now()),
                requests::comment.eq(comment),
            ))
            .execute(c)?;
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: AuditAction::RequestApprove,
                object: &format!("request:{id}"),
                details: json!({ "kind": row.kind, "comment": comment }),
            },
        )?;
        Ok(())
    })?;
    let outcome = ca.execute(&command, &user.actor());
    store.write(|c| -> Result<RequestRow, PortalError> {
        let (state, result, error, details) = match &outcome {
            Ok(done) => (ISSUED, done.certificate_id, None, done.details.clone()),
            Err(e) => (
                FAILED,
                None,
                Some(e.to_string()),
                json!({ "error": e.to_string() }),
            ),
        };
        diesel::update(requests::table.find(id))
            .set((
                requests::state.eq(state),
                requests::result_certificate_id.eq(result),
                requests::error.eq(&error),
                requests::finished_at.eq(now()),
            ))
            .execute(c)?;
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: if error.is_none() {
                    AuditAction::RequestIssued
                } else {
                    AuditAction::RequestFailed
                },
                object: &format!("request:{id}"),
                details,
            },
        )?;
        load_in(c, id)
    })
}

/// How long a request may stay `approved` (its CA operation running)
/// before start-up takes it for one interrupted by a crash. Long enough
/// that another portal instance's approval in progress is left alone.
pub const INTERRUPTED_AFTER_MINUTES: i64 = 5;

/// The error recorded on a request interrupted between its approval and
/// the end of its CA operation.
pub const INTERRUPTED_ERROR: &str = "interrupted: the portal stopped after the approval, before the CA operation was recorded; check the certificate or token (the operation may have been carried out) and submit the request again if it was not";

/// Marks `failed` every request (but a unit change, whose bulk job
/// resumes instead) left `approved` for more than
/// [`INTERRUPTED_AFTER_MINUTES`] — a portal stopped (crash, power cut)
/// between the approval and the end of the CA operation — with
/// [`INTERRUPTED_ERROR`], one audit event each, so that it can be
/// submitted again. Run at start-up; returns the ids.
pub fn fail_interrupted(store: &Store) -> Result<Vec<i64>, PortalError> {
    let before = now() - chrono::Duration::minutes(INTERRUPTED_AFTER_MINUTES);
    store.write(|c| -> Result<Vec<i64>, PortalError> {
        let stuck: Vec<RequestRow> = requests::table
            .filter(requests::state.eq(APPROVED))
            // A unit change stays approved while its bulk job runs; its
            // job resumes at start-up (`crate::bulk::resume`).
            .filter(requests::kind.ne(Kind::UnitChange))
            .filter(requests::decided_at.lt(before))
            .select(RequestRow::as_select())
            .load(c)?;
        let mut ids = Vec::with_capacity(stuck.len());
        for row in stuck {
            let changed = diesel::update(
                requests::table
                    .find(row.id)
                    .filter(requests::state.eq(APPROVED)),
            )
            .set((
                requests::state.eq(FAILED),
                requests::error.eq(INTERRUPTED_ERROR),
                requests::finished_at.eq(now()),
            ))
            .execute(c)?;
            if changed == 0 {
                continue;
            }
            audit::append(
                c,
                AuditEvent {
                    actor: "ra-portal",
                    action: AuditAction::RequestFailed,
                    object: &format!("request:{}", row.id),
                    details: json!({
                        "kind": row.kind,
                        "error": INTERRUPTED_ERROR,
                        "approved_at": row.decided_at.map(|t| t.to_string()),
                    }),
                },
            )?;
            ids.push(row.id);
        }
        Ok(ids)
    })
}
