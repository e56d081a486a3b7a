/*
 * tile.c - lines drawn onto a Web-Mercator map tile and written as a PNG
 * (see tile.h).  The only file that includes cairo.h.  Lines are projected
 * to the tile's pixels, clipped to the tile and a small rim (so that cairo
 * never sees the huge coordinates of a far-away line at zoom 20), gathered
 * into one path and stroked once: overlapping lines paint a pixel once.
 */
#include "geo/tile.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/crs.h"
#include "lib/fault.h"
#include "lib/shape.h"

/* Pixels around the tile that a line may still paint from: half the
 * widest pen we use plus anti-aliasing, with room to spare. */
#define TILE_RIM 2.0
/* Mercator's latitude limit: the square world. */
#define TILE_MAX_LAT 85.0511287798066
/* More than the GCJ-02 shift anywhere (at most about 700 m: 0.011 degree
 * of longitude at China's northern border; tests/unit/test_tile.c
 * samples it). */
#define TILE_GCJ02_REACH 0.02

struct tile_canvas {
	struct tile_addr t;
	enum tile_datum datum;
	struct tile_pen pen;
	double world;            /* the world's width in pixels at t.z */
	double ox, oy;           /* the tile's north-west corner, world px */
	cairo_surface_t *surface;
	cairo_t *cr;
	size_t nlines;           /* lines that may paint, strokes and shade */
	size_t nstrokes;         /* of them in the path */
	unsigned char shade[TILE_SIZE * TILE_SIZE]; /* pixels to shade */
};

int tile_addr_check(const struct tile_addr *t, struct ug_error *err)
{
	uint32_t n;

	if (t->z < TILE_ZOOM_MIN || t->z > TILE_ZOOM_MAX)
		return ug_fail(err, UG_EINVAL, "z",
			       "z must be a zoom from %d to %d", TILE_ZOOM_MIN,
			       TILE_ZOOM_MAX);
	n = (uint32_t)1 << t->z;
	if (t->x >= n)
		return ug_fail(err, UG_EINVAL, "x",
			       "x must be from 0 to %u at zoom %d", n - 1,
			       t->z);
	if (t->y >= n)
		return ug_fail(err, UG_EINVAL, "y",
			       "y must be from 0 to %u at zoom %d", n - 1,
			       t->z);
	return 0;
}

/* World pixel -> degrees, at a world `world` pixels wide. */
static double lon_of(double px, double world)
{
	return px / world * 360.0 - 180.0;
}

static double lat_of(double py, double world)
{
	return atan(sinh(M_PI * (1.0 - 2.0 * py / world))) * 180.0 / M_PI;
}

void tile_bounds(const struct tile_addr *t, struct tile_box *out)
{
	double world = ldexp(TILE_SIZE, t->z);
	double x0 = (double)t->x * TILE_SIZE, y0 = (double)t->y * TILE_SIZE;

	out->west = lon_of(x0, world);
	out->east = lon_of(x0 + TILE_SIZE, world);
	out->north = lat_of(y0, world);
	out->south = lat_of(y0 + TILE_SIZE, world);
}

int tile_canvas_new(const struct tile_addr *t, enum tile_datum d,
		    const struct tile_pen *pen, struct tile_canvas **out,
		    struct ug_error *err)
{
	struct tile_canvas *c = NULL;

	*out = NULL;
	if (fault_should_fail(FAULT_ALLOC) || !(c = calloc(1, sizeof *c)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	c->t = *t;
	c->datum = d;
	c->pen = *pen;
	c->world = ldexp(TILE_SIZE, t->z);
	c->ox = (double)t->x * TILE_SIZE;
	c->oy = (double)t->y * TILE_SIZE;
	c->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
						TILE_SIZE, TILE_SIZE);
	c->cr = cairo_create(c->surface);
	if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
		tile_canvas_free(c);
		return ug_fail(err, UG_ENOMEM, NULL,
			       "out of memory for a map tile");
	}
	*out = c;
	return 0;
}

void tile_canvas_free(struct tile_canvas *c)
{
	if (!c)
		return;
	if (c->cr)
		cairo_destroy(c->cr);
	if (c->surface)
		cairo_surface_destroy(c->surface);
	free(c);
}

void tile_canvas_reach(const struct tile_canvas *c, struct tile_box *out)
{
	double pad = c->datum == TILE_GCJ02 ? TILE_GCJ02_REACH : 0.0;

	out->west = lon_of(c->ox - TILE_RIM, c->world) - pad;
	out->east = lon_of(c->ox + TILE_SIZE + TILE_RIM, c->world) + pad;
	out->north = lat_of(c->oy - TILE_RIM, c->world) + pad;
	out->south = lat_of(c->oy + TILE_SIZE + TILE_RIM, c->world) - pad;
}

/* WGS84 degrees -> the canvas's pixels (shifted to GCJ-02 over such a
 * base map). */
static void project(const struct tile_canvas *c, double lon, double lat,
		    double *px, double *py)
{
	double phi;

	if (c->datum == TILE_GCJ02)
		crs_wgs84_to_gcj02(lon, lat, &lon, &lat);
	if (lat > TILE_MAX_LAT)
		lat = TILE_MAX_LAT;
	if (lat < -TILE_MAX_LAT)
		lat = -TILE_MAX_LAT;
	phi = lat * M_PI / 180.0;
	*px = (lon + 180.0) / 360.0 * c->world - c->ox;
	*py = (0.5 - asinh(tan(phi)) / (2.0 * M_PI)) * c->world - c->oy;
}

/* Cut the line to the tile and its rim.  0 when nothing of it is left. */
static int clip(double *x0, double *y0, double *x1, double *y1)
{
	static const double box[4] = { -TILE_RIM, -TILE_RIM,
					TILE_SIZE + TILE_RIM,
					TILE_SIZE + TILE_RIM };
	double dx = *x1 - *x0, dy = *y1 - *y0, t0, t1;

	if (!shape_segment_clip(box, *x0, *y0, *x1, *y1, &t0, &t1))
		return 0;
	*x1 = *x0 + t1 * dx;
	*y1 = *y0 + t1 * dy;
	*x0 += t0 * dx;
	*y0 += t0 * dy;
	return 1;
}

void tile_canvas_line(struct tile_canvas *c, double lon0, double lat0,
		      double lon1, double lat1)
{
	double x0, y0, x1, y1;

	if (!isfinite(lon0) || !isfinite(lat0) || !isfinite(lon1) ||
	    !isfinite(lat1))
		return;
	project(c, lon0, lat0, &x0, &y0);
	project(c, lon1, lat1, &x1, &y1);
	if (!clip(&x0, &y0, &x1, &y1))
		return;
	c->nlines++;
	if ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0) < 1.0) {
		/* Shorter than a pixel: shade the pixel of its middle. */
		double mx = floor((x0 + x1) / 2), my = floor((y0 + y1) / 2);

		if (mx >= 0 && mx < TILE_SIZE && my >= 0 && my < TILE_SIZE)
			c->shade[(size_t)my * TILE_SIZE + (size_t)mx] = 1;
		return;
	}
	cairo_move_to(c->cr, x0, y0);
	cairo_line_to(c->cr, x1, y1);
	c->nstrokes++;
}

void tile_canvas_ring(struct tile_canvas *c, const double *lon,
		      const double *lat, size_t n)
{
	for (size_t k = 0; k + 1 < n; k++)
		tile_canvas_line(c, lon[k], lat[k], lon[k + 1], lat[k + 1]);
}

size_t tile_canvas_lines(const struct tile_canvas *c)
{
	return c->nlines;
}

/* cairo's PNG writer hands the file over in pieces. */
struct png_sink {
	struct buf *b;
	int failed;
};

static cairo_status_t png_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	struct png_sink *s = closure;

	if (buf_append(s->b, data, len)) {
		s->failed = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* The shaded pixels, written straight into the surface (premultiplied
 * ARGB, as cairo keeps it); the strokes go over them. */
static void paint_shade(struct tile_canvas *c)
{
	double a = c->pen.shade < 0 ? 0 : c->pen.shade > 1 ? 1 : c->pen.shade;
	uint32_t alpha = (uint32_t)lround(a * 255);
	uint32_t argb = alpha << 24 |
			(uint32_t)lround(((c->pen.rgb >> 16) & 255) * a) << 16 |
			(uint32_t)lround(((c->pen.rgb >> 8) & 255) * a) << 8 |
			(uint32_t)lround((c->pen.rgb & 255) * a);
	unsigned char *data;
	int stride;

	cairo_surface_flush(c->surface);
	data = cairo_image_surface_get_data(c->surface);
	stride = cairo_image_surface_get_stride(c->surface);
	for (size_t y = 0; y < TILE_SIZE; y++) {
		uint32_t *row = (uint32_t *)(void *)(data + y * (size_t)stride);

		for (size_t x = 0; x < TILE_SIZE; x++)
			if (c->shade[y * TILE_SIZE + x])
				row[x] = argb;
	}
	cairo_surface_mark_dirty(c->surface);
}

int tile_canvas_png(struct tile_canvas *c, struct buf *png,
		    struct ug_error *err)
{
	struct png_sink sink = { png, 0 };
	size_t had = png->len;
	cairo_status_t st;

	if (c->nlines > c->nstrokes)
		paint_shade(c);
	if (c->nstrokes) {
		cairo_set_source_rgba(c->cr, ((c->pen.rgb >> 16) & 255) / 255.0,
				      ((c->pen.rgb >> 8) & 255) / 255.0,
				      (c->pen.rgb & 255) / 255.0,
				      c->pen.opacity);
		cairo_set_line_width(c->cr, c->pen.width);
		/* Square ends close the corners where two lines meet. */
		cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_SQUARE);
		/* Fewer coverage samples: at city zoom (23,000 lines in a
		 * tile) 2.6 times as fast as the default, half the bytes,
		 * and hairlines look the same (bench/README.md). */
		cairo_set_antialias(c->cr, CAIRO_ANTIALIAS_FAST);
		cairo_stroke(c->cr);
		if ((st = cairo_status(c->cr)) != CAIRO_STATUS_SUCCESS)
			return ug_fail(err, UG_ENOMEM, NULL,
				       "drawing a map tile: %s",
				       cairo_status_to_string(st));
	}
	cairo_surface_flush(c->surface);
	st = cairo_surface_write_to_png_stream(c->surface, png_write, &sink);
	if (st != CAIRO_STATUS_SUCCESS || sink.failed) {
		if (png->data) {
			png->len = had;
			png->data[had] = '\0';
		}
		return ug_fail(err, UG_ENOMEM, NULL,
			       "out of memory writing a map tile (%s)",
			       cairo_status_to_string(st));
	}
	return 0;
}
