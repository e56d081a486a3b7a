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
	 * again - never an older row under a newer one. */
	if ((rc = db_query_int64(db, SQL_CONFIG_REV, &rev, err)))
		return rc;
	if (memo_get(m, (int)kind, key, rev, out, size))
		return 0;
	if ((rc = read(db, arg, out, err)) == 0)
		memo_put(m, (int)kind, key, rev, out, size);
	return rc;
}
