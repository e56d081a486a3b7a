-- 0018_case_rating.sql: the satisfaction recorded for a case (群众满意).
--
-- A closed case gets one rating: the reporter's own (the public pages,
-- Open311's follow token) or, when the reporter does not rate, the one a
-- receptionist records by calling back (回访, action `callback`) -
-- whichever comes first; the other is then refused.  The history keeps
-- the line (`rate` or `callback`, data.rating) that the assessment
-- counts; this column is the case's own note of it, so that the actions a
-- case offers (no callback once rated) read from the case alone.
-- satisfied | basically_satisfied | dissatisfied, or NULL.
ALTER TABLE case_file ADD COLUMN rating TEXT;
UPDATE case_file SET rating = (
	SELECT o.rating FROM open311_request o WHERE o.case_id = case_file.id)
WHERE id IN (SELECT case_id FROM open311_request WHERE rating IS NOT NULL);
