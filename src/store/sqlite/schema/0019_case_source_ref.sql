-- 0019_case_source_ref.sql: the number a case had in the system it came
-- from.
--
-- `urbangrid import cases` brings a city's earlier years from its old
-- 311 system or an export (docs/operations.md, "Importing case history").
-- Each imported case keeps the source's own id here, unique, so that a
-- second run of the same file finds it and imports nothing twice.  NULL
-- for the cases filed in UrbanGrid itself.
ALTER TABLE case_file ADD COLUMN source_ref TEXT;
CREATE UNIQUE INDEX case_file_source_ref ON case_file(source_ref)
	WHERE source_ref IS NOT NULL;
