//! Ending an account's sessions and bearer tokens at once: "sign out
//! everywhere" (`/account`, `POST /api/v1/account/sign-out-everywhere`) and
//! after a password change, which keeps only the session or token it was
//! made in.

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::store::{DbConnection, Store};

use crate::error::PortalError;
use crate::random::hash_secret;
use crate::schema::{api_tokens, sessions};
use crate::user::User;

/// The session or token a request was made with, which an operation ending
/// the others keeps.
#[derive(Debug, Clone, Copy)]
pub enum Current<'a> {
    /// A web session (its id, as in the cookie).
    Session(&'a str),
    /// A bearer token.
    Token(&'a str),
    /// Nothing to keep.
    Nothing,
}

/// Ends every web session and bearer token of `user` but `keep` (the one
/// asking); how many ended. Audited as `user.sign-out-everywhere`.
pub fn sign_out_everywhere(
    store: &Store,
    user: &User,
    keep: &Current<'_>,
) -> Result<usize, PortalError> {
    store.write(|c| -> Result<usize, PortalError> {
        let ended = end_sessions(c, user.id, keep)?;
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: AuditAction::UserSignOutEverywhere,
                object: &format!("user:{}", user.username),
                details: json!({ "sessions_ended": ended }),
            },
        )?;
        Ok(ended)
    })
}

/// Deletes the sessions and bearer tokens of account `user` but `keep`;
/// how many.
pub(crate) fn end_sessions(
    c: &mut DbConnection,
    user: i64,
    keep: &Current<'_>,
) -> Result<usize, PortalError> {
    let (keep_session, keep_token) = match keep {
        Current::Session(id) => (Some(hash_secret(id)), None),
        Current::Token(t) => (None, Some(hash_secret(t.trim()))),
        Current::Nothing => (None, None),
    };
    let ended_sessions = diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user))
            .filter(sessions::id_hash.ne(keep_session.unwrap_or_default())),
    )
    .execute(c)?;
    let ended_tokens = diesel::delete(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user))
            .filter(api_tokens::token_hash.ne(keep_token.unwrap_or_default())),
    )
    .execute(c)?;
    Ok(ended_sessions + ended_tokens)
}
