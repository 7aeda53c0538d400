//! What an administrator does to other accounts: reset the password (a new
//! one-time password, shown once, to be changed at the next sign-in),
//! disable and enable, change the role or the province. Each change is one
//! transaction with its audit event (`user.reset`, `user.disable`,
//! `user.enable`, `user.set-role`), and every change that could widen or
//! end what an account may do (reset, disable, a new role or province)
//! ends its web sessions and bearer tokens in the same transaction, so it
//! holds at the very next request. The last enabled administrator can be
//! neither disabled nor given another role (409 `last_admin`): someone
//! must remain able to manage accounts.
//!
//! `actor` is what the audit log records (`portal:<username>` or the
//! CLI's `cli:<user>`); the portal's handlers call these through
//! [`super::listing`], which first checks that the caller is an
//! administrator.

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::store::{DbConnection, Store};

use super::sign_out::{end_sessions, Current};
use super::{province_for, throttle, UserRow};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::password;
use crate::random::one_time_password;
use crate::role::Role;
use crate::schema::users;
use crate::user::User;

/// A reset password: the account and its new one-time password (shown
/// once; only its hash is stored).
#[derive(Debug, Clone)]
pub struct ResetAccount {
    /// The account.
    pub user: User,
    /// The one-time password, to be changed at the next sign-in.
    pub one_time_password: String,
}

/// Gives `username` a new one-time password that must be changed at the
/// next sign-in (`must_change_password`), ends its sessions and tokens
/// and clears its failed sign-ins. The TOTP secret stays.
pub fn reset(store: &Store, username: &str, actor: &str) -> Result<ResetAccount, PortalError> {
    let otp = one_time_password()?;
    let hash = password::hash(&otp)?;
    let user = store.write(|c| -> Result<User, PortalError> {
        let row = row_by_name(c, username)?;
        diesel::update(users::table.find(row.id))
            .set((
                users::password_hash.eq(&hash),
                users::must_change_password.eq(true),
            ))
            .execute(c)?;
        let ended = end_sessions(c, row.id, &Current::Nothing)?;
        throttle::clear_account(c, &row.username)?;
        audit::append(
            c,
            AuditEvent {
                actor,
                action: AuditAction::UserReset,
                object: &format!("user:{}", row.username),
                details: json!({ "sessions_ended": ended }),
            },
        )?;
        let mut user = row.user()?;
        user.must_change_password = true;
        Ok(user)
    })?;
    Ok(ResetAccount {
        user,
        one_time_password: otp,
    })
}

/// Disables (`disabled = true`) or enables an account. Disabling ends its
/// sessions and tokens at once and is refused for the last enabled
/// administrator (409 `last_admin`). Changing nothing (disabling a
/// disabled account) is refused too (409 `already_disabled` /
/// `already_enabled`), so the audit log records only real changes.
pub fn set_disabled(
    store: &Store,
    username: &str,
    disabled: bool,
    actor: &str,
) -> Result<User, PortalError> {
    store.write(|c| -> Result<User, PortalError> {
        let row = row_by_name(c, username)?;
        match (row.disabled, disabled) {
            (true, true) => {
                return Err(PortalError::conflict(
                    ErrorCode::AlreadyDisabled,
                    format!("the account {:?} is disabled already", row.username),
                ))
            }
            (false, false) => {
                return Err(PortalError::conflict(
                    ErrorCode::AlreadyEnabled,
                    format!("the account {:?} is enabled already", row.username),
                ))
            }
            _ => {}
        }
        if disabled && row.role == Role::Admin {
            keep_an_admin(c, row.id)?;
        }
        diesel::update(users::table.find(row.id))
            .set(users::disabled.eq(disabled))
            .execute(c)?;
        let ended = if disabled {
            end_sessions(c, row.id, &Current::Nothing)?
        } else {
            0
        };
        audit::append(
            c,
            AuditEvent {
                actor,
                action: if disabled {
                    AuditAction::UserDisable
                } else {
                    AuditAction::UserEnable
                },
                object: &format!("user:{}", row.username),
                details: json!({ "sessions_ended": ended }),
            },
        )?;
        row.user()
    })
}

/// Gives `username` the role `role` and, for officers and approvers, the
/// province `province` (a former province name is mapped to its current
/// unit; admins and auditors have none). The account's sessions and
/// tokens end at once. Refused: the last enabled administrator given
/// another role (409 `last_admin`), a province missing or not allowed for
/// the role (422), no change at all (409 `no_change`). A newly made
/// administrator or approver without a TOTP secret gets one (returned,
/// base32, shown once).
pub fn set_role(
    store: &Store,
    key: &crate::totp_key::TotpKey,
    username: &str,
    role: Role,
    province: Option<&str>,
    actor: &str,
) -> Result<(User, Option<String>), PortalError> {
    let (province, _note) = province_for(role, province)?;
    let username = username.trim().to_owned();
    let fresh_secret = if role.needs_totp() {
        Some(crate::totp::new_secret()?)
    } else {
        None
    };
    store.write(|c| -> Result<(User, Option<String>), PortalError> {
        let row = row_by_name(c, &username)?;
        if row.role == role && row.province == province {
            return Err(PortalError::conflict(
                ErrorCode::NoChange,
                format!(
                    "the account {:?} has this role and province already",
                    row.username
                ),
            ));
        }
        if row.role == Role::Admin && role != Role::Admin && !row.disabled {
            keep_an_admin(c, row.id)?;
        }
        // An account that now needs a second factor and has none gets one.
        let new_secret = match (&fresh_secret, &row.totp_secret) {
            (Some(s), None) => Some(s.clone()),
            _ => None,
        };
        let sealed = new_secret
            .as_deref()
            .map(|s| key.seal(&row.username, s))
            .transpose()?;
        diesel::update(users::table.find(row.id))
            .set((users::role.eq(role.as_str()), users::province.eq(&province)))
            .execute(c)?;
        if let Some(sealed) = &sealed {
            diesel::update(users::table.find(row.id))
                .set((
                    users::totp_secret.eq(sealed),
                    users::totp_last_step.eq(None::<i64>),
                ))
                .execute(c)?;
        }
        let ended = end_sessions(c, row.id, &Current::Nothing)?;
        audit::append(
            c,
            AuditEvent {
                actor,
                action: AuditAction::UserSetRole,
                object: &format!("user:{}", row.username),
                details: json!({
                    "from": { "role": row.role.as_str(), "province": row.province },
                    "to": { "role": role.as_str(), "province": province },
                    "totp": new_secret.is_some(),
                    "sessions_ended": ended,
                }),
            },
        )?;
        let mut user = row.user()?;
        user.role = role;
        user.province = province;
        Ok((user, new_secret))
    })
}

/// Refuses to take away the administrator `id` when no other enabled
/// administrator is left.
fn keep_an_admin(c: &mut DbConnection, id: i64) -> Result<(), PortalError> {
    let others: i64 = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(id))
        .count()
        .get_result(c)?;
    if others == 0 {
        return Err(PortalError::conflict(
            ErrorCode::LastAdmin,
            "this is the last enabled administrator: make another account administrator first",
        ));
    }
    Ok(())
}

/// An account by username, within a transaction; 404 when none.
fn row_by_name(c: &mut DbConnection, username: &str) -> Result<UserRow, PortalError> {
    let username = username.trim();
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| PortalError::NotFound(format!("no user {username:?}")))
}
