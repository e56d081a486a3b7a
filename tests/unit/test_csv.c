/*
 * test_csv.c - the streaming CSV reader (lib/csv.h) over in-memory streams
 * (fmemopen): plain and quoted fields, doubled quotes, CRLF, newlines
 * inside quotes, the byte-order mark, and every refusal (unterminated
 * quote, text after a closing quote, invalid UTF-8, NUL bytes, the record
 * size limit, out of memory), each naming the file and line.
 */
#include "testutil.h"

#include "lib/csv.h"

/* A reader over `len` bytes of `text`, named "t.csv". */
struct csv_case {
	FILE *fp;
	struct csv_reader r;
	struct ug_error err;
};

static void open_case(struct csv_case *c, const char *text, size_t len)
{
	memset(c, 0, sizeof *c);
	/* fmemopen needs a non-zero size; a lone byte we never expose
	 * stands in for the empty input. */
	c->fp = fmemopen((void *)text, len ? len : 1, "r");
	assert_non_null(c->fp);
	if (!len)
		fseek(c->fp, 0, SEEK_END);
	csv_init(&c->r, c->fp, "t.csv");
}

#define OPEN(c, lit) open_case((c), (lit), sizeof(lit) - 1)

static void close_case(struct csv_case *c)
{
	csv_free(&c->r);
	fclose(c->fp);
}

/* Read the next record and check it is exactly the n fields given. */
static void expect_record(struct csv_case *c, long line, size_t n, ...)
{
	va_list ap;
	int rc;

	ug_error_clear(&c->err);
	rc = csv_next(&c->r, &c->err);
	if (rc != 1)
		fail_msg("expected a record at line %ld, got %d: %s", line, rc,
			 c->err.message);
	assert_int_equal(c->r.line, line);
	assert_int_equal(csv_count(&c->r), n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(csv_field(&c->r, i), va_arg(ap, const char *));
	va_end(ap);
}

static void expect_end(struct csv_case *c)
{
	ug_error_clear(&c->err);
	assert_int_equal(csv_next(&c->r, &c->err), 0);
	assert_int_equal(csv_next(&c->r, &c->err), 0); /* and stays there */
}

/* The next csv_next() fails with `code` and a message holding `part`. */
static void expect_error(struct csv_case *c, int code, const char *part)
{
	ug_error_clear(&c->err);
	tu_assert_err(csv_next(&c->r, &c->err), c->err, code, NULL);
	tu_assert_contains(c->err.message, part);
}

/* ---- accepted input -------------------------------------------------- */

static void test_plain_records(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "code,name,parent\n110101,甲区,110100\n");
	expect_record(&c, 1, 3, "code", "name", "parent");
	assert_int_equal(csv_column(&c.r, "name"), 1);
	assert_int_equal(csv_column(&c.r, "parent"), 2);
	assert_int_equal(csv_column(&c.r, "missing"), -1);
	expect_record(&c, 2, 3, "110101", "甲区", "110100");
	assert_string_equal(csv_field(&c.r, 3), ""); /* past the end */
	assert_string_equal(csv_field(&c.r, 1000), "");
	expect_end(&c);
	close_case(&c);
}

static void test_empty_input(void **state)
{
	struct csv_case c;

	(void)state;
	open_case(&c, "", 0);
	expect_end(&c);
	close_case(&c);
}

static void test_last_line_without_newline(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "a,b\nc,d");
	expect_record(&c, 1, 2, "a", "b");
	expect_record(&c, 2, 2, "c", "d");
	expect_end(&c);
	close_case(&c);
}

static void test_empty_fields_and_lines(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, ",,\n\nx,\n,\"\"\n");
	expect_record(&c, 1, 3, "", "", "");
	expect_record(&c, 2, 1, "");
	expect_record(&c, 3, 2, "x", "");
	expect_record(&c, 4, 2, "", "");
	expect_end(&c);
	close_case(&c);
}

static void test_quoted_fields(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "\"a,b\",\"甲区\",plain,\"\"\n\"x\"\n");
	expect_record(&c, 1, 4, "a,b", "甲区", "plain", "");
	expect_record(&c, 2, 1, "x");
	expect_end(&c);
	close_case(&c);
}

static void test_doubled_quotes(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "\"say \"\"hi\"\"\",\"\"\"\"\"\",\"\"\"引号\"\"社区\"\n");
	expect_record(&c, 1, 3, "say \"hi\"", "\"\"", "\"引号\"社区");
	expect_end(&c);
	close_case(&c);
}

static void test_crlf(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "a,b\r\nc,\"d\"\r\n\r\ne\r\n");
	expect_record(&c, 1, 2, "a", "b");
	expect_record(&c, 2, 2, "c", "d");
	expect_record(&c, 3, 1, "");
	expect_record(&c, 4, 1, "e");
	expect_end(&c);
	close_case(&c);
}

static void test_lone_cr_ends_a_line(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "a\rb\r");
	expect_record(&c, 1, 1, "a");
	expect_record(&c, 2, 1, "b");
	expect_end(&c);
	close_case(&c);
}

static void test_newline_inside_quotes(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "h1,h2\n\"line one\nline two\",x\n\"a\r\nb\",y\nlast,z\n");
	expect_record(&c, 1, 2, "h1", "h2");
	expect_record(&c, 2, 2, "line one\nline two", "x");
	/* CR LF inside quotes is data, kept as it is. */
	expect_record(&c, 4, 2, "a\r\nb", "y");
	/* Lines are counted through the quoted newlines. */
	expect_record(&c, 6, 2, "last", "z");
	expect_end(&c);
	close_case(&c);
}

static void test_many_fields_and_long_field(void **state)
{
	struct buf text = BUF_INIT;
	struct csv_case c;
	char want[8];

	(void)state;
	for (int i = 0; i < 100; i++)
		buf_printf(&text, "%s%d", i ? "," : "", i);
	buf_putc(&text, '\n');
	for (int i = 0; i < 20000; i++)
		buf_putc(&text, 'x');
	buf_puts(&text, ",end\n");
	open_case(&c, text.data, text.len);
	assert_int_equal(csv_next(&c.r, &c.err), 1);
	assert_int_equal(csv_count(&c.r), 100);
	for (int i = 0; i < 100; i++) {
		snprintf(want, sizeof want, "%d", i);
		assert_string_equal(csv_field(&c.r, (size_t)i), want);
	}
	assert_int_equal(csv_column(&c.r, "99"), 99);
	assert_int_equal(csv_next(&c.r, &c.err), 1);
	assert_int_equal(csv_count(&c.r), 2);
	assert_int_equal(strlen(csv_field(&c.r, 0)), 20000);
	assert_string_equal(csv_field(&c.r, 1), "end");
	expect_end(&c);
	close_case(&c);
	buf_free(&text);
}

/* ---- the byte-order mark --------------------------------------------- */

static void test_bom_stripped(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "\xEF\xBB\xBF" "code,name\n110101,甲区\n");
	expect_record(&c, 1, 2, "code", "name");
	assert_int_equal(csv_column(&c.r, "code"), 0);
	expect_record(&c, 2, 2, "110101", "甲区");
	expect_end(&c);
	close_case(&c);
}

static void test_bom_before_quoted_header(void **state)
{
	struct csv_case c;

	(void)state;
	/* Spreadsheets that quote every field still write the BOM first. */
	OPEN(&c, "\xEF\xBB\xBF\"code\",\"name\"\r\n\"1\",\"a,b\"\r\n");
	expect_record(&c, 1, 2, "code", "name");
	assert_int_equal(csv_column(&c.r, "code"), 0);
	expect_record(&c, 2, 2, "1", "a,b");
	expect_end(&c);
	close_case(&c);
}

static void test_bom_only_at_start(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "\xEF\xBB\xBF\nh\n\xEF\xBB\xBFx,\xEF\xBB\xBFy\n");
	expect_record(&c, 1, 1, "");
	/* Later on a BOM is an ordinary (valid) character of the data. */
	expect_record(&c, 2, 1, "h");
	expect_record(&c, 3, 2, "\xEF\xBB\xBFx", "\xEF\xBB\xBFy");
	expect_end(&c);
	close_case(&c);
}

/* ---- refused input --------------------------------------------------- */

static void test_unterminated_quote(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "h\n\"abc\nmore\n");
	expect_record(&c, 1, 1, "h");
	expect_error(&c, UG_EINVAL, "t.csv:2: unterminated quoted field");
	close_case(&c);

	OPEN(&c, "a,\"");
	expect_error(&c, UG_EINVAL, "t.csv:1: unterminated");
	close_case(&c);
}

static void test_text_after_closing_quote(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "ok\nx,\"ab\"c,d\n");
	expect_record(&c, 1, 1, "ok");
	expect_error(&c, UG_EINVAL, "t.csv:2: text after a closing quote");
	close_case(&c);

	OPEN(&c, "\"ab\" ,d\n");
	expect_error(&c, UG_EINVAL, "t.csv:1: text after a closing quote");
	close_case(&c);
}

static void test_invalid_utf8(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "a,b\n\xff\xfe,x\n");
	expect_record(&c, 1, 2, "a", "b");
	expect_error(&c, UG_EINVAL, "t.csv:2: field 1 is not valid UTF-8");
	close_case(&c);

	/* Also inside quotes, in a later field, truncated or overlong. */
	OPEN(&c, "ok,\"\xE6\xB5\"\n");
	expect_error(&c, UG_EINVAL, "t.csv:1: field 2 is not valid UTF-8");
	close_case(&c);
	OPEN(&c, "x,y,\xC0\xAF\n");
	expect_error(&c, UG_EINVAL, "t.csv:1: field 3 is not valid UTF-8");
	close_case(&c);
}

static void test_nul_byte_in_field(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "a\nb\0c,d\n");
	expect_record(&c, 1, 1, "a");
	expect_error(&c, UG_EINVAL, "t.csv:2: field 1");
	close_case(&c);

	OPEN(&c, "x,\"b\0\"\n");
	expect_error(&c, UG_EINVAL, "t.csv:1: field 2");
	close_case(&c);
}

static void test_record_size_limit(void **state)
{
	struct csv_case c;

	(void)state;
	/* 16 bytes pass a 16-byte limit; 17 do not. */
	OPEN(&c, "0123456789abcdef\n0123456789abcdefg\nnext\n");
	c.r.max_record = 16;
	expect_record(&c, 1, 1, "0123456789abcdef");
	expect_error(&c, UG_ETOOBIG, "t.csv:2: record longer than 16 bytes");
	close_case(&c);

	/* The limit holds inside a quoted field that never ends, so a
	 * stray quote cannot make the reader swallow a whole file. */
	OPEN(&c, "\"aaaaaaaaaa\naaaaaaaaaa\naaaaaaaaaa\n");
	c.r.max_record = 16;
	expect_error(&c, UG_ETOOBIG, "t.csv:1: record longer");
	close_case(&c);

	/* The default limit is 1 MiB. */
	OPEN(&c, "x\n");
	assert_int_equal(c.r.max_record, 1 << 20);
	close_case(&c);
}

static void test_line_numbers_in_errors(void **state)
{
	struct csv_case c;

	(void)state;
	OPEN(&c, "h\n\"two\nthree\"\nfour\r\nfive,\"x\"y\n");
	expect_record(&c, 1, 1, "h");
	expect_record(&c, 2, 1, "two\nthree");
	expect_record(&c, 4, 1, "four");
	expect_error(&c, UG_EINVAL, "t.csv:5:");
	close_case(&c);
}

static void test_default_name(void **state)
{
	struct csv_reader r;
	struct ug_error err;
	FILE *fp = fmemopen((void *)"\"x", 2, "r");

	(void)state;
	assert_non_null(fp);
	csv_init(&r, fp, NULL);
	tu_assert_err(csv_next(&r, &err), err, UG_EINVAL, NULL);
	tu_assert_contains(err.message, "input:1:");
	csv_free(&r);
	fclose(fp);
}

static void test_out_of_memory(void **state)
{
	struct csv_case c;
	int failed = 0, rc = 0;

	(void)state;
	/* Fail the 1st, 2nd, ... allocation until the record reads; every
	 * failure is a clean UG_ENOMEM. */
	for (int nth = 1; nth < 50; nth++) {
		OPEN(&c, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,"
			 "a longer field that makes the text buffer grow "
			 "past its first allocation of sixty-four bytes\n");
		fault_arm(FAULT_ALLOC, nth);
		rc = csv_next(&c.r, &c.err);
		fault_arm(FAULT_ALLOC, 0);
		close_case(&c);
		if (rc == 1)
			break;
		tu_assert_err(rc, c.err, UG_ENOMEM, NULL);
		failed++;
	}
	assert_int_equal(rc, 1);
	assert_true(failed >= 2);
}

static int teardown_fault(void **state)
{
	(void)state;
	fault_arm(FAULT_ALLOC, 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_records),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_empty_fields_and_lines),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_doubled_quotes),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_lone_cr_ends_a_line),
		cmocka_unit_test(test_newline_inside_quotes),
		cmocka_unit_test(test_many_fields_and_long_field),
		cmocka_unit_test(test_bom_stripped),
		cmocka_unit_test(test_bom_before_quoted_header),
		cmocka_unit_test(test_bom_only_at_start),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_text_after_closing_quote),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_byte_in_field),
		cmocka_unit_test(test_record_size_limit),
		cmocka_unit_test(test_line_numbers_in_errors),
		cmocka_unit_test(test_default_name),
		cmocka_unit_test_teardown(test_out_of_memory, teardown_fault),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
