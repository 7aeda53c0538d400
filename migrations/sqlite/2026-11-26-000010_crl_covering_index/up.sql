-- What a full CRL reads, answered from the index alone: an issuer's revoked
-- and suspended certificates with every column the CRL needs. Without it
-- SQLite read each row, walking past the DER blobs (tbs_der, cert_der) to
-- the revocation columns: 3.9 M page reads for a CRL of 10^6 entries
-- (bench/crl.sh). The query names the statuses as literals so that the
-- planner can prove the partial index applies. Keep in step with
-- ../../postgres/.
DROP INDEX certificates_on_crl;
CREATE INDEX certificates_on_crl ON certificates (
    issuer_id, status, serial, revocation_reason, revoked_at, invalidity_date,
    not_after, status_changed_at
) WHERE status IN ('revoked', 'suspended');
