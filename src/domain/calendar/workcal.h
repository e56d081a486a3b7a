/*
 * workcal.h - the city's working calendar as kept in the database: the
 * time zone offset, the weekly working periods and the day overrides
 * (holidays 休, make-up workdays 班); how they are read, changed (one
 * validating function for the CLI and the API) and turned into the table
 * of domain/calendar/calendar.h for deadline arithmetic.
 *
 * Settings (table calendar_setting), by key:
 *   utc_offset            the city's offset, "+08:00" (stored as seconds
 *                         east of UTC; default +08:00 = Asia/Shanghai);
 *   week.mon ... week.sun the working periods of each weekday,
 *                         "08:30-12:00,13:30-17:30", or "off";
 *   workday               the periods of a make-up workday (班).
 * Defaults as in calendar.h: Mon-Fri and make-up workdays 08:30-12:00 and
 * 13:30-17:30, Sat and Sun off.  Every write to settings or days bumps
 * the calendar revision in the same transaction, which is how a running
 * server notices (domain/calendar/livecal.h).
 *
 * Holidays: official or provisional
 * ---------------------------------
 * A year is official once its schedule is in the store: imported from a
 * file that covers it, or marked by an admin (workcal_mark_official()).
 * A file covers year Y when its days off include Y's 1 January (元旦),
 * its Spring Festival (正月初一) and 1 October (国庆节) - the three days
 * every version of the rules fixes and no notice moves; a year the file
 * only touches (a New Year span reaching into the old year, a partial
 * file) stays as it was.  Every other year of 1901-2099 takes its days
 * off from the rules (domain/calendar/holidays.h), marked provisional; stored days
 * of such a year (entered by hand with workcal_set_day(), or a partial
 * import) win over the rule's.  Make-up workdays (调休) of a provisional
 * year are unknown and not invented.
 *
 * The calendar table covers 1901-2099 and any other year with stored
 * days (at most CALENDAR_MAX_YEARS in all).
 *
 * When the days change (an import, a day set by hand, a year marked
 * official), whoever follows (struct workcal_follower: the open cases
 * whose working-time stage runs across a changed date) is told in the
 * same transaction.  Every changing function takes the follower, NULL
 * for none.  A change of the weekly hours does not: deadlines
 * already set keep their value.
 */
#ifndef UG_WORKCAL_H
#define UG_WORKCAL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "domain/calendar/calendar.h"
#include "domain/org/roles.h"
#include "store/calendar/calendar.h"

/* What follows a change of the days, in its write transaction once the
 * days are written: given the calendar after the change and the dates
 * whose working time changed (ascending), recompute what was computed
 * from them.  The cases module is the one (case_calendar_follower in
 * domain/cases/case.h); the calendar knows nothing of cases. */
struct workcal_follower {
	int (*days_changed)(struct db *db, const struct calendar *cal,
			    int32_t utc_offset, const int32_t *dates, size_t n,
			    const char *why, int64_t now, long *moved,
			    long *kept, struct ug_error *err);
};

/* What a change of the days did. */
struct workcal_outcome {
	int64_t revision;       /* the calendar's revision after it */
	long days_changed;      /* dates whose working time changed */
	char first_changed[16]; /* YYYY-MM-DD of the first and last of */
	char last_changed[16];  /* them; "" when none */
	long cases_moved;       /* open cases whose deadline moved */
	long cases_kept;        /* ... that could not be recomputed */
	int nofficial;          /* years that became official */
	int official[32];
	int npartial;           /* years a file touched but does not cover */
	int partial[32];
};

struct workcal_import_stats {
	long events;   /* day events read */
	long ignored;  /* events that were not day events */
	long days_off; /* dates written as days off */
	long workdays; /* dates written as make-up workdays */
	struct workcal_outcome outcome;
};

/* Read an RFC 5545 holiday calendar (e.g. chinese-days dist/holidays.ics)
 * and store its dates as day overrides, the years it covers as official,
 * and recompute the deadlines the change moves, in one transaction with
 * a new calendar revision: all or nothing.  A date already stored is
 * overwritten (the newer file wins).  `by` is recorded with the years
 * and in the audit trail. */
int workcal_import_ics(struct db *db, const struct workcal_follower *follow,
		       const char *path, const struct actor *by,
		       int64_t now, struct workcal_import_stats *stats,
		       struct ug_error *err);

/* The same from an open stream (an upload), called `name` in the audit
 * trail and in the years' source; fp stays the caller's to close. */
int workcal_import_ics_stream(struct db *db,
			      const struct workcal_follower *follow, FILE *fp,
			      const char *name, const struct actor *by,
			      int64_t now, struct workcal_import_stats *stats,
			      struct ug_error *err);

/* Enter one date by hand: `kind` "off" (a day off), "work" (a make-up
 * workday) or "clear" (forget the stored day: the year's rule or the
 * week applies again).  note: the holiday's name (may be NULL; at most
 * 64 characters).  For a notice published before the packaged data
 * follows.  Errors name "date", "kind" or "note"; UG_ENOTFOUND for
 * "clear" on a date with no stored day.  Same transaction rules as the
 * import. */
int workcal_set_day(struct db *db, const struct workcal_follower *follow,
		    const char *date, const char *kind,
		    const char *note, const struct actor *by, int64_t now,
		    struct workcal_outcome *out, struct ug_error *err);

/* Recompute the deadlines that the rule-derived days of the provisional
 * years change, as if those days had just been entered: for a database
 * whose open cases were given deadlines before the rules existed (a
 * binary that counted a year without its schedule as all working days).
 * `urbangrid init` runs it when it upgrades such a database. */
int workcal_adopt_rules(struct db *db, const struct workcal_follower *follow,
			const struct actor *by, int64_t now,
			struct workcal_outcome *out, struct ug_error *err);

/* Declare `year`'s stored days complete: its rule-derived days go, and
 * it is no longer provisional.  UG_EINVAL naming "year" outside
 * 1901-2099; marking an official year again changes nothing (out->
 * nofficial is 0). */
int workcal_mark_official(struct db *db,
			  const struct workcal_follower *follow, int year,
			  const struct actor *by,
			  int64_t now, struct workcal_outcome *out,
			  struct ug_error *err);

/* ---- settings --------------------------------------------------------- */

/* The weekdays in enum calendar_weekday order. */
enum workcal_key {
	WORKCAL_UTC_OFFSET,
	WORKCAL_WEEK_MON, WORKCAL_WEEK_TUE, WORKCAL_WEEK_WED, WORKCAL_WEEK_THU,
	WORKCAL_WEEK_FRI, WORKCAL_WEEK_SAT, WORKCAL_WEEK_SUN,
	WORKCAL_WORKDAY,
	WORKCAL_KEY_COUNT
};

/* "utc_offset", "week.mon" ... "week.sun", "workday". */
extern const char *const workcal_key_names[WORKCAL_KEY_COUNT];

struct workcal_settings {
	int32_t utc_offset;             /* seconds east of UTC */
	struct calendar_day week[7];    /* by enum calendar_weekday */
	struct calendar_day workday;    /* a make-up workday's periods */
	int stored[WORKCAL_KEY_COUNT];  /* 1: set in the database, 0: the
					   default */
	int64_t revision;               /* of the calendar (settings and
					   days) when read */
};

/* Read the settings, defaults for those not stored, and the revision,
 * in one read transaction.  A stored value that does not parse fails
 * with UG_EINVAL naming its key (it was written around this module). */
int workcal_settings_read(struct db *db, struct workcal_settings *out,
			  struct ug_error *err);

/* Longest text of a setting, with its NUL. */
#define WORKCAL_TEXT_MAX (CALENDAR_MAX_PERIODS * 12 + 1)

/* The text of setting `key` as shown and as workcal_settings_set()
 * takes it back: "+08:00", "08:30-12:00,13:30-17:30", "off".  out holds
 * WORKCAL_TEXT_MAX bytes.  Returns out. */
char *workcal_setting_text(const struct workcal_settings *s,
			   enum workcal_key key, char out[WORKCAL_TEXT_MAX]);

struct workcal_change {
	const char *key;   /* one of workcal_key_names */
	const char *value; /* its text, as workcal_setting_text() gives */
};

/*
 * Change settings: every change is checked first, then all are written in
 * one transaction with a new calendar revision - all or nothing.  The one
 * way settings change (`urbangrid calendar set`, PUT
 * /api/v1/calendar/settings).  Values are stored in their canonical form.
 * Fails with UG_EINVAL, nothing written, when there are no changes (no
 * field), a key is unknown or given twice, or a value is wrong (field:
 * the key; the message starts with it and says what is wrong: an offset
 * that is not +HH:MM within +-18:00, periods out of order, overlapping or
 * outside the day, "off" for the workday), or when the week would have no
 * working hours at all (field: the key that switched the last day off).
 * *out (may be NULL) receives the settings after the change.  Audited as
 * `by` ("calendar.settings", the keys before and after).
 */
int workcal_settings_set(struct db *db, const struct actor *by,
			 const struct workcal_change *changes, size_t n,
			 int64_t now, struct workcal_settings *out,
			 struct ug_error *err);

/* ---- days -------------------------------------------------------------- */

/* A range of local dates, "YYYY-MM-DD", both ends included. */
struct workcal_range {
	char from[16], to[16];
};

/* The range from `from` to `to` (YYYY-MM-DD; NULL or "" for the first /
 * last day of the local year of `now` at `utc_offset`) into *out.
 * UG_EINVAL naming "from" or "to" for a text that is not a date, or "to"
 * when it lies before "from". */
int workcal_range_parse(const char *from, const char *to, int64_t now,
			int32_t utc_offset, struct workcal_range *out,
			struct ug_error *err);

/* A day of the range that differs from its weekday, as the calendar
 * counts it. */
struct workcal_day {
	const char *date;   /* YYYY-MM-DD */
	const char *kind;   /* off | work */
	const char *note;   /* the holiday ("元旦", "国庆节(补假)"), or "" */
	const char *source; /* import | manual | rule */
	int provisional;    /* by rule, in a year not official yet */
};
typedef int (*workcal_day_cb)(void *ctx, const struct workcal_day *d);

/* The days of the range in date order, stored and rule-derived, to cb;
 * cb's non-zero return stops and is returned.  One read transaction. */
int workcal_days(struct db *db, const struct workcal_range *range,
		 workcal_day_cb cb, void *ctx, struct ug_error *err);

enum workcal_year_status {
	WORKCAL_OFFICIAL,    /* its official schedule is stored */
	WORKCAL_PROVISIONAL, /* statutory days by rule, 1901-2099 */
	WORKCAL_UNCOVERED    /* neither: the calendar refuses its dates */
};
extern const char *const workcal_year_status_names[3];

/* Each year of the range with its status, in order, to cb; `row` is the
 * stored mark of an official year, NULL otherwise.  One read
 * transaction. */
typedef int (*workcal_year_cb)(void *ctx, int year,
			       enum workcal_year_status status,
			       const struct calendar_year_row *row);
int workcal_years(struct db *db, const struct workcal_range *range,
		  workcal_year_cb cb, void *ctx, struct ug_error *err);

/* The reminder for those who can act on it: from 1 November of the
 * local year of `now`, while the next year is provisional in `cal`. */
struct workcal_notice {
	int year;          /* the provisional year */
	char message[400]; /* what to do, in English */
};

/* 1 with *out filled when the reminder applies, else 0. */
int workcal_notice(const struct calendar *cal, int32_t utc_offset,
		   int64_t now, struct workcal_notice *out);

/* ---- the table ---------------------------------------------------------- */

/* Build the calendar table from the database: the settings, the stored
 * days, the rule-derived days of the provisional years (marked so in the
 * table).  The table covers 1901-2099, the years of the stored days and
 * at least the year of `now`, the one before and the next.  *utc_offset and *revision (may be NULL) receive the
 * offset and the revision it was built from; everything is read in one
 * read transaction, so they agree. */
int workcal_load(struct db *db, int64_t now, struct calendar **out,
		 int32_t *utc_offset, int64_t *revision, struct ug_error *err);

#endif
