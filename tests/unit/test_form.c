/*
 * test_form.c - urlencoded form data (lib/form.h): decoding, repeated
 * names, empty values as absent, file parts, and every refusal naming the
 * field.
 */
#include "testutil.h"

#include "lib/buf.h"
#include "lib/form.h"

struct fx {
	struct arena arena;
	struct form f;
	struct ug_error err;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	form_init(&x->f, &x->arena);
	ug_error_clear(&x->err);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	arena_free(&x->arena);
	free(x);
	return 0;
}

static int parse(struct fx *x, const char *body)
{
	return form_parse_urlencoded(&x->f, body, strlen(body), &x->err);
}

static void test_decoding(void **state)
{
	struct fx *x = *state;

	tu_assert_ok(parse(x, "service_code=001&lat=51.5&description=Deep+hole"
			      "%21&email=ann%40example.org&name=%E5%BC%A0%E4%B8%89"),
		     x->err);
	assert_int_equal(x->f.n, 5);
	assert_string_equal(form_get(&x->f, "service_code"), "001");
	assert_string_equal(form_get(&x->f, "description"), "Deep hole!");
	assert_string_equal(form_get(&x->f, "email"), "ann@example.org");
	assert_string_equal(form_get(&x->f, "name"), "张三");
	assert_null(form_get(&x->f, "missing"));
	/* Tab and line ends are text. */
	tu_assert_ok(parse(x, "note=a%09b%0D%0Ac"), x->err);
	assert_string_equal(form_get(&x->f, "note"), "a\tb\r\nc");
}

static void test_repeats_brackets_and_empty(void **state)
{
	struct fx *x = *state;

	tu_assert_ok(parse(x, "attribute%5Bc%5D%5B%5D=a&attribute[c][]=b&"
			      "api_key=&flag&&x==y"),
		     x->err);
	assert_int_equal(x->f.n, 5);
	assert_string_equal(x->f.fields[0].name, "attribute[c][]");
	assert_string_equal(x->f.fields[0].value, "a");
	assert_string_equal(x->f.fields[1].name, "attribute[c][]");
	assert_string_equal(x->f.fields[1].value, "b");
	/* Empty values count as absent (Open311: "empty = not sent"). */
	assert_null(form_get(&x->f, "api_key"));
	assert_null(form_get(&x->f, "flag"));
	assert_string_equal(form_get(&x->f, "x"), "=y");
}

static void test_refusals(void **state)
{
	struct fx *x = *state;

	tu_assert_err(parse(x, "a=%zz"), x->err, UG_EINVAL, "a");
	arena_free(&x->arena);
	form_init(&x->f, &x->arena);
	tu_assert_err(parse(x, "a=%4"), x->err, UG_EINVAL, "a");
	tu_assert_err(parse(x, "%ff=1"), x->err, UG_EINVAL, "body");
	tu_assert_err(parse(x, "b=%C3%28"), x->err, UG_EINVAL, "b");
	tu_assert_err(parse(x, "c=x%00y"), x->err, UG_EINVAL, "c");
	/* Control characters but tab and line ends (XML cannot hold them;
	 * JSON and XML answers must agree). */
	tu_assert_err(parse(x, "d=bell%07"), x->err, UG_EINVAL, "d");
	tu_assert_contains(x->err.message, "U+0007");
	tu_assert_err(parse(x, "e=%7F"), x->err, UG_EINVAL, "e");
	tu_assert_err(parse(x, "f%1B=1"), x->err, UG_EINVAL, "body");
	tu_assert_err(parse(x, "=1"), x->err, UG_EINVAL, "body");
}

static void test_limit(void **state)
{
	struct fx *x = *state;
	struct buf b = BUF_INIT;

	for (int i = 0; i <= FORM_FIELDS_MAX; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	tu_assert_err(form_parse_urlencoded(&x->f, b.data, b.len, &x->err),
		      x->err, UG_EINVAL, "body");
	buf_free(&b);
}

static void test_files(void **state)
{
	struct fx *x = *state;
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0";

	tu_assert_ok(form_add(&x->f, "photo1", 6, png, sizeof png - 1,
			      "1.full.png", "image/png", &x->err),
		     x->err);
	tu_assert_ok(parse(x, "photo1=text"), x->err);
	/* form_get sees text fields only, form_file file parts only. */
	assert_string_equal(form_get(&x->f, "photo1"), "text");
	assert_non_null(form_file(&x->f, "photo1"));
	assert_int_equal(form_file(&x->f, "photo1")->len, sizeof png - 1);
	assert_memory_equal(form_file(&x->f, "photo1")->value, png,
			    sizeof png - 1);
	assert_string_equal(form_file(&x->f, "photo1")->filename, "1.full.png");
	assert_null(form_file(&x->f, "photo2"));
	/* Text parts are checked whatever decoded them (multipart too):
	 * a file may hold anything, a text field may not. */
	tu_assert_err(form_add(&x->f, "description", 11, "bad\xff", 4, NULL,
			       NULL, &x->err),
		      x->err, UG_EINVAL, "description");
	tu_assert_err(form_add(&x->f, "name", 4, "abc\0secret", 10, NULL, NULL,
			       &x->err),
		      x->err, UG_EINVAL, "name");
	tu_assert_err(form_add(&x->f, "n\xffm", 3, "v", 1, NULL, NULL, &x->err),
		      x->err, UG_EINVAL, "body");
	tu_assert_ok(form_add(&x->f, "photo2", 6, "\xff\0", 2, "p.bin", NULL,
			      &x->err),
		     x->err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_decoding),
		T(test_repeats_brackets_and_empty),
		T(test_refusals),
		T(test_limit),
		T(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
