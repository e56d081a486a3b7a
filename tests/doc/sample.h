/*
 * sample.h - a sample report (a 每月一汇总-like official document) with
 * every kind of block, sized by the caller: the unit test renders a small
 * one, tests/doc/doc_sample.c writes one for the node test to read back,
 * bench/render_bench.c a district of 17 streets, 30 departments and 6,000
 * grids.  Photos are made here: a PNG drawn with cairo, the same as a JPEG
 * through gdk-pixbuf, and bytes that are no picture at all.
 */
#ifndef UG_TESTS_DOC_SAMPLE_H
#define UG_TESTS_DOC_SAMPLE_H

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "lib/buf.h"

/* cairo 1.16 (Debian 12) leaks a few hundred bytes a font when a PDF
 * surface with text is finished — any font, cairo's own text calls too
 * (a 5-line program shows it) — and not ours to free.  Under ASan the
 * programs that render take full stacks (libcairo has no frame pointers)
 * so the suppression names that one call, and a leak of ours elsewhere
 * still fails them.  Harmless without a sanitizer. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:cairo_surface_finish\n";
}

struct sample_size {
	enum doc_style style;
	int streets, departments, grids, months;
	int photos;      /* good photos (PNG, JPEG, WebP in turn) */
	int bad_photos;  /* photos whose bytes are not a picture */
};

/* The titles the node test looks for (tests/http/render.test.mjs). */
#define SAMPLE_TITLE "关于2026年11月城市管理综合评价情况的通报"
#define SAMPLE_GRID_HEADER "网格编码"

static cairo_status_t sample_png_write(void *closure, const unsigned char *d,
				       unsigned int n)
{
	return buf_append(closure, d, n) ? CAIRO_STATUS_WRITE_ERROR
					 : CAIRO_STATUS_SUCCESS;
}

enum sample_format { SAMPLE_PNG, SAMPLE_JPEG, SAMPLE_WEBP };
static const char *const sample_format_name[] = { "PNG", "JPEG", "WebP" };

/* A w × h picture (a sky, a street, a red spot) as PNG, JPEG or WebP
 * (gdk-pixbuf's WebP loader writes it too). */
static inline int sample_photo(int w, int h, enum sample_format format,
			struct buf *out)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.55, 0.75, 0.95);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.4, 0.4, 0.42);
	cairo_rectangle(cr, 0, h * 0.6, w, h * 0.4);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
	cairo_arc(cr, w * 0.5, h * 0.7, h * 0.12, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_destroy(cr);
	struct buf png = BUF_INIT;
	int rc = cairo_surface_write_to_png_stream(s, sample_png_write, &png)
		 ? -1 : 0;
	cairo_surface_destroy(s);
	if (rc || format == SAMPLE_PNG) {
		if (!rc)
			rc = buf_append(out, png.data, png.len);
		buf_free(&png);
		return rc;
	}
	GdkPixbufLoader *ld = gdk_pixbuf_loader_new();
	gdk_pixbuf_loader_write(ld, (const guchar *)png.data, png.len, NULL);
	gdk_pixbuf_loader_close(ld, NULL);
	GdkPixbuf *pb = gdk_pixbuf_loader_get_pixbuf(ld);
	gchar *j = NULL;
	gsize jl = 0;
	rc = pb && gdk_pixbuf_save_to_buffer(
			   pb, &j, &jl, format == SAMPLE_JPEG ? "jpeg" : "webp",
			   NULL, "quality", "80", NULL) ? 0 : -1;
	if (!rc)
		rc = buf_append(out, j, jl);
	g_free(j);
	g_object_unref(ld);
	buf_free(&png);
	return rc;
}

static const char *const sample_kinds[9][2] = {
	{ "巡查员", "inspectors" }, { "受理员", "receptionists" },
	{ "值班长", "shift_leaders" }, { "派遣员", "dispatchers" },
	{ "部门", "departments" }, { "网格", "grids" },
	{ "社区", "communities" }, { "街道", "streets" }, { "区", "districts" },
};

/* A table of n ranked units of a kind: name, cases, rates, score, grade. */
static inline int sample_ranking(struct doc *d, const char *name,
			  const char *caption, const char *unit_title, int n,
			  unsigned seed)
{
	const struct doc_column cols[] = {
		{ "排名", DOC_COL_INT }, { unit_title, DOC_COL_TEXT },
		{ "立案数", DOC_COL_INT }, { "按期处置率", DOC_COL_PERCENT },
		{ "综合指数", DOC_COL_DECIMAL }, { "等级", DOC_COL_TEXT },
	};
	struct doc_table *t = doc_table(d, name, caption, 6, cols);
	if (!t)
		return -1;
	for (int i = 0; i < n; i++) {
		long r = doc_row(t);
		if (r < 0)
			return -1;
		char label[64];
		snprintf(label, sizeof label, "%s%04d", name, i + 1);
		double score = 98 - 60.0 * i / (n > 1 ? n : 1);
		seed = seed * 1103515245u + 12345u;
		doc_cell_number(t, (size_t)r, 0, i + 1);
		doc_cell_text(t, (size_t)r, 1, label);
		doc_cell_number(t, (size_t)r, 2, 1000 + seed % 9000);
		if (i % 7 != 3)	/* some units had nothing to handle */
			doc_cell_number(t, (size_t)r, 3, (seed >> 8) % 1000 / 1000.0);
		doc_cell_number(t, (size_t)r, 4, score);
		doc_cell_text(t, (size_t)r, 5, score >= 90 ? "A" : score >= 75 ? "B"
					   : score >= 60 ? "C" : score >= 40 ? "D" : "E");
	}
	return 0;
}

static inline struct doc *sample_doc(struct arena *a, const struct sample_size *z)
{
	struct doc *d = doc_new(a);
	struct doc_meta m = {
		.style = z->style, .title = SAMPLE_TITLE,
		.subtitle = "（2026年11月）",
		.office = "某某市城市管理监督指挥中心",
		.number = "城管督〔2026〕15号",
		.addressees = "各区城市管理局、各街道办事处、各有关部门：",
		.signer = "某某市城市管理监督指挥中心",
		.date = "2026年12月1日",
		.copy_to = "市政府办公室，市城市管理委员会",
	};
	if (!d || doc_set_meta(d, &m))
		return NULL;
	doc_heading(d, 1, "一、总体情况");
	doc_paragraph(d, "2026年11月，全区共受理城市管理问题%d件，立案%d件，"
		      "按期处置率93.4%%，较上月提高1.2个百分点。各街道、各部门"
		      "认真落实“四个一”工作要求，问题发现、派遣、处置、核查各"
		      "环节衔接顺畅，城市管理综合评价总体平稳向好。",
		      z->grids * 3 + 1234, z->grids * 2 + 987);
	doc_heading(d, 1, "二、各类评价结果");
	int sizes[9] = { z->grids / 20 + 5, 12, 6, 10, z->departments,
			 z->grids, z->grids / 30 + 3, z->streets, 1 };
	for (int k = 0; k < 9; k++) {
		char h[128], cap[128];
		snprintf(h, sizeof h, "（%s）%s综合评价", (const char *[]){
				 "一", "二", "三", "四", "五", "六", "七", "八",
				 "九" }[k], sample_kinds[k][0]);
		doc_heading(d, 2, h);
		snprintf(cap, sizeof cap, "表%d %s综合评价排名", k + 1,
			 sample_kinds[k][0]);
		if (sample_ranking(d, sample_kinds[k][0], cap,
				   k == 5 ? SAMPLE_GRID_HEADER : sample_kinds[k][0],
				   sizes[k], 17u * (unsigned)k + 1))
			return NULL;
		if (k == 7) {	/* streets: their cases as bars */
			const char *cats[64];
			double opened[64], closed[64];
			char names[64][32];
			int n = z->streets < 64 ? z->streets : 64;
			for (int i = 0; i < n; i++) {
				snprintf(names[i], sizeof names[i], "街道%02d", i + 1);
				cats[i] = names[i];
				opened[i] = 300 + (i * 37) % 200;
				closed[i] = opened[i] * 0.9;
			}
			struct doc_chart *c = doc_chart(d, DOC_CHART_BAR,
							"各街道立案数与结案数",
							"件", (size_t)n, cats);
			if (!c || doc_series(c, "立案数", opened) ||
			    doc_series(c, "结案数", closed))
				return NULL;
		}
	}
	doc_heading(d, 1, "三、近期趋势");
	{
		const char *cats[24];
		char names[24][16];
		double s1[24], s2[24], s3[24];
		int n = z->months < 24 ? z->months : 24;
		for (int i = 0; i < n; i++) {
			snprintf(names[i], sizeof names[i], "%d月", (6 + i) % 12 + 1);
			cats[i] = names[i];
			s1[i] = 80 + i * 1.5;
			s2[i] = 85 - i * 0.5;
			s3[i] = 70 + (i % 3) * 4;
		}
		struct doc_chart *c = doc_chart(d, DOC_CHART_LINE,
						"近6个月综合指数趋势", "分",
						(size_t)n, cats);
		if (!c || doc_series(c, "监督指数", s1) ||
		    doc_series(c, "处置指数", s2) || doc_series(c, "综合指数", s3))
			return NULL;
	}
	doc_heading(d, 2, "（十）网格等级分布");
	{
		static const struct doc_map_class cls[] = {
			{ "A 优秀", 0x1a9850 }, { "B 良好", 0x91cf60 },
			{ "C 一般", 0xfee08b }, { "D 较差", 0xfc8d59 },
			{ "E 差", 0xd73027 }, { "无数据", 0xdddddd },
		};
		struct doc_map *mp = doc_map(d, "各网格综合评价等级", 6, cls);
		if (!mp)
			return NULL;
		int side = (int)ceil(sqrt(z->grids));
		for (int i = 0; i < z->grids; i++) {
			double x = 116.30 + (i % side) * 0.004;
			double y = 39.90 + (i / side) * 0.003;
			double ring[8] = { x, y, x + 0.004, y, x + 0.004,
					   y + 0.003, x, y + 0.003 };
			char label[16];
			snprintf(label, sizeof label, "%d", i + 1);
			if (doc_map_area(mp, z->grids <= 50 ? label : NULL,
					 (i * 7 + i / side) % 6, 4, ring))
				return NULL;
		}
	}
	doc_heading(d, 1, "四、典型问题");
	doc_heading(d, 3, "1. 典型问题照片");
	for (int i = 0; i < z->photos + z->bad_photos; i++) {
		char cap[64];
		struct buf ph = BUF_INIT;
		if (i < z->photos) {
			snprintf(cap, sizeof cap, "图%d 暴露垃圾（%s）", i + 1,
				 sample_format_name[i % 3]);
			if (sample_photo(320 + 40 * i, 240,
					 (enum sample_format)(i % 3), &ph))
				return NULL;
		} else {
			snprintf(cap, sizeof cap, "图%d 损坏的照片", i + 1);
			buf_puts(&ph, "\xff\xd8\xff this is not a photo");
		}
		int rc = doc_image(d, cap, ph.data, ph.len);
		buf_free(&ph);
		if (rc)
			return NULL;
	}
	doc_heading(d, 1, "五、下一步工作");
	doc_paragraph(d, "各街道、各部门要对照评价结果，聚焦排名靠后的网格和"
		      "反复出现的问题，压实责任，加强巡查，确保问题按期处置。");
	return d;
}

/* What a careless caller may hand over: control characters and bytes
 * that are not UTF-8 in the title and a header, a paragraph and a cell of
 * 60,000 bytes, a table name of nothing but characters Excel refuses, an
 * empty row, a chart without categories, one below zero, a map without
 * areas and one as flat as a line, English words. */
static inline struct doc *sample_odd_doc(struct arena *a)
{
	struct doc *d = doc_new(a);
	struct doc_meta m = {
		.style = DOC_OFFICIAL, .lang = "en",
		.title = "Tab\there, bell\a, bad \xff\xfe UTF-8",
		.office = "An office whose name is far too long to fit on one "
			  "line at any size the layout allows",
		.copy_to = "x",
	};
	if (!d || doc_set_meta(d, &m))
		return NULL;
	struct buf big = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_puts(&big, "长文本 long text ");
	const struct doc_column cols[] = { { "\x01" "ctl \xc3", DOC_COL_TEXT },
					   { "", DOC_COL_PERCENT } };
	static const struct doc_map_class cls = { "only", 0x123456 };
	const double flat_ring[] = { 116.0, 39.0, 116.1, 39.0, 116.2, 39.0 };
	const char *cats[] = { "a" };
	const double below[] = { -3 };
	struct doc_table *t = NULL;
	struct doc_chart *c = NULL;
	struct doc_map *flat = NULL;
	int bad = doc_heading(d, 3, "") || doc_paragraph(d, "%s", big.data) ||
		  !(t = doc_table(d, "[]:*?/\\", NULL, 2, cols)) ||
		  doc_row(t) != 0 || doc_cell_text(t, 0, 0, big.data) ||
		  doc_cell_number(t, 0, 1, -12.5) || doc_row(t) != 1 ||
		  !doc_chart(d, DOC_CHART_LINE, NULL, NULL, 0, NULL) ||
		  !(c = doc_chart(d, DOC_CHART_BAR, "below", "%", 1, cats)) ||
		  doc_series(c, "s", below) || !doc_map(d, "empty", 1, &cls) ||
		  !(flat = doc_map(d, "flat", 1, &cls)) ||
		  doc_map_area(flat, "x", 0, 3, flat_ring);
	buf_free(&big);
	return bad ? NULL : d;
}

#endif
