ALTER TABLE api_tokens DROP COLUMN certificate_id;
ALTER TABLE sessions DROP COLUMN certificate_id;
DROP INDEX user_certificates_user;
DROP TABLE user_certificates;
