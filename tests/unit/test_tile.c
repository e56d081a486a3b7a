/*
 * test_tile.c - unit tests of geo/tile: tile addresses and their errors,
 * boxes, and pictures read back pixel by pixel (the PNG decoded by cairo,
 * positions computed here with the Web-Mercator formulas on their own): a
 * square's edges painted and its inside and far away clear, the GCJ-02
 * shift moving the edge where the shift says, lines shorter than a pixel
 * shading it, a line from far outside the tile, the reach box, and
 * allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/crs.h"
#include "geo/tile.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/fault.h"
#include "tu_png.h"

static const struct tile_pen pen = { 0x5f7c8a, 1.0, 1.0, 0.6 };

/* cmocka's assert_float_equal compares floats: too coarse for degrees. */
#define assert_near(a, b, eps)                                            \
	do {                                                              \
		double an_a = (a), an_b = (b);                            \
		if (!(fabs(an_a - an_b) <= (eps)))                        \
			fail_msg("%s = %.17g, expected %.17g", #a, an_a,  \
				 an_b);                                   \
	} while (0)

/* ---- Web-Mercator, written out here ------------------------------------ */

static double world_px(int z)
{
	return 256.0 * pow(2.0, z);
}

/* Tile pixel -> degrees, and back. */
static double px_lon(const struct tile_addr *t, double px)
{
	return (t->x * 256.0 + px) / world_px(t->z) * 360.0 - 180.0;
}

static double px_lat(const struct tile_addr *t, double py)
{
	double n = M_PI * (1 - 2 * (t->y * 256.0 + py) / world_px(t->z));

	return 180.0 / M_PI * atan(0.5 * (exp(n) - exp(-n)));
}

static double lon_px(const struct tile_addr *t, double lon)
{
	return (lon + 180.0) / 360.0 * world_px(t->z) - t->x * 256.0;
}

static double lat_py(const struct tile_addr *t, double lat)
{
	double phi = lat * M_PI / 180.0;

	return (1 - log(tan(phi) + 1 / cos(phi)) / M_PI) / 2 *
	       world_px(t->z) - t->y * 256.0;
}

/* The tile holding (lon, lat) at zoom z. */
static struct tile_addr tile_at(int z, double lon, double lat)
{
	struct tile_addr t = { z, 0, 0 };

	t.x = (uint32_t)floor(lon_px(&t, lon) / 256.0);
	t.y = (uint32_t)floor(lat_py(&t, lat) / 256.0);
	return t;
}

/* ---- drawing and reading back ------------------------------------------- */

struct picture {
	cairo_surface_t *s;
	unsigned char *data;
	int stride;
};


/* Check the file's signature and IHDR (256 x 256, 8-bit RGBA), then
 * decode it. */
static struct picture decode(const struct buf *png)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					      0x1a, '\n' };
	const unsigned char *p = (const unsigned char *)png->data;
	struct picture pic;

	assert_true(png->len > 33);
	assert_memory_equal(p, sig, 8);
	assert_memory_equal(p + 12, "IHDR", 4);
	assert_int_equal(p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19], 256);
	assert_int_equal(p[20] << 24 | p[21] << 16 | p[22] << 8 | p[23], 256);
	assert_int_equal(p[24], 8); /* bit depth */
	assert_int_equal(p[25], 6); /* colour type: RGBA */
	pic.s = tu_png_decode(png);
	assert_int_equal(cairo_surface_status(pic.s), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_format(pic.s),
			 CAIRO_FORMAT_ARGB32);
	pic.data = cairo_image_surface_get_data(pic.s);
	pic.stride = cairo_image_surface_get_stride(pic.s);
	return pic;
}

static uint32_t pixel(const struct picture *pic, int x, int y)
{
	return ((const uint32_t *)(const void *)(pic->data +
						 (size_t)y * pic->stride))[x];
}

static unsigned alpha(const struct picture *pic, int x, int y)
{
	return pixel(pic, x, y) >> 24;
}

/* Number of painted pixels. */
static int painted(const struct picture *pic)
{
	int n = 0;

	for (int y = 0; y < 256; y++)
		for (int x = 0; x < 256; x++)
			n += alpha(pic, x, y) != 0;
	return n;
}

/* The square whose edges lie on the pixel centres x0 + 0.5 .. x1 + 0.5
 * (the same in y) of tile t, drawn over a base map of datum d. */
static struct picture draw_square(const struct tile_addr *t,
				  enum tile_datum d, double x0, double x1)
{
	double w = px_lon(t, x0 + 0.5), e = px_lon(t, x1 + 0.5);
	double n = px_lat(t, x0 + 0.5), s = px_lat(t, x1 + 0.5);
	double lon[5] = { w, e, e, w, w }, lat[5] = { s, s, n, n, s };
	struct tile_canvas *c;
	struct buf png = BUF_INIT;
	struct ug_error err;
	struct picture pic;

	ug_error_clear(&err);
	assert_int_equal(tile_canvas_new(t, d, &pen, &c, &err), 0);
	tile_canvas_ring(c, lon, lat, 5);
	assert_int_equal(tile_canvas_lines(c), 4);
	assert_int_equal(tile_canvas_png(c, &png, &err), 0);
	tile_canvas_free(c);
	pic = decode(&png);
	buf_free(&png);
	return pic;
}

/* ---- tests --------------------------------------------------------------- */

static void test_addr_check(void **state)
{
	static const struct {
		struct tile_addr t;
		const char *field;
	} cases[] = {
		{ { 3, 0, 0 }, NULL },
		{ { 20, 1048575, 1048575 }, NULL },
		{ { 12, 3372, 1551 }, NULL },
		{ { 2, 0, 0 }, "z" },
		{ { 21, 0, 0 }, "z" },
		{ { -1, 0, 0 }, "z" },
		{ { 3, 8, 0 }, "x" },
		{ { 3, 0, 8 }, "y" },
		{ { 20, 0, 1048576 }, "y" },
	};
	struct ug_error err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = tile_addr_check(&cases[i].t, &err);

		if (!cases[i].field) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -UG_EINVAL);
		assert_string_equal(err.field, cases[i].field);
		assert_non_null(strstr(err.message, cases[i].field));
	}
	assert_int_equal(tile_addr_check(&(struct tile_addr){ 3, 8, 0 }, &err),
			 -UG_EINVAL);
	assert_string_equal(err.message, "x must be from 0 to 7 at zoom 3");
}

static void test_bounds(void **state)
{
	struct tile_box b;
	struct tile_addr t = tile_at(16, 116.417, 39.9225);

	(void)state;
	tile_bounds(&(struct tile_addr){ 3, 0, 0 }, &b);
	assert_near(b.west, -180, 1e-12);
	assert_near(b.east, -135, 1e-12);
	assert_near(b.north, 85.0511287798066, 1e-9);
	tile_bounds(&(struct tile_addr){ 3, 7, 7 }, &b);
	assert_near(b.east, 180, 1e-12);
	assert_near(b.south, -85.0511287798066, 1e-9);
	tile_bounds(&t, &b);
	assert_true(b.west <= 116.417 && 116.417 < b.east);
	assert_true(b.south < 39.9225 && 39.9225 <= b.north);
	assert_near(b.west, px_lon(&t, 0), 1e-9);
	assert_near(b.south, px_lat(&t, 256), 1e-9);
}

static void test_square(void **state)
{
	struct tile_addr t = tile_at(16, 116.417, 39.9225);
	struct picture pic = draw_square(&t, TILE_WGS84, 64, 192);
	uint32_t p = pixel(&pic, 64, 128);

	(void)state;
	/* The west edge, 1 px wide on pixel column 64: painted in the pen's
	 * colour (opaque pen: no premultiplication to undo). */
	assert_int_equal(p >> 24, 255);
	assert_true(abs((int)((p >> 16) & 255) - 0x5f) <= 1);
	assert_true(abs((int)((p >> 8) & 255) - 0x7c) <= 1);
	assert_true(abs((int)(p & 255) - 0x8a) <= 1);
	/* the other three edges */
	assert_int_equal(alpha(&pic, 192, 100), 255);
	assert_int_equal(alpha(&pic, 100, 64), 255);
	assert_int_equal(alpha(&pic, 100, 192), 255);
	/* corners closed (square ends) */
	assert_int_equal(alpha(&pic, 64, 64), 255);
	assert_int_equal(alpha(&pic, 192, 192), 255);
	/* beside the edge, inside, and far away: clear */
	assert_int_equal(alpha(&pic, 63, 128), 0);
	assert_int_equal(alpha(&pic, 65, 128), 0);
	assert_int_equal(alpha(&pic, 128, 128), 0);
	assert_int_equal(alpha(&pic, 10, 10), 0);
	assert_int_equal(alpha(&pic, 250, 20), 0);
	/* four edges of 129 pixels, the corners shared */
	assert_int_equal(painted(&pic), 4 * 128);
	cairo_surface_destroy(pic.s);
}

/* Over GCJ-02 tiles the square moves by the datum's shift: at zoom 12 in
 * Beijing about 17 px east and 4 px south. */
static void test_gcj02_shift(void **state)
{
	struct tile_addr t = tile_at(12, 116.417, 39.9225);
	struct picture wgs = draw_square(&t, TILE_WGS84, 64, 192);
	struct picture gcj = draw_square(&t, TILE_GCJ02, 64, 192);
	double lon, lat, glon, glat, gx, gy;
	int col, row;

	(void)state;
	lon = px_lon(&t, 64.5);
	lat = px_lat(&t, 128.5);
	crs_wgs84_to_gcj02(lon, lat, &glon, &glat);
	gx = lon_px(&t, glon);
	gy = lat_py(&t, glat);
	col = (int)floor(gx);
	row = (int)floor(gy);
	assert_true(gx - 64.5 > 10);     /* a real shift east */
	assert_int_equal(alpha(&wgs, 64, 128), 255);
	assert_int_equal(alpha(&gcj, 64, 128), 0);
	assert_true(alpha(&gcj, col, row) > 0);
	assert_int_equal(alpha(&gcj, col - 2, row), 0);
	assert_int_equal(alpha(&gcj, col + 2, row), 0);
	cairo_surface_destroy(wgs.s);
	cairo_surface_destroy(gcj.s);
}

/* A grid smaller than a pixel still shows: its pixel, in the shade. */
static void test_shade(void **state)
{
	struct tile_addr t = tile_at(12, 116.417, 39.9225);
	double w = px_lon(&t, 100.2), e = px_lon(&t, 100.5);
	double n = px_lat(&t, 50.3), s = px_lat(&t, 50.6);
	double lon[5] = { w, e, e, w, w }, lat[5] = { s, s, n, n, s };
	struct tile_canvas *c;
	struct buf png = BUF_INIT;
	struct ug_error err;
	struct picture pic;
	uint32_t p;

	(void)state;
	assert_int_equal(tile_canvas_new(&t, TILE_WGS84, &pen, &c, &err), 0);
	tile_canvas_ring(c, lon, lat, 5);
	assert_int_equal(tile_canvas_png(c, &png, &err), 0);
	tile_canvas_free(c);
	pic = decode(&png);
	p = pixel(&pic, 100, 50);
	assert_int_equal(p >> 24, 153);  /* 0.6 */
	assert_int_equal((p >> 16) & 255, 57);   /* 0x5f premultiplied */
	assert_int_equal(painted(&pic), 1);
	cairo_surface_destroy(pic.s);
	buf_free(&png);
}

/* A line from far outside crosses the tile at zoom 20, where unclipped
 * it would be millions of pixels long. */
static void test_long_line(void **state)
{
	struct tile_addr t = tile_at(20, 116.417, 39.9225);
	double lat = px_lat(&t, 100.5);
	struct tile_canvas *c;
	struct buf png = BUF_INIT;
	struct ug_error err;
	struct picture pic;

	(void)state;
	assert_int_equal(tile_canvas_new(&t, TILE_WGS84, &pen, &c, &err), 0);
	tile_canvas_line(c, 100, lat, 130, lat);
	tile_canvas_line(c, 100, 10, 101, 11);      /* off the tile */
	tile_canvas_line(c, NAN, 0, 1, 1);          /* ignored */
	tile_canvas_line(c, 0, 0, INFINITY, 1);
	assert_int_equal(tile_canvas_lines(c), 1);
	assert_int_equal(tile_canvas_png(c, &png, &err), 0);
	tile_canvas_free(c);
	pic = decode(&png);
	for (int x = 0; x < 256; x += 51)
		assert_int_equal(alpha(&pic, x, 100), 255);
	assert_int_equal(painted(&pic), 256);
	cairo_surface_destroy(pic.s);
	buf_free(&png);
}

static void test_empty(void **state)
{
	struct tile_addr t = { 3, 1, 1 };
	struct tile_canvas *c;
	struct buf png = BUF_INIT;
	struct ug_error err;
	struct picture pic;

	(void)state;
	assert_int_equal(tile_canvas_new(&t, TILE_GCJ02, &pen, &c, &err), 0);
	assert_int_equal(tile_canvas_png(c, &png, &err), 0);
	tile_canvas_free(c);
	assert_true(png.len < 1000);
	pic = decode(&png);
	assert_int_equal(painted(&pic), 0);
	cairo_surface_destroy(pic.s);
	buf_free(&png);
}

/* The reach box: the tile and two pixels; over GCJ-02 also more than the
 * datum's largest shift, sampled over China's box. */
static void test_reach(void **state)
{
	struct tile_addr t = tile_at(14, 116.417, 39.9225);
	struct tile_canvas *w, *g;
	struct tile_box b, rw, rg;
	double pad = 0;

	(void)state;
	tile_bounds(&t, &b);
	assert_int_equal(tile_canvas_new(&t, TILE_WGS84, &pen, &w, NULL), 0);
	assert_int_equal(tile_canvas_new(&t, TILE_GCJ02, &pen, &g, NULL), 0);
	tile_canvas_reach(w, &rw);
	tile_canvas_reach(g, &rg);
	assert_near(rw.west, px_lon(&t, -2), 1e-9);
	assert_near(rw.east, px_lon(&t, 258), 1e-9);
	assert_near(rw.north, px_lat(&t, -2), 1e-9);
	assert_near(rw.south, px_lat(&t, 258), 1e-9);
	pad = rw.west - rg.west;
	assert_true(pad > 0);
	assert_near(rg.east - rw.east, pad, 1e-12);
	assert_near(rg.north - rw.north, pad, 1e-12);
	assert_near(rw.south - rg.south, pad, 1e-12);
	for (double lon = 72.0; lon <= 138.0; lon += 0.25) {
		for (double lat = 0.8; lat <= 56.0; lat += 0.25) {
			double glon, glat;

			crs_wgs84_to_gcj02(lon, lat, &glon, &glat);
			if (fabs(glon - lon) >= pad || fabs(glat - lat) >= pad)
				fail_msg("GCJ-02 shifts %.4f %.4f by %.5f %.5f",
					 lon, lat, glon - lon, glat - lat);
		}
	}
	tile_canvas_free(w);
	tile_canvas_free(g);
}

/* Every allocation that can fail does so cleanly: UG_ENOMEM, the buffer
 * as it was. */
static void test_alloc_failures(void **state)
{
	struct tile_addr t = tile_at(16, 116.417, 39.9225);
	int done = 0;

	(void)state;
	for (int nth = 1; !done && nth < 200; nth++) {
		struct tile_canvas *c = NULL;
		struct buf png = BUF_INIT;
		struct ug_error err;
		int rc;

		buf_puts(&png, "kept");
		ug_error_clear(&err);
		fault_arm(FAULT_ALLOC, nth);
		rc = tile_canvas_new(&t, TILE_WGS84, &pen, &c, &err);
		if (rc == 0) {
			tile_canvas_line(c, px_lon(&t, 10), px_lat(&t, 10),
					 px_lon(&t, 200), px_lat(&t, 90));
			rc = tile_canvas_png(c, &png, &err);
			tile_canvas_free(c);
		} else {
			assert_null(c);
		}
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0) {
			done = 1;
			assert_true(png.len > 8 + 4);
			assert_memory_equal(png.data, "kept\x89PNG", 8);
		} else {
			assert_int_equal(rc, -UG_ENOMEM);
			assert_int_equal(err.code, UG_ENOMEM);
			assert_int_equal(png.len, 4);
			assert_string_equal(png.data, "kept");
		}
		buf_free(&png);
	}
	assert_true(done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_check),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_square),
		cmocka_unit_test(test_gcj02_shift),
		cmocka_unit_test(test_shade),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
