-- 0032_case_nearby_open.sql: the duplicate check's index holds the open
-- cases only.
--
-- Every report looks for open cases of its category within the radius
-- and 72 h (store/cases/cases.c, SQL_CASE_NEARBY), through a band of
-- latitude of its category in case_file_nearby (0027).  That index held
-- every case ever filed, so the band - and the report's cost - grew with
-- the city's history: with two years of closed cases (400,000) the band
-- of a common category held about 370 entries, every one of them
-- closed (bench/README.md, intake with history).  Partial on the open
-- states (the term of case_file_open, 0011), it holds what the check can
-- find, whatever the history: a case leaves it when it is closed,
-- rejected, voided or merged.
DROP INDEX IF EXISTS case_file_nearby;
CREATE INDEX case_file_nearby ON case_file(category, lat, lon, created_at)
	WHERE state NOT IN ('closed', 'rejected', 'void', 'merged');
