/*
 * render_bench.c - the monthly summary (每月一汇总) of a district of 17
 * streets, 30 departments and 6,000 grids rendered as PDF (official and
 * plain) and XLSX by doc/pdf.c and doc/xlsx.c: the sample report of
 * tests/doc/sample.h at that size — 9 ranking tables (6,000 grid rows,
 * 305 inspectors, 203 communities, …), a bar chart of the streets, a
 * 6-month line chart, the 6,000-grid map, 4 photos.  Targets (issue 15):
 * PDF ≤ 2 s, XLSX ≤ 1 s.  Also the parts alone: the map's raster, one
 * photo decoded, to show where the time goes.  Medians of 5 runs after
 * one warm-up run (fontconfig's first load is not the report's cost).
 *
 *   scripts/bench builds it against build/libug.a;
 *   build/bench/render_bench [GRIDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "doc/draw.h"
#include "doc/render.h"
#include "sample.h"

#define RUNS 5

static double clock_s(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time: what the machine's other work does not inflate. */
static double cpu(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

/* Pages of a cairo PDF (its page objects are not compressed). */
static size_t pages(const struct buf *b)
{
	size_t n = 0;
	for (const char *p = b->data; (p = memmem(p, b->len - (size_t)(p - b->data),
					      "/Type /Page %", 13)); p++)
		n++;
	return n;
}

typedef int (*render_fn)(const struct doc *, struct buf *, struct ug_error *);

static double time_render(const char *what, render_fn fn, const struct doc *d)
{
	double v[RUNS], c[RUNS];
	size_t size = 0, npages = 0;
	for (int i = -1; i < RUNS; i++) {
		struct buf out = BUF_INIT;
		struct ug_error err = { 0 };
		double t0 = now(), c0 = cpu();
		if (fn(d, &out, &err)) {
			fprintf(stderr, "%s: %s\n", what, err.message);
			exit(1);
		}
		if (i >= 0) {
			v[i] = now() - t0;
			c[i] = cpu() - c0;
		}
		size = out.len;
		npages = fn == doc_render_pdf ? pages(&out) : 0;
		buf_free(&out);
	}
	double m = median(v, RUNS);
	printf("%-30s %7.3f s (CPU %.3f s)  %9zu bytes", what, m,
	       median(c, RUNS), size);
	if (npages)
		printf(", %zu pages", npages);
	printf("\n");
	return m;
}

static const struct doc_map *first_map(const struct doc *d)
{
	for (const struct doc_block *b = d->first; b; b = b->next)
		if (b->kind == DOC_MAP)
			return b->u.map;
	return NULL;
}

int main(int argc, char **argv)
{
	int grids = argc > 1 ? atoi(argv[1]) : 6000;
	struct sample_size z = { .style = DOC_OFFICIAL, .streets = 17,
				 .departments = 30, .grids = grids,
				 .months = 6, .photos = 4 };
	struct arena a = ARENA_INIT;
	double t0 = now();
	struct doc *d = sample_doc(&a, &z);
	if (!d)
		return 1;
	size_t rows = 0;
	for (const struct doc_block *b = d->first; b; b = b->next)
		if (b->kind == DOC_TABLE)
			rows += b->u.table->nrows;
	printf("monthly summary: %d streets, %d departments, %d grids; "
	       "%zu blocks, %zu table rows (built in %.3f s)\n",
	       z.streets, z.departments, grids, d->nblocks, rows, now() - t0);
	printf("medians of %d runs\n", RUNS);
	double pdf = time_render("doc_render_pdf (official)", doc_render_pdf, d);
	d->meta.style = DOC_PLAIN;
	time_render("doc_render_pdf (plain)", doc_render_pdf, d);
	d->meta.style = DOC_OFFICIAL;
	double xlsx = time_render("doc_render_xlsx", doc_render_xlsx, d);

	/* the parts: the 6,000-grid map as the PDF draws it */
	double v[RUNS];
	for (int i = 0; i < RUNS; i++) {
		struct draw_raster r;
		struct ug_error err = { 0 };
		double s = now();
		if (draw_map(first_map(d), 1228, 1900, 200.0 / 72, &r, &err))
			return 1;
		v[i] = now() - s;
		draw_raster_free(&r);
	}
	printf("%-30s %7.3f s\n", "  of which the map's raster", median(v, RUNS));
	printf("targets: PDF <= 2 s: %s; XLSX <= 1 s: %s\n",
	       pdf <= 2 ? "met" : "MISSED", xlsx <= 1 ? "met" : "MISSED");
	arena_free(&a);
	return 0;
}
