/*
 * gridindex_bench.c - point -> unit grid lookups: domain/gridindex against
 * GEOS (STRtree + prepared contains) on the same 100,000 irregular grids and
 * 1,000,000 random points, in one run, with a cross-check of the answers.
 * What it measures and how to read it: bench/README.md.
 *
 * Build and run from the repository root:
 *
 *   cc -std=c11 -O2 -D_GNU_SOURCE -Isrc -o build/gridindex_bench \
 *      bench/gridindex_bench.c src/domain/spatial/gridindex.c src/lib/shape.c \
 *      src/lib/buf.c src/lib/error.c src/lib/fault.c src/lib/util.c src/lib/iso8601.c \
 *      $(pkg-config --cflags --libs geos) -lsodium -lpthread -lm
 *   build/gridindex_bench [--dump DIR] [grids [points [runs]]]
 *
 * GEOS's pkg-config name is `geos` (libgeos-dev); where it is missing use
 * `geos-config --cflags --clibs`.  lib/util.c (pulled in by lib/error.c)
 * needs libsodium.  Exit status 1 if the two engines disagree on any point
 * that is not on a boundary, or GEOS finds an input grid invalid.
 *
 * --dump DIR: build and time only our index, then write the same grids,
 * points and our answers into DIR as tab-separated files for PostgreSQL's
 * COPY, for a peer in a database (bench/postgis.sh); no GEOS, no updates.
 */
#include <errno.h>
#include <geos_c.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "domain/spatial/gridindex.h"
#include "lib/error.h"

#include "bench.h"

/* ---- the test city ------------------------------------------------------ */

#define CELL_LAT 0.0009          /* about 100 m */
#define ORIGIN_LON 116.20
#define ORIGIN_LAT 39.75
#define ISLAND_EVERY 48          /* every 48th cell has a hole... */
#define MAX_POINTS_PER_GRID 24
#define NUPDATES 2000

struct city {
	int nx, ny;                  /* mesh cells */
	double cell_lon, cell_lat;
	double *cx, *cy;             /* (nx+1)*(ny+1) corners */
	int *hn, *vn;                /* extra points on each side: 1 or 2 */
	double *hx, *hy, *vx, *vy;   /* 2 per side */
	/* the grids, in the index's input form */
	size_t ngrids, npoints;
	struct gridindex_grid *grids;
	struct gridindex_polygon *polys;
	struct gridindex_ring *rings;
	double *lon, *lat;
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double rnd01(void)
{
	return (double)(rnd64() >> 11) * (1.0 / 9007199254740992.0);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return p;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put(struct city *c, size_t *pi, double x, double y)
{
	c->lon[*pi] = x;
	c->lat[*pi] = y;
	(*pi)++;
}

/* A perturbed quad mesh: corners jittered by up to 25 % of a cell, every
 * side carrying 1 or 2 extra points pushed sideways by up to 10 % (shared
 * by both neighbours, so grids tile exactly and may be concave): 8 to 12
 * points per grid.  Every ISLAND_EVERY-th cell gets a quadrilateral hole
 * that another grid (an island) fills, until `ngrids` is reached. */
static void city_make(struct city *c, size_t ngrids)
{
	size_t nislands, nc, pi = 0, ri = 0, gi = 0;
	double lat_rad = ORIGIN_LAT * M_PI / 180;

	/* mesh cells + islands = ngrids, islands = cells / ISLAND_EVERY */
	size_t cells = (size_t)ceil((double)ngrids * ISLAND_EVERY /
				    (ISLAND_EVERY + 1));

	c->ny = (int)floor(sqrt((double)cells));
	c->nx = (int)((cells + (size_t)c->ny - 1) / (size_t)c->ny);
	cells = (size_t)c->nx * c->ny;
	nislands = ngrids > cells ? ngrids - cells : 0;
	if (nislands > cells / ISLAND_EVERY)
		nislands = cells / ISLAND_EVERY;
	c->cell_lat = CELL_LAT;
	c->cell_lon = CELL_LAT / cos(lat_rad);
	nc = (size_t)(c->nx + 1) * (c->ny + 1);
	c->cx = xcalloc(nc, sizeof(double));
	c->cy = xcalloc(nc, sizeof(double));
	c->hn = xcalloc(nc, sizeof(int));
	c->vn = xcalloc(nc, sizeof(int));
	c->hx = xcalloc(2 * nc, sizeof(double));
	c->hy = xcalloc(2 * nc, sizeof(double));
	c->vx = xcalloc(2 * nc, sizeof(double));
	c->vy = xcalloc(2 * nc, sizeof(double));
	for (int j = 0; j <= c->ny; j++) {
		for (int i = 0; i <= c->nx; i++) {
			size_t k = (size_t)j * (c->nx + 1) + i;
			double jx = (rnd01() - 0.5) * 0.5, jy = (rnd01() - 0.5) * 0.5;

			c->cx[k] = ORIGIN_LON + (i + jx) * c->cell_lon;
			c->cy[k] = ORIGIN_LAT + (j + jy) * c->cell_lat;
		}
	}
	for (int j = 0; j <= c->ny; j++) {
		for (int i = 0; i <= c->nx; i++) {
			size_t k = (size_t)j * (c->nx + 1) + i;

			for (int dir = 0; dir < 2; dir++) {
				size_t to;
				int *n;
				double *sx, *sy, nxv, nyv, len;

				if (dir == 0 && i == c->nx)
					continue;
				if (dir == 1 && j == c->ny)
					continue;
				to = dir == 0 ? k + 1 : k + (size_t)(c->nx + 1);
				n = dir == 0 ? &c->hn[k] : &c->vn[k];
				sx = dir == 0 ? c->hx : c->vx;
				sy = dir == 0 ? c->hy : c->vy;
				*n = 1 + (int)(rnd64() % 2);
				/* unit normal of the side, in cell units */
				nxv = -(c->cy[to] - c->cy[k]) / c->cell_lat;
				nyv = (c->cx[to] - c->cx[k]) / c->cell_lon;
				len = sqrt(nxv * nxv + nyv * nyv);
				for (int q = 0; q < *n; q++) {
					double t = (q + 1.0) / (*n + 1);
					double off = (rnd01() - 0.5) * 0.2;

					sx[2 * k + q] = c->cx[k] + t * (c->cx[to] -
						c->cx[k]) + off * nxv / len *
						c->cell_lon;
					sy[2 * k + q] = c->cy[k] + t * (c->cy[to] -
						c->cy[k]) + off * nyv / len *
						c->cell_lat;
				}
			}
		}
	}
	c->ngrids = cells + nislands;
	c->grids = xcalloc(c->ngrids, sizeof *c->grids);
	c->polys = xcalloc(c->ngrids, sizeof *c->polys);
	c->rings = xcalloc(cells + 2 * nislands, sizeof *c->rings);
	c->lon = xcalloc(c->ngrids * MAX_POINTS_PER_GRID, sizeof(double));
	c->lat = xcalloc(c->ngrids * MAX_POINTS_PER_GRID, sizeof(double));
	for (int j = 0; j < c->ny; j++) {
		for (int i = 0; i < c->nx; i++) {
			size_t w = (size_t)c->nx + 1;
			size_t c00 = (size_t)j * w + i, c10 = c00 + 1;
			size_t c01 = c00 + w, c11 = c01 + 1, start = pi;
			size_t cell = (size_t)j * c->nx + i;
			int island = cell % ISLAND_EVERY == ISLAND_EVERY / 2 &&
				     cell / ISLAND_EVERY < nislands;

			put(c, &pi, c->cx[c00], c->cy[c00]);
			for (int q = 0; q < c->hn[c00]; q++)
				put(c, &pi, c->hx[2 * c00 + q], c->hy[2 * c00 + q]);
			put(c, &pi, c->cx[c10], c->cy[c10]);
			for (int q = 0; q < c->vn[c10]; q++)
				put(c, &pi, c->vx[2 * c10 + q], c->vy[2 * c10 + q]);
			put(c, &pi, c->cx[c11], c->cy[c11]);
			for (int q = c->hn[c01] - 1; q >= 0; q--)
				put(c, &pi, c->hx[2 * c01 + q], c->hy[2 * c01 + q]);
			put(c, &pi, c->cx[c01], c->cy[c01]);
			for (int q = c->vn[c00] - 1; q >= 0; q--)
				put(c, &pi, c->vx[2 * c00 + q], c->vy[2 * c00 + q]);
			put(c, &pi, c->lon[start], c->lat[start]);
			c->grids[gi].id = 110101000000000 + (int64_t)cell;
			c->grids[gi].polygons = &c->polys[gi];
			c->grids[gi].npolygons = 1;
			c->polys[gi].rings = &c->rings[ri];
			c->polys[gi].nrings = 1;
			c->rings[ri].lon = &c->lon[start];
			c->rings[ri].lat = &c->lat[start];
			c->rings[ri].n = pi - start;
			ri++;
			if (island) {
				/* the centre of the four corners, and a
				 * quadrilateral of radius 0.08 cell around it;
				 * the hole and the island share its points */
				double mx = (c->cx[c00] + c->cx[c10] +
					     c->cx[c01] + c->cx[c11]) / 4;
				double my = (c->cy[c00] + c->cy[c10] +
					     c->cy[c01] + c->cy[c11]) / 4;
				size_t hs = pi;

				for (int q = 0; q < 4; q++) {
					double a = q * M_PI / 2 + rnd01() * 0.6;
					double r = 0.06 + rnd01() * 0.04;

					put(c, &pi, mx + r * cos(a) * c->cell_lon,
					    my + r * sin(a) * c->cell_lat);
				}
				put(c, &pi, c->lon[hs], c->lat[hs]);
				c->polys[gi].nrings = 2;
				c->rings[ri].lon = &c->lon[hs];
				c->rings[ri].lat = &c->lat[hs];
				c->rings[ri].n = 5;
				ri++;
				gi++;
				c->grids[gi].id = 110101100000000 + (int64_t)cell;
				c->grids[gi].polygons = &c->polys[gi];
				c->grids[gi].npolygons = 1;
				c->polys[gi].rings = &c->rings[ri];
				c->polys[gi].nrings = 1;
				c->rings[ri] = c->rings[ri - 1];
				ri++;
			}
			gi++;
		}
	}
	c->ngrids = gi;
	c->npoints = pi;
}

/* ---- GEOS side ------------------------------------------------------------ */

struct geos_side {
	GEOSContextHandle_t ctx;
	GEOSGeometry **geom;
	const GEOSPreparedGeometry **prep;
	GEOSSTRtree *tree;
	const int64_t *ids;           /* per grid, for the callback */
	size_t n;
};

/* What one STRtree query collects. */
struct geos_query {
	const struct geos_side *g;
	const GEOSGeometry *pt;
	int boundary;                 /* 0: contains; 1: intersects */
	int nhit;
	int64_t hit;                  /* smallest id hit */
};

static void geos_notice(const char *fmt, ...)
{
	(void)fmt;
}

static GEOSGeometry *geos_ring(GEOSContextHandle_t ctx,
			       const struct gridindex_ring *r)
{
	GEOSCoordSequence *seq = GEOSCoordSeq_copyFromArrays_r(ctx, r->lon,
							       r->lat, NULL,
							       NULL, r->n);

	return seq ? GEOSGeom_createLinearRing_r(ctx, seq) : NULL;
}

static GEOSGeometry *geos_grid(GEOSContextHandle_t ctx,
			       const struct gridindex_grid *g)
{
	const struct gridindex_polygon *p = &g->polygons[0];
	GEOSGeometry *holes[8];

	for (size_t k = 1; k < p->nrings; k++)
		holes[k - 1] = geos_ring(ctx, &p->rings[k]);
	return GEOSGeom_createPolygon_r(ctx, geos_ring(ctx, &p->rings[0]),
					holes, (unsigned)(p->nrings - 1));
}

static void geos_visit(void *item, void *userdata)
{
	struct geos_query *q = userdata;
	size_t k = (size_t)((const int64_t *)item - q->g->ids);
	char in = q->boundary ?
		GEOSPreparedIntersects_r(q->g->ctx, q->g->prep[k], q->pt) :
		GEOSPreparedContains_r(q->g->ctx, q->g->prep[k], q->pt);

	if (in == 1) {
		if (!q->nhit || q->g->ids[k] < q->hit)
			q->hit = q->g->ids[k];
		q->nhit++;
	}
}

/* Grids whose interior (boundary = 0) or closure (1) holds (x, y). */
static int geos_lookup(const struct geos_side *g, double x, double y,
		       int boundary, int64_t *id)
{
	struct geos_query q = { g, NULL, boundary, 0, -1 };
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g->ctx, x, y);

	q.pt = pt;
	GEOSSTRtree_query_r(g->ctx, g->tree, pt, geos_visit, &q);
	GEOSGeom_destroy_r(g->ctx, pt);
	*id = q.hit;
	return q.nhit;
}

static double geos_build(struct geos_side *g, const struct city *c,
			 int64_t *ids, size_t *invalid)
{
	double t0;

	g->ctx = GEOS_init_r();
	GEOSContext_setNoticeHandler_r(g->ctx, geos_notice);
	g->n = c->ngrids;
	g->ids = ids;
	g->geom = xcalloc(g->n, sizeof *g->geom);
	g->prep = xcalloc(g->n, sizeof *g->prep);
	*invalid = 0;
	for (size_t k = 0; k < g->n; k++) {
		ids[k] = c->grids[k].id;
		g->geom[k] = geos_grid(g->ctx, &c->grids[k]);
		if (!g->geom[k] || GEOSisValid_r(g->ctx, g->geom[k]) != 1)
			(*invalid)++;
	}
	/* timed: what a GEOS-based lookup service builds at start-up */
	t0 = now_s();
	g->tree = GEOSSTRtree_create_r(g->ctx, 10);
	for (size_t k = 0; k < g->n; k++) {
		g->prep[k] = GEOSPrepare_r(g->ctx, g->geom[k]);
		GEOSSTRtree_insert_r(g->ctx, g->tree, g->geom[k], &ids[k]);
	}
	return now_s() - t0;
}

static void geos_free(struct geos_side *g)
{
	GEOSSTRtree_destroy_r(g->ctx, g->tree);
	for (size_t k = 0; k < g->n; k++) {
		GEOSPreparedGeom_destroy_r(g->ctx, g->prep[k]);
		GEOSGeom_destroy_r(g->ctx, g->geom[k]);
	}
	free(g->geom);
	free(g->prep);
	GEOS_finish_r(g->ctx);
}

/* ---- --dump: the same input for a peer in a database ---------------------- */

/* The files, all tab-separated text for COPY (\N is SQL NULL):
 *   grids.tsv    id, geometry as hex EWKB: MultiPolygon, SRID 4326, the
 *                exact doubles of the index's input (no decimal rounding)
 *   points.tsv   id (0..n-1, the order of the timed runs), lon, lat
 *   answers.tsv  point id, the grid our index returns or \N
 *   edges.tsv    id, lon, lat, our grid or \N: the vertices and edge
 *                midpoints of every 7th grid (the cross-check's boundary
 *                points; 178,522 exactly on a boundary, where
 *                ST_Contains and our rule differ by design)
 *   meta.env     key=value lines for sh: counts, extent, our lookups/s */

static void hex_byte(FILE *f, unsigned v)
{
	static const char digit[] = "0123456789abcdef";

	putc(digit[(v >> 4) & 15], f);
	putc(digit[v & 15], f);
}

static void hex_u32(FILE *f, uint32_t v)        /* little-endian */
{
	for (int k = 0; k < 4; k++)
		hex_byte(f, (v >> (8 * k)) & 255);
}

static void hex_f64(FILE *f, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof v);
	for (int k = 0; k < 8; k++)
		hex_byte(f, (unsigned)(v >> (8 * k)) & 255);
}

/* One grid as PostGIS's hex EWKB: NDR, MultiPolygon with an SRID. */
static void dump_grid_ewkb(FILE *f, const struct gridindex_grid *g)
{
	hex_byte(f, 1);
	hex_u32(f, 6 | 0x20000000u);
	hex_u32(f, 4326);
	hex_u32(f, (uint32_t)g->npolygons);
	for (size_t p = 0; p < g->npolygons; p++) {
		const struct gridindex_polygon *poly = &g->polygons[p];

		hex_byte(f, 1);
		hex_u32(f, 3);
		hex_u32(f, (uint32_t)poly->nrings);
		for (size_t r = 0; r < poly->nrings; r++) {
			const struct gridindex_ring *ring = &poly->rings[r];

			hex_u32(f, (uint32_t)ring->n);
			for (size_t k = 0; k < ring->n; k++) {
				hex_f64(f, ring->lon[k]);
				hex_f64(f, ring->lat[k]);
			}
		}
	}
}

static void dump_id(FILE *f, int64_t id)
{
	if (id < 0)
		fputs("\\N", f);
	else
		fprintf(f, "%lld", (long long)id);
}

static FILE *dump_open(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = xcalloc(len, 1);
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		perror(path);
	free(path);
	return f;
}

static int dump_close(FILE *f, const char *name)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "--dump: writing %s failed\n", name);
		return -1;
	}
	return 0;
}

/* What --dump writes besides the files' contents: the figures of the run
 * that produced them. */
struct dump_run {
	double x0, y0, x1, y1;        /* the points' extent */
	double lookups_per_s;         /* median of `runs` */
	int runs;
	size_t found;                 /* random points in a grid */
};

static int dump_write(const char *dir, const struct city *c,
		      struct gridindex *idx, const double *px,
		      const double *py, const int64_t *ours, size_t npts,
		      const struct dump_run *run)
{
	FILE *f;
	size_t nedges = 0, id = 0;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		perror(dir);
		return -1;
	}
	if (!(f = dump_open(dir, "grids.tsv")))
		return -1;
	for (size_t k = 0; k < c->ngrids; k++) {
		fprintf(f, "%lld\t", (long long)c->grids[k].id);
		dump_grid_ewkb(f, &c->grids[k]);
		putc('\n', f);
	}
	if (dump_close(f, "grids.tsv") < 0 || !(f = dump_open(dir, "points.tsv")))
		return -1;
	for (size_t k = 0; k < npts; k++)
		fprintf(f, "%zu\t%.17g\t%.17g\n", k, px[k], py[k]);
	if (dump_close(f, "points.tsv") < 0 || !(f = dump_open(dir, "answers.tsv")))
		return -1;
	for (size_t k = 0; k < npts; k++) {
		fprintf(f, "%zu\t", k);
		dump_id(f, ours[k]);
		putc('\n', f);
	}
	if (dump_close(f, "answers.tsv") < 0 || !(f = dump_open(dir, "edges.tsv")))
		return -1;
	/* the same points as the boundary cross-check in main() */
	for (size_t g = 0; g < c->ngrids; g += 7) {
		const struct gridindex_ring *r = &c->grids[g].polygons[0].rings[0];

		for (size_t v = 0; v + 1 < r->n; v++) {
			double qx[2] = { r->lon[v], (r->lon[v] + r->lon[v + 1]) / 2 };
			double qy[2] = { r->lat[v], (r->lat[v] + r->lat[v + 1]) / 2 };

			for (int q = 0; q < 2; q++) {
				int64_t mine;

				if (!gridindex_lookup(idx, qx[q], qy[q], &mine))
					mine = -1;
				fprintf(f, "%zu\t%.17g\t%.17g\t", id++, qx[q],
					qy[q]);
				dump_id(f, mine);
				putc('\n', f);
				nedges++;
			}
		}
	}
	if (dump_close(f, "edges.tsv") < 0 || !(f = dump_open(dir, "meta.env")))
		return -1;
	fprintf(f, "grids=%zu\npoints=%zu\nfound=%zu\nedge_points=%zu\n"
		"x0=%.17g\ny0=%.17g\nx1=%.17g\ny1=%.17g\n"
		"ours_lookups_per_s=%.0f\nours_runs=%d\n",
		c->ngrids, npts, run->found, nedges, run->x0, run->y0,
		run->x1, run->y1, run->lookups_per_s, run->runs);
	return dump_close(f, "meta.env");
}

/* ---- the run ---------------------------------------------------------------- */

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

int main(int argc, char **argv)
{
	const char *dump_dir = NULL;
	size_t ngrids, npts;
	int runs;
	struct city c;
	struct gridindex *idx = NULL;
	struct gridindex_stats st;
	struct ug_error err;
	struct geos_side geos;
	double *px, *py, rate[64], build[3], t0, x0, y0, x1, y1;
	double ours_rate, geos_rate, geos_build_s, upd_us = 0, upd[NUPDATES];
	double cold_build;
	int slow = 0;
	struct gridindex_stats st2;
	int64_t *ours, *ids;
	size_t heap0, heap1, invalid, found = 0, distinct_vertices;
	size_t agree = 0, on_boundary = 0, mismatch = 0, overlaps = 0;
	size_t bpts = 0, bagree = 0, bmismatch = 0, bexact = 0;
	const struct gridindex_snapshot *snap;
	uint64_t checksum = 0;

	if (argc > 2 && strcmp(argv[1], "--dump") == 0) {
		dump_dir = argv[2];
		argv += 2;
		argc -= 2;
	}
	ngrids = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	npts = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	runs = argc > 3 ? atoi(argv[3]) : 5;
	if (ngrids < 100 || npts < 1 || runs < 1 || runs > 64 ||
	    (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [--dump DIR] [grids>=100 [points "
			"[runs<=64]]]\n", argv[0]);
		return 2;
	}
	city_make(&c, ngrids);
	distinct_vertices = c.npoints;
	for (size_t k = 0; k < c.ngrids; k++)
		distinct_vertices -= c.grids[k].polygons[0].nrings;
	x0 = ORIGIN_LON - c.cell_lon;
	y0 = ORIGIN_LAT - c.cell_lat;
	x1 = ORIGIN_LON + (c.nx + 1) * c.cell_lon;
	y1 = ORIGIN_LAT + (c.ny + 1) * c.cell_lat;
	px = xcalloc(npts, sizeof *px);
	py = xcalloc(npts, sizeof *py);
	ours = xcalloc(npts, sizeof *ours);
	ids = xcalloc(c.ngrids, sizeof *ids);
	for (size_t k = 0; k < npts; k++) {
		px[k] = x0 + rnd01() * (x1 - x0);
		py[k] = y0 + rnd01() * (y1 - y0);
	}

	/* ---- ours: build (median of 3), memory, lookups ---- */
	for (int b = 0; b < 3; b++) {
		if (idx)
			gridindex_destroy(idx);
		heap0 = heap_in_use();
		t0 = now_s();
		if (gridindex_create(c.grids, c.ngrids, NULL, &idx, &err) < 0) {
			fprintf(stderr, "gridindex_create: %s\n", err.message);
			return 2;
		}
		build[b] = now_s() - t0;
		heap1 = heap_in_use();
	}
	cold_build = build[0];   /* the first, in a fresh process */
	gridindex_stats(idx, &st);
	snap = gridindex_acquire(idx);
	for (int r = 0; r < runs; r++) {
		size_t n = 0;

		t0 = now_s();
		for (size_t k = 0; k < npts; k++) {
			int64_t id;

			if (gridindex_snapshot_lookup(snap, px[k], py[k], &id)) {
				checksum += (uint64_t)id;
				n++;
			}
		}
		rate[r] = (double)npts / (now_s() - t0);
		found = n;
	}
	ours_rate = median(rate, runs);
	for (size_t k = 0; k < npts; k++)
		if (!gridindex_snapshot_lookup(snap, px[k], py[k], &ours[k]))
			ours[k] = -1;
	gridindex_release(snap);
	if (dump_dir) {
		struct dump_run run = { x0, y0, x1, y1, ours_rate, runs, found };

		if (dump_write(dump_dir, &c, idx, px, py, ours, npts, &run) < 0)
			return 2;
		printf("gridindex: %zu grids, %zu points (%zu in a grid), "
		       "%.4g lookups/s on one core (median of %d); wrote %s/\n",
		       c.ngrids, npts, found, ours_rate, runs, dump_dir);
		gridindex_destroy(idx);
		return 0;
	}
	/* cost of one write: replace 2000 random grids by themselves (the
	 * slow ones include a compaction: a full rebuild into new slabs) */
	for (int k = 0; k < NUPDATES; k++) {
		t0 = now_s();
		if (gridindex_replace(idx, &c.grids[rnd64() % c.ngrids],
				      &err) < 0) {
			fprintf(stderr, "replace: %s\n", err.message);
			return 2;
		}
		upd[k] = (now_s() - t0) * 1e6;
		upd_us += upd[k] / NUPDATES;
	}
	qsort(upd, NUPDATES, sizeof *upd, cmp_double);
	gridindex_stats(idx, &st2);

	/* ---- GEOS: build, lookups ---- */
	geos_build_s = geos_build(&geos, &c, ids, &invalid);
	for (int r = 0; r < runs; r++) {
		t0 = now_s();
		for (size_t k = 0; k < npts; k++) {
			int64_t id;

			if (geos_lookup(&geos, px[k], py[k], 0, &id))
				checksum += (uint64_t)id;
		}
		rate[r] = (double)npts / (now_s() - t0);
	}
	geos_rate = median(rate, runs);

	/* ---- cross-check: random points ---- */
	for (size_t k = 0; k < npts; k++) {
		int64_t gid, bid;
		int n = geos_lookup(&geos, px[k], py[k], 0, &gid);

		if (n > 1)
			overlaps++;
		if (n == 1 && gid == ours[k]) {
			agree++;
		} else if (n == 0 &&
			   geos_lookup(&geos, px[k], py[k], 1, &bid) > 0) {
			on_boundary++;   /* the rule decides; GEOS says "no" */
		} else if (n == 0 && ours[k] < 0) {
			agree++;
		} else {
			if (mismatch < 10)
				fprintf(stderr, "mismatch at (%.17g, %.17g): "
					"ours %lld, GEOS %lld (%d grids)\n",
					px[k], py[k], (long long)ours[k],
					(long long)gid, n);
			mismatch++;
		}
	}
	/* ---- cross-check: points on vertices and on edges (midpoints,
	 * some exactly on the edge, some a rounding away from it).  A point
	 * inside one grid for GEOS must be ours too; a point on a boundary
	 * must be owned by the grid that holds it nudged 1e-9 degrees east
	 * (the rule, as no edge of this mesh is exactly horizontal) ---- */
	for (size_t g = 0; g < c.ngrids; g += 7) {
		const struct gridindex_ring *r = &c.grids[g].polygons[0].rings[0];

		for (size_t v = 0; v + 1 < r->n; v++) {
			double qx[2] = { r->lon[v], (r->lon[v] + r->lon[v + 1]) / 2 };
			double qy[2] = { r->lat[v], (r->lat[v] + r->lat[v + 1]) / 2 };

			for (int q = 0; q < 2; q++) {
				int64_t mine = -1, want = -1;

				if (!gridindex_lookup(idx, qx[q], qy[q], &mine))
					mine = -1;
				if (geos_lookup(&geos, qx[q], qy[q], 0,
						&want) == 1) {
					/* inside one grid: that grid */
				} else if (geos_lookup(&geos, qx[q], qy[q], 1,
						       &want) > 0) {
					bexact++;   /* on a boundary */
					if (geos_lookup(&geos, qx[q] + 1e-9,
							qy[q], 0, &want) != 1)
						want = -1;
				} else {
					want = -1;  /* just outside all */
				}
				bpts++;
				if (mine == want) {
					bagree++;
				} else {
					if (bmismatch < 10)
						fprintf(stderr, "boundary point "
							"(%.17g, %.17g): ours "
							"%lld, GEOS %lld\n",
							qx[q], qy[q],
							(long long)mine,
							(long long)want);
					bmismatch++;
				}
			}
		}
	}
	geos_free(&geos);

	/* ---- report ---- */
	printf("# gridindex bench\n\n");
	printf("data: %zu grids (%zu mesh cells of ~100 m, %zu islands in "
	       "holes), %zu ring points (%zu distinct vertices), "
	       "%.2f points per grid; GEOS says %zu invalid\n",
	       c.ngrids, (size_t)c.nx * c.ny,
	       c.ngrids - (size_t)c.nx * c.ny, c.npoints, distinct_vertices,
	       (double)distinct_vertices / c.ngrids, invalid);
	printf("points: %zu uniform over the extent plus 1 cell; %zu in a "
	       "grid\n\n", npts, found);
	printf("| | gridindex | GEOS %s STRtree + prepared contains | ratio |\n",
	       GEOSversion());
	printf("|---|---|---|---|\n");
	printf("| lookups/s, one core, median of %d | %.3g | %.3g | %.1fx |\n",
	       runs, ours_rate, geos_rate, ours_rate / geos_rate);
	printf("| ns per lookup | %.0f | %.0f | |\n", 1e9 / ours_rate,
	       1e9 / geos_rate);
	qsort(build, 3, sizeof *build, cmp_double);
	printf("| build, s | %.3f first in the process; %.3f median of 3 "
	       "| %.3f | |\n", cold_build, build[1], geos_build_s);
	printf("\nmemory: %.1f bytes per distinct vertex counted by the index "
	       "(snapshot %.1f MB + grid copies and writer state %.1f MB); "
	       "malloc heap grew %.1f MB = %.1f bytes per vertex; after the "
	       "updates below %.1f bytes per vertex\n",
	       (double)(st.bytes_snapshot + st.bytes_writer) / distinct_vertices,
	       st.bytes_snapshot / 1e6, st.bytes_writer / 1e6,
	       (heap1 - heap0) / 1e6,
	       (double)(heap1 - heap0) / distinct_vertices,
	       (double)(st2.bytes_snapshot + st2.bytes_writer) /
	       distinct_vertices);
	printf("index: %zu tiles of %zu, %zu cells, %zu leaf cells (%.1f %%), "
	       "%.2f edges per leaf\n", st.tiles, st.dir_tiles, st.cells,
	       st.leaf_cells, 100.0 * st.leaf_cells / st.cells,
	       (double)st.leaf_edges / st.leaf_cells);
	for (int k = 0; k < NUPDATES; k++)
		slow += upd[k] > 50000;
	printf("update: replace of one grid, %d random ones: median %.0f us, "
	       "p99 %.0f us, mean %.0f us; %d took over 50 ms (compactions: "
	       "full rebuilds, the longest %.0f ms)\n",
	       NUPDATES, upd[NUPDATES / 2], upd[NUPDATES * 99 / 100], upd_us,
	       slow, upd[NUPDATES - 1] / 1000);
	printf("\ncross-check, random points: %zu agree, %zu on a boundary "
	       "(skipped), %zu overlapping, %zu MISMATCH\n", agree, on_boundary,
	       overlaps, mismatch);
	printf("cross-check, vertices and edge midpoints: %zu points, %zu of "
	       "them exactly on a boundary; %zu agree with GEOS (point or "
	       "point nudged east), %zu differ\n", bpts, bexact, bagree,
	       bmismatch);
	printf("(checksum %llu)\n", (unsigned long long)checksum);
	gridindex_destroy(idx);
	return mismatch || bmismatch || invalid ? 1 : 0;
}
