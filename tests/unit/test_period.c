/*
 * test_period.c - periods (lib/period.h): every form with its days and
 * its canonical name, the ISO week edge cases (years of 53 weeks, week 1
 * starting in December, the week after W52 or W53), the period before
 * each form, and every malformed text refused naming "period".
 */
#include "testutil.h"

#include "lib/period.h"

static void expect(const char *text, enum period_form form, int32_t from,
		   int32_t to, const char *canonical)
{
	struct period p;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(period_parse(text, &p, &err), err);
	assert_int_equal(p.form, form);
	assert_int_equal(p.from, from);
	assert_int_equal(p.to, to);
	assert_string_equal(p.text, canonical);
}

static void test_forms(void **state)
{
	(void)state;
	expect("2026-11-23", PERIOD_DAY, 20261123, 20261123, "2026-11-23");
	expect("2024-02-29", PERIOD_DAY, 20240229, 20240229, "2024-02-29");
	expect("2026-W48", PERIOD_WEEK, 20261123, 20261129, "2026-W48");
	expect("2026-w48", PERIOD_WEEK, 20261123, 20261129, "2026-W48");
	expect("2026-11", PERIOD_MONTH, 20261101, 20261130, "2026-11");
	expect("2026-02", PERIOD_MONTH, 20260201, 20260228, "2026-02");
	expect("2024-02", PERIOD_MONTH, 20240201, 20240229, "2024-02");
	expect("2026-Q4", PERIOD_QUARTER, 20261001, 20261231, "2026-Q4");
	expect("2026-Q1", PERIOD_QUARTER, 20260101, 20260331, "2026-Q1");
	expect("2026", PERIOD_YEAR, 20260101, 20261231, "2026");
	expect("2026-11-01..2026-11-15", PERIOD_RANGE, 20261101, 20261115,
	       "2026-11-01..2026-11-15");
	expect("2026-11-01..2026-11-01", PERIOD_RANGE, 20261101, 20261101,
	       "2026-11-01..2026-11-01");
	expect("2025-12-30..2026-01-02", PERIOD_RANGE, 20251230, 20260102,
	       "2025-12-30..2026-01-02");
}

static void test_iso_weeks(void **state)
{
	(void)state;
	/* 2026 starts on a Thursday: 53 weeks, and its week 1 begins on
	 * 29 December 2025. */
	assert_int_equal(period_iso_weeks(2026), 53);
	expect("2026-W01", PERIOD_WEEK, 20251229, 20260104, "2026-W01");
	expect("2026-W53", PERIOD_WEEK, 20261228, 20270103, "2026-W53");
	/* 2020: a leap year starting on a Wednesday, 53 weeks. */
	assert_int_equal(period_iso_weeks(2020), 53);
	expect("2020-W53", PERIOD_WEEK, 20201228, 20210103, "2020-W53");
	/* 2021 starts on a Friday: its 1-3 January are 2020-W53. */
	assert_int_equal(period_iso_weeks(2021), 52);
	expect("2021-W01", PERIOD_WEEK, 20210104, 20210110, "2021-W01");
	assert_int_equal(period_iso_weeks(2025), 52);
	assert_int_equal(period_iso_weeks(2015), 53);
	assert_int_equal(period_iso_weeks(2004), 53);
	assert_int_equal(period_iso_weeks(2027), 52);
	/* 2027 starts on a Friday: week 1 begins on 4 January. */
	expect("2027-W01", PERIOD_WEEK, 20270104, 20270110, "2027-W01");
	/* 2019-W01 begins in 2018. */
	expect("2019-W01", PERIOD_WEEK, 20181231, 20190106, "2019-W01");
}

static void expect_previous(const char *text, int32_t from, int32_t to,
			    const char *canonical)
{
	struct period p, prev;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(period_parse(text, &p, &err), err);
	period_previous(&p, &prev);
	assert_int_equal(prev.form, p.form);
	assert_int_equal(prev.from, from);
	assert_int_equal(prev.to, to);
	assert_string_equal(prev.text, canonical);
}

static void test_previous(void **state)
{
	(void)state;
	expect_previous("2026-03-01", 20260228, 20260228, "2026-02-28");
	expect_previous("2026-01-01", 20251231, 20251231, "2025-12-31");
	expect_previous("2026-W48", 20261116, 20261122, "2026-W47");
	expect_previous("2026-W01", 20251222, 20251228, "2025-W52");
	expect_previous("2027-W01", 20261228, 20270103, "2026-W53");
	expect_previous("2021-W01", 20201228, 20210103, "2020-W53");
	expect_previous("2026-11", 20261001, 20261031, "2026-10");
	expect_previous("2026-01", 20251201, 20251231, "2025-12");
	expect_previous("2026-03", 20260201, 20260228, "2026-02");
	expect_previous("2026-Q4", 20260701, 20260930, "2026-Q3");
	expect_previous("2026-Q1", 20251001, 20251231, "2025-Q4");
	expect_previous("2026", 20250101, 20251231, "2025");
	/* A range: as many days, ending the day before. */
	expect_previous("2026-11-01..2026-11-15", 20261017, 20261031,
			"2026-10-17..2026-10-31");
	expect_previous("2026-03-01..2026-03-02", 20260227, 20260228,
			"2026-02-27..2026-02-28");
}

static void test_day_numbers(void **state)
{
	char text[16];
	struct period p = { PERIOD_RANGE, 20240101, 20241231, "" };

	(void)state;
	assert_int_equal(period_day_number(19700101), 0);
	assert_int_equal(period_day_number(19700102), 1);
	assert_int_equal(period_day_of_number(-1), 19691231);
	assert_int_equal(period_day_of_number(period_day_number(20261123)),
			 20261123);
	assert_int_equal(period_days(&p), 366);
	assert_string_equal(period_day_text(20260105, text, sizeof text),
			    "2026-01-05");
	/* ISO week Mondays are Mondays: 2026-11-23 was one. */
	assert_int_equal(period_iso_week_monday(2026, 48),
			 period_day_number(20261123));
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"", "2026-13", "2026-00", "2026-W00", "2026-W54", "2021-W53",
		"2026-W5", "2026-W100", "2026-Q5", "2026-Q0", "2026-Q", "26-11",
		"2026-11-31", "2026-02-29", "2026-11-1", " 2026", "2026 ",
		"20266", "1899", "3000", "2026-11-15..2026-11-01",
		"2026-11-01..", "..2026-11-01", "2026-11..2026-12",
		"2000-01-01..2026-01-01", "2026/11/23", "2026-11-23T00:00",
		"abcd", "2026-1a", "2026-11-23..2026-11-24..2026-11-25",
	};
	struct period p;
	struct ug_error err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ug_error_clear(&err);
		tu_assert_err(period_parse(bad[i], &p, &err), err, UG_EINVAL,
			      "period");
	}
	ug_error_clear(&err);
	tu_assert_err(period_parse(NULL, &p, &err), err, UG_EINVAL, "period");
	tu_assert_contains(err.message, "ISO week 2026-W48");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_iso_weeks),
		cmocka_unit_test(test_previous),
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("period", tests, NULL, NULL);
}
