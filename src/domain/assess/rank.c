/*
 * rank.c - rankings as a caller sees them, and the scheme's versions (see
 * rank.h): who sees which rows is decided here, once; the formulas are
 * eval.c's; the counters and units are read through store/assess.
 */
#include "domain/assess/rank.h"

#include <stdlib.h>
#include <string.h>

#include "domain/org/audit.h"
#include "lib/iso8601.h"
#include "store/org/org.h"

/* ---- the scheme's versions ---------------------------------------------- */

/* A stored version into a scheme: the defaults with its body applied
 * (a body stored by an older build that lacks a group keeps the
 * defaults' for it). */
static int scheme_of_row(const struct assess_scheme_row *r,
			 struct assess_scheme *s, struct ug_error *err)
{
	json_error_t je;
	json_t *body = json_loads(r->body, 0, &je);
	int rc;

	assess_scheme_defaults(s);
	if (!body)
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "assessment scheme version %lld does not parse: %s",
			       (long long)r->version, je.text);
	rc = assess_scheme_apply(s, body, err);
	json_decref(body);
	s->version = r->version;
	s->effective_at = r->effective_at;
	s->created_at = r->created_at;
	snprintf(s->created_by, sizeof s->created_by, "%s", r->created_by);
	return rc;
}

struct scheme_read {
	struct assess_scheme *s;
	assess_scheme_cb cb;
	void *ctx;
	struct ug_error *err;
};

static int scheme_row(void *ctx, const struct assess_scheme_row *r)
{
	struct scheme_read *sr = ctx;
	struct assess_scheme s;
	int rc = scheme_of_row(r, sr->cb ? &s : sr->s, sr->err);

	if (rc == 0 && sr->cb)
		rc = sr->cb(sr->ctx, &s);
	return rc;
}

int assess_scheme_at(struct db *db, int64_t at, struct assess_scheme *out,
		     struct ug_error *err)
{
	struct scheme_read sr = { out, NULL, NULL, err };

	assess_scheme_defaults(out);
	return store_assess_scheme_at(db, at, scheme_row, &sr, err);
}

int assess_scheme_history(struct db *db, assess_scheme_cb cb, void *ctx,
			  struct ug_error *err)
{
	struct scheme_read sr = { NULL, cb, ctx, err };

	return store_assess_scheme_list(db, scheme_row, &sr, err);
}

/* The last version stored (the defaults when none) into *s. */
static int scheme_last(struct db *db, struct assess_scheme *s,
		       struct ug_error *err)
{
	int64_t version, at;
	int rc = store_assess_scheme_last(db, &version, &at, err);

	if (rc)
		return rc;
	return version ? assess_scheme_at(db, at, s, err)
		       : (assess_scheme_defaults(s), 0);
}

/* The scheme as stored: what eval.c reads back, without the version. */
static char *scheme_body(const struct assess_scheme *s)
{
	json_t *j = assess_scheme_json(s, 0);
	char *text;

	json_object_del(j, "version");
	json_object_del(j, "effective");
	json_object_del(j, "created_by");
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
	json_decref(j);
	return text;
}

int assess_scheme_edit(struct db *db, const struct actor *a, json_t *in,
		       int64_t now, struct assess_scheme *out,
		       struct ug_error *err)
{
	json_t *when = json_object_get(in, "effective");
	struct assess_scheme s;
	char *before = NULL, *after = NULL, detail[96];
	int64_t effective = now;
	int rc;

	if (!a->root && !actor_is(a, ROLE_ADMIN))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only an admin changes the assessment scheme");
	if (when && !json_is_null(when) &&
	    (!json_is_string(when) ||
	     iso8601_parse(json_string_value(when), &effective) != 0))
		return ug_fail(err, UG_EINVAL, "effective",
			       "effective must be an ISO 8601 date-time with "
			       "its offset, e.g. 2027-01-01T00:00:00+08:00");
	if (effective < now)
		return ug_fail(err, UG_EINVAL, "effective",
			       "effective must not be in the past: the periods "
			       "already scored keep their scheme");
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = scheme_last(db, &s, err)))
		goto end;
	if (effective < s.effective_at) {
		rc = ug_fail(err, UG_EINVAL, "effective",
			     "effective must not be before version %lld's",
			     (long long)s.version);
		goto end;
	}
	before = scheme_body(&s);
	if ((rc = assess_scheme_apply(&s, in, err)))
		goto end;
	after = scheme_body(&s);
	if (!before || !after) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto end;
	}
	if ((rc = store_assess_scheme_add(db, effective, after, a->user->username,
					  now, &s.version, err)))
		goto end;
	s.effective_at = effective;
	s.created_at = now;
	snprintf(s.created_by, sizeof s.created_by, "%s", a->user->username);
	snprintf(detail, sizeof detail, "{\"version\":%lld,\"effective_at\":%lld}",
		 (long long)s.version, (long long)effective);
	rc = audit_write(db, a, now, "assess.scheme", "assess_scheme", before,
			 after, detail, err);
end:
	free(before);
	free(after);
	if ((rc = db_end(db, rc, err)) == 0 && out)
		*out = s;
	return rc;
}

/* ---- rankings ------------------------------------------------------------ */

int64_t assess_period_end(const struct period *p, int32_t utc_offset)
{
	return (period_day_number(p->to) + 1) * 86400 - utc_offset - 1;
}

/* How each kind is read: whose units, which counters, at which level. */
static const struct {
	const char *units;   /* store_assess_units() */
	const char *counted; /* assess_day.kind */
	int level_len;       /* place codes cut to this length (0: whole) */
} kinds[EK_COUNT] = {
	[EK_INSPECTORS] = { "inspector", "inspector", 0 },
	[EK_RECEPTIONISTS] = { "receptionist", "receptionist", 0 },
	[EK_SHIFT_LEADERS] = { "shift_leader", "shift_leader", 0 },
	[EK_DISPATCHERS] = { "dispatcher", "dispatcher", 0 },
	[EK_DEPARTMENTS] = { "department", "department", 0 },
	[EK_GRIDS] = { "grid", "place", 15 },
	[EK_COMMUNITIES] = { "community", "place", 12 },
	[EK_STREETS] = { "street", "place", 9 },
	[EK_DISTRICTS] = { "district", "place", 6 },
};

struct rows {
	struct assess_row *v;
	size_t n, cap;
	struct ug_error *err;
};

static int add_unit(void *ctx, const struct assess_unit *u)
{
	struct rows *rs = ctx;
	struct assess_row *r;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct assess_row *v = realloc(rs->v, cap * sizeof *v);

		if (!v)
			return ug_fail(rs->err, UG_ENOMEM, NULL, "out of memory");
		rs->v = v;
		rs->cap = cap;
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->code, sizeof r->code, "%s", u->code);
	snprintf(r->name, sizeof r->name, "%s", u->name ? u->name : "");
	snprintf(r->unit, sizeof r->unit, "%s", u->unit);
	r->grids = u->grids;
	return 0;
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct assess_row *)a)->code,
		      ((const struct assess_row *)b)->code);
}

/* The counters of one period added into rows (sorted by code): the
 * current period's into their counts, the previous one's into prev[]. */
struct fill {
	struct rows *rs;
	int previous;
	struct assess_counts *prev; /* by row index */
};

static int fill_counts(void *ctx, const char *code,
		       const struct assess_counts *c)
{
	struct fill *f = ctx;
	struct assess_row key, *r;

	snprintf(key.code, sizeof key.code, "%s", code);
	r = f->rs->n ? bsearch(&key, f->rs->v, f->rs->n, sizeof key, by_code)
		     : NULL;
	if (r) {
		struct assess_counts *to =
			f->previous ? &f->prev[r - f->rs->v] : &r->counts;

		to->events += c->events;
		for (int i = 0; i < AC_COUNT; i++)
			to->n[i] += c->n[i];
	}
	return 0;
}

int assess_area_prefix(struct db *db, const struct actor *a,
		       const char *area, char prefix[CODE_MAX + 1],
		       struct ug_error *err)
{
	const char *level;
	struct division d;

	prefix[0] = '\0';
	if (!area || !*area) {
		if (!a->root && a->scope.kind == SCOPE_AREA)
			snprintf(prefix, CODE_MAX + 1, "%s", a->scope.code);
		return 0;
	}
	level = division_level_of_code(area);
	if (!level)
		return ug_fail(err, UG_EINVAL, "area",
			       "area must be a division or grid code (6, 9, "
			       "12 or 15 digits)");
	if ((!a->root && !scope_covers_area(&a->scope, area)) ||
	    (strcmp(level, "grid") != 0 &&
	     store_division_get(db, area, &d, err) != 0))
		return ug_fail(err, UG_ENOTFOUND, "area", "no area %.32s", area);
	division_code_prefix(area, prefix);
	return 0;
}

/* May the actor see row r of kind k (inside the prefix it was read
 * from)? */
static int row_visible(const struct actor *a, enum assess_eval_kind k,
		       const struct assess_row *r)
{
	if (a->root || a->scope.kind == SCOPE_ALL)
		return 1;
	if (a->scope.kind == SCOPE_DEPARTMENT)
		return k == EK_DEPARTMENTS &&
		       scope_covers_department(&a->scope, r->code);
	if (k == EK_DEPARTMENTS)
		return 1; /* read as those serving the caller's area */
	return scope_covers_area(&a->scope, *r->unit ? r->unit : r->code);
}

int assess_ranking(struct db *db, const struct actor *a, int32_t utc_offset,
		   const char *kind, const char *period, const char *area,
		   struct assess_ranking *out, struct ug_error *err)
{
	struct rows rs = { NULL, 0, 0, err };
	struct assess_counts *prev = NULL;
	struct assess_scheme prev_scheme;
	char prefix[CODE_MAX + 1], counted_prefix[CODE_MAX + 1];
	struct assess_row *copy = NULL;
	struct fill f = { &rs, 0, NULL };
	int k = assess_eval_kind_parse(kind), rc;

	memset(out, 0, sizeof *out);
	if (k < 0)
		return ug_fail(err, UG_EINVAL, "kind",
			       "kind must be inspectors, receptionists, "
			       "shift_leaders, dispatchers, departments, grids, "
			       "communities, streets or districts");
	if ((rc = period_parse(period, &out->period, err)))
		return rc;
	period_previous(&out->period, &out->previous);
	out->kind = (enum assess_eval_kind)k;
	snprintf(out->area, sizeof out->area, "%s", area ? area : "");
	/* One read transaction: the units, both periods and both schemes
	 * as of one moment. */
	if ((rc = db_begin(db, err)))
		return rc;
	if ((rc = assess_area_prefix(db, a, area, prefix, err)) ||
	    (rc = assess_scheme_at(db, assess_period_end(&out->period,
							 utc_offset),
				   &out->scheme, err)) ||
	    (rc = assess_scheme_at(db, assess_period_end(&out->previous,
							 utc_offset),
				   &prev_scheme, err)) ||
	    (rc = store_assess_units(db, kinds[k].units, prefix, add_unit, &rs,
				     err)))
		goto end;
	if (rs.n) /* no rows: rs.v is NULL, which qsort() may not take */
		qsort(rs.v, rs.n, sizeof *rs.v, by_code);
	if (rs.n && !(prev = calloc(rs.n, sizeof *prev))) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto end;
	}
	f.prev = prev;
	/* People and departments are not placed by their code: their
	 * counters are read whole and matched. */
	snprintf(counted_prefix, sizeof counted_prefix, "%s",
		 kinds[k].level_len ? prefix : "");
	if ((rc = store_assess_group(db, kinds[k].counted, counted_prefix,
				     kinds[k].level_len, out->period.from,
				     out->period.to, fill_counts, &f, err)))
		goto end;
	f.previous = 1;
	if ((rc = store_assess_group(db, kinds[k].counted, counted_prefix,
				     kinds[k].level_len, out->previous.from,
				     out->previous.to, fill_counts, &f, err)))
		goto end;
	/* The previous ranking, on a copy ordered back by code to look the
	 * rows up in. */
	if (rs.n && !(copy = malloc(rs.n * sizeof *copy))) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto end;
	}
	for (size_t i = 0; i < rs.n; i++) {
		assess_evaluate(&out->scheme, out->kind, &rs.v[i].counts,
				period_days(&out->period), rs.v[i].grids,
				&rs.v[i].r);
		copy[i] = rs.v[i];
		copy[i].counts = prev[i];
		assess_evaluate(&prev_scheme, out->kind, &prev[i],
				period_days(&out->previous), rs.v[i].grids,
				&copy[i].r);
	}
	assess_rank_rows(copy, rs.n);
	if (rs.n)
		qsort(copy, rs.n, sizeof *copy, by_code);
	for (size_t i = 0; i < rs.n; i++) {
		rs.v[i].has_previous = 1;
		rs.v[i].prev = copy[i].r;
		rs.v[i].prev_rank = copy[i].rank;
	}
	assess_rank_rows(rs.v, rs.n);
	out->ranked = rs.n;
	for (size_t i = 0; i < rs.n; i++)
		if (row_visible(a, out->kind, &rs.v[i]))
			rs.v[out->n++] = rs.v[i];
	out->rows = rs.v;
	rs.v = NULL;
end:
	db_rollback(db);
	free(rs.v);
	free(prev);
	free(copy);
	return rc;
}

void assess_ranking_free(struct assess_ranking *r)
{
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

/* ---- as JSON ------------------------------------------------------------- */

static json_t *percent(int has, double share)
{
	return has ? json_real((double)(int64_t)(share * 10000 + 0.5) / 100)
		   : json_null();
}

static json_t *score_json(const struct assess_result *r)
{
	return r->scored ? json_real(r->score) : json_null();
}

static json_t *row_json(const struct assess_ranking *rk,
			const struct assess_row *r)
{
	json_t *counters = json_object(), *rates = json_object(), *row;
	int shown[AR_COUNT], n = assess_kind_rates(rk->kind, shown);
	char grade[2] = { r->r.grade, 0 };

	for (int i = 0; i < AC_COUNT; i++)
		json_object_set_new(counters, assess_counter_names[i],
				    json_integer(r->counts.n[i]));
	for (int i = 0; i < n; i++)
		json_object_set_new(rates, assess_rate_name(shown[i]),
				    percent(r->r.has_rate[shown[i]],
					    r->r.rate[shown[i]]));
	if (assess_eval_kind_is_area(rk->kind)) {
		json_object_set_new(rates, "supervision_index",
				    percent(r->r.has_supervision,
					    r->r.supervision / 100));
		json_object_set_new(rates, "disposal_index",
				    percent(r->r.has_disposal,
					    r->r.disposal / 100));
	}
	if (assess_eval_kind_is_area(rk->kind) ||
	    rk->kind == EK_RECEPTIONISTS || rk->kind == EK_DISPATCHERS)
		json_object_set_new(rates, "volume",
				    r->r.has_volume ? json_real(r->r.volume_score)
						    : json_null());
	row = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o}}",
			 "code", r->code, "name", r->name, "counters", counters,
			 "rates", rates, "score", score_json(&r->r), "grade",
			 r->r.grade ? json_string(grade) : json_null(), "rank",
			 r->rank ? json_integer(r->rank) : json_null(),
			 "previous", "score",
			 r->has_previous ? score_json(&r->prev) : json_null(),
			 "rank",
			 r->has_previous && r->prev_rank
				 ? json_integer(r->prev_rank)
				 : json_null());
	/* The count the volume score is read from, per 30 days (an area's
	 * per grid). */
	if (row && r->r.has_volume)
		json_object_set_new(row, "volume_per_30_days",
				    json_real((double)(int64_t)(r->r.volume_value *
								100 + 0.5) /
					      100));
	return row;
}

static json_t *period_json(const struct period *p)
{
	char from[16], to[16];

	return json_pack("{s:s, s:s, s:s}", "name", p->text, "from",
			 period_day_text(p->from, from, sizeof from), "to",
			 period_day_text(p->to, to, sizeof to));
}

json_t *assess_ranking_json(const struct assess_ranking *r,
			    int32_t utc_offset)
{
	json_t *rows = json_array();

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(rows, row_json(r, &r->rows[i]));
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:o}", "kind",
			 assess_eval_kind_names[r->kind], "period",
			 period_json(&r->period), "previous_period",
			 period_json(&r->previous), "scheme",
			 assess_scheme_json(&r->scheme, utc_offset), "area",
			 *r->area ? json_string(r->area) : json_null(),
			 "ranked", (json_int_t)r->ranked, "rows", rows);
}
