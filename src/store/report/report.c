/*
 * report.c - the stored reports and the schedule's lease (see report.h).
 */
#include "store/report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

static const char SQL_REPORT_INSERT[] =
	"INSERT INTO report (kind, period, area, version, year, number, status,"
	" commentary, document, created_by, created_at, published_by,"
	" published_at, scheduled)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

static const char SQL_REPORT_LAST[] =
	"SELECT version, year, number, commentary FROM report"
	" WHERE kind = ? AND period = ? AND area = ?"
	" ORDER BY version DESC LIMIT 1";

static const char SQL_REPORT_NEXT_NUMBER[] =
	"SELECT COALESCE(MAX(number), 0) + 1 FROM report"
	" WHERE kind = ? AND year = ?";

#define REPORT_COLUMNS \
	"id, kind, period, area, version, year, number, status, commentary," \
	" created_by, created_at, published_by, published_at, scheduled"

static const char SQL_REPORT_GET[] =
	"SELECT " REPORT_COLUMNS ", document FROM report WHERE id = ?";

static const char SQL_REPORT_LIST[] =
	"SELECT " REPORT_COLUMNS " FROM report"
	" WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR period = ?2)"
	" ORDER BY created_at DESC, id DESC";

static const char SQL_REPORT_UPDATE[] =
	"UPDATE report SET commentary = COALESCE(?2, commentary),"
	" status = CASE WHEN ?3 THEN 'published' ELSE status END,"
	" published_by = CASE WHEN ?3 THEN ?4 ELSE published_by END,"
	" published_at = CASE WHEN ?3 THEN ?5 ELSE published_at END"
	" WHERE id = ?1 AND status = 'draft'";

/* A lease is free when never taken, or not done and run out. */
static const char SQL_LEASE_TAKE[] =
	"INSERT INTO report_lease (job, holder, until) VALUES (?1, ?2, ?4)"
	" ON CONFLICT (job) DO UPDATE SET holder = ?2, until = ?4"
	" WHERE done = 0 AND until < ?3";

static const char SQL_LEASE_DONE[] =
	"UPDATE report_lease SET done = 1 WHERE job = ?";

/* The jobs' names sort as their periods do within a kind (a daily kind's
 * are days, "2026-11-23"); the table holds a few rows a day. */
static const char SQL_LEASE_LAST[] =
	"SELECT MAX(substr(job, length(?1) + 1)) FROM report_lease"
	" WHERE done = 1 AND substr(job, 1, length(?1)) = ?1";

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void store_report_row_free(struct report_row *r)
{
	free(r->commentary);
	free(r->document);
	r->commentary = r->document = NULL;
}

int store_report_insert(struct db *db, struct report_row *r,
			struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_REPORT_INSERT, DB_ARGS(DB_TEXT(r->kind),
			DB_TEXT(r->period), DB_TEXT(r->area),
			DB_INT(r->version), DB_INT(r->year), DB_INT(r->number),
			DB_TEXT(r->status), DB_TEXT(r->commentary),
			DB_TEXT(r->document), DB_TEXT(r->created_by),
			DB_INT(r->created_at), DB_OPT_TEXT(r->published_by),
			DB_OPT_INT(r->published_at), DB_INT(r->scheduled)),
			&st, err);

	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return ug_fail(err, UG_EINTERNAL, NULL, "no id from the insert");
	r->id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

int store_report_last(struct db *db, const char *kind, const char *period,
		      const char *area, int64_t *version, int64_t *year,
		      int64_t *number, char **commentary,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_REPORT_LAST, DB_ARGS(DB_TEXT(kind),
			DB_TEXT(period), DB_TEXT(area)), &st, err);

	*version = *year = *number = 0;
	*commentary = NULL;
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		*version = db_column_int64(st, 0);
		*year = db_column_int64(st, 1);
		*number = db_column_int64(st, 2);
		*commentary = dup_or_null(db_column_text(st, 3));
		db_reset(st);
	}
	return 0;
}

int store_report_next_number(struct db *db, const char *kind, int64_t year,
			     int64_t *out, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_REPORT_NEXT_NUMBER,
			DB_ARGS(DB_TEXT(kind), DB_INT(year)), &st, err);

	if (rc < 0)
		return rc;
	*out = rc == DB_ROW ? db_column_int64(st, 0) : 1;
	if (rc == DB_ROW)
		db_reset(st);
	return 0;
}

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static void decode(struct db_stmt *st, struct report_row *r)
{
	r->id = db_column_int64(st, 0);
	copy(r->kind, sizeof r->kind, db_column_text(st, 1));
	copy(r->period, sizeof r->period, db_column_text(st, 2));
	copy(r->area, sizeof r->area, db_column_text(st, 3));
	r->version = db_column_int64(st, 4);
	r->year = db_column_int64(st, 5);
	r->number = db_column_int64(st, 6);
	copy(r->status, sizeof r->status, db_column_text(st, 7));
	free(r->commentary);
	r->commentary = dup_or_null(db_column_text(st, 8));
	copy(r->created_by, sizeof r->created_by, db_column_text(st, 9));
	r->created_at = db_column_int64(st, 10);
	copy(r->published_by, sizeof r->published_by, db_column_text(st, 11));
	r->published_at = db_column_int64(st, 12);
	r->scheduled = (int)db_column_int64(st, 13);
}

int store_report_get(struct db *db, int64_t id, int with_document,
		     struct report_row *r, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row_by_id(db, SQL_REPORT_GET, id, "report", &st, err);

	memset(r, 0, sizeof *r);
	if (rc)
		return rc;
	decode(st, r);
	if (with_document)
		r->document = dup_or_null(db_column_text(st, 14));
	db_reset(st);
	if (with_document && !r->document) {
		store_report_row_free(r);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

DB_VISITOR(report_row, store_report_cb, struct report_row, decode)

int store_report_list(struct db *db, const char *kind, const char *period,
		      store_report_cb cb, void *ctx, struct ug_error *err)
{
	struct report_row row = { 0 };
	struct report_row_visit v = { cb, ctx, &row };
	int rc = db_list(db, SQL_REPORT_LIST, DB_ARGS(DB_OPT_TEXT(kind),
			 DB_OPT_TEXT(period)), report_row_visit, &v, err);

	store_report_row_free(&row);
	return rc;
}

int store_report_update(struct db *db, int64_t id, const char *commentary,
			int publish, const char *by, int64_t at,
			struct ug_error *err)
{
	return db_run_changed(db, SQL_REPORT_UPDATE, DB_ARGS(DB_INT(id),
			      DB_TEXT(commentary), DB_INT(publish),
			      DB_TEXT(by), DB_INT(at)), "draft report", id,
			      err);
}

int store_report_lease_take(struct db *db, const char *job,
			    const char *holder, int64_t now, int64_t until,
			    int *taken, struct ug_error *err)
{
	int rc = db_run(db, SQL_LEASE_TAKE, DB_ARGS(DB_TEXT(job),
			DB_TEXT(holder), DB_INT(now), DB_INT(until)), err);

	*taken = rc == 0 && db_changes(db) > 0;
	return rc;
}

int store_report_lease_done(struct db *db, const char *job,
			    struct ug_error *err)
{
	return db_run_key(db, SQL_LEASE_DONE, job, err);
}

int store_report_lease_last(struct db *db, const char *prefix, char *out,
			    size_t size, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_LEASE_LAST, DB_ARGS(DB_TEXT(prefix)), &st, err);

	if (rc < 0)
		return rc;
	out[0] = '\0';
	if (rc == DB_ROW) {
		copy(out, size, db_column_text(st, 0));
		db_reset(st);
	}
	return 0;
}
