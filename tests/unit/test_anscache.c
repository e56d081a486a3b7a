/*
 * test_anscache.c - rendered answers kept for the next asker
 * (web/anscache.h): served again only under the same key, the same
 * version and within the age limit; only 200 answers; a colliding key
 * replaces the older; the byte bound holds; the entity tag follows the
 * key and the version; after a change one asker makes the new answer
 * while the others are given the one kept.
 */
#include "testutil.h"

#include <string.h>

#include "web/anscache.h"

static void answer(struct http_response *r, int status, const char *body)
{
	memset(r, 0, sizeof *r);
	r->status = status;
	r->content_type = "application/json";
	buf_puts(&r->body, body);
}

static void test_hit_and_miss(void **state)
{
	struct anscache *c = anscache_new(16, 1 << 20, 1000);
	struct anscache_version v1 = { 1, 2, 3 }, v2 = { 1, 2, 4 };
	struct http_response made, got;
	char tag[ANSCACHE_TAG_MAX], tag2[ANSCACHE_TAG_MAX];

	(void)state;
	assert_non_null(c);
	answer(&made, 200, "[{\"id\":1}]");
	memset(&got, 0, sizeof got);
	assert_false(anscache_get(c, "k1", &v1, 100, &got, tag));
	anscache_put(c, "k1", &v1, 100, &made, tag);
	assert_true(anscache_get(c, "k1", &v1, 600, &got, tag2));
	assert_int_equal(got.status, 200);
	assert_string_equal(got.content_type, "application/json");
	assert_string_equal(buf_str(&got.body), "[{\"id\":1}]");
	assert_string_equal(tag, tag2);
	/* Another version of the data, another key, too old, or a clock
	 * that went back: not served. */
	assert_false(anscache_get(c, "k1", &v2, 600, &got, tag2));
	assert_false(anscache_get(c, "k2", &v1, 600, &got, tag2));
	assert_false(anscache_get(c, "k1", &v1, 1101, &got, tag2));
	assert_false(anscache_get(c, "k1", &v1, 99, &got, tag2));
	/* The tag names the version. */
	anscache_put(c, "k1", &v2, 700, &made, tag2);
	assert_string_not_equal(tag, tag2);
	buf_free(&made.body);
	buf_free(&got.body);
	anscache_free(c);
	anscache_free(NULL);
}

static void test_only_ok_and_bounds(void **state)
{
	struct anscache *c = anscache_new(1, 16, 1000);
	struct anscache_version v = { 0, 0, 0 };
	struct http_response r, got;
	char tag[ANSCACHE_TAG_MAX];

	(void)state;
	memset(&got, 0, sizeof got);
	answer(&r, 404, "{}");
	anscache_put(c, "a", &v, 0, &r, tag);
	assert_false(anscache_get(c, "a", &v, 0, &got, tag));
	buf_free(&r.body);
	/* One slot: b replaces a. */
	answer(&r, 200, "aaaa");
	anscache_put(c, "a", &v, 0, &r, tag);
	buf_free(&r.body);
	answer(&r, 200, "bbbb");
	anscache_put(c, "b", &v, 0, &r, tag);
	buf_free(&r.body);
	assert_false(anscache_get(c, "a", &v, 0, &got, tag));
	assert_true(anscache_get(c, "b", &v, 0, &got, tag));
	assert_string_equal(buf_str(&got.body), "bbbb");
	/* Past the byte bound: not kept (the slot's old answer is gone). */
	answer(&r, 200, "0123456789abcdefX");
	anscache_put(c, "c", &v, 0, &r, tag);
	assert_false(anscache_get(c, "c", &v, 0, &got, tag));
	buf_free(&r.body);
	buf_free(&got.body);
	anscache_free(c);
}

/* After a change, the first asker makes the new answer; the others,
 * meanwhile, get the one kept - for at most ANSCACHE_MAKE_MS, and never
 * once the maker is done or gave up. */
static void test_one_maker_after_a_change(void **state)
{
	struct anscache *c = anscache_new(16, 1 << 20, 10000);
	struct anscache_version v1 = { 1, 1, 1 }, v2 = { 1, 1, 2 },
				v3 = { 1, 1, 3 };
	struct http_response old, fresh, bad, got;
	char tag1[ANSCACHE_TAG_MAX], tag[ANSCACHE_TAG_MAX];

	(void)state;
	answer(&old, 200, "old");
	answer(&fresh, 200, "new");
	answer(&bad, 500, "error");
	memset(&got, 0, sizeof got);
	assert_false(anscache_get(c, "list", &v1, 100, &got, tag1));
	anscache_put(c, "list", &v1, 100, &old, tag1);
	assert_int_equal(anscache_stale_served(c), 0);

	/* v2: the first asker makes it... */
	assert_false(anscache_get(c, "list", &v2, 200, &got, tag));
	/* ...the others get v1's answer, with v1's tag, meanwhile. */
	for (int i = 0; i < 3; i++) {
		assert_true(anscache_get(c, "list", &v2, 210 + i, &got, tag));
		assert_string_equal(buf_str(&got.body), "old");
		assert_string_equal(tag, tag1);
	}
	assert_int_equal(anscache_stale_served(c), 3);
	/* Not another key, and not when the maker is late: then the next
	 * asker makes it. */
	assert_false(anscache_get(c, "other", &v2, 210, &got, tag));
	assert_false(anscache_get(c, "list", &v2, 200 + ANSCACHE_MAKE_MS,
				  &got, tag));
	/* The maker is done: v2's answer from now on. */
	anscache_put(c, "list", &v2, 250 + ANSCACHE_MAKE_MS, &fresh, tag);
	assert_true(anscache_get(c, "list", &v2, 260 + ANSCACHE_MAKE_MS,
				 &got, tag));
	assert_string_equal(buf_str(&got.body), "new");

	/* v3's maker fails: its answer is not kept, and the next asker
	 * makes its own rather than being given v2's. */
	assert_false(anscache_get(c, "list", &v3, 1000, &got, tag));
	anscache_put(c, "list", &v3, 1001, &bad, tag);
	assert_false(anscache_get(c, "list", &v3, 1002, &got, tag));
	assert_true(anscache_get(c, "list", &v3, 1003, &got, tag));
	assert_string_equal(buf_str(&got.body), "new"); /* v2's meanwhile */

	buf_free(&old.body);
	buf_free(&fresh.body);
	buf_free(&bad.body);
	buf_free(&got.body);
	anscache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_miss),
		cmocka_unit_test(test_only_ok_and_bounds),
		cmocka_unit_test(test_one_maker_after_a_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
