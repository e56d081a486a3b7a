-- 0012_case_assignee.sql: the inspector sent to verify a report (核实派遣).
--
-- A report that needs checking on site (a hotline call, a public report)
-- is given to an inspector of its place by the receptionist or the shift
-- leader (the verify-assign action); that inspector's task list reads it.
-- NULL: no one assigned.
ALTER TABLE case_file ADD COLUMN assignee TEXT;
CREATE INDEX case_file_assignee ON case_file(assignee) WHERE assignee IS NOT NULL;
