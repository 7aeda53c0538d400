-- CRLs (ca-core::crl): every CRL generated, kept by number, and per issuer
-- its shard count and the last CRL number handed out. Keep in step with
-- ../../sqlite/.

-- How many CRL shards an issuer's certificates are spread over (fixed when
-- the issuer is made: a certificate's shard is written into its CRL
-- distribution point), and the last CRL number allocated: one sequence per
-- issuer shared by full and delta CRLs of every shard (RFC 5280 §5.2.3),
-- advanced by an UPDATE inside the transaction that stores the CRL.
ALTER TABLE issuers ADD COLUMN crl_shards INTEGER NOT NULL DEFAULT 1;
ALTER TABLE issuers ADD COLUMN crl_number BIGINT NOT NULL DEFAULT 0;

CREATE TABLE crls (
    issuer_id TEXT NOT NULL REFERENCES issuers (id),
    number BIGINT NOT NULL,
    shard INTEGER NOT NULL,
    delta BOOLEAN NOT NULL,
    -- The full CRL a delta CRL applies to (its deltaCRLIndicator).
    base_number BIGINT,
    this_update TIMESTAMP NOT NULL,
    next_update TIMESTAMP NOT NULL,
    der BYTEA NOT NULL,
    entries BIGINT NOT NULL,
    -- When the certificates were read (under the write lock): status
    -- changes after it are not in this CRL.
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer_id, number)
);
CREATE INDEX crls_latest ON crls (issuer_id, shard, delta, number);

-- What a full CRL reads: an issuer's revoked and suspended certificates.
CREATE INDEX certificates_on_crl ON certificates (issuer_id, status)
    WHERE status IN ('revoked', 'suspended');
