/*
 * hotspot.c - hot spots and rebounds (see hotspot.h): the Poisson test of
 * a week against the weeks before, the classification of a series around
 * a campaign, and the read of the weekly counts of the caller's grids
 * (store/assess/hotspot.h) that applies them pair by pair.
 */
#include "domain/assess/hotspot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/assess/rank.h"
#include "lib/util.h"
#include "store/assess/hotspot.h"

/* ---- the statistic ------------------------------------------------------ */

void hotspot_params_default(struct hotspot_params *p)
{
	p->baseline_weeks = 8;
	p->min_expected = 0.5;
	p->alpha = 0.01;
	p->min_count = 3;
}

double poisson_upper_tail(int64_t x, double lambda)
{
	double log_term, term, sum = 0;

	if (x <= 0)
		return 1;
	/* log P(X = x) = -λ + x ln λ - ln x! */
	log_term = -lambda + (double)x * log(lambda);
	for (int64_t k = 2; k <= x; k++)
		log_term -= log((double)k);
	term = exp(log_term);
	/* Terms shrink once k > λ; stop when they no longer move the sum. */
	for (int64_t k = x; term > 0; k++) {
		sum += term;
		if (term < sum * 1e-17 && (double)k > lambda)
			break;
		term *= lambda / (double)(k + 1);
	}
	return sum > 1 ? 1 : sum;
}

void hotspot_test(int64_t count, const int64_t *baseline, int weeks,
		  const struct hotspot_params *p, struct hotspot_stat *out)
{
	double sum = 0, sq = 0;

	memset(out, 0, sizeof *out);
	for (int i = 0; i < weeks; i++)
		sum += (double)baseline[i];
	out->mean = weeks > 0 ? sum / weeks : 0;
	for (int i = 0; i < weeks; i++)
		sq += ((double)baseline[i] - out->mean) *
		      ((double)baseline[i] - out->mean);
	out->sd = weeks > 1 ? sqrt(sq / (weeks - 1)) : 0;
	out->expected = out->mean > p->min_expected ? out->mean
						    : p->min_expected;
	out->z = ((double)count - out->expected) / sqrt(out->expected);
	out->p = poisson_upper_tail(count, out->expected);
	out->hot = count >= p->min_count && out->p < p->alpha;
}

/* ---- rebounds ----------------------------------------------------------- */

const char *const rebound_status_names[] = {
	[REBOUND_TOO_FEW] = "too_few",
	[REBOUND_NEVER_FELL] = "never_fell",
	[REBOUND_HELD] = "held",
	[REBOUND_CAME_BACK] = "came_back",
};

void rebound_params_default(struct rebound_params *p)
{
	p->before_weeks = 8;
	p->weeks = 8;
	p->fall = 0.5;
	p->threshold = 0.8;
	p->min_level = 1.0;
}

void rebound_classify(const int64_t *before, int nb, const int64_t *after,
		      int na, const struct rebound_params *p,
		      struct rebound_result *out)
{
	double sum = 0;

	memset(out, 0, sizeof *out);
	out->fell_week = out->back_week = -1;
	for (int i = 0; i < nb; i++)
		sum += (double)before[i];
	out->level = nb > 0 ? sum / nb : 0;
	if (out->level < p->min_level || out->level <= 0) {
		out->status = REBOUND_TOO_FEW;
		return;
	}
	out->status = REBOUND_NEVER_FELL;
	for (int k = 0; k < na; k++) {
		double v = (double)after[k];

		if (out->fell_week < 0) {
			if (v <= p->fall * out->level) {
				out->fell_week = k;
				out->low = after[k];
				out->status = REBOUND_HELD;
			}
			continue;
		}
		if (v >= p->threshold * out->level) {
			out->back_week = k;
			out->back_share = v / out->level;
			out->status = REBOUND_CAME_BACK;
			return;
		}
		if (after[k] < out->low)
			out->low = after[k];
	}
}

/* ---- the pairs read ------------------------------------------------------
 *
 * The store hands counts in no order (one per case: SQL's GROUP BY would
 * sort them all - bench/README.md); they are added up here in a hash of
 * grid × category pairs, in two passes: the first over the weeks that
 * decide whether a pair is worth a look (the tested week; the weeks
 * before `since`), the second over every week, for those pairs alone. */

struct pair {
	char grid[16], category[CODE_MAX + 1];
	int64_t selected;   /* cases in the first pass's weeks */
	int64_t *weeks;     /* the second pass's (candidates only) */
};

struct pairs {
	struct pair *v;     /* open addressing, a power of two, half full */
	size_t cap, n;
	int second;         /* in the second pass */
	int nweeks;
	struct ug_error *err;
};

static uint64_t pair_hash(const char *grid, const char *category)
{
	return ug_hash_more(ug_hash_more(ug_hash_more(UG_HASH_START, grid),
					 "/"),
			    category);
}

static struct pair *pair_slot(struct pair *v, size_t cap, const char *grid,
			      const char *category)
{
	size_t i = pair_hash(grid, category) & (cap - 1);

	while (v[i].grid[0] && !(strcmp(v[i].grid, grid) == 0 &&
				 strcmp(v[i].category, category) == 0))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static int pairs_grow(struct pairs *ps)
{
	size_t cap = ps->cap ? ps->cap * 2 : 1024;
	struct pair *v = calloc(cap, sizeof *v);

	if (!v)
		return ug_fail(ps->err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < ps->cap; i++)
		if (ps->v[i].grid[0])
			*pair_slot(v, cap, ps->v[i].grid, ps->v[i].category) =
				ps->v[i];
	free(ps->v);
	ps->v = v;
	ps->cap = cap;
	return 0;
}

static void pairs_free(struct pairs *ps)
{
	for (size_t i = 0; i < ps->cap; i++)
		free(ps->v[i].weeks);
	free(ps->v);
}

/* store_hotspot_count_cb: the first pass adds every pair; the second
 * fills the weeks of the candidates and passes the others by. */
static int pairs_count(void *ctx, const struct hotspot_count *c)
{
	struct pairs *ps = ctx;
	struct pair *p;
	int rc;

	if (ps->second) {
		if (!ps->cap)
			return 0;
		p = pair_slot(ps->v, ps->cap, c->grid, c->category);
		if (p->weeks && c->week >= 0 && c->week < ps->nweeks)
			p->weeks[c->week] += c->n;
		return 0;
	}
	if ((ps->n + 1) * 2 > ps->cap && (rc = pairs_grow(ps)))
		return rc;
	p = pair_slot(ps->v, ps->cap, c->grid, c->category);
	if (!p->grid[0]) {
		snprintf(p->grid, sizeof p->grid, "%s", c->grid);
		snprintf(p->category, sizeof p->category, "%s", c->category);
		ps->n++;
	}
	p->selected += c->n;
	return 0;
}

/* Is pair p worth the second pass? */
static int pair_candidate(const struct hotspot_list *l, const struct pair *p)
{
	if (l->rebounds)
		return (double)p->selected / l->rp.before_weeks >=
		       l->rp.min_level;
	return p->selected >= l->hp.min_count;
}

/* Judge pair p (its weeks read); keep it in l when flagged. */
static int pair_judge(struct hotspot_list *l, size_t *cap,
		      const struct pair *p, struct ug_error *err)
{
	struct hotspot_row r;

	memset(&r, 0, sizeof r);
	if (l->rebounds) {
		int nb = l->rp.before_weeks;

		rebound_classify(p->weeks, nb, p->weeks + nb, l->rp.weeks,
				 &l->rp, &r.rebound);
		if (r.rebound.status != REBOUND_CAME_BACK)
			return 0;
	} else {
		r.count = p->weeks[l->hp.baseline_weeks];
		hotspot_test(r.count, p->weeks, l->hp.baseline_weeks, &l->hp,
			     &r.stat);
		if (!r.stat.hot)
			return 0;
	}
	snprintf(r.grid, sizeof r.grid, "%s", p->grid);
	snprintf(r.category, sizeof r.category, "%s", p->category);
	memcpy(r.weeks, p->weeks, (size_t)l->nweeks * sizeof *r.weeks);
	if (l->n == *cap) {
		size_t more = *cap ? *cap * 2 : 16;
		struct hotspot_row *v = realloc(l->rows, more * sizeof *v);

		if (!v)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		l->rows = v;
		*cap = more;
	}
	l->rows[l->n++] = r;
	return 0;
}

/* Read and judge the pairs of the nweeks weeks from `from` whose grid
 * starts with prefix, the first pass over `select_weeks` weeks from
 * week `select_from`. */
static int pairs_read(struct db *db, struct hotspot_list *l,
		      const char *prefix, int64_t from, int select_from,
		      int select_weeks, struct ug_error *err)
{
	struct pairs ps = { NULL, 0, 0, 0, l->nweeks, err };
	size_t cap = 0;
	int rc;

	if ((rc = store_hotspot_counts(db, prefix, l->category,
				       from + (int64_t)select_from * 604800,
				       select_weeks, pairs_count, &ps, err)))
		goto out;
	for (size_t i = 0; i < ps.cap; i++) {
		struct pair *p = &ps.v[i];

		if (!p->grid[0] || !pair_candidate(l, p))
			continue;
		l->tested += l->rebounds;
		if (!(p->weeks = calloc((size_t)l->nweeks, sizeof *p->weeks))) {
			rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
			goto out;
		}
	}
	/* Hot spots: every pair with a case in the week was tested. */
	if (!l->rebounds)
		l->tested = (int64_t)ps.n;
	ps.second = 1;
	if ((rc = store_hotspot_counts(db, prefix, l->category, from,
				       l->nweeks, pairs_count, &ps, err)))
		goto out;
	for (size_t i = 0; i < ps.cap && rc == 0; i++)
		if (ps.v[i].weeks)
			rc = pair_judge(l, &cap, &ps.v[i], err);
out:
	pairs_free(&ps);
	return rc;
}

static int by_significance(const void *x, const void *y)
{
	const struct hotspot_row *a = x, *b = y;
	int c;

	if (a->stat.p != b->stat.p)
		return a->stat.p < b->stat.p ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if ((c = strcmp(a->grid, b->grid)))
		return c;
	return strcmp(a->category, b->category);
}

static int by_comeback(const void *x, const void *y)
{
	const struct hotspot_row *a = x, *b = y;
	int c;

	if (a->rebound.back_week != b->rebound.back_week)
		return a->rebound.back_week < b->rebound.back_week ? -1 : 1;
	if (a->rebound.back_share != b->rebound.back_share)
		return a->rebound.back_share > b->rebound.back_share ? -1 : 1;
	if ((c = strcmp(a->grid, b->grid)))
		return c;
	return strcmp(a->category, b->category);
}

/* The names and places of the rows kept. */
static int label_rows(struct db *db, struct hotspot_list *l,
		      struct ug_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		struct hotspot_row *r = &l->rows[i];
		struct hotspot_grid g;
		int rc;

		memset(&g, 0, sizeof g);
		rc = store_hotspot_grid(db, r->grid, &g, err);
		if (rc && rc != -UG_ENOTFOUND)
			return rc;
		memcpy(r->box, g.box, sizeof r->box);
		snprintf(r->community_name, sizeof r->community_name, "%s",
			 g.community_name);
		/* 网格 and the grid's own three digits after its
		 * community's name: "东华门社区003网格". */
		snprintf(r->grid_name, sizeof r->grid_name, "%s%s网格",
			 g.community_name, r->grid + (strlen(r->grid) > 3
							 ? strlen(r->grid) - 3
							 : 0));
		rc = store_hotspot_category(db, r->category, r->category_name,
					    err);
		if (rc && rc != -UG_ENOTFOUND)
			return rc;
	}
	return 0;
}

/* The part both lists share: the caller's sight, the category, the read
 * of nweeks weeks from first_day and the labels, in one read
 * transaction. */
static int hotspot_read(struct db *db, const struct actor *a,
			int32_t utc_offset, const char *category,
			const char *area, struct hotspot_list *l,
			int select_from, int select_weeks,
			struct ug_error *err)
{
	char prefix[CODE_MAX + 1], name[NAME_MAX_BYTES + 1];
	int64_t from;
	int rc;

	if (category && *category && strlen(category) > CODE_MAX)
		return ug_fail(err, UG_EINVAL, "category",
			       "category is a code of at most %d characters",
			       CODE_MAX);
	snprintf(l->category, sizeof l->category, "%s",
		 category ? category : "");
	snprintf(l->area, sizeof l->area, "%s", area ? area : "");
	from = period_day_number(l->first_day) * 86400 - utc_offset;
	if ((rc = db_begin(db, err)))
		return rc;
	if ((rc = assess_area_prefix(db, a, area, prefix, err)))
		goto end;
	if (*l->category &&
	    (rc = store_hotspot_category(db, l->category, name, err))) {
		if (rc == -UG_ENOTFOUND)
			rc = ug_fail(err, UG_EINVAL, "category",
				     "no category %.32s", l->category);
		goto end;
	}
	/* A department's staff see cases, not places: no grid. */
	if (!a->root && a->scope.kind == SCOPE_DEPARTMENT)
		goto end;
	if ((rc = pairs_read(db, l, prefix, from, select_from, select_weeks,
			     err)))
		goto end;
	if (l->n) /* rows is NULL when none was kept */
		qsort(l->rows, l->n, sizeof *l->rows,
		      l->rebounds ? by_comeback : by_significance);
	rc = label_rows(db, l, err);
end:
	db_rollback(db);
	if (rc)
		hotspot_list_free(l);
	return rc;
}

int assess_hotspots(struct db *db, const struct actor *a, int32_t utc_offset,
		    const char *period, const char *category, const char *area,
		    const struct hotspot_params *hp, struct hotspot_list *out,
		    struct ug_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (hp)
		out->hp = *hp;
	else
		hotspot_params_default(&out->hp);
	rebound_params_default(&out->rp);
	if (out->hp.baseline_weeks < 1 ||
	    out->hp.baseline_weeks > HOTSPOT_BEFORE_MAX)
		return ug_fail(err, UG_EINVAL, "baseline_weeks",
			       "baseline_weeks is 1 to %d",
			       HOTSPOT_BEFORE_MAX);
	if ((rc = period_parse(period, &out->period, err)))
		return rc;
	if (out->period.form != PERIOD_WEEK)
		return ug_fail(err, UG_EINVAL, "period",
			       "period must be an ISO week such as 2026-W48");
	out->nweeks = out->hp.baseline_weeks + 1;
	out->first_day = period_day_of_number(
		period_day_number(out->period.from) -
		7 * (int64_t)out->hp.baseline_weeks);
	return hotspot_read(db, a, utc_offset, category, area, out,
			    out->hp.baseline_weeks, 1, err);
}

int assess_rebounds(struct db *db, const struct actor *a, int32_t utc_offset,
		    const char *since, const struct rebound_params *rp,
		    const char *category, const char *area,
		    struct hotspot_list *out, struct ug_error *err)
{
	struct period day;
	struct ug_error ignored;

	memset(out, 0, sizeof *out);
	out->rebounds = 1;
	if (rp)
		out->rp = *rp;
	else
		rebound_params_default(&out->rp);
	hotspot_params_default(&out->hp);
	if (period_parse(since, &day, &ignored) || day.form != PERIOD_DAY)
		return ug_fail(err, UG_EINVAL, "since",
			       "since must be a date such as 2026-09-01");
	if (out->rp.weeks < 1 || out->rp.weeks > 52)
		return ug_fail(err, UG_EINVAL, "weeks", "weeks is 1 to 52");
	if (!(out->rp.threshold >= 0.01 && out->rp.threshold <= 10))
		return ug_fail(err, UG_EINVAL, "threshold",
			       "threshold is a percentage from 1 to 1000");
	if (out->rp.before_weeks < 1 ||
	    out->rp.before_weeks > HOTSPOT_BEFORE_MAX)
		return ug_fail(err, UG_EINVAL, "before_weeks",
			       "before_weeks is 1 to %d", HOTSPOT_BEFORE_MAX);
	out->since = day.from;
	out->nweeks = out->rp.before_weeks + out->rp.weeks;
	out->first_day = period_day_of_number(
		period_day_number(day.from) - 7 * (int64_t)out->rp.before_weeks);
	return hotspot_read(db, a, utc_offset, category, area, out, 0,
			    out->rp.before_weeks, err);
}

void hotspot_list_free(struct hotspot_list *l)
{
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
}

/* ---- as JSON ------------------------------------------------------------- */

static json_t *rounded(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

static json_t *day_json(int32_t day)
{
	char text[16];

	return json_string(period_day_text(day, text, sizeof text));
}

static json_t *row_json(const struct hotspot_list *l,
			const struct hotspot_row *r)
{
	json_t *weeks = json_array(), *row;

	for (int i = 0; i < l->nweeks; i++)
		json_array_append_new(weeks, json_integer(r->weeks[i]));
	/* The centre of the grid's box; its shape is GET /api/v1/grids over
	 * the box. */
	row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[f, f], s:[f, f, f, f],"
			" s:o}",
			"code", r->grid, "name", r->grid_name, "community",
			r->community_name, "category", r->category,
			"category_name", r->category_name, "center",
			(r->box[0] + r->box[2]) / 2, (r->box[1] + r->box[3]) / 2,
			"bbox", r->box[0], r->box[1], r->box[2], r->box[3],
			"weeks", weeks);
	if (!row)
		return NULL;
	json_object_set_new(row, "geometry",
			    json_sprintf("/api/v1/grids?bbox=%.7f,%.7f,%.7f,%.7f",
					 r->box[0], r->box[1], r->box[2],
					 r->box[3]));
	if (l->rebounds) {
		json_object_set_new(row, "level",
				    rounded(r->rebound.level, 100));
		json_object_set_new(row, "fell_week",
				    json_integer(r->rebound.fell_week + 1));
		json_object_set_new(row, "low", json_integer(r->rebound.low));
		json_object_set_new(row, "back_week",
				    json_integer(r->rebound.back_week + 1));
		json_object_set_new(row, "back_count",
				    json_integer(r->weeks[l->rp.before_weeks +
							  r->rebound.back_week]));
		json_object_set_new(row, "back_percent",
				    rounded(r->rebound.back_share * 100, 10));
	} else {
		json_object_set_new(row, "count", json_integer(r->count));
		json_object_set_new(row, "mean", rounded(r->stat.mean, 100));
		json_object_set_new(row, "sd", rounded(r->stat.sd, 100));
		json_object_set_new(row, "expected",
				    rounded(r->stat.expected, 100));
		json_object_set_new(row, "z", rounded(r->stat.z, 100));
		json_object_set_new(row, "p", json_real(r->stat.p));
	}
	return row;
}

json_t *hotspot_list_json(const struct hotspot_list *l)
{
	json_t *rows = json_array(), *out;

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(rows, row_json(l, &l->rows[i]));
	out = json_pack("{s:o, s:o, s:o, s:I, s:i}", "category",
			*l->category ? json_string(l->category) : json_null(),
			"area", *l->area ? json_string(l->area) : json_null(),
			"first_day", day_json(l->first_day), "tested",
			(json_int_t)l->tested, "weeks_read", l->nweeks);
	if (!out) {
		json_decref(rows);
		return NULL;
	}
	if (l->rebounds) {
		json_object_set_new(out, "since", day_json(l->since));
		json_object_set_new(
			out, "params",
			json_pack("{s:i, s:i, s:f, s:f, s:f}", "before_weeks",
				  l->rp.before_weeks, "weeks", l->rp.weeks,
				  "fall_percent", l->rp.fall * 100,
				  "threshold_percent", l->rp.threshold * 100,
				  "min_level", l->rp.min_level));
	} else {
		char from[16], to[16];

		json_object_set_new(
			out, "period",
			json_pack("{s:s, s:s, s:s}", "name", l->period.text,
				  "from",
				  period_day_text(l->period.from, from,
						  sizeof from),
				  "to",
				  period_day_text(l->period.to, to, sizeof to)));
		json_object_set_new(
			out, "params",
			json_pack("{s:i, s:f, s:f, s:I}", "baseline_weeks",
				  l->hp.baseline_weeks, "min_expected",
				  l->hp.min_expected, "alpha", l->hp.alpha,
				  "min_count", (json_int_t)l->hp.min_count));
	}
	json_object_set_new(out, "rows", rows);
	return out;
}
