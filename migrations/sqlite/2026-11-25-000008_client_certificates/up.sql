-- Sign-in to the RA portal with a client certificate issued by this CA
-- (mTLS). Keep in step with ../../postgres/.

-- The certificates an account signs in with: a certificate belongs to one
-- account; the account holder binds it by presenting it in a session they
-- opened with their password (and TOTP). Its status is read from
-- certificates on every request: revoked, suspended or expired, it signs
-- no one in.
CREATE TABLE user_certificates (
    certificate_id BIGINT PRIMARY KEY NOT NULL REFERENCES certificates (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    bound_at TIMESTAMP NOT NULL
);
CREATE INDEX user_certificates_user ON user_certificates (user_id);

-- A session or bearer token opened with a certificate: every request must
-- present that same certificate, still good.
ALTER TABLE sessions ADD COLUMN certificate_id BIGINT REFERENCES certificates (id);
ALTER TABLE api_tokens ADD COLUMN certificate_id BIGINT REFERENCES certificates (id);
