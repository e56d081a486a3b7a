/*
 * tu_minutes.h - working time the slow, obvious way: walk minute by
 * minute from the config and count the minutes that fall in a working
 * period.  The reference the calendar's table is checked against
 * (test_calendar) and raced (bench/calendar_bench.c); each brings its own
 * `day` lookup (the periods of a local date, in days since 1970-01-01),
 * written apart from domain/calendar.
 */
#ifndef UG_TU_MINUTES_H
#define UG_TU_MINUTES_H

#include <stdint.h>

#include "domain/calendar/calendar.h"

typedef const struct calendar_day *tu_day_fn(const struct calendar_config *cfg,
					     int32_t date);

/* Is the minute starting at t working time? */
static inline int tu_minute_working(const struct calendar_config *cfg,
				    tu_day_fn *day_of, int64_t t)
{
	int64_t local = t + cfg->utc_offset;
	int64_t date = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t sod = local - date * 86400;
	const struct calendar_day *day = day_of(cfg, (int32_t)date);

	for (int i = 0; i < day->count; i++)
		if (sod >= day->period[i].start && sod < day->period[i].end)
			return 1;
	return 0;
}

/* t plus `seconds` of working time. */
static inline int64_t tu_minutes_add(const struct calendar_config *cfg,
				     tu_day_fn *day_of, int64_t t,
				     int64_t seconds)
{
	for (; seconds > 0; t += 60)
		if (tu_minute_working(cfg, day_of, t))
			seconds -= 60;
	return t;
}

/* The working seconds in [a, b). */
static inline int64_t tu_minutes_elapsed(const struct calendar_config *cfg,
					 tu_day_fn *day_of, int64_t a,
					 int64_t b)
{
	int64_t n = 0;

	for (; a < b; a += 60)
		n += tu_minute_working(cfg, day_of, a) ? 60 : 0;
	return n;
}

#endif
