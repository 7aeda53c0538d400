-- Pre-signed OCSP responses (ocsp-responder) and the change marker of a
-- certificate's status that its refresher polls. Keep in step with
-- ../../sqlite/.

-- When the status of a certificate last changed (issued, revoked,
-- suspended, restored): the OCSP refresher re-signs what changed since its
-- last poll. Rows that exist already count as changed when they were made.
ALTER TABLE certificates ADD COLUMN status_changed_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE certificates SET status_changed_at = COALESCE(issued_at, created_at);
CREATE INDEX certificates_status_changed_at ON certificates (status_changed_at);

-- One signed response per (issuer, serial, CertID hash algorithm): the
-- CertID inside a response repeats the request's hash algorithm, so a
-- SHA-1 and a SHA-256 request need different bytes. 'status' is what the
-- response states (e.g. 'good', 'revoked:keyCompromise@<unix time>').
CREATE TABLE ocsp_responses (
    issuer_id TEXT NOT NULL REFERENCES issuers (id),
    serial TEXT NOT NULL,
    hash_alg TEXT NOT NULL,
    status TEXT NOT NULL,
    der BYTEA NOT NULL,
    this_update TIMESTAMP NOT NULL,
    next_update TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer_id, serial, hash_alg)
);
CREATE INDEX ocsp_responses_this_update ON ocsp_responses (this_update);
