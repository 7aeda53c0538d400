DROP INDEX subscribers_search_key;
ALTER TABLE subscribers DROP COLUMN search_key;
