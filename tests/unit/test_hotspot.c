/*
 * test_hotspot.c - the statistic of hot spots and the classification of
 * rebounds (domain/assess/hotspot.h) on hand-computed series: the worked
 * example of docs/assessment.md, the Poisson tail against sums done by
 * hand (and far in the tail, where 1 - CDF cancels to 0), the floor of
 * the expected count for a grid with no history, the minimum count; a
 * series that fell then came back, fell and stayed, never fell, and one
 * too thin to judge.
 */
#include "testutil.h"

#include <math.h>

#include "domain/assess/hotspot.h"

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("got %.15g, want %.15g", got, want);
}

static void test_poisson_tail(void **state)
{
	(void)state;
	/* 1 - e^-2 (1 + 2 + 2 + 4/3 + 2/3): 5 or more at λ = 2. */
	assert_near(poisson_upper_tail(5, 2), 1 - exp(-2) * 7, 1e-15);
	/* 1 - e^-0.5 (1 + 0.5 + 0.125) */
	assert_near(poisson_upper_tail(3, 0.5), 0.014387677966970713, 1e-15);
	assert_near(poisson_upper_tail(1, 0.5), 1 - exp(-0.5), 1e-15);
	assert_near(poisson_upper_tail(0, 3), 1, 0);
	assert_near(poisson_upper_tail(-1, 3), 1, 0);
	/* Far in the tail 1 - CDF is 0 in doubles; the sum upward is not:
	 * Σ_{k≥30} e^-3 3^k / k!. */
	assert_near(poisson_upper_tail(30, 3) / 4.277047721426896e-20, 1,
		    1e-9);
	/* Below the mean the tail is near 1, never above. */
	assert_true(poisson_upper_tail(1, 50) <= 1);
	assert_near(poisson_upper_tail(1, 50), 1, 1e-15);
}

/* docs/assessment.md's worked example: eight weeks 2 1 3 2 2 1 3 2, then
 * 8 cases. */
static void test_worked_example(void **state)
{
	static const int64_t baseline[8] = { 2, 1, 3, 2, 2, 1, 3, 2 };
	struct hotspot_params p;
	struct hotspot_stat s;

	(void)state;
	hotspot_params_default(&p);
	assert_int_equal(p.baseline_weeks, 8);
	hotspot_test(8, baseline, 8, &p, &s);
	assert_near(s.mean, 2, 1e-12);
	/* Σ (x - 2)² = 4 over 7 */
	assert_near(s.sd, sqrt(4.0 / 7), 1e-12);
	assert_near(s.expected, 2, 0);
	assert_near(s.z, 6 / sqrt(2), 1e-12);
	assert_near(s.p, 0.0010967189678585676, 1e-15);
	assert_true(s.hot);
	/* 5 in the same grid: p = 0.0527, not below 0.01. */
	hotspot_test(5, baseline, 8, &p, &s);
	assert_near(s.p, 0.052653017343711084, 1e-15);
	assert_false(s.hot);
	/* As many as usual is nothing. */
	hotspot_test(2, baseline, 8, &p, &s);
	assert_false(s.hot);
	assert_true(s.p > 0.5);
}

static void test_no_history(void **state)
{
	static const int64_t zeros[8] = { 0 };
	struct hotspot_params p;
	struct hotspot_stat s;

	(void)state;
	hotspot_params_default(&p);
	/* λ floored at 0.5: 3 cases give p = 0.0144 (not hot), 4 give
	 * 0.00175 (hot). */
	hotspot_test(3, zeros, 8, &p, &s);
	assert_near(s.mean, 0, 0);
	assert_near(s.sd, 0, 0);
	assert_near(s.expected, 0.5, 0);
	assert_false(s.hot);
	hotspot_test(4, zeros, 8, &p, &s);
	assert_near(s.p, 0.0017516225562907994, 1e-15);
	assert_true(s.hot);
	/* With a lower floor, 2 cases are improbable (p = 0.0012) but
	 * fewer than min_count. */
	p.min_expected = 0.05;
	hotspot_test(2, zeros, 8, &p, &s);
	assert_near(s.p, 0.00120910427425025, 1e-15);
	assert_false(s.hot);
	p.min_count = 2;
	hotspot_test(2, zeros, 8, &p, &s);
	assert_true(s.hot);
}

static void classify(const int64_t *after, int na, double threshold,
		     struct rebound_result *r)
{
	/* Eight weeks of 10: the level is 10. */
	static const int64_t before[8] = { 9, 11, 10, 10, 12, 8, 10, 10 };
	struct rebound_params p;

	rebound_params_default(&p);
	p.threshold = threshold;
	rebound_classify(before, 8, after, na, &p, r);
	assert_near(r->level, 10, 1e-12);
}

static void test_rebound_came_back(void **state)
{
	/* Falls to 4 in week 2 (≤ 5), 2 in week 3, back to 8 (≥ 80 % of
	 * 10) in week 5. */
	static const int64_t after[8] = { 7, 4, 2, 3, 8, 9, 10, 10 };
	struct rebound_result r;

	(void)state;
	classify(after, 8, 0.8, &r);
	assert_int_equal(r.status, REBOUND_CAME_BACK);
	assert_int_equal(r.fell_week, 1);
	assert_int_equal(r.back_week, 4);
	assert_int_equal(r.low, 2);
	assert_near(r.back_share, 0.8, 1e-12);
	/* At 90 % it comes back a week later; at 110 % not within 8. */
	classify(after, 8, 0.9, &r);
	assert_int_equal(r.back_week, 5);
	classify(after, 8, 1.1, &r);
	assert_int_equal(r.status, REBOUND_HELD);
	/* Within fewer weeks watched, not yet. */
	classify(after, 4, 0.8, &r);
	assert_int_equal(r.status, REBOUND_HELD);
	assert_int_equal(r.back_week, -1);
}

static void test_rebound_held(void **state)
{
	/* Fell to 5 (exactly half) and stayed below 8. */
	static const int64_t after[8] = { 5, 3, 1, 0, 2, 7, 4, 3 };
	struct rebound_result r;

	(void)state;
	classify(after, 8, 0.8, &r);
	assert_int_equal(r.status, REBOUND_HELD);
	assert_int_equal(r.fell_week, 0);
	assert_int_equal(r.back_week, -1);
	assert_int_equal(r.low, 0);
	assert_near(r.back_share, 0, 0);
}

static void test_rebound_never_fell(void **state)
{
	/* Dips to 6 (above half of 10): no fall, so no rebound even though
	 * it is back to 12. */
	static const int64_t after[8] = { 9, 8, 6, 7, 12, 10, 9, 11 };
	struct rebound_result r;

	(void)state;
	classify(after, 8, 0.8, &r);
	assert_int_equal(r.status, REBOUND_NEVER_FELL);
	assert_int_equal(r.fell_week, -1);
	assert_int_equal(r.back_week, -1);
}

static void test_rebound_too_few(void **state)
{
	/* 5 cases in 8 weeks: a level of 0.625 a week, below 1. */
	static const int64_t before[8] = { 1, 0, 1, 0, 1, 0, 1, 1 };
	static const int64_t after[4] = { 0, 0, 3, 3 };
	struct rebound_params p;
	struct rebound_result r;

	(void)state;
	rebound_params_default(&p);
	rebound_classify(before, 8, after, 4, &p, &r);
	assert_int_equal(r.status, REBOUND_TOO_FEW);
	assert_near(r.level, 0.625, 1e-12);
	p.min_level = 0.5;
	rebound_classify(before, 8, after, 4, &p, &r);
	assert_int_equal(r.status, REBOUND_CAME_BACK);
	assert_int_equal(r.fell_week, 0);
	assert_int_equal(r.back_week, 2);
	assert_string_equal(rebound_status_names[r.status], "came_back");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poisson_tail),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_no_history),
		cmocka_unit_test(test_rebound_came_back),
		cmocka_unit_test(test_rebound_held),
		cmocka_unit_test(test_rebound_never_fell),
		cmocka_unit_test(test_rebound_too_few),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
