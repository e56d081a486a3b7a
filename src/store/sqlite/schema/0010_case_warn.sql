-- 0010_case_warn.sql: the instant a case's traffic light turns yellow.
--
-- warn_at is when 80 % of the running stage's time is used up (working
-- time for a working-time limit), set with the deadline by the case
-- module (domain/cases/case.c); NULL when no clock runs.  Stored so that
-- the queues filter and count by light in SQL: green before warn_at,
-- yellow from warn_at, red from the deadline.  The natural-time value
-- below is exact for natural clocks; `urbangrid init` recomputes the
-- working-time ones after this upgrade.
ALTER TABLE case_file ADD COLUMN warn_at INTEGER;
UPDATE case_file SET warn_at = stage_started_at
	+ ((deadline - stage_started_at) * 4 + 4) / 5
	WHERE deadline IS NOT NULL AND stage_started_at IS NOT NULL;
-- The queues: open cases by deadline.
CREATE INDEX case_file_state_deadline ON case_file(state, deadline);
