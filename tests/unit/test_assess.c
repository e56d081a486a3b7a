/*
 * test_assess.c - the assessment counters (domain/assess/assess.h) on a
 * fresh database with the synthetic 甲区 (110101), its departments and one
 * account per role: each counter against small scripted histories whose
 * figures are worked out by hand (on time and late, an extension, rework
 * after a failed check, a return and a dispatch elsewhere, merge, void,
 * reject, hang and unhang, the overdue sweep, verification, ratings, local
 * days and months), then the property that the counters kept as lines are
 * written equal the ones rebuilt from the history, on random histories
 * driven through case_act(), and a recount of some counters by SQL written
 * here over case_event, apart from the rules.  Injected step failures must
 * leave both the case and the counters as they were.
 */
#include "testutil.h"
#include "tu_cases.h"

#include <jansson.h>

#include "domain/assess/assess.h"
#include "domain/calendar/calendar.h"
#include "domain/cases/case.h"
#include "domain/cases/standards.h"
#include "domain/org/org.h"
#include "domain/spatial/grids.h"
#include "lib/embed.h"
#include "store/patrol/patrol.h"
#include "tu_grids.h"

#define CN CALENDAR_UTC_OFFSET_CHINA
#define HOUR 3600

static int64_t L(int y, int mo, int d, int h, int mi)
{
	return calendar_utc_from_local(CN, y, mo, d, h, mi, 0);
}

/* Monday 2026-11-16 09:00 +08:00: an ordinary working week. */
#define T0 L(2026, 11, 16, 9, 0)

/* ---- fixture ------------------------------------------------------------ */

enum who { INSP1, INSP2, RECEP, SHIFT, DISP, HW, SZ, LEADER, NWHO };

static const struct tu_person people[NWHO] = {
	[INSP1] = { "insp1", "inspector", "110101001" },
	[INSP2] = { "insp2", "inspector", "110101002" },
	[RECEP] = { "recep", "receptionist", "110101" },
	[SHIFT] = { "shift", "shift_leader", "110101" },
	[DISP] = { "disp", "dispatcher", "110101" },
	[HW] = { "hw.handler", "handler", "110101-HW" },
	[SZ] = { "sz.handler", "handler", "110101-SZ" },
	[LEADER] = { "leader", "leader", "110101" },
};

static int setup(void **state)
{
	*state = tu_town_new(T0 - 30 * 86400, people, NWHO);
	return 0;
}

static int teardown(void **state)
{
	tu_town_free(*state);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static int intake(struct tu_town *f, enum who who, const char *source,
		  const char *area, int64_t at, struct case_row *out)
{
	struct case_intake in = {
		.category = "06010",
		.description = "路边有暴露垃圾",
		.source = source,
		.urgency = "normal",
		.area = area,
		/* A caller to ring back (回访) on the centre's reports. */
		.reporter_phone = strcmp(source, "inspector") ? "13800138000"
							      : NULL,
	};

	ug_error_clear(&f->err);
	return case_intake(f->t->db, &f->env, &f->a[who], &in, at, out, NULL,
			   &f->err);
}

/* An inspector's own report in its street (110101001). */
static void report(struct tu_town *f, int64_t at, struct case_row *out)
{
	tu_assert_ok(intake(f, INSP1, "inspector", NULL, at, out), f->err);
}

static struct case_action_input input(const struct case_row *c,
				      const char *department, int passed)
{
	struct case_action_input in = {
		.version = c->version,
		.reason = "原因",
		.note = "已处理",
		.department = department,
		.has_passed = 1,
		.passed = passed,
		.hours = 4,
		.inspector = "insp1",
	};

	return in;
}

static int act_in(struct tu_town *f, enum who who, struct case_row *c,
		  enum case_action a, const struct case_action_input *in,
		  int64_t at)
{
	ug_error_clear(&f->err);
	return case_act(f->t->db, &f->env, &f->a[who], c->id, a, in, at, c,
			&f->err);
}

/* Action a on c at `at`, to department HW, a check passing. */
static void act(struct tu_town *f, enum who who, struct case_row *c,
		enum case_action a, int64_t at)
{
	struct case_action_input in = input(c, "110101-HW", 1);

	tu_assert_ok(act_in(f, who, c, a, &in, at), f->err);
}

static void act_with(struct tu_town *f, enum who who, struct case_row *c,
		     enum case_action a, const char *department, int passed,
		     int64_t at)
{
	struct case_action_input in = input(c, department, passed);

	tu_assert_ok(act_in(f, who, c, a, &in, at), f->err);
}

/* An inspector's report filed a minute after T0 and dispatched to HW
 * a minute later. */
static void dispatched(struct tu_town *f, struct case_row *c)
{
	report(f, T0, c);
	act(f, SHIFT, c, CA_FILE, T0 + 60);
	act(f, DISP, c, CA_DISPATCH, T0 + 120);
}

/* A counter of (kind, code) over all of 2026 (whole months: the month
 * rows) - or over one local day. */
static int64_t total(struct tu_town *f, const char *kind, const char *code,
		     enum assess_counter counter)
{
	struct assess_counts s;

	tu_assert_ok(assess_sum(f->t->db, kind, code, 0, 20260101, 20261231,
				&s, &f->err),
		     f->err);
	return s.n[counter];
}

static int64_t on_day(struct tu_town *f, const char *kind, const char *code,
		      int32_t day, enum assess_counter counter)
{
	struct assess_counts s;

	tu_assert_ok(assess_sum(f->t->db, kind, code, 0, day, day, &s,
				&f->err),
		     f->err);
	return s.n[counter];
}

#define DEPT(code, counter) total(f, "department", code, AC_##counter)
#define POST(kind, who, counter) total(f, kind, people[who].name, AC_##counter)
#define DISTRICT(counter) total(f, "district", "110101", AC_##counter)

/* Recount from the history and say whether the kept counters agree. */
static int64_t drift(struct tu_town *f)
{
	struct assess_rebuild_result r;

	tu_assert_ok(assess_check(f->t->db, CN, &r, &f->err), f->err);
	return r.differ;
}

/* ---- scripted histories -------------------------------------------------- */

/* The ordinary path, each step judged against the deadline then in
 * force: file at its deadline (on time: "at or before"), dispatch a
 * second late, handle early, check late, close early. */
static void test_path_on_time_and_late(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;

	report(f, T0, c);
	assert_int_equal(POST("inspector", INSP1, reported), 1);
	assert_int_equal(total(f, "place", "110101001", AC_reported), 1);
	assert_int_equal(total(f, "street", "110101001", AC_reported), 1);
	assert_int_equal(DISTRICT(reported), 1);
	assert_int_equal(total(f, "category", "06010", AC_reported), 1);
	assert_int_equal(total(f, "district", "110102", AC_reported), 0);

	act(f, SHIFT, c, CA_FILE, c->deadline);
	act(f, DISP, c, CA_DISPATCH, c->deadline + 1);
	act(f, HW, c, CA_HANDLE, c->deadline - 60);
	act(f, INSP1, c, CA_CHECK, c->deadline + 10);
	act(f, SHIFT, c, CA_CLOSE, c->deadline - 1);

	assert_int_equal(POST("shift_leader", SHIFT, filed), 1);
	assert_int_equal(POST("shift_leader", SHIFT, filed_on_time), 1);
	assert_int_equal(POST("inspector", INSP1, valid_reported), 1);
	assert_int_equal(DISTRICT(valid_public), 0);
	assert_int_equal(POST("dispatcher", DISP, dispatched), 1);
	assert_int_equal(POST("dispatcher", DISP, dispatched_on_time), 0);
	assert_int_equal(DEPT("110101-HW", dispatched), 1);
	assert_int_equal(DEPT("110101-HW", to_handle), 1);
	assert_int_equal(DEPT("110101-HW", handled), 1);
	assert_int_equal(DEPT("110101-HW", handled_on_time), 1);
	assert_int_equal(DISTRICT(check_sent), 1);
	assert_int_equal(POST("inspector", INSP1, checked), 1);
	assert_int_equal(POST("inspector", INSP1, checked_on_time), 0);
	assert_int_equal(DEPT("110101-HW", to_close), 1);
	assert_int_equal(DEPT("110101-HW", rework), 0);
	assert_int_equal(POST("shift_leader", SHIFT, closed), 1);
	assert_int_equal(POST("shift_leader", SHIFT, closed_on_time), 1);
	assert_int_equal(DEPT("110101-HW", closed), 1);
	/* Never returned: the dispatch was right, for its dispatcher and
	 * the department. */
	assert_int_equal(POST("dispatcher", DISP, dispatched_correctly), 1);
	assert_int_equal(DEPT("110101-HW", dispatched_correctly), 1);
	/* Posts count only what their role did. */
	assert_int_equal(POST("inspector", INSP1, filed), 0);
	assert_int_equal(total(f, "shift_leader", "disp", AC_filed), 0);
	/* Six lines, each counted once in the place's row. */
	{
		struct assess_counts s;

		tu_assert_ok(assess_sum(f->t->db, "district", "110101", 0,
					20260101, 20261231, &s, &f->err),
			     f->err);
		assert_int_equal(s.events, 6);
	}
	assert_int_equal(drift(f), 0);
}

/* An approved extension moves the deadline the handling is judged by. */
static void test_extension(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c, *d = f->d;
	int64_t old;

	for (int late = 0; late < 2; late++) {
		struct case_row *x = late ? d : c;

		dispatched(f, x);
		old = x->deadline;
		act(f, HW, x, CA_EXTEND_REQUEST, T0 + 180);
		act(f, SHIFT, x, CA_EXTEND_APPROVE, T0 + 240);
		assert_true(x->deadline > old);
		act(f, HW, x, CA_HANDLE, late ? x->deadline + 1 : old + 1);
	}
	assert_int_equal(DEPT("110101-HW", extended), 2);
	assert_int_equal(DEPT("110101-HW", handled), 2);
	assert_int_equal(DEPT("110101-HW", handled_on_time), 1);
	assert_int_equal(drift(f), 0);
}

/* A failed check is rework: the department has it to handle again, and
 * the dispatch was still right. */
static void test_rework(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;

	dispatched(f, c);
	act(f, HW, c, CA_HANDLE, T0 + 180);
	act_with(f, INSP1, c, CA_CHECK, NULL, 0, T0 + 240);
	assert_string_equal(c->state, "dispatched");
	assert_int_equal(DEPT("110101-HW", rework), 1);
	assert_int_equal(DEPT("110101-HW", to_handle), 2);
	assert_int_equal(DEPT("110101-HW", to_close), 0);
	assert_int_equal(POST("inspector", INSP1, checked), 1);
	act(f, HW, c, CA_HANDLE, T0 + 300);
	act(f, INSP1, c, CA_CHECK, T0 + 360);
	act(f, SHIFT, c, CA_CLOSE, T0 + 420);
	assert_int_equal(DEPT("110101-HW", handled), 2);
	assert_int_equal(DISTRICT(check_sent), 2);
	assert_int_equal(POST("inspector", INSP1, checked), 2);
	assert_int_equal(DEPT("110101-HW", to_close), 1);
	assert_int_equal(DEPT("110101-HW", rework), 1);
	assert_int_equal(DEPT("110101-HW", dispatched_correctly), 1);
	assert_int_equal(drift(f), 0);
}

/* Returned and dispatched to another department: not dispatched
 * correctly, whoever handles it in the end; nor when it goes back to the
 * same department after a return. */
static void test_return_and_redispatch(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c, *d = f->d;

	dispatched(f, c);
	act(f, HW, c, CA_RETURN, T0 + 180);
	assert_int_equal(DEPT("110101-HW", returned), 1);
	assert_int_equal(POST("dispatcher", DISP, returned), 1);
	act_with(f, DISP, c, CA_DISPATCH, "110101-SZ", 1, T0 + 240);
	act(f, SZ, c, CA_HANDLE, T0 + 300);
	act(f, INSP1, c, CA_CHECK, T0 + 360);
	act(f, SHIFT, c, CA_CLOSE, T0 + 420);

	dispatched(f, d);
	act(f, HW, d, CA_RETURN, T0 + 180);
	act(f, DISP, d, CA_DISPATCH, T0 + 240);
	act(f, HW, d, CA_HANDLE, T0 + 300);
	act(f, INSP1, d, CA_CHECK, T0 + 360);
	act(f, SHIFT, d, CA_CLOSE, T0 + 420);

	assert_int_equal(POST("dispatcher", DISP, dispatched), 4);
	assert_int_equal(DEPT("110101-HW", dispatched), 3);
	assert_int_equal(DEPT("110101-SZ", dispatched), 1);
	assert_int_equal(DEPT("110101-HW", returned), 2);
	assert_int_equal(DEPT("110101-SZ", to_handle), 1);
	assert_int_equal(DEPT("110101-SZ", closed), 1);
	assert_int_equal(DEPT("110101-HW", closed), 1);
	assert_int_equal(POST("dispatcher", DISP, dispatched_correctly), 0);
	assert_int_equal(DISTRICT(dispatched_correctly), 0);
	assert_int_equal(DISTRICT(closed), 2);
	assert_int_equal(drift(f), 0);
}

/* Outcomes of a report other than a case: merged, rejected, voided
 * (before and after filing: only the latter counts against the filer). */
static void test_merge_reject_void(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c, *d = f->d;
	struct case_action_input in;

	tu_assert_ok(intake(f, RECEP, "hotline", "110101001", T0, c), f->err);
	tu_assert_ok(intake(f, RECEP, "hotline", "110101001", T0 + 60, d),
		     f->err);
	in = input(d, NULL, 1);
	in.target = c->id;
	tu_assert_ok(act_in(f, RECEP, d, CA_MERGE, &in, T0 + 120), f->err);
	act(f, SHIFT, c, CA_REJECT, T0 + 180);
	assert_int_equal(POST("receptionist", RECEP, reported), 2);
	assert_int_equal(POST("receptionist", RECEP, merged), 1);
	assert_int_equal(POST("shift_leader", SHIFT, rejected), 1);
	assert_int_equal(DISTRICT(merged), 1);

	report(f, T0, c);
	act(f, SHIFT, c, CA_VOID, T0 + 60);
	dispatched(f, d);
	act(f, RECEP, d, CA_VOID, T0 + 180);
	assert_int_equal(POST("shift_leader", SHIFT, voided), 1);
	assert_int_equal(POST("receptionist", RECEP, voided), 1);
	assert_int_equal(DISTRICT(voided), 2);
	assert_int_equal(DEPT("110101-HW", voided), 1);
	assert_int_equal(POST("shift_leader", SHIFT, filed_voided), 1);
	assert_int_equal(POST("receptionist", RECEP, filed_voided), 0);
	/* Nothing was closed, so nothing dispatched correctly. */
	assert_int_equal(DISTRICT(dispatched_correctly), 0);
	assert_int_equal(drift(f), 0);
}

/* Hung, no clock runs: handled from there is on time; unhung, a fresh
 * handling clock judges it. */
static void test_hang_unhang(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c, *d = f->d;

	dispatched(f, c);
	act(f, DISP, c, CA_HANG, T0 + 180);
	assert_int_equal(c->deadline, 0);
	act(f, HW, c, CA_HANDLE, T0 + 30 * 86400);

	dispatched(f, d);
	act(f, SHIFT, d, CA_HANG, T0 + 180);
	act(f, DISP, d, CA_UNHANG, T0 + 10 * 86400);
	act(f, HW, d, CA_HANDLE, d->deadline + 1);

	assert_int_equal(DEPT("110101-HW", hung), 2);
	assert_int_equal(DEPT("110101-HW", handled), 2);
	assert_int_equal(DEPT("110101-HW", handled_on_time), 1);
	/* Unhanging gives the department no new case to handle. */
	assert_int_equal(DEPT("110101-HW", to_handle), 2);
	assert_int_equal(drift(f), 0);
}

/* A handling stage that passes its deadline counts as overdue for the
 * department, on the day the sweep noted it; other stages do not. */
static void test_overdue(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c, *d = f->d;
	long noted;

	dispatched(f, c);
	report(f, T0, d);
	act(f, SHIFT, d, CA_FILE, T0 + 60);
	tu_assert_ok(case_overdue_sweep(f->t->db, &f->env, c->deadline,
					&noted, &f->err),
		     f->err);
	assert_true(noted >= 1);
	assert_int_equal(DEPT("110101-HW", overdue), 1);
	assert_int_equal(DISTRICT(overdue), 1);
	assert_int_equal(on_day(f, "department", "110101-HW",
				assess_day_of(c->deadline, CN), AC_overdue),
			 1);
	/* Handled after: late, and still counted overdue once. */
	act(f, HW, c, CA_HANDLE, c->deadline + 60);
	assert_int_equal(DEPT("110101-HW", handled_on_time), 0);
	assert_int_equal(DEPT("110101-HW", overdue), 1);
	assert_int_equal(drift(f), 0);
}

/* Verification sent by the centre (on time: at its deadline) and
 * answered by the inspector (late). */
static void test_verification(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;

	tu_assert_ok(intake(f, RECEP, "hotline", "110101001", T0, c), f->err);
	act(f, RECEP, c, CA_VERIFY_ASSIGN, c->deadline);
	assert_string_equal(c->assignee, "insp1");
	act(f, INSP1, c, CA_VERIFY, c->deadline + 1);
	act(f, SHIFT, c, CA_FILE, T0 + 86400);
	assert_int_equal(POST("receptionist", RECEP, verify_sent), 1);
	assert_int_equal(POST("receptionist", RECEP, verify_sent_on_time), 1);
	assert_int_equal(POST("inspector", INSP1, verify_assigned), 1);
	assert_int_equal(POST("inspector", INSP2, verify_assigned), 0);
	assert_int_equal(POST("inspector", INSP1, verified), 1);
	assert_int_equal(POST("inspector", INSP1, verified_on_time), 0);
	assert_int_equal(DISTRICT(valid_public), 1);
	/* Not an inspector's report: no one's valid report. */
	assert_int_equal(POST("inspector", INSP1, valid_reported), 0);
	assert_int_equal(drift(f), 0);
}

/* A reporter's rating counts for the department that handled the case;
 * a rating needs the city's offset and is refused, unwritten, without. */
static void test_rating(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;
	json_t *data = json_pack("{s:s}", "rating", "basically_satisfied");
	int64_t lines;

	dispatched(f, c);
	act(f, HW, c, CA_HANDLE, T0 + 180);
	act(f, INSP1, c, CA_CHECK, T0 + 240);
	act(f, SHIFT, c, CA_CLOSE, T0 + 300);
	lines = tu_query_int(f->t->db, "SELECT COUNT(*) FROM case_event");
	tu_assert_err(case_annotate(f->t->db, NULL, tu_actor("citizen"), c,
				    "rate", "基本满意", data, T0 + 400, NULL,
				    &f->err),
		      f->err, UG_EINTERNAL, NULL);
	tu_assert_rows(f->t->db, "case_event", lines);
	tu_assert_ok(case_annotate(f->t->db, &f->env, tu_actor("citizen"), c,
				   "rate", "基本满意", data, T0 + 400, NULL,
				   &f->err),
		     f->err);
	/* A comment counts nothing and needs no offset. */
	tu_assert_ok(case_annotate(f->t->db, NULL, tu_actor("citizen"), c,
				   "comment", "谢谢", NULL, T0 + 500, NULL,
				   &f->err),
		     f->err);
	json_decref(data);
	assert_int_equal(DEPT("110101-HW", basically_satisfied), 1);
	assert_int_equal(DEPT("110101-HW", satisfied), 0);
	assert_int_equal(DISTRICT(basically_satisfied), 1);
	assert_int_equal(DISTRICT(dissatisfied), 0);
	assert_int_equal(drift(f), 0);
}

/* 回访: a receptionist's callback on a closed hotline case counts as the
 * reporter's rating would; the case then has its rating, and neither a
 * second callback nor the reporter's own is taken. */
static void test_callback(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;
	struct case_action_input in;

	tu_assert_ok(intake(f, RECEP, "hotline", "110101001", T0, c), f->err);
	act(f, INSP1, c, CA_VERIFY, T0 + 60);
	act(f, SHIFT, c, CA_FILE, T0 + 120);
	act(f, DISP, c, CA_DISPATCH, T0 + 180);
	act(f, HW, c, CA_HANDLE, T0 + 240);
	act(f, INSP1, c, CA_CHECK, T0 + 300);
	assert_false(case_actions_allowed(&f->a[RECEP], c) & CA_BIT(CA_CALLBACK));
	act(f, SHIFT, c, CA_CLOSE, T0 + 360);
	assert_true(case_actions_allowed(&f->a[RECEP], c) & CA_BIT(CA_CALLBACK));
	in = input(c, NULL, 1);
	in.rating = "very happy";
	tu_assert_err(act_in(f, RECEP, c, CA_CALLBACK, &in, T0 + 400), f->err,
		      UG_EINVAL, "rating");
	in.rating = "dissatisfied";
	tu_assert_ok(act_in(f, RECEP, c, CA_CALLBACK, &in, T0 + 400), f->err);
	assert_string_equal(c->rating, "dissatisfied");
	assert_int_equal(DEPT("110101-HW", dissatisfied), 1);
	assert_int_equal(DISTRICT(dissatisfied), 1);
	assert_int_equal(DISTRICT(satisfied), 0);
	assert_false(case_actions_allowed(&f->a[RECEP], c) & CA_BIT(CA_CALLBACK));
	in = input(c, NULL, 1);
	in.rating = "satisfied";
	tu_assert_err(act_in(f, SHIFT, c, CA_CALLBACK, &in, T0 + 500), f->err,
		      UG_ECONFLICT, "rating");
	tu_assert_err(store_case_set_rating(f->t->db, c->id, "satisfied",
					    &f->err),
		      f->err, UG_ECONFLICT, "rating");
	assert_int_equal(DISTRICT(satisfied), 0);
	assert_int_equal(drift(f), 0);
	/* An inspector's own report has nobody to call. */
	report(f, T0, f->d);
	assert_false(case_actions_allowed(&f->a[RECEP], f->d) &
		     CA_BIT(CA_CALLBACK));
}

/* A line counts in the city's local day; months sum their days, and a
 * range of days reads whole months from their rows. */
static void test_local_days_and_months(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;
	struct assess_counts s;

	report(f, L(2026, 11, 16, 23, 59), c);    /* 15:59 UTC */
	report(f, L(2026, 11, 17, 0, 0), c);      /* 16:00 UTC, the 16th */
	report(f, L(2026, 11, 30, 23, 30), c);
	report(f, L(2026, 12, 1, 0, 30), c);
	assert_int_equal(assess_day_of(L(2026, 11, 17, 0, 0), CN), 20261117);
	assert_int_equal(on_day(f, "district", "110101", 20261116, AC_reported),
			 1);
	assert_int_equal(on_day(f, "district", "110101", 20261117, AC_reported),
			 1);
	assert_int_equal(on_day(f, "district", "110101", 20261201, AC_reported),
			 1);
	assert_int_equal(tu_query_int(f->t->db,
				      "SELECT SUM(reported) FROM assess_month"
				      " WHERE month = 202611 AND kind = 'area'"
				      " AND substr(code, 1, 6) = '110101'"),
			 3);
	/* Places and categories keep no month rows of their own (schema
	 * 0024, 0025); nor do the levels, which read the area rows. */
	assert_int_equal(tu_query_int(f->t->db,
				      "SELECT COUNT(*) FROM assess_month"
				      " WHERE kind IN ('place', 'category',"
				      " 'community', 'street', 'district')"),
			 0);
	/* 15 Nov - 1 Dec: no whole month, days alone; 1 Nov - 1 Dec: the
	 * month row of November and the 1st; 16 Nov - 31 Dec: days, then
	 * December's row. */
	tu_assert_ok(assess_sum(f->t->db, "street", "110101001", 0, 20261115,
				20261201, &s, &f->err),
		     f->err);
	assert_int_equal(s.n[AC_reported], 4);
	tu_assert_ok(assess_sum(f->t->db, "street", "110101001", 0, 20261101,
				20261201, &s, &f->err),
		     f->err);
	assert_int_equal(s.n[AC_reported], 4);
	tu_assert_ok(assess_sum(f->t->db, "street", "110101001", 0,
				20261117, 20261231, &s, &f->err),
		     f->err);
	assert_int_equal(s.n[AC_reported], 3);
	tu_assert_ok(assess_sum(f->t->db, "place", "110101", 1, 20261117,
				20261130, &s, &f->err),
		     f->err);
	assert_int_equal(s.n[AC_reported], 2);
	/* A category's months are its days (schema 0025): the whole of
	 * November and December, and the days of a part of them. */
	tu_assert_ok(assess_sum(f->t->db, "category", c->category, 0,
				20261101, 20261231, &s, &f->err),
		     f->err);
	assert_int_equal(s.n[AC_reported], 4);
	tu_assert_ok(assess_sum(f->t->db, "category", c->category, 0,
				20261117, 20261130, &s, &f->err),
		     f->err);
	assert_int_equal(s.n[AC_reported], 2);
	tu_assert_ok(assess_sum(f->t->db, "category", "", 1, 20261001,
				20261130, &s, &f->err),
		     f->err);
	assert_int_equal(s.n[AC_reported], 3);
	/* Another district's codes are not under this one. */
	tu_assert_ok(assess_sum(f->t->db, "district", "110102", 0, 20261101,
				20261231, &s, &f->err),
		     f->err);
	assert_int_equal(s.events, 0);
	tu_assert_err(assess_sum(f->t->db, "ward", "1", 0, 20261101, 20261130,
				 &s, &f->err),
		      f->err, UG_EINVAL, "kind");
	/* Another offset puts the first two in one UTC day. */
	assert_int_equal(assess_day_of(L(2026, 11, 17, 0, 0), 0), 20261116);
}

/* A case reported before grids covered its point counts under its
 * community until it is located, under its grid from then on - in the
 * kept counters and in the rebuilt ones alike. */
static void test_located_later(void **state)
{
	static const char grids[] =
		"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
		"\"Feature\",\"properties\":{\"code\":\"110101001001001\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.41,"
		"39.91],[116.411,39.91],[116.411,39.911],[116.41,39.911],"
		"[116.41,39.91]]]}}]}";
	struct tu_town *f = *state;
	struct case_row *c = f->c;
	struct grid_import_opts opts;
	struct grid_import_result res;
	struct case_locate_result located;

	tu_case_report_unplaced(f->t->db, &f->env, &f->a[RECEP], "110101001001",
				116.4105, 39.9105, T0, c);
	memset(&opts, 0, sizeof opts);
	tu_assert_ok(grids_import_text(f->t->db, grids, strlen(grids), &opts,
				       T0, &res, &f->err),
		     f->err);
	assert_int_equal(res.imported, 1);
	tu_assert_ok(case_locate_pending(f->t->db, T0 + 60, &located, &f->err),
		     f->err);
	assert_int_equal(located.located, 1);
	tu_assert_ok(store_case_get(f->t->db, c->id, c, &f->err), f->err);
	assert_string_equal(c->grid, "110101001001001");
	act(f, INSP1, c, CA_VERIFY, T0 + 120);

	assert_int_equal(total(f, "place", "110101001001", AC_reported), 1);
	assert_int_equal(total(f, "grid", "110101001001001", AC_reported), 0);
	assert_int_equal(total(f, "grid", "110101001001001", AC_verified), 1);
	assert_int_equal(total(f, "community", "110101001001", AC_reported), 1);
	assert_int_equal(total(f, "community", "110101001001", AC_verified), 1);
	assert_int_equal(drift(f), 0);
}

/* ---- beats: 漏报 ---------------------------------------------------------- */

/* The two grids of tu_grids.h, the live index over them in f->env, and
 * beats: grid 1 is insp1's from T0 - 1 day until T0 + 7 days, then
 * insp2's; grid 2 has nobody's.  Written before any line they count. */
#define BEAT_CHANGE (T0 + 7 * 86400)

static void beats_setup(struct tu_town *f)
{
	struct beat_row b;
	int64_t id, changed;

	tu_grids_pair(f->t->db, T0 - 86400, &f->env.spatial);
	memset(&b, 0, sizeof b);
	snprintf(b.grid, sizeof b.grid, "%s", GRID1);
	snprintf(b.from_day, sizeof b.from_day, "2026-11-15");
	b.inspector_id = f->u[INSP1].id;
	b.from_at = T0 - 86400;
	tu_assert_ok(store_beat_insert(f->t->db, &b, "shift", T0 - 86400, &id,
				       &f->err),
		     f->err);
	tu_assert_ok(store_beat_end(f->t->db, GRID1, "2026-11-23", BEAT_CHANGE,
				    &changed, &f->err),
		     f->err);
	assert_int_equal(changed, 1);
	b.inspector_id = f->u[INSP2].id;
	b.from_at = BEAT_CHANGE;
	snprintf(b.from_day, sizeof b.from_day, "2026-11-23");
	tu_assert_ok(store_beat_insert(f->t->db, &b, "shift", T0 - 86400, &id,
				       &f->err),
		     f->err);
}

/* A report of `source` by `who` at the point (lon, lat), at `at`. */
static void report_at(struct tu_town *f, enum who who, const char *source,
		      double lon, double lat, int64_t at, struct case_row *c)
{
	struct case_intake in = {
		.category = "06010",
		.description = "路边有暴露垃圾",
		.source = source,
		.urgency = "normal",
		.has_location = 1,
		.lon = lon,
		.lat = lat,
	};

	ug_error_clear(&f->err);
	tu_assert_ok(case_intake(f->t->db, &f->env, &f->a[who], &in, at, c,
				 NULL, &f->err),
		     f->err);
}

/* 漏报: a citizen's or the hotline's report, once valid (filed), counts
 * for the inspector whose beat held its grid when it was filed; an
 * inspector's own report, a grid with no beat, a report never filed and
 * a leader's report do not count. */
static void test_missed(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;

	beats_setup(f);
	/* hotline in grid 1, filed before the change: insp1's. */
	report_at(f, RECEP, "hotline", 116.4105, 39.9105, T0, c);
	assert_string_equal(c->grid, GRID1);
	act(f, INSP1, c, CA_VERIFY, T0 + 60);
	act(f, SHIFT, c, CA_FILE, T0 + 120);
	/* public in grid 1, reported before the change, filed after it:
	 * insp2's (the beat when it became valid). */
	report_at(f, RECEP, "public", 116.4105, 39.9105, BEAT_CHANGE - 600, c);
	act(f, INSP1, c, CA_VERIFY, BEAT_CHANGE - 300);
	act(f, SHIFT, c, CA_FILE, BEAT_CHANGE + 60);
	/* public in grid 2 (no beat): nobody's. */
	report_at(f, RECEP, "public", 116.4115, 39.9105, T0, c);
	assert_string_equal(c->grid, GRID2);
	act(f, INSP1, c, CA_VERIFY, T0 + 60);
	act(f, SHIFT, c, CA_FILE, T0 + 120);
	/* an inspector's own report in grid 1: not missed. */
	report_at(f, INSP1, "inspector", 116.4105, 39.9105, T0, c);
	act(f, SHIFT, c, CA_FILE, T0 + 60);
	/* a leader's report in grid 1: not a public one. */
	report_at(f, RECEP, "leader", 116.4105, 39.9105, T0, c);
	act(f, INSP1, c, CA_VERIFY, T0 + 60);
	act(f, SHIFT, c, CA_FILE, T0 + 120);
	/* a hotline report in grid 1 rejected: never valid. */
	report_at(f, RECEP, "hotline", 116.4105, 39.9105, T0, c);
	act(f, SHIFT, c, CA_REJECT, T0 + 60);

	assert_int_equal(POST("inspector", INSP1, missed), 1);
	assert_int_equal(POST("inspector", INSP2, missed), 1);
	assert_int_equal(on_day(f, "inspector", "insp1", 20261116, AC_missed),
			 1);
	assert_int_equal(on_day(f, "inspector", "insp2", 20261123, AC_missed),
			 1);
	assert_int_equal(DISTRICT(valid_public), 4);
	assert_int_equal(drift(f), 0);
}

/* ---- the property: kept == rebuilt --------------------------------------- */

/* xorshift64* (a fixed seed: the same histories every run). */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static int below(uint64_t *s, int n)
{
	return (int)(rnd(s) % (uint64_t)n);
}

#define NCASES 160

/* Drive NCASES reports through random actions allowed by the workflow,
 * at random moments of rounds of up to six hours over three weeks, with
 * the overdue sweep after each round and ratings of closed cases. */
static void random_history(struct tu_town *f, uint64_t seed)
{
	static const enum who actors[] = { INSP1, INSP2, RECEP, SHIFT, DISP,
					   HW, SZ, LEADER };
	static const char *const ratings[] = { "satisfied",
					       "basically_satisfied",
					       "dissatisfied" };
	static const char *const departments[] = { "110101-HW", "110101-SZ" };
	int64_t ids[NCASES], t = T0;
	struct case_row *c = f->c;
	uint64_t s = seed;
	int acted = 0;

	for (int i = 0; i < NCASES; i++) {
		int pick = below(&s, 3);
		const char *street = below(&s, 2) ? "110101001" : "110101002";

		if (pick != 0 && f->env.spatial &&
		    strcmp(street, "110101001") == 0) {
			/* In a grid of that street with beats (beats_setup):
			 * 漏报.  No draw of its own, and the same street's
			 * people see it, so the history acts as it did before
			 * beats existed. */
			report_at(f, RECEP, pick == 1 ? "hotline" : "public",
				  i % 2 ? 116.4105 : 116.4115, 39.9105,
				  t + below(&s, 86400 * 3), c);
			ids[i] = c->id;
			continue;
		}
		/* One draw per statement: the order of a call's arguments is
		 * the compiler's, and gcc and clang must make one history. */
		if (pick == 0) {
			enum who by = below(&s, 2) ? INSP1 : INSP2;

			tu_assert_ok(intake(f, by, "inspector", NULL,
					    t + below(&s, 86400 * 3), c),
				     f->err);
		} else {
			tu_assert_ok(intake(f, RECEP,
					    pick == 1 ? "hotline" : "public",
					    street, t + below(&s, 86400 * 3), c),
				     f->err);
		}
		ids[i] = c->id;
	}
	for (int round = 0; round < 80; round++) {
		int64_t step = 600 + below(&s, 6 * HOUR);
		long noted;

		for (int i = 0; i < NCASES; i++) {
			struct case_action_input in;
			enum who who = actors[below(&s, 8)];
			unsigned allowed;
			int n = 0, a, rc;

			if (below(&s, 100) < 40)
				continue;
			tu_assert_ok(store_case_get(f->t->db, ids[i], c, &f->err),
				     f->err);
			if (strcmp(c->state, "closed") == 0 && !c->rating[0] &&
			    strcmp(c->source, "public") == 0 &&
			    below(&s, 3) == 0) {
				/* A public reporter rates, as open311_rate()
				 * does: the case's note of it, then the line
				 * (hotline callers are called back: callback
				 * among the actions below). */
				const char *rating = ratings[below(&s, 3)];
				json_t *r = json_pack("{s:s}", "rating", rating);

				tu_assert_ok(store_case_set_rating(
						     f->t->db, c->id, rating,
						     &f->err),
					     f->err);
				tu_assert_ok(case_annotate(f->t->db, &f->env,
							   tu_actor("citizen"), c,
							   "rate", "评价", r,
							   t + below(&s, (int)step),
							   NULL, &f->err),
					     f->err);
				json_decref(r);
				continue;
			}
			allowed = case_actions_allowed(&f->a[who], c);
			for (a = 0; a < CA_COUNT; a++)
				n += (allowed >> a) & 1;
			if (!n)
				continue;
			for (a = 0, n = below(&s, n); a < CA_COUNT; a++)
				if (((allowed >> a) & 1) && n-- == 0)
					break;
			/* Endings that are open to many roles from most
			 * states (and the inspector's 不属实 of a report),
			 * held back so that most cases get far. */
			if ((a == CA_VOID || a == CA_REJECT || a == CA_MERGE ||
			     a == CA_UNFOUNDED) &&
			    below(&s, 16) != 0)
				continue;
			{
				const char *dep = departments[below(&s, 2)];

				in = input(c, dep, below(&s, 100) < 70);
			}
			in.hours = 1 + below(&s, 8);
			in.target = ids[below(&s, NCASES)];
			in.inspector = strncmp(c->area, "110101002", 9) == 0
					       ? "insp2" : "insp1";
			in.rating = ratings[below(&s, 3)];
			rc = act_in(f, who, c, a, &in,
				    t + below(&s, (int)step));
			/* Inputs the table cannot vouch for (a merge target
			 * closed or the case itself) are refused: fine. */
			if (rc == -UG_EINVAL || rc == -UG_ECONFLICT)
				continue;
			tu_assert_ok(rc, f->err);
			acted++;
		}
		t += step;
		tu_assert_ok(case_overdue_sweep(f->t->db, &f->env, t, &noted,
						&f->err),
			     f->err);
	}
	if (acted < NCASES * 3)
		fail_msg("only %d actions", acted);
}

/* The history's branches all occurred, so the comparison means
 * something. */
/* What the history has not taken yet of its branches (a counter that
 * never counted, a post or department without its lines, a rating way,
 * 漏报 on either side of the beat's change), or NULL: every one. */
static const char *missing_branch(struct tu_town *f)
{
	static const enum assess_counter seen[] = {
		AC_reported, AC_valid_reported, AC_valid_public, AC_filed,
		AC_filed_on_time, AC_rejected, AC_merged, AC_voided,
		AC_verify_sent, AC_verify_sent_on_time, AC_verified,
		AC_verified_on_time,
		AC_check_sent, AC_checked, AC_checked_on_time, AC_dispatched,
		AC_dispatched_on_time, AC_dispatched_correctly, AC_returned,
		AC_to_handle, AC_handled, AC_handled_on_time, AC_overdue,
		AC_rework, AC_extended, AC_hung, AC_to_close, AC_closed,
		AC_closed_on_time, AC_satisfied, AC_basically_satisfied,
		AC_dissatisfied,
	};
	struct assess_counts s;

	tu_assert_ok(assess_sum(f->t->db, "district", "110101", 0, 20260101,
				20271231, &s, &f->err),
		     f->err);
	for (size_t i = 0; i < sizeof seen / sizeof *seen; i++)
		if (s.n[seen[i]] == 0)
			return assess_counter_names[seen[i]];
	/* The counters of posts alone, every post and both departments. */
	if (POST("shift_leader", SHIFT, filed_voided) +
		    POST("receptionist", RECEP, filed_voided) == 0)
		return "filed_voided";
	if (POST("inspector", INSP1, verify_assigned) == 0)
		return "verify_assigned";
	if (POST("inspector", INSP2, checked) == 0)
		return "checked by insp2";
	if (DEPT("110101-SZ", handled) == 0)
		return "handled by SZ";
	if (POST("shift_leader", SHIFT, closed) == 0)
		return "closed by the shift leader";
	/* Ratings both ways: the reporters' and the centre's callbacks;
	 * the inspectors' 不属实. */
	if (tu_query_int(f->t->db, "SELECT COUNT(*) FROM case_event"
				   " WHERE action = 'rate'") == 0)
		return "rate";
	if (tu_query_int(f->t->db, "SELECT COUNT(*) FROM case_event"
				   " WHERE action = 'callback'") == 0)
		return "callback";
	if (tu_query_int(f->t->db, "SELECT COUNT(*) FROM case_event"
				   " WHERE action = 'unfounded'") == 0)
		return "unfounded";
	/* 漏报 on both sides of the beat's change. */
	if (POST("inspector", INSP1, missed) == 0)
		return "missed by insp1";
	if (POST("inspector", INSP2, missed) == 0)
		return "missed by insp2";
	return NULL;
}

/* Histories one on top of the other, from consecutive seeds, until every
 * branch occurred - so that the comparison means something whatever a
 * change of the workflow does to one seed's path - at most four; how
 * many were made. */
#define HISTORIES_MAX 4
static int every_branch_history(struct tu_town *f)
{
	const char *missing = NULL;
	int n = 0;

	while (n < HISTORIES_MAX) {
		random_history(f, 0x9E3779B97F4A7C15ULL + (uint64_t)n++);
		if (!(missing = missing_branch(f)))
			return n;
	}
	fail_msg("no %s in %d random histories", missing, n);
	return n;
}

static void test_rebuild_equals_kept(void **state)
{
	struct tu_town *f = *state;
	struct assess_rebuild_result r;
	int64_t before;
	int histories;

	beats_setup(f);
	histories = every_branch_history(f);
	assert_int_equal(drift(f), 0);
	/* The check can fail: one counter moved by hand is found (the row
	 * kept is not the history's, nor the history's kept: 2). */
	tu_assert_ok(db_exec(f->t->db,
			     "UPDATE assess_day SET rework = rework + 1"
			     " WHERE (day, kind, code) = (SELECT day, kind, code"
			     " FROM assess_day WHERE kind = 'department'"
			     " LIMIT 1)",
			     &f->err),
		     f->err);
	assert_int_equal(drift(f), 2);
	/* So is an area's month row (a community's) that is not the sum
	 * of its grids' days. */
	assert_true(tu_query_int(f->t->db, "SELECT COUNT(*) FROM assess_month"
					   " WHERE kind = 'area'") > 0);
	tu_assert_ok(db_exec(f->t->db,
			     "UPDATE assess_month SET handled = handled + 1"
			     " WHERE (month, kind, code) = (SELECT month, kind,"
			     " code FROM assess_month WHERE kind = 'area'"
			     " LIMIT 1)",
			     &f->err),
		     f->err);
	assert_int_equal(drift(f), 4);
	/* The rebuild writes what the history says; the check agrees. */
	before = tu_query_int(f->t->db, "SELECT COUNT(*) FROM assess_day");
	tu_assert_ok(assess_rebuild(f->t->db, CN, &r, &f->err), f->err);
	assert_int_equal(r.cases, NCASES * histories);
	assert_int_equal(r.lines,
			 tu_query_int(f->t->db, "SELECT COUNT(*) FROM case_event"));
	tu_assert_rows(f->t->db, "assess_day", before);
	assert_int_equal(drift(f), 0);
}

static void test_rebuild_equals_kept_seeds(void **state)
{
	struct tu_town *f = *state;

	/* Two more histories, each on top of the last. */
	beats_setup(f);
	random_history(f, 7);
	assert_int_equal(drift(f), 0);
	random_history(f, 0xC0FFEE);
	assert_int_equal(drift(f), 0);
}

/* ---- an independent recount ---------------------------------------------- */

/* Rows of `recount` (day, code, n: SQL over case_event written here, not
 * through the rules) that the kept counters of `kept` (day, code, n) do
 * not have, in either direction. */
#define MISMATCH(recount, kept)                                          \
	"SELECT (SELECT COUNT(*) FROM (" recount " EXCEPT " kept "))"    \
	" + (SELECT COUNT(*) FROM (" kept " EXCEPT " recount "))"

/* The local day of case_event.at (UTC+8, as the fixture's env). */
#define DAY "CAST(strftime('%Y%m%d', e.at + 28800, 'unixepoch') AS INTEGER)"
/* The department a line is about: the latest dispatch's before it. */
#define DEPARTMENT_AT                                                     \
	"(SELECT json_extract(p.data, '$.department') FROM case_event p"  \
	" WHERE p.case_id = e.case_id AND p.action = 'dispatch'"          \
	" AND p.id <= e.id ORDER BY p.id DESC LIMIT 1)"

static void test_independent_recount(void **state)
{
	struct tu_town *f = *state;

	random_history(f, 42);
	/* Dispatches by dispatcher and day. */
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT " DAY ", e.actor, COUNT(*) FROM case_event e"
			" WHERE e.action = 'dispatch'"
			" AND e.actor_role = 'dispatcher' GROUP BY 1, 2",
			"SELECT day, code, dispatched FROM assess_day"
			" WHERE kind = 'dispatcher' AND dispatched > 0")),
		0);
	/* Handled on time by department and day: at or before the
	 * deadline the line recorded, or from a hung case. */
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT " DAY ", " DEPARTMENT_AT ", COUNT(*)"
			" FROM case_event e WHERE e.action = 'handle'"
			" AND (e.from_state = 'hung' OR e.at <= CAST(strftime("
			"'%s', json_extract(e.data, '$.deadline'))"
			" AS INTEGER)) GROUP BY 1, 2",
			"SELECT day, code, handled_on_time FROM assess_day"
			" WHERE kind = 'department' AND handled_on_time > 0")),
		0);
	/* Rework by department and day: failed checks. */
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT " DAY ", " DEPARTMENT_AT ", COUNT(*)"
			" FROM case_event e WHERE e.action = 'check'"
			" AND json_extract(e.data, '$.passed') = 0"
			" GROUP BY 1, 2",
			"SELECT day, code, rework FROM assess_day"
			" WHERE kind = 'department' AND rework > 0")),
		0);
	/* Reports by place and day: where the report line says. */
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT " DAY ", json_extract(e.data, '$.area'),"
			" COUNT(*) FROM case_event e WHERE e.action = 'report'"
			" GROUP BY 1, 2",
			"SELECT day, code, reported FROM assess_day"
			" WHERE kind = 'place' AND reported > 0")),
		0);
	/* Overdue handling by month, every place (the area rows). */
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT " DAY " / 100, COUNT(*) FROM case_event e"
			" WHERE e.action = 'overdue'"
			" AND json_extract(e.data, '$.stage') = 'handle'"
			" GROUP BY 1",
			"SELECT month, SUM(overdue) FROM assess_month"
			" WHERE kind = 'area' GROUP BY 1"
			" HAVING SUM(overdue) > 0")),
		0);
	/* Reports by street and month, and by community: where the report
	 * line says, cut to the level - against the area rows. */
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT " DAY " / 100, substr(json_extract(e.data,"
			" '$.area'), 1, 9), COUNT(*) FROM case_event e"
			" WHERE e.action = 'report'"
			" AND length(json_extract(e.data, '$.area')) >= 9"
			" GROUP BY 1, 2",
			"SELECT month, substr(code, 1, 9), SUM(reported)"
			" FROM assess_month WHERE kind = 'area'"
			" AND length(code) >= 9 GROUP BY 1, 2"
			" HAVING SUM(reported) > 0")),
		0);
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT " DAY " / 100, substr(json_extract(e.data,"
			" '$.area'), 1, 12), COUNT(*) FROM case_event e"
			" WHERE e.action = 'report'"
			" AND length(json_extract(e.data, '$.area')) >= 12"
			" GROUP BY 1, 2",
			"SELECT month, code, reported FROM assess_month"
			" WHERE kind = 'area' AND length(code) = 12"
			" AND reported > 0")),
		0);
	/* Every counter of every area's month row is the sum of its
	 * place day rows (SQL here, not the upkeep's). */
	assert_int_equal(
		tu_query_int(f->t->db, MISMATCH(
			"SELECT m.day / 100, substr(m.code, 1, 12),"
			" SUM(events), SUM(reported), SUM(filed),"
			" SUM(dispatched), SUM(handled), SUM(handled_on_time),"
			" SUM(overdue), SUM(rework), SUM(closed),"
			" SUM(closed_on_time), SUM(satisfied)"
			" FROM assess_day m WHERE m.kind = 'place'"
			" GROUP BY 1, 2",
			"SELECT month, code, events, reported, filed,"
			" dispatched, handled, handled_on_time, overdue, rework,"
			" closed, closed_on_time, satisfied FROM assess_month"
			" WHERE kind = 'area'")),
		0);
	assert_true(tu_query_int(f->t->db, "SELECT COUNT(*) FROM assess_month"
					   " WHERE kind = 'area'") > 1);
	/* The recounts are not empty. */
	assert_true(tu_query_int(f->t->db, "SELECT COUNT(*) FROM case_event"
					   " WHERE action = 'check'"
					   " AND json_extract(data, '$.passed') = 0")
		    > 0);
	assert_true(tu_query_int(f->t->db, "SELECT COUNT(*) FROM case_event"
					   " WHERE action = 'overdue'") > 0);
}

/* Migrations 0023, 0024 and 0025 give a database counted before the
 * level rows were kept - month rows of the places and categories, none
 * of their levels - the rows the history says (those the upkeep keeps
 * now). */
extern const struct embedded_file schema_sqlite[];
extern const size_t schema_sqlite_count;

static const char *schema_named(const char *name)
{
	for (size_t i = 0; i < schema_sqlite_count; i++)
		if (strcmp(schema_sqlite[i].name, name) == 0)
			return (const char *)schema_sqlite[i].data;
	fail_msg("no migration %s", name);
	return NULL;
}

#define COLUMN_OF(name, zh) ", " #name
#define SUM_OF(name, zh) ", SUM(" #name ")"

static void test_levels_migration(void **state)
{
	struct tu_town *f = *state;

	random_history(f, 5);
	/* As the upkeep before 0023 left them: month rows of places and
	 * of categories, none of levels or areas. */
	tu_assert_ok(db_exec(f->t->db,
			     "DELETE FROM assess_month WHERE kind = 'area';"
			     "INSERT INTO assess_month (month, kind, code, events"
			     ASSESS_COUNTERS(COLUMN_OF) ")"
			     " SELECT day / 100, kind, code, SUM(events)"
			     ASSESS_COUNTERS(SUM_OF) " FROM assess_day"
			     " WHERE kind IN ('place', 'category')"
			     " GROUP BY 1, 2, 3",
			     &f->err),
		     f->err);
	assert_true(tu_query_int(f->t->db, "SELECT COUNT(*) FROM assess_month"
					   " WHERE kind = 'place'") > 0);
	assert_true(drift(f) > 0);
	tu_assert_ok(db_exec(f->t->db, schema_named("0023_assess_levels.sql"),
			     &f->err),
		     f->err);
	assert_true(drift(f) > 0); /* the places' month rows are left */
	tu_assert_ok(db_exec(f->t->db,
			     schema_named("0024_assess_place_days.sql"),
			     &f->err),
		     f->err);
	/* The levels' and the categories' month rows are left. */
	assert_true(drift(f) > 0);
	assert_true(tu_query_int(f->t->db, "SELECT COUNT(*) FROM assess_month"
					   " WHERE kind = 'category'") > 0);
	tu_assert_ok(db_exec(f->t->db, schema_named("0025_assess_areas.sql"),
			     &f->err),
		     f->err);
	assert_int_equal(drift(f), 0);
}

/* ---- failures -------------------------------------------------------------- */

/* A step failing anywhere in an action - the case, its line, the
 * counters - leaves the case and the counters as they were. */
static void test_step_failures(void **state)
{
	struct tu_town *f = *state;
	struct case_row *c = f->c;
	int64_t version, rows;
	int failed = 0;

	report(f, T0, c);
	act(f, SHIFT, c, CA_FILE, T0 + 60);
	version = c->version;
	rows = tu_query_int(f->t->db, "SELECT SUM(events) FROM assess_day");
	for (int n = 1;; n++) {
		struct case_action_input in = input(c, "110101-HW", 1);
		int rc;

		fault_arm(FAULT_DB_STEP, n);
		rc = act_in(f, DISP, c, CA_DISPATCH, &in, T0 + 120);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		failed++;
		tu_assert_ok(store_case_get(f->t->db, c->id, c, &f->err),
			     f->err);
		assert_int_equal(c->version, version);
		assert_int_equal(tu_query_int(f->t->db,
					      "SELECT SUM(events) FROM assess_day"),
				 rows);
		assert_int_equal(drift(f), 0);
	}
	assert_true(failed > 3);
	assert_int_equal(DEPT("110101-HW", dispatched), 1);
	assert_int_equal(drift(f), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_path_on_time_and_late),
		T(test_extension),
		T(test_rework),
		T(test_return_and_redispatch),
		T(test_merge_reject_void),
		T(test_hang_unhang),
		T(test_overdue),
		T(test_verification),
		T(test_rating),
		T(test_callback),
		T(test_local_days_and_months),
		T(test_located_later),
		T(test_missed),
		T(test_rebuild_equals_kept),
		T(test_rebuild_equals_kept_seeds),
		T(test_independent_recount),
		T(test_levels_migration),
		T(test_step_failures),
	};
#undef T
	return cmocka_run_group_tests(tests, tu_group_calendar,
				      tu_group_calendar_free);
}
