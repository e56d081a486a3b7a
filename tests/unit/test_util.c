/*
 * test_util.c - small helpers (lib/util.h): the clocks, UTC time
 * formatting (seconds and microseconds, before and after the epoch),
 * ug_is_digits, the UTF-8 validator (overlong forms, surrogates, truncated
 * sequences, NUL, the U+10FFFF limit), ug_utf8_len and random hex tokens.
 */
#include "testutil.h"

#include <sodium.h>

#include "lib/util.h"

/* ---- clocks and time formatting ------------------------------------- */

static void test_clocks(void **state)
{
	int64_t us, s, m1, m2;

	(void)state;
	us = ug_now_us();
	s = ug_now_s();
	assert_true(us > INT64_C(1700000000) * 1000000); /* after 2023 */
	assert_in_range(s, us / 1000000, us / 1000000 + 1);
	m1 = ug_monotonic_us();
	m2 = ug_monotonic_us();
	assert_true(m2 >= m1);
}

static void test_time_format_seconds(void **state)
{
	char out[32];

	(void)state;
	assert_string_equal(ug_time_format_s(0, out, sizeof out),
			    "1970-01-01T00:00:00Z");
	assert_string_equal(ug_time_format_s(1795425011, out, sizeof out),
			    "2026-11-23T09:10:11Z");
	assert_string_equal(ug_time_format_s(951868799, out, sizeof out),
			    "2000-02-29T23:59:59Z");
	assert_string_equal(ug_time_format_s(-1, out, sizeof out),
			    "1969-12-31T23:59:59Z");
	/* Returns out. */
	assert_ptr_equal(ug_time_format_s(0, out, sizeof out), out);
}

static void test_time_format_microseconds(void **state)
{
	char out[32];

	(void)state;
	assert_string_equal(ug_time_format_us(0, out, sizeof out),
			    "1970-01-01T00:00:00.000000Z");
	assert_string_equal(
		ug_time_format_us(INT64_C(1795425011123456), out, sizeof out),
		"2026-11-23T09:10:11.123456Z");
	assert_string_equal(
		ug_time_format_us(INT64_C(1795425011000005), out, sizeof out),
		"2026-11-23T09:10:11.000005Z");
	/* Before the epoch the fraction still counts forward within its
	 * second: one microsecond before 1970 is 23:59:59.999999. */
	assert_string_equal(ug_time_format_us(-1, out, sizeof out),
			    "1969-12-31T23:59:59.999999Z");
	assert_string_equal(ug_time_format_us(-1000000, out, sizeof out),
			    "1969-12-31T23:59:59.000000Z");
	assert_string_equal(ug_time_format_us(-1500000, out, sizeof out),
			    "1969-12-31T23:59:58.500000Z");
	assert_ptr_equal(ug_time_format_us(0, out, sizeof out), out);
}

/* ---- ug_is_digits ---------------------------------------------------- */

static void test_is_digits(void **state)
{
	(void)state;
	assert_true(ug_is_digits("110101", 6));
	assert_true(ug_is_digits("110101", 0)); /* any length */
	assert_true(ug_is_digits("0", 0));
	assert_false(ug_is_digits("110101", 5));
	assert_false(ug_is_digits("110101", 7));
	assert_false(ug_is_digits("", 0));
	assert_false(ug_is_digits(NULL, 0));
	assert_false(ug_is_digits("11010a", 6));
	assert_false(ug_is_digits("-11010", 6));
	assert_false(ug_is_digits(" 11010", 0));
	assert_false(ug_is_digits("11010 ", 0));
	assert_false(ug_is_digits("１１", 0)); /* full-width digits */
}

/* ---- ug_hex_digit ---------------------------------------------------- */

static void test_hex_digit(void **state)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	static const int values[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				      12, 13, 14, 15, 10, 11, 12, 13, 14, 15 };
	int seen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof values / sizeof *values; i++)
		assert_int_equal(ug_hex_digit(digits[i]), values[i]);
	/* every other byte, EOF and a negative char among them, is none */
	for (int c = -128; c < 256; c++)
		seen += ug_hex_digit(c) >= 0;
	assert_int_equal(seen, 22);
	assert_int_equal(ug_hex_digit('g'), -1);
	assert_int_equal(ug_hex_digit('/'), -1);
	assert_int_equal(ug_hex_digit(-1), -1);
}

/* ---- UTF-8 ----------------------------------------------------------- */

#define VALID(lit) ug_utf8_valid(lit, sizeof(lit) - 1)

static void test_utf8_valid_accepts(void **state)
{
	(void)state;
	assert_true(ug_utf8_valid("", 0));
	assert_true(VALID("plain ASCII ~"));
	assert_true(VALID("\xC3\xA9"));             /* é, 2 bytes */
	assert_true(VALID("测试市东城区"));          /* 3 bytes each */
	assert_true(VALID("\xF0\x9F\x98\x80"));     /* U+1F600, 4 bytes */
	assert_true(VALID("\xC2\x80"));             /* U+0080, smallest 2-byte */
	assert_true(VALID("\xE0\xA0\x80"));         /* U+0800, smallest 3-byte */
	assert_true(VALID("\xF0\x90\x80\x80"));     /* U+10000 */
	assert_true(VALID("\xED\x9F\xBF"));         /* U+D7FF, below surrogates */
	assert_true(VALID("\xEE\x80\x80"));         /* U+E000, above them */
	assert_true(VALID("\xEF\xBF\xBF"));         /* U+FFFF */
	assert_true(VALID("\xF4\x8F\xBF\xBF"));     /* U+10FFFF, the last */
	assert_true(VALID("\xEF\xBB\xBF"));         /* BOM is a character */
	/* Only n bytes are looked at. */
	assert_true(ug_utf8_valid("ab\xFF", 2));
	assert_true(ug_utf8_valid("a\0b", 1));
}

static void test_utf8_valid_rejects(void **state)
{
	(void)state;
	/* Overlong forms. */
	assert_false(VALID("\xC0\x80"));             /* NUL in 2 bytes */
	assert_false(VALID("\xC0\xAF"));             /* '/' in 2 bytes */
	assert_false(VALID("\xC1\xBF"));
	assert_false(VALID("\xE0\x80\x80"));
	assert_false(VALID("\xE0\x9F\xBF"));         /* U+07FF in 3 bytes */
	assert_false(VALID("\xF0\x80\x80\x80"));
	assert_false(VALID("\xF0\x8F\xBF\xBF"));     /* U+FFFF in 4 bytes */
	/* UTF-16 surrogates. */
	assert_false(VALID("\xED\xA0\x80"));         /* U+D800 */
	assert_false(VALID("\xED\xBF\xBF"));         /* U+DFFF */
	assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
	/* Past U+10FFFF and bytes that never occur. */
	assert_false(VALID("\xF4\x90\x80\x80"));
	assert_false(VALID("\xF5\x80\x80\x80"));
	assert_false(VALID("\xF8\x88\x80\x80\x80"));
	assert_false(VALID("\xFE"));
	assert_false(VALID("\xFF"));
	/* Continuation bytes without a lead. */
	assert_false(VALID("\x80"));
	assert_false(VALID("a\xBFz"));
	/* Truncated sequences: at the end, and followed by ASCII. */
	assert_false(VALID("\xC3"));
	assert_false(VALID("\xE6\xB5"));
	assert_false(VALID("\xF0\x9F\x98"));
	assert_false(VALID("ok\xE6\xB5"));
	assert_false(VALID("\xC3" "A"));
	assert_false(VALID("\xE6\xB5" "AB"));
	assert_false(ug_utf8_valid("\xE6\xB5\x8B", 2)); /* cut by n */
	/* NUL bytes are refused wherever they are. */
	assert_false(ug_utf8_valid("a\0b", 3));
	assert_false(ug_utf8_valid("\0", 1));
	assert_false(ug_utf8_valid("ab\0", 3));
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(ug_utf8_len(""), 0);
	assert_int_equal(ug_utf8_len("abc"), 3);
	assert_int_equal(ug_utf8_len("测试市"), 3);
	assert_int_equal(ug_utf8_len("a\xC3\xA9" "测\xF0\x9F\x98\x80"), 4);
	assert_int_equal(ug_utf8_len("\xF4\x8F\xBF\xBF"), 1);
}

/* ---- random hex ------------------------------------------------------ */

static void check_hex(const char *s, size_t len)
{
	assert_int_equal(strlen(s), len);
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			fail_msg("'%c' at %zu of %s is not lower-case hex", s[i],
				 i, s);
}

/* ug_copy(): what snprintf("%s") gives - cut to fit, always
 * terminated, NULL as "" - and nothing written past the size. */
static void test_copy(void **state)
{
	char small[4], big[16], ref[4];
	const char *texts[] = { "", "ab", "abc", "abcd", "abcdefgh", "北京" };

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		memset(small, 'x', sizeof small);
		snprintf(ref, sizeof ref, "%s", texts[i]);
		assert_ptr_equal(ug_copy(small, sizeof small, texts[i]), small);
		assert_string_equal(small, ref);
	}
	memset(big, 'x', sizeof big);
	assert_string_equal(UG_COPY(big, NULL), "");
	assert_int_equal(big[1], 'x');
	assert_string_equal(UG_COPY(big, "0123456789abcdefXYZ"),
			    "0123456789abcde");
	/* A size of 0 writes nothing. */
	small[0] = 'q';
	ug_copy(small, 0, "abc");
	assert_int_equal(small[0], 'q');
}

static void test_random_hex(void **state)
{
	char a[65], b[65], one[3], guard[40];
	int seen[16] = { 0 }, kinds = 0;

	(void)state;
	ug_random_hex(a, 32);
	ug_random_hex(b, 32);
	check_hex(a, 64);
	check_hex(b, 64);
	assert_string_not_equal(a, b); /* 2^-256 chance of a false failure */

	ug_random_hex(one, 1);
	check_hex(one, 2);

	/* Exactly 2n characters and the NUL are written, nothing past. */
	memset(guard, '#', sizeof guard);
	ug_random_hex(guard, 16);
	check_hex(guard, 32);
	for (size_t i = 33; i < sizeof guard; i++)
		assert_int_equal(guard[i], '#');

	/* Every hex digit shows up over enough output. */
	for (int round = 0; round < 20; round++) {
		ug_random_hex(a, 32);
		for (int i = 0; i < 64; i++)
			seen[a[i] <= '9' ? a[i] - '0' : a[i] - 'a' + 10] = 1;
	}
	for (int i = 0; i < 16; i++)
		kinds += seen[i];
	assert_int_equal(kinds, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_time_format_seconds),
		cmocka_unit_test(test_time_format_microseconds),
		cmocka_unit_test(test_is_digits),
		cmocka_unit_test(test_hex_digit),
		cmocka_unit_test(test_utf8_valid_accepts),
		cmocka_unit_test(test_utf8_valid_rejects),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_random_hex),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
