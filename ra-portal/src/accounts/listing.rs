//! The accounts as an administrator sees them on `/users`: who, which role
//! and province, and whether sign-in failures make the account wait — with
//! the administrator's unlock ([`unlock_by`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use ca_core::store::Store;

use super::throttle;
use crate::error::PortalError;
use crate::role::Role;
use crate::schema::users;
use crate::user::User;

/// An account in the administrators' list.
#[derive(Debug, Clone)]
pub struct AccountSummary {
    /// The username.
    pub username: String,
    /// The role.
    pub role: Role,
    /// The province (officers, approvers).
    pub province: Option<String>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Failed sign-ins still remembered.
    pub failures: i32,
    /// Until when sign-in waits (UTC), if it does now.
    pub waiting_until: Option<NaiveDateTime>,
}

/// Every account, by username; administrators only.
pub fn list(store: &Store, user: &User) -> Result<Vec<AccountSummary>, PortalError> {
    admin_only(user)?;
    store.read(|c| -> Result<Vec<AccountSummary>, PortalError> {
        let rows: Vec<(String, Role, Option<String>, bool)> = users::table
            .order(users::username)
            .select((
                users::username,
                users::role,
                users::province,
                users::disabled,
            ))
            .load(c)?;
        let now = crate::clock::now();
        rows.into_iter()
            .map(|(username, role, province, disabled)| {
                let state = throttle::account_state(c, &username)?;
                let (failures, until) = state.unwrap_or((0, None));
                Ok(AccountSummary {
                    waiting_until: until.filter(|u| *u > now),
                    failures,
                    username,
                    role,
                    province,
                    disabled,
                })
            })
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
