-- govpki initial schema (SQLite). Keep in step with ../../postgres/.
CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE issuers (
    id TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT REFERENCES issuers (id),
    subject_dn TEXT NOT NULL,
    status TEXT NOT NULL,
    key_spec TEXT NOT NULL,
    key_backend TEXT NOT NULL,
    key_ref TEXT NOT NULL,
    spki_der BLOB NOT NULL,
    cert_der BLOB,
    csr_der BLOB,
    allow_suspend BOOLEAN NOT NULL DEFAULT 1,
    not_before TIMESTAMP,
    not_after TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    parent_agency TEXT,
    province TEXT NOT NULL,
    tax_code TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (province, name)
);

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    full_name TEXT NOT NULL,
    uid TEXT,
    title TEXT,
    unit_id INTEGER REFERENCES units (id),
    organization TEXT,
    locality TEXT,
    province TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX subscribers_uid ON subscribers (uid);
CREATE INDEX subscribers_province ON subscribers (province);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    serial TEXT NOT NULL UNIQUE,
    model TEXT,
    subscriber_id INTEGER REFERENCES subscribers (id),
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tokens_subscriber ON tokens (subscriber_id);

CREATE TABLE certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    issuer_id TEXT NOT NULL REFERENCES issuers (id),
    serial TEXT NOT NULL,
    subscriber_id INTEGER REFERENCES subscribers (id),
    token_id INTEGER REFERENCES tokens (id),
    profile TEXT NOT NULL,
    operation TEXT NOT NULL,
    request_json TEXT NOT NULL,
    replaces_id INTEGER REFERENCES certificates (id),
    status TEXT NOT NULL,
    subject_dn TEXT NOT NULL,
    spki_sha256 TEXT NOT NULL,
    tbs_der BLOB NOT NULL,
    cert_der BLOB,
    not_before TIMESTAMP NOT NULL,
    not_after TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revocation_reason TEXT,
    invalidity_date TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    issued_at TIMESTAMP,
    UNIQUE (issuer_id, serial)
);
CREATE INDEX certificates_serial ON certificates (serial);
CREATE INDEX certificates_subscriber ON certificates (subscriber_id);
CREATE INDEX certificates_token ON certificates (token_id);
CREATE INDEX certificates_spki ON certificates (spki_sha256);
CREATE INDEX certificates_pending ON certificates (status) WHERE status = 'pending';

CREATE TABLE blocked_keys (
    spki_sha256 TEXT PRIMARY KEY NOT NULL,
    reason TEXT NOT NULL,
    certificate_id INTEGER REFERENCES certificates (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
