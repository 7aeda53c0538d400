-- Sign-in throttling of the RA portal: failed sign-ins counted per
-- account (the username as given, existing or not) and per client address,
-- answered with growing delays instead of a lock. Replaces the per-account
-- lock of users.failed_logins / users.locked_until. Keep in step with
-- ../../sqlite/.

-- key: 'account:' || username or 'address:' || IP address. failures: in a
-- row, forgotten an hour after the last one. blocked_until: no attempt
-- under this key is judged before then (answered 429 sign_in_throttled).
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
