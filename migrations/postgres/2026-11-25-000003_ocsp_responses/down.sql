DROP TABLE ocsp_responses;
DROP INDEX certificates_status_changed_at;
ALTER TABLE certificates DROP COLUMN status_changed_at;
