/*
 * test_fields.c - validation of JSON request bodies (lib/fields.h):
 * fields_parse_object() on empty, malformed, non-object and duplicate-key
 * bodies; fields_decode() on unknown fields, missing required ones, wrong
 * types, string lengths counted in characters (CJK), integer and number
 * ranges, arrays of strings, and null taken as absent.
 */
#include "testutil.h"

#include "lib/fields.h"

enum { F_NAME, F_AGE, F_ACTIVE, F_SCORE, F_NOTE, F_COUNT };

static const struct field_spec spec[F_COUNT] = {
	[F_NAME] = { .name = "name", .type = FIELD_STRING, .required = 1,
		     .min = 1, .max = 10 },
	[F_AGE] = { .name = "age", .type = FIELD_INT, .min = 0, .max = 150 },
	[F_ACTIVE] = { .name = "active", .type = FIELD_BOOL },
	[F_SCORE] = { .name = "score", .type = FIELD_NUMBER, .min = -10,
		      .max = 10 },
	/* max 0: no upper limit */
	[F_NOTE] = { .name = "note", .type = FIELD_STRING },
};

/* The parsed body of the last decode(): decoded strings point into it,
 * so it lives until the next decode() or the end of the test. */
static json_t *held;

static int release_held(void **state)
{
	(void)state;
	json_decref(held);
	held = NULL;
	return 0;
}

/* Parse `body` (must succeed) and decode it against spec; returns the
 * decode result with err and out filled. */
static int decode(const char *body, struct field_value out[F_COUNT],
		  struct ug_error *err)
{
	release_held(NULL);
	ug_error_clear(err);
	tu_assert_ok(fields_parse_object(body, strlen(body), &held, err), *err);
	return fields_decode(held, spec, F_COUNT, out, err);
}

/* The decode of `body` fails with UG_EINVAL naming `field`. */
static void assert_refused(const char *body, const char *field)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	tu_assert_err(decode(body, out, &err), err, UG_EINVAL, field);
	tu_assert_contains(err.message, field);
}

/* ---- parsing --------------------------------------------------------- */

static void assert_parse_refused(const char *body, size_t len,
				 const char *message_part)
{
	struct ug_error err;
	json_t *root = (json_t *)&err; /* must be set to NULL */

	ug_error_clear(&err);
	tu_assert_err(fields_parse_object(body, len, &root, &err), err,
		      UG_EINVAL, "body");
	assert_null(root);
	tu_assert_contains(err.message, message_part);
}

static void test_parse_empty(void **state)
{
	(void)state;
	assert_parse_refused("", 0, "got nothing");
	/* Only the first len bytes count. */
	assert_parse_refused("{}", 0, "got nothing");
}

static void test_parse_malformed(void **state)
{
	(void)state;
	assert_parse_refused("{", 1, "malformed JSON at line 1");
	assert_parse_refused("{\"a\":}", 6, "malformed JSON");
	assert_parse_refused("{\"a\":1,}", 8, "malformed JSON");
	assert_parse_refused("{}x", 3, "malformed JSON");
	assert_parse_refused("{'a':1}", 7, "malformed JSON");
	assert_parse_refused("{\n\"a\": tru\n}", 12, "line 2");
	/* A NUL escape would cut every later C-string use of the value. */
	assert_parse_refused("{\"a\":\"x\\u0000y\"}", 16, "malformed JSON");
	/* Invalid UTF-8 inside a string. */
	assert_parse_refused("{\"a\":\"\xff\"}", 9, "malformed JSON");
	/* A raw NUL byte inside the body. */
	assert_parse_refused("{\"a\":1}\0", 8, "malformed JSON");
}

static void test_parse_not_an_object(void **state)
{
	(void)state;
	assert_parse_refused("[]", 2, "must be a JSON object");
	assert_parse_refused("[{\"name\":\"x\"}]", 14, "must be a JSON object");
	/* Scalars are refused (by the parser itself, or after it). */
	assert_parse_refused("\"name\"", 6, "JSON");
	assert_parse_refused("42", 2, "JSON");
	assert_parse_refused("null", 4, "JSON");
	assert_parse_refused("true", 4, "JSON");
}

static void test_parse_duplicate_keys(void **state)
{
	(void)state;
	assert_parse_refused("{\"role\":\"inspector\",\"role\":\"admin\"}", 35,
			     "malformed JSON");
}

static void test_parse_ok(void **state)
{
	struct ug_error err;
	json_t *root = NULL;
	const char body[] = " {\"name\":\"甲\",\"n\":{\"x\":[1,2]}} \n";

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(fields_parse_object(body, sizeof body - 1, &root, &err),
		     err);
	assert_true(json_is_object(root));
	assert_string_equal(json_string_value(json_object_get(root, "name")),
			    "甲");
	json_decref(root);
}

/* ---- decoding -------------------------------------------------------- */

static void test_decode_all_fields(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	tu_assert_ok(decode("{\"name\":\"王小明\",\"age\":42,\"active\":false,"
			    "\"score\":-2.5,\"note\":\"\"}",
			    out, &err),
		     err);
	for (int i = 0; i < F_COUNT; i++)
		assert_true(out[i].present);
	assert_string_equal(out[F_NAME].str, "王小明");
	assert_int_equal(out[F_AGE].i, 42);
	assert_true(out[F_AGE].num == 42.0); /* integers also fill num */
	assert_int_equal(out[F_ACTIVE].b, 0);
	assert_true(out[F_SCORE].num == -2.5);
	assert_string_equal(out[F_NOTE].str, "");
}

static void test_decode_absent_and_null(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	memset(out, 0x7f, sizeof out); /* decode must clear every entry */
	tu_assert_ok(decode("{\"name\":\"x\",\"age\":null,\"active\":true}", out,
			    &err),
		     err);
	assert_true(out[F_NAME].present);
	assert_false(out[F_AGE].present); /* null is absent */
	assert_int_equal(out[F_AGE].i, 0);
	assert_true(out[F_ACTIVE].present);
	assert_int_equal(out[F_ACTIVE].b, 1);
	assert_false(out[F_SCORE].present);
	assert_false(out[F_NOTE].present);
	assert_null(out[F_NOTE].str);
}

static void test_decode_unknown_field(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	tu_assert_err(decode("{\"name\":\"x\",\"nmae\":\"y\"}", out, &err), err,
		      UG_EINVAL, "nmae");
	tu_assert_contains(err.message, "unknown field nmae");
	/* Unknown fields are refused even when null. */
	tu_assert_err(decode("{\"name\":\"x\",\"role\":null}", out, &err), err,
		      UG_EINVAL, "role");
}

static void test_decode_missing_required(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	tu_assert_err(decode("{}", out, &err), err, UG_EINVAL, "name");
	tu_assert_contains(err.message, "name is required");
	tu_assert_err(decode("{\"age\":3}", out, &err), err, UG_EINVAL, "name");
	/* null does not satisfy a required field */
	tu_assert_err(decode("{\"name\":null}", out, &err), err, UG_EINVAL,
		      "name");
	tu_assert_contains(err.message, "required");
}

static void test_decode_wrong_types(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	assert_refused("{\"name\":1}", "name");
	assert_refused("{\"name\":[\"x\"]}", "name");
	assert_refused("{\"name\":{}}", "name");
	assert_refused("{\"name\":true}", "name");
	assert_refused("{\"name\":\"x\",\"age\":\"1\"}", "age");
	assert_refused("{\"name\":\"x\",\"age\":1.5}", "age");
	assert_refused("{\"name\":\"x\",\"age\":1.0}", "age");
	assert_refused("{\"name\":\"x\",\"age\":true}", "age");
	assert_refused("{\"name\":\"x\",\"active\":1}", "active");
	assert_refused("{\"name\":\"x\",\"active\":\"true\"}", "active");
	assert_refused("{\"name\":\"x\",\"score\":\"1\"}", "score");
	assert_refused("{\"name\":\"x\",\"score\":false}", "score");
	/* The message says what was expected. */
	tu_assert_err(decode("{\"name\":\"x\",\"age\":\"1\"}", out, &err), err,
		      UG_EINVAL, "age");
	assert_string_equal(err.message, "age must be an integer");
	tu_assert_err(decode("{\"name\":2}", out, &err), err, UG_EINVAL, "name");
	assert_string_equal(err.message, "name must be a string");
	tu_assert_err(decode("{\"name\":\"x\",\"active\":0}", out, &err), err,
		      UG_EINVAL, "active");
	assert_string_equal(err.message, "active must be a boolean");
	tu_assert_err(decode("{\"name\":\"x\",\"score\":[]}", out, &err), err,
		      UG_EINVAL, "score");
	assert_string_equal(err.message, "score must be a number");
}

/* Text holds no control characters but tab and line ends: refused at
 * input, so JSON and XML answers agree on every stored text. */
static void test_decode_control_characters(void **state)
{
	static const struct field_spec tags = { .name = "tags",
						.type = FIELD_STRINGS,
						.min = 0, .max = 20 };
	struct field_value out[F_COUNT], one;
	struct ug_error err;
	json_t *body;

	(void)state;
	assert_refused("{\"name\":\"a\\u0007b\"}", "name");
	assert_refused("{\"name\":\"x\",\"note\":\"\\u001b[31m\"}", "note");
	assert_refused("{\"name\":\"x\",\"note\":\"del\\u007f\"}", "note");
	tu_assert_err(decode("{\"name\":\"a\\u0001\"}", out, &err), err,
		      UG_EINVAL, "name");
	assert_string_equal(err.message,
			    "name holds the control character U+0001");
	tu_assert_ok(decode("{\"name\":\"x\",\"note\":\"a\\tb\\r\\nc\"}", out,
			    &err), err);
	assert_string_equal(out[F_NOTE].str, "a\tb\r\nc");
	/* Each item of an array of strings too. */
	body = json_loads("{\"tags\":[\"ok\",\"b\\u0002d\"]}", 0, NULL);
	tu_assert_err(fields_decode(body, &tags, 1, &one, &err), err,
		      UG_EINVAL, "tags");
	json_decref(body);
}

static void test_decode_string_length_in_characters(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	/* 10 CJK characters are 30 bytes but within a 10-character limit. */
	tu_assert_ok(decode("{\"name\":\"一二三四五六七八九十\"}", out, &err),
		     err);
	assert_string_equal(out[F_NAME].str, "一二三四五六七八九十");
	/* A 4-byte character counts as one. */
	tu_assert_ok(decode("{\"name\":\"\xF0\x9F\x98\x80" "123456789\"}", out,
			    &err),
		     err);
	/* Escaped characters count once too. */
	tu_assert_ok(decode("{\"name\":\"\\u4e00\\u4e8c\"}", out, &err), err);
	assert_string_equal(out[F_NAME].str, "一二");
	tu_assert_ok(decode("{\"name\":\"abcdefghij\"}", out, &err), err);
	/* One more is too long, in characters and in bytes alike. */
	assert_refused("{\"name\":\"一二三四五六七八九十一\"}", "name");
	assert_refused("{\"name\":\"abcdefghijk\"}", "name");
	/* The minimum: an empty string is shorter than 1 character. */
	tu_assert_err(decode("{\"name\":\"\"}", out, &err), err, UG_EINVAL,
		      "name");
	assert_string_equal(err.message, "name must be 1 to 10 characters long");
	/* max 0 means no upper limit. */
	{
		char body[5000];
		int n = snprintf(body, sizeof body, "{\"name\":\"x\",\"note\":\"");

		memset(body + n, 'y', 4000);
		snprintf(body + n + 4000, sizeof body - (size_t)n - 4000, "\"}");
		tu_assert_ok(decode(body, out, &err), err);
		assert_int_equal(strlen(out[F_NOTE].str), 4000);
	}
}

static void test_decode_int_range(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	tu_assert_ok(decode("{\"name\":\"x\",\"age\":0}", out, &err), err);
	assert_int_equal(out[F_AGE].i, 0);
	tu_assert_ok(decode("{\"name\":\"x\",\"age\":150}", out, &err), err);
	assert_int_equal(out[F_AGE].i, 150);
	assert_refused("{\"name\":\"x\",\"age\":-1}", "age");
	assert_refused("{\"name\":\"x\",\"age\":151}", "age");
	assert_refused("{\"name\":\"x\",\"age\":9223372036854775807}", "age");
	assert_refused("{\"name\":\"x\",\"age\":-9223372036854775808}", "age");
	tu_assert_err(decode("{\"name\":\"x\",\"age\":200}", out, &err), err,
		      UG_EINVAL, "age");
	assert_string_equal(err.message, "age must be between 0 and 150");
}

static void test_decode_int_full_range(void **state)
{
	static const struct field_spec wide[] = {
		{ .name = "id", .type = FIELD_INT, .required = 1,
		  .min = INT64_MIN, .max = INT64_MAX },
	};
	struct field_value out[1];
	struct ug_error err;
	json_t *root = NULL;
	const char *body = "{\"id\":-9223372036854775808}";

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(fields_parse_object(body, strlen(body), &root, &err), err);
	tu_assert_ok(fields_decode(root, wide, 1, out, &err), err);
	assert_true(out[0].i == INT64_MIN);
	json_decref(root);
}

static void test_decode_number_range(void **state)
{
	struct field_value out[F_COUNT];
	struct ug_error err;

	(void)state;
	tu_assert_ok(decode("{\"name\":\"x\",\"score\":-10}", out, &err), err);
	assert_true(out[F_SCORE].num == -10.0); /* an integer is a number */
	tu_assert_ok(decode("{\"name\":\"x\",\"score\":10.0}", out, &err), err);
	tu_assert_ok(decode("{\"name\":\"x\",\"score\":1e-3}", out, &err), err);
	assert_refused("{\"name\":\"x\",\"score\":10.000001}", "score");
	assert_refused("{\"name\":\"x\",\"score\":-10.5}", "score");
	assert_refused("{\"name\":\"x\",\"score\":1e300}", "score");
}

/* A body refused for the spec's one field, with a message saying why. */
struct bad_body {
	const char *body, *message;
};

static void refuse_each(const struct field_spec *one,
			const struct bad_body *bad, size_t n)
{
	struct field_value out[1];
	struct ug_error err;
	json_t *root;

	for (size_t i = 0; i < n; i++) {
		ug_error_clear(&err);
		tu_assert_ok(fields_parse_object(bad[i].body, strlen(bad[i].body),
						 &root, &err),
			     err);
		tu_assert_err(fields_decode(root, one, 1, out, &err), err,
			      UG_EINVAL, one->name);
		tu_assert_contains(err.message, bad[i].message);
		json_decref(root);
	}
}

/* FIELD_ARRAY: an array of min..max items of any kind (the handler
 * checks them). */
static void test_decode_array(void **state)
{
	static const struct field_spec points[] = {
		{ .name = "points", .type = FIELD_ARRAY, .min = 1, .max = 2 },
	};
	static const struct bad_body bad[] = {
		{ "{\"points\":{}}", "must be an array" },
		{ "{\"points\":\"x\"}", "must be an array" },
		{ "{\"points\":[]}", "1 to 2 items" },
		{ "{\"points\":[1,2,3]}", "1 to 2 items" },
	};
	struct field_value out[1];
	struct ug_error err;
	json_t *root;

	(void)state;
	refuse_each(points, bad, sizeof bad / sizeof bad[0]);
	ug_error_clear(&err);
	tu_assert_ok(fields_parse_object("{\"points\":[{},7]}", 17, &root,
					 &err),
		     err);
	tu_assert_ok(fields_decode(root, points, 1, out, &err), err);
	assert_true(out[0].present);
	assert_int_equal(json_array_size(out[0].obj), 2);
	json_decref(root);
}

/* FIELD_STRINGS: an array of strings, each of min..max characters. */
static void test_decode_strings(void **state)
{
	static const struct field_spec areas[] = {
		{ .name = "areas", .type = FIELD_STRINGS, .min = 2, .max = 3 },
	};
	struct field_value out[1];
	struct ug_error err;
	json_t *root;
	static const struct bad_body bad[] = {
		{ "{\"areas\":\"ab\"}", "must be an array of strings" },
		{ "{\"areas\":{}}", "must be an array of strings" },
		{ "{\"areas\":[\"ab\",1]}", "must be an array of strings" },
		{ "{\"areas\":[\"ab\",null]}", "must be an array of strings" },
		{ "{\"areas\":[\"ab\",[\"cd\"]]}",
		  "must be an array of strings" },
		{ "{\"areas\":[\"a\"]}", "2 to 3 characters" },
		{ "{\"areas\":[\"ab\",\"abcd\"]}", "2 to 3 characters" },
	};

	(void)state;
	refuse_each(areas, bad, sizeof bad / sizeof bad[0]);
	/* Characters, not bytes: 东城区 is 3 (9 bytes). */
	ug_error_clear(&err);
	tu_assert_ok(fields_parse_object("{\"areas\":[\"东城区\",\"ab\"]}",
					 strlen("{\"areas\":[\"东城区\","
						"\"ab\"]}"),
					 &root, &err),
		     err);
	tu_assert_ok(fields_decode(root, areas, 1, out, &err), err);
	assert_true(out[0].present);
	assert_int_equal(json_array_size(out[0].obj), 2);
	assert_string_equal(json_string_value(json_array_get(out[0].obj, 0)),
			    "东城区");
	json_decref(root);
	/* An empty array is an array (the caller decides if it may be). */
	tu_assert_ok(fields_parse_object("{\"areas\":[]}", 12, &root, &err),
		     err);
	tu_assert_ok(fields_decode(root, areas, 1, out, &err), err);
	assert_true(out[0].present);
	assert_int_equal(json_array_size(out[0].obj), 0);
	json_decref(root);
}

#define DECODE_TEST(f) cmocka_unit_test_teardown(f, release_held)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_not_an_object),
		cmocka_unit_test(test_parse_duplicate_keys),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_decode_strings),
		cmocka_unit_test(test_decode_array),
		DECODE_TEST(test_decode_all_fields),
		DECODE_TEST(test_decode_absent_and_null),
		DECODE_TEST(test_decode_unknown_field),
		DECODE_TEST(test_decode_missing_required),
		DECODE_TEST(test_decode_wrong_types),
		DECODE_TEST(test_decode_control_characters),
		DECODE_TEST(test_decode_string_length_in_characters),
		DECODE_TEST(test_decode_int_range),
		DECODE_TEST(test_decode_int_full_range),
		DECODE_TEST(test_decode_number_range),
	};

	return cmocka_run_group_tests_name("fields", tests, NULL, NULL);
}
