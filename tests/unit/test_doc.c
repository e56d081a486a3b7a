/*
 * test_doc.c - the document tree (doc/doc.h): blocks kept in order,
 * texts copied in, tables growing past their first allocation with empty
 * rows, NaN kept out of cells and charts, the map's extent and its checks,
 * numbers written the way the text formats show them, and the formats'
 * names.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "doc/doc.h"
#include "doc/render.h"

static void test_blocks_in_order_and_copied(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	assert_non_null(d);
	char title[32] = "每日一通报";
	struct doc_meta m = { .style = DOC_OFFICIAL, .title = title,
			      .office = "市城市管理监督指挥中心" };
	assert_int_equal(doc_set_meta(d, &m), 0);
	title[0] = 'X';	/* the document holds its own copy */
	assert_string_equal(d->meta.title, "每日一通报");
	assert_null(d->meta.number);

	assert_int_equal(doc_heading(d, 1, "一、总体情况"), 0);
	assert_int_equal(doc_paragraph(d, "新立案 %d 件", 42), 0);
	assert_int_not_equal(doc_heading(d, 4, "too deep"), 0);
	assert_int_equal(d->nblocks, 2);
	assert_int_equal(d->first->kind, DOC_HEADING);
	assert_int_equal(d->first->level, 1);
	assert_string_equal(d->first->next->text, "新立案 42 件");
	assert_ptr_equal(d->last, d->first->next);
	arena_free(&a);
}

static void test_table_grows(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	const struct doc_column cols[] = {
		{ "街道", DOC_COL_TEXT }, { "立案数", DOC_COL_INT },
		{ "按期处置率", DOC_COL_PERCENT },
	};
	struct doc_table *t = doc_table(d, "街道", "表1 各街道", 3, cols);
	assert_non_null(t);
	for (int i = 0; i < 100; i++) {
		long r = doc_row(t);
		assert_int_equal(r, i);
		char name[16];
		snprintf(name, sizeof name, "S%03d", i);
		assert_int_equal(doc_cell_text(t, (size_t)r, 0, name), 0);
		assert_int_equal(doc_cell_number(t, (size_t)r, 1, i * 10), 0);
		if (i % 2)
			assert_int_equal(doc_cell_number(t, (size_t)r, 2,
							 i / 100.0), 0);
	}
	assert_int_equal(t->nrows, 100);
	assert_string_equal(doc_cell(t, 0, 0)->text, "S000");
	assert_string_equal(doc_cell(t, 99, 0)->text, "S099");
	assert_true(doc_cell(t, 57, 1)->number == 570);
	assert_int_equal(doc_cell(t, 58, 2)->kind, DOC_CELL_EMPTY);
	assert_int_equal(doc_cell(t, 57, 2)->kind, DOC_CELL_NUMBER);
	assert_null(doc_cell(t, 100, 0));
	assert_null(doc_cell(t, 0, 3));
	assert_int_not_equal(doc_cell_text(t, 100, 0, "x"), 0);
	assert_int_equal(doc_cell_number(t, 1, 2, NAN), 0);
	assert_int_equal(doc_cell(t, 1, 2)->kind, DOC_CELL_EMPTY);
	assert_int_equal(d->last->kind, DOC_TABLE);
	assert_ptr_equal(d->last->u.table, t);
	arena_free(&a);
}

static void test_chart_and_map(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	const char *cats[] = { "7月", "8月", "9月" };
	struct doc_chart *c = doc_chart(d, DOC_CHART_LINE, "趋势", "件", 3, cats);
	assert_non_null(c);
	const double v1[] = { 1, 2, 3 }, v2[] = { 4, NAN, 6 };
	for (int i = 0; i < 6; i++)
		assert_int_equal(doc_series(c, i % 2 ? "结案" : "立案",
					    i % 2 ? v2 : v1), 0);
	assert_int_equal(c->nseries, 6);
	assert_true(c->series[5].values[1] == 0);
	assert_true(c->series[4].values[2] == 3);
	assert_string_equal(c->cats[2], "9月");

	const struct doc_map_class cls[] = { { "A", 0x1a9850 },
					     { "E", 0xd73027 } };
	struct doc_map *m = doc_map(d, "等次分布", 2, cls);
	assert_non_null(m);
	const double sq[] = { 120.1, 30.2, 120.3, 30.2, 120.3, 30.4 };
	const double sq2[] = { 119.9, 30.1, 120.0, 30.1, 120.0, 30.5 };
	assert_int_equal(doc_map_area(m, "G1", 0, 3, sq), 0);
	assert_int_equal(doc_map_area(m, NULL, 1, 3, sq2), 0);
	assert_int_not_equal(doc_map_area(m, "bad", 2, 3, sq), 0);
	assert_int_not_equal(doc_map_area(m, "bad", 0, 2, sq), 0);
	assert_int_equal(m->nareas, 2);
	assert_true(m->min_lon == 119.9 && m->max_lon == 120.3);
	assert_true(m->min_lat == 30.1 && m->max_lat == 30.5);

	const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
	assert_int_equal(doc_image(d, "照片", jpeg, sizeof jpeg), 0);
	assert_int_equal(d->last->u.image->len, 4);
	assert_memory_equal(d->last->u.image->data, jpeg, 4);
	assert_int_equal(d->nblocks, 3);
	arena_free(&a);
}

static void test_format_cell(void **state)
{
	(void)state;
	char out[32];
	struct doc_cell n = { .kind = DOC_CELL_NUMBER, .number = 1234567 };
	assert_string_equal(doc_format_cell(&n, DOC_COL_INT, out, sizeof out),
			    "1,234,567");
	n.number = -1234;
	assert_string_equal(doc_format_cell(&n, DOC_COL_INT, out, sizeof out),
			    "-1,234");
	n.number = 999;
	assert_string_equal(doc_format_cell(&n, DOC_COL_INT, out, sizeof out),
			    "999");
	n.number = 87.46;
	assert_string_equal(doc_format_cell(&n, DOC_COL_DECIMAL, out,
					    sizeof out), "87.5");
	n.number = 0.9342;
	assert_string_equal(doc_format_cell(&n, DOC_COL_PERCENT, out,
					    sizeof out), "93.4%");
	struct doc_cell e = { .kind = DOC_CELL_EMPTY };
	assert_string_equal(doc_format_cell(&e, DOC_COL_INT, out, sizeof out),
			    "—");
	assert_string_equal(doc_format_cell(NULL, DOC_COL_INT, out,
					    sizeof out), "—");
	struct doc_cell t = { .kind = DOC_CELL_TEXT, .text = "A" };
	assert_string_equal(doc_format_cell(&t, DOC_COL_PERCENT, out,
					    sizeof out), "A");
}

static void test_formats(void **state)
{
	(void)state;
	enum doc_format f;
	struct ug_error err;
	ug_error_clear(&err);
	assert_int_equal(doc_format_parse("pdf", &f, &err), 0);
	assert_int_equal(f, DOC_PDF);
	assert_int_equal(doc_format_parse("xlsx", &f, &err), 0);
	assert_int_equal(f, DOC_XLSX);
	assert_int_equal(doc_format_parse("html", &f, &err), 0);
	assert_int_equal(f, DOC_HTML);
	assert_int_equal(doc_format_parse("docx", &f, &err), -UG_EINVAL);
	assert_string_equal(err.field, "format");
	assert_int_equal(doc_format_parse(NULL, &f, &err), -UG_EINVAL);
	assert_string_equal(doc_format_name(DOC_XLSX), "xlsx");
	assert_string_equal(doc_format_mime(DOC_PDF), "application/pdf");
	assert_non_null(strstr(doc_format_mime(DOC_HTML), "text/html"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_in_order_and_copied),
		cmocka_unit_test(test_table_grows),
		cmocka_unit_test(test_chart_and_map),
		cmocka_unit_test(test_format_cell),
		cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
