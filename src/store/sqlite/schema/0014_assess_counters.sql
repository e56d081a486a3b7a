-- 0014_assess_counters.sql: the counters of assessment (综合评价), kept
-- per local day and per month as the history is written.
--
-- Every line written to case_event adds, in the same transaction, to the
-- counters it counts (domain/assess/rules.c says which line counts what,
-- for which dimension; docs/assessment.md in words): one row per (day,
-- kind, code) and one per (month, kind, code), a column per counter, so
-- an event touches one row per dimension and period whatever it counts,
-- and a ranking of a month reads one row per code.  kind is the dimension:
-- inspector, receptionist, shift_leader, dispatcher (a username),
-- department (a code), place (the most precise division the case had:
-- a grid's code, else its community's or street's; codes nest, so a
-- community, a street or a district is the range of the codes under
-- it), category (a 小类).  day is the local date as YYYYMMDD, month
-- YYYYMM (the city's utc_offset).  events: the history lines counted in
-- the row.
-- `urbangrid assess rebuild` recomputes both tables from the history.
CREATE TABLE assess_day (
	day INTEGER NOT NULL,        -- local date, YYYYMMDD
	kind TEXT NOT NULL,
	code TEXT NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0,
	valid_reported INTEGER NOT NULL DEFAULT 0,
	valid_public INTEGER NOT NULL DEFAULT 0,
	missed INTEGER NOT NULL DEFAULT 0,
	filed INTEGER NOT NULL DEFAULT 0,
	filed_on_time INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0,
	merged INTEGER NOT NULL DEFAULT 0,
	voided INTEGER NOT NULL DEFAULT 0,
	filed_voided INTEGER NOT NULL DEFAULT 0,
	verify_sent INTEGER NOT NULL DEFAULT 0,
	verify_sent_on_time INTEGER NOT NULL DEFAULT 0,
	verify_assigned INTEGER NOT NULL DEFAULT 0,
	verified INTEGER NOT NULL DEFAULT 0,
	verified_on_time INTEGER NOT NULL DEFAULT 0,
	check_sent INTEGER NOT NULL DEFAULT 0,
	checked INTEGER NOT NULL DEFAULT 0,
	checked_on_time INTEGER NOT NULL DEFAULT 0,
	dispatched INTEGER NOT NULL DEFAULT 0,
	dispatched_on_time INTEGER NOT NULL DEFAULT 0,
	dispatched_correctly INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,
	to_handle INTEGER NOT NULL DEFAULT 0,
	handled INTEGER NOT NULL DEFAULT 0,
	handled_on_time INTEGER NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0,
	rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0,
	hung INTEGER NOT NULL DEFAULT 0,
	to_close INTEGER NOT NULL DEFAULT 0,
	closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0,
	satisfied INTEGER NOT NULL DEFAULT 0,
	basically_satisfied INTEGER NOT NULL DEFAULT 0,
	dissatisfied INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, kind, code)
) WITHOUT ROWID;

-- The same counters summed by month: what a monthly ranking reads.
CREATE TABLE assess_month (
	month INTEGER NOT NULL,      -- YYYYMM
	kind TEXT NOT NULL,
	code TEXT NOT NULL,
	events INTEGER NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0,
	valid_reported INTEGER NOT NULL DEFAULT 0,
	valid_public INTEGER NOT NULL DEFAULT 0,
	missed INTEGER NOT NULL DEFAULT 0,
	filed INTEGER NOT NULL DEFAULT 0,
	filed_on_time INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0,
	merged INTEGER NOT NULL DEFAULT 0,
	voided INTEGER NOT NULL DEFAULT 0,
	filed_voided INTEGER NOT NULL DEFAULT 0,
	verify_sent INTEGER NOT NULL DEFAULT 0,
	verify_sent_on_time INTEGER NOT NULL DEFAULT 0,
	verify_assigned INTEGER NOT NULL DEFAULT 0,
	verified INTEGER NOT NULL DEFAULT 0,
	verified_on_time INTEGER NOT NULL DEFAULT 0,
	check_sent INTEGER NOT NULL DEFAULT 0,
	checked INTEGER NOT NULL DEFAULT 0,
	checked_on_time INTEGER NOT NULL DEFAULT 0,
	dispatched INTEGER NOT NULL DEFAULT 0,
	dispatched_on_time INTEGER NOT NULL DEFAULT 0,
	dispatched_correctly INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,
	to_handle INTEGER NOT NULL DEFAULT 0,
	handled INTEGER NOT NULL DEFAULT 0,
	handled_on_time INTEGER NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0,
	rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0,
	hung INTEGER NOT NULL DEFAULT 0,
	to_close INTEGER NOT NULL DEFAULT 0,
	closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0,
	satisfied INTEGER NOT NULL DEFAULT 0,
	basically_satisfied INTEGER NOT NULL DEFAULT 0,
	dissatisfied INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (month, kind, code)
) WITHOUT ROWID;
