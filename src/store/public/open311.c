/*
 * open311.c - SQL of the public channel: reports that came in through
 * Open311 or the public pages, their ratings, and the updates clients
 * posted (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/public/open311.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static const char SQL_INSERT[] =
	"INSERT INTO open311_request (case_id, token, client, client_addr,"
	" email, device_id, account_id, media_url, attributes)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_open311_insert(struct db *db, const struct open311_row *r,
			 struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_INSERT, &st, err)) ||
	    (rc = db_bind_int64(st, 1, r->case_id, err)) ||
	    (rc = db_bind_text(st, 2, r->token, err)) ||
	    (rc = db_bind_text(st, 3, r->client, err)) ||
	    (rc = db_bind_text(st, 4, r->client_addr, err)) ||
	    (rc = db_bind_text(st, 5, r->email, err)) ||
	    (rc = db_bind_text(st, 6, r->device_id, err)) ||
	    (rc = db_bind_text(st, 7, r->account_id, err)) ||
	    (rc = db_bind_text(st, 8, r->media_url, err)) ||
	    (rc = db_bind_text(st, 9, r->attributes[0] ? r->attributes : "{}",
			       err)))
		return rc;
	rc = db_step(st, err);
	return rc < 0 ? rc : 0;
}

#define COLUMNS \
	"case_id, token, client, client_addr, email, device_id, account_id," \
	" media_url, attributes, rating, rating_comment, rated_at"

static const char SQL_GET[] =
	"SELECT " COLUMNS " FROM open311_request WHERE case_id = ?";
static const char SQL_BY_TOKEN[] =
	"SELECT " COLUMNS " FROM open311_request WHERE token = ?";

static int read_one(struct db_stmt *st, struct open311_row *r,
		    struct ug_error *err)
{
	int rc = db_step(st, err);

	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, NULL,
			       "no report of the public channel");
	memset(r, 0, sizeof *r);
	r->case_id = db_column_int64(st, 0);
	COPY(r->token, db_column_text(st, 1));
	COPY(r->client, db_column_text(st, 2));
	COPY(r->client_addr, db_column_text(st, 3));
	COPY(r->email, db_column_text(st, 4));
	COPY(r->device_id, db_column_text(st, 5));
	COPY(r->account_id, db_column_text(st, 6));
	COPY(r->media_url, db_column_text(st, 7));
	COPY(r->attributes, db_column_text(st, 8));
	COPY(r->rating, db_column_text(st, 9));
	COPY(r->rating_comment, db_column_text(st, 10));
	r->rated_at = db_column_int64(st, 11);
	db_reset(st);
	return 0;
}

int store_open311_get(struct db *db, int64_t case_id, struct open311_row *r,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_GET, &st, err)) ||
	    (rc = db_bind_int64(st, 1, case_id, err)))
		return rc;
	return read_one(st, r, err);
}

int store_open311_by_token(struct db *db, const char *token,
			   struct open311_row *r, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_BY_TOKEN, &st, err)) ||
	    (rc = db_bind_text(st, 1, token, err)))
		return rc;
	return read_one(st, r, err);
}

static const char SQL_RATE[] =
	"UPDATE open311_request SET rating = ?, rating_comment = ?,"
	" rated_at = ? WHERE case_id = ? AND rating IS NULL";

int store_open311_rate(struct db *db, int64_t case_id, const char *rating,
		       const char *comment, int64_t at, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_RATE, &st, err)) ||
	    (rc = db_bind_text(st, 1, rating, err)) ||
	    (rc = db_bind_text(st, 2, comment ? comment : "", err)) ||
	    (rc = db_bind_int64(st, 3, at, err)) ||
	    (rc = db_bind_int64(st, 4, case_id, err)))
		return rc;
	if ((rc = db_step(st, err)) < 0)
		return rc;
	if (db_changes(db) == 0)
		return ug_fail(err, UG_ECONFLICT, "rating",
			       "this report has been rated already");
	return 0;
}

static const char SQL_UPDATE_INSERT[] =
	"INSERT INTO open311_update (client, update_id, case_id, event_id)"
	" VALUES (?, ?, ?, ?)";

int store_open311_update_insert(struct db *db, const char *client,
				const char *update_id, int64_t case_id,
				int64_t event_id, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_UPDATE_INSERT, &st, err)) ||
	    (rc = db_bind_text(st, 1, client, err)) ||
	    (rc = db_bind_text(st, 2, update_id, err)) ||
	    (rc = db_bind_int64(st, 3, case_id, err)) ||
	    (rc = db_bind_int64(st, 4, event_id, err)))
		return rc;
	rc = db_step(st, err);
	if (rc == -UG_ECONFLICT)
		return ug_fail(err, UG_ECONFLICT, "update_id",
			       "update %s was posted already", update_id);
	return rc < 0 ? rc : 0;
}
