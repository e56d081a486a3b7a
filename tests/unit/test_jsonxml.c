/*
 * test_jsonxml.c - XML written from JSON trees by Open311's mapping
 * (lib/jsonxml.h): documents, lists at the top and inside, escaping and
 * forbidden characters, scalars, and the internal errors.
 */
#include "testutil.h"

#include "lib/jsonxml.h"

static const struct jsonxml_list lists[] = {
	{ "attributes", "attribute" },
	{ "values", "value" },
};

#define DECL "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

static void expect(const char *root, const char *item, json_t *v,
		   const char *want)
{
	struct buf b = BUF_INIT;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(jsonxml_write(&b, root, item, v, lists, 2, &err), err);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
	json_decref(v);
}

static void test_object_and_nested_lists(void **state)
{
	(void)state;
	expect("service_definition", NULL,
	       json_pack("{s:s, s:[{s:s, s:b, s:i, s:[{s:s, s:s}]}]}",
			 "service_code", "001", "attributes", "code", "depth",
			 "required", 1, "order", 1, "values", "key", "S",
			 "name", "Shallow"),
	       DECL "<service_definition><service_code>001</service_code>"
		    "<attributes><attribute><code>depth</code><required>true"
		    "</required><order>1</order><values><value><key>S</key>"
		    "<name>Shallow</name></value></values></attribute>"
		    "</attributes></service_definition>\n");
}

static void test_top_list(void **state)
{
	(void)state;
	expect("service_requests", "request",
	       json_pack("[{s:s, s:n, s:f, s:b}, {s:s}]", "id", "1", "media",
			 "lat", 39.9625, "ok", 0, "id", "2"),
	       DECL "<service_requests><request><id>1</id><media/>"
		    "<lat>39.9625</lat><ok>false</ok></request><request><id>2"
		    "</id></request></service_requests>\n");
	expect("errors", "error", json_array(),
	       DECL "<errors></errors>\n");
}

static void test_escaping(void **state)
{
	(void)state;
	/* & < > escaped; CR kept as a reference; a control character and a
	 * lone surrogate's replacement are not XML characters: U+FFFD. */
	expect("d", NULL,
	       json_pack("{s:s}", "t", "a&b <c> \"q\" 'q'\r\n\t\x01 中"),
	       DECL "<d><t>a&amp;b &lt;c&gt; \"q\" 'q'&#13;\n\t\xEF\xBF\xBD 中"
		    "</t></d>\n");
}

static void test_internal_errors(void **state)
{
	struct buf b = BUF_INIT;
	struct ug_error err;
	json_t *v;

	(void)state;
	ug_error_clear(&err);
	v = json_pack("{s:[s]}", "unlisted", "x");
	tu_assert_err(jsonxml_write(&b, "r", NULL, v, lists, 2, &err), err,
		      UG_EINTERNAL, NULL);
	json_decref(v);
	buf_reset(&b);
	v = json_pack("{s:s}", "bad name", "x");
	tu_assert_err(jsonxml_write(&b, "r", NULL, v, lists, 2, &err), err,
		      UG_EINTERNAL, NULL);
	json_decref(v);
	buf_reset(&b);
	v = json_pack("[s]", "x");
	tu_assert_err(jsonxml_write(&b, "r", NULL, v, lists, 2, &err), err,
		      UG_EINTERNAL, NULL);
	json_decref(v);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_and_nested_lists),
		cmocka_unit_test(test_top_list),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_internal_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
