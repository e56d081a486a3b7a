-- 0005: a revision for the working calendar.
--
-- Every write to calendar_setting or calendar_day (`calendar set`,
-- `import calendar`, PUT /api/v1/calendar/settings) takes the next number
-- in the same transaction, so a running server finds out within a second
-- that its table is stale and builds a new one (domain/calendar/workcal.c) - the
-- way spatial_rev keeps the grid index current, without a restart.
CREATE TABLE calendar_rev (
	name TEXT PRIMARY KEY,          -- 'calendar'
	value INTEGER NOT NULL
);
INSERT INTO calendar_rev (name, value) VALUES ('calendar', 0);
