/*
 * test_lunar.c - the lunisolar calendar (domain/calendar/lunar.h) against an
 * independent implementation: every month of the lunar years 1901-2099 as
 * npm lunar-javascript computes it (first day, length, leap or not),
 * generated at test time by tests/oracle/calendar-oracle.mjs into
 * $UG_ORACLE (make unit does it); then the conversions both ways for every
 * day, and what does not exist.
 */
#include "testutil.h"

#include "domain/calendar/lunar.h"
#include "lib/ics.h"

#define FIRST 1901
#define LAST 2099

/* 正月初一 of a year in the table. */
static int32_t new_year(int year)
{
	int32_t d;

	assert_int_equal(lunar_new_year(year, &d), 0);
	return d;
}

static int32_t days_of(const char *ymd)
{
	int y, m, d;

	assert_int_equal(sscanf(ymd, "%d-%d-%d", &y, &m, &d), 3);
	return ics_civil_to_days(y, m, d);
}

/* Every month of 1901-2099: ours and the oracle's agree on where it
 * starts, how long it is and which months are leap months, and the
 * months follow one another without a gap. */
static void test_every_month_against_oracle(void **state)
{
	FILE *fp = tu_oracle("lunar-months.csv");
	char line[128], first[16];
	int y, m, leap, len, rows = 0, leaps = 0;
	int32_t next = new_year(FIRST);

	(void)state;
	assert_non_null(fgets(line, sizeof line, fp)); /* header */
	while (fgets(line, sizeof line, fp)) {
		struct lunar_date ld;
		int32_t start;

		assert_int_equal(sscanf(line, "%d,%d,%d,%15[^,],%d", &y, &m,
					&leap, first, &len),
				 5);
		ld = (struct lunar_date){ y, m, leap, 1 };
		if (lunar_to_days(&ld, &start) != 0)
			fail_msg("%d month %d%s: ours has no such month (oracle: "
				 "from %s, %d days)", y, m, leap ? " (leap)" : "",
				 first, len);
		if (start != days_of(first) ||
		    lunar_month_days(y, m, leap) != len)
			fail_msg("%d month %d%s: oracle from %s, %d days; ours "
				 "%d days from day %d", y, m,
				 leap ? " (leap)" : "", first, len,
				 lunar_month_days(y, m, leap), (int)start);
		assert_int_equal(start, next);
		next = start + len;
		leaps += leap;
		rows++;
	}
	fclose(fp);
	/* 199 years of 12 months and their leap months: the oracle's file
	 * was whole.  The 19-year cycle has 7 leap years. */
	assert_int_equal(rows, 199 * 12 + leaps);
	assert_in_range(leaps, 72, 74);
	assert_int_equal(next, new_year(LAST + 1));
	/* Each year's leap month is the one the oracle listed. */
	for (int year = FIRST; year <= LAST; year++) {
		int lm = lunar_leap_month(year);

		if (lm)
			assert_int_not_equal(lunar_month_days(year, lm, 1), 0);
	}
}

/* From a date to the lunar date and back, for every day of the lunar
 * years 1900-2100. */
static void test_round_trip_every_day(void **state)
{
	int32_t d, end = new_year(LUNAR_LAST_YEAR);
	struct lunar_date ld, prev = { 0, 0, 0, 0 };

	(void)state;
	end += 300; /* into the last year */
	for (d = new_year(LUNAR_FIRST_YEAR); d < end; d++) {
		int32_t back;

		assert_int_equal(lunar_from_days(d, &ld), 0);
		assert_int_equal(lunar_to_days(&ld, &back), 0);
		assert_int_equal(back, d);
		if (ld.day != 1) { /* within a month, days count up */
			assert_int_equal(ld.year, prev.year);
			assert_int_equal(ld.month, prev.month);
			assert_int_equal(ld.leap, prev.leap);
			assert_int_equal(ld.day, prev.day + 1);
		}
		prev = ld;
	}
}

/* Dates every Chinese reader knows. */
static void test_known_dates(void **state)
{
	struct lunar_date ld;
	int32_t d;

	(void)state;
	assert_int_equal(new_year(2026), ics_civil_to_days(2026, 2, 17));
	assert_int_equal(new_year(2027), ics_civil_to_days(2027, 2, 6));
	assert_int_equal(new_year(2033), ics_civil_to_days(2033, 1, 31));
	/* 2033: the leap month is the 11th (the "2033 problem"). */
	assert_int_equal(lunar_leap_month(2033), 11);
	assert_int_equal(lunar_leap_month(2023), 2);
	assert_int_equal(lunar_leap_month(2027), 0);
	ld = (struct lunar_date){ 2027, 8, 0, 15 }; /* 中秋 */
	assert_int_equal(lunar_to_days(&ld, &d), 0);
	assert_int_equal(d, ics_civil_to_days(2027, 9, 15));
	ld = (struct lunar_date){ 2028, 8, 0, 15 }; /* inside 国庆 */
	assert_int_equal(lunar_to_days(&ld, &d), 0);
	assert_int_equal(d, ics_civil_to_days(2028, 10, 3));
	assert_int_equal(lunar_from_days(ics_civil_to_days(2023, 3, 22), &ld),
			 0);
	assert_int_equal(ld.month, 2);
	assert_int_equal(ld.leap, 1); /* 闰二月初一 */
	assert_int_equal(ld.day, 1);
}

/* What does not exist is refused, and nothing is written. */
static void test_refusals(void **state)
{
	struct lunar_date ld;
	int32_t d = 12345;

	(void)state;
	ld = (struct lunar_date){ 2027, 3, 1, 1 }; /* 2027 has no leap */
	assert_int_equal(lunar_to_days(&ld, &d), -1);
	ld = (struct lunar_date){ 2027, 13, 0, 1 };
	assert_int_equal(lunar_to_days(&ld, &d), -1);
	ld = (struct lunar_date){ 2027, 1, 0, 0 };
	assert_int_equal(lunar_to_days(&ld, &d), -1);
	ld = (struct lunar_date){ 2027, 2, 0,
				  lunar_month_days(2027, 2, 0) + 1 };
	assert_int_equal(lunar_to_days(&ld, &d), -1);
	ld = (struct lunar_date){ 1899, 1, 0, 1 };
	assert_int_equal(lunar_to_days(&ld, &d), -1);
	ld = (struct lunar_date){ 2101, 1, 0, 1 };
	assert_int_equal(lunar_to_days(&ld, &d), -1);
	assert_int_equal(d, 12345);
	assert_int_equal(lunar_new_year(1899, &d), -1);
	assert_int_equal(lunar_new_year(2101, &d), -1);
	assert_int_equal(d, 12345);
	assert_int_equal(lunar_from_days(ics_civil_to_days(1900, 1, 30), &ld),
			 -1);
	assert_int_equal(lunar_from_days(ics_civil_to_days(2101, 12, 31),
					 &ld),
			 -1);
	assert_int_equal(lunar_month_days(2027, 3, 1), 0);
	assert_int_equal(lunar_leap_month(2200), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_month_against_oracle),
		cmocka_unit_test(test_round_trip_every_day),
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
