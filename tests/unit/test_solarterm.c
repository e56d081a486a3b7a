/*
 * test_solarterm.c - the 24 solar terms (domain/calendar/solarterm.h) against an
 * independent implementation: the instant of every term of 1901-2099 as
 * npm lunar-javascript computes it (generated at test time into
 * $UG_ORACLE by tests/oracle/calendar-oracle.mjs).  Ours must be within a
 * minute of it, and on the same Beijing date - 清明 (the statutory day)
 * always; for the others the one term the two theories put on either
 * side of midnight is listed, and must still disagree (a list that no
 * longer matches what happens is stale and fails).
 */
#include "testutil.h"

#include "domain/calendar/solarterm.h"
#include "lib/ics.h"

#define CN (8 * 3600)
#define TOLERANCE_S 60

/* Terms whose instant lies within TOLERANCE_S of Beijing midnight, where
 * the two theories (each good to about a minute) fall on different
 * dates. */
static const struct {
	int year, term;
	const char *why;
} midnight[] = {
	{ 1979, ST_DAHAN, "大寒 1979: lunar-javascript 01-20 23:59:56, ours "
			  "01-21 00:00:02" },
};

static int listed(int year, int term)
{
	for (size_t i = 0; i < sizeof midnight / sizeof *midnight; i++)
		if (midnight[i].year == year && midnight[i].term == term)
			return 1;
	return 0;
}

static void test_every_term_against_oracle(void **state)
{
	FILE *fp = tu_oracle("solar-terms.csv");
	char line[128];
	int rows = 0, differ = 0;
	int64_t worst = 0;

	(void)state;
	assert_non_null(fgets(line, sizeof line, fp)); /* header */
	while (fgets(line, sizeof line, fp)) {
		int y, k, Y, M, D, h, mi, s;
		int64_t want, got, gap;
		int32_t day;

		assert_int_equal(sscanf(line, "%d,%d,%d-%d-%d %d:%d:%d", &y, &k,
					&Y, &M, &D, &h, &mi, &s),
				 8);
		want = (int64_t)ics_civil_to_days(Y, M, D) * 86400 +
		       h * 3600 + mi * 60 + s - CN;
		assert_int_equal(solarterm_instant(y, k, &got), 0);
		assert_int_equal(solarterm_day(y, k, CN, &day), 0);
		gap = got > want ? got - want : want - got;
		if (gap > worst)
			worst = gap;
		if (gap > TOLERANCE_S)
			fail_msg("%d %s: oracle %d-%02d-%02d %02d:%02d:%02d, "
				 "ours %lld s apart", y, solarterm_names[k], Y,
				 M, D, h, mi, s, (long long)(got - want));
		if (day != ics_civil_to_days(Y, M, D)) {
			if (k == ST_QINGMING || !listed(y, k))
				fail_msg("%d %s: oracle on %d-%02d-%02d, ours "
					 "on day %d", y, solarterm_names[k],
					 Y, M, D, (int)day);
			differ++;
		} else if (listed(y, k)) {
			fail_msg("%d %s is listed as falling on another date "
				 "but agrees now: update the list", y,
				 solarterm_names[k]);
		}
		rows++;
	}
	fclose(fp);
	assert_int_equal(rows, 199 * 24);
	assert_int_equal(differ, (int)(sizeof midnight / sizeof *midnight));
	print_message("solar terms 1901-2099: worst gap to the oracle %lld s\n",
		      (long long)worst);
}

/* 清明 of known years (the statutory day), and the order of the year. */
static void test_known_terms(void **state)
{
	int32_t d, prev = 0;

	(void)state;
	assert_int_equal(solarterm_day(2026, ST_QINGMING, CN, &d), 0);
	assert_int_equal(d, ics_civil_to_days(2026, 4, 5));
	assert_int_equal(solarterm_day(2027, ST_QINGMING, CN, &d), 0);
	assert_int_equal(d, ics_civil_to_days(2027, 4, 5));
	assert_int_equal(solarterm_day(2028, ST_QINGMING, CN, &d), 0);
	assert_int_equal(d, ics_civil_to_days(2028, 4, 4));
	assert_int_equal(solarterm_day(2027, ST_DONGZHI, CN, &d), 0);
	assert_int_equal(d, ics_civil_to_days(2027, 12, 22));
	for (int k = 0; k < ST_COUNT; k++) {
		assert_int_equal(solarterm_day(2030, k, CN, &d), 0);
		assert_true(d > prev);
		if (k)
			assert_in_range(d - prev, 14, 16);
		prev = d;
	}
}

static void test_refusals(void **state)
{
	int64_t t = 7;
	int32_t d = 7;

	(void)state;
	assert_int_equal(solarterm_instant(SOLARTERM_FIRST_YEAR - 1, 0, &t), -1);
	assert_int_equal(solarterm_instant(SOLARTERM_LAST_YEAR + 1, 0, &t), -1);
	assert_int_equal(solarterm_instant(2026, -1, &t), -1);
	assert_int_equal(solarterm_instant(2026, ST_COUNT, &t), -1);
	assert_int_equal(solarterm_day(2026, ST_COUNT, CN, &d), -1);
	assert_int_equal(t, 7);
	assert_int_equal(d, 7);
	assert_string_equal(solarterm_names[ST_QINGMING], "清明");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_term_against_oracle),
		cmocka_unit_test(test_known_terms),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
