-- 0007_calendar_years.sql: official and provisional holiday years.
--
-- A year listed here has its official schedule (the State Council's
-- notice) in calendar_day: imported from a file that covers it, or marked
-- by an admin (`urbangrid calendar mark-official YEAR`).  Every other
-- year takes its statutory days off by rule (domain/calendar/holidays.c), marked
-- provisional, until it is listed (domain/calendar/workcal.h).
CREATE TABLE calendar_year (
	year INTEGER PRIMARY KEY,
	source TEXT NOT NULL,   -- 'import <file>', 'marked', 'upgrade'
	marked_by TEXT NOT NULL,
	marked_at INTEGER NOT NULL
);

-- Where a stored day came from: 'import' (a holiday file) or 'manual'
-- (`urbangrid calendar set-day`).
ALTER TABLE calendar_day ADD COLUMN source TEXT NOT NULL DEFAULT 'import'
	CHECK (source IN ('import', 'manual'));

-- Databases made before this migration hold imported years (the demo
-- loads chinese-days): a year whose 1 January and 1 October are stored
-- days off came from an official schedule.  (New imports also check the
-- Spring Festival, which SQL cannot compute.)
INSERT INTO calendar_year (year, source, marked_by, marked_at)
SELECT CAST(substr(day, 1, 4) AS INTEGER), 'upgrade', 'system',
       CAST(strftime('%s', 'now') AS INTEGER)
FROM calendar_day
WHERE kind = 'off' AND substr(day, 5) = '-01-01'
  AND EXISTS (SELECT 1 FROM calendar_day o
	      WHERE o.day = substr(calendar_day.day, 1, 4) || '-10-01'
		AND o.kind = 'off');
