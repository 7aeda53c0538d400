//! A token as the portal shows it (its certificates, and the requests its
//! state allows, from the state machine of `ca_core::token`), and the
//! administrators' emergency: a lost token's certificates revoked at once,
//! without the approval step (`ca_core::token::token_lost_in`, the very
//! transition a `token_lost` request carries out, its audit event marked
//! `"emergency": true`), recorded in `emergency_actions` in the same
//! transaction for the approvers of the token's province to acknowledge
//! afterwards (audited as `emergency.acknowledge`, once).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::token::{token_lost_in, TokenState, TRANSITIONS};
use ca_core::{Ca, CaError};

use crate::authz::{self, Action};
use crate::certificates::{self, Filters};
use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::listing::ListQuery;
use crate::request_record::Kind;
use crate::role::Role;
use crate::schema::{emergency_actions, users};
use crate::user::User;

/// The only emergency action so far: a lost token's certificates revoked.
pub const TOKEN_LOST: &str = "token_lost";

/// A token, its holder, its certificates and what may be asked of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenView {
    /// The token's serial.
    pub serial: String,
    /// Its model, if known.
    pub model: Option<String>,
    /// Its state (`active`, `suspended`, `lost`, `damaged`, `retired`).
    pub status: TokenState,
    /// The holder's id.
    pub subscriber_id: Option<i64>,
    /// The holder's name.
    pub subscriber_name: Option<String>,
    /// The holder's province.
    pub province: String,
    /// Its certificates (serial, subject, status, validity), newest last.
    pub certificates: Vec<serde_json::Value>,
    /// The request kinds its state allows (`token_suspend` …), in the
    /// order of the state machine.
    pub actions: Vec<&'static str>,
    /// Whether the caller may revoke its certificates at once
    /// (administrators, a token that may become lost).
    pub emergency_allowed: bool,
}

/// An emergency action and its acknowledgement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Emergency {
    /// The id.
    pub id: i64,
    /// What was done (`token_lost`).
    pub action: String,
    /// The token.
    pub token_serial: String,
    /// The holder's province.
    pub province: String,
    /// The serials revoked.
    pub revoked: Vec<String>,
    /// Who did it.
    pub performed_by: String,
    /// When (RFC 3339).
    pub performed_at: String,
    /// Who acknowledged it, if anyone has.
    pub acknowledged_by: Option<String>,
    /// When (RFC 3339).
    pub acknowledged_at: Option<String>,
}

/// The token `serial`, if the user may read it (another province's
/// answers as a missing one).
pub fn token(ca: &Ca, user: &User, serial: &str) -> Result<TokenView, PortalError> {
    let row = ca.token(serial)?;
    let holder = row.subscriber_id.map(|id| ca.subscriber(id)).transpose()?;
    let province = holder
        .as_ref()
        .map(|h| h.province.clone())
        .unwrap_or_default();
    authz::authorize_object(user, Action::Read, &province, || {
        CaError::UnknownToken {
            serial: serial.to_owned(),
        }
        .into()
    })?;
    // Oldest first; a token holds a handful of certificates, far below the
    // largest page.
    let oldest_first = ListQuery::parse(
        Some("sort=id&dir=asc&limit=500"),
        certificates::CERTIFICATE_LIST,
    )?;
    let (certificates, _) = certificates::search(
        ca,
        user,
        &Filters {
            token: Some(row.serial.clone()),
            ..Filters::default()
        },
        &oldest_first,
    )?;
    let actions = TRANSITIONS
        .iter()
        .filter(|(from, _)| *from == row.status)
        .map(|(_, to)| kind_of(*to).as_str())
        .collect();
    Ok(TokenView {
        emergency_allowed: user.role == Role::Admin && row.status.may_become(TokenState::Lost),
        serial: row.serial,
        model: row.model,
        status: row.status,
        subscriber_id: row.subscriber_id,
        subscriber_name: holder.map(|h| h.full_name),
        province,
        certificates,
        actions,
    })
}

/// An administrator reports token `serial` lost and revokes its
/// certificates at once (keyCompromise, keys blocked), without the
/// approval step; the approvers of its province acknowledge it later.
pub fn emergency_lost(ca: &Ca, user: &User, serial: &str) -> Result<Emergency, PortalError> {
    if user.role != Role::Admin {
        return Err(PortalError::Forbidden(
            "only administrators revoke a lost token's certificates without approval".to_owned(),
        ));
    }
    let view = token(ca, user, serial)?;
    let at = now();
    // The revocation and the approvers' to-do row in one transaction.
    let (revoked, id) = ca.store().write(|c| -> Result<_, PortalError> {
        let revoked = token_lost_in(c, &view.serial, &user.actor(), true)?;
        let id = diesel::insert_into(emergency_actions::table)
            .values((
                emergency_actions::action.eq(TOKEN_LOST),
                emergency_actions::token_serial.eq(&view.serial),
                emergency_actions::province.eq(&view.province),
                emergency_actions::revoked.eq(json!(revoked).to_string()),
                emergency_actions::performed_by.eq(user.id),
                emergency_actions::performed_at.eq(at),
            ))
            .returning(emergency_actions::id)
            .get_result(c)?;
        Ok((revoked, id))
    })?;
    Ok(Emergency {
        id,
        action: TOKEN_LOST.to_owned(),
        token_serial: view.serial,
        province: view.province,
        revoked,
        performed_by: user.username.clone(),
        performed_at: at.and_utc().to_rfc3339(),
        acknowledged_by: None,
        acknowledged_at: None,
    })
}

/// The emergency actions not acknowledged yet that `user` may
/// acknowledge or read (their scope), oldest first.
pub fn unacknowledged(ca: &Ca, user: &User) -> Result<Vec<Emergency>, PortalError> {
    let scope = authz::scope(user).map(str::to_owned);
    let rows = ca.store().read(|c| -> Result<Vec<Row>, PortalError> {
        let mut q = emergency_actions::table
            .filter(emergency_actions::acknowledged_at.is_null())
            .order(emergency_actions::id.asc())
            .select(Row::as_select())
            .into_boxed();
        if let Some(p) = scope {
            q = q.filter(emergency_actions::province.eq(p));
        }
        Ok(q.limit(500).load(c)?)
    })?;
    rows.into_iter().map(|r| r.emergency(ca)).collect()
}

/// An approver (or administrator) of the province acknowledges emergency
/// action `id`: once (409 `already_acknowledged` afterwards), never their
/// own (403 `own_request`); audited as `emergency.acknowledge`.
pub fn acknowledge(ca: &Ca, user: &User, id: i64) -> Result<Emergency, PortalError> {
    let missing = || PortalError::NotFound(format!("no emergency action {id}"));
    let row = ca.store().write(|c| -> Result<Row, PortalError> {
        let row: Row = emergency_actions::table
            .find(id)
            .select(Row::as_select())
            .first(c)
            .optional()?
            .ok_or_else(missing)?;
        authz::authorize_object(user, Action::Decide, &row.province, missing)?;
        if row.performed_by == user.id {
            return Err(PortalError::OwnRequest);
        }
        let at = now();
        let changed = diesel::update(
            emergency_actions::table
                .find(id)
                .filter(emergency_actions::acknowledged_at.is_null()),
        )
        .set((
            emergency_actions::acknowledged_by.eq(user.id),
            emergency_actions::acknowledged_at.eq(at),
        ))
        .execute(c)?;
        if changed == 0 {
            return Err(PortalError::conflict(
                ErrorCode::AlreadyAcknowledged,
                format!("emergency action {id} was acknowledged already"),
            ));
        }
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: AuditAction::EmergencyAcknowledge,
                object: &format!("token:{}", row.token_serial),
                details: json!({ "emergency": id, "action": row.action }),
            },
        )?;
        Ok(Row {
            acknowledged_by: Some(user.id),
            acknowledged_at: Some(at),
            ..row
        })
    })?;
    row.emergency(ca)
}

/// The request kind that moves a token to `to`.
fn kind_of(to: TokenState) -> Kind {
    match to {
        TokenState::Active => Kind::TokenFound,
        TokenState::Suspended => Kind::TokenSuspend,
        TokenState::Lost => Kind::TokenLost,
        TokenState::Damaged => Kind::TokenDamaged,
        TokenState::Retired => Kind::TokenRetire,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = emergency_actions)]
struct Row {
    id: i64,
    action: String,
    token_serial: String,
    province: String,
    revoked: String,
    performed_by: i64,
    performed_at: NaiveDateTime,
    acknowledged_by: Option<i64>,
    acknowledged_at: Option<NaiveDateTime>,
}

impl Row {
    fn emergency(self, ca: &Ca) -> Result<Emergency, PortalError> {
        let name = |id: i64| -> Result<String, PortalError> {
            ca.store().read(|c| -> Result<String, PortalError> {
                Ok(users::table
                    .find(id)
                    .select(users::username)
                    .first(c)
                    .optional()?
                    .unwrap_or_else(|| format!("#{id}")))
            })
        };
        Ok(Emergency {
            id: self.id,
            action: self.action,
            token_serial: self.token_serial,
            province: self.province,
            revoked: serde_json::from_str(&self.revoked).unwrap_or_default(),
            performed_by: name(self.performed_by)?,
            performed_at: self.performed_at.and_utc().to_rfc3339(),
            acknowledged_by: self.acknowledged_by.map(name).transpose()?,
            acknowledged_at: self.acknowledged_at.map(|t| t.and_utc().to_rfc3339()),
        })
    }
}
