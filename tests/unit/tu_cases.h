/*
 * tu_cases.h - the small city the case tests run in (struct tu_town: a
 * fresh database, 甲区 with its people, the default case rules), and a
 * scripted history's two steps: an inspector's report of garbage in its
 * own street, and an action on the case (dispatches go to 环卫
 * 110101-HW).  For the tests that count a day of history
 * (test_assess_hours, test_report) and the assessment and patrol tests.
 */
#ifndef UG_TU_CASES_H
#define UG_TU_CASES_H

#include "testutil.h"

#include "domain/cases/case.h"
#include "domain/spatial/spatial.h"

/* The most people a town holds. */
#define TU_TOWN_MAX 12

/* A test's city: its database (t), the people of tu_city() in u[] and
 * as actors in a[], the case rules (env: TU_CALENDAR, no grids until a
 * test adds them), an error for the calls, and two scratch case rows
 * (20 KB each: off the stack). */
struct tu_town {
	struct tu_env *t;
	struct case_env env;
	struct user u[TU_TOWN_MAX];
	struct actor a[TU_TOWN_MAX];
	struct case_row *c, *d;
	struct ug_error err;
};

/* A new town of n people, made at `at` (tu_city()). */
static inline struct tu_town *tu_town_new(int64_t at,
					  const struct tu_person *people,
					  size_t n)
{
	struct tu_town *w = calloc(1, sizeof *w);

	assert_non_null(w);
	assert_true(n <= TU_TOWN_MAX);
	ug_error_clear(&w->err);
	w->t = tu_env_new(1);
	tu_city(w->t->db, at, people, n, w->u, w->a);
	case_env_defaults(&w->env, TU_CALENDAR);
	w->c = calloc(1, sizeof *w->c);
	w->d = calloc(1, sizeof *w->d);
	assert_true(w->c && w->d);
	return w;
}

/* Free a town (and its grids, if a test gave it any). */
static inline void tu_town_free(struct tu_town *w)
{
	spatial_free(w->env.spatial);
	tu_env_free(w->t);
	free(w->c);
	free(w->d);
	free(w);
}

/* Report `category` at `at` as actor a (address: NULL for none) into
 * *out. */
static inline void tu_case_report(struct db *db, const struct case_env *env,
				  const struct actor *a, const char *category,
				  const char *address, int64_t at,
				  struct case_row *out)
{
	struct case_intake in = {
		.category = category,
		.description = "路边有暴露垃圾",
		.address = address,
		.source = "inspector",
		.urgency = "normal",
	};
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(case_intake(db, env, a, &in, at, out, NULL, &err), err);
}

/* A hotline case of category 06010 in `area` with a point (lon, lat)
 * that no grid holds yet, reported at `at` as actor a into *out: its
 * area only, no grid (placed later, when grids come: case_grids_apply()). */
static inline void tu_case_report_unplaced(struct db *db,
					   const struct case_env *env,
					   const struct actor *a,
					   const char *area, double lon,
					   double lat, int64_t at,
					   struct case_row *out)
{
	struct case_intake in = {
		.category = "06010",
		.description = "路边有暴露垃圾",
		.source = "hotline",
		.urgency = "normal",
		.area = area,
		.has_location = 1,
		.lon = lon,
		.lat = lat,
	};
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(case_intake(db, env, a, &in, at, out, NULL, &err), err);
	assert_string_equal(out->grid, "");
}

/* Action `action` on case *c at `at` as actor a; *c as it is after. */
static inline void tu_case_act(struct db *db, const struct case_env *env,
			       const struct actor *a, struct case_row *c,
			       enum case_action action, int64_t at)
{
	struct case_action_input in = {
		.version = c->version,
		.note = "已处理",
		.department = "110101-HW",
	};
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(case_act(db, env, a, c->id, action, &in, at, c, &err),
		     err);
}

#endif
