/*
 * xlsx.c - a document as an XLSX workbook (doc_render_xlsx, render.h),
 * written by libxlsxwriter: a summary sheet (the head and the text in
 * order), one sheet per table (typed cells with number formats, bold
 * bordered headers, the header row frozen), native column and line charts
 * beside their data, the map as a PNG drawn by draw.c, the photos on a
 * sheet of their own.  The only file that includes xlsxwriter.h.
 *
 * libxlsxwriter 1.1.4 writes to a file only: a private temporary file
 * (mkstemp, mode 0600) is written, read back into `out` and unlinked.
 */
#include "doc/render.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "doc/draw.h"

/* Excel's limit on a sheet's name, in characters. */
#define SHEET_NAME_MAX 31
/* Rows measured to size the columns (the rest are like them). */
#define MEASURE_ROWS 1000
/* Excel's limit on a cell's text, in characters. */
#define CELL_CHARS_MAX 32767
/* Default row height in pixels, for stacking pictures. */
#define ROW_PX 20

struct sheet {
	lxw_worksheet *ws;
	char name[4 * SHEET_NAME_MAX + 1];
	lxw_col_t side;     /* first column beside the table: chart data */
	lxw_row_t side_row; /* next free row there */
};

struct book {
	const struct doc *d;
	lxw_workbook *wb;
	lxw_format *title, *bold, *wrap, *head, *num[4];
	char (*names)[4 * SHEET_NAME_MAX + 1];  /* every sheet's name */
	size_t nnames;
	struct sheet *sheets;  /* per table, in order */
	struct sheet charts, maps, photos;
	lxw_row_t chart_row, map_row, photo_row;
	struct buf scratch;  /* draw_clean()'s */
	struct ug_error *err;
};

/* A string cell, its text made clean for XML first and cut to Excel's
 * 32,767 characters (libxlsxwriter writes nothing for a longer one). */
static void put(struct book *b, lxw_worksheet *ws, lxw_row_t row,
		lxw_col_t col, const char *text, lxw_format *f)
{
	const char *s = draw_clean(text, &b->scratch);
	size_t n = 0, cut = 0;
	for (size_t i = 0; s[i] && n <= CELL_CHARS_MAX; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == CELL_CHARS_MAX - 1)
			cut = i;	/* where the last character that fits starts */
	if (n <= CELL_CHARS_MAX) {
		worksheet_write_string(ws, row, col, s, f);
		return;
	}
	struct buf cell = BUF_INIT;
	if (buf_append(&cell, s, cut) == 0 && buf_puts(&cell, "…") == 0)
		worksheet_write_string(ws, row, col, cell.data, f);
	buf_free(&cell);
}

/* Compare names the way Excel does (ASCII case folded). */
static bool name_taken(const struct book *b, const char *name)
{
	for (size_t i = 0; i < b->nnames; i++)
		if (strcasecmp(b->names[i], name) == 0)
			return true;
	return false;
}

/* At most max UTF-8 characters of s into out, []:*?/\ as "_". */
static void clip_name(const char *s, size_t max, char *out, size_t size)
{
	size_t o = 0, chars = 0;
	for (const unsigned char *p = (const unsigned char *)s;
	     *p && chars < max;) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
		if (o + n + 1 > size)
			break;
		if (n == 1 && strchr("[]:*?/\\", *p))
			out[o++] = '_';
		else if (n == 1 && *p < 0x20)
			out[o++] = ' ';
		else
			for (size_t i = 0; i < n && p[i]; i++)
				out[o++] = (char)p[i];
		p += n;
		chars++;
	}
	out[o] = '\0';
	/* Excel refuses a leading or trailing apostrophe */
	while (o > 0 && out[o - 1] == '\'')
		out[--o] = '\0';
	if (out[0] == '\'')
		out[0] = '_';
}

/* A unique sheet name from `want`, kept in the book's list. */
static const char *sheet_name(struct book *b, const char *want,
			      const char *fallback)
{
	char *name = b->names[b->nnames];
	size_t size = sizeof b->names[0];
	want = want ? draw_clean(want, &b->scratch) : NULL;
	clip_name(want && *want ? want : fallback, SHEET_NAME_MAX, name, size);
	if (!*name)
		clip_name(fallback, SHEET_NAME_MAX, name, size);
	for (int n = 2; name_taken(b, name); n++) {
		char suffix[16], stem[sizeof b->names[0]];
		int sl = snprintf(suffix, sizeof suffix, " (%d)", n);
		clip_name(want && *want ? want : fallback,
			  SHEET_NAME_MAX - (size_t)sl, stem, sizeof stem);
		size_t sn = strlen(stem);	/* fits: stem ≤ 31 - sl chars */
		memcpy(name, stem, sn);
		memcpy(name + sn, suffix, (size_t)sl + 1);
	}
	b->nnames++;
	return name;
}

/* A column's width in Excel's units (characters of the default font):
 * CJK and other wide characters take two. */
static double text_width(const char *s)
{
	double w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
		w += n >= 3 ? 2.1 : 1.1;
		for (size_t i = 0; i < n && *p; i++)
			p++;
	}
	return w;
}

static int lxw_fail(struct book *b, lxw_error e, const char *what)
{
	return ug_fail(b->err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? UG_ENOMEM
								   : UG_EIO,
		       NULL, "XLSX %s: %s", what, lxw_strerror(e));
}

/* ---- the summary ----------------------------------------------------- */

static void summary_line(struct book *b, lxw_worksheet *ws, lxw_row_t *row,
			 const char *label, const char *text, lxw_format *f)
{
	if (!text || !*text)
		return;
	char line[1024];
	if (label) {
		snprintf(line, sizeof line, "%s%s", label, text);
		text = line;
	}
	put(b, ws, (*row)++, 0, text, f ? f : b->wrap);
}

static int summary(struct book *b)
{
	const struct doc *d = b->d;
	const struct doc_meta *m = &d->meta;
	lxw_worksheet *ws = workbook_add_worksheet(
		b->wb, draw_word(d, "概要", "Summary"));
	if (!ws)
		return lxw_fail(b, LXW_ERROR_MEMORY_MALLOC_FAILED, "summary");
	worksheet_set_column(ws, 0, 0, 100, b->wrap);
	lxw_row_t row = 0;
	summary_line(b, ws, &row, NULL, m->title, b->title);
	summary_line(b, ws, &row, NULL, m->subtitle, NULL);
	summary_line(b, ws, &row, draw_word(d, "发文机关：", "Office: "),
		     m->office, NULL);
	summary_line(b, ws, &row, draw_word(d, "文号：", "Number: "),
		     m->number, NULL);
	summary_line(b, ws, &row, draw_word(d, "主送：", "To: "),
		     m->addressees, NULL);
	summary_line(b, ws, &row, draw_word(d, "日期：", "Date: "), m->date,
		     NULL);
	row++;
	size_t ti = 0;
	char line[1024];
	for (const struct doc_block *bl = d->first; bl; bl = bl->next) {
		switch (bl->kind) {
		case DOC_HEADING:
			summary_line(b, ws, &row, NULL, bl->text, b->bold);
			break;
		case DOC_PARAGRAPH:
			summary_line(b, ws, &row, NULL, bl->text, NULL);
			break;
		case DOC_TABLE:
			snprintf(line, sizeof line, "%s%s%s",
				 bl->u.table->caption ? bl->u.table->caption
						      : "",
				 draw_word(d, " → 工作表：", " → sheet: "),
				 b->sheets[ti++].name);
			summary_line(b, ws, &row, NULL, line, NULL);
			break;
		case DOC_CHART:
			summary_line(b, ws, &row, draw_word(d, "图：", "Chart: "),
				     bl->u.chart->title, NULL);
			break;
		case DOC_MAP:
			summary_line(b, ws, &row, draw_word(d, "地图：", "Map: "),
				     bl->u.map->title, NULL);
			break;
		case DOC_IMAGE:
			summary_line(b, ws, &row,
				     draw_word(d, "照片：", "Photo: "),
				     bl->u.image->caption, NULL);
			break;
		}
	}
	row++;
	summary_line(b, ws, &row, NULL, m->signer, NULL);
	summary_line(b, ws, &row, draw_word(d, "抄送：", "Copy to: "),
		     m->copy_to, NULL);
	return 0;
}

/* ---- tables ---------------------------------------------------------- */

/* The page header Excel prints: the caption centred, its & doubled (a
 * control character in Excel's header codes); left out when longer than
 * Excel's 255 characters allow. */
static void print_header(struct book *b, lxw_worksheet *ws, const char *text)
{
	struct buf h = BUF_INIT;
	int rc = buf_puts(&h, "&C");
	for (const char *p = draw_clean(text, &b->scratch); *p && !rc; p++)
		rc = *p == '&' ? buf_puts(&h, "&&") : buf_putc(&h, *p);
	if (!rc && h.len <= 255)
		worksheet_set_header(ws, h.data);
	buf_free(&h);
}

static void table(struct book *b, struct sheet *s, const struct doc_table *t)
{
	lxw_worksheet *ws = s->ws;
	for (size_t c = 0; c < t->ncols; c++) {
		double w = text_width(t->cols[c].title) + 2;
		size_t n = t->nrows < MEASURE_ROWS ? t->nrows : MEASURE_ROWS;
		char text[256];
		for (size_t r = 0; r < n; r++) {
			const struct doc_cell *dc = doc_cell(t, r, c);
			if (dc->kind == DOC_CELL_EMPTY)
				continue;
			doc_format_cell(dc, t->cols[c].type, text, sizeof text);
			w = fmax(w, text_width(text) + 2);
		}
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
				     fmin(fmax(w, 8), 60), NULL);
		put(b, ws, 0, (lxw_col_t)c, t->cols[c].title,
				       b->head);
	}
	worksheet_freeze_panes(ws, 1, 0);
	/* printed: A4, as wide as a page, the header on every page, the
	 * caption at the top of each */
	worksheet_set_paper(ws, 9);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 0);
	if (t->caption)
		print_header(b, ws, t->caption);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const struct doc_cell *dc = doc_cell(t, r, c);
			lxw_row_t row = (lxw_row_t)(r + 1);
			if (dc->kind == DOC_CELL_TEXT)
				put(b, ws, row, (lxw_col_t)c,
						       dc->text, NULL);
			else if (dc->kind == DOC_CELL_NUMBER)
				worksheet_write_number(
					ws, row, (lxw_col_t)c, dc->number,
					b->num[t->cols[c].type]);
			/* an empty cell stays empty */
		}
	s->side = (lxw_col_t)(t->ncols + 1);
	s->side_row = 0;
}

/* ---- charts ---------------------------------------------------------- */

/* The chart's data at (row, col) of s — categories down, a column per
 * series — and the native chart beside it, its series naming the cells. */
static int chart(struct book *b, struct sheet *s, const struct doc_chart *c)
{
	lxw_worksheet *ws = s->ws;
	lxw_row_t r0 = s->side_row;
	lxw_col_t c0 = s->side;
	put(b, ws, r0, c0, c->unit ? c->unit : "", b->head);
	for (size_t i = 0; i < c->ncats; i++)
		put(b, ws, r0 + 1 + (lxw_row_t)i, c0,
				       c->cats[i], NULL);
	for (size_t k = 0; k < c->nseries; k++) {
		lxw_col_t col = c0 + 1 + (lxw_col_t)k;
		put(b, ws, r0, col, c->series[k].name, b->head);
		for (size_t i = 0; i < c->ncats; i++)
			worksheet_write_number(ws, r0 + 1 + (lxw_row_t)i, col,
					       c->series[k].values[i], NULL);
	}
	if (!c->nseries || !c->ncats) {	/* nothing to plot: its title */
		if (c->title)
			put(b, ws, r0 + 1, c0 + 1, c->title, b->bold);
		s->side_row = r0 + 3;
		return 0;
	}
	lxw_chart *ch = workbook_add_chart(
		b->wb, c->kind == DOC_CHART_BAR ? LXW_CHART_COLUMN
						: LXW_CHART_LINE);
	if (!ch)
		return lxw_fail(b, LXW_ERROR_MEMORY_MALLOC_FAILED, "chart");
	for (size_t k = 0; k < c->nseries; k++) {
		lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
		if (!se)
			return lxw_fail(b, LXW_ERROR_MEMORY_MALLOC_FAILED,
					"chart");
		lxw_col_t col = c0 + 1 + (lxw_col_t)k;
		lxw_row_t last = r0 + (lxw_row_t)c->ncats;
		chart_series_set_categories(se, s->name, r0 + 1, c0, last, c0);
		chart_series_set_values(se, s->name, r0 + 1, col, last, col);
		chart_series_set_name_range(se, s->name, r0, col);
	}
	if (c->title)
		chart_title_set_name(ch, draw_clean(c->title, &b->scratch));
	if (c->unit && *c->unit)
		chart_axis_set_name(ch->y_axis, draw_clean(c->unit, &b->scratch));
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	lxw_chart_options o = { .x_scale = 1.2, .y_scale = 1.2 };
	lxw_error e = worksheet_insert_chart_opt(
		ws, r0, c0 + 2 + (lxw_col_t)c->nseries, ch, &o);
	if (e)
		return lxw_fail(b, e, "chart");
	/* the next chart below this one (a chart is about 18 rows high) */
	lxw_row_t used = (lxw_row_t)c->ncats + 2;
	s->side_row = r0 + (used > 20 ? used : 20);
	return 0;
}

/* ---- pictures -------------------------------------------------------- */

/* Insert an image of w × h pixels shown at most max_px wide at *row. */
static int picture(struct book *b, lxw_worksheet *ws, lxw_row_t *row,
		   const unsigned char *data, size_t len, int w, int h,
		   double max_px)
{
	double k = w > max_px ? max_px / w : 1;
	lxw_image_options o = { .x_scale = k, .y_scale = k };
	lxw_error e = worksheet_insert_image_buffer_opt(ws, *row, 0, data,
							len, &o);
	if (e)
		return lxw_fail(b, e, "picture");
	*row += (lxw_row_t)ceil(h * k / ROW_PX) + 1;
	return 0;
}

static int map(struct book *b, const struct doc_map *m)
{
	lxw_worksheet *ws = b->maps.ws;
	if (m->title)
		put(b, ws, b->map_row++, 0, m->title, b->bold);
	struct draw_raster r;
	int rc = draw_map(m, 1400, 1400, 2.0, &r, b->err);
	if (rc)
		return rc;
	struct buf png = BUF_INIT;
	rc = draw_png(&r, &png, b->err);
	if (!rc)
		rc = picture(b, ws, &b->map_row, (unsigned char *)png.data,
			     png.len, r.width, r.height, 700);
	buf_free(&png);
	draw_raster_free(&r);
	b->map_row++;
	return rc;
}

static int photo(struct book *b, const struct doc_image *im)
{
	lxw_worksheet *ws = b->photos.ws;
	struct draw_raster r;
	char placeholder[1024];
	int rc = draw_photo_or_placeholder(b->d, im, 1024, &r, placeholder,
					   sizeof placeholder, b->err);
	if (rc == 1) {
		put(b, ws, b->photo_row, 0, placeholder, NULL);
		b->photo_row += 2;
		return 0;
	}
	if (rc)
		return rc;
	if (im->caption)
		put(b, ws, b->photo_row++, 0, im->caption,
				       b->bold);
	rc = picture(b, ws, &b->photo_row, r.jpeg, r.jpeg_len, r.width,
		     r.height, 480);
	draw_raster_free(&r);
	b->photo_row++;
	return rc;
}

/* ---- the workbook ---------------------------------------------------- */

static void formats(struct book *b)
{
	b->title = workbook_add_format(b->wb);
	format_set_bold(b->title);
	format_set_font_size(b->title, 16);
	b->bold = workbook_add_format(b->wb);
	format_set_bold(b->bold);
	b->wrap = workbook_add_format(b->wb);
	format_set_text_wrap(b->wrap);
	format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
	b->head = workbook_add_format(b->wb);
	format_set_bold(b->head);
	format_set_border(b->head, LXW_BORDER_THIN);
	format_set_bg_color(b->head, 0xe8e8e8);
	format_set_align(b->head, LXW_ALIGN_CENTER);
	format_set_align(b->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(b->head);
	b->num[DOC_COL_TEXT] = NULL;
	static const char *const nf[] = { NULL, "#,##0", "0.0", "0.0%" };
	for (int t = DOC_COL_INT; t <= DOC_COL_PERCENT; t++) {
		b->num[t] = workbook_add_format(b->wb);
		format_set_num_format(b->num[t], nf[t]);
	}
}

/* The sheets in order: summary, tables, charts without a table before
 * them, maps, photos; then what goes on them. */
static int fill(struct book *b)
{
	const struct doc *d = b->d;
	size_t ntables = 0, nlone = 0, nmaps = 0, nphotos = 0;
	bool seen_table = false;
	for (const struct doc_block *bl = d->first; bl; bl = bl->next) {
		ntables += bl->kind == DOC_TABLE;
		seen_table |= bl->kind == DOC_TABLE;
		nlone += bl->kind == DOC_CHART && !seen_table;
		nmaps += bl->kind == DOC_MAP;
		nphotos += bl->kind == DOC_IMAGE;
	}
	b->names = calloc(ntables + 4, sizeof *b->names);
	b->sheets = calloc(ntables ? ntables : 1, sizeof *b->sheets);
	if (!b->names || !b->sheets)
		return ug_fail(b->err, UG_ENOMEM, NULL, "XLSX sheets");
	/* the fixed sheets' names first: a table called 照片 gives way */
	const char *fixed[] = {
		draw_word(d, "概要", "Summary"),
		nlone ? draw_word(d, "图表", "Charts") : NULL,
		nmaps ? draw_word(d, "地图", "Map") : NULL,
		nphotos ? draw_word(d, "照片", "Photos") : NULL,
	};
	for (size_t i = 0; i < 4; i++)
		if (fixed[i])
			snprintf(b->names[b->nnames++], sizeof b->names[0],
				 "%s", fixed[i]);
	size_t ti = 0;
	for (const struct doc_block *bl = d->first; bl; bl = bl->next)
		if (bl->kind == DOC_TABLE) {
			char fallback[32];
			snprintf(fallback, sizeof fallback, "T%zu", ti + 1);
			snprintf(b->sheets[ti].name, sizeof b->sheets[ti].name,
				 "%s", sheet_name(b, bl->u.table->name,
						  fallback));
			ti++;
		}
	int rc = summary(b);
	if (rc)
		return rc;
	ti = 0;
	for (const struct doc_block *bl = d->first; bl; bl = bl->next)
		if (bl->kind == DOC_TABLE) {
			struct sheet *s = &b->sheets[ti++];
			s->ws = workbook_add_worksheet(b->wb, s->name);
			if (!s->ws)
				return ug_fail(b->err, UG_EIO, "name",
					       "XLSX sheet \"%s\"", s->name);
			table(b, s, bl->u.table);
		}
	struct sheet *extra[] = { nlone ? &b->charts : NULL,
				  nmaps ? &b->maps : NULL,
				  nphotos ? &b->photos : NULL };
	for (size_t i = 0; i < 3; i++)
		if (extra[i]) {
			snprintf(extra[i]->name, sizeof extra[i]->name, "%s",
				 fixed[i + 1]);
			extra[i]->ws = workbook_add_worksheet(b->wb,
							      extra[i]->name);
			if (!extra[i]->ws)
				return lxw_fail(b, LXW_ERROR_MEMORY_MALLOC_FAILED,
						"sheet");
		}
	if (nmaps)
		worksheet_set_column(b->maps.ws, 0, 0, 40, NULL);
	if (nphotos)
		worksheet_set_column(b->photos.ws, 0, 0, 40, NULL);
	struct sheet *last = nlone ? &b->charts : NULL;
	ti = 0;
	for (const struct doc_block *bl = d->first; bl && !rc; bl = bl->next) {
		switch (bl->kind) {
		case DOC_TABLE: last = &b->sheets[ti++]; break;
		case DOC_CHART: rc = chart(b, last, bl->u.chart); break;
		case DOC_MAP: rc = map(b, bl->u.map); break;
		case DOC_IMAGE: rc = photo(b, bl->u.image); break;
		case DOC_HEADING:
		case DOC_PARAGRAPH: break;
		}
	}
	return rc;
}

int doc_render_xlsx(const struct doc *d, struct buf *out, struct ug_error *err)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/ug-xlsx-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);	/* mode 0600: the report is no one else's */
	if (fd < 0)
		return ug_fail(err, UG_EIO, NULL, "XLSX temporary file in %s: %m",
			       dir && *dir ? dir : "/tmp");
	close(fd);
	struct book b = { .d = d, .err = err };
	int rc = 0;
	b.wb = workbook_new(path);
	if (!b.wb) {
		rc = ug_fail(err, UG_EIO, NULL, "XLSX workbook %s", path);
		goto out;
	}
	formats(&b);
	rc = fill(&b);
	lxw_error e = workbook_close(b.wb);	/* writes, frees, even so */
	if (!rc && e)
		rc = lxw_fail(&b, e, "write");
	if (!rc)
		rc = buf_read_file(out, path, err);
out:
	unlink(path);
	free(b.names);
	free(b.sheets);
	buf_free(&b.scratch);
	return rc;
}
