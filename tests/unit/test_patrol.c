/*
 * test_patrol.c - patrol (domain/patrol/patrol.h) on a fresh database with
 * the synthetic 甲区 (110101), two unit grids side by side in street
 * 110101001 and the live grid index over them: local days; beats (who may
 * assign, the effective instant, one inspector per grid, the history, no
 * change in the past, out-of-sight grids); shifts (one open, no overlap,
 * another's shift not there); the track's refusals, each naming its point
 * and writing nothing; a day's figures worked out by hand (distance,
 * time on shift, grids visited, points outside shifts); my day with its
 * counters; prune.  And idempotency keys' rules (domain/org/idem.h).
 */
#include "testutil.h"
#include "tu_cases.h"
#include "tu_grids.h"

#include <math.h>

#include "domain/cases/case.h"
#include "geo/crs.h"
#include "domain/org/idem.h"
#include "domain/patrol/patrol.h"

#define CN CALENDAR_UTC_OFFSET_CHINA
/* Monday 2026-11-16 00:00 +08:00. */
#define DAY0 (calendar_utc_from_local(CN, 2026, 11, 16, 0, 0, 0))
#define NOW (DAY0 + 10 * 3600) /* 10:00 local */


enum who { INSP1, INSP2, INSPB, SHIFT, SHIFTB, LEADER, ADMIN, RECEP, NWHO };

static const struct tu_person people[NWHO] = {
	[INSP1] = { "insp1", "inspector", "110101001" },
	[INSP2] = { "insp2", "inspector", "110101001" },
	[INSPB] = { "inspb", "inspector", "110101002" },
	[SHIFT] = { "shift", "shift_leader", "110101" },
	[SHIFTB] = { "shiftb", "shift_leader", "110101002" },
	[LEADER] = { "leader", "leader", "110101" },
	[ADMIN] = { "admin", "admin", "110101" },
	[RECEP] = { "recep", "receptionist", "110101" },
};

static int setup(void **state)
{
	struct tu_town *f = tu_town_new(DAY0 - 30 * 86400, people, NWHO);

	f->env.utc_offset = CN;
	tu_grids_pair(f->t->db, DAY0 - 86400, &f->env.spatial);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	tu_town_free(*state);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static struct patrol_day day_of(struct tu_town *f, const char *text)
{
	struct patrol_day d;

	ug_error_clear(&f->err);
	tu_assert_ok(patrol_day_parse(&f->env, text, NOW, "date", &d, &f->err),
		     f->err);
	return d;
}

static int assign(struct tu_town *f, enum who by, enum who to, const char *grid,
		  const char *from, int64_t now)
{
	struct patrol_day d = day_of(f, from);
	const char *grids[] = { grid };

	ug_error_clear(&f->err);
	return patrol_beats_assign(f->t->db, &f->env, &f->a[by], f->u[to].id,
				   grids, 1, &d, now, NULL, NULL, &f->err);
}

static const char *holder(struct tu_town *f, const char *grid, int64_t at)
{
	static char name[USERNAME_MAX + 1];

	assert_true(store_beat_holder(f->t->db, grid, at, name, &f->err) >= 0);
	return name;
}

static int track(struct tu_town *f, enum who who, struct patrol_point_in *p,
		 size_t n, int gcj02)
{
	size_t accepted;
	int rc;

	ug_error_clear(&f->err);
	rc = patrol_track_add(f->t->db, &f->env, &f->a[who], gcj02, p, n, NOW,
			      &accepted, &f->err);
	if (rc == 0)
		assert_int_equal(accepted, n);
	return rc;
}

static int64_t points(struct tu_town *f)
{
	return tu_query_int(f->t->db, "SELECT COUNT(*) FROM patrol_point");
}

/* ---- days --------------------------------------------------------------- */

static void test_days(void **state)
{
	struct tu_town *f = *state;
	struct patrol_day d = day_of(f, NULL);
	static const char *const bad[] = { "2026-2-01", "2026-02-30",
					   "20261116", "2026-11-16x",
					   "2026/11/16", "1969-12-31", "" };

	assert_string_equal(d.text, "2026-11-16");
	assert_int_equal(d.ymd, 20261116);
	assert_int_equal(d.start, DAY0);
	assert_int_equal(d.end, DAY0 + 86400);
	d = day_of(f, "2026-12-31");
	assert_int_equal(d.start, calendar_utc_from_local(CN, 2026, 12, 31, 0,
							  0, 0));
	for (size_t i = 0; i + 1 < sizeof bad / sizeof *bad; i++) {
		ug_error_clear(&f->err);
		tu_assert_err(patrol_day_parse(&f->env, bad[i], NOW, "from", &d,
					       &f->err),
			      f->err, UG_EINVAL, "from");
	}
}

/* ---- beats -------------------------------------------------------------- */

static void test_beats(void **state)
{
	struct tu_town *f = *state;
	int64_t tomorrow = DAY0 + 86400;

	/* Today: in force from now, not from midnight. */
	tu_assert_ok(assign(f, SHIFT, INSP1, GRID1, NULL, NOW), f->err);
	assert_string_equal(holder(f, GRID1, NOW - 1), "");
	assert_string_equal(holder(f, GRID1, NOW), "insp1");
	/* From tomorrow, another: the first ends at midnight. */
	tu_assert_ok(assign(f, ADMIN, INSP2, GRID1, "2026-11-17", NOW + 60),
		     f->err);
	assert_string_equal(holder(f, GRID1, tomorrow - 1), "insp1");
	assert_string_equal(holder(f, GRID1, tomorrow), "insp2");
	tu_assert_rows(f->t->db, "patrol_beat", 2);
	/* Replaced again from tomorrow before it began: insp2's goes. */
	tu_assert_ok(assign(f, SHIFT, INSP1, GRID1, "2026-11-17", NOW + 120),
		     f->err);
	assert_string_equal(holder(f, GRID1, tomorrow), "insp1");
	tu_assert_rows(f->t->db, "patrol_beat", 2);
	/* Refused, writing nothing. */
	tu_assert_err(assign(f, SHIFT, INSP1, GRID2, "2026-11-15", NOW),
		      f->err, UG_EINVAL, "from");
	tu_assert_err(assign(f, SHIFT, INSPB, GRID2, NULL, NOW), f->err,
		      UG_EINVAL, "inspector");
	tu_assert_err(assign(f, SHIFT, RECEP, GRID2, NULL, NOW), f->err,
		      UG_EINVAL, "inspector");
	tu_assert_err(assign(f, SHIFTB, INSP1, GRID2, NULL, NOW), f->err,
		      UG_ENOTFOUND, "grids[0]");
	tu_assert_err(assign(f, LEADER, INSP1, GRID2, NULL, NOW), f->err,
		      UG_EFORBIDDEN, NULL);
	tu_assert_err(assign(f, SHIFT, INSP1, "110101001001003", NULL, NOW),
		      f->err, UG_EINVAL, "grids[0]");
	tu_assert_err(assign(f, SHIFT, INSP1, "110101001", NULL, NOW), f->err,
		      UG_EINVAL, "grids[0]");
	tu_assert_rows(f->t->db, "patrol_beat", 2);
	/* Ended from tomorrow: nobody's then. */
	{
		struct patrol_day d = day_of(f, "2026-11-17");

		tu_assert_ok(patrol_beat_end(f->t->db, &f->env, &f->a[SHIFT],
					     GRID1, &d, NOW + 180, &f->err),
			     f->err);
		assert_string_equal(holder(f, GRID1, tomorrow), "");
		assert_string_equal(holder(f, GRID1, tomorrow - 1), "insp1");
		tu_assert_err(patrol_beat_end(f->t->db, &f->env, &f->a[SHIFT],
					      GRID1, &d, NOW + 180, &f->err),
			      f->err, UG_ENOTFOUND, "grid");
	}
}

static int count_beat(void *ctx, const struct beat_row *b)
{
	(void)b;
	++*(int *)ctx;
	return 0;
}

static void test_beats_sight(void **state)
{
	struct tu_town *f = *state;
	struct patrol_day d = day_of(f, NULL);
	int n;

	tu_assert_ok(assign(f, SHIFT, INSP1, GRID1, NULL, NOW), f->err);
	tu_assert_ok(assign(f, SHIFT, INSP2, GRID2, NULL, NOW), f->err);
#define LIST(who, area, insp)                                               \
	(n = 0, ug_error_clear(&f->err),                                     \
	 patrol_beats_list(f->t->db, &f->env, &f->a[who], area, insp, &d,    \
			   count_beat, &n, &f->err))
	tu_assert_ok(LIST(LEADER, NULL, 0), f->err);
	assert_int_equal(n, 2);
	tu_assert_ok(LIST(INSP1, NULL, 0), f->err); /* its own */
	assert_int_equal(n, 1);
	tu_assert_err(LIST(INSP1, NULL, f->u[INSP2].id), f->err, UG_ENOTFOUND,
		      "inspector");
	tu_assert_ok(LIST(SHIFTB, NULL, 0), f->err); /* street 2: none */
	assert_int_equal(n, 0);
	tu_assert_err(LIST(SHIFTB, "110101001", 0), f->err, UG_ENOTFOUND,
		      "area");
	tu_assert_ok(LIST(ADMIN, GRID2, 0), f->err);
	assert_int_equal(n, 1);
	tu_assert_err(LIST(RECEP, NULL, 0), f->err, UG_EFORBIDDEN, NULL);
	tu_assert_err(LIST(LEADER, "1101x", 0), f->err, UG_EINVAL, "area");
#undef LIST
}

/* ---- shifts ------------------------------------------------------------- */

static void test_shifts(void **state)
{
	struct tu_town *f = *state;
	struct shift_row s, t;

#define START(who, at) (ug_error_clear(&f->err), \
	patrol_shift_start(f->t->db, &f->a[who], at, NOW, &s, &f->err))
#define END(who, id, at) (ug_error_clear(&f->err), \
	patrol_shift_end(f->t->db, &f->a[who], id, at, NOW, &t, &f->err))
	tu_assert_err(START(INSP1, NOW + 600), f->err, UG_EINVAL, "at");
	tu_assert_err(START(INSP1, NOW - 8 * 86400), f->err, UG_EINVAL, "at");
	tu_assert_err(START(SHIFT, 0), f->err, UG_EFORBIDDEN, NULL);
	tu_assert_ok(START(INSP1, NOW - 3600), f->err);
	assert_int_equal(s.started_at, NOW - 3600);
	tu_assert_err(START(INSP1, 0), f->err, UG_ECONFLICT, "shift");
	tu_assert_err(END(INSP2, s.id, 0), f->err, UG_ENOTFOUND, "id");
	tu_assert_err(END(INSP1, s.id, NOW - 7200), f->err, UG_EINVAL, "at");
	tu_assert_ok(END(INSP1, s.id, NOW - 1800), f->err);
	assert_int_equal(t.ended_at, NOW - 1800);
	tu_assert_err(END(INSP1, s.id, 0), f->err, UG_ECONFLICT, "shift");
	tu_assert_err(START(INSP1, NOW - 2000), f->err, UG_EINVAL, "at");
	tu_assert_ok(START(INSP1, NOW - 1800), f->err);
#undef START
#undef END
}

/* ---- the track ---------------------------------------------------------- */

static void test_track_refusals(void **state)
{
	struct tu_town *f = *state;
	struct patrol_point_in ok = { 116.4105, 39.9105, NOW - 600, 5 };
	struct patrol_point_in p[3];

#define BAD(who, n, field)                                                 \
	do {                                                               \
		tu_assert_err(track(f, who, p, n, 0), f->err, UG_EINVAL,   \
			      field);                                      \
		assert_int_equal(points(f), 0);                            \
	} while (0)
	p[0] = ok, p[1] = ok;
	p[1].t = NOW + 121;
	BAD(INSP1, 2, "points[1].t");
	p[1].t = NOW - 7 * 86400 - 1;
	BAD(INSP1, 2, "points[1].t");
	p[1] = ok, p[1].t += 30, p[1].lon = 0, p[1].lat = 0;
	BAD(INSP1, 2, "points[1].lon");
	p[1].lon = 116.5; /* 7.6 km east: outside the city's 2 km */
	p[1].lat = 39.9105;
	BAD(INSP1, 2, "points[1].lon");
	p[1] = ok, p[1].t += 30, p[1].lon = 181;
	BAD(INSP1, 2, "points[1].lon");
	p[1].lon = ok.lon, p[1].lat = -91;
	BAD(INSP1, 2, "points[1].lat");
	p[1].lat = ok.lat, p[1].accuracy = 20000;
	BAD(INSP1, 2, "points[1].accuracy");
	/* A jump: 170 m in 2 s.  Sent in reverse: the field names the
	 * point as sent. */
	p[0] = ok, p[0].t += 2, p[0].lon += 0.002;
	p[1] = ok;
	BAD(INSP1, 2, "points[0].t");
	/* Two places at the same second. */
	p[0] = ok, p[1] = ok, p[1].lon += 0.0002;
	BAD(INSP1, 2, "points[1].t");
	BAD(INSP1, 0, "points");
	tu_assert_err(track(f, SHIFT, p, 1, 0), f->err, UG_EFORBIDDEN, NULL);
	/* The stored point before: ok stored, then 1.7 km in 10 s. */
	p[0] = ok;
	tu_assert_ok(track(f, INSP1, p, 1, 0), f->err);
	p[0].t += 10, p[0].lon += 0.02;
	tu_assert_err(track(f, INSP1, p, 1, 0), f->err, UG_EINVAL,
		      "points[0].t");
	/* Another inspector's point is not its neighbour. */
	tu_assert_ok(track(f, INSP2, p, 1, 0), f->err);
	/* The same point again: stored once. */
	p[0] = ok;
	tu_assert_ok(track(f, INSP1, p, 1, 0), f->err);
	assert_int_equal(points(f), 2);
#undef BAD
}

static void test_track_gcj02(void **state)
{
	struct tu_town *f = *state;
	double glon, glat;
	struct patrol_point_in p = { 0, 0, NOW - 60, -1 };

	crs_wgs84_to_gcj02(116.4105, 39.9105, &glon, &glat);
	p.lon = glon, p.lat = glat;
	tu_assert_ok(track(f, INSP1, &p, 1, 1), f->err);
	assert_true(llabs(tu_query_int(f->t->db,
				      "SELECT CAST(lon * 1e6 AS INTEGER)"
				      " FROM patrol_point") -
			 116410500) <= 1);
	assert_true(llabs(tu_query_int(f->t->db,
				      "SELECT CAST(lat * 1e6 AS INTEGER)"
				      " FROM patrol_point") -
			 39910500) <= 1);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM"
				      " patrol_point WHERE accuracy IS NULL"),
			 1);
}

/* ---- a day's figures ------------------------------------------------------ */

static int keep_figures(void *ctx, const struct patrol_figures *f)
{
	struct patrol_figures *out = ctx;

	if (strcmp(f->username, "insp1") == 0) {
		*out = *f;
		out->grids = NULL; /* freed by the caller's walk */
		out->visited = f->visited;
	}
	return 0;
}

struct lines {
	int n;
	size_t points[4];
	double distance[4];
};

static int keep_line(void *ctx, const struct patrol_line *l)
{
	struct lines *ls = ctx;

	if (strcmp(l->who->username, "insp1") == 0 && ls->n < 4) {
		ls->points[ls->n] = l->n;
		ls->distance[ls->n++] = l->distance_m;
	}
	return 0;
}

static void test_day_figures(void **state)
{
	struct tu_town *f = *state;
	struct patrol_day d = day_of(f, NULL);
	struct shift_row s;
	struct patrol_figures fig;
	struct patrol_me me;
	struct lines ls = { 0 };
	/* Shift 1: 08:00-08:30 - grid 1, then grid 2 (visited).  Between the
	 * shifts, a point in grid 2 that counts for nothing.  Shift 2 from
	 * 09:00, open: two points in grid 1. */
	struct patrol_point_in p[] = {
		{ 116.4102, 39.9105, DAY0 + 8 * 3600 + 60, 5 },
		{ 116.4108, 39.9105, DAY0 + 8 * 3600 + 90, 5 },
		{ 116.4115, 39.9105, DAY0 + 8 * 3600 + 150, 5 },
		{ 116.4118, 39.9108, DAY0 + 8 * 3600 + 2400, 5 },
		{ 116.4102, 39.9102, DAY0 + 9 * 3600 + 30, 5 },
		{ 116.4104, 39.9102, DAY0 + 9 * 3600 + 60, 5 },
	};
	double d1 = geo_distance_m(p[0].lon, p[0].lat, p[1].lon, p[1].lat) +
		    geo_distance_m(p[1].lon, p[1].lat, p[2].lon, p[2].lat);
	double d2 = geo_distance_m(p[4].lon, p[4].lat, p[5].lon, p[5].lat);

	tu_assert_ok(assign(f, SHIFT, INSP1, GRID1, NULL, DAY0 + 7 * 3600),
		     f->err);
	tu_assert_ok(assign(f, SHIFT, INSP1, GRID2, NULL, DAY0 + 7 * 3600),
		     f->err);
	tu_assert_ok(patrol_shift_start(f->t->db, &f->a[INSP1],
					DAY0 + 8 * 3600, NOW, &s, &f->err),
		     f->err);
	tu_assert_ok(patrol_shift_end(f->t->db, &f->a[INSP1], s.id,
				      DAY0 + 8 * 3600 + 1800, NOW, &s, &f->err),
		     f->err);
	tu_assert_ok(patrol_shift_start(f->t->db, &f->a[INSP1],
					DAY0 + 9 * 3600, NOW, &s, &f->err),
		     f->err);
	tu_assert_ok(track(f, INSP1, p, 6, 0), f->err);

	memset(&fig, 0, sizeof fig);
	tu_assert_ok(patrol_coverage(f->t->db, &f->env, &f->a[LEADER], NULL,
				     &d, NOW, keep_figures, &fig, &f->err),
		     f->err);
	assert_string_equal(fig.username, "insp1");
	assert_true(fabs(fig.distance_m - (d1 + d2)) < 1e-6);
	assert_int_equal(fig.on_shift_s, 1800 + 3600); /* 09:00 to now, 10:00 */
	assert_int_equal(fig.assigned, 2);
	assert_int_equal(fig.visited, 2);
	tu_assert_ok(patrol_tracks(f->t->db, &f->env, &f->a[SHIFT], "110101001",
				   &d, NOW, keep_line, &ls, &f->err),
		     f->err);
	assert_int_equal(ls.n, 2);
	assert_int_equal(ls.points[0], 3);
	assert_int_equal(ls.points[1], 2);
	assert_true(fabs(ls.distance[0] - d1) < 1e-6);
	/* Out of sight, or not a reader. */
	tu_assert_err(patrol_coverage(f->t->db, &f->env, &f->a[SHIFTB],
				      "110101001", &d, NOW, keep_figures, &fig,
				      &f->err),
		      f->err, UG_ENOTFOUND, "area");
	tu_assert_err(patrol_coverage(f->t->db, &f->env, &f->a[INSP1], NULL,
				      &d, NOW, keep_figures, &fig, &f->err),
		      f->err, UG_EFORBIDDEN, NULL);
	/* Only shift 2's points, in grid 1: half covered. */
	tu_assert_ok(patrol_shift_end(f->t->db, &f->a[INSP1], s.id,
				      DAY0 + 9 * 3600 + 600, NOW, &s, &f->err),
		     f->err);
	tu_assert_ok(db_exec(f->t->db,
			     "DELETE FROM patrol_point WHERE t < "
			     "(SELECT MAX(started_at) FROM patrol_shift)",
			     &f->err),
		     f->err);
	tu_assert_ok(patrol_me(f->t->db, &f->env, &f->a[INSP1], &d, NOW, NULL,
			       NULL, &me, &f->err),
		     f->err);
	assert_int_equal(me.figures.assigned, 2);
	assert_int_equal(me.figures.visited, 1);
	assert_true(me.figures.grids[0].visited);
	assert_false(me.figures.grids[1].visited);
	assert_int_equal(me.figures.on_shift_s, 1800 + 600);
	assert_true(fabs(me.figures.distance_m - d2) < 1e-6);
	assert_true(me.has_shift);
	assert_int_equal(me.shift.id, s.id);
	assert_int_equal(me.counters.events, 0);
	patrol_figures_free(&me.figures);
	tu_assert_err(patrol_me(f->t->db, &f->env, &f->a[LEADER], &d, NOW, NULL,
				NULL, &me, &f->err),
		      f->err, UG_EFORBIDDEN, NULL);
}

static void test_prune(void **state)
{
	struct tu_town *f = *state;
	int64_t removed;

	tu_assert_ok(db_exec(f->t->db,
			     "INSERT INTO patrol_point (inspector_id, t, lon,"
			     " lat) VALUES (1, 100, 116.41, 39.91),"
			     " (1, 2000000000, 116.41, 39.91)",
			     &f->err),
		     f->err);
	tu_assert_err(patrol_prune(f->t->db, 0, NOW, &removed, &f->err), f->err,
		      UG_EINVAL, "keep-days");
	tu_assert_ok(patrol_prune(f->t->db, 180, NOW, &removed, &f->err),
		     f->err);
	assert_int_equal(removed, 1);
	assert_int_equal(points(f), 1);
}

/* ---- idempotency keys ----------------------------------------------------- */

static void test_idem(void **state)
{
	struct tu_town *f = *state;
	char h1[IDEM_HASH_HEX + 1], h2[IDEM_HASH_HEX + 1];
	struct idem_answer a, got;
	char long_key[IDEM_KEY_MAX + 2];
	int64_t removed;

	tu_assert_ok(idem_key_check("6f1c2c1e-3a52_x.~!", &f->err), f->err);
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[IDEM_KEY_MAX] = '\0';
	tu_assert_ok(idem_key_check(long_key, &f->err), f->err);
	long_key[IDEM_KEY_MAX] = 'k', long_key[IDEM_KEY_MAX + 1] = '\0';
	tu_assert_err(idem_key_check(long_key, &f->err), f->err, UG_EINVAL,
		      "Idempotency-Key");
	tu_assert_err(idem_key_check("", &f->err), f->err, UG_EINVAL,
		      "Idempotency-Key");
	tu_assert_err(idem_key_check("a b", &f->err), f->err, UG_EINVAL,
		      "Idempotency-Key");
	tu_assert_err(idem_key_check("a\x7f", &f->err), f->err, UG_EINVAL,
		      "Idempotency-Key");
	/* The parts are kept apart: "/a" + "b" is not "/ab" + "". */
	idem_request_hash("POST", "/a", NULL, "b", 1, h1);
	idem_request_hash("POST", "/ab", NULL, "", 0, h2);
	assert_string_not_equal(h1, h2);
	idem_request_hash("POST", "/a", "image/png", "b", 1, h2);
	assert_string_not_equal(h1, h2);
	idem_request_hash("POST", "/a", "", "b", 1, h2);
	assert_string_equal(h1, h2);

	memset(&a, 0, sizeof a);
	memset(&got, 0, sizeof got);
	memcpy(a.request_hash, h1, sizeof h1);
	a.status = 201;
	a.created_at = NOW;
	assert_int_equal(buf_puts(&a.headers, "{\"Location\":\"/x\"}"), 0);
	assert_int_equal(buf_append(&a.body, "{\"id\":1}", 8), 0);
	tu_assert_err(idem_find(f->t->db, f->u[INSP1].id, "k1", h1, &got,
				&f->err),
		      f->err, UG_ENOTFOUND, "Idempotency-Key");
	tu_assert_ok(idem_save(f->t->db, f->u[INSP1].id, "k1", &a, &f->err),
		     f->err);
	tu_assert_ok(idem_find(f->t->db, f->u[INSP1].id, "k1", h1, &got,
			       &f->err),
		     f->err);
	assert_int_equal(got.status, 201);
	assert_string_equal(buf_str(&got.body), "{\"id\":1}");
	assert_string_equal(buf_str(&got.headers), "{\"Location\":\"/x\"}");
	buf_free(&got.headers);
	buf_free(&got.body);
	memset(&got, 0, sizeof got);
	tu_assert_err(idem_find(f->t->db, f->u[INSP1].id, "k1", h2 + 1, &got,
				&f->err),
		      f->err, UG_ECONFLICT, "Idempotency-Key");
	buf_free(&got.headers);
	buf_free(&got.body);
	/* Another user's k1 is another key. */
	tu_assert_err(idem_find(f->t->db, f->u[INSP2].id, "k1", h1, &got,
				&f->err),
		      f->err, UG_ENOTFOUND, "Idempotency-Key");
	tu_assert_ok(idem_prune(f->t->db, NOW + IDEM_PRUNE_S, &removed, &f->err),
		     f->err);
	assert_int_equal(removed, 0);
	tu_assert_ok(idem_prune(f->t->db, NOW + IDEM_PRUNE_S + 1, &removed,
				&f->err),
		     f->err);
	assert_int_equal(removed, 1);
	buf_free(&a.headers);
	buf_free(&a.body);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_days),
		T(test_beats),
		T(test_beats_sight),
		T(test_shifts),
		T(test_track_refusals),
		T(test_track_gcj02),
		T(test_day_figures),
		T(test_prune),
		T(test_idem),
	};
#undef T
	return cmocka_run_group_tests(tests, tu_group_calendar,
				      tu_group_calendar_free);
}
