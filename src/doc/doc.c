/*
 * doc.c - building a document tree in an arena (see doc.h).
 */
#include "doc/doc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "doc/render.h"
#include "lib/buf.h"

static const char *copy(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* Copy a string that may be NULL: 0 on success. */
static int copy_opt(struct arena *a, const char **dst, const char *s)
{
	*dst = NULL;
	if (!s)
		return 0;
	*dst = copy(a, s);
	return *dst ? 0 : -UG_ENOMEM;
}

struct doc *doc_new(struct arena *a)
{
	struct doc *d = arena_alloc(a, sizeof *d);
	if (!d)
		return NULL;
	memset(d, 0, sizeof *d);
	d->arena = a;
	return d;
}

int doc_set_meta(struct doc *d, const struct doc_meta *m)
{
	struct doc_meta c = { .style = m->style };
	if (copy_opt(d->arena, &c.title, m->title) ||
	    copy_opt(d->arena, &c.subtitle, m->subtitle) ||
	    copy_opt(d->arena, &c.office, m->office) ||
	    copy_opt(d->arena, &c.number, m->number) ||
	    copy_opt(d->arena, &c.addressees, m->addressees) ||
	    copy_opt(d->arena, &c.signer, m->signer) ||
	    copy_opt(d->arena, &c.date, m->date) ||
	    copy_opt(d->arena, &c.copy_to, m->copy_to) ||
	    copy_opt(d->arena, &c.lang, m->lang))
		return -UG_ENOMEM;
	d->meta = c;
	return 0;
}

static struct doc_block *add_block(struct doc *d, enum doc_block_kind kind)
{
	struct doc_block *b = arena_alloc(d->arena, sizeof *b);
	if (!b)
		return NULL;
	memset(b, 0, sizeof *b);
	b->kind = kind;
	if (d->last)
		d->last->next = b;
	else
		d->first = b;
	d->last = b;
	d->nblocks++;
	return b;
}

int doc_heading(struct doc *d, int level, const char *text)
{
	if (level < 1 || level > 3)
		return ug_fail(NULL, UG_EINVAL, "level", "heading level");
	const char *t = copy(d->arena, text ? text : "");
	struct doc_block *b = t ? add_block(d, DOC_HEADING) : NULL;
	if (!b)
		return -UG_ENOMEM;
	b->level = level;
	b->text = t;
	return 0;
}

int doc_paragraph(struct doc *d, const char *fmt, ...)
{
	struct buf tmp = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(&tmp, fmt, ap);
	va_end(ap);
	const char *t = rc == 0 ? arena_strndup(d->arena, buf_str(&tmp),
						  tmp.len) : NULL;
	buf_free(&tmp);
	struct doc_block *b = t ? add_block(d, DOC_PARAGRAPH) : NULL;
	if (!b)
		return -UG_ENOMEM;
	b->text = t;
	return 0;
}

struct doc_table *doc_table(struct doc *d, const char *name,
			    const char *caption, size_t ncols,
			    const struct doc_column *cols)
{
	struct doc_table *t = arena_alloc(d->arena, sizeof *t);
	if (!t || ncols == 0)
		return NULL;
	memset(t, 0, sizeof *t);
	t->arena = d->arena;
	t->ncols = ncols;
	t->cols = arena_alloc(d->arena, ncols * sizeof *t->cols);
	if (!t->cols || copy_opt(d->arena, &t->name, name ? name : "表") ||
	    copy_opt(d->arena, &t->caption, caption))
		return NULL;
	for (size_t i = 0; i < ncols; i++) {
		t->cols[i].type = cols[i].type;
		if (copy_opt(d->arena, &t->cols[i].title,
			     cols[i].title ? cols[i].title : ""))
			return NULL;
	}
	struct doc_block *b = add_block(d, DOC_TABLE);
	if (!b)
		return NULL;
	b->u.table = t;
	return t;
}

long doc_row(struct doc_table *t)
{
	if (t->nrows == t->cap) {
		/* The arena cannot grow a block in place: double into a new
		 * one (the old is wasted until the arena goes; at most as
		 * much again as the table holds). */
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct doc_cell *c = arena_alloc(t->arena,
						 cap * t->ncols * sizeof *c);
		if (!c)
			return -UG_ENOMEM;
		if (t->nrows)
			memcpy(c, t->cells, t->nrows * t->ncols * sizeof *c);
		t->cells = c;
		t->cap = cap;
	}
	memset(t->cells + t->nrows * t->ncols, 0, t->ncols * sizeof *t->cells);
	return (long)t->nrows++;
}

static struct doc_cell *cell_at(struct doc_table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		return NULL;
	return &t->cells[row * t->ncols + col];
}

int doc_cell_text(struct doc_table *t, size_t row, size_t col,
		  const char *text)
{
	struct doc_cell *c = cell_at(t, row, col);
	if (!c)
		return ug_fail(NULL, UG_EINVAL, "cell", "cell out of range");
	if (!text) {
		c->kind = DOC_CELL_EMPTY;
		return 0;
	}
	const char *s = copy(t->arena, text);
	if (!s)
		return -UG_ENOMEM;
	c->kind = DOC_CELL_TEXT;
	c->text = s;
	return 0;
}

int doc_cell_number(struct doc_table *t, size_t row, size_t col, double v)
{
	struct doc_cell *c = cell_at(t, row, col);
	if (!c)
		return ug_fail(NULL, UG_EINVAL, "cell", "cell out of range");
	if (!isfinite(v)) {	/* a rate of nothing: no value, not NaN */
		c->kind = DOC_CELL_EMPTY;
		return 0;
	}
	c->kind = DOC_CELL_NUMBER;
	c->number = v;
	return 0;
}

const struct doc_cell *doc_cell(const struct doc_table *t, size_t row,
				size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		return NULL;
	return &t->cells[row * t->ncols + col];
}

struct doc_chart *doc_chart(struct doc *d, enum doc_chart_kind kind,
			    const char *title, const char *unit, size_t ncats,
			    const char *const *cats)
{
	struct doc_chart *c = arena_alloc(d->arena, sizeof *c);
	if (!c)
		return NULL;
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->arena = d->arena;
	c->ncats = ncats;
	if (copy_opt(d->arena, &c->title, title) ||
	    copy_opt(d->arena, &c->unit, unit))
		return NULL;
	c->cats = arena_alloc(d->arena, (ncats ? ncats : 1) * sizeof *c->cats);
	if (!c->cats)
		return NULL;
	for (size_t i = 0; i < ncats; i++)
		if (copy_opt(d->arena, &c->cats[i], cats[i] ? cats[i] : ""))
			return NULL;
	struct doc_block *b = add_block(d, DOC_CHART);
	if (!b)
		return NULL;
	b->u.chart = c;
	return c;
}

int doc_series(struct doc_chart *c, const char *name, const double *values)
{
	if (c->nseries == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct doc_series *s = arena_alloc(c->arena, cap * sizeof *s);
		if (!s)
			return -UG_ENOMEM;
		if (c->nseries)
			memcpy(s, c->series, c->nseries * sizeof *s);
		c->series = s;
		c->cap = cap;
	}
	struct doc_series *s = &c->series[c->nseries];
	s->values = arena_alloc(c->arena,
				(c->ncats ? c->ncats : 1) * sizeof *s->values);
	if (!s->values || copy_opt(c->arena, &s->name, name ? name : ""))
		return -UG_ENOMEM;
	for (size_t i = 0; i < c->ncats; i++)
		s->values[i] = isfinite(values[i]) ? values[i] : 0;
	c->nseries++;
	return 0;
}

int doc_image(struct doc *d, const char *caption, const void *data,
	      size_t len)
{
	struct doc_image *im = arena_alloc(d->arena, sizeof *im);
	unsigned char *bytes = len ? arena_alloc(d->arena, len) : NULL;
	if (!im || (len && !bytes))
		return -UG_ENOMEM;
	if (len)
		memcpy(bytes, data, len);
	im->data = bytes;
	im->len = len;
	if (copy_opt(d->arena, &im->caption, caption))
		return -UG_ENOMEM;
	struct doc_block *b = add_block(d, DOC_IMAGE);
	if (!b)
		return -UG_ENOMEM;
	b->u.image = im;
	return 0;
}

struct doc_map *doc_map(struct doc *d, const char *title, size_t nclasses,
			const struct doc_map_class *classes)
{
	struct doc_map *m = arena_alloc(d->arena, sizeof *m);
	if (!m)
		return NULL;
	memset(m, 0, sizeof *m);
	m->arena = d->arena;
	m->nclasses = nclasses;
	m->classes = arena_alloc(d->arena,
				 (nclasses ? nclasses : 1) * sizeof *m->classes);
	if (!m->classes || copy_opt(d->arena, &m->title, title))
		return NULL;
	for (size_t i = 0; i < nclasses; i++) {
		m->classes[i].rgb = classes[i].rgb & 0xffffffu;
		if (copy_opt(d->arena, &m->classes[i].label,
			     classes[i].label ? classes[i].label : ""))
			return NULL;
	}
	struct doc_block *b = add_block(d, DOC_MAP);
	if (!b)
		return NULL;
	b->u.map = m;
	return m;
}

int doc_map_area(struct doc_map *m, const char *label, int cls,
		 size_t npoints, const double *lonlat)
{
	if (cls < 0 || (size_t)cls >= m->nclasses)
		return ug_fail(NULL, UG_EINVAL, "class", "map class out of range");
	if (npoints < 3)
		return ug_fail(NULL, UG_EINVAL, "points",
			       "a map area needs 3 points or more");
	struct doc_map_area *a = arena_alloc(m->arena, sizeof *a);
	double *xy = arena_alloc(m->arena, 2 * npoints * sizeof *xy);
	if (!a || !xy)
		return -UG_ENOMEM;
	memset(a, 0, sizeof *a);
	memcpy(xy, lonlat, 2 * npoints * sizeof *xy);
	if (copy_opt(m->arena, &a->label, label))
		return -UG_ENOMEM;
	a->cls = cls;
	a->npoints = npoints;
	a->lonlat = xy;
	for (size_t i = 0; i < npoints; i++) {
		double x = xy[2 * i], y = xy[2 * i + 1];
		if (m->nareas == 0 && i == 0) {
			m->min_lon = m->max_lon = x;
			m->min_lat = m->max_lat = y;
		}
		if (x < m->min_lon) m->min_lon = x;
		if (x > m->max_lon) m->max_lon = x;
		if (y < m->min_lat) m->min_lat = y;
		if (y > m->max_lat) m->max_lat = y;
	}
	if (m->last)
		m->last->next = a;
	else
		m->areas = a;
	m->last = a;
	m->nareas++;
	return 0;
}

/* Digits of a whole number with a comma every three. */
static void group_thousands(long long v, char *out, size_t size)
{
	char digits[32];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;
	int n = snprintf(digits, sizeof digits, "%llu", u);
	size_t o = 0;
	if (v < 0 && o + 1 < size)
		out[o++] = '-';
	for (int i = 0; i < n && o + 1 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0 && o + 2 < size)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

const char *doc_format_cell(const struct doc_cell *c, enum doc_col_type t,
			    char *out, size_t size)
{
	if (!c || c->kind == DOC_CELL_EMPTY) {
		snprintf(out, size, "—");
		return out;
	}
	if (c->kind == DOC_CELL_TEXT) {
		snprintf(out, size, "%s", c->text);
		return out;
	}
	switch (t) {
	case DOC_COL_INT:
		group_thousands(llround(c->number), out, size);
		break;
	case DOC_COL_DECIMAL:
		snprintf(out, size, "%.1f", c->number);
		break;
	case DOC_COL_PERCENT:
		snprintf(out, size, "%.1f%%", c->number * 100.0);
		break;
	case DOC_COL_TEXT:
	default:
		snprintf(out, size, "%g", c->number);
		break;
	}
	return out;
}

int doc_format_parse(const char *text, enum doc_format *out,
		     struct ug_error *err)
{
	static const char *const names[] = { "html", "xlsx", "pdf" };
	for (int i = 0; i < 3; i++)
		if (text && strcmp(text, names[i]) == 0) {
			*out = (enum doc_format)i;
			return 0;
		}
	return ug_fail(err, UG_EINVAL, "format",
		       "format must be html, xlsx or pdf (got \"%s\")",
		       text ? text : "");
}

const char *doc_format_name(enum doc_format f)
{
	switch (f) {
	case DOC_HTML: return "html";
	case DOC_XLSX: return "xlsx";
	case DOC_PDF: return "pdf";
	}
	return "html";
}

const char *doc_format_mime(enum doc_format f)
{
	switch (f) {
	case DOC_HTML: return "text/html; charset=utf-8";
	case DOC_XLSX:
		return "application/vnd.openxmlformats-officedocument."
		       "spreadsheetml.sheet";
	case DOC_PDF: return "application/pdf";
	}
	return "application/octet-stream";
}

double doc_axis_step(double range)
{
	double raw = range / 5;
	if (!(raw > 0) || !isfinite(raw))
		return 1;
	double mag = pow(10, floor(log10(raw)));
	double n = raw / mag;
	return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}
