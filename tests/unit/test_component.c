/*
 * test_component.c - unit tests of domain/component: identifier parsing
 * (both formats, every error with its field and message), and the
 * nearest-component index against a brute-force reference (random city,
 * the antimeridian, the poles, moves and removes), injected allocation
 * failures, and readers racing a writer.
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

#include "domain/spatial/component.h"
#include "lib/error.h"
#include "lib/fault.h"
#include "tu_rand.h"

/* the reference distance must round exactly like the index's */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/* ---- identifiers -------------------------------------------------------- */

static void parse_ok(const char *text, const char *code, const char *klass,
		     int legacy)
{
	struct component_code c;
	struct ug_error err;

	ug_error_clear(&err);
	if (component_code_parse(text, "code", &c, &err) != 0)
		fail_msg("\"%s\": %s", text, err.message);
	assert_string_equal(c.code, code);
	assert_int_equal(strlen(c.code), 17);
	assert_memory_equal(c.division, code, 6);
	assert_int_equal(strlen(c.division), 6);
	assert_string_equal(c.klass, klass);
	assert_string_equal(c.serial, code + 11);
	assert_int_equal(c.legacy, legacy);
}

static void test_parse_formats(void **state)
{
	(void)state;
	/* GB/T 47678.5: as is */
	parse_ok("11010101001000001", "11010101001000001", "01001", 0);
	parse_ok("65402305009999999", "65402305009999999", "05009", 0);
	/* CJ/T 214: the minor code widened with a zero */
	parse_ok("3205080101000001", "32050801001000001", "01001", 1);
	parse_ok("4403050412000123", "44030504012000123", "04012", 1);
	parse_ok("8100000599123456", "81000005099123456", "05099", 1);
	/* spaces around are ignored */
	parse_ok("  11010101001000001", "11010101001000001", "01001", 0);
	parse_ok("3205080101000001   ", "32050801001000001", "01001", 1);
	parse_ok(" 11010101001000001 ", "11010101001000001", "01001", 0);
}

static void test_parse_provinces(void **state)
{
	static const int valid[] = { 11, 12, 13, 14, 15, 21, 22, 23, 31, 32,
				     33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
				     46, 50, 51, 52, 53, 54, 61, 62, 63, 64,
				     65, 71, 81, 82 };
	struct component_code c;
	struct ug_error err;
	char text[32], want[160];
	size_t k = 0;

	(void)state;
	for (int p = 0; p <= 99; p++) {
		int ok = k < sizeof valid / sizeof valid[0] && valid[k] == p;
		int rc;

		k += ok;
		/* division pp0105, class 01001, serial 000001 */
		snprintf(text, sizeof text, "%02d010501001000001", p);
		ug_error_clear(&err);
		rc = component_code_parse(text, "code", &c, &err);
		if (ok) {
			if (rc != 0)
				fail_msg("%s: %s", text, err.message);
			continue;
		}
		assert_int_equal(rc, -UG_EINVAL);
		assert_string_equal(err.field, "code");
		snprintf(want, sizeof want, "code: division %02d0105 is in no "
			 "province: %02d is not a province code (11-15, 21-23, "
			 "31-37, 41-46, 50-54, 61-65, 71, 81, 82)", p, p);
		assert_string_equal(err.message, want);
		/* the same rule for the legacy format */
		snprintf(text, sizeof text, "%02d01050101000001", p);
		assert_int_equal(component_code_parse(text, "code", &c, &err),
				 -UG_EINVAL);
		assert_string_equal(err.message, want);
	}
	assert_int_equal(k, sizeof valid / sizeof valid[0]);
}

struct bad_code {
	const char *text;
	const char *message;
};

static void test_parse_errors(void **state)
{
	static const struct bad_code cases[] = {
		{ "", "ObjID is empty" },
		{ "    ", "ObjID is empty" },
		{ "1101010100100000x", "ObjID: character 17 is 'x', not a "
		  "digit 0-9" },
		{ " 11010 101001000001", "ObjID: character 6 is ' ', not a "
		  "digit 0-9" },
		{ "-3205080101000001", "ObjID: character 1 is '-', not a "
		  "digit 0-9" },
		{ "\t3205080101000001", "ObjID: character 1 is not a digit "
		  "0-9 (byte 0x09)" },
		{ "\xef\xbc\x91" "1010101001000001", "ObjID: character 1 is a "
		  "full-width digit; use ASCII digits 0-9" },
		{ "\xe4\xb8\x80" "1\xef\xbc\x92", "ObjID: character 1 is not a "
		  "digit 0-9 (byte 0xE4)" },
		{ "11\xc3\xa9" "1\xef\xbc\x92", "ObjID: character 3 is not a "
		  "digit 0-9 (byte 0xC3)" },
		{ "110101\xef\xbc\x90" "1001000001", "ObjID: character 7 is a "
		  "full-width digit; use ASCII digits 0-9" },
		{ "1", "ObjID must be 16 (CJ/T 214) or 17 (GB/T 47678.5) "
		  "digits, got 1" },
		{ "110101010010001", "ObjID must be 16 (CJ/T 214) or 17 "
		  "(GB/T 47678.5) digits, got 15" },
		{ "110101010010000011", "ObjID must be 16 (CJ/T 214) or 17 "
		  "(GB/T 47678.5) digits, got 18" },
		{ "  110101010010000011 ", "ObjID must be 16 (CJ/T 214) or 17 "
		  "(GB/T 47678.5) digits, got 18" },
		{ "00000001001000001", "ObjID: division 000000 is in no "
		  "province: 00 is not a province code (11-15, 21-23, 31-37, "
		  "41-46, 50-54, 61-65, 71, 81, 82)" },
		{ "11010100001000001", "ObjID: class 00001 has major class 00; "
		  "component classes are 01-05" },
		{ "11010106001000001", "ObjID: class 06001 has major class 06; "
		  "component classes are 01-05" },
		{ "11010199001000001", "ObjID: class 99001 has major class 99; "
		  "component classes are 01-05" },
		{ "1101010001000001", "ObjID: class 0001 has major class 00; "
		  "component classes are 01-05" },
		{ "3205080701000001", "ObjID: class 0701 has major class 07; "
		  "component classes are 01-05" },
		{ "3205080601000001", "ObjID: CJ/T 214 class 0601 is in major "
		  "class 06 (other facilities), which has no GB/T 47678.5 "
		  "component class" },
		{ "11010101001000000", "ObjID: serial 000000 is not allowed "
		  "(serials start at 000001)" },
		{ "3205080101000000", "ObjID: serial 000000 is not allowed "
		  "(serials start at 000001)" },
	};
	struct component_code c;
	struct ug_error err;

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		memset(&c, 'x', sizeof c);
		ug_error_clear(&err);
		if (component_code_parse(cases[k].text, "ObjID", &c, &err) !=
		    -UG_EINVAL)
			fail_msg("case %zu \"%s\" was accepted", k,
				 cases[k].text);
		assert_int_equal(err.code, UG_EINVAL);
		assert_string_equal(err.field, "ObjID");
		if (strcmp(err.message, cases[k].message) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", k,
				 err.message, cases[k].message);
		/* nothing half-filled */
		assert_int_equal(c.code[0], 0);
		assert_int_equal(c.klass[0], 0);
		assert_int_equal(c.legacy, 0);
	}
	/* NULL text; NULL field reads "code"; NULL err is accepted */
	assert_int_equal(component_code_parse(NULL, "ObjID", &c, &err),
			 -UG_EINVAL);
	assert_string_equal(err.message, "ObjID is missing");
	assert_int_equal(component_code_parse("12", NULL, &c, &err),
			 -UG_EINVAL);
	assert_string_equal(err.field, "code");
	assert_string_equal(err.message, "code must be 16 (CJ/T 214) or 17 "
			    "(GB/T 47678.5) digits, got 2");
	assert_int_equal(component_code_parse("x", "code", &c, NULL),
			 -UG_EINVAL);
	assert_int_equal(component_code_parse("11010101001000001", "code", &c,
					      NULL), 0);
}

/* ---- the brute-force reference ------------------------------------------ */


/* What the index should hold: points by slot; removed ones have live 0. */
struct model {
	struct component_point *p;
	int *live;
	size_t n;
};

static void model_init(struct model *m, size_t n)
{
	m->p = calloc(n, sizeof *m->p);
	m->live = calloc(n, sizeof *m->live);
	assert_non_null(m->p);
	assert_non_null(m->live);
	m->n = n;
}

static void model_free(struct model *m)
{
	free(m->p);
	free(m->live);
}

static int hit_cmp(const void *a, const void *b)
{
	const struct component_hit *x = a, *y = b;

	if (x->distance_m != y->distance_m)
		return x->distance_m < y->distance_m ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Every live point, filtered and sorted; at most max.  out holds m->n. */
static size_t brute(const struct model *m, double lon, double lat,
		    double radius, int32_t klass, struct component_hit *out,
		    size_t max)
{
	size_t n = 0;

	if (radius > 5000)
		radius = 5000;
	for (size_t k = 0; k < m->n; k++) {
		double d;

		if (!m->live[k] || (klass && m->p[k].klass != klass))
			continue;
		d = tu_ref_distance(lon, lat, m->p[k].lon, m->p[k].lat);
		if (d <= radius) {
			out[n].id = m->p[k].id;
			out[n].klass = m->p[k].klass;
			out[n].distance_m = d;
			n++;
		}
	}
	qsort(out, n, sizeof *out, hit_cmp);
	return n < max ? n : max;
}

static void put_ok(struct compindex *ix, int64_t id, double lon, double lat,
		   int32_t klass)
{
	struct component_point p = { id, lon, lat, klass };
	struct ug_error err;

	ug_error_clear(&err);
	if (compindex_put(ix, &p, &err) != 0)
		fail_msg("put %lld: %s", (long long)id, err.message);
}

/* The index and the model agree on one query (ids, classes, distances
 * and order).  `got` and `want` hold m->n + 1 hits. */
static void check_query(struct compindex *ix, const struct model *m,
			double lon, double lat, double radius, int32_t klass,
			size_t max, struct component_hit *got,
			struct component_hit *want)
{
	size_t n = compindex_nearest(ix, lon, lat, radius, klass, got, max);
	size_t w = brute(m, lon, lat, radius, klass, want, max);

	if (n != w)
		fail_msg("query (%.7f, %.7f) r=%g class %d max %zu: %zu hits, "
			 "brute force %zu", lon, lat, radius, (int)klass, max,
			 n, w);
	for (size_t k = 0; k < n; k++)
		if (got[k].id != want[k].id || got[k].klass != want[k].klass ||
		    got[k].distance_m != want[k].distance_m)
			fail_msg("query (%.7f, %.7f) r=%g class %d: hit %zu is "
				 "%lld at %.17g m, brute force %lld at %.17g m",
				 lon, lat, radius, (int)klass, k,
				 (long long)got[k].id, got[k].distance_m,
				 (long long)want[k].id, want[k].distance_m);
}

/* ---- the index: basics -------------------------------------------------- */

static void test_index_basics(void **state)
{
	struct compindex *ix = compindex_new();
	struct component_hit h[8];
	struct component_point p;
	struct ug_error err;

	(void)state;
	assert_non_null(ix);
	assert_int_equal(compindex_count(ix), 0);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 100, 0, h, 8), 0);
	/* 0.001 degree north of the query: 1/1000 of a degree of the
	 * 6,371,008.8 m sphere */
	put_ok(ix, 11010101001000001, 116.4, 39.9, 1001);
	put_ok(ix, 11010101001000002, 116.4, 39.901, 1001);
	put_ok(ix, 11010103005000001, 116.4, 39.9005, 3005);
	assert_int_equal(compindex_count(ix), 3);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 200, 0, h, 8), 3);
	assert_true(h[0].id == 11010101001000001 && h[0].distance_m == 0);
	assert_int_equal(h[1].id, 11010103005000001);
	assert_int_equal(h[1].klass, 3005);
	assert_int_equal(h[2].id, 11010101001000002);
	assert_true(fabs(h[2].distance_m - 6371008.8 * TU_RAD / 1000) < 1e-6);
	assert_true(fabs(h[2].distance_m - 111.19508) < 1e-5);
	/* class filter; max; the radius is inclusive */
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 200, 1001, h, 8),
			 2);
	assert_int_equal(h[1].id, 11010101001000002);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 200, 3005, h, 8),
			 1);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 200, 4002, h, 8),
			 0);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 200, 0, h, 1), 1);
	assert_int_equal(h[0].id, 11010101001000001);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 200, 0, NULL, 0),
			 0);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 0, 0, h, 8), 1);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.901, 0, 0, h, 8), 1);
	assert_int_equal(h[0].id, 11010101001000002);
	{
		double d = tu_ref_distance(116.4, 39.9, 116.4, 39.901);

		assert_int_equal(compindex_nearest(ix, 116.4, 39.9, d, 1001,
						   h, 8), 2);
		assert_int_equal(compindex_nearest(ix, 116.4, 39.9,
						   nextafter(d, 0), 1001, h,
						   8), 1);
	}
	/* hits past the count are left alone */
	memset(h, 0x5a, sizeof h);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 10, 0, h, 8), 1);
	assert_int_equal(h[1].id, 0x5a5a5a5a5a5a5a5a);
	/* queries that cannot match */
	assert_int_equal(compindex_nearest(ix, NAN, 39.9, 200, 0, h, 8), 0);
	assert_int_equal(compindex_nearest(ix, 116.4, INFINITY, 200, 0, h, 8),
			 0);
	assert_int_equal(compindex_nearest(ix, 180.5, 39.9, 200, 0, h, 8), 0);
	assert_int_equal(compindex_nearest(ix, 116.4, -90.5, 200, 0, h, 8), 0);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, -1, 0, h, 8), 0);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, NAN, 0, h, 8), 0);
	/* bad points: an error naming the field, nothing changes */
	{
		static const struct {
			double lon, lat;
			int32_t klass;
			const char *field, *message;
		} bad[] = {
			{ NAN, 39.9, 1001, "lon", "lon of component 7 must be "
			  "in [-180, 180], got nan" },
			{ 180.0001, 39.9, 1001, "lon", "lon of component 7 "
			  "must be in [-180, 180], got 180" },
			{ -INFINITY, 39.9, 1001, "lon", "lon of component 7 "
			  "must be in [-180, 180], got -inf" },
			{ 116.4, 90.5, 1001, "lat", "lat of component 7 must "
			  "be in [-90, 90], got 90.5" },
			{ 116.4, NAN, 1001, "lat", "lat of component 7 must be "
			  "in [-90, 90], got nan" },
			{ 116.4, 39.9, 0, "class", "class of component 7 must "
			  "be a 5-digit class code 00001-99999, got 0" },
			{ 116.4, 39.9, -1001, "class", "class of component 7 "
			  "must be a 5-digit class code 00001-99999, got "
			  "-1001" },
			{ 116.4, 39.9, 100000, "class", "class of component 7 "
			  "must be a 5-digit class code 00001-99999, got "
			  "100000" },
		};

		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			p.id = 7;
			p.lon = bad[k].lon;
			p.lat = bad[k].lat;
			p.klass = bad[k].klass;
			ug_error_clear(&err);
			assert_int_equal(compindex_put(ix, &p, &err),
					 -UG_EINVAL);
			assert_string_equal(err.field, bad[k].field);
			assert_string_equal(err.message, bad[k].message);
		}
		/* a bad move leaves the component where it was */
		p.id = 11010101001000001;
		p.lon = 200;
		assert_int_equal(compindex_put(ix, &p, NULL), -UG_EINVAL);
		assert_int_equal(compindex_put(ix, NULL, &err), -UG_EINVAL);
		assert_string_equal(err.field, "component");
	}
	assert_int_equal(compindex_count(ix), 3);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 0, 0, h, 8), 1);
	assert_int_equal(h[0].id, 11010101001000001);
	/* the edges of the coordinate range are accepted */
	put_ok(ix, 1, -180, -90, 1);
	put_ok(ix, 2, 180, 90, 99999);
	assert_int_equal(compindex_count(ix), 5);
	compindex_free(ix);
	compindex_free(NULL);
}

static void test_radius_cap(void **state)
{
	struct compindex *ix = compindex_new();
	struct component_hit h[4];
	/* 0.0441 and 0.0495 degrees of latitude: about 4,904 and 5,504 m */
	double near = 39.9 + 0.0441, far = 39.9 + 0.0495;

	(void)state;
	put_ok(ix, 1, 116.4, near, 1001);
	put_ok(ix, 2, 116.4, far, 1001);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, 1e9, 0, h, 4), 1);
	assert_int_equal(h[0].id, 1);
	assert_true(h[0].distance_m > 4900 && h[0].distance_m < 5000);
	assert_int_equal(compindex_nearest(ix, 116.4, 39.9, INFINITY, 0, h, 4),
			 1);
	assert_int_equal(compindex_nearest(ix, 116.4, far, 5000, 0, h, 4), 2);
	compindex_free(ix);
}

/* ---- moves and removes -------------------------------------------------- */

static void test_move_remove(void **state)
{
	struct compindex *ix = compindex_new();
	struct component_hit h[64];

	(void)state;
	/* eight components in one cell, then one far away */
	for (int k = 0; k < 8; k++)
		put_ok(ix, 100 + k, 116.4001 + k * 1e-5, 39.9001, 1001);
	put_ok(ix, 200, 121.47, 31.23, 2004);
	assert_int_equal(compindex_count(ix), 9);
	/* a move to another cell (another city) */
	put_ok(ix, 103, 121.4701, 31.2301, 2004);
	assert_int_equal(compindex_count(ix), 9);
	assert_int_equal(compindex_nearest(ix, 116.4001, 39.9001, 100, 0, h,
					   64), 7);
	for (size_t k = 0; k < 7; k++)
		assert_true(h[k].id != 103);
	assert_int_equal(compindex_nearest(ix, 121.47, 31.23, 100, 2004, h,
					   64), 2);
	assert_int_equal(h[0].id, 200);
	assert_int_equal(h[1].id, 103);
	/* a move within the cell, with a new class */
	put_ok(ix, 105, 116.40012, 39.90012, 3005);
	assert_int_equal(compindex_nearest(ix, 116.40012, 39.90012, 0, 0, h,
					   64), 1);
	assert_int_equal(h[0].id, 105);
	assert_int_equal(h[0].klass, 3005);
	assert_int_equal(compindex_nearest(ix, 116.4001, 39.9001, 100, 1001,
					   h, 64), 6);
	/* removes: the middle of a cell (the last point takes its place),
	 * again (absent: nothing happens), an unknown id */
	compindex_remove(ix, 101);
	compindex_remove(ix, 101);
	compindex_remove(ix, 999);
	assert_int_equal(compindex_count(ix), 8);
	assert_int_equal(compindex_nearest(ix, 116.4001, 39.9001, 100, 0, h,
					   64), 6);
	/* the point moved into 101's place can still be moved and removed */
	put_ok(ix, 107, 116.3, 39.8, 1001);
	compindex_remove(ix, 107);
	compindex_remove(ix, 100);
	compindex_remove(ix, 102);
	compindex_remove(ix, 104);
	compindex_remove(ix, 105);
	assert_int_equal(compindex_nearest(ix, 116.4001, 39.9001, 100, 0, h,
					   64), 1);
	assert_int_equal(h[0].id, 106);
	compindex_remove(ix, 106);
	assert_int_equal(compindex_nearest(ix, 116.4001, 39.9001, 5000, 0, h,
					   64), 0);
	assert_int_equal(compindex_nearest(ix, 116.3, 39.8, 5000, 0, h, 64),
			 0);
	/* the emptied cell takes new points */
	put_ok(ix, 101, 116.40015, 39.90015, 1001);
	assert_int_equal(compindex_nearest(ix, 116.4001, 39.9001, 100, 0, h,
					   64), 1);
	assert_int_equal(h[0].id, 101);
	assert_int_equal(compindex_count(ix), 3);
	compindex_remove(ix, 101);
	compindex_remove(ix, 103);
	compindex_remove(ix, 200);
	assert_int_equal(compindex_count(ix), 0);
	assert_int_equal(compindex_nearest(ix, 121.47, 31.23, 5000, 0, h, 64),
			 0);
	/* ids are any int64 */
	put_ok(ix, INT64_MIN, 0, 0, 1);
	put_ok(ix, INT64_MAX, 0, 0, 1);
	put_ok(ix, 0, 0, 0, 1);
	put_ok(ix, -1, 0, 0, 1);
	assert_int_equal(compindex_nearest(ix, 0, 0, 0, 0, h, 64), 4);
	assert_true(h[0].id == INT64_MIN && h[1].id == -1 && h[2].id == 0 &&
		    h[3].id == INT64_MAX);
	compindex_remove(ix, 0);
	assert_int_equal(compindex_nearest(ix, 0, 0, 0, 0, h, 64), 3);
	assert_true(h[0].id == INT64_MIN && h[1].id == -1 &&
		    h[2].id == INT64_MAX);
	compindex_free(ix);
}

/* ---- randomized cross-checks against brute force ------------------------ */

static const int32_t classes[] = { 1001, 1002, 1003, 1037, 2004, 2012,
				   3005, 4002 };
#define NCLASSES ((int)(sizeof classes / sizeof classes[0]))

/* Where points and queries fall. */
struct area {
	double lon0, lat0;    /* centre */
	double hw, hh;        /* half width and height, degrees */
};

static void area_point(const struct area *a, double *lon, double *lat)
{
	*lon = a->lon0 + (2 * tu_rnd01() - 1) * a->hw;
	*lat = a->lat0 + (2 * tu_rnd01() - 1) * a->hh;
	if (*lon > 180)
		*lon -= 360;
	if (*lon < -180)
		*lon += 360;
	if (*lat > 90)
		*lat = 180 - *lat;
}

/* n points in area a: random classes, every 50th on an earlier point's
 * exact spot (ties, ordered by id), ids of the 17-digit kind. */
static void model_fill(struct model *m, struct compindex *ix,
		       const struct area *a)
{
	for (size_t k = 0; k < m->n; k++) {
		struct component_point *p = &m->p[k];

		p->id = 11010100000000000 + (int64_t)k * 7919 % 1000003;
		p->klass = classes[tu_rndint(NCLASSES)];
		if (k > 0 && k % 50 == 0) {
			size_t j = (size_t)tu_rndint((int)k);

			p->lon = m->p[j].lon;
			p->lat = m->p[j].lat;
		} else {
			area_point(a, &p->lon, &p->lat);
		}
		m->live[k] = 1;
		put_ok(ix, p->id, p->lon, p->lat, p->klass);
	}
	assert_int_equal(compindex_count(ix), m->n);
}

/* nq random queries: radius 0..max_r, half of them class-filtered, max
 * 1, 10 or everything; some exactly on a point. */
static void run_queries(struct compindex *ix, const struct model *m,
			const struct area *a, int nq, double max_r,
			struct component_hit *got, struct component_hit *want)
{
	static const size_t maxes[] = { 1, 10, (size_t)-1 };

	for (int q = 0; q < nq; q++) {
		double lon, lat, r = tu_rnd01() * max_r;
		int32_t klass = tu_rndint(2) ? classes[tu_rndint(NCLASSES)] : 0;
		size_t max = maxes[tu_rndint(3)];

		if (max == (size_t)-1)
			max = m->n + 1;
		if (q % 10 == 0) {
			size_t k = (size_t)tu_rndint((int)m->n);

			lon = m->p[k].lon;
			lat = m->p[k].lat;
		} else {
			area_point(a, &lon, &lat);
		}
		check_query(ix, m, lon, lat, r, klass, max, got, want);
	}
}

/* Move a third of the points (half of them within a few metres), remove
 * a sixth, put back a few removed ones. */
static void churn(struct compindex *ix, struct model *m, const struct area *a)
{
	for (size_t k = 0; k < m->n; k++) {
		struct component_point *p = &m->p[k];
		int r = tu_rndint(12);

		if (r < 2) {
			area_point(a, &p->lon, &p->lat);
		} else if (r < 4) {
			p->lon = fmax(-180, fmin(180, p->lon +
					(tu_rnd01() - 0.5) * 1e-4));
			p->lat = fmax(-90, fmin(90, p->lat +
					(tu_rnd01() - 0.5) * 1e-4));
			p->klass = classes[tu_rndint(NCLASSES)];
		} else if (r < 6) {
			if (m->live[k])
				compindex_remove(ix, p->id);
			m->live[k] = 0;
			continue;
		} else if (!m->live[k] && r == 6) {
			;       /* put back below */
		} else {
			continue;
		}
		m->live[k] = 1;
		put_ok(ix, p->id, p->lon, p->lat, p->klass);
	}
}

static size_t model_live(const struct model *m)
{
	size_t n = 0;

	for (size_t k = 0; k < m->n; k++)
		n += m->live[k] != 0;
	return n;
}

static void crosscheck(const struct area *a, size_t npoints, int nq,
		       double max_r)
{
	struct compindex *ix = compindex_new();
	struct model m;
	struct component_hit *got, *want;

	assert_non_null(ix);
	model_init(&m, npoints);
	got = calloc(npoints + 1, sizeof *got);
	want = calloc(npoints + 1, sizeof *want);
	assert_non_null(got);
	assert_non_null(want);
	model_fill(&m, ix, a);
	run_queries(ix, &m, a, nq, max_r, got, want);
	churn(ix, &m, a);
	assert_int_equal(compindex_count(ix), model_live(&m));
	run_queries(ix, &m, a, nq / 2, max_r, got, want);
	free(got);
	free(want);
	model_free(&m);
	compindex_free(ix);
}

/* The brief's check: 20,000 points in a 10 km box around Tian'anmen
 * (116.40 E 39.90 N), 2,000 queries of 0..500 m, then 1,000 more after
 * moving and removing. */
static void test_crosscheck_city(void **state)
{
	/* 5 km = 0.04497 degrees of latitude, 0.05863 of longitude here */
	const struct area beijing = { 116.40, 39.90, 0.05863, 0.04497 };

	(void)state;
	crosscheck(&beijing, 20000, 2000, 500);
}

/* Queries reaching across the antimeridian (cells 0 and 359,999 are
 * neighbours; 180 and -180 are one meridian). */
static void test_crosscheck_antimeridian(void **state)
{
	const struct area fiji = { 180, -17.8, 0.03, 0.02 };
	struct compindex *ix = compindex_new();
	struct component_hit h[4];

	(void)state;
	crosscheck(&fiji, 3000, 600, 2000);
	put_ok(ix, 1, 180, 0, 1);
	put_ok(ix, 2, -179.9995, 0, 1);
	put_ok(ix, 3, 179.9995, 0, 1);
	/* sin(pi) is not quite 0: 180 and -180 are 1.6 nm apart */
	assert_int_equal(compindex_nearest(ix, -180, 0, 0.001, 0, h, 4), 1);
	assert_int_equal(h[0].id, 1);
	assert_true(h[0].distance_m < 1e-8);
	assert_int_equal(compindex_nearest(ix, -180, 0, 60, 0, h, 4), 3);
	assert_int_equal(compindex_nearest(ix, 179.9999, 0, 70, 0, h, 4), 3);
	assert_int_equal(h[0].id, 1);
	assert_int_equal(h[1].id, 3);
	compindex_free(ix);
}

/* Near a pole every longitude is near; 5 km circles hold the pole. */
static void test_crosscheck_poles(void **state)
{
	const struct area north = { 0, 89.97, 180, 0.03 };
	const struct area south = { 100, -89.99, 180, 0.01 };
	const struct area tromso = { 18.95, 69.65, 0.2, 0.05 };

	(void)state;
	crosscheck(&north, 3000, 400, 5000);
	crosscheck(&south, 1000, 200, 2000);
	crosscheck(&tromso, 3000, 400, 3000);
}

/* Circles whose rim just reaches a pole (sin(angle) / cos(lat) may round
 * below 1 there, which must not shrink the longitude box): points on the
 * pole, at exactly the radius, are found.  (An index this small reads
 * every cell for boxes this wide, so this checks answers, not the box:
 * the box takes that path only with ~500,000 occupied cells.) */
static void test_pole_on_the_rim(void **state)
{
	struct compindex *ix = compindex_new();
	struct component_hit got[4], want[4];
	struct model m;

	(void)state;
	model_init(&m, 3);
	for (size_t k = 0; k < m.n; k++) {
		m.p[k].id = (int64_t)k + 1;
		m.p[k].lon = 150 - 120.0 * (double)k;
		m.p[k].lat = k == 2 ? -90 : 90;
		m.p[k].klass = 1;
		m.live[k] = 1;
		put_ok(ix, m.p[k].id, m.p[k].lon, m.p[k].lat, 1);
	}
	for (int k = 1; k <= 200; k++) {
		double lat = 90 - k * 0.0002;
		double r = tu_ref_distance(0, lat, 150, 90);

		check_query(ix, &m, 0, lat, r, 0, 4, got, want);
		assert_int_equal(compindex_nearest(ix, 0, lat, r, 0, got, 4),
				 2);
		r = tu_ref_distance(0, -lat, -90, -90);
		check_query(ix, &m, 0, -lat, r, 0, 4, got, want);
		assert_int_equal(compindex_nearest(ix, 0, -lat, r, 0, got, 4),
				 1);
	}
	model_free(&m);
	compindex_free(ix);
}

/* Wide queries over a sparse index read every cell instead of the box. */
static void test_crosscheck_sparse(void **state)
{
	const struct area wide = { 116.4, 39.9, 0.5, 0.5 };

	(void)state;
	crosscheck(&wide, 300, 600, 5000);
}

/* ---- allocation failures ------------------------------------------------ */

static void test_alloc_failures(void **state)
{
	const struct area beijing = { 116.40, 39.90, 0.02, 0.02 };
	struct compindex *ix = NULL;
	struct model m;
	struct component_hit got[402], want[402];
	struct ug_error err;
	int n, rc, failures = 0;

	(void)state;
	for (n = 1;; n++) {
		fault_arm(FAULT_ALLOC, n);
		ix = compindex_new();
		fault_arm(FAULT_ALLOC, 0);
		if (ix)
			break;
	}
	assert_int_equal(n, 2);
	model_init(&m, 400);
	/* every put, new or a move, fails at each of its allocations in
	 * turn; each failure leaves the index answering as before */
	for (size_t k = 0; k < 2 * m.n; k++) {
		size_t i = k < m.n ? k : (size_t)tu_rndint((int)m.n);
		struct component_point p;

		p.id = 1000 + (int64_t)i;
		p.klass = classes[tu_rndint(NCLASSES)];
		area_point(&beijing, &p.lon, &p.lat);
		for (n = 1;; n++) {
			ug_error_clear(&err);
			fault_arm(FAULT_ALLOC, n);
			rc = compindex_put(ix, &p, &err);
			fault_arm(FAULT_ALLOC, 0);
			if (rc == 0)
				break;
			failures++;
			assert_int_equal(rc, -UG_ENOMEM);
			assert_int_equal(err.code, UG_ENOMEM);
			assert_non_null(strstr(err.message, "out of memory"));
			assert_int_equal(compindex_count(ix), model_live(&m));
			for (int q = 0; q < 5; q++) {
				double lon, lat;

				area_point(&beijing, &lon, &lat);
				check_query(ix, &m, lon, lat, 1500, 0, m.n + 1,
					    got, want);
			}
			check_query(ix, &m, p.lon, p.lat, 10, 0, m.n + 1, got,
				    want);
		}
		m.p[i] = p;
		m.live[i] = 1;
	}
	/* tables grew several times and cells were created and grown */
	assert_true(failures > 400);
	for (int q = 0; q < 50; q++) {
		double lon, lat;

		area_point(&beijing, &lon, &lat);
		check_query(ix, &m, lon, lat, 1500, 0, m.n + 1, got, want);
	}
	model_free(&m);
	compindex_free(ix);
}

/* ---- readers racing a writer -------------------------------------------- */

#define STABLE 2000          /* components the writer never touches */
#define STABLE_CLASS 1001
#define CHURN_CLASS 2004
#define PROBES 64

struct race {
	struct compindex *ix;
	atomic_int stop;
	double probe_lon[PROBES], probe_lat[PROBES];
	struct component_hit expect[PROBES][16];
	size_t nexpect[PROBES];
};

struct reader_arg {
	struct race *race;
	atomic_long queries;    /* read by the writer while running */
	int bad;
};

static void *reader(void *arg)
{
	struct reader_arg *a = arg;
	struct race *r = a->race;
	struct component_hit h[64];
	unsigned k = 0;

	while (!atomic_load(&r->stop)) {
		unsigned p = k++ % PROBES;
		size_t n;

		/* the stable class: exactly what it was before the race */
		n = compindex_nearest(r->ix, r->probe_lon[p], r->probe_lat[p],
				      300, STABLE_CLASS, h, 16);
		if (n != r->nexpect[p])
			a->bad++;
		for (size_t i = 0; i < n && i < r->nexpect[p]; i++)
			if (h[i].id != r->expect[p][i].id ||
			    h[i].distance_m != r->expect[p][i].distance_m)
				a->bad++;
		/* any class: sorted, in range, the churned ones included */
		n = compindex_nearest(r->ix, r->probe_lon[p], r->probe_lat[p],
				      300, 0, h, 64);
		for (size_t i = 0; i < n; i++)
			if (h[i].distance_m > 300 ||
			    (i > 0 && h[i].distance_m < h[i - 1].distance_m) ||
			    (h[i].klass != STABLE_CLASS &&
			     h[i].klass != CHURN_CLASS))
				a->bad++;
		atomic_fetch_add(&a->queries, 2);
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	const struct area beijing = { 116.40, 39.90, 0.02, 0.02 };
	struct race *r = calloc(1, sizeof *r);
	struct reader_arg args[4];
	pthread_t th[4];
	long writes = 0;

	(void)state;
	assert_non_null(r);
	r->ix = compindex_new();
	assert_non_null(r->ix);
	atomic_init(&r->stop, 0);
	for (int k = 0; k < STABLE; k++) {
		double lon, lat;

		area_point(&beijing, &lon, &lat);
		put_ok(r->ix, k + 1, lon, lat, STABLE_CLASS);
	}
	for (int p = 0; p < PROBES; p++) {
		area_point(&beijing, &r->probe_lon[p], &r->probe_lat[p]);
		r->nexpect[p] = compindex_nearest(r->ix, r->probe_lon[p],
						  r->probe_lat[p], 300,
						  STABLE_CLASS, r->expect[p],
						  16);
	}
	for (int k = 0; k < 4; k++) {
		args[k].race = r;
		args[k].bad = 0;
		atomic_init(&args[k].queries, 0);
		assert_int_equal(pthread_create(&th[k], NULL, reader, &args[k]),
				 0);
	}
	/* write at least 200,000 times, and until every reader has
	 * overlapped the writes for a while (threads may start late).  That
	 * many: with the query's read lock taken out, ASan then reports a
	 * cell array freed under a reader in every run we tried (TSan
	 * reports the race at once; plain builds see wrong answers about
	 * every other run). */
	for (int busy = 1; writes < 200000 || busy; writes++) {
		int64_t id = 1000000 + tu_rndint(3000);
		double lon, lat;

		if (tu_rndint(4) == 0) {
			compindex_remove(r->ix, id);
		} else {
			area_point(&beijing, &lon, &lat);
			put_ok(r->ix, id, lon, lat, CHURN_CLASS);
		}
		busy = 0;
		for (int k = 0; k < 4; k++)
			if (atomic_load(&args[k].queries) < 40000)
				busy = 1;
		assert_true(writes < 100000000);
	}
	atomic_store(&r->stop, 1);
	for (int k = 0; k < 4; k++) {
		assert_int_equal(pthread_join(th[k], NULL), 0);
		assert_int_equal(args[k].bad, 0);
		assert_true(atomic_load(&args[k].queries) >= 40000);
	}
	assert_true(compindex_count(r->ix) > STABLE);
	compindex_free(r->ix);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_formats),
		cmocka_unit_test(test_parse_provinces),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_index_basics),
		cmocka_unit_test(test_radius_cap),
		cmocka_unit_test(test_move_remove),
		cmocka_unit_test(test_crosscheck_city),
		cmocka_unit_test(test_crosscheck_antimeridian),
		cmocka_unit_test(test_crosscheck_poles),
		cmocka_unit_test(test_pole_on_the_rim),
		cmocka_unit_test(test_crosscheck_sparse),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
