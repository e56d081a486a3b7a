/*
 * test_router.c - route matching (http/router.h): literal paths, {name}
 * parameters, trailing slashes and empty segments that must not match,
 * 404 (no path) against 405 (other methods, listed for Allow), HEAD served
 * by GET routes, tables whose entries are larger structs (stride), and a
 * last {name...} placeholder that takes the rest of the path.
 */
#include "testutil.h"

#include "http/router.h"

static const struct route_pattern routes[] = {
	/* 0 */ { "GET", "/api/v1/divisions" },
	/* 1 */ { "POST", "/api/v1/divisions" },
	/* 2 */ { "GET", "/api/v1/divisions/{code}" },
	/* 3 */ { "DELETE", "/api/v1/divisions/{code}" },
	/* 4 */ { "GET", "/api/v1/divisions/{code}/children" },
	/* 5 */ { "PUT", "/api/v1/users/{id}/units/{unit}" },
	/* 6 */ { "POST", "/api/v1/session" },
	/* 7 */ { "GET", "/" },
	/* 8 */ { "GET", "/a/{p1}/{p2}/{p3}/{p4}" },
	/* 9 */ { "PATCH", "/api/v1/divisions/{code}" },
};
#define NROUTES (sizeof routes / sizeof routes[0])

static int match(const char *method, const char *path, struct route_match *m,
		 struct buf *allow)
{
	memset(m, 0xee, sizeof *m);
	return router_match(routes, NROUTES, sizeof routes[0], method, path, m,
			    allow);
}

static void assert_param(const struct route_match *m, int i, const char *name,
			 const char *value)
{
	assert_true(i < m->nparams);
	assert_int_equal(m->params[i].name_len, strlen(name));
	assert_memory_equal(m->params[i].name, name, strlen(name));
	assert_int_equal(m->params[i].value_len, strlen(value));
	assert_memory_equal(m->params[i].value, value, strlen(value));
}

static void test_literal_match(void **state)
{
	struct route_match m;

	(void)state;
	assert_int_equal(match("GET", "/api/v1/divisions", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 0);
	assert_int_equal(m.nparams, 0);
	assert_int_equal(match("POST", "/api/v1/divisions", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 1);
	assert_int_equal(match("POST", "/api/v1/session", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 6);
	assert_int_equal(match("GET", "/", &m, NULL), ROUTE_FOUND);
	assert_int_equal(m.index, 7);
}

static void test_params(void **state)
{
	struct route_match m;

	(void)state;
	assert_int_equal(match("GET", "/api/v1/divisions/110101", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 2);
	assert_int_equal(m.nparams, 1);
	assert_param(&m, 0, "code", "110101");

	assert_int_equal(match("GET", "/api/v1/divisions/110101001/children",
			       &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 4);
	assert_param(&m, 0, "code", "110101001");

	assert_int_equal(match("PUT", "/api/v1/users/42/units/110101-HW", &m,
			       NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 5);
	assert_int_equal(m.nparams, 2);
	assert_param(&m, 0, "id", "42");
	assert_param(&m, 1, "unit", "110101-HW");

	/* Parameters are raw segments: no decoding, any bytes but '/'. */
	assert_int_equal(match("GET", "/api/v1/divisions/%E7%94%B2 x", &m,
			       NULL),
			 ROUTE_FOUND);
	assert_param(&m, 0, "code", "%E7%94%B2 x");
}

static void test_four_params(void **state)
{
	struct route_match m;

	(void)state;
	assert_int_equal(match("GET", "/a/1/22/333/4444", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 8);
	assert_int_equal(m.nparams, ROUTE_PARAMS_MAX);
	assert_param(&m, 0, "p1", "1");
	assert_param(&m, 1, "p2", "22");
	assert_param(&m, 2, "p3", "333");
	assert_param(&m, 3, "p4", "4444");
	assert_int_equal(match("GET", "/a/1/22/333", &m, NULL), ROUTE_NO_PATH);
	assert_int_equal(match("GET", "/a/1/22/333/4444/5", &m, NULL),
			 ROUTE_NO_PATH);
}

static void test_trailing_slash_does_not_match(void **state)
{
	struct route_match m;
	struct buf allow = BUF_INIT;

	(void)state;
	assert_int_equal(match("GET", "/api/v1/divisions/", &m, &allow),
			 ROUTE_NO_PATH);
	assert_int_equal(allow.len, 0);
	assert_int_equal(match("GET", "/api/v1/divisions/110101/", &m, &allow),
			 ROUTE_NO_PATH);
	assert_int_equal(match("GET", "/api/v1/divisions/1/children/", &m,
			       &allow),
			 ROUTE_NO_PATH);
	assert_int_equal(match("POST", "/api/v1/session/", &m, &allow),
			 ROUTE_NO_PATH);
	buf_free(&allow);
}

static void test_empty_segment_does_not_match_param(void **state)
{
	struct route_match m;

	(void)state;
	assert_int_equal(match("GET", "/api/v1/divisions//children", &m, NULL),
			 ROUTE_NO_PATH);
	assert_int_equal(match("PUT", "/api/v1/users//units/1", &m, NULL),
			 ROUTE_NO_PATH);
	assert_int_equal(match("PUT", "/api/v1/users/1/units/", &m, NULL),
			 ROUTE_NO_PATH);
	assert_int_equal(match("GET", "/a/1//3/4", &m, NULL), ROUTE_NO_PATH);
}

static void test_no_path(void **state)
{
	struct route_match m;
	struct buf allow = BUF_INIT;

	(void)state;
	buf_puts(&allow, "stale");
	assert_int_equal(match("GET", "/api/v1/divisionsX", &m, &allow),
			 ROUTE_NO_PATH);
	assert_int_equal(allow.len, 0); /* reset on every call */
	assert_int_equal(match("GET", "/api/v1/division", &m, &allow),
			 ROUTE_NO_PATH);
	assert_int_equal(match("GET", "/api/v1", &m, &allow), ROUTE_NO_PATH);
	assert_int_equal(match("GET", "", &m, &allow), ROUTE_NO_PATH);
	assert_int_equal(match("GET", "//", &m, &allow), ROUTE_NO_PATH);
	assert_int_equal(match("GET", "/API/v1/divisions", &m, &allow),
			 ROUTE_NO_PATH);
	assert_int_equal(match("GET", "api/v1/divisions", &m, &allow),
			 ROUTE_NO_PATH);
	assert_int_equal(allow.len, 0);
	buf_free(&allow);
}

static void test_wrong_method_lists_allow(void **state)
{
	struct route_match m;
	struct buf allow = BUF_INIT;

	(void)state;
	assert_int_equal(match("DELETE", "/api/v1/divisions", &m, &allow),
			 ROUTE_NO_METHOD);
	/* GET routes also answer HEAD, so HEAD is allowed too. */
	assert_string_equal(buf_str(&allow), "GET, POST, HEAD");

	assert_int_equal(match("POST", "/api/v1/divisions/110101", &m, &allow),
			 ROUTE_NO_METHOD);
	assert_string_equal(buf_str(&allow), "GET, DELETE, PATCH, HEAD");

	assert_int_equal(match("GET", "/api/v1/session", &m, &allow),
			 ROUTE_NO_METHOD);
	assert_string_equal(buf_str(&allow), "POST"); /* no GET, no HEAD */

	assert_int_equal(match("POST", "/api/v1/divisions/1/children", &m,
			       &allow),
			 ROUTE_NO_METHOD);
	assert_string_equal(buf_str(&allow), "GET, HEAD");

	/* Methods are case-sensitive (RFC 9110). */
	assert_int_equal(match("get", "/api/v1/divisions", &m, &allow),
			 ROUTE_NO_METHOD);

	/* allow may be NULL. */
	assert_int_equal(match("PUT", "/api/v1/divisions", &m, NULL),
			 ROUTE_NO_METHOD);
	buf_free(&allow);
}

static void test_allow_lists_each_method_once(void **state)
{
	static const struct route_pattern overlap[] = {
		{ "GET", "/x/{id}" },
		{ "GET", "/x/new" },
		{ "POST", "/x/{id}" },
		{ "POST", "/x/new" },
	};
	struct route_match m;
	struct buf allow = BUF_INIT;

	(void)state;
	assert_int_equal(router_match(overlap, 4, sizeof overlap[0], "PUT",
				      "/x/new", &m, &allow),
			 ROUTE_NO_METHOD);
	assert_string_equal(buf_str(&allow), "GET, POST, HEAD");
	buf_free(&allow);
}

static void test_head_matches_get(void **state)
{
	struct route_match m;
	struct buf allow = BUF_INIT;

	(void)state;
	assert_int_equal(match("HEAD", "/api/v1/divisions", &m, &allow),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 0);
	assert_int_equal(match("HEAD", "/api/v1/divisions/7", &m, &allow),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 2);
	assert_param(&m, 0, "code", "7");
	/* No GET route: HEAD is not allowed either. */
	assert_int_equal(match("HEAD", "/api/v1/session", &m, &allow),
			 ROUTE_NO_METHOD);
	assert_string_equal(buf_str(&allow), "POST");
	buf_free(&allow);
}

/* The application's route struct begins with a route_pattern and carries
 * more; the router steps over it with `stride`. */
struct app_route {
	struct route_pattern p;
	void (*handler)(void);
	unsigned roles;
	char pad[40];
};

static void test_bad_patterns_never_match(void **state)
{
	static const struct route_pattern bad[] = {
		{ "GET", "/x/{id" },                 /* unterminated */
		{ "GET", "/y/{a}/{b}/{c}/{d}/{e}" }, /* past ROUTE_PARAMS_MAX */
	};
	struct route_match m;

	(void)state;
	assert_int_equal(router_match(bad, 2, sizeof bad[0], "GET", "/x/1",
				      &m, NULL),
			 ROUTE_NO_PATH);
	assert_int_equal(router_match(bad, 2, sizeof bad[0], "GET",
				      "/x/{id", &m, NULL),
			 ROUTE_NO_PATH);
	assert_int_equal(router_match(bad, 2, sizeof bad[0], "GET",
				      "/y/1/2/3/4/5", &m, NULL),
			 ROUTE_NO_PATH);
}

static void test_stride(void **state)
{
	static const struct app_route table[] = {
		{ { "GET", "/one" }, NULL, 1, "" },
		{ { "GET", "/two/{n}" }, NULL, 2, "" },
		{ { "POST", "/two/{n}" }, NULL, 3, "" },
	};
	struct route_match m;

	(void)state;
	assert_int_equal(router_match(table, 3, sizeof table[0], "POST",
				      "/two/2", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 2);
	assert_int_equal(table[m.index].roles, 3);
	assert_param(&m, 0, "n", "2");
	assert_int_equal(router_match(table, 3, sizeof table[0], "GET", "/one",
				      &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 0);
	/* An empty table has no paths at all. */
	assert_int_equal(router_match(table, 0, sizeof table[0], "GET", "/one",
				      &m, NULL),
			 ROUTE_NO_PATH);
}

/* {name...} takes the rest of the path: one or more non-empty segments. */
static void test_rest_placeholder(void **state)
{
	static const struct route_pattern rest[] = {
		/* 0 */ { "GET", "/assets/{file...}" },
		/* 1 */ { "GET", "/x/{id}/files/{path...}" },
		/* Not last, or no name: an ordinary one-segment placeholder. */
		/* 2 */ { "GET", "/mid/{a...}/end" },
		/* 3 */ { "GET", "/dots/{...}" },
	};
	static const char *no_match[] = {
		"/assets", "/assets/", "/assets//a", "/assets/a/", "/assets/a//b",
		"/assets//", "/x/1/files", "/x/1/files/", "/x//files/a",
		"/mid/a/b/end", "/dots/a/b",
	};
	struct route_match m;

	(void)state;
	assert_int_equal(router_match(rest, 4, sizeof rest[0], "GET",
				      "/assets/app.css", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 0);
	assert_int_equal(m.nparams, 1);
	assert_param(&m, 0, "file", "app.css");
	assert_int_equal(router_match(rest, 4, sizeof rest[0], "HEAD",
				      "/assets/leaflet/images/marker-icon.png",
				      &m, NULL),
			 ROUTE_FOUND);
	assert_param(&m, 0, "file", "leaflet/images/marker-icon.png");
	/* Dots are bytes like others: the caller looks names up in a table,
	 * it never opens a path. */
	assert_int_equal(router_match(rest, 4, sizeof rest[0], "GET",
				      "/assets/../etc/passwd", &m, NULL),
			 ROUTE_FOUND);
	assert_param(&m, 0, "file", "../etc/passwd");
	assert_int_equal(router_match(rest, 4, sizeof rest[0], "GET",
				      "/x/7/files/a/b", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 1);
	assert_int_equal(m.nparams, 2);
	assert_param(&m, 0, "id", "7");
	assert_param(&m, 1, "path", "a/b");
	assert_int_equal(router_match(rest, 4, sizeof rest[0], "GET",
				      "/mid/a/end", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 2);
	assert_param(&m, 0, "a...", "a");
	assert_int_equal(router_match(rest, 4, sizeof rest[0], "GET",
				      "/dots/a", &m, NULL),
			 ROUTE_FOUND);
	assert_int_equal(m.index, 3);
	assert_param(&m, 0, "...", "a");
	for (size_t i = 0; i < sizeof no_match / sizeof no_match[0]; i++) {
		int rc = router_match(rest, 4, sizeof rest[0], "GET",
				      no_match[i], &m, NULL);

		if (rc != ROUTE_NO_PATH)
			fail_msg("%s matched route %zu", no_match[i], m.index);
	}
	/* Other methods on a rest path: 405 with Allow. */
	{
		struct buf allow = BUF_INIT;

		assert_int_equal(router_match(rest, 4, sizeof rest[0], "POST",
					      "/assets/a/b.js", &m, &allow),
				 ROUTE_NO_METHOD);
		assert_string_equal(buf_str(&allow), "GET, HEAD");
		buf_free(&allow);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_match),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_four_params),
		cmocka_unit_test(test_trailing_slash_does_not_match),
		cmocka_unit_test(test_empty_segment_does_not_match_param),
		cmocka_unit_test(test_no_path),
		cmocka_unit_test(test_wrong_method_lists_allow),
		cmocka_unit_test(test_allow_lists_each_method_once),
		cmocka_unit_test(test_head_matches_get),
		cmocka_unit_test(test_bad_patterns_never_match),
		cmocka_unit_test(test_stride),
		cmocka_unit_test(test_rest_placeholder),
	};

	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
