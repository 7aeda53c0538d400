-- The current delegated OCSP signer of each issuer (ca-core::ocsp).
-- Keep in step with ../../postgres/.
CREATE TABLE ocsp_signers (
    issuer_id TEXT PRIMARY KEY NOT NULL REFERENCES issuers (id),
    key_spec TEXT NOT NULL,
    key_backend TEXT NOT NULL,
    key_ref TEXT NOT NULL,
    spki_der BLOB NOT NULL,
    cert_der BLOB NOT NULL,
    not_after TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
