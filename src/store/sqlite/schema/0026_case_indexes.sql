-- 0026_case_indexes.sql: four indexes of cases nobody reads.
--
-- The first schema (0002) gave cases an index on each of state, deadline,
-- area and department.  No statement uses them: the lists' filters are
-- written `(? = '' OR department = ?)` and `substr(area, 1, ...)`, which
-- no index serves, the queues read the open cases' own index (0011), the
-- overdue scan its partial index (0013), and the planner was seen to pick
-- none of the four (EXPLAIN QUERY PLAN of every statement on case_file
-- that the unit and HTTP suites run).  Yet each was written at every
-- report and at every action that moves a case: a row of the index, and
-- at the group's commit often a page of the log (bench/README.md,
-- "intake.sh").
DROP INDEX IF EXISTS case_file_state;
DROP INDEX IF EXISTS case_file_deadline;
DROP INDEX IF EXISTS case_file_area;
DROP INDEX IF EXISTS case_file_department;
