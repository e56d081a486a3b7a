/*
 * geojson.c - GeoJSON FeatureCollection reader (see geojson.h).
 *
 * jansson parses one feature at a time (see struct gj_reader), and each
 * feature is decoded on its own, so a broken one costs only its own
 * report.  Geometry paths in messages ("coordinates[0][3][1]") are built
 * while descending, so the import tells the user which number is bad.
 */
#include "lib/geojson.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/buf.h"

#define GEOJSON_MAX_POINTS ((size_t)16777216)

/* ---- one geometry ------------------------------------------------------ */

/* The JSON path of the value being decoded: "coordinates" and up to four
 * indexes. */
struct geo_path {
	size_t index[4];
	int depth;
};

static int geo_fail(struct ug_error *err, int code, const struct geo_path *at,
		    const char *msg)
{
	char field[sizeof err->field];
	size_t len;

	len = (size_t)snprintf(field, sizeof field, "coordinates");
	for (int i = 0; i < at->depth && len < sizeof field; i++)
		len += (size_t)snprintf(field + len, sizeof field - len,
					"[%zu]", at->index[i]);
	return ug_fail(err, code, field, "%s", msg);
}

/* A position: an array of two or more numbers (a third, the altitude,
 * and any further ones are ignored). */
static int geo_position(json_t *pos, struct geo_path *at, double *x,
			double *y, struct ug_error *err)
{
	if (!json_is_array(pos) || json_array_size(pos) < 2)
		return geo_fail(err, UG_EINVAL, at,
				"expected a position (an array of 2 or more "
				"numbers)");
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_array_get(pos, i);

		if (!json_is_number(v)) {
			at->index[at->depth++] = i;
			return geo_fail(err, UG_EINVAL, at,
					"expected a number");
		}
		*(i ? y : x) = json_number_value(v);
	}
	return 0;
}

/* A ring: an array of one or more positions into r. */
static int geo_ring(json_t *ring, struct geo_path *at, struct shape_ring *r,
		    struct ug_error *err)
{
	size_t n = json_array_size(ring);
	int rc;

	if (!json_is_array(ring))
		return geo_fail(err, UG_EINVAL, at,
				"expected a ring (an array of positions)");
	if (n == 0)
		return geo_fail(err, UG_EINVAL, at, "ring has no points");
	if ((rc = shape_ring_alloc(r, n, err)) != 0)
		return rc;
	at->depth++;
	for (size_t k = 0; k < n; k++) {
		at->index[at->depth - 1] = k;
		if ((rc = geo_position(json_array_get(ring, k), at, &r->x[k],
				       &r->y[k], err)) != 0)
			return rc;
	}
	at->depth--;
	return 0;
}

/* A polygon's coordinates: an array of one or more rings, appended to
 * s. */
static int geo_polygon(json_t *rings, struct geo_path *at, struct shape *s,
		       struct ug_error *err)
{
	size_t n = json_array_size(rings);
	struct shape_polygon *p;
	int rc;

	if (!json_is_array(rings))
		return geo_fail(err, UG_EINVAL, at,
				"expected a polygon (an array of rings)");
	if (n == 0)
		return geo_fail(err, UG_EINVAL, at, "polygon has no rings");
	if (!(p = shape_add_polygon(s, n)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	at->depth++;
	for (size_t j = 0; j < n; j++) {
		at->index[at->depth - 1] = j;
		if ((rc = geo_ring(json_array_get(rings, j), at,
				   &p->rings[j], err)) != 0)
			return rc;
	}
	at->depth--;
	return 0;
}

/* Points in a Polygon's (depth 1) or MultiPolygon's (depth 2) coordinates,
 * counted before anything is allocated; members of the wrong type count
 * as nothing (the decoding reports them). */
static size_t geo_count_points(json_t *coords, int depth)
{
	size_t n = 0, i;
	json_t *v;

	json_array_foreach(coords, i, v) {
		if (depth > 1)
			n += geo_count_points(v, depth - 1);
		else
			n += json_array_size(v);
	}
	return n;
}

int geojson_polygon(json_t *geometry, struct shape *s, struct ug_error *err)
{
	struct geo_path at = { { 0 }, 0 };
	json_t *type = json_object_get(geometry, "type");
	json_t *coords = json_object_get(geometry, "coordinates");
	const char *name = json_string_value(type);
	int multi, rc;
	size_t points;

	memset(s, 0, sizeof *s);
	if (!json_is_object(geometry))
		return ug_fail(err, UG_EINVAL, "", "geometry is not an object");
	if (!name)
		return ug_fail(err, UG_EINVAL, "type",
			       "geometry has no \"type\" string");
	if (strcmp(name, "Polygon") == 0)
		multi = 0;
	else if (strcmp(name, "MultiPolygon") == 0)
		multi = 1;
	else
		return ug_fail(err, UG_EINVAL, "type",
			       "geometry type %s is not a Polygon or "
			       "MultiPolygon", name);
	if (!json_is_array(coords))
		return geo_fail(err, UG_EINVAL, &at,
				multi ? "expected an array of polygons"
				      : "expected a polygon (an array of "
					"rings)");
	if (json_array_size(coords) == 0)
		return geo_fail(err, UG_EINVAL, &at,
				multi ? "MultiPolygon has no polygons"
				      : "polygon has no rings");
	points = geo_count_points(coords, multi ? 2 : 1);
	if (points > GEOJSON_MAX_POINTS)
		return geo_fail(err, UG_ETOOBIG, &at,
				"more than 16777216 points");
	if (!multi) {
		rc = geo_polygon(coords, &at, s, err);
	} else {
		size_t i;
		json_t *poly;

		rc = 0;
		at.depth = 1;
		json_array_foreach(coords, i, poly) {
			at.index[0] = i;
			if ((rc = geo_polygon(poly, &at, s, err)) != 0)
				break;
		}
	}
	if (rc != 0)
		shape_free(s);
	return rc;
}

/* ---- features ---------------------------------------------------------- */

/* The geometry of feature f into f: kind, shape or point, or the reason
 * it could not be read in ferr.  Only UG_ENOMEM is returned. */
static int feature_geometry(json_t *feature, struct geojson_feature *f,
			    struct ug_error *ferr)
{
	json_t *geometry = json_object_get(feature, "geometry");
	const char *name;
	struct ug_error gerr;
	int rc;

	if (!geometry) {
		ug_fail(ferr, UG_EINVAL, "geometry", "geometry is missing");
		return 0;
	}
	if (json_is_null(geometry)) {
		ug_fail(ferr, UG_EINVAL, "geometry", "geometry is null");
		return 0;
	}
	if (!json_is_object(geometry)) {
		ug_fail(ferr, UG_EINVAL, "geometry",
			"geometry is not an object");
		return 0;
	}
	name = json_string_value(json_object_get(geometry, "type"));
	if (!name) {
		ug_fail(ferr, UG_EINVAL, "geometry.type",
			"geometry has no \"type\" string");
		return 0;
	}
	if (strcmp(name, "Point") == 0) {
		struct geo_path at = { { 0 }, 0 };

		ug_error_clear(&gerr);
		if (geo_position(json_object_get(geometry, "coordinates"),
				 &at, &f->x, &f->y, &gerr) == 0)
			f->kind = GEOJSON_POINT;
		else
			ug_fail(ferr, UG_EINVAL, "geometry.coordinates",
				"geometry.%s: %s", gerr.field, gerr.message);
		return 0;
	}
	if (strcmp(name, "Polygon") != 0 && strcmp(name, "MultiPolygon") != 0) {
		ug_fail(ferr, UG_EINVAL, "geometry.type",
			"geometry type %s is not supported", name);
		return 0;
	}
	ug_error_clear(&gerr);
	rc = geojson_polygon(geometry, &f->shape, &gerr);
	if (rc == -UG_ENOMEM)
		return rc;
	if (rc == 0)
		f->kind = GEOJSON_POLYGON;
	else
		ug_fail(ferr, gerr.code, "geometry", "geometry.%s: %s",
			gerr.field, gerr.message);
	return 0;
}

/* Decode feature number `index` and hand it to the callback.  Returns 0,
 * the callback's answer, or UG_ENOMEM. */
static int feature_deliver(json_t *feature, size_t index,
			   geojson_feature_cb cb, void *ctx,
			   struct ug_error *err)
{
	struct geojson_feature f;
	struct ug_error ferr;
	json_t *props = NULL, *empty = NULL;
	const char *type;
	int rc = 0;

	memset(&f, 0, sizeof f);
	ug_error_clear(&ferr);
	f.index = index;
	if (json_is_object(feature)) {
		props = json_object_get(feature, "properties");
		type = json_string_value(json_object_get(feature, "type"));
		if (!type || strcmp(type, "Feature") != 0)
			ug_fail(&ferr, UG_EINVAL, "type",
				"feature \"type\" is not \"Feature\"");
		else if (props && !json_is_object(props) &&
			 !json_is_null(props))
			ug_fail(&ferr, UG_EINVAL, "properties",
				"properties must be an object or null");
		else
			rc = feature_geometry(feature, &f, &ferr);
		if (rc != 0)
			return ug_fail(err, UG_ENOMEM, NULL,
				       "feature %zu: out of memory", index);
	} else {
		ug_fail(&ferr, UG_EINVAL, "", "feature is not an object");
	}
	if (!json_is_object(props) && !(props = empty = json_object())) {
		shape_free(&f.shape);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	f.properties = props;
	if (ferr.code) {
		/* A feature error comes with kind NONE, whatever was decoded
		 * before it was found. */
		f.kind = GEOJSON_NONE;
		shape_free(&f.shape);
		f.error = ferr.message;
	}
	rc = cb(ctx, &f);
	shape_free(&f.shape);
	json_decref(empty);
	return rc;
}

/* ---- the document ------------------------------------------------------ */

/* The reader walks the top-level object itself and hands each member's
 * value, and each element of "features", to jansson on its own: memory
 * stays at one feature's values instead of the whole document's (ten
 * times the text: 1 GB for a 100 MB file), and the time spent in
 * jansson falls by a third even though it parses every feature twice.
 * The first pass checks the whole text and finds the members; only then
 * does the second deliver features, so a broken document still comes
 * before any callback.  Duplicate members behave as in jansson: the
 * last one counts. */
struct gj_reader {
	const char *text;
	size_t len;
	const char *name;    /* file name for messages, or NULL */
	struct ug_error *err;
	json_t *type;        /* value of the last "type" member */
	size_t features;     /* offset of the last "features" member's
				'[', or SIZE_MAX when absent / not an array */
};

/* Line and column (in characters, as jansson counts them) of `offset`,
 * both from 1. */
static void gj_where(const struct gj_reader *r, size_t offset, int *line,
		     int *column)
{
	*line = 1;
	*column = 0;
	for (size_t i = 0; i < offset && i < r->len; i++) {
		if (r->text[i] == '\n') {
			++*line;
			*column = 0;
		} else if (((unsigned char)r->text[i] & 0xC0) != 0x80) {
			++*column;
		}
	}
}

static int gj_fail(const struct gj_reader *r, int line, int column,
		   const char *what)
{
	return ug_fail(r->err, UG_EINVAL, NULL,
		       "%s%smalformed JSON at line %d column %d: %s",
		       r->name ? r->name : "", r->name ? ": " : "", line,
		       column, what);
}

/* A syntax error of the top level, at the character at `offset`. */
static int gj_fail_at(const struct gj_reader *r, size_t offset,
		      const char *what)
{
	int line, column;

	gj_where(r, offset, &line, &column);
	if (offset < r->len)
		column++;
	return gj_fail(r, line, column,
		       offset < r->len ? what : "unexpected end of file");
}

static size_t gj_space(const struct gj_reader *r, size_t pos)
{
	while (pos < r->len && (r->text[pos] == ' ' || r->text[pos] == '\t' ||
				r->text[pos] == '\n' || r->text[pos] == '\r'))
		pos++;
	return pos;
}

/* One JSON value at *pos, by jansson; *pos moves past it.  The value
 * goes to *out, or is dropped when out is NULL. */
static int gj_value(struct gj_reader *r, size_t *pos, json_t **out)
{
	json_error_t jerr;
	json_t *v;
	int line, column;

	v = json_loadb(r->text + *pos, r->len - *pos,
		       JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &jerr);
	if (!v) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return ug_fail(r->err, UG_ENOMEM, NULL,
				       "out of memory");
		/* jansson counts from the start of the value. */
		gj_where(r, *pos, &line, &column);
		if (jerr.line > 1)
			column = 0;
		if (jerr.line >= 1) {
			line += jerr.line - 1;
			column += jerr.column;
		}
		return gj_fail(r, line, column, jerr.text);
	}
	if (jerr.position <= 0 || (size_t)jerr.position > r->len - *pos) {
		json_decref(v);
		return ug_fail(r->err, UG_EINTERNAL, NULL,
			       "JSON value at byte %zu: jansson reported no "
			       "length", *pos);
	}
	*pos += (size_t)jerr.position;
	if (out)
		*out = v;
	else
		json_decref(v);
	return 0;
}

/* The array at *pos ('['), element by element: each is passed to
 * deliver(), or only checked when deliver is NULL. */
static int gj_array(struct gj_reader *r, size_t *pos,
		    int (*deliver)(json_t *element, size_t index,
				   void *arg),
		    void *arg)
{
	size_t p = gj_space(r, *pos + 1), index = 0;
	json_t *element;
	int rc;

	if (p < r->len && r->text[p] == ']') {
		*pos = p + 1;
		return 0;
	}
	for (;; index++) {
		element = NULL;
		if ((rc = gj_value(r, &p, deliver ? &element : NULL)) != 0)
			return rc;
		if (deliver) {
			rc = deliver(element, index, arg);
			json_decref(element);
			if (rc != 0)
				return rc;
		}
		p = gj_space(r, p);
		if (p < r->len && r->text[p] == ']')
			break;
		if (p >= r->len || r->text[p] != ',')
			return gj_fail_at(r, p, "',' or ']' expected");
		p++;
	}
	*pos = p + 1;
	return 0;
}

/* One member of the top-level object, at *pos (its name's '"'): note
 * "type" and "features", check and drop the others. */
static int gj_member(struct gj_reader *r, size_t *pos)
{
	json_t *key = NULL;
	const char *name;
	int rc;

	if ((rc = gj_value(r, pos, &key)) != 0)
		return rc;
	name = json_string_value(key);
	*pos = gj_space(r, *pos);
	if (*pos >= r->len || r->text[*pos] != ':') {
		json_decref(key);
		return gj_fail_at(r, *pos, "':' expected");
	}
	*pos = gj_space(r, *pos + 1);
	if (strcmp(name, "features") == 0 && *pos < r->len &&
	    r->text[*pos] == '[') {
		r->features = *pos;
		rc = gj_array(r, pos, NULL, NULL);
	} else if (strcmp(name, "type") == 0) {
		json_decref(r->type);
		r->type = NULL;
		rc = gj_value(r, pos, &r->type);
	} else {
		if (strcmp(name, "features") == 0)
			r->features = SIZE_MAX;
		rc = gj_value(r, pos, NULL);
	}
	json_decref(key);
	return rc;
}

/* First pass: the whole text is one JSON object; note its "type" and
 * "features" members. */
static int gj_scan(struct gj_reader *r)
{
	const char *nul = memchr(r->text, '\0', r->len);
	size_t pos = 0;
	int rc;

	/* jansson drops a NUL byte after a number or literal ("[1\0]"
	 * parses): refuse them all, whatever their place. */
	if (nul)
		return gj_fail_at(r, (size_t)(nul - r->text), "NUL byte");
	/* A UTF-8 byte-order mark, which some GIS programs write and RFC
	 * 7946 allows a reader to ignore. */
	if (r->len >= 3 && memcmp(r->text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	pos = gj_space(r, pos);
	if (pos >= r->len || r->text[pos] != '{') {
		/* Not an object: jansson says whether it is JSON at all. */
		if ((rc = gj_value(r, &pos, NULL)) != 0)
			return rc;
		pos = gj_space(r, pos);
		if (pos < r->len)
			return gj_fail_at(r, pos, "end of file expected");
		return ug_fail(r->err, UG_EINVAL, NULL,
			       "%s%snot a GeoJSON FeatureCollection (not a "
			       "JSON object)", r->name ? r->name : "",
			       r->name ? ": " : "");
	}
	pos = gj_space(r, pos + 1);
	if (pos < r->len && r->text[pos] == '}')
		pos++;
	else
		for (int first = 1;; first = 0) {
			if (pos >= r->len || r->text[pos] != '"')
				return gj_fail_at(r, pos,
						  first ? "string or '}' "
							  "expected"
							: "string expected");
			if ((rc = gj_member(r, &pos)) != 0)
				return rc;
			pos = gj_space(r, pos);
			if (pos < r->len && r->text[pos] == '}') {
				pos++;
				break;
			}
			if (pos >= r->len || r->text[pos] != ',')
				return gj_fail_at(r, pos,
						  "',' or '}' expected");
			pos = gj_space(r, pos + 1);
		}
	pos = gj_space(r, pos);
	if (pos < r->len)
		return gj_fail_at(r, pos, "end of file expected");
	return 0;
}

struct gj_delivery {
	geojson_feature_cb cb;
	void *ctx;
	struct ug_error *err;
};

static int gj_deliver_one(json_t *element, size_t index, void *arg)
{
	struct gj_delivery *d = arg;

	return feature_deliver(element, index, d->cb, d->ctx, d->err);
}

/* geojson_read() with the source's name (a file name, or NULL) for
 * document-level messages. */
static int geojson_read_named(const char *text, size_t len, const char *name,
			      geojson_feature_cb cb, void *ctx,
			      struct ug_error *err)
{
	struct gj_reader r = { text, len, name, err, NULL, SIZE_MAX };
	struct gj_delivery d = { cb, ctx, err };
	const char *type;
	size_t pos;
	int rc;

	if ((rc = gj_scan(&r)) != 0)
		goto out;
	type = json_string_value(r.type);
	if (!type) {
		rc = ug_fail(err, UG_EINVAL, "type",
			     "%s%snot a GeoJSON FeatureCollection (no "
			     "\"type\" string)", name ? name : "",
			     name ? ": " : "");
		goto out;
	}
	if (strcmp(type, "FeatureCollection") != 0) {
		rc = ug_fail(err, UG_EINVAL, "type",
			     "%s%snot a GeoJSON FeatureCollection (type is "
			     "\"%s\")", name ? name : "", name ? ": " : "",
			     type);
		goto out;
	}
	if (r.features == SIZE_MAX) {
		rc = ug_fail(err, UG_EINVAL, "features",
			     "%s%sFeatureCollection has no \"features\" array",
			     name ? name : "", name ? ": " : "");
		goto out;
	}
	pos = r.features;
	rc = gj_array(&r, &pos, gj_deliver_one, &d);
out:
	json_decref(r.type);
	return rc;
}

int geojson_read(const char *text, size_t len, geojson_feature_cb cb,
		 void *ctx, struct ug_error *err)
{
	return geojson_read_named(text, len, NULL, cb, ctx, err);
}

int geojson_read_file(const char *path, geojson_feature_cb cb, void *ctx,
		      struct ug_error *err)
{
	struct buf text = BUF_INIT;
	int rc = buf_read_file(&text, path, err);

	if (rc == 0)
		rc = geojson_read_named(text.data ? text.data : "", text.len,
					path, cb, ctx, err);
	buf_free(&text);
	return rc;
}
