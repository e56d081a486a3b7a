-- 0028_case_open_urgent.sql: the queues read their page in index order.
--
-- The queues list the open cases most urgent first: ORDER BY deadline IS
-- NULL, deadline, id (store/cases/cases.c, CASE_URGENT - cases with no
-- clock running last).  case_file_open (0011: deadline, state, area) gave
-- the open cases but not that order, so every page sorted all of them:
-- 6-7 ms for 10,000 open cases (sqlite3 shell, bench/console_data.sql),
-- and more as cases pile up when the departments fall behind (the soak,
-- bench/README.md).  The index now holds the order itself - the NULLs'
-- term, the deadline, then the id, since many cases share a deadline
-- (all those reported on one day, when the stage's limit is counted in
-- working days: 12,887 of 12,989 open in one soak) - and then state and
-- area, for the counts, which read the index alone.  A page reads its 20
-- rows in order and sorts nothing: 0.1-0.3 ms against 6-7 ms, and 64 ms
-- for the API's page with 12,887 cases on one deadline.
DROP INDEX IF EXISTS case_file_open;
CREATE INDEX case_file_open ON case_file(deadline IS NULL, deadline, id,
	state, area) WHERE state NOT IN ('closed', 'rejected', 'void', 'merged');
