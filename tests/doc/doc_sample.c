/*
 * doc_sample.c - writes the sample report (sample.h) in each format the
 * renderers make, for tests/http/render.test.mjs to read back with exceljs,
 * pdftotext and pdfimages:
 *   doc_sample DIR   → DIR/sample.pdf (official), DIR/sample.xlsx,
 *                      DIR/plain.pdf (the same, plain),
 *                    DIR/odd.pdf, DIR/odd.xlsx (sample_odd_doc())
 * Prints the counts the test checks against (photos drawn, charts, maps).
 */
#include <stdio.h>
#include <string.h>

#include "doc/render.h"
#include "sample.h"

static int write_file(const char *dir, const char *name, const struct buf *b)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: doc_sample DIR\n");
		return 2;
	}
	struct sample_size z = { .style = DOC_OFFICIAL, .streets = 17,
				 .departments = 30, .grids = 120, .months = 6,
				 .photos = 3, .bad_photos = 1 };
	struct arena a = ARENA_INIT;
	struct doc *d = sample_doc(&a, &z);
	struct ug_error err = { 0 };
	struct buf pdf = BUF_INIT, xlsx = BUF_INIT, plain = BUF_INIT;
	int rc = !d || doc_render_pdf(d, &pdf, &err) ||
		 doc_render_xlsx(d, &xlsx, &err);
	struct doc *odd = rc ? NULL : sample_odd_doc(&a);
	struct buf odd_pdf = BUF_INIT, odd_xlsx = BUF_INIT;
	rc = rc || !odd || doc_render_pdf(odd, &odd_pdf, &err) ||
	     doc_render_xlsx(odd, &odd_xlsx, &err) ||
	     write_file(argv[1], "odd.pdf", &odd_pdf) ||
	     write_file(argv[1], "odd.xlsx", &odd_xlsx);
	buf_free(&odd_pdf);
	buf_free(&odd_xlsx);
	if (!rc) {
		d->meta.style = DOC_PLAIN;
		rc = doc_render_pdf(d, &plain, &err) ||
		     write_file(argv[1], "sample.pdf", &pdf) ||
		     write_file(argv[1], "sample.xlsx", &xlsx) ||
		     write_file(argv[1], "plain.pdf", &plain);
	}
	if (rc)
		fprintf(stderr, "doc_sample: %s\n", err.message);
	else	/* what pdfimages should count: 2 charts, 1 map, the photos */
		printf("{\"charts\":2,\"maps\":1,\"photos\":%d,\"bad_photos\":%d,"
		       "\"grids\":%d}\n", z.photos, z.bad_photos, z.grids);
	buf_free(&pdf);
	buf_free(&xlsx);
	buf_free(&plain);
	arena_free(&a);
	doc_render_cleanup();
	return rc ? 1 : 0;
}
