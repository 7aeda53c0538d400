//! Portal accounts: creation (one-time password, TOTP secret), sign-in
//! ([`sign_in`], throttled by [`throttle`]), password change (which ends
//! every other session and token: [`sign_out`]), API bearer tokens and
//! web sessions
//! (those opened with a client certificate re-check it on every request,
//! see [`client_cert`]). Only
//! hashes of passwords, tokens and session ids are stored; TOTP secrets
//! are stored encrypted ([`TotpKey`]) and each code is accepted once (its
//! time step is remembered); none of them is ever logged or audited.

pub mod client_cert;
pub mod listing;
pub mod manage;
mod sign_in;
pub mod sign_out;
pub mod throttle;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::registry::current_province;
use ca_core::store::{DbConnection, Store};

use crate::clock::now;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::random::{hash_secret, one_time_password, secret_256};
use crate::role::Role;
use crate::schema::{api_tokens, sessions, users};
use crate::totp_key::TotpKey;
use crate::user::User;
use crate::{password, totp};
use client_cert::Presented;
pub use sign_in::{authenticate, unlock, Credentials};
pub use sign_out::Current;

/// Lifetime of an API bearer token.
pub const TOKEN_HOURS: i64 = 12;

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    /// Username: 3–64 of a–z, 0–9, '.', '_', '-'.
    pub username: &'a str,
    /// Role.
    pub role: Role,
    /// Province (required for officers and approvers, refused otherwise).
    pub province: Option<&'a str>,
    /// Department label.
    pub department: Option<&'a str>,
}

/// A created account and the secrets shown once.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The account.
    pub user: User,
    /// The one-time password (must be changed at first sign-in).
    pub one_time_password: String,
    /// The TOTP secret (base32), for admins and approvers.
    pub totp_secret: Option<String>,
    /// A note when a former province name was mapped.
    pub province_note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: i64,
    username: String,
    password_hash: String,
    role: Role,
    province: Option<String>,
    department: Option<String>,
    totp_secret: Option<String>,
    must_change_password: bool,
    disabled: bool,
}

impl UserRow {
    fn user(&self) -> Result<User, PortalError> {
        Ok(User {
            id: self.id,
            username: self.username.clone(),
            role: self.role,
            province: self.province.clone(),
            department: self.department.clone(),
            must_change_password: self.must_change_password,
        })
    }
}

/// Creates an account after checking every field; nothing is written for
/// a refused one. Its TOTP secret is stored sealed with `key`.
pub fn create_user(
    store: &Store,
    key: &TotpKey,
    input: &NewAccount<'_>,
    actor: &str,
) -> Result<CreatedAccount, PortalError> {
    let username = check_username(input.username)?;
    let (province, province_note) = province_for(input.role, input.province)?;
    let department = match input.department.map(str::trim) {
        Some("") | None => None,
        Some(d) if d.chars().count() > 200 => {
            return Err(PortalError::invalid(
                ErrorCode::InvalidDepartment,
                "the department label has at most 200 characters",
            ))
        }
        Some(d) if d.chars().any(char::is_control) => {
            return Err(PortalError::invalid(
                ErrorCode::InvalidDepartment,
                "the department label must not contain control characters",
            ))
        }
        Some(d) => Some(unicode_nfc(d)),
    };
    let otp = one_time_password()?;
    let hash = password::hash(&otp)?;
    let totp_secret = if input.role.needs_totp() {
        Some(totp::new_secret()?)
    } else {
        None
    };
    let sealed = totp_secret
        .as_deref()
        .map(|s| key.seal(&username, s))
        .transpose()?;
    let id = store.write(|c| -> Result<i64, PortalError> {
        let taken: i64 = users::table
            .filter(users::username.eq(&username))
            .count()
            .get_result(c)?;
        if taken > 0 {
            return Err(PortalError::conflict(
                ErrorCode::DuplicateUser,
                format!("the username {username:?} is taken"),
            ));
        }
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(&username),
                users::password_hash.eq(&hash),
                users::role.eq(input.role.as_str()),
                users::province.eq(&province),
                users::department.eq(&department),
                users::totp_secret.eq(&sealed),
                users::must_change_password.eq(true),
                users::created_at.eq(now()),
                users::disabled.eq(false),
            ))
            .returning(users::id)
            .get_result(c)?;
        audit::append(
            c,
            AuditEvent {
                actor,
                action: AuditAction::UserAdd,
                object: &format!("user:{username}"),
                details: json!({
                    "role": input.role.as_str(),
                    "province": province,
                    "department": department,
                    "totp": totp_secret.is_some(),
                }),
            },
        )?;
        Ok(id)
    })?;
    Ok(CreatedAccount {
        user: User {
            id,
            username,
            role: input.role,
            province,
            department,
            must_change_password: true,
        },
        one_time_password: otp,
        totp_secret,
        province_note,
    })
}

/// Changes a password: the old one must match, the new one follow the
/// policy. Clears `must_change_password`, and ends every other web session
/// and bearer token of the account (those opened with the one-time or the
/// old password included): only `current`, the one changing it, stays.
pub fn change_password(
    store: &Store,
    user: &User,
    old: &str,
    new: &str,
    current: &Current<'_>,
) -> Result<(), PortalError> {
    password::check_policy(new, &user.username)?;
    if old == new {
        return Err(PortalError::invalid(
            ErrorCode::WeakPassword,
            "the new password must differ from the old one",
        ));
    }
    let row = load_row(store, user.id)?;
    if !password::verify(old, &row.password_hash) {
        return Err(PortalError::invalid(
            ErrorCode::WrongPassword,
            "the current password is wrong",
        ));
    }
    let hash = password::hash(new)?;
    store.write(|c| -> Result<(), PortalError> {
        diesel::update(users::table.find(user.id))
            .set((
                users::password_hash.eq(&hash),
                users::must_change_password.eq(false),
            ))
            .execute(c)?;
        let ended = sign_out::end_sessions(c, user.id, current)?;
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: AuditAction::UserPassword,
                object: &format!("user:{}", user.username),
                details: json!({ "sessions_ended": ended }),
            },
        )?;
        Ok(())
    })
}

/// A new API bearer token for `user`: (token, expiry). Only its SHA-256
/// is stored. `certificate`: the id of the client certificate it was
/// opened with, which every request must then present, still good.
pub fn create_api_token(
    store: &Store,
    user: &User,
    certificate: Option<i64>,
) -> Result<(String, NaiveDateTime), PortalError> {
    let token = secret_256()?;
    let expires = now() + Duration::hours(TOKEN_HOURS);
    store.read(|c| -> Result<_, PortalError> {
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::token_hash.eq(hash_secret(&token)),
                api_tokens::user_id.eq(user.id),
                api_tokens::created_at.eq(now()),
                api_tokens::expires_at.eq(expires),
                api_tokens::certificate_id.eq(certificate),
            ))
            .execute(c)?;
        Ok(())
    })?;
    Ok((token, expires))
}

/// The account of a live bearer token; `presented`: the client
/// certificate of this request, required for a token opened with one.
pub fn api_token_user(
    store: &Store,
    token: &str,
    presented: Option<&Presented>,
) -> Result<User, PortalError> {
    let hash = hash_secret(token.trim());
    store.read(|c| -> Result<User, PortalError> {
        let found: Option<(NaiveDateTime, Option<i64>, UserRow)> = api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(&hash))
            .select((
                api_tokens::expires_at,
                api_tokens::certificate_id,
                UserRow::as_select(),
            ))
            .first(c)
            .optional()?;
        let (expires, certificate, row) = found.ok_or(PortalError::Unauthenticated)?;
        if row.disabled {
            return Err(PortalError::Unauthenticated);
        }
        if expires <= now() {
            return Err(PortalError::SessionExpired);
        }
        if let Some(id) = certificate {
            client_cert::check_still_good(c, id, presented)?;
        }
        diesel::update(api_tokens::table.find(&hash))
            .set(api_tokens::last_used_at.eq(now()))
            .execute(c)?;
        row.user()
    })
}

/// Revokes a bearer token.
pub fn revoke_api_token(store: &Store, token: &str) -> Result<(), PortalError> {
    let hash = hash_secret(token.trim());
    store.read(|c| -> Result<(), PortalError> {
        diesel::delete(api_tokens::table.find(hash)).execute(c)?;
        Ok(())
    })
}

/// A new web session: (session id for the cookie, CSRF secret).
/// `certificate`: the id of the client certificate it was opened with.
pub fn create_session(
    store: &Store,
    user: &User,
    ttl: Duration,
    certificate: Option<i64>,
) -> Result<(String, String), PortalError> {
    let id = secret_256()?;
    let csrf = secret_256()?;
    store.read(|c| -> Result<_, PortalError> {
        // Expired sessions of anyone are dropped as new ones are made.
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now()))).execute(c)?;
        diesel::insert_into(sessions::table)
            .values((
                sessions::id_hash.eq(hash_secret(&id)),
                sessions::user_id.eq(user.id),
                sessions::csrf.eq(&csrf),
                sessions::created_at.eq(now()),
                sessions::expires_at.eq(now() + ttl),
                sessions::certificate_id.eq(certificate),
            ))
            .execute(c)?;
        Ok(())
    })?;
    Ok((id, csrf))
}

/// The account and CSRF secret of a live session; `presented`: the client
/// certificate of this request, required for a session opened with one.
pub fn session_user(
    store: &Store,
    id: &str,
    presented: Option<&Presented>,
) -> Result<(User, String), PortalError> {
    let hash = hash_secret(id);
    store.read(|c| -> Result<_, PortalError> {
        let found: Option<(NaiveDateTime, String, Option<i64>, UserRow)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::id_hash.eq(&hash))
            .select((
                sessions::expires_at,
                sessions::csrf,
                sessions::certificate_id,
                UserRow::as_select(),
            ))
            .first(c)
            .optional()?;
        let (expires, csrf, certificate, row) = found.ok_or(PortalError::Unauthenticated)?;
        if row.disabled {
            return Err(PortalError::Unauthenticated);
        }
        if expires <= now() {
            return Err(PortalError::SessionExpired);
        }
        if let Some(cert) = certificate {
            client_cert::check_still_good(c, cert, presented)?;
        }
        Ok((row.user()?, csrf))
    })
}

/// An enabled account by id, within a transaction or read.
pub(crate) fn active_user(c: &mut DbConnection, id: i64) -> Result<User, PortalError> {
    let row: UserRow = users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional()?
        .ok_or(PortalError::CertificateNotBound)?;
    if row.disabled {
        return Err(PortalError::InvalidCredentials);
    }
    row.user()
}

/// Ends the sessions and bearer tokens `user` opened with certificate
/// `certificate` (when it is unbound).
pub(crate) fn end_certificate_sessions(
    c: &mut DbConnection,
    user: i64,
    certificate: i64,
) -> Result<(), PortalError> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user))
            .filter(sessions::certificate_id.eq(certificate)),
    )
    .execute(c)?;
    diesel::delete(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user))
            .filter(api_tokens::certificate_id.eq(certificate)),
    )
    .execute(c)?;
    Ok(())
}

/// Ends a web session.
pub fn delete_session(store: &Store, id: &str) -> Result<(), PortalError> {
    let hash = hash_secret(id);
    store.read(|c| -> Result<(), PortalError> {
        diesel::delete(sessions::table.find(hash)).execute(c)?;
        Ok(())
    })
}

/// Seals every TOTP secret still stored in plaintext (accounts made before
/// encryption at rest); run when the portal starts. Returns how many.
pub fn seal_plain_totp_secrets(store: &Store, key: &TotpKey) -> Result<usize, PortalError> {
    store.write(|c| -> Result<usize, PortalError> {
        let rows: Vec<(i64, String, Option<String>)> = users::table
            .filter(users::totp_secret.is_not_null())
            .select((users::id, users::username, users::totp_secret))
            .load(c)?;
        let mut sealed = 0;
        for (id, username, secret) in rows {
            let Some(plain) = secret.filter(|s| !TotpKey::is_sealed(s)) else {
                continue;
            };
            diesel::update(users::table.find(id))
                .set(users::totp_secret.eq(key.seal(&username, &plain)?))
                .execute(c)?;
            sealed += 1;
        }
        Ok(sealed)
    })
}

/// An account by id.
pub fn user_by_id(store: &Store, id: i64) -> Result<User, PortalError> {
    load_row(store, id)?.user()
}

fn load_row(store: &Store, id: i64) -> Result<UserRow, PortalError> {
    store.read(|c: &mut DbConnection| -> Result<UserRow, PortalError> {
        users::table
            .find(id)
            .select(UserRow::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| PortalError::NotFound(format!("no user {id}")))
    })
}

/// The province an account of `role` has: required (and mapped to its
/// current unit, with a note for a former name) for officers and
/// approvers, refused for admins and auditors.
pub(crate) fn province_for(
    role: Role,
    province: Option<&str>,
) -> Result<(Option<String>, Option<String>), PortalError> {
    let province = province.map(str::trim).filter(|p| !p.is_empty());
    match (role.is_provincial(), province) {
        (true, Some(p)) => {
            let (p, note) = current_province(p)
                .map_err(|e| PortalError::invalid(ErrorCode::InvalidProvince, e.to_string()))?;
            Ok((Some(p), note))
        }
        (true, None) => Err(PortalError::invalid(
            ErrorCode::ProvinceRequired,
            format!("a {role} account needs a province"),
        )),
        (false, Some(_)) => Err(PortalError::invalid(
            ErrorCode::ProvinceNotAllowed,
            format!("a {role} account covers every province; give no province"),
        )),
        (false, None) => Ok((None, None)),
    }
}

fn check_username(name: &str) -> Result<String, PortalError> {
    let name = name.trim();
    let ok = (3..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    if !ok {
        return Err(PortalError::invalid(
            ErrorCode::InvalidUsername,
            format!("username {name:?} must be 3-64 of a-z, 0-9, '.', '_', '-'"),
        ));
    }
    Ok(name.to_owned())
}

fn unicode_nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fixed argon2id hash for timing-equal refusals of unknown accounts.
pub(crate) fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password::hash("govpki-dummy-password").unwrap_or_default())
}
