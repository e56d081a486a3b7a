/*
 * lunar.c - the lunisolar calendar from its compact table (see lunar.h).
 *
 * One word per lunar year, 1900 first:
 *   bits 0-3    the leap month, 1..12, or 0 for none;
 *   bits 4-15   the length of months 12..1 (bit 15 is month 1, bit 4
 *               month 12): 1 = 30 days (大月), 0 = 29 (小月);
 *   bit 16      the length of the leap month, if any.
 * Lunar year 1900 began on 1900-01-31; each year begins the day after the
 * last one ended, so the table alone fixes every date.
 *
 * Corrected from the circulating table, to agree with the astronomical
 * computation of GB/T 33661-2017 (new moons and principal solar terms in
 * Beijing time), which the unit test checks month by month for 1901-2099:
 *   1933  0x06e95 -> 0x16a95: the leap 5th month has 30 days, the 6th 29;
 *   1996  0x055c0 -> 0x05ac0: months 5-8 are 30, 29, 30, 29 days;
 *   2033  0x04bd7 -> 0x04afb: the leap month is the 11th, not the 7th
 *         (the "2033 problem": the new rules put it after the 11th month);
 *   2060  0x0a2e0 -> 0x092e0: the 3rd month has 29 days, the 4th 30.
 */
#include "domain/calendar/lunar.h"

#include "lib/ics.h"

static const uint32_t lunar_years[LUNAR_LAST_YEAR - LUNAR_FIRST_YEAR + 1] = {
	0x04bd8, 0x04ae0, 0x0a570, 0x054d5, 0x0d260, 0x0d950, 0x16554, 0x056a0, /* 1900-1907 */
	0x09ad0, 0x055d2, 0x04ae0, 0x0a5b6, 0x0a4d0, 0x0d250, 0x1d255, 0x0b540, /* 1908-1915 */
	0x0d6a0, 0x0ada2, 0x095b0, 0x14977, 0x04970, 0x0a4b0, 0x0b4b5, 0x06a50, /* 1916-1923 */
	0x06d40, 0x1ab54, 0x02b60, 0x09570, 0x052f2, 0x04970, 0x06566, 0x0d4a0, /* 1924-1931 */
	0x0ea50, 0x16a95, 0x05ad0, 0x02b60, 0x186e3, 0x092e0, 0x1c8d7, 0x0c950, /* 1932-1939 */
	0x0d4a0, 0x1d8a6, 0x0b550, 0x056a0, 0x1a5b4, 0x025d0, 0x092d0, 0x0d2b2, /* 1940-1947 */
	0x0a950, 0x0b557, 0x06ca0, 0x0b550, 0x15355, 0x04da0, 0x0a5b0, 0x14573, /* 1948-1955 */
	0x052b0, 0x0a9a8, 0x0e950, 0x06aa0, 0x0aea6, 0x0ab50, 0x04b60, 0x0aae4, /* 1956-1963 */
	0x0a570, 0x05260, 0x0f263, 0x0d950, 0x05b57, 0x056a0, 0x096d0, 0x04dd5, /* 1964-1971 */
	0x04ad0, 0x0a4d0, 0x0d4d4, 0x0d250, 0x0d558, 0x0b540, 0x0b6a0, 0x195a6, /* 1972-1979 */
	0x095b0, 0x049b0, 0x0a974, 0x0a4b0, 0x0b27a, 0x06a50, 0x06d40, 0x0af46, /* 1980-1987 */
	0x0ab60, 0x09570, 0x04af5, 0x04970, 0x064b0, 0x074a3, 0x0ea50, 0x06b58, /* 1988-1995 */
	0x05ac0, 0x0ab60, 0x096d5, 0x092e0, 0x0c960, 0x0d954, 0x0d4a0, 0x0da50, /* 1996-2003 */
	0x07552, 0x056a0, 0x0abb7, 0x025d0, 0x092d0, 0x0cab5, 0x0a950, 0x0b4a0, /* 2004-2011 */
	0x0baa4, 0x0ad50, 0x055d9, 0x04ba0, 0x0a5b0, 0x15176, 0x052b0, 0x0a930, /* 2012-2019 */
	0x07954, 0x06aa0, 0x0ad50, 0x05b52, 0x04b60, 0x0a6e6, 0x0a4e0, 0x0d260, /* 2020-2027 */
	0x0ea65, 0x0d530, 0x05aa0, 0x076a3, 0x096d0, 0x04afb, 0x04ad0, 0x0a4d0, /* 2028-2035 */
	0x1d0b6, 0x0d250, 0x0d520, 0x0dd45, 0x0b5a0, 0x056d0, 0x055b2, 0x049b0, /* 2036-2043 */
	0x0a577, 0x0a4b0, 0x0aa50, 0x1b255, 0x06d20, 0x0ada0, 0x14b63, 0x09370, /* 2044-2051 */
	0x049f8, 0x04970, 0x064b0, 0x168a6, 0x0ea50, 0x06b20, 0x1a6c4, 0x0aae0, /* 2052-2059 */
	0x092e0, 0x0d2e3, 0x0c960, 0x0d557, 0x0d4a0, 0x0da50, 0x05d55, 0x056a0, /* 2060-2067 */
	0x0a6d0, 0x055d4, 0x052d0, 0x0a9b8, 0x0a950, 0x0b4a0, 0x0b6a6, 0x0ad50, /* 2068-2075 */
	0x055a0, 0x0aba4, 0x0a5b0, 0x052b0, 0x0b273, 0x06930, 0x07337, 0x06aa0, /* 2076-2083 */
	0x0ad50, 0x14b55, 0x04b60, 0x0a570, 0x054e4, 0x0d160, 0x0e968, 0x0d520, /* 2084-2091 */
	0x0daa0, 0x16aa6, 0x056d0, 0x04ae0, 0x0a9d4, 0x0a2d0, 0x0d150, 0x0f252, /* 2092-2099 */
	0x0d520 /* 2100 */
};

static uint32_t word_of(int year)
{
	if (year < LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR)
		return 0;
	return lunar_years[year - LUNAR_FIRST_YEAR];
}

int lunar_leap_month(int year)
{
	return (int)(word_of(year) & 0xf);
}

int lunar_month_days(int year, int month, int leap)
{
	uint32_t w = word_of(year);

	if (!w || month < 1 || month > 12)
		return 0;
	if (leap) {
		if ((int)(w & 0xf) != month)
			return 0;
		return (w & 0x10000) ? 30 : 29;
	}
	return (w & (0x10000u >> month)) ? 30 : 29;
}

/* Days in lunar year `year` (in the table). */
static int year_days(int year)
{
	int n = 0;

	for (int m = 1; m <= 12; m++)
		n += lunar_month_days(year, m, 0) +
		     lunar_month_days(year, m, 1);
	return n;
}

int lunar_new_year(int year, int32_t *out)
{
	int32_t d = ics_civil_to_days(1900, 1, 31);

	if (year < LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR)
		return -1;
	for (int y = LUNAR_FIRST_YEAR; y < year; y++)
		d += year_days(y);
	*out = d;
	return 0;
}

int lunar_to_days(const struct lunar_date *ld, int32_t *out)
{
	int len = lunar_month_days(ld->year, ld->month, ld->leap);
	int32_t d;

	if (len == 0 || ld->day < 1 || ld->day > len ||
	    lunar_new_year(ld->year, &d))
		return -1;
	/* The months before it: every regular month before `month`, their
	 * leap months, and the regular month itself when it is the leap. */
	for (int m = 1; m < ld->month; m++)
		d += lunar_month_days(ld->year, m, 0) +
		     lunar_month_days(ld->year, m, 1);
	if (ld->leap)
		d += lunar_month_days(ld->year, ld->month, 0);
	*out = d + ld->day - 1;
	return 0;
}

int lunar_from_days(int32_t days, struct lunar_date *out)
{
	int32_t d = ics_civil_to_days(1900, 1, 31);
	int year;

	if (days < d)
		return -1;
	for (year = LUNAR_FIRST_YEAR; year <= LUNAR_LAST_YEAR; year++) {
		int n = year_days(year);

		if (days < d + n)
			break;
		d += n;
	}
	if (year > LUNAR_LAST_YEAR)
		return -1;
	for (int m = 1; m <= 12; m++) {
		for (int leap = 0; leap <= 1; leap++) {
			int len = lunar_month_days(year, m, leap);

			if (len && days < d + len) {
				out->year = year;
				out->month = m;
				out->leap = leap;
				out->day = (int)(days - d) + 1;
				return 0;
			}
			d += len;
		}
	}
	return -1; /* not reached: the year's months add up to its days */
}
