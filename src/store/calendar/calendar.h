/*
 * calendar.h - storage of the working calendar: day overrides, official years,
 * settings and the revision (store/calendar/calendar.c).
 * Conventions in store/common.h.
 */
#ifndef UG_STORE_CALENDAR_H
#define UG_STORE_CALENDAR_H

#include "store/common.h"

/* ---- working calendar (store/calendar/calendar.c) */

/* A stored day override: a holiday (off) or a make-up workday (work). */
struct calendar_day_row {
	const char *day;    /* YYYY-MM-DD */
	const char *kind;   /* off | work */
	const char *note;   /* the holiday's name, "" if none */
	const char *source; /* import | manual */
};
typedef int (*store_calendar_day_cb)(void *ctx,
				     const struct calendar_day_row *d);

int store_calendar_day_upsert(struct db *db, const struct calendar_day_row *d,
			      struct ug_error *err);
/* Remove a date's override; UG_ENOTFOUND if it has none. */
int store_calendar_day_delete(struct db *db, const char *day,
			      struct ug_error *err);
/* Every day override in date order. */
int store_calendar_days(struct db *db, store_calendar_day_cb cb, void *ctx,
			struct ug_error *err);
/* The overrides from `from` to `to` (YYYY-MM-DD, both included). */
int store_calendar_days_between(struct db *db, const char *from,
				const char *to, store_calendar_day_cb cb,
				void *ctx, struct ug_error *err);

/* A year whose official holiday schedule is in the store. */
struct calendar_year_row {
	int year;
	const char *source;    /* "import <file>", "marked", "upgrade" */
	const char *marked_by; /* username, or "system" */
	int64_t marked_at;
};
typedef int (*store_calendar_year_cb)(void *ctx,
				      const struct calendar_year_row *y);
/* Record a year as official (a second mark of the same year keeps the
 * first). */
int store_calendar_year_set(struct db *db, const struct calendar_year_row *y,
			    struct ug_error *err);
/* The official years in order. */
int store_calendar_years(struct db *db, store_calendar_year_cb cb, void *ctx,
			 struct ug_error *err);
/* A setting's value into out (size bytes); UG_ENOTFOUND if unset. */
int store_calendar_setting_get(struct db *db, const char *key, char *out,
			       size_t size, struct ug_error *err);
int store_calendar_setting_set(struct db *db, const char *key,
			       const char *value, struct ug_error *err);
/* Every write to settings or days takes the next revision in its
 * transaction (next_rev); readers compare the current one (rev) with the
 * one their table was built from. */
int store_calendar_next_rev(struct db *db, int64_t *rev,
			    struct ug_error *err);
int store_calendar_rev(struct db *db, int64_t *rev, struct ug_error *err);

#endif
