/*
 * test_report.c - the 四个一 reports (domain/report/report.h) on a fresh
 * database with the synthetic 甲区 (110101) and a scripted day of
 * history whose figures are worked out by hand below: the daily
 * inspection's overview, its street table and categories for the
 * district's leader and for a street's inspector (who sees its street
 * alone), the photo of the worst item as its stored bytes, the
 * bulletin's department row, the weekly and monthly reports' sections,
 * charts and commentary, the numbering and settings of the official
 * documents, the kinds' periods and their errors; the schedule's days
 * (one daily report per calendar day and kind, after weekends, holidays
 * and make-up workdays, days missed, the 14-day bound, a first start,
 * the weekly and monthly caught up after a missed first working day,
 * on-demand reports, two servers at once); and the HTML renderer
 * (doc/html.c) on a document holding every block kind with hostile
 * texts: everything escaped, no script, thead rows, data: photos.
 */
#include "testutil.h"
#include "tu_cases.h"
#include "tu_grids.h"

#include <jansson.h>
#include <pthread.h>

#include "doc/render.h"
#include "domain/assess/rank.h"
#include "domain/calendar/calendar.h"
#include "domain/cases/attachment.h"
#include "domain/cases/case.h"
#include "domain/report/report.h"

#define CN CALENDAR_UTC_OFFSET_CHINA

static int64_t L(int y, int mo, int d, int h, int mi)
{
	return calendar_utc_from_local(CN, y, mo, d, h, mi, 0);
}

enum who { INSP1, INSP2, SHIFT, DISP, LEADER, ADMIN, NWHO };

static const struct tu_person people[NWHO] = {
	[INSP1] = { "insp1", "inspector", "110101001" },
	[INSP2] = { "insp2", "inspector", "110101002" },
	[SHIFT] = { "shift", "shift_leader", "110101" },
	[DISP] = { "disp", "dispatcher", "110101" },
	[LEADER] = { "leader", "leader", "110101" },
	[ADMIN] = { "admin1", "admin", "110101" },
};

/* A PNG's first bytes: what attachment_sniff() reads. */
static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
				     '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };

struct fx {
	struct tu_env *t;
	struct case_env env;
	char files[400];
	struct user u[NWHO];
	struct actor a[NWHO];
	struct ug_error err;
	struct arena arena;
	int64_t case_b;
};

/* An inspector's report in its own street, category `category`. */
static void report(struct fx *f, enum who who, const char *category,
		   int64_t at, struct case_row *out)
{
	tu_case_report(f->t->db, &f->env, &f->a[who], category, "东华门大街1号",
		       at, out);
}

static void act(struct fx *f, enum who who, struct case_row *c,
		enum case_action a, int64_t at)
{
	tu_case_act(f->t->db, &f->env, &f->a[who], c, a, at);
}

/* The history of Tuesday 2026-11-17 (local):
 *   day before 23:30  case A reported (street 1, 06010)  - not counted
 *   00:10             case A filed                       - filed
 *   09:00             case B reported (street 1, 06010)  - reported
 *   09:05             a photo of case B
 *   09:20             case B filed                       - filed
 *   09:40             case B dispatched to 环卫 (HW)      - dispatched
 *   14:05             case C reported (street 2, 06010)  - reported
 *   23:59             case D reported (street 2, 06021)  - reported
 *   day after 00:00   case C filed                       - not counted
 * So on the day, for the district: reported 3, filed 2, dispatched 1;
 * street 1: reported 1, filed 2; street 2: reported 2, filed 0;
 * categories 06010 twice (B, C), 06021 once (D). */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct case_row *c = calloc(1, sizeof *c);
	struct attachment_row ar;

	assert_non_null(f);
	assert_non_null(c);
	ug_error_clear(&f->err);
	f->t = tu_env_new(1);
	tu_city(f->t->db, L(2026, 10, 1, 9, 0), people, NWHO, f->u, f->a);
	case_env_defaults(&f->env, TU_CALENDAR);
	tu_path(f->files, sizeof f->files, f->t->dir, "files");
	report(f, INSP1, "06010", L(2026, 11, 16, 23, 30), c);
	act(f, SHIFT, c, CA_FILE, L(2026, 11, 17, 0, 10));
	report(f, INSP1, "06010", L(2026, 11, 17, 9, 0), c);
	f->case_b = c->id;
	tu_assert_ok(attachment_add(f->t->db, f->files, &f->a[INSP1], c->id,
				    "report", png, sizeof png, 1 << 20,
				    L(2026, 11, 17, 9, 5), &ar, &f->err),
		     f->err);
	act(f, SHIFT, c, CA_FILE, L(2026, 11, 17, 9, 20));
	act(f, DISP, c, CA_DISPATCH, L(2026, 11, 17, 9, 40));
	report(f, INSP2, "06010", L(2026, 11, 17, 14, 5), c);
	act(f, SHIFT, c, CA_FILE, L(2026, 11, 18, 0, 0));
	report(f, INSP2, "06021", L(2026, 11, 17, 23, 59), c);
	free(c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	arena_free(&f->arena);
	tu_env_free(f->t);
	free(f);
	return 0;
}

/* Build kind for period as who sees it (number 0, no commentary unless
 * given). */
static struct doc *build(struct fx *f, enum who who, const char *kind,
			 const char *period, const char *commentary,
			 int64_t number)
{
	struct report_env env = { &f->env, f->files, L(2026, 12, 1, 8, 30) };
	struct report_request rq = { .commentary = commentary,
				     .number = number };
	struct doc *d = doc_new(&f->arena);

	assert_non_null(d);
	ug_error_clear(&f->err);
	tu_assert_ok(report_kind_parse(kind, &rq.kind, &f->err), f->err);
	tu_assert_ok(report_period_parse(rq.kind, period, &rq.period, &f->err),
		     f->err);
	tu_assert_ok(report_build(f->t->db, &env, &f->a[who], &rq, d, &f->err),
		     f->err);
	return d;
}

/* The first block of kind k after a heading whose text starts with
 * `heading` (NULL: from the start). */
static const struct doc_block *after(const struct doc *d, const char *heading,
				     enum doc_block_kind k)
{
	const struct doc_block *b = d->first;

	if (heading) {
		while (b && !(b->kind == DOC_HEADING &&
			      strncmp(b->text, heading, strlen(heading)) == 0))
			b = b->next;
		assert_non_null(b);
	}
	for (; b; b = b->next)
		if (b->kind == k && b != d->first)
			return b;
	return NULL;
}

/* The row of table t whose first cell is `name`, or -1. */
static long row_of(const struct doc_table *t, const char *name)
{
	for (size_t i = 0; i < t->nrows; i++) {
		const struct doc_cell *c = doc_cell(t, i, 0);
		if (c->kind == DOC_CELL_TEXT && strcmp(c->text, name) == 0)
			return (long)i;
	}
	return -1;
}

/* The number in row `row`, column titled `col`. */
static double num(const struct doc_table *t, long row, const char *col)
{
	assert_true(row >= 0);
	for (size_t j = 0; j < t->ncols; j++)
		if (strcmp(t->cols[j].title, col) == 0) {
			const struct doc_cell *c = doc_cell(t, (size_t)row, j);
			assert_int_equal(c->kind, DOC_CELL_NUMBER);
			return c->number;
		}
	fail_msg("no column %s", col);
	return 0;
}

static int count_blocks(const struct doc *d, enum doc_block_kind k)
{
	int n = 0;

	for (const struct doc_block *b = d->first; b; b = b->next)
		n += b->kind == k;
	return n;
}

static void test_inspection_district(void **state)
{
	struct fx *f = *state;
	struct doc *d = build(f, LEADER, "inspection", "2026-11-17", NULL, 0);
	const struct doc_block *b;

	assert_int_equal(d->meta.style, DOC_PLAIN);
	tu_assert_contains(d->meta.title, "2026年11月17日");
	assert_string_equal(d->meta.date, "2026年12月1日");
	assert_null(d->meta.number);
	b = after(d, "一、", DOC_PARAGRAPH);
	tu_assert_contains(b->text, "共上报城市管理问题3件");
	tu_assert_contains(b->text, "立案2件");

	const struct doc_table *t = after(d, "二、", DOC_TABLE)->u.table;
	long s1 = row_of(t, "一号街道"), s2 = row_of(t, "二号街道");
	assert_true(s1 >= 0 && s2 >= 0);
	assert_int_equal(num(t, s1, "上报数"), 1);
	assert_int_equal(num(t, s1, "立案数"), 2);
	assert_int_equal(num(t, s2, "上报数"), 2);
	assert_int_equal(num(t, s2, "立案数"), 0);

	t = after(d, "四、", DOC_TABLE)->u.table;
	assert_int_equal(t->nrows, 2);
	assert_string_equal(doc_cell(t, 0, 1)->text, "06010");
	assert_int_equal(doc_cell(t, 0, 2)->number, 2);
	assert_string_equal(doc_cell(t, 1, 1)->text, "06021");
	assert_int_equal(doc_cell(t, 1, 2)->number, 1);
	const struct doc_chart *c = after(d, "四、", DOC_CHART)->u.chart;
	assert_int_equal(c->kind, DOC_CHART_BAR);
	assert_int_equal(c->ncats, 2);
	assert_int_equal(c->series[0].values[0], 2);

	/* No track that day: the coverage says so, no empty table. */
	b = after(d, "五、", DOC_PARAGRAPH);
	tu_assert_contains(b->text, "无监督员巡查轨迹");

	/* Case B's photo, its stored bytes. */
	assert_int_equal(count_blocks(d, DOC_IMAGE), 1);
	const struct doc_image *im = after(d, "六、", DOC_IMAGE)->u.image;
	assert_int_equal(im->len, sizeof png);
	assert_memory_equal(im->data, png, sizeof png);
	tu_assert_contains(im->caption, "东华门大街1号");
}

/* A street's inspector sees its street: the overview counts street 2's
 * two reports, the table holds street 2 alone, and case B's photo (in
 * street 1) is not there. */
static void test_inspection_street_scope(void **state)
{
	struct fx *f = *state;
	struct doc *d = build(f, INSP2, "inspection", "2026-11-17", NULL, 0);

	tu_assert_contains(after(d, "一、", DOC_PARAGRAPH)->text,
			   "共上报城市管理问题2件");
	const struct doc_table *t = after(d, "二、", DOC_TABLE)->u.table;
	assert_int_equal(t->nrows, 1);
	assert_int_equal(num(t, row_of(t, "二号街道"), "上报数"), 2);
	assert_int_equal(count_blocks(d, DOC_IMAGE), 0);
}

static void test_bulletin(void **state)
{
	struct fx *f = *state;
	struct doc *d = build(f, LEADER, "bulletin", "2026-11-17", NULL, 15);

	assert_int_equal(d->meta.style, DOC_OFFICIAL);
	assert_string_equal(d->meta.number, "城管督〔2026〕15号");
	assert_string_equal(d->meta.office, "城市管理监督指挥中心");
	assert_non_null(d->meta.addressees);
	tu_assert_contains(after(d, "一、", DOC_PARAGRAPH)->text,
			   "新上报问题3件，立案2件，派遣1件");
	const struct doc_table *t = after(d, "二、", DOC_TABLE)->u.table;
	long hw = -1;
	for (size_t i = 0; i < t->nrows; i++)
		if (strstr(doc_cell(t, i, 0)->text, "环卫"))
			hw = (long)i;
	assert_int_equal(num(t, hw, "派遣数"), 1);
	/* Nothing published, nothing supervised: said, not invented. */
	tu_assert_contains(after(d, "四、", DOC_PARAGRAPH)->text,
			   "尚无已发布的榜单");
	tu_assert_contains(after(d, "五、", DOC_PARAGRAPH)->text,
			   "无督办案件");
}

static void test_weekly_and_commentary(void **state)
{
	struct fx *f = *state;
	struct doc *d = build(f, LEADER, "weekly", "2026-W47", NULL, 0);
	const struct doc_block *b;

	tu_assert_contains(d->meta.title, "2026年第47周");
	/* Week 47 (16-22 Nov) reported 4: 06010 three times, 06021 once. */
	const struct doc_chart *c = after(d, "二、", DOC_CHART)->u.chart;
	assert_int_equal(c->series[0].values[0], 3);
	assert_int_equal(c->series[0].values[1], 1);
	b = after(d, "四、", DOC_PARAGRAPH);
	tu_assert_contains(b->text, "待领导填写");
	d = build(f, LEADER, "weekly", "2026-W47", "本周<处置>及时。", 0);
	b = after(d, "四、", DOC_PARAGRAPH);
	assert_string_equal(b->text, "本周<处置>及时。");
	/* The departments' ranking table carries the change columns. */
	const struct doc_table *t = after(d, "（一）", DOC_TABLE)->u.table;
	assert_string_equal(t->cols[6].title, "名次变化");
	assert_string_equal(t->cols[7].title, "得分变化");
}

static void test_monthly(void **state)
{
	struct fx *f = *state;
	struct doc *d = build(f, LEADER, "monthly", "2026-11", NULL, 0);

	/* Nine kinds ranked, a trend over six months, the map's place. */
	int level2 = 0;
	for (const struct doc_block *b = d->first; b; b = b->next)
		level2 += b->kind == DOC_HEADING && b->level == 2;
	assert_int_equal(level2, 9);
	const struct doc_chart *c = after(d, "二、", DOC_CHART)->u.chart;
	assert_int_equal(c->kind, DOC_CHART_LINE);
	assert_int_equal(c->ncats, 6);
	assert_string_equal(c->cats[5], "11月");
	assert_string_equal(c->cats[0], "6月");
	/* November: filed 3 in the streets (A, B on the 17th; C on the
	 * 18th). */
	assert_int_equal(c->series[0].values[5], 3);
	assert_int_equal(c->series[0].values[4], 0);
	assert_non_null(after(d, "五、", DOC_PARAGRAPH));
}

/* The classes of the areas of map m, in order, as "1 1 5". */
static const char *map_classes(const struct doc_map *m, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const struct doc_map_area *a = m->areas; a; a = a->next)
		used += (size_t)snprintf(out + used, size - used, "%s%d",
					 used ? " " : "", a->cls);
	assert_true(used < size);
	return out;
}

/* The monthly's two maps of the grids of the district, once they have
 * outlines: the streets' first (each grid in its street's grade), then
 * the grids' own, in the classes of the rankings the leader reads. */
static void test_monthly_maps(void **state)
{
	struct fx *f = *state;
	struct spatial *sp = NULL;
	struct assess_ranking st, gr;
	const struct doc_block *b;
	const struct doc_map *m[2];
	char want[64] = "street 110101001 not ranked", got[64];
	int n = 0;

	tu_grids_pair(f->t->db, L(2026, 10, 2, 9, 0), &sp);
	spatial_free(sp);
	struct doc *d = build(f, LEADER, "monthly", "2026-11", NULL, 0);

	for (b = after(d, "四、综合评价等级分布", DOC_MAP); b; b = b->next)
		if (b->kind == DOC_MAP) {
			assert_true(n < 2);
			m[n++] = b->u.map;
		}
	assert_int_equal(n, 2);
	assert_string_equal(m[0]->title, "街道综合评价等级分布图");
	assert_string_equal(m[1]->title, "网格综合评价等级分布图");
	assert_int_equal(m[0]->nclasses, 6);
	assert_int_equal(m[0]->classes[0].rgb, 0x2e9d4a);
	assert_int_equal(m[0]->classes[5].rgb, 0xd0d0d0);
	assert_int_equal(m[1]->nclasses, 6);
	tu_assert_ok(assess_ranking(f->t->db, &f->a[LEADER], CN, "streets",
				    "2026-11", NULL, &st, &f->err),
		     f->err);
	tu_assert_ok(assess_ranking(f->t->db, &f->a[LEADER], CN, "grids",
				    "2026-11", NULL, &gr, &f->err),
		     f->err);
	/* Both grids lie in street 110101001: its grade twice. */
	for (size_t i = 0; i < st.n; i++)
		if (strcmp(st.rows[i].code, "110101001") == 0)
			snprintf(want, sizeof want, "%d %d",
				 st.rows[i].r.scored ? st.rows[i].r.grade - 'A'
						     : 5,
				 st.rows[i].r.scored ? st.rows[i].r.grade - 'A'
						     : 5);
	assert_string_equal(map_classes(m[0], got, sizeof got), want);
	/* The grids' map: each grid its own grade, west (GRID1) first. */
	assert_int_equal(gr.n, 2);
	assert_int_equal(m[1]->nareas, 2);
	for (const struct doc_map_area *ar = m[1]->areas; ar; ar = ar->next) {
		const char *code = ar->lonlat[0] < 116.4105 ? GRID1 : GRID2;
		size_t i = 0;

		while (i < gr.n && strcmp(gr.rows[i].code, code))
			i++;
		assert_true(i < gr.n);
		assert_int_equal(ar->cls, gr.rows[i].r.scored
					  ? gr.rows[i].r.grade - 'A' : 5);
	}
	/* Here street 110101001 is scored and its two grids are not (no
	 * case placed in them): the two maps differ. */
	assert_string_equal(map_classes(m[1], got, sizeof got), "5 5");
	assert_string_not_equal(want, "5 5");
	assess_ranking_free(&st);
	assess_ranking_free(&gr);
}

/* Row r of a hand-made ranking: unit `code` graded `grade` (0: not
 * scored). */
static void graded(struct assess_row *r, const char *code, char grade)
{
	memset(r, 0, sizeof *r);
	snprintf(r->code, sizeof r->code, "%s", code);
	r->r.scored = grade != 0;
	r->r.grade = grade;
}

/* report_grade_map() on hand-made rankings: a grid takes the class of
 * its street's grade on the streets' map, its own on the grids' map;
 * an unscored unit is 无数据; a grid whose unit the ranking lacks is not
 * drawn; a multipolygon draws each of its polygons. */
static void test_grade_map(void **state)
{
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	struct assess_row rows[4];
	struct assess_ranking r = { .rows = rows, .n = 2 };
	json_error_t je;
	char got[64];
#define SQ(x) "[[[" #x ",0],[" #x ".5,0],[" #x ".5,1],[" #x ",0]]]"
	json_t *features = json_loads(
		"[{\"properties\":{\"code\":\"110101001001001\","
		"\"street\":\"110101001\"},\"geometry\":{\"type\":"
		"\"Polygon\",\"coordinates\":" SQ(1) "}},"
		"{\"properties\":{\"code\":\"110101001001002\","
		"\"street\":\"110101001\"},\"geometry\":{\"type\":"
		"\"MultiPolygon\",\"coordinates\":[" SQ(2) "," SQ(3) "]}},"
		"{\"properties\":{\"code\":\"110101002001001\","
		"\"street\":\"110101002\"},\"geometry\":{\"type\":"
		"\"Polygon\",\"coordinates\":" SQ(4) "}},"
		"{\"properties\":{\"code\":\"110101003001001\","
		"\"street\":\"110101003\"},\"geometry\":{\"type\":"
		"\"Polygon\",\"coordinates\":" SQ(5) "}}]",
		0, &je);
#undef SQ
	const struct doc_map *m;

	(void)state;
	assert_non_null(features);
	assert_non_null(d);
	/* The streets: 110101002 graded D, 110101001 B (in rank order),
	 * 110101003 not in the ranking. */
	graded(&rows[0], "110101002", 'D');
	graded(&rows[1], "110101001", 'B');
	m = report_grade_map(d, "街道综合评价等级分布图", &r, features,
			     "street");
	assert_non_null(m);
	assert_string_equal(m->title, "街道综合评价等级分布图");
	assert_int_equal(m->nclasses, 6);
	assert_string_equal(m->classes[1].label, "B 良好");
	assert_string_equal(m->classes[3].label, "D 较差");
	assert_string_equal(m->classes[5].label, "无数据");
	assert_string_equal(map_classes(m, got, sizeof got), "1 1 1 3");
	assert_true(m->areas->lonlat[0] == 1);
	assert_true(m->last->lonlat[0] == 4);
	/* A street not scored: its grids 无数据. */
	graded(&rows[0], "110101002", 0);
	m = report_grade_map(d, "街道", &r, features, "street");
	assert_string_equal(map_classes(m, got, sizeof got), "1 1 1 5");
	/* The grids' own grades on the grids' map: the first grid A, the
	 * second E, the third unscored, the fourth not ranked. */
	r.n = 3;
	graded(&rows[0], "110101001001001", 'A');
	graded(&rows[1], "110101001001002", 'E');
	graded(&rows[2], "110101002001001", 0);
	m = report_grade_map(d, "网格综合评价等级分布图", &r, features, "code");
	assert_string_equal(map_classes(m, got, sizeof got), "0 4 4 5");
	/* An empty ranking: an empty map. */
	r.n = 0;
	m = report_grade_map(d, "空", &r, features, "street");
	assert_non_null(m);
	assert_int_equal(m->nareas, 0);
	json_decref(features);
	arena_free(&a);
}

static void test_periods_and_kinds(void **state)
{
	struct ug_error err;
	struct period p;
	enum report_kind k;

	(void)state;
	tu_assert_err(report_kind_parse("daily", &k, &err), err, UG_EINVAL,
		      "kind");
	tu_assert_err(report_kind_parse(NULL, &k, &err), err, UG_EINVAL,
		      "kind");
	tu_assert_err(report_period_parse(REPORT_WEEKLY, "2026-11", &p, &err),
		      err, UG_EINVAL, "period");
	tu_assert_err(report_period_parse(REPORT_MONTHLY, "2026-W48", &p, &err),
		      err, UG_EINVAL, "period");
	tu_assert_err(report_period_parse(REPORT_BULLETIN, "2026-02-30", &p,
					  &err),
		      err, UG_EINVAL, "period");
	tu_assert_ok(report_period_parse(REPORT_INSPECTION, "2026-11-17", &p,
					 &err),
		     err);
	assert_int_equal(p.from, 20261117);
	assert_true(report_kind_has_commentary(REPORT_MONTHLY));
	assert_false(report_kind_has_commentary(REPORT_BULLETIN));
}

static void test_settings(void **state)
{
	struct fx *f = *state;
	struct report_settings s;
	int has[RSET_COUNT] = { 0 };
	const char *text[RSET_COUNT] = { 0 };
	char number[64];

	has[RSET_PREFIX] = 1;
	text[RSET_PREFIX] = "京城管";
	tu_assert_err(report_settings_set(f->t->db, &f->a[LEADER], has, text, 0,
					  &s, &f->err),
		      f->err, UG_EFORBIDDEN, "");
	text[RSET_PREFIX] = "";
	tu_assert_err(report_settings_set(f->t->db, &f->a[ADMIN], has, text, 0,
					  &s, &f->err),
		      f->err, UG_EINVAL, "prefix");
	text[RSET_PREFIX] = "京\n城管";
	tu_assert_err(report_settings_set(f->t->db, &f->a[ADMIN], has, text, 0,
					  &s, &f->err),
		      f->err, UG_EINVAL, "prefix");
	text[RSET_PREFIX] = "京城管";
	has[RSET_COPY_TO] = 1;
	text[RSET_COPY_TO] = "市城市管理委员会";
	tu_assert_ok(report_settings_set(f->t->db, &f->a[ADMIN], has, text,
					 L(2026, 11, 20, 9, 0), &s, &f->err),
		     f->err);
	assert_string_equal(s.value[RSET_PREFIX], "京城管");
	assert_string_equal(s.value[RSET_OFFICE], "城市管理监督指挥中心");
	assert_int_equal(tu_query_int(f->t->db,
		"SELECT COUNT(*) FROM audit_event"
		" WHERE action = 'report_settings.edit'"), 1);
	struct doc *d = build(f, LEADER, "monthly", "2026-11", NULL, 3);
	assert_string_equal(d->meta.number, "京城管〔2026〕3号");
	assert_string_equal(d->meta.copy_to, "市城市管理委员会");
	report_number_text("城管督", 2026, 15, number, sizeof number);
	assert_string_equal(number, "城管督〔2026〕15号");
}

/* ---- the schedule --------------------------------------------------------- */

static int due_at(struct fx *f, const char *kinds, int64_t at,
		  struct report_due due[REPORT_DUE_MAX])
{
	struct report_settings s;

	tu_assert_ok(report_settings_get(f->t->db, &s, &f->err), f->err);
	if (kinds)
		snprintf(s.value[RSET_KINDS], sizeof s.value[RSET_KINDS], "%s",
			 kinds);
	return report_schedule_due(TU_CALENDAR, CN, &s, at, NULL, due);
}

/* What is due at `at` as "inspection 2026-10-30, bulletin 2026-10-30,
 * ..." into out (kinds as listed; NULL: the settings'), under cal, with
 * the days covered (report_schedule_due()'s, NULL: none). */
static const char *due_text(struct fx *f, const int32_t *covered,
			    const struct calendar *cal, const char *kinds,
			    int64_t at, char *out, size_t size)
{
	struct report_due due[REPORT_DUE_MAX];
	struct report_settings s;
	size_t used = 0;
	int n;

	tu_assert_ok(report_settings_get(f->t->db, &s, &f->err), f->err);
	if (kinds)
		snprintf(s.value[RSET_KINDS], sizeof s.value[RSET_KINDS], "%s",
			 kinds);
	n = report_schedule_due(cal, CN, &s, at, covered, due);
	assert_in_range(n, 0, REPORT_DUE_MAX);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s %s",
					 i ? ", " : "",
					 report_kind_names[due[i].kind],
					 due[i].period.text);
	assert_true(used < size);
	return out;
}

#define DAYS2(a, b) "inspection " a ", bulletin " a ", inspection " b \
	", bulletin " b

/* The plain calendar: Monday to Friday.  Monday 2 November 2026 is the
 * first working day of its week and of November: it covers the days
 * since Friday's run (Friday, Saturday, Sunday), each kind once a day. */
static void test_schedule_due(void **state)
{
	struct fx *f = *state;
	struct report_due due[REPORT_DUE_MAX];
	char t[4096];

	assert_int_equal(due_at(f, NULL, L(2026, 11, 2, 8, 29), due), 0);
	assert_int_equal(due_at(f, NULL, L(2026, 11, 2, 8, 30), due), 8);
	assert_string_equal(due_text(f, NULL, TU_CALENDAR, NULL,
				     L(2026, 11, 2, 8, 30), t, sizeof t),
			    DAYS2("2026-10-30", "2026-10-31") ", "
			    "inspection 2026-11-01, bulletin 2026-11-01, "
			    "weekly 2026-W44, monthly 2026-10");
	/* Tuesday: the day before alone; Saturday: none. */
	assert_string_equal(due_text(f, NULL, TU_CALENDAR, NULL,
				     L(2026, 11, 3, 9, 0), t, sizeof t),
			    "inspection 2026-11-02, bulletin 2026-11-02");
	assert_int_equal(due_at(f, NULL, L(2026, 11, 7, 9, 0), due), 0);
	assert_int_equal(due_at(f, NULL, L(2026, 11, 8, 23, 59), due), 0);
	/* Only the kinds listed; none listed, none made. */
	assert_string_equal(due_text(f, NULL, TU_CALENDAR, "weekly",
				     L(2026, 11, 2, 9, 0), t, sizeof t),
			    "weekly 2026-W44");
	assert_string_equal(due_text(f, NULL, TU_CALENDAR, "bulletin,monthly",
				     L(2026, 11, 9, 9, 0), t, sizeof t),
			    "bulletin 2026-11-06, bulletin 2026-11-07, "
			    "bulletin 2026-11-08");
	assert_int_equal(due_at(f, "", L(2026, 11, 2, 9, 0), due), 0);
	/* December 1 is a Tuesday: the month's first working day. */
	assert_string_equal(due_text(f, NULL, TU_CALENDAR, "monthly",
				     L(2026, 12, 1, 9, 0), t, sizeof t),
			    "monthly 2026-11");
	assert_int_equal(due_at(f, "monthly", L(2026, 12, 2, 9, 0), due), 0);
	/* Across the year's end: Friday 1 January 2027 covers Thursday. */
	assert_string_equal(due_text(f, NULL, TU_CALENDAR, "inspection",
				     L(2027, 1, 1, 9, 0), t, sizeof t),
			    "inspection 2026-12-31");
}

/* The 2026 calendar of the fixture (tests/fixtures/calendar): 中秋 25-27
 * September off with Sunday 20 September worked, 国庆 1-7 October off
 * with Saturday 10 October worked. */
static struct calendar *calendar_2026(void)
{
	const char *path = "tests/fixtures/calendar/cn-2026.ics";
	struct calendar_config cfg;
	struct calendar *cal = NULL;
	struct ics_reader r;
	struct ug_error err;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		fail_msg("cannot open %s (run from the repository root)", path);
	ug_error_clear(&err);
	calendar_config_init(&cfg, 2025, 2027);
	ics_init(&r, fp, path);
	assert_int_equal(calendar_config_add_ics(&cfg, &r, &err), 39);
	ics_free(&r);
	fclose(fp);
	tu_assert_ok(calendar_build(&cfg, &cal, &err), err);
	calendar_config_free(&cfg);
	return cal;
}

/* Every calendar day from `first` to `last` (day numbers, inclusive) is
 * covered by exactly one scheduled daily report of each kind when the
 * schedule runs at 09:00 every day from the day after `first` to the day
 * after `last` - and no day outside them is - whether each run's days
 * are told as covered to the next (`told`) or not (a first start every
 * day). */
static void assert_every_day_once(struct fx *f, const struct calendar *cal,
				  int64_t first, int64_t last, int told)
{
	static int count[2][800];
	int64_t base = first - 30;
	int32_t covered[REPORT_KIND_COUNT] = { 0 };
	struct report_due due[REPORT_DUE_MAX];
	struct report_settings s;

	memset(count, 0, sizeof count);
	assert_true(last - base < 770);
	tu_assert_ok(report_settings_get(f->t->db, &s, &f->err), f->err);
	for (int64_t d = first + 1; d <= last + 1; d++) {
		int32_t ymd = period_day_of_number(d);
		int n = report_schedule_due(cal, CN, &s,
					    L(ymd / 10000, ymd / 100 % 100,
					      ymd % 100, 9, 0),
					    told ? covered : NULL, due);

		for (int i = 0; i < n; i++) {
			int64_t dn;

			if (due[i].kind > REPORT_BULLETIN)
				continue;
			dn = period_day_number(due[i].period.from);
			assert_in_range(dn - base, 0, 799);
			count[due[i].kind][dn - base]++;
			covered[due[i].kind] = due[i].period.from;
		}
	}
	for (int k = 0; k < 2; k++)
		for (int64_t d = base; d < base + 800; d++) {
			int want = d >= first && d <= last;

			if (count[k][d - base] != want)
				fail_msg("%s of day %d made %d time(s), want %d",
					 report_kind_names[k],
					 (int)period_day_of_number(d),
					 count[k][d - base], want);
		}
}

/* The first working day after a holiday covers every day since the
 * working day before it; a make-up workday covers the days since the
 * last working day and is covered in turn. */
static void test_schedule_holidays(void **state)
{
	struct fx *f = *state;
	struct calendar *cal = calendar_2026();
	struct report_due due[REPORT_DUE_MAX];
	struct report_settings s;
	char t[4096];

	tu_assert_ok(report_settings_get(f->t->db, &s, &f->err), f->err);
	/* Thursday 8 October: Wednesday 30 September to Wednesday 7
	 * October, eight days; the first working day of ISO week 41 and
	 * of October. */
	assert_string_equal(due_text(f, NULL, cal, NULL, L(2026, 10, 8, 8, 30), t,
				     sizeof t),
			    DAYS2("2026-09-30", "2026-10-01") ", "
			    DAYS2("2026-10-02", "2026-10-03") ", "
			    DAYS2("2026-10-04", "2026-10-05") ", "
			    DAYS2("2026-10-06", "2026-10-07") ", "
			    "weekly 2026-W40, monthly 2026-09");
	for (int d = 1; d <= 7; d++)
		assert_int_equal(report_schedule_due(cal, CN, &s,
						     L(2026, 10, d, 9, 0),
						     NULL, due),
				 0);
	assert_string_equal(due_text(f, NULL, cal, NULL, L(2026, 10, 9, 9, 0), t,
				     sizeof t),
			    "inspection 2026-10-08, bulletin 2026-10-08");
	/* Saturday 10 October is worked: it covers Friday; Monday covers
	 * Saturday and Sunday. */
	assert_string_equal(due_text(f, NULL, cal, NULL, L(2026, 10, 10, 9, 0), t,
				     sizeof t),
			    "inspection 2026-10-09, bulletin 2026-10-09");
	assert_string_equal(due_text(f, NULL, cal, NULL, L(2026, 10, 12, 9, 0), t,
				     sizeof t),
			    DAYS2("2026-10-10", "2026-10-11") ", "
			    "weekly 2026-W41");
	/* 中秋: Monday 28 September covers Thursday 24 to Sunday 27. */
	assert_string_equal(due_text(f, NULL, cal, "bulletin",
				     L(2026, 9, 28, 9, 0), t, sizeof t),
			    "bulletin 2026-09-24, bulletin 2026-09-25, "
			    "bulletin 2026-09-26, bulletin 2026-09-27");
	/* Sunday 20 September is worked: it covers Friday and Saturday,
	 * Monday covers it. */
	assert_string_equal(due_text(f, NULL, cal, "inspection",
				     L(2026, 9, 20, 9, 0), t, sizeof t),
			    "inspection 2026-09-18, inspection 2026-09-19");
	assert_string_equal(due_text(f, NULL, cal, "inspection",
				     L(2026, 9, 21, 9, 0), t, sizeof t),
			    "inspection 2026-09-20");
	/* Every day of 2026's second half once, holidays or not; and of
	 * the plain calendar's. */
	for (int told = 0; told < 2; told++) {
		assert_every_day_once(f, cal, L(2026, 7, 1, 9, 0) / 86400,
				      L(2026, 12, 30, 9, 0) / 86400, told);
		assert_every_day_once(f, TU_CALENDAR,
				      L(2026, 7, 1, 9, 0) / 86400,
				      L(2026, 12, 30, 9, 0) / 86400, told);
	}
	calendar_free(cal);
}

/* Wednesday 2 December after a closure from November `off` to Tuesday
 * 1 December covers the days since the working day before the closure,
 * but never more than REPORT_DAILY_SPAN_MAX (14) days: from November
 * `want` on; the weekly of ISO week 48 (23-29 November, closed) and of
 * week 47, whose review was due on Monday 23 November; November's
 * summary. */
static void assert_after_closure(struct fx *f, int off, int want)
{
	struct calendar_config cfg;
	struct calendar *cal = NULL;
	char t[4096], w[4096];
	size_t used = 0;

	calendar_config_init(&cfg, 2025, 2027);
	for (int d = off; d <= 31; d++) /* 31: 1 December */
		tu_assert_ok(calendar_config_add_override(&cfg,
			(int32_t)(L(2026, 11, 1, 12, 0) / 86400) + d - 1,
			CALENDAR_DAY_OFF, NULL, &f->err), f->err);
	tu_assert_ok(calendar_build(&cfg, &cal, &f->err), f->err);
	calendar_config_free(&cfg);
	for (int d = want; d <= 31; d++) {
		char day[16];

		snprintf(day, sizeof day, "2026-%02d-%02d", d <= 30 ? 11 : 12,
			 d <= 30 ? d : 1);
		used += (size_t)snprintf(w + used, sizeof w - used,
					 "inspection %s, bulletin %s, ", day,
					 day);
	}
	snprintf(w + used, sizeof w - used,
		 "weekly 2026-W47, weekly 2026-W48, monthly 2026-11");
	assert_string_equal(due_text(f, NULL, cal, NULL, L(2026, 12, 2, 9, 0), t,
				     sizeof t),
			    w);
	calendar_free(cal);
}

/* No unbounded backfill after a long closure: 13 days covered after a
 * closure of 12, 14 after one of 13, still 14 after one of 14 or 30. */
static void test_schedule_bound(void **state)
{
	struct fx *f = *state;

	assert_after_closure(f, 20, 19);
	assert_after_closure(f, 19, 18);
	assert_after_closure(f, 18, 18);
	assert_after_closure(f, 2, 18);
	assert_int_equal(REPORT_DUE_MAX, 2 * 14 + 3);
}

/* A working day on which no server ran: the next run covers from the
 * day after the schedule's last report of each kind, down to the bound;
 * a kind covered further needs no more. */
static void test_schedule_missed(void **state)
{
	struct fx *f = *state;
	int32_t covered[REPORT_KIND_COUNT] = { 0 };
	char t[4096];

	/* Monday's run covered Sunday, week 44 and October; no server on
	 * Tuesday: Wednesday covers Monday and Tuesday (a first start,
	 * Tuesday alone). */
	covered[REPORT_INSPECTION] = covered[REPORT_BULLETIN] = 20261101;
	covered[REPORT_WEEKLY] = 20261101;
	covered[REPORT_MONTHLY] = 20261031;
	assert_string_equal(due_text(f, covered, TU_CALENDAR, NULL,
				     L(2026, 11, 4, 9, 0), t, sizeof t),
			    DAYS2("2026-11-02", "2026-11-03"));
	assert_string_equal(due_text(f, NULL, TU_CALENDAR, NULL,
				     L(2026, 11, 4, 9, 0), t, sizeof t),
			    "inspection 2026-11-03, bulletin 2026-11-03");
	/* Each kind from its own last day. */
	covered[REPORT_INSPECTION] = 20261102;
	assert_string_equal(due_text(f, covered, TU_CALENDAR, NULL,
				     L(2026, 11, 4, 9, 0), t, sizeof t),
			    "bulletin 2026-11-02, inspection 2026-11-03, "
			    "bulletin 2026-11-03");
	/* Covered up to yesterday (a second run): the window as before -
	 * the lease, not this, makes it once. */
	covered[REPORT_INSPECTION] = covered[REPORT_BULLETIN] = 20261103;
	assert_string_equal(due_text(f, covered, TU_CALENDAR, "inspection",
				     L(2026, 11, 4, 9, 0), t, sizeof t),
			    "inspection 2026-11-03");
	/* Down since October: the 14 days before Thursday 19 November. */
	covered[REPORT_INSPECTION] = covered[REPORT_BULLETIN] = 20261001;
	assert_string_equal(due_text(f, covered, TU_CALENDAR, "bulletin",
				     L(2026, 11, 19, 9, 0), t, sizeof t),
			    "bulletin 2026-11-05, bulletin 2026-11-06, "
			    "bulletin 2026-11-07, bulletin 2026-11-08, "
			    "bulletin 2026-11-09, bulletin 2026-11-10, "
			    "bulletin 2026-11-11, bulletin 2026-11-12, "
			    "bulletin 2026-11-13, bulletin 2026-11-14, "
			    "bulletin 2026-11-15, bulletin 2026-11-16, "
			    "bulletin 2026-11-17, bulletin 2026-11-18");
}

/* The runs as servers make them: Monday, none on Tuesday, Wednesday;
 * then none until Thursday 19 November, which catches up the weekly of
 * ISO week 46 (due on Monday 16 November) but not that of week 45 (due
 * on Monday 9 November: a week further back). */
static void test_schedule_missed_run(void **state)
{
	struct fx *f = *state;
	struct report_env env = { &f->env, f->files, L(2026, 11, 2, 9, 0) };
	int made = -1;

	tu_assert_ok(report_schedule_run(f->t->db, &env, "s", &made, &f->err),
		     f->err);
	assert_int_equal(made, 8);
	env.now = L(2026, 11, 4, 9, 0);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "s", &made, &f->err),
		     f->err);
	assert_int_equal(made, 4);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE kind IN ('inspection',"
				      " 'bulletin') AND period IN"
				      " ('2026-11-02', '2026-11-03')"),
			 4);
	env.now = L(2026, 11, 19, 9, 0);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "s", &made, &f->err),
		     f->err);
	assert_int_equal(made, 28 + 1);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE period = '2026-11-04'"),
			 0);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE kind = 'weekly' AND period ="
				      " '2026-W46' AND scheduled = 1"),
			 1);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE kind = 'weekly' AND period ="
				      " '2026-W45'"),
			 0);
	assert_int_equal(tu_query_int(f->t->db,
		"SELECT COUNT(DISTINCT kind || period) FROM report"
		" WHERE period BETWEEN '2026-11-05' AND '2026-11-18'"
		" AND scheduled = 1"),
			 28);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE scheduled = 1"),
			 8 + 4 + 28 + 1);
}

/* A first start (no report, no lease) makes the current window alone:
 * on Thursday 19 November, Wednesday's reports and nothing older. */
static void test_schedule_first_start(void **state)
{
	struct fx *f = *state;
	struct report_env env = { &f->env, f->files, L(2026, 11, 19, 10, 0) };
	int made = -1;

	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"),
			 0);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "first", &made,
					 &f->err),
		     f->err);
	assert_int_equal(made, 2);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE period = '2026-11-18'"
				      " AND scheduled = 1"),
			 2);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"),
			 2);
}

/* The weekly and the monthly when no server ran on the first working
 * day of the week or month: due on a later working day until made, but
 * for the week or month before alone.  Each row: the calendar (2026's
 * holidays or the plain one), the kinds, the last day the schedule
 * covered of the daily kinds, the weekly and the monthly (-1 for all:
 * a first start), the instant, what is due. */
static void test_schedule_catchup(void **state)
{
	static const struct {
		int holidays;
		const char *kinds;
		int32_t daily, weekly, monthly;
		int mo, d, h;
		const char *want;
	} rows[] = {
		/* Friday 30 October's run covered Thursday, ISO week 43 and
		 * September; no server on Monday 2 November (the first
		 * working day of week 45 and of November): Tuesday makes
		 * the days since Friday, week 44's review and October's
		 * summary - not before the time of day. */
		{ 0, NULL, 20261029, 20261025, 20260930, 11, 3, 9,
		  DAYS2("2026-10-30", "2026-10-31") ", "
		  DAYS2("2026-11-01", "2026-11-02") ", "
		  "weekly 2026-W44, monthly 2026-10" },
		{ 0, NULL, 20261029, 20261025, 20260930, 11, 3, 8, "" },
		/* Down on Tuesday too: Wednesday. */
		{ 0, "weekly,monthly", 20261029, 20261025, 20260930, 11, 4, 9,
		  "weekly 2026-W44, monthly 2026-10" },
		/* Made on Tuesday: not again on Tuesday's next tick nor on
		 * Wednesday. */
		{ 0, "weekly,monthly", 20261102, 20261101, 20261031, 11, 3, 10,
		  "" },
		{ 0, NULL, 20261102, 20261101, 20261031, 11, 4, 9,
		  "inspection 2026-11-03, bulletin 2026-11-03" },
		/* The week and month before alone: last made weeks or
		 * months ago, Tuesday makes week 44's and October's, nothing
		 * older; on Friday 27 November, week 47's (due Monday 23)
		 * and October's still (November's falls due in December). */
		{ 0, "weekly,monthly", 20261102, 20260913, 20260630, 11, 3, 9,
		  "weekly 2026-W44, monthly 2026-10" },
		{ 0, "weekly,monthly", 20261126, 20260913, 20260630, 11, 27, 9,
		  "weekly 2026-W47, monthly 2026-10" },
		/* The schedule made daily reports but never a weekly or
		 * monthly one (the kinds listed since): the week and month
		 * before. */
		{ 0, "weekly,monthly", 20261102, 0, 0, 11, 3, 9,
		  "weekly 2026-W44, monthly 2026-10" },
		/* A first start after the first working day: none (as the
		 * daily kinds, no backfill before the server ever ran). */
		{ 0, "weekly,monthly", -1, -1, -1, 11, 3, 9, "" },
		/* A holiday week: 春节 15-23 February 2026 off, Saturday 14
		 * worked.  ISO week 8 (16-22 February) has no working day,
		 * so week 7's review, due on its first working day, falls to
		 * Tuesday 24 February with week 8's - on a first start too,
		 * after week 6's made on Monday 9, and on Wednesday when
		 * no server ran on Tuesday; week 8's alone when week 7's was
		 * made; none when both were. */
		{ 1, "weekly", -1, -1, -1, 2, 24, 9,
		  "weekly 2026-W07, weekly 2026-W08" },
		{ 1, "weekly", 20260223, 20260208, 20260131, 2, 24, 9,
		  "weekly 2026-W07, weekly 2026-W08" },
		{ 1, "weekly", 20260223, 20260208, 20260131, 2, 25, 9,
		  "weekly 2026-W07, weekly 2026-W08" },
		{ 1, "weekly", 20260223, 20260215, 20260131, 2, 25, 9,
		  "weekly 2026-W08" },
		{ 1, "weekly", 20260224, 20260222, 20260131, 2, 26, 9, "" },
		/* 国庆: Thursday 8 October is the first working day of week
		 * 41 and of October; down that day, Friday makes week 40's
		 * and September's, and so would the worked Saturday 10;
		 * Monday 12 (week 42's first working day) week 41's. */
		{ 1, "weekly,monthly", 20261007, 20260927, 20260831, 10, 9, 9,
		  "weekly 2026-W40, monthly 2026-09" },
		{ 1, "weekly,monthly", 20261007, 20260927, 20260831, 10, 10, 9,
		  "weekly 2026-W40, monthly 2026-09" },
		{ 1, "weekly,monthly", 20261007, 20260927, 20260831, 10, 12, 9,
		  "weekly 2026-W41, monthly 2026-09" },
	};
	struct fx *f = *state;
	struct calendar *cal = calendar_2026();
	char t[4096];

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int32_t covered[REPORT_KIND_COUNT] = {
			rows[i].daily, rows[i].daily, rows[i].weekly,
			rows[i].monthly,
		};

		due_text(f, rows[i].daily < 0 ? NULL : covered,
			 rows[i].holidays ? cal : TU_CALENDAR, rows[i].kinds,
			 L(2026, rows[i].mo, rows[i].d, rows[i].h, 0), t,
			 sizeof t);
		if (strcmp(t, rows[i].want))
			fail_msg("row %zu: due \"%s\", want \"%s\"", i, t,
				 rows[i].want);
	}
	calendar_free(cal);
}

/* The runs as servers make them: Friday, none on Monday 2 November,
 * Tuesday (the weekly and the monthly caught up), Wednesday (not
 * again). */
static void test_schedule_catchup_run(void **state)
{
	struct fx *f = *state;
	struct report_env env = { &f->env, f->files, L(2026, 10, 30, 9, 0) };
	int made = -1;

	tu_assert_ok(report_schedule_run(f->t->db, &env, "s", &made, &f->err),
		     f->err);
	assert_int_equal(made, 2);
	env.now = L(2026, 11, 3, 9, 0);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "s", &made, &f->err),
		     f->err);
	assert_int_equal(made, 8 + 2);
	env.now = L(2026, 11, 3, 11, 0);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "s", &made, &f->err),
		     f->err);
	assert_int_equal(made, 0);
	env.now = L(2026, 11, 4, 9, 0);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "s", &made, &f->err),
		     f->err);
	assert_int_equal(made, 2);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE scheduled = 1 AND kind IN"
				      " ('weekly', 'monthly')"),
			 2);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE (kind = 'weekly' AND period ="
				      " '2026-W44' OR kind = 'monthly' AND"
				      " period = '2026-10') AND version = 1"
				      " AND status = 'draft'"),
			 2);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM"
				      " report_lease WHERE done = 1 AND job IN"
				      " ('report:weekly:2026-W44',"
				      " 'report:monthly:2026-10')"),
			 2);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"),
			 2 + 10 + 2);
}

/* Run twice (two servers' ticks): each due report made once, one per
 * day and kind; a report made on demand before does not stand in for
 * the scheduled one, which becomes its next version with its number. */
static void test_schedule_once(void **state)
{
	struct fx *f = *state;
	struct report_env env = { &f->env, f->files, L(2026, 11, 2, 8, 31) };
	struct report_env early = env;
	struct report_row r;
	struct actor ops;
	struct user u;
	int made = -1;

	early.now = L(2026, 11, 1, 20, 0);
	actor_root(&u, "ops", &ops);
	tu_assert_ok(report_create(f->t->db, &early, &ops, "bulletin",
				   "2026-10-31", NULL, 0, &r, &f->err),
		     f->err);
	report_row_free(&r);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "one", &made,
					 &f->err),
		     f->err);
	assert_int_equal(made, 8);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "two", &made,
					 &f->err),
		     f->err);
	assert_int_equal(made, 0);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE scheduled = 1 AND area = ''"
				      " AND created_by = 'schedule'"),
			 8);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM"
				      " report_lease WHERE done = 1"
				      " AND holder = 'one'"),
			 8);
	/* One scheduled report per (kind, day), the days Friday to
	 * Sunday. */
	assert_int_equal(tu_query_int(f->t->db,
		"SELECT COUNT(*) FROM (SELECT kind, period FROM report"
		" WHERE scheduled = 1 AND kind IN ('inspection', 'bulletin')"
		" AND period IN ('2026-10-30', '2026-10-31', '2026-11-01')"
		" GROUP BY kind, period HAVING COUNT(*) = 1)"),
			 6);
	/* The on-demand bulletin of Saturday: version 1, the scheduled
	 * one version 2, one number. */
	assert_int_equal(tu_query_int(f->t->db,
		"SELECT COUNT(*) FROM report WHERE kind = 'bulletin'"
		" AND period = '2026-10-31' AND ((version = 1 AND"
		" scheduled = 0) OR (version = 2 AND scheduled = 1))"
		" AND number = 1"),
			 2);
}

/* One server of the race below: its own connection, its tick. */
struct racer {
	const char *path, *holder;
	const struct report_env *env;
	int made, rc;
	struct ug_error err;
};

static void *race(void *v)
{
	struct racer *r = v;
	struct db_open_options opt = { .busy_timeout_ms = 30000 };
	struct db *db = NULL;

	ug_error_clear(&r->err);
	r->rc = db_open(r->path, &opt, &db, &r->err);
	if (r->rc == 0)
		r->rc = report_schedule_run(db, r->env, r->holder, &r->made,
					    &r->err);
	db_close(db);
	return NULL;
}

/* Both servers' ticks at once, each in its thread; how many they made. */
static int race_both(struct racer r[2])
{
	pthread_t th[2];

	for (int i = 0; i < 2; i++) {
		r[i].made = r[i].rc = -1;
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		tu_assert_ok(r[i].rc, r[i].err);
	}
	return r[0].made + r[1].made;
}

/* Two servers' ticks at once on Thursday 8 October 2026 (after 国庆),
 * each on its own connection: the eighteen reports due, each (kind,
 * period) made once, by one or the other; again on a day catching up
 * a missed first working day of the week. */
static void test_schedule_race(void **state)
{
	struct fx *f = *state;
	struct calendar *cal = calendar_2026();
	struct case_env cases = f->env;
	struct report_env env = { &cases, f->files, L(2026, 10, 8, 8, 30) };
	struct racer r[2] = { { f->t->db_path, "one", &env, -1, -1, { 0 } },
			      { f->t->db_path, "two", &env, -1, -1, { 0 } } };

	cases.calendar = cal;
	assert_int_equal(race_both(r), 18);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"),
			 18);
	assert_int_equal(tu_query_int(f->t->db,
		"SELECT COUNT(DISTINCT kind || ' ' || period) FROM report"
		" WHERE version = 1 AND scheduled = 1 AND (kind IN"
		" ('inspection', 'bulletin') AND period BETWEEN '2026-09-30'"
		" AND '2026-10-07' OR kind || ' ' || period IN"
		" ('weekly 2026-W40', 'monthly 2026-09'))"),
			 18);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM"
				      " report_lease WHERE done = 1"),
			 18);
	/* No server on Monday 12 October (week 42's first working day):
	 * both race on Tuesday, catching up the days from Thursday 8 to
	 * Monday 12 and the weekly of week 41 - eleven, each once. */
	env.now = L(2026, 10, 13, 8, 30);
	assert_int_equal(race_both(r), 11);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"),
			 18 + 11);
	assert_int_equal(tu_query_int(f->t->db,
		"SELECT COUNT(DISTINCT kind || ' ' || period) FROM report"
		" WHERE version = 1 AND scheduled = 1 AND (kind IN"
		" ('inspection', 'bulletin') AND period BETWEEN '2026-10-08'"
		" AND '2026-10-12' OR kind || ' ' || period ="
		" 'weekly 2026-W41')"),
			 11);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM"
				      " report_lease WHERE done = 1"),
			 18 + 11);
	calendar_free(cal);
}

/* A job taken and never finished (its holder lived on but failed
 * outside the transaction) is free once its lease ran out; one running
 * is not. */
static void test_schedule_lease(void **state)
{
	struct fx *f = *state;
	struct report_env env = { &f->env, f->files, L(2026, 11, 3, 9, 0) };
	int made = -1;

	assert_int_equal(tu_query_int(f->t->db,
		"INSERT INTO report_lease (job, holder, until) VALUES"
		" ('report:inspection:2026-11-02', 'gone', 1),"
		" ('report:bulletin:2026-11-02', 'busy', 9999999999)"
		" RETURNING 0"), 0);
	tu_assert_ok(report_schedule_run(f->t->db, &env, "next", &made,
					 &f->err),
		     f->err);
	assert_int_equal(made, 1);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE kind = 'inspection'"), 1);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM report"
				      " WHERE kind = 'bulletin'"), 0);
	assert_int_equal(tu_query_int(f->t->db, "SELECT COUNT(*) FROM"
				      " report_lease WHERE holder = 'next'"
				      " AND done = 1"), 1);
}

static void test_schedule_settings(void **state)
{
	struct fx *f = *state;
	struct report_settings s;
	int has[RSET_COUNT] = { 0 };
	const char *text[RSET_COUNT] = { 0 };

	has[RSET_AT] = 1;
	text[RSET_AT] = "8:30";
	tu_assert_err(report_settings_set(f->t->db, &f->a[ADMIN], has, text, 0,
					  &s, &f->err),
		      f->err, UG_EINVAL, "at");
	text[RSET_AT] = "24:00";
	tu_assert_err(report_settings_set(f->t->db, &f->a[ADMIN], has, text, 0,
					  &s, &f->err),
		      f->err, UG_EINVAL, "at");
	text[RSET_AT] = "07:45";
	has[RSET_KINDS] = 1;
	text[RSET_KINDS] = "weekly,daily";
	tu_assert_err(report_settings_set(f->t->db, &f->a[ADMIN], has, text, 0,
					  &s, &f->err),
		      f->err, UG_EINVAL, "kinds");
	text[RSET_KINDS] = "bulletin,monthly";
	tu_assert_ok(report_settings_set(f->t->db, &f->a[ADMIN], has, text, 0,
					 &s, &f->err),
		     f->err);
	assert_int_equal(report_at_minutes(s.value[RSET_AT]), 7 * 60 + 45);
	assert_int_equal(report_kinds_parse(s.value[RSET_KINDS]),
			 1 << REPORT_BULLETIN | 1 << REPORT_MONTHLY);
	assert_int_equal(report_kinds_parse("weekly,"), -1);
}

/* ---- the HTML renderer -------------------------------------------------- */

#define EVIL "<script>alert('x')</script>&\"amp"

static void test_html_every_block_escaped(void **state)
{
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	struct buf out = BUF_INIT;
	struct ug_error err;
	struct doc_meta m = { .style = DOC_OFFICIAL, .title = EVIL,
			      .office = "办<公>室", .number = "城管督〔2026〕1号",
			      .addressees = "各单位：", .signer = EVIL,
			      .date = "2026年12月1日", .copy_to = EVIL };
	static const struct doc_column cols[] = {
		{ EVIL, DOC_COL_TEXT }, { "件数", DOC_COL_INT },
		{ "率", DOC_COL_PERCENT },
	};
	static const struct doc_map_class classes[] = {
		{ "A 优秀", 0x2e9d4a }, { EVIL, 0x123456 },
	};
	const char *cats[] = { EVIL, "二" };
	double vals[] = { 3, 12345 };
	double ring[] = { 116.40, 39.90, 116.41, 39.90, 116.41, 39.91 };
	static const unsigned char notimage[] = "<svg onload=alert(1)>";

	(void)state;
	assert_int_equal(doc_set_meta(d, &m), 0);
	assert_int_equal(doc_heading(d, 1, EVIL), 0);
	assert_int_equal(doc_paragraph(d, "%s", EVIL), 0);
	struct doc_table *t = doc_table(d, "表", EVIL, 3, cols);
	assert_non_null(t);
	assert_int_equal(doc_row(t), 0);
	assert_int_equal(doc_cell_text(t, 0, 0, EVIL), 0);
	assert_int_equal(doc_cell_number(t, 0, 1, 12345), 0);
	assert_int_equal(doc_cell_number(t, 0, 2, 0.934), 0);
	struct doc_chart *c = doc_chart(d, DOC_CHART_BAR, EVIL, "件", 2, cats);
	assert_int_equal(doc_series(c, EVIL, vals), 0);
	c = doc_chart(d, DOC_CHART_LINE, "趋势", NULL, 2, cats);
	assert_int_equal(doc_series(c, "甲", vals), 0);
	assert_int_equal(doc_image(d, EVIL, png, sizeof png), 0);
	assert_int_equal(doc_image(d, "not an image", notimage,
				   sizeof notimage - 1), 0);
	struct doc_map *mp = doc_map(d, EVIL, 2, classes);
	assert_int_equal(doc_map_area(mp, EVIL, 1, 3, ring), 0);

	ug_error_clear(&err);
	tu_assert_ok(doc_render_html(d, &out, &err), err);

	/* Kept as JSON and read back, the tree renders the same page. */
	struct buf again = BUF_INIT;
	struct doc *back = NULL;
	json_t *j = doc_to_json(d);
	assert_non_null(j);
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	j = json_loads(text, 0, NULL);
	free(text);
	tu_assert_ok(doc_from_json(&a, j, &back, &err), err);
	json_decref(j);
	assert_int_equal(back->nblocks, d->nblocks);
	tu_assert_ok(doc_render_html(back, &again, &err), err);
	assert_int_equal(again.len, out.len);
	assert_memory_equal(again.data, out.data, out.len);
	buf_free(&again);
	j = json_pack("{s:{},s:[{s:s}]}", "meta", "blocks", "kind", "poem");
	tu_assert_err(doc_from_json(&a, j, &back, &err), err, UG_EINVAL,
		      "document");
	json_decref(j);
	const char *h = buf_str(&out);
	assert_true(strncmp(h, "<!DOCTYPE html>", 15) == 0);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "onload"));
	assert_null(strstr(h, "alert('x')"));
	/* No outside address: the SVG namespace is the only URL. */
	for (const char *u = strstr(h, "http"); u; u = strstr(u + 1, "http"))
		assert_true(strncmp(u, "http://www.w3.org/2000/svg\"", 27) == 0);
	tu_assert_contains(h, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
			      "&amp;&quot;amp");
	tu_assert_contains(h, "办&lt;公&gt;室");
	tu_assert_contains(h, "<thead><tr><th>&lt;script");
	tu_assert_contains(h, "<td class=\"n\">12,345</td>");
	tu_assert_contains(h, "<td class=\"n\">93.4%</td>");
	tu_assert_contains(h, "<rect");       /* the bars */
	tu_assert_contains(h, "<polyline");   /* the line */
	tu_assert_contains(h, "<polygon fill=\"#123456\"");
	tu_assert_contains(h, "src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==\"");
	/* The bytes that are no image give no data: URL, only a caption. */
	assert_null(strstr(h, "data:image/svg"));
	tu_assert_contains(h, "<figcaption>not an image</figcaption>");
	tu_assert_contains(h, "@page{size:A4");
	tu_assert_contains(h, "thead{display:table-header-group}");
	tu_assert_contains(h, "城管督〔2026〕1号");
	tu_assert_contains(h, "抄送：&lt;script");
	buf_free(&out);
	arena_free(&a);
}

/* Every heading level and an empty document render; the page ends. */
static void test_html_plain(void **state)
{
	struct arena a = ARENA_INIT;
	struct doc *d = doc_new(&a);
	struct buf out = BUF_INIT;
	struct ug_error err;
	struct doc_meta m = { .style = DOC_PLAIN, .title = "督查",
			      .date = "2026年12月1日" };

	(void)state;
	assert_int_equal(doc_set_meta(d, &m), 0);
	assert_int_equal(doc_heading(d, 3, "1. 小节"), 0);
	tu_assert_ok(doc_render_html(d, &out, &err), err);
	tu_assert_contains(buf_str(&out), "<h4>1. 小节</h4>");
	assert_null(strstr(buf_str(&out), "class=\"office\""));
	tu_assert_contains(buf_str(&out), "</html>\n");
	buf_free(&out);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inspection_district,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_inspection_street_scope,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulletin, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_weekly_and_commentary,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_monthly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monthly_maps, setup,
						teardown),
		cmocka_unit_test(test_grade_map),
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule_due, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_holidays, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_bound, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_first_start,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule_missed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_missed_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule_catchup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_catchup_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_schedule_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_race, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_lease, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_schedule_settings, setup,
						teardown),
		cmocka_unit_test(test_periods_and_kinds),
		cmocka_unit_test(test_html_every_block_escaped),
		cmocka_unit_test(test_html_plain),
	};

	return cmocka_run_group_tests(tests, tu_group_calendar,
				      tu_group_calendar_free);
}
