-- The RA portal (ra-portal): accounts, bearer tokens, web sessions and the
-- requests officers submit and approvers decide. Keep in step with
-- ../../postgres/.

-- role: admin | ra_officer | ra_approver | auditor. province: one of the
-- 34 current provinces, NULL for admin and auditor (every province).
-- password_hash: an argon2id PHC string. totp_secret: base32, required for
-- admin and ra_approver. locked_until: set after 5 failed sign-ins.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'ra_officer', 'ra_approver', 'auditor')),
    province TEXT,
    department TEXT,
    totp_secret TEXT,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);

-- API bearer tokens: only the SHA-256 (hex) of the token is kept.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Web sessions: the private cookie holds the id, the table its SHA-256;
-- csrf is the secret every form of the session carries.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- kind: issue | renew | change_info | reissue | suspend | restore | revoke |
-- token_lost | token_found | token_damaged. state: submitted → approved |
-- rejected → issued | failed. payload: the kind's fields as JSON.
CREATE TABLE requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    province TEXT NOT NULL,
    subscriber_id BIGINT REFERENCES subscribers (id),
    token_id BIGINT REFERENCES tokens (id),
    certificate_id BIGINT REFERENCES certificates (id),
    payload TEXT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    comment TEXT,
    result_certificate_id BIGINT REFERENCES certificates (id),
    error TEXT,
    finished_at TIMESTAMP
);
CREATE INDEX requests_state ON requests (state, province);
