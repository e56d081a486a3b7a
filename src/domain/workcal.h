/*
 * workcal.h - the city's working calendar as kept in the database: the
 * time zone offset, the weekly working periods and the day overrides
 * (holidays 休, make-up workdays 班), turned into the table of
 * domain/calendar.h for deadline arithmetic.
 *
 * Settings (calendar_setting): utc_offset (seconds east of UTC, default
 * 28800 = Asia/Shanghai), week.mon ... week.sun (periods such as
 * "08:30-12:00,13:30-17:30"; "" = no work) and workday (the periods of a
 * make-up workday).  Defaults as in calendar.h.
 */
#ifndef UG_WORKCAL_H
#define UG_WORKCAL_H

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
 * and store its dates as day overrides, in one transaction: all or
 * nothing.  A date already stored is overwritten (the newer file wins). */
int workcal_import_ics(struct db *db, const char *path,
		       struct workcal_import_stats *stats,
		       struct ug_error *err);

/* Build the calendar table from the database.  The table covers the years
 * of the stored overrides and at least the year of `now` and the next. */
int workcal_load(struct db *db, int64_t now, struct calendar **out,
		 int32_t *utc_offset, struct ug_error *err);

#endif
