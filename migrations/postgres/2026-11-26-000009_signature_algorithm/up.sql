-- The algorithm each issuer signs with (RFC 4055 / RFC 5758 names, as
-- OpenSSL prints them): an RSA issuer may sign with SHA-384 or SHA-512
-- instead of SHA-256. Keep in step with ../../sqlite/.
-- Existing issuers keep what their key type signed with before.
ALTER TABLE issuers
    ADD COLUMN signature_algorithm TEXT NOT NULL DEFAULT 'sha256WithRSAEncryption';
UPDATE issuers SET signature_algorithm = 'ecdsa-with-SHA256' WHERE key_spec = 'p256';
UPDATE issuers SET signature_algorithm = 'ecdsa-with-SHA384' WHERE key_spec = 'p384';
