/*
 * test_buf.c - the growable byte buffer (lib/buf.h): appends of every
 * kind, growth, binary content, reset/detach/free, and the failure paths
 * (size overflow, injected allocation failure) that must leave the buffer
 * as it was.
 */
#include "testutil.h"

#include "lib/buf.h"

static int teardown_fault(void **state)
{
	(void)state;
	fault_arm(FAULT_ALLOC, 0);
	return 0;
}

static void test_empty_buffer(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_reset(&b); /* no memory yet: must not touch data */
	assert_null(b.data);
	buf_free(&b);
	assert_null(b.data);
}

static void test_append_kinds(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_puts(&b, "grid"), 0);
	assert_int_equal(buf_putc(&b, '-'), 0);
	assert_int_equal(buf_append(&b, "42xx", 2), 0);
	assert_int_equal(buf_printf(&b, ":%d:%s:%06.2f", -7, "网格", 3.25), 0);
	assert_string_equal(buf_str(&b), "grid-42:-7:网格:003.25");
	assert_int_equal(b.len, strlen("grid-42:-7:网格:003.25"));
	assert_true(b.cap > b.len);
	buf_free(&b);
}

static void test_empty_appends_allocate(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	/* An empty printf still yields a NUL-terminated (non-NULL) string. */
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_append(&b, NULL, 0), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_binary_content(void **state)
{
	static const char bytes[] = { 'a', '\0', 'b', '\xff', '\0' };
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_append(&b, bytes, sizeof bytes), 0);
	assert_int_equal(b.len, sizeof bytes); /* len is authoritative */
	assert_memory_equal(b.data, bytes, sizeof bytes);
	assert_int_equal(b.data[b.len], '\0'); /* still terminated */
	buf_free(&b);
}

static void test_growth_keeps_content(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_putc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(b.len, 10000);
	assert_true(b.cap >= 10001);
	for (i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_int_equal(b.data[10000], '\0');
	/* A printf longer than the current spare room grows correctly. */
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%0300d|%s", 5, "end"), 0);
	assert_int_equal(b.len, 304);
	assert_string_equal(b.data + 299, "5|end");
	buf_free(&b);
}

static void test_reserve(void **state)
{
	struct buf b = BUF_INIT;
	char *before;

	(void)state;
	assert_int_equal(buf_reserve(&b, 0), 0);
	assert_non_null(b.data);
	/* Reserved but nothing appended: still the empty string. */
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_reserve(&b, 1000), 0);
	assert_true(b.cap >= 1001);
	before = b.data;
	/* Room already there: appending within it does not move the data. */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_putc(&b, 'x'), 0);
	assert_ptr_equal(b.data, before);
	buf_free(&b);
}

static void test_reserve_overflow_refused(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_puts(&b, "keep"), 0);
	assert_int_equal(buf_reserve(&b, (size_t)-1), -1);
	assert_int_equal(buf_reserve(&b, (size_t)-1 / 2), -1);
	/* The length is checked before any byte is read from data. */
	assert_int_equal(buf_append(&b, "x", (size_t)-1 - 2), -1);
	assert_string_equal(buf_str(&b), "keep");
	assert_int_equal(b.len, 4);
	buf_free(&b);
}

static void test_alloc_failure_leaves_buffer(void **state)
{
	struct buf b = BUF_INIT;
	char big[200];

	(void)state;
	memset(big, 'z', sizeof big);
	/* The first allocation of an empty buffer fails cleanly. */
	fault_arm(FAULT_ALLOC, 1);
	assert_int_equal(buf_puts(&b, "abc"), -1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	assert_int_equal(buf_puts(&b, "abc"), 0);
	/* Growing fails: the old content stays. */
	fault_arm(FAULT_ALLOC, 1);
	assert_int_equal(buf_append(&b, big, sizeof big), -1);
	assert_string_equal(b.data, "abc");
	assert_int_equal(b.len, 3);
	fault_arm(FAULT_ALLOC, 1);
	assert_int_equal(buf_printf(&b, "%0200d", 1), -1);
	assert_string_equal(b.data, "abc");
	fault_arm(FAULT_ALLOC, 1);
	assert_int_equal(buf_putc(&b, 'd'), 0); /* fits: no allocation */
	fault_arm(FAULT_ALLOC, 0);
	assert_string_equal(b.data, "abcd");
	/* And the buffer is usable afterwards. */
	assert_int_equal(buf_append(&b, big, sizeof big), 0);
	assert_int_equal(b.len, 204);
	buf_free(&b);
}

static void test_reset_keeps_memory(void **state)
{
	struct buf b = BUF_INIT;
	char *data;
	size_t cap;

	(void)state;
	assert_int_equal(buf_puts(&b, "some text"), 0);
	data = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(buf_puts(&b, "new"), 0);
	assert_string_equal(buf_str(&b), "new");
	buf_free(&b);
}

static void test_detach(void **state)
{
	struct buf b = BUF_INIT;
	char *s;

	(void)state;
	assert_int_equal(buf_printf(&b, "case %d", 17), 0);
	s = buf_detach(&b);
	assert_string_equal(s, "case 17");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);

	/* An empty buffer detaches as a heap "" the caller frees. */
	s = buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);

	/* The buffer is reusable after detach. */
	assert_int_equal(buf_puts(&b, "again"), 0);
	assert_string_equal(buf_str(&b), "again");
	buf_free(&b);
}

static void test_free_then_reuse(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_puts(&b, "one"), 0);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_puts(&b, "two"), 0);
	assert_string_equal(buf_str(&b), "two");
	buf_free(&b);
	buf_free(&b); /* twice is harmless */
}

static int vprintf_through(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int vprintf_through(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_vprintf(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(vprintf_through(&b, "%s=%lld", "id", 9007199254740993LL),
			 0);
	assert_int_equal(vprintf_through(&b, ";%c", 'x'), 0);
	assert_string_equal(buf_str(&b), "id=9007199254740993;x");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_buffer),
		cmocka_unit_test(test_append_kinds),
		cmocka_unit_test(test_empty_appends_allocate),
		cmocka_unit_test(test_binary_content),
		cmocka_unit_test(test_growth_keeps_content),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_reserve_overflow_refused),
		cmocka_unit_test_teardown(test_alloc_failure_leaves_buffer,
					  teardown_fault),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_free_then_reuse),
		cmocka_unit_test(test_vprintf),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
