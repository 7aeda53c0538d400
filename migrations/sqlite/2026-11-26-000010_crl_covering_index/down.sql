DROP INDEX certificates_on_crl;
CREATE INDEX certificates_on_crl ON certificates (issuer_id, status)
    WHERE status IN ('revoked', 'suspended');
