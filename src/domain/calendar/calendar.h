/*
 * calendar.h - the working-time calendar of the case workflow (standards
 * §6): working periods per weekday, holidays and make-up workdays, built
 * into an immutable table from which deadlines ("start + N working hours /
 * days") and elapsed working time are answered in O(log n), without
 * stepping through minutes.  Pure computation: no storage, no HTTP.
 */
#ifndef UG_CALENDAR_H
#define UG_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/ics.h"

/*
 * Time
 * ----
 * Instants in and out are int64 seconds since the epoch, UTC.  Local time
 * is UTC plus a fixed offset (cfg.utc_offset).  A fixed offset is exact for
 * China: Asia/Shanghai is UTC+8 all year and has had no daylight saving
 * since 1991.  A zone with DST would need one offset per day; the table
 * could hold that, but no city using this needs it yet.
 *
 * Days and periods
 * ----------------
 * A day's working periods are [start, end) seconds after local midnight,
 * in order, not overlapping (they may touch), 0 <= start < end <= 86400.
 * What a date's periods are:
 *   - an override for that date (CALENDAR_DAY_OFF: none; CALENDAR_WORKDAY:
 *     its own periods if it has them, else cfg.workday), otherwise
 *   - the periods of its weekday, cfg.week[].
 * Defaults: Mon-Fri 08:30-12:00 and 13:30-17:30 (7.5 working hours), Sat
 * and Sun off, make-up workdays as Mon-Fri, UTC+8.  A working day is a
 * date with at least one period.
 *
 * The working clock
 * -----------------
 * W(t) is the working seconds from the start of the table to t.  It stops
 * outside periods, so every instant from the end of one period to the
 * start of the next has the same W (17:30 and the next working morning's
 * 08:30 are the same working moment).
 *   elapsed(a, b) = W(b) - W(a).
 *   add_working(t, n) = the EARLIEST instant T >= t with W(T) - W(t) = n.
 *     So a start outside working hours (before 08:30, in the lunch break,
 *     after 17:30, on a day off) starts counting at the next period; a
 *     deadline that uses up a period exactly is that period's end (12:30
 *     + 4 h = 17:30 the same day, not 08:30 the next); n = 0 gives t
 *     itself, even outside working hours.
 *   Hence elapsed(t, add_working(t, n)) == n for every t and n >= 0, and
 *   add_working(t, elapsed(t, u)) <= u (equal when u is inside a period).
 *
 * Working days: add_working_days(t, n), n >= 1
 *   1. If t lies inside a working period of its own local date, ends
 *      included (08:30 <= t <= 12:00 or 13:30 <= t <= 17:30), it stays;
 *      otherwise t moves forward to the start of the next working period
 *      (before 08:30 -> 08:30 that day; lunch -> 13:30; after 17:30 or on
 *      a day off -> 08:30 of the next working day).  Call the result s,
 *      its date D and its time of day h.
 *   2. R = the n-th working day after D (D itself does not count).
 *   3. The due time is R at time of day h.  If h is outside R's periods
 *      (only when R's periods differ from D's), it moves forward to the
 *      start of R's next period, or back to the end of R's last period
 *      when no period of R starts after h.
 *   Examples (default week): Mon 10:00 + 1 = Tue 10:00; Fri 16:00 + 1 =
 *   Mon 16:00; Mon 17:30 + 1 = Tue 17:30; Mon 18:00 + 1 = Wed 08:30
 *   (the same working moment as Tue 17:30); Sat 10:00 + 1 = Tue 08:30;
 *   2026-09-30 10:00 + 1 = 2026-10-08 10:00.  n = 0 gives t.
 *
 * Range
 * -----
 * The table covers the local years cfg.first_year..cfg.last_year, i.e.
 * instants from first_year-01-01 00:00 to (last_year+1)-01-01 00:00 local,
 * both ends included.  Working-time calls whose start, end or result lies
 * outside it fail with UG_EINVAL (field "calendar") and change nothing:
 * the table is not extended by the weekly rule at query time, because a
 * year without its holidays loaded would give deadlines that are silently
 * wrong.  Whoever builds the calendar decides how far the weekly rule is
 * trusted by choosing last_year (years without overrides inside the range
 * simply follow cfg.week).  Natural-time calls need no table.
 *
 * Pauses (挂账 / suspended cases)
 * ------------------------------
 * calendar_elapsed_paused() subtracts the working time inside suspended
 * intervals.  The remaining limit after a resume is limit - elapsed_paused
 * (start, resume, pauses); the new due time is add_working(resume,
 * remaining).  The traffic-light fraction (§6.2) for any unit is
 * elapsed(start, now) / elapsed(start, due).
 *
 * Provisional days
 * ----------------
 * Whoever builds the table may mark overrides and whole years
 * provisional: days off derived by rule for a year whose official
 * schedule is not known yet (domain/calendar/workcal.h).  They count like any
 * other override; the table only remembers them, so that an answer that
 * depends on one can say so (calendar_provisional_between()).
 *
 * A built calendar is immutable: any number of threads may query it.
 */

#define CALENDAR_MAX_PERIODS 8       /* working periods in one day */
#define CALENDAR_MIN_YEAR 1900
#define CALENDAR_MAX_YEAR 9998       /* so (last_year + 1)-01-01 exists */
#define CALENDAR_MAX_YEARS 400       /* years in one table */
#define CALENDAR_MAX_UTC_OFFSET (18 * 3600)
#define CALENDAR_UTC_OFFSET_CHINA (8 * 3600) /* Asia/Shanghai, no DST */

enum calendar_weekday {
	CALENDAR_MONDAY, CALENDAR_TUESDAY, CALENDAR_WEDNESDAY,
	CALENDAR_THURSDAY, CALENDAR_FRIDAY, CALENDAR_SATURDAY,
	CALENDAR_SUNDAY
};

enum calendar_day_kind {
	CALENDAR_DAY_OFF = 1,  /* a holiday: no working periods */
	CALENDAR_WORKDAY = 2   /* a (make-up) workday */
};

/* Time-limit units (standards §6.1).  Natural units are plain clock time
 * (紧急工作时 counts around the clock); working ones follow the table. */
enum calendar_unit {
	CALENDAR_NATURAL_SECONDS,
	CALENDAR_NATURAL_DAYS,     /* 自然日: n * 86400 s, same local time */
	CALENDAR_WORKING_SECONDS,  /* 工作时 (in seconds) */
	CALENDAR_WORKING_DAYS      /* 工作日: the rule above */
};

struct calendar_period {
	int32_t start;  /* seconds after local midnight */
	int32_t end;    /* exclusive; at most 86400 (24:00) */
};

/* The working periods of one day. */
struct calendar_day {
	int count;  /* 0..CALENDAR_MAX_PERIODS; 0 = no work */
	struct calendar_period period[CALENDAR_MAX_PERIODS];
};

struct calendar_override {
	int32_t date;               /* local date, days since 1970-01-01 */
	enum calendar_day_kind kind;
	int own_periods;            /* WORKDAY: `periods` apply, else
				       cfg.workday does */
	int provisional;            /* derived by rule, awaiting the
				       official schedule (see below) */
	struct calendar_day periods;
};

/* What a calendar is built from.  Fill it with calendar_config_init(),
 * then change fields freely (they are checked by calendar_build()) and
 * add overrides with the functions below (they keep the list sorted). */
struct calendar_config {
	int32_t utc_offset;             /* seconds east of UTC */
	int first_year, last_year;      /* local years the table covers */
	struct calendar_day week[7];    /* by enum calendar_weekday */
	struct calendar_day workday;    /* a WORKDAY override's default */
	struct calendar_override *overrides; /* sorted by date, unique */
	size_t noverrides, cap;
	/* 1 where the year's holidays are provisional, by year - first_year
	 * (calendar_config_init: none) */
	unsigned char provisional_year[CALENDAR_MAX_YEARS];
};

/* An interval [from, to) of UTC seconds, e.g. a suspension. */
struct calendar_span {
	int64_t from, to;
};

struct calendar;  /* the built table; opaque */

/* ---- configuration ---------------------------------------------------- */

/* Defaults (see above) for the years first_year..last_year.  No failure,
 * no allocation; the years are checked by calendar_build(). */
void calendar_config_init(struct calendar_config *cfg, int first_year,
			  int last_year);

/* Parse "08:30-12:00,13:30-17:30" (HH:MM-HH:MM or H:MM, comma separated,
 * spaces allowed around items, "24:00" as an end) into *day; "" is a day
 * with no periods.  Periods must lie within the day, be in order and not
 * overlap (they may touch).  Returns 0, or UG_EINVAL naming `field` (the
 * message starts with it and says what is wrong: the syntax, a time
 * outside the day, a period that ends before it starts, comes before the
 * one it follows or overlaps it, too many periods), leaving *day
 * unchanged. */
int calendar_day_parse(struct calendar_day *day, const char *text,
		       const char *field, struct ug_error *err);

/* Check a day's periods (count, bounds, order); 0 or UG_EINVAL with
 * `field` named in err. */
int calendar_day_check(const struct calendar_day *day, const char *field,
		       struct ug_error *err);

/* The canonical text of a day's periods, "08:30-12:00,13:30-17:30" ("" for
 * none), into out (size bytes; 12 per period and a NUL always fit, longer
 * output is cut).  Parsing it gives the same day.  Returns out. */
char *calendar_day_format(const struct calendar_day *day, char *out,
			  size_t size);

/* Add an override for local date `date` (days since 1970-01-01; see
 * ics_civil_to_days()).  `periods` (copied; NULL = cfg.workday at build
 * time) only goes with CALENDAR_WORKDAY.  The date must lie in the
 * config's years.  Adding the same override twice is accepted; a different
 * one for a date that has one fails with UG_ECONFLICT.  Other failures:
 * UG_EINVAL (bad kind, date or periods), UG_ENOMEM.  On failure the config
 * is unchanged. */
int calendar_config_add_override(struct calendar_config *cfg, int32_t date,
				 enum calendar_day_kind kind,
				 const struct calendar_day *periods,
				 struct ug_error *err);

/* 1 when two days have the same working periods. */
int calendar_day_equal(const struct calendar_day *a,
		       const struct calendar_day *b);

/* The working periods `date` has under cfg: its override's, or its
 * weekday's. */
const struct calendar_day *
calendar_config_periods(const struct calendar_config *cfg, int32_t date);

/* The override of `date`, or NULL. */
const struct calendar_override *
calendar_config_find(const struct calendar_config *cfg, int32_t date);

/* Mark the override of `date` provisional; UG_ENOTFOUND (field "date")
 * when the date has none. */
int calendar_config_mark_provisional(struct calendar_config *cfg,
				     int32_t date, struct ug_error *err);

/* Read every day event from `r` (ics.h) and add its dates that lie in the
 * config's years as overrides: day off for 休, workday (cfg.workday) for
 * 班; dates outside the years are skipped.  Returns the number of new
 * overrides (>= 0; a date already marked the same way is not new), or a
 * negative code: the reader's error, or UG_ECONFLICT / UG_ENOMEM with the
 * message naming the input, the line of the event and its summary.  The
 * reader stays the caller's; on failure the overrides added before the
 * failing date remain. */
int calendar_config_add_ics(struct calendar_config *cfg,
			    struct ics_reader *r, struct ug_error *err);

/* Free the override list; the config may be initialised again. */
void calendar_config_free(struct calendar_config *cfg);

/* ---- the table ------------------------------------------------------- */

/* Build the table of `cfg` (not kept: it may be freed afterwards) into
 * *out, to be released with calendar_free().  Overrides outside the years
 * are ignored.  Fails with UG_EINVAL (field "utc_offset", "years",
 * "week[N]", "workday", "override") or UG_ENOMEM; *out is NULL then.
 * O(days in range) time; 16 bytes per working period plus 12 per day in
 * one allocation (3 years of the default week: about 50 KB). */
int calendar_build(const struct calendar_config *cfg, struct calendar **out,
		   struct ug_error *err);

/* Release a table; NULL is allowed. */
void calendar_free(struct calendar *cal);

/* The instants [*first, *end] the table answers for (UTC). */
void calendar_range(const struct calendar *cal, int64_t *first,
		    int64_t *end);

/* ---- questions -------------------------------------------------------- */
/* All return 0 with the answer in *out, or a negative code and leave *out
 * unchanged: UG_EINVAL for a negative amount (field "amount"), an unknown
 * unit ("unit"), a working unit without a calendar or an instant or result
 * outside the range ("calendar", see Range), unsorted or reversed pauses
 * ("pauses") or an interval that ends before it starts ("to"); UG_ETOOBIG
 * when natural time would overflow int64. */

/* Due time of `seconds` working seconds from `start` (rule above). */
int calendar_add_working(const struct calendar *cal, int64_t start,
			 int64_t seconds, int64_t *out, struct ug_error *err);

/* Due time of `days` working days from `start` (rule above). */
int calendar_add_working_days(const struct calendar *cal, int64_t start,
			      int64_t days, int64_t *out,
			      struct ug_error *err);

/* start + seconds, any instant (no table); overflow is UG_ETOOBIG. */
int calendar_add_natural(int64_t start, int64_t seconds, int64_t *out,
			 struct ug_error *err);

/* Due time of `amount` of `unit` from `start`: one entry point for the
 * workflow's (limit, unit) pairs.  cal may be NULL for natural units;
 * given, a natural answer outside its range is refused as a working one
 * is (UG_EINVAL naming "calendar"). */
int calendar_due(const struct calendar *cal, int64_t start, int64_t amount,
		 enum calendar_unit unit, int64_t *out, struct ug_error *err);

/* Working seconds W(to) - W(from); negative when to < from. */
int calendar_elapsed_working(const struct calendar *cal, int64_t from,
			     int64_t to, int64_t *out, struct ug_error *err);

/* Working seconds from `from` to `to` (from <= to) outside the `n` pauses,
 * which must be sorted by .from and have from <= to each; they may
 * overlap one another and reach outside [from, to] (an open suspension can
 * be passed with .to = INT64_MAX).  pauses may be NULL when n is 0. */
int calendar_elapsed_paused(const struct calendar *cal, int64_t from,
			    int64_t to, const struct calendar_span *pauses,
			    size_t n, int64_t *out, struct ug_error *err);

/* 1 when a provisional override's date lies within the local dates of
 * `from` and `to` (both included, either order), else 0.  Instants
 * outside the table count by the dates they fall on. */
int calendar_provisional_between(const struct calendar *cal, int64_t from,
				 int64_t to);

/* 1 when `year` was marked provisional, 0 when not, -1 outside the
 * table's years. */
int calendar_year_provisional(const struct calendar *cal, int year);

/* ---- local time, for the edges -------------------------------------- */

/* UTC instant of a local wall-clock time at `utc_offset`.  month is 1..12;
 * other fields carry over linearly (hour 24 is the next day's 00).  No
 * failure. */
int64_t calendar_utc_from_local(int32_t utc_offset, int year, int month,
				int day, int hour, int minute, int second);

/* Format instant t at `utc_offset` as "2026-10-08 09:00:00" into out
 * (at least 20 bytes; longer output is cut).  Returns out. */
char *calendar_format_local(int32_t utc_offset, int64_t t, char *out,
			    size_t size);

#endif
