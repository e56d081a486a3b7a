/*
 * shape.c - polygons owned by the caller, and their WKB and GeoJSON
 * encodings (see shape.h).
 *
 * The WKB reader takes bytes from outside (the database, an upload): it
 * reads through a cursor that knows how many bytes are left, and checks
 * every count against them before allocating anything.
 */
#include "lib/shape.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault.h"

#define WKB_POLYGON 3
#define WKB_MULTIPOLYGON 6

/* Allocation through the fault-injection hook, so tests can fail the
 * Nth one (lib/fault.h). */
static void *shape_alloc(size_t count, size_t size)
{
	if (count == 0 || count > SIZE_MAX / size)
		return NULL;
	if (fault_should_fail(FAULT_ALLOC))
		return NULL;
	return malloc(count * size);
}

static void *shape_calloc(size_t count, size_t size)
{
	if (count == 0)
		return NULL;
	if (fault_should_fail(FAULT_ALLOC))
		return NULL;
	return calloc(count, size);
}

static int shape_oom(struct ug_error *err)
{
	return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
}

static void shape_ring_free(struct shape_ring *r)
{
	free(r->x);
	free(r->y);
	r->x = r->y = NULL;
	r->n = 0;
}

void shape_free(struct shape *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npolygons; i++) {
		struct shape_polygon *p = &s->polygons[i];

		for (size_t j = 0; j < p->nrings; j++)
			shape_ring_free(&p->rings[j]);
		free(p->rings);
	}
	free(s->polygons);
	s->polygons = NULL;
	s->npolygons = 0;
}

struct shape_polygon *shape_add_polygon(struct shape *s, size_t nrings)
{
	struct shape_polygon *polygons, *p;
	struct shape_ring *rings = NULL;

	if (s->npolygons >= SIZE_MAX / sizeof *polygons - 1)
		return NULL;
	if (nrings) {
		rings = shape_calloc(nrings, sizeof *rings);
		if (!rings)
			return NULL;
	}
	if (fault_should_fail(FAULT_ALLOC))
		polygons = NULL;
	else
		polygons = realloc(s->polygons,
				   (s->npolygons + 1) * sizeof *polygons);
	if (!polygons) {
		free(rings);
		return NULL;
	}
	s->polygons = polygons;
	p = &polygons[s->npolygons++];
	p->rings = rings;
	p->nrings = nrings;
	return p;
}

int shape_ring_alloc(struct shape_ring *r, size_t n, struct ug_error *err)
{
	double *x = NULL, *y = NULL;

	if (n) {
		x = shape_alloc(n, sizeof *x);
		y = x ? shape_alloc(n, sizeof *y) : NULL;
		if (!y) {
			free(x);
			return shape_oom(err);
		}
	}
	shape_ring_free(r);
	r->x = x;
	r->y = y;
	r->n = n;
	return 0;
}

int shape_ring_set(struct shape_ring *r, const double *x, const double *y,
		   size_t n, struct ug_error *err)
{
	struct shape_ring fresh = { NULL, NULL, 0 };
	int rc;

	/* Into a fresh ring first: x and y may point into r itself. */
	if ((rc = shape_ring_alloc(&fresh, n, err)) != 0)
		return rc;
	if (n) {
		memcpy(fresh.x, x, n * sizeof *x);
		memcpy(fresh.y, y, n * sizeof *y);
	}
	shape_ring_free(r);
	*r = fresh;
	return 0;
}

int shape_copy(struct shape *dst, const struct shape *src,
	       struct ug_error *err)
{
	memset(dst, 0, sizeof *dst);
	for (size_t i = 0; i < src->npolygons; i++) {
		const struct shape_polygon *sp = &src->polygons[i];
		struct shape_polygon *dp = shape_add_polygon(dst, sp->nrings);

		if (!dp)
			goto oom;
		for (size_t j = 0; j < sp->nrings; j++) {
			const struct shape_ring *r = &sp->rings[j];

			if (shape_ring_set(&dp->rings[j], r->x, r->y, r->n,
					   err) != 0)
				goto oom;
		}
	}
	return 0;
oom:
	shape_free(dst);
	return shape_oom(err);
}

void shape_bbox(const struct shape *s, struct shape_bbox *bb)
{
	bb->minx = bb->miny = INFINITY;
	bb->maxx = bb->maxy = -INFINITY;
	for (size_t i = 0; i < s->npolygons; i++) {
		const struct shape_polygon *p = &s->polygons[i];

		for (size_t j = 0; j < p->nrings; j++) {
			const struct shape_ring *r = &p->rings[j];

			for (size_t k = 0; k < r->n; k++) {
				if (r->x[k] < bb->minx)
					bb->minx = r->x[k];
				if (r->x[k] > bb->maxx)
					bb->maxx = r->x[k];
				if (r->y[k] < bb->miny)
					bb->miny = r->y[k];
				if (r->y[k] > bb->maxy)
					bb->maxy = r->y[k];
			}
		}
	}
}

size_t shape_points(const struct shape *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->npolygons; i++)
		for (size_t j = 0; j < s->polygons[i].nrings; j++)
			n += s->polygons[i].rings[j].n;
	return n;
}

/* ---- lon/lat check ---------------------------------------------------- */

/* One coordinate of point k: finite and within [-limit, limit]. */
static int check_degrees(double v, const char *what, double limit,
			 size_t i, size_t j, size_t k, struct ug_error *err)
{
	if (!isfinite(v))
		return ug_fail(err, UG_EINVAL, NULL,
			       "polygon %zu ring %zu point %zu: %s is not a "
			       "finite number", i, j, k, what);
	if (v < -limit || v > limit)
		return ug_fail(err, UG_EINVAL, NULL,
			       "polygon %zu ring %zu point %zu: %s %.10g out "
			       "of range (-%g..%g)", i, j, k, what, v, limit,
			       limit);
	return 0;
}

int shape_check_lonlat(const struct shape *s, struct ug_error *err)
{
	int rc;

	if (s->npolygons == 0)
		return ug_fail(err, UG_EINVAL, NULL, "shape has no polygons");
	for (size_t i = 0; i < s->npolygons; i++) {
		const struct shape_polygon *p = &s->polygons[i];

		if (p->nrings == 0)
			return ug_fail(err, UG_EINVAL, NULL,
				       "polygon %zu: no rings", i);
		for (size_t j = 0; j < p->nrings; j++) {
			const struct shape_ring *r = &p->rings[j];

			if (r->n < 4)
				return ug_fail(err, UG_EINVAL, NULL,
					       "polygon %zu ring %zu: only %zu "
					       "point%s (a ring needs 4 or "
					       "more)", i, j, r->n,
					       r->n == 1 ? "" : "s");
			for (size_t k = 0; k < r->n; k++) {
				if ((rc = check_degrees(r->x[k], "longitude",
							180, i, j, k, err)) ||
				    (rc = check_degrees(r->y[k], "latitude",
							90, i, j, k, err)))
					return rc;
			}
			if (r->x[0] != r->x[r->n - 1] ||
			    r->y[0] != r->y[r->n - 1])
				return ug_fail(err, UG_EINVAL, NULL,
					       "polygon %zu ring %zu: not "
					       "closed (last point %zu differs "
					       "from point 0)", i, j, r->n - 1);
		}
	}
	return 0;
}

/* ---- WKB writer ------------------------------------------------------- */

static void put_u32le(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_f64le(unsigned char *p, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof v);
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Bytes of one Polygon's WKB, or 0 when a count does not fit in 32 bits
 * or the total in a size_t. */
static size_t wkb_polygon_size(const struct shape_polygon *p)
{
	size_t size = 1 + 4 + 4;

	if (p->nrings > UINT32_MAX)
		return 0;
	for (size_t j = 0; j < p->nrings; j++) {
		size_t n = p->rings[j].n;

		if (n > UINT32_MAX || n > (SIZE_MAX - size - 4) / 16)
			return 0;
		size += 4 + 16 * n;
	}
	return size;
}

/* One Polygon's WKB at out (which has wkb_polygon_size() bytes). */
static unsigned char *wkb_put_polygon(unsigned char *out,
				      const struct shape_polygon *p)
{
	*out++ = 1; /* little-endian */
	put_u32le(out, WKB_POLYGON);
	put_u32le(out + 4, (uint32_t)p->nrings);
	out += 8;
	for (size_t j = 0; j < p->nrings; j++) {
		const struct shape_ring *r = &p->rings[j];

		put_u32le(out, (uint32_t)r->n);
		out += 4;
		for (size_t k = 0; k < r->n; k++) {
			put_f64le(out, r->x[k]);
			put_f64le(out + 8, r->y[k]);
			out += 16;
		}
	}
	return out;
}

int shape_to_wkb(const struct shape *s, struct buf *out,
		 struct ug_error *err)
{
	size_t size = s->npolygons == 1 ? 0 : 1 + 4 + 4;
	unsigned char *p;

	if (s->npolygons > UINT32_MAX)
		return ug_fail(err, UG_ETOOBIG, NULL,
			       "%zu polygons: more than WKB can hold",
			       s->npolygons);
	for (size_t i = 0; i < s->npolygons; i++) {
		size_t n = wkb_polygon_size(&s->polygons[i]);

		if (n == 0 || n > SIZE_MAX / 2 - size)
			return ug_fail(err, UG_ETOOBIG, NULL,
				       "polygon %zu: too many rings or points "
				       "for WKB", i);
		size += n;
	}
	if (buf_reserve(out, size) != 0)
		return shape_oom(err);
	p = (unsigned char *)out->data + out->len;
	if (s->npolygons == 1) {
		p = wkb_put_polygon(p, &s->polygons[0]);
	} else {
		*p++ = 1;
		put_u32le(p, WKB_MULTIPOLYGON);
		put_u32le(p + 4, (uint32_t)s->npolygons);
		p += 8;
		for (size_t i = 0; i < s->npolygons; i++)
			p = wkb_put_polygon(p, &s->polygons[i]);
	}
	out->len += size;
	out->data[out->len] = '\0';
	return 0;
}

/* ---- WKB reader ------------------------------------------------------- */

/* The input and how far the reader has got. */
struct wkb_cursor {
	const unsigned char *data;
	size_t n, pos;
	int big_endian; /* byte order of the geometry being read */
	struct ug_error *err;
};

static int wkb_short(struct wkb_cursor *c, size_t need, const char *what)
{
	return ug_fail(c->err, UG_EINVAL, NULL,
		       "WKB offset %zu: input ends inside %s (%zu byte%s "
		       "needed, %zu left)", c->pos, what, need,
		       need == 1 ? "" : "s", c->n - c->pos);
}

static uint64_t wkb_take(struct wkb_cursor *c, int width)
{
	const unsigned char *p = c->data + c->pos;
	uint64_t v = 0;

	for (int i = 0; i < width; i++) {
		int shift = c->big_endian ? 8 * (width - 1 - i) : 8 * i;

		v |= (uint64_t)p[i] << shift;
	}
	c->pos += (size_t)width;
	return v;
}

static int wkb_u32(struct wkb_cursor *c, uint32_t *v, const char *what)
{
	if (c->n - c->pos < 4)
		return wkb_short(c, 4, what);
	*v = (uint32_t)wkb_take(c, 4);
	return 0;
}

/* A count that introduces items of at least `item_size` bytes each: more
 * items than the bytes left could hold means hostile or broken input,
 * refused before anything is allocated for them. */
static int wkb_count(struct wkb_cursor *c, uint32_t *count, size_t item_size,
		     const char *what)
{
	size_t at = c->pos;
	int rc;

	if ((rc = wkb_u32(c, count, what)) != 0)
		return rc;
	if (*count > (c->n - c->pos) / item_size)
		return ug_fail(c->err, UG_EINVAL, NULL,
			       "WKB offset %zu: %s %" PRIu32 " needs at least "
			       "%zu bytes, only %zu left", at, what, *count,
			       (size_t)*count * item_size, c->n - c->pos);
	return 0;
}

static const char *wkb_type_name(uint32_t base)
{
	static const char *const names[] = {
		"Geometry", "Point", "LineString", "Polygon", "MultiPoint",
		"MultiLineString", "MultiPolygon", "GeometryCollection",
		"CircularString", "CompoundCurve", "CurvePolygon",
		"MultiCurve", "MultiSurface", "Curve", "Surface",
		"PolyhedralSurface", "TIN", "Triangle",
	};

	return base < sizeof names / sizeof names[0] ? names[base]
						     : "unknown";
}

/* Byte order and type of a geometry header; `want` is the type wanted
 * (WKB_POLYGON), or 0 for Polygon or MultiPolygon. */
static int wkb_header(struct wkb_cursor *c, uint32_t want, uint32_t *type)
{
	size_t at = c->pos;
	uint32_t t = 0, base;
	int rc;

	if (c->n - c->pos < 1)
		return wkb_short(c, 1, "a byte-order mark");
	if (c->data[c->pos] > 1)
		return ug_fail(c->err, UG_EINVAL, NULL,
			       "WKB offset %zu: byte order %u (0 or 1 "
			       "expected)", at, (unsigned)c->data[c->pos]);
	c->big_endian = c->data[c->pos++] == 0;
	if ((rc = wkb_u32(c, &t, "a geometry type")) != 0)
		return rc;
	/* PostGIS EWKB marks Z, M and an SRID in the high bits; ISO adds
	 * 1000 (Z), 2000 (M) or 3000 (ZM) to the type. */
	if (t & 0xE0000000u)
		return ug_fail(c->err, UG_EINVAL, NULL,
			       "WKB offset %zu: extended (EWKB) type "
			       "0x%08" PRIx32 " with%s%s%s is not supported: "
			       "plain 2D WKB only (ST_AsBinary, not "
			       "ST_AsEWKB)", at + 1, t,
			       t & 0x80000000u ? " Z" : "",
			       t & 0x40000000u ? " M" : "",
			       t & 0x20000000u ? " SRID" : "");
	base = t % 1000;
	if (t >= 1000 && t < 4000 &&
	    (base == WKB_POLYGON || base == WKB_MULTIPOLYGON))
		return ug_fail(c->err, UG_EINVAL, NULL,
			       "WKB offset %zu: geometry type %" PRIu32
			       " (%s %s) is not supported: 2D only", at + 1,
			       t, wkb_type_name(base),
			       t < 2000 ? "Z" : t < 3000 ? "M" : "ZM");
	if (want ? t != want
		 : t != WKB_POLYGON && t != WKB_MULTIPOLYGON)
		return ug_fail(c->err, UG_EINVAL, NULL,
			       "WKB offset %zu: geometry type %" PRIu32
			       " (%s) where %s was expected", at + 1, t,
			       t < 4000 ? wkb_type_name(base) : "unknown",
			       want ? "a Polygon inside the MultiPolygon"
				    : "a Polygon or MultiPolygon");
	*type = t;
	return 0;
}

/* The body of a Polygon (after its header) into p, whose rings are
 * zeroed; on error the caller frees what was allocated. */
static int wkb_polygon_body(struct wkb_cursor *c, struct shape_polygon *p)
{
	uint32_t nrings, npoints;
	int rc;

	/* A ring takes at least its 4-byte point count. */
	if ((rc = wkb_count(c, &nrings, 4, "ring count")) != 0)
		return rc;
	if (nrings) {
		p->rings = shape_calloc(nrings, sizeof *p->rings);
		if (!p->rings)
			return shape_oom(c->err);
		p->nrings = nrings;
	}
	for (uint32_t j = 0; j < nrings; j++) {
		struct shape_ring *r = &p->rings[j];

		if ((rc = wkb_count(c, &npoints, 16, "point count")) != 0)
			return rc;
		if ((rc = shape_ring_alloc(r, npoints, c->err)) != 0)
			return rc;
		for (uint32_t k = 0; k < npoints; k++) {
			uint64_t x = wkb_take(c, 8), y = wkb_take(c, 8);

			memcpy(&r->x[k], &x, sizeof x);
			memcpy(&r->y[k], &y, sizeof y);
		}
	}
	return 0;
}

int shape_from_wkb(const void *wkb, size_t n, struct shape *s,
		   struct ug_error *err)
{
	struct wkb_cursor c = { wkb, n, 0, 0, err };
	uint32_t type, npolygons = 1;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = wkb_header(&c, 0, &type)) != 0)
		return rc;
	/* A Polygon in a MultiPolygon takes at least 9 bytes: byte order,
	 * type, ring count. */
	if (type == WKB_MULTIPOLYGON &&
	    (rc = wkb_count(&c, &npolygons, 9, "polygon count")) != 0)
		return rc;
	if (npolygons) {
		s->polygons = shape_calloc(npolygons, sizeof *s->polygons);
		if (!s->polygons)
			return shape_oom(err);
		s->npolygons = npolygons;
	}
	for (uint32_t i = 0; i < npolygons; i++) {
		uint32_t member;

		if (type == WKB_MULTIPOLYGON &&
		    (rc = wkb_header(&c, WKB_POLYGON, &member)) != 0)
			goto fail;
		if ((rc = wkb_polygon_body(&c, &s->polygons[i])) != 0)
			goto fail;
	}
	if (c.pos != n) {
		rc = ug_fail(err, UG_EINVAL, NULL,
			     "WKB offset %zu: %zu byte%s after the end of "
			     "the geometry", c.pos, n - c.pos,
			     n - c.pos == 1 ? "" : "s");
		goto fail;
	}
	return 0;
fail:
	shape_free(s);
	return rc;
}

/* ---- GeoJSON writer --------------------------------------------------- */

/* A coordinate rounded to `decimals` digits, without needless trailing
 * zeros ("116.4", "39", never "-0").  The C library writes the locale's
 * decimal point: JSON needs '.', so a ',' is put right.  A whole number
 * of 16 digits or more keeps ".0": readers such as jansson would take it
 * for an integer, and refuse one that does not fit in 64 bits. */
static int json_put_fixed(struct buf *out, double v, int decimals)
{
	size_t start = out->len, dot = SIZE_MAX;

	if (buf_printf(out, "%.*f", decimals, v) != 0)
		return -1;
	for (size_t i = start; i < out->len; i++)
		if (out->data[i] == ',' || out->data[i] == '.') {
			out->data[i] = '.';
			dot = i;
		}
	if (dot != SIZE_MAX) {
		while (out->data[out->len - 1] == '0')
			out->len--;
		if (out->len - 1 == dot)
			out->len--;
		out->data[out->len] = '\0';
	}
	if (strcmp(out->data + start, "-0") == 0) {
		out->data[start] = '0';
		out->len = start + 1;
		out->data[out->len] = '\0';
	}
	if (!memchr(out->data + start, '.', out->len - start) &&
	    out->len - start - (out->data[start] == '-') >= 16)
		return buf_puts(out, ".0");
	return 0;
}

/* A coordinate that reads back as exactly the same double: the shortest
 * of 15, 16 or 17 significant digits that does, always with a '.' or an
 * exponent so that JSON readers take it as a real ("-0.0" keeps its
 * sign, where "-0" would be read as the integer 0). */
static int json_put_exact(struct buf *out, double v)
{
	char text[40];
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(text, sizeof text, "%.*g", prec, v);
		for (char *p = text; *p; p++)
			if (*p == ',')
				*p = '.';
		if (strtod(text, NULL) == v)
			break;
	}
	snprintf(text, sizeof text, "%.*g", prec, v);
	for (char *p = text; *p; p++)
		if (*p == ',')
			*p = '.';
	if (!strpbrk(text, ".e"))
		strcat(text, ".0");
	return buf_puts(out, text);
}

/* JSON has no NaN or infinity. */
static int shape_check_finite(const struct shape *s, struct ug_error *err)
{
	for (size_t i = 0; i < s->npolygons; i++) {
		const struct shape_polygon *p = &s->polygons[i];

		for (size_t j = 0; j < p->nrings; j++) {
			const struct shape_ring *r = &p->rings[j];

			for (size_t k = 0; k < r->n; k++)
				if (!isfinite(r->x[k]) || !isfinite(r->y[k]))
					return ug_fail(err, UG_EINVAL, NULL,
						       "polygon %zu ring %zu "
						       "point %zu: not a "
						       "finite number", i, j,
						       k);
		}
	}
	return 0;
}

int shape_to_geojson(const struct shape *s, int decimals, struct buf *out,
		     struct ug_error *err)
{
	size_t start = out->len;
	int multi = s->npolygons != 1, rc = 0;

	if ((rc = shape_check_finite(s, err)) != 0)
		return rc;
	rc |= buf_puts(out, multi ? "{\"type\":\"MultiPolygon\","
				    "\"coordinates\":["
				  : "{\"type\":\"Polygon\",\"coordinates\":");
	for (size_t i = 0; i < s->npolygons && rc == 0; i++) {
		const struct shape_polygon *p = &s->polygons[i];

		rc |= buf_puts(out, i ? ",[" : "[");
		for (size_t j = 0; j < p->nrings && rc == 0; j++) {
			const struct shape_ring *r = &p->rings[j];

			rc |= buf_puts(out, j ? ",[" : "[");
			for (size_t k = 0; k < r->n && rc == 0; k++) {
				rc |= buf_puts(out, k ? ",[" : "[");
				if (decimals >= 17 || decimals < 0)
					rc |= json_put_exact(out, r->x[k]);
				else
					rc |= json_put_fixed(out, r->x[k],
							     decimals);
				rc |= buf_putc(out, ',');
				if (decimals >= 17 || decimals < 0)
					rc |= json_put_exact(out, r->y[k]);
				else
					rc |= json_put_fixed(out, r->y[k],
							     decimals);
				rc |= buf_putc(out, ']');
			}
			rc |= buf_putc(out, ']');
		}
		rc |= buf_putc(out, ']');
	}
	rc |= buf_puts(out, multi ? "]}" : "}");
	if (rc != 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return shape_oom(err);
	}
	return 0;
}

int shape_segment_clip(const double box[4], double x0, double y0, double x1,
		       double y1, double *t0, double *t1)
{
	double dx = x1 - x0, dy = y1 - y0;
	double p[4] = { -dx, dx, -dy, dy };
	double q[4] = { x0 - box[0], box[2] - x0, y0 - box[1], box[3] - y0 };

	*t0 = 0.0;
	*t1 = 1.0;
	for (int k = 0; k < 4; k++) {
		double r;

		if (p[k] == 0.0) {
			if (q[k] < 0.0)
				return 0;   /* parallel to this side, outside */
			continue;
		}
		r = q[k] / p[k];
		if (p[k] < 0.0) {
			if (r > *t0)
				*t0 = r;
		} else if (r < *t1) {
			*t1 = r;
		}
	}
	return *t0 <= *t1;
}
