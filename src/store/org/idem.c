/*
 * idem.c - SQL for the stored answers of idempotency keys (see
 * store/org/idem.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/org/idem.h"

static const char SQL_IDEM_GET[] =
	"SELECT request_hash, status, headers, body, created_at"
	" FROM idempotency_key WHERE user_id = ? AND idem_key = ?";

int store_idem_get(struct db *db, int64_t user_id, const char *key,
		   struct idem_answer *a, struct ug_error *err)
{
	struct db_stmt *st;
	const void *body;
	size_t n;
	int rc;

	rc = db_row(db, SQL_IDEM_GET, DB_ARGS(DB_INT(user_id), DB_TEXT(key)),
		    &st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "Idempotency-Key",
			       "no answer stored for this key");
	snprintf(a->request_hash, sizeof a->request_hash, "%s",
		 db_column_text(st, 0));
	a->status = (int)db_column_int64(st, 1);
	a->created_at = db_column_int64(st, 4);
	body = db_column_blob(st, 3, &n);
	rc = buf_puts(&a->headers, db_column_text(st, 2));
	if (rc == 0 && n)
		rc = buf_append(&a->body, body, n);
	db_reset(st);
	return rc ? ug_fail(err, UG_ENOMEM, NULL, "out of memory") : 0;
}

static const char SQL_IDEM_PUT[] =
	"INSERT INTO idempotency_key (user_id, idem_key, request_hash, status,"
	" headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

int store_idem_put(struct db *db, int64_t user_id, const char *key,
		   const struct idem_answer *a, struct ug_error *err)
{
	return db_run(db, SQL_IDEM_PUT,
		      DB_ARGS(DB_INT(user_id), DB_TEXT(key),
			      DB_TEXT(a->request_hash), DB_INT(a->status),
			      DB_TEXT(buf_str(&a->headers)),
			      DB_BLOB(a->body.data ? (const void *)a->body.data
						   : (const void *)"",
				      a->body.len),
			      DB_INT(a->created_at)),
		      err);
}

static const char SQL_IDEM_PRUNE[] =
	"DELETE FROM idempotency_key WHERE created_at < ?";

int store_idem_prune(struct db *db, int64_t before, int64_t *removed,
		     struct ug_error *err)
{
	int rc = db_run(db, SQL_IDEM_PRUNE, DB_ARGS(DB_INT(before)), err);

	*removed = rc ? 0 : db_changes(db);
	return rc;
}
