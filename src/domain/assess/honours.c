/*
 * honours.c - the red and black lists (红黑榜, see honours.h): their rules
 * as part of the scheme, the drawing of a list from a ranking, and the
 * access layer over the published versions (store/assess, schema 0021).
 * The ranking is rank.c's: nothing is scored again here.
 */
#include "domain/assess/honours.h"

#include <stdlib.h>
#include <string.h>

#include "domain/assess/rank.h"
#include "domain/org/audit.h"
#include "lib/iso8601.h"
#include "store/assess/assess.h"
#include "store/org/org.h"

/* Most rows a top or bottom N may name. */
#define HONOURS_COUNT_MAX 1000

/* ---- the rules ------------------------------------------------------------ */

void assess_honours_defaults(struct assess_honours_rules *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->red.grades, sizeof r->red.grades, "A");
	r->red.count = 3;
	r->red.all = 1;
	snprintf(r->black.grades, sizeof r->black.grades, "DE");
	r->black.count = 3;
	r->black.all = 1;
	r->overdue_above = -1;
}

/* One list's rule from {"grades", count_key, "match"[, "overdue_above"]}
 * (black alone has the last). */
static int rule_apply(struct assess_honours_rule *rule, int64_t *overdue,
		      const char *side, const char *count_key, json_t *in,
		      struct ug_error *err)
{
	json_t *grades = json_object_get(in, "grades");
	json_t *count = json_object_get(in, count_key);
	json_t *match = json_object_get(in, "match");
	struct assess_honours_rule r;
	const char *key;
	json_t *v;
	char field[48];

	memset(&r, 0, sizeof r);
	snprintf(field, sizeof field, "honours.%s", side);
	if (!json_is_object(in))
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be an object {grades, %s, match%s}",
			       field, count_key, overdue ? ", overdue_above" : "");
	json_object_foreach(in, key, v) {
		if (strcmp(key, "grades") && strcmp(key, count_key) &&
		    strcmp(key, "match") &&
		    (!overdue || strcmp(key, "overdue_above"))) {
			snprintf(field, sizeof field, "honours.%s.%.20s", side,
				 key);
			return ug_fail(err, UG_EINVAL, field,
				       "%s: the %s list has grades, %s, "
				       "match%s", field, side, count_key,
				       overdue ? " and overdue_above" : "");
		}
	}
	snprintf(field, sizeof field, "honours.%s.grades", side);
	if (!json_is_string(grades))
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be a string of grades (\"A\", \"DE\", "
			       "\"\" for none)", field);
	/* Kept in the order A..E, each once. */
	for (const char *g = json_string_value(grades); *g; g++) {
		const char *at = strchr(assess_grade_letters, *g);

		if (!at || strchr(r.grades, *g))
			return ug_fail(err, UG_EINVAL, field,
				       "%s must hold each of A, B, C, D, E at "
				       "most once", field);
		r.grades[strlen(r.grades)] = *g;
	}
	{
		char sorted[ASSESS_GRADES + 1] = "";

		for (const char *g = assess_grade_letters; *g; g++)
			if (strchr(r.grades, *g))
				sorted[strlen(sorted)] = *g;
		memcpy(r.grades, sorted, sizeof sorted);
	}
	snprintf(field, sizeof field, "honours.%s.%s", side, count_key);
	if (!json_is_integer(count) || json_integer_value(count) < 0 ||
	    json_integer_value(count) > HONOURS_COUNT_MAX)
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be a whole number from 0 (none) to %d",
			       field, HONOURS_COUNT_MAX);
	r.count = (int)json_integer_value(count);
	snprintf(field, sizeof field, "honours.%s.match", side);
	if (!json_is_string(match) ||
	    (strcmp(json_string_value(match), "all") &&
	     strcmp(json_string_value(match), "any")))
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be \"all\" (every criterion given) or "
			       "\"any\" (one of them)", field);
	r.all = strcmp(json_string_value(match), "all") == 0;
	if (overdue) {
		json_t *o = json_object_get(in, "overdue_above");

		if (!o || json_is_null(o)) {
			*overdue = -1;
		} else if (!json_is_integer(o) || json_integer_value(o) < 0) {
			return ug_fail(err, UG_EINVAL,
				       "honours.black.overdue_above",
				       "honours.black.overdue_above must be a "
				       "whole number from 0, or null (off)");
		} else {
			*overdue = json_integer_value(o);
		}
	}
	*rule = r;
	return 0;
}

int assess_honours_apply(struct assess_honours_rules *r, json_t *in,
			 struct ug_error *err)
{
	struct assess_honours_rules t = *r;
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(in))
		return ug_fail(err, UG_EINVAL, "honours",
			       "honours must be an object {red, black}");
	json_object_foreach(in, key, v) {
		if (strcmp(key, "red") == 0)
			rc = rule_apply(&t.red, NULL, "red", "top", v, err);
		else if (strcmp(key, "black") == 0)
			rc = rule_apply(&t.black, &t.overdue_above, "black",
					"bottom", v, err);
		else {
			char field[48];

			snprintf(field, sizeof field, "honours.%.30s", key);
			rc = ug_fail(err, UG_EINVAL, field,
				     "%s: the lists are red and black", field);
		}
		if (rc)
			return rc;
	}
	*r = t;
	return 0;
}

json_t *assess_honours_json(const struct assess_honours_rules *r)
{
	return json_pack("{s:{s:s, s:i, s:s}, s:{s:s, s:i, s:s, s:o}}", "red",
			 "grades", r->red.grades, "top", r->red.count, "match",
			 r->red.all ? "all" : "any", "black", "grades",
			 r->black.grades, "bottom", r->black.count, "match",
			 r->black.all ? "all" : "any", "overdue_above",
			 r->overdue_above < 0 ? json_null()
					      : json_integer(r->overdue_above));
}

/* ---- drawing -------------------------------------------------------------- */

int honours_kind_is_public(enum assess_eval_kind k)
{
	return k == EK_DEPARTMENTS || assess_eval_kind_is_area(k);
}

void honours_list_free(struct honours_list *l)
{
	free(l->red);
	free(l->black);
	free(l->comment);
	l->red = l->black = NULL;
	l->comment = NULL;
	l->n_red = l->n_black = 0;
}

/* Does a row pass a rule, given whether it has the grade and whether it
 * is within the count? */
static int rule_holds(const struct assess_honours_rule *rule, int in_grade,
		      int in_count)
{
	int by_grade = rule->grades[0] != '\0', by_count = rule->count > 0;

	if (!by_grade && !by_count)
		return 0;
	if (rule->all)
		return (!by_grade || in_grade) && (!by_count || in_count);
	return (by_grade && in_grade) || (by_count && in_count);
}

static void entry_of(const struct assess_row *r, unsigned reasons,
		     struct honours_entry *e)
{
	memset(e, 0, sizeof *e);
	snprintf(e->code, sizeof e->code, "%s", r->code);
	snprintf(e->name, sizeof e->name, "%s", r->name);
	e->scored = r->r.scored;
	e->score = r->r.score;
	e->grade = r->r.grade;
	e->rank = r->rank;
	e->overdue = r->counts.n[AC_overdue];
	e->reasons = reasons;
}

int honours_draw(const struct assess_honours_rules *rules,
		 const struct assess_row *rows, size_t n,
		 struct honours_list *out, struct ug_error *err)
{
	unsigned *red = NULL, *black = NULL;
	size_t scored = 0;
	double top = 0, bottom = 0;
	int rc = 0;

	out->red = out->black = NULL;
	out->n_red = out->n_black = 0;
	if (!n)
		return 0;
	red = calloc(n, sizeof *red);
	black = calloc(n, sizeof *black);
	out->red = calloc(n, sizeof *out->red);
	out->black = calloc(n, sizeof *out->black);
	if (!red || !black || !out->red || !out->black) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	while (scored < n && rows[scored].r.scored)
		scored++;
	/* Ties at the edge of a top or bottom N are all in: the N-th
	 * row's score is the threshold. */
	if (scored && rules->red.count)
		top = rows[(size_t)rules->red.count < scored
				   ? (size_t)rules->red.count - 1
				   : scored - 1].r.score;
	if (scored && rules->black.count)
		bottom = rows[(size_t)rules->black.count < scored
				      ? scored - (size_t)rules->black.count
				      : 0].r.score;
	for (size_t i = 0; i < n; i++) {
		const struct assess_row *r = &rows[i];
		int s = r->r.scored;
		int red_grade = s && r->r.grade &&
				strchr(rules->red.grades, r->r.grade);
		int black_grade = s && r->r.grade &&
				  strchr(rules->black.grades, r->r.grade);
		int in_top = s && rules->red.count && r->r.score >= top;
		int in_bottom = s && rules->black.count && r->r.score <= bottom;
		int overdue = rules->overdue_above >= 0 &&
			      r->counts.n[AC_overdue] > rules->overdue_above;

		if (rule_holds(&rules->black, black_grade, in_bottom))
			black[i] = (black_grade ? HR_GRADE : 0) |
				   (in_bottom ? HR_BOTTOM : 0);
		if (overdue)
			black[i] |= HR_OVERDUE;
		if (!black[i] && s && rule_holds(&rules->red, red_grade, in_top))
			red[i] = (red_grade ? HR_GRADE : 0) |
				 (in_top ? HR_TOP : 0);
	}
	for (size_t i = 0; i < n; i++)
		if (red[i])
			entry_of(&rows[i], red[i], &out->red[out->n_red++]);
	/* Black from the worst up: the scored from the bottom, then the
	 * unscored (there by their overdue alone) by code. */
	for (size_t i = scored; i-- > 0;)
		if (black[i])
			entry_of(&rows[i], black[i], &out->black[out->n_black++]);
	for (size_t i = scored; i < n; i++)
		if (black[i])
			entry_of(&rows[i], black[i], &out->black[out->n_black++]);
out:
	free(red);
	free(black);
	if (rc)
		honours_list_free(out);
	return rc;
}

/* ---- as JSON -------------------------------------------------------------- */

static const char *const reason_names[] = { "grade", "top", "bottom",
					    "overdue" };

static json_t *entry_json(const struct honours_entry *e)
{
	json_t *reasons = json_array();
	char grade[2] = { e->grade, 0 };

	for (size_t b = 0; b < sizeof reason_names / sizeof *reason_names; b++)
		if (e->reasons & (1u << b))
			json_array_append_new(reasons,
					      json_string(reason_names[b]));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:o}", "code",
			 e->code, "name", e->name, "score",
			 e->scored ? json_real(e->score) : json_null(), "grade",
			 e->grade ? json_string(grade) : json_null(), "rank",
			 e->rank ? json_integer(e->rank) : json_null(),
			 "overdue", (json_int_t)e->overdue, "reasons", reasons);
}

static json_t *entries_json(const struct honours_entry *e, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, entry_json(&e[i]));
	return a;
}

/* What is stored of a list (schema 0021's body), and what every JSON of
 * it starts from. */
static json_t *body_json(const struct honours_list *l)
{
	return json_pack("{s:o, s:I, s:s, s:o, s:o}", "rules",
			 assess_honours_json(&l->rules), "ranked",
			 (json_int_t)l->ranked, "area_name", l->area_name,
			 "red", entries_json(l->red, l->n_red), "black",
			 entries_json(l->black, l->n_black));
}

json_t *honours_list_json(const struct honours_list *l, int32_t utc_offset,
			  int public)
{
	char from[16], to[16], when[40];
	json_t *o;

	if (public && !honours_kind_is_public(l->kind))
		return NULL;
	if (!(o = body_json(l)))
		return NULL;
	json_object_del(o, "area_name");
	json_object_set_new(o, "kind",
			    json_string(assess_eval_kind_names[l->kind]));
	json_object_set_new(
		o, "period",
		json_pack("{s:s, s:s, s:s}", "name", l->period.text, "from",
			  period_day_text(l->period.from, from, sizeof from),
			  "to", period_day_text(l->period.to, to, sizeof to)));
	json_object_set_new(o, "area",
			    *l->area ? json_pack("{s:s, s:s}", "code", l->area,
						 "name", l->area_name)
				     : json_null());
	json_object_set_new(o, "version",
			    l->version ? json_integer(l->version) : json_null());
	json_object_set_new(
		o, "published_at",
		l->published_at ? json_string(iso8601_format(l->published_at,
							     utc_offset, when,
							     sizeof when))
				: json_null());
	json_object_set_new(o, "comment",
			    l->comment ? json_string(l->comment) : json_null());
	if (public) {
		json_object_del(o, "rules");
		return o;
	}
	json_object_set_new(o, "id", l->id ? json_integer(l->id) : json_null());
	json_object_set_new(o, "scheme_version",
			    json_integer(l->scheme_version));
	json_object_set_new(o, "published_by",
			    *l->published_by ? json_string(l->published_by)
					     : json_null());
	return o;
}

/* The string member key of o, "" when it is not one. */
static const char *text_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* A stored list's entries back from body_json()'s. */
static int entries_of_json(json_t *a, struct honours_entry **out, size_t *n,
			   struct ug_error *err)
{
	size_t i;
	json_t *e;

	*n = 0;
	if (!(*out = calloc(json_array_size(a) + 1, sizeof **out)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	json_array_foreach(a, i, e) {
		struct honours_entry *x = &(*out)[(*n)++];
		json_t *score = json_object_get(e, "score");
		const char *grade = json_string_value(json_object_get(e, "grade"));
		json_t *r;
		size_t j;

		snprintf(x->code, sizeof x->code, "%s",
			 text_of(e, "code"));
		snprintf(x->name, sizeof x->name, "%s",
			 text_of(e, "name"));
		x->scored = json_is_number(score);
		x->score = json_number_value(score);
		x->grade = grade ? grade[0] : 0;
		x->rank = (int)json_integer_value(json_object_get(e, "rank"));
		x->overdue = json_integer_value(json_object_get(e, "overdue"));
		json_array_foreach(json_object_get(e, "reasons"), j, r)
			for (size_t b = 0; b < sizeof reason_names /
						       sizeof *reason_names;
			     b++)
				if (json_is_string(r) &&
				    strcmp(json_string_value(r),
					   reason_names[b]) == 0)
					x->reasons |= 1u << b;
	}
	return 0;
}

/* A stored row into a list (free with honours_list_free()). */
static int list_of_row(const struct honours_row *r, struct honours_list *l,
		       struct ug_error *err)
{
	json_error_t je;
	json_t *body;
	int k = assess_eval_kind_parse(r->kind), rc;

	memset(l, 0, sizeof *l);
	if (k < 0 || period_parse(r->period_name, &l->period, err) != 0)
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "published list %lld: kind or period unknown",
			       (long long)r->id);
	if (!(body = json_loads(r->body, 0, &je)))
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "published list %lld does not parse: %s",
			       (long long)r->id, je.text);
	l->kind = (enum assess_eval_kind)k;
	snprintf(l->area, sizeof l->area, "%s", r->area);
	snprintf(l->area_name, sizeof l->area_name, "%s",
		 text_of(body, "area_name"));
	snprintf(l->published_by, sizeof l->published_by, "%s",
		 r->published_by);
	l->id = r->id;
	l->version = r->version;
	l->published_at = r->published_at;
	l->scheme_version = r->scheme_version;
	l->ranked = (size_t)json_integer_value(json_object_get(body, "ranked"));
	assess_honours_defaults(&l->rules);
	if ((rc = assess_honours_apply(&l->rules, json_object_get(body, "rules"),
				       err)) == 0 &&
	    (rc = entries_of_json(json_object_get(body, "red"), &l->red,
				  &l->n_red, err)) == 0 &&
	    (rc = entries_of_json(json_object_get(body, "black"), &l->black,
				  &l->n_black, err)) == 0 &&
	    r->comment && !(l->comment = strdup(r->comment)))
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	json_decref(body);
	if (rc)
		honours_list_free(l);
	return rc;
}

/* ---- the access layer ----------------------------------------------------- */

/* Leaders of an area, admins and root draw and publish; a department's
 * leader sees its own row only, nothing to draw from. */
static int may_draw(const struct actor *a, struct ug_error *err)
{
	if (a->root || actor_is(a, ROLE_ADMIN) ||
	    (actor_is(a, ROLE_LEADER) && a->scope.kind == SCOPE_AREA))
		return 0;
	return ug_fail(err, UG_EFORBIDDEN, NULL,
		       "only a leader of an area or an admin draws and "
		       "publishes the red and black lists");
}

/* The area a list is of: the one asked, else the caller's own (its unit
 * for an area's people, everything for the others). */
static const char *list_area(const struct actor *a, const char *area)
{
	if (area && *area)
		return area;
	if (!a->root && a->scope.kind == SCOPE_AREA)
		return a->user->unit_code;
	return "";
}

/* May the actor see a published list of kind k in area? */
static int list_visible(const struct actor *a, enum assess_eval_kind k,
			const char *area)
{
	if (a->root || a->scope.kind == SCOPE_ALL || honours_kind_is_public(k))
		return 1;
	return a->scope.kind == SCOPE_AREA && *area &&
	       scope_covers_area(&a->scope, area);
}

int honours_draft(struct db *db, const struct actor *a, int32_t utc_offset,
		  const char *kind, const char *period, const char *area,
		  struct honours_list *out, struct ug_error *err)
{
	struct assess_ranking rk;
	struct division d;
	struct ug_error none;
	const char *at = list_area(a, area);
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = may_draw(a, err)) ||
	    (rc = assess_ranking(db, a, utc_offset, kind, period, at, &rk, err)))
		return rc;
	out->kind = rk.kind;
	out->period = rk.period;
	snprintf(out->area, sizeof out->area, "%s", at);
	out->scheme_version = rk.scheme.version;
	out->rules = rk.scheme.honours;
	out->ranked = rk.n;
	if (*at && strcmp(division_level_of_code(at), "grid") != 0 &&
	    store_division_get(db, at, &d, &none) == 0)
		snprintf(out->area_name, sizeof out->area_name, "%s", d.name);
	rc = honours_draw(&out->rules, rk.rows, rk.n, out, err);
	assess_ranking_free(&rk);
	return rc;
}

int honours_publish(struct db *db, const struct actor *a, int32_t utc_offset,
		    const char *kind, const char *period, const char *area,
		    const char *comment, int64_t now, struct honours_list *out,
		    struct ug_error *err)
{
	struct honours_row row;
	char *body = NULL, *detail = NULL;
	json_t *b;
	int rc;

	if ((rc = honours_draft(db, a, utc_offset, kind, period, area, out,
				err)))
		return rc;
	if (comment && *comment && !(out->comment = strdup(comment))) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	b = body_json(out);
	body = b ? json_dumps(b, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(b);
	if (!body) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	memset(&row, 0, sizeof row);
	row.kind = assess_eval_kind_names[out->kind];
	row.period_from = out->period.from;
	row.period_to = out->period.to;
	row.period_name = out->period.text;
	row.area = out->area;
	row.scheme_version = out->scheme_version;
	row.body = body;
	row.comment = out->comment;
	row.published_by = a->user->username;
	row.published_at = now;
	if ((rc = db_begin_write(db, err)))
		goto fail;
	if ((rc = store_honours_add(db, &row, err)) == 0) {
		json_t *d = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id",
				      (json_int_t)row.id, "kind", row.kind,
				      "period", row.period_name, "area",
				      row.area, "version",
				      (json_int_t)row.version);

		detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
		json_decref(d);
		rc = detail ? audit_write(db, a, now, "honours.publish",
					  "honours_list", NULL, body, detail,
					  err)
			    : ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	if ((rc = db_end(db, rc, err)))
		goto fail;
	out->id = row.id;
	out->version = row.version;
	out->published_at = now;
	snprintf(out->published_by, sizeof out->published_by, "%s",
		 a->user->username);
	free(body);
	free(detail);
	return 0;
fail:
	free(body);
	free(detail);
	honours_list_free(out);
	return rc;
}

/* The published lists read through the access layer: each decoded,
 * shown to `each` when the actor sees it (and it passes `keep`), and
 * freed after - unless `each` took its parts. */
struct history_read {
	const struct actor *a;
	int public;               /* units only */
	size_t limit, seen;       /* limit 0: none */
	const char *area;         /* only this area (NULL: any) */
	int (*each)(void *ctx, struct honours_list *l);
	void *ctx;
	struct ug_error *err;
};

/* Stops the store's loop with no error. */
#define HISTORY_STOP 1

static int history_row(void *ctx, const struct honours_row *r)
{
	struct history_read *h = ctx;
	struct honours_list l;
	int rc;

	if ((rc = list_of_row(r, &l, h->err)))
		return rc;
	if ((h->public && !honours_kind_is_public(l.kind)) ||
	    (h->area && strcmp(h->area, l.area) != 0) ||
	    !list_visible(h->a, l.kind, l.area)) {
		honours_list_free(&l);
		return 0;
	}
	rc = h->each(h->ctx, &l);
	honours_list_free(&l);
	if (rc == 0 && h->limit && ++h->seen >= h->limit)
		return HISTORY_STOP;
	return rc;
}

static int history_read(struct db *db, struct history_read *h,
			const char *kind, const struct period *p, int latest)
{
	int rc = store_honours_list(db, kind, p ? p->from : 0, p ? p->to : 0,
				    latest, history_row, h, h->err);

	return rc == HISTORY_STOP ? 0 : rc;
}

/* honours_cb behind the internal each(). */
struct cb_call {
	honours_cb cb;
	void *ctx;
};

static int call_cb(void *ctx, struct honours_list *l)
{
	struct cb_call *c = ctx;

	return c->cb(c->ctx, l);
}

int honours_history(struct db *db, const struct actor *a, const char *kind,
		    const char *period, int latest, honours_cb cb, void *ctx,
		    struct ug_error *err)
{
	struct cb_call call = { cb, ctx };
	struct history_read h = { a, 0, 0, 0, NULL, call_cb, &call, err };
	struct period p;

	if (kind && *kind && assess_eval_kind_parse(kind) < 0)
		return ug_fail(err, UG_EINVAL, "kind",
			       "kind must be inspectors, receptionists, "
			       "shift_leaders, dispatchers, departments, grids, "
			       "communities, streets or districts");
	if (period && *period && period_parse(period, &p, err) != 0)
		return -UG_EINVAL;
	return history_read(db, &h, kind && *kind ? kind : NULL,
			    period && *period ? &p : NULL, latest);
}

int honours_public(struct db *db, size_t limit, honours_cb cb, void *ctx,
		   struct ug_error *err)
{
	struct actor nobody;
	struct cb_call call = { cb, ctx };
	struct history_read h = { &nobody, 1, limit, 0, NULL, call_cb, &call,
				  err };

	/* No one's scope: only what honours_kind_is_public() lets by. */
	memset(&nobody, 0, sizeof nobody);
	nobody.role = -1;
	nobody.scope.kind = SCOPE_DEPARTMENT;
	return history_read(db, &h, NULL, NULL, 1);
}

/* honours_current()'s each(): take the first list whole. */
static int take_list(void *ctx, struct honours_list *l)
{
	struct honours_list *out = ctx;

	*out = *l;
	l->red = l->black = NULL;
	l->comment = NULL;
	return HISTORY_STOP;
}

int honours_current(struct db *db, const struct actor *a, int32_t utc_offset,
		    enum assess_eval_kind kind, const struct period *p,
		    const char *area, struct honours_list *out, int *published,
		    struct ug_error *err)
{
	const char *at = list_area(a, area);
	struct history_read h = { a, 0, 0, 0, at, take_list, out, err };
	int rc;

	memset(out, 0, sizeof *out);
	*published = 0;
	if ((rc = history_read(db, &h, assess_eval_kind_names[kind], p, 1)))
		return rc;
	if (out->version) {
		*published = 1;
		return 0;
	}
	return honours_draft(db, a, utc_offset, assess_eval_kind_names[kind],
			     p->text, at, out, err);
}
