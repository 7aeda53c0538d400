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
mod state;
mod submit;
mod unit_change;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditEvent};
use ca_core::store::{DbConnection, Store};
use ca_core::Ca;

use crate::accounts::now;
use crate::authz;
use crate::schema::requests;
use crate::{PortalError, User};

pub use input::{ChangesInput, RequestInput};
pub use submit::submit;

/// What a request asks for.
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
pub enum Kind {
    /// Cấp mới from a CSR.
    Issue,
    /// Gia hạn.
    Renew,
    /// Thay đổi nội dung.
    ChangeInfo,
    /// Cấp lại on a new key.
    Reissue,
    /// Tạm dừng.
    Suspend,
    /// Khôi phục.
    Restore,
    /// Thu hồi with a reason.
    Revoke,
    /// Báo mất hẳn thiết bị: everything on the token revoked
    /// keyCompromise, its keys blocked (from active or suspended).
    TokenLost,
    /// A temporarily lost (suspended) token found again: active, its held
    /// certificates restored.
    TokenFound,
    /// A damaged token (from active).
    TokenDamaged,
    /// Báo tạm mất: the token suspended, its certificates on hold.
    TokenSuspend,
    /// Ngừng sử dụng: the token retired, its live certificates revoked
    /// cessationOfOperation.
    TokenRetire,
    /// A unit renamed or merged: every active certificate of its
    /// subscribers replaced (change of information, same key).
    UnitChange,
}

const KINDS: [(Kind, &str); 13] = [
    (Kind::Issue, "issue"),
    (Kind::Renew, "renew"),
    (Kind::ChangeInfo, "change_info"),
    (Kind::Reissue, "reissue"),
    (Kind::Suspend, "suspend"),
    (Kind::Restore, "restore"),
    (Kind::Revoke, "revoke"),
    (Kind::TokenLost, "token_lost"),
    (Kind::TokenFound, "token_found"),
    (Kind::TokenDamaged, "token_damaged"),
    (Kind::TokenSuspend, "token_suspend"),
    (Kind::TokenRetire, "token_retire"),
    (Kind::UnitChange, "unit_change"),
];

impl Kind {
    /// Every kind.
    pub fn all() -> impl Iterator<Item = Self> {
        KINDS.iter().map(|k| k.0)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        KINDS.iter().find(|k| k.0 == self).map_or("issue", |k| k.1)
    }

    /// Whether the request is about one certificate (by serial).
    pub fn on_certificate(self) -> bool {
        matches!(
            self,
            Self::Renew
                | Self::ChangeInfo
                | Self::Reissue
                | Self::Suspend
                | Self::Restore
                | Self::Revoke
        )
    }

    /// Whether the request is about a token.
    pub fn on_token(self) -> bool {
        matches!(
            self,
            Self::TokenLost
                | Self::TokenFound
                | Self::TokenDamaged
                | Self::TokenSuspend
                | Self::TokenRetire
        )
    }
}

impl FromStr for Kind {
    type Err = PortalError;

    fn from_str(s: &str) -> Result<Self, PortalError> {
        KINDS
            .iter()
            .find(|k| k.1 == s.trim())
            .map(|k| k.0)
            .ok_or_else(|| {
                PortalError::invalid(
                    "invalid_kind",
                    format!(
                        "unknown request kind {s:?}; use one of {}",
                        KINDS.iter().map(|k| k.1).collect::<Vec<_>>().join(", ")
                    ),
                )
            })
    }
}

ca_core::text_enum!(Kind);

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    pub submitted_at: NaiveDateTime,
    /// Who approved or rejected it.
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<NaiveDateTime>,
    /// The decision's comment (required on rejection).
    pub comment: Option<String>,
    /// The certificate made by the approval.
    pub result_certificate_id: Option<i64>,
    /// Why the CA operation failed.
    pub error: Option<String>,
    /// When the CA operation ended.
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
    authz::authorize(user, authz::Action::Read, &row.province)?;
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

/// Rejects a submitted request; the comment is required.
pub fn reject(
    store: &Store,
    user: &User,
    id: i64,
    comment: Option<&str>,
) -> Result<RequestRow, PortalError> {
    let comment = comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            PortalError::invalid("comment_required", "a rejection needs a comment saying why")
        })?;
    if comment.chars().count() > 2000 {
        return Err(PortalError::invalid(
            "invalid_comment",
            "the comment has at most 2000 characters",
        ));
    }
    store.write(|c| -> Result<RequestRow, PortalError> {
        let row = load_in(c, id)?;
        authz::decide(user, &row.province, row.submitted_by)?;
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
                action: "request.reject",
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
    authz::decide(user, &row.province, row.submitted_by)?;
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
                action: "request.approve",
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
                    "request.issued"
                } else {
                    "request.failed"
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
                    action: "request.failed",
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

pub(crate) fn expect_submitted(row: &RequestRow) -> Result<(), PortalError> {
    if row.state == SUBMITTED {
        Ok(())
    } else {
        Err(PortalError::conflict(
            "request_decided",
            format!("request {} is {} already", row.id, row.state),
        ))
    }
}

fn load(store: &Store, id: i64) -> Result<RequestRow, PortalError> {
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
