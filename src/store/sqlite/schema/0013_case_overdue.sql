-- 0013_case_overdue.sql: the moment a running stage was noted overdue.
--
-- Overdue is a change in time, not anyone's action: the server's minute
-- chores (case_overdue_sweep, domain/cases/case.h) find the running
-- stages whose deadline has passed and record it once in the case's
-- history (action `overdue`, by `system`), which the live streams, the
-- notification hook and the assessment counters read.  overdue_at is
-- when that was recorded for the deadline in force; a new deadline (a
-- new stage, an approved extension, holidays that move it) clears it.
-- NULL: not noted.  The partial index holds exactly the stages still to
-- be looked at, so the sweep reads only those whose time has come.
ALTER TABLE case_file ADD COLUMN overdue_at INTEGER;
CREATE INDEX case_file_overdue_due ON case_file(deadline)
	WHERE overdue_at IS NULL AND deadline IS NOT NULL;
