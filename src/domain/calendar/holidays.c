/*
 * holidays.c - statutory holidays by the rules in force each year (see
 * holidays.h for the rules and the make-up rule).
 */
#include "domain/calendar/holidays.h"

#include <stdio.h>

#include "domain/calendar/lunar.h"
#include "domain/calendar/solarterm.h"
#include "lib/ics.h"

const char *const holiday_names[HOL_COUNT] = {
	"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
};

const char *const holiday_names_en[HOL_COUNT] = {
	"New Year's Day", "Spring Festival", "Qingming Festival",
	"Labour Day", "Dragon Boat Festival", "Mid-Autumn Festival",
	"National Day",
};

#define CHINA_UTC_OFFSET (8 * 3600)

int holidays_rules(int year)
{
	if (year < 2008)
		return 1999;
	if (year < 2014)
		return 2007;
	if (year < 2025)
		return 2013;
	return 2024;
}

/* 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday(int32_t date)
{
	int w = (int)((date + 3) % 7);

	return w < 0 ? w + 7 : w;
}

static int lunar_day(int year, int month, int day, int32_t *out)
{
	struct lunar_date ld = { year, month, 0, day };

	return lunar_to_days(&ld, out);
}

struct day_list {
	struct holiday_day *day;
	int n;
	int shared[HOLIDAYS_MAX_DAYS]; /* holidays that landed on a taken day */
	int nshared;
	int32_t shared_date[HOLIDAYS_MAX_DAYS];
};

static int find(const struct day_list *l, int32_t date)
{
	for (int i = 0; i < l->n; i++)
		if (l->day[i].date == date)
			return i;
	return -1;
}

/* Add `count` days of holiday h from `first`.  A date another holiday
 * already has is remembered as shared: it gets a make-up day. */
static void add_days(struct day_list *l, enum holiday h, int32_t first,
		     int count)
{
	for (int32_t d = first; d < first + count; d++) {
		if (find(l, d) >= 0) {
			l->shared[l->nshared] = h;
			l->shared_date[l->nshared++] = d;
			continue;
		}
		l->day[l->n++] = (struct holiday_day){ d, h, 0 };
	}
}

static void sort_by_date(struct holiday_day *d, int n)
{
	for (int i = 1; i < n; i++) {
		struct holiday_day x = d[i];
		int j = i;

		for (; j > 0 && d[j - 1].date > x.date; j--)
			d[j] = d[j - 1];
		d[j] = x;
	}
}

/* The make-up day for a day off lost on `date`: the first Monday-Friday
 * after it that is not already off. */
static void add_makeup(struct day_list *l, enum holiday h, int32_t date)
{
	int32_t d = date + 1;

	while (weekday(d) >= 5 || find(l, d) >= 0)
		d++;
	l->day[l->n++] = (struct holiday_day){ d, h, 1 };
}

int holidays_of_year(int year, struct holiday_day *out)
{
	struct day_list l = { .day = out };
	int rules = holidays_rules(year), nstatutory;
	int32_t spring, d;

	if (year < HOLIDAYS_FIRST_YEAR || year > HOLIDAYS_LAST_YEAR ||
	    lunar_new_year(year, &spring))
		return -1;
	add_days(&l, HOL_NEW_YEAR, ics_civil_to_days(year, 1, 1), 1);
	switch (rules) {
	case 1999:
	case 2013:
		add_days(&l, HOL_SPRING, spring, 3);
		break;
	case 2007:
		add_days(&l, HOL_SPRING, spring - 1, 3);
		break;
	default:
		add_days(&l, HOL_SPRING, spring - 1, 4);
		break;
	}
	if (rules != 1999 &&
	    solarterm_day(year, ST_QINGMING, CHINA_UTC_OFFSET, &d) == 0)
		add_days(&l, HOL_QINGMING, d, 1);
	add_days(&l, HOL_LABOUR, ics_civil_to_days(year, 5, 1),
		 rules == 1999 ? 3 : rules == 2024 ? 2 : 1);
	if (rules != 1999 && lunar_day(year, 5, 5, &d) == 0)
		add_days(&l, HOL_DRAGON_BOAT, d, 1);
	add_days(&l, HOL_NATIONAL, ics_civil_to_days(year, 10, 1), 3);
	/* Last: a 中秋节 inside 国庆节 leaves the date to 国庆节 and names the
	 * make-up day (see holidays.h). */
	if (rules != 1999 && lunar_day(year, 8, 15, &d) == 0)
		add_days(&l, HOL_MID_AUTUMN, d, 1);
	/* Make-up days in date order of the day lost, once every statutory
	 * day is known (a make-up day never lands on one). */
	sort_by_date(l.day, l.n);
	nstatutory = l.n;
	{
		/* The lost days: weekends among the statutory days, and the
		 * shared ones; merged in date order. */
		int32_t lost[HOLIDAYS_MAX_DAYS];
		int lost_h[HOLIDAYS_MAX_DAYS], nlost = 0, j = 0;

		for (int i = 0; i < nstatutory; i++) {
			for (; j < l.nshared &&
			       l.shared_date[j] <= l.day[i].date;
			     j++) {
				lost[nlost] = l.shared_date[j];
				lost_h[nlost++] = l.shared[j];
			}
			if (weekday(l.day[i].date) >= 5) {
				lost[nlost] = l.day[i].date;
				lost_h[nlost++] = l.day[i].holiday;
			}
		}
		for (; j < l.nshared; j++) {
			lost[nlost] = l.shared_date[j];
			lost_h[nlost++] = l.shared[j];
		}
		for (int i = 0; i < nlost; i++)
			add_makeup(&l, (enum holiday)lost_h[i], lost[i]);
	}
	sort_by_date(l.day, l.n);
	return l.n;
}

char *holidays_day_note(const struct holiday_day *d, char *out, int size)
{
	snprintf(out, (size_t)size, "%s%s", holiday_names[d->holiday],
		 d->makeup ? "(补假)" : "");
	return out;
}
