DROP INDEX certificates_on_crl;
DROP TABLE crls;
ALTER TABLE issuers DROP COLUMN crl_number;
ALTER TABLE issuers DROP COLUMN crl_shards;
