/*
 * period.h - periods of the calendar as people name them: a day
 * "2026-11-23", an ISO 8601 week "2026-W48", a month "2026-11", a quarter
 * "2026-Q4", a year "2026" or a range of days "2026-11-01..2026-11-15",
 * parsed into the days they cover, and the period before one (the same
 * form and length: what an assessment compares with).  Days are civil
 * dates written YYYYMMDD as integers (20261123); no time zone enters here.
 */
#ifndef UG_PERIOD_H
#define UG_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

enum period_form {
	PERIOD_DAY,
	PERIOD_WEEK,
	PERIOD_MONTH,
	PERIOD_QUARTER,
	PERIOD_YEAR,
	PERIOD_RANGE,
};

/* Years a period may name (a typo like 20266 is refused). */
#define PERIOD_YEAR_MIN 1900
#define PERIOD_YEAR_MAX 2999
/* Most days a range may span (ten years and some). */
#define PERIOD_RANGE_MAX_DAYS 3700

struct period {
	enum period_form form;
	int32_t from, to;  /* first and last day, YYYYMMDD, both included */
	char text[48];     /* its canonical name ("2026-W05", "2026-Q4") */
};

/* Parse `text` into *out.  UG_EINVAL naming field "period" (with the text
 * and the forms accepted) for anything else: a date that does not exist
 * (2026-02-30), a week the year does not have (2021-W53), a range whose
 * end is before its start or longer than PERIOD_RANGE_MAX_DAYS. */
int period_parse(const char *text, struct period *out, struct ug_error *err);

/* The period just before p, of the same form and length: the day, week,
 * month, quarter or year before, or the range of as many days ending the
 * day before p starts. */
void period_previous(const struct period *p, struct period *out);

/* Days since 1970-01-01 of day YYYYMMDD, and back. */
int64_t period_day_number(int32_t day);
int32_t period_day_of_number(int64_t n);

/* Number of days p covers. */
int32_t period_days(const struct period *p);

/* Write day YYYYMMDD as "YYYY-MM-DD" into out (11 bytes at least). */
char *period_day_text(int32_t day, char *out, size_t size);

/* ISO 8601 weeks: how many year y has (52 or 53), and the Monday (days
 * since 1970-01-01) of its week w. */
int period_iso_weeks(int64_t y);
int64_t period_iso_week_monday(int64_t y, int w);

#endif
