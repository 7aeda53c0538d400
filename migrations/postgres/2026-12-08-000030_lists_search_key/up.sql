-- The subscribers' search key (issue 16, lists that scale): the name
-- folded for search and sorting — lower case, Vietnamese diacritics
-- removed, đ as d, single spaces — so that `nguyen van an` finds
-- "Nguyễn Văn An" with a plain LIKE on both backends. SQL cannot fold
-- Vietnamese by itself (no unaccent on SQLite): ca-core fills the rows
-- left NULL here when it opens the store, and keeps the key with every
-- write of a subscriber's name. Keep in step with ../../sqlite/.
-- Byte order ("C"), as SQLite's BINARY: the folded keys are ASCII, so
-- the lists sort alphabetically, the same on both backends.
ALTER TABLE subscribers ADD COLUMN search_key TEXT COLLATE "C";
CREATE INDEX subscribers_search_key ON subscribers (search_key, id);
