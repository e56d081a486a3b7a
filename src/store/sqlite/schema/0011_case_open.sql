-- 0011_case_open.sql: the queues read the open cases alone.
--
-- A city keeps every case it ever had: after a few years the open ones
-- are a few per cent of the table.  The queues (docs/console.md) filter
-- on open states and sort by deadline; an index of the open cases only -
-- with the state and the area, which every queue tests - lets them count
-- and page without touching the closed ones (bench/console.sh).  The
-- list statements use it when every state they ask for is open
-- (store/cases/cases.c, CASE_OPEN).  It replaces the (state, deadline)
-- index of 0010, which the planner would not pick for a list of states.
DROP INDEX IF EXISTS case_file_state_deadline;
CREATE INDEX case_file_open ON case_file(deadline, state, area)
	WHERE state NOT IN ('closed', 'rejected', 'void', 'merged');
