/*
 * test_error.c - the error convention (lib/error.h): ug_fail() fills the
 * record and returns -code, tolerates a NULL record and field, cuts long
 * fields and messages, keeps both valid UTF-8; ug_error_clear(); the
 * stable code names.
 */
#include "testutil.h"

static void test_fail_fills_record(void **state)
{
	struct ug_error err;

	(void)state;
	memset(&err, 0x5a, sizeof err);
	err.retry_after = 30;
	assert_int_equal(ug_fail(&err, UG_EINVAL, "display_name",
				 "%s must be at most %d characters",
				 "display_name", 100),
			 -UG_EINVAL);
	assert_int_equal(err.code, UG_EINVAL);
	assert_string_equal(err.field, "display_name");
	assert_string_equal(err.message,
			    "display_name must be at most 100 characters");
	assert_int_equal(err.retry_after, 0); /* reset by every failure */
}

static void test_fail_null_field_and_record(void **state)
{
	struct ug_error err;

	(void)state;
	memset(&err, 0x5a, sizeof err);
	assert_int_equal(ug_fail(&err, UG_EDB, NULL, "disk %s", "full"),
			 -UG_EDB);
	assert_string_equal(err.field, "");
	assert_string_equal(err.message, "disk full");
	/* Callers that do not want the details pass NULL. */
	assert_int_equal(ug_fail(NULL, UG_ENOTFOUND, "code", "no %s", "x"),
			 -UG_ENOTFOUND);
}

static void test_fail_cuts_long_text(void **state)
{
	char longer[2000], field[200];
	struct ug_error err;

	(void)state;
	memset(longer, 'm', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	memset(field, 'f', sizeof field - 1);
	field[sizeof field - 1] = '\0';
	assert_int_equal(ug_fail(&err, UG_ETOOBIG, field, "%s!", longer),
			 -UG_ETOOBIG);
	assert_int_equal(strlen(err.message), sizeof err.message - 1);
	assert_int_equal(err.message[0], 'm');
	assert_int_equal(strlen(err.field), sizeof err.field - 1);
	assert_int_equal(err.field[0], 'f');
}

static void test_fail_keeps_text_utf8(void **state)
{
	char text[600], want[600];
	struct ug_error err;

	(void)state;
	/* Whole characters pass untouched. */
	ug_fail(&err, UG_EINVAL, "名称", "名称 %s 太长", "甲区");
	assert_string_equal(err.field, "名称");
	assert_string_equal(err.message, "名称 甲区 太长");
	/* Bytes that are no character (from quoted input) become '?'. */
	ug_fail(&err, UG_EINVAL, "a\xff" "b", "near '%s' and '%s'", "x\xC3",
		"\xED\xA0\x80");
	assert_string_equal(err.field, "a?b");
	assert_string_equal(err.message, "near 'x?' and '\?\?\?'");
	/* A character cut in two by the message size is not left half. */
	memset(text, 'a', 510);
	snprintf(text + 510, sizeof text - 510, "测试");
	ug_fail(&err, UG_ETOOBIG, NULL, "%s", text);
	memset(want, 'a', 510);
	snprintf(want + 510, sizeof want - 510, "?");
	assert_string_equal(err.message, want);
}

static void test_clear(void **state)
{
	struct ug_error err;

	(void)state;
	ug_fail(&err, UG_ELIMIT, "username", "locked");
	err.retry_after = 9;
	ug_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.field, "");
	assert_string_equal(err.message, "");
	assert_int_equal(err.retry_after, 0);
	ug_error_clear(NULL);
}

static void test_code_names(void **state)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
		{ UG_OK, "ok" },
		{ UG_EINVAL, "invalid" },
		{ UG_ENOTFOUND, "not_found" },
		{ UG_ECONFLICT, "conflict" },
		{ UG_EAUTH, "unauthenticated" },
		{ UG_EFORBIDDEN, "forbidden" },
		{ UG_ELIMIT, "too_many_requests" },
		{ UG_ETOOBIG, "too_large" },
		{ UG_EDB, "storage" },
		{ UG_EIO, "io" },
		{ UG_ENOMEM, "out_of_memory" },
		{ UG_EINTERNAL, "internal" },
		{ UG_EVERSION, "version" },
		{ UG_EFULL, "unavailable" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_string_equal(ug_errcode_name(names[i].code),
				    names[i].name);
		/* Functions return -code: the same name either way. */
		assert_string_equal(ug_errcode_name(-names[i].code),
				    names[i].name);
	}
	/* Codes nobody defined are internal errors, never a crash. */
	assert_string_equal(ug_errcode_name(UG_EFULL + 1), "internal");
	assert_string_equal(ug_errcode_name(-99), "internal");
	assert_string_equal(ug_errcode_name(1 << 30), "internal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_fills_record),
		cmocka_unit_test(test_fail_null_field_and_record),
		cmocka_unit_test(test_fail_cuts_long_text),
		cmocka_unit_test(test_fail_keeps_text_utf8),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_code_names),
	};

	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
