/*
 * test_crs.c - coordinate systems (geo/crs.h): names, gcj02/bd09 against
 * values from gcoord (an independent implementation), round trips on
 * thousands of points across China, the out-of-China rule, a CGCS2000
 * Gauss-Krüger zone against the textbook series, the local equal-area
 * projection against the ellipsoid's radii, distance, shapes, errors and
 * out-of-memory.
 */
#include "testutil.h"

#include <math.h>
#include <pthread.h>

#include "geo/crs.h"
#include "lib/shape.h"

#define PI 3.14159265358979323846
#define RAD (PI / 180.0)

/* GRS80, the ellipsoid of CGCS2000. */
#define GRS80_A 6378137.0
#define GRS80_F (1.0 / 298.257222101)

/* ---- helpers ----------------------------------------------------------- */

/* xorshift64*: the same points on every run. */
static double rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * UINT64_C(2685821657736338717)) >> 11) /
	       9007199254740992.0;
}

/* A point inside China's box, at least half a degree from its edges
 * (where gcj02 jumps and cannot round-trip). */
static void rnd_china(uint64_t *s, double *lon, double *lat)
{
	*lon = 73.0 + rnd(s) * (134.5 - 73.0);
	*lat = 18.0 + rnd(s) * (53.0 - 18.0);
}

static struct crs crs_of(const char *name)
{
	struct ug_error err;
	struct crs c;

	ug_error_clear(&err);
	tu_assert_ok(crs_parse(name, &c, &err), err);
	return c;
}

static struct crs_transform *transform_of(const char *name)
{
	struct crs c = crs_of(name);
	struct crs_transform *t;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(crs_transform_new(&c, &t, &err), err);
	assert_non_null(t);
	return t;
}

#define assert_near(got, want, tol)                                        \
	do {                                                               \
		double g_ = (got), w_ = (want), t_ = (tol);                \
		if (!(fabs(g_ - w_) <= t_))                                \
			fail_msg("%s = %.12f, want %.12f (+-%g)", #got,    \
				 g_, w_, t_);                              \
	} while (0)

/* ---- names ------------------------------------------------------------- */

static void test_parse_accepts(void **state)
{
	static const struct {
		const char *name;
		enum crs_kind kind;
		int epsg;
		const char *canonical;
	} ok[] = {
		{ "wgs84", CRS_WGS84, 0, "wgs84" },
		{ "WGS84", CRS_WGS84, 0, "wgs84" },
		{ "cgcs2000", CRS_WGS84, 0, "wgs84" },
		{ "EPSG:4326", CRS_WGS84, 0, "wgs84" },
		{ "epsg:4490", CRS_WGS84, 0, "wgs84" },
		{ "gcj02", CRS_GCJ02, 0, "gcj02" },
		{ "GCJ02", CRS_GCJ02, 0, "gcj02" },
		{ "bd09", CRS_BD09, 0, "bd09" },
		{ "EPSG:4534", CRS_EPSG, 4534, "EPSG:4534" },
		{ "epsg:4547", CRS_EPSG, 4547, "EPSG:4547" },
		{ "EPSG:4554", CRS_EPSG, 4554, "EPSG:4554" },
	};
	char buf[16];

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct crs c = crs_of(ok[i].name);

		assert_int_equal(c.kind, ok[i].kind);
		if (ok[i].kind == CRS_EPSG)
			assert_int_equal(c.epsg, ok[i].epsg);
		assert_string_equal(crs_name(&c, buf), ok[i].canonical);
	}
}

static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"", "wgs", "wgs84 ", " gcj02", "gcj-02", "bd09mc", "EPSG:",
		"EPSG:4533", "EPSG:4555", "EPSG:45470", "EPSG:454", "EPSG:3857",
		"EPSG:4547x", "EPSG:+547", "4547", "EPSG 4547",
	};
	struct ug_error err;
	struct crs c;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ug_error_clear(&err);
		tu_assert_err(crs_parse(bad[i], &c, &err), err, UG_EINVAL,
			      "crs");
		tu_assert_contains(err.message, "EPSG:4534..EPSG:4554");
		tu_assert_contains(err.message, "gcj02");
	}
	ug_error_clear(&err);
	tu_assert_err(crs_parse(NULL, &c, &err), err, UG_EINVAL, "crs");
	tu_assert_err(crs_parse("EPSG:3857", &c, NULL), err, UG_EINVAL, "crs");
}

/* ---- gcj02 and bd09 ---------------------------------------------------- */

/* WGS84 points and what gcoord 1.0.7 gives for them (printed with 12
 * decimals): Tiananmen, the Bund, Guangzhou. */
static const struct {
	double lon, lat;
	double gcj_lon, gcj_lat;
	double bd_lon, bd_lat;
} known[] = {
	{ 116.397428, 39.90923, 116.403671625958, 39.910633506386,
	  116.410044101705, 39.916972856075 },
	{ 121.473701, 31.230416, 121.478224057393, 31.228473742247,
	  121.484782472390, 31.234326581388 },
	{ 113.264385, 23.129112, 113.269714582887, 23.126435336539,
	  113.276135767984, 23.132723116471 },
};

static void test_known_values(void **state)
{
	double lon, lat, shift;

	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		crs_wgs84_to_gcj02(known[i].lon, known[i].lat, &lon, &lat);
		assert_near(lon, known[i].gcj_lon, 1e-11);
		assert_near(lat, known[i].gcj_lat, 1e-11);
		shift = crs_distance_m(known[i].lon, known[i].lat, lon, lat);
		if (shift < 100.0 || shift > 700.0)
			fail_msg("gcj02 shift %.1f m at point %zu", shift, i);
		crs_wgs84_to_bd09(known[i].lon, known[i].lat, &lon, &lat);
		assert_near(lon, known[i].bd_lon, 1e-11);
		assert_near(lat, known[i].bd_lat, 1e-11);
		crs_gcj02_to_bd09(known[i].gcj_lon, known[i].gcj_lat, &lon,
				  &lat);
		assert_near(lon, known[i].bd_lon, 1e-11);
		assert_near(lat, known[i].bd_lat, 1e-11);
		/* And back, to the iteration's precision. */
		crs_gcj02_to_wgs84(known[i].gcj_lon, known[i].gcj_lat, &lon,
				   &lat);
		assert_near(lon, known[i].lon, 1e-9);
		assert_near(lat, known[i].lat, 1e-9);
		crs_bd09_to_wgs84(known[i].bd_lon, known[i].bd_lat, &lon, &lat);
		assert_near(lon, known[i].lon, 1e-9);
		assert_near(lat, known[i].lat, 1e-9);
	}
}

/* The worst round trip over n points of `there` then `back`, in metres
 * and degrees; the gcj02/bd09 shift seen on the way out stays in
 * [min_shift, max_shift] metres. */
struct trip {
	double max_m, max_deg, min_shift, max_shift;
};

static struct trip round_trip(void (*there)(double, double, double *,
					    double *),
			      void (*back)(double, double, double *, double *),
			      uint64_t seed, int n)
{
	struct trip t = { 0, 0, INFINITY, 0 };
	double lon, lat, x, y, lon2, lat2, d;

	for (int i = 0; i < n; i++) {
		rnd_china(&seed, &lon, &lat);
		there(lon, lat, &x, &y);
		back(x, y, &lon2, &lat2);
		d = crs_distance_m(lon, lat, lon2, lat2);
		t.max_m = fmax(t.max_m, d);
		t.max_deg = fmax(t.max_deg, fmax(fabs(lon2 - lon),
						 fabs(lat2 - lat)));
		d = crs_distance_m(lon, lat, x, y);
		t.min_shift = fmin(t.min_shift, d);
		t.max_shift = fmax(t.max_shift, d);
	}
	return t;
}

static void check_trip(const char *what, struct trip t)
{
	print_message("  %-16s max round trip %.3g m (%.3g deg); shift "
		      "%.0f..%.0f m\n", what, t.max_m, t.max_deg, t.min_shift,
		      t.max_shift);
	if (!(t.max_m < 0.01))
		fail_msg("%s: round trip off by %g m", what, t.max_m);
	/* The contract: inverses within 1e-9 degrees. */
	if (!(t.max_deg < 1e-9))
		fail_msg("%s: round trip off by %g degrees", what, t.max_deg);
}

static void test_round_trips(void **state)
{
	struct trip t;

	(void)state;
	t = round_trip(crs_wgs84_to_gcj02, crs_gcj02_to_wgs84, 1, 5000);
	check_trip("wgs84>gcj02>", t);
	/* The offset is real everywhere in the box, and of the known size. */
	assert_true(t.min_shift > 1.0 && t.max_shift < 1200.0);
	check_trip("gcj02>wgs84>",
		   round_trip(crs_gcj02_to_wgs84, crs_wgs84_to_gcj02, 2, 5000));
	t = round_trip(crs_gcj02_to_bd09, crs_bd09_to_gcj02, 3, 5000);
	check_trip("gcj02>bd09>", t);
	assert_true(t.min_shift > 500.0 && t.max_shift < 1500.0);
	check_trip("bd09>gcj02>",
		   round_trip(crs_bd09_to_gcj02, crs_gcj02_to_bd09, 4, 5000));
	check_trip("wgs84>bd09>",
		   round_trip(crs_wgs84_to_bd09, crs_bd09_to_wgs84, 5, 5000));
	check_trip("bd09>wgs84>",
		   round_trip(crs_bd09_to_wgs84, crs_wgs84_to_bd09, 6, 5000));
}

static void test_out_of_china(void **state)
{
	static const double outside[][2] = {
		{ 2.3522, 48.8566 },     /* Paris */
		{ -74.006, 40.7128 },    /* New York */
		{ 72.0039, 30.0 },       /* just west of the box */
		{ 137.8348, 40.0 },      /* just east */
		{ 100.0, 0.8292 },       /* just south */
		{ 100.0, 55.8272 },      /* just north */
		{ 0.0, 0.0 },
	};
	double lon, lat, blon, blat, lon2, lat2;

	(void)state;
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		double x = outside[i][0], y = outside[i][1];

		crs_wgs84_to_gcj02(x, y, &lon, &lat);
		assert_true(lon == x && lat == y);
		crs_gcj02_to_wgs84(x, y, &lon, &lat);
		assert_true(lon == x && lat == y);
		/* bd09 adds its offset everywhere (as gcoord does), and
		 * still inverts. */
		crs_wgs84_to_bd09(x, y, &blon, &blat);
		crs_gcj02_to_bd09(x, y, &lon, &lat);
		assert_true(blon == lon && blat == lat);
		assert_true(crs_distance_m(x, y, blon, blat) > 100.0);
		crs_bd09_to_wgs84(blon, blat, &lon2, &lat2);
		assert_near(lon2, x, 1e-9);
		assert_near(lat2, y, 1e-9);
	}
	/* The box's edges themselves are inside (both corners). */
	crs_wgs84_to_gcj02(72.004, 55.8271, &lon, &lat);
	assert_true(lon != 72.004 && lat != 55.8271);
	crs_wgs84_to_gcj02(137.8347, 0.8293, &lon, &lat);
	assert_true(lon != 137.8347 && lat != 0.8293);
}

/* The pure functions pass non-finite values through without looping or
 * crashing: checking is the transforms' job. */
static void test_pure_non_finite(void **state)
{
	double lon, lat;

	(void)state;
	crs_gcj02_to_wgs84(NAN, 30.0, &lon, &lat);
	assert_true(isnan(lon));
	crs_bd09_to_gcj02(116.0, INFINITY, &lon, &lat);
	assert_false(isfinite(lon) && isfinite(lat));
}

/* ---- transforms -------------------------------------------------------- */

static void test_transform_geographic(void **state)
{
	static const char *const names[] = { "wgs84", "gcj02", "bd09" };
	static void (*const to_wgs[])(double, double, double *, double *) = {
		NULL, crs_gcj02_to_wgs84, crs_bd09_to_wgs84,
	};
	static void (*const from_wgs[])(double, double, double *, double *) = {
		NULL, crs_wgs84_to_gcj02, crs_wgs84_to_bd09,
	};
	static const double bad[][2] = {
		{ NAN, 39.9 }, { 116.4, INFINITY }, { -INFINITY, 0 },
		{ 180.5, 39.9 }, { 116.4, -90.5 },
	};
	struct ug_error err;

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		struct crs_transform *t = transform_of(names[k]);
		double lon, lat, want_lon = 116.41, want_lat = 39.92;

		ug_error_clear(&err);
		tu_assert_ok(crs_to_wgs84(t, 116.41, 39.92, &lon, &lat, &err),
			     err);
		if (to_wgs[k])
			to_wgs[k](116.41, 39.92, &want_lon, &want_lat);
		assert_true(lon == want_lon && lat == want_lat);
		tu_assert_ok(crs_from_wgs84(t, 116.41, 39.92, &lon, &lat,
					    &err), err);
		want_lon = 116.41;
		want_lat = 39.92;
		if (from_wgs[k])
			from_wgs[k](116.41, 39.92, &want_lon, &want_lat);
		assert_true(lon == want_lon && lat == want_lat);
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			lon = lat = 7.0;
			ug_error_clear(&err);
			tu_assert_err(crs_to_wgs84(t, bad[i][0], bad[i][1],
						   &lon, &lat, &err),
				      err, UG_EINVAL, "coordinates");
			tu_assert_contains(err.message, names[k]);
			assert_true(lon == 7.0 && lat == 7.0);
			ug_error_clear(&err);
			tu_assert_err(crs_from_wgs84(t, bad[i][0], bad[i][1],
						     &lon, &lat, &err),
				      err, UG_EINVAL, "coordinates");
			tu_assert_contains(err.message, names[k]);
		}
		crs_transform_free(t);
	}
	crs_transform_free(NULL);
}

static void test_transform_bad_crs(void **state)
{
	struct crs bad[] = { { CRS_EPSG, 4533 }, { CRS_EPSG, 4326 },
			     { (enum crs_kind)42, 0 } };
	struct crs_transform *t = (void *)1;
	struct ug_error err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ug_error_clear(&err);
		tu_assert_err(crs_transform_new(&bad[i], &t, &err), err,
			      UG_EINVAL, "crs");
		assert_null(t);
	}
}

/* ---- Gauss-Krüger ------------------------------------------------------ */

/* Meridian arc from the equator to lat (degrees) on GRS80, by Simpson's
 * rule over the meridian's radius of curvature: shares nothing with
 * PROJ's series. */
static double meridian_arc(double lat)
{
	const double e2 = GRS80_F * (2.0 - GRS80_F);
	const int n = 20000;
	double h = lat * RAD / n, sum = 0;

	for (int i = 0; i <= n; i++) {
		double s = sin(i * h);
		double m = GRS80_A * (1.0 - e2) / pow(1.0 - e2 * s * s, 1.5);

		sum += m * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
	}
	return sum * h / 3.0;
}

/* Transverse Mercator (k0 = 1, false easting 500 km) by the textbook
 * series (Snyder, Map Projections, eqs. 8-9 and 8-10) to the A^4 terms:
 * for 0.1 degree off the central meridian the next terms are below a
 * micrometre. */
static void tm_series(double lon, double lat, double cm, double *x,
		      double *y)
{
	const double e2 = GRS80_F * (2.0 - GRS80_F), ep2 = e2 / (1.0 - e2);
	double p = lat * RAD, s = sin(p), c = cos(p);
	double n = GRS80_A / sqrt(1.0 - e2 * s * s);
	double t = tan(p) * tan(p), cc = ep2 * c * c;
	double a = (lon - cm) * RAD * c;

	*x = 500000.0 + n * (a + (1.0 - t + cc) * a * a * a / 6.0);
	*y = meridian_arc(lat) +
	     n * tan(p) * (a * a / 2.0 +
			   (5.0 - t + 9.0 * cc + 4.0 * cc * cc) * pow(a, 4) /
				   24.0);
}

static void test_gk_zone(void **state)
{
	struct crs_transform *t = transform_of("EPSG:4547");
	struct ug_error err;
	double x, y, lon, lat, sx, sy, x2, y2;

	(void)state;
	ug_error_clear(&err);
	/* Near Shenzhen, 0.1 degree east of the central meridian 114E. */
	tu_assert_ok(crs_from_wgs84(t, 114.1, 22.5, &x, &y, &err), err);
	tm_series(114.1, 22.5, 114.0, &sx, &sy);
	print_message("  EPSG:4547 114.1E 22.5N: PROJ %.4f %.4f, series "
		      "%.4f %.4f\n", x, y, sx, sy);
	assert_near(x, sx, 0.001);
	assert_near(y, sy, 0.001);
	assert_true(x > 510000.0 && x < 510400.0);
	tu_assert_ok(crs_to_wgs84(t, x, y, &lon, &lat, &err), err);
	assert_near(lon, 114.1, 1e-8);
	assert_near(lat, 22.5, 1e-8);
	/* West of the meridian mirrors east. */
	tu_assert_ok(crs_from_wgs84(t, 113.9, 22.5, &x2, &y2, &err), err);
	assert_near(x2 - 500000.0, -(x - 500000.0), 1e-6);
	assert_near(y2, y, 1e-6);
	/* On the central meridian: easting 500 km, northing the arc. */
	tu_assert_ok(crs_from_wgs84(t, 114.0, 22.5, &x, &y, &err), err);
	assert_near(x, 500000.0, 1e-6);
	assert_near(y, meridian_arc(22.5), 0.001);
	/* A survey-style point: easting/northing in, lon/lat out. */
	tu_assert_ok(crs_to_wgs84(t, 500000.0, 2500000.0, &lon, &lat, &err),
		     err);
	assert_near(lon, 114.0, 1e-9);
	assert_true(lat > 22.59 && lat < 22.61);
	crs_transform_free(t);
}

/* Every zone: its central meridian is 75 + 3 * (epsg - 4534). */
static void test_gk_all_zones(void **state)
{
	char name[16];
	struct ug_error err;

	(void)state;
	for (int epsg = 4534; epsg <= 4554; epsg++) {
		struct crs_transform *t;
		double cm = 75.0 + 3.0 * (epsg - 4534), x, y, lon, lat;

		snprintf(name, sizeof name, "EPSG:%d", epsg);
		t = transform_of(name);
		ug_error_clear(&err);
		tu_assert_ok(crs_from_wgs84(t, cm, 35.0, &x, &y, &err), err);
		assert_near(x, 500000.0, 1e-6);
		assert_near(y, meridian_arc(35.0), 0.001);
		tu_assert_ok(crs_from_wgs84(t, cm + 1.4, 35.0, &x, &y, &err),
			     err);
		tu_assert_ok(crs_to_wgs84(t, x, y, &lon, &lat, &err), err);
		assert_near(lon, cm + 1.4, 1e-9);
		assert_near(lat, 35.0, 1e-9);
		crs_transform_free(t);
	}
}

static void test_gk_errors(void **state)
{
	static const struct {
		double x, y;
		const char *says;
	} bad_in[] = {
		{ 38500000.0, 2500000.0, "EPSG:4547" }, /* zone prefix */
		{ 2500000.0, 500000.0, "central meridian" }, /* swapped */
		{ NAN, 2500000.0, "not finite" },
		{ 500000.0, -INFINITY, "not finite" },
	};
	struct crs_transform *t = transform_of("EPSG:4547");
	struct ug_error err;
	double x = 7, y = 7;

	(void)state;
	for (size_t i = 0; i < sizeof bad_in / sizeof bad_in[0]; i++) {
		ug_error_clear(&err);
		tu_assert_err(crs_to_wgs84(t, bad_in[i].x, bad_in[i].y, &x, &y,
					   &err), err, UG_EINVAL,
			      "coordinates");
		tu_assert_contains(err.message, "EPSG:4547");
		tu_assert_contains(err.message, bad_in[i].says);
		assert_true(x == 7 && y == 7);
	}
	/* 3.5 degrees from the meridian: another zone's point. */
	ug_error_clear(&err);
	tu_assert_err(crs_from_wgs84(t, 117.5, 30.0, &x, &y, &err), err,
		      UG_EINVAL, "coordinates");
	tu_assert_contains(err.message, "EPSG:4547");
	tu_assert_contains(err.message, "117.5");
	/* 2.9 degrees is still taken. */
	tu_assert_ok(crs_from_wgs84(t, 116.9, 30.0, &x, &y, &err), err);
	crs_transform_free(t);
}

/* One transform per thread, used at the same time. */
static void *gk_worker(void *arg)
{
	struct crs_transform *t = arg;
	uint64_t seed = (uint64_t)(uintptr_t)arg | 1;
	struct ug_error err;
	double lon, lat, x, y, lon2, lat2;

	for (int i = 0; i < 2000; i++) {
		lon = 112.6 + rnd(&seed) * 2.8;
		lat = 18.0 + rnd(&seed) * 30.0;
		if (crs_from_wgs84(t, lon, lat, &x, &y, &err) ||
		    crs_to_wgs84(t, x, y, &lon2, &lat2, &err) ||
		    fabs(lon2 - lon) > 1e-9 || fabs(lat2 - lat) > 1e-9)
			return (void *)1;
	}
	return NULL;
}

static void test_gk_threads(void **state)
{
	enum { N = 4 };
	struct crs_transform *t[N];
	pthread_t th[N];
	void *res;

	(void)state;
	for (int i = 0; i < N; i++)
		t[i] = transform_of("EPSG:4547");
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&th[i], NULL, gk_worker, t[i]),
				 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_join(th[i], &res), 0);
		assert_null(res);
		crs_transform_free(t[i]);
	}
}

/* ---- the local projection ---------------------------------------------- */

static void test_local_square(void **state)
{
	const double e2 = GRS80_F * (2.0 - GRS80_F);
	const double lon0 = 116.4, lat0 = 39.9, d = 0.001;
	const double sq[4][2] = {
		{ lon0, lat0 }, { lon0 + d, lat0 }, { lon0 + d, lat0 + d },
		{ lon0, lat0 + d },
	};
	struct crs_local *l;
	struct ug_error err;
	double x[4], y[4], area = 0, lon, lat;
	double mid = (lat0 + d / 2) * RAD, w = 1.0 - e2 * sin(mid) * sin(mid);
	double m = GRS80_A * (1.0 - e2) / pow(w, 1.5); /* meridian radius */
	double n = GRS80_A / sqrt(w);                  /* prime vertical */

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(crs_local_new(lon0, lat0, &l, &err), err);
	for (int i = 0; i < 4; i++) {
		tu_assert_ok(crs_local_forward(l, sq[i][0], sq[i][1], &x[i],
					       &y[i], &err), err);
		tu_assert_ok(crs_local_inverse(l, x[i], y[i], &lon, &lat,
					       &err), err);
		assert_near(lon, sq[i][0], 1e-10);
		assert_near(lat, sq[i][1], 1e-10);
	}
	/* The centre maps to the origin. */
	assert_near(x[0], 0, 1e-6);
	assert_near(y[0], 0, 1e-6);
	for (int i = 0; i < 4; i++)
		area += x[i] * y[(i + 1) % 4] - x[(i + 1) % 4] * y[i];
	area /= 2.0;
	print_message("  0.001 deg square at 39.9N: %.4f m x %.4f m, "
		      "%.4f m2\n", x[1] - x[0], y[3] - y[0], area);
	/* Sides: about 85.5 m east-west, 111.0 m north-south. */
	assert_near(y[3] - y[0], m * d * RAD, 0.001);
	assert_near(x[1] - x[0], n * cos(lat0 * RAD) * d * RAD, 0.002);
	/* Equal area: the ellipsoid's own area of the cell. */
	assert_near(area, m * n * cos(mid) * d * RAD * d * RAD, 1e-4 * area);
	crs_local_free(l);
}

/* City-sized neighbourhoods (+-0.5 degree) at the latitude where PROJ
 * 9.1's own laea inverse is worst (20N) and at Beijing: back within
 * 1e-10 degree. */
static void test_local_round_trip(void **state)
{
	static const double centres[][2] = { { 110.0, 20.0 },
					     { 116.4, 39.9 } };
	struct ug_error err;
	double worst = 0;

	(void)state;
	ug_error_clear(&err);
	for (size_t c = 0; c < 2; c++) {
		struct crs_local *l;
		uint64_t seed = 7 + c;

		tu_assert_ok(crs_local_new(centres[c][0], centres[c][1], &l,
					   &err), err);
		for (int i = 0; i < 2000; i++) {
			double lon = centres[c][0] + rnd(&seed) - 0.5;
			double lat = centres[c][1] + rnd(&seed) - 0.5;
			double x, y, lon2, lat2;

			tu_assert_ok(crs_local_forward(l, lon, lat, &x, &y,
						       &err), err);
			tu_assert_ok(crs_local_inverse(l, x, y, &lon2, &lat2,
						       &err), err);
			worst = fmax(worst, fmax(fabs(lon2 - lon),
						 fabs(lat2 - lat)));
		}
		crs_local_free(l);
	}
	print_message("  local projection round trip: max %.3g deg\n",
		      worst);
	assert_true(worst < 1e-10);
}

static void test_local_errors(void **state)
{
	static const double bad[][2] = {
		{ NAN, 39.9 }, { 116.4, 90.5 }, { 181.0, 0 }, { 0, -INFINITY },
	};
	struct crs_local *l = (void *)1;
	struct ug_error err;
	double x = 7, y = 7;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ug_error_clear(&err);
		tu_assert_err(crs_local_new(bad[i][0], bad[i][1], &l, &err),
			      err, UG_EINVAL, "coordinates");
		assert_null(l);
	}
	ug_error_clear(&err);
	tu_assert_ok(crs_local_new(116.4, 39.9, &l, &err), err);
	tu_assert_err(crs_local_forward(l, 116.4, NAN, &x, &y, &err), err,
		      UG_EINVAL, "coordinates");
	tu_assert_contains(err.message, "local projection at 116.4");
	tu_assert_err(crs_local_inverse(l, INFINITY, 0, &x, &y, &err), err,
		      UG_EINVAL, "coordinates");
	/* Beyond the sphere of the projection: PROJ refuses. */
	ug_error_clear(&err);
	tu_assert_err(crs_local_inverse(l, 2.0e7, 2.0e7, &x, &y, &err), err,
		      UG_EINVAL, "coordinates");
	tu_assert_contains(err.message, "(20000000, 20000000)");
	assert_true(x == 7 && y == 7);
	crs_local_free(l);
	crs_local_free(NULL);
}

/* ---- distance ---------------------------------------------------------- */

static void test_distance(void **state)
{
	(void)state;
	/* One degree of latitude on the 6,371,008.8 m sphere. */
	assert_near(crs_distance_m(116.4, 39.0, 116.4, 40.0),
		    6371008.8 * RAD, 1e-6);
	assert_near(crs_distance_m(116.4, 39.0, 116.4, 40.0), 111195.08, 0.01);
	assert_near(crs_distance_m(116.4, 39.9, 116.4, 39.9), 0, 0);
	/* A degree of longitude shrinks with cos(latitude). */
	assert_near(crs_distance_m(0, 60.0, 1.0, 60.0),
		    6371008.8 * RAD * 0.5, 1.0);
	/* Symmetric; antipodes are half the circumference. */
	assert_near(crs_distance_m(10, 20, 30, 40),
		    crs_distance_m(30, 40, 10, 20), 1e-9);
	assert_near(crs_distance_m(0, 0, 180, 0), 6371008.8 * PI, 1e-6);
	assert_near(crs_distance_m(10, 45, -170, -45), 6371008.8 * PI, 1e-3);
}

/* ---- shapes ------------------------------------------------------------ */

/* A closed 5-point square ring of side `side` at (x0, y0), as one
 * polygon (with one hole when `hole`). */
static void square_shape(struct shape *s, double x0, double y0, double side,
			 int hole)
{
	struct ug_error err;
	struct shape_polygon *p;
	double x[5] = { x0, x0 + side, x0 + side, x0, x0 };
	double y[5] = { y0, y0, y0 + side, y0 + side, y0 };
	double hx[5], hy[5];

	memset(s, 0, sizeof *s);
	ug_error_clear(&err);
	p = shape_add_polygon(s, hole ? 2 : 1);
	assert_non_null(p);
	tu_assert_ok(shape_ring_set(&p->rings[0], x, y, 5, &err), err);
	if (hole) {
		for (int i = 0; i < 5; i++) {
			hx[i] = x0 + side / 4 + (x[i] - x0) / 2;
			hy[i] = y0 + side / 4 + (y[i] - y0) / 2;
		}
		tu_assert_ok(shape_ring_set(&p->rings[1], hx, hy, 5, &err),
			     err);
	}
}

static void test_shape_to_wgs84(void **state)
{
	struct crs_transform *t = transform_of("gcj02");
	struct shape s, orig;
	struct ug_error err;
	double lon, lat;

	(void)state;
	square_shape(&s, 116.39, 39.90, 0.01, 1);
	square_shape(&orig, 116.39, 39.90, 0.01, 1);
	ug_error_clear(&err);
	tu_assert_ok(crs_shape_to_wgs84(t, &s, &err), err);
	assert_int_equal(s.npolygons, 1);
	assert_int_equal(s.polygons[0].nrings, 2);
	for (size_t r = 0; r < 2; r++) {
		for (size_t i = 0; i < 5; i++) {
			crs_gcj02_to_wgs84(orig.polygons[0].rings[r].x[i],
					   orig.polygons[0].rings[r].y[i],
					   &lon, &lat);
			assert_true(s.polygons[0].rings[r].x[i] == lon);
			assert_true(s.polygons[0].rings[r].y[i] == lat);
		}
	}
	shape_free(&s);
	crs_transform_free(t);

	/* A zone's shape; one bad point leaves the shape as it was. */
	t = transform_of("EPSG:4547");
	square_shape(&s, 500000.0, 2500000.0, 100.0, 1);
	tu_assert_ok(crs_shape_to_wgs84(t, &s, &err), err);
	assert_near(s.polygons[0].rings[0].x[0], 114.0, 1e-9);
	shape_free(&s);
	square_shape(&s, 500000.0, 2500000.0, 100.0, 1);
	s.polygons[0].rings[1].y[3] = NAN;
	ug_error_clear(&err);
	tu_assert_err(crs_shape_to_wgs84(t, &s, &err), err, UG_EINVAL,
		      "coordinates");
	tu_assert_contains(err.message, "polygon 0 ring 1 point 3: EPSG:4547");
	assert_true(s.polygons[0].rings[0].x[0] == 500000.0);
	assert_true(s.polygons[0].rings[1].x[0] == 500025.0);
	shape_free(&s);
	shape_free(&orig);
	crs_transform_free(t);
}

static void test_local_shapes(void **state)
{
	struct crs_local *l;
	struct shape s, proj = { 0 }, back = { 0 };
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(crs_local_new(116.4, 39.9, &l, &err), err);
	square_shape(&s, 116.39, 39.89, 0.02, 1);
	tu_assert_ok(crs_local_shape_forward(l, &s, &proj, &err), err);
	assert_int_equal(proj.polygons[0].nrings, 2);
	/* About 1.7 km east-west, 2.2 km north-south. */
	assert_true(proj.polygons[0].rings[0].x[1] -
			    proj.polygons[0].rings[0].x[0] > 1700.0);
	assert_true(proj.polygons[0].rings[0].y[2] -
			    proj.polygons[0].rings[0].y[1] > 2200.0);
	tu_assert_ok(crs_local_shape_inverse(l, &proj, &back, &err), err);
	for (size_t r = 0; r < 2; r++) {
		for (size_t i = 0; i < 5; i++) {
			assert_near(back.polygons[0].rings[r].x[i],
				    s.polygons[0].rings[r].x[i], 1e-10);
			assert_near(back.polygons[0].rings[r].y[i],
				    s.polygons[0].rings[r].y[i], 1e-10);
		}
	}
	shape_free(&proj);
	shape_free(&back);
	/* A bad point: *out stays zeroed, the message names the point. */
	s.polygons[0].rings[0].x[2] = 200.0;
	tu_assert_err(crs_local_shape_forward(l, &s, &proj, &err), err,
		      UG_EINVAL, "coordinates");
	tu_assert_contains(err.message, "polygon 0 ring 0 point 2:");
	tu_assert_contains(err.message, "longitude out of range");
	assert_null(proj.polygons);
	assert_int_equal(proj.npolygons, 0);
	shape_free(&s);
	crs_local_free(l);
}

/* Without PROJ's database a zone cannot be built: UG_EIO naming it.  The
 * variable is read when a context is created, so the transforms made by
 * the other tests are not affected. */
static void test_no_proj_data(void **state)
{
	struct crs c = crs_of("EPSG:4547");
	struct crs_transform *t = (void *)1;
	struct crs_local *l = (void *)1;
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	setenv("PROJ_DATA", "/nonexistent/proj", 1);
	setenv("PROJ_LIB", "/nonexistent/proj", 1);
	tu_assert_err(crs_transform_new(&c, &t, &err), err, UG_EIO, "crs");
	tu_assert_contains(err.message, "EPSG:4547: PROJ cannot build");
	assert_null(t);
	tu_assert_err(crs_local_new(116.4, 39.9, &l, &err), err, UG_EIO,
		      "crs");
	assert_null(l);
	/* The geographic systems need no PROJ at all. */
	c = crs_of("bd09");
	tu_assert_ok(crs_transform_new(&c, &t, &err), err);
	crs_transform_free(t);
}

/* The environment as it was, also when test_no_proj_data() fails
 * half-way. */
static char *saved_proj_env[2];
static const char *const proj_env[2] = { "PROJ_DATA", "PROJ_LIB" };

static int save_proj_data(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		const char *v = getenv(proj_env[i]);

		saved_proj_env[i] = v ? strdup(v) : NULL;
	}
	return 0;
}

static int restore_proj_data(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		if (saved_proj_env[i])
			setenv(proj_env[i], saved_proj_env[i], 1);
		else
			unsetenv(proj_env[i]);
		free(saved_proj_env[i]);
		saved_proj_env[i] = NULL;
	}
	return 0;
}

/* ---- out of memory ----------------------------------------------------- */

static void test_out_of_memory(void **state)
{
	struct crs c = crs_of("EPSG:4547");
	struct crs_transform *t = (void *)1;
	struct crs_local *l = (void *)1;
	struct ug_error err;
	struct shape s, out = { 0 };
	double x0, hy4;
	int rc = 0;

	(void)state;
	ug_error_clear(&err);
	fault_arm(FAULT_ALLOC, 1);
	tu_assert_err(crs_transform_new(&c, &t, &err), err, UG_ENOMEM, NULL);
	assert_null(t);
	fault_arm(FAULT_ALLOC, 1);
	tu_assert_err(crs_local_new(116.4, 39.9, &l, &err), err, UG_ENOMEM,
		      NULL);
	assert_null(l);
	fault_arm(FAULT_ALLOC, 0);

	/* Fail each allocation of a shape conversion in turn: the shape
	 * stays as it was, until one run gets through. */
	t = transform_of("gcj02");
	square_shape(&s, 116.39, 39.90, 0.01, 1);
	x0 = s.polygons[0].rings[0].x[0];
	hy4 = s.polygons[0].rings[1].y[4];
	for (int nth = 1; nth < 50; nth++) {
		ug_error_clear(&err);
		fault_arm(FAULT_ALLOC, nth);
		rc = crs_shape_to_wgs84(t, &s, &err);
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0)
			break;
		tu_assert_err(rc, err, UG_ENOMEM, NULL);
		assert_true(s.polygons[0].rings[0].x[0] == x0);
		assert_true(s.polygons[0].rings[1].y[4] == hy4);
	}
	assert_int_equal(rc, 0);
	assert_true(s.polygons[0].rings[0].x[0] != x0);
	crs_transform_free(t);

	ug_error_clear(&err);
	tu_assert_ok(crs_local_new(116.4, 39.9, &l, &err), err);
	fault_arm(FAULT_ALLOC, 1);
	rc = crs_local_shape_forward(l, &s, &out, &err);
	fault_arm(FAULT_ALLOC, 0);
	tu_assert_err(rc, err, UG_ENOMEM, NULL);
	assert_null(out.polygons);
	crs_local_free(l);
	shape_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_out_of_china),
		cmocka_unit_test(test_pure_non_finite),
		cmocka_unit_test(test_transform_geographic),
		cmocka_unit_test(test_transform_bad_crs),
		cmocka_unit_test(test_gk_zone),
		cmocka_unit_test(test_gk_all_zones),
		cmocka_unit_test(test_gk_errors),
		cmocka_unit_test(test_gk_threads),
		cmocka_unit_test(test_local_square),
		cmocka_unit_test(test_local_round_trip),
		cmocka_unit_test(test_local_errors),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_shape_to_wgs84),
		cmocka_unit_test(test_local_shapes),
		cmocka_unit_test_setup_teardown(test_no_proj_data,
						save_proj_data,
						restore_proj_data),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests_name("crs", tests, NULL, NULL);
}
