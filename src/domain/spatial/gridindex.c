/*
 * gridindex.c - point -> unit grid index (see gridindex.h for the contract,
 * the boundary rule and the design).  Order of this file: exact predicates,
 * grid copies and validation, the id map, building one tile, the slabs
 * that full builds put tiles in, snapshots and lookup, then the index with
 * its writers.
 */
#include "domain/spatial/gridindex.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/fault.h"
#include "lib/shape.h"

#if defined(__FAST_MATH__)
#error "gridindex.c needs IEEE arithmetic: do not build it with -ffast-math"
#endif
#if FLT_EVAL_METHOD != 0
#error "gridindex.c needs double evaluation without excess precision"
#endif

#define GI_MAX_POINTS (1u << 24)   /* points per grid */
#define GI_TINY 1e-100             /* smaller magnitudes are read as 0 */
#define GI_MARGIN_ABS 1e-11        /* degrees; covers rounding in index math */
#define GI_MARGIN_REL 1e-6         /* of a cell or tile side */
#define GI_EXTENT_SLACK 0.25       /* extent margin, fraction of data size */
#define GI_MAX_DIR (1u << 22)      /* tiles in the directory */
#define GI_MAX_SIDE 2048u          /* cells along one side of a tile */

/* ---- allocation (every allocation can be failed by tests) ------------ */

static void *gi_malloc(size_t n)
{
	if (fault_should_fail(FAULT_ALLOC))
		return NULL;
	return malloc(n ? n : 1);
}

static void *gi_calloc(size_t n, size_t size)
{
	if (fault_should_fail(FAULT_ALLOC))
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

/* Grow array p (cap elements of `size` bytes) to hold at least `need`;
 * the contents are kept.  Returns the array, or NULL when out of memory
 * (then p and *cap are unchanged). */
static void *gi_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (p && need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (n > SIZE_MAX / size || fault_should_fail(FAULT_ALLOC))
		return NULL;
	if (!(q = realloc(p, n * size)))
		return NULL;
	*cap = n;
	return q;
}

/* Typed wrappers of gi_grow: 0, or -1 when out of memory. */
static int grow_u32(uint32_t **p, size_t *cap, size_t need)
{
	void *q = gi_grow(*p, cap, need, sizeof **p);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

static int grow_u64(uint64_t **p, size_t *cap, size_t need)
{
	void *q = gi_grow(*p, cap, need, sizeof **p);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

static int grow_i32(int32_t **p, size_t *cap, size_t need)
{
	void *q = gi_grow(*p, cap, need, sizeof **p);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

static int grow_f64(double **p, size_t *cap, size_t need)
{
	void *q = gi_grow(*p, cap, need, sizeof **p);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

static int grow_u8(unsigned char **p, size_t *cap, size_t need)
{
	void *q = gi_grow(*p, cap, need, sizeof **p);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

/* ---- exact geometric predicates ---------------------------------------
 *
 * orient() is the sign of (bx-ax)(py-ay) - (by-ay)(px-ax): > 0 when p is
 * left of the directed line a->b.  A floating-point filter (Shewchuk's
 * bound) decides almost every call; the rest are computed exactly as a sum
 * of 16 exact products.  Exact as long as nothing underflows, which
 * flush() guarantees: every nonzero coordinate is then at least 2^-332,
 * so every partial product is far above the subnormal range. */

static inline double flush(double v)
{
	return fabs(v) < GI_TINY ? 0.0 : v; /* also turns -0.0 into 0.0 */
}

/* min and max of numbers that are never NaN (fmin/fmax are calls) */
static inline double dmin(double a, double b)
{
	return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
	return a > b ? a : b;
}

static inline void two_sum(double a, double b, double *s, double *t)
{
	double x = a + b, bv = x - a, av = x - bv;

	*s = x;
	*t = (a - av) + (b - bv);
}

static inline void two_diff(double a, double b, double *d, double *t)
{
	double x = a - b, bv = a - x, av = x + bv;

	*d = x;
	*t = (a - av) + (bv - b);
}

/* Add b to the nonoverlapping expansion e[0..n-1] (increasing magnitude);
 * Shewchuk's Grow-Expansion.  Returns the new length, n + 1. */
static int expansion_grow(double *e, int n, double b)
{
	double q = b;

	for (int i = 0; i < n; i++)
		two_sum(q, e[i], &q, &e[i]);
	e[n] = q;
	return n + 1;
}

static int orient_exact(double ax, double ay, double bx, double by,
			double px, double py)
{
	double d[2], f[2], g[2], h[2], e[16];
	int n = 0;

	/* (d1+d0)(f1+f0) - (g1+g0)(h1+h0), every part exact */
	two_diff(bx, ax, &d[1], &d[0]);
	two_diff(py, ay, &f[1], &f[0]);
	two_diff(by, ay, &g[1], &g[0]);
	two_diff(px, ax, &h[1], &h[0]);
	for (int i = 0; i < 2; i++) {
		for (int k = 0; k < 2; k++) {
			double p = d[i] * f[k], q = g[i] * h[k];

			n = expansion_grow(e, n, p);
			n = expansion_grow(e, n, fma(d[i], f[k], -p));
			n = expansion_grow(e, n, -q);
			n = expansion_grow(e, n, -fma(g[i], h[k], -q));
		}
	}
	for (int i = n - 1; i >= 0; i--)
		if (e[i] != 0.0)
			return e[i] > 0.0 ? 1 : -1;
	return 0;
}

static inline int orient(double ax, double ay, double bx, double by,
			 double px, double py)
{
	/* (3 + 16 eps) eps, eps = 2^-53: Shewchuk's ccwerrboundA */
	const double bound_factor = 3.3306690738754716e-16;
	double l = (bx - ax) * (py - ay);
	double r = (by - ay) * (px - ax);
	double det = l - r;
	double bound = bound_factor * (fabs(l) + fabs(r));

	if (det > bound)
		return 1;
	if (-det > bound)
		return -1;
	return orient_exact(ax, ay, bx, by, px, py);
}

/* An edge with a its lower end: ay < by, or ay == by and ax < bx. */
struct gi_edge {
	double ax, ay, bx, by;
};

static inline void edge_make(struct gi_edge *e, double x0, double y0,
			     double x1, double y1)
{
	if (y0 < y1 || (y0 == y1 && x0 < x1)) {
		e->ax = x0; e->ay = y0; e->bx = x1; e->by = y1;
	} else {
		e->ax = x1; e->ay = y1; e->bx = x0; e->by = y0;
	}
}

/* Does the ray from (x, y) due east cross e?  This is the boundary rule's
 * count: a.y <= y < b.y and (x, y) strictly left of a->b. */
static inline int edge_crosses_east_ray(const struct gi_edge *e, double x,
					double y)
{
	if (!(e->ay <= y && y < e->by))
		return 0;
	if (x < e->ax && x < e->bx)
		return 1;
	if (x >= e->ax && x >= e->bx)
		return 0;
	return orient(e->ax, e->ay, e->bx, e->by, x, y) > 0;
}

/* Does the ray due south from (x + dx, y + dy) cross e, with the same
 * infinitesimals 0 < dy << dx as the rule?  The edge must span x + dx
 * (min x <= x < max x) and pass below the point there. */
static inline int edge_crosses_south_ray(const struct gi_edge *e, double x,
					 double y)
{
	int o;

	if (e->ax < e->bx ? !(e->ax <= x && x < e->bx)
			  : !(e->bx <= x && x < e->ax))
		return 0;
	if (e->by < y)
		return 1;
	if (e->ay > y)
		return 0;
	o = orient(e->ax, e->ay, e->bx, e->by, x, y);
	if (e->ax > e->bx)
		o = -o;          /* now > 0 iff (x, y) is above the edge */
	if (o != 0)
		return o > 0;
	/* (x, y) on the edge: at x + dx the edge is below y + dy iff it does
	 * not rise to the east. */
	return e->ax > e->bx || e->ay == e->by;
}

/* Parity of e's crossings with the path (x, y) -> (x1, y) -> (x1, y0),
 * every point nudged by (dx, dy): east along y, then south along x1. */
static inline int edge_crosses_path(const struct gi_edge *e, double x,
				    double y, double x1, double y0)
{
	int t = 0;

	if (e->ay <= y && y < e->by)
		t = edge_crosses_east_ray(e, x, y) ^
		    edge_crosses_east_ray(e, x1, y);
	/* an edge wholly above or wholly below both points changes nothing */
	if (!(e->ay > y && e->ay > y0) && !(e->by < y && e->by < y0))
		t ^= edge_crosses_south_ray(e, x1, y) ^
		     edge_crosses_south_ray(e, x1, y0);
	return t;
}

/* ---- grids: validation, the writer's copies, brute force -------------- */

/* The writer's copy of one grid, in one allocation: all rings' points
 * interleaved (x, y), ring r ending before ring_end[r]. */
struct grid_rec {
	int64_t id;
	double minx, miny, maxx, maxy;
	uint32_t nrings, npoints;
	size_t bytes;
	uint32_t *ring_end;
	double *xy;
};

int gridindex_grid_check(const struct gridindex_grid *g,
			 struct ug_error *err)
{
	size_t total = 0;

	if (!g)
		return ug_fail(err, UG_EINVAL, "grid", "no grid given");
	if (g->npolygons == 0 || !g->polygons)
		return ug_fail(err, UG_EINVAL, "polygons",
			       "grid %" PRId64 ": no polygons", g->id);
	for (size_t p = 0; p < g->npolygons; p++) {
		const struct gridindex_polygon *pg = &g->polygons[p];

		if (pg->nrings == 0 || !pg->rings)
			return ug_fail(err, UG_EINVAL, "polygons",
				       "grid %" PRId64 " polygon %zu: no rings "
				       "(an outer ring is required)", g->id, p);
		for (size_t r = 0; r < pg->nrings; r++) {
			const struct gridindex_ring *rg = &pg->rings[r];

			if (rg->n < 4)
				return ug_fail(err, UG_EINVAL, "polygons",
					       "grid %" PRId64 " polygon %zu "
					       "ring %zu: %zu points, a closed "
					       "ring needs at least 4", g->id,
					       p, r, rg->n);
			if (!rg->lon || !rg->lat)
				return ug_fail(err, UG_EINVAL, "polygons",
					       "grid %" PRId64 " polygon %zu "
					       "ring %zu: no coordinates", g->id,
					       p, r);
			if (rg->n > GI_MAX_POINTS - total)
				return ug_fail(err, UG_ETOOBIG, "polygons",
					       "grid %" PRId64 ": more than %u "
					       "points", g->id, GI_MAX_POINTS);
			total += rg->n;
			for (size_t k = 0; k < rg->n; k++) {
				double x = rg->lon[k], y = rg->lat[k];

				if (!(x >= -180.0 && x <= 180.0) ||
				    !(y >= -90.0 && y <= 90.0))
					return ug_fail(err, UG_EINVAL,
						       "polygons",
						       "grid %" PRId64
						       " polygon %zu ring %zu "
						       "point %zu: (%g, %g) is "
						       "not a WGS84 lon/lat",
						       g->id, p, r, k, x, y);
			}
			if (flush(rg->lon[0]) != flush(rg->lon[rg->n - 1]) ||
			    flush(rg->lat[0]) != flush(rg->lat[rg->n - 1]))
				return ug_fail(err, UG_EINVAL, "polygons",
					       "grid %" PRId64 " polygon %zu "
					       "ring %zu: not closed (last point "
					       "differs from the first)", g->id,
					       p, r);
		}
	}
	return 0;
}

static int grid_rec_new(const struct gridindex_grid *g,
			struct grid_rec **out, struct ug_error *err)
{
	size_t nrings = 0, npoints = 0, k = 0, r = 0, bytes;
	struct grid_rec *rec;
	int rc;

	if ((rc = gridindex_grid_check(g, err)) < 0)
		return rc;
	for (size_t p = 0; p < g->npolygons; p++) {
		nrings += g->polygons[p].nrings;
		for (size_t i = 0; i < g->polygons[p].nrings; i++)
			npoints += g->polygons[p].rings[i].n;
	}
	bytes = sizeof *rec + nrings * sizeof(uint32_t) + 8 +
		npoints * 2 * sizeof(double);
	if (!(rec = gi_malloc(bytes)))
		return ug_fail(err, UG_ENOMEM, "", "out of memory copying "
			       "grid %" PRId64, g->id);
	rec->id = g->id;
	rec->nrings = (uint32_t)nrings;
	rec->npoints = (uint32_t)npoints;
	rec->bytes = bytes;
	rec->xy = (double *)(rec + 1);
	rec->ring_end = (uint32_t *)(rec->xy + 2 * npoints);
	rec->minx = rec->miny = HUGE_VAL;
	rec->maxx = rec->maxy = -HUGE_VAL;
	for (size_t p = 0; p < g->npolygons; p++) {
		for (size_t i = 0; i < g->polygons[p].nrings; i++) {
			const struct gridindex_ring *rg =
				&g->polygons[p].rings[i];

			for (size_t j = 0; j < rg->n; j++, k++) {
				double x = flush(rg->lon[j]);
				double y = flush(rg->lat[j]);

				rec->xy[2 * k] = x;
				rec->xy[2 * k + 1] = y;
				rec->minx = dmin(rec->minx, x);
				rec->maxx = dmax(rec->maxx, x);
				rec->miny = dmin(rec->miny, y);
				rec->maxy = dmax(rec->maxy, y);
			}
			rec->ring_end[r++] = (uint32_t)k;
		}
	}
	*out = rec;
	return 0;
}

int gridindex_grid_contains(const struct gridindex_grid *g, double lon,
			    double lat)
{
	int inside = 0;

	lon = flush(lon);
	lat = flush(lat);
	for (size_t p = 0; p < g->npolygons; p++) {
		for (size_t i = 0; i < g->polygons[p].nrings; i++) {
			const struct gridindex_ring *rg =
				&g->polygons[p].rings[i];

			for (size_t k = 0; k + 1 < rg->n; k++) {
				struct gi_edge e;

				edge_make(&e, flush(rg->lon[k]),
					  flush(rg->lat[k]),
					  flush(rg->lon[k + 1]),
					  flush(rg->lat[k + 1]));
				inside ^= edge_crosses_east_ray(&e, lon, lat);
			}
		}
	}
	return inside;
}

/* ---- id -> grid map: open addressing, linear probing ------------------ */

struct grid_map {
	struct grid_rec **slot;
	size_t cap, n;   /* cap a power of two, or 0 */
};

static size_t map_hash(int64_t id)
{
	uint64_t z = (uint64_t)id + 0x9e3779b97f4a7c15u;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return (size_t)(z ^ (z >> 31));
}

/* Slot of id, or of the empty slot where it would go. */
static size_t map_find(const struct grid_map *m, int64_t id)
{
	size_t i = map_hash(id) & (m->cap - 1);

	while (m->slot[i] && m->slot[i]->id != id)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static struct grid_rec *map_get(const struct grid_map *m, int64_t id)
{
	return m->cap ? m->slot[map_find(m, id)] : NULL;
}

/* Make room for `extra` more entries (load <= 1/2).  0 or -1. */
static int map_reserve(struct grid_map *m, size_t extra)
{
	struct grid_map nm;
	size_t cap = m->cap ? m->cap : 16;

	while ((m->n + extra) * 2 > cap)
		cap *= 2;
	if (cap == m->cap)
		return 0;
	if (!(nm.slot = gi_calloc(cap, sizeof *nm.slot)))
		return -1;
	nm.cap = cap;
	nm.n = m->n;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slot[i])
			nm.slot[map_find(&nm, m->slot[i]->id)] = m->slot[i];
	free(m->slot);
	*m = nm;
	return 0;
}

/* Insert or overwrite; room must have been reserved. */
static void map_put(struct grid_map *m, struct grid_rec *rec)
{
	size_t i = map_find(m, rec->id);

	if (!m->slot[i])
		m->n++;
	m->slot[i] = rec;
}

static void map_del(struct grid_map *m, int64_t id)
{
	size_t i = map_find(m, id), j = i;

	if (!m->slot[i])
		return;
	m->slot[i] = NULL;
	m->n--;
	/* backward-shift deletion keeps every probe chain unbroken */
	for (;;) {
		size_t home;

		j = (j + 1) & (m->cap - 1);
		if (!m->slot[j])
			return;
		home = map_hash(m->slot[j]->id) & (m->cap - 1);
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			m->slot[i] = m->slot[j];
			m->slot[j] = NULL;
			i = j;
		}
	}
}

/* ---- snapshot layout: the tile directory ------------------------------ */

/* Leaves live in a tile's blob of 8-byte words.  Both formats list the
 * candidates (tile-local grid numbers in increasing id order; bit k of a
 * mask stands for cand[k]), a corner mask (which candidates hold the
 * cell's south-east corner (xs[i+1], ys[j])), and the cell's edges, each
 * with an owner mask (two bits for an edge two grids share).
 *
 * Compact (cell value & 3 == 1), for <= 16 candidates and <= 255 edges:
 *   uint32_t nedges | ncand << 8 | corner << 16,  uint32_t cand[ncand],
 *   uint16_t owners[nedges],  padding to 8 bytes,  struct gi_edge[nedges]
 * General (cell value & 3 == 3), nwords = ceil(ncand / 64):
 *   uint32_t nedges, ncand, cand[ncand],  padding to 8 bytes,
 *   uint64_t corner[nwords],  struct gi_edge[nedges],
 *   uint64_t owners[nedges][nwords] */
#define LEAF_COMPACT_CAND 16
#define LEAF_COMPACT_EDGES 255

struct gi_slab;

/* A tile: a uniform grid of nx * ny cells over its rectangle, with the
 * cells' borders xs[0..nx], ys[0..ny] as the builder computed them.  Cell
 * value v: 0 no grid; v & 3 == 0: grid ids[v/4 - 1]; else a leaf at word
 * v/4 of the blob.  One allocation, in a slab or on its own. */
struct gi_tile {
	double x0, y0, inv_cw, inv_ch;
	uint32_t nx, ny;
	const uint32_t *cells;
	const double *xs, *ys;
	const int64_t *ids;
	const uint64_t *blob;
	size_t bytes, ngrids, nleaves, nleaf_edges;
	struct gi_slab *slab;    /* NULL: allocated on its own */
	atomic_int refs;
};

/* Tiles of a full build share slabs: large mappings in huge pages where
 * the system offers them (fewer page faults while building, fewer TLB
 * misses while looking up).  A slab is unmapped with its last tile. */
struct gi_slab {
	atomic_int refs;         /* tiles in it, +1 while being filled */
	size_t size, used;       /* bytes mapped / handed out, this included */
};

struct gridindex_snapshot {
	double x0, y0, x1, y1;   /* lookup bounds: the directory's extent */
	double inv_tw, inv_th;
	uint32_t ntx, nty;
	struct gi_tile **tiles;  /* ntx * nty, row-major from the south-west;
				    NULL = no grid there */
	double tw, th;           /* tile side */
	size_t bytes;            /* this struct and its directory */
	atomic_int refs;
};

/* Index of v in a uniform division of [origin, origin + n * 1/inv) into
 * n parts, clamped to 0..n-1.  Monotonic in v; used by lookups and by the
 * builder alike. */
static inline uint32_t part_of(double v, double origin, double inv,
			       uint32_t n)
{
	double f = (v - origin) * inv;

	if (!(f > 0.0))
		return 0;
	if (f >= (double)n)
		return n - 1;
	return (uint32_t)f;
}

static double tile_x(const struct gridindex_snapshot *s, uint32_t i)
{
	return flush(s->x0 + (double)i * s->tw);
}

static double tile_y(const struct gridindex_snapshot *s, uint32_t j)
{
	return flush(s->y0 + (double)j * s->th);
}

static double tile_margin(const struct gridindex_snapshot *s)
{
	return GI_MARGIN_REL * dmin(s->tw, s->th) + GI_MARGIN_ABS;
}

/* Tiles whose rectangle, widened by twice the margin, meets the box. */
static void tile_range(const struct gridindex_snapshot *s, double minx,
		       double miny, double maxx, double maxy, uint32_t r[4])
{
	double m = 2 * tile_margin(s);

	r[0] = part_of(minx - m, s->x0, s->inv_tw, s->ntx);
	r[1] = part_of(miny - m, s->y0, s->inv_th, s->nty);
	r[2] = part_of(maxx + m, s->x0, s->inv_tw, s->ntx);
	r[3] = part_of(maxy + m, s->y0, s->inv_th, s->nty);
}

static int grow_edge(struct gi_edge **p, size_t *cap, size_t need)
{
	void *q = gi_grow(*p, cap, need, sizeof **p);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

static int grow_rec(struct grid_rec * **p, size_t *cap, size_t need)
{
	void *q = gi_grow(*p, cap, need, sizeof **p);

	if (!q)
		return -1;
	*p = q;
	return 0;
}

/* ---- building one tile ------------------------------------------------ */

/* Scratch memory of the builder, kept between tiles to avoid churn. */
struct tile_scratch {
	struct grid_rec **g;      /* the tile's grids, by increasing id */
	size_t g_cap;
	struct gi_edge *edge;     /* distinct edges */
	size_t edge_cap, nedges;
	uint32_t *hash;           /* edge number + 1, 0 = free */
	size_t hash_cap, hash_used;
	uint32_t *item;           /* (edge, grid) pairs, flat */
	size_t item_cap, nitems;
	uint32_t *own_start;      /* edge -> first owner in own[] */
	size_t own_start_cap;
	uint32_t *own;            /* owners, grouped by edge */
	size_t own_cap;
	uint32_t *live;           /* edges with at least one owner */
	size_t live_cap;
	double *xs, *ys;          /* cell borders */
	size_t xs_cap, ys_cap;
	uint32_t *cell_start;     /* cell -> first entry in cell_edge[] */
	size_t cell_start_cap;
	uint32_t *cell_edge;
	size_t cell_edge_cap;
	uint32_t *cells;
	size_t cells_cap;
	uint64_t *blob;
	size_t blob_cap, nblob;
	unsigned char *base;      /* statuses at the west border, per row */
	size_t base_cap;
	int32_t *base_row;        /* grid -> row of base[], -1 = all 0 */
	size_t base_row_cap;
	unsigned char *st;        /* grid -> holds the current sweep point */
	size_t st_cap;
	uint32_t *active, *pos, *mark, *bit, *cand;
	size_t active_cap, pos_cap, mark_cap, bit_cap, cand_cap;
};

static void scratch_free(struct tile_scratch *sc)
{
	free(sc->g); free(sc->edge); free(sc->hash); free(sc->item);
	free(sc->own_start); free(sc->own); free(sc->live);
	free(sc->xs); free(sc->ys); free(sc->cell_start); free(sc->cell_edge);
	free(sc->cells); free(sc->blob); free(sc->base); free(sc->base_row);
	free(sc->st); free(sc->active); free(sc->pos); free(sc->mark);
	free(sc->bit); free(sc->cand);
	memset(sc, 0, sizeof *sc);
}

/* Memory the scratch keeps between builds. */
static size_t scratch_bytes(const struct tile_scratch *sc)
{
	return sc->g_cap * sizeof *sc->g + sc->edge_cap * sizeof *sc->edge +
		(sc->hash_cap + sc->item_cap + sc->own_start_cap + sc->own_cap +
		 sc->live_cap + sc->cell_start_cap + sc->cell_edge_cap +
		 sc->cells_cap + sc->active_cap + sc->pos_cap + sc->mark_cap +
		 sc->bit_cap + sc->cand_cap) * sizeof(uint32_t) +
		(sc->xs_cap + sc->ys_cap + sc->blob_cap) * 8 +
		sc->base_cap + sc->base_row_cap * sizeof(int32_t) + sc->st_cap;
}

/* The rectangle and fine division of the tile being built. */
struct tile_frame {
	double x0, y0, x1, y1, m;
	uint32_t nx, ny;
	double cw, ch, inv_cw, inv_ch;
};

static int cmp_rec_id(const void *a, const void *b)
{
	const struct grid_rec *ra = *(struct grid_rec *const *)a;
	const struct grid_rec *rb = *(struct grid_rec *const *)b;

	return (ra->id > rb->id) - (ra->id < rb->id);
}

static uint32_t edge_hash(const struct gi_edge *e)
{
	uint64_t w[4], h = 0x243f6a8885a308d3u;

	memcpy(w, e, sizeof w);
	for (int i = 0; i < 4; i++) {
		h ^= w[i];
		h *= 0x9e3779b97f4a7c15u;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* (Re)build the edge hash with `cap` slots over the edges so far. */
static int edge_hash_resize(struct tile_scratch *sc, size_t cap)
{
	if (grow_u32(&sc->hash, &sc->hash_cap, cap))
		return -1;
	sc->hash_used = cap;
	memset(sc->hash, 0, cap * sizeof *sc->hash);
	for (size_t u = 0; u < sc->nedges; u++) {
		size_t h = edge_hash(&sc->edge[u]) & (cap - 1);

		while (sc->hash[h])
			h = (h + 1) & (cap - 1);
		sc->hash[h] = (uint32_t)u + 1;
	}
	return 0;
}

/* Number of the distinct edge e, added if new; -1 when out of memory. */
static int64_t edge_intern(struct tile_scratch *sc, const struct gi_edge *e)
{
	size_t h;

	if ((sc->nedges + 1) * 2 > sc->hash_used &&
	    (sc->nedges + 1 >= UINT32_MAX / 4 ||
	     edge_hash_resize(sc, 2 * sc->hash_used)))
		return -1;
	h = edge_hash(e) & (sc->hash_used - 1);
	while (sc->hash[h] &&
	       memcmp(&sc->edge[sc->hash[h] - 1], e, sizeof *e) != 0)
		h = (h + 1) & (sc->hash_used - 1);
	if (!sc->hash[h]) {
		if (grow_edge(&sc->edge, &sc->edge_cap, sc->nedges + 1))
			return -1;
		sc->edge[sc->nedges++] = *e;
		sc->hash[h] = (uint32_t)sc->nedges;
	}
	return sc->hash[h] - 1;
}

/* Distinct edges of the tile's grids that may touch the widened tile,
 * with (edge, grid) items for every grid that has them. */
static int gather_edges(struct tile_scratch *sc, uint32_t ng,
			const struct tile_frame *f)
{
	double bx0 = f->x0 - f->m, bx1 = f->x1 + f->m;
	double by0 = f->y0 - f->m, by1 = f->y1 + f->m;

	sc->nedges = sc->nitems = 0;
	if (edge_hash_resize(sc, 256))
		return -1;
	for (uint32_t gi = 0; gi < ng; gi++) {
		const struct grid_rec *rec = sc->g[gi];
		uint32_t start = 0;

		for (uint32_t r = 0; r < rec->nrings; r++) {
			uint32_t end = rec->ring_end[r];

			for (uint32_t k = start; k + 1 < end; k++) {
				const double *p = &rec->xy[2 * k];
				struct gi_edge e;
				int64_t u;

				if (p[0] == p[2] && p[1] == p[3])
					continue;   /* never crosses anything */
				if (dmax(p[0], p[2]) < bx0 ||
				    dmin(p[0], p[2]) > bx1 ||
				    dmax(p[1], p[3]) < by0 ||
				    dmin(p[1], p[3]) > by1)
					continue;
				edge_make(&e, p[0], p[1], p[2], p[3]);
				if ((u = edge_intern(sc, &e)) < 0 ||
				    grow_u32(&sc->item, &sc->item_cap,
					     2 * sc->nitems + 2))
					return -1;
				sc->item[2 * sc->nitems] = (uint32_t)u;
				sc->item[2 * sc->nitems + 1] = gi;
				sc->nitems++;
			}
			start = end;
		}
	}
	return 0;
}

static void sort_u32(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Group owners by edge (counting sort) and cancel grids that own an edge
 * twice: parity is what counts.  Fills own_start/own and live[]. */
static int group_owners(struct tile_scratch *sc, size_t *nlive)
{
	size_t ne = sc->nedges;

	if (grow_u32(&sc->own_start, &sc->own_start_cap, ne + 1) ||
	    grow_u32(&sc->own, &sc->own_cap, sc->nitems + 1) ||
	    grow_u32(&sc->live, &sc->live_cap, ne + 1))
		return -1;
	memset(sc->own_start, 0, (ne + 1) * sizeof *sc->own_start);
	for (size_t k = 0; k < sc->nitems; k++)
		sc->own_start[sc->item[2 * k] + 1]++;
	for (size_t u = 0; u < ne; u++)
		sc->own_start[u + 1] += sc->own_start[u];
	for (size_t k = 0; k < sc->nitems; k++) {
		uint32_t u = sc->item[2 * k];

		/* own_start[u] runs ahead while filling; fixed below */
		sc->own[sc->own_start[u]++] = sc->item[2 * k + 1];
	}
	for (size_t u = ne; u > 0; u--)
		sc->own_start[u] = sc->own_start[u - 1];
	sc->own_start[0] = 0;
	*nlive = 0;
	for (size_t u = 0; u < ne; u++) {
		uint32_t *o = &sc->own[sc->own_start[u]];
		size_t n = sc->own_start[u + 1] - sc->own_start[u], w = 0;

		if (n > 1) {
			sort_u32(o, n);
			for (size_t i = 0; i < n; i++) {
				if (i + 1 < n && o[i] == o[i + 1])
					i++;    /* a pair cancels out */
				else
					o[w++] = o[i];
			}
			for (size_t i = w; i < n; i++)
				o[i] = UINT32_MAX;   /* dropped */
		} else {
			w = n;
		}
		if (w > 0)
			sc->live[(*nlive)++] = (uint32_t)u;
	}
	return 0;
}

static size_t owners_of(const struct tile_scratch *sc, uint32_t u,
			const uint32_t **o)
{
	size_t a = sc->own_start[u], b = sc->own_start[u + 1], n = 0;

	*o = &sc->own[a];
	while (a + n < b && sc->own[a + n] != UINT32_MAX)
		n++;
	return n;
}

/* Choose the cell division from the number of distinct edges. */
static int frame_cells(struct tile_scratch *sc, struct tile_frame *f,
		       size_t nlive, double cells_per_edge)
{
	double w = f->x1 - f->x0, h = f->y1 - f->y0;
	double want = dmax(1.0, (double)nlive * cells_per_edge);
	double nx = round(sqrt(want * w / h));

	nx = dmin(dmax(nx, 1.0), GI_MAX_SIDE);
	f->nx = (uint32_t)nx;
	f->ny = (uint32_t)dmin(dmax(round(want / nx), 1.0), GI_MAX_SIDE);
	f->cw = w / f->nx;
	f->ch = h / f->ny;
	f->inv_cw = f->nx / w;
	f->inv_ch = f->ny / h;
	f->m = GI_MARGIN_REL * dmin(f->cw, f->ch) + GI_MARGIN_ABS;
	if (grow_f64(&sc->xs, &sc->xs_cap, f->nx + 1) ||
	    grow_f64(&sc->ys, &sc->ys_cap, f->ny + 1))
		return -1;
	for (uint32_t i = 0; i < f->nx; i++)
		sc->xs[i] = flush(f->x0 + (double)i * f->cw);
	sc->xs[f->nx] = f->x1;
	for (uint32_t j = 0; j < f->ny; j++)
		sc->ys[j] = flush(f->y0 + (double)j * f->ch);
	sc->ys[f->ny] = f->y1;
	return 0;
}

/* Call visit(cell) for every cell of the frame that edge e may touch
 * (closed cells widened by the margin: a superset, never fewer). */
static void raster_edge(const struct tile_frame *f, const double *ys,
			const struct gi_edge *e,
			void (*visit)(struct tile_scratch *, size_t, uint32_t),
			struct tile_scratch *sc, uint32_t u)
{
	double minx = dmin(e->ax, e->bx), maxx = dmax(e->ax, e->bx);
	uint32_t j0 = part_of(e->ay - f->m, f->y0, f->inv_ch, f->ny);
	uint32_t j1 = part_of(e->by + f->m, f->y0, f->inv_ch, f->ny);

	for (uint32_t j = j0; j <= j1; j++) {
		double ylo = dmax(e->ay, ys[j] - f->m);
		double yhi = dmin(e->by, ys[j + 1] + f->m);
		double xa, xb;
		uint32_t i0, i1;

		if (ylo > yhi)
			continue;
		if (e->ay == e->by) {
			xa = minx;
			xb = maxx;
		} else {
			double s = (e->bx - e->ax) / (e->by - e->ay);

			xa = e->ax + (ylo - e->ay) * s;
			xb = e->ax + (yhi - e->ay) * s;
		}
		i0 = part_of(dmax(dmin(xa, xb), minx) - f->m, f->x0,
			     f->inv_cw, f->nx);
		i1 = part_of(dmin(dmax(xa, xb), maxx) + f->m, f->x0,
			     f->inv_cw, f->nx);
		for (uint32_t i = i0; i <= i1; i++)
			visit(sc, (size_t)j * f->nx + i, u);
	}
}

static void visit_count(struct tile_scratch *sc, size_t cell, uint32_t u)
{
	(void)u;
	sc->cell_start[cell + 1]++;
}

static void visit_fill(struct tile_scratch *sc, size_t cell, uint32_t u)
{
	sc->cell_edge[sc->cell_start[cell]++] = u;
}

/* Edges touching each cell, as cell_start/cell_edge (CSR). */
static int bucket_edges(struct tile_scratch *sc, const struct tile_frame *f,
			size_t nlive)
{
	size_t ncells = (size_t)f->nx * f->ny, total;

	if (grow_u32(&sc->cell_start, &sc->cell_start_cap, ncells + 1))
		return -1;
	memset(sc->cell_start, 0, (ncells + 1) * sizeof *sc->cell_start);
	for (size_t k = 0; k < nlive; k++)
		raster_edge(f, sc->ys, &sc->edge[sc->live[k]], visit_count, sc,
			    sc->live[k]);
	for (size_t c = 0; c < ncells; c++) {
		if (sc->cell_start[c + 1] > UINT32_MAX - sc->cell_start[c])
			return -1;
		sc->cell_start[c + 1] += sc->cell_start[c];
	}
	total = sc->cell_start[ncells];
	if (grow_u32(&sc->cell_edge, &sc->cell_edge_cap, total + 1))
		return -1;
	for (size_t k = 0; k < nlive; k++)
		raster_edge(f, sc->ys, &sc->edge[sc->live[k]], visit_fill, sc,
			    sc->live[k]);
	for (size_t c = ncells; c > 0; c--)
		sc->cell_start[c] = sc->cell_start[c - 1];
	sc->cell_start[0] = 0;
	return 0;
}

/* Which grids hold (x0, ys[j]) for every row j, for the grids that reach
 * the tile's west border (the others hold none of those points).  Uses
 * all of a grid's edges, also those far outside the tile. */
static int west_statuses(struct tile_scratch *sc, uint32_t ng,
			 const struct tile_frame *f)
{
	size_t nb = 0;

	if (grow_i32(&sc->base_row, &sc->base_row_cap, ng))
		return -1;
	for (uint32_t gi = 0; gi < ng; gi++)
		sc->base_row[gi] = f->x0 < sc->g[gi]->minx ? -1 : (int32_t)nb++;
	if (grow_u8(&sc->base, &sc->base_cap, nb * f->ny + 1))
		return -1;
	memset(sc->base, 0, nb * f->ny);
	for (uint32_t gi = 0; gi < ng; gi++) {
		const struct grid_rec *rec = sc->g[gi];
		unsigned char *row;
		uint32_t start = 0;

		if (sc->base_row[gi] < 0)
			continue;
		row = &sc->base[(size_t)sc->base_row[gi] * f->ny];
		for (uint32_t r = 0; r < rec->nrings; r++) {
			for (uint32_t k = start; k + 1 < rec->ring_end[r]; k++) {
				const double *p = &rec->xy[2 * k];
				struct gi_edge e;
				uint32_t j;

				edge_make(&e, p[0], p[1], p[2], p[3]);
				if (e.ay == e.by || dmax(e.ax, e.bx) <= f->x0 ||
				    e.by <= sc->ys[0] || e.ay > sc->ys[f->ny - 1])
					continue;
				j = part_of(e.ay, f->y0, f->inv_ch, f->ny);
				while (j > 0 && sc->ys[j - 1] >= e.ay)
					j--;
				while (j < f->ny && sc->ys[j] < e.ay)
					j++;
				for (; j < f->ny && sc->ys[j] < e.by; j++)
					row[j] ^= (unsigned char)
						edge_crosses_east_ray(
							&e, f->x0, sc->ys[j]);
			}
			start = rec->ring_end[r];
		}
	}
	return 0;
}

/* Sweep state: which grids hold the current point. */
static void status_toggle(struct tile_scratch *sc, size_t *nactive,
			  uint32_t gi)
{
	sc->st[gi] ^= 1;
	if (sc->st[gi]) {
		sc->pos[gi] = (uint32_t)*nactive;
		sc->active[(*nactive)++] = gi;
	} else {
		uint32_t last = sc->active[--*nactive];

		sc->active[sc->pos[gi]] = last;
		sc->pos[last] = sc->pos[gi];
	}
}

/* Append a leaf for cell (i, j) to the blob; returns its cell value, or 0
 * when out of memory or too big (a leaf's value is never 0). */
static uint32_t write_leaf(struct tile_scratch *sc, const struct tile_frame *f,
			   uint32_t i, uint32_t j, size_t nactive,
			   uint32_t stamp)
{
	size_t c = (size_t)j * f->nx + i;
	const uint32_t *ce = &sc->cell_edge[sc->cell_start[c]];
	size_t ne = sc->cell_start[c + 1] - sc->cell_start[c];
	size_t ncand = 0, nwords, words, off = sc->nblob, head;
	int compact;
	uint32_t *w32;
	uint64_t *corner = NULL, *owners64 = NULL;
	uint16_t *owners16 = NULL;
	struct gi_edge *edges;

	/* candidates: the owners of the cell's edges, and the grids that
	 * hold its corner */
	for (size_t k = 0; k < ne; k++) {
		const uint32_t *o;
		size_t no = owners_of(sc, ce[k], &o);

		for (size_t q = 0; q < no; q++) {
			if (sc->mark[o[q]] != stamp) {
				sc->mark[o[q]] = stamp;
				sc->cand[ncand++] = o[q];
			}
		}
	}
	for (size_t k = 0; k < nactive; k++) {
		if (sc->mark[sc->active[k]] != stamp) {
			sc->mark[sc->active[k]] = stamp;
			sc->cand[ncand++] = sc->active[k];
		}
	}
	sort_u32(sc->cand, ncand);
	for (size_t k = 0; k < ncand; k++)
		sc->bit[sc->cand[k]] = (uint32_t)k;
	compact = ncand <= LEAF_COMPACT_CAND && ne <= LEAF_COMPACT_EDGES;
	nwords = (ncand + 63) / 64;
	if (compact)   /* bytes before the edges, in words */
		head = (4 + 4 * ncand + 2 * ne + 7) / 8;
	else
		head = (8 + 4 * ncand + 7) / 8 + nwords;
	words = head + 4 * ne + (compact ? 0 : ne * nwords);
	if (off + words >= (size_t)1 << 30 ||
	    grow_u64(&sc->blob, &sc->blob_cap, off + words))
		return 0;
	memset(sc->blob + off, 0, words * sizeof *sc->blob);
	w32 = (uint32_t *)(sc->blob + off);
	if (compact) {
		uint32_t bits = 0;

		for (size_t k = 0; k < ncand; k++)
			if (sc->st[sc->cand[k]])
				bits |= 1u << k;
		w32[0] = (uint32_t)ne | (uint32_t)ncand << 8 | bits << 16;
		memcpy(w32 + 1, sc->cand, ncand * sizeof *w32);
		owners16 = (uint16_t *)(w32 + 1 + ncand);
	} else {
		w32[0] = (uint32_t)ne;
		w32[1] = (uint32_t)ncand;
		memcpy(w32 + 2, sc->cand, ncand * sizeof *w32);
		corner = sc->blob + off + (8 + 4 * ncand + 7) / 8;
		for (size_t k = 0; k < ncand; k++)
			if (sc->st[sc->cand[k]])
				corner[k / 64] |= (uint64_t)1 << (k % 64);
	}
	edges = (struct gi_edge *)(sc->blob + off + head);
	if (!compact)
		owners64 = (uint64_t *)(edges + ne);
	for (size_t k = 0; k < ne; k++) {
		const uint32_t *o;
		size_t no = owners_of(sc, ce[k], &o);

		edges[k] = sc->edge[ce[k]];
		for (size_t q = 0; q < no; q++) {
			uint32_t b = sc->bit[o[q]];

			if (compact)
				owners16[k] ^= (uint16_t)(1u << b);
			else
				owners64[k * nwords + b / 64] ^=
					(uint64_t)1 << (b % 64);
		}
	}
	sc->nblob += words;
	return (uint32_t)(off << 2) | (compact ? 1u : 3u);
}

/* Sweep every row west to east, keeping which grids hold the corner
 * points (xs[i], ys[j]); resolve each cell or write its leaf. */
static int sweep_rows(struct tile_scratch *sc, uint32_t ng,
		      const struct tile_frame *f, size_t *nleaves,
		      size_t *nleaf_edges)
{
	size_t ncells = (size_t)f->nx * f->ny, nactive = 0;
	uint32_t stamp = 0;

	if (grow_u32(&sc->cells, &sc->cells_cap, ncells) ||
	    grow_u8(&sc->st, &sc->st_cap, ng) ||
	    grow_u32(&sc->active, &sc->active_cap, ng) ||
	    grow_u32(&sc->pos, &sc->pos_cap, ng) ||
	    grow_u32(&sc->mark, &sc->mark_cap, ng) ||
	    grow_u32(&sc->bit, &sc->bit_cap, ng) ||
	    grow_u32(&sc->cand, &sc->cand_cap, ng))
		return -1;
	memset(sc->st, 0, ng);
	memset(sc->mark, 0, ng * sizeof *sc->mark);
	sc->nblob = 0;
	*nleaves = *nleaf_edges = 0;
	for (uint32_t j = 0; j < f->ny; j++) {
		double y = sc->ys[j];

		for (uint32_t gi = 0; gi < ng; gi++)
			if (sc->base_row[gi] >= 0 &&
			    sc->base[(size_t)sc->base_row[gi] * f->ny + j])
				status_toggle(sc, &nactive, gi);
		for (uint32_t i = 0; i < f->nx; i++) {
			size_t c = (size_t)j * f->nx + i;
			size_t a = sc->cell_start[c], b = sc->cell_start[c + 1];

			for (size_t k = a; k < b; k++) {
				const struct gi_edge *e =
					&sc->edge[sc->cell_edge[k]];
				const uint32_t *o;
				size_t no;

				if (edge_crosses_east_ray(e, sc->xs[i], y) ==
				    edge_crosses_east_ray(e, sc->xs[i + 1], y))
					continue;
				no = owners_of(sc, sc->cell_edge[k], &o);
				for (size_t q = 0; q < no; q++)
					status_toggle(sc, &nactive, o[q]);
			}
			if (a == b && nactive <= 1) {
				sc->cells[c] = nactive ?
					(sc->active[0] + 1) << 2 : 0;
				continue;
			}
			if (!(sc->cells[c] = write_leaf(sc, f, i, j, nactive,
							++stamp)))
				return -1;
			(*nleaves)++;
			*nleaf_edges += b - a;
		}
		while (nactive)
			status_toggle(sc, &nactive, sc->active[nactive - 1]);
	}
	return 0;
}

/* ---- slabs ------------------------------------------------------------ */

#define HUGE_PAGE ((size_t)2 << 20)
#define SLAB_MAX ((size_t)256 << 20)

/* The slab a full build is filling, and what it has seen so far (to size
 * the next slab for the tiles still to come). */
struct slab_cursor {
	struct gi_slab *cur;
	size_t tiles_left, tiles_done, bytes_done;
	size_t first;            /* size of the first slab */
};

/* Tile bytes per ring edge, measured on unit-grid meshes (about 80):
 * below SLAB_MIN_EDGES edges a build is too small for slabs of huge
 * pages to pay, and its tiles are allocated one by one. */
#define SLAB_MIN_EDGES ((size_t)100000)
#define SLAB_FIRST_PER_EDGE 64

static size_t align_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

static void slab_unref(struct gi_slab *sl)
{
	if (sl && atomic_fetch_sub(&sl->refs, 1) == 1)
		free(sl);
}

/* Memory for one tile of `bytes` from the cursor's slab, opening a new
 * slab sized for the tiles still to come when this one is full. */
static void *slab_take(struct slab_cursor *c, size_t bytes)
{
	struct gi_slab *sl = c->cur;
	size_t need = align_up(bytes, 64), hdr = align_up(sizeof *sl, 64);
	void *p;

	if (!sl || sl->used + need > sl->size) {
		double est = c->tiles_done ?
			1.1 * (double)c->bytes_done / (double)c->tiles_done *
			(double)c->tiles_left : (double)c->first;
		size_t size = est < (double)SLAB_MAX ? (size_t)est : SLAB_MAX;

		size = align_up((size > hdr + need ? size : hdr + need),
				HUGE_PAGE);
		if (fault_should_fail(FAULT_ALLOC) ||
		    !(sl = aligned_alloc(HUGE_PAGE, size)))
			return NULL;
#ifdef MADV_HUGEPAGE
		/* a hint: without it the kernel may use 4 KiB pages */
		madvise(sl, size, MADV_HUGEPAGE);
#endif
		atomic_init(&sl->refs, 1);
		sl->size = size;
		sl->used = hdr;
		slab_unref(c->cur);   /* the builder's hold on the full one */
		c->cur = sl;
	}
	p = (char *)sl + sl->used;
	sl->used += need;
	atomic_fetch_add(&sl->refs, 1);
	c->tiles_done++;
	c->tiles_left--;
	c->bytes_done += need;
	return p;
}

static void tile_unref(struct gi_tile *t)
{
	if (t && atomic_fetch_sub(&t->refs, 1) == 1) {
		if (t->slab)
			slab_unref(t->slab);
		else
			free(t);
	}
}

/* Build the tile over [x0, x1) x [y0, y1) from the grids whose boxes come
 * near it, in the cursor's slab or (slabs NULL) on its own.  *out is NULL
 * when there are no grids.  0 or -1 (out of memory or a size limit). */
static int tile_build(struct tile_scratch *sc, double x0, double y0,
		      double x1, double y1, double margin,
		      struct grid_rec *const *grids, size_t ng,
		      const struct gridindex_opts *opts,
		      struct slab_cursor *slabs, struct gi_tile **out)
{
	struct tile_frame f;
	size_t nlive, nleaves, nleaf_edges, ncells, bytes;
	size_t o_xs, o_ys, o_cells, o_ids, o_blob;
	struct gi_tile *t;
	char *mem;

	*out = NULL;
	if (ng == 0)
		return 0;
	if (ng >= UINT32_MAX / 8 ||
	    grow_rec(&sc->g, &sc->g_cap, ng))
		return -1;
	memcpy(sc->g, grids, ng * sizeof *grids);
	qsort(sc->g, ng, sizeof *sc->g, cmp_rec_id);
	memset(&f, 0, sizeof f);
	f.x0 = x0; f.y0 = y0; f.x1 = x1; f.y1 = y1; f.m = margin;
	if (gather_edges(sc, (uint32_t)ng, &f) ||
	    group_owners(sc, &nlive) ||
	    frame_cells(sc, &f, nlive, opts->cells_per_edge) ||
	    bucket_edges(sc, &f, nlive) ||
	    west_statuses(sc, (uint32_t)ng, &f) ||
	    sweep_rows(sc, (uint32_t)ng, &f, &nleaves, &nleaf_edges))
		return -1;
	ncells = (size_t)f.nx * f.ny;
	o_xs = align_up(sizeof *t, 8);
	o_ys = o_xs + (f.nx + 1) * sizeof(double);
	o_cells = o_ys + (f.ny + 1) * sizeof(double);
	o_ids = align_up(o_cells + ncells * sizeof(uint32_t), 8);
	o_blob = o_ids + ng * sizeof(int64_t);
	bytes = o_blob + sc->nblob * sizeof(uint64_t);
	if (!(mem = slabs ? slab_take(slabs, bytes) : gi_malloc(bytes)))
		return -1;
	t = (struct gi_tile *)mem;
	t->x0 = x0;
	t->y0 = y0;
	t->inv_cw = f.inv_cw;
	t->inv_ch = f.inv_ch;
	t->nx = f.nx;
	t->ny = f.ny;
	t->bytes = bytes;
	t->ngrids = ng;
	t->nleaves = nleaves;
	t->nleaf_edges = nleaf_edges;
	t->slab = slabs ? slabs->cur : NULL;
	atomic_init(&t->refs, 1);
	memcpy(mem + o_xs, sc->xs, (f.nx + 1) * sizeof(double));
	memcpy(mem + o_ys, sc->ys, (f.ny + 1) * sizeof(double));
	memcpy(mem + o_cells, sc->cells, ncells * sizeof(uint32_t));
	t->xs = (const double *)(mem + o_xs);
	t->ys = (const double *)(mem + o_ys);
	t->cells = (const uint32_t *)(mem + o_cells);
	{
		int64_t *ids = (int64_t *)(mem + o_ids);

		for (size_t k = 0; k < ng; k++)
			ids[k] = sc->g[k]->id;
		t->ids = ids;
	}
	if (sc->nblob)   /* no leaves: the scratch blob may be NULL */
		memcpy(mem + o_blob, sc->blob, sc->nblob * sizeof(uint64_t));
	t->blob = (const uint64_t *)(mem + o_blob);
	*out = t;
	return 0;
}

/* ---- snapshots and lookup -------------------------------------------- */

static void snapshot_free(struct gridindex_snapshot *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < (size_t)s->ntx * s->nty; k++)
		tile_unref(s->tiles[k]);
	free(s->tiles);
	free(s);
}

void gridindex_release(const struct gridindex_snapshot *snap)
{
	/* the count is the one mutable part of an immutable snapshot */
	struct gridindex_snapshot *s = (struct gridindex_snapshot *)snap;

	if (s && atomic_fetch_sub(&s->refs, 1) == 1)
		snapshot_free(s);
}

/* A new snapshot with the same layout and no tiles yet. */
static struct gridindex_snapshot *snapshot_new(
	const struct gridindex_snapshot *layout)
{
	struct gridindex_snapshot *s = gi_calloc(1, sizeof *s);
	size_t n = (size_t)layout->ntx * layout->nty;

	if (!s)
		return NULL;
	/* field by field: `layout` may be the published snapshot, whose
	 * reference count readers change concurrently */
	s->x0 = layout->x0;
	s->y0 = layout->y0;
	s->x1 = layout->x1;
	s->y1 = layout->y1;
	s->inv_tw = layout->inv_tw;
	s->inv_th = layout->inv_th;
	s->tw = layout->tw;
	s->th = layout->th;
	s->ntx = layout->ntx;
	s->nty = layout->nty;
	if (n && !(s->tiles = gi_calloc(n, sizeof *s->tiles))) {
		free(s);
		return NULL;
	}
	s->bytes = sizeof *s + n * sizeof *s->tiles;
	atomic_init(&s->refs, 1);
	return s;
}

static int leaf_lookup(const struct gi_tile *t, uint32_t v, uint32_t i,
		       uint32_t j, double x, double y, int64_t *id)
{
	const uint64_t *w = t->blob + (v >> 2);
	const uint32_t *w32 = (const uint32_t *)w;
	double x1 = t->xs[i + 1], y0 = t->ys[j];

	x = flush(x);
	y = flush(y);
	if ((v & 3) == 1) {      /* compact */
		uint32_t mask = w32[0] >> 16;
		size_t ne = w32[0] & 255, nc = (w32[0] >> 8) & 255;
		const uint32_t *cand = w32 + 1;
		const uint16_t *owners = (const uint16_t *)(cand + nc);
		const struct gi_edge *edge = (const struct gi_edge *)
			(w + (4 + 4 * nc + 2 * ne + 7) / 8);

		for (size_t k = 0; k < ne; k++)
			if (edge_crosses_path(&edge[k], x, y, x1, y0))
				mask ^= owners[k];
		if (!mask)
			return 0;
		/* lowest bit = smallest id among the holders */
		*id = t->ids[cand[__builtin_ctz(mask)]];
		return 1;
	} else {                 /* general */
		size_t ne = w32[0], nc = w32[1], nwords = (nc + 63) / 64;
		const uint32_t *cand = w32 + 2;
		const uint64_t *corner = w + (8 + 4 * nc + 7) / 8;
		const struct gi_edge *edge =
			(const struct gi_edge *)(corner + nwords);
		const uint64_t *owners = (const uint64_t *)(edge + ne);

		for (size_t wd = 0; wd < nwords; wd++) {
			uint64_t mask = corner[wd];

			for (size_t k = 0; k < ne; k++)
				if (edge_crosses_path(&edge[k], x, y, x1, y0))
					mask ^= owners[k * nwords + wd];
			if (mask) {
				*id = t->ids[cand[wd * 64 + (size_t)
						  __builtin_ctzll(mask)]];
				return 1;
			}
		}
		return 0;
	}
}

int gridindex_snapshot_lookup(const struct gridindex_snapshot *s,
			      double lon, double lat, int64_t *id)
{
	const struct gi_tile *t;
	uint32_t v, i, j;

	if (!(lon >= s->x0 && lon <= s->x1 && lat >= s->y0 && lat <= s->y1))
		return 0;
	t = s->tiles[(size_t)part_of(lat, s->y0, s->inv_th, s->nty) * s->ntx +
		     part_of(lon, s->x0, s->inv_tw, s->ntx)];
	if (!t)
		return 0;
	i = part_of(lon, t->x0, t->inv_cw, t->nx);
	j = part_of(lat, t->y0, t->inv_ch, t->ny);
	v = t->cells[(size_t)j * t->nx + i];
	if (!(v & 3)) {
		if (!v)
			return 0;
		*id = t->ids[(v >> 2) - 1];
		return 1;
	}
	return leaf_lookup(t, v, i, j, lon, lat, id);
}

/* ---- edges in a box (for drawing outlines) ---------------------------- */

/* The edges of the leaf with cell value v (either format); *ne of them. */
static const struct gi_edge *leaf_edges(const struct gi_tile *t, uint32_t v,
					size_t *ne)
{
	const uint64_t *w = t->blob + (v >> 2);
	const uint32_t *w32 = (const uint32_t *)w;
	size_t nc;

	if ((v & 3) == 1) {      /* compact */
		*ne = w32[0] & 255;
		nc = (w32[0] >> 8) & 255;
		return (const struct gi_edge *)(w + (4 + 4 * nc + 2 * *ne + 7) /
						       8);
	}
	*ne = w32[0];
	nc = w32[1];
	return (const struct gi_edge *)(w + (8 + 4 * nc + 7) / 8 +
					(nc + 63) / 64);
}

/* The point an edge is reported by: the middle of its part inside the box
 * (Liang-Barsky), put back into the box if rounding took it out.  0 when
 * the edge misses the box.  The same edge and box always give the same
 * point, and it lies on the edge to within rounding - far less than the
 * margins by which the builder puts an edge in every cell it comes near -
 * so the cell holding the point (by part_of, as lookups find cells) holds
 * the edge. */
static int edge_anchor(const struct gi_edge *e, const double box[4],
		       double *px, double *py)
{
	double t0, t1, t;

	if (!shape_segment_clip(box, e->ax, e->ay, e->bx, e->by, &t0, &t1))
		return 0;
	t = (t0 + t1) / 2;
	*px = dmin(dmax(e->ax + t * (e->bx - e->ax), box[0]), box[2]);
	*py = dmin(dmax(e->ay + t * (e->by - e->ay), box[1]), box[3]);
	return 1;
}

size_t gridindex_snapshot_edges(const struct gridindex_snapshot *s,
				double minx, double miny, double maxx,
				double maxy, gridindex_edge_fn fn, void *ctx)
{
	const double box[4] = { minx, miny, maxx, maxy };
	size_t count = 0;
	uint32_t r[4];

	/* (NaN fails every comparison: such a box meets nothing.) */
	if (!(minx <= maxx && miny <= maxy && maxx >= s->x0 &&
	      minx <= s->x1 && maxy >= s->y0 && miny <= s->y1))
		return 0;
	tile_range(s, minx, miny, maxx, maxy, r);
	for (uint32_t tj = r[1]; tj <= r[3]; tj++) {
		for (uint32_t ti = r[0]; ti <= r[2]; ti++) {
			const struct gi_tile *t = s->tiles[(size_t)tj * s->ntx +
							   ti];
			uint32_t i0, i1, j0, j1;

			if (!t)
				continue;
			i0 = part_of(minx, t->x0, t->inv_cw, t->nx);
			i1 = part_of(maxx, t->x0, t->inv_cw, t->nx);
			j0 = part_of(miny, t->y0, t->inv_ch, t->ny);
			j1 = part_of(maxy, t->y0, t->inv_ch, t->ny);
			for (uint32_t j = j0; j <= j1; j++) {
				for (uint32_t i = i0; i <= i1; i++) {
					uint32_t v = t->cells[(size_t)j * t->nx + i];
					const struct gi_edge *e;
					size_t ne;

					if (!(v & 3))
						continue; /* no edge here */
					e = leaf_edges(t, v, &ne);
					for (size_t k = 0; k < ne; k++) {
						double px, py;

						/* once: from the tile and the
						 * cell holding its anchor */
						if (!edge_anchor(&e[k], box, &px,
								 &py) ||
						    part_of(px, s->x0, s->inv_tw,
							    s->ntx) != ti ||
						    part_of(py, s->y0, s->inv_th,
							    s->nty) != tj ||
						    part_of(px, t->x0, t->inv_cw,
							    t->nx) != i ||
						    part_of(py, t->y0, t->inv_ch,
							    t->ny) != j)
							continue;
						fn(ctx, e[k].ax, e[k].ay,
						   e[k].bx, e[k].by);
						count++;
					}
				}
			}
		}
	}
	return count;
}

/* ---- the index --------------------------------------------------------- */

/* Grids whose widened boxes meet one tile. */
struct grid_list {
	struct grid_rec **v;
	size_t n;
};

struct gridindex {
	pthread_mutex_t write_lock;    /* one writer at a time */
	pthread_mutex_t publish_lock;  /* guards `current` */
	struct gridindex_snapshot *current;
	struct gridindex_opts opts;
	/* writer-only state, under write_lock */
	struct grid_map map;
	struct grid_list *lists;       /* per tile of current's layout */
	size_t nvertices, nedges, rec_bytes;
	/* tile bytes placed in slabs by the last full build, and how many
	 * of them updates have replaced since (dead, but their slab lives
	 * while any of its tiles does) */
	size_t slab_bytes, stale_bytes;
	struct tile_scratch scratch;
};

static void lists_free(struct grid_list *lists, size_t n)
{
	if (!lists)
		return;
	for (size_t k = 0; k < n; k++)
		free(lists[k].v);
	free(lists);
}

/* Directory layout for grids covering [bx0, bx1] x [by0, by1] with
 * `nedges` ring edges in all. */
static void layout_choose(struct gridindex_snapshot *lay, double bx0,
			  double by0, double bx1, double by1, size_t nedges,
			  double tile_edges)
{
	double w = dmax(bx1 - bx0, 1e-9), h = dmax(by1 - by0, 1e-9);
	double ew = w * (1 + 2 * GI_EXTENT_SLACK);
	double eh = h * (1 + 2 * GI_EXTENT_SLACK);
	double want = dmax(1.0, (double)nedges / tile_edges);
	double side = sqrt(w * h / want);
	double nx = dmin(dmax(ceil(ew / side), 1.0), 4096.0);
	double ny = dmin(dmax(ceil(eh / side), 1.0), 4096.0);

	while (nx * ny > GI_MAX_DIR) {
		nx = dmax(1.0, floor(nx / 2));
		ny = dmax(1.0, floor(ny / 2));
	}
	memset(lay, 0, sizeof *lay);
	lay->ntx = (uint32_t)nx;
	lay->nty = (uint32_t)ny;
	lay->tw = ew / nx;
	lay->th = eh / ny;
	lay->inv_tw = nx / ew;
	lay->inv_th = ny / eh;
	lay->x0 = flush(bx0 - w * GI_EXTENT_SLACK);
	lay->y0 = flush(by0 - h * GI_EXTENT_SLACK);
	lay->x1 = tile_x(lay, lay->ntx);
	lay->y1 = tile_y(lay, lay->nty);
}

static void layout_empty(struct gridindex_snapshot *lay)
{
	memset(lay, 0, sizeof *lay);
	lay->x0 = lay->y0 = HUGE_VAL;
	lay->x1 = lay->y1 = -HUGE_VAL;
}

static size_t rec_edges(const struct grid_rec *r)
{
	return r->npoints - r->nrings;
}

/* Build a whole snapshot and its tile lists from n grids. */
static int build_all(struct gridindex *idx, struct grid_rec *const *recs,
		     size_t n, struct gridindex_snapshot **snap_out,
		     struct grid_list **lists_out, size_t *slab_bytes)
{
	struct gridindex_snapshot lay, *s = NULL;
	struct grid_list *lists = NULL;
	struct slab_cursor slabs = { NULL, 0, 0, 0, 0 }, *sp = NULL;
	double bx0 = HUGE_VAL, by0 = HUGE_VAL, bx1 = -HUGE_VAL, by1 = -HUGE_VAL;
	size_t nedges = 0, ntiles;
	uint32_t r[4];

	for (size_t k = 0; k < n; k++) {
		bx0 = dmin(bx0, recs[k]->minx);
		by0 = dmin(by0, recs[k]->miny);
		bx1 = dmax(bx1, recs[k]->maxx);
		by1 = dmax(by1, recs[k]->maxy);
		nedges += rec_edges(recs[k]);
	}
	if (n)
		layout_choose(&lay, bx0, by0, bx1, by1, nedges,
			      idx->opts.tile_edges);
	else
		layout_empty(&lay);
	if (!(s = snapshot_new(&lay)))
		goto fail;
	if (nedges >= SLAB_MIN_EDGES) {
		sp = &slabs;
		slabs.first = nedges * SLAB_FIRST_PER_EDGE;
	}
	ntiles = (size_t)lay.ntx * lay.nty;
	if (!(lists = gi_calloc(ntiles, sizeof *lists)))
		goto fail;
	/* count, allocate, fill: each list gets its exact size */
	for (size_t k = 0; k < n; k++) {
		tile_range(s, recs[k]->minx, recs[k]->miny, recs[k]->maxx,
			   recs[k]->maxy, r);
		for (uint32_t tj = r[1]; tj <= r[3]; tj++)
			for (uint32_t ti = r[0]; ti <= r[2]; ti++)
				lists[(size_t)tj * lay.ntx + ti].n++;
	}
	for (size_t t = 0; t < ntiles; t++) {
		if (lists[t].n &&
		    !(lists[t].v = gi_malloc(lists[t].n * sizeof *lists[t].v)))
			goto fail;
		slabs.tiles_left += lists[t].n > 0;
		lists[t].n = 0;
	}
	for (size_t k = 0; k < n; k++) {
		tile_range(s, recs[k]->minx, recs[k]->miny, recs[k]->maxx,
			   recs[k]->maxy, r);
		for (uint32_t tj = r[1]; tj <= r[3]; tj++) {
			for (uint32_t ti = r[0]; ti <= r[2]; ti++) {
				struct grid_list *l =
					&lists[(size_t)tj * lay.ntx + ti];

				l->v[l->n++] = recs[k];
			}
		}
	}
	for (uint32_t tj = 0; tj < lay.nty; tj++) {
		for (uint32_t ti = 0; ti < lay.ntx; ti++) {
			size_t t = (size_t)tj * lay.ntx + ti;

			if (tile_build(&idx->scratch, tile_x(s, ti),
				       tile_y(s, tj), tile_x(s, ti + 1),
				       tile_y(s, tj + 1), tile_margin(s),
				       lists[t].v, lists[t].n, &idx->opts,
				       sp, &s->tiles[t]))
				goto fail;
		}
	}
	slab_unref(slabs.cur);
	*snap_out = s;
	*lists_out = lists;
	*slab_bytes = slabs.bytes_done;
	return 0;
fail:
	slab_unref(slabs.cur);
	if (s)
		gridindex_release(s);
	lists_free(lists, (size_t)lay.ntx * lay.nty);
	return -1;
}

/* Make s the current snapshot; drop the index's reference to the old. */
static void publish(struct gridindex *idx, struct gridindex_snapshot *s)
{
	struct gridindex_snapshot *old;

	pthread_mutex_lock(&idx->publish_lock);
	old = idx->current;
	idx->current = s;
	pthread_mutex_unlock(&idx->publish_lock);
	gridindex_release(old);
}

static void index_free_state(struct gridindex *idx)
{
	for (size_t i = 0; i < idx->map.cap; i++)
		free(idx->map.slot[i]);
	free(idx->map.slot);
	if (idx->current)
		lists_free(idx->lists,
			   (size_t)idx->current->ntx * idx->current->nty);
	scratch_free(&idx->scratch);
}

int gridindex_create(const struct gridindex_grid *grids, size_t n,
		     const struct gridindex_opts *opts,
		     struct gridindex **out, struct ug_error *err)
{
	struct gridindex *idx;
	struct grid_rec **recs = NULL;
	struct gridindex_snapshot *s;
	int rc = 0;

	*out = NULL;
	if (n && !grids)
		return ug_fail(err, UG_EINVAL, "grids", "no grids given");
	if (!(idx = gi_calloc(1, sizeof *idx)))
		return ug_fail(err, UG_ENOMEM, "", "out of memory");
	pthread_mutex_init(&idx->write_lock, NULL);
	pthread_mutex_init(&idx->publish_lock, NULL);
	idx->opts.tile_edges = opts && opts->tile_edges > 0 ?
		opts->tile_edges : 1024;
	idx->opts.cells_per_edge = opts && opts->cells_per_edge > 0 ?
		opts->cells_per_edge : 6;
	if (map_reserve(&idx->map, n) ||
	    !(recs = gi_malloc(n * sizeof *recs))) {
		rc = ug_fail(err, UG_ENOMEM, "", "out of memory");
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		if ((rc = grid_rec_new(&grids[k], &recs[k], err)) < 0)
			goto out;
		if (map_get(&idx->map, recs[k]->id)) {
			rc = ug_fail(err, UG_ECONFLICT, "id", "grid %" PRId64
				     " appears twice", recs[k]->id);
			free(recs[k]);
			goto out;
		}
		map_put(&idx->map, recs[k]);
		idx->nvertices += recs[k]->npoints;
		idx->nedges += rec_edges(recs[k]);
		idx->rec_bytes += recs[k]->bytes;
	}
	if (build_all(idx, recs, n, &s, &idx->lists, &idx->slab_bytes)) {
		rc = ug_fail(err, UG_ENOMEM, "", "out of memory building the "
			     "grid index");
		goto out;
	}
	idx->current = s;
out:
	free(recs);
	if (rc < 0) {
		index_free_state(idx);
		pthread_mutex_destroy(&idx->write_lock);
		pthread_mutex_destroy(&idx->publish_lock);
		free(idx);
		return rc;
	}
	*out = idx;
	return 0;
}

void gridindex_destroy(struct gridindex *idx)
{
	if (!idx)
		return;
	index_free_state(idx);
	gridindex_release(idx->current);
	pthread_mutex_destroy(&idx->write_lock);
	pthread_mutex_destroy(&idx->publish_lock);
	free(idx);
}

const struct gridindex_snapshot *gridindex_acquire(struct gridindex *idx)
{
	struct gridindex_snapshot *s;

	pthread_mutex_lock(&idx->publish_lock);
	s = idx->current;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&idx->publish_lock);
	return s;
}

int gridindex_lookup(struct gridindex *idx, double lon, double lat,
		     int64_t *id)
{
	const struct gridindex_snapshot *s = gridindex_acquire(idx);
	int found = gridindex_snapshot_lookup(s, lon, lat, id);

	gridindex_release(s);
	return found;
}

static int box_inside(const struct gridindex_snapshot *s,
		      const struct grid_rec *r)
{
	return r->minx >= s->x0 && r->maxx <= s->x1 &&
	       r->miny >= s->y0 && r->maxy <= s->y1;
}

/* Replace everything: all grids but `old`, plus `rec`.  Used when `rec`
 * falls outside the directory.  Nothing changes on failure. */
static int update_rebuild(struct gridindex *idx, struct grid_rec *old,
			  struct grid_rec *rec)
{
	struct grid_rec **recs;
	struct gridindex_snapshot *s;
	struct grid_list *lists;
	size_t n = 0, slab_bytes;

	if (!(recs = gi_malloc((idx->map.n + 1) * sizeof *recs)))
		return -1;
	for (size_t i = 0; i < idx->map.cap; i++)
		if (idx->map.slot[i] && idx->map.slot[i] != old)
			recs[n++] = idx->map.slot[i];
	if (rec)
		recs[n++] = rec;
	if (build_all(idx, recs, n, &s, &lists, &slab_bytes)) {
		free(recs);
		return -1;
	}
	free(recs);
	idx->slab_bytes = slab_bytes;
	idx->stale_bytes = 0;
	lists_free(idx->lists, (size_t)idx->current->ntx * idx->current->nty);
	idx->lists = lists;
	publish(idx, s);
	return 0;
}

/* Rebuild the tiles that `old` or `rec` (either may be NULL) come near,
 * with `old` swapped for `rec` in their lists.  Nothing changes on
 * failure. */
static int update_tiles(struct gridindex *idx, struct grid_rec *old,
			struct grid_rec *rec)
{
	const struct gridindex_snapshot *cur = idx->current;
	struct gridindex_snapshot *s;
	uint32_t ro[4] = { 1, 1, 0, 0 }, rn[4] = { 1, 1, 0, 0 }, u[4];
	size_t nt, ntouch = 0, k;
	size_t *touched = NULL;
	struct grid_list *nl = NULL;
	int rc = -1;

	if (old)
		tile_range(cur, old->minx, old->miny, old->maxx, old->maxy, ro);
	if (rec)
		tile_range(cur, rec->minx, rec->miny, rec->maxx, rec->maxy, rn);
	u[0] = old && rec ? (ro[0] < rn[0] ? ro[0] : rn[0]) : old ? ro[0] : rn[0];
	u[1] = old && rec ? (ro[1] < rn[1] ? ro[1] : rn[1]) : old ? ro[1] : rn[1];
	u[2] = old && rec ? (ro[2] > rn[2] ? ro[2] : rn[2]) : old ? ro[2] : rn[2];
	u[3] = old && rec ? (ro[3] > rn[3] ? ro[3] : rn[3]) : old ? ro[3] : rn[3];
	nt = (size_t)(u[2] - u[0] + 1) * (u[3] - u[1] + 1);
	if (!(s = snapshot_new(cur)) ||
	    !(touched = gi_malloc(nt * sizeof *touched)) ||
	    !(nl = gi_calloc(nt, sizeof *nl)))
		goto out;
	for (uint32_t tj = u[1]; tj <= u[3]; tj++) {
		for (uint32_t ti = u[0]; ti <= u[2]; ti++) {
			size_t t = (size_t)tj * cur->ntx + ti;
			const struct grid_list *l = &idx->lists[t];
			int in_old = old && ti >= ro[0] && ti <= ro[2] &&
				     tj >= ro[1] && tj <= ro[3];
			int in_new = rec && ti >= rn[0] && ti <= rn[2] &&
				     tj >= rn[1] && tj <= rn[3];
			struct grid_list *n = &nl[ntouch];

			if (!in_old && !in_new)
				continue;
			touched[ntouch++] = t;
			if (!(n->v = gi_malloc((l->n + 1) * sizeof *n->v)))
				goto out;
			for (k = 0; k < l->n; k++)
				if (l->v[k] != old)
					n->v[n->n++] = l->v[k];
			if (in_new)
				n->v[n->n++] = rec;
			if (tile_build(&idx->scratch, tile_x(cur, ti),
				       tile_y(cur, tj), tile_x(cur, ti + 1),
				       tile_y(cur, tj + 1), tile_margin(cur),
				       n->v, n->n, &idx->opts, NULL,
				       &s->tiles[t]))
				goto out;
		}
	}
	/* commit: share every tile not rebuilt, swap the lists */
	k = 0;
	for (size_t t = 0; t < (size_t)cur->ntx * cur->nty; t++) {
		if (k < ntouch && touched[k] == t) {
			free(idx->lists[t].v);
			idx->lists[t] = nl[k++];
			if (cur->tiles[t] && cur->tiles[t]->slab)
				idx->stale_bytes += cur->tiles[t]->bytes;
		} else if ((s->tiles[t] = cur->tiles[t])) {
			atomic_fetch_add(&s->tiles[t]->refs, 1);
		}
	}
	free(nl);
	nl = NULL;
	publish(idx, s);
	s = NULL;
	rc = 0;
out:
	if (nl)
		for (k = 0; k < ntouch; k++)
			free(nl[k].v);
	free(nl);
	free(touched);
	if (s)
		gridindex_release(s);
	return rc;
}

enum update_kind { UPDATE_INSERT, UPDATE_REPLACE, UPDATE_REMOVE };

static int update(struct gridindex *idx, enum update_kind kind,
		  const struct gridindex_grid *g, int64_t id,
		  struct ug_error *err)
{
	struct grid_rec *old, *rec = NULL;
	int rc;

	if (kind != UPDATE_REMOVE) {
		if (!g)
			return ug_fail(err, UG_EINVAL, "grid", "no grid given");
		id = g->id;
		if ((rc = grid_rec_new(g, &rec, err)) < 0)
			return rc;
	}
	pthread_mutex_lock(&idx->write_lock);
	old = map_get(&idx->map, id);
	if (kind == UPDATE_INSERT && old) {
		rc = ug_fail(err, UG_ECONFLICT, "id", "grid %" PRId64
			     " is already in the index", id);
		goto out;
	}
	if (kind != UPDATE_INSERT && !old) {
		rc = ug_fail(err, UG_ENOTFOUND, "id", "grid %" PRId64
			     " is not in the index", id);
		goto out;
	}
	if (map_reserve(&idx->map, 1) ||
	    (rec && !box_inside(idx->current, rec) ?
	     update_rebuild(idx, old, rec) : update_tiles(idx, old, rec))) {
		rc = ug_fail(err, UG_ENOMEM, "", "out of memory updating grid %"
			     PRId64, id);
		goto out;
	}
	if (old) {
		map_del(&idx->map, id);
		idx->nvertices -= old->npoints;
		idx->nedges -= rec_edges(old);
		idx->rec_bytes -= old->bytes;
		free(old);
	}
	if (rec) {
		map_put(&idx->map, rec);
		idx->nvertices += rec->npoints;
		idx->nedges += rec_edges(rec);
		idx->rec_bytes += rec->bytes;
		rec = NULL;
	}
	/* compaction: once half of the slab memory is dead, rebuild
	 * everything into fresh slabs (if memory is short now, the update
	 * still stands and a later one retries).  The bound keeps the
	 * snapshot under 1.5 times its freshly built size. */
	if (idx->stale_bytes > idx->slab_bytes / 2)
		(void)update_rebuild(idx, NULL, NULL);
	rc = 0;
out:
	pthread_mutex_unlock(&idx->write_lock);
	free(rec);
	return rc;
}

int gridindex_insert(struct gridindex *idx, const struct gridindex_grid *g,
		     struct ug_error *err)
{
	return update(idx, UPDATE_INSERT, g, 0, err);
}

int gridindex_replace(struct gridindex *idx, const struct gridindex_grid *g,
		      struct ug_error *err)
{
	return update(idx, UPDATE_REPLACE, g, 0, err);
}

int gridindex_remove(struct gridindex *idx, int64_t id,
		     struct ug_error *err)
{
	return update(idx, UPDATE_REMOVE, NULL, id, err);
}

void gridindex_stats(struct gridindex *idx, struct gridindex_stats *st)
{
	const struct gridindex_snapshot *s;
	const struct gi_slab *seen[256];
	size_t ntiles, nslabs = 0, k;

	memset(st, 0, sizeof *st);
	pthread_mutex_lock(&idx->write_lock);
	s = idx->current;
	ntiles = (size_t)s->ntx * s->nty;
	st->grids = idx->map.n;
	st->vertices = idx->nvertices;
	st->dir_tiles = ntiles;
	st->bytes_snapshot = s->bytes;
	st->bytes_writer = sizeof *idx + idx->rec_bytes +
		scratch_bytes(&idx->scratch) +
		idx->map.cap * sizeof *idx->map.slot +
		ntiles * sizeof *idx->lists;
	for (size_t t = 0; t < ntiles; t++) {
		const struct gi_tile *tl = s->tiles[t];

		st->bytes_writer += idx->lists[t].n * sizeof(struct grid_rec *);
		if (!tl)
			continue;
		st->tiles++;
		st->cells += (size_t)tl->nx * tl->ny;
		st->leaf_cells += tl->nleaves;
		st->leaf_edges += tl->nleaf_edges;
		if (!tl->slab) {
			st->bytes_snapshot += tl->bytes;
			continue;
		}
		/* a slab counts whole, once: tiles of one slab are
		 * consecutive in build order, and slabs are few */
		for (k = 0; k < nslabs && seen[k] != tl->slab; k++)
			;
		if (k == nslabs && nslabs < sizeof seen / sizeof seen[0]) {
			seen[nslabs++] = tl->slab;
			st->bytes_snapshot += tl->slab->size;
		} else if (k == nslabs) {
			st->bytes_snapshot += tl->bytes;
		}
	}
	pthread_mutex_unlock(&idx->write_lock);
}
