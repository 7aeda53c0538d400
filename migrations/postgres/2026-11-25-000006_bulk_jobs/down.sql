DROP INDEX certificates_replaces;
DROP TABLE bulk_items;
DROP TABLE bulk_jobs;
