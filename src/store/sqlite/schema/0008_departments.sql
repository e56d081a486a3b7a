-- 0008_departments.sql: departments can be disabled.
--
-- A disabled department takes no new dispatches and drops out of the
-- dispatch suggestion (its routing rules are skipped); it keeps its
-- history, its people and the cases it holds until they are dispatched
-- elsewhere (domain/org/org.h, org_department_edit).
ALTER TABLE department ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
