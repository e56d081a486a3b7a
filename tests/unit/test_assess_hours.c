/*
 * test_assess_hours.c - the day's counters hour by hour
 * (domain/assess/hours.h) on a fresh database with the synthetic 甲区
 * (110101): scripted lines at known local times on the day, the day
 * before and the day after, figures worked out by hand for each caller's
 * sight (the district's leader, a street's inspector, a department's
 * handler, an area asked), the day's totals against the counters kept
 * (assess_sum()), the categories, and the errors.
 */
#include "testutil.h"
#include "tu_cases.h"

#include <jansson.h>

#include "domain/assess/assess.h"
#include "domain/assess/hours.h"
#include "domain/calendar/calendar.h"
#include "domain/cases/case.h"
#include "domain/org/org.h"

#define CN CALENDAR_UTC_OFFSET_CHINA

static int64_t L(int y, int mo, int d, int h, int mi)
{
	return calendar_utc_from_local(CN, y, mo, d, h, mi, 0);
}

/* The day counted: Tuesday 2026-11-17, local. */
#define DAY "2026-11-17"
#define DAYNUM 20261117

enum who { INSP1, INSP2, SHIFT, DISP, HW, LEADER, NWHO };

static const struct tu_person people[NWHO] = {
	[INSP1] = { "insp1", "inspector", "110101001" },
	[INSP2] = { "insp2", "inspector", "110101002" },
	[SHIFT] = { "shift", "shift_leader", "110101" },
	[DISP] = { "disp", "dispatcher", "110101" },
	[HW] = { "hw.handler", "handler", "110101-HW" },
	[LEADER] = { "leader", "leader", "110101" },
};

static int setup(void **state)
{
	*state = tu_town_new(L(2026, 10, 1, 9, 0), people, NWHO);
	return 0;
}

static int teardown(void **state)
{
	tu_town_free(*state);
	return 0;
}

/* An inspector's report in its own street, category `category`. */
static void report(struct tu_town *f, enum who who, const char *category,
		   int64_t at, struct case_row *out)
{
	tu_case_report(f->t->db, &f->env, &f->a[who], category, NULL, at, out);
}

static void act(struct tu_town *f, enum who who, struct case_row *c,
		enum case_action a, int64_t at)
{
	tu_case_act(f->t->db, &f->env, &f->a[who], c, a, at);
}

/* The day's history, hour by hour (local):
 *   day before 23:30  case A reported (street 1)        - not counted
 *   00:10             case A filed                      - hour 0
 *   09:00             case B reported (street 1, 06010) - hour 9
 *   09:20             case B filed                      - hour 9
 *   09:40             case B dispatched to HW           - hour 9
 *   14:05             case C reported (street 2, 06010) - hour 14
 *   23:59             case D reported (street 2, 06021) - hour 23
 *   day after 00:00   case C filed                      - not counted
 */
static void history(struct tu_town *f)
{
	struct case_row *c = calloc(1, sizeof *c);

	assert_non_null(c);
	report(f, INSP1, "06010", L(2026, 11, 16, 23, 30), c);
	act(f, SHIFT, c, CA_FILE, L(2026, 11, 17, 0, 10));
	report(f, INSP1, "06010", L(2026, 11, 17, 9, 0), c);
	act(f, SHIFT, c, CA_FILE, L(2026, 11, 17, 9, 20));
	act(f, DISP, c, CA_DISPATCH, L(2026, 11, 17, 9, 40));
	report(f, INSP2, "06010", L(2026, 11, 17, 14, 5), c);
	act(f, SHIFT, c, CA_FILE, L(2026, 11, 18, 0, 0));
	report(f, INSP2, "06021", L(2026, 11, 17, 23, 59), c);
	free(c);
}

static void hours_of(struct tu_town *f, enum who who, const char *area,
		     struct assess_hours *h)
{
	ug_error_clear(&f->err);
	tu_assert_ok(assess_hours(f->t->db, &f->a[who], CN, DAY, area, 0, h,
				  &f->err),
		     f->err);
}

#define AT(h, k, counter) ((h)->hour[k].n[AC_##counter])

static void test_leader_by_hour(void **state)
{
	struct tu_town *f = *state;
	struct assess_hours h;
	struct assess_counts day;

	history(f);
	hours_of(f, LEADER, NULL, &h);
	assert_int_equal(h.day, DAYNUM);
	assert_int_equal(h.from, L(2026, 11, 17, 0, 0));
	assert_int_equal(h.to, L(2026, 11, 18, 0, 0));
	assert_int_equal(AT(&h, 0, reported), 0);
	assert_int_equal(AT(&h, 0, filed), 1);
	assert_int_equal(AT(&h, 9, reported), 1);
	assert_int_equal(AT(&h, 9, filed), 1);
	assert_int_equal(AT(&h, 9, dispatched), 1);
	assert_int_equal(AT(&h, 14, reported), 1);
	assert_int_equal(AT(&h, 14, filed), 0);
	assert_int_equal(AT(&h, 23, reported), 1);
	assert_int_equal(h.total.n[AC_reported], 3);
	assert_int_equal(h.total.n[AC_filed], 2);
	assert_int_equal(h.total.n[AC_dispatched], 1);
	for (int k = 0; k < 24; k++)
		if (k != 0 && k != 9 && k != 14 && k != 23)
			for (int i = 0; i < AC_COUNT; i++)
				assert_int_equal(h.hour[k].n[i], 0);
	/* The day's totals are the counters kept for the district. */
	tu_assert_ok(assess_sum(f->t->db, "district", "110101", 0, DAYNUM,
				DAYNUM, &day, &f->err),
		     f->err);
	for (int i = 0; i < AC_COUNT; i++)
		assert_int_equal(h.total.n[i], day.n[i]);
	/* Reports by category, most first. */
	assert_int_equal(h.ncategories, 2);
	assert_string_equal(h.categories[0].code, "06010");
	assert_int_equal(h.categories[0].reported, 2);
	assert_string_equal(h.categories[1].code, "06021");
	assert_int_equal(h.categories[1].reported, 1);
	assess_hours_free(&h);
}

static void test_sights(void **state)
{
	struct tu_town *f = *state;
	struct assess_hours h;

	history(f);
	/* Street 2's inspector: cases C and D alone. */
	hours_of(f, INSP2, NULL, &h);
	assert_int_equal(h.total.n[AC_reported], 2);
	assert_int_equal(h.total.n[AC_filed], 0);
	assert_int_equal(AT(&h, 14, reported), 1);
	assert_int_equal(AT(&h, 23, reported), 1);
	assess_hours_free(&h);
	/* The leader narrowed to street 1: cases A and B. */
	hours_of(f, LEADER, "110101001", &h);
	assert_int_equal(h.total.n[AC_reported], 1);
	assert_int_equal(h.total.n[AC_filed], 2);
	assert_string_equal(h.area, "110101001");
	assess_hours_free(&h);
	/* The department: its own rows, the dispatch to it. */
	hours_of(f, HW, NULL, &h);
	assert_int_equal(h.total.n[AC_dispatched], 1);
	assert_int_equal(AT(&h, 9, dispatched), 1);
	assert_int_equal(h.total.n[AC_reported], 0);
	assert_int_equal(h.total.n[AC_filed], 0);
	assert_int_equal(h.ncategories, 0);
	assess_hours_free(&h);
}

static void test_json(void **state)
{
	struct tu_town *f = *state;
	struct assess_hours h;
	json_t *j;

	history(f);
	hours_of(f, LEADER, NULL, &h);
	j = assess_hours_json(&h, CN);
	assert_string_equal(json_string_value(json_object_get(j, "day")), DAY);
	assert_string_equal(json_string_value(json_object_get(j, "from")),
			    "2026-11-17T00:00:00+08:00");
	assert_true(json_is_null(json_object_get(j, "area")));
	assert_int_equal(json_integer_value(json_array_get(
				 json_object_get(json_object_get(j, "hours"),
						 "dispatched"),
				 9)),
			 1);
	assert_int_equal(json_array_size(json_object_get(
				 json_object_get(j, "hours"), "reported")),
			 24);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(j, "totals"), "reported")),
			 3);
	assert_int_equal(json_array_size(json_object_get(j, "categories")), 2);
	json_decref(j);
	assess_hours_free(&h);
}

static void test_today_and_errors(void **state)
{
	struct tu_town *f = *state;
	struct assess_hours h;

	history(f);
	/* No day: the local day of `now` (00:30 on the 18th local is
	 * still the 17th in UTC). */
	ug_error_clear(&f->err);
	tu_assert_ok(assess_hours(f->t->db, &f->a[LEADER], CN, NULL, NULL,
				  L(2026, 11, 17, 23, 59), &h, &f->err),
		     f->err);
	assert_int_equal(h.day, DAYNUM);
	assert_int_equal(h.total.n[AC_reported], 3);
	assess_hours_free(&h);
	tu_assert_ok(assess_hours(f->t->db, &f->a[LEADER], CN, "", NULL,
				  L(2026, 11, 18, 0, 30), &h, &f->err),
		     f->err);
	assert_int_equal(h.day, 20261118);
	assert_int_equal(h.total.n[AC_filed], 1); /* case C, at 00:00 */
	assert_int_equal(AT(&h, 0, filed), 1);
	assess_hours_free(&h);

	static const char *const bad[] = { "2026-02-30", "2026-11", "2026-W47",
					   "2026-11-01..2026-11-02", "x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ug_error_clear(&f->err);
		tu_assert_err(assess_hours(f->t->db, &f->a[LEADER], CN, bad[i],
					   NULL, 0, &h, &f->err),
			      f->err, UG_EINVAL, "day");
	}
	/* Another street, a department asking for an area, a bad code. */
	ug_error_clear(&f->err);
	tu_assert_err(assess_hours(f->t->db, &f->a[INSP2], CN, DAY, "110101001",
				   0, &h, &f->err),
		      f->err, UG_ENOTFOUND, "area");
	ug_error_clear(&f->err);
	tu_assert_err(assess_hours(f->t->db, &f->a[HW], CN, DAY, "110101", 0,
				   &h, &f->err),
		      f->err, UG_ENOTFOUND, "area");
	ug_error_clear(&f->err);
	tu_assert_err(assess_hours(f->t->db, &f->a[LEADER], CN, DAY, "12", 0,
				   &h, &f->err),
		      f->err, UG_EINVAL, "area");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_leader_by_hour),
		T(test_sights),
		T(test_json),
		T(test_today_and_errors),
	};
#undef T
	return cmocka_run_group_tests(tests, tu_group_calendar,
				      tu_group_calendar_free);
}
