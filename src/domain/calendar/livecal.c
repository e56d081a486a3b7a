/*
 * livecal.c - the live working calendar (see livecal.h): refcounted
 * tables swapped in by revision.
 *
 * Why references and not "keep every retired table until exit": a
 * request holds its table for as long as it runs, and nothing bounds how
 * long that is, so no grace period is safe; keeping every table would be
 * safe but grows with every `calendar set` (50 KB each).  A count under a
 * mutex costs two uncontended lock pairs per request and frees a table
 * as soon as the last request that saw it is done.
 */
#include "domain/calendar/livecal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "domain/calendar/workcal.h"
#include "lib/iso8601.h"
#include "lib/util.h"

/* One built table; `view` first, so a view pointer is a table pointer. */
struct table {
	struct livecal_view view;
	struct calendar *calendar; /* owned */
	int year;                  /* local year of the build */
	long refs;                 /* requests holding it (under `lock`) */
};

struct livecal {
	pthread_mutex_t lock;          /* current, refs */
	pthread_mutex_t refresh_lock;  /* one refresh at a time */
	struct table *current;
	_Atomic int64_t checked_at;    /* monotonic µs of the last check */
};

static int local_year(int64_t now, int32_t utc_offset)
{
	int64_t y;
	unsigned m, d;

	iso8601_civil_from_days((now + utc_offset) / 86400, &y, &m, &d);
	return (int)y;
}

static void table_free(struct table *t)
{
	if (!t)
		return;
	calendar_free(t->calendar);
	free(t);
}

static int table_build(struct db *db, int64_t now, struct table **out,
		       struct ug_error *err)
{
	struct table *t = calloc(1, sizeof *t);
	int rc;

	*out = NULL;
	if (!t)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = workcal_load(db, now, &t->calendar, &t->view.utc_offset,
			  &t->view.revision, err);
	if (rc) {
		free(t);
		return rc;
	}
	t->view.calendar = t->calendar;
	t->year = local_year(now, t->view.utc_offset);
	*out = t;
	return 0;
}

int livecal_open(struct db *db, int64_t now, struct livecal **out,
		 struct ug_error *err)
{
	struct livecal *lc = calloc(1, sizeof *lc);
	int rc;

	*out = NULL;
	if (!lc)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = table_build(db, now, &lc->current, err))) {
		free(lc);
		return rc;
	}
	pthread_mutex_init(&lc->lock, NULL);
	pthread_mutex_init(&lc->refresh_lock, NULL);
	lc->checked_at = ug_monotonic_us();
	*out = lc;
	return 0;
}

void livecal_free(struct livecal *lc)
{
	if (!lc)
		return;
	table_free(lc->current);
	pthread_mutex_destroy(&lc->lock);
	pthread_mutex_destroy(&lc->refresh_lock);
	free(lc);
}

const struct livecal_view *livecal_acquire(struct livecal *lc)
{
	struct table *t;

	pthread_mutex_lock(&lc->lock);
	t = lc->current;
	t->refs++;
	pthread_mutex_unlock(&lc->lock);
	return &t->view;
}

void livecal_release(struct livecal *lc, const struct livecal_view *v)
{
	struct table *t = (struct table *)v;
	int retired;

	if (!v)
		return;
	pthread_mutex_lock(&lc->lock);
	retired = --t->refs == 0 && t != lc->current;
	pthread_mutex_unlock(&lc->lock);
	if (retired)
		table_free(t);
}

int livecal_refresh(struct livecal *lc, struct db *db, int64_t now, int force,
		    struct ug_error *err)
{
	int64_t mono = ug_monotonic_us(), rev;
	struct table *fresh = NULL, *old;
	int retired, rc;

	if (!force && mono - lc->checked_at < 1000000)
		return 0;
	if (force)
		pthread_mutex_lock(&lc->refresh_lock);
	else if (pthread_mutex_trylock(&lc->refresh_lock))
		return 0;
	lc->checked_at = mono;
	/* Only this thread replaces `current`: reading it here is safe. */
	old = lc->current;
	if ((rc = store_calendar_rev(db, &rev, err)) ||
	    (rev == old->view.revision &&
	     local_year(now, old->view.utc_offset) == old->year))
		goto out;
	if ((rc = table_build(db, now, &fresh, err)))
		goto out;
	pthread_mutex_lock(&lc->lock);
	lc->current = fresh;
	retired = old->refs == 0;
	pthread_mutex_unlock(&lc->lock);
	/* Held by requests: the last of them frees it (livecal_release). */
	if (retired)
		table_free(old);
out:
	pthread_mutex_unlock(&lc->refresh_lock);
	return rc;
}
