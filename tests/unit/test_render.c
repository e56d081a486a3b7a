/*
 * test_render.c - the XLSX and PDF renderers (doc/xlsx.c, doc/pdf.c) and
 * their pictures (doc/draw.c) on the sample report of tests/doc/sample.h
 * (every kind of block, a table over several pages, photos made here):
 * the files start as their formats do, are appended after what the buffer
 * held, grow with the document; an official and a plain document both
 * render; a photo that is no picture leaves a placeholder and no error;
 * an empty document renders; photos decode (PNG, JPEG, WebP), scaled down,
 * junk does not.  tests/http/render.test.mjs reads the files back with
 * exceljs, pdftotext and pdfimages.
 */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "../doc/sample.h"
#include "doc/draw.h"
#include "doc/render.h"
#include "lib/util.h"

static const struct sample_size SMALL = {
	.style = DOC_OFFICIAL, .streets = 5, .departments = 4, .grids = 90,
	.months = 6, .photos = 3, .bad_photos = 1,
};

static size_t count(const struct buf *b, const char *what)
{
	size_t n = 0, len = strlen(what);
	for (size_t i = 0; i + len <= b->len; i++)
		if (memcmp(b->data + i, what, len) == 0)
			n++;
	return n;
}

/* Pages of a cairo PDF: its page objects are written uncompressed. */
static size_t pdf_pages(const struct buf *b)
{
	return count(b, "/Type /Page %");
}

static void test_pdf_official_and_plain(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = sample_doc(&a, &SMALL);
	assert_non_null(d);
	struct ug_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_puts(&out, "prefix");
	tu_assert_ok(doc_render_pdf(d, &out, &err), err);
	assert_memory_equal(out.data, "prefix%PDF-", 11);
	assert_true(out.len > 20000);
	assert_non_null(strstr(out.data + out.len - 8, "%%EOF"));
	size_t official_pages = pdf_pages(&out);
	/* the 90 grid rows alone take more than two pages */
	assert_true(official_pages >= 5);

	d->meta.style = DOC_PLAIN;
	struct buf plain = BUF_INIT;
	tu_assert_ok(doc_render_pdf(d, &plain, &err), err);
	assert_memory_equal(plain.data, "%PDF-", 5);
	/* smaller type, larger pages: fewer of them */
	assert_true(pdf_pages(&plain) < official_pages);
	assert_true(pdf_pages(&plain) >= 3);
	buf_free(&out);
	buf_free(&plain);
	arena_free(&a);
}

static void test_pdf_grows_with_the_table(void **state)
{
	(void)state;
	struct sample_size big = SMALL;
	big.grids = 600;
	struct arena a = ARENA_INIT, b = ARENA_INIT;
	struct doc *small = sample_doc(&a, &SMALL), *large = sample_doc(&b, &big);
	struct ug_error err = { 0 };
	struct buf s = BUF_INIT, l = BUF_INIT;
	tu_assert_ok(doc_render_pdf(small, &s, &err), err);
	tu_assert_ok(doc_render_pdf(large, &l, &err), err);
	assert_true(pdf_pages(&l) >= pdf_pages(&s) + 10);
	buf_free(&s);
	buf_free(&l);
	arena_free(&a);
	arena_free(&b);
}

static void test_xlsx(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = sample_doc(&a, &SMALL);
	struct ug_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_puts(&out, "x");
	tu_assert_ok(doc_render_xlsx(d, &out, &err), err);
	assert_memory_equal(out.data, "xPK\x03\x04", 5);
	assert_true(out.len > 10000);
	/* the parts' names are stored as they are in a zip */
	assert_true(count(&out, "xl/charts/chart1.xml") >= 1);
	assert_true(count(&out, "xl/charts/chart2.xml") >= 1);
	assert_true(count(&out, "xl/worksheets/sheet12.xml") >= 1);
	assert_int_equal(count(&out, "xl/worksheets/sheet13.xml"), 0);
	assert_true(count(&out, "xl/media/image1.png") >= 1);
	assert_true(count(&out, "xl/media/image4.jpeg") >= 1);
	assert_int_equal(count(&out, "xl/media/image5"), 0);
	buf_free(&out);
	arena_free(&a);
}

/* Sheet names: cut to 31 characters, []:*?/\ replaced, unique even when a
 * table is called like a fixed sheet or like another table. */
static void test_xlsx_sheet_names(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	const struct doc_column col = { "值", DOC_COL_INT };
	const char *names[] = { "概要", "a/b:c", "A/B:C",
				"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
				NULL, "'quoted'" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct doc_table *t = doc_table(d, names[i], NULL, 1, &col);
		assert_non_null(t);
		assert_true(doc_row(t) == 0);
		doc_cell_number(t, 0, 0, (double)i);
	}
	struct ug_error err = { 0 };
	struct buf out = BUF_INIT;
	tu_assert_ok(doc_render_xlsx(d, &out, &err), err);
	assert_memory_equal(out.data, "PK", 2);
	assert_true(count(&out, "xl/worksheets/sheet7.xml") >= 1);
	buf_free(&out);
	arena_free(&a);
}

/* No private temporary file to write the workbook to: UG_EIO naming the
 * folder, and the buffer as it was. */
static void test_xlsx_without_a_temporary_folder(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = sample_doc(&a, &SMALL);
	struct ug_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_puts(&out, "kept");
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	setenv("TMPDIR", "/nonexistent/ug-render", 1);
	tu_assert_err(doc_render_xlsx(d, &out, &err), err, UG_EIO, NULL);
	tu_assert_contains(err.message, "/nonexistent/ug-render");
	assert_int_equal(out.len, 4);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	/* and with it back, the same document renders */
	tu_assert_ok(doc_render_xlsx(d, &out, &err), err);
	buf_free(&out);
	arena_free(&a);
}

static void test_empty_document(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	struct ug_error err = { 0 };
	struct buf pdf = BUF_INIT, xlsx = BUF_INIT;
	tu_assert_ok(doc_render_pdf(d, &pdf, &err), err);
	tu_assert_ok(doc_render_xlsx(d, &xlsx, &err), err);
	assert_int_equal(pdf_pages(&pdf), 1);
	assert_memory_equal(xlsx.data, "PK", 2);
	buf_free(&pdf);
	buf_free(&xlsx);
	arena_free(&a);
}

/* sample_odd_doc(): what a careless caller may hand over renders. */
static void test_odd_documents(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = sample_odd_doc(&a);
	assert_non_null(d);
	struct ug_error err = { 0 };
	struct buf pdf = BUF_INIT, xlsx = BUF_INIT;
	tu_assert_ok(doc_render_pdf(d, &pdf, &err), err);
	tu_assert_ok(doc_render_xlsx(d, &xlsx, &err), err);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	assert_memory_equal(xlsx.data, "PK", 2);
	/* two maps drawn, no photo: two PNGs in the workbook */
	assert_true(count(&xlsx, "xl/media/image2.png") >= 1);
	buf_free(&pdf);
	buf_free(&xlsx);
	arena_free(&a);
}

/* The server renders in its worker threads: several at once, each with
 * its own document, give the files one alone gives (same sizes: nothing
 * in them depends on time). */
struct render_job {
	struct buf pdf, xlsx;
	int rc;
};

static void *render_thread(void *arg)
{
	struct render_job *job = arg;
	struct arena a = ARENA_INIT;
	struct doc *d = sample_doc(&a, &SMALL);
	struct ug_error err = { 0 };
	job->rc = !d || doc_render_pdf(d, &job->pdf, &err) ||
		  doc_render_xlsx(d, &job->xlsx, &err);
	arena_free(&a);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct render_job alone = { BUF_INIT, BUF_INIT, 0 }, jobs[3];
	render_thread(&alone);
	assert_int_equal(alone.rc, 0);
	pthread_t th[3];
	for (int i = 0; i < 3; i++) {
		jobs[i] = alone;
		jobs[i].pdf = (struct buf)BUF_INIT;
		jobs[i].xlsx = (struct buf)BUF_INIT;
		assert_int_equal(pthread_create(&th[i], NULL, render_thread,
						&jobs[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		assert_int_equal(pdf_pages(&jobs[i].pdf), pdf_pages(&alone.pdf));
		/* (the workbook's length varies with the deflated time) */
		assert_int_equal(count(&jobs[i].xlsx, "xl/media/image4.jpeg"),
				 count(&alone.xlsx, "xl/media/image4.jpeg"));
		assert_int_equal(count(&jobs[i].xlsx, "xl/charts/chart2.xml"),
				 count(&alone.xlsx, "xl/charts/chart2.xml"));
		buf_free(&jobs[i].pdf);
		buf_free(&jobs[i].xlsx);
	}
	buf_free(&alone.pdf);
	buf_free(&alone.xlsx);
}

static void test_bad_photos_leave_placeholders(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	struct doc_meta m = { .style = DOC_PLAIN, .title = "照片" };
	assert_int_equal(doc_set_meta(d, &m), 0);
	static const unsigned char junk[][16] = {
		"\xff\xd8\xff\xe0 cut short", "\x89PNG\r\n\x1a\n broken",
		"RIFF\0\0\0\0WEBPVP8 ", "GIF89a no",
	};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(doc_image(d, "坏", junk[i], sizeof junk[i]), 0);
	assert_int_equal(doc_image(d, "空", NULL, 0), 0);
	struct ug_error err = { 0 };
	struct buf pdf = BUF_INIT, xlsx = BUF_INIT;
	tu_assert_ok(doc_render_pdf(d, &pdf, &err), err);
	tu_assert_ok(doc_render_xlsx(d, &xlsx, &err), err);
	/* no image in either: cairo names none, the zip has no media */
	assert_int_equal(count(&pdf, "/Subtype /Image"), 0);
	assert_int_equal(count(&xlsx, "xl/media/"), 0);
	buf_free(&pdf);
	buf_free(&xlsx);
	arena_free(&a);
}

static void test_photo_decodes_and_scales(void **state)
{
	(void)state;
	struct ug_error err = { 0 };
	for (int f = SAMPLE_PNG; f <= SAMPLE_WEBP; f++) {
		struct buf bytes = BUF_INIT;
		assert_int_equal(sample_photo(800, 400, (enum sample_format)f,
					      &bytes), 0);
		struct doc_image im = { .data = (unsigned char *)bytes.data,
					.len = bytes.len };
		struct draw_raster r;
		tu_assert_ok(draw_photo(&im, 200, &r, &err), err);
		assert_int_equal(r.width, 200);
		assert_int_equal(r.height, 100);
		assert_non_null(r.jpeg);
		assert_memory_equal(r.jpeg, "\xff\xd8\xff", 3);
		struct buf png = BUF_INIT;
		tu_assert_ok(draw_png(&r, &png, &err), err);
		assert_memory_equal(png.data, "\x89PNG", 4);
		buf_free(&png);
		draw_raster_free(&r);
		/* small enough: kept at its size */
		tu_assert_ok(draw_photo(&im, 2000, &r, &err), err);
		assert_int_equal(r.width, 800);
		draw_raster_free(&r);
		buf_free(&bytes);
	}
	struct doc_image bad = { .data = (const unsigned char *)"hello", .len = 5 };
	struct draw_raster r;
	assert_int_equal(draw_photo(&bad, 100, &r, &err), -UG_EINVAL);
	assert_null(r.surface);
}

/* What the three renderers share from doc.h: the axis step and the
 * photo formats they show. */
static void test_shared_helpers(void **state)
{
	(void)state;
	assert_true(doc_axis_step(10) == 2);
	assert_true(doc_axis_step(5) == 1);
	assert_true(doc_axis_step(23) == 5);
	assert_true(doc_axis_step(480) == 100);
	assert_true(fabs(doc_axis_step(0.3) - 0.1) < 1e-12);
	assert_true(doc_axis_step(0) == 1);
	assert_true(doc_axis_step(-4) == 1);
	assert_string_equal(ug_image_mime((const unsigned char *)"\xff\xd8\xff\xe0", 4),
			    "image/jpeg");
	assert_string_equal(ug_image_mime((const unsigned char *)"\x89PNG\r\n\x1a\n", 8),
			    "image/png");
	assert_string_equal(ug_image_mime((const unsigned char *)"RIFF\0\0\0\0WEBP", 12),
			    "image/webp");
	assert_null(ug_image_mime((const unsigned char *)"GIF89a", 6));
	assert_null(ug_image_mime((const unsigned char *)"\xff\xd8", 2));
	assert_null(ug_image_mime(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdf_official_and_plain),
		cmocka_unit_test(test_pdf_grows_with_the_table),
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_xlsx_sheet_names),
		cmocka_unit_test(test_xlsx_without_a_temporary_folder),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_odd_documents),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_bad_photos_leave_placeholders),
		cmocka_unit_test(test_photo_decodes_and_scales),
		cmocka_unit_test(test_shared_helpers),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	doc_render_cleanup();	/* the libraries' caches: LSan sees ours only */
	return failed;
}
