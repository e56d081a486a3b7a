/*
 * test_holidays.c - the statutory holidays by rule (domain/calendar/holidays.h):
 * each version of the rules, the make-up rule and its chains, holidays
 * sharing a day, the years around the changes of the rules; and every
 * rule-derived day of 2004-2026 against the official schedules of those
 * years (npm chinese-days' dist/years/YYYY.ics, read with our iCalendar
 * reader): each must be a day off in the official schedule, or be listed
 * below with the notice that decided otherwise.
 */
#include "testutil.h"

#include "domain/calendar/holidays.h"
#include "lib/ics.h"

static int32_t D(int y, int m, int d)
{
	return ics_civil_to_days(y, m, d);
}

/* The days of `year` as "MM-DD note" lines, for readable comparisons. */
static void days_text(int year, char *out, size_t size)
{
	struct holiday_day d[HOLIDAYS_MAX_DAYS];
	int n = holidays_of_year(year, d);
	size_t used = 0;

	assert_true(n > 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int y, m, dd;
		char note[64];

		ics_days_to_civil(d[i].date, &y, &m, &dd);
		assert_int_equal(y, year);
		used += (size_t)snprintf(out + used, size - used, "%02d-%02d %s\n",
					 m, dd,
					 holidays_day_note(&d[i], note,
							   sizeof note));
		assert_true(used < size);
	}
}

static void test_rules_by_year(void **state)
{
	(void)state;
	assert_int_equal(holidays_rules(1901), 1999);
	assert_int_equal(holidays_rules(2007), 1999);
	assert_int_equal(holidays_rules(2008), 2007);
	assert_int_equal(holidays_rules(2013), 2007);
	assert_int_equal(holidays_rules(2014), 2013);
	assert_int_equal(holidays_rules(2024), 2013);
	assert_int_equal(holidays_rules(2025), 2024);
	assert_int_equal(holidays_rules(2099), 2024);
}

/* 2027, the year the issue is about: the days the tests of the API name
 * (元旦, 除夕, 初三, 清明, 劳动节, 端午, 中秋, 国庆) and their make-up days. */
static void test_2027(void **state)
{
	char text[2048];

	(void)state;
	days_text(2027, text, sizeof text);
	assert_string_equal(text,
			    "01-01 元旦\n"
			    "02-05 春节\n"   /* 除夕, Friday */
			    "02-06 春节\n"   /* 初一, Saturday */
			    "02-07 春节\n"   /* 初二, Sunday */
			    "02-08 春节\n"   /* 初三, Monday */
			    "02-09 春节(补假)\n" /* for Saturday */
			    "02-10 春节(补假)\n" /* for Sunday */
			    "04-05 清明节\n"
			    "05-01 劳动节\n" /* Saturday */
			    "05-02 劳动节\n" /* Sunday */
			    "05-03 劳动节(补假)\n"
			    "05-04 劳动节(补假)\n"
			    "06-09 端午节\n"
			    "09-15 中秋节\n"
			    "10-01 国庆节\n" /* Friday */
			    "10-02 国庆节\n" /* Saturday */
			    "10-03 国庆节\n" /* Sunday */
			    "10-04 国庆节(补假)\n"
			    "10-05 国庆节(补假)\n");
}

/* Each version of the rules, on a year where it shows. */
static void test_each_version(void **state)
{
	char text[2048];

	(void)state;
	/* 1999 rules: 春节 初一-初三, 劳动节 and 国庆节 three days, no
	 * 清明/端午/中秋.  2007-02-18 was 初一 (a Sunday). */
	days_text(2007, text, sizeof text);
	assert_string_equal(text,
			    "01-01 元旦\n"
			    "02-18 春节\n"
			    "02-19 春节\n"
			    "02-20 春节\n"
			    "02-21 春节(补假)\n"
			    "05-01 劳动节\n"
			    "05-02 劳动节\n"
			    "05-03 劳动节\n"
			    "10-01 国庆节\n"
			    "10-02 国庆节\n"
			    "10-03 国庆节\n");
	/* 2007 rules: 春节 除夕-初二 (2013-02-09 除夕, Saturday). */
	days_text(2013, text, sizeof text);
	assert_string_equal(text,
			    "01-01 元旦\n"
			    "02-09 春节\n"
			    "02-10 春节\n"
			    "02-11 春节\n"
			    "02-12 春节(补假)\n"
			    "02-13 春节(补假)\n"
			    "04-04 清明节\n"
			    "05-01 劳动节\n"
			    "06-12 端午节\n"
			    "09-19 中秋节\n"
			    "10-01 国庆节\n"
			    "10-02 国庆节\n"
			    "10-03 国庆节\n");
	/* 2013 rules: 春节 初一-初三 (2014-01-31 初一, Friday). */
	days_text(2014, text, sizeof text);
	assert_string_equal(text,
			    "01-01 元旦\n"
			    "01-31 春节\n"
			    "02-01 春节\n"
			    "02-02 春节\n"
			    "02-03 春节(补假)\n"
			    "02-04 春节(补假)\n"
			    "04-05 清明节\n"
			    "04-07 清明节(补假)\n"
			    "05-01 劳动节\n"
			    "06-02 端午节\n"
			    "09-08 中秋节\n"
			    "10-01 国庆节\n"
			    "10-02 国庆节\n"
			    "10-03 国庆节\n");
	/* 2024 rules: 春节 除夕-初三, 劳动节 1-2 May (2025-01-28 除夕). */
	days_text(2025, text, sizeof text);
	assert_string_equal(text,
			    "01-01 元旦\n"
			    "01-28 春节\n"
			    "01-29 春节\n"
			    "01-30 春节\n"
			    "01-31 春节\n"
			    "04-04 清明节\n"
			    "05-01 劳动节\n"
			    "05-02 劳动节\n"
			    "05-31 端午节\n"
			    "06-02 端午节(补假)\n"
			    "10-01 国庆节\n"
			    "10-02 国庆节\n"
			    "10-03 国庆节\n"
			    "10-06 中秋节\n"); /* a Monday */
}

/* 中秋节 inside 国庆节: the date is 国庆节's, the make-up day 中秋节's,
 * after the weekend's make-up days. */
static void test_shared_days(void **state)
{
	char text[2048], *oct;

	(void)state;
	days_text(2028, text, sizeof text); /* 中秋 10-03, a Tuesday */
	oct = strstr(text, "10-01");
	assert_non_null(oct);
	assert_string_equal(oct,
			    "10-01 国庆节\n" /* Sunday */
			    "10-02 国庆节\n"
			    "10-03 国庆节\n" /* and 中秋节 */
			    "10-04 国庆节(补假)\n"
			    "10-05 中秋节(补假)\n");
	days_text(2031, text, sizeof text); /* 中秋 10-01, a Wednesday */
	oct = strstr(text, "10-01");
	assert_non_null(oct);
	assert_string_equal(oct,
			    "10-01 国庆节\n"
			    "10-02 国庆节\n"
			    "10-03 国庆节\n" /* Friday */
			    "10-06 中秋节(补假)\n");
}

/* A weekend holiday is made up on the next Monday-Friday that is not a
 * holiday; chains skip the days already taken. */
static void test_makeup_chains(void **state)
{
	char text[2048];

	(void)state;
	days_text(2022, text, sizeof text); /* 元旦 Sat, 国庆 Sat-Mon */
	assert_non_null(strstr(text, "01-01 元旦\n01-03 元旦(补假)\n"));
	assert_non_null(strstr(text, "10-01 国庆节\n10-02 国庆节\n"
				     "10-03 国庆节\n10-04 国庆节(补假)\n"
				     "10-05 国庆节(补假)\n"));
	days_text(2033, text, sizeof text); /* 春节: 除夕 01-30 Sun */
	assert_non_null(strstr(text, "01-30 春节\n01-31 春节\n02-01 春节\n"
				     "02-02 春节\n02-03 春节(补假)\n"));
}

static void test_range(void **state)
{
	struct holiday_day d[HOLIDAYS_MAX_DAYS];

	(void)state;
	assert_int_equal(holidays_of_year(HOLIDAYS_FIRST_YEAR - 1, d), -1);
	assert_int_equal(holidays_of_year(HOLIDAYS_LAST_YEAR + 1, d), -1);
	for (int y = HOLIDAYS_FIRST_YEAR; y <= HOLIDAYS_LAST_YEAR; y++) {
		int n = holidays_of_year(y, d);

		assert_in_range(n, 10, HOLIDAYS_MAX_DAYS);
		for (int i = 1; i < n; i++)
			assert_true(d[i].date > d[i - 1].date);
		for (int i = 0; i < n; i++) {
			int wd = (int)(((d[i].date + 3) % 7 + 7) % 7);

			if (d[i].makeup)
				assert_in_range(wd, 0, 4);
		}
	}
	assert_string_equal(holiday_names[HOL_MID_AUTUMN], "中秋节");
	assert_string_equal(holiday_names_en[HOL_NATIONAL], "National Day");
}

/* ---- against the official schedules --------------------------------- */

/* Rule-derived days the official notice did not give as days off. */
static const struct {
	int y, m, d;
	const char *notice;
} official_exceptions[] = {
	{ 2012, 6, 25, "国办发明电〔2011〕45号: 端午节 6月22日至24日放假公休 - "
		       "the Saturday festival made up on Friday 22 June, "
		       "before it, not on Monday 25 June" },
	{ 2015, 9, 28, "国办发明电〔2014〕28号: 中秋节 9月27日放假 - the Sunday "
		       "festival not made up (its day folded into 国庆节 "
		       "10月1日至7日)" },
};

#define YEAR_DAYS 367

/* The official days off of `year`: the file's 休 days, and the
 * Saturdays and Sundays it does not mark 班. */
static void official_days_off(int year, unsigned char off[YEAR_DAYS])
{
	char path[128];
	struct ics_reader r;
	struct ics_event ev;
	struct ug_error err;
	unsigned char work[YEAR_DAYS] = { 0 };
	int32_t jan1 = D(year, 1, 1), days = D(year + 1, 1, 1) - jan1;
	FILE *fp;
	int rc, events = 0;

	snprintf(path, sizeof path,
		 "node_modules/chinese-days/dist/years/%d.ics", year);
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open %s: run scripts/install-deps", path);
	memset(off, 0, YEAR_DAYS);
	ug_error_clear(&err);
	ics_init(&r, fp, path);
	while ((rc = ics_next(&r, &ev, &err)) == 1) {
		events++;
		for (int32_t d = ev.first_day; d < ev.end_day; d++)
			if (d >= jan1 && d < jan1 + days) {
				if (ev.kind == ICS_DAY_OFF)
					off[d - jan1] = 1;
				else
					work[d - jan1] = 1;
			}
	}
	tu_assert_ok(rc, err);
	ics_free(&r);
	fclose(fp);
	assert_true(events >= 5);
	for (int32_t i = 0; i < days; i++) {
		int wd = (int)(((jan1 + i + 3) % 7 + 7) % 7);

		if (wd >= 5 && !work[i])
			off[i] = 1;
	}
}

static const char *exception_for(int32_t date)
{
	for (size_t i = 0;
	     i < sizeof official_exceptions / sizeof *official_exceptions; i++)
		if (D(official_exceptions[i].y, official_exceptions[i].m,
		      official_exceptions[i].d) == date)
			return official_exceptions[i].notice;
	return NULL;
}

static void test_against_official_schedules(void **state)
{
	size_t seen = 0, checked = 0;

	(void)state;
	for (int year = 2004; year <= 2026; year++) {
		unsigned char off[YEAR_DAYS];
		struct holiday_day d[HOLIDAYS_MAX_DAYS];
		int n = holidays_of_year(year, d);
		int32_t jan1 = D(year, 1, 1);

		official_days_off(year, off);
		for (int i = 0; i < n; i++) {
			const char *why = exception_for(d[i].date);
			char note[64];
			int y, m, dd;

			ics_days_to_civil(d[i].date, &y, &m, &dd);
			checked++;
			if (off[d[i].date - jan1]) {
				if (why)
					fail_msg("%d-%02d-%02d is listed as an "
						 "exception but the schedule has "
						 "it off: update the list", y, m,
						 dd);
				continue;
			}
			if (!why)
				fail_msg("%d-%02d-%02d %s by rule is a working "
					 "day in the official schedule", y, m,
					 dd,
					 holidays_day_note(&d[i], note,
							   sizeof note));
			seen++;
		}
	}
	assert_int_equal(seen, sizeof official_exceptions /
				       sizeof *official_exceptions);
	assert_true(checked > 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_by_year),
		cmocka_unit_test(test_2027),
		cmocka_unit_test(test_each_version),
		cmocka_unit_test(test_shared_days),
		cmocka_unit_test(test_makeup_chains),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_against_official_schedules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
