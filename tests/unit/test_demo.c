/*
 * test_demo.c - the demo's generators (src/tools/demo/): drawn photos
 * decode as PNGs and differ from one category's scene to the next;
 * descriptions vary and fill every placeholder; walks keep to walking
 * speed, a point every 30 s, near their waypoints.  Then a whole demo on
 * the synthetic divisions: beats and tracks through the patrol domain
 * (every grid its inspector, tracks inside the city at walking speed),
 * the demo mark, and the moving demo - new cases and steps through the
 * workflow by the demo's users, nothing on a database that is not a
 * demo one, nothing outside working hours unless asked.
 */
#include "testutil.h"

#include <cairo.h>
#include <math.h>

#include "domain/calendar/calendar.h"
#include "domain/cases/case.h"
#include "domain/patrol/patrol.h"
#include "domain/spatial/grids.h"
#include "domain/spatial/spatial.h"
#include "tools/demo/demo.h"
#include "tools/demo/demo_cases.h"
#include "tools/demo/demo_geo.h"
#include "tools/demo/demo_live.h"
#include "tools/demo/demo_patrol.h"
#include "tools/demo/demo_photo.h"
#include "tools/demo/demo_text.h"
#include "tu_png.h"

/* ---- photos ------------------------------------------------------------ */

/* Decode; the pixels (RGB24, W x H) into px. */
static void decode(const struct buf *png, uint32_t *px)
{
	cairo_surface_t *sf = tu_png_decode(png);
	int stride;
	unsigned char *data;

	assert_int_equal(cairo_surface_status(sf), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_width(sf), DEMO_PHOTO_W);
	assert_int_equal(cairo_image_surface_get_height(sf), DEMO_PHOTO_H);
	stride = cairo_image_surface_get_stride(sf);
	data = cairo_image_surface_get_data(sf);
	for (int y = 0; y < DEMO_PHOTO_H; y++)
		memcpy(px + y * DEMO_PHOTO_W, data + y * stride,
		       DEMO_PHOTO_W * 4);
	cairo_surface_destroy(sf);
}

/* Share of the pixels that differ between two pictures. */
static double differing(const uint32_t *a, const uint32_t *b)
{
	long n = 0;

	for (long i = 0; i < DEMO_PHOTO_W * DEMO_PHOTO_H; i++)
		n += (a[i] & 0xFFFFFF) != (b[i] & 0xFFFFFF);
	return (double)n / (DEMO_PHOTO_W * DEMO_PHOTO_H);
}

static void test_photos_decode_and_differ(void **state)
{
	size_t n = demo_photo_scene_count();
	uint32_t *px = calloc(n + 1, sizeof(uint32_t) * DEMO_PHOTO_W *
					    DEMO_PHOTO_H);
	const size_t stride = DEMO_PHOTO_W * DEMO_PHOTO_H;
	struct ug_error err;

	(void)state;
	assert_non_null(px);
	assert_true(n >= 12);
	for (size_t i = 0; i <= n; i++) {
		struct buf png = BUF_INIT;

		ug_error_clear(&err);
		/* The same seed: the street behind is the same, so what
		 * differs is the scene itself. i == n: the after-photo. */
		tu_assert_ok(demo_photo_png(i < n ? demo_photo_scene_name(i)
						  : "bin",
					    "2026120600001", i == n, 42, &png,
					    &err),
			     err);
		assert_true(png.len > 1000);
		decode(&png, px + i * stride);
		buf_free(&png);
	}
	/* Each scene's picture differs from every other's in a visible
	 * share of its area (not a pixel or two). */
	for (size_t i = 0; i <= n; i++)
		for (size_t j = i + 1; j <= n; j++) {
			double d = differing(px + i * stride, px + j * stride);

			if (d < 0.01)
				fail_msg("scenes %s and %s differ in %.3f of "
					 "the picture",
					 i < n ? demo_photo_scene_name(i) : "after",
					 j < n ? demo_photo_scene_name(j) : "after",
					 d);
		}
	free(px);
}

static void test_photo_label_and_seed_show(void **state)
{
	uint32_t *a = malloc(4 * DEMO_PHOTO_W * DEMO_PHOTO_H);
	uint32_t *b = malloc(4 * DEMO_PHOTO_W * DEMO_PHOTO_H);
	struct buf pa = BUF_INIT, pb = BUF_INIT, pc = BUF_INIT;
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(demo_photo_png("lamp", "2026120600001", 0, 7, &pa, &err),
		     err);
	tu_assert_ok(demo_photo_png("lamp", "2026120600002", 0, 7, &pb, &err),
		     err);
	tu_assert_ok(demo_photo_png("lamp", "2026120600001", 0, 8, &pc, &err),
		     err);
	decode(&pa, a);
	decode(&pb, b);
	/* Another case number: the band at the top alone differs. */
	assert_true(differing(a, b) > 0);
	assert_true(differing(a, b) < 0.05);
	for (int y = 40; y < DEMO_PHOTO_H; y++)
		for (int x = 0; x < DEMO_PHOTO_W; x++)
			assert_int_equal(a[y * DEMO_PHOTO_W + x],
					 b[y * DEMO_PHOTO_W + x]);
	/* Another seed: other colours. */
	decode(&pc, b);
	assert_true(differing(a, b) > 0.2);
	buf_free(&pa);
	buf_free(&pb);
	buf_free(&pc);
	free(a);
	free(b);
}

/* Every category of the mix draws a scene that exists. */
static void test_categories_have_scenes(void **state)
{
	int total = 0;

	(void)state;
	assert_true(demo_category_count() >= 15);
	for (size_t i = 0; i < demo_category_count(); i++) {
		const struct demo_category *c = demo_category_at(i);
		int found = 0;

		for (size_t j = 0; j < demo_photo_scene_count(); j++)
			found |= strcmp(demo_photo_scene_name(j), c->scene) == 0;
		if (!found)
			fail_msg("category %s: no scene %s", c->code, c->scene);
		assert_non_null(c->templates[0]);
		total += c->weight;
	}
	assert_int_equal(total, 1000);
	assert_null(demo_category_at(demo_category_count()));
}

/* ---- descriptions ----------------------------------------------------- */

static void test_descriptions_vary(void **state)
{
	enum { N = 400 };
	char **seen = calloc(N, sizeof *seen);
	int distinct = 0, per_category[64] = { 0 }, categories = 0;
	uint64_t s = 12345;
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	assert_non_null(seen);
	for (int i = 0; i < N; i++) {
		const struct demo_category *c = demo_category_pick(&s);
		const char *road = demo_road(&s);
		struct buf d = BUF_INIT, addr = BUF_INIT;
		int dup = 0;

		tu_assert_ok(demo_describe(c, road, "一号街道",
					   1765000000 + i * 977,
					   CALENDAR_UTC_OFFSET_CHINA, &s, &d),
			     err);
		tu_assert_ok(demo_address(road, &s, &addr), err);
		/* Every placeholder filled, the road named. */
		assert_null(strchr(buf_str(&d), '{'));
		assert_null(strchr(buf_str(&d), '}'));
		tu_assert_contains(buf_str(&d), road);
		tu_assert_contains(buf_str(&addr), road);
		tu_assert_contains(buf_str(&addr), "号");
		assert_true(d.len > 10 && d.len < 4000);
		for (int j = 0; j < distinct; j++)
			dup |= strcmp(seen[j], buf_str(&d)) == 0;
		if (!dup)
			seen[distinct++] = buf_detach(&d);
		buf_free(&d);
		buf_free(&addr);
		per_category[c - demo_category_at(0)]++;
	}
	for (size_t i = 0; i < demo_category_count(); i++)
		categories += per_category[i] > 0;
	/* Hardly two alike, and most categories drawn in 400. */
	assert_true(distinct >= N * 9 / 10);
	assert_true(categories >= 15);
	/* By weight: 暴露垃圾 (190 ‰) far more often than 井盖丢失 (10 ‰). */
	assert_true(per_category[0] > 4 * per_category[18]);
	for (int j = 0; j < distinct; j++)
		free(seen[j]);
	free(seen);
}

/* ---- walks ------------------------------------------------------------ */

static double metres(double lon1, double lat1, double lon2, double lat2)
{
	return geo_distance_m(lon1, lat1, lon2, lat2);
}

static void test_walk_at_walking_speed(void **state)
{
	/* A beat of 40 points on a 100 m lattice, snaking. */
	double way[40][2];
	size_t max = 9 * 3600 / DEMO_TRACK_STEP_S + 1, k;
	struct demo_track_point *p = malloc(max * sizeof *p);
	double walked = 0;
	uint64_t s = 99;

	(void)state;
	for (int i = 0; i < 40; i++) {
		int row = i / 8, col = row % 2 ? 7 - i % 8 : i % 8;

		way[i][0] = 116.40 + col * 0.00117; /* ~100 m */
		way[i][1] = 39.90 + row * 0.0009;
	}
	k = demo_walk((const double (*)[2])way, 40, 1765000000,
		      1765000000 + 9 * 3600, 1.3, &s, p, max);
	assert_true(k > 100);
	assert_true(k <= max);
	for (size_t i = 0; i < k; i++) {
		/* Within a few metres of the beat's box. */
		assert_true(p[i].lon > 116.40 - 0.0001 &&
			    p[i].lon < 116.40 + 7 * 0.00117 + 0.0001);
		assert_true(p[i].lat > 39.90 - 0.0001 &&
			    p[i].lat < 39.90 + 4 * 0.0009 + 0.0001);
		if (i == 0) {
			assert_int_equal(p[i].t, 1765000000);
			continue;
		}
		assert_int_equal(p[i].t - p[i - 1].t, DEMO_TRACK_STEP_S);
		double d = metres(p[i - 1].lon, p[i - 1].lat, p[i].lon,
				  p[i].lat);
		/* 1.3 m/s, plus the fix's wander of a few metres. */
		if (d / DEMO_TRACK_STEP_S > 1.3 + 8.5 / DEMO_TRACK_STEP_S)
			fail_msg("point %zu: %.1f m in %d s", i, d,
				 DEMO_TRACK_STEP_S);
		walked += d;
	}
	/* The beat is ~4 km long: walked to its end and back, all day. */
	assert_int_equal(k, max);
	assert_true(walked > 9 * 3600 * 0.6);
	for (int w = 0; w < 40; w++) {
		double nearest = 1e9;

		for (size_t i = 0; i < k; i++) {
			double d = metres(p[i].lon, p[i].lat, way[w][0],
					  way[w][1]);

			nearest = d < nearest ? d : nearest;
		}
		/* Every waypoint passed (a point every 39 m at 1.3 m/s). */
		assert_true(nearest < 25);
	}
	/* A walk with no waypoint is nothing. */
	assert_int_equal(demo_walk(NULL, 0, 0, 3600, 1.3, &s, p, max), 0);
	free(p);
}

/* ---- a whole demo on the synthetic divisions -------------------------- */

struct demo_fixture {
	struct tu_env *env;
	struct calendar *cal;
	struct spatial *sp;
	struct case_env cases;
	char files[400];
	int64_t now;
};

/* Monday 2026-11-16 15:00 +08:00: a working afternoon. */
#define DEMO_NOW (calendar_utc_from_local(CALENDAR_UTC_OFFSET_CHINA, 2026, \
					  11, 16, 15, 0, 0))

/* The demo's own geography cuts 东城区's 169 communities; the synthetic
 * divisions have six, so the box is cut here instead: ten rows of ten
 * cells, the rows given to the communities of streets 001 (rows 0-4),
 * 002 (5-7) and 003 (8-9). */
static void lattice(struct db *db, int64_t now)
{
	static const char *const rows[10] = {
		"110101001001", "110101001001", "110101001002",
		"110101001002", "110101001003", "110101002001",
		"110101002001", "110101002002", "110101003001",
		"110101003001",
	};
	const double dlon = (DEMO_MAX_LON - DEMO_MIN_LON) / 10;
	const double dlat = (DEMO_MAX_LAT - DEMO_MIN_LAT) / 10;
	struct grid_import_opts opts;
	struct grid_import_result res;
	struct buf gj = BUF_INIT;
	struct ug_error err;
	int serial = 0;

	ug_error_clear(&err);
	buf_puts(&gj, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (int r = 0; r < 10; r++) {
		if (r && strcmp(rows[r], rows[r - 1]) != 0)
			serial = 0;
		for (int c = 0; c < 10; c++) {
			double x0 = DEMO_MIN_LON + c * dlon;
			double y0 = DEMO_MIN_LAT + r * dlat;

			buf_printf(&gj,
				   "%s{\"type\":\"Feature\",\"properties\":"
				   "{\"code\":\"%s%03d\"},\"geometry\":{"
				   "\"type\":\"Polygon\",\"coordinates\":"
				   "[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],"
				   "[%.6f,%.6f],[%.6f,%.6f]]]}}",
				   r || c ? "," : "", rows[r], ++serial, x0, y0,
				   x0 + dlon, y0, x0 + dlon, y0 + dlat, x0,
				   y0 + dlat, x0, y0);
		}
	}
	buf_puts(&gj, "]}");
	memset(&opts, 0, sizeof opts);
	tu_assert_ok(grids_import_text(db, buf_str(&gj), gj.len, &opts, now,
				       &res, &err),
		     err);
	assert_int_equal(res.imported, 100);
	buf_free(&gj);
}

static int demo_setup(void **state)
{
	struct demo_fixture *f = calloc(1, sizeof *f);
	struct demo_result res;
	struct ug_error err;

	struct db_open_options opt = { .busy_timeout_ms = 5000,
				       .relaxed_sync = 1 };

	ug_error_clear(&err);
	f->env = tu_env_new(1);
	/* As `urbangrid demo` opens it: a made-up city needs no sync a
	 * commit (the suite's time is mostly fsync otherwise). */
	db_close(f->env->db);
	tu_assert_ok(db_open(f->env->db_path, &opt, &f->env->db, &err), err);
	f->now = DEMO_NOW;
	tu_path(f->files, sizeof f->files, f->env->dir, "files");
	tu_assert_ok(standards_load_defaults(f->env->db, f->now, NULL, &err),
		     err);
	tu_assert_ok(demo_build(f->env->db, TU_DIVISIONS, f->now, &res, &err),
		     err);
	lattice(f->env->db, f->now);
	tu_assert_ok(spatial_open(f->env->db, &f->sp, &err), err);
	f->cal = tu_calendar_plain();
	assert_non_null(f->cal);
	case_env_defaults(&f->cases, f->cal);
	f->cases.utc_offset = CALENDAR_UTC_OFFSET_CHINA;
	f->cases.spatial = f->sp;
	*state = f;
	return 0;
}

static int demo_teardown(void **state)
{
	struct demo_fixture *f = *state;

	spatial_free(f->sp);
	calendar_free(f->cal);
	tu_env_free(f->env);
	free(f);
	return 0;
}

struct coverage {
	size_t inspectors, assigned, visited;
	double distance;
};

static int take_figures(void *ctx, const struct patrol_figures *pf)
{
	struct coverage *c = ctx;

	c->inspectors++;
	c->assigned += pf->assigned;
	c->visited += pf->visited;
	c->distance += pf->distance_m;
	return 0;
}

static void test_demo_patrol_and_cases(void **state)
{
	struct demo_fixture *f = *state;
	struct db *db = f->env->db;
	struct demo_patrol_stats ps;
	struct demo_case_stats cs;
	struct patrol_day day;
	struct coverage cov = { 0, 0, 0, 0 };
	struct user leader;
	struct actor a;
	struct ug_error err;
	int64_t grids, points, fast;

	ug_error_clear(&err);
	tu_assert_ok(demo_cases(db, &f->cases, f->files, f->now, 1, 1, &cs,
				&err),
		     err);
	assert_true(cs.cases > 40);
	assert_true(cs.photos > 0);
	/* The descriptions of the month vary. */
	assert_true(tu_query_int(db, "SELECT COUNT(DISTINCT description) FROM "
				     "case_file") > cs.cases * 9 / 10);
	assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM attachment"),
			 cs.photos);
	tu_assert_ok(demo_patrol(db, &f->cases, f->now, 1, &ps, &err), err);
	grids = tu_query_int(db, "SELECT COUNT(*) FROM grid WHERE deleted = 0");
	/* Every grid its one responsible inspector. */
	assert_int_equal((int64_t)ps.beats, grids);
	assert_int_equal(tu_query_int(db, "SELECT COUNT(DISTINCT grid) FROM "
					  "patrol_beat"),
			 grids);
	assert_true(ps.points > 100);
	points = tu_query_int(db, "SELECT COUNT(*) FROM patrol_point");
	assert_int_equal(points, (int64_t)ps.points);
	/* Inside the city's box, at walking speed between points. */
	assert_int_equal(tu_query_int(db,
		"SELECT COUNT(*) FROM patrol_point WHERE lon < 116.33 OR "
		"lon > 116.50 OR lat < 39.81 OR lat > 40.02"), 0);
	fast = tu_query_int(db,
		"SELECT COUNT(*) FROM (SELECT lon, lat, t, "
		"LAG(lon) OVER w AS plon, LAG(lat) OVER w AS plat, "
		"LAG(t) OVER w AS pt FROM patrol_point "
		"WINDOW w AS (PARTITION BY inspector_id ORDER BY t)) "
		"WHERE pt IS NOT NULL AND "
		"((lon - plon) * 85300 * (lon - plon) * 85300 + "
		"(lat - plat) * 110540 * (lat - plat) * 110540) > "
		"((t - pt) * 1.9) * ((t - pt) * 1.9)");
	assert_int_equal(fast, 0);
	/* Coverage is computed from them, as for any day. */
	tu_assert_ok(store_user_by_name(db, "shift_leader", &leader, NULL, &err),
		     err);
	actor_of(&leader, "", &a);
	tu_assert_ok(patrol_day_parse(&f->cases, ps.day, f->now, "date", &day,
				      &err),
		     err);
	tu_assert_ok(patrol_coverage(db, &f->cases, &a, NULL, &day, f->now,
				     take_figures, &cov, &err),
		     err);
	assert_int_equal(cov.inspectors, ps.inspectors);
	assert_int_equal(cov.assigned, (size_t)grids);
	assert_true(cov.visited > 0 && cov.visited <= cov.assigned);
	assert_true(cov.distance > 1000);
}

static int64_t count_events(struct db *db)
{
	return tu_query_int(db, "SELECT COUNT(*) FROM case_event");
}

static void test_demo_live(void **state)
{
	struct demo_fixture *f = *state;
	struct db *db = f->env->db;
	struct demo_live_config cfg = { 150, 0, f->files, 7 };
	struct demo_live_stats st;
	struct demo_live *dl = NULL;
	struct ug_error err;
	int64_t cases, events, points, mono = 1000000;
	struct demo_patrol_stats ps;
	char since[24];
	/* Sunday 2026-11-15 11:00: no work by the plain calendar. */
	int64_t sunday = calendar_utc_from_local(CALENDAR_UTC_OFFSET_CHINA,
						 2026, 11, 15, 11, 0, 0);

	ug_error_clear(&err);
	/* Not a demo database until marked. */
	tu_assert_err(demo_live_new(db, &cfg, f->now, mono, &dl, &err), err,
		      UG_EFORBIDDEN, "db");
	assert_null(dl);
	tu_assert_contains(err.message, "not a demo database");
	tu_assert_ok(demo_mark(db, f->now, &err), err);
	tu_assert_ok(demo_check(db, &err), err);
	cfg.rate = 0;
	tu_assert_err(demo_live_new(db, &cfg, f->now, mono, &dl, &err), err,
		      UG_EINVAL, "demo-live-rate");
	cfg.rate = 150; /* a move every 400 ms, a tick's time */
	tu_assert_ok(demo_live_new(db, &cfg, f->now, mono, &dl, &err), err);
	/* The inspectors walk their beats (from an hour ago) live. */
	tu_assert_ok(demo_patrol(db, &f->cases, f->now - 3600, 1, &ps, &err),
		     err);
	points = tu_query_int(db, "SELECT COUNT(*) FROM patrol_point");
	cases = tu_query_int(db, "SELECT COUNT(*) FROM case_file");
	events = count_events(db);
	/* Nothing before its time, nothing on a Sunday. */
	tu_assert_ok(demo_live_tick(dl, db, &f->cases, f->now, mono, &err),
		     err);
	for (int i = 1; i <= 20; i++)
		tu_assert_ok(demo_live_tick(dl, db, &f->cases, sunday,
					    mono + i * 400000, &err),
			     err);
	assert_int_equal(count_events(db), events);
	/* A working afternoon: moves at the pace asked. */
	mono += 20 * 400000;
	for (int i = 1; i <= 150; i++)
		tu_assert_ok(demo_live_tick(dl, db, &f->cases, f->now + i,
					    mono + i * 400000, &err),
			     err);
	demo_live_get_stats(dl, &st);
	assert_int_equal(st.failures, 0);
	/* 60 s at 150 a minute, give or take the irregular pace (a move
	 * that finds nothing to do counts for neither). */
	assert_true(st.reports + st.actions > 90);
	assert_true(st.reports + st.actions <= 160);
	assert_true(st.reports > 0 && st.actions > 0);
	assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM case_file"),
			 cases + st.reports);
	assert_true(count_events(db) >= events + st.reports + st.actions);
	snprintf(since, sizeof since, "%lld", (long long)events);
	/* Taken by the demo's users, not by a root actor. */
	assert_int_equal(tu_query_int_s(db,
		"SELECT COUNT(*) FROM case_event WHERE id > ? AND actor IN "
		"('demo', 'system', 'cli', '')", since), 0);
	/* Steps all through the workflow. */
	assert_true(tu_query_int_s(db,
		"SELECT COUNT(DISTINCT action) FROM case_event WHERE id > ?",
		since) >= 6);
	/* Each inspector on shift posted a point every 30 s of the 150 s. */
	assert_true(st.points >= 3 * 4);
	assert_true(st.points <= 3 * 6);
	assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM patrol_point"),
			 points + st.points);
	assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM patrol_shift "
					  "WHERE ended_at IS NULL"),
			 3);
	/* Stopping ends their shifts. */
	demo_live_stop(dl, db, &f->cases, f->now + 151);
	assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM patrol_shift "
					  "WHERE ended_at IS NULL"),
			 0);
	/* With anytime, Sundays too. */
	demo_live_free(dl);
	cfg.anytime = 1;
	tu_assert_ok(demo_live_new(db, &cfg, sunday, mono, &dl, &err), err);
	events = count_events(db);
	for (int i = 1; i <= 10; i++)
		tu_assert_ok(demo_live_tick(dl, db, &f->cases, sunday + i,
					    mono + i * 400000, &err),
			     err);
	assert_true(count_events(db) > events);
	demo_live_free(dl);
	demo_live_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_photos_decode_and_differ),
		cmocka_unit_test(test_photo_label_and_seed_show),
		cmocka_unit_test(test_categories_have_scenes),
		cmocka_unit_test(test_descriptions_vary),
		cmocka_unit_test(test_walk_at_walking_speed),
		cmocka_unit_test_setup_teardown(test_demo_patrol_and_cases,
						demo_setup, demo_teardown),
		cmocka_unit_test_setup_teardown(test_demo_live, demo_setup,
						demo_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
