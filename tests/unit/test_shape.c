/*
 * test_shape.c - polygons (lib/shape.h): building, copying, bounding box,
 * the lon/lat check and its messages, the WKB writer (exact bytes) and
 * reader (both byte orders, nested headers, every truncation, hostile
 * counts, Z/M/EWKB refused), the GeoJSON text writer (exact text, exact
 * mode round trip), and out-of-memory on every allocation.
 */
#include "testutil.h"

#include <math.h>

#include "lib/buf.h"
#include "lib/shape.h"

static int teardown_fault(void **state)
{
	(void)state;
	fault_arm(FAULT_ALLOC, 0);
	return 0;
}

/* Add a polygon whose rings are given as n (x, y) pairs each:
 * add_polygon(s, 2, 5, ring0_xy, 4, ring1_xy). */
static void add_polygon(struct shape *s, size_t nrings, ...)
{
	struct shape_polygon *p = shape_add_polygon(s, nrings);
	struct ug_error err;
	va_list ap;

	assert_non_null(p);
	va_start(ap, nrings);
	for (size_t j = 0; j < nrings; j++) {
		size_t n = va_arg(ap, size_t);
		const double *xy = va_arg(ap, const double *);
		double x[64], y[64];

		assert_true(n <= 64);
		for (size_t k = 0; k < n; k++) {
			x[k] = xy[2 * k];
			y[k] = xy[2 * k + 1];
		}
		ug_error_clear(&err);
		tu_assert_ok(shape_ring_set(&p->rings[j], x, y, n, &err), err);
	}
	va_end(ap);
}

/* A grid cell near Tiananmen and a second cell with a hole. */
static const double cell_a[] = { 116.39, 39.90, 116.40, 39.90, 116.40,
				 39.91, 116.39, 39.91, 116.39, 39.90 };
static const double cell_b[] = { 116.40, 39.90, 116.42, 39.90, 116.42,
				 39.92, 116.40, 39.92, 116.40, 39.90 };
static const double hole_b[] = { 116.405, 39.905, 116.405, 39.91, 116.41,
				 39.91, 116.41, 39.905, 116.405, 39.905 };
static const double unit_square[] = { 0, 0, 1, 0, 1, 1, 0, 1, 0, 0 };

#define N_POINTS(a) (sizeof(a) / sizeof(a)[0] / 2)

static void make_multi(struct shape *s)
{
	memset(s, 0, sizeof *s);
	add_polygon(s, 1, N_POINTS(cell_a), cell_a);
	add_polygon(s, 2, N_POINTS(cell_b), cell_b, N_POINTS(hole_b), hole_b);
}

/* Same structure and bit-identical coordinates (NaN and -0 included). */
static void assert_same_shape(const struct shape *a, const struct shape *b)
{
	assert_int_equal(a->npolygons, b->npolygons);
	for (size_t i = 0; i < a->npolygons; i++) {
		const struct shape_polygon *pa = &a->polygons[i];
		const struct shape_polygon *pb = &b->polygons[i];

		assert_int_equal(pa->nrings, pb->nrings);
		for (size_t j = 0; j < pa->nrings; j++) {
			const struct shape_ring *ra = &pa->rings[j];
			const struct shape_ring *rb = &pb->rings[j];

			assert_int_equal(ra->n, rb->n);
			if (ra->n == 0)
				continue;
			assert_memory_equal(ra->x, rb->x,
					    ra->n * sizeof(double));
			assert_memory_equal(ra->y, rb->y,
					    ra->n * sizeof(double));
		}
	}
}

static void hex_to_buf(const char *hex, struct buf *out)
{
	buf_reset(out);
	for (const char *p = hex; *p; p++) {
		unsigned v;

		if (*p == ' ')
			continue;
		assert_true(sscanf(p, "%2x", &v) == 1);
		assert_int_equal(buf_putc(out, (char)v), 0);
		p++;
	}
}

/* ---- building --------------------------------------------------------- */

static void test_build_points_bbox(void **state)
{
	struct shape s = { 0 };
	struct shape_bbox bb;

	(void)state;
	shape_bbox(&s, &bb);
	assert_true(bb.minx > bb.maxx);
	assert_int_equal(shape_points(&s), 0);
	make_multi(&s);
	assert_int_equal(s.npolygons, 2);
	assert_int_equal(s.polygons[1].nrings, 2);
	assert_int_equal(shape_points(&s), 15);
	shape_bbox(&s, &bb);
	assert_true(bb.minx == 116.39 && bb.maxx == 116.42);
	assert_true(bb.miny == 39.90 && bb.maxy == 39.92);
	shape_free(&s);
	assert_null(s.polygons);
	assert_int_equal(s.npolygons, 0);
	shape_free(&s); /* twice, and NULL */
	shape_free(NULL);
}

static void test_ring_set_replaces_and_aliases(void **state)
{
	struct shape s = { 0 };
	struct shape_polygon *p = shape_add_polygon(&s, 1);
	struct ug_error err;

	(void)state;
	assert_non_null(p);
	assert_int_equal(p->rings[0].n, 0);
	assert_null(p->rings[0].x);
	add_polygon(&s, 1, N_POINTS(cell_a), cell_a);
	/* From the ring's own arrays: the last 3 points. */
	tu_assert_ok(shape_ring_set(&s.polygons[1].rings[0],
				    s.polygons[1].rings[0].x + 2,
				    s.polygons[1].rings[0].y + 2, 3, &err),
		     err);
	assert_int_equal(s.polygons[1].rings[0].n, 3);
	assert_true(s.polygons[1].rings[0].x[0] == 116.40);
	assert_true(s.polygons[1].rings[0].y[2] == 39.90);
	/* Emptied. */
	tu_assert_ok(shape_ring_set(&s.polygons[1].rings[0], NULL, NULL, 0,
				    &err), err);
	assert_int_equal(s.polygons[1].rings[0].n, 0);
	assert_int_equal(shape_points(&s), 0);
	/* No rings at all. */
	p = shape_add_polygon(&s, 0);
	assert_non_null(p);
	assert_int_equal(p->nrings, 0);
	assert_int_equal(s.npolygons, 3);
	shape_free(&s);
}

static void test_copy_is_deep(void **state)
{
	struct shape s, c = { 0 };
	struct ug_error err;

	(void)state;
	make_multi(&s);
	tu_assert_ok(shape_copy(&c, &s, &err), err);
	assert_same_shape(&s, &c);
	assert_true(c.polygons[1].rings[1].x != s.polygons[1].rings[1].x);
	s.polygons[1].rings[1].x[0] = 0;
	assert_true(c.polygons[1].rings[1].x[0] == 116.405);
	shape_free(&s);
	shape_free(&c);
	/* An empty shape copies to an empty shape. */
	tu_assert_ok(shape_copy(&c, &s, &err), err);
	assert_int_equal(c.npolygons, 0);
}

/* ---- lon/lat check ---------------------------------------------------- */

static void expect_invalid(const struct shape *s, const char *message)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_err(shape_check_lonlat(s, &err), err, UG_EINVAL, "");
	assert_string_equal(err.message, message);
}

static void test_check_lonlat(void **state)
{
	static const double triangle[] = { 116.39, 39.9, 116.4, 39.9, 116.39,
					   39.91, 116.39, 39.9 };
	static const double open_ring[] = { 116.39, 39.9, 116.4, 39.9, 116.4,
					    39.91, 116.39, 39.91, 116.39,
					    39.95 };
	double bad[10];
	struct shape s = { 0 };
	struct ug_error err;

	(void)state;
	expect_invalid(&s, "shape has no polygons");
	make_multi(&s);
	tu_assert_ok(shape_check_lonlat(&s, &err), err);
	assert_non_null(shape_add_polygon(&s, 0));
	expect_invalid(&s, "polygon 2: no rings");
	shape_free(&s);

	make_multi(&s);
	add_polygon(&s, 1, N_POINTS(triangle) - 1, triangle);
	expect_invalid(&s, "polygon 2 ring 0: only 3 points (a ring needs 4 "
			   "or more)");
	shape_free(&s);

	memcpy(bad, hole_b, sizeof bad);
	bad[2 * 3 + 1] = 95;
	make_multi(&s);
	add_polygon(&s, 2, N_POINTS(cell_b), cell_b, N_POINTS(bad), bad);
	expect_invalid(&s, "polygon 2 ring 1 point 3: latitude 95 out of "
			   "range (-90..90)");
	shape_free(&s);

	memcpy(bad, cell_a, sizeof bad);
	bad[2 * 1] = -180.5;
	add_polygon(&s, 1, N_POINTS(bad), bad);
	expect_invalid(&s, "polygon 0 ring 0 point 1: longitude -180.5 out of "
			   "range (-180..180)");
	bad[2 * 1] = NAN;
	tu_assert_ok(shape_ring_set(&s.polygons[0].rings[0], (double[]){
		bad[0], bad[2], bad[4], bad[6], bad[8] }, (double[]){
		bad[1], bad[3], bad[5], bad[7], bad[9] }, 5, &err), err);
	expect_invalid(&s, "polygon 0 ring 0 point 1: longitude is not a "
			   "finite number");
	shape_free(&s);

	add_polygon(&s, 1, N_POINTS(open_ring), open_ring);
	expect_invalid(&s, "polygon 0 ring 0: not closed (last point 4 "
			   "differs from point 0)");
	shape_free(&s);

	/* The limits themselves are in range. */
	add_polygon(&s, 1, (size_t)5, (double[]){ -180, -90, 180, -90, 180,
						  90, -180, 90, -180, -90 });
	tu_assert_ok(shape_check_lonlat(&s, &err), err);
	shape_free(&s);
}

/* ---- WKB -------------------------------------------------------------- */

#define SQUARE_LE_HEX                                                     \
	"01 03000000 01000000 05000000"                                   \
	" 0000000000000000 0000000000000000"                              \
	" 000000000000F03F 0000000000000000"                              \
	" 000000000000F03F 000000000000F03F"                              \
	" 0000000000000000 000000000000F03F"                              \
	" 0000000000000000 0000000000000000"
#define SQUARE_BE_HEX                                                     \
	"00 00000003 00000001 00000005"                                   \
	" 0000000000000000 0000000000000000"                              \
	" 3FF0000000000000 0000000000000000"                              \
	" 3FF0000000000000 3FF0000000000000"                              \
	" 0000000000000000 3FF0000000000000"                              \
	" 0000000000000000 0000000000000000"

/* The WKB in `hex` reads as exactly `want`. */
static void expect_wkb_reads(const char *hex, const struct shape *want)
{
	struct buf wkb = BUF_INIT;
	struct shape s;
	struct ug_error err;

	hex_to_buf(hex, &wkb);
	ug_error_clear(&err);
	tu_assert_ok(shape_from_wkb(wkb.data, wkb.len, &s, &err), err);
	assert_same_shape(want, &s);
	shape_free(&s);
	buf_free(&wkb);
}

static void test_wkb_polygon_bytes(void **state)
{
	struct shape s = { 0 }, back;
	struct buf wkb = BUF_INIT, want = BUF_INIT;
	struct ug_error err;

	(void)state;
	add_polygon(&s, 1, N_POINTS(unit_square), unit_square);
	assert_int_equal(buf_puts(&wkb, "prefix"), 0);
	tu_assert_ok(shape_to_wkb(&s, &wkb, &err), err);
	hex_to_buf(SQUARE_LE_HEX, &want);
	assert_int_equal(wkb.len, 6 + want.len);
	assert_int_equal(want.len, 1 + 4 + 4 + 4 + 5 * 16);
	assert_memory_equal(wkb.data, "prefix", 6);
	assert_memory_equal(wkb.data + 6, want.data, want.len);
	tu_assert_ok(shape_from_wkb(wkb.data + 6, wkb.len - 6, &back, &err),
		     err);
	assert_same_shape(&s, &back);
	shape_free(&back);

	/* The same polygon written big-endian reads the same. */
	expect_wkb_reads(SQUARE_BE_HEX, &s);
	shape_free(&s);
	buf_free(&wkb);
	buf_free(&want);
}

static void test_wkb_multipolygon_round_trip(void **state)
{
	static const double odd[] = { -0.0, 1e-300, 1.7976931348623157e308,
				      -2.5, 116.3974, 39.9093, 4.9e-324, 0,
				      -0.0, 1e-300 };
	struct shape s, back;
	struct buf wkb = BUF_INIT;
	struct ug_error err;

	(void)state;
	make_multi(&s);
	add_polygon(&s, 1, N_POINTS(odd), odd);
	s.polygons[2].rings[0].x[3] = NAN;
	tu_assert_ok(shape_to_wkb(&s, &wkb, &err), err);
	assert_int_equal((unsigned char)wkb.data[0], 1);
	assert_int_equal((unsigned char)wkb.data[1], 6); /* MultiPolygon */
	assert_int_equal((unsigned char)wkb.data[5], 3); /* 3 polygons */
	assert_int_equal((unsigned char)wkb.data[9], 1); /* nested header */
	assert_int_equal((unsigned char)wkb.data[10], 3);
	assert_int_equal(wkb.len, 9 + 3 * 9 + 4 * 4 + 20 * 16);
	tu_assert_ok(shape_from_wkb(wkb.data, wkb.len, &back, &err), err);
	assert_same_shape(&s, &back);
	assert_true(signbit(back.polygons[2].rings[0].x[0]));
	assert_true(isnan(back.polygons[2].rings[0].x[3]));
	shape_free(&back);
	shape_free(&s);

	/* The empty shape: an empty MultiPolygon, and back. */
	buf_reset(&wkb);
	tu_assert_ok(shape_to_wkb(&s, &wkb, &err), err);
	assert_int_equal(wkb.len, 9);
	tu_assert_ok(shape_from_wkb(wkb.data, wkb.len, &back, &err), err);
	assert_int_equal(back.npolygons, 0);
	buf_free(&wkb);
}

/* A MultiPolygon whose header and polygons use different byte orders. */
static void test_wkb_mixed_byte_orders(void **state)
{
	struct shape s = { 0 };

	(void)state;
	add_polygon(&s, 1, N_POINTS(unit_square), unit_square);
	add_polygon(&s, 1, N_POINTS(unit_square), unit_square);
	expect_wkb_reads("00 00000006 00000002" SQUARE_BE_HEX SQUARE_LE_HEX,
			 &s);
	expect_wkb_reads("01 06000000 02000000" SQUARE_BE_HEX SQUARE_LE_HEX,
			 &s);
	expect_wkb_reads("01 06000000 02000000" SQUARE_LE_HEX SQUARE_BE_HEX,
			 &s);
	shape_free(&s);
}

/* Every proper prefix of a valid WKB, and the WKB with a byte more, is
 * refused with a message, leaving the shape zeroed (and under ASan,
 * nothing leaked). */
static void test_wkb_truncated_everywhere(void **state)
{
	struct shape s, back;
	struct buf wkb = BUF_INIT;
	struct ug_error err;

	(void)state;
	make_multi(&s);
	tu_assert_ok(shape_to_wkb(&s, &wkb, &err), err);
	for (size_t len = 0; len < wkb.len; len++) {
		memset(&back, 0xAB, sizeof back);
		ug_error_clear(&err);
		tu_assert_err(shape_from_wkb(wkb.data, len, &back, &err), err,
			      UG_EINVAL, NULL);
		assert_null(back.polygons);
		assert_int_equal(back.npolygons, 0);
		assert_int_equal(strncmp(err.message, "WKB offset ", 11), 0);
	}
	assert_int_equal(wkb.len, 279);
	assert_int_equal(buf_putc(&wkb, 0), 0);
	tu_assert_err(shape_from_wkb(wkb.data, wkb.len, &back, &err), err,
		      UG_EINVAL, NULL);
	assert_string_equal(err.message, "WKB offset 279: 1 byte after the "
					 "end of the geometry");
	assert_null(back.polygons);
	shape_free(&s);
	buf_free(&wkb);
}

static void expect_wkb_refused(const char *hex, const char *message)
{
	struct buf wkb = BUF_INIT;
	struct shape s;
	struct ug_error err;

	hex_to_buf(hex, &wkb);
	ug_error_clear(&err);
	tu_assert_err(shape_from_wkb(wkb.data ? wkb.data : "", wkb.len, &s,
				     &err), err, UG_EINVAL, NULL);
	assert_string_equal(err.message, message);
	assert_int_equal(s.npolygons, 0);
	buf_free(&wkb);
}

static void test_wkb_hostile_counts(void **state)
{
	(void)state;
	expect_wkb_refused("01 03000000 FFFFFFFF 00000000",
			   "WKB offset 5: ring count 4294967295 needs at "
			   "least 17179869180 bytes, only 4 left");
	expect_wkb_refused("01 03000000 01000000 FFFFFF7F"
			   " 0000000000000000 0000000000000000",
			   "WKB offset 9: point count 2147483647 needs at "
			   "least 34359738352 bytes, only 16 left");
	expect_wkb_refused("00 00000006 10000000 01 03000000 00000000",
			   "WKB offset 5: polygon count 268435456 needs at "
			   "least 2415919104 bytes, only 9 left");
	/* A count that fits, then too few points: one point short. */
	expect_wkb_refused("01 03000000 01000000 02000000"
			   " 0000000000000000 0000000000000000",
			   "WKB offset 9: point count 2 needs at least 32 "
			   "bytes, only 16 left");
	expect_wkb_refused("", "WKB offset 0: input ends inside a "
			       "byte-order mark (1 byte needed, 0 left)");
	expect_wkb_refused("01 0300",
			   "WKB offset 1: input ends inside a geometry type "
			   "(4 bytes needed, 2 left)");
	expect_wkb_refused("02 03000000 00000000",
			   "WKB offset 0: byte order 2 (0 or 1 expected)");
}

static void test_wkb_types_refused(void **state)
{
	(void)state;
	expect_wkb_refused("01 EB030000 00000000",
			   "WKB offset 1: geometry type 1003 (Polygon Z) is "
			   "not supported: 2D only");
	expect_wkb_refused("00 000007D6 00000000",
			   "WKB offset 1: geometry type 2006 (MultiPolygon M) "
			   "is not supported: 2D only");
	expect_wkb_refused("01 BB0B0000 00000000",
			   "WKB offset 1: geometry type 3003 (Polygon ZM) is "
			   "not supported: 2D only");
	expect_wkb_refused("01 03000080 00000000",
			   "WKB offset 1: extended (EWKB) type 0x80000003 "
			   "with Z is not supported: plain 2D WKB only "
			   "(ST_AsBinary, not ST_AsEWKB)");
	expect_wkb_refused("01 06000020 E6100000 00000000",
			   "WKB offset 1: extended (EWKB) type 0x20000006 "
			   "with SRID is not supported: plain 2D WKB only "
			   "(ST_AsBinary, not ST_AsEWKB)");
	expect_wkb_refused("01 01000000 0000000000000000 0000000000000000",
			   "WKB offset 1: geometry type 1 (Point) where a "
			   "Polygon or MultiPolygon was expected");
	expect_wkb_refused("01 E9030000 0000000000000000 0000000000000000",
			   "WKB offset 1: geometry type 1001 (Point) where a "
			   "Polygon or MultiPolygon was expected");
	expect_wkb_refused("01 06000000 01000000 01 02000000 00000000",
			   "WKB offset 10: geometry type 2 (LineString) where "
			   "a Polygon inside the MultiPolygon was expected");
	expect_wkb_refused("01 06000000 01000000 01 06000000 00000000",
			   "WKB offset 10: geometry type 6 (MultiPolygon) "
			   "where a Polygon inside the MultiPolygon was "
			   "expected");
	expect_wkb_refused("01 06000000 01000000 00 000003EB 00000000",
			   "WKB offset 10: geometry type 1003 (Polygon Z) is "
			   "not supported: 2D only");
	expect_wkb_refused("01 FFFFFF1F 00000000",
			   "WKB offset 1: geometry type 536870911 (unknown) "
			   "where a Polygon or MultiPolygon was expected");
}

/* ---- GeoJSON text ----------------------------------------------------- */

static void test_geojson_text(void **state)
{
	struct shape s = { 0 };
	struct buf out = BUF_INIT;
	struct ug_error err;

	(void)state;
	add_polygon(&s, 1, (size_t)5, (double[]){ 116.3974, 39.9093, 116.4,
						  39.9093, 116.4, 39.90000004,
						  -0.00000001, 39.91, 116.3974,
						  39.9093 });
	tu_assert_ok(shape_to_geojson(&s, 7, &out, &err), err);
	assert_string_equal(buf_str(&out),
			    "{\"type\":\"Polygon\",\"coordinates\":[[[116.3974,"
			    "39.9093],[116.4,39.9093],[116.4,39.9],[0,39.91],"
			    "[116.3974,39.9093]]]}");
	buf_reset(&out);
	tu_assert_ok(shape_to_geojson(&s, 0, &out, &err), err);
	assert_string_equal(buf_str(&out),
			    "{\"type\":\"Polygon\",\"coordinates\":[[[116,40],"
			    "[116,40],[116,40],[0,40],[116,40]]]}");
	/* Whole numbers too long for a 64-bit integer stay reals. */
	s.polygons[0].rings[0].x[1] = 1e20;
	s.polygons[0].rings[0].y[1] = -1e15;
	s.polygons[0].rings[0].x[2] = 999999999999999;
	buf_reset(&out);
	tu_assert_ok(shape_to_geojson(&s, 2, &out, &err), err);
	assert_string_equal(buf_str(&out),
			    "{\"type\":\"Polygon\",\"coordinates\":[[[116.4,"
			    "39.91],[100000000000000000000.0,"
			    "-1000000000000000.0],[999999999999999,39.9],"
			    "[0,39.91],[116.4,39.91]]]}");
	shape_free(&s);

	make_multi(&s);
	buf_reset(&out);
	assert_int_equal(buf_puts(&out, "x="), 0);
	tu_assert_ok(shape_to_geojson(&s, 3, &out, &err), err);
	assert_string_equal(buf_str(&out),
			    "x={\"type\":\"MultiPolygon\",\"coordinates\":["
			    "[[[116.39,39.9],[116.4,39.9],[116.4,39.91],"
			    "[116.39,39.91],[116.39,39.9]]],"
			    "[[[116.4,39.9],[116.42,39.9],[116.42,39.92],"
			    "[116.4,39.92],[116.4,39.9]],"
			    "[[116.405,39.905],[116.405,39.91],[116.41,39.91],"
			    "[116.41,39.905],[116.405,39.905]]]]}");
	shape_free(&s);

	buf_reset(&out);
	tu_assert_ok(shape_to_geojson(&s, 7, &out, &err), err);
	assert_string_equal(buf_str(&out),
			    "{\"type\":\"MultiPolygon\",\"coordinates\":[]}");
	buf_free(&out);
}

static void test_geojson_text_exact(void **state)
{
	struct shape s = { 0 };
	struct buf out = BUF_INIT;
	struct ug_error err;

	(void)state;
	add_polygon(&s, 1, (size_t)4, (double[]){ -0.0, 1e-300, 116.4, 0.1,
						  3, -2.5, 116.4, 1e21 });
	/* The double after 116.4 needs all 17 digits. */
	s.polygons[0].rings[0].x[3] = nextafter(116.4, 200);
	tu_assert_ok(shape_to_geojson(&s, 17, &out, &err), err);
	assert_string_equal(buf_str(&out),
			    "{\"type\":\"Polygon\",\"coordinates\":[[[-0.0,"
			    "1e-300],[116.4,0.1],[3.0,-2.5],"
			    "[116.40000000000002,1e+21]]]}");
	/* A NaN has no JSON text. */
	s.polygons[0].rings[0].y[2] = NAN;
	buf_reset(&out);
	assert_int_equal(buf_puts(&out, "kept"), 0);
	tu_assert_err(shape_to_geojson(&s, 7, &out, &err), err, UG_EINVAL,
		      NULL);
	assert_string_equal(err.message, "polygon 0 ring 0 point 2: not a "
					 "finite number");
	assert_string_equal(buf_str(&out), "kept");
	shape_free(&s);
	buf_free(&out);
}

/* ---- out of memory ---------------------------------------------------- */

/* Fail the 1st, 2nd, ... allocation of each operation until it works:
 * every failure is a clean UG_ENOMEM with nothing left allocated (ASan
 * checks the leaks) and the output as it was. */
static void test_out_of_memory(void **state)
{
	struct shape s, c, back;
	struct buf wkb = BUF_INIT, text = BUF_INIT;
	struct ug_error err;
	int rc = -1, failures = 0;

	(void)state;
	make_multi(&s);
	tu_assert_ok(shape_to_wkb(&s, &wkb, &err), err);
	for (int nth = 1; rc != 0; nth++) {
		fault_arm(FAULT_ALLOC, nth);
		rc = shape_copy(&c, &s, &err);
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0)
			break;
		tu_assert_err(rc, err, UG_ENOMEM, NULL);
		assert_int_equal(c.npolygons, 0);
		assert_null(c.polygons);
		failures++;
	}
	assert_same_shape(&s, &c);
	shape_free(&c);
	assert_true(failures >= 8);

	failures = 0;
	for (int nth = 1;; nth++) {
		fault_arm(FAULT_ALLOC, nth);
		rc = shape_from_wkb(wkb.data, wkb.len, &back, &err);
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0)
			break;
		tu_assert_err(rc, err, UG_ENOMEM, NULL);
		assert_int_equal(back.npolygons, 0);
		failures++;
	}
	assert_same_shape(&s, &back);
	shape_free(&back);
	assert_true(failures >= 8);

	buf_free(&wkb);
	fault_arm(FAULT_ALLOC, 1);
	tu_assert_err(shape_to_wkb(&s, &wkb, &err), err, UG_ENOMEM, NULL);
	assert_int_equal(wkb.len, 0);
	fault_arm(FAULT_ALLOC, 0);

	failures = 0;
	assert_int_equal(buf_puts(&text, "kept"), 0);
	for (int nth = 1;; nth++) {
		fault_arm(FAULT_ALLOC, nth);
		rc = shape_to_geojson(&s, 7, &text, &err);
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0)
			break;
		tu_assert_err(rc, err, UG_ENOMEM, NULL);
		assert_string_equal(buf_str(&text), "kept");
		failures++;
	}
	assert_true(failures >= 1);
	assert_int_equal(strncmp(buf_str(&text), "kept{\"type\"", 11), 0);

	/* The rings, then the polygon array: the shape is unchanged. */
	fault_arm(FAULT_ALLOC, 1);
	assert_null(shape_add_polygon(&s, 3));
	fault_arm(FAULT_ALLOC, 2);
	assert_null(shape_add_polygon(&s, 3));
	fault_arm(FAULT_ALLOC, 0);
	assert_int_equal(s.npolygons, 2);
	shape_free(&s);
	buf_free(&text);
	buf_free(&wkb);
}

/* Liang-Barsky against the box 0..4 x 0..2. */
static void test_segment_clip(void **state)
{
	static const double box[4] = { 0, 0, 4, 2 };
	double t0, t1;

	(void)state;
	/* inside: whole */
	assert_int_equal(shape_segment_clip(box, 1, 1, 3, 1, &t0, &t1), 1);
	assert_true(t0 == 0 && t1 == 1);
	/* across: cut at both sides */
	assert_int_equal(shape_segment_clip(box, -4, 1, 8, 1, &t0, &t1), 1);
	assert_true(fabs(t0 - 1.0 / 3) < 1e-15 && fabs(t1 - 2.0 / 3) < 1e-15);
	/* diagonal in through the west side, out through the north */
	assert_int_equal(shape_segment_clip(box, -1, 0, 3, 4, &t0, &t1), 1);
	assert_true(fabs(t0 - 0.25) < 1e-15 && fabs(t1 - 0.5) < 1e-15);
	/* parallel and outside; beside; past the corner */
	assert_int_equal(shape_segment_clip(box, 1, 3, 3, 3, &t0, &t1), 0);
	assert_int_equal(shape_segment_clip(box, 5, 0, 6, 2, &t0, &t1), 0);
	assert_int_equal(shape_segment_clip(box, 3, 3, 5, 1.5, &t0, &t1), 0);
	/* along the border (closed box), and a point */
	assert_int_equal(shape_segment_clip(box, -1, 2, 5, 2, &t0, &t1), 1);
	assert_int_equal(shape_segment_clip(box, 2, 1, 2, 1, &t0, &t1), 1);
	assert_int_equal(shape_segment_clip(box, 5, 1, 5, 1, &t0, &t1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_points_bbox),
		cmocka_unit_test(test_ring_set_replaces_and_aliases),
		cmocka_unit_test(test_copy_is_deep),
		cmocka_unit_test(test_check_lonlat),
		cmocka_unit_test(test_wkb_polygon_bytes),
		cmocka_unit_test(test_wkb_multipolygon_round_trip),
		cmocka_unit_test(test_wkb_mixed_byte_orders),
		cmocka_unit_test(test_wkb_truncated_everywhere),
		cmocka_unit_test(test_wkb_hostile_counts),
		cmocka_unit_test(test_wkb_types_refused),
		cmocka_unit_test(test_geojson_text),
		cmocka_unit_test(test_geojson_text_exact),
		cmocka_unit_test(test_segment_clip),
		cmocka_unit_test_teardown(test_out_of_memory, teardown_fault),
	};

	return cmocka_run_group_tests_name("shape", tests, NULL, NULL);
}
