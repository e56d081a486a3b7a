-- 0021_honours.sql: the published red and black lists (红黑榜) of
-- assessment (domain/assess/honours.h, docs/assessment.md).
--
-- A publication is a new row, never an update: `version` counts the
-- publications of one (kind, period, area) from 1, and the triggers
-- below refuse to change or delete a published list.  `body` is the list
-- as drafted ({"rules","ranked","area_name","red":[..],"black":[..]}):
-- the entries are kept as they were named at publication, whatever the
-- counters or the units' names do afterwards.  Periods are their first
-- and last local day (YYYYMMDD) and their canonical name.
CREATE TABLE honours_list (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	period_from INTEGER NOT NULL,
	period_to INTEGER NOT NULL,
	period_name TEXT NOT NULL,
	area TEXT NOT NULL,
	version INTEGER NOT NULL,
	scheme_version INTEGER NOT NULL,
	body TEXT NOT NULL,
	comment TEXT,
	published_by TEXT NOT NULL,
	published_at INTEGER NOT NULL,
	UNIQUE (kind, period_from, period_to, area, version)
);
CREATE INDEX honours_list_published ON honours_list(published_at);
CREATE TRIGGER honours_list_no_update BEFORE UPDATE ON honours_list
BEGIN
	SELECT RAISE(ABORT, 'a published list is immutable');
END;
CREATE TRIGGER honours_list_no_delete BEFORE DELETE ON honours_list
BEGIN
	SELECT RAISE(ABORT, 'a published list is immutable');
END;
