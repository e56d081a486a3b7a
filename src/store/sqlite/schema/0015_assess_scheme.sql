-- 0015_assess_scheme.sql: the versions of the assessment scheme (综合评价
-- 方案): the weights, grade bands and volume steps that turn the counters
-- of 0014 into scores (domain/assess/eval.h, docs/assessment.md).
--
-- An admin's edit is a new version, never an update: `body` is the whole
-- scheme as JSON (assess_scheme_json()), in force from `effective_at`
-- (seconds, UTC) until the next version's; a period is scored by the
-- version in force at its end.  Version 0, the built-in defaults, is not
-- stored: it is in force before the first row.  Versions take effect in
-- the order they are numbered (the domain refuses an effective instant
-- before the last version's or in the past).
CREATE TABLE assess_scheme (
	version INTEGER PRIMARY KEY,
	effective_at INTEGER NOT NULL,
	body TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX assess_scheme_effective ON assess_scheme(effective_at);
