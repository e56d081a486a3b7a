/*
 * test_place.c - grids applied with the cases they place
 * (domain/cases/place.h): a case filed with a point before its grid is
 * placed by the import or the cut that makes the grid, in the same
 * transaction - when the placing fails, the grids are not written
 * either, and the index in memory never sees them.
 */
#include "testutil.h"
#include "tu_cases.h"

#include "domain/cases/place.h"
#include "lib/fault.h"

#define T0 1795338000 /* 2026-11-23 09:00 +08:00 */

enum who { RECEP, NWHO };

static const struct tu_person people[NWHO] = {
	[RECEP] = { "recep", "receptionist", "110101" },
};

/* One grid of community 110101001001, a 0.001 degree square at 116.41,
 * 39.91, and a point inside it. */
#define NEW_GRID "110101001001001"
#define IN_LON 116.4105
#define IN_LAT 39.9105

static const char one_grid[] =
	"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
	"\"Feature\",\"properties\":{\"code\":\"" NEW_GRID "\"},"
	"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.41,"
	"39.91],[116.411,39.91],[116.411,39.911],[116.41,39.911],"
	"[116.41,39.91]]]}}]}";

/* The community's boundary for a cut: 0.003 x 0.002 degrees (about 255
 * x 222 m) around the same point. */
static const char boundary[] =
	"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
	"\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
	"\"coordinates\":[[[116.409,39.909],[116.412,39.909],[116.412,"
	"39.911],[116.409,39.911],[116.409,39.909]]]}}]}";

static int setup(void **state)
{
	*state = tu_town_new(T0 - 86400, people, NWHO);
	return 0;
}

static int teardown(void **state)
{
	fault_arm(FAULT_DB_STEP, 0);
	tu_town_free(*state);
	return 0;
}

/* A case filed at (lon, lat) in community 110101001001 while no grid
 * holds the point: its area only, no grid. */
static void file_case(struct tu_town *f, double lon, double lat)
{
	tu_case_report_unplaced(f->t->db, &f->env, &f->a[RECEP],
				"110101001001", lon, lat, T0, f->c);
}

static struct case_grids_apply import_of(const char *text)
{
	struct case_grids_apply in;

	memset(&in, 0, sizeof in);
	in.kind = CASE_GRIDS_IMPORT;
	in.text = text;
	in.len = strlen(text);
	return in;
}

static struct case_grids_apply generate_of(const char *community)
{
	struct case_grids_apply in;

	memset(&in, 0, sizeof in);
	in.kind = CASE_GRIDS_GENERATE;
	in.text = boundary;
	in.len = strlen(boundary);
	in.community = community;
	in.generate.cell_m = 100;
	return in;
}

/* The grid the case of f->c has in the store now ("" for none), and its
 * `locate` events. */
static void stored_case(struct tu_town *f, const char *grid, int64_t events)
{
	char id[24];

	tu_assert_ok(store_case_get(f->t->db, f->c->id, f->d, &f->err),
		     f->err);
	assert_string_equal(f->d->grid, grid);
	snprintf(id, sizeof id, "%lld", (long long)f->c->id);
	assert_int_equal(
		tu_query_int_s(f->t->db,
			       "SELECT COUNT(*) FROM case_event WHERE case_id "
			       "= CAST(?1 AS INTEGER) AND action = 'locate'",
			       id),
		events);
}

#define LIVE_GRIDS(db)                                                    \
	tu_query_int((db), "SELECT COUNT(*) FROM grid WHERE deleted = 0")
#define AUDITED(db, action)                                               \
	tu_query_int_s((db), "SELECT COUNT(*) FROM audit_event WHERE "    \
			     "action = ?1", (action))

/* Every update of a case fails, as a full disk or a lost lock would:
 * the placing step's write. */
static void case_updates_fail(struct db *db)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_exec(db,
			     "CREATE TEMP TRIGGER place_fails BEFORE UPDATE "
			     "ON case_file BEGIN SELECT RAISE(ABORT, "
			     "'injected: the case cannot be written'); END",
			     &err),
		     err);
}

static void case_updates_work(struct db *db)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_exec(db, "DROP TRIGGER temp.place_fails", &err), err);
}

/* ---- applied: grids and cases together ------------------------------- */

/* A case filed at the point, and the index of a running server opened
 * before any grid held it (spatial_free() it). */
static struct spatial *pending_with_index(struct tu_town *f)
{
	struct spatial_place place;
	struct spatial *sp = NULL;

	file_case(f, IN_LON, IN_LAT);
	tu_assert_ok(spatial_open(f->t->db, &sp, &f->err), f->err);
	assert_int_equal(spatial_locate(sp, IN_LON, IN_LAT, &place, NULL),
			 -UG_ENOTFOUND);
	return sp;
}

static void test_import_places_pending_case(void **state)
{
	struct tu_town *f = *state;
	struct case_grids_apply in = import_of(one_grid);
	struct case_grids_result res;
	struct spatial *sp = pending_with_index(f);
	struct spatial_place place;

	tu_assert_ok(case_grids_apply(f->t->db, sp, &in, T0 + 60, &res,
				      &f->err),
		     f->err);
	assert_int_equal(res.import.imported, 1);
	assert_int_equal(res.placed, 1);
	assert_int_equal(res.cases.located, 1);
	assert_int_equal(res.cases.conflicts, 0);
	assert_int_equal(res.cases.outside, 0);
	assert_int_equal(LIVE_GRIDS(f->t->db), 1);
	assert_int_equal(AUDITED(f->t->db, "grids.import"), 1);
	stored_case(f, NEW_GRID, 1);
	assert_int_equal(db_depth(f->t->db), 0);
	/* The index followed the commit: in force for the next lookup. */
	tu_assert_ok(spatial_locate(sp, IN_LON, IN_LAT, &place, &f->err),
		     f->err);
	assert_string_equal(place.grid, NEW_GRID);
	spatial_free(sp);
}

static void test_generate_places_pending_case(void **state)
{
	struct tu_town *f = *state;
	struct case_grids_apply in = generate_of("110101001001");
	struct case_grids_result res;

	file_case(f, IN_LON, IN_LAT);
	tu_assert_ok(case_grids_apply(f->t->db, NULL, &in, T0 + 60, &res,
				      &f->err),
		     f->err);
	assert_true(res.generate.grids >= 4);
	assert_int_equal(res.placed, 1);
	assert_int_equal(res.cases.located, 1);
	assert_int_equal(LIVE_GRIDS(f->t->db), (int64_t)res.generate.grids);
	tu_assert_ok(store_case_get(f->t->db, f->c->id, f->d, &f->err),
		     f->err);
	assert_int_equal(strncmp(f->d->grid, "110101001001", 12), 0);
	assert_int_equal(strlen(f->d->grid), 15);
}

/* A grid outside the case's area: the case is left as it was, counted;
 * the grids are written. */
static void test_conflict_is_left_and_counted(void **state)
{
	struct tu_town *f = *state;
	struct case_grids_apply in = generate_of("110101001002");
	struct case_grids_result res;

	file_case(f, IN_LON, IN_LAT);
	tu_assert_ok(case_grids_apply(f->t->db, NULL, &in, T0 + 60, &res,
				      &f->err),
		     f->err);
	assert_int_equal(res.cases.located, 0);
	assert_int_equal(res.cases.conflicts, 1);
	assert_int_equal(LIVE_GRIDS(f->t->db), (int64_t)res.generate.grids);
	stored_case(f, "", 0);
}

static void test_check_places_nothing(void **state)
{
	struct tu_town *f = *state;
	struct case_grids_apply in = import_of(one_grid);
	struct case_grids_apply cut = generate_of("110101001001");
	struct case_grids_result res;

	file_case(f, IN_LON, IN_LAT);
	in.import.check_only = 1;
	tu_assert_ok(case_grids_apply(f->t->db, NULL, &in, T0 + 60, &res,
				      &f->err),
		     f->err);
	assert_int_equal(res.import.imported, 1);
	cut.generate.check_only = 1;
	tu_assert_ok(case_grids_apply(f->t->db, NULL, &cut, T0 + 60, &res,
				      &f->err),
		     f->err);
	assert_true(res.generate.grids >= 4);
	assert_int_equal(res.placed, 0);
	assert_int_equal(res.cases.located, 0);
	assert_int_equal(LIVE_GRIDS(f->t->db), 0);
	stored_case(f, "", 0);
}

/* ---- the placing fails: no grid either ------------------------------- */

static void test_import_rolled_back_with_placing(void **state)
{
	struct tu_town *f = *state;
	struct case_grids_apply in = import_of(one_grid);
	struct case_grids_result res;
	struct spatial *sp = pending_with_index(f);
	struct spatial_place place;

	case_updates_fail(f->t->db);
	tu_assert_err(case_grids_apply(f->t->db, sp, &in, T0 + 60, &res,
				       &f->err),
		      f->err, UG_EDB, NULL);
	tu_assert_contains(f->err.message, "injected");
	assert_int_equal(db_depth(f->t->db), 0);
	/* Nothing written, nothing reported written, nothing in memory. */
	assert_int_equal(LIVE_GRIDS(f->t->db), 0);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM grid"),
			 0);
	assert_int_equal(AUDITED(f->t->db, "grids.import"), 0);
	assert_int_equal(res.import.imported, 0);
	assert_int_equal(res.placed, 0);
	assert_int_equal(res.cases.located, 0);
	stored_case(f, "", 0);
	tu_assert_ok(spatial_refresh(sp, f->t->db, 1, &f->err), f->err);
	assert_int_equal(spatial_locate(sp, IN_LON, IN_LAT, &place, NULL),
			 -UG_ENOTFOUND);

	/* The same apply, the case writable again: both written. */
	case_updates_work(f->t->db);
	tu_assert_ok(case_grids_apply(f->t->db, sp, &in, T0 + 120, &res,
				      &f->err),
		     f->err);
	assert_int_equal(res.cases.located, 1);
	assert_int_equal(LIVE_GRIDS(f->t->db), 1);
	stored_case(f, NEW_GRID, 1);
	tu_assert_ok(spatial_locate(sp, IN_LON, IN_LAT, &place, &f->err),
		     f->err);
	spatial_free(sp);
}

/* A cut replaces the community's grids: when its placing fails, the
 * earlier grids stay as they were. */
static void test_generate_rolled_back_with_placing(void **state)
{
	struct tu_town *f = *state;
	struct case_grids_apply in = generate_of("110101001001");
	struct case_grids_result res;
	int64_t grids, rev;

	/* An earlier grid of the community, well east of the point. */
	static const char earlier[] =
		"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
		"\"Feature\",\"properties\":{\"code\":\"110101001001009\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.42,"
		"39.91],[116.421,39.91],[116.421,39.911],[116.42,39.911],"
		"[116.42,39.91]]]}}]}";
	struct case_grids_apply first = import_of(earlier);

	tu_assert_ok(case_grids_apply(f->t->db, NULL, &first, T0 - 60, &res,
				      &f->err),
		     f->err);
	file_case(f, IN_LON, IN_LAT);
	grids = tu_query_int(f->t->db, "SELECT COUNT(*) FROM grid");
	rev = tu_query_int(f->t->db, "SELECT MAX(rev) FROM grid");
	case_updates_fail(f->t->db);
	tu_assert_err(case_grids_apply(f->t->db, NULL, &in, T0 + 60, &res,
				       &f->err),
		      f->err, UG_EDB, NULL);
	assert_int_equal(db_depth(f->t->db), 0);
	assert_int_equal(res.generate.grids, 0);
	assert_int_equal(res.generate.replaced, 0);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM grid"),
			 grids);
	assert_int_equal(tu_query_int(f->t->db, "SELECT MAX(rev) FROM grid"),
			 rev);
	assert_int_equal(tu_query_int_s(f->t->db,
					"SELECT COUNT(*) FROM grid WHERE code "
					"= ?1 AND deleted = 0",
					"110101001001009"),
			 1);
	assert_int_equal(AUDITED(f->t->db, "grids.generate"), 0);
	stored_case(f, "", 0);
}

/* Fail every database step of an apply in turn: each failure leaves
 * neither grid nor placed case, whichever step it hit - those of the
 * placing included - until the apply runs whole and writes both. */
static void test_any_failed_step_writes_nothing(void **state)
{
	struct tu_town *f = *state;
	struct case_grids_apply in = import_of(one_grid);
	struct case_grids_result res;
	int failures = 0, in_placing = 0, rc = -1;

	file_case(f, IN_LON, IN_LAT);
	for (int nth = 1; nth <= 500; nth++) {
		int64_t placed_before;

		placed_before = tu_query_int(
			f->t->db, "SELECT COUNT(*) FROM grid");
		assert_int_equal(placed_before, 0);
		fault_arm(FAULT_DB_STEP, nth);
		rc = case_grids_apply(f->t->db, NULL, &in, T0 + 60, &res,
				      &f->err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		failures++;
		if (strstr(f->err.message, "case_"))
			in_placing++;
		assert_int_equal(db_depth(f->t->db), 0);
		assert_int_equal(
			tu_query_int(f->t->db, "SELECT COUNT(*) FROM grid"),
			0);
		assert_int_equal(AUDITED(f->t->db, "grids.import"), 0);
		assert_int_equal(res.cases.located, 0);
		stored_case(f, "", 0);
	}
	tu_assert_ok(rc, f->err);
	assert_true(failures > 5);
	assert_true(in_placing > 0); /* the placing's steps were hit too */
	assert_int_equal(res.cases.located, 1);
	assert_int_equal(LIVE_GRIDS(f->t->db), 1);
	stored_case(f, NEW_GRID, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_import_places_pending_case),
		T(test_generate_places_pending_case),
		T(test_conflict_is_left_and_counted),
		T(test_check_places_nothing),
		T(test_import_rolled_back_with_placing),
		T(test_generate_rolled_back_with_placing),
		T(test_any_failed_step_writes_nothing),
	};
#undef T
	return cmocka_run_group_tests(tests, tu_group_calendar,
				      tu_group_calendar_free);
}
