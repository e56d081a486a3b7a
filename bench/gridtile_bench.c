/*
 * gridtile_bench.c - the grid outline tiles (GET /api/v1/grids/tiles/...):
 * drawing a city-zoom tile from the index in memory (gridindex_snapshot_
 * edges + geo/tile), against the peer one writes first - every grid's
 * rings stroked by the same renderer after a bounding-box scan of all
 * grids, no index - on the same 50,000 generated grids in one run, with
 * a check that both give the same picture.  What it measures and how to
 * read it: bench/README.md.
 *
 * Build and run from the repository root (scripts/bench does it):
 *
 *   cc -std=c11 -O2 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Isrc \
 *      -o build/bench/gridtile_bench bench/gridtile_bench.c \
 *      src/domain/spatial/gridindex.c src/geo/tile.c src/geo/crs.c \
 *      src/lib/shape.c src/lib/buf.c src/lib/error.c src/lib/fault.c \
 *      src/lib/util.c src/lib/iso8601.c \
 *      $(pkg-config --cflags --libs cairo proj) -lsodium -lpthread -lm
 *   build/bench/gridtile_bench [side [runs]]
 *
 * side: cells along each side of the square city (default 224: 50,176
 * grids of about 100 m).  Exit status 1 if the two pictures of a tile
 * differ.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/spatial/gridindex.h"
#include "geo/tile.h"
#include "lib/buf.h"
#include "lib/error.h"

#include "bench.h"

#define ORIGIN_LON 116.20
#define ORIGIN_LAT 39.75
#define CELL_LAT 0.0009          /* about 100 m */
#define POINTS 9                 /* a cell's ring: 4 corners, 4 side
				    points, the closing point */

/* The console's pen (domain/spatial/spatial.c). */
static const struct tile_pen pen = { 0x5f7c8a, 0.8, 0.9, 0.6 };

/* ---- the city: a perturbed mesh, neighbours sharing every point ------ */

struct city {
	int side;
	size_t ngrids;
	double *lon, *lat;            /* POINTS per grid */
	double *box;                  /* 4 per grid: w s e n */
	struct gridindex_grid *grids;
	struct gridindex_polygon *polys;
	struct gridindex_ring *rings;
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static double rnd(void)           /* [-0.5, 0.5) */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0 - 0.5;
}

static void city_make(struct city *c, int side)
{
	int n = side + 1;
	double cell_lon = CELL_LAT / cos(ORIGIN_LAT * M_PI / 180);
	double *cx = malloc(sizeof(double) * n * n);
	double *cy = malloc(sizeof(double) * n * n);
	double *hx = malloc(sizeof(double) * n * n);   /* side (i,j)-(i+1,j) */
	double *hy = malloc(sizeof(double) * n * n);
	double *vx = malloc(sizeof(double) * n * n);   /* side (i,j)-(i,j+1) */
	double *vy = malloc(sizeof(double) * n * n);

	c->side = side;
	c->ngrids = (size_t)side * side;
	c->lon = malloc(sizeof(double) * POINTS * c->ngrids);
	c->lat = malloc(sizeof(double) * POINTS * c->ngrids);
	c->box = malloc(sizeof(double) * 4 * c->ngrids);
	c->grids = calloc(c->ngrids, sizeof *c->grids);
	c->polys = calloc(c->ngrids, sizeof *c->polys);
	c->rings = calloc(c->ngrids, sizeof *c->rings);
	if (!cx || !cy || !hx || !hy || !vx || !vy || !c->lon || !c->lat ||
	    !c->box || !c->grids || !c->polys || !c->rings) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	for (int j = 0; j < n; j++) {
		for (int i = 0; i < n; i++) {
			int k = j * n + i, rim = !i || !j || i == side ||
						 j == side;

			cx[k] = ORIGIN_LON + (i + (rim ? 0 : 0.4 * rnd())) *
					       cell_lon;
			cy[k] = ORIGIN_LAT + (j + (rim ? 0 : 0.4 * rnd())) *
					       CELL_LAT;
		}
	}
	for (int j = 0; j < n; j++) {
		for (int i = 0; i < n; i++) {
			int k = j * n + i;

			if (i < side) {   /* the middle of the side, pushed */
				hx[k] = (cx[k] + cx[k + 1]) / 2;
				hy[k] = (cy[k] + cy[k + 1]) / 2 +
					(j % side ? 0.2 * rnd() * CELL_LAT : 0);
			}
			if (j < side) {
				vx[k] = (cx[k] + cx[k + n]) / 2 +
					(i % side ? 0.2 * rnd() * cell_lon : 0);
				vy[k] = (cy[k] + cy[k + n]) / 2;
			}
		}
	}
	for (int j = 0; j < side; j++) {
		for (int i = 0; i < side; i++) {
			size_t g = (size_t)j * side + i;
			int k = j * n + i;
			double *x = &c->lon[g * POINTS], *y = &c->lat[g * POINTS];
			double px[POINTS] = { cx[k], hx[k], cx[k + 1], vx[k + 1],
					      cx[k + n + 1], hx[k + n],
					      cx[k + n], vx[k], cx[k] };
			double py[POINTS] = { cy[k], hy[k], cy[k + 1], vy[k + 1],
					      cy[k + n + 1], hy[k + n],
					      cy[k + n], vy[k], cy[k] };
			double *b = &c->box[4 * g];

			memcpy(x, px, sizeof px);
			memcpy(y, py, sizeof py);
			b[0] = b[2] = x[0];
			b[1] = b[3] = y[0];
			for (int p = 1; p < POINTS; p++) {
				b[0] = fmin(b[0], x[p]);
				b[2] = fmax(b[2], x[p]);
				b[1] = fmin(b[1], y[p]);
				b[3] = fmax(b[3], y[p]);
			}
			c->rings[g] = (struct gridindex_ring){ x, y, POINTS };
			c->polys[g] = (struct gridindex_polygon){ &c->rings[g],
								  1 };
			c->grids[g] = (struct gridindex_grid){
				110101001001000 + (int64_t)g, &c->polys[g], 1 };
		}
	}
	free(cx); free(cy); free(hx); free(hy); free(vx); free(vy);
}

/* ---- timing -------------------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- the two ways to draw a tile ----------------------------------------- */

static void add_edge(void *canvas, double ax, double ay, double bx,
		     double by)
{
	tile_canvas_line(canvas, ax, ay, bx, by);
}

static void count_edge(void *n, double ax, double ay, double bx, double by)
{
	(void)ax; (void)ay; (void)bx; (void)by;
	(*(size_t *)n)++;
}

/* Ours: the index's edges in the tile's reach; *lines: lines drawn. */
static void draw_indexed(const struct gridindex_snapshot *snap,
			 const struct tile_addr *t, struct buf *png,
			 size_t *lines)
{
	struct tile_canvas *c;
	struct tile_box r;

	if (tile_canvas_new(t, TILE_WGS84, &pen, &c, NULL))
		exit(2);
	tile_canvas_reach(c, &r);
	gridindex_snapshot_edges(snap, r.west, r.south, r.east, r.north,
				 add_edge, c);
	*lines = tile_canvas_lines(c);
	if (tile_canvas_png(c, png, NULL))
		exit(2);
	tile_canvas_free(c);
}

/* The peer: scan every grid's box, stroke the rings of those that meet
 * the reach (an edge two grids share is stroked twice). */
static void draw_scanned(const struct city *city, const struct tile_addr *t,
			 struct buf *png, size_t *lines)
{
	struct tile_canvas *c;
	struct tile_box r;

	if (tile_canvas_new(t, TILE_WGS84, &pen, &c, NULL))
		exit(2);
	tile_canvas_reach(c, &r);
	for (size_t g = 0; g < city->ngrids; g++) {
		const double *b = &city->box[4 * g];

		if (b[2] < r.west || b[0] > r.east || b[3] < r.south ||
		    b[1] > r.north)
			continue;
		tile_canvas_ring(c, &city->lon[g * POINTS],
				 &city->lat[g * POINTS], POINTS);
	}
	*lines = tile_canvas_lines(c);
	if (tile_canvas_png(c, png, NULL))
		exit(2);
	tile_canvas_free(c);
}

static struct tile_addr tile_at(int z, double lon, double lat)
{
	double n = ldexp(1, z), phi = lat * M_PI / 180;
	struct tile_addr t = { z, (uint32_t)floor((lon + 180) / 360 * n),
			       (uint32_t)floor((1 - asinh(tan(phi)) / M_PI) /
					       2 * n) };

	return t;
}

/* Grids whose boxes meet a desktop view (1280 x 900 px) at zoom z
 * centred on (lon, lat): what the console's old GeoJSON ask of one view
 * had to bring, against its cap of 10,000. */
static size_t grids_in_view(const struct city *c, int z, double lon,
			    double lat)
{
	double world = ldexp(256, z), phi = lat * M_PI / 180;
	double px = (lon + 180) / 360 * world;
	double py = (1 - asinh(tan(phi)) / M_PI) / 2 * world;
	double w = (px - 640) / world * 360 - 180, e = (px + 640) / world * 360 - 180;
	double n = atan(sinh(M_PI * (1 - 2 * (py - 450) / world))) * 180 / M_PI;
	double s = atan(sinh(M_PI * (1 - 2 * (py + 450) / world))) * 180 / M_PI;
	size_t k = 0;

	for (size_t g = 0; g < c->ngrids; g++) {
		const double *b = &c->box[4 * g];

		k += !(b[2] < w || b[0] > e || b[3] < s || b[1] > n);
	}
	return k;
}

int main(int argc, char **argv)
{
	int side = argc > 1 ? atoi(argv[1]) : 224;
	int runs = argc > 2 ? atoi(argv[2]) : 21;
	struct city city;
	struct gridindex *idx;
	const struct gridindex_snapshot *snap;
	struct ug_error err;
	double t0, clon, clat, *ours = malloc(sizeof(double) * runs);
	double *peer = malloc(sizeof(double) * runs);
	double *look = malloc(sizeof(double) * runs);
	int differ = 0;

	if (side < 10 || runs < 1 || !ours || !peer || !look) {
		fprintf(stderr, "usage: gridtile_bench [side >= 10 [runs]]\n");
		return 2;
	}
	city_make(&city, side);
	ug_error_clear(&err);
	t0 = now_ms();
	if (gridindex_create(city.grids, city.ngrids, NULL, &idx, &err)) {
		fprintf(stderr, "gridindex_create: %s\n", err.message);
		return 2;
	}
	printf("city: %zu grids of about 100 m (%d x %d), %d points each; "
	       "index built in %.0f ms\n", city.ngrids, side, side,
	       POINTS - 1, now_ms() - t0);
	clon = ORIGIN_LON + side / 2.0 * CELL_LAT /
			    cos(ORIGIN_LAT * M_PI / 180);
	clat = ORIGIN_LAT + side / 2.0 * CELL_LAT;
	for (int z = 11; z <= 13; z++)
		printf("a 1280 x 900 view at zoom %d over the centre: %zu grids "
		       "(the old GeoJSON ask stopped at 10,000)\n", z,
		       grids_in_view(&city, z, clon, clat));
	snap = gridindex_acquire(idx);
	printf("\n| tile (centre of the city) | lines drawn | ours: index + "
	       "draw + PNG, ms | of it the index's edges, ms | peer: scan + "
	       "stroke rings + PNG, ms | peer / ours | PNG bytes | same "
	       "picture |\n|---|---|---|---|---|---|---|---|\n");
	for (int z = 10; z <= 16; z++) {
		struct tile_addr t = tile_at(z, clon, clat);
		struct tile_canvas *probe;
		struct tile_box r;
		size_t lines_ours = 0, lines_peer = 0, edges = 0;
		struct buf a = BUF_INIT, b = BUF_INIT;
		int same;

		if (tile_canvas_new(&t, TILE_WGS84, &pen, &probe, NULL))
			return 2;
		tile_canvas_reach(probe, &r);
		tile_canvas_free(probe);
		for (int k = 0; k < runs; k++) {
			buf_reset(&a);
			t0 = now_ms();
			draw_indexed(snap, &t, &a, &lines_ours);
			ours[k] = now_ms() - t0;
			buf_reset(&b);
			t0 = now_ms();
			draw_scanned(&city, &t, &b, &lines_peer);
			peer[k] = now_ms() - t0;
			edges = 0;
			t0 = now_ms();
			gridindex_snapshot_edges(snap, r.west, r.south, r.east,
						 r.north, count_edge, &edges);
			look[k] = now_ms() - t0;
		}
		same = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
		differ |= !same;
		{
			double mo = median(ours, runs), mp = median(peer, runs);

			printf("| z%d %u/%u | %zu (peer %zu) | %.2f | %.2f | %.2f "
			       "| %.2f | %zu | %s |\n", z, t.x, t.y, lines_ours,
			       lines_peer, mo, median(look, runs), mp, mp / mo,
			       a.len, same ? "yes" : "NO");
		}
		buf_free(&a);
		buf_free(&b);
	}
	printf("\nmedians of %d runs each; one core; the pictures compared "
	       "byte for byte\n", runs);
	gridindex_release(snap);
	gridindex_destroy(idx);
	return differ;
}
