-- 0020_case_hotspot.sql: the index the hot spots and rebounds (反弹) read
-- (store/assess/hotspot.c): cases per grid × category × week of their
-- report over a few weeks, answered from the index alone - a range of
-- created_at, the other three columns read off the entries, no row
-- visited.  Why a query over the cases and not a counter table kept with
-- the history: docs/assessment.md, "Hot spots" (bench/hotspot_bench.c).
CREATE INDEX case_file_hotspot ON case_file(created_at, category, grid, state)
	WHERE grid IS NOT NULL;
