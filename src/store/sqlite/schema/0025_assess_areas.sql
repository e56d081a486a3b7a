-- 0025_assess_areas.sql: three rows a report, not six.
--
-- A report wrote six counter rows: its place's day, its category's day
-- and month, and the month rows of its community, street and district
-- (0023); each an upsert, and often a page of the log at the commit.
-- Those were most of what the counters cost intake (bench/README.md,
-- "intake-assess.sh").  From now on (store/assess/assess.h):
-- - categories keep day rows only, and a month of theirs sums its days;
-- - the three level rows are one: month rows of kind `area`, the place
--   day rows summed by the first 12 characters of their code (a grid's
--   community; a place coded above one, a street's or a district's own
--   code, under its whole code).  A month of a community, street or
--   district reads the area rows under its code: the 170 communities of
--   a district, not its 6,000 grids' days.
-- The rows counted before are replaced here by what the place day rows
-- say, as `urbangrid assess rebuild` would write them.
DELETE FROM assess_month
	WHERE kind IN ('community', 'street', 'district', 'category');
INSERT INTO assess_month (month, kind, code,
	events,
	reported,
	valid_reported,
	valid_public,
	missed,
	filed,
	filed_on_time,
	rejected,
	merged,
	voided,
	filed_voided,
	verify_sent,
	verify_sent_on_time,
	verify_assigned,
	verified,
	verified_on_time,
	check_sent,
	checked,
	checked_on_time,
	dispatched,
	dispatched_on_time,
	dispatched_correctly,
	returned,
	to_handle,
	handled,
	handled_on_time,
	overdue,
	rework,
	extended,
	hung,
	to_close,
	closed,
	closed_on_time,
	satisfied,
	basically_satisfied,
	dissatisfied)
SELECT day / 100, 'area', substr(code, 1, 12),
	SUM(events),
	SUM(reported),
	SUM(valid_reported),
	SUM(valid_public),
	SUM(missed),
	SUM(filed),
	SUM(filed_on_time),
	SUM(rejected),
	SUM(merged),
	SUM(voided),
	SUM(filed_voided),
	SUM(verify_sent),
	SUM(verify_sent_on_time),
	SUM(verify_assigned),
	SUM(verified),
	SUM(verified_on_time),
	SUM(check_sent),
	SUM(checked),
	SUM(checked_on_time),
	SUM(dispatched),
	SUM(dispatched_on_time),
	SUM(dispatched_correctly),
	SUM(returned),
	SUM(to_handle),
	SUM(handled),
	SUM(handled_on_time),
	SUM(overdue),
	SUM(rework),
	SUM(extended),
	SUM(hung),
	SUM(to_close),
	SUM(closed),
	SUM(closed_on_time),
	SUM(satisfied),
	SUM(basically_satisfied),
	SUM(dissatisfied)
FROM assess_day
WHERE kind = 'place'
GROUP BY day / 100, substr(code, 1, 12);
