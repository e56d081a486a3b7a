/*
 * test_eval.c - the formulas of evaluation (domain/assess/eval.h) on
 * hand-computed examples: one per kind under the default scheme, the
 * worked examples of docs/assessment.md, rates whose denominator is 0
 * (not scored, weights rescaled), grades at the edges of the bands,
 * volume steps, the scheme's JSON and every refusal of a bad one, and
 * the properties of a ranking (ordered by score then code, ranks a
 * permutation of the scored, grades the bands').
 */
#include "testutil.h"

#include <math.h>

#include "domain/assess/eval.h"

#define C(name, v) c.n[AC_##name] = (v)

static void eval(enum assess_eval_kind k, const struct assess_counts *c,
		 int32_t days, int64_t grids, struct assess_result *r)
{
	struct assess_scheme s;

	assess_scheme_defaults(&s);
	assess_evaluate(&s, k, c, days, grids, r);
}

static void assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9)
		fail_msg("got %.12f, want %.12f", got, want);
}

static void test_inspector(void **state)
{
	struct assess_counts c = { 0 };
	struct assess_result r;

	(void)state;
	/* 有效上报率 16/20, 发现率 16/(16+4), 按时核实率 8/10, 按时核查率
	 * 5/5: 0.4*0.8 + 0.2*0.8 + 0.2*0.8 + 0.2*1 = 0.84. */
	C(reported, 20); C(valid_reported, 16); C(missed, 4);
	C(verified, 10); C(verified_on_time, 8);
	C(checked, 5); C(checked_on_time, 5);
	eval(EK_INSPECTORS, &c, 30, 0, &r);
	assert_near(r.rate[AR_VALID_REPORT], 0.8);
	assert_near(r.rate[AR_FOUND], 0.8);
	assert_near(r.rate[AR_CHECK_ON_TIME], 1);
	assert_true(r.scored);
	assert_near(r.score, 84);
	assert_int_equal(r.grade, 'B');
	/* Not the kind's rates: not computed. */
	assert_false(r.has_rate[AR_CLOSURE]);
	assert_false(r.has_volume);
	/* Nothing answered to check: 按时核查率 not scored, the other
	 * weights rescaled: (0.32 + 0.16 + 0.16) / 0.8 = 0.8. */
	C(checked, 0); C(checked_on_time, 0);
	eval(EK_INSPECTORS, &c, 30, 0, &r);
	assert_false(r.has_rate[AR_CHECK_ON_TIME]);
	assert_near(r.score, 80);
}

static void test_receptionist(void **state)
{
	struct assess_counts c = { 0 };
	struct assess_result r;

	(void)state;
	/* 600 reports in 30 days: the 501 step, 75; 核实按时派发率 45/50:
	 * 0.25*0.75 + 0.75*0.9 = 0.8625. */
	C(reported, 600); C(verify_sent, 50); C(verify_sent_on_time, 45);
	eval(EK_RECEPTIONISTS, &c, 30, 0, &r);
	assert_near(r.volume_value, 600);
	assert_near(r.volume_score, 75);
	assert_near(r.score, 86.25);
	assert_int_equal(r.grade, 'B');
	/* 601 in 15 days is 1202 per 30: the 1201 step, 90: 0.9, an A. */
	C(reported, 601);
	eval(EK_RECEPTIONISTS, &c, 15, 0, &r);
	assert_near(r.volume_value, 1202);
	assert_near(r.volume_score, 90);
	assert_near(r.score, 90);
	assert_int_equal(r.grade, 'A');
	/* The volume alone scores nothing. */
	C(verify_sent, 0); C(verify_sent_on_time, 0);
	eval(EK_RECEPTIONISTS, &c, 15, 0, &r);
	assert_true(r.has_volume);
	assert_false(r.scored);
	assert_int_equal(r.grade, 0);
}

static void test_shift_leader(void **state)
{
	struct assess_counts c = { 0 };
	struct assess_result r;

	(void)state;
	/* 按时立案率 30/40, 准确立案率 (40-2)/40, 按时结案率 19/20:
	 * 0.25*0.75 + 0.4*0.95 + 0.35*0.95 = 0.9: exactly the A band. */
	C(filed, 40); C(filed_on_time, 30); C(filed_voided, 2);
	C(closed, 20); C(closed_on_time, 19);
	eval(EK_SHIFT_LEADERS, &c, 30, 0, &r);
	assert_near(r.rate[AR_ACCURATE_FILING], 0.95);
	assert_near(r.score, 90);
	assert_int_equal(r.grade, 'A');
	/* More voided than filed in the period (filed earlier): 0, not
	 * negative. */
	C(filed_voided, 50);
	eval(EK_SHIFT_LEADERS, &c, 30, 0, &r);
	assert_near(r.rate[AR_ACCURATE_FILING], 0);
}

static void test_dispatcher(void **state)
{
	struct assess_counts c = { 0 };
	struct assess_result r;

	(void)state;
	/* 200 dispatches: the 151 step, 60; 按时派遣率 180/200; 准确派遣率
	 * 45/(45+5): 0.2*0.6 + 0.4*0.9 + 0.4*0.9 = 0.84. */
	C(dispatched, 200); C(dispatched_on_time, 180);
	C(dispatched_correctly, 45); C(returned, 5);
	eval(EK_DISPATCHERS, &c, 30, 0, &r);
	assert_near(r.volume_score, 60);
	assert_near(r.rate[AR_ACCURATE_DISPATCH], 0.9);
	assert_near(r.score, 84);
}

/* docs/assessment.md, worked example 1. */
static void test_department(void **state)
{
	struct assess_counts c = { 0 };
	struct assess_result r;

	(void)state;
	/* 结案率 18/20, 按时处置率 20/25, 一次核查通过率 20/(20+5), 满意率
	 * (3+1)/5: 0.3*0.9 + 0.3*0.8 + 0.3*0.8 + 0.1*0.8 = 0.83. */
	C(closed, 18); C(to_close, 20); C(handled, 25); C(handled_on_time, 20);
	C(rework, 5); C(satisfied, 3); C(basically_satisfied, 1);
	C(dissatisfied, 1);
	eval(EK_DEPARTMENTS, &c, 30, 0, &r);
	assert_near(r.rate[AR_CLOSURE], 0.9);
	assert_near(r.rate[AR_NO_REWORK], 0.8);
	assert_near(r.rate[AR_SATISFACTION], 0.8);
	assert_near(r.score, 83);
	assert_int_equal(r.grade, 'B');
	/* No ratings: 0.75 / 0.9 = 83.33. */
	C(satisfied, 0); C(basically_satisfied, 0); C(dissatisfied, 0);
	eval(EK_DEPARTMENTS, &c, 30, 0, &r);
	assert_false(r.has_rate[AR_SATISFACTION]);
	assert_near(r.score, 83.33);
	/* Closures of cases checked last month: capped at 1. */
	C(closed, 30);
	eval(EK_DEPARTMENTS, &c, 30, 0, &r);
	assert_near(r.rate[AR_CLOSURE], 1);
}

/* docs/assessment.md, worked example 2: a street of 10 grids, 30 days. */
static void test_area(void **state)
{
	struct assess_counts c = { 0 };
	struct assess_result r;

	(void)state;
	/* 监督指数: 主动发现率 40/(40+10), 按时核实率 9/10, 按时核查率
	 * 36/40: 0.5*0.8 + 0.25*0.9 + 0.25*0.9 = 85. */
	C(valid_reported, 40); C(valid_public, 10);
	C(verified, 10); C(verified_on_time, 9);
	C(checked, 40); C(checked_on_time, 36);
	/* 处置指数: 按时处置率 45/50, 结案率 45/45, 一次核查通过率
	 * 45/(45+5): 0.4*0.9 + 0.3*1 + 0.3*0.9 = 93. */
	C(handled, 50); C(handled_on_time, 45); C(to_close, 45); C(closed, 45);
	C(rework, 5);
	/* 立案数分值: 50 filed / 10 grids = 5 a grid: 60. */
	C(filed, 50);
	eval(EK_STREETS, &c, 30, 10, &r);
	assert_true(r.has_supervision && r.has_disposal);
	assert_near(r.supervision, 85);
	assert_near(r.disposal, 93);
	assert_near(r.volume_value, 5);
	assert_near(r.volume_score, 60);
	/* 综合指数 0.3*85 + 0.5*93 + 0.2*60 = 84. */
	assert_near(r.score, 84);
	assert_int_equal(r.grade, 'B');
	/* Without grids the volume is not scored: (25.5 + 46.5) / 0.8. */
	eval(EK_STREETS, &c, 30, 0, &r);
	assert_false(r.has_volume);
	assert_near(r.score, 90);
	/* Only supervision: the disposal index not scored. */
	C(handled, 0); C(handled_on_time, 0); C(to_close, 0); C(closed, 0);
	C(rework, 0);
	eval(EK_GRIDS, &c, 30, 1, &r);
	assert_false(r.has_disposal);
	/* 50 filed in one grid is the 9 step, 0: (0.3*85 + 0.2*0) / 0.5
	 * = 51. */
	assert_near(r.volume_score, 0);
	assert_near(r.score, 51);
	assert_int_equal(r.grade, 'D');
	/* A grid without cases: nothing to score. */
	memset(&c, 0, sizeof c);
	eval(EK_GRIDS, &c, 30, 1, &r);
	assert_near(r.volume_score, 100);
	assert_false(r.scored);
}

static void test_grades(void **state)
{
	struct assess_scheme s;
	static const struct {
		double score;
		char grade;
	} cases[] = {
		{ 100, 'A' }, { 90, 'A' }, { 89.99, 'B' }, { 75, 'B' },
		{ 74.99, 'C' }, { 60, 'C' }, { 59.99, 'D' }, { 40, 'D' },
		{ 39.99, 'E' }, { 0, 'E' },
	};

	(void)state;
	assess_scheme_defaults(&s);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(assess_grade(&s, cases[i].score),
				 cases[i].grade);
}

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return j;
}

static void expect_refused(const char *text, const char *field)
{
	struct assess_scheme s, before;
	struct ug_error err;
	json_t *j = parse(text);

	assess_scheme_defaults(&s);
	before = s;
	ug_error_clear(&err);
	tu_assert_err(assess_scheme_apply(&s, j, &err), err, UG_EINVAL, field);
	assert_memory_equal(&s, &before, sizeof s);
	json_decref(j);
}

static void test_scheme_refusals(void **state)
{
	(void)state;
	expect_refused("[]", "scheme");
	expect_refused("{\"colour\": 1}", "colour");
	expect_refused("{\"weights\": 1}", "weights");
	expect_refused("{\"weights\": {\"janitors\": {}}}", "weights.janitors");
	/* Sums to 0.9. */
	expect_refused("{\"weights\": {\"inspectors\": {\"valid_report_rate\": "
		       "0.3, \"found_rate\": 0.2, \"verify_on_time_rate\": 0.2, "
		       "\"check_on_time_rate\": 0.2}}}",
		       "weights.inspectors");
	/* A part missing, a part unknown, a negative weight. */
	expect_refused("{\"weights\": {\"receptionists\": {\"volume\": 1}}}",
		       "weights.receptionists");
	expect_refused("{\"weights\": {\"receptionists\": {\"volume\": 0.5, "
		       "\"speed\": 0.5}}}",
		       "weights.receptionists");
	expect_refused("{\"weights\": {\"areas\": {\"supervision_index\": 1.5, "
		       "\"disposal_index\": -0.5, \"volume\": 0}}}",
		       "weights.areas");
	expect_refused("{\"bands\": {\"A\": 90, \"B\": 75, \"C\": 60}}", "bands");
	expect_refused("{\"bands\": {\"A\": 90, \"B\": 95, \"C\": 60, \"D\": 40}}",
		       "bands.B");
	expect_refused("{\"bands\": {\"A\": 101, \"B\": 75, \"C\": 60, \"D\": 40}}",
		       "bands.A");
	expect_refused("{\"bands\": {\"A\": 90, \"B\": 75, \"C\": 60, \"D\": 0}}",
		       "bands.D");
	expect_refused("{\"volume\": {\"areas\": [[1, 100]]}}", "volume.areas");
	expect_refused("{\"volume\": {\"areas\": [[0, 100], [0, 90]]}}",
		       "volume.areas");
	expect_refused("{\"volume\": {\"dispatchers\": [[0, 101]]}}",
		       "volume.dispatchers");
	expect_refused("{\"volume\": {\"leaders\": [[0, 1]]}}", "volume.leaders");
	/* A good group before a bad one changes nothing either. */
	expect_refused("{\"bands\": {\"A\": 95, \"B\": 80, \"C\": 60, \"D\": 40},"
		       " \"volume\": {\"areas\": []}}",
		       "volume.areas");
}

static void test_scheme_apply_and_json(void **state)
{
	struct assess_scheme s, t;
	struct ug_error err;
	json_t *j, *back;
	struct assess_counts c = { 0 };
	struct assess_result r;

	(void)state;
	assess_scheme_defaults(&s);
	/* The defaults' weights sum to 1, group by group (read back). */
	j = assess_scheme_json(&s, 8 * 3600);
	assess_scheme_defaults(&t);
	ug_error_clear(&err);
	tu_assert_ok(assess_scheme_apply(&t, j, &err), err);
	assert_memory_equal(t.weights, s.weights, sizeof s.weights);
	assert_memory_equal(t.bands, s.bands, sizeof s.bands);
	assert_memory_equal(t.volume, s.volume, sizeof s.volume);
	assert_true(json_is_null(json_object_get(j, "effective")));
	json_decref(j);
	/* Raise A to 95 and weigh departments by on-time handling alone. */
	j = parse("{\"bands\": {\"A\": 95, \"B\": 80, \"C\": 60, \"D\": 40},"
		  " \"weights\": {\"departments\": {\"closure_rate\": 0,"
		  " \"handled_on_time_rate\": 1, \"no_rework_rate\": 0,"
		  " \"satisfaction_rate\": 0}}}");
	tu_assert_ok(assess_scheme_apply(&s, j, &err), err);
	json_decref(j);
	assert_int_equal(assess_grade(&s, 92), 'B');
	C(handled, 10); C(handled_on_time, 7); C(to_close, 10); C(closed, 10);
	assess_evaluate(&s, EK_DEPARTMENTS, &c, 30, 0, &r);
	assert_near(r.score, 70);
	assert_int_equal(r.grade, 'C');
	/* The JSON carries the version and when it took effect. */
	s.version = 3;
	s.effective_at = 1764518400; /* 2025-11-30T16:00:00Z */
	back = assess_scheme_json(&s, 8 * 3600);
	assert_int_equal(json_integer_value(json_object_get(back, "version")), 3);
	assert_string_equal(json_string_value(json_object_get(back, "effective")),
			    "2025-12-01T00:00:00+08:00");
	assert_near(json_number_value(json_object_get(
			    json_object_get(back, "bands"), "A")),
		    95);
	json_decref(back);
}

/* A row for the ranking tests. */
static void row(struct assess_row *r, const char *code, int scored,
		double score)
{
	memset(r, 0, sizeof *r);
	snprintf(r->code, sizeof r->code, "%s", code);
	r->r.scored = scored;
	r->r.score = score;
}

static void test_rank(void **state)
{
	struct assess_row rows[5];

	(void)state;
	row(&rows[0], "b", 1, 80);
	row(&rows[1], "c", 1, 90);
	row(&rows[2], "0", 0, 0);
	row(&rows[3], "a", 1, 80);
	row(&rows[4], "d", 1, 10);
	assess_rank_rows(rows, 5);
	assert_string_equal(rows[0].code, "c");
	assert_int_equal(rows[0].rank, 1);
	assert_string_equal(rows[1].code, "a"); /* a tie: by code */
	assert_int_equal(rows[1].rank, 2);
	assert_string_equal(rows[2].code, "b");
	assert_int_equal(rows[2].rank, 3);
	assert_string_equal(rows[3].code, "d");
	assert_int_equal(rows[3].rank, 4);
	assert_string_equal(rows[4].code, "0");
	assert_int_equal(rows[4].rank, 0);
	assess_rank_rows(rows, 0);
}

/* Properties over random counters of random kinds: the ranks of the
 * scored rows are 1..n in order of score then code, every score lies in
 * 0..100 and its grade is the band's, every rate shown lies in 0..1. */
static void test_rank_properties(void **state)
{
	enum { N = 300 };
	struct assess_row *rows = calloc(N, sizeof *rows);
	struct assess_scheme s;
	unsigned seed = 15;

	(void)state;
	assert_non_null(rows);
	assess_scheme_defaults(&s);
	for (int round = 0; round < 20; round++) {
		enum assess_eval_kind k = (enum assess_eval_kind)(round % EK_COUNT);
		int scored = 0, seen[N + 1] = { 0 };

		for (int i = 0; i < N; i++) {
			struct assess_row *r = &rows[i];

			memset(r, 0, sizeof *r);
			snprintf(r->code, sizeof r->code, "%05u",
				 (unsigned)rand_r(&seed) % 1000);
			for (int c = 0; c < AC_COUNT; c++)
				r->counts.n[c] = rand_r(&seed) % 4 == 0
							 ? 0
							 : rand_r(&seed) % 30;
			assess_evaluate(&s, k, &r->counts, 1 + round, 1 + i % 7,
					&r->r);
			scored += r->r.scored;
		}
		assess_rank_rows(rows, N);
		for (int i = 0; i < N; i++) {
			struct assess_row *r = &rows[i];

			for (int p = 0; p < AR_COUNT; p++)
				if (r->r.has_rate[p])
					assert_true(r->r.rate[p] >= 0 &&
						    r->r.rate[p] <= 1);
			if (!r->r.scored) {
				assert_int_equal(r->rank, 0);
				assert_int_equal(r->r.grade, 0);
				assert_true(i >= scored);
				continue;
			}
			assert_true(r->r.score >= 0 && r->r.score <= 100);
			assert_int_equal(r->r.grade, assess_grade(&s, r->r.score));
			assert_true(r->rank >= 1 && r->rank <= scored);
			assert_int_equal(seen[r->rank], 0);
			seen[r->rank] = 1;
			if (i > 0) {
				struct assess_row *q = &rows[i - 1];

				assert_true(q->r.score > r->r.score ||
					    (q->r.score == r->r.score &&
					     strcmp(q->code, r->code) <= 0));
			}
		}
		assert_true(scored > 0);
	}
	free(rows);
}

static void test_names(void **state)
{
	int shown[AR_COUNT];

	(void)state;
	assert_int_equal(assess_eval_kind_parse("shift_leaders"), EK_SHIFT_LEADERS);
	assert_int_equal(assess_eval_kind_parse("districts"), EK_DISTRICTS);
	assert_int_equal(assess_eval_kind_parse("wards"), -1);
	assert_int_equal(assess_eval_kind_parse(NULL), -1);
	assert_string_equal(assess_rate_name(AR_NO_REWORK), "no_rework_rate");
	assert_string_equal(assess_part_name(ASSESS_PART_VOLUME), "volume");
	/* An area shows its two indices' rates, each once. */
	assert_int_equal(assess_kind_rates(EK_STREETS, shown), 6);
	assert_int_equal(shown[0], AR_DISCOVERY);
	assert_int_equal(shown[3], AR_HANDLED_ON_TIME);
	assert_int_equal(assess_kind_rates(EK_RECEPTIONISTS, shown), 1);
	assert_int_equal(shown[0], AR_VERIFY_SENT_ON_TIME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspector),
		cmocka_unit_test(test_receptionist),
		cmocka_unit_test(test_shift_leader),
		cmocka_unit_test(test_dispatcher),
		cmocka_unit_test(test_department),
		cmocka_unit_test(test_area),
		cmocka_unit_test(test_grades),
		cmocka_unit_test(test_scheme_refusals),
		cmocka_unit_test(test_scheme_apply_and_json),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_rank_properties),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("eval", tests, NULL, NULL);
}
