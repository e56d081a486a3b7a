/*
 * test_ratelimit.c - token buckets (lib/ratelimit.h): the burst, the
 * wait it names, refilling with time, keys apart, no limit, and a full
 * table that still limits the keys in use.
 */
#include "testutil.h"

#include "lib/ratelimit.h"

#define SEC 1000000LL

static void test_burst_wait_refill(void **state)
{
	struct ratelimit *rl = ratelimit_new(60, 3); /* one a second */
	int64_t t = 1000 * SEC;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "10.0.0.1", t), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t), 1);
	/* Another key has its own bucket. */
	assert_int_equal(ratelimit_take(rl, "10.0.0.2", t), 0);
	/* A refused request spends nothing: half a second later the
	 * token is half earned, one second later it is there. */
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t + SEC / 2), 1);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t + SEC), 0);
	assert_int_equal(ratelimit_take(rl, "10.0.0.1", t + SEC), 1);
	/* Never more than the burst, however long the pause. */
	t += 3600 * SEC;
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "10.0.0.1", t), 0);
	assert_true(ratelimit_take(rl, "10.0.0.1", t) >= 1);
	ratelimit_free(rl);
}

static void test_slow_rate_wait(void **state)
{
	struct ratelimit *rl = ratelimit_new(2, 1); /* one per 30 s */

	(void)state;
	assert_int_equal(ratelimit_take(rl, "k", 0), 0);
	assert_int_equal(ratelimit_take(rl, "k", 0), 30);
	assert_int_equal(ratelimit_take(rl, "k", 20 * SEC), 10);
	ratelimit_free(rl);
}

static void test_no_limit(void **state)
{
	struct ratelimit *rl = ratelimit_new(0, 1);

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ratelimit_take(rl, "k", 0), 0);
	ratelimit_free(rl);
	assert_int_equal(ratelimit_take(NULL, "k", 0), 0);
}

static void test_many_keys(void **state)
{
	struct ratelimit *rl = ratelimit_new(1, 1);
	char key[32];

	(void)state;
	/* Far more keys than slots: a new key pushes out the key idle
	 * the longest, so a key in use (asking again at t = 2 µs, after
	 * every newcomer's t = 1 µs) keeps its empty bucket. */
	assert_int_equal(ratelimit_take(rl, "busy", 0), 0);
	for (int i = 0; i < 50000; i++) {
		snprintf(key, sizeof key, "10.%d.%d.%d", i >> 16,
			 (i >> 8) & 255, i & 255);
		assert_int_equal(ratelimit_take(rl, key, 1), 0);
		if (i % 100 == 0)
			assert_true(ratelimit_take(rl, "busy", 2) > 0);
	}
	ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_wait_refill),
		cmocka_unit_test(test_slow_rate_wait),
		cmocka_unit_test(test_no_limit),
		cmocka_unit_test(test_many_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
