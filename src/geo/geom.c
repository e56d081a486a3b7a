/*
 * geom.c - planar geometry on shapes through GEOS's reentrant C API (see
 * geom.h for the contract).  Each call converts its shapes to GEOS
 * geometries, asks GEOS, and converts the polygonal part of the answer
 * back; every GEOS object is released on every path.  Order of this file:
 * the context and its messages, conversions both ways, then the
 * operations in the order of the header.
 */
#include "geo/geom.h"

/* Only the _r functions: the others share one global context. */
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault.h"

#define GEOM_FIELD "geometry"  /* the ug_error field of refused input */
#define GEOM_TREE_NODES 10     /* STRtree node capacity (GEOS's default) */

struct geom_ctx {
	GEOSContextHandle_t h;
	char error[512];  /* GEOS's last error message, "" if none */
	char notice[512]; /* its last notice, "" if none */
};

/* ---- allocation (tests can fail each one through lib/fault.h) --------- */

static void *geom_calloc(size_t n, size_t size)
{
	if (fault_should_fail(FAULT_ALLOC))
		return NULL;
	return calloc(n ? n : 1, size);
}

/* ---- the context ------------------------------------------------------ */

/* GEOS reports an exception by calling this, then returns its failure
 * value (NULL, 0 or 2); the message is kept for the ug_error. */
static void ctx_on_error(const char *message, void *userdata)
{
	struct geom_ctx *g = userdata;

	snprintf(g->error, sizeof g->error, "%s", message ? message : "");
}

static void ctx_on_notice(const char *message, void *userdata)
{
	struct geom_ctx *g = userdata;

	snprintf(g->notice, sizeof g->notice, "%s", message ? message : "");
}

static int ctx_init(struct geom_ctx *g)
{
	memset(g, 0, sizeof *g);
	g->h = GEOS_init_r();
	if (!g->h)
		return -1;
	GEOSContext_setErrorMessageHandler_r(g->h, ctx_on_error, g);
	GEOSContext_setNoticeMessageHandler_r(g->h, ctx_on_notice, g);
	return 0;
}

struct geom_ctx *geom_ctx_new(void)
{
	struct geom_ctx *g = geom_calloc(1, sizeof *g);

	if (g && ctx_init(g) != 0) {
		free(g);
		g = NULL;
	}
	return g;
}

void geom_ctx_free(struct geom_ctx *g)
{
	if (!g)
		return;
	GEOS_finish_r(g->h);
	free(g);
}

/* The context a call works in: the caller's, or `own` set up for this
 * one call when the caller passed NULL.  Forgets earlier messages.  NULL
 * (UG_ENOMEM recorded) when a context cannot be made. */
static struct geom_ctx *ctx_enter(struct geom_ctx *g, struct geom_ctx *own,
				  struct ug_error *err)
{
	if (!g) {
		if (ctx_init(own) != 0) {
			ug_fail(err, UG_ENOMEM, NULL,
				"cannot create a GEOS context");
			return NULL;
		}
		return own;
	}
	g->error[0] = '\0';
	g->notice[0] = '\0';
	return g;
}

static void ctx_leave(struct geom_ctx *g, struct geom_ctx *own)
{
	if (g == own)
		GEOS_finish_r(own->h);
}

/* Record that GEOS failed while doing `what`.  GEOS turns every C++
 * exception into a message, std::bad_alloc included: that one is
 * UG_ENOMEM, anything else is GEOS refusing the input. */
static int geos_fail(struct geom_ctx *g, const char *what,
		     struct ug_error *err)
{
	const char *why = g->error[0] ? g->error
			  : g->notice[0] ? g->notice
			  : "GEOS failed without saying why";

	if (strstr(why, "bad_alloc"))
		return ug_fail(err, UG_ENOMEM, NULL,
			       "%s: out of memory in GEOS", what);
	return ug_fail(err, UG_EINVAL, GEOM_FIELD, "%s: %s", what, why);
}

/* Put `prefix` ("shape 3", "shapes 3 and 7") before the message of a
 * failure about some of the caller's shapes; returns rc. */
static int fail_prefix(struct ug_error *err, int rc, const char *prefix)
{
	char field[sizeof err->field], msg[sizeof err->message];

	if (!err)
		return rc;
	snprintf(field, sizeof field, "%s", err->field);
	snprintf(msg, sizeof msg, "%s", err->message);
	ug_fail(err, err->code, field, "%s: %s", prefix, msg);
	return rc;
}

static int fail_in_shape(struct ug_error *err, int rc, size_t i)
{
	char prefix[48];

	snprintf(prefix, sizeof prefix, "shape %zu", i);
	return fail_prefix(err, rc, prefix);
}

/* A coordinate for a message: up to 7 decimals (about 1 cm in degrees),
 * trailing zeros dropped, so "116.401" rather than "116.4010000". */
static const char *coord_text(char buf[40], double v)
{
	size_t n;

	snprintf(buf, 40, "%.7f", v);
	if (strchr(buf, '.')) {
		n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	return buf;
}

/* ---- shape -> GEOS ---------------------------------------------------- */

/*
 * Refuse what GEOS cannot build or would build wrong, with a reason that
 * names polygon, ring and point: a polygon without rings, a ring of fewer
 * than 4 points or not closed (GEOS throws while creating those, with a
 * less helpful message), a coordinate that is not finite, a count past
 * GEOS's unsigned int.
 */
static int shape_check_rings(const struct shape *s, struct ug_error *err)
{
	char b[4][40];

	if (s->npolygons > UINT_MAX)
		return ug_fail(err, UG_EINVAL, GEOM_FIELD,
			       "shape has too many polygons (%zu)",
			       s->npolygons);
	for (size_t p = 0; p < s->npolygons; p++) {
		const struct shape_polygon *poly = &s->polygons[p];

		if (poly->nrings == 0)
			return ug_fail(err, UG_EINVAL, GEOM_FIELD,
				       "polygon %zu has no rings", p);
		if (poly->nrings > UINT_MAX)
			return ug_fail(err, UG_EINVAL, GEOM_FIELD,
				       "polygon %zu has too many rings (%zu)",
				       p, poly->nrings);
		for (size_t r = 0; r < poly->nrings; r++) {
			const struct shape_ring *ring = &poly->rings[r];
			size_t n = ring->n;

			if (n < 4)
				return ug_fail(err, UG_EINVAL, GEOM_FIELD,
					       "polygon %zu ring %zu: ring has "
					       "only %zu points (a closed ring "
					       "needs at least 4)", p, r, n);
			if (n > UINT_MAX)
				return ug_fail(err, UG_EINVAL, GEOM_FIELD,
					       "polygon %zu ring %zu: ring has "
					       "too many points (%zu)", p, r,
					       n);
			for (size_t k = 0; k < n; k++)
				if (!isfinite(ring->x[k]) ||
				    !isfinite(ring->y[k]))
					return ug_fail(err, UG_EINVAL,
						       GEOM_FIELD,
						       "polygon %zu ring %zu "
						       "point %zu: coordinate "
						       "is not a finite number",
						       p, r, k);
			if (ring->x[0] != ring->x[n - 1] ||
			    ring->y[0] != ring->y[n - 1])
				return ug_fail(err, UG_EINVAL, GEOM_FIELD,
					       "polygon %zu ring %zu: ring is "
					       "not closed (first point %s %s, "
					       "last point %s %s)", p, r,
					       coord_text(b[0], ring->x[0]),
					       coord_text(b[1], ring->y[0]),
					       coord_text(b[2], ring->x[n - 1]),
					       coord_text(b[3],
							  ring->y[n - 1]));
		}
	}
	return 0;
}

static GEOSGeometry *geos_ring(struct geom_ctx *g, const struct shape_ring *r)
{
	GEOSCoordSequence *seq;

	seq = GEOSCoordSeq_copyFromArrays_r(g->h, r->x, r->y, NULL, NULL,
					    (unsigned)r->n);
	if (!seq)
		return NULL;
	/* The ring owns seq from here, even when its creation fails. */
	return GEOSGeom_createLinearRing_r(g->h, seq);
}

/* One polygon (rings already checked).  NULL with the GEOS message in g,
 * or with g->error empty when our own allocation failed. */
static GEOSGeometry *geos_polygon(struct geom_ctx *g,
				  const struct shape_polygon *poly)
{
	size_t nholes = poly->nrings - 1, built = 0;
	GEOSGeometry *shell = NULL, **holes = NULL, *out = NULL;

	if (nholes && !(holes = geom_calloc(nholes, sizeof *holes)))
		return NULL;
	if (!(shell = geos_ring(g, &poly->rings[0])))
		goto out;
	for (built = 0; built < nholes; built++)
		if (!(holes[built] = geos_ring(g, &poly->rings[built + 1])))
			goto out;
	/* Takes shell and holes (not the array), also when it fails. */
	out = GEOSGeom_createPolygon_r(g->h, shell, holes, (unsigned)nholes);
	shell = NULL;
	built = 0;
out:
	GEOSGeom_destroy_r(g->h, shell);
	for (size_t k = 0; k < built; k++)
		GEOSGeom_destroy_r(g->h, holes[k]);
	free(holes);
	return out;
}

/* Destroy the first n geometries of v and the array itself. */
static void geos_destroy_array(struct geom_ctx *g, GEOSGeometry **v,
			       size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		GEOSGeom_destroy_r(g->h, v[i]);
	free(v);
}

/*
 * A shape as a GEOS Polygon (one polygon), MultiPolygon (several) or
 * empty Polygon (none), into *out, which the caller destroys.  UG_EINVAL
 * from shape_check_rings(), UG_ENOMEM.
 */
static int geos_from_shape(struct geom_ctx *g, const struct shape *s,
			   GEOSGeometry **out, struct ug_error *err)
{
	GEOSGeometry **parts = NULL;
	size_t n = s->npolygons, built;
	int rc;

	*out = NULL;
	if ((rc = shape_check_rings(s, err)) != 0)
		return rc;
	if (n == 0)
		*out = GEOSGeom_createEmptyPolygon_r(g->h);
	else if (n == 1)
		*out = geos_polygon(g, &s->polygons[0]);
	else {
		if (!(parts = geom_calloc(n, sizeof *parts)))
			return ug_fail(err, UG_ENOMEM, NULL,
				       "out of memory converting a shape");
		for (built = 0; built < n; built++)
			if (!(parts[built] = geos_polygon(g,
							  &s->polygons[built])))
				break;
		if (built < n) {
			geos_destroy_array(g, parts, built);
			parts = NULL;
		} else {
			/* Takes the polygons (not the array). */
			*out = GEOSGeom_createCollection_r(
				g->h, GEOS_MULTIPOLYGON, parts, (unsigned)n);
			free(parts);
		}
	}
	if (*out)
		return 0;
	if (!g->error[0])
		return ug_fail(err, UG_ENOMEM, NULL,
			       "out of memory converting a shape");
	return geos_fail(g, "converting a shape", err);
}

/* GEOS geometries of shapes[0..n-1] into a new array *out (destroy with
 * geos_destroy_array(g, *out, n)).  Errors name the shape. */
/* geos_from_shape() of a shape that must hold a polygon: one without is
 * UG_EINVAL naming the field. */
static int geos_from_polygons(struct geom_ctx *g, const struct shape *s,
			      GEOSGeometry **out, struct ug_error *err)
{
	if (s->npolygons == 0)
		return ug_fail(err, UG_EINVAL, GEOM_FIELD,
			       "shape has no polygon");
	return geos_from_shape(g, s, out, err);
}

static int geos_from_shapes(struct geom_ctx *g,
			    const struct shape *const *shapes, size_t n,
			    GEOSGeometry ***out, struct ug_error *err)
{
	GEOSGeometry **v;
	int rc;

	*out = NULL;
	if (!(v = geom_calloc(n, sizeof *v)))
		return ug_fail(err, UG_ENOMEM, NULL,
			       "out of memory converting %zu shapes", n);
	for (size_t i = 0; i < n; i++) {
		if ((rc = geos_from_shape(g, shapes[i], &v[i], err)) != 0) {
			geos_destroy_array(g, v, i);
			return fail_in_shape(err, rc, i);
		}
	}
	*out = v;
	return 0;
}

/* ---- GEOS -> shape ---------------------------------------------------- */

/* Ring `ring` into out, GEOS copying straight into the shape's arrays. */
static int shape_ring_from_geos(struct geom_ctx *g, const GEOSGeometry *ring,
				struct shape_ring *out, struct ug_error *err)
{
	const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(g->h, ring);
	unsigned int n = 0;
	int rc;

	if (!seq || !GEOSCoordSeq_getSize_r(g->h, seq, &n))
		return geos_fail(g, "reading a ring", err);
	if ((rc = shape_ring_alloc(out, n, err)) != 0)
		return rc;
	if (n && !GEOSCoordSeq_copyToArrays_r(g->h, seq, out->x, out->y, NULL,
					      NULL))
		return geos_fail(g, "reading a ring", err);
	return 0;
}

/* fn on every non-empty Polygon of geom (geom itself, or found at any
 * depth in a collection); points and lines have no area and are passed
 * over.  Stops at the first non-zero return of fn and returns it. */
typedef int (*polygon_fn)(struct geom_ctx *g, const GEOSGeometry *polygon,
			  void *arg, struct ug_error *err);

static int geos_each_polygon(struct geom_ctx *g, const GEOSGeometry *geom,
			     polygon_fn fn, void *arg, struct ug_error *err)
{
	const GEOSGeometry *part;
	int n, rc;

	switch (GEOSGeomTypeId_r(g->h, geom)) {
	case GEOS_POLYGON:
		switch (GEOSisEmpty_r(g->h, geom)) {
		case 0:
			return fn(g, geom, arg, err);
		case 1:
			return 0;
		default:
			return geos_fail(g, "reading a polygon", err);
		}
	case GEOS_MULTIPOLYGON:
	case GEOS_GEOMETRYCOLLECTION:
		if ((n = GEOSGetNumGeometries_r(g->h, geom)) < 0)
			return geos_fail(g, "reading a collection", err);
		for (int i = 0; i < n; i++) {
			if (!(part = GEOSGetGeometryN_r(g->h, geom, i)))
				return geos_fail(g, "reading a collection",
						 err);
			if ((rc = geos_each_polygon(g, part, fn, arg, err)))
				return rc;
		}
		return 0;
	case -1:
		return geos_fail(g, "reading a geometry", err);
	default:
		return 0;
	}
}

/* A polygon_fn: append the polygon to the shape arg. */
static int shape_add_geos_polygon(struct geom_ctx *g,
				  const GEOSGeometry *polygon, void *arg,
				  struct ug_error *err)
{
	struct shape *out = arg;
	struct shape_polygon *poly;
	const GEOSGeometry *ring;
	int nholes, rc;

	if ((nholes = GEOSGetNumInteriorRings_r(g->h, polygon)) < 0)
		return geos_fail(g, "reading a polygon", err);
	if (!(poly = shape_add_polygon(out, 1 + (size_t)nholes)))
		return ug_fail(err, UG_ENOMEM, NULL,
			       "out of memory adding a polygon of %d holes",
			       nholes);
	for (int r = 0; r <= nholes; r++) {
		ring = r == 0 ? GEOSGetExteriorRing_r(g->h, polygon)
			      : GEOSGetInteriorRingN_r(g->h, polygon, r - 1);
		if (!ring)
			return geos_fail(g, "reading a polygon", err);
		rc = shape_ring_from_geos(g, ring, &poly->rings[r], err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The polygonal part of geom into *out (zeroed by the caller; zeroed
 * again on failure). */
static int shape_from_geos(struct geom_ctx *g, const GEOSGeometry *geom,
			   struct shape *out, struct ug_error *err)
{
	int rc = geos_each_polygon(g, geom, shape_add_geos_polygon, out, err);

	if (rc)
		shape_free(out);
	return rc;
}

/* ---- validity --------------------------------------------------------- */

/* "Self-intersection at 116.401 39.902" from what GEOS found. */
static int invalid_report(struct geom_ctx *g, const char *reason,
			  const GEOSGeometry *location, struct ug_error *err)
{
	char bx[40], by[40];
	double x, y;

	if (!reason)
		reason = "invalid geometry";
	if (location && GEOSisEmpty_r(g->h, location) == 0 &&
	    GEOSGeomGetX_r(g->h, location, &x) == 1 &&
	    GEOSGeomGetY_r(g->h, location, &y) == 1)
		return ug_fail(err, UG_EINVAL, GEOM_FIELD, "%s at %s %s",
			       reason, coord_text(bx, x), coord_text(by, y));
	return ug_fail(err, UG_EINVAL, GEOM_FIELD, "%s", reason);
}

int geom_check_valid(struct geom_ctx *caller, const struct shape *s,
		     struct ug_error *err)
{
	struct geom_ctx own, *g = ctx_enter(caller, &own, err);
	GEOSGeometry *geom = NULL, *location = NULL;
	char *reason = NULL;
	char valid;
	int rc;

	if (!g)
		return -UG_ENOMEM;
	if ((rc = geos_from_polygons(g, s, &geom, err)) != 0)
		goto out;
	valid = GEOSisValidDetail_r(g->h, geom, 0, &reason, &location);
	if (valid == 1)
		rc = 0;
	else if (valid == 0)
		rc = invalid_report(g, reason, location, err);
	else
		rc = geos_fail(g, "checking validity", err);
out:
	GEOSFree_r(g->h, reason);
	GEOSGeom_destroy_r(g->h, location);
	GEOSGeom_destroy_r(g->h, geom);
	ctx_leave(g, &own);
	return rc;
}

/* ---- measures and overlay --------------------------------------------- */

int geom_area(struct geom_ctx *caller, const struct shape *s, double *area,
	      struct ug_error *err)
{
	struct geom_ctx own, *g = ctx_enter(caller, &own, err);
	GEOSGeometry *geom = NULL;
	int rc;

	*area = 0;
	if (!g)
		return -UG_ENOMEM;
	if ((rc = geos_from_shape(g, s, &geom, err)) != 0)
		goto out;
	if (!GEOSArea_r(g->h, geom, area)) {
		*area = 0;
		rc = geos_fail(g, "computing the area", err);
	}
out:
	GEOSGeom_destroy_r(g->h, geom);
	ctx_leave(g, &own);
	return rc;
}

int geom_intersection(struct geom_ctx *caller, const struct shape *a,
		      const struct shape *b, struct shape *out,
		      struct ug_error *err)
{
	struct geom_ctx own, *g = ctx_enter(caller, &own, err);
	GEOSGeometry *ga = NULL, *gb = NULL, *result = NULL;
	int rc;

	if (!g)
		return -UG_ENOMEM;
	if ((rc = geos_from_shape(g, a, &ga, err)) != 0 ||
	    (rc = geos_from_shape(g, b, &gb, err)) != 0)
		goto out;
	if (!(result = GEOSIntersection_r(g->h, ga, gb))) {
		rc = geos_fail(g, "intersection", err);
		goto out;
	}
	rc = shape_from_geos(g, result, out, err);
out:
	GEOSGeom_destroy_r(g->h, result);
	GEOSGeom_destroy_r(g->h, gb);
	GEOSGeom_destroy_r(g->h, ga);
	ctx_leave(g, &own);
	return rc;
}

/* The union of n shapes as a GEOS geometry (the caller destroys it). */
/* grid_size > 0 snaps the result to that precision (GEOS OverlayNG),
 * closing cracks narrower than it between neighbours. */
static int geos_union(struct geom_ctx *g, const struct shape *const *shapes,
		      size_t n, double grid_size, GEOSGeometry **out,
		      struct ug_error *err)
{
	GEOSGeometry **parts, *all;
	int rc;

	*out = NULL;
	if (n > UINT_MAX)
		return ug_fail(err, UG_EINVAL, GEOM_FIELD,
			       "too many shapes to unite (%zu)", n);
	if ((rc = geos_from_shapes(g, shapes, n, &parts, err)) != 0)
		return rc;
	/* Takes the geometries (not the array), also when it fails. */
	all = GEOSGeom_createCollection_r(g->h, GEOS_GEOMETRYCOLLECTION, parts,
					  (unsigned)n);
	free(parts);
	if (!all)
		return geos_fail(g, "union", err);
	*out = grid_size > 0 ? GEOSUnaryUnionPrec_r(g->h, all, grid_size)
			     : GEOSUnaryUnion_r(g->h, all);
	GEOSGeom_destroy_r(g->h, all);
	if (!*out)
		return geos_fail(g, "union", err);
	return 0;
}

int geom_union(struct geom_ctx *caller, const struct shape *const *shapes,
	       size_t n, struct shape *out, struct ug_error *err)
{
	struct geom_ctx own, *g = ctx_enter(caller, &own, err);
	GEOSGeometry *u = NULL;
	int rc;

	if (!g)
		return -UG_ENOMEM;
	if ((rc = geos_union(g, shapes, n, 0, &u, err)) == 0)
		rc = shape_from_geos(g, u, out, err);
	GEOSGeom_destroy_r(g->h, u);
	ctx_leave(g, &own);
	return rc;
}

int geom_simplify(struct geom_ctx *caller, const struct shape *s,
		  double tolerance, struct shape *out, struct ug_error *err)
{
	struct geom_ctx own, *g;
	GEOSGeometry *geom = NULL, *simple = NULL;
	int rc;

	if (isnan(tolerance))
		return ug_fail(err, UG_EINVAL, "tolerance",
			       "tolerance is not a number");
	if (tolerance <= 0)
		return shape_copy(out, s, err);
	if (!(g = ctx_enter(caller, &own, err)))
		return -UG_ENOMEM;
	if ((rc = geos_from_shape(g, s, &geom, err)) != 0)
		goto out;
	if (!(simple = GEOSTopologyPreserveSimplify_r(g->h, geom, tolerance))) {
		rc = geos_fail(g, "simplification", err);
		goto out;
	}
	rc = shape_from_geos(g, simple, out, err);
out:
	GEOSGeom_destroy_r(g->h, simple);
	GEOSGeom_destroy_r(g->h, geom);
	ctx_leave(g, &own);
	return rc;
}

/* ---- overlaps --------------------------------------------------------- */

/* Indexes j > self whose envelopes meet shape self's, from the STRtree. */
struct candidates {
	size_t self;
	size_t *v, n, cap;
	int nomem;
};

static void candidates_collect(void *item, void *userdata)
{
	struct candidates *c = userdata;
	size_t j = *(const size_t *)item, *v;

	if (j <= c->self || c->nomem)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;

		if (fault_should_fail(FAULT_ALLOC) ||
		    !(v = realloc(c->v, cap * sizeof *v))) {
			c->nomem = 1;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = j;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* The common area of shapes i and j (0 when they only touch or are
 * apart).  pi is shape i prepared, for the cheap "do they meet" test. */
static int overlap_area(struct geom_ctx *g, const GEOSPreparedGeometry *pi,
			const GEOSGeometry *gi, const GEOSGeometry *gj,
			double *area, struct ug_error *err)
{
	GEOSGeometry *common;
	char meet = GEOSPreparedIntersects_r(g->h, pi, gj);
	int ok;

	*area = 0;
	if (meet == 0)
		return 0;
	if (meet != 1)
		return geos_fail(g, "overlap test", err);
	if (!(common = GEOSIntersection_r(g->h, gi, gj)))
		return geos_fail(g, "intersection", err);
	ok = GEOSArea_r(g->h, common, area);
	GEOSGeom_destroy_r(g->h, common);
	if (!ok)
		return geos_fail(g, "computing the area", err);
	return 0;
}

/* For each candidate pair (i, j) of shape i, the callback when the common
 * area exceeds min_area. */
static int overlaps_of(struct geom_ctx *g, GEOSGeometry **geoms, size_t i,
		       const struct candidates *c, double min_area,
		       geom_overlap_cb cb, void *ctx, struct ug_error *err)
{
	const GEOSPreparedGeometry *pi;
	double area;
	int rc = 0;

	if (c->n == 0)
		return 0;
	if (!(pi = GEOSPrepare_r(g->h, geoms[i])))
		return fail_in_shape(err, geos_fail(g, "preparing", err), i);
	for (size_t k = 0; k < c->n && rc == 0; k++) {
		size_t j = c->v[k];

		rc = overlap_area(g, pi, geoms[i], geoms[j], &area, err);
		if (rc) {
			char prefix[80];

			snprintf(prefix, sizeof prefix, "shapes %zu and %zu",
				 i, j);
			rc = fail_prefix(err, rc, prefix);
			break;
		}
		if (area > min_area)
			rc = cb(ctx, i, j, area);
	}
	GEOSPreparedGeom_destroy_r(g->h, pi);
	return rc;
}

int geom_overlaps(struct geom_ctx *caller, const struct shape *const *shapes,
		  size_t n, double min_area, geom_overlap_cb cb, void *ctx,
		  struct ug_error *err)
{
	struct geom_ctx own, *g = ctx_enter(caller, &own, err);
	struct candidates c = { 0 };
	GEOSGeometry **geoms = NULL;
	GEOSSTRtree *tree = NULL;
	size_t *ids = NULL;
	int rc;

	if (!g)
		return -UG_ENOMEM;
	if ((rc = geos_from_shapes(g, shapes, n, &geoms, err)) != 0)
		goto out;
	if (!(ids = geom_calloc(n, sizeof *ids))) {
		rc = ug_fail(err, UG_ENOMEM, NULL,
			     "out of memory indexing %zu shapes", n);
		goto out;
	}
	if (!(tree = GEOSSTRtree_create_r(g->h, GEOM_TREE_NODES))) {
		rc = geos_fail(g, "creating the shape index", err);
		goto out;
	}
	/* The tree keeps pointers to the items: ids[] outlives it. */
	for (size_t i = 0; i < n; i++) {
		ids[i] = i;
		if (GEOSisEmpty_r(g->h, geoms[i]) == 0)
			GEOSSTRtree_insert_r(g->h, tree, geoms[i], &ids[i]);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (GEOSisEmpty_r(g->h, geoms[i]) != 0)
			continue;
		c.self = i;
		c.n = 0;
		GEOSSTRtree_query_r(g->h, tree, geoms[i], candidates_collect,
				    &c);
		if (c.nomem) {
			rc = ug_fail(err, UG_ENOMEM, NULL,
				     "out of memory listing overlap "
				     "candidates of shape %zu", i);
			break;
		}
		if (g->error[0]) { /* insert and query report only this way */
			rc = geos_fail(g, "querying the shape index", err);
			break;
		}
		/* The tree's order is its own: callbacks come by (i, j).
		 * (No candidates: c.v may still be NULL, which qsort must
		 * not see.) */
		if (c.n)
			qsort(c.v, c.n, sizeof *c.v, size_cmp);
		rc = overlaps_of(g, geoms, i, &c, min_area, cb, ctx, err);
	}
out:
	/* The tree goes before the geometries its envelopes came from. */
	if (tree)
		GEOSSTRtree_destroy_r(g->h, tree);
	free(c.v);
	free(ids);
	geos_destroy_array(g, geoms, geoms ? n : 0);
	ctx_leave(g, &own);
	return rc;
}

/* ---- gaps ------------------------------------------------------------- */

/* What geom_gaps() reports to. */
struct gap_walk {
	double min_area;
	geom_gap_cb cb;
	void *ctx;
};

/* Hole k of polygon poly as a polygon of its own, to the callback when
 * it is large enough. */
static int gap_report(struct geom_ctx *g, const GEOSGeometry *poly, int k,
		      const struct gap_walk *w, struct ug_error *err)
{
	const GEOSGeometry *ring = GEOSGetInteriorRingN_r(g->h, poly, k);
	GEOSGeometry *shell, *hole = NULL;
	struct shape s = { 0 };
	double area;
	int rc;

	if (!ring)
		return geos_fail(g, "reading a hole of the union", err);
	if (!(shell = GEOSGeom_clone_r(g->h, ring)))
		return geos_fail(g, "copying a hole of the union", err);
	/* Takes shell, also when it fails. */
	if (!(hole = GEOSGeom_createPolygon_r(g->h, shell, NULL, 0)))
		return geos_fail(g, "building a gap", err);
	if (!GEOSArea_r(g->h, hole, &area)) {
		rc = geos_fail(g, "computing the area of a gap", err);
		goto out;
	}
	if (!(area > w->min_area)) {
		rc = 0;
		goto out;
	}
	if ((rc = shape_from_geos(g, hole, &s, err)) != 0)
		goto out;
	rc = w->cb(w->ctx, &s, area);
	shape_free(&s);
out:
	GEOSGeom_destroy_r(g->h, hole);
	return rc;
}

/* A polygon_fn: report every hole of the polygon (arg: the gap_walk). */
static int gaps_of(struct geom_ctx *g, const GEOSGeometry *polygon,
		   void *arg, struct ug_error *err)
{
	int n = GEOSGetNumInteriorRings_r(g->h, polygon), rc = 0;

	if (n < 0)
		return geos_fail(g, "reading the union", err);
	for (int k = 0; k < n && rc == 0; k++)
		rc = gap_report(g, polygon, k, arg, err);
	return rc;
}

int geom_gaps(struct geom_ctx *caller, const struct shape *const *shapes,
	      size_t n, double min_area, double grid_size, geom_gap_cb cb,
	      void *ctx, struct ug_error *err)
{
	struct geom_ctx own, *g = ctx_enter(caller, &own, err);
	struct gap_walk w = { min_area, cb, ctx };
	GEOSGeometry *u = NULL;
	int rc;

	if (!g)
		return -UG_ENOMEM;
	if ((rc = geos_union(g, shapes, n, grid_size, &u, err)) == 0)
		rc = geos_each_polygon(g, u, gaps_of, &w, err);
	GEOSGeom_destroy_r(g->h, u);
	ctx_leave(g, &own);
	return rc;
}

/* ---- representative point --------------------------------------------- */

int geom_point_on_surface(struct geom_ctx *caller, const struct shape *s,
			  double *x, double *y, struct ug_error *err)
{
	struct geom_ctx own, *g = ctx_enter(caller, &own, err);
	GEOSGeometry *geom = NULL, *pt = NULL;
	int rc;

	if (!g)
		return -UG_ENOMEM;
	if ((rc = geos_from_polygons(g, s, &geom, err)) != 0)
		goto out;
	if (!(pt = GEOSPointOnSurface_r(g->h, geom))) {
		rc = geos_fail(g, "point on surface", err);
		goto out;
	}
	if (GEOSisEmpty_r(g->h, pt) != 0 || GEOSGeomGetX_r(g->h, pt, x) != 1 ||
	    GEOSGeomGetY_r(g->h, pt, y) != 1)
		rc = geos_fail(g, "point on surface", err);
out:
	GEOSGeom_destroy_r(g->h, pt);
	GEOSGeom_destroy_r(g->h, geom);
	ctx_leave(g, &own);
	return rc;
}
