/*
 * tile.h - lines in longitude/latitude drawn onto one map tile as a PNG,
 * with cairo (geo/tile.c is the only file that includes cairo.h).  The
 * console draws the unit grids' outlines this way (GET
 * /api/v1/grids/tiles/{z}/{x}/{y}.png): a picture costs the same whether
 * it shows ten grids or fifty thousand, so nothing is left out at city
 * zoom.
 *
 * Tiles are the usual Web-Mercator XYZ scheme that Leaflet and every web
 * map ask for: 256 x 256 pixels, at zoom z the world is 2^z x 2^z tiles,
 * x counted east from 180 W, y south from 85.0511 N.  Lines are given in
 * WGS84; a tile meant to lie over GCJ-02 base tiles (the datum of Chinese
 * web maps, geo/crs.h) draws them shifted the same way the base map's
 * streets are.
 *
 * Pure computation besides cairo's memory: thread-safe, one canvas per
 * thread.
 */
#ifndef UG_TILE_H
#define UG_TILE_H

#include <stdint.h>

#include "lib/buf.h"
#include "lib/error.h"

#define TILE_SIZE 256     /* pixels on a side */
#define TILE_ZOOM_MIN 3   /* the console's maps go no further out */
#define TILE_ZOOM_MAX 20  /* about 0.15 m a pixel: beyond any survey */

struct tile_addr {
	int z;
	uint32_t x, y;
};

/* The datum of the base map the tile lies over. */
enum tile_datum {
	TILE_WGS84 = 0,
	TILE_GCJ02
};

/* How lines are drawn: colour 0xRRGGBB, width in pixels (fractions are
 * anti-aliased), opacity 0..1; and the opacity `shade` of a pixel that
 * lines shorter than a pixel pass through (at zooms where whole grids
 * are smaller than a pixel, their mesh is drawn as such a shade: every
 * grid still shows, and the cost stays one pixel per line rather than
 * anti-aliasing thousands of overlapping strokes). */
struct tile_pen {
	uint32_t rgb;
	double width;
	double opacity;
	double shade;
};

/* A box in WGS84 degrees. */
struct tile_box {
	double west, south, east, north;
};

/*
 * Check an address: z within TILE_ZOOM_MIN..TILE_ZOOM_MAX, x and y within
 * 0..2^z-1.  0, or UG_EINVAL with field "z", "x" or "y" and a message
 * giving the range.
 */
int tile_addr_check(const struct tile_addr *t, struct ug_error *err);

/* The tile's own box in its datum's degrees (north and south are the
 * Mercator edges; x and y need not be checked, z must be 0..30). */
void tile_bounds(const struct tile_addr *t, struct tile_box *out);

struct tile_canvas;

/*
 * A transparent canvas for the (checked) tile t over a base map of datum
 * d, drawing with pen.  0, or UG_ENOMEM.  *out is freed with
 * tile_canvas_free().
 */
int tile_canvas_new(const struct tile_addr *t, enum tile_datum d,
		    const struct tile_pen *pen, struct tile_canvas **out,
		    struct ug_error *err);
void tile_canvas_free(struct tile_canvas *c); /* NULL accepted */

/*
 * The WGS84 box outside which no line can paint a pixel of the canvas:
 * the tile widened by two pixels (the pen's width and anti-aliasing) and,
 * over GCJ-02, by the largest shift of that datum.  Ask the spatial index
 * for the lines that meet it.
 */
void tile_canvas_reach(const struct tile_canvas *c, struct tile_box *out);

/* Add the straight line from (lon0, lat0) to (lon1, lat1), WGS84 degrees.
 * Lines are stroked together by tile_canvas_png(); where they overlap,
 * the pixels are painted once.  A line shorter than a pixel paints its
 * pixel with the pen's shade instead.  Lines wholly off the tile cost
 * little; non-finite coordinates are ignored. */
void tile_canvas_line(struct tile_canvas *c, double lon0, double lat0,
		      double lon1, double lat1);

/* Add a ring (n points, n >= 2) as its n - 1 lines. */
void tile_canvas_ring(struct tile_canvas *c, const double *lon,
		      const double *lat, size_t n);

/* Lines added so far (after clipping to the tile: the ones that may
 * paint). */
size_t tile_canvas_lines(const struct tile_canvas *c);

/*
 * Stroke the lines and append the picture to png as a PNG file (RGBA,
 * TILE_SIZE x TILE_SIZE; a tile with no line is fully transparent).
 * 0, or UG_ENOMEM (png keeps what it had before).  Once per canvas.
 */
int tile_canvas_png(struct tile_canvas *c, struct buf *png,
		    struct ug_error *err);

#endif
