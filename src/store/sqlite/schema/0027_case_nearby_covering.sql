-- 0027_case_nearby_covering.sql: the duplicate check reads its index only.
--
-- Every report looks for open cases of its category within 30 m and 72 h
-- (store/cases/cases.c, SQL_CASE_NEARBY).  Through case_file_category_lat
-- (0003: category, lat) each case in the band of latitude was fetched
-- from the table to test its longitude, age and state - a tenth of the
-- server's CPU at intake (perf, bench/README.md "intake.sh").  With those
-- in the index the band is tested in the index, and only the cases that
-- pass are read from the table.
DROP INDEX IF EXISTS case_file_category_lat;
CREATE INDEX case_file_nearby ON case_file(category, lat, lon, created_at,
	state);
