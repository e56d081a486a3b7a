/*
 * test_grids.c - unit grids (domain/spatial/grids.h), the components census
 * (domain/spatial/census.h) and the live spatial index (domain/spatial/spatial.h) on the
 * synthetic division fixture: code rules, import reports (bad features,
 * overlaps and gaps with their areas), --strict, replacement, generation
 * (cell count, slivers, numbering, areas), GeoJSON export, census rows
 * reported by line, and a running index catching up with writes.
 */
#include "testutil.h"

#include <math.h>

#include "domain/spatial/census.h"
#include "domain/spatial/grids.h"
#include "domain/org/org.h"
#include "domain/spatial/spatial.h"
#include "domain/cases/standards.h"
#include "geo/crs.h"
#include "store/org/org.h"

#define NOW 1795400000

struct fx {
	struct tu_env *t;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct division_import_stats st;
	struct ug_error err;

	assert_non_null(f);
	ug_error_clear(&err);
	f->t = tu_env_new(1);
	tu_assert_ok(standards_load_defaults(f->t->db, NOW, NULL, &err), err);
	tu_assert_ok(org_import_divisions(f->t->db, TU_DIVISIONS, "110101", NOW,
					  &st, &err),
		     err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_env_free(f->t);
	free(f);
	return 0;
}

/* ---- a tiny GeoJSON writer for the tests ------------------------------ */

/* A square of `side` metres (converted to degrees at 39.9 N) with its
 * south-west corner `dx`, `dy` metres east/north of 116.4 E 39.9 N. */
#define M_LON (1.0 / (111320.0 * 0.76717)) /* degrees per metre east */
#define M_LAT (1.0 / 110950.0)             /* degrees per metre north */

static void square_json(struct buf *b, double dx, double dy, double side)
{
	double x0 = 116.4 + dx * M_LON, y0 = 39.9 + dy * M_LAT;
	double x1 = x0 + side * M_LON, y1 = y0 + side * M_LAT;

	buf_printf(b,
		   "{\"type\":\"Polygon\",\"coordinates\":[[[%.10f,%.10f],"
		   "[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f]]]}",
		   x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
}

static void feature(struct buf *b, const char *code, double dx, double dy,
		    double side)
{
	buf_printf(b, "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\"},"
		      "\"geometry\":",
		   b->len > 40 ? "," : "", code);
	square_json(b, dx, dy, side);
	buf_puts(b, "}");
}

static void collection_begin(struct buf *b)
{
	buf_reset(b);
	buf_puts(b, "{\"type\":\"FeatureCollection\",\"features\":[");
}

/* Reports gathered by kind. */
struct reports {
	int feature, overlap, gap;
	double overlap_area, gap_area;
	char last[512];
};

static void collect(void *ctx, const struct grid_problem *p)
{
	struct reports *r = ctx;

	if (p->kind == GRID_PROBLEM_FEATURE)
		r->feature++;
	if (p->kind == GRID_PROBLEM_OVERLAP) {
		r->overlap++;
		r->overlap_area += p->area_m2;
	}
	if (p->kind == GRID_PROBLEM_GAP) {
		r->gap++;
		r->gap_area += p->area_m2;
	}
	snprintf(r->last, sizeof r->last, "%s", p->message);
}

static int64_t count(struct db *db, const char *sql)
{
	struct db_stmt *st;
	int64_t n = -1;

	if (db_prepare(db, sql, &st, NULL) == 0 && db_step(st, NULL) == DB_ROW)
		n = db_column_int64(st, 0);
	db_reset(st);
	return n;
}

/* ---- codes ------------------------------------------------------------ */

static void test_grid_code(void **state)
{
	struct ug_error err;
	char out[16];

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(grid_code_parse("110101001001001", NULL, "code", out,
				     &err),
		     err);
	assert_string_equal(out, "110101001001001");
	/* 14 digits (CJ/T 213): the 2-digit serial widens to 3. */
	tu_assert_ok(grid_code_parse("11010100100107", "", "code", out, &err),
		     err);
	assert_string_equal(out, "110101001001007");
	tu_assert_err(grid_code_parse("1101010010010", NULL, "code", out, &err),
		      err, UG_EINVAL, "code");
	tu_assert_contains(err.message, "15 digits");
	tu_assert_err(grid_code_parse("11010100100100x", NULL, "code", out,
				      &err),
		      err, UG_EINVAL, "code");
	tu_assert_err(grid_code_parse("990101001001001", NULL, "code", out,
				      &err),
		      err, UG_EINVAL, "code");
	tu_assert_err(grid_code_parse("110101001001000", NULL, "code", out,
				      &err),
		      err, UG_EINVAL, "code");
	tu_assert_err(grid_code_parse("110101001001001", "110101001002",
				      "code", out, &err),
		      err, UG_EINVAL, "community");
}

/* ---- import ----------------------------------------------------------- */

/* An import's start: options that collect the problems into *r, and
 * the GeoJSON collection begun in *b. */
static void import_begin(struct grid_import_opts *opts, struct reports *r,
			 struct ug_error *err, struct buf *b)
{
	ug_error_clear(err);
	memset(r, 0, sizeof *r);
	memset(opts, 0, sizeof *opts);
	opts->report = collect;
	opts->report_ctx = r;
	collection_begin(b);
}

static void test_import_report(void **state)
{
	struct fx *f = *state;
	struct grid_import_opts opts;
	struct grid_import_result res;
	struct reports r;
	struct ug_error err;
	struct buf b = BUF_INIT;

	import_begin(&opts, &r, &err, &b);
	/* Two 100 m squares side by side, a third overlapping the second
	 * by 10 m x 100 m, and a ring of four around a 20 m hole: */
	feature(&b, "110101001001001", 0, 0, 100);
	feature(&b, "110101001001002", 100, 0, 100);
	feature(&b, "11010100100103", 190, 0, 100); /* 14 digits */
	/* Bad ones: unknown community, a bow-tie, a missing code. */
	feature(&b, "110101001009001", 0, 500, 100);
	buf_puts(&b, ",{\"type\":\"Feature\",\"properties\":{\"code\":"
		     "\"110101001001009\"},\"geometry\":{\"type\":\"Polygon\","
		     "\"coordinates\":[[[116.41,39.91],[116.411,39.911],"
		     "[116.411,39.91],[116.41,39.911],[116.41,39.91]]]}}");
	buf_puts(&b, ",{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
		     "null}");
	buf_puts(&b, "]}");
	tu_assert_ok(grids_import_text(f->t->db, b.data, b.len, &opts, NOW,
				       &res, &err),
		     err);
	assert_int_equal(res.features, 6);
	assert_int_equal(res.imported, 3);
	assert_int_equal(res.skipped, 3);
	assert_int_equal(r.feature, 3);
	assert_int_equal(r.overlap, 1);
	/* 10 m x 100 m, within the projection's precision. */
	assert_true(fabs(r.overlap_area - 1000) < 5);
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid"), 3);
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid WHERE "
					 "code = '110101001001003'"),
			 1);
	/* Areas are true square metres (10,000 for a 100 m square). */
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid WHERE "
					 "abs(area_m2 - 10000) < 30"),
			 3);

	/* A gap: four squares around a hole in community 002. */
	memset(&r, 0, sizeof r);
	collection_begin(&b);
	feature(&b, "110101001002001", 1000, 0, 50);
	feature(&b, "110101001002002", 1050, 0, 50);
	feature(&b, "110101001002003", 1000, 70, 50);
	feature(&b, "110101001002004", 1050, 70, 50);
	/* the ring is closed by two bars west and east of the hole */
	feature(&b, "110101001002005", 1000, 50, 20);
	feature(&b, "110101001002006", 1080, 50, 20);
	buf_puts(&b, "]}");
	tu_assert_ok(grids_import_text(f->t->db, b.data, b.len, &opts, NOW,
				       &res, &err),
		     err);
	assert_int_equal(res.imported, 6);
	assert_int_equal(r.gap, 1);
	/* The hole: x 1020..1080, y 50..70 = 60 m x 20 m. */
	assert_true(fabs(r.gap_area - 1200) < 10);
	tu_assert_contains(r.last, "110101001002");
	buf_free(&b);
}

static void test_import_strict_and_replace(void **state)
{
	struct fx *f = *state;
	struct grid_import_opts opts;
	struct grid_import_result res;
	struct reports r;
	struct ug_error err;
	struct buf b = BUF_INIT;

	import_begin(&opts, &r, &err, &b);
	opts.strict = 1;
	feature(&b, "110101001001001", 0, 0, 100);
	feature(&b, "110101001001002", 50, 0, 100); /* overlaps */
	buf_puts(&b, "]}");
	tu_assert_err(grids_import_text(f->t->db, b.data, b.len, &opts, NOW,
					&res, &err),
		      err, UG_EINVAL, NULL);
	tu_assert_contains(err.message, "nothing imported");
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid"), 0);

	/* Without --strict both go in; then a re-import of one code
	 * replaces it (new shape, new revision). */
	opts.strict = 0;
	tu_assert_ok(grids_import_text(f->t->db, b.data, b.len, &opts, NOW,
				       &res, &err),
		     err);
	assert_int_equal(res.imported, 2);
	collection_begin(&b);
	feature(&b, "110101001001002", 100, 0, 100);
	buf_puts(&b, "]}");
	memset(&r, 0, sizeof r);
	tu_assert_ok(grids_import_text(f->t->db, b.data, b.len, &opts, NOW + 1,
				       &res, &err),
		     err);
	assert_int_equal(res.imported, 0);
	assert_int_equal(res.replaced, 1);
	assert_int_equal(r.overlap, 0); /* the old shape no longer counts */
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid"), 2);
	assert_int_equal(count(f->t->db, "SELECT value FROM spatial_rev"), 3);

	/* Not GeoJSON at all: an error, nothing written. */
	tu_assert_err(grids_import_text(f->t->db, "{\"type\":", 8, &opts, NOW,
					&res, &err),
		      err, UG_EINVAL, NULL);
	buf_free(&b);
}

/* ---- generation -------------------------------------------------------- */

/* What a cut said it made, and the grids standing after it. */
static void assert_cut(struct fx *f, const struct grid_generate_result *res,
		       int64_t replaced, int64_t merged, int64_t grids,
		       int64_t standing)
{
	assert_int_equal(res->replaced, replaced);
	assert_int_equal(res->merged, merged);
	assert_int_equal(res->grids, grids);
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid "
					 "WHERE deleted = 0"),
			 standing);
}

static void test_generate(void **state)
{
	struct fx *f = *state;
	struct grid_generate_opts opts;
	struct grid_generate_result res;
	struct ug_error err;
	struct buf b = BUF_INIT;

	ug_error_clear(&err);
	memset(&opts, 0, sizeof opts);
	/* A 210 m square: 4 full cells, four 10 m strips and a corner, all
	 * slivers (< 20 % of a cell) that merge into the full cells. */
	collection_begin(&b);
	buf_puts(&b, "{\"type\":\"Feature\",\"properties\":{},\"geometry\":");
	square_json(&b, 0, 0, 210);
	buf_puts(&b, "}]}");
	tu_assert_ok(grids_generate_text(f->t->db, b.data, b.len,
					 "110101001003", &opts, NOW, &res,
					 &err),
		     err);
	assert_int_equal(res.grids, 4);
	assert_int_equal(res.merged, 5);
	assert_true(fabs(res.area_m2 - 44100) < 150);
	/* Numbered 001-004, north-west first; areas add up. */
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid WHERE "
					 "community = '110101001003' AND "
					 "source = 'generate'"),
			 4);
	assert_int_equal(count(f->t->db,
			       "SELECT CAST(SUM(area_m2) AS INTEGER) / 100 "
			       "FROM grid WHERE community = '110101001003'"),
			 (int64_t)(res.area_m2 / 100));
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid a, grid b"
					 " WHERE a.code = '110101001003001' AND"
					 " b.code = '110101001003004' AND"
					 " a.max_lat > b.max_lat AND"
					 " a.min_lon < b.min_lon"),
			 1);
	/* The sliver rule: a 3 x 3 block of full cells takes the strips
	 * and the corner, the north-west cell none of them. */
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM grid WHERE "
					 "code = '110101001003001' AND "
					 "abs(area_m2 - 10000) < 50"),
			 1);
	/* Generating again replaces them all.  60 m cells leave 30 m strips
	 * and a 30 m corner (25 % of a cell): no slivers, 4 x 4 grids.  The
	 * check says so and writes nothing. */
	opts.cell_m = 60;
	opts.check_only = 1;
	{
		int64_t rev = count(f->t->db, "SELECT value FROM spatial_rev");

		tu_assert_ok(grids_generate_text(f->t->db, b.data, b.len,
						 "110101001003", &opts, NOW,
						 &res, &err),
			     err);
		assert_cut(f, &res, 4, 0, 16, 4);
		assert_int_equal(count(f->t->db,
				       "SELECT value FROM spatial_rev"),
				 rev);
	}
	opts.check_only = 0;
	opts.by = tu_actor("admin");
	tu_assert_ok(grids_generate_text(f->t->db, b.data, b.len,
					 "110101001003", &opts, NOW, &res,
					 &err),
		     err);
	/* Audited as the caller; the first, from the command line. */
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM audit_event "
					 "WHERE action = 'grids.generate' AND "
					 "subject = '110101001003' AND "
					 "actor = 'admin'"),
			 1);
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM audit_event "
					 "WHERE action = 'grids.generate'"),
			 2);
	assert_cut(f, &res, 4, 0, 16, 16);
	/* Refusals. */
	tu_assert_err(grids_generate_text(f->t->db, b.data, b.len,
					  "110101009009", &opts, NOW, &res,
					  &err),
		      err, UG_EINVAL, "community");
	tu_assert_err(grids_generate_text(f->t->db, "{}", 2, "110101001003",
					  &opts, NOW, &res, &err),
		      err, UG_EINVAL, NULL);
	opts.cell_m = 5;
	tu_assert_err(grids_generate_text(f->t->db, b.data, b.len,
					  "110101001003", &opts, NOW, &res,
					  &err),
		      err, UG_EINVAL, "cell");
	buf_free(&b);
}

/* ---- export ------------------------------------------------------------ */

static void test_export(void **state)
{
	struct fx *f = *state;
	struct grid_import_opts opts;
	struct grid_import_result res;
	struct ug_error err;
	struct buf b = BUF_INIT, out = BUF_INIT;
	int truncated;

	ug_error_clear(&err);
	memset(&opts, 0, sizeof opts);
	collection_begin(&b);
	for (int i = 0; i < 5; i++) {
		char code[16];

		snprintf(code, sizeof code, "110101001001%03d", i + 1);
		feature(&b, code, i * 100.0, 0, 100);
	}
	buf_puts(&b, "]}");
	tu_assert_ok(grids_import_text(f->t->db, b.data, b.len, &opts, NOW,
				       &res, &err),
		     err);
	tu_assert_ok(grids_geojson_bbox(f->t->db, 116.0, 39.0, 117.0, 40.0, 0,
					3, &out, &truncated, &err),
		     err);
	assert_int_equal(truncated, 1);
	tu_assert_contains(out.data, "\"truncated\":true");
	tu_assert_contains(out.data, "110101001001003");
	assert_null(strstr(out.data, "110101001001004"));
	buf_reset(&out);
	/* A box around the second grid only (and its neighbours' edges). */
	tu_assert_ok(grids_geojson_bbox(f->t->db, 116.4 + 120 * M_LON, 39.9,
					116.4 + 180 * M_LON, 39.9 + 10 * M_LAT,
					0, 100, &out, &truncated, &err),
		     err);
	assert_int_equal(truncated, 0);
	tu_assert_contains(out.data, "110101001001002");
	assert_null(strstr(out.data, "110101001001004"));
	tu_assert_err(grids_geojson_bbox(f->t->db, 117, 39, 116, 40, 0, 10,
					 &out, &truncated, &err),
		      err, UG_EINVAL, "bbox");
	buf_free(&b);
	buf_free(&out);
}

/* ---- census and the live index ------------------------------------------ */

static void census_report(void *ctx, long where, const char *message)
{
	struct reports *r = ctx;

	(void)where;
	r->feature++;
	snprintf(r->last, sizeof r->last, "%s", message);
}

static void test_census_and_index(void **state)
{
	struct fx *f = *state;
	struct grid_import_opts gopts;
	struct grid_import_result gres;
	struct census_opts opts;
	struct census_result res;
	struct spatial_place place;
	struct component_hit hits[8];
	struct spatial *sp = NULL;
	struct reports r;
	struct ug_error err;
	struct buf b = BUF_INIT;
	char path[512];
	double lon = 116.4 + 50 * M_LON, lat = 39.9 + 50 * M_LAT;

	ug_error_clear(&err);
	memset(&gopts, 0, sizeof gopts);
	memset(&opts, 0, sizeof opts);
	memset(&r, 0, sizeof r);
	opts.report = census_report;
	opts.report_ctx = &r;
	/* The index starts empty, the first grid arrives while it runs. */
	tu_assert_ok(spatial_open(f->t->db, &sp, &err), err);
	tu_assert_err(spatial_locate(sp, lon, lat, &place, &err), err,
		      UG_ENOTFOUND, NULL);
	collection_begin(&b);
	feature(&b, "110101001001001", 0, 0, 100);
	buf_puts(&b, "]}");
	tu_assert_ok(grids_import_text(f->t->db, b.data, b.len, &gopts, NOW,
				       &gres, &err),
		     err);
	tu_assert_ok(spatial_refresh(sp, f->t->db, 1, &err), err);
	tu_assert_ok(spatial_locate(sp, lon, lat, &place, &err), err);
	assert_string_equal(place.grid, "110101001001001");
	assert_string_equal(place.community, "110101001001");
	assert_string_equal(place.street, "110101001");
	assert_string_equal(place.district, "110101");

	/* A census: good rows in both identifier forms, bad rows named by
	 * line. */
	buf_reset(&b);
	buf_printf(&b,
		   "code,lon,lat,status,owner,installed_on\n"
		   "11010101001000001,%.9f,%.9f,完好,区水务局,2020-05-01\n"
		   "1101010105000002,%.9f,%.9f,damaged,,\n"
		   "11010101001000003,200,39.9,完好,,\n"
		   "11010109999000004,%.9f,%.9f,完好,,\n"
		   "11010101001000005,%.9f,%.9f,碎了,,\n"
		   "11010101001000006,%.9f,%.9f,完好,,2020-13-01\n"
		   "11010101001000001,%.9f,%.9f,完好,,\n"
		   "11010101001000007,116.5,39.95,完好,,\n",
		   lon, lat, lon + 10 * M_LON, lat, lon, lat, lon, lat, lon,
		   lat, lon, lat);
	tu_write_file(f->t->dir, "census.csv", b.data, b.len);
	tu_path(path, sizeof path, f->t->dir, "census.csv");
	tu_assert_ok(census_import_file(f->t->db, sp, path, &opts, NOW, &res,
					&err),
		     err);
	assert_int_equal(res.rows, 8);
	assert_int_equal(res.imported, 3);
	assert_int_equal(res.skipped, 5);
	assert_int_equal(res.outside, 1);
	assert_int_equal(r.feature, 5);
	tu_assert_contains(r.last, "line 8");
	assert_int_equal(count(f->t->db, "SELECT COUNT(*) FROM component "
					 "WHERE code = '11010101005000002' "
					 "AND status = '破损' AND grid = "
					 "'110101001001001'"),
			 1);
	/* The running index sees them after a refresh, nearest first. */
	tu_assert_ok(spatial_refresh(sp, f->t->db, 1, &err), err);
	assert_int_equal(spatial_components_near(sp, lon, lat, 50, 0, hits,
						 8),
			 2);
	assert_int_equal(hits[0].id, 11010101001000001LL);
	assert_true(hits[0].distance_m < 0.01);
	assert_true(fabs(hits[1].distance_m - 10) < 0.2);
	assert_int_equal(spatial_components_near(sp, lon, lat, 50, 1005, hits,
						 8),
			 1);

	/* Strict: one bad row and nothing is written. */
	opts.strict = 1;
	tu_assert_err(census_import_file(f->t->db, sp, path, &opts, NOW, &res,
					 &err),
		      err, UG_EINVAL, NULL);
	/* A missing required column is one clear error. */
	tu_write_file(f->t->dir, "nolat.csv", "code,lon\n1,2\n", 12);
	tu_path(path, sizeof path, f->t->dir, "nolat.csv");
	opts.strict = 0;
	tu_assert_err(census_import_file(f->t->db, sp, path, &opts, NOW, &res,
					 &err),
		      err, UG_EINVAL, "file");
	tu_assert_contains(err.message, "lat");
	spatial_free(sp);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_code),
		cmocka_unit_test_setup_teardown(test_import_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_import_strict_and_replace,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_census_and_index, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
