/*
 * test_honours.c - the drawing of the red and black lists
 * (domain/assess/honours.h) on hand-made rankings: the default rules,
 * top and bottom N with ties at the edge, grades, "all" against "any",
 * the overdue threshold, a row on both sides going black, unscored rows,
 * no criterion; the rules' JSON inside the scheme and every refusal; the
 * public JSON holding lists of units only and naming no publisher.
 */
#include "testutil.h"

#include <string.h>

#include "domain/assess/honours.h"
#include "domain/assess/rank.h"
#include "domain/org/roles.h"

#define OFFSET (8 * 3600)

/* A row scored `score` (negative: not scored), graded by the default
 * bands, with `overdue` overdue. */
static void row(struct assess_row *r, const char *code, double score,
		int64_t overdue)
{
	struct assess_scheme s;

	assess_scheme_defaults(&s);
	memset(r, 0, sizeof *r);
	snprintf(r->code, sizeof r->code, "%s", code);
	snprintf(r->name, sizeof r->name, "单位%s", code);
	if (score >= 0) {
		r->r.scored = 1;
		r->r.score = score;
		r->r.grade = assess_grade(&s, score);
	}
	r->counts.n[AC_overdue] = overdue;
}

/* The codes of a list joined by ",". */
static const char *codes(const struct honours_entry *e, size_t n)
{
	static char out[256];

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s",
			 i ? "," : "", e[i].code);
	return out;
}

static void draw(const struct assess_honours_rules *rules,
		 struct assess_row *rows, size_t n, struct honours_list *l)
{
	struct ug_error err;

	memset(l, 0, sizeof *l);
	assess_rank_rows(rows, n);
	assert_int_equal(honours_draw(rules, rows, n, l, &err), 0);
}

static void rule(struct assess_honours_rule *r, const char *grades, int count,
		 int all)
{
	snprintf(r->grades, sizeof r->grades, "%s", grades);
	r->count = count;
	r->all = all;
}

static void test_defaults(void **state)
{
	struct assess_row rows[10];
	struct assess_honours_rules rules;
	struct honours_list l;

	(void)state;
	assess_honours_defaults(&rules);
	row(&rows[0], "a", 95, 0);   /* A, top 3: red */
	row(&rows[1], "b", 92, 0);   /* A, top 3: red */
	row(&rows[2], "c", 91, 0);   /* A, top 3: red */
	row(&rows[3], "d", 90.5, 0); /* A, not top 3 */
	row(&rows[4], "e", 70, 0);   /* C */
	row(&rows[5], "f", 45, 0);   /* D, not bottom 3 */
	row(&rows[6], "g", 30, 0);   /* E, bottom 3: black */
	row(&rows[7], "h", 20, 0);
	row(&rows[8], "i", 10, 0);
	row(&rows[9], "j", -1, 99);  /* not scored; no threshold by default */
	draw(&rules, rows, 10, &l);
	assert_string_equal(codes(l.red, l.n_red), "a,b,c");
	assert_string_equal(codes(l.black, l.n_black), "i,h,g");
	assert_int_equal(l.red[0].reasons, HR_GRADE | HR_TOP);
	assert_int_equal(l.black[0].reasons, HR_GRADE | HR_BOTTOM);
	assert_int_equal(l.red[0].rank, 1);
	assert_int_equal(l.red[0].grade, 'A');
	assert_int_equal(l.black[0].rank, 9);
	assert_string_equal(l.black[0].name, "单位i");
	honours_list_free(&l);
	/* A poor period: the top three are not A - no red list. */
	row(&rows[0], "a", 85, 0);
	row(&rows[1], "b", 80, 0);
	row(&rows[2], "c", 79, 0);
	draw(&rules, rows, 3, &l);
	assert_int_equal(l.n_red, 0);
	assert_int_equal(l.n_black, 0);
	honours_list_free(&l);
}

static void test_ties(void **state)
{
	struct assess_row rows[6];
	struct assess_honours_rules rules;
	struct honours_list l;

	(void)state;
	assess_honours_defaults(&rules);
	rule(&rules.red, "", 2, 1);
	rule(&rules.black, "", 1, 1);
	row(&rows[0], "a", 95, 0);
	row(&rows[1], "c", 90, 0);
	row(&rows[2], "b", 90, 0); /* tied with the 2nd: in */
	row(&rows[3], "d", 80, 0);
	row(&rows[4], "f", 50, 0);
	row(&rows[5], "e", 50, 0); /* tied with the last: in */
	draw(&rules, rows, 6, &l);
	assert_string_equal(codes(l.red, l.n_red), "a,b,c");
	assert_string_equal(codes(l.black, l.n_black), "f,e");
	honours_list_free(&l);
	/* N beyond the rows: every scored row. */
	rule(&rules.red, "", 50, 1);
	rule(&rules.black, "", 0, 1);
	draw(&rules, rows, 6, &l);
	assert_int_equal(l.n_red, 6);
	assert_int_equal(l.n_black, 0);
	honours_list_free(&l);
}

static void test_match(void **state)
{
	struct assess_row rows[4];
	struct assess_honours_rules rules;
	struct honours_list l;

	(void)state;
	assess_honours_defaults(&rules);
	row(&rows[0], "a", 95, 0); /* A, top 1 */
	row(&rows[1], "b", 91, 0); /* A */
	row(&rows[2], "c", 80, 0); /* B */
	row(&rows[3], "d", 35, 0); /* E */
	/* any: grade A or the top 1. */
	rule(&rules.red, "A", 1, 0);
	rule(&rules.black, "DE", 2, 0);
	draw(&rules, rows, 4, &l);
	assert_string_equal(codes(l.red, l.n_red), "a,b");
	assert_int_equal(l.red[0].reasons, HR_GRADE | HR_TOP);
	assert_int_equal(l.red[1].reasons, HR_GRADE);
	/* bottom 2 (d, c) or D-E (d). */
	assert_string_equal(codes(l.black, l.n_black), "d,c");
	assert_int_equal(l.black[1].reasons, HR_BOTTOM);
	honours_list_free(&l);
	/* all: grade B and the top 1 - nobody. */
	rule(&rules.red, "B", 1, 1);
	draw(&rules, rows, 4, &l);
	assert_int_equal(l.n_red, 0);
	honours_list_free(&l);
	/* No criterion at all: an empty list, whatever "match" says. */
	rule(&rules.red, "", 0, 0);
	rule(&rules.black, "", 0, 1);
	draw(&rules, rows, 4, &l);
	assert_int_equal(l.n_red + l.n_black, 0);
	honours_list_free(&l);
}

static void test_overdue_and_both(void **state)
{
	struct assess_row rows[5];
	struct assess_honours_rules rules;
	struct honours_list l;

	(void)state;
	assess_honours_defaults(&rules);
	rules.overdue_above = 5;
	row(&rows[0], "a", 95, 6);  /* A, top: but overdue 6 - black */
	row(&rows[1], "b", 93, 5);  /* at the threshold: not above */
	row(&rows[2], "c", 80, 0);
	row(&rows[3], "d", -1, 10); /* not scored: black by overdue */
	row(&rows[4], "e", -1, 0);  /* not scored: on no list */
	draw(&rules, rows, 5, &l);
	assert_string_equal(codes(l.red, l.n_red), "b");
	assert_string_equal(codes(l.black, l.n_black), "a,d");
	assert_int_equal(l.black[0].reasons, HR_OVERDUE);
	assert_int_equal(l.black[1].reasons, HR_OVERDUE);
	assert_false(l.black[1].scored);
	assert_int_equal(l.black[1].overdue, 10);
	honours_list_free(&l);
	/* Two rows, top 3 and bottom 3 of anything: both on black alone. */
	assess_honours_defaults(&rules);
	rule(&rules.red, "", 3, 0);
	rule(&rules.black, "", 3, 0);
	draw(&rules, rows + 1, 2, &l);
	assert_int_equal(l.n_red, 0);
	assert_string_equal(codes(l.black, l.n_black), "c,b");
	honours_list_free(&l);
	/* An empty ranking: empty lists. */
	draw(&rules, rows, 0, &l);
	assert_int_equal(l.n_red + l.n_black, 0);
	honours_list_free(&l);
}

static void refuse(const char *text, const char *field)
{
	struct assess_scheme s, before;
	struct ug_error err;
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	assert_non_null(j);
	assess_scheme_defaults(&s);
	before = s;
	ug_error_clear(&err);
	assert_int_equal(assess_scheme_apply(&s, j, &err), -UG_EINVAL);
	assert_string_equal(err.field, field);
	assert_memory_equal(&s, &before, sizeof s);
	json_decref(j);
}

static void test_rules_json(void **state)
{
	struct assess_scheme s;
	struct ug_error err;
	json_error_t je;
	json_t *in, *out;

	(void)state;
	assess_scheme_defaults(&s);
	in = json_loads("{\"honours\":{\"red\":{\"grades\":\"BA\",\"top\":5,"
			"\"match\":\"any\"},\"black\":{\"grades\":\"E\","
			"\"bottom\":0,\"match\":\"all\",\"overdue_above\":3}}}",
			0, &je);
	assert_int_equal(assess_scheme_apply(&s, in, &err), 0);
	json_decref(in);
	assert_string_equal(s.honours.red.grades, "AB");
	assert_int_equal(s.honours.red.count, 5);
	assert_false(s.honours.red.all);
	assert_int_equal(s.honours.black.count, 0);
	assert_int_equal(s.honours.overdue_above, 3);
	/* The scheme's JSON reads back the same. */
	out = assess_scheme_json(&s, 8 * 3600);
	{
		struct assess_scheme back;

		assess_scheme_defaults(&back);
		assert_int_equal(assess_scheme_apply(&back, out, &err), 0);
		assert_memory_equal(&back.honours, &s.honours, sizeof s.honours);
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(
				    json_object_get(out, "honours"), "red"),
							      "match")),
			    "any");
	json_decref(out);
	/* overdue_above null or absent: off. */
	in = json_loads("{\"honours\":{\"black\":{\"grades\":\"\",\"bottom\":1,"
			"\"match\":\"all\",\"overdue_above\":null}}}",
			0, &je);
	assert_int_equal(assess_scheme_apply(&s, in, &err), 0);
	assert_int_equal(s.honours.overdue_above, -1);
	json_decref(in);
	refuse("{\"honours\":[]}", "honours");
	refuse("{\"honours\":{\"pink\":{}}}", "honours.pink");
	refuse("{\"honours\":{\"red\":3}}", "honours.red");
	refuse("{\"honours\":{\"red\":{\"grades\":\"A\",\"top\":1,"
	       "\"match\":\"all\",\"bottom\":2}}}",
	       "honours.red.bottom");
	refuse("{\"honours\":{\"red\":{\"top\":1,\"match\":\"all\"}}}",
	       "honours.red.grades");
	refuse("{\"honours\":{\"red\":{\"grades\":\"AA\",\"top\":1,"
	       "\"match\":\"all\"}}}",
	       "honours.red.grades");
	refuse("{\"honours\":{\"red\":{\"grades\":\"F\",\"top\":1,"
	       "\"match\":\"all\"}}}",
	       "honours.red.grades");
	refuse("{\"honours\":{\"red\":{\"grades\":\"A\",\"top\":1.5,"
	       "\"match\":\"all\"}}}",
	       "honours.red.top");
	refuse("{\"honours\":{\"red\":{\"grades\":\"A\",\"top\":1001,"
	       "\"match\":\"all\"}}}",
	       "honours.red.top");
	refuse("{\"honours\":{\"black\":{\"grades\":\"E\",\"bottom\":1,"
	       "\"match\":\"most\"}}}",
	       "honours.black.match");
	refuse("{\"honours\":{\"black\":{\"grades\":\"E\",\"bottom\":1,"
	       "\"match\":\"any\",\"overdue_above\":-1}}}",
	       "honours.black.overdue_above");
}

static void test_public_json(void **state)
{
	struct assess_row rows[2];
	struct honours_list l;
	json_t *pub, *staff;

	(void)state;
	for (int k = 0; k < EK_COUNT; k++)
		assert_int_equal(honours_kind_is_public(k),
				 k == EK_DEPARTMENTS || k >= EK_GRIDS);
	row(&rows[0], "110101001", 95, 0);
	row(&rows[1], "110101002", 20, 0);
	draw(&(struct assess_honours_rules){ .red = { "A", 1, 1 },
					      .black = { "E", 1, 1 },
					      .overdue_above = -1 },
	     rows, 2, &l);
	l.kind = EK_STREETS;
	assert_int_equal(period_parse("2026-11", &l.period, NULL), 0);
	snprintf(l.area, sizeof l.area, "110101");
	snprintf(l.area_name, sizeof l.area_name, "东城区");
	l.version = 2;
	l.published_at = 1795000000;
	snprintf(l.published_by, sizeof l.published_by, "leader");
	pub = honours_list_json(&l, 8 * 3600, 1);
	staff = honours_list_json(&l, 8 * 3600, 0);
	assert_non_null(pub);
	assert_null(json_object_get(pub, "published_by"));
	assert_null(json_object_get(pub, "rules"));
	assert_string_equal(json_string_value(json_object_get(staff, "published_by")),
			    "leader");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(pub, "area"), "name")),
			    "东城区");
	assert_int_equal(json_array_size(json_object_get(pub, "red")), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(pub, "black"), 0), "code")),
		"110101002");
	json_decref(pub);
	json_decref(staff);
	/* A list of people is never public. */
	l.kind = EK_INSPECTORS;
	assert_null(honours_list_json(&l, 8 * 3600, 1));
	staff = honours_list_json(&l, 8 * 3600, 0);
	assert_non_null(staff);
	json_decref(staff);
	honours_list_free(&l);
}

/* Two departments of a district: HW handled everything in time, SZ
 * half; their November 2026. */
static void city(struct db *db)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(
		db_exec(db,
			"INSERT INTO division VALUES ('110101', '东城区', 'district', NULL, 0);"
			"INSERT INTO department (code, name, kind, type, parent, created_at) VALUES"
			" ('110101-HW', '环卫', 'professional', 'sanitation', NULL, 0),"
			" ('110101-SZ', '市政', 'professional', 'municipal', NULL, 0);"
			"INSERT INTO assess_month (month, kind, code, events, handled,"
			" handled_on_time, to_close, closed, overdue) VALUES"
			" (202611, 'department', '110101-HW', 1, 10, 10, 10, 10, 0),"
			" (202611, 'department', '110101-SZ', 1, 10, 1, 10, 2, 7);",
			&err),
		err);
}

/* honours_current(), the bulletins' door: the draft until a version is
 * published, then the last version; publication numbered per (kind,
 * period, area), the comment kept; a list of another area is not this
 * one's. */
static void test_current_and_publish(void **state)
{
	struct tu_env *env = tu_env_new(1);
	struct honours_list l, d, p;
	struct period nov;
	struct ug_error err;
	struct actor root;
	struct user u;
	int published;

	(void)state;
	city(env->db);
	actor_root(&u, "test", &root);
	ug_error_clear(&err);
	tu_assert_ok(period_parse("2026-11", &nov, &err), err);
	tu_assert_ok(honours_current(env->db, &root, OFFSET, EK_DEPARTMENTS, &nov,
				     "", &l, &published, &err), err);
	assert_false(published);
	assert_int_equal(l.version, 0);
	assert_int_equal(l.ranked, 2);
	tu_assert_ok(honours_draft(env->db, &root, OFFSET, "departments",
				   "2026-11", NULL, &d, &err), err);
	{
		char red[256], black[256];

		/* codes() answers in one buffer: keep the draft's first. */
		snprintf(red, sizeof red, "%s", codes(d.red, d.n_red));
		snprintf(black, sizeof black, "%s", codes(d.black, d.n_black));
		assert_string_equal(codes(l.red, l.n_red), red);
		assert_string_equal(codes(l.black, l.n_black), black);
	}
	assert_string_equal(codes(d.red, d.n_red), "110101-HW");
	assert_string_equal(codes(d.black, d.n_black), "110101-SZ");
	honours_list_free(&l);
	honours_list_free(&d);
	/* Published twice: versions 1 and 2; the current is 2. */
	tu_assert_ok(honours_publish(env->db, &root, OFFSET, "departments",
				     "2026-11", NULL, "第一版", 1796000000, &p,
				     &err), err);
	assert_int_equal(p.version, 1);
	assert_string_equal(p.published_by, "test");
	honours_list_free(&p);
	tu_assert_ok(honours_publish(env->db, &root, OFFSET, "departments",
				     "2026-11", NULL, "第二版", 1796000100, &p,
				     &err), err);
	assert_int_equal(p.version, 2);
	honours_list_free(&p);
	tu_assert_ok(honours_current(env->db, &root, OFFSET, EK_DEPARTMENTS, &nov,
				     NULL, &l, &published, &err), err);
	assert_true(published);
	assert_int_equal(l.version, 2);
	assert_string_equal(l.comment, "第二版");
	assert_string_equal(codes(l.red, l.n_red), "110101-HW");
	assert_string_equal(l.red[0].name, "环卫");
	assert_int_equal(l.red[0].grade, 'A');
	assert_int_equal(l.black[0].overdue, 7);
	assert_int_equal(l.published_at, 1796000100);
	honours_list_free(&l);
	/* The district's list is another area's: still a draft. */
	tu_assert_ok(honours_current(env->db, &root, OFFSET, EK_DEPARTMENTS, &nov,
				     "110101", &l, &published, &err), err);
	assert_false(published);
	assert_string_equal(l.area, "110101");
	assert_string_equal(l.area_name, "东城区");
	honours_list_free(&l);
	/* A bad period is the ranking's error, naming it. */
	assert_int_equal(honours_draft(env->db, &root, OFFSET, "departments",
				       "2026-13", NULL, &d, &err),
			 -UG_EINVAL);
	assert_string_equal(err.field, "period");
	tu_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_overdue_and_both),
		cmocka_unit_test(test_rules_json),
		cmocka_unit_test(test_public_json),
		cmocka_unit_test(test_current_and_publish),
	};

	return cmocka_run_group_tests_name("honours", tests, NULL, NULL);
}
