-- 0022_reports.sql: the stored 四个一 reports (domain/report/report.h,
-- docs/reports.md) and the lease that makes the scheduled ones once.
--
-- A report is kept as its document tree in JSON (`document`, doc_to_json):
-- the numbers as they were when it was made, rendered again in any format
-- on download.  Regenerating (kind, period, area) adds a row with the next
-- `version`; older versions stay.  `number` is the document number in the
-- series of its kind and `year` (城管督〔year〕number号), kept by every
-- version of one report.  `area` is the division the report covers ('' the
-- whole city); `commentary` is the leader's (weekly, monthly), written
-- into the document when it is rendered; `status` goes draft → published
-- once, and a published row is not changed again (the trigger).
CREATE TABLE report (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	period TEXT NOT NULL,
	area TEXT NOT NULL,
	version INTEGER NOT NULL,
	year INTEGER NOT NULL,
	number INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
	commentary TEXT,
	document TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	published_by TEXT,
	published_at INTEGER,
	scheduled INTEGER NOT NULL DEFAULT 0,
	UNIQUE (kind, period, area, version)
);
CREATE INDEX report_created ON report(created_at);
CREATE INDEX report_series ON report(kind, year, number);
CREATE TRIGGER report_published_fixed BEFORE UPDATE ON report
WHEN OLD.status = 'published'
BEGIN
	SELECT RAISE(ABORT, 'a published report is not changed');
END;

-- One row per scheduled job ("report:bulletin:2026-11-23"): the server
-- that inserts it first makes the report; the others see the row and
-- pass.  `holder` says which process, `until` when a holder that died
-- before finishing gives the job up to the next (docs/reports.md).
CREATE TABLE report_lease (
	job TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	until INTEGER NOT NULL,
	done INTEGER NOT NULL DEFAULT 0
);
