/*
 * build.c - the four reports as document trees (report.h).  Every number
 * comes from a domain read that takes the caller (rankings, the day's
 * counters, lists, hot spots, coverage, cases); this file arranges them
 * into sections and decides nothing about who sees what.
 * docs/reports.md describes each section.
 */
#include "domain/report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/assess/honours.h"
#include "domain/assess/hotspot.h"
#include "domain/assess/hours.h"
#include "domain/assess/rank.h"
#include "domain/cases/attachment.h"
#include "domain/cases/standards.h"
#include "domain/cases/view.h"
#include "domain/cases/workflow.h"
#include "domain/patrol/patrol.h"
#include "domain/spatial/grids.h"
#include "lib/buf.h"

/* Most rows of the tables that could be long, and most photos. */
#define GRID_ROWS_MAX 30
#define CATEGORY_ROWS_MAX 15
#define CHART_CATS_MAX 10
#define PHOTOS_MAX 6
#define SUPERVISED_MAX 50
#define TREND_MONTHS 6
#define TREND_SERIES_MAX 8

struct build {
	struct db *db;
	const struct report_env *env;
	const struct actor *a;
	const struct report_request *rq;
	struct doc *d;
	struct ug_error *err;
	int32_t off;
	char period_zh[128];   /* "2026年11月23日" ... */
	struct category *cats; /* every category, for names */
	size_t ncats;
};

/* ---- small helpers ------------------------------------------------------ */

static int oom(struct ug_error *err)
{
	return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
}

/* A doc builder's answer: 0, or UG_ENOMEM told in err. */
static int built(struct build *b, int rc)
{
	return rc ? ug_fail(b->err, -rc, NULL, "building the report: %s",
			    rc == -UG_ENOMEM ? "out of memory" : "a bug")
		  : 0;
}

static void day_zh(int32_t day, char *out, size_t size)
{
	snprintf(out, size, "%d年%d月%d日", day / 10000, day / 100 % 100,
		 day % 100);
}

static const char *area_arg(const struct build *b)
{
	return b->rq->area && *b->rq->area ? b->rq->area : NULL;
}

static int category_cb(void *ctx, const struct category *c)
{
	struct build *b = ctx;
	struct category *v = realloc(b->cats, (b->ncats + 1) * sizeof *v);

	if (!v)
		return -UG_ENOMEM;
	b->cats = v;
	b->cats[b->ncats++] = *c;
	return 0;
}

/* The 中文 name of category code, or the code. */
static const char *category_name(const struct build *b, const char *code)
{
	for (size_t i = 0; i < b->ncats; i++)
		if (strcmp(b->cats[i].code, code) == 0)
			return b->cats[i].name;
	return code;
}

static int rank(struct build *b, enum assess_eval_kind k, const char *period,
		struct assess_ranking *r)
{
	return assess_ranking(b->db, b->a, b->off, assess_eval_kind_names[k],
			      period, area_arg(b), r, b->err);
}

/* The day's counters of the caller's sight hour by hour (for its total
 * and its categories). */
static int hours_of(struct build *b, int32_t day, struct assess_hours *h)
{
	char text[16];

	period_day_text(day, text, sizeof text);
	return assess_hours(b->db, b->a, b->off, text, area_arg(b),
			    b->env->now, h, b->err);
}

/* ---- tables ------------------------------------------------------------- */

struct counter_col {
	enum assess_counter c;
	const char *title;
};

/* A table of counters by row of ranking r: the first column the rows'
 * names under `first`; with `only_active` the rows counting nothing in
 * these columns are left out, the rest sorted by the first counter
 * (most first) and cut to max_rows. */
static int counters_table(struct build *b, const char *name,
			  const char *caption, const char *first,
			  const struct assess_ranking *r,
			  const struct counter_col *cols, size_t ncols,
			  int only_active, size_t max_rows)
{
	struct doc_column dc[16];
	const struct assess_row **rows = malloc((r->n + 1) * sizeof *rows);
	size_t n = 0;
	int rc = 0;

	if (!rows)
		return oom(b->err);
	dc[0] = (struct doc_column){ first, DOC_COL_TEXT };
	for (size_t j = 0; j < ncols; j++)
		dc[j + 1] = (struct doc_column){ cols[j].title, DOC_COL_INT };
	for (size_t i = 0; i < r->n; i++) {
		int64_t any = 0;

		for (size_t j = 0; j < ncols; j++)
			any += r->rows[i].counts.n[cols[j].c];
		if (!only_active || any)
			rows[n++] = &r->rows[i];
	}
	if (only_active)
		for (size_t i = 1; i < n; i++) /* insertion: stable, short */
			for (size_t k = i; k > 0 &&
			     rows[k]->counts.n[cols[0].c] >
			     rows[k - 1]->counts.n[cols[0].c]; k--) {
				const struct assess_row *t = rows[k];
				rows[k] = rows[k - 1];
				rows[k - 1] = t;
			}
	if (n > max_rows)
		n = max_rows;
	struct doc_table *t = doc_table(b->d, name, caption, ncols + 1, dc);
	if (!t)
		rc = -UG_ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		long row = doc_row(t);
		if (row < 0) {
			rc = (int)row;
			break;
		}
		rc = doc_cell_text(t, (size_t)row, 0, rows[i]->name[0]
				   ? rows[i]->name : rows[i]->code);
		for (size_t j = 0; rc == 0 && j < ncols; j++)
			rc = doc_cell_number(t, (size_t)row, j + 1,
				(double)rows[i]->counts.n[cols[j].c]);
	}
	free(rows);
	if (rc == 0 && n == 0)
		rc = doc_paragraph(b->d, "（无数据）");
	return built(b, rc);
}

/* The ranking r as a table: rank, name, score, grade, the previous
 * period's rank and score, the changes, and the kind's rates. */
static int ranking_table(struct build *b, const char *name,
			 const char *caption, const struct assess_ranking *r)
{
	int rates[AR_COUNT], nr = assess_kind_rates(r->kind, rates);
	struct doc_column dc[8 + AR_COUNT] = {
		{ "名次", DOC_COL_INT }, { "名称", DOC_COL_TEXT },
		{ "得分", DOC_COL_DECIMAL }, { "等级", DOC_COL_TEXT },
		{ "上期名次", DOC_COL_INT }, { "上期得分", DOC_COL_DECIMAL },
		{ "名次变化", DOC_COL_INT }, { "得分变化", DOC_COL_DECIMAL },
	};
	int rc = 0;

	for (int i = 0; i < nr; i++)
		dc[8 + i] = (struct doc_column){ assess_rate_name_zh(rates[i]),
						 DOC_COL_PERCENT };
	struct doc_table *t = doc_table(b->d, name, caption, 8 + (size_t)nr,
					dc);
	if (!t)
		return built(b, -UG_ENOMEM);
	for (size_t i = 0; rc == 0 && i < r->n; i++) {
		const struct assess_row *w = &r->rows[i];
		char grade[2] = { w->r.grade, 0 };
		long row = doc_row(t);
		size_t k;

		if (row < 0)
			return built(b, (int)row);
		k = (size_t)row;
		if (w->rank)
			rc |= doc_cell_number(t, k, 0, w->rank);
		rc |= doc_cell_text(t, k, 1, w->name[0] ? w->name : w->code);
		if (w->r.scored) {
			rc |= doc_cell_number(t, k, 2, w->r.score);
			rc |= doc_cell_text(t, k, 3, grade);
		}
		if (w->has_previous && w->prev_rank)
			rc |= doc_cell_number(t, k, 4, w->prev_rank);
		if (w->has_previous && w->prev.scored)
			rc |= doc_cell_number(t, k, 5, w->prev.score);
		/* Up the table is better: a rank 5 → 2 moved +3. */
		if (w->rank && w->has_previous && w->prev_rank)
			rc |= doc_cell_number(t, k, 6, w->prev_rank - w->rank);
		if (w->r.scored && w->has_previous && w->prev.scored)
			rc |= doc_cell_number(t, k, 7,
					      w->r.score - w->prev.score);
		for (int j = 0; j < nr; j++)
			if (w->r.has_rate[rates[j]])
				rc |= doc_cell_number(t, k, 8 + (size_t)j,
						      w->r.rate[rates[j]]);
	}
	if (rc == 0 && r->n == 0)
		rc = doc_paragraph(b->d, "（无数据）");
	return built(b, rc ? -UG_ENOMEM : 0);
}

/* A sentence on the best and worst rows of a ranking. */
static int ranking_summary(struct build *b, const char *what,
			   const struct assess_ranking *r)
{
	const struct assess_row *best = NULL, *worst = NULL;
	size_t scored = 0;

	for (size_t i = 0; i < r->n; i++)
		if (r->rows[i].r.scored) {
			if (!best)
				best = &r->rows[i];
			worst = &r->rows[i];
			scored++;
		}
	if (!best)
		return built(b, doc_paragraph(b->d, "本期%s无评价数据。",
					      what));
	return built(b, doc_paragraph(b->d,
		"本期参评%s%zu个，%s以%.1f分排名第一（%c级）；"
		"%s以%.1f分排名末位（%c级）。", what, scored,
		best->name, best->r.score, best->r.grade, worst->name,
		worst->r.score, worst->r.grade));
}

/* ---- sections shared by the kinds -------------------------------------- */

/* The reports of categories of `hours` summed, most first. */
struct cat_count {
	char code[CODE_MAX + 1];
	int64_t n;
};

static int cat_add(struct cat_count **v, size_t *n,
		   const struct assess_hours *h)
{
	for (size_t i = 0; i < h->ncategories; i++) {
		size_t k = 0;

		while (k < *n && strcmp((*v)[k].code, h->categories[i].code))
			k++;
		if (k == *n) {
			struct cat_count *w = realloc(*v, (*n + 1) * sizeof *w);
			if (!w)
				return -UG_ENOMEM;
			*v = w;
			snprintf(w[k].code, sizeof w[k].code, "%s",
				 h->categories[i].code);
			w[k].n = 0;
			(*n)++;
		}
		(*v)[k].n += h->categories[i].reported;
	}
	return 0;
}

static int by_count(const void *x, const void *y)
{
	const struct cat_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->code, b->code);
}

/* The categories over the days [from, to]: a table of the first
 * CATEGORY_ROWS_MAX and a bar chart of the first CHART_CATS_MAX. */
static int categories_section(struct build *b, int32_t from, int32_t to)
{
	struct cat_count *v = NULL;
	size_t n = 0;
	int rc = 0;
	static const struct doc_column dc[] = {
		{ "问题类别", DOC_COL_TEXT }, { "代码", DOC_COL_TEXT },
		{ "上报数", DOC_COL_INT },
	};

	for (int64_t d = period_day_number(from);
	     rc == 0 && d <= period_day_number(to); d++) {
		struct assess_hours h;

		if ((rc = hours_of(b, period_day_of_number(d), &h)))
			break;
		if (cat_add(&v, &n, &h))
			rc = oom(b->err);
		assess_hours_free(&h);
	}
	if (rc) {
		free(v);
		return rc;
	}
	if (n == 0) {
		free(v);
		return built(b, doc_paragraph(b->d, "本期无问题上报。"));
	}
	qsort(v, n, sizeof *v, by_count);
	struct doc_table *t = doc_table(b->d, "问题类别", "问题类别统计", 3, dc);
	const char *cats[CHART_CATS_MAX];
	double vals[CHART_CATS_MAX];
	size_t nc = 0;

	if (!t)
		rc = -UG_ENOMEM;
	for (size_t i = 0; rc == 0 && i < n && i < CATEGORY_ROWS_MAX; i++) {
		long row = doc_row(t);
		if (row < 0) {
			rc = (int)row;
			break;
		}
		rc = doc_cell_text(t, (size_t)row, 0, category_name(b, v[i].code));
		rc |= doc_cell_text(t, (size_t)row, 1, v[i].code);
		rc |= doc_cell_number(t, (size_t)row, 2, (double)v[i].n);
		if (nc < CHART_CATS_MAX) {
			cats[nc] = category_name(b, v[i].code);
			vals[nc++] = (double)v[i].n;
		}
	}
	if (rc == 0) {
		struct doc_chart *c = doc_chart(b->d, DOC_CHART_BAR,
						"主要问题类别", "件", nc, cats);
		rc = c ? doc_series(c, "上报数", vals) : -UG_ENOMEM;
	}
	free(v);
	return built(b, rc ? -UG_ENOMEM : 0);
}

/* The hot spots of ISO week `week` as a table. */
static int hotspots_section(struct build *b, const char *week)
{
	struct hotspot_list l;
	static const struct doc_column dc[] = {
		{ "网格", DOC_COL_TEXT }, { "社区", DOC_COL_TEXT },
		{ "问题类别", DOC_COL_TEXT }, { "本周件数", DOC_COL_INT },
		{ "基线均值", DOC_COL_DECIMAL }, { "p值", DOC_COL_TEXT },
	};
	int rc = assess_hotspots(b->db, b->a, b->off, week, NULL, area_arg(b),
				 NULL, &l, b->err);

	if (rc)
		return rc;
	if (l.n == 0) {
		hotspot_list_free(&l);
		return built(b, doc_paragraph(b->d,
			"%s共检验网格×类别%lld组，未发现热点。", week,
			(long long)l.tested));
	}
	rc = doc_paragraph(b->d, "%s共检验网格×类别%lld组，发现热点%zu处：",
			   week, (long long)l.tested, l.n);
	struct doc_table *t = rc ? NULL
				 : doc_table(b->d, "热点", "问题热点", 6, dc);
	if (!t)
		rc = -UG_ENOMEM;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		const struct hotspot_row *h = &l.rows[i];
		char p[32];
		long row = doc_row(t);

		if (row < 0) {
			rc = (int)row;
			break;
		}
		snprintf(p, sizeof p, "%.2g", h->stat.p);
		rc |= doc_cell_text(t, (size_t)row, 0, h->grid_name[0]
				    ? h->grid_name : h->grid);
		rc |= doc_cell_text(t, (size_t)row, 1, h->community_name);
		rc |= doc_cell_text(t, (size_t)row, 2, h->category_name[0]
				    ? h->category_name : h->category);
		rc |= doc_cell_number(t, (size_t)row, 3, (double)h->count);
		rc |= doc_cell_number(t, (size_t)row, 4, h->stat.mean);
		rc |= doc_cell_text(t, (size_t)row, 5, p);
	}
	hotspot_list_free(&l);
	return built(b, rc ? -UG_ENOMEM : 0);
}

/* The rebounds whose watched weeks end with the period: since is
 * rebound_params.weeks weeks before the period's last week starts. */
static int rebounds_section(struct build *b, const struct period *p)
{
	struct rebound_params rp;
	struct hotspot_list l;
	char since[16];
	static const struct doc_column dc[] = {
		{ "网格", DOC_COL_TEXT }, { "问题类别", DOC_COL_TEXT },
		{ "治理前周均", DOC_COL_DECIMAL }, { "最低周件数", DOC_COL_INT },
		{ "反弹至", DOC_COL_PERCENT },
	};
	int rc;

	rebound_params_default(&rp);
	int64_t last_monday = period_day_number(p->to) - 6;
	/* period_day_number(1970-01-05) is a Monday: align on Mondays. */
	last_monday -= ((last_monday - 4) % 7 + 7) % 7;
	period_day_text(period_day_of_number(last_monday - 7 * (rp.weeks - 1)),
			since, sizeof since);
	rc = assess_rebounds(b->db, b->a, b->off, since, &rp, NULL,
			     area_arg(b), &l, b->err);
	if (rc)
		return rc;
	if (l.n == 0) {
		hotspot_list_free(&l);
		return built(b, doc_paragraph(b->d,
			"自%s起的%d周内未发现问题反弹。", since, rp.weeks));
	}
	rc = doc_paragraph(b->d, "自%s起的%d周内，以下%zu处问题在下降后反弹至"
			   "原水平的%.0f%%以上，请属地和责任部门重点关注：",
			   since, rp.weeks, l.n, rp.threshold * 100);
	struct doc_table *t = rc ? NULL
				 : doc_table(b->d, "反弹预警", "问题反弹预警",
					     5, dc);
	if (!t)
		rc = -UG_ENOMEM;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		const struct hotspot_row *h = &l.rows[i];
		long row = doc_row(t);

		if (row < 0) {
			rc = (int)row;
			break;
		}
		rc |= doc_cell_text(t, (size_t)row, 0, h->grid_name[0]
				    ? h->grid_name : h->grid);
		rc |= doc_cell_text(t, (size_t)row, 1, h->category_name[0]
				    ? h->category_name : h->category);
		rc |= doc_cell_number(t, (size_t)row, 2, h->rebound.level);
		rc |= doc_cell_number(t, (size_t)row, 3,
				      (double)h->rebound.low);
		rc |= doc_cell_number(t, (size_t)row, 4, h->rebound.back_share);
	}
	hotspot_list_free(&l);
	return built(b, rc ? -UG_ENOMEM : 0);
}

static int commentary_section(struct build *b, const char *heading)
{
	int rc = doc_heading(b->d, 1, heading);

	if (rc == 0) {
		const char *c = b->rq->commentary;
		rc = c && *c ? doc_paragraph(b->d, "%s", c)
			     : doc_paragraph(b->d, "（待领导填写点评意见）");
	}
	return built(b, rc);
}

/* ---- the worst items' photos -------------------------------------------- */

struct day_cases {
	struct case_row *v;
	size_t n;
};

static int case_keep(void *ctx, const struct case_row *c)
{
	struct day_cases *l = ctx;
	struct case_row *v = realloc(l->v, (l->n + 1) * sizeof *v);

	if (!v)
		return -UG_ENOMEM;
	l->v = v;
	l->v[l->n++] = *c;
	return 0;
}

/* Worst first: still open before ended, then the earliest deadline
 * (a deadline passed is the worst), then the oldest. */
static int by_worst(const void *x, const void *y)
{
	const struct case_row *a = x, *b = y;
	int ea = case_state_terminal(case_state_parse(a->state));
	int eb = case_state_terminal(case_state_parse(b->state));
	int64_t da = a->deadline ? a->deadline : INT64_MAX;
	int64_t db = b->deadline ? b->deadline : INT64_MAX;

	if (ea != eb)
		return ea - eb;
	if (da != db)
		return da < db ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

struct first_photo {
	struct attachment_row row;
	int found;
};

static int photo_keep(void *ctx, const struct attachment_row *r)
{
	struct first_photo *f = ctx;

	/* The report's photo tells the problem; another only without one. */
	if (!f->found || (strcmp(r->kind, "report") == 0 &&
			  strcmp(f->row.kind, "report") != 0)) {
		f->row = *r;
		f->found = 1;
	}
	return 0;
}

static int photos_section(struct build *b, int64_t from, int64_t to)
{
	struct case_filter f = { .from = from, .to = to, .now = b->env->now,
				 .limit = 200 };
	struct day_cases l = { 0 };
	int64_t total = 0;
	size_t shown = 0;
	int rc;

	f.area_prefix = area_arg(b);
	rc = case_list(b->db, b->a, &f, case_keep, &l, &total, b->err);
	if (rc == 0 && l.n)
		qsort(l.v, l.n, sizeof *l.v, by_worst);
	for (size_t i = 0; rc == 0 && b->env->files_dir && i < l.n &&
	     shown < PHOTOS_MAX; i++) {
		struct first_photo ph = { .found = 0 };
		struct case_view_cb cb = { NULL, photo_keep, &ph };
		struct case_view *v = malloc(sizeof *v);
		struct buf bytes = BUF_INIT;
		struct ug_error ferr;
		char path[4096];

		if (!v) {
			rc = oom(b->err);
			break;
		}
		rc = case_view(b->db, b->a, l.v[i].id, v, &cb, b->err);
		free(v);
		if (rc || !ph.found)
			continue;
		attachment_path(b->env->files_dir, ph.row.sha256, path,
				sizeof path);
		/* A file gone from the disk leaves the photo out. */
		if (buf_read_file(&bytes, path, &ferr) == 0) {
			char caption[2048];

			snprintf(caption, sizeof caption, "%s %s %s（%s）",
				 l.v[i].number,
				 category_name(b, l.v[i].category),
				 l.v[i].address,
				 case_states[case_state_parse(l.v[i].state)]
					 .name_zh);
			rc = built(b, doc_image(b->d, caption,
						(const void *)bytes.data,
						bytes.len));
			shown++;
		}
		buf_free(&bytes);
	}
	free(l.v);
	if (rc == 0 && shown == 0)
		rc = built(b, doc_paragraph(b->d, "当日无问题照片。"));
	return rc;
}

/* ---- 每天一督查 ---------------------------------------------------------- */

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static const struct doc_column coverage_cols[] = {
	{ "监督员", DOC_COL_TEXT }, { "责任网格数", DOC_COL_INT },
	{ "已巡查网格数", DOC_COL_INT }, { "覆盖率", DOC_COL_PERCENT },
	{ "巡查里程（公里）", DOC_COL_DECIMAL },
	{ "在岗时长（小时）", DOC_COL_DECIMAL },
};

struct coverage {
	struct build *b;
	struct doc_table *t;
	size_t tracked;
	int rc;
};

static int coverage_row(void *ctx, const struct patrol_figures *f)
{
	struct coverage *c = ctx;
	long row;

	if (f->distance_m <= 0 && f->on_shift_s <= 0 && f->visited == 0 &&
	    f->assigned == 0)
		return 0;
	if (f->distance_m > 0 || f->visited)
		c->tracked++;
	if (!c->t && !(c->t = doc_table(c->b->d, "巡查覆盖",
					 "监督员巡查覆盖情况",
					 NCOLS(coverage_cols), coverage_cols)))
		return -UG_ENOMEM;
	if ((row = doc_row(c->t)) < 0)
		return (int)row;
	size_t k = (size_t)row;
	int rc = doc_cell_text(c->t, k, 0, f->name[0] ? f->name : f->username);
	rc |= doc_cell_number(c->t, k, 1, (double)f->assigned);
	rc |= doc_cell_number(c->t, k, 2, (double)f->visited);
	if (f->assigned)
		rc |= doc_cell_number(c->t, k, 3,
				      (double)f->visited / (double)f->assigned);
	rc |= doc_cell_number(c->t, k, 4, f->distance_m / 1000.0);
	rc |= doc_cell_number(c->t, k, 5, (double)f->on_shift_s / 3600.0);
	return rc ? -UG_ENOMEM : 0;
}

static int coverage_section(struct build *b)
{
	struct patrol_day day;
	char text[16];
	int rc;

	period_day_text(b->rq->period.from, text, sizeof text);
	if ((rc = patrol_day_parse(b->env->cases, text, b->env->now, "period",
				   &day, b->err)))
		return rc;
	struct coverage c = { b, NULL, 0, 0 };
	rc = patrol_coverage(b->db, b->env->cases, b->a, area_arg(b), &day,
			     b->env->now, coverage_row, &c, b->err);
	/* A caller who reads no patrol has no coverage to show: the
	 * section says so (the patrol's access layer decided). */
	if (rc == -UG_EFORBIDDEN) {
		ug_error_clear(b->err);
		rc = 0;
	}
	if (rc == -UG_ENOMEM)
		return oom(b->err);
	if (rc)
		return rc;
	if (c.tracked == 0)
		return built(b, doc_paragraph(b->d, "当日无监督员巡查轨迹记录。"));
	return 0;
}

static const struct counter_col inspection_cols[] = {
	{ AC_reported, "上报数" }, { AC_valid_reported, "有效上报数" },
	{ AC_verified, "核实数" }, { AC_verified_on_time, "按时核实数" },
	{ AC_filed, "立案数" }, { AC_checked, "核查数" },
};

/* 一、总体情况 of a daily kind: the day's counters of the caller's sight
 * in the kind's sentence; the day's instants into *from, *to. */
static int day_overview(struct build *b, int64_t *from, int64_t *to)
{
	struct assess_hours h;
	int rc = hours_of(b, b->rq->period.from, &h);

	if (rc)
		return rc;
	const int64_t *n = h.total.n;
	rc = built(b, doc_heading(b->d, 1, "一、总体情况"));
	if (rc == 0 && b->rq->kind == REPORT_INSPECTION)
		rc = built(b, doc_paragraph(b->d,
			"%s，共上报城市管理问题%lld件，其中有效上报%lld件；"
			"核实%lld件（按时%lld件），立案%lld件，核查%lld件。",
			b->period_zh, (long long)n[AC_reported],
			(long long)n[AC_valid_reported],
			(long long)n[AC_verified],
			(long long)n[AC_verified_on_time],
			(long long)n[AC_filed], (long long)n[AC_checked]));
	else if (rc == 0)
		rc = built(b, doc_paragraph(b->d,
			"%s，全域新上报问题%lld件，立案%lld件，派遣%lld件，"
			"结案%lld件，超时未处置%lld件。现将有关情况通报如下。",
			b->period_zh, (long long)n[AC_reported],
			(long long)n[AC_filed], (long long)n[AC_dispatched],
			(long long)n[AC_closed], (long long)n[AC_overdue]));
	*from = h.from;
	*to = h.to;
	assess_hours_free(&h);
	return rc;
}

/* A heading and the table of counters of ranking `k` for the period
 * (counters_table()). */
struct counters_section {
	const char *heading;
	enum assess_eval_kind k;
	const char *name, *caption, *first;
	const struct counter_col *cols;
	size_t ncols;
	int only_active;
	size_t max_rows;
};

static int counters_section(struct build *b, const struct counters_section *s)
{
	struct assess_ranking r;
	int rc;

	if ((rc = built(b, doc_heading(b->d, 1, s->heading))) ||
	    (rc = rank(b, s->k, b->rq->period.text, &r)))
		return rc;
	rc = counters_table(b, s->name, s->caption, s->first, &r, s->cols,
			    s->ncols, s->only_active, s->max_rows);
	assess_ranking_free(&r);
	return rc;
}

static int build_inspection(struct build *b)
{
	const struct counters_section streets = {
		"二、分街道督查情况", EK_STREETS, "分街道",
		"各街道问题上报与核实情况", "街道", inspection_cols,
		NCOLS(inspection_cols), 0, (size_t)-1
	}, grids = {
		"三、分网格督查情况", EK_GRIDS, "分网格", "问题较多的网格",
		"网格", inspection_cols, NCOLS(inspection_cols), 1,
		GRID_ROWS_MAX
	};
	const struct period *p = &b->rq->period;
	int64_t from, to;
	int rc;

	if ((rc = day_overview(b, &from, &to)) ||
	    (rc = counters_section(b, &streets)) ||
	    (rc = counters_section(b, &grids)) ||
	    (rc = built(b, doc_heading(b->d, 1, "四、问题类别"))) ||
	    (rc = categories_section(b, p->from, p->to)) ||
	    (rc = built(b, doc_heading(b->d, 1, "五、监督员巡查覆盖"))) ||
	    (rc = coverage_section(b)) ||
	    (rc = built(b, doc_heading(b->d, 1, "六、突出问题照片"))))
		return rc;
	return photos_section(b, from, to);
}

/* ---- 每日一通报 ---------------------------------------------------------- */

static const struct counter_col department_cols[] = {
	{ AC_dispatched, "派遣数" }, { AC_to_handle, "应处置数" },
	{ AC_handled, "处置数" }, { AC_handled_on_time, "按时处置数" },
	{ AC_overdue, "超时未处置数" }, { AC_rework, "返工数" },
	{ AC_closed, "结案数" },
};

static const struct counter_col street_cols[] = {
	{ AC_reported, "上报数" }, { AC_filed, "立案数" },
	{ AC_dispatched, "派遣数" }, { AC_closed, "结案数" },
	{ AC_overdue, "超时未处置数" },
};

struct honours_pick {
	int64_t before;               /* published at or before */
	struct honours_list *lists;   /* departments, streets */
	int found[2];
	int rc;
};

static int honours_keep(void *ctx, const struct honours_list *l)
{
	struct honours_pick *p = ctx;
	int i = l->kind == EK_DEPARTMENTS ? 0 : l->kind == EK_STREETS ? 1 : -1;

	/* Newest first: the first of a kind published by the day's end. */
	if (i < 0 || p->found[i] || l->published_at > p->before)
		return 0;
	struct honours_list *c = &p->lists[i];
	*c = *l;
	c->red = c->n_red ? malloc(c->n_red * sizeof *c->red) : NULL;
	c->black = c->n_black ? malloc(c->n_black * sizeof *c->black) : NULL;
	c->comment = NULL;
	if ((c->n_red && !c->red) || (c->n_black && !c->black)) {
		free(c->red);
		free(c->black);
		c->red = c->black = NULL;
		return -UG_ENOMEM;
	}
	if (c->n_red)
		memcpy(c->red, l->red, c->n_red * sizeof *c->red);
	if (c->n_black)
		memcpy(c->black, l->black, c->n_black * sizeof *c->black);
	p->found[i] = 1;
	return 0;
}

static int honours_table(struct build *b, const char *name,
			 const char *caption, const struct honours_entry *e,
			 size_t n)
{
	static const struct doc_column dc[] = {
		{ "名称", DOC_COL_TEXT }, { "得分", DOC_COL_DECIMAL },
		{ "等级", DOC_COL_TEXT }, { "名次", DOC_COL_INT },
	};
	struct doc_table *t = doc_table(b->d, name, caption, 4, dc);
	int rc = t ? 0 : -UG_ENOMEM;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		char grade[2] = { e[i].grade, 0 };
		long row = doc_row(t);

		if (row < 0)
			return built(b, (int)row);
		rc |= doc_cell_text(t, (size_t)row, 0, e[i].name);
		if (e[i].scored) {
			rc |= doc_cell_number(t, (size_t)row, 1, e[i].score);
			rc |= doc_cell_text(t, (size_t)row, 2, grade);
		}
		if (e[i].rank)
			rc |= doc_cell_number(t, (size_t)row, 3, e[i].rank);
	}
	return built(b, rc ? -UG_ENOMEM : 0);
}

static int honours_section(struct build *b)
{
	static const char *const what[2] = { "专业部门", "街道" };
	struct honours_list lists[2];
	struct honours_pick p = {
		assess_period_end(&b->rq->period, b->off), lists, { 0, 0 }, 0
	};
	int rc;

	memset(lists, 0, sizeof lists);
	rc = honours_history(b->db, b->a, NULL, NULL, 1, honours_keep, &p,
			     b->err);
	if (rc == -UG_ENOMEM)
		rc = oom(b->err);
	for (int i = 0; rc == 0 && i < 2; i++) {
		char caption[160];

		if (!p.found[i]) {
			rc = built(b, doc_paragraph(b->d,
				"%s红黑榜：截至本日尚无已发布的榜单。",
				what[i]));
			continue;
		}
		rc = built(b, doc_paragraph(b->d,
			"%s红黑榜（%s，第%lld版）：红榜%zu个，黑榜%zu个。%s",
			what[i], lists[i].period.text,
			(long long)lists[i].version, lists[i].n_red,
			lists[i].n_black, ""));
		snprintf(caption, sizeof caption, "%s红榜", what[i]);
		if (rc == 0)
			rc = honours_table(b, caption, caption, lists[i].red,
					   lists[i].n_red);
		snprintf(caption, sizeof caption, "%s黑榜", what[i]);
		if (rc == 0)
			rc = honours_table(b, caption, caption, lists[i].black,
					   lists[i].n_black);
	}
	for (int i = 0; i < 2; i++) {
		free(lists[i].red);
		free(lists[i].black);
	}
	return rc;
}

static int supervised_section(struct build *b, int64_t from, int64_t to)
{
	static const struct doc_column dc[] = {
		{ "案件编号", DOC_COL_TEXT }, { "问题类别", DOC_COL_TEXT },
		{ "地址", DOC_COL_TEXT }, { "处置部门", DOC_COL_TEXT },
		{ "状态", DOC_COL_TEXT }, { "处置时限", DOC_COL_TEXT },
	};
	struct case_filter f = { .supervised = 1, .by_deadline = 1,
				 .now = b->env->now, .to = to,
				 .limit = SUPERVISED_MAX };
	struct day_cases l = { 0 };
	struct doc_table *t = NULL;
	int64_t total = 0;
	size_t shown = 0;
	int rc;

	f.area_prefix = area_arg(b);
	rc = case_list(b->db, b->a, &f, case_keep, &l, &total, b->err);
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		const struct case_row *c = &l.v[i];
		char deadline[64] = "";
		long row;

		/* Those open at some time on the day. */
		if (c->closed_at && c->closed_at < from)
			continue;
		if (!t && !(t = doc_table(b->d, "督办案件", "督办案件情况", 6,
					  dc))) {
			rc = built(b, -UG_ENOMEM);
			break;
		}
		if ((row = doc_row(t)) < 0) {
			rc = built(b, (int)row);
			break;
		}
		if (c->deadline) {
			int64_t local = c->deadline + b->off;
			int32_t day = period_day_of_number(local / 86400);
			snprintf(deadline, sizeof deadline, "%d-%02d-%02d %02d:%02d",
				 day / 10000, day / 100 % 100, day % 100,
				 (int)(local % 86400 / 3600),
				 (int)(local % 3600 / 60));
		}
		rc |= doc_cell_text(t, (size_t)row, 0, c->number);
		rc |= doc_cell_text(t, (size_t)row, 1,
				    category_name(b, c->category));
		rc |= doc_cell_text(t, (size_t)row, 2, c->address);
		rc |= doc_cell_text(t, (size_t)row, 3, c->department);
		rc |= doc_cell_text(t, (size_t)row, 4,
				    case_states[case_state_parse(c->state)]
					    .name_zh);
		rc |= doc_cell_text(t, (size_t)row, 5,
				    deadline[0] ? deadline : NULL);
		rc = rc ? built(b, -UG_ENOMEM) : 0;
		shown++;
	}
	free(l.v);
	if (rc == 0)
		rc = built(b, shown ? doc_paragraph(b->d,
			"以上督办案件共%zu件，请各责任单位加快办理。", shown)
				   : doc_paragraph(b->d, "当日无督办案件。"));
	return rc;
}

static int build_bulletin(struct build *b)
{
	const struct counters_section departments = {
		"二、各部门办理情况", EK_DEPARTMENTS, "分部门",
		"各专业部门案件办理情况", "部门", department_cols,
		NCOLS(department_cols), 0, (size_t)-1
	}, streets = {
		"三、各街道案件情况", EK_STREETS, "分街道", "各街道案件情况",
		"街道", street_cols, NCOLS(street_cols), 0, (size_t)-1
	};
	int64_t from, to;
	int rc;

	if ((rc = day_overview(b, &from, &to)) ||
	    (rc = counters_section(b, &departments)) ||
	    (rc = counters_section(b, &streets)) ||
	    (rc = built(b, doc_heading(b->d, 1, "四、红黑榜"))) ||
	    (rc = honours_section(b)) ||
	    (rc = built(b, doc_heading(b->d, 1, "五、督办案件"))))
		return rc;
	return supervised_section(b, from, to);
}

/* ---- 每周一简评 ---------------------------------------------------------- */

static int ranked_section(struct build *b, enum assess_eval_kind k,
			  const char *heading, const char *what)
{
	struct assess_ranking r;
	char name[32];
	int rc;

	if ((rc = built(b, doc_heading(b->d, 2, heading))) ||
	    (rc = rank(b, k, b->rq->period.text, &r)))
		return rc;
	snprintf(name, sizeof name, "%s评价", what);
	rc = ranking_summary(b, what, &r);
	if (rc == 0)
		rc = ranking_table(b, name, heading, &r);
	assess_ranking_free(&r);
	return rc;
}

static int build_weekly(struct build *b)
{
	const struct period *p = &b->rq->period;
	int rc;

	if ((rc = built(b, doc_heading(b->d, 1, "一、本周综合评价"))) ||
	    (rc = built(b, doc_paragraph(b->d,
		"%s综合评价结果如下，“名次变化”为较上周名次的升降"
		"（正数为上升），“得分变化”为较上周得分的增减。",
		b->period_zh))) ||
	    (rc = ranked_section(b, EK_DEPARTMENTS, "（一）专业部门",
				 "专业部门")) ||
	    (rc = ranked_section(b, EK_STREETS, "（二）街道", "街道")) ||
	    (rc = built(b, doc_heading(b->d, 1, "二、主要问题类别"))) ||
	    (rc = categories_section(b, p->from, p->to)) ||
	    (rc = built(b, doc_heading(b->d, 1, "三、问题热点与反弹"))) ||
	    (rc = built(b, doc_heading(b->d, 2, "（一）问题热点"))) ||
	    (rc = hotspots_section(b, p->text)) ||
	    (rc = built(b, doc_heading(b->d, 2, "（二）问题反弹"))) ||
	    (rc = rebounds_section(b, p)))
		return rc;
	return commentary_section(b, "四、领导点评");
}

/* ---- 每月一汇总 ---------------------------------------------------------- */

static int trends_section(struct build *b)
{
	const struct period *p = &b->rq->period;
	struct assess_ranking now;
	char labels[TREND_MONTHS][32], months[TREND_MONTHS][32];
	const char *cats[TREND_MONTHS];
	double totals[3][TREND_MONTHS];
	double scores[TREND_SERIES_MAX][TREND_MONTHS];
	size_t nseries = 0;
	int rc;
	int y = p->from / 10000, m = p->from / 100 % 100;

	/* The months, oldest first: m-5 .. m. */
	for (int i = TREND_MONTHS - 1; i >= 0; i--) {
		snprintf(months[i], sizeof months[i], "%04d-%02d", y, m);
		snprintf(labels[i], sizeof labels[i], "%d月", m);
		cats[i] = labels[i];
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	if ((rc = rank(b, EK_STREETS, p->text, &now)))
		return rc;
	nseries = now.n < TREND_SERIES_MAX ? now.n : TREND_SERIES_MAX;
	for (int i = 0; rc == 0 && i < TREND_MONTHS; i++) {
		struct assess_ranking r;

		if ((rc = rank(b, EK_STREETS, months[i], &r)))
			break;
		totals[0][i] = totals[1][i] = totals[2][i] = 0;
		for (size_t j = 0; j < r.n; j++) {
			totals[0][i] += (double)r.rows[j].counts.n[AC_filed];
			totals[1][i] += (double)r.rows[j].counts.n[AC_closed];
			totals[2][i] += (double)r.rows[j].counts.n[AC_overdue];
		}
		for (size_t s = 0; s < nseries; s++) {
			scores[s][i] = NAN; /* a month without a score: a gap */
			for (size_t j = 0; j < r.n; j++)
				if (strcmp(r.rows[j].code, now.rows[s].code) == 0 &&
				    r.rows[j].r.scored)
					scores[s][i] = r.rows[j].r.score;
		}
		assess_ranking_free(&r);
	}
	if (rc == 0) {
		struct doc_chart *c = doc_chart(b->d, DOC_CHART_LINE,
						"近6个月案件量趋势", "件",
						TREND_MONTHS, cats);
		rc = !c || doc_series(c, "立案数", totals[0]) ||
			     doc_series(c, "结案数", totals[1]) ||
			     doc_series(c, "超时未处置数", totals[2])
			     ? -UG_ENOMEM : 0;
	}
	if (rc == 0 && nseries) {
		struct doc_chart *c = doc_chart(b->d, DOC_CHART_LINE,
						"近6个月各街道综合得分趋势", "分",
						TREND_MONTHS, cats);
		rc = c ? 0 : -UG_ENOMEM;
		for (size_t s = 0; rc == 0 && s < nseries; s++)
			rc = doc_series(c, now.rows[s].name, scores[s]);
	}
	assess_ranking_free(&now);
	return rc < 0 && rc != -UG_ENOMEM ? rc : built(b, rc);
}

/* The grade classes of the map, and "no data". */
static const struct doc_map_class grade_classes[] = {
	{ "A 优秀", 0x2e9d4a }, { "B 良好", 0x3a78c3 }, { "C 合格", 0xf2c230 },
	{ "D 较差", 0xd9412b }, { "E 差", 0x222222 }, { "无数据", 0xd0d0d0 },
};

struct unit_grade {
	const char *code;
	int cls;
};

static int by_code(const void *x, const void *y)
{
	return strcmp(((const struct unit_grade *)x)->code,
		      ((const struct unit_grade *)y)->code);
}

/* Add the outer rings of GeoJSON polygon or multipolygon g. */
static int map_rings(struct doc_map *m, const char *label, int cls, json_t *g)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	json_t *coords = json_object_get(g, "coordinates");
	size_t npoly = 0;

	if (!type || !json_is_array(coords))
		return 0;
	int multi = strcmp(type, "MultiPolygon") == 0;
	if (!multi && strcmp(type, "Polygon"))
		return 0;
	npoly = multi ? json_array_size(coords) : 1;
	for (size_t i = 0; i < npoly; i++) {
		json_t *poly = multi ? json_array_get(coords, i) : coords;
		json_t *ring = json_array_get(poly, 0);
		size_t n = json_array_size(ring);
		double *xy;
		int rc;

		if (n < 3)
			continue;
		if (!(xy = malloc(2 * n * sizeof *xy)))
			return -UG_ENOMEM;
		for (size_t k = 0; k < n; k++) {
			json_t *pt = json_array_get(ring, k);
			xy[2 * k] = json_number_value(json_array_get(pt, 0));
			xy[2 * k + 1] = json_number_value(json_array_get(pt, 1));
		}
		rc = doc_map_area(m, i == 0 ? label : NULL, cls, n, xy);
		free(xy);
		if (rc)
			return rc;
	}
	return 0;
}

struct doc_map *report_grade_map(struct doc *d, const char *title,
				 const struct assess_ranking *r,
				 json_t *features, const char *unit)
{
	struct unit_grade *g = malloc((r->n ? r->n : 1) * sizeof *g);
	struct doc_map *m = g ? doc_map(d, title, NCOLS(grade_classes),
					grade_classes)
			      : NULL;
	json_t *f;
	size_t i;

	for (i = 0; m && i < r->n; i++) {
		g[i].code = r->rows[i].code;
		g[i].cls = r->rows[i].r.scored && r->rows[i].r.grade
			   ? r->rows[i].r.grade - 'A' : 5;
	}
	if (m)
		qsort(g, r->n, sizeof *g, by_code);
	json_array_foreach(features, i, f) {
		const char *code = json_string_value(
			json_object_get(json_object_get(f, "properties"),
					unit));
		struct unit_grade key = { code, 0 }, *hit;

		if (!m)
			break;
		/* Only the grids whose unit the caller's ranking holds. */
		if (!code || !(hit = bsearch(&key, g, r->n, sizeof *g, by_code)))
			continue;
		if (map_rings(m, NULL, hit->cls,
			      json_object_get(f, "geometry")))
			m = NULL;
	}
	free(g);
	return m;
}

/* The map titled `title` of every grid of the city in the class of the
 * grade its unit - the feature's property `unit` ("code": the grid
 * itself, "street": its street) - has in the ranking of kind k for the
 * period. */
static int map_section(struct build *b, enum assess_eval_kind k,
		       const char *title, const char *unit)
{
	struct assess_ranking r;
	struct buf geo = BUF_INIT;
	double box[4];
	int truncated = 0, rc;
	json_t *fc = NULL;

	if ((rc = rank(b, k, b->rq->period.text, &r)))
		return rc;
	if (r.n == 0) {
		rc = built(b, doc_paragraph(b->d, k == EK_GRIDS
					    ? "（无网格数据）"
					    : "（无街道数据）"));
		goto out;
	}
	rc = grids_extent(b->db, box, b->err);
	if (rc == -UG_ENOTFOUND) {
		ug_error_clear(b->err);
		rc = built(b, doc_paragraph(b->d, "（未导入网格边界）"));
		goto out;
	}
	/* Outlines simplified to about a metre: a printed page shows no
	 * finer; every grid of the city (they are filtered below). */
	if (rc || (rc = grids_geojson_bbox(b->db, box[0], box[1], box[2],
					   box[3], 0.00001, 100000, &geo,
					   &truncated, b->err)))
		goto out;
	if (!(fc = json_loadb(geo.data, geo.len, 0, NULL))) {
		rc = ug_fail(b->err, UG_EINTERNAL, NULL, "grids' GeoJSON");
		goto out;
	}
	rc = report_grade_map(b->d, title, &r,
			      json_object_get(fc, "features"), unit)
		     ? 0
		     : oom(b->err);
out:
	json_decref(fc);
	buf_free(&geo);
	assess_ranking_free(&r);
	return rc;
}

static int build_monthly(struct build *b)
{
	static const struct {
		enum assess_eval_kind k;
		const char *heading, *what;
	} kinds[] = {
		{ EK_DEPARTMENTS, "（一）专业部门", "专业部门" },
		{ EK_DISTRICTS, "（二）区", "区" },
		{ EK_STREETS, "（三）街道", "街道" },
		{ EK_COMMUNITIES, "（四）社区", "社区" },
		{ EK_GRIDS, "（五）网格", "网格" },
		{ EK_INSPECTORS, "（六）监督员", "监督员" },
		{ EK_RECEPTIONISTS, "（七）受理员", "受理员" },
		{ EK_SHIFT_LEADERS, "（八）值班长", "值班长" },
		{ EK_DISPATCHERS, "（九）派遣员", "派遣员" },
	};
	int rc;

	if ((rc = built(b, doc_heading(b->d, 1, "一、综合评价结果"))) ||
	    (rc = built(b, doc_paragraph(b->d,
		"%s对专业部门、各级区域和各岗位人员进行了综合评价，"
		"等级按A（优秀）、B（良好）、C（合格）、D（较差）、E（差）"
		"划分，“名次变化”“得分变化”为与上月相比。",
		b->period_zh))))
		return rc;
	for (size_t i = 0; i < NCOLS(kinds); i++)
		if ((rc = ranked_section(b, kinds[i].k, kinds[i].heading,
					 kinds[i].what)))
			return rc;
	if ((rc = built(b, doc_heading(b->d, 1, "二、近六个月趋势"))) ||
	    (rc = trends_section(b)) ||
	    (rc = built(b, doc_heading(b->d, 1, "三、问题反弹预警"))) ||
	    (rc = rebounds_section(b, &b->rq->period)) ||
	    (rc = built(b, doc_heading(b->d, 1, "四、综合评价等级分布"))) ||
	    (rc = map_section(b, EK_STREETS, "街道综合评价等级分布图",
			      "street")) ||
	    (rc = map_section(b, EK_GRIDS, "网格综合评价等级分布图", "code")))
		return rc;
	return commentary_section(b, "五、领导点评");
}

/* ---- the document ------------------------------------------------------- */

static int set_meta(struct build *b)
{
	const struct period *p = &b->rq->period;
	struct report_settings s;
	char title[256], number[256], date[64];
	int32_t today = period_day_of_number(
		(b->env->now + b->off) / 86400);
	int rc;

	if ((rc = report_settings_get(b->db, &s, b->err)))
		return rc;
	switch (b->rq->kind) {
	case REPORT_INSPECTION:
	case REPORT_BULLETIN:
		day_zh(p->from, b->period_zh, sizeof b->period_zh);
		break;
	case REPORT_WEEKLY: {
		char f[40], t[40];

		day_zh(p->from, f, sizeof f);
		day_zh(p->to, t, sizeof t);
		snprintf(b->period_zh, sizeof b->period_zh,
			 "%d年第%s周（%s至%s）", atoi(p->text),
			 p->text + 6, f, t);
		break;
	}
	case REPORT_MONTHLY:
	default:
		snprintf(b->period_zh, sizeof b->period_zh, "%d年%d月",
			 p->from / 10000, p->from / 100 % 100);
		break;
	}
	switch (b->rq->kind) {
	case REPORT_INSPECTION:
		snprintf(title, sizeof title, "%s城市管理问题督查情况",
			 b->period_zh);
		break;
	case REPORT_BULLETIN:
		snprintf(title, sizeof title,
			 "关于%s城市管理案件办理情况的通报", b->period_zh);
		break;
	case REPORT_WEEKLY:
		snprintf(title, sizeof title, "%s城市管理工作简评",
			 b->period_zh);
		break;
	case REPORT_MONTHLY:
	default:
		snprintf(title, sizeof title,
			 "关于%s城市管理综合评价情况的通报", b->period_zh);
		break;
	}
	if (b->rq->number)
		report_number_text(s.value[RSET_PREFIX], today / 10000,
				   b->rq->number, number, sizeof number);
	day_zh(today, date, sizeof date);
	int official = b->rq->kind != REPORT_INSPECTION;
	struct doc_meta m = {
		.style = official ? DOC_OFFICIAL : DOC_PLAIN,
		.title = title,
		.subtitle = report_kind_names_zh[b->rq->kind],
		.office = s.value[RSET_OFFICE],
		.number = b->rq->number ? number : NULL,
		.addressees = official ? s.value[RSET_ADDRESSEES] : NULL,
		.signer = s.value[RSET_SIGNER],
		.date = date,
		.copy_to = official && s.value[RSET_COPY_TO][0]
			   ? s.value[RSET_COPY_TO] : NULL,
		.lang = "zh-CN",
	};
	return built(b, doc_set_meta(b->d, &m));
}

int report_build(struct db *db, const struct report_env *env,
		 const struct actor *a, const struct report_request *rq,
		 struct doc *d, struct ug_error *err)
{
	struct build b = { db, env, a, rq, d, err, env->cases->utc_offset,
			   "", NULL, 0 };
	int rc;

	if (!actor_is(a, ROLE_INSPECTOR) && !actor_is(a, ROLE_RECEPTIONIST) &&
	    !actor_is(a, ROLE_SHIFT_LEADER) && !actor_is(a, ROLE_DISPATCHER) &&
	    !actor_is(a, ROLE_HANDLER) && !actor_is(a, ROLE_LEADER) &&
	    !actor_is(a, ROLE_ADMIN))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "your role reads no report");
	if ((rc = standards_categories(db, category_cb, &b, err))) {
		free(b.cats);
		return rc == -UG_ENOMEM ? oom(err) : rc;
	}
	if ((rc = set_meta(&b)) == 0) {
		switch (rq->kind) {
		case REPORT_INSPECTION: rc = build_inspection(&b); break;
		case REPORT_BULLETIN: rc = build_bulletin(&b); break;
		case REPORT_WEEKLY: rc = build_weekly(&b); break;
		case REPORT_MONTHLY: rc = build_monthly(&b); break;
		default:
			rc = ug_fail(err, UG_EINVAL, "kind", "unknown kind");
		}
	}
	free(b.cats);
	return rc;
}
