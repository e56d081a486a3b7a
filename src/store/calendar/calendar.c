/*
 * calendar.c - SQL for the working calendar: day overrides, settings
 * and the revision that tells running servers of a change (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/calendar/calendar.h"

static const char SQL_DAY_UPSERT[] =
	"INSERT INTO calendar_day (day, kind, note, source) VALUES (?, ?, ?, ?)"
	" ON CONFLICT (day) DO UPDATE SET kind = excluded.kind,"
	" note = excluded.note, source = excluded.source";

int store_calendar_day_upsert(struct db *db, const struct calendar_day_row *d,
			      struct ug_error *err)
{
	return db_run(db, SQL_DAY_UPSERT,
		      DB_ARGS(DB_TEXT(d->day), DB_TEXT(d->kind),
			      DB_TEXT(d->note ? d->note : ""),
			      DB_TEXT(d->source)), err);
}

static const char SQL_DAY_DELETE[] =
	"DELETE FROM calendar_day WHERE day = ? RETURNING day";

int store_calendar_day_delete(struct db *db, const char *day,
			      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_DAY_DELETE, DB_ARGS(DB_TEXT(day)), &st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "date",
			       "%s has no stored day", day);
	db_reset(st);
	return 0;
}

static const char SQL_DAYS[] =
	"SELECT day, kind, note, source FROM calendar_day ORDER BY day";
static const char SQL_DAYS_BETWEEN[] =
	"SELECT day, kind, note, source FROM calendar_day"
	" WHERE day BETWEEN ? AND ? ORDER BY day";

static void day_from_row(struct db_stmt *st, struct calendar_day_row *d)
{
	d->day = db_column_text(st, 0);
	d->kind = db_column_text(st, 1);
	d->note = db_column_text(st, 2);
	d->source = db_column_text(st, 3);
}

DB_VISITOR(day, store_calendar_day_cb, struct calendar_day_row, day_from_row)

/* Every row of a prepared day query to cb (see db_each()). */
static int each_day(struct db_stmt *st, store_calendar_day_cb cb, void *ctx,
		    struct ug_error *err)
{
	struct calendar_day_row d;

	return db_each(st, day_visit, &(struct day_visit){ cb, ctx, &d }, err);
}

int store_calendar_days(struct db *db, store_calendar_day_cb cb, void *ctx,
			struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_DAYS, &st, err)))
		return rc;
	return each_day(st, cb, ctx, err);
}

int store_calendar_days_between(struct db *db, const char *from,
				const char *to, store_calendar_day_cb cb,
				void *ctx, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	/* Dates as YYYY-MM-DD compare as text in date order. */
	if ((rc = db_prepare_args(db, SQL_DAYS_BETWEEN,
				  DB_ARGS(DB_TEXT(from), DB_TEXT(to)), &st,
				  err)))
		return rc;
	return each_day(st, cb, ctx, err);
}

static const char SQL_YEAR_SET[] =
	"INSERT INTO calendar_year (year, source, marked_by, marked_at)"
	" VALUES (?, ?, ?, ?) ON CONFLICT (year) DO NOTHING";

int store_calendar_year_set(struct db *db, const struct calendar_year_row *y,
			    struct ug_error *err)
{
	return db_run(db, SQL_YEAR_SET,
		      DB_ARGS(DB_INT(y->year), DB_TEXT(y->source),
			      DB_TEXT(y->marked_by), DB_INT(y->marked_at)),
		      err);
}

static const char SQL_YEARS[] =
	"SELECT year, source, marked_by, marked_at FROM calendar_year"
	" ORDER BY year";

static void year_from_row(struct db_stmt *st, struct calendar_year_row *y)
{
	y->year = (int)db_column_int64(st, 0);
	y->source = db_column_text(st, 1);
	y->marked_by = db_column_text(st, 2);
	y->marked_at = db_column_int64(st, 3);
}

DB_VISITOR(year, store_calendar_year_cb, struct calendar_year_row,
	   year_from_row)

int store_calendar_years(struct db *db, store_calendar_year_cb cb, void *ctx,
			 struct ug_error *err)
{
	struct calendar_year_row y;

	return db_list(db, SQL_YEARS, DB_NOARGS, year_visit,
		       &(struct year_visit){ cb, ctx, &y }, err);
}

static const char SQL_SETTING_GET[] =
	"SELECT value FROM calendar_setting WHERE key = ?";

int store_calendar_setting_get(struct db *db, const char *key, char *out,
			       size_t size, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_SETTING_GET, DB_ARGS(DB_TEXT(key)), &st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, key, "calendar setting %s is "
						       "not set", key);
	snprintf(out, size, "%s", db_column_text(st, 0));
	db_reset(st);
	return 0;
}

static const char SQL_SETTING_SET[] =
	"INSERT INTO calendar_setting (key, value) VALUES (?, ?)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";

int store_calendar_setting_set(struct db *db, const char *key,
			       const char *value, struct ug_error *err)
{
	return db_run(db, SQL_SETTING_SET,
		      DB_ARGS(DB_TEXT(key), DB_TEXT(value)), err);
}

static const char SQL_REV_NEXT[] =
	"UPDATE calendar_rev SET value = value + 1 WHERE name = 'calendar'"
	" RETURNING value";
static const char SQL_REV[] =
	"SELECT value FROM calendar_rev WHERE name = 'calendar'";

int store_calendar_next_rev(struct db *db, int64_t *rev, struct ug_error *err)
{
	return db_query_int64(db, SQL_REV_NEXT, rev, err);
}

int store_calendar_rev(struct db *db, int64_t *rev, struct ug_error *err)
{
	return db_query_int64(db, SQL_REV, rev, err);
}
