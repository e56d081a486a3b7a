/*
 * json.c - a document tree to JSON and back (doc.h): what a stored report
 * keeps, so that each of its versions renders later, in any format, with
 * the numbers it had when it was made.
 */
#include "doc/doc.h"

#include <string.h>

#include <jansson.h>

#include "lib/buf.h"

static const char *const block_names[] = {
	[DOC_HEADING] = "heading", [DOC_PARAGRAPH] = "paragraph",
	[DOC_TABLE] = "table", [DOC_CHART] = "chart",
	[DOC_IMAGE] = "image", [DOC_MAP] = "map",
};

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *base64(const unsigned char *p, size_t n)
{
	struct buf b = BUF_INIT;
	json_t *j = buf_base64(&b, p, n) ? NULL
					 : json_stringn(b.len ? b.data : "",
							b.len);

	buf_free(&b);
	return j;
}

static json_t *table_json(const struct doc_table *t)
{
	json_t *cols = json_array(), *rows = json_array();

	for (size_t j = 0; j < t->ncols; j++)
		json_array_append_new(cols, json_pack("{s:s,s:i}", "title",
						      t->cols[j].title, "type",
						      (int)t->cols[j].type));
	for (size_t i = 0; i < t->nrows; i++) {
		json_t *row = json_array();
		for (size_t j = 0; j < t->ncols; j++) {
			const struct doc_cell *c = doc_cell(t, i, j);
			json_array_append_new(row,
				c->kind == DOC_CELL_TEXT ? json_string(c->text)
				: c->kind == DOC_CELL_NUMBER
					? json_real(c->number)
					: json_null());
		}
		json_array_append_new(rows, row);
	}
	return json_pack("{s:o,s:o,s:o,s:o}", "name", str(t->name), "caption",
			 str(t->caption), "cols", cols, "rows", rows);
}

static json_t *chart_json(const struct doc_chart *c)
{
	json_t *cats = json_array(), *series = json_array();

	for (size_t i = 0; i < c->ncats; i++)
		json_array_append_new(cats, json_string(c->cats[i]));
	for (size_t s = 0; s < c->nseries; s++) {
		json_t *v = json_array();
		for (size_t i = 0; i < c->ncats; i++)
			json_array_append_new(v,
					      json_real(c->series[s].values[i]));
		json_array_append_new(series, json_pack("{s:o,s:o}", "name",
					str(c->series[s].name), "values", v));
	}
	return json_pack("{s:i,s:o,s:o,s:o,s:o}", "chart", (int)c->kind,
			 "title", str(c->title), "unit", str(c->unit), "cats",
			 cats, "series", series);
}

static json_t *map_json(const struct doc_map *m)
{
	json_t *classes = json_array(), *areas = json_array();

	for (size_t i = 0; i < m->nclasses; i++)
		json_array_append_new(classes, json_pack("{s:s,s:I}", "label",
					m->classes[i].label, "rgb",
					(json_int_t)m->classes[i].rgb));
	for (const struct doc_map_area *a = m->areas; a; a = a->next) {
		json_t *pts = json_array();
		for (size_t i = 0; i < 2 * a->npoints; i++)
			json_array_append_new(pts, json_real(a->lonlat[i]));
		json_array_append_new(areas, json_pack("{s:o,s:i,s:o}",
					"label", str(a->label), "class",
					a->cls, "lonlat", pts));
	}
	return json_pack("{s:o,s:o,s:o}", "title", str(m->title), "classes",
			 classes, "areas", areas);
}

json_t *doc_to_json(const struct doc *d)
{
	const struct doc_meta *m = &d->meta;
	json_t *blocks = json_array(), *j;

	for (const struct doc_block *b = d->first; b; b = b->next) {
		switch (b->kind) {
		case DOC_HEADING:
			j = json_pack("{s:i,s:s}", "level", b->level, "text",
				      b->text);
			break;
		case DOC_PARAGRAPH:
			j = json_pack("{s:s}", "text", b->text);
			break;
		case DOC_TABLE: j = table_json(b->u.table); break;
		case DOC_CHART: j = chart_json(b->u.chart); break;
		case DOC_IMAGE:
			j = json_pack("{s:o,s:o}", "caption",
				      str(b->u.image->caption), "data",
				      base64(b->u.image->data,
					     b->u.image->len));
			break;
		case DOC_MAP: j = map_json(b->u.map); break;
		default: j = NULL;
		}
		if (!j || json_object_set_new(j, "kind",
					      json_string(block_names[b->kind])) ||
		    json_array_append_new(blocks, j)) {
			json_decref(blocks);
			return NULL;
		}
	}
	return json_pack("{s:{s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o},s:o}",
			 "meta", "style", (int)m->style, "title", str(m->title),
			 "subtitle", str(m->subtitle), "office", str(m->office),
			 "number", str(m->number), "addressees",
			 str(m->addressees), "signer", str(m->signer), "date",
			 str(m->date), "copy_to", str(m->copy_to), "lang",
			 str(m->lang), "blocks", blocks);
}

/* ---- and back ----------------------------------------------------------- */

static const char *get_s(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int unbase64(struct arena *a, const char *s, unsigned char **out,
		    size_t *len)
{
	size_t n = strlen(s), o = 0;
	unsigned char *p = arena_alloc(a, n / 4 * 3 + 1);
	unsigned v = 0;
	int bits = 0;

	if (!p)
		return -UG_ENOMEM;
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *k = strchr(b64, s[i]);
		if (!k || !s[i])
			return -UG_EINVAL;
		v = v << 6 | (unsigned)(k - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			p[o++] = (unsigned char)(v >> bits);
		}
	}
	*out = p;
	*len = o;
	return 0;
}

/* Room in d's arena for as many items of `size` as array `key` of j
 * holds (*n of them; at least one item's room), or NULL. */
static void *items_of(struct doc *d, json_t *j, const char *key, size_t size,
		      size_t *n)
{
	*n = json_array_size(json_object_get(j, key));
	return arena_alloc(d->arena, (*n ? *n : 1) * size);
}

static int table_from(struct doc *d, json_t *j)
{
	json_t *cols = json_object_get(j, "cols");
	json_t *rows = json_object_get(j, "rows");
	size_t n, i;
	struct doc_column *dc = items_of(d, j, "cols", sizeof *dc, &n);
	json_t *c, *row;

	if (!dc)
		return -UG_ENOMEM;
	json_array_foreach(cols, i, c) {
		dc[i].title = get_s(c, "title");
		dc[i].type = (enum doc_col_type)json_integer_value(
			json_object_get(c, "type"));
	}
	struct doc_table *t = doc_table(d, get_s(j, "name"),
					get_s(j, "caption"), n, dc);
	if (!t)
		return n ? -UG_ENOMEM : -UG_EINVAL;
	json_array_foreach(rows, i, row) {
		long r = doc_row(t);
		if (r < 0)
			return (int)r;
		for (size_t k = 0; k < n; k++) {
			json_t *v = json_array_get(row, k);
			int rc = json_is_string(v)
				? doc_cell_text(t, (size_t)r, k,
						json_string_value(v))
				: json_is_number(v)
				? doc_cell_number(t, (size_t)r, k,
						  json_number_value(v))
				: 0;
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int chart_from(struct doc *d, json_t *j)
{
	json_t *cats = json_object_get(j, "cats");
	json_t *series = json_object_get(j, "series");
	size_t n, i;
	const char **cv = items_of(d, j, "cats", sizeof *cv, &n);
	double *vals = items_of(d, j, "cats", sizeof *vals, &n);
	json_t *s;

	if (!cv || !vals)
		return -UG_ENOMEM;
	for (i = 0; i < n; i++)
		cv[i] = json_string_value(json_array_get(cats, i));
	struct doc_chart *c = doc_chart(d, (enum doc_chart_kind)
					json_integer_value(json_object_get(j, "chart")),
					get_s(j, "title"), get_s(j, "unit"), n,
					cv);
	if (!c)
		return -UG_ENOMEM;
	json_array_foreach(series, i, s) {
		json_t *v = json_object_get(s, "values");
		for (size_t k = 0; k < n; k++)
			vals[k] = json_number_value(json_array_get(v, k));
		int rc = doc_series(c, get_s(s, "name"), vals);
		if (rc)
			return rc;
	}
	return 0;
}

static int map_from(struct doc *d, json_t *j)
{
	json_t *classes = json_object_get(j, "classes");
	json_t *areas = json_object_get(j, "areas");
	size_t n, i;
	struct doc_map_class *mc = items_of(d, j, "classes", sizeof *mc, &n);
	json_t *c, *a;

	if (!mc)
		return -UG_ENOMEM;
	json_array_foreach(classes, i, c) {
		mc[i].label = get_s(c, "label");
		mc[i].rgb = (unsigned)json_integer_value(json_object_get(c, "rgb"));
	}
	struct doc_map *m = doc_map(d, get_s(j, "title"), n, mc);
	if (!m)
		return -UG_ENOMEM;
	json_array_foreach(areas, i, a) {
		json_t *pts = json_object_get(a, "lonlat");
		size_t np = json_array_size(pts) / 2;
		double *xy = arena_alloc(d->arena, (2 * np + 1) * sizeof *xy);
		if (!xy)
			return -UG_ENOMEM;
		for (size_t k = 0; k < 2 * np; k++)
			xy[k] = json_number_value(json_array_get(pts, k));
		int rc = doc_map_area(m, get_s(a, "label"),
				      (int)json_integer_value(
					      json_object_get(a, "class")),
				      np, xy);
		if (rc)
			return rc;
	}
	return 0;
}

int doc_from_json(struct arena *a, json_t *j, struct doc **out,
		  struct ug_error *err)
{
	json_t *m = json_object_get(j, "meta");
	json_t *blocks = json_object_get(j, "blocks"), *b;
	struct doc *d = doc_new(a);
	size_t i;
	int rc = 0;

	if (!d)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (!json_is_object(m) || !json_is_array(blocks))
		return ug_fail(err, UG_EINVAL, "document", "not a document");
	struct doc_meta dm = {
		.style = (enum doc_style)json_integer_value(
			json_object_get(m, "style")),
		.title = get_s(m, "title"), .subtitle = get_s(m, "subtitle"),
		.office = get_s(m, "office"), .number = get_s(m, "number"),
		.addressees = get_s(m, "addressees"),
		.signer = get_s(m, "signer"), .date = get_s(m, "date"),
		.copy_to = get_s(m, "copy_to"), .lang = get_s(m, "lang"),
	};
	if ((rc = doc_set_meta(d, &dm)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	json_array_foreach(blocks, i, b) {
		const char *kind = get_s(b, "kind");
		const char *text = get_s(b, "text");

		if (!kind)
			rc = -UG_EINVAL;
		else if (strcmp(kind, "heading") == 0)
			rc = doc_heading(d, (int)json_integer_value(
						    json_object_get(b, "level")),
					 text);
		else if (strcmp(kind, "paragraph") == 0)
			rc = doc_paragraph(d, "%s", text ? text : "");
		else if (strcmp(kind, "table") == 0)
			rc = table_from(d, b);
		else if (strcmp(kind, "chart") == 0)
			rc = chart_from(d, b);
		else if (strcmp(kind, "map") == 0)
			rc = map_from(d, b);
		else if (strcmp(kind, "image") == 0) {
			unsigned char *bytes;
			size_t len;
			rc = unbase64(a, get_s(b, "data") ? get_s(b, "data") : "",
				      &bytes, &len);
			if (rc == 0)
				rc = doc_image(d, get_s(b, "caption"), bytes, len);
		} else
			rc = -UG_EINVAL;
		if (rc)
			return rc == -UG_ENOMEM
				? ug_fail(err, UG_ENOMEM, NULL, "out of memory")
				: ug_fail(err, UG_EINVAL, "document",
					  "block %zu of the document is not one",
					  i);
	}
	*out = d;
	return 0;
}
