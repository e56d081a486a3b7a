/*
 * livecal.h - the working calendar of a running server, kept current
 * without a restart: every write to the calendar bumps its revision in
 * the store (domain/calendar/workcal.h), and livecal_refresh() - at most once a
 * second unless forced - builds a fresh table when the revision (or the
 * local year) has moved on, and swaps it in.
 *
 * A built table is immutable and requests on other threads use it for
 * their whole length, so a table is never freed under a request: each
 * request takes a reference (livecal_acquire) and gives it back
 * (livecal_release); a table that has been swapped out is freed by
 * whoever drops its last reference.
 */
#ifndef UG_LIVECAL_H
#define UG_LIVECAL_H

#include <stdint.h>

#include "domain/calendar/calendar.h"
#include "lib/error.h"
#include "store/db.h"

/* What a request uses: a table and the offset it was built for. */
struct livecal_view {
	const struct calendar *calendar;
	int32_t utc_offset;
	int64_t revision; /* of the calendar in the store it was built from */
};

struct livecal;

/* Build the first table from the store (workcal_load() at `now`).
 * UG_EDB, UG_ENOMEM, UG_EINVAL for a stored calendar that does not
 * build. */
int livecal_open(struct db *db, int64_t now, struct livecal **out,
		 struct ug_error *err);

/* Free the holder and its table.  No reference may be outstanding (stop
 * the server first).  NULL is accepted. */
void livecal_free(struct livecal *lc);

/*
 * Catch up with the store: when the calendar revision differs from the
 * current table's (a write since; or a database put back) or the local
 * year of `now` is not the one the table was built in (it covers that
 * year, the one before and the next), build a new table and swap it in.
 * Without `force`, does nothing if the last check was less than a second
 * ago or another thread is refreshing.  On error the current table stays.
 * Thread-safe.
 */
int livecal_refresh(struct livecal *lc, struct db *db, int64_t now, int force,
		    struct ug_error *err);

/* A reference to the current table; never NULL, never fails.  Keep it as
 * long as needed and give it back with livecal_release().  Thread-safe. */
const struct livecal_view *livecal_acquire(struct livecal *lc);
void livecal_release(struct livecal *lc, const struct livecal_view *v);

#endif
