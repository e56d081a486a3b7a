/*
 * test_memo.c - values kept with their revision (lib/memo.h): found
 * again only under the same revision, kind, key and size; a slot taken
 * over; what is not kept; the counts; threads sharing a table.
 */
#include "testutil.h"

#include <pthread.h>
#include <string.h>

#include "lib/memo.h"

struct row {
	int64_t id;
	char name[32];
};

static void test_revision_kind_key_size(void **state)
{
	struct memo *m = memo_new(64);
	struct row a = { 1, "一号" }, got;
	uint64_t hits, misses;

	(void)state;
	assert_int_equal(memo_get(m, 0, "k", 5, &got, sizeof got), 0);
	memo_put(m, 0, "k", 5, &a, sizeof a);
	memset(&got, 0, sizeof got);
	assert_int_equal(memo_get(m, 0, "k", 5, &got, sizeof got), 1);
	assert_int_equal(got.id, 1);
	assert_string_equal(got.name, "一号");
	/* The data moved on: the copy is not used. */
	assert_int_equal(memo_get(m, 0, "k", 6, &got, sizeof got), 0);
	/* Nor is it for another kind, another key or another size. */
	assert_int_equal(memo_get(m, 1, "k", 5, &got, sizeof got), 0);
	assert_int_equal(memo_get(m, 0, "k2", 5, &got, sizeof got), 0);
	assert_int_equal(memo_get(m, 0, "k", 5, &got, sizeof got - 1), 0);
	/* Kept again under the new revision, the new value. */
	a.id = 2;
	memo_put(m, 0, "k", 6, &a, sizeof a);
	assert_int_equal(memo_get(m, 0, "k", 6, &got, sizeof got), 1);
	assert_int_equal(got.id, 2);
	assert_int_equal(memo_get(m, 0, "k", 5, &got, sizeof got), 0);
	memo_counts(m, &hits, &misses);
	assert_int_equal(hits, 2);
	assert_int_equal(misses, 6);
	memo_free(m);
}

static void test_slot_taken_over(void **state)
{
	struct memo *m = memo_new(1); /* every key in one slot */
	struct row a = { 1, "a" }, b = { 2, "b" }, got;

	(void)state;
	memo_put(m, 0, "a", 1, &a, sizeof a);
	memo_put(m, 0, "b", 1, &b, sizeof b);
	assert_int_equal(memo_get(m, 0, "a", 1, &got, sizeof got), 0);
	assert_int_equal(memo_get(m, 0, "b", 1, &got, sizeof got), 1);
	assert_int_equal(got.id, 2);
	/* A larger value takes the slot over too. */
	{
		char big[MEMO_VALUE_MAX], out[MEMO_VALUE_MAX];

		memset(big, 'x', sizeof big);
		memo_put(m, 0, "big", 1, big, sizeof big);
		assert_int_equal(memo_get(m, 0, "big", 1, out, sizeof out), 1);
		assert_memory_equal(out, big, sizeof big);
	}
	memo_free(m);
}

static void test_not_kept(void **state)
{
	struct memo *m = memo_new(16);
	struct row a = { 1, "a" }, got;
	char long_key[MEMO_KEY_MAX + 1];
	static char too_big[MEMO_VALUE_MAX + 1];

	(void)state;
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = '\0';
	memo_put(m, 0, long_key, 1, &a, sizeof a);
	assert_int_equal(memo_get(m, 0, long_key, 1, &got, sizeof got), 0);
	long_key[MEMO_KEY_MAX - 1] = '\0'; /* the longest kept */
	memo_put(m, 0, long_key, 1, &a, sizeof a);
	assert_int_equal(memo_get(m, 0, long_key, 1, &got, sizeof got), 1);
	/* No revision (-1: "not to be kept"). */
	memo_put(m, 0, "r", -1, &a, sizeof a);
	assert_int_equal(memo_get(m, 0, "r", -1, &got, sizeof got), 0);
	memo_put(m, 0, "big", 1, too_big, sizeof too_big);
	assert_int_equal(memo_get(m, 0, "big", 1, too_big, sizeof too_big), 0);
	memo_free(m);
	memo_free(NULL);
}

/* Threads putting and getting the same keys: every value found is one
 * that was kept under that revision, whole (run under TSan/ASan too). */
struct worker {
	struct memo *m;
	int id;
	int bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char key[16];
	struct row r, got;

	for (int i = 0; i < 20000; i++) {
		int k = i % 37;
		int64_t rev = i % 5;

		snprintf(key, sizeof key, "key%d", k);
		memset(&r, 0, sizeof r);
		r.id = k * 100 + rev;
		snprintf(r.name, sizeof r.name, "%d/%lld", k, (long long)rev);
		if ((i + w->id) % 3 == 0)
			memo_put(w->m, 0, key, rev, &r, sizeof r);
		else if (memo_get(w->m, 0, key, rev, &got, sizeof got) &&
			 (got.id != r.id || strcmp(got.name, r.name) != 0))
			w->bad++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct memo *m = memo_new(16);
	struct worker w[4];
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ m, i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	memo_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revision_kind_key_size),
		cmocka_unit_test(test_slot_taken_over),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
