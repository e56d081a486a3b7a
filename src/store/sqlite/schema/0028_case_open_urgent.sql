-- 0028_case_open_urgent.sql: the queues read their page in index order.
--
-- The queues list the open cases most urgent first: ORDER BY deadline IS
-- NULL, deadline, id (store/cases/cases.c, CASE_URGENT - cases with no
-- clock running last).  case_file_open (0011: deadline, state, area) gave
-- the open cases but not that order, so every page sorted all of them:
-- 6-7 ms for 10,000 open cases (sqlite3 shell, bench/console_data.sql),
-- and more as cases pile up when the departments fall behind (the soak,
-- bench/README.md).  The same index led by the order's first term keeps
-- the open cases in queue order up to equal deadlines (state and area
-- follow, for the counts, which read the index alone): a page reads 20
-- rows and sorts only the ties, 0.2-0.3 ms.
DROP INDEX IF EXISTS case_file_open;
CREATE INDEX case_file_open ON case_file(deadline IS NULL, deadline, state,
	area) WHERE state NOT IN ('closed', 'rejected', 'void', 'merged');
