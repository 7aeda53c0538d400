//! The accounts as an administrator sees them on `/users` and
//! `GET /api/v1/users`: who, which role and province, and whether sign-in
//! failures make the account wait — with the administrator's operations
//! (create, reset, unlock, disable, enable, set role), each allowed to
//! administrators only and carried out by [`super::manage`].

use chrono::NaiveDateTime;
use diesel::prelude::*;

use ca_core::store::Store;

use super::manage::{self, ResetAccount};
use super::{throttle, CreatedAccount, NewAccount};
use crate::error::PortalError;
use crate::role::Role;
use crate::schema::users;
use crate::totp_key::TotpKey;
use crate::user::User;

/// An account in the administrators' list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountSummary {
    /// The username.
    pub username: String,
    /// The role.
    pub role: Role,
    /// The province (officers, approvers).
    pub province: Option<String>,
    /// The department label.
    pub department: Option<String>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Whether it still holds a one-time password.
    pub must_change_password: bool,
    /// Failed sign-ins still remembered.
    pub failures: i32,
    /// Until when sign-in waits (UTC), if it does now.
    #[serde(serialize_with = "rfc3339")]
    pub waiting_until: Option<NaiveDateTime>,
}

/// Every account, by username; administrators only.
pub fn list(store: &Store, user: &User) -> Result<Vec<AccountSummary>, PortalError> {
    admin_only(user)?;
    summaries(store, None)
}

/// Every account, by username, for the CLI (which has no signed-in
/// account: whoever runs it holds the database).
pub fn all(store: &Store) -> Result<Vec<AccountSummary>, PortalError> {
    summaries(store, None)
}

/// One account, by username; administrators only (404 `not_found`).
pub fn account(store: &Store, user: &User, username: &str) -> Result<AccountSummary, PortalError> {
    admin_only(user)?;
    summaries(store, Some(username.trim()))?
        .pop()
        .ok_or_else(|| PortalError::NotFound(format!("no user {:?}", username.trim())))
}

/// An administrator creates an account ([`super::create_user`]).
pub fn create_by(
    store: &Store,
    key: &TotpKey,
    user: &User,
    input: &NewAccount<'_>,
) -> Result<CreatedAccount, PortalError> {
    admin_only(user)?;
    super::create_user(store, key, input, &user.actor())
}

/// An administrator resets the password of `username` ([`manage::reset`]).
pub fn reset_by(store: &Store, user: &User, username: &str) -> Result<ResetAccount, PortalError> {
    admin_only(user)?;
    manage::reset(store, username, &user.actor())
}

/// An administrator disables or enables `username`
/// ([`manage::set_disabled`]).
pub fn set_disabled_by(
    store: &Store,
    user: &User,
    username: &str,
    disabled: bool,
) -> Result<User, PortalError> {
    admin_only(user)?;
    manage::set_disabled(store, username, disabled, &user.actor())
}

/// An administrator changes the role or province of `username`
/// ([`manage::set_role`]); `role` as given (422 `invalid_role` when it is
/// none of the four).
pub fn set_role_by(
    store: &Store,
    key: &TotpKey,
    user: &User,
    username: &str,
    role: &str,
    province: Option<&str>,
) -> Result<(User, Option<String>), PortalError> {
    admin_only(user)?;
    let role: Role = role.parse()?;
    manage::set_role(store, key, username, role, province, &user.actor())
}

/// The summaries of every account, or of the one named.
fn summaries(store: &Store, only: Option<&str>) -> Result<Vec<AccountSummary>, PortalError> {
    store.read(|c| -> Result<Vec<AccountSummary>, PortalError> {
        let mut q = users::table
            .order(users::username)
            .select((
                users::username,
                users::role,
                users::province,
                users::department,
                users::disabled,
                users::must_change_password,
            ))
            .into_boxed();
        if let Some(name) = only {
            q = q.filter(users::username.eq(name.to_owned()));
        }
        type Row = (String, Role, Option<String>, Option<String>, bool, bool);
        let rows: Vec<Row> = q.load(c)?;
        let now = crate::clock::now();
        rows.into_iter()
            .map(
                |(username, role, province, department, disabled, must_change_password)| {
                    let state = throttle::account_state(c, &username)?;
                    let (failures, until) = state.unwrap_or((0, None));
                    Ok(AccountSummary {
                        waiting_until: until.filter(|u| *u > now),
                        failures,
                        username,
                        role,
                        province,
                        department,
                        disabled,
                        must_change_password,
                    })
                },
            )
            .collect()
    })
}

/// An administrator clears the sign-in failures of `username`
/// ([`super::unlock`]).
pub fn unlock_by(store: &Store, user: &User, username: &str) -> Result<(), PortalError> {
    admin_only(user)?;
    super::unlock(store, username, &user.actor())
}

fn admin_only(user: &User) -> Result<(), PortalError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(PortalError::Forbidden(
            "only administrators manage accounts".to_owned(),
        ))
    }
}

/// A UTC time as RFC 3339 with its offset.
fn rfc3339<S: serde::Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&t.and_utc().to_rfc3339()),
        None => s.serialize_none(),
    }
}
