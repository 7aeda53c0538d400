//! Sign-in with a password (and, for admins and approvers, a TOTP code),
//! judged together: a wrong password, a wrong, missing or replayed code, an
//! unknown username and a disabled account all get the one answer
//! [`PortalError::InvalidCredentials`], after the same work (the password
//! hash is checked even for an unknown username). Failures are throttled
//! per account and per client address ([`super::throttle`]); an
//! administrator can clear an account's failures ([`unlock`]).

use std::net::IpAddr;

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::store::Store;

use super::throttle::{self, Keys};
use super::{dummy_hash, UserRow};
use crate::error::PortalError;
use crate::schema::users;
use crate::totp_key::TotpKey;
use crate::user::User;
use crate::{password, totp};

/// What a sign-in presents.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// The username.
    pub username: &'a str,
    /// The password.
    pub password: &'a str,
    /// The TOTP code (required for admins and approvers).
    pub totp: Option<&'a str>,
}

/// Checks username, password and (for admins and approvers) the TOTP
/// code, which is accepted once: a code of a time step no later than the
/// last one accepted is refused. `address`: the client's, for the
/// per-address count. While the account or the address has to wait,
/// nothing is judged: 429 [`PortalError::Throttled`].
pub fn authenticate(
    store: &Store,
    key: &TotpKey,
    given: Credentials<'_>,
    address: Option<IpAddr>,
) -> Result<User, PortalError> {
    let keys = Keys::new(given.username, address);
    store.read(|c| throttle::check(c, &keys))?;
    match judge(store, key, given) {
        Ok(user) => {
            store.read(|c| throttle::clear_account(c, given.username))?;
            Ok(user)
        }
        Err(PortalError::InvalidCredentials) => {
            store.write(|c| throttle::record_failure(c, &keys))?;
            Err(PortalError::InvalidCredentials)
        }
        Err(e) => Err(e),
    }
}

/// Clears the failed sign-ins of `username` so that it may sign in at once
/// (its address counts are left alone); audited as `user.unlock`. An
/// unknown username is refused with 404 `not_found`.
pub fn unlock(store: &Store, username: &str, actor: &str) -> Result<(), PortalError> {
    let username = username.trim();
    store.write(|c| -> Result<(), PortalError> {
        let exists: i64 = users::table
            .filter(users::username.eq(username))
            .count()
            .get_result(c)?;
        if exists == 0 {
            return Err(PortalError::NotFound(format!("no user {username:?}")));
        }
        let state = throttle::account_state(c, username)?;
        throttle::clear_account(c, username)?;
        audit::append(
            c,
            AuditEvent {
                actor,
                action: AuditAction::UserUnlock,
                object: &format!("user:{username}"),
                details: json!({ "failures": state.map_or(0, |(n, _)| n) }),
            },
        )?;
        Ok(())
    })
}

/// Password and code judged together: one answer whichever is wrong.
fn judge(store: &Store, key: &TotpKey, given: Credentials<'_>) -> Result<User, PortalError> {
    let row: Option<UserRow> = store.read(|c| -> Result<_, PortalError> {
        Ok(users::table
            .filter(users::username.eq(given.username.trim()))
            .select(UserRow::as_select())
            .first(c)
            .optional()?)
    })?;
    // The same work whether the account exists or not: timing does not
    // tell which usernames exist.
    let password_ok = match &row {
        Some(r) => password::verify(given.password, &r.password_hash),
        None => password::verify(given.password, dummy_hash()),
    };
    let Some(row) = row.filter(|r| !r.disabled) else {
        return Err(PortalError::InvalidCredentials);
    };
    let user = row.user()?;
    let step = if user.role.needs_totp() {
        let code = given.totp.map(str::trim).filter(|t| !t.is_empty());
        let secret = match row.totp_secret.as_deref() {
            Some(stored) if TotpKey::is_sealed(stored) => Some(key.open(&row.username, stored)?),
            Some(plain) => Some(plain.to_owned()),
            None => None,
        };
        let step = secret
            .as_deref()
            .zip(code)
            .and_then(|(s, code)| totp::verify_step(s, code, totp::unix_now()))
            .and_then(|s| i64::try_from(s).ok());
        let Some(step) = step else {
            return Err(PortalError::InvalidCredentials);
        };
        Some(step)
    } else {
        None
    };
    if !password_ok {
        return Err(PortalError::InvalidCredentials);
    }
    if let Some(step) = step {
        // Compare-and-set: of two sign-ins with the same code, one wins;
        // a code used already is as wrong as any other.
        let fresh = store.read(|c| -> Result<usize, PortalError> {
            Ok(diesel::update(
                users::table.find(row.id).filter(
                    users::totp_last_step
                        .is_null()
                        .or(users::totp_last_step.lt(step)),
                ),
            )
            .set(users::totp_last_step.eq(step))
            .execute(c)?)
        })?;
        if fresh == 0 {
            return Err(PortalError::InvalidCredentials);
        }
    }
    Ok(user)
}
