/*
 * test_web.c - the route tables' statement of access (web_doors_check in
 * web/dispatch.c): the doors `serve` uses pass; a table that says one
 * thing with its roles and another with its scope, or carries an unknown
 * flag, is refused naming the door and the route.  And the JSON of an
 * answer written into its body (reply_json_into): the text json_dumps()
 * gives, after what the body held; a body that cannot grow is left as
 * it was.
 */
#include "testutil.h"

#include "cli/doors.h"
#include "lib/fault.h"
#include "web/web.h"

static void handler(struct web_ctx *c)
{
	(void)c;
}

static const struct web_door *one(const struct web_route *r)
{
	static struct web_door d;

	memset(&d, 0, sizeof d);
	d.name = "test";
	d.routes = r;
	d.nroutes = 1;
	return &d;
}

static void expect_refused(const struct web_route *r, const char *says)
{
	const struct web_door *doors[] = { one(r), NULL };
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_err(web_doors_check(doors, &err), err, UG_EINTERNAL,
		      "routes");
	tu_assert_contains(err.message, "door test");
	tu_assert_contains(err.message, r->p.pattern);
	tu_assert_contains(err.message, says);
}

static void test_serve_doors_pass(void **state)
{
	struct ug_error err;
	size_t n = 0;

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(web_doors_check(serve_doors, &err), err);
	for (const struct web_door *const *d = serve_doors; *d; d++)
		n += (*d)->nroutes;
	assert_true(n > 40);
	assert_string_equal(route_scope_names[RS_AREA], "area");
}

static void test_bad_tables(void **state)
{
	const struct web_route public_with_roles = {
		{ "GET", "/x" }, handler, ROLE_BIT(ROLE_ADMIN), RS_PUBLIC, 0
	};
	const struct web_route scoped_without_roles = {
		{ "GET", "/y" }, handler, 0, RS_AREA, 0
	};
	const struct web_route self_for_some = {
		{ "GET", "/z" }, handler, ROLE_BIT(ROLE_ADMIN), RS_SELF, 0
	};
	const struct web_route unknown_flag = {
		{ "GET", "/f" }, handler, 0, RS_PUBLIC, 64
	};
	const struct web_route unknown_scope = {
		{ "GET", "/s" }, handler, ROLES_ALL, (enum route_scope)9, 0
	};
	const struct web_route no_handler = {
		{ "GET", "/h" }, NULL, 0, RS_PUBLIC, 0
	};

	(void)state;
	expect_refused(&public_with_roles, "roles 0 without scope public");
	expect_refused(&scoped_without_roles, "roles 0 without scope public");
	expect_refused(&self_for_some, "scope self but not every role");
	expect_refused(&unknown_flag, "an unknown flag");
	expect_refused(&unknown_scope, "an unknown scope");
	expect_refused(&no_handler, "no handler");
}

static void test_json_into(void **state)
{
	const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(12);
	struct buf b = BUF_INIT;
	json_t *v = json_array();
	char *want;

	(void)state;
	/* Large enough to grow the buffer many times over, with text that
	 * needs escaping and reals cut to their precision. */
	for (int i = 0; i < 3000; i++)
		json_array_append_new(
			v, json_pack("{s:i, s:s, s:f}", "id", i, "text",
				     "暴露垃圾 \"quoted\"\n", "lon",
				     116.397000000000011 + i * 1e-6));
	want = json_dumps(v, flags);
	assert_non_null(want);
	assert_int_equal(buf_puts(&b, "prefix:"), 0);
	assert_int_equal(reply_json_into(&b, v, flags), 0);
	assert_int_equal(b.len, strlen("prefix:") + strlen(want));
	assert_memory_equal(b.data, "prefix:", 7);
	assert_string_equal(b.data + 7, want);

	/* Memory runs out part-way (a fresh buffer, so that it must grow):
	 * the body is what it was before. */
	buf_free(&b);
	assert_int_equal(buf_puts(&b, "prefix:"), 0);
	fault_arm(FAULT_ALLOC, 2);
	assert_int_equal(reply_json_into(&b, v, flags), -1);
	fault_arm(FAULT_ALLOC, 0);
	assert_string_equal(b.data, "prefix:");
	assert_int_equal(b.len, 7);
	free(want);
	json_decref(v);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve_doors_pass),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_json_into),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
