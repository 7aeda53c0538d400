-- The current delegated OCSP signer of each issuer (ca-core::ocsp).
-- Keep in step with ../../sqlite/.
CREATE TABLE ocsp_signers (
    issuer_id TEXT PRIMARY KEY NOT NULL REFERENCES issuers (id),
    key_spec TEXT NOT NULL,
    key_backend TEXT NOT NULL,
    key_ref TEXT NOT NULL,
    spki_der BYTEA NOT NULL,
    cert_der BYTEA NOT NULL,
    not_after TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
