/*
 * view.h - what a caller sees of cases: one case with what goes with it,
 * lists, photos.  The read half of the access layer (the write half is
 * case_act(), case_intake(), attachment_add()): every function takes the
 * caller as an actor (domain/org/roles.h) and returns only what it may
 * see.  A case, a photo or a merge target outside the caller's sight
 * answers exactly as one that does not exist, error text included, and
 * the reporter's phone comes masked to roles that do not call back.
 * Handlers call these and never the store for case data.
 */
#ifndef UG_CASE_VIEW_H
#define UG_CASE_VIEW_H

#include "domain/cases/case.h"
#include "domain/cases/routing.h"

/* Mask what the actor may not read of a case it sees: the reporter's
 * phone (138****5678) unless it calls reporters back
 * (case_role_sees_phone).  The reads below do it; the writes
 * (case_intake, case_act) hand back the row as stored, and an answer
 * made of one goes through this first. */
void case_redact(const struct actor *a, struct case_row *c);

/* One case with what goes with it. */
struct case_view {
	struct case_row c;          /* redacted for the actor */
	int has_outcome;            /* a merged report: the case it joined */
	int64_t outcome_id;
	char outcome_number[24];
	char outcome_state[16];
	int64_t outcome_closed_at;
	int has_suggestion;         /* filed or returned: where it would go */
	struct routing_suggestion suggestion;
};

/* The case's history and photos, each in order, to these (either may be
 * NULL); a non-zero return stops and is returned. */
struct case_view_cb {
	store_case_event_cb event;
	store_attachment_cb photo;
	void *ctx;
};

/* Case `id` as the actor sees it into *out, its history and photos to
 * cb, all in one read transaction.  UG_ENOTFOUND ("no case with id N",
 * field "id") for a case that does not exist or that the actor may not
 * see. */
int case_view(struct db *db, const struct actor *a, int64_t id,
	      struct case_view *out, const struct case_view_cb *cb,
	      struct ug_error *err);

/* Where case c (one the caller was given by case_view or case_list)
 * would be dispatched: 1 with *out while it waits for dispatch (filed or
 * returned), 0 otherwise, or a negative error. */
int case_suggestion(struct db *db, const struct case_row *c,
		    struct routing_suggestion *out, struct ug_error *err);

/* The cases the actor may see that match f (f's own scope fields are
 * ignored: the actor's scope is applied), a page of them to cb
 * (redacted), and how many match in all into *total.  With f->near the
 * page is nearest first to (near_lon, near_lat), WGS84 (the phone's
 * worklists), cases without a point last; a point off the globe is
 * UG_EINVAL naming "near" (near_lon_scale is set here, not by the
 * caller). */
int case_list(struct db *db, const struct actor *a,
	      const struct case_filter *f, store_case_cb cb, void *ctx,
	      int64_t *total, struct ug_error *err);

/* The cases the actor may see that match f, counted by state (or by
 * department) and light now (f->now), to cb: the numbers of a leader's
 * overview, the departments' loads a dispatcher weighs. */
int case_stats(struct db *db, const struct actor *a,
	       const struct case_filter *f, int by_department,
	       store_case_stat_cb cb, void *ctx, struct ug_error *err);

/* The whole city's open cases counted by state and light at `now`, for the
 * operator's metrics (GET /metrics, served only on `serve
 * --metrics-listen`): counts without any case's data, for a listener that
 * names no user, so no actor. */
int case_stats_city(struct db *db, int64_t now, store_case_stat_cb cb,
		    void *ctx, struct ug_error *err);

/* The inspectors who may verify case `id` (verify-assign): enabled
 * inspectors whose place holds the case's, by name, to cb.  The case
 * must be in the actor's sight (else UG_ENOTFOUND as case_view()). */
int case_inspectors(struct db *db, const struct actor *a, int64_t id,
		    store_user_cb cb, void *ctx, struct ug_error *err);

/* The located cases the actor may see that match f, at most `limit`, as
 * points with their light now: the map's. */
int case_points(struct db *db, const struct actor *a,
		const struct case_filter *f, int64_t limit,
		store_case_point_cb cb, void *ctx, struct ug_error *err);

/* The history lines after id `after` (at most `limit` read) of the cases
 * the actor sees now, in order, to cb; *last is the id of the last line
 * read, seen or not, so that a live stream moves past what it may not
 * see.  What is in sight is judged by the case as it is now. */
int case_changes(struct db *db, const struct actor *a, int64_t after,
		 int64_t limit, store_case_change_cb cb, void *ctx,
		 int64_t *last, struct ug_error *err);

/* The id of the latest history line of any case (0 with none): where a
 * live stream without a Last-Event-ID starts, and what the server
 * watches to wake the streams. */
int case_changes_latest(struct db *db, int64_t *id, struct ug_error *err);

/* Photo `id` of a case the actor may see into *out.  UG_ENOTFOUND ("no
 * attachment with id N", field "id") for one that does not exist or
 * whose case the actor may not see. */
int attachment_get(struct db *db, const struct actor *a, int64_t id,
		   struct attachment_row *out, struct ug_error *err);

#endif
