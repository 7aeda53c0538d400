//! Portal accounts: creation (one-time password, TOTP secret), sign-in
//! with lockout, password change, API bearer tokens and web sessions
//! (those opened with a client certificate re-check it on every request,
//! see [`client_cert`]). Only
//! hashes of passwords, tokens and session ids are stored; TOTP secrets
//! are stored encrypted ([`TotpKey`]) and each code is accepted once (its
//! time step is remembered); none of them is ever logged or audited.

pub mod client_cert;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditAction, AuditEvent};
use ca_core::registry::current_province;
use ca_core::store::{DbConnection, Store};

use crate::clock::now;
use crate::error::PortalError;
use crate::random::{hash_secret, one_time_password, secret_256};
use crate::role::Role;
use crate::schema::{api_tokens, sessions, users};
use crate::totp_key::TotpKey;
use crate::user::User;
use crate::{password, totp};
use client_cert::Presented;

/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
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
struct UserRow {
    id: i64,
    username: String,
    password_hash: String,
    role: Role,
    province: Option<String>,
    department: Option<String>,
    totp_secret: Option<String>,
    must_change_password: bool,
    failed_logins: i32,
    locked_until: Option<NaiveDateTime>,
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
    let (province, province_note) = match (input.role.is_provincial(), input.province) {
        (true, Some(p)) => {
            let (p, note) = current_province(p)
                .map_err(|e| PortalError::invalid("invalid_province", e.to_string()))?;
            (Some(p), note)
        }
        (true, None) => {
            return Err(PortalError::invalid(
                "province_required",
                format!("a {} account needs --province", input.role),
            ))
        }
        (false, Some(_)) => {
            return Err(PortalError::invalid(
                "province_not_allowed",
                format!(
                    "a {} account covers every province; omit --province",
                    input.role
                ),
            ))
        }
        (false, None) => (None, None),
    };
    let department = match input.department.map(str::trim) {
        Some("") | None => None,
        Some(d) if d.chars().count() > 200 => {
            return Err(PortalError::invalid(
                "invalid_department",
                "the department label has at most 200 characters",
            ))
        }
        Some(d) if d.chars().any(char::is_control) => {
            return Err(PortalError::invalid(
                "invalid_department",
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
                "duplicate_user",
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
                users::failed_logins.eq(0),
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

/// Checks username, password and (for admins and approvers) the TOTP
/// code, which is accepted once: a code of a time step no later than the
/// last one accepted is refused. Failures count towards the lock; the
/// fifth in a row locks the account for [`LOCK_MINUTES`].
pub fn authenticate(
    store: &Store,
    key: &TotpKey,
    username: &str,
    password_given: &str,
    totp_given: Option<&str>,
) -> Result<User, PortalError> {
    let row: Option<UserRow> = store.read(|c| -> Result<_, PortalError> {
        Ok(users::table
            .filter(users::username.eq(username.trim()))
            .select(UserRow::as_select())
            .first(c)
            .optional()?)
    })?;
    let Some(row) = row else {
        // The same work as for a real account: timing does not tell
        // which usernames exist.
        let _ = password::verify(password_given, dummy_hash());
        return Err(PortalError::InvalidCredentials);
    };
    if let Some(until) = row.locked_until.filter(|u| *u > now()) {
        return Err(locked(until));
    }
    if row.disabled {
        let _ = password::verify(password_given, dummy_hash());
        return Err(PortalError::InvalidCredentials);
    }
    if !password::verify(password_given, &row.password_hash) {
        return Err(record_failure(
            store,
            &row,
            PortalError::InvalidCredentials,
        )?);
    }
    let user = row.user()?;
    if user.role.needs_totp() {
        let given = totp_given.map(str::trim).filter(|t| !t.is_empty());
        let Some(given) = given else {
            return Err(PortalError::TotpRequired);
        };
        let secret = match row.totp_secret.as_deref() {
            Some(stored) if TotpKey::is_sealed(stored) => Some(key.open(&row.username, stored)?),
            Some(plain) => Some(plain.to_owned()),
            None => None,
        };
        let step = secret
            .as_deref()
            .and_then(|s| totp::verify_step(s, given, totp::unix_now()));
        let Some(step) = step else {
            return Err(record_failure(store, &row, PortalError::InvalidTotp)?);
        };
        let step = i64::try_from(step).map_err(|_| PortalError::InvalidTotp)?;
        // Compare-and-set: of two sign-ins with the same code, one wins.
        let fresh = store.write(|c| -> Result<usize, PortalError> {
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
            return Err(record_failure(store, &row, PortalError::TotpReplayed)?);
        }
    }
    if row.failed_logins != 0 || row.locked_until.is_some() {
        store.read(|c| -> Result<_, PortalError> {
            diesel::update(users::table.find(row.id))
                .set((
                    users::failed_logins.eq(0),
                    users::locked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
            Ok(())
        })?;
    }
    Ok(user)
}

/// Changes a password: the old one must match, the new one follow the
/// policy. Clears `must_change_password`.
pub fn change_password(
    store: &Store,
    user: &User,
    old: &str,
    new: &str,
) -> Result<(), PortalError> {
    password::check_policy(new, &user.username)?;
    if old == new {
        return Err(PortalError::invalid(
            "weak_password",
            "the new password must differ from the old one",
        ));
    }
    let row = load_row(store, user.id)?;
    if !password::verify(old, &row.password_hash) {
        return Err(PortalError::invalid(
            "wrong_password",
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
        audit::append(
            c,
            AuditEvent {
                actor: &user.actor(),
                action: AuditAction::UserPassword,
                object: &format!("user:{}", user.username),
                details: json!({}),
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

/// Counts a failure; the one that reaches the limit locks the account and
/// is answered with the lock.
fn record_failure(
    store: &Store,
    row: &UserRow,
    error: PortalError,
) -> Result<PortalError, PortalError> {
    store.write(|c| -> Result<PortalError, PortalError> {
        let failed: i32 = users::table
            .find(row.id)
            .select(users::failed_logins)
            .first(c)?;
        let failed = failed + 1;
        if failed >= MAX_FAILED_LOGINS {
            let until = now() + Duration::minutes(LOCK_MINUTES);
            diesel::update(users::table.find(row.id))
                .set((
                    users::failed_logins.eq(0),
                    users::locked_until.eq(Some(until)),
                ))
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor: "ra-portal",
                    action: AuditAction::UserLock,
                    object: &format!("user:{}", row.username),
                    details: json!({ "failed_logins": failed, "until": until.to_string() }),
                },
            )?;
            Ok(locked(until))
        } else {
            diesel::update(users::table.find(row.id))
                .set(users::failed_logins.eq(failed))
                .execute(c)?;
            Ok(error)
        }
    })
}

fn locked(until: NaiveDateTime) -> PortalError {
    PortalError::Locked {
        until: until.format("%Y-%m-%d %H:%M:%S").to_string(),
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
            "invalid_username",
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
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password::hash("govpki-dummy-password").unwrap_or_default())
}
