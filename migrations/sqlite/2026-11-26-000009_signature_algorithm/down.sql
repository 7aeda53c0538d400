ALTER TABLE issuers DROP COLUMN signature_algorithm;
