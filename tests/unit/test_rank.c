/*
 * test_rank.c - rankings and the scheme's versions on a database
 * (domain/assess/rank.h): a street whose grids' counters add up to the
 * worked example of docs/assessment.md scores 84.00 B; the previous
 * period; who sees which rows (the root, a street's inspector, another
 * street's, a department); bad kind, period and area; the scheme in force
 * at an instant, edits by the admin alone, never in the past nor before
 * the last version, each audited; a period scored by the version in
 * force at its end.
 */
#include "testutil.h"

#include "domain/assess/rank.h"
#include "domain/org/roles.h"

#define OFFSET (8 * 3600)

static void exec(struct db *db, const char *sql)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_exec(db, sql, &err), err);
}

/* A district with two streets; street A has 10 grids, B one; two
 * departments; an inspector in each street.  Street A's grids hold the
 * worked example's counters for November 2026 (split over two grids), B's
 * grid a little of October. */
static void city(struct db *db)
{
	exec(db,
	     "INSERT INTO division VALUES ('110101', '东城区', 'district', NULL, 0);"
	     "INSERT INTO division VALUES ('110101001', '东华门街道', 'street', '110101', 0);"
	     "INSERT INTO division VALUES ('110101002', '景山街道', 'street', '110101', 0);"
	     "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 10)"
	     " INSERT INTO grid (code, community, street, district, wkb, min_lon, min_lat,"
	     "  max_lon, max_lat, area_m2, points, source, rev, updated_at)"
	     " SELECT printf('110101001001%03d', i), '110101001001', '110101001', '110101',"
	     "  x'00', 0, 0, 0, 0, 1, 4, 'generate', 1, 0 FROM g;"
	     "INSERT INTO grid (code, community, street, district, wkb, min_lon, min_lat,"
	     " max_lon, max_lat, area_m2, points, source, rev, updated_at)"
	     " VALUES ('110101002001001', '110101002001', '110101002', '110101', x'00',"
	     " 0, 0, 0, 0, 1, 4, 'generate', 1, 0);"
	     "INSERT INTO department (code, name, kind, type, parent, created_at) VALUES"
	     " ('110101-HW', '环卫', 'professional', 'sanitation', NULL, 0),"
	     " ('110101-SZ', '市政', 'professional', 'municipal', NULL, 0);"
	     "INSERT INTO app_user (username, display_name, role, unit_kind, unit_code,"
	     " created_at) VALUES ('insp_a', 'A', 'inspector', 'division', '110101001', 0),"
	     " ('insp_b', 'B', 'inspector', 'division', '110101002', 0);"
	     /* 监督: 40 + 10 valid, 9 of 10 verified and 36 of 40 checked in
	      * time; 处置: 45 of 50 handled in time, 45 passed, 45 closed, 5
	      * reworked; 50 filed.  Places keep day rows only (schema
	      * 0024): grid 001's month in two days, 002's in one. */
	     "INSERT INTO assess_day (day, kind, code, events, valid_reported,"
	     " valid_public, verified, verified_on_time, checked, checked_on_time,"
	     " handled, handled_on_time, to_close, closed, rework, filed) VALUES"
	     " (20261102, 'place', '110101001001001', 1, 20, 5, 6, 5, 10, 9, 20, 18, 15, 15, 2, 20),"
	     " (20261130, 'place', '110101001001001', 1, 10, 0, 0, 0, 10, 9, 10, 9, 10, 10, 1, 10),"
	     " (20261115, 'place', '110101001001002', 1, 10, 5, 4, 4, 20, 18, 20, 18, 20, 20, 2, 20),"
	     " (20261031, 'place', '110101002001001', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);"
	     "INSERT INTO assess_month (month, kind, code, events, valid_reported,"
	     " valid_public, verified, verified_on_time, checked, checked_on_time,"
	     " handled, handled_on_time, to_close, closed, rework, filed) VALUES"
	     /* A department each: HW all in time, SZ half. */
	     " (202611, 'department', '110101-HW', 1, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 0, 0),"
	     " (202611, 'department', '110101-SZ', 1, 0, 0, 0, 0, 0, 0, 10, 5, 10, 10, 0, 0);");
	/* Their areas' month rows (their communities'), as the upkeep keeps
	 * them beside the place rows: the sums of the place rows above, by
	 * hand (schema 0025). */
	exec(db,
	     "INSERT INTO assess_month (month, kind, code, events, valid_reported,"
	     " valid_public, verified, verified_on_time, checked, checked_on_time,"
	     " handled, handled_on_time, to_close, closed, rework, filed) VALUES"
	     " (202611, 'area', '110101001001', 3, 40, 10, 10, 9, 40, 36, 50, 45, 45, 45, 5, 50),"
	     " (202610, 'area', '110101002001', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);");
}

static void user_of(struct user *u, const char *name, const char *role,
		    const char *kind, const char *unit)
{
	memset(u, 0, sizeof *u);
	snprintf(u->username, sizeof u->username, "%s", name);
	snprintf(u->role, sizeof u->role, "%s", role);
	snprintf(u->unit_kind, sizeof u->unit_kind, "%s", kind);
	snprintf(u->unit_code, sizeof u->unit_code, "%s", unit);
}

static void test_worked_example_ranked(void **state)
{
	struct tu_env *env = tu_env_new(1);
	struct assess_ranking r;
	struct ug_error err;
	struct actor root;
	struct user u;

	(void)state;
	city(env->db);
	actor_root(&u, "test", &root);
	ug_error_clear(&err);
	tu_assert_ok(assess_ranking(env->db, &root, OFFSET, "streets", "2026-11",
				    NULL, &r, &err), err);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ranked, 2);
	assert_string_equal(r.rows[0].code, "110101001");
	assert_string_equal(r.rows[0].name, "东华门街道");
	assert_int_equal(r.rows[0].grids, 10);
	assert_true(r.rows[0].r.scored);
	assert_true(r.rows[0].r.score > 83.999 && r.rows[0].r.score < 84.001);
	assert_int_equal(r.rows[0].r.grade, 'B');
	assert_int_equal(r.rows[0].rank, 1);
	assert_int_equal(r.rows[0].counts.n[AC_valid_reported], 40);
	/* October: nothing of A; B's one report was public half. */
	assert_false(r.rows[0].prev.scored);
	assert_int_equal(r.rows[0].prev_rank, 0);
	/* B has nothing in November: unranked, last. */
	assert_string_equal(r.rows[1].code, "110101002");
	assert_false(r.rows[1].r.scored);
	assert_int_equal(r.rows[1].rank, 0);
	assert_true(r.rows[1].prev.scored);
	assert_int_equal(r.rows[1].prev_rank, 1);
	assert_int_equal(r.scheme.version, 0);
	assert_string_equal(r.previous.text, "2026-10");
	assess_ranking_free(&r);
	/* A quarter sums both months; the grids of street A alone. */
	tu_assert_ok(assess_ranking(env->db, &root, OFFSET, "grids", "2026-Q4",
				    "110101001", &r, &err), err);
	assert_int_equal(r.n, 10);
	assert_string_equal(r.rows[0].code, "110101001001002");
	assess_ranking_free(&r);
	tu_env_free(env);
}

static void test_who_sees(void **state)
{
	struct tu_env *env = tu_env_new(1);
	struct assess_ranking r;
	struct ug_error err;
	struct actor a;
	struct user u;

	(void)state;
	city(env->db);
	ug_error_clear(&err);
	/* Street B's inspector: its street, its inspectors. */
	user_of(&u, "insp_b", "inspector", "division", "110101002");
	actor_of(&u, "", &a);
	tu_assert_ok(assess_ranking(env->db, &a, OFFSET, "streets", "2026-11",
				    NULL, &r, &err), err);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rows[0].code, "110101002");
	assess_ranking_free(&r);
	tu_assert_ok(assess_ranking(env->db, &a, OFFSET, "inspectors", "2026-11",
				    "", &r, &err), err);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rows[0].code, "insp_b");
	assess_ranking_free(&r);
	/* Street A, asked by B's inspector: as if it did not exist. */
	tu_assert_err(assess_ranking(env->db, &a, OFFSET, "grids", "2026-11",
				     "110101001", &r, &err),
		      err, UG_ENOTFOUND, "area");
	ug_error_clear(&err);
	tu_assert_err(assess_ranking(env->db, &a, OFFSET, "grids", "2026-11",
				     "110101999", &r, &err),
		      err, UG_ENOTFOUND, "area");
	/* A department: its own row, ranked among both. */
	user_of(&u, "hw", "handler", "department", "110101-SZ");
	actor_of(&u, "", &a);
	ug_error_clear(&err);
	tu_assert_ok(assess_ranking(env->db, &a, OFFSET, "departments",
				    "2026-11", NULL, &r, &err), err);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ranked, 2);
	assert_string_equal(r.rows[0].code, "110101-SZ");
	assert_int_equal(r.rows[0].rank, 2);
	assess_ranking_free(&r);
	tu_assert_ok(assess_ranking(env->db, &a, OFFSET, "grids", "2026-11",
				    NULL, &r, &err), err);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.ranked, 11);
	assess_ranking_free(&r);
	/* Bad input. */
	tu_assert_err(assess_ranking(env->db, &a, OFFSET, "wards", "2026-11",
				     NULL, &r, &err),
		      err, UG_EINVAL, "kind");
	ug_error_clear(&err);
	tu_assert_err(assess_ranking(env->db, &a, OFFSET, "grids", "2026-W54",
				     NULL, &r, &err),
		      err, UG_EINVAL, "period");
	ug_error_clear(&err);
	tu_assert_err(assess_ranking(env->db, &a, OFFSET, "grids", "2026-11",
				     "12", &r, &err),
		      err, UG_EINVAL, "area");
	tu_env_free(env);
}

static json_t *parse(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);

	assert_non_null(j);
	return j;
}

static void test_scheme_versions(void **state)
{
	struct tu_env *env = tu_env_new(1);
	struct assess_scheme s;
	struct ug_error err;
	struct actor root, a;
	struct user u, leader;
	struct period p;
	json_t *in;
	int64_t audits;

	(void)state;
	actor_root(&u, "test", &root);
	ug_error_clear(&err);
	tu_assert_ok(assess_scheme_at(env->db, 5000, &s, &err), err);
	assert_int_equal(s.version, 0);
	/* Not the leader's to change. */
	user_of(&leader, "leader", "leader", "division", "110101");
	actor_of(&leader, "", &a);
	in = parse("{\"bands\": {\"A\": 95, \"B\": 80, \"C\": 60, \"D\": 40},"
		   " \"effective\": \"1970-01-01T08:33:20+08:00\"}");
	tu_assert_err(assess_scheme_edit(env->db, &a, in, 1000, &s, &err), err,
		      UG_EFORBIDDEN, NULL);
	/* In the past (2000 s, at 3000): refused. */
	ug_error_clear(&err);
	tu_assert_err(assess_scheme_edit(env->db, &root, in, 3000, &s, &err),
		      err, UG_EINVAL, "effective");
	/* From 2000 s, at 1000: version 1. */
	ug_error_clear(&err);
	tu_assert_ok(assess_scheme_edit(env->db, &root, in, 1000, &s, &err), err);
	json_decref(in);
	assert_int_equal(s.version, 1);
	assert_int_equal(s.effective_at, 2000);
	tu_assert_ok(assess_scheme_at(env->db, 1999, &s, &err), err);
	assert_int_equal(s.version, 0);
	tu_assert_ok(assess_scheme_at(env->db, 2000, &s, &err), err);
	assert_int_equal(s.version, 1);
	assert_true(s.bands[0] == 95);
	/* Not before the last version's instant. */
	in = parse("{\"effective\": \"1970-01-01T08:25:00+08:00\"}");
	tu_assert_err(assess_scheme_edit(env->db, &root, in, 1000, &s, &err),
		      err, UG_EINVAL, "effective");
	json_decref(in);
	/* A bad change writes nothing. */
	in = parse("{\"bands\": {\"A\": 50, \"B\": 80, \"C\": 60, \"D\": 40}}");
	ug_error_clear(&err);
	tu_assert_err(assess_scheme_edit(env->db, &root, in, 3000, &s, &err),
		      err, UG_EINVAL, "bands.B");
	json_decref(in);
	/* Version 2 from now (3000): built on version 1. */
	in = parse("{\"volume\": {\"areas\": [[0, 100], [2, 50]]}}");
	ug_error_clear(&err);
	tu_assert_ok(assess_scheme_edit(env->db, &root, in, 3000, &s, &err), err);
	json_decref(in);
	assert_int_equal(s.version, 2);
	assert_true(s.bands[0] == 95);
	assert_int_equal(s.volume[AV_AREAS].n, 2);
	/* Each edit audited, none of the refused. */
	tu_assert_ok(db_query_int64(env->db,
				    "SELECT COUNT(*) FROM audit_event"
				    " WHERE action = 'assess.scheme'",
				    &audits, &err), err);
	assert_int_equal(audits, 2);
	/* A period's end: its last local second. */
	tu_assert_ok(period_parse("2026-11", &p, &err), err);
	assert_int_equal(assess_period_end(&p, OFFSET),
			 (period_day_number(20261201)) * 86400 - OFFSET - 1);
	tu_env_free(env);
}

/* A ranking is scored by the version in force at its period's end, the
 * previous period by its own. */
static void test_scored_by_version_at_end(void **state)
{
	struct tu_env *env = tu_env_new(1);
	struct assess_ranking r;
	struct ug_error err;
	struct actor root;
	struct user u;
	struct period nov;
	json_t *in;
	int64_t end;

	(void)state;
	city(env->db);
	actor_root(&u, "test", &root);
	ug_error_clear(&err);
	tu_assert_ok(period_parse("2026-11", &nov, &err), err);
	end = assess_period_end(&nov, OFFSET);
	/* Version 1, in force from November's last second: B from 85, so
	 * street A's 84.00 is a C. */
	in = parse("{\"bands\": {\"A\": 95, \"B\": 85, \"C\": 60, \"D\": 40}}");
	json_object_set_new(in, "effective", json_string("2026-11-30T23:59:59+08:00"));
	tu_assert_ok(assess_scheme_edit(env->db, &root, in, 0, NULL, &err), err);
	json_decref(in);
	tu_assert_ok(assess_ranking(env->db, &root, OFFSET, "streets", "2026-11",
				    NULL, &r, &err), err);
	assert_int_equal(r.scheme.version, 1);
	assert_int_equal(r.scheme.effective_at, end);
	assert_int_equal(r.rows[0].r.grade, 'C');
	/* October's row (street B) was scored by version 0. */
	assert_true(r.rows[1].prev.scored);
	assess_ranking_free(&r);
	/* A second later than the end: November keeps version 0. */
	in = parse("{}");
	json_object_set_new(in, "effective", json_string("2026-12-01T00:00:00+08:00"));
	tu_assert_ok(assess_scheme_edit(env->db, &root, in, 0, NULL, &err), err);
	json_decref(in);
	tu_assert_ok(assess_ranking(env->db, &root, OFFSET, "streets",
				    "2026-11-01..2026-11-30", NULL, &r, &err),
		     err);
	assert_int_equal(r.scheme.version, 1);
	assess_ranking_free(&r);
	tu_assert_ok(assess_ranking(env->db, &root, OFFSET, "streets", "2026-12",
				    NULL, &r, &err), err);
	assert_int_equal(r.scheme.version, 2);
	assess_ranking_free(&r);
	tu_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_example_ranked),
		cmocka_unit_test(test_who_sees),
		cmocka_unit_test(test_scheme_versions),
		cmocka_unit_test(test_scored_by_version_at_end),
	};

	return cmocka_run_group_tests_name("rank", tests, NULL, NULL);
}
