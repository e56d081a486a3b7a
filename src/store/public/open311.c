/*
 * open311.c - SQL of the public channel: reports that came in through
 * Open311 or the public pages, their ratings, and the updates clients
 * posted (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "store/public/open311.h"


static const char SQL_INSERT[] =
	"INSERT INTO open311_request (case_id, token, client, client_addr,"
	" email, device_id, account_id, media_url, attributes)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_open311_insert(struct db *db, const struct open311_row *r,
			 struct ug_error *err)
{
	return db_run(db, SQL_INSERT,
		      DB_ARGS(DB_INT(r->case_id), DB_TEXT(r->token),
			      DB_TEXT(r->client), DB_TEXT(r->client_addr),
			      DB_TEXT(r->email), DB_TEXT(r->device_id),
			      DB_TEXT(r->account_id), DB_TEXT(r->media_url),
			      DB_TEXT(r->attributes[0] ? r->attributes : "{}")),
		      err);
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
	UG_COPY(r->token, db_column_text(st, 1));
	UG_COPY(r->client, db_column_text(st, 2));
	UG_COPY(r->client_addr, db_column_text(st, 3));
	UG_COPY(r->email, db_column_text(st, 4));
	UG_COPY(r->device_id, db_column_text(st, 5));
	UG_COPY(r->account_id, db_column_text(st, 6));
	UG_COPY(r->media_url, db_column_text(st, 7));
	UG_COPY(r->attributes, db_column_text(st, 8));
	UG_COPY(r->rating, db_column_text(st, 9));
	UG_COPY(r->rating_comment, db_column_text(st, 10));
	r->rated_at = db_column_int64(st, 11);
	db_reset(st);
	return 0;
}

int store_open311_get(struct db *db, int64_t case_id, struct open311_row *r,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_GET, DB_ARGS(DB_INT(case_id)), &st,
				  err)))
		return rc;
	return read_one(st, r, err);
}

int store_open311_by_token(struct db *db, const char *token,
			   struct open311_row *r, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_BY_TOKEN, DB_ARGS(DB_TEXT(token)),
				  &st, err)))
		return rc;
	return read_one(st, r, err);
}

static const char SQL_RATE[] =
	"UPDATE open311_request SET rating = ?, rating_comment = ?,"
	" rated_at = ? WHERE case_id = ? AND rating IS NULL";

static const char SQL_VERSION[] =
	"SELECT (SELECT coalesce(MAX(id), 0) FROM case_event),"
	" (SELECT coalesce(MAX(id), 0) FROM audit_event),"
	" (SELECT coalesce(MAX(id), 0) FROM attachment)";

int store_open311_version(struct db *db, int64_t out[3],
			  struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_VERSION, DB_NOARGS, &st, err);

	if (rc < 0)
		return rc;
	for (int i = 0; i < 3; i++)
		out[i] = rc ? db_column_int64(st, i) : 0;
	if (rc)
		db_reset(st);
	return 0;
}

int store_open311_rate(struct db *db, int64_t case_id, const char *rating,
		       const char *comment, int64_t at, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_RATE,
				  DB_ARGS(DB_TEXT(rating),
					  DB_TEXT(comment ? comment : ""),
					  DB_INT(at), DB_INT(case_id)), &st,
				  err)))
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

	rc = db_row(db, SQL_UPDATE_INSERT,
		    DB_ARGS(DB_TEXT(client), DB_TEXT(update_id),
			    DB_INT(case_id), DB_INT(event_id)), &st, err);
	if (rc == -UG_ECONFLICT)
		return ug_fail(err, UG_ECONFLICT, "update_id",
			       "update %s was posted already", update_id);
	return rc < 0 ? rc : 0;
}
