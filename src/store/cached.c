/*
 * cached.c - rows kept in the pool's memo under config_rev (cached.h).
 */
#include "store/cached.h"

#include "lib/memo.h"

static const char SQL_CONFIG_REV[] =
	"SELECT value FROM config_rev WHERE name = 'config'";

int store_cached(struct db *db, enum cached_kind kind, const char *key,
		 void *out, size_t size, cached_read_fn read, const void *arg,
		 struct ug_error *err)
{
	struct memo *m = db_memo(db);
	int64_t rev;
	int rc;

	if (!m)
		return read(db, arg, out, err);
	/* The revision is read before the row: a change landing between
	 * the two leaves a newer row under an older revision, never used
	 * again - never an older row under a newer one.  Once for the
	 * request (db_hold): its rows are then all of one revision, as if
	 * read at its start; a change landing meanwhile is seen by the
	 * next request, and the request's own writes end the hold. */
	if (!db_held(db, &rev)) {
		if ((rc = db_query_int64(db, SQL_CONFIG_REV, &rev, err)))
			return rc;
		db_hold(db, rev);
	}
	if (memo_get(m, (int)kind, key, rev, out, size))
		return 0;
	if ((rc = read(db, arg, out, err)) == 0)
		memo_put(m, (int)kind, key, rev, out, size);
	return rc;
}
