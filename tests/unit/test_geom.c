/*
 * test_geom.c - unit tests of geo/geom (GEOS through its reentrant C API):
 * validity reasons and the structural refusals made before GEOS, area,
 * intersection and union on squares whose answers are exact, gaps,
 * overlaps among random squares against brute force, simplification,
 * point on surface, injected allocation failures and concurrent contexts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geom.h"
#include "lib/error.h"
#include "lib/fault.h"
#include "lib/shape.h"

/* Fail the test unless rc is 0, showing the error message. */
#define assert_ok(rc, err)                                                \
	do {                                                              \
		int rc_ = (rc);                                           \
		if (rc_ != 0)                                             \
			fail_msg("expected success, got %d: %s", rc_,     \
				 (err).message);                          \
	} while (0)

/* Fail unless rc is -UG_EINVAL and the message contains `needle`. */
#define assert_invalid(rc, err, needle)                                   \
	do {                                                              \
		int rc_ = (rc);                                           \
		if (rc_ != -UG_EINVAL)                                    \
			fail_msg("expected -UG_EINVAL, got %d: %s", rc_,  \
				 (err).message);                          \
		assert_int_equal((err).code, UG_EINVAL);                  \
		if (!strstr((err).message, (needle)))                     \
			fail_msg("\"%s\" does not contain \"%s\"",        \
				 (err).message, (needle));                \
	} while (0)

/* ---- building shapes -------------------------------------------------- */

/* Ring r from n interleaved (x, y) pairs, taken as given (not closed). */
static void ring_xy(struct shape_ring *r, const double *xy, size_t n)
{
	struct ug_error err;
	double *x = calloc(n ? n : 1, sizeof *x);
	double *y = calloc(n ? n : 1, sizeof *y);

	assert_non_null(x);
	assert_non_null(y);
	for (size_t k = 0; k < n; k++) {
		x[k] = xy[2 * k];
		y[k] = xy[2 * k + 1];
	}
	ug_error_clear(&err);
	assert_ok(shape_ring_set(r, x, y, n, &err), err);
	free(x);
	free(y);
}

static struct shape_polygon *add_polygon(struct shape *s, size_t nrings)
{
	struct shape_polygon *p = shape_add_polygon(s, nrings);

	assert_non_null(p);
	return p;
}

/* The closed ring of rectangle [x0, x1] x [y0, y1], counter-clockwise. */
static void ring_rect(struct shape_ring *r, double x0, double y0, double x1,
		      double y1)
{
	const double xy[] = { x0, y0, x1, y0, x1, y1, x0, y1, x0, y0 };

	ring_xy(r, xy, 5);
}

/* Append rectangle [x0, x1] x [y0, y1] as a polygon of s. */
static void add_rect(struct shape *s, double x0, double y0, double x1,
		     double y1)
{
	ring_rect(&add_polygon(s, 1)->rings[0], x0, y0, x1, y1);
}

static double area_of(const struct shape *s)
{
	struct ug_error err;
	double a = -1;

	ug_error_clear(&err);
	assert_ok(geom_area(NULL, s, &a, &err), err);
	return a;
}

/* Strictly inside ring r (ray casting; a point on an edge may go either
 * way, so callers test points well inside or well outside). */
static int ring_contains(const struct shape_ring *r, double x, double y)
{
	int in = 0;

	for (size_t i = 0, j = r->n - 1; i < r->n; j = i++)
		if ((r->y[i] > y) != (r->y[j] > y) &&
		    x < (r->x[j] - r->x[i]) * (y - r->y[i]) /
				(r->y[j] - r->y[i]) + r->x[i])
			in = !in;
	return in;
}

/* Inside shape s: in some polygon's outer ring and in none of its holes. */
static int shape_contains(const struct shape *s, double x, double y)
{
	for (size_t p = 0; p < s->npolygons; p++) {
		const struct shape_polygon *poly = &s->polygons[p];
		int in = ring_contains(&poly->rings[0], x, y);

		for (size_t r = 1; in && r < poly->nrings; r++)
			if (ring_contains(&poly->rings[r], x, y))
				in = 0;
		if (in)
			return 1;
	}
	return 0;
}

/* ---- validity --------------------------------------------------------- */

/* geom_check_valid() must refuse s with a message containing `needle`. */
static void expect_invalid(const struct shape *s, const char *needle)
{
	struct ug_error err;

	ug_error_clear(&err);
	assert_invalid(geom_check_valid(NULL, s, &err), err, needle);
	assert_string_equal(err.field, "geometry");
}

static void test_valid_square(void **state)
{
	struct geom_ctx *g = geom_ctx_new();
	struct shape s = { 0 };
	struct ug_error err;

	(void)state;
	assert_non_null(g);
	add_rect(&s, 0, 0, 1, 1);
	ug_error_clear(&err);
	assert_ok(geom_check_valid(g, &s, &err), err);
	assert_int_equal(err.code, 0);
	/* Without a context of the caller's, the call makes its own. */
	assert_ok(geom_check_valid(NULL, &s, &err), err);
	shape_free(&s);
	geom_ctx_free(g);
	geom_ctx_free(NULL);
}

static void test_bowtie_self_intersection(void **state)
{
	const double bowtie[] = { 0, 0, 2, 2, 2, 0, 0, 2, 0, 0 };
	struct geom_ctx *g = geom_ctx_new();
	struct shape s = { 0 };
	struct ug_error err;

	(void)state;
	ring_xy(&add_polygon(&s, 1)->rings[0], bowtie, 5);
	ug_error_clear(&err);
	assert_invalid(geom_check_valid(g, &s, &err), err, "Self-intersection");
	/* The place, as GEOS finds it: where the diagonals cross. */
	assert_string_equal(err.message, "Self-intersection at 1 1");
	assert_string_equal(err.field, "geometry");
	/* A valid shape afterwards on the same context: no stale message. */
	shape_free(&s);
	add_rect(&s, 0, 0, 1, 1);
	ug_error_clear(&err);
	assert_ok(geom_check_valid(g, &s, &err), err);
	shape_free(&s);
	geom_ctx_free(g);
}

static void test_location_decimals(void **state)
{
	/* A bow-tie crossing at (116.4012345678, 39.9) prints 7 decimals. */
	const double cx = 116.4012345678, cy = 39.9;
	const double bowtie[] = { cx - 1, cy - 1, cx + 1, cy + 1, cx + 1,
				  cy - 1, cx - 1, cy + 1, cx - 1, cy - 1 };
	struct shape s = { 0 };

	(void)state;
	ring_xy(&add_polygon(&s, 1)->rings[0], bowtie, 5);
	expect_invalid(&s, "Self-intersection at 116.4012346 39.9");
	shape_free(&s);
}

static void test_hole_outside_shell(void **state)
{
	struct shape_polygon *p;
	struct shape s = { 0 };

	(void)state;
	p = add_polygon(&s, 2);
	ring_rect(&p->rings[0], 0, 0, 1, 1);
	ring_rect(&p->rings[1], 2, 2, 3, 3);
	expect_invalid(&s, "Hole lies outside shell at ");
	shape_free(&s);
}

static void test_overlapping_multipolygon(void **state)
{
	struct shape s = { 0 };

	(void)state;
	add_rect(&s, 0, 0, 2, 2);
	add_rect(&s, 1, 1, 3, 3);
	expect_invalid(&s, "Self-intersection at ");
	shape_free(&s);
}

static void test_too_few_points(void **state)
{
	const double tri[] = { 0, 0, 1, 0, 0, 0 };
	struct shape_polygon *p;
	struct shape s = { 0 };
	struct ug_error err;
	double a;

	(void)state;
	ring_xy(&add_polygon(&s, 1)->rings[0], tri, 3);
	expect_invalid(&s, "polygon 0 ring 0: ring has only 3 points");
	/* Every operation refuses it the same way, before GEOS. */
	ug_error_clear(&err);
	assert_invalid(geom_area(NULL, &s, &a, &err), err,
		       "ring has only 3 points");
	shape_free(&s);

	/* In a hole of the second polygon; an empty ring too. */
	add_rect(&s, 0, 0, 1, 1);
	p = add_polygon(&s, 2);
	ring_rect(&p->rings[0], 2, 0, 3, 1);
	expect_invalid(&s, "polygon 1 ring 1: ring has only 0 points");
	shape_free(&s);
}

static void test_unclosed_ring(void **state)
{
	const double open[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
	struct shape s = { 0 };

	(void)state;
	ring_xy(&add_polygon(&s, 1)->rings[0], open, 4);
	expect_invalid(&s, "polygon 0 ring 0: ring is not closed "
			   "(first point 0 0, last point 0 1)");
	shape_free(&s);
}

static void test_structural_refusals(void **state)
{
	const double nan_ring[] = { 0, 0, 1, 0, NAN, 1, 0, 0 };
	struct shape s = { 0 }, out = { 0 };
	struct ug_error err;
	double x, y;

	(void)state;
	/* No polygon: nothing to check, nothing to place a point in. */
	expect_invalid(&s, "shape has no polygon");
	ug_error_clear(&err);
	assert_invalid(geom_point_on_surface(NULL, &s, &x, &y, &err), err,
		       "shape has no polygon");
	/* A polygon without rings. */
	add_polygon(&s, 0);
	expect_invalid(&s, "polygon 0 has no rings");
	shape_free(&s);
	/* A coordinate that is not a number. */
	ring_xy(&add_polygon(&s, 1)->rings[0], nan_ring, 4);
	expect_invalid(&s, "polygon 0 ring 0 point 2: coordinate is not "
			   "a finite number");
	ug_error_clear(&err);
	assert_invalid(geom_simplify(NULL, &s, 1, &out, &err), err,
		       "point 2");
	assert_int_equal(out.npolygons, 0);
	ug_error_clear(&err);
	assert_invalid(geom_simplify(NULL, &s, NAN, &out, &err), err,
		       "tolerance is not a number");
	assert_string_equal(err.field, "tolerance");
	shape_free(&s);
}

/* ---- area, intersection, union ---------------------------------------- */

static void test_area_with_hole(void **state)
{
	struct shape_polygon *p;
	struct shape s = { 0 };

	(void)state;
	p = add_polygon(&s, 2);
	ring_rect(&p->rings[0], 0, 0, 10, 10);
	ring_rect(&p->rings[1], 2, 2, 4, 4);
	assert_true(area_of(&s) == 96.0);
	/* A second polygon adds up. */
	add_rect(&s, 20, 0, 21, 3);
	assert_true(area_of(&s) == 99.0);
	shape_free(&s);
	/* The empty shape has area 0. */
	assert_true(area_of(&s) == 0.0);
}

static void test_intersection_overlap(void **state)
{
	struct geom_ctx *g = geom_ctx_new();
	struct shape a = { 0 }, b = { 0 }, out = { 0 };
	struct shape_bbox bb;
	struct ug_error err;

	(void)state;
	add_rect(&a, 0, 0, 2, 2);
	add_rect(&b, 1, 1, 3, 3);
	ug_error_clear(&err);
	assert_ok(geom_intersection(g, &a, &b, &out, &err), err);
	assert_int_equal(out.npolygons, 1);
	assert_int_equal(out.polygons[0].nrings, 1);
	assert_true(area_of(&out) == 1.0);
	shape_bbox(&out, &bb);
	assert_true(bb.minx == 1 && bb.miny == 1 && bb.maxx == 2 &&
		    bb.maxy == 2);
	shape_free(&out);
	shape_free(&a);
	shape_free(&b);
	geom_ctx_free(g);
}

static void test_intersection_touching(void **state)
{
	struct shape a = { 0 }, b = { 0 }, c = { 0 }, out = { 0 };
	struct ug_error err;

	(void)state;
	add_rect(&a, 0, 0, 1, 1);
	add_rect(&b, 1, 0, 2, 1);  /* shares the edge x = 1 */
	add_rect(&c, 1, 1, 2, 2);  /* shares the corner (1, 1) */
	ug_error_clear(&err);
	assert_ok(geom_intersection(NULL, &a, &b, &out, &err), err);
	assert_int_equal(out.npolygons, 0);
	assert_null(out.polygons);
	assert_ok(geom_intersection(NULL, &a, &c, &out, &err), err);
	assert_int_equal(out.npolygons, 0);
	shape_free(&a);
	shape_free(&b);
	shape_free(&c);
}

static void test_intersection_mixed_result(void **state)
{
	/* b's second polygon only touches a along a line: GEOS answers a
	 * GeometryCollection (polygon + line) and the line is dropped. */
	struct shape a = { 0 }, b = { 0 }, out = { 0 };
	struct ug_error err;

	(void)state;
	add_rect(&a, 0, 0, 2, 2);
	add_rect(&b, 1, 1, 3, 3);
	add_rect(&b, 2, -1, 3, 0.5);
	ug_error_clear(&err);
	assert_ok(geom_check_valid(NULL, &b, &err), err);
	assert_ok(geom_intersection(NULL, &a, &b, &out, &err), err);
	assert_int_equal(out.npolygons, 1);
	assert_true(area_of(&out) == 1.0);
	shape_free(&out);
	/* Two separate pieces come back as two polygons. */
	shape_free(&b);
	add_rect(&b, -1, -1, 0.5, 0.5);
	add_rect(&b, 1.5, 1.5, 3, 3);
	assert_ok(geom_intersection(NULL, &a, &b, &out, &err), err);
	assert_int_equal(out.npolygons, 2);
	assert_true(area_of(&out) == 0.5);
	shape_free(&out);
	shape_free(&a);
	shape_free(&b);
}

/* 3 x 3 unit squares [0, 3]^2, without the centre one when asked. */
static size_t block_squares(struct shape sq[9], const struct shape *v[9],
			    int without_centre)
{
	size_t n = 0;

	memset(sq, 0, 9 * sizeof *sq);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			if (without_centre && i == 1 && j == 1)
				continue;
			add_rect(&sq[n], i, j, i + 1, j + 1);
			v[n] = &sq[n];
			n++;
		}
	return n;
}

static void free_shapes(struct shape *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		shape_free(&v[i]);
}

struct gap_list {
	size_t n;
	double area[8];
	struct shape hole[8];
	int stop_at; /* return 5 from this call (1-based), 0 never */
};

static int gap_collect(void *ctx, const struct shape *hole, double area)
{
	struct gap_list *l = ctx;
	struct ug_error err;

	assert_true(l->n < 8);
	ug_error_clear(&err);
	/* The hole is borrowed for the call: keep a copy. */
	assert_ok(shape_copy(&l->hole[l->n], hole, &err), err);
	l->area[l->n++] = area;
	return l->stop_at && (int)l->n == l->stop_at ? 5 : 0;
}

static void gap_list_free(struct gap_list *l)
{
	free_shapes(l->hole, l->n);
	memset(l, 0, sizeof *l);
}

static void test_union_block(void **state)
{
	struct geom_ctx *g = geom_ctx_new();
	struct shape sq[9], out = { 0 };
	const struct shape *v[9];
	struct gap_list gaps = { 0 };
	struct ug_error err;
	size_t n = block_squares(sq, v, 0);

	(void)state;
	ug_error_clear(&err);
	assert_ok(geom_union(g, v, n, &out, &err), err);
	assert_int_equal(out.npolygons, 1);
	assert_int_equal(out.polygons[0].nrings, 1);
	assert_true(area_of(&out) == 9.0);
	assert_ok(geom_check_valid(g, &out, &err), err);
	shape_free(&out);
	assert_ok(geom_gaps(g, v, n, 0, 0, gap_collect, &gaps, &err), err);
	assert_int_equal(gaps.n, 0);
	free_shapes(sq, n);
	geom_ctx_free(g);
}

static void test_gap_in_block(void **state)
{
	struct geom_ctx *g = geom_ctx_new();
	struct shape sq[9], out = { 0 };
	const struct shape *v[9];
	struct gap_list gaps = { 0 };
	struct shape_bbox bb;
	struct ug_error err;
	size_t n = block_squares(sq, v, 1);

	(void)state;
	assert_int_equal(n, 8);
	ug_error_clear(&err);
	assert_ok(geom_union(g, v, n, &out, &err), err);
	assert_int_equal(out.npolygons, 1);
	assert_int_equal(out.polygons[0].nrings, 2);
	assert_true(area_of(&out) == 8.0);
	shape_free(&out);

	assert_ok(geom_gaps(g, v, n, 0, 0, gap_collect, &gaps, &err), err);
	assert_int_equal(gaps.n, 1);
	assert_true(gaps.area[0] == 1.0);
	assert_int_equal(gaps.hole[0].npolygons, 1);
	assert_int_equal(gaps.hole[0].polygons[0].nrings, 1);
	assert_true(area_of(&gaps.hole[0]) == 1.0);
	shape_bbox(&gaps.hole[0], &bb);
	assert_true(bb.minx == 1 && bb.miny == 1 && bb.maxx == 2 &&
		    bb.maxy == 2);
	gap_list_free(&gaps);

	/* A gap no larger than min_area is not reported. */
	assert_ok(geom_gaps(g, v, n, 1.0, 0, gap_collect, &gaps, &err), err);
	assert_int_equal(gaps.n, 0);
	assert_ok(geom_gaps(g, v, n, 0.999, 0, gap_collect, &gaps, &err), err);
	assert_int_equal(gaps.n, 1);
	gap_list_free(&gaps);
	free_shapes(sq, n);
	geom_ctx_free(g);
}

static void test_gaps_stop_and_empty(void **state)
{
	struct shape sq[2] = { { 0 }, { 0 } }, out = { 0 };
	const struct shape *v[2] = { &sq[0], &sq[1] };
	struct gap_list gaps = { .stop_at = 1 };
	struct shape_polygon *p;
	struct ug_error err;

	(void)state;
	/* Two frames, each with a hole of its own: the first callback
	 * stops the walk and its value comes back. */
	p = add_polygon(&sq[0], 2);
	ring_rect(&p->rings[0], 0, 0, 3, 3);
	ring_rect(&p->rings[1], 1, 1, 2, 2);
	p = add_polygon(&sq[1], 2);
	ring_rect(&p->rings[0], 10, 0, 13, 3);
	ring_rect(&p->rings[1], 11, 1, 12, 2);
	ug_error_clear(&err);
	assert_int_equal(geom_gaps(NULL, v, 2, 0, 0, gap_collect, &gaps, &err),
			 5);
	assert_int_equal(gaps.n, 1);
	gap_list_free(&gaps);
	assert_ok(geom_gaps(NULL, v, 2, 0, 0, gap_collect, &gaps, &err), err);
	assert_int_equal(gaps.n, 2);
	gap_list_free(&gaps);
	free_shapes(sq, 2);

	/* No shapes: an empty union, no gaps. */
	assert_ok(geom_union(NULL, v, 0, &out, &err), err);
	assert_int_equal(out.npolygons, 0);
	assert_ok(geom_gaps(NULL, v, 0, 0, 0, gap_collect, &gaps, &err), err);
	assert_int_equal(gaps.n, 0);
}

static void test_union_names_bad_shape(void **state)
{
	const double tri[] = { 0, 0, 1, 0, 0, 0 };
	struct shape sq[2] = { { 0 }, { 0 } }, out = { 0 };
	const struct shape *v[2] = { &sq[0], &sq[1] };
	struct ug_error err;

	(void)state;
	add_rect(&sq[0], 0, 0, 1, 1);
	ring_xy(&add_polygon(&sq[1], 1)->rings[0], tri, 3);
	ug_error_clear(&err);
	assert_invalid(geom_union(NULL, v, 2, &out, &err), err,
		       "shape 1: polygon 0 ring 0: ring has only 3 points");
	assert_string_equal(err.field, "geometry");
	assert_int_equal(out.npolygons, 0);
	assert_int_equal(geom_union(NULL, v, 2, &out, NULL), -UG_EINVAL);
	assert_int_equal(geom_check_valid(NULL, &sq[1], NULL), -UG_EINVAL);
	free_shapes(sq, 2);
}

/* ---- overlaps --------------------------------------------------------- */

struct pair_list {
	size_t n, cap;
	size_t *i, *j;
	double *area;
	int stop_at; /* return 7 from this call (1-based), 0 never */
};

static int pair_collect(void *ctx, size_t i, size_t j, double area)
{
	struct pair_list *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->i = realloc(l->i, l->cap * sizeof *l->i);
		l->j = realloc(l->j, l->cap * sizeof *l->j);
		l->area = realloc(l->area, l->cap * sizeof *l->area);
		assert_true(l->i && l->j && l->area);
	}
	l->i[l->n] = i;
	l->j[l->n] = j;
	l->area[l->n] = area;
	l->n++;
	return l->stop_at && (int)l->n == l->stop_at ? 7 : 0;
}

static void pair_list_free(struct pair_list *l)
{
	free(l->i);
	free(l->j);
	free(l->area);
	memset(l, 0, sizeof *l);
}

/* A small deterministic generator (the test must not depend on libc's
 * rand()). */
static uint32_t lcg_next(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 33);
}

#define NSQ 100

/* NSQ random squares on a quarter-unit lattice, so that many pairs touch
 * exactly (area 0: not an overlap) and every common area is exact. */
static void random_squares(struct shape *sq, const struct shape **v,
			   double *x0, double *y0, double *side,
			   uint64_t seed)
{
	for (size_t k = 0; k < NSQ; k++) {
		x0[k] = 0.25 * (lcg_next(&seed) % 40);
		y0[k] = 0.25 * (lcg_next(&seed) % 40);
		side[k] = 0.25 * (2 + lcg_next(&seed) % 5);
		memset(&sq[k], 0, sizeof sq[k]);
		add_rect(&sq[k], x0[k], y0[k], x0[k] + side[k],
			 y0[k] + side[k]);
		v[k] = &sq[k];
	}
}

static double rect_overlap(double ax, double ay, double as, double bx,
			   double by, double bs)
{
	double w = fmin(ax + as, bx + bs) - fmax(ax, bx);
	double h = fmin(ay + as, by + bs) - fmax(ay, by);

	return w > 0 && h > 0 ? w * h : 0;
}

static void check_overlaps(double min_area, uint64_t seed)
{
	struct geom_ctx *g = geom_ctx_new();
	struct shape sq[NSQ], common;
	const struct shape *v[NSQ];
	double x0[NSQ], y0[NSQ], side[NSQ], a, brute;
	struct pair_list got = { 0 };
	struct ug_error err;
	size_t k = 0, expected = 0, touching = 0;

	random_squares(sq, v, x0, y0, side, seed);
	ug_error_clear(&err);
	assert_ok(geom_overlaps(g, v, NSQ, min_area, pair_collect, &got,
				&err), err);
	/* Brute force over every pair, two ways: the rectangles' formula
	 * and GEOS's pairwise intersection. */
	for (size_t i = 0; i < NSQ; i++)
		for (size_t j = i + 1; j < NSQ; j++) {
			a = rect_overlap(x0[i], y0[i], side[i], x0[j], y0[j],
					 side[j]);
			memset(&common, 0, sizeof common);
			assert_ok(geom_intersection(g, v[i], v[j], &common,
						    &err), err);
			assert_ok(geom_area(g, &common, &brute, &err), err);
			shape_free(&common);
			assert_true(brute == a);
			if (a == 0 && fmax(x0[i], x0[j]) <=
				      fmin(x0[i] + side[i], x0[j] + side[j]) &&
			    fmax(y0[i], y0[j]) <=
				      fmin(y0[i] + side[i], y0[j] + side[j]))
				touching++;
			if (!(a > min_area))
				continue;
			expected++;
			/* Callbacks come in (i, j) order, each pair once. */
			if (k >= got.n || got.i[k] != i || got.j[k] != j)
				fail_msg("pair %zu %zu (area %g) missing or "
					 "out of order", i, j, a);
			assert_true(got.area[k] == a);
			k++;
		}
	assert_int_equal(got.n, expected);
	assert_true(expected > 10);
	if (min_area == 0)
		assert_true(touching > 0); /* the lattice did its job */
	pair_list_free(&got);
	free_shapes(sq, NSQ);
	geom_ctx_free(g);
}

static void test_overlaps_random(void **state)
{
	(void)state;
	check_overlaps(0, 1);
	check_overlaps(0, 20260417);
	check_overlaps(0.3, 7);
}

static void test_overlaps_edges(void **state)
{
	struct shape sq[NSQ], empty = { 0 };
	const struct shape *v[NSQ];
	double x0[NSQ], y0[NSQ], side[NSQ];
	struct pair_list got = { .stop_at = 3 };
	struct ug_error err;

	(void)state;
	random_squares(sq, v, x0, y0, side, 1);
	/* The callback's non-zero value stops the search and comes back. */
	ug_error_clear(&err);
	assert_int_equal(geom_overlaps(NULL, v, NSQ, 0, pair_collect, &got,
				       &err), 7);
	assert_int_equal(got.n, 3);
	pair_list_free(&got);
	/* An empty shape overlaps nothing; no shapes, no pairs. */
	v[5] = &empty;
	assert_ok(geom_overlaps(NULL, v, NSQ, 0, pair_collect, &got, &err),
		  err);
	for (size_t k = 0; k < got.n; k++)
		assert_true(got.i[k] != 5 && got.j[k] != 5);
	pair_list_free(&got);
	assert_ok(geom_overlaps(NULL, v, 0, 0, pair_collect, &got, &err),
		  err);
	assert_int_equal(got.n, 0);
	free_shapes(sq, NSQ);
}

static void test_overlaps_names_bad_shape(void **state)
{
	const double open[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
	struct shape sq[3] = { { 0 }, { 0 }, { 0 } };
	const struct shape *v[3] = { &sq[0], &sq[1], &sq[2] };
	struct pair_list got = { 0 };
	struct ug_error err;

	(void)state;
	add_rect(&sq[0], 0, 0, 1, 1);
	add_rect(&sq[1], 0, 0, 1, 1);
	ring_xy(&add_polygon(&sq[2], 1)->rings[0], open, 4);
	ug_error_clear(&err);
	assert_invalid(geom_overlaps(NULL, v, 3, 0, pair_collect, &got, &err),
		       err, "shape 2: polygon 0 ring 0: ring is not closed");
	assert_int_equal(got.n, 0);
	free_shapes(sq, 3);
}

/* ---- simplify, point on surface --------------------------------------- */

/* A circle of radius r around (cx, cy) sampled at n points (+ closing). */
static void ring_circle(struct shape_ring *ring, double cx, double cy,
			double r, size_t n)
{
	double *xy = calloc(2 * (n + 1), sizeof *xy);

	assert_non_null(xy);
	for (size_t k = 0; k < n; k++) {
		double t = 2 * M_PI * (double)k / (double)n;

		xy[2 * k] = cx + r * cos(t);
		xy[2 * k + 1] = cy + r * sin(t);
	}
	xy[2 * n] = xy[0];
	xy[2 * n + 1] = xy[1];
	ring_xy(ring, xy, n + 1);
	free(xy);
}

static void test_simplify_circle(void **state)
{
	struct geom_ctx *g = geom_ctx_new();
	struct shape s = { 0 }, out = { 0 };
	struct shape_polygon *p;
	struct ug_error err;
	double before, after;

	(void)state;
	p = add_polygon(&s, 2);
	ring_circle(&p->rings[0], 0, 0, 100, 2000);
	ring_circle(&p->rings[1], 30, 0, 20, 500); /* a hole, kept */
	before = area_of(&s);
	ug_error_clear(&err);
	assert_ok(geom_simplify(g, &s, 0.5, &out, &err), err);
	assert_int_equal(out.npolygons, 1);
	assert_int_equal(out.polygons[0].nrings, 2);
	after = area_of(&out);
	assert_true(shape_points(&out) < shape_points(&s) / 5);
	assert_true(fabs(after - before) / before < 0.01);
	assert_ok(geom_check_valid(g, &out, &err), err);
	shape_free(&out);

	/* tolerance <= 0 copies. */
	assert_ok(geom_simplify(g, &s, 0, &out, &err), err);
	assert_int_equal(shape_points(&out), shape_points(&s));
	assert_true(area_of(&out) == before);
	shape_free(&out);
	shape_free(&s);
	geom_ctx_free(g);
}

static void test_point_on_surface_c_shape(void **state)
{
	/* A C open to the right; its centroid (1.36, 1.5) lies in the
	 * notch, outside the shape. */
	const double c[] = { 0, 0, 3, 0, 3, 1, 1, 1, 1, 2, 3, 2,
			     3, 3, 0, 3, 0, 0 };
	struct shape s = { 0 }, sq = { 0 }, out = { 0 };
	struct ug_error err;
	double x = NAN, y = NAN;

	(void)state;
	ring_xy(&add_polygon(&s, 1)->rings[0], c, 9);
	ug_error_clear(&err);
	assert_ok(geom_check_valid(NULL, &s, &err), err);
	assert_false(shape_contains(&s, 9.5 / 7, 1.5));
	assert_ok(geom_point_on_surface(NULL, &s, &x, &y, &err), err);
	assert_true(shape_contains(&s, x, y));
	/* And by GEOS: a tiny square around the point lies in the shape. */
	add_rect(&sq, x - 1e-6, y - 1e-6, x + 1e-6, y + 1e-6);
	assert_ok(geom_intersection(NULL, &s, &sq, &out, &err), err);
	assert_true(fabs(area_of(&out) - area_of(&sq)) < 1e-18);
	shape_free(&out);
	shape_free(&sq);
	shape_free(&s);
}

/* ---- failures --------------------------------------------------------- */

static void test_invalid_input_to_overlay(void **state)
{
	/* GEOS 3.11 (OverlayNG) refuses an invalid input to an overlay with
	 * a TopologyException; nothing may leak on that path. */
	const double bowtie[] = { 0, 0, 2, 2, 2, 0, 0, 2, 0, 0 };
	struct shape sq[2] = { { 0 }, { 0 } }, out = { 0 };
	const struct shape *v[2] = { &sq[0], &sq[1] };
	struct pair_list got = { 0 };
	struct gap_list gaps = { 0 };
	struct ug_error err;

	(void)state;
	ring_xy(&add_polygon(&sq[0], 1)->rings[0], bowtie, 5);
	add_rect(&sq[1], 1, 0, 3, 2);
	ug_error_clear(&err);
	assert_invalid(geom_intersection(NULL, &sq[0], &sq[1], &out, &err),
		       err, "intersection: TopologyException: ");
	assert_string_equal(err.field, "geometry");
	assert_int_equal(out.npolygons, 0);
	ug_error_clear(&err);
	assert_invalid(geom_union(NULL, v, 2, &out, &err), err,
		       "union: TopologyException: ");
	assert_int_equal(out.npolygons, 0);
	ug_error_clear(&err);
	assert_invalid(geom_gaps(NULL, v, 2, 0, 0, gap_collect, &gaps, &err),
		       err, "union: TopologyException: ");
	assert_int_equal(gaps.n, 0);
	ug_error_clear(&err);
	assert_invalid(geom_overlaps(NULL, v, 2, 0, pair_collect, &got, &err),
		       err, "shapes 0 and 1: intersection: TopologyException");
	assert_int_equal(got.n, 0);
	/* err may be NULL: the code alone comes back. */
	assert_int_equal(geom_overlaps(NULL, v, 2, 0, pair_collect, &got,
				       NULL), -UG_EINVAL);
	assert_int_equal(geom_union(NULL, v, 2, &out, NULL), -UG_EINVAL);
	free_shapes(sq, 2);
}

/* Run op with the nth allocation failing, for n = 1, 2, ... until it
 * succeeds: every failure must be a clean UG_ENOMEM.  Returns how many
 * failures were seen. */
typedef int (*fault_op)(struct geom_ctx *g, void *arg, struct ug_error *err);

static int fault_sweep(fault_op op, void *arg)
{
	struct geom_ctx *g = geom_ctx_new();
	struct ug_error err;
	int rc, nth;

	assert_non_null(g);
	for (nth = 1; nth < 10000; nth++) {
		ug_error_clear(&err);
		fault_arm(FAULT_ALLOC, nth);
		rc = op(g, arg, &err);
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0)
			break;
		if (rc != -UG_ENOMEM)
			fail_msg("allocation %d failed: got %d: %s", nth, rc,
				 err.message);
		assert_int_equal(err.code, UG_ENOMEM);
	}
	assert_true(nth < 10000);
	geom_ctx_free(g);
	return nth - 1;
}

struct fault_case {
	const struct shape **v;
	size_t n;
};

/* The ops disarm the fault as soon as the call under test returns, so
 * that the checks after it cannot be the ones to fail. */
static int op_intersection(struct geom_ctx *g, void *arg,
			   struct ug_error *err)
{
	struct fault_case *c = arg;
	struct shape out = { 0 };
	int rc = geom_intersection(g, c->v[0], c->v[1], &out, err);

	fault_arm(FAULT_ALLOC, 0);
	if (rc == 0)
		assert_true(area_of(&out) == 1.0);
	else
		assert_int_equal(out.npolygons, 0);
	shape_free(&out);
	return rc;
}

static int op_union(struct geom_ctx *g, void *arg, struct ug_error *err)
{
	struct fault_case *c = arg;
	struct shape out = { 0 };
	int rc = geom_union(g, c->v, c->n, &out, err);

	fault_arm(FAULT_ALLOC, 0);
	if (rc == 0)
		assert_true(area_of(&out) == 8.0);
	else
		assert_int_equal(out.npolygons, 0);
	shape_free(&out);
	return rc;
}

/* A gap callback that allocates nothing (the fault stays armed in it). */
static int gap_count(void *ctx, const struct shape *hole, double area)
{
	size_t *n = ctx;

	(void)hole;
	(void)area;
	(*n)++;
	return 0;
}

static int op_gaps(struct geom_ctx *g, void *arg, struct ug_error *err)
{
	struct fault_case *c = arg;
	size_t n = 0;
	int rc = geom_gaps(g, c->v, c->n, 0, 0, gap_count, &n, err);

	fault_arm(FAULT_ALLOC, 0);
	if (rc == 0)
		assert_int_equal(n, 1);
	return rc;
}

static int op_overlaps(struct geom_ctx *g, void *arg, struct ug_error *err)
{
	struct fault_case *c = arg;
	struct pair_list got = { 0 };
	int rc = geom_overlaps(g, c->v, c->n, 0, pair_collect, &got, err);

	fault_arm(FAULT_ALLOC, 0);
	if (rc == 0)
		assert_true(got.n > 10);
	pair_list_free(&got);
	return rc;
}

static int op_simplify(struct geom_ctx *g, void *arg, struct ug_error *err)
{
	struct fault_case *c = arg;
	struct shape out = { 0 };
	int rc = geom_simplify(g, c->v[0], 0.5, &out, err);

	fault_arm(FAULT_ALLOC, 0);
	if (rc != 0)
		assert_int_equal(out.npolygons, 0);
	shape_free(&out);
	return rc;
}

static void test_alloc_failures(void **state)
{
	struct shape sq[9], big[NSQ], circle = { 0 }, a = { 0 };
	const struct shape *v[9], *bv[NSQ], *pair[2], *one[1];
	double x0[NSQ], y0[NSQ], side[NSQ];
	struct fault_case c;
	size_t n = block_squares(sq, v, 1);

	(void)state;
	/* [-1, 1]^2 against the block's [0, 1]^2: common area 1. */
	add_rect(&a, -1, -1, 1, 1);
	pair[0] = &a;
	pair[1] = v[0];
	c.v = pair;
	c.n = 2;
	assert_true(fault_sweep(op_intersection, &c) > 0);
	c.v = v;
	c.n = n;
	assert_true(fault_sweep(op_union, &c) > 0);
	assert_true(fault_sweep(op_gaps, &c) > 0);
	random_squares(big, bv, x0, y0, side, 3);
	c.v = bv;
	c.n = NSQ;
	assert_true(fault_sweep(op_overlaps, &c) > 0);
	ring_circle(&add_polygon(&circle, 1)->rings[0], 0, 0, 10, 200);
	one[0] = &circle;
	c.v = one;
	c.n = 1;
	assert_true(fault_sweep(op_simplify, &c) > 0);
	/* A context cannot be made without memory. */
	fault_arm(FAULT_ALLOC, 1);
	assert_null(geom_ctx_new());
	fault_arm(FAULT_ALLOC, 0);
	shape_free(&a);
	shape_free(&circle);
	free_shapes(big, NSQ);
	free_shapes(sq, n);
}

/* ---- threads ---------------------------------------------------------- */

struct worker {
	pthread_t tid;
	int offset;
	int failures;
};

/* A rectangle as a one-polygon shape, without cmocka asserts (they
 * cannot be used off the main thread).  0, or -1 when out of memory. */
static int rect_plain(struct shape *s, double x0, double y0, double x1,
		      double y1)
{
	const double x[] = { x0, x1, x1, x0, x0 }, y[] = { y0, y0, y1, y1, y0 };
	struct shape_polygon *p = shape_add_polygon(s, 1);

	return p && shape_ring_set(&p->rings[0], x, y, 5, NULL) == 0 ? 0 : -1;
}

/* Each thread its own context, working on shapes of its own. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct geom_ctx *g = geom_ctx_new();
	struct ug_error err;
	struct shape a = { 0 }, b = { 0 }, out = { 0 };
	double area;

	if (!g) {
		w->failures++;
		return NULL;
	}
	for (int k = 0; k < 200; k++) {
		double d = w->offset + (k % 10) * 0.125;

		ug_error_clear(&err);
		if (rect_plain(&a, d, 0, d + 2, 2) != 0 ||
		    rect_plain(&b, d + 1, 1, d + 3, 3) != 0 ||
		    geom_intersection(g, &a, &b, &out, &err) != 0 ||
		    geom_area(g, &out, &area, &err) != 0 || area != 1.0)
			w->failures++;
		shape_free(&out);
		shape_free(&a);
		shape_free(&b);
	}
	geom_ctx_free(g);
	return NULL;
}

static void test_threads(void **state)
{
	struct worker w[4];

	(void)state;
	for (int k = 0; k < 4; k++) {
		w[k].offset = 100 * k;
		w[k].failures = 0;
		assert_int_equal(pthread_create(&w[k].tid, NULL, worker_run,
						&w[k]), 0);
	}
	for (int k = 0; k < 4; k++) {
		pthread_join(w[k].tid, NULL);
		assert_int_equal(w[k].failures, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_square),
		cmocka_unit_test(test_bowtie_self_intersection),
		cmocka_unit_test(test_location_decimals),
		cmocka_unit_test(test_hole_outside_shell),
		cmocka_unit_test(test_overlapping_multipolygon),
		cmocka_unit_test(test_too_few_points),
		cmocka_unit_test(test_unclosed_ring),
		cmocka_unit_test(test_structural_refusals),
		cmocka_unit_test(test_area_with_hole),
		cmocka_unit_test(test_intersection_overlap),
		cmocka_unit_test(test_intersection_touching),
		cmocka_unit_test(test_intersection_mixed_result),
		cmocka_unit_test(test_union_block),
		cmocka_unit_test(test_gap_in_block),
		cmocka_unit_test(test_gaps_stop_and_empty),
		cmocka_unit_test(test_union_names_bad_shape),
		cmocka_unit_test(test_overlaps_random),
		cmocka_unit_test(test_overlaps_edges),
		cmocka_unit_test(test_overlaps_names_bad_shape),
		cmocka_unit_test(test_simplify_circle),
		cmocka_unit_test(test_point_on_surface_c_shape),
		cmocka_unit_test(test_invalid_input_to_overlay),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("geom", tests, NULL, NULL);
}
