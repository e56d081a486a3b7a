/*
 * test_gridindex.c - unit tests of domain/gridindex: shapes, the boundary
 * rule on shared edges and vertices, holes, bad input, updates, snapshots
 * under concurrent writes, injected allocation failures, and randomized
 * cross-checks against brute force and against exact integer arithmetic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/spatial/gridindex.h"
#include "lib/error.h"
#include "lib/fault.h"
#include "tu_rand.h"

/* ---- building test shapes --------------------------------------------- */

#define TG_MAXP 8
#define TG_MAXR 16
#define TG_MAXV 1024

/* One test grid with storage for its rings. */
struct tgrid {
	struct gridindex_grid g;
	struct gridindex_polygon poly[TG_MAXP];
	struct gridindex_ring ring[TG_MAXR];
	double lon[TG_MAXV], lat[TG_MAXV];
	size_t nv, nr;
	int boxed;                      /* box below computed */
	double x0, y0, x1, y1;
};

/* A set of test grids and the array the index takes. */
struct tset {
	struct tgrid **v;
	size_t n, cap;
	struct gridindex_grid *arr;
};

static struct tgrid *tset_add(struct tset *s, int64_t id)
{
	struct tgrid *t = calloc(1, sizeof *t);

	assert_non_null(t);
	t->g.id = id;
	t->g.polygons = t->poly;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		assert_non_null(s->v);
	}
	s->v[s->n++] = t;
	return t;
}

static void tg_polygon(struct tgrid *t)
{
	assert_true(t->g.npolygons < TG_MAXP);
	t->poly[t->g.npolygons].rings = &t->ring[t->nr];
	t->poly[t->g.npolygons].nrings = 0;
	t->g.npolygons++;
}

/* Add a ring of n (x, y) pairs to the last polygon; close it if asked. */
static void tg_ring(struct tgrid *t, const double *xy, size_t n, int close)
{
	size_t m = n + (close ? 1 : 0);

	assert_true(t->g.npolygons > 0 && t->nr < TG_MAXR &&
		    t->nv + m <= TG_MAXV);
	for (size_t k = 0; k < n; k++) {
		t->lon[t->nv + k] = xy[2 * k];
		t->lat[t->nv + k] = xy[2 * k + 1];
	}
	if (close) {
		t->lon[t->nv + n] = xy[0];
		t->lat[t->nv + n] = xy[1];
	}
	t->ring[t->nr].lon = &t->lon[t->nv];
	t->ring[t->nr].lat = &t->lat[t->nv];
	t->ring[t->nr].n = m;
	t->nv += m;
	t->nr++;
	t->poly[t->g.npolygons - 1].nrings++;
}

static struct tgrid *tset_rect(struct tset *s, int64_t id, double x0,
			       double y0, double x1, double y1)
{
	double xy[] = { x0, y0, x1, y0, x1, y1, x0, y1 };
	struct tgrid *t = tset_add(s, id);

	tg_polygon(t);
	tg_ring(t, xy, 4, 1);
	return t;
}

static const struct gridindex_grid *tset_grids(struct tset *s)
{
	free(s->arr);
	s->arr = calloc(s->n ? s->n : 1, sizeof *s->arr);
	assert_non_null(s->arr);
	for (size_t k = 0; k < s->n; k++)
		s->arr[k] = s->v[k]->g;
	return s->arr;
}

static void tset_free(struct tset *s)
{
	for (size_t k = 0; k < s->n; k++)
		free(s->v[k]);
	free(s->v);
	free(s->arr);
	memset(s, 0, sizeof *s);
}

static struct gridindex *build(struct tset *s,
			       const struct gridindex_opts *opts)
{
	struct gridindex *idx = NULL;
	struct ug_error err;

	ug_error_clear(&err);
	assert_int_equal(gridindex_create(tset_grids(s), s->n, opts, &idx,
					  &err), 0);
	assert_non_null(idx);
	return idx;
}

/* Brute force over every grid with the module's reference function:
 * the smallest id holding the point, or -1. */
static int64_t brute(const struct tset *s, double x, double y)
{
	int64_t best = -1;

	for (size_t k = 0; k < s->n; k++) {
		struct tgrid *t = s->v[k];

		if (!t->boxed) {   /* first use: the shape is final by now */
			t->x0 = t->y0 = HUGE_VAL;
			t->x1 = t->y1 = -HUGE_VAL;
			for (size_t v = 0; v < t->nv; v++) {
				t->x0 = fmin(t->x0, t->lon[v]);
				t->x1 = fmax(t->x1, t->lon[v]);
				t->y0 = fmin(t->y0, t->lat[v]);
				t->y1 = fmax(t->y1, t->lat[v]);
			}
			t->boxed = 1;
		}
		/* outside the closed box: cannot be inside (tiny values are
		 * read as 0 by the index; widen the box for them) */
		if (x < t->x0 - 1e-90 || x > t->x1 + 1e-90 ||
		    y < t->y0 - 1e-90 || y > t->y1 + 1e-90)
			continue;
		if (gridindex_grid_contains(&t->g, x, y) &&
		    (best < 0 || s->v[k]->g.id < best))
			best = s->v[k]->g.id;
	}
	return best;
}

static int64_t look(struct gridindex *idx, double x, double y)
{
	int64_t id = -1;

	if (!gridindex_lookup(idx, x, y, &id))
		return -1;
	return id;
}

static void sample_point(const struct tset *s, double x0, double y0,
			 double w, double h, double *x, double *y);

/* ---- a perturbed mesh: irregular grids that tile without gaps ---------- */

/* nx * ny cells of side 1 from (ox, oy), scaled by `scale`.  Corners are
 * jittered on a lattice of 1/64 (so boundary points are easy to hit
 * exactly), every cell side gets 0-2 extra jittered points (shared by
 * both neighbours, so cells may be concave), some cells get a hole that
 * an island grid fills, some cells are merged with their east neighbour
 * into a two-part multipolygon-free L or stay empty (a gap). */
struct mesh {
	int nx, ny;
	double ox, oy, scale;
	double *cx, *cy;               /* (nx+1)*(ny+1) corners */
	int *hn;                       /* horizontal side (i,j)->(i+1,j): n */
	double *hx, *hy;               /* its extra points, 2 per side */
	int *vn;                       /* vertical side (i,j)->(i,j+1) */
	double *vx, *vy;
};

static double lattice(double v)
{
	return round(v * 64.0) / 64.0;
}

static void mesh_make(struct mesh *m, int nx, int ny, double ox, double oy,
		      double scale)
{
	size_t nc = (size_t)(nx + 1) * (ny + 1);

	memset(m, 0, sizeof *m);
	m->nx = nx; m->ny = ny; m->ox = ox; m->oy = oy; m->scale = scale;
	m->cx = calloc(nc, sizeof(double));
	m->cy = calloc(nc, sizeof(double));
	m->hn = calloc(nc, sizeof(int));
	m->hx = calloc(2 * nc, sizeof(double));
	m->hy = calloc(2 * nc, sizeof(double));
	m->vn = calloc(nc, sizeof(int));
	m->vx = calloc(2 * nc, sizeof(double));
	m->vy = calloc(2 * nc, sizeof(double));
	assert_true(m->cx && m->cy && m->hn && m->hx && m->hy && m->vn &&
		    m->vx && m->vy);
	for (int j = 0; j <= ny; j++) {
		for (int i = 0; i <= nx; i++) {
			size_t c = (size_t)j * (nx + 1) + i;
			/* keep the outer boundary straight in one test of
			 * the whole set's boundary: no jitter on it */
			int edge = i == 0 || j == 0 || i == nx || j == ny;
			double jx = edge ? 0 : (tu_rnd01() - 0.5) * 0.4;
			double jy = edge ? 0 : (tu_rnd01() - 0.5) * 0.4;

			m->cx[c] = lattice(i + jx);
			m->cy[c] = lattice(j + jy);
		}
	}
	for (int j = 0; j <= ny; j++) {
		for (int i = 0; i <= nx; i++) {
			size_t c = (size_t)j * (nx + 1) + i;

			if (i < nx) {   /* horizontal side to (i+1, j) */
				size_t d = c + 1;
				int outer = j == 0 || j == ny;

				m->hn[c] = outer ? tu_rndint(2) : tu_rndint(3);
				for (int k = 0; k < m->hn[c]; k++) {
					double t = (k + 1.0) / (m->hn[c] + 1);
					double off = outer ? 0 :
						(tu_rnd01() - 0.5) * 0.2;

					m->hx[2 * c + k] = lattice(
						m->cx[c] + t * (m->cx[d] -
								m->cx[c]));
					m->hy[2 * c + k] = lattice(
						m->cy[c] + t * (m->cy[d] -
								m->cy[c]) + off);
				}
			}
			if (j < ny) {   /* vertical side to (i, j+1) */
				size_t d = c + (size_t)(nx + 1);
				int outer = i == 0 || i == nx;

				m->vn[c] = outer ? tu_rndint(2) : tu_rndint(3);
				for (int k = 0; k < m->vn[c]; k++) {
					double t = (k + 1.0) / (m->vn[c] + 1);
					double off = outer ? 0 :
						(tu_rnd01() - 0.5) * 0.2;

					m->vx[2 * c + k] = lattice(
						m->cx[c] + t * (m->cx[d] -
								m->cx[c]) + off);
					m->vy[2 * c + k] = lattice(
						m->cy[c] + t * (m->cy[d] -
								m->cy[c]));
				}
			}
		}
	}
}

static void mesh_free(struct mesh *m)
{
	free(m->cx); free(m->cy); free(m->hn); free(m->hx); free(m->hy);
	free(m->vn); free(m->vx); free(m->vy);
}

static void put(double *xy, size_t *n, const struct mesh *m, double x,
		double y)
{
	xy[2 * *n] = m->ox + x * m->scale;
	xy[2 * *n + 1] = m->oy + y * m->scale;
	(*n)++;
}

/* The outer ring of cell (i, j), counter-clockwise. */
static size_t mesh_cell_ring(const struct mesh *m, int i, int j, double *xy)
{
	size_t w = (size_t)m->nx + 1, n = 0;
	size_t c00 = (size_t)j * w + i, c10 = c00 + 1, c01 = c00 + w;
	size_t c11 = c01 + 1;

	put(xy, &n, m, m->cx[c00], m->cy[c00]);
	for (int k = 0; k < m->hn[c00]; k++)
		put(xy, &n, m, m->hx[2 * c00 + k], m->hy[2 * c00 + k]);
	put(xy, &n, m, m->cx[c10], m->cy[c10]);
	for (int k = 0; k < m->vn[c10]; k++)
		put(xy, &n, m, m->vx[2 * c10 + k], m->vy[2 * c10 + k]);
	put(xy, &n, m, m->cx[c11], m->cy[c11]);
	for (int k = m->hn[c01] - 1; k >= 0; k--)
		put(xy, &n, m, m->hx[2 * c01 + k], m->hy[2 * c01 + k]);
	put(xy, &n, m, m->cx[c01], m->cy[c01]);
	for (int k = m->vn[c00] - 1; k >= 0; k--)
		put(xy, &n, m, m->vx[2 * c00 + k], m->vy[2 * c00 + k]);
	return n;
}

/* Add every cell of the mesh as a grid with id base + j * nx + i.  With
 * `features`, every 7th cell gets a diamond hole filled by an island grid
 * (id base + 1000000 + cell), every 11th cell is left out (a gap) and
 * every 13th cell also owns a small detached square part in a hole of
 * its own (a multipolygon). */
static void mesh_add(struct tset *s, const struct mesh *m, int64_t base,
		     int features)
{
	double xy[2 * 64];

	for (int j = 0; j < m->ny; j++) {
		for (int i = 0; i < m->nx; i++) {
			int64_t cell = (int64_t)j * m->nx + i;
			size_t n = mesh_cell_ring(m, i, j, xy);
			struct tgrid *t;
			double cx = i + 0.5, cy = j + 0.5;
			double hole[8] = { cx, cy - 0.125, cx + 0.125, cy,
					   cx, cy + 0.125, cx - 0.125, cy };

			if (features && cell % 11 == 5)
				continue;
			t = tset_add(s, base + cell);
			tg_polygon(t);
			tg_ring(t, xy, n, 1);
			if (features && cell % 7 == 3) {
				struct tgrid *isl;
				double hxy[8];

				for (int k = 0; k < 4; k++) {
					hxy[2 * k] = m->ox + hole[2 * k] *
						m->scale;
					hxy[2 * k + 1] = m->oy +
						hole[2 * k + 1] * m->scale;
				}
				tg_ring(t, hxy, 4, 1);
				isl = tset_add(s, base + 1000000 + cell);
				tg_polygon(isl);
				tg_ring(isl, hxy, 4, 1);
			}
			if (features && cell % 13 == 8) {
				/* a hole in this cell with, inside it, a
				 * second part of the same grid */
				double o[8], p[8];
				double a = 0.0625, b = 0.03125;

				for (int k = 0; k < 4; k++) {
					double dx = (k == 1 || k == 2) ? 1 : -1;
					double dy = (k >= 2) ? 1 : -1;

					o[2 * k] = m->ox + (cx + dx * a) *
						m->scale;
					o[2 * k + 1] = m->oy + (cy + dy * a) *
						m->scale;
					p[2 * k] = m->ox + (cx + dx * b) *
						m->scale;
					p[2 * k + 1] = m->oy + (cy + dy * b) *
						m->scale;
				}
				tg_ring(t, o, 4, 1);
				tg_polygon(t);
				tg_ring(t, p, 4, 1);
			}
		}
	}
}

/* ---- squares and the rule on straight shared edges --------------------- */

/* 2 x 2 unit squares, ids 1 (SW), 2 (SE), 3 (NW), 4 (NE). */
static void four_squares(struct tset *s)
{
	tset_rect(s, 1, 0, 0, 1, 1);
	tset_rect(s, 2, 1, 0, 2, 1);
	tset_rect(s, 3, 0, 1, 1, 2);
	tset_rect(s, 4, 1, 1, 2, 2);
}

static void test_squares(void **state)
{
	struct tset s = { 0 };
	struct gridindex *idx;

	(void)state;
	four_squares(&s);
	idx = build(&s, NULL);
	/* interiors */
	assert_int_equal(look(idx, 0.5, 0.5), 1);
	assert_int_equal(look(idx, 1.5, 0.5), 2);
	assert_int_equal(look(idx, 0.5, 1.5), 3);
	assert_int_equal(look(idx, 1.7, 1.9), 4);
	/* shared vertical edge x = 1: the grid east of it */
	assert_int_equal(look(idx, 1.0, 0.5), 2);
	assert_int_equal(look(idx, 1.0, 1.5), 4);
	assert_int_equal(look(idx, 1.0, 0.1), 2);
	/* shared horizontal edge y = 1: the grid north of it */
	assert_int_equal(look(idx, 0.5, 1.0), 3);
	assert_int_equal(look(idx, 1.5, 1.0), 4);
	/* the vertex shared by all four: north-east */
	assert_int_equal(look(idx, 1.0, 1.0), 4);
	/* outer boundary: west and south in, east and north out */
	assert_int_equal(look(idx, 0.0, 0.5), 1);
	assert_int_equal(look(idx, 0.0, 1.5), 3);
	assert_int_equal(look(idx, 0.5, 0.0), 1);
	assert_int_equal(look(idx, 1.5, 0.0), 2);
	assert_int_equal(look(idx, 1.0, 0.0), 2);
	assert_int_equal(look(idx, 2.0, 0.5), -1);
	assert_int_equal(look(idx, 0.5, 2.0), -1);
	assert_int_equal(look(idx, 0.0, 0.0), 1);
	assert_int_equal(look(idx, 2.0, 0.0), -1);
	assert_int_equal(look(idx, 0.0, 2.0), -1);
	assert_int_equal(look(idx, 2.0, 2.0), -1);
	assert_int_equal(look(idx, 0.0, 1.0), 3);
	assert_int_equal(look(idx, 1.0, 2.0), -1);
	/* outside everything, near and far, and not numbers */
	assert_int_equal(look(idx, -0.001, 0.5), -1);
	assert_int_equal(look(idx, 0.5, -1e-12), -1);
	assert_int_equal(look(idx, 2.000001, 1.0), -1);
	assert_int_equal(look(idx, 100.0, 50.0), -1);
	assert_int_equal(look(idx, -180.0, -90.0), -1);
	assert_int_equal(look(idx, NAN, 0.5), -1);
	assert_int_equal(look(idx, 0.5, NAN), -1);
	assert_int_equal(look(idx, INFINITY, 0.5), -1);
	assert_int_equal(look(idx, 0.5, -INFINITY), -1);
	/* the brute-force reference agrees on all of these */
	for (int j = -2; j <= 10; j++)
		for (int i = -2; i <= 10; i++)
			assert_int_equal(look(idx, i * 0.25, j * 0.25),
					 brute(&s, i * 0.25, j * 0.25));
	gridindex_destroy(idx);
	tset_free(&s);
}

/* ---- irregular and concave shapes -------------------------------------- */

static void test_concave(void **state)
{
	/* a U opening north, and a plug filling the notch */
	static const double u[] = { 0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1,
				    1, 3, 0, 3 };
	static const double plug[] = { 1, 1, 2, 1, 2, 3, 1, 3 };
	/* a star-like irregular polygon with many reflex vertices */
	static const double star[] = { 10, 10, 11, 10.5, 12, 10, 11.6, 11,
				       12.5, 11.7, 11.4, 11.8, 11, 13,
				       10.6, 11.8, 9.5, 11.7, 10.4, 11 };
	struct tset s = { 0 };
	struct gridindex *idx;
	struct tgrid *t;

	(void)state;
	t = tset_add(&s, 7);
	tg_polygon(t);
	tg_ring(t, u, 8, 1);
	t = tset_add(&s, 8);
	tg_polygon(t);
	tg_ring(t, plug, 4, 1);
	t = tset_add(&s, 9);
	tg_polygon(t);
	tg_ring(t, star, 10, 1);
	idx = build(&s, NULL);
	assert_int_equal(look(idx, 0.5, 2.5), 7);    /* left arm */
	assert_int_equal(look(idx, 2.5, 2.5), 7);    /* right arm */
	assert_int_equal(look(idx, 1.5, 2.5), 8);    /* the notch */
	assert_int_equal(look(idx, 1.5, 0.5), 7);    /* the base */
	assert_int_equal(look(idx, 1.5, 1.0), 8);    /* notch floor: north */
	assert_int_equal(look(idx, 1.0, 2.0), 8);    /* notch wall: east */
	assert_int_equal(look(idx, 2.0, 2.0), 7);
	assert_int_equal(look(idx, 1.0, 1.0), 8);    /* reflex vertices */
	assert_int_equal(look(idx, 2.0, 1.0), 7);
	assert_int_equal(look(idx, 1.5, 3.0), -1);   /* top of the notch */
	assert_int_equal(look(idx, 11.0, 11.0), 9);  /* star centre */
	assert_int_equal(look(idx, 11.0, 10.2), -1); /* between two points */
	assert_int_equal(look(idx, 12.3, 11.4), -1);
	assert_int_equal(look(idx, 10.0, 11.4), 9);
	assert_int_equal(look(idx, 11.0, 12.9), 9);
	for (int k = 0; k < 20000; k++) {
		double x = -0.5 + tu_rnd01() * 13.5, y = -0.5 + tu_rnd01() * 14;

		assert_int_equal(look(idx, x, y), brute(&s, x, y));
	}
	gridindex_destroy(idx);
	tset_free(&s);
}

/* ---- sloped shared edges ----------------------------------------------- */

static void test_diagonal_edges(void **state)
{
	/* the unit square cut along y = x: 1 below-right, 2 above-left;
	 * and along the other diagonal in [2,3]: 3 below-left, 4 above-right */
	static const double lo[] = { 0, 0, 1, 0, 1, 1 };
	static const double hi[] = { 0, 0, 1, 1, 0, 1 };
	static const double bl[] = { 2, 0, 3, 0, 2, 1 };
	static const double tr[] = { 3, 0, 3, 1, 2, 1 };
	struct tset s = { 0 };
	struct gridindex *idx;
	struct tgrid *t;

	(void)state;
	t = tset_add(&s, 1); tg_polygon(t); tg_ring(t, lo, 3, 1);
	t = tset_add(&s, 2); tg_polygon(t); tg_ring(t, hi, 3, 1);
	t = tset_add(&s, 3); tg_polygon(t); tg_ring(t, bl, 3, 1);
	t = tset_add(&s, 4); tg_polygon(t); tg_ring(t, tr, 3, 1);
	idx = build(&s, NULL);
	/* points exactly on y = x belong east of it: grid 1 */
	for (int k = 1; k < 1000; k++) {
		double v = k / 1000.0;   /* not dyadic, still exactly on it */

		assert_int_equal(look(idx, v, v), 1);
	}
	/* on x + y = 3 (from (3,0) to (2,1)) east of it is grid 4 */
	assert_int_equal(look(idx, 2.5, 0.5), 4);
	assert_int_equal(look(idx, 2.75, 0.25), 4);
	assert_int_equal(look(idx, 2.25, 0.75), 4);
	/* points computed in floating point near x + y = 3: each lands on
	 * exactly one side, the same for the index and the brute force, and
	 * exactly one of the two triangles holds it */
	for (int k = 1; k < 5000; k++) {
		double t0 = k / 5000.0, x = 3.0 - t0, y = t0;
		int64_t id = look(idx, x, y);

		assert_true(id == 3 || id == 4);
		assert_int_equal(id, brute(&s, x, y));
		assert_int_equal(gridindex_grid_contains(&s.v[2]->g, x, y) +
				 gridindex_grid_contains(&s.v[3]->g, x, y), 1);
	}
	/* the shared end vertices */
	assert_int_equal(look(idx, 0.0, 0.0), 1);
	assert_int_equal(look(idx, 1.0, 1.0), -1);
	assert_int_equal(look(idx, 2.0, 1.0), -1);
	assert_int_equal(look(idx, 3.0, 0.0), -1);
	assert_int_equal(look(idx, 2.0, 0.0), 3);
	gridindex_destroy(idx);
	tset_free(&s);
}

/* ---- vertices where 3, 4 and 8 grids meet ------------------------------ */

/* n triangular sectors around (cx, cy) with their first edge at angle a0;
 * ids base + k, sector k between angles a0 + k*2pi/n and the next. */
static void fan(struct tset *s, int64_t base, double cx, double cy, int n,
		double a0, double r)
{
	for (int k = 0; k < n; k++) {
		double a = a0 + k * 2 * M_PI / n, b = a0 + (k + 1) * 2 * M_PI / n;
		double xy[6] = { cx, cy, cx + r * cos(a), cy + r * sin(a),
				 cx + r * cos(b), cy + r * sin(b) };
		struct tgrid *t = tset_add(s, base + k);

		if (k == n - 1) {   /* close the fan exactly */
			xy[4] = cx + r * cos(a0);
			xy[5] = cy + r * sin(a0);
		}
		tg_polygon(t);
		tg_ring(t, xy, 3, 1);
	}
	/* make sector k's end point identical to sector k+1's start */
	for (int k = 0; k + 1 < n; k++) {
		struct tgrid *t = s->v[s->n - n + k], *u = s->v[s->n - n + k + 1];

		t->lon[2] = u->lon[1];
		t->lat[2] = u->lat[1];
	}
}

static void test_shared_vertices(void **state)
{
	struct tset s = { 0 };
	struct gridindex *idx;

	(void)state;
	/* 8 sectors with an edge due east: the sector just north of it */
	fan(&s, 100, 10.0, 10.0, 8, 0.0, 1.0);
	/* 3 sectors with edges at 90, 210, 330 degrees: east lies in the
	 * sector from 330 to 90 (the third) */
	fan(&s, 200, 20.0, 10.0, 3, M_PI / 2, 1.0);
	/* 4 sectors rotated by 10 degrees: east is in the last one */
	fan(&s, 300, 30.0, 10.0, 4, 10.0 * M_PI / 180, 1.0);
	/* 4 squares around (41, 11) */
	tset_rect(&s, 401, 40, 10, 41, 11);
	tset_rect(&s, 402, 41, 10, 42, 11);
	tset_rect(&s, 403, 40, 11, 41, 12);
	tset_rect(&s, 404, 41, 11, 42, 12);
	/* 3 grids meeting in a T: one wide below, two above */
	tset_rect(&s, 501, 50, 10, 52, 11);
	tset_rect(&s, 502, 50, 11, 51, 12);
	tset_rect(&s, 503, 51, 11, 52, 12);
	idx = build(&s, NULL);
	assert_int_equal(look(idx, 10.0, 10.0), 100);
	assert_int_equal(look(idx, 20.0, 10.0), 202);
	assert_int_equal(look(idx, 30.0, 10.0), 303);
	assert_int_equal(look(idx, 41.0, 11.0), 404);
	assert_int_equal(look(idx, 51.0, 11.0), 503);
	assert_int_equal(look(idx, 51.0, 10.0), 501);  /* bottom of the T */
	assert_int_equal(look(idx, 50.0, 11.0), 502);  /* west end of the T */
	/* every sector vertex on the rim and every point on a spoke: one
	 * grid or none, as the brute force says */
	for (size_t k = 0; k < s.n; k++) {
		const struct tgrid *t = s.v[k];

		for (size_t v = 0; v + 1 < t->nv; v++) {
			double x = t->lon[v], y = t->lat[v];
			double mx = (t->lon[v] + t->lon[v + 1]) / 2;
			double my = (t->lat[v] + t->lat[v + 1]) / 2;

			assert_int_equal(look(idx, x, y), brute(&s, x, y));
			assert_int_equal(look(idx, mx, my), brute(&s, mx, my));
		}
	}
	gridindex_destroy(idx);
	tset_free(&s);
}

/* ---- holes and multipolygons ------------------------------------------- */

static void test_holes(void **state)
{
	static const double outer[] = { 0, 0, 3, 0, 3, 3, 0, 3 };
	static const double hole[] = { 1, 1, 1, 2, 2, 2, 2, 1 };   /* cw */
	static const double fill[] = { 1, 1, 2, 1, 2, 2, 1, 2 };
	static const double outer2[] = { 10, 0, 13, 0, 13, 3, 10, 3 };
	static const double hole2[] = { 11, 1, 12, 1, 12, 2, 11, 2 };
	struct tset s = { 0 };
	struct gridindex *idx;
	struct tgrid *t;

	(void)state;
	t = tset_add(&s, 1);         /* square with a filled hole */
	tg_polygon(t);
	tg_ring(t, outer, 4, 1);
	tg_ring(t, hole, 4, 1);
	t = tset_add(&s, 2);
	tg_polygon(t);
	tg_ring(t, fill, 4, 1);
	t = tset_add(&s, 3);         /* square with an empty hole */
	tg_polygon(t);
	tg_ring(t, outer2, 4, 1);
	tg_ring(t, hole2, 4, 1);
	idx = build(&s, NULL);
	assert_int_equal(look(idx, 0.5, 0.5), 1);
	assert_int_equal(look(idx, 1.5, 1.5), 2);
	assert_int_equal(look(idx, 1.0, 1.5), 2);    /* hole's west side */
	assert_int_equal(look(idx, 2.0, 1.5), 1);    /* hole's east side */
	assert_int_equal(look(idx, 1.5, 1.0), 2);    /* south side */
	assert_int_equal(look(idx, 1.5, 2.0), 1);    /* north side */
	assert_int_equal(look(idx, 1.0, 1.0), 2);    /* hole corners */
	assert_int_equal(look(idx, 2.0, 1.0), 1);
	assert_int_equal(look(idx, 1.0, 2.0), 1);
	assert_int_equal(look(idx, 2.0, 2.0), 1);
	assert_int_equal(look(idx, 11.5, 1.5), -1);  /* empty hole */
	assert_int_equal(look(idx, 11.0, 1.5), -1);  /* its west side */
	assert_int_equal(look(idx, 12.0, 1.5), 3);   /* its east side */
	assert_int_equal(look(idx, 11.5, 1.0), -1);
	assert_int_equal(look(idx, 11.5, 2.0), 3);
	assert_int_equal(look(idx, 10.5, 1.5), 3);
	assert_int_equal(look(idx, 12.5, 1.5), 3);
	assert_int_equal(gridindex_grid_contains(&s.v[2]->g, 11.5, 1.5), 0);
	gridindex_destroy(idx);
	tset_free(&s);
}

static void test_multipolygon(void **state)
{
	static const double a[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
	static const double b[] = { 2, 0, 3, 0, 3, 1, 2, 1 };
	static const double mid[] = { 1, 0, 2, 0, 2, 1, 1, 1 };
	/* a ring with a hole and, inside the hole, an island of the same
	 * grid (three polygons in all) */
	static const double big[] = { 10, 0, 15, 0, 15, 5, 10, 5 };
	static const double bighole[] = { 11, 1, 14, 1, 14, 4, 11, 4 };
	static const double island[] = { 12, 2, 13, 2, 13, 3, 12, 3 };
	struct tset s = { 0 };
	struct gridindex *idx;
	struct tgrid *t;

	(void)state;
	t = tset_add(&s, 5);
	tg_polygon(t); tg_ring(t, a, 4, 1);
	tg_polygon(t); tg_ring(t, b, 4, 1);
	t = tset_add(&s, 6);
	tg_polygon(t); tg_ring(t, mid, 4, 1);
	t = tset_add(&s, 7);
	tg_polygon(t); tg_ring(t, big, 4, 1); tg_ring(t, bighole, 4, 1);
	tg_polygon(t); tg_ring(t, island, 4, 1);
	idx = build(&s, NULL);
	assert_int_equal(look(idx, 0.5, 0.5), 5);
	assert_int_equal(look(idx, 2.5, 0.5), 5);
	assert_int_equal(look(idx, 1.5, 0.5), 6);
	assert_int_equal(look(idx, 2.0, 0.5), 5);    /* east of mid */
	assert_int_equal(look(idx, 1.0, 0.5), 6);
	assert_int_equal(look(idx, 10.5, 2.5), 7);
	assert_int_equal(look(idx, 11.5, 2.5), -1);  /* in the hole */
	assert_int_equal(look(idx, 12.5, 2.5), 7);   /* on the island */
	assert_int_equal(look(idx, 12.0, 2.5), 7);   /* island's west side */
	assert_int_equal(look(idx, 13.0, 2.5), -1);  /* island's east side */
	gridindex_destroy(idx);
	tset_free(&s);
}

/* ---- degenerate but accepted rings ----------------------------------- */

/* Repeated points, collinear points, a slit (an edge walked there and
 * back), a part given twice (even-odd: the two copies cancel) and a
 * zero-area ring: accepted, and answered exactly like the brute force. */
static void test_degenerate_rings(void **state)
{
	static const double rep[] = { 0, 0, 1, 0, 1, 0, 1, 0, 2, 0, 2, 2,
				      1, 2, 0, 2, 0, 1, 0, 1 };
	static const double slit[] = { 3, 0, 5, 0, 5, 1, 5.5, 1.5, 5, 1,
				       5, 2, 3, 2 };
	static const double twice[] = { 6, 0, 8, 0, 8, 2, 6, 2 };
	static const double flat[] = { 9, 0, 10, 1, 11, 2, 10, 1 };
	struct tset s = { 0 };
	struct gridindex *idx;
	struct tgrid *t;

	(void)state;
	t = tset_add(&s, 1); tg_polygon(t); tg_ring(t, rep, 10, 1);
	t = tset_add(&s, 2); tg_polygon(t); tg_ring(t, slit, 7, 1);
	t = tset_add(&s, 3);
	tg_polygon(t); tg_ring(t, twice, 4, 1);
	tg_polygon(t); tg_ring(t, twice, 4, 1);
	t = tset_add(&s, 4); tg_polygon(t); tg_ring(t, flat, 4, 1);
	idx = build(&s, NULL);
	assert_int_equal(look(idx, 1.0, 1.0), 1);
	assert_int_equal(look(idx, 1.5, 0.0), 1);
	assert_int_equal(look(idx, 4.0, 1.0), 2);
	assert_int_equal(look(idx, 5.25, 1.25), -1);  /* on the slit */
	assert_int_equal(look(idx, 5.0, 1.5), -1);
	assert_int_equal(look(idx, 7.0, 1.0), -1);    /* doubled part */
	assert_int_equal(look(idx, 10.0, 1.0), -1);   /* zero area */
	for (int k = 0; k < 20000; k++) {
		double x, y;

		sample_point(&s, -0.5, -0.5, 12, 3, &x, &y);
		assert_int_equal(look(idx, x, y), brute(&s, x, y));
	}
	gridindex_destroy(idx);
	tset_free(&s);
}

/* ---- bad input ----------------------------------------------------------- */

static void expect_bad(const struct gridindex_grid *g, int code,
		       const char *needle)
{
	struct gridindex *idx = (struct gridindex *)1;
	struct ug_error err;

	ug_error_clear(&err);
	assert_int_equal(gridindex_grid_check(g, &err), -code);
	assert_non_null(strstr(err.message, needle));
	ug_error_clear(&err);
	assert_int_equal(gridindex_create(g, 1, NULL, &idx, &err), -code);
	assert_null(idx);
	assert_int_equal(err.code, code);
	assert_non_null(strstr(err.message, needle));
}

static void test_bad_input(void **state)
{
	static const double tri[] = { 0, 0, 1, 0, 0, 1 };
	static const double open[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
	double nanxy[] = { 0, 0, 1, 0, 1, 1, 0, 0 };
	struct tset s = { 0 };
	struct tgrid *t;
	struct gridindex *idx;
	struct ug_error err;

	(void)state;
	t = tset_add(&s, 42);              /* 3 points, closed = 4 needed */
	tg_polygon(t);
	tg_ring(t, tri, 3, 0);
	expect_bad(&t->g, UG_EINVAL, "grid 42 polygon 0 ring 0: 3 points");

	t = tset_add(&s, 43);              /* 4 points, not closed */
	tg_polygon(t);
	tg_ring(t, open, 4, 0);
	expect_bad(&t->g, UG_EINVAL, "not closed");

	t = tset_add(&s, 44);              /* NaN in a hole */
	tg_polygon(t);
	tg_ring(t, open, 4, 1);
	nanxy[3] = NAN;
	tg_ring(t, nanxy, 4, 0);
	expect_bad(&t->g, UG_EINVAL, "grid 44 polygon 0 ring 1 point 1");

	t = tset_add(&s, 45);              /* infinite longitude */
	tg_polygon(t);
	nanxy[3] = 0;
	nanxy[2] = INFINITY;
	tg_ring(t, nanxy, 4, 0);
	expect_bad(&t->g, UG_EINVAL, "not a WGS84");

	t = tset_add(&s, 46);              /* latitude out of range */
	tg_polygon(t);
	nanxy[2] = 1;
	nanxy[5] = 91;
	tg_ring(t, nanxy, 4, 0);
	expect_bad(&t->g, UG_EINVAL, "not a WGS84");

	t = tset_add(&s, 47);              /* no polygons */
	expect_bad(&t->g, UG_EINVAL, "no polygons");

	t = tset_add(&s, 48);              /* a polygon without rings */
	tg_polygon(t);
	expect_bad(&t->g, UG_EINVAL, "no rings");

	/* duplicate ids in one build */
	tset_free(&s);
	tset_rect(&s, 9, 0, 0, 1, 1);
	tset_rect(&s, 9, 1, 0, 2, 1);
	idx = (struct gridindex *)1;
	ug_error_clear(&err);
	assert_int_equal(gridindex_create(tset_grids(&s), 2, NULL, &idx, &err),
			 -UG_ECONFLICT);
	assert_null(idx);
	assert_non_null(strstr(err.message, "grid 9"));
	/* a bad grid among good ones: nothing is built, the error names it */
	tset_free(&s);
	tset_rect(&s, 1, 0, 0, 1, 1);
	t = tset_add(&s, 2);
	tg_polygon(t);
	tg_ring(t, open, 4, 0);
	ug_error_clear(&err);
	assert_int_equal(gridindex_create(tset_grids(&s), 2, NULL, &idx, &err),
			 -UG_EINVAL);
	assert_non_null(strstr(err.message, "grid 2 polygon 0 ring 0"));
	assert_string_equal(err.field, "polygons");
	tset_free(&s);
}

/* ---- updates ------------------------------------------------------------- */

static void test_updates(void **state)
{
	struct tset s = { 0 }, more = { 0 };
	struct gridindex *idx;
	const struct gridindex_snapshot *before;
	struct ug_error err;
	struct gridindex_stats st;
	int64_t id = 0;

	(void)state;
	four_squares(&s);
	idx = build(&s, NULL);
	before = gridindex_acquire(idx);

	/* insert a grid beside the others */
	tset_rect(&more, 5, 2, 0, 3, 1);
	assert_int_equal(gridindex_insert(idx, &more.v[0]->g, &err), 0);
	assert_int_equal(look(idx, 2.5, 0.5), 5);
	assert_int_equal(look(idx, 2.0, 0.5), 5);     /* now shared edge */
	assert_int_equal(look(idx, 1.5, 0.5), 2);
	/* again: conflict, nothing changes */
	ug_error_clear(&err);
	assert_int_equal(gridindex_insert(idx, &more.v[0]->g, &err),
			 -UG_ECONFLICT);
	assert_non_null(strstr(err.message, "grid 5"));
	assert_int_equal(look(idx, 2.5, 0.5), 5);

	/* replace grid 2 by a smaller shape: its old area half empties */
	tset_rect(&more, 2, 1, 0, 1.5, 1);
	assert_int_equal(gridindex_replace(idx, &more.v[1]->g, &err), 0);
	assert_int_equal(look(idx, 1.25, 0.5), 2);
	assert_int_equal(look(idx, 1.75, 0.5), -1);
	assert_int_equal(look(idx, 1.0, 0.5), 2);

	/* the snapshot taken before the writes still sees the old state */
	assert_int_equal(gridindex_snapshot_lookup(before, 1.75, 0.5, &id), 1);
	assert_int_equal(id, 2);
	assert_int_equal(gridindex_snapshot_lookup(before, 2.5, 0.5, &id), 0);
	gridindex_release(before);

	/* remove */
	assert_int_equal(gridindex_remove(idx, 4, &err), 0);
	assert_int_equal(look(idx, 1.5, 1.5), -1);
	assert_int_equal(look(idx, 1.0, 1.5), -1);    /* was 4's west edge */
	assert_int_equal(look(idx, 0.5, 1.5), 3);
	ug_error_clear(&err);
	assert_int_equal(gridindex_remove(idx, 4, &err), -UG_ENOTFOUND);
	assert_non_null(strstr(err.message, "grid 4"));
	ug_error_clear(&err);
	assert_int_equal(gridindex_replace(idx, &s.v[3]->g, &err),
			 -UG_ENOTFOUND);
	/* a bad replacement is refused and changes nothing */
	{
		static const double open[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
		struct tgrid *t = tset_add(&more, 3);

		tg_polygon(t);
		tg_ring(t, open, 4, 0);
		assert_int_equal(gridindex_replace(idx, &t->g, &err),
				 -UG_EINVAL);
		assert_int_equal(look(idx, 0.5, 1.5), 3);
	}
	/* insert far outside the extent: the directory is rebuilt */
	tset_rect(&more, 77, 100, 40, 100.5, 40.5);
	assert_int_equal(gridindex_insert(idx, &more.v[more.n - 1]->g, &err),
			 0);
	assert_int_equal(look(idx, 100.25, 40.25), 77);
	assert_int_equal(look(idx, 0.5, 0.5), 1);
	assert_int_equal(look(idx, 1.25, 0.5), 2);
	assert_int_equal(look(idx, 2.5, 0.5), 5);
	assert_int_equal(look(idx, 1.5, 1.5), -1);
	gridindex_stats(idx, &st);
	assert_int_equal(st.grids, 5);
	assert_int_equal(st.vertices, 25);
	/* remove everything, then insert into the empty index */
	for (int64_t k = 1; k <= 5; k++)
		if (k != 4)
			assert_int_equal(gridindex_remove(idx, k, &err), 0);
	assert_int_equal(gridindex_remove(idx, 77, &err), 0);
	assert_int_equal(look(idx, 0.5, 0.5), -1);
	assert_int_equal(look(idx, 100.25, 40.25), -1);
	gridindex_stats(idx, &st);
	assert_int_equal(st.grids, 0);
	assert_int_equal(gridindex_insert(idx, &s.v[0]->g, &err), 0);
	assert_int_equal(look(idx, 0.5, 0.5), 1);
	gridindex_destroy(idx);
	tset_free(&s);
	tset_free(&more);
}

static void test_empty_index(void **state)
{
	struct gridindex *idx = NULL;
	struct gridindex_stats st;
	struct tset s = { 0 };
	struct ug_error err;

	(void)state;
	assert_int_equal(gridindex_create(NULL, 0, NULL, &idx, &err), 0);
	assert_int_equal(look(idx, 0, 0), -1);
	assert_int_equal(look(idx, 116.4, 39.9), -1);
	gridindex_stats(idx, &st);
	assert_int_equal(st.grids, 0);
	assert_int_equal(st.tiles, 0);
	tset_rect(&s, 3, 116.4, 39.9, 116.401, 39.901);
	assert_int_equal(gridindex_insert(idx, &s.v[0]->g, &err), 0);
	assert_int_equal(look(idx, 116.4005, 39.9005), 3);
	assert_int_equal(look(idx, 116.4, 39.9), 3);
	assert_int_equal(look(idx, 116.401, 39.9), -1);
	gridindex_destroy(idx);
	gridindex_destroy(NULL);
	gridindex_release(NULL);
	tset_free(&s);
}

/* ---- randomized cross-checks ------------------------------------------- */

/* A point for the cross-check: random, on a lattice vertex, on a vertex
 * of some grid, or somewhere on one of its edges. */
static void sample_point(const struct tset *s, double x0, double y0,
			 double w, double h, double *x, double *y)
{
	const struct tgrid *t = s->v[(size_t)tu_rndint((int)s->n)];
	size_t v = (size_t)tu_rndint((int)t->nv - 1);
	double f;

	switch (tu_rndint(5)) {
	case 0:
		*x = x0 + tu_rnd01() * w;
		*y = y0 + tu_rnd01() * h;
		break;
	case 1:          /* lattice of 1/64: cell borders, vertices */
		*x = x0 + tu_rndint((int)(w * 64) + 1) / 64.0;
		*y = y0 + tu_rndint((int)(h * 64) + 1) / 64.0;
		break;
	case 2:
		*x = t->lon[v];
		*y = t->lat[v];
		break;
	case 3:          /* dyadic fractions of an edge: often exact */
		f = tu_rndint(9) / 8.0;
		*x = t->lon[v] + f * (t->lon[v + 1] - t->lon[v]);
		*y = t->lat[v] + f * (t->lat[v + 1] - t->lat[v]);
		break;
	default:         /* arbitrary fractions: rounded, near the edge */
		f = tu_rnd01();
		*x = t->lon[v] + f * (t->lon[v + 1] - t->lon[v]);
		*y = t->lat[v] + f * (t->lat[v + 1] - t->lat[v]);
		break;
	}
}

static void crosscheck(struct tset *s, const struct gridindex_opts *opts,
		       double x0, double y0, double w, double h, int npoints)
{
	struct gridindex *idx = build(s, opts);
	const struct gridindex_snapshot *snap = gridindex_acquire(idx);

	for (int k = 0; k < npoints; k++) {
		double x, y;
		int64_t id = -1, want;

		sample_point(s, x0, y0, w, h, &x, &y);
		want = brute(s, x, y);
		if (!gridindex_snapshot_lookup(snap, x, y, &id))
			id = -1;
		if (id != want)
			fail_msg("(%.17g, %.17g): index %lld, brute force %lld",
				 x, y, (long long)id, (long long)want);
	}
	gridindex_release(snap);
	gridindex_destroy(idx);
}

static void test_random_mesh_crosscheck(void **state)
{
	static const struct gridindex_opts opts[] = {
		{ 0, 0 },          /* defaults */
		{ 64, 1 },         /* many small tiles, coarse cells */
		{ 1e9, 40 },       /* one tile, very fine cells */
		{ 300, 0.05 },     /* cells much larger than grids */
	};
	struct tset s = { 0 };
	struct mesh m;

	(void)state;
	mesh_make(&m, 24, 20, 0, 0, 1.0);
	mesh_add(&s, &m, 1, 1);
	for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
		crosscheck(&s, &opts[k], -0.5, -0.5, 25, 21,
			   k == 0 ? 100000 : 20000);
	mesh_free(&m);
	tset_free(&s);
}

/* The same grids in a real city's coordinates (non-dyadic, rounded). */
static void test_random_city_crosscheck(void **state)
{
	struct tset s = { 0 };
	struct mesh m;

	(void)state;
	mesh_make(&m, 30, 30, 116.3, 39.85, 0.001);
	mesh_add(&s, &m, 110101001001000, 1);
	crosscheck(&s, NULL, 116.299, 39.849, 0.032, 0.032, 50000);
	mesh_free(&m);
	tset_free(&s);
}

/* ---- edges in a box --------------------------------------------------- */

struct edge_list {
	double (*e)[4];
	size_t n, cap;
};

static void edge_push(struct edge_list *l, double ax, double ay, double bx,
		      double by)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->e = realloc(l->e, l->cap * sizeof *l->e);
		assert_non_null(l->e);
	}
	l->e[l->n][0] = ax;
	l->e[l->n][1] = ay;
	l->e[l->n][2] = bx;
	l->e[l->n][3] = by;
	l->n++;
}

static void collect_edge(void *ctx, double ax, double ay, double bx,
			 double by)
{
	edge_push(ctx, ax, ay, bx, by);
}

static int edge_cmp(const void *a, const void *b)
{
	const double *p = a, *q = b;

	for (int k = 0; k < 4; k++)
		if (p[k] != q[k])
			return p[k] < q[k] ? -1 : 1;
	return 0;
}

/* Does the segment meet the closed box?  Independent of the module: the
 * boxes overlap and the box's corners are not all strictly on one side of
 * the segment's line. */
static int seg_meets_box(double ax, double ay, double bx, double by,
			 const double box[4])
{
	double cx[4] = { box[0], box[2], box[2], box[0] };
	double cy[4] = { box[1], box[1], box[3], box[3] };
	int pos = 0, neg = 0;

	if (fmax(ax, bx) < box[0] || fmin(ax, bx) > box[2] ||
	    fmax(ay, by) < box[1] || fmin(ay, by) > box[3])
		return 0;
	for (int k = 0; k < 4; k++) {
		double o = (bx - ax) * (cy[k] - ay) - (by - ay) * (cx[k] - ax);

		pos += o > 0;
		neg += o < 0;
	}
	return !(pos == 4 || neg == 4);
}

/* Every distinct edge of the set (not removed) meeting the box, lower end
 * first, sorted. */
static void brute_edges(const struct tset *s, const int64_t *removed,
			size_t nremoved, const double box[4],
			struct edge_list *out)
{
	size_t w = 0;

	out->n = 0;
	for (size_t g = 0; g < s->n; g++) {
		const struct tgrid *t = s->v[g];
		int gone = 0;

		for (size_t r = 0; r < nremoved; r++)
			gone |= removed[r] == t->g.id;
		for (size_t r = 0; !gone && r < t->nr; r++) {
			const struct gridindex_ring *ring = &t->ring[r];

			for (size_t k = 0; k + 1 < ring->n; k++) {
				double x0 = ring->lon[k], y0 = ring->lat[k];
				double x1 = ring->lon[k + 1];
				double y1 = ring->lat[k + 1];

				if ((x0 == x1 && y0 == y1) ||
				    !seg_meets_box(x0, y0, x1, y1, box))
					continue;
				if (y0 < y1 || (y0 == y1 && x0 < x1))
					edge_push(out, x0, y0, x1, y1);
				else
					edge_push(out, x1, y1, x0, y0);
			}
		}
	}
	if (out->n)  /* (qsort wants an array, even of nothing) */
		qsort(out->e, out->n, sizeof *out->e, edge_cmp);
	for (size_t k = 0; k < out->n; k++)
		if (w == 0 || edge_cmp(out->e[k], out->e[w - 1]) != 0)
			memcpy(out->e[w++], out->e[k], sizeof out->e[k]);
	out->n = w;
}

/* The index's edges of the box are the brute force's, each once. */
static void check_edges(const struct gridindex_snapshot *snap,
			const struct tset *s, const int64_t *removed,
			size_t nremoved, const double box[4])
{
	struct edge_list got = { 0 }, want = { 0 };
	size_t n = gridindex_snapshot_edges(snap, box[0], box[1], box[2],
					    box[3], collect_edge, &got);

	assert_int_equal(n, got.n);
	brute_edges(s, removed, nremoved, box, &want);
	if (got.n)
		qsort(got.e, got.n, sizeof *got.e, edge_cmp);
	for (size_t k = 1; k < got.n; k++)
		if (edge_cmp(got.e[k], got.e[k - 1]) == 0)
			fail_msg("edge (%.17g %.17g, %.17g %.17g) came twice",
				 got.e[k][0], got.e[k][1], got.e[k][2],
				 got.e[k][3]);
	for (size_t k = 0; k < got.n || k < want.n; k++) {
		if (k < got.n && k < want.n &&
		    edge_cmp(got.e[k], want.e[k]) == 0)
			continue;
		fail_msg("box %.17g %.17g %.17g %.17g: %zu edges, brute force "
			 "%zu; first difference at %zu", box[0], box[1],
			 box[2], box[3], got.n, want.n, k);
	}
	free(got.e);
	free(want.e);
}

/* A random box over the area: from a point to a whole-area box, never on
 * the 1/64 lattice of the mesh (so no edge merely touches its border,
 * where rounding may decide). */
static void random_box(double x0, double y0, double w, double h,
		       double box[4])
{
	double bw = w * pow(tu_rnd01(), 3), bh = h * pow(tu_rnd01(), 3);

	box[0] = x0 - 0.1 * w + tu_rnd01() * 1.2 * w;
	box[1] = y0 - 0.1 * h + tu_rnd01() * 1.2 * h;
	box[2] = box[0] + bw + 1e-9 * tu_rnd01();
	box[3] = box[1] + bh + 1e-9 * tu_rnd01();
}

static void test_edges_in_box(void **state)
{
	static const struct gridindex_opts opts[] = {
		{ 0, 0 }, { 64, 1 }, { 1e9, 40 }, { 300, 0.05 },
	};
	int64_t removed[] = { 1 + 5 * 24 + 7, 1 + 1000000 + 3, 1 + 8 };
	struct tset s = { 0 };
	struct mesh m;
	double box[4];

	(void)state;
	mesh_make(&m, 24, 20, 0, 0, 1.0);
	mesh_add(&s, &m, 1, 1);
	for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++) {
		struct gridindex *idx = build(&s, &opts[o]);
		const struct gridindex_snapshot *snap = gridindex_acquire(idx);
		struct ug_error err;
		const double all[4] = { -1.01, -1.01, 25.01, 21.01 };
		const double away[4] = { 30.01, 30.01, 31.01, 31.01 };
		struct edge_list none = { 0 };

		check_edges(snap, &s, NULL, 0, all);
		check_edges(snap, &s, NULL, 0, away);
		assert_int_equal(gridindex_snapshot_edges(snap, NAN, 0, 1, 1,
							  collect_edge, &none),
				 0);
		assert_int_equal(gridindex_snapshot_edges(snap, 2, 2, 1, 1,
							  collect_edge, &none),
				 0);
		for (int k = 0; k < 400; k++) {
			random_box(-0.5, -0.5, 25, 21, box);
			check_edges(snap, &s, NULL, 0, box);
		}
		gridindex_release(snap);
		/* Tiles rebuilt one by one after updates answer alike. */
		ug_error_clear(&err);
		for (size_t r = 0; r < sizeof removed / sizeof removed[0]; r++)
			assert_int_equal(gridindex_remove(idx, removed[r], &err),
					 0);
		snap = gridindex_acquire(idx);
		for (int k = 0; k < 100; k++) {
			random_box(-0.5, -0.5, 25, 21, box);
			check_edges(snap, &s, removed,
				    sizeof removed / sizeof removed[0], box);
		}
		gridindex_release(snap);
		gridindex_destroy(idx);
	}
	mesh_free(&m);
	tset_free(&s);
	/* A city's coordinates (non-dyadic) and an empty index. */
	mesh_make(&m, 30, 30, 116.3, 39.85, 0.001);
	mesh_add(&s, &m, 110101001001000, 1);
	{
		struct gridindex *idx = build(&s, NULL);
		const struct gridindex_snapshot *snap = gridindex_acquire(idx);

		for (int k = 0; k < 300; k++) {
			random_box(116.3, 39.85, 0.03, 0.03, box);
			check_edges(snap, &s, NULL, 0, box);
		}
		gridindex_release(snap);
		gridindex_destroy(idx);
	}
	mesh_free(&m);
	tset_free(&s);
	{
		struct gridindex *idx = build(&s, NULL);
		const struct gridindex_snapshot *snap = gridindex_acquire(idx);
		const double all[4] = { -180, -90, 180, 90 };

		check_edges(snap, &s, NULL, 0, all);
		gridindex_release(snap);
		gridindex_destroy(idx);
	}
	tset_free(&s);
}

/* Overlapping random polygons: the smallest id wins, like brute force. */
static void test_overlaps(void **state)
{
	struct tset s = { 0 };

	(void)state;
	for (int k = 0; k < 60; k++) {
		struct tgrid *t = tset_add(&s, 1000 - k * 7);
		double cx = tu_rnd01() * 10, cy = tu_rnd01() * 10, xy[2 * 12];
		int n = 3 + tu_rndint(9);

		for (int v = 0; v < n; v++) {
			double a = v * 2 * M_PI / n, r = 0.5 + tu_rnd01() * 2;

			xy[2 * v] = lattice(cx + r * cos(a));
			xy[2 * v + 1] = lattice(cy + r * sin(a));
		}
		tg_polygon(t);
		tg_ring(t, xy, (size_t)n, 1);
	}
	crosscheck(&s, NULL, -3, -3, 16, 16, 30000);
	crosscheck(&s, &(struct gridindex_opts){ 16, 3 }, -3, -3, 16, 16,
		   10000);
	tset_free(&s);
}

/* Bulk build, shuffled build and one-by-one inserts give the same answer
 * everywhere, boundary points included. */
static void test_insertion_order(void **state)
{
	struct tset s = { 0 }, sh = { 0 };
	struct gridindex *a, *b, *c;
	struct ug_error err;
	struct mesh m;

	(void)state;
	mesh_make(&m, 12, 12, 0, 0, 1.0);
	mesh_add(&s, &m, 1, 1);
	/* shuffled copy (the pointers move, the grids stay) */
	sh = s;
	sh.v = malloc(s.n * sizeof *sh.v);
	sh.arr = NULL;
	assert_non_null(sh.v);
	memcpy(sh.v, s.v, s.n * sizeof *sh.v);
	for (size_t k = s.n - 1; k > 0; k--) {
		size_t r = (size_t)tu_rndint((int)k + 1);
		struct tgrid *tmp = sh.v[k];

		sh.v[k] = sh.v[r];
		sh.v[r] = tmp;
	}
	a = build(&s, NULL);
	b = build(&sh, &(struct gridindex_opts){ 100, 2.5 });
	assert_int_equal(gridindex_create(NULL, 0, NULL, &c, &err), 0);
	for (size_t k = 0; k < sh.n; k++)
		assert_int_equal(gridindex_insert(c, &sh.v[k]->g, &err), 0);
	for (int k = 0; k < 30000; k++) {
		double x, y;
		int64_t ia;

		sample_point(&s, -0.25, -0.25, 12.5, 12.5, &x, &y);
		ia = look(a, x, y);
		assert_int_equal(look(b, x, y), ia);
		assert_int_equal(look(c, x, y), ia);
	}
	gridindex_destroy(a);
	gridindex_destroy(b);
	gridindex_destroy(c);
	free(sh.v);
	free(sh.arr);
	mesh_free(&m);
	tset_free(&s);
}

/* ---- exactness against integer arithmetic ------------------------------ */

/* Coordinates are k * 2^-46 degrees near Beijing, the full resolution of
 * a double there.  For 100 m edges the products in an orientation test
 * need about 72 bits, so plain double arithmetic rounds; lattice points
 * whose determinant against an edge is +-1 (found with the extended
 * Euclidean algorithm) lie 1/|edge| lattice units beside it, where plain
 * doubles get the side wrong about half the time.  __int128 (a GCC/Clang
 * extension) computes the true answer. */
typedef __int128 i128;

static double unit_deg(int64_t k)
{
	return ldexp((double)k, -46);
}

/* The rule in exact integers: count edges with a.y <= y < b.y and the
 * point strictly left of a->b. */
static int exact_contains(const int64_t *px, const int64_t *py, int n,
			  int64_t x, int64_t y)
{
	int in = 0;

	for (int k = 0; k < n; k++) {
		int64_t ax = px[k], ay = py[k];
		int64_t bx = px[(k + 1) % n], by = py[(k + 1) % n];
		i128 det;

		if (ay > by || (ay == by && ax > bx)) {
			int64_t t = ax; ax = bx; bx = t;
			t = ay; ay = by; by = t;
		}
		if (!(ay <= y && y < by))
			continue;
		det = (i128)(bx - ax) * (y - ay) - (i128)(by - ay) * (x - ax);
		in ^= det > 0;
	}
	return in;
}

/* s, t with a*s + b*t = gcd(a, b) > 0. */
static int64_t egcd(int64_t a, int64_t b, int64_t *s, int64_t *t)
{
	int64_t r0 = a, r1 = b, s0 = 1, s1 = 0, t0 = 0, t1 = 1;

	while (r1 != 0) {
		int64_t q = r0 / r1, tmp;

		tmp = r0 - q * r1; r0 = r1; r1 = tmp;
		tmp = s0 - q * s1; s0 = s1; s1 = tmp;
		tmp = t0 - q * t1; t0 = t1; t1 = tmp;
	}
	if (r0 < 0) {
		r0 = -r0; s0 = -s0; t0 = -t0;
	}
	*s = s0;
	*t = t0;
	return r0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static void test_exact_predicate(void **state)
{
	const int64_t base_x = (int64_t)(116.4 * 70368744177664.0);
	const int64_t base_y = (int64_t)(39.9 * 70368744177664.0);
	int naive_wrong = 0, tested = 0;

	(void)state;
	for (int round_no = 0; round_no < 200; round_no++) {
		int64_t px[5], py[5];
		double xy[10];
		struct tset s = { 0 };
		struct gridindex *idx;
		struct tgrid *t;

		/* a random pentagon about 100 m across */
		for (int k = 0; k < 5; k++) {
			double a = k * 2 * M_PI / 5 + tu_rnd01() * 0.5;
			double r = 4e10 + tu_rnd01() * 4e10;

			px[k] = base_x + (int64_t)(r * cos(a));
			py[k] = base_y + (int64_t)(r * sin(a));
			xy[2 * k] = unit_deg(px[k]);
			xy[2 * k + 1] = unit_deg(py[k]);
		}
		t = tset_add(&s, 1);
		tg_polygon(t);
		tg_ring(t, xy, 5, 1);
		idx = build(&s, &(struct gridindex_opts){ 1, 30 });
		for (int e = 0; e < 5; e++) {
			int64_t ax = px[e], ay = py[e];
			int64_t dx = px[(e + 1) % 5] - ax;
			int64_t dy = py[(e + 1) % 5] - ay;
			int64_t u, v, sv, tv, g = egcd(dx, dy, &sv, &tv), k;
			int64_t qx[6], qy[6];

			/* (u, v) with (dx/g) v - (dy/g) u = 1, its x offset
			 * within the edge's first 1/g */
			dx /= g;
			dy /= g;
			v = sv;
			u = -tv;
			k = floor_div(u, dx);
			u -= k * dx;
			v -= k * dy;
			qx[0] = ax + u;            qy[0] = ay + v;       /* +1 */
			qx[1] = ax + dx - u;       qy[1] = ay + dy - v;  /* -1 */
			qx[2] = ax;                qy[2] = ay;           /* vertex */
			qx[3] = ax + dx;           qy[3] = ay + dy;      /* on it */
			qx[4] = ax + u + dx;       qy[4] = ay + v + dy;  /* +1 */
			qx[5] = ax + 2 * dx - u;   qy[5] = ay + 2 * dy - v;
			for (int q = 0; q < 6; q++) {
				int want = exact_contains(px, py, 5, qx[q],
							  qy[q]);
				double x = unit_deg(qx[q]), y = unit_deg(qy[q]);
				double ex = unit_deg(ax), ey = unit_deg(ay);
				double naive = (unit_deg(ax + dx) - ex) * (y - ey) -
					       (unit_deg(ay + dy) - ey) * (x - ex);
				i128 d = (i128)dx * (qy[q] - ay) -
					 (i128)dy * (qx[q] - ax);

				assert_int_equal(
					gridindex_grid_contains(&t->g, x, y),
					want);
				assert_int_equal(look(idx, x, y),
						 want ? 1 : -1);
				tested++;
				if ((naive > 0) != (d > 0) ||
				    (naive < 0) != (d < 0))
					naive_wrong++;
			}
		}
		gridindex_destroy(idx);
		tset_free(&s);
	}
	/* the test would be toothless if plain doubles were always right */
	assert_true(naive_wrong > tested / 20);
}

/* Coordinates below 1e-100 in magnitude are read as 0. */
static void test_tiny_coordinates(void **state)
{
	struct tset s = { 0 };
	struct gridindex *idx;

	(void)state;
	tset_rect(&s, 1, -1, -1, 0, 0);
	tset_rect(&s, 2, 0, -1, 1, 0);
	tset_rect(&s, 3, -1, 0, 0, 1);
	tset_rect(&s, 4, 0, 0, 1, 1);
	s.v[3]->lon[0] = -1e-200;   /* -0 in effect: still closed */
	s.v[3]->lon[4] = 1e-300;
	idx = build(&s, NULL);
	assert_int_equal(look(idx, 0.0, 0.0), 4);
	assert_int_equal(look(idx, 1e-200, -1e-200), 4);
	assert_int_equal(look(idx, -1e-200, 0.5), 4);
	assert_int_equal(look(idx, -1e-90, 0.5), 3);
	assert_int_equal(look(idx, -0.0, -0.0), 4);
	assert_int_equal(brute(&s, -1e-200, 0.5), 4);
	gridindex_destroy(idx);
	tset_free(&s);
}

/* ---- threads: readers never see a half-done write ----------------------- */

struct reader_arg {
	struct gridindex *idx;
	atomic_int *stop;
	atomic_long lookups;    /* read by the writer while running */
	int bad;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;

	while (!atomic_load(a->stop)) {
		const struct gridindex_snapshot *snap = gridindex_acquire(a->idx);

		for (int k = 0; k < 200; k++) {
			int64_t id = 0;
			/* (1.25, 0.5) is in grid 2 in both of its shapes;
			 * (1.75, 0.5) is in 2 or in nothing; (0.5, 0.5)
			 * always in 1 */
			if (!gridindex_snapshot_lookup(snap, 1.25, 0.5, &id) ||
			    id != 2)
				a->bad++;
			if (gridindex_snapshot_lookup(snap, 1.75, 0.5, &id) &&
			    id != 2)
				a->bad++;
			if (!gridindex_snapshot_lookup(snap, 0.5, 0.5, &id) ||
			    id != 1)
				a->bad++;
			atomic_fetch_add(&a->lookups, 3);
		}
		gridindex_release(snap);
	}
	return NULL;
}

static void test_concurrent_readers(void **state)
{
	struct tset s = { 0 }, alt = { 0 };
	struct gridindex *idx;
	struct reader_arg args[3];
	pthread_t th[3];
	atomic_int stop;
	struct ug_error err;

	(void)state;
	four_squares(&s);
	tset_rect(&alt, 2, 1, 0, 1.5, 1);
	idx = build(&s, NULL);
	atomic_init(&stop, 0);
	for (int k = 0; k < 3; k++) {
		args[k].idx = idx;
		args[k].stop = &stop;
		args[k].bad = 0;
		atomic_init(&args[k].lookups, 0);
		assert_int_equal(pthread_create(&th[k], NULL, reader, &args[k]),
				 0);
	}
	/* write at least 400 times, and until every reader has overlapped
	 * with the writes for a while (threads may start late on a busy
	 * machine) */
	for (int k = 0, busy = 1; k < 400 || busy; k++) {
		const struct gridindex_grid *g = k % 2 ? &s.v[1]->g
						       : &alt.v[0]->g;

		assert_int_equal(gridindex_replace(idx, g, &err), 0);
		if (k % 50 == 0) {   /* and some inserts and removes */
			assert_int_equal(gridindex_remove(idx, 4, &err), 0);
			assert_int_equal(gridindex_insert(idx, &s.v[3]->g, &err),
					 0);
		}
		busy = 0;
		for (int r = 0; r < 3; r++)
			if (atomic_load(&args[r].lookups) < 30000)
				busy = 1;
		assert_true(k < 100000000);
	}
	atomic_store(&stop, 1);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(pthread_join(th[k], NULL), 0);
		assert_int_equal(args[k].bad, 0);
		assert_true(atomic_load(&args[k].lookups) >= 30000);
	}
	gridindex_destroy(idx);
	tset_free(&s);
	tset_free(&alt);
}

/* ---- injected allocation failures --------------------------------------- */

/* The grids the index should hold: pointers into other sets. */
static void model_set(struct tset *model, struct tgrid *t, int64_t remove)
{
	size_t w = 0;

	for (size_t k = 0; k < model->n; k++)
		if (model->v[k]->g.id != remove &&
		    (!t || model->v[k]->g.id != t->g.id))
			model->v[w++] = model->v[k];
	model->n = w;
	if (t) {
		if (model->n == model->cap) {
			model->cap = model->cap ? 2 * model->cap : 64;
			model->v = realloc(model->v,
					   model->cap * sizeof *model->v);
			assert_non_null(model->v);
		}
		model->v[model->n++] = t;
	}
}

static void test_alloc_failures(void **state)
{
	struct tset s = { 0 }, more = { 0 }, model = { 0 };
	struct gridindex *idx = NULL;
	struct ug_error err;
	struct mesh m;
	int n, rc;

	(void)state;
	mesh_make(&m, 6, 6, 0, 0, 1.0);
	mesh_add(&s, &m, 1, 1);
	tset_grids(&s);
	for (size_t k = 0; k < s.n; k++)
		model_set(&model, s.v[k], -1);
	/* create: every allocation in turn fails, and is reported */
	for (n = 1;; n++) {
		fault_arm(FAULT_ALLOC, n);
		rc = gridindex_create(s.arr, s.n, NULL, &idx, &err);
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -UG_ENOMEM);
		assert_null(idx);
	}
	assert_true(n > 5);
	/* updates: on failure the index answers exactly as before */
	tset_rect(&more, 999, 6, 0, 7, 1);          /* beside the mesh */
	tset_rect(&more, 1, 0, 0, 0.5, 0.5);        /* replaces grid 1 */
	tset_rect(&more, 998, 30, 30, 31, 31);      /* forces a rebuild */
	for (int op = 0; op < 4; op++) {
		for (n = 1;; n++) {
			fault_arm(FAULT_ALLOC, n);
			switch (op) {
			case 0: rc = gridindex_insert(idx, &more.v[0]->g, &err);
				break;
			case 1: rc = gridindex_replace(idx, &more.v[1]->g, &err);
				break;
			case 2: rc = gridindex_insert(idx, &more.v[2]->g, &err);
				break;
			default: rc = gridindex_remove(idx, 999, &err);
				break;
			}
			fault_arm(FAULT_ALLOC, 0);
			if (rc == 0)
				break;
			assert_int_equal(rc, -UG_ENOMEM);
			for (int k = 0; k < 300; k++) {
				double x = tu_rnd01() * 8 - 0.5;
				double y = tu_rnd01() * 7 - 0.5;

				assert_int_equal(look(idx, x, y),
						 brute(&model, x, y));
			}
		}
		assert_true(n > 1);
		if (op < 3)
			model_set(&model, more.v[op], -1);
		else
			model_set(&model, NULL, 999);
		for (int k = 0; k < 300; k++) {
			double x = tu_rnd01() * 32 - 0.5, y = tu_rnd01() * 32 - 0.5;

			assert_int_equal(look(idx, x, y), brute(&model, x, y));
		}
	}
	assert_int_equal(look(idx, 30.5, 30.5), 998);
	assert_int_equal(look(idx, 6.5, 0.5), -1);
	assert_int_equal(look(idx, 0.25, 0.25), 1);
	gridindex_destroy(idx);
	mesh_free(&m);
	free(model.v);
	tset_free(&s);
	tset_free(&more);
}

/* ---- large cells and crowded vertices ----------------------------------- */

/* 20 and 70 grids meeting in one vertex: cells with more than 16 and more
 * than 64 candidates use the general leaf format with several mask words;
 * and cells far larger than the grids hold hundreds of edges. */
static void test_crowded_cells(void **state)
{
	struct tset s = { 0 };
	struct mesh m;

	(void)state;
	fan(&s, 100, 0.0, 0.0, 70, 0.01, 1.0);
	fan(&s, 300, 5.0, 0.0, 20, 0.0, 1.0);
	{
		struct gridindex *idx = build(&s, NULL);

		/* the vertices: the sector just north of due east */
		assert_int_equal(look(idx, 0.0, 0.0), 169);
		assert_int_equal(look(idx, 5.0, 0.0), 300);
		/* right around them, in every sector, including those
		 * whose bit is in the second mask word (ids 164..169) */
		for (int k = 0; k < 20000; k++) {
			double a = tu_rnd01() * 2 * M_PI;
			double r = ldexp(tu_rnd01(), -tu_rndint(40));
			double cx = k % 2 ? 5.0 : 0.0;
			double x = cx + r * cos(a), y = r * sin(a);

			assert_int_equal(look(idx, x, y), brute(&s, x, y));
		}
		for (int k = 0; k < 70; k++) {
			double a = 0.01 + (k + 0.5) * 2 * M_PI / 70;

			assert_int_equal(look(idx, 0.01 * cos(a), 0.01 * sin(a)),
					 100 + k);
		}
		gridindex_destroy(idx);
	}
	crosscheck(&s, &(struct gridindex_opts){ 1e9, 0.001 }, -1.5, -1.5,
		   8, 3, 20000);
	tset_free(&s);
	/* exactly at the limits of the compact leaf format: 16 and 17
	 * grids at a vertex; one grid of 254..257 edges in a single cell */
	for (int n = 16; n <= 17; n++) {
		fan(&s, 100, 0.0, 0.0, n, 0.3, 1.0);
		crosscheck(&s, &(struct gridindex_opts){ 1e9, 0.001 }, -1.1,
			   -1.1, 2.2, 2.2, 5000);
		tset_free(&s);
	}
	for (int n = 254; n <= 257; n++) {
		struct tgrid *t = tset_add(&s, 7);
		double xy[2 * 300];

		for (int v = 0; v < n; v++) {   /* a star: n edges */
			double a = v * 2 * M_PI / n, r = v % 2 ? 0.8 : 1.0;

			xy[2 * v] = r * cos(a);
			xy[2 * v + 1] = r * sin(a);
		}
		tg_polygon(t);
		tg_ring(t, xy, (size_t)n, 1);
		/* a grid far away puts the star inside one tile, where one
		 * cell then holds exactly its n edges */
		tset_rect(&s, 8, 50, 50, 50.5, 50.5);
		crosscheck(&s, &(struct gridindex_opts){ 1e9, 0.0001 }, -1.1,
			   -1.1, 2.2, 2.2, 5000);
		tset_free(&s);
	}
	/* a mesh in a handful of huge cells: > 255 edges per cell */
	mesh_make(&m, 24, 20, 0, 0, 1.0);
	mesh_add(&s, &m, 1, 1);
	crosscheck(&s, &(struct gridindex_opts){ 1e9, 0.002 }, -0.5, -0.5,
		   25, 21, 20000);
	mesh_free(&m);
	tset_free(&s);
}

/* A copy of grid t with every point pulled halfway to its first point. */
static struct tgrid *shrunk(struct tset *into, const struct tgrid *t)
{
	struct tgrid *u = tset_add(into, t->g.id);
	double cx = t->lon[0], cy = t->lat[0];
	size_t r = 0;

	for (size_t p = 0; p < t->g.npolygons; p++) {
		tg_polygon(u);
		for (size_t k = 0; k < t->poly[p].nrings; k++, r++) {
			const struct gridindex_ring *rg = &t->ring[r];
			double xy[2 * TG_MAXV];

			for (size_t v = 0; v < rg->n; v++) {
				xy[2 * v] = cx + (rg->lon[v] - cx) / 2;
				xy[2 * v + 1] = cy + (rg->lat[v] - cy) / 2;
			}
			tg_ring(u, xy, rg->n, 0);
		}
	}
	return u;
}

/* Big enough (120 x 120 grids, about 120,000 edges) for the tiles to go
 * into huge-page slabs; then enough replacements that the writer compacts
 * them with a full rebuild.  Answers match the brute force throughout and
 * memory stays within the budget of 200 bytes per point. */
static void test_large_build_and_compaction(void **state)
{
	struct tset s = { 0 }, more = { 0 }, model = { 0 };
	struct gridindex *idx;
	struct gridindex_stats st, st2;
	struct ug_error err;
	struct mesh m;
	size_t nv = 0, k;

	(void)state;
	mesh_make(&m, 120, 120, -30, -30, 0.5);   /* lat <= 90 */
	mesh_add(&s, &m, 1, 1);
	for (k = 0; k < s.n; k++) {
		nv += s.v[k]->nv;
		model_set(&model, s.v[k], -1);
	}
	idx = build(&s, NULL);
	gridindex_stats(idx, &st);
	assert_true(st.vertices == nv && nv > 100000);
	assert_true(st.bytes_snapshot + st.bytes_writer < 200 * nv);
	for (int q = 0; q < 1500; q++) {
		double x, y;

		sample_point(&s, -30.25, -30.25, 60.5, 60.5, &x, &y);
		assert_int_equal(look(idx, x, y), brute(&model, x, y));
	}
	/* shrink one grid in every few: every tile is rebuilt, some twice */
	for (k = 0; k < s.n; k += 23) {
		struct tgrid *u = shrunk(&more, s.v[k]);

		assert_int_equal(gridindex_replace(idx, &u->g, &err), 0);
		model_set(&model, u, -1);
	}
	gridindex_stats(idx, &st2);
	assert_int_equal(st2.grids, s.n);
	assert_true(st2.bytes_snapshot + st2.bytes_writer <
		    st.bytes_snapshot * 3 / 2 + st.bytes_writer + 4096 * 1024);
	for (int q = 0; q < 3000; q++) {
		double x, y;

		if (q % 2)
			sample_point(&more, -30.25, -30.25, 60.5, 60.5, &x, &y);
		else
			sample_point(&s, -30.25, -30.25, 60.5, 60.5, &x, &y);
		assert_int_equal(look(idx, x, y), brute(&model, x, y));
	}
	gridindex_destroy(idx);
	mesh_free(&m);
	free(model.v);
	tset_free(&s);
	tset_free(&more);
}

/* ---- stats ---------------------------------------------------------------- */

static void test_stats(void **state)
{
	struct tset s = { 0 };
	struct gridindex *idx;
	struct gridindex_stats st;
	struct mesh m;
	size_t nv = 0;

	(void)state;
	mesh_make(&m, 20, 20, 0, 0, 1.0);
	mesh_add(&s, &m, 1, 0);
	for (size_t k = 0; k < s.n; k++)
		nv += s.v[k]->nv;
	idx = build(&s, NULL);
	gridindex_stats(idx, &st);
	assert_int_equal(st.grids, 400);
	assert_int_equal(st.vertices, nv);
	assert_true(st.tiles >= 1 && st.tiles <= st.dir_tiles);
	assert_true(st.cells >= st.leaf_cells && st.leaf_cells > 0);
	assert_true(st.leaf_edges >= st.leaf_cells);
	assert_true(st.bytes_snapshot > st.cells * 4);
	assert_true(st.bytes_writer > nv * 16);
	/* the budget of the design: at most 200 bytes per vertex */
	assert_true(st.bytes_snapshot + st.bytes_writer < 200 * nv);
	gridindex_destroy(idx);
	mesh_free(&m);
	tset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_squares),
		cmocka_unit_test(test_concave),
		cmocka_unit_test(test_diagonal_edges),
		cmocka_unit_test(test_shared_vertices),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_multipolygon),
		cmocka_unit_test(test_degenerate_rings),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_updates),
		cmocka_unit_test(test_empty_index),
		cmocka_unit_test(test_random_mesh_crosscheck),
		cmocka_unit_test(test_random_city_crosscheck),
		cmocka_unit_test(test_edges_in_box),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_insertion_order),
		cmocka_unit_test(test_exact_predicate),
		cmocka_unit_test(test_tiny_coordinates),
		cmocka_unit_test(test_concurrent_readers),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_crowded_cells),
		cmocka_unit_test(test_large_build_and_compaction),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
