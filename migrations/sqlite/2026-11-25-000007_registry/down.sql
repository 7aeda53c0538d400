ALTER TABLE users DROP COLUMN totp_last_step;
DROP INDEX subscribers_identity;
DROP INDEX units_agency_code;
ALTER TABLE units DROP COLUMN agency_code;
ALTER TABLE units DROP COLUMN parent_id;
