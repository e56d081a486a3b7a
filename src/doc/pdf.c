/*
 * pdf.c - a document as an A4 PDF (doc_render_pdf, render.h): cairo's PDF
 * surface, pango for the text in the Noto CJK fonts.  An official
 * document (DOC_OFFICIAL) follows GB/T 9704-2012 where it applies — the
 * 版心 of 156 × 225 mm, the issuing office's name in red, the document
 * number, the red rule, the title at 2号, the body at 3号 on a 22-line
 * grid, headings 一、（一）1., the signature and date, 版记 between rules at
 * the foot of the last page, "— 1 —" page numbers outside; a plain one is
 * a title and its body.  docs/rendering.md says what is followed and what
 * is not.  Charts, the map and photos are drawn by draw.c as rasters and
 * painted as one embedded image each (pdfimages counts them).
 */
#include "doc/render.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "doc/draw.h"

#define MM (72.0 / 25.4)
#define A4_W (210 * MM)
#define A4_H (297 * MM)
/* Rasters at about 200 dots per inch. */
#define RASTER_SCALE (200.0 / 72.0)

struct pdf {
	const struct doc *d;
	cairo_surface_t *surface;
	cairo_t *cr;
	bool official;
	double left, right, top, bottom;  /* the 版心 */
	double y;                         /* next line's top */
	int page;                         /* pages begun */
	const char *body_family;
	double body_size, leading;        /* body font, line pitch */
	double table_size;
	struct ug_error *err;
	int rc;
};

static double width(const struct pdf *p)
{
	return p->right - p->left;
}

static PangoLayout *layout(struct pdf *p, const char *family, double size,
			   int weight, double w, PangoAlignment align)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	pango_cairo_context_set_resolution(pango_layout_get_context(l), 72);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, (PangoWeight)weight);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_context_changed(l);
	if (w > 0)
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* The page number at the foot: official documents put it outside (odd
 * pages right, even pages left, one character in), "— 1 —" in 4号; plain
 * ones centre it. */
static void page_foot(struct pdf *p)
{
	char num[32];
	snprintf(num, sizeof num, "— %d —", p->page);
	double size = p->official ? 14 : 9;
	PangoAlignment al = !p->official ? PANGO_ALIGN_CENTER
			    : p->page % 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
	PangoLayout *l = layout(p, DRAW_SERIF, size, PANGO_WEIGHT_NORMAL,
				width(p) - 2 * size, al);
	draw_layout_text(l, num);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_move_to(p->cr, p->left + size, p->bottom + 7 * MM);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
}

static void new_page(struct pdf *p)
{
	if (p->page > 0) {
		page_foot(p);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = p->top;
}

/* Room for h more points on this page, or a new page. */
static void need(struct pdf *p, double h)
{
	if (p->y + h > p->bottom + 0.01 && p->y > p->top)
		new_page(p);
}

/* Draw l line by line at x from p->y, breaking pages between lines; each
 * line takes at least `pitch`. */
static void flow(struct pdf *p, PangoLayout *l, double x, double pitch)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double lh = fmax((double)logical.height / PANGO_SCALE, pitch);
		double base = (double)(pango_layout_iter_get_baseline(it) -
				       logical.y) / PANGO_SCALE;
		need(p, lh);
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		/* centre the glyphs in a taller pitch */
		double off = (lh - (double)logical.height / PANGO_SCALE) / 2;
		cairo_move_to(p->cr, x + (double)logical.x / PANGO_SCALE,
			      p->y + off + base);
		pango_cairo_show_layout_line(p->cr, line);
		p->y += lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

/* Text across the 版心 in one go: family, size, weight, alignment. */
static void text_block(struct pdf *p, const char *text, const char *family,
		       double size, int weight, PangoAlignment align,
		       double indent, double pitch)
{
	PangoLayout *l = layout(p, family, size, weight, width(p), align);
	pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
	draw_layout_text(l, text);
	flow(p, l, p->left, pitch);
	g_object_unref(l);
}

/* The head of an official document: office in red, number, red rule. */
static void official_head(struct pdf *p)
{
	const struct doc_meta *m = &p->d->meta;
	double lp = p->leading;
	if (m->office && *m->office) {
		/* 小标宋-like in red, as large as fits on one line, its top
		 * 35 mm below the 版心's (7.2.3) */
		p->y = p->top + 35 * MM;
		double size = 36;
		PangoLayout *l;
		for (;;) {
			l = layout(p, DRAW_SERIF, size, PANGO_WEIGHT_BOLD, -1,
				   PANGO_ALIGN_LEFT);
			draw_layout_text(l, m->office);
			int w, h;
			pango_layout_get_size(l, &w, &h);
			if ((double)w / PANGO_SCALE <= width(p) || size <= 16)
				break;
			g_object_unref(l);
			size -= 2;
		}
		/* centred in the 版心; at 16 pt and still too long, wrapped */
		pango_layout_set_width(l, (int)(width(p) * PANGO_SCALE));
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		int w, h;
		pango_layout_get_size(l, &w, &h);
		cairo_set_source_rgb(p->cr, 0.9, 0, 0);
		cairo_move_to(p->cr, p->left, p->y);
		pango_cairo_show_layout(p->cr, l);
		p->y += (double)h / PANGO_SCALE + 2 * lp;	/* 空二行 */
		g_object_unref(l);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	if (m->number && *m->number)
		text_block(p, m->number, p->body_family, p->body_size,
			   PANGO_WEIGHT_NORMAL, PANGO_ALIGN_CENTER, 0, lp);
	/* the red rule, 4 mm below the number, the 版心's width */
	p->y += 4 * MM;
	cairo_set_source_rgb(p->cr, 0.9, 0, 0);
	cairo_set_line_width(p->cr, 1.5);
	cairo_move_to(p->cr, p->left, p->y);
	cairo_line_to(p->cr, p->right, p->y);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += 2 * lp;	/* 空二行 before the title */
}

/* The title at 2号, centred; over several lines, lines of about equal
 * length (GB/T 9704 wants them 梯形或菱形, not a long line and a stub). */
static void title(struct pdf *p, const char *text)
{
	double size = 22;
	PangoLayout *l = layout(p, DRAW_SERIF, size, PANGO_WEIGHT_BOLD, -1,
				PANGO_ALIGN_CENTER);
	draw_layout_text(l, text);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	double tw = (double)w / PANGO_SCALE;
	double lines = ceil(tw / width(p));
	double lw = lines > 1 ? fmin(width(p), tw / lines + size) : width(p);
	pango_layout_set_width(l, (int)(lw * PANGO_SCALE));
	flow(p, l, p->left + (width(p) - lw) / 2, size * 1.4);
	g_object_unref(l);
}

static void head(struct pdf *p)
{
	const struct doc_meta *m = &p->d->meta;
	if (p->official) {
		official_head(p);
		if (m->title)
			title(p, m->title);
		if (m->subtitle)
			text_block(p, m->subtitle, DRAW_SERIF, p->body_size,
				   PANGO_WEIGHT_NORMAL, PANGO_ALIGN_CENTER, 0,
				   p->leading);
		p->y += p->leading;	/* 空一行 */
		if (m->addressees)
			text_block(p, m->addressees, p->body_family,
				   p->body_size, PANGO_WEIGHT_NORMAL,
				   PANGO_ALIGN_LEFT, 0, p->leading);
		return;
	}
	if (m->title)
		text_block(p, m->title, DRAW_SANS, 18, PANGO_WEIGHT_BOLD,
			   PANGO_ALIGN_CENTER, 0, 18 * 1.5);
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	if (m->subtitle)
		text_block(p, m->subtitle, DRAW_SANS, 11, PANGO_WEIGHT_NORMAL,
			   PANGO_ALIGN_CENTER, 0, 11 * 1.6);
	if (m->office || m->date) {
		char line[512];
		snprintf(line, sizeof line, "%s%s%s", m->office ? m->office : "",
			 m->office && m->date ? "　" : "", m->date ? m->date : "");
		text_block(p, line, DRAW_SANS, 9, PANGO_WEIGHT_NORMAL,
			   PANGO_ALIGN_CENTER, 0, 9 * 1.6);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += 6;
}

/* Headings: official 一、 黑体 (sans), （一） 楷体-like (serif semibold),
 * 1. 仿宋加粗-like (serif bold), all at 3号 and indented two characters;
 * plain ones in sans bold, smaller as they go down. */
static void heading(struct pdf *p, const struct doc_block *b)
{
	int level = b->level;
	const char *text = b->text;
	/* not alone at a page's foot: with a line of what follows, or the
	 * head of a table, chart, map or photo */
	enum doc_block_kind k = b->next ? b->next->kind : DOC_PARAGRAPH;
	double next = k == DOC_HEADING || k == DOC_PARAGRAPH ? p->leading
		      : k == DOC_TABLE ? 6 * p->table_size
		      : (p->bottom - p->top) / 3;
	if (p->official) {
		static const int weight[] = { PANGO_WEIGHT_NORMAL,
					      PANGO_WEIGHT_SEMIBOLD,
					      PANGO_WEIGHT_BOLD };
		need(p, p->leading + next);
		text_block(p, text, level == 1 ? DRAW_SANS : DRAW_SERIF,
			   p->body_size, weight[level - 1], PANGO_ALIGN_LEFT,
			   2 * p->body_size, p->leading);
		return;
	}
	static const double size[] = { 14, 12, 11 };
	double s = size[level - 1];
	p->y += s * 0.5;
	need(p, s * 1.6 + next);
	text_block(p, text, DRAW_SANS, s, PANGO_WEIGHT_BOLD, PANGO_ALIGN_LEFT,
		   0, s * 1.6);
}

static void paragraph(struct pdf *p, const char *text)
{
	text_block(p, text, p->body_family, p->body_size, PANGO_WEIGHT_NORMAL,
		   PANGO_ALIGN_LEFT, 2 * p->body_size, p->leading);
}

/* A caption above a table, chart, map or under a photo: centred, bold. */
static void caption(struct pdf *p, const char *text)
{
	if (!text || !*text)
		return;
	double s = p->table_size + 1;
	text_block(p, text, DRAW_SANS, s, PANGO_WEIGHT_BOLD,
		   PANGO_ALIGN_CENTER, 0, s * 1.6);
}

/* ---- tables ---------------------------------------------------------- */

#define CELL_PAD 3.0
/* Rows whose widths are measured to size the columns. */
#define MEASURE_ROWS 400

struct table_run {
	const struct doc_table *t;
	double *w;             /* column widths */
	PangoLayout **cell;    /* one per column, reused row after row */
	PangoLayout **hdr;     /* the header's, laid out once */
	double hdr_h;
};

static void table_widths(struct pdf *p, struct table_run *r)
{
	const struct doc_table *t = r->t;
	PangoLayout *l = layout(p, DRAW_SANS, p->table_size,
				PANGO_WEIGHT_NORMAL, -1, PANGO_ALIGN_LEFT);
	PangoLayout *lb = layout(p, DRAW_SANS, p->table_size,
				 PANGO_WEIGHT_BOLD, -1, PANGO_ALIGN_LEFT);
	double total = 0;
	char text[512];
	for (size_t c = 0; c < t->ncols; c++) {
		int w, h;
		draw_layout_text(lb, t->cols[c].title);
		pango_layout_get_size(lb, &w, &h);
		/* a long header may wrap onto two lines */
		double hw = (double)w / PANGO_SCALE;
		if (hw > 6 * p->table_size)
			hw = fmax(hw / 2, 6 * p->table_size);
		double mw = hw;
		size_t n = t->nrows < MEASURE_ROWS ? t->nrows : MEASURE_ROWS;
		for (size_t row = 0; row < n; row++) {
			doc_format_cell(doc_cell(t, row, c), t->cols[c].type,
					text, sizeof text);
			draw_layout_text(l, text);
			pango_layout_get_size(l, &w, &h);
			mw = fmax(mw, (double)w / PANGO_SCALE);
		}
		r->w[c] = fmin(mw, 14 * p->table_size) + 2 * CELL_PAD + 1;
		total += r->w[c];
	}
	/* fill the 版心: wider columns give up or take the most */
	for (size_t c = 0; c < t->ncols; c++)
		r->w[c] *= width(p) / total;
	g_object_unref(l);
	g_object_unref(lb);
}

static void table_header(struct pdf *p, struct table_run *r)
{
	double x = p->left;
	cairo_set_source_rgb(p->cr, 0.9, 0.9, 0.9);
	cairo_rectangle(p->cr, p->left, p->y, width(p), r->hdr_h);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (size_t c = 0; c < r->t->ncols; c++) {
		double h = layout_height(r->hdr[c]);
		cairo_move_to(p->cr, x + CELL_PAD, p->y + (r->hdr_h - h) / 2);
		pango_cairo_show_layout(p->cr, r->hdr[c]);
		cairo_rectangle(p->cr, x, p->y, r->w[c], r->hdr_h);
		x += r->w[c];
	}
	cairo_set_line_width(p->cr, 0.6);
	cairo_stroke(p->cr);
	p->y += r->hdr_h;
}

/* The columns' vertical rules from top down to p->y. */
static void column_rules(struct pdf *p, const struct table_run *r,
			 double top)
{
	double x = p->left;
	for (size_t c = 0; c <= r->t->ncols; c++) {
		cairo_move_to(p->cr, x, top);
		cairo_line_to(p->cr, x, p->y);
		if (c < r->t->ncols)
			x += r->w[c];
	}
	cairo_stroke(p->cr);
}

static int fail(struct pdf *p, int rc);

static void table(struct pdf *p, const struct doc_table *t)
{
	/* on the heap: a table's columns are the caller's to count */
	double *w = calloc(t->ncols, sizeof *w);
	PangoLayout **cell = calloc(t->ncols, sizeof *cell);
	PangoLayout **hdr = calloc(t->ncols, sizeof *hdr);
	if (!w || !cell || !hdr) {
		fail(p, ug_fail(p->err, UG_ENOMEM, NULL, "table of %zu columns",
				t->ncols));
		goto out;
	}
	struct table_run r = { .t = t, .w = w, .cell = cell, .hdr = hdr };
	table_widths(p, &r);
	for (size_t c = 0; c < t->ncols; c++) {
		double iw = w[c] - 2 * CELL_PAD;
		hdr[c] = layout(p, DRAW_SANS, p->table_size, PANGO_WEIGHT_BOLD,
				iw, PANGO_ALIGN_CENTER);
		draw_layout_text(hdr[c], t->cols[c].title);
		r.hdr_h = fmax(r.hdr_h, layout_height(hdr[c]) + 2 * CELL_PAD);
		cell[c] = layout(p, DRAW_SANS, p->table_size,
				 PANGO_WEIGHT_NORMAL, iw, PANGO_ALIGN_LEFT);
	}
	double row1 = p->table_size * 1.4 + 2 * CELL_PAD;
	/* the caption, the header and a first row stay together */
	need(p, p->table_size * 2 + r.hdr_h + row1);
	caption(p, t->caption);
	need(p, r.hdr_h + row1);
	table_header(p, &r);

	char text[1024];
	double top = p->y;	/* the rows' top on this page */
	cairo_set_line_width(p->cr, 0.4);
	for (size_t row = 0; row < t->nrows; row++) {
		double rh = 0;
		for (size_t c = 0; c < t->ncols; c++) {
			const struct doc_cell *dc = doc_cell(t, row, c);
			doc_format_cell(dc, t->cols[c].type, text, sizeof text);
			pango_layout_set_alignment(
				cell[c],
				dc->kind == DOC_CELL_NUMBER ? PANGO_ALIGN_RIGHT
				: dc->kind == DOC_CELL_EMPTY ? PANGO_ALIGN_CENTER
				: PANGO_ALIGN_LEFT);
			draw_layout_text(cell[c], text);
			rh = fmax(rh, layout_height(cell[c]) + 2 * CELL_PAD);
		}
		if (p->y + rh > p->bottom) {
			column_rules(p, &r, top);
			new_page(p);
			table_header(p, &r);	/* the header again */
			cairo_set_line_width(p->cr, 0.4);
			top = p->y;
		}
		double x = p->left;
		for (size_t c = 0; c < t->ncols; c++) {
			/* each column's layout holds this row's text */
			cairo_move_to(p->cr, x + CELL_PAD, p->y + CELL_PAD);
			pango_cairo_show_layout(p->cr, cell[c]);
			x += w[c];
		}
		/* the row's rule; the columns' rules once a page (fewer
		 * operators: the PDF is written faster and is smaller) */
		p->y += rh;
		cairo_move_to(p->cr, p->left, p->y);
		cairo_line_to(p->cr, p->right, p->y);
		cairo_stroke(p->cr);
	}
	column_rules(p, &r, top);
	p->y += p->table_size;
	for (size_t c = 0; c < t->ncols; c++) {
		g_object_unref(hdr[c]);
		g_object_unref(cell[c]);
	}
out:
	free(w);
	free(cell);
	free(hdr);
}

/* ---- pictures -------------------------------------------------------- */

/* Paint raster r as one image w points wide at p->y, its caption above
 * it, both on a new page when they do not fit on this one. */
static void paint(struct pdf *p, const struct draw_raster *r, double w,
		  const char *above)
{
	double cap = above && *above ? (p->table_size + 1) * 1.6 : 0;
	double h = w * r->height / r->width;
	double maxh = p->bottom - p->top - cap;
	if (h > maxh) {
		w *= maxh / h;
		h = maxh;
	}
	need(p, cap + h);
	caption(p, above);
	double x = p->left + (width(p) - w) / 2;
	cairo_save(p->cr);
	cairo_translate(p->cr, x, p->y);
	cairo_scale(p->cr, w / r->width, h / r->height);
	cairo_set_source_surface(p->cr, r->surface, 0, 0);
	cairo_paint(p->cr);
	cairo_restore(p->cr);
	p->y += h + 4;
}

static int fail(struct pdf *p, int rc)
{
	if (!p->rc)
		p->rc = rc;
	return rc;
}

static void chart(struct pdf *p, const struct doc_chart *c)
{
	double w = width(p), h = w * 0.5;
	struct draw_raster r;
	if (fail(p, draw_chart(c, (int)(w * RASTER_SCALE),
			       (int)(h * RASTER_SCALE), RASTER_SCALE, &r,
			       p->err)))
		return;
	paint(p, &r, w, c->title);
	draw_raster_free(&r);
	p->y += p->table_size;
}

static void map(struct pdf *p, const struct doc_map *m)
{
	double w = width(p);
	struct draw_raster r;
	if (fail(p, draw_map(m, (int)(w * RASTER_SCALE),
			     (int)((p->bottom - p->top - 40) * RASTER_SCALE),
			     RASTER_SCALE, &r, p->err)))
		return;
	paint(p, &r, w, m->title);
	draw_raster_free(&r);
	p->y += p->table_size;
}

static void photo(struct pdf *p, const struct doc_image *im)
{
	struct draw_raster r;
	char placeholder[1024];
	int rc = draw_photo_or_placeholder(p->d, im, 1600, &r, placeholder,
					   sizeof placeholder, p->err);
	if (rc == 1) {
		caption(p, placeholder);
		return;
	}
	if (fail(p, rc))
		return;
	/* cairo embeds the JPEG as it is (DCTDecode) and frees it */
	if (cairo_surface_set_mime_data(r.surface, CAIRO_MIME_TYPE_JPEG,
					r.jpeg, r.jpeg_len, g_free, r.jpeg) ==
	    CAIRO_STATUS_SUCCESS)
		r.jpeg = NULL;
	double w = fmin(width(p) * 0.8, r.width / RASTER_SCALE * 2);
	double h = w * r.height / r.width;
	double maxh = (p->bottom - p->top) * 0.6;
	if (h > maxh)
		w *= maxh / h;
	paint(p, &r, w, NULL);
	draw_raster_free(&r);
	caption(p, im->caption);
}

/* ---- the end: signature, date, 版记 ---------------------------------- */

/* Signer 右空二字, the date below it moved two characters right of the
 * signer's first character (GB/T 9704 7.3.5.2, without a seal). */
static void signature(struct pdf *p)
{
	const struct doc_meta *m = &p->d->meta;
	if (!m->signer && !m->date)
		return;
	double s = p->body_size;
	p->y += 2 * p->leading;
	need(p, 2 * p->leading);
	PangoLayout *l = layout(p, p->body_family, s, PANGO_WEIGHT_NORMAL, -1,
				PANGO_ALIGN_LEFT);
	int w, h;
	double sx = p->right - 2 * s;
	if (m->signer) {
		draw_layout_text(l, m->signer);
		pango_layout_get_size(l, &w, &h);
		sx = p->right - 2 * s - (double)w / PANGO_SCALE;
		cairo_move_to(p->cr, sx, p->y);
		pango_cairo_show_layout(p->cr, l);
		p->y += p->leading;
	}
	if (m->date) {
		draw_layout_text(l, m->date);
		pango_layout_get_size(l, &w, &h);
		double dx = fmin(sx + 2 * s, p->right - (double)w / PANGO_SCALE);
		cairo_move_to(p->cr, dx, p->y);
		pango_cairo_show_layout(p->cr, l);
		p->y += p->leading;
	}
	g_object_unref(l);
}

/* 版记 at the foot of the last page: thick rule, 抄送, thin rule, the
 * printing office and date, thick rule; 4号, one character in. */
static void colophon(struct pdf *p)
{
	const struct doc_meta *m = &p->d->meta;
	if (!m->copy_to && !m->office)
		return;
	double s = 14, lh = s * 1.9;
	double h = (m->copy_to ? lh : 0) + lh + 4;
	need(p, h + p->leading);
	double y = p->bottom - h;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	PangoLayout *l = layout(p, p->body_family, s, PANGO_WEIGHT_NORMAL,
				width(p) - 2 * s, PANGO_ALIGN_LEFT);
	cairo_set_line_width(p->cr, 1);	/* 0.35 mm */
	cairo_move_to(p->cr, p->left, y);
	cairo_line_to(p->cr, p->right, y);
	cairo_stroke(p->cr);
	char line[1024];
	if (m->copy_to) {
		snprintf(line, sizeof line, "%s%s。",
			 draw_word(p->d, "抄送：", "Copy to: "), m->copy_to);
		draw_layout_text(l, line);
		cairo_move_to(p->cr, p->left + s, y + (lh - s * 1.4) / 2);
		pango_cairo_show_layout(p->cr, l);
		y += lh;
		cairo_set_line_width(p->cr, 0.7);	/* 0.25 mm */
		cairo_move_to(p->cr, p->left, y);
		cairo_line_to(p->cr, p->right, y);
		cairo_stroke(p->cr);
	}
	draw_layout_text(l, m->office ? m->office : "");
	cairo_move_to(p->cr, p->left + s, y + (lh - s * 1.4) / 2);
	pango_cairo_show_layout(p->cr, l);
	snprintf(line, sizeof line, "%s%s", m->date ? m->date : "",
		 draw_word(p->d, "印发", " issued"));
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	draw_layout_text(l, line);
	cairo_move_to(p->cr, p->left + s, y + (lh - s * 1.4) / 2);
	pango_cairo_show_layout(p->cr, l);
	y += lh;
	cairo_set_line_width(p->cr, 1);
	cairo_move_to(p->cr, p->left, y);
	cairo_line_to(p->cr, p->right, y);
	cairo_stroke(p->cr);
	g_object_unref(l);
	p->y = p->bottom;
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	return buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS
						   : CAIRO_STATUS_WRITE_ERROR;
}

int doc_render_pdf(const struct doc *d, struct buf *out, struct ug_error *err)
{
	struct pdf p = { .d = d, .err = err,
			 .official = d->meta.style == DOC_OFFICIAL };
	if (p.official) {	/* GB/T 9704: 版心 156 × 225 mm */
		p.top = 37 * MM;
		p.left = 28 * MM;
		p.right = p.left + 156 * MM;
		p.bottom = p.top + 225 * MM;
		p.body_family = DRAW_SERIF;
		p.body_size = 16;
		p.leading = 225 * MM / 22;	/* 22 lines a page */
		p.table_size = 10.5;
	} else {
		p.top = p.left = 20 * MM;
		p.right = A4_W - 20 * MM;
		p.bottom = A4_H - 22 * MM;
		p.body_family = DRAW_SERIF;
		p.body_size = 10.5;
		p.leading = 10.5 * 1.7;
		p.table_size = 9;
	}
	size_t start = out->len;
	p.surface = cairo_pdf_surface_create_for_stream(pdf_write, out, A4_W,
							 A4_H);
	p.cr = cairo_create(p.surface);
	if (d->meta.title) {
		struct buf scratch = BUF_INIT;
		cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE,
					       draw_clean(d->meta.title, &scratch));
		buf_free(&scratch);
	}
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR,
				       "UrbanGrid");
	new_page(&p);
	head(&p);
	for (const struct doc_block *b = d->first; b && !p.rc; b = b->next) {
		switch (b->kind) {
		case DOC_HEADING: heading(&p, b); break;
		case DOC_PARAGRAPH: paragraph(&p, b->text); break;
		case DOC_TABLE: table(&p, b->u.table); break;
		case DOC_CHART: chart(&p, b->u.chart); break;
		case DOC_IMAGE: photo(&p, b->u.image); break;
		case DOC_MAP: map(&p, b->u.map); break;
		}
	}
	if (!p.rc) {
		signature(&p);
		if (p.official)
			colophon(&p);
		else if (d->meta.copy_to) {
			char line[1024];
			snprintf(line, sizeof line, "%s%s",
				 draw_word(d, "抄送：", "Copy to: "),
				 d->meta.copy_to);
			paragraph(&p, line);
		}
		page_foot(&p);
	}
	cairo_status_t st = cairo_status(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(p.surface);
	cairo_surface_destroy(p.surface);
	if (!p.rc && st != CAIRO_STATUS_SUCCESS)
		p.rc = ug_fail(err, st == CAIRO_STATUS_NO_MEMORY ? UG_ENOMEM
								 : UG_EIO,
			       NULL, "PDF: %s", cairo_status_to_string(st));
	if (p.rc && out->data) {	/* nothing half-written */
		out->len = start;
		out->data[start] = '\0';
	}
	return p.rc;
}
