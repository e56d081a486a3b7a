/*
 * view.c - the reads of the access layer (see view.h).
 */
#include "domain/cases/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void case_redact(const struct actor *a, struct case_row *c)
{
	char masked[32];

	if (c->reporter_phone[0] && !case_role_sees_phone(a)) {
		case_mask_phone(c->reporter_phone, masked);
		snprintf(c->reporter_phone, sizeof c->reporter_phone, "%s",
			 masked);
	}
}

static int not_found(int64_t id, struct ug_error *err)
{
	return ug_fail(err, UG_ENOTFOUND, "id", "no case with id %lld",
		       (long long)id);
}

/* What follows a case as the actor sees it: the case a merged report
 * joined (its number and how it ended: whoever follows the report - a
 * hotline caller, an Open311 client - learns the outcome of the one
 * case), and for a case waiting for dispatch, where it would go. */
static int view_extras(struct db *db, struct case_view *v,
		       struct ug_error *err)
{
	const struct case_row *c = &v->c;
	int rc;

	if (c->merged_into) {
		struct case_row *t = malloc(sizeof *t);

		if (!t)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		if (store_case_get(db, c->merged_into, t, NULL) == 0) {
			v->has_outcome = 1;
			v->outcome_id = t->id;
			snprintf(v->outcome_number, sizeof v->outcome_number,
				 "%s", t->number);
			snprintf(v->outcome_state, sizeof v->outcome_state,
				 "%s", t->state);
			v->outcome_closed_at = t->closed_at;
		}
		free(t);
	}
	if ((rc = case_suggestion(db, c, &v->suggestion, err)) > 0) {
		v->has_suggestion = 1;
		rc = 0;
	}
	return rc;
}

int case_suggestion(struct db *db, const struct case_row *c,
		    struct routing_suggestion *out, struct ug_error *err)
{
	struct case_standard std;
	int rc;

	if (strcmp(c->state, "filed") != 0 && strcmp(c->state, "returned") != 0)
		return 0;
	if ((rc = store_standard_by_id(db, c->standard_id, &std, err)) ||
	    (rc = routing_suggest(db, c->category, c->area, std.department_type,
				  out, err)))
		return rc;
	return 1;
}

int case_view(struct db *db, const struct actor *a, int64_t id,
	      struct case_view *out, const struct case_view_cb *cb,
	      struct ug_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = db_begin(db, err)))
		return rc;
	rc = store_case_get(db, id, &out->c, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && !case_visible(a, &out->c)))
		rc = not_found(id, err);
	if (rc == 0)
		rc = view_extras(db, out, err);
	if (rc == 0 && cb && cb->event)
		rc = store_case_events(db, id, cb->event, cb->ctx, err);
	if (rc == 0 && cb && cb->photo)
		rc = store_attachments_of_case(db, id, cb->photo, cb->ctx, err);
	db_rollback(db);
	if (rc == 0)
		case_redact(a, &out->c);
	return rc;
}

struct inspectors_ctx {
	const struct case_row *c;
	store_user_cb cb;
	void *ctx;
};

static int take_inspector(void *ctx, const struct user *u)
{
	struct inspectors_ctx *l = ctx;
	struct actor who;

	if (u->disabled || strcmp(u->role, "inspector") != 0)
		return 0;
	actor_of(u, "", &who);
	return case_visible(&who, l->c) ? l->cb(l->ctx, u) : 0;
}

int case_inspectors(struct db *db, const struct actor *a, int64_t id,
		    store_user_cb cb, void *ctx, struct ug_error *err)
{
	struct case_row *c = malloc(sizeof *c);
	struct inspectors_ctx l = { c, cb, ctx };
	char district[CODE_MAX + 1];
	int rc;

	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = store_case_get(db, id, c, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && !case_visible(a, c)))
		rc = not_found(id, err);
	if (rc == 0) {
		/* The case's district holds every inspector who may work
		 * there; take_inspector() keeps those whose place holds
		 * the case. */
		snprintf(district, sizeof district, "%.6s", c->area);
		rc = store_user_list(db, district, take_inspector, &l, err);
	}
	free(c);
	return rc;
}

struct list_ctx {
	const struct actor *a;
	store_case_cb cb;
	void *ctx;
	struct case_row *row;
};

static int redacted(void *ctx, const struct case_row *c)
{
	struct list_ctx *l = ctx;

	*l->row = *c;
	case_redact(l->a, l->row);
	return l->cb(l->ctx, l->row);
}

/* f limited to what the actor sees: its own scope fields replaced by the
 * actor's. */
static struct case_filter scoped_filter(const struct actor *a,
					const struct case_filter *f)
{
	struct case_filter scoped = *f;

	scoped.scope_area = NULL;
	scoped.scope_department = NULL;
	/* Only open states asked for: the store reads the open cases alone
	 * (the queues of a city with years of closed cases). */
	scoped.open_only = f->states[0] != NULL;
	for (int i = 0; i < 16 && f->states[i]; i++)
		if (case_state_terminal(case_state_parse(f->states[i])))
			scoped.open_only = 0;
	/* A light other than none, or a deadline passed, is a running
	 * clock's, and only open cases have one (a final state stops it:
	 * no deadline): the overview's red list reads the open cases too. */
	if (!f->states[0] &&
	    (f->overdue || (f->light && *f->light && strcmp(f->light, "none"))))
		scoped.open_only = 1;
	if (a->scope.kind == SCOPE_AREA)
		scoped.scope_area = a->scope.code;
	else if (a->scope.kind == SCOPE_DEPARTMENT)
		scoped.scope_department = a->scope.code;
	return scoped;
}

int case_stats(struct db *db, const struct actor *a,
	       const struct case_filter *f, int by_department,
	       store_case_stat_cb cb, void *ctx, struct ug_error *err)
{
	struct case_filter scoped = scoped_filter(a, f);

	if (!case_reader(a))
		return 0;
	return store_case_stats(db, &scoped, by_department, cb, ctx, err);
}

int case_stats_city(struct db *db, int64_t now, store_case_stat_cb cb,
		    void *ctx, struct ug_error *err)
{
	/* Open cases alone: the partial index of the open cases, so a scrape
	 * costs what the city has open, not its years of closed cases. */
	struct case_filter open = { .now = now, .open_only = 1 };

	return store_case_stats(db, &open, 0, cb, ctx, err);
}

struct changes_ctx {
	const struct actor *a;
	store_case_change_cb cb;
	void *ctx;
	int64_t *last;
};

static int seen_change(void *ctx, const struct case_change *ch)
{
	struct changes_ctx *l = ctx;

	*l->last = ch->id;
	if (!case_in_sight(l->a, ch->area, ch->department))
		return 0;
	return l->cb(l->ctx, ch);
}

int case_changes(struct db *db, const struct actor *a, int64_t after,
		 int64_t limit, store_case_change_cb cb, void *ctx,
		 int64_t *last, struct ug_error *err)
{
	struct changes_ctx l = { a, cb, ctx, last };

	*last = after;
	return store_case_changes(db, after, limit, seen_change, &l, err);
}

int case_changes_latest(struct db *db, int64_t *id, struct ug_error *err)
{
	return store_case_event_latest(db, id, err);
}

int case_points(struct db *db, const struct actor *a,
		const struct case_filter *f, int64_t limit,
		store_case_point_cb cb, void *ctx, struct ug_error *err)
{
	struct case_filter scoped = scoped_filter(a, f);

	if (!case_reader(a))
		return 0;
	return store_case_points(db, &scoped, limit, cb, ctx, err);
}

int case_list(struct db *db, const struct actor *a,
	      const struct case_filter *f, store_case_cb cb, void *ctx,
	      int64_t *total, struct ug_error *err)
{
	struct case_filter scoped = scoped_filter(a, f);
	struct list_ctx l;
	int rc;

	*total = 0;
	if (f->near) {
		if (!(f->near_lon >= -180 && f->near_lon <= 180 &&
		      f->near_lat >= -90 && f->near_lat <= 90))
			return ug_fail(err, UG_EINVAL, "near",
				       "near is lon,lat (WGS84): -180..180, "
				       "-90..90");
		/* A degree of longitude is cos(lat) of one of latitude. */
		scoped.near_lon_scale = cos(f->near_lat * M_PI / 180.0);
	}
	l = (struct list_ctx){ a, cb, ctx, malloc(sizeof *l.row) };
	if (!case_reader(a)) {
		free(l.row);
		return 0;
	}
	if (!l.row)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = store_case_list(db, &scoped, redacted, &l, total, err);
	free(l.row);
	return rc;
}

int attachment_get(struct db *db, const struct actor *a, int64_t id,
		   struct attachment_row *out, struct ug_error *err)
{
	struct case_row *c = malloc(sizeof *c);
	int rc;

	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = store_attachment_get(db, id, out, err);
	if (rc == 0)
		rc = store_case_get(db, out->case_id, c, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && !case_visible(a, c)))
		rc = ug_fail(err, UG_ENOTFOUND, "id",
			     "no attachment with id %lld", (long long)id);
	free(c);
	return rc;
}
