//! Sign-in throttling: failed sign-ins counted in `sign_in_failures` under
//! two keys, the account (the username as given, whether it exists or
//! not, so an unknown username gets exactly the answers an existing one
//! gets) and the client address. Past a number of free failures each
//! further failure makes the key wait longer before an attempt is judged
//! again (30 s, 1 min, 2 min … up to a cap), answered 429 `sign_in_throttled`
//! with `Retry-After`. Nothing is ever locked for good: a wait ends by
//! itself, failures are forgotten an hour after the last one, a successful
//! sign-in clears the account's count, and an administrator can clear it
//! at once ([`super::unlock`]). An attempt refused for a wait is not
//! judged and not counted, so an attacker cannot stretch the wait beyond
//! the cap.

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use ca_core::store::DbConnection;

use crate::clock::now;
use crate::error::PortalError;
use crate::schema::sign_in_failures as f;

/// Failures of one account (from anywhere) before it has to wait.
pub const ACCOUNT_FREE_FAILURES: i32 = 5;
/// The longest wait of an account.
pub const ACCOUNT_MAX_WAIT_SECS: i64 = 15 * 60;
/// Failures from one client address (any accounts) before it has to wait.
pub const ADDRESS_FREE_FAILURES: i32 = 10;
/// The first wait; each further failure doubles it.
pub const FIRST_WAIT_SECS: i64 = 30;
/// The longest wait of an address.
pub const ADDRESS_MAX_WAIT_SECS: i64 = 60 * 60;
/// Failures are forgotten this long after the last one.
pub const FORGET_AFTER_MINUTES: i64 = 60;
/// The longest username kept as a key (longer ones cannot exist).
const MAX_KEY_USERNAME: usize = 128;

/// The keys one sign-in attempt is counted under.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    account: String,
    address: Option<String>,
}

impl Keys {
    /// The keys of an attempt for `username` from `address`.
    pub(crate) fn new(username: &str, address: Option<IpAddr>) -> Self {
        Self {
            account: account_key(username),
            address: address.map(|a| format!("address:{a}")),
        }
    }

    fn all(&self) -> impl Iterator<Item = (&str, i32, i64)> {
        std::iter::once((
            self.account.as_str(),
            ACCOUNT_FREE_FAILURES,
            ACCOUNT_MAX_WAIT_SECS,
        ))
        .chain(
            self.address
                .as_deref()
                .map(|a| (a, ADDRESS_FREE_FAILURES, ADDRESS_MAX_WAIT_SECS)),
        )
    }
}

/// The key of an account's failures.
pub(crate) fn account_key(username: &str) -> String {
    let name: String = username.trim().chars().take(MAX_KEY_USERNAME).collect();
    format!("account:{name}")
}

/// Refuses the attempt while either key has to wait, with the longer wait.
pub(crate) fn check(c: &mut DbConnection, keys: &Keys) -> Result<(), PortalError> {
    let now = now();
    let mut wait: Option<NaiveDateTime> = None;
    for (key, _, _) in keys.all() {
        let until: Option<Option<NaiveDateTime>> = f::table
            .find(key)
            .select(f::blocked_until)
            .first(c)
            .optional()?;
        if let Some(until) = until.flatten().filter(|u| *u > now) {
            wait = Some(wait.map_or(until, |w| w.max(until)));
        }
    }
    match wait {
        Some(until) => Err(throttled(until - now)),
        None => Ok(()),
    }
}

/// Counts a failed attempt under both keys; past the free failures the key
/// has to wait, twice as long as after the previous failure.
pub(crate) fn record_failure(c: &mut DbConnection, keys: &Keys) -> Result<(), PortalError> {
    let now = now();
    let forget = now - Duration::minutes(FORGET_AFTER_MINUTES);
    // Forgotten failures of anyone go as new ones come.
    diesel::delete(f::table.filter(f::last_failure_at.lt(forget))).execute(c)?;
    for (key, free, max_wait) in keys.all() {
        let before: Option<i32> = f::table.find(key).select(f::failures).first(c).optional()?;
        let failures = before.unwrap_or(0).saturating_add(1);
        let blocked_until = (failures >= free).then(|| now + wait(failures - free, max_wait));
        if before.is_some() {
            diesel::update(f::table.find(key))
                .set((
                    f::failures.eq(failures),
                    f::last_failure_at.eq(now),
                    f::blocked_until.eq(blocked_until),
                ))
                .execute(c)?;
        } else {
            diesel::insert_into(f::table)
                .values((
                    f::key.eq(key),
                    f::failures.eq(failures),
                    f::last_failure_at.eq(now),
                    f::blocked_until.eq(blocked_until),
                ))
                .execute(c)?;
        }
    }
    Ok(())
}

/// Forgets the failures of an account (a successful sign-in, an
/// administrator's unlock); whether there were any.
pub(crate) fn clear_account(c: &mut DbConnection, username: &str) -> Result<bool, PortalError> {
    Ok(diesel::delete(f::table.find(account_key(username))).execute(c)? > 0)
}

/// The failures of an account still remembered and, when it has to wait,
/// until when.
pub(crate) fn account_state(
    c: &mut DbConnection,
    username: &str,
) -> Result<Option<(i32, Option<NaiveDateTime>)>, PortalError> {
    let forget = now() - Duration::minutes(FORGET_AFTER_MINUTES);
    Ok(f::table
        .find(account_key(username))
        .filter(f::last_failure_at.ge(forget))
        .select((f::failures, f::blocked_until))
        .first(c)
        .optional()?)
}

/// The wait after `over` failures beyond the free ones: 30 s, 1 min,
/// 2 min …, at most `max_secs`.
fn wait(over: i32, max_secs: i64) -> Duration {
    let doublings = u32::try_from(over).unwrap_or(u32::MAX).min(32);
    let secs = FIRST_WAIT_SECS.saturating_mul(1i64 << doublings);
    Duration::seconds(secs.min(max_secs))
}

fn throttled(left: Duration) -> PortalError {
    // Whole seconds, rounded up: a client waiting this long is judged.
    let ms = left.num_milliseconds().max(1);
    PortalError::Throttled {
        retry_after: u64::try_from((ms + 999) / 1000).unwrap_or(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        assert_eq!(wait(0, 900), Duration::seconds(30));
        assert_eq!(wait(1, 900), Duration::seconds(60));
        assert_eq!(wait(4, 900), Duration::seconds(480));
        assert_eq!(wait(5, 900), Duration::seconds(900));
        assert_eq!(wait(i32::MAX, 3600), Duration::seconds(3600));
    }

    #[test]
    fn keys_of_unknown_and_long_usernames() {
        assert_eq!(account_key(" admin "), "account:admin");
        assert_eq!(account_key(&"x".repeat(10_000)).len(), 8 + MAX_KEY_USERNAME);
        let keys = Keys::new("admin", Some("192.0.2.1".parse().expect("address")));
        assert_eq!(keys.address.as_deref(), Some("address:192.0.2.1"));
    }
}
