/*
 * workcal.h - the city's working calendar as kept in the database: the
 * time zone offset, the weekly working periods and the day overrides
 * (holidays 休, make-up workdays 班); how they are read, changed (one
 * validating function for the CLI and the API) and turned into the table
 * of domain/calendar.h for deadline arithmetic.
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
 * server notices (domain/livecal.h).
 */
#ifndef UG_WORKCAL_H
#define UG_WORKCAL_H

#include <stddef.h>
#include <stdint.h>

#include "domain/calendar.h"
#include "store/store.h"

struct workcal_import_stats {
	long events;   /* day events read */
	long ignored;  /* events that were not day events */
	long days_off; /* dates written as days off */
	long workdays; /* dates written as make-up workdays */
};

/* Read an RFC 5545 holiday calendar (e.g. chinese-days dist/holidays.ics)
 * and store its dates as day overrides, in one transaction with a new
 * calendar revision: all or nothing.  A date already stored is
 * overwritten (the newer file wins). */
int workcal_import_ics(struct db *db, const char *path,
		       struct workcal_import_stats *stats,
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
 * *out (may be NULL) receives the settings after the change.
 */
int workcal_settings_set(struct db *db, const struct workcal_change *changes,
			 size_t n, struct workcal_settings *out,
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

/* The day overrides in the range, in date order, to cb (kind "off" or
 * "work"); cb's non-zero return stops and is returned. */
int workcal_days(struct db *db, const struct workcal_range *range,
		 store_calendar_day_cb cb, void *ctx, struct ug_error *err);

/* ---- the table ---------------------------------------------------------- */

/* Build the calendar table from the database.  The table covers the years
 * of the stored overrides and at least the year of `now`, the one before
 * and the next.  *utc_offset and *revision (may be NULL) receive the
 * offset and the revision it was built from; everything is read in one
 * read transaction, so they agree. */
int workcal_load(struct db *db, int64_t now, struct calendar **out,
		 int32_t *utc_offset, int64_t *revision, struct ug_error *err);

#endif
