/*
 * period.c - periods named as days, ISO weeks, months, quarters, years
 * or ranges (see period.h).  Every shape is read character by character:
 * "2026-1", "2026-W5" or " 2026" are not periods.
 */
#include "lib/period.h"

#include <stdio.h>
#include <string.h>

#include "lib/iso8601.h"

int64_t period_day_number(int32_t day)
{
	return iso8601_days_from_civil(day / 10000, (unsigned)(day / 100 % 100),
				       (unsigned)(day % 100));
}

int32_t period_day_of_number(int64_t n)
{
	int64_t y;
	unsigned m, d;

	iso8601_civil_from_days(n, &y, &m, &d);
	return (int32_t)(y * 10000 + m * 100 + d);
}

int32_t period_days(const struct period *p)
{
	return (int32_t)(period_day_number(p->to) - period_day_number(p->from) +
			 1);
}

char *period_day_text(int32_t day, char *out, size_t size)
{
	snprintf(out, size, "%04d-%02d-%02d", day / 10000, day / 100 % 100,
		 day % 100);
	return out;
}

/* ISO weekday of day number n: Monday 1 .. Sunday 7 (1970-01-01 was a
 * Thursday). */
static int weekday(int64_t n)
{
	int64_t r = (n + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

int64_t period_iso_week_monday(int64_t y, int w)
{
	/* Week 1 is the week that holds 4 January. */
	int64_t jan4 = iso8601_days_from_civil(y, 1, 4);

	return jan4 - (weekday(jan4) - 1) + 7 * (int64_t)(w - 1);
}

int period_iso_weeks(int64_t y)
{
	/* 53 weeks when the year starts on a Thursday, or on a Wednesday in
	 * a leap year: then 28 December falls in week 53. */
	int64_t dec28 = iso8601_days_from_civil(y, 12, 28);

	return (int)((dec28 - period_iso_week_monday(y, 1)) / 7 + 1);
}

static int month_days(int64_t y, unsigned m)
{
	int64_t first = iso8601_days_from_civil(y, m, 1);
	int64_t next = m == 12 ? iso8601_days_from_civil(y + 1, 1, 1)
			       : iso8601_days_from_civil(y, m + 1, 1);

	return (int)(next - first);
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD" at s (exactly len characters) -> YYYYMMDD, or -1. */
static int32_t day_parse(const char *s, size_t len)
{
	int y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < PERIOD_YEAR_MIN || y > PERIOD_YEAR_MAX || m < 1 || m > 12 ||
	    d < 1 || d > month_days(y, (unsigned)m))
		return -1;
	return y * 10000 + m * 100 + d;
}

static void name(struct period *p)
{
	int y = p->from / 10000, m = p->from / 100 % 100;
	char a[16], b[16];

	switch (p->form) {
	case PERIOD_DAY:
		period_day_text(p->from, p->text, sizeof p->text);
		break;
	case PERIOD_WEEK: {
		/* The ISO year of a week is its Thursday's year. */
		int32_t thu = period_day_of_number(period_day_number(p->from) + 3);
		int64_t wy = thu / 10000;
		int w = (int)((period_day_number(p->from) -
			       period_iso_week_monday(wy, 1)) / 7 + 1);

		snprintf(p->text, sizeof p->text, "%04d-W%02d", (int)wy, w);
		break;
	}
	case PERIOD_MONTH:
		snprintf(p->text, sizeof p->text, "%04d-%02d", y, m);
		break;
	case PERIOD_QUARTER:
		snprintf(p->text, sizeof p->text, "%04d-Q%d", y, (m - 1) / 3 + 1);
		break;
	case PERIOD_YEAR:
		snprintf(p->text, sizeof p->text, "%04d", y);
		break;
	case PERIOD_RANGE:
		snprintf(p->text, sizeof p->text, "%s..%s",
			 period_day_text(p->from, a, sizeof a),
			 period_day_text(p->to, b, sizeof b));
		break;
	}
}

static void months(struct period *p, enum period_form form, int y, int m,
		   int count)
{
	int last = m + count - 1;

	p->form = form;
	p->from = y * 10000 + m * 100 + 1;
	p->to = y * 10000 + last * 100 + month_days(y, (unsigned)last);
	name(p);
}

static void week(struct period *p, int64_t y, int w)
{
	int64_t monday = period_iso_week_monday(y, w);

	p->form = PERIOD_WEEK;
	p->from = period_day_of_number(monday);
	p->to = period_day_of_number(monday + 6);
	name(p);
}

int period_parse(const char *text, struct period *out, struct ug_error *err)
{
	const char *s = text ? text : "", *dots = strstr(s, "..");
	size_t len = strlen(s);
	int y = len >= 4 ? digits(s, 4) : -1, v;

	memset(out, 0, sizeof *out);
	if (dots) {
		int32_t a = day_parse(s, (size_t)(dots - s));
		int32_t b = day_parse(dots + 2, strlen(dots + 2));

		if (a < 0 || b < 0 || b < a ||
		    period_day_number(b) - period_day_number(a) >=
			    PERIOD_RANGE_MAX_DAYS)
			goto bad;
		out->form = PERIOD_RANGE;
		out->from = a;
		out->to = b;
		name(out);
		return 0;
	}
	if (y < PERIOD_YEAR_MIN || y > PERIOD_YEAR_MAX)
		goto bad;
	if (len == 4) {
		months(out, PERIOD_YEAR, y, 1, 12);
		return 0;
	}
	if (s[4] != '-')
		goto bad;
	if (len == 7 && (s[5] == 'Q' || s[5] == 'q')) {
		v = digits(s + 6, 1);
		if (v < 1 || v > 4)
			goto bad;
		months(out, PERIOD_QUARTER, y, 3 * v - 2, 3);
		return 0;
	}
	if (len == 8 && (s[5] == 'W' || s[5] == 'w')) {
		v = digits(s + 6, 2);
		if (v < 1 || v > period_iso_weeks(y))
			goto bad;
		week(out, y, v);
		return 0;
	}
	if (len == 7) {
		v = digits(s + 5, 2);
		if (v < 1 || v > 12)
			goto bad;
		months(out, PERIOD_MONTH, y, v, 1);
		return 0;
	}
	if ((out->from = day_parse(s, len)) < 0)
		goto bad;
	out->form = PERIOD_DAY;
	out->to = out->from;
	name(out);
	return 0;
bad:
	return ug_fail(err, UG_EINVAL, "period",
		       "period must be a day 2026-11-23, an ISO week 2026-W48, "
		       "a month 2026-11, a quarter 2026-Q4, a year 2026 or "
		       "two days 2026-11-01..2026-11-15 (in order); got \"%.40s\"",
		       s);
}

void period_previous(const struct period *p, struct period *out)
{
	int y = p->from / 10000, m = p->from / 100 % 100;
	int64_t first = period_day_number(p->from);

	memset(out, 0, sizeof *out);
	switch (p->form) {
	case PERIOD_DAY:
	case PERIOD_RANGE:
		out->form = p->form;
		out->to = period_day_of_number(first - 1);
		out->from = period_day_of_number(first - period_days(p));
		name(out);
		break;
	case PERIOD_WEEK: {
		int64_t monday = first - 7;

		out->form = PERIOD_WEEK;
		out->from = period_day_of_number(monday);
		out->to = period_day_of_number(monday + 6);
		name(out);
		break;
	}
	case PERIOD_MONTH:
		if (m == 1)
			months(out, PERIOD_MONTH, y - 1, 12, 1);
		else
			months(out, PERIOD_MONTH, y, m - 1, 1);
		break;
	case PERIOD_QUARTER:
		if (m == 1)
			months(out, PERIOD_QUARTER, y - 1, 10, 3);
		else
			months(out, PERIOD_QUARTER, y, m - 3, 3);
		break;
	case PERIOD_YEAR:
		months(out, PERIOD_YEAR, y - 1, 1, 12);
		break;
	}
}
