/*
 * calendar.c - SQL for the working calendar: day overrides and settings
 * (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"

static const char SQL_DAY_UPSERT[] =
	"INSERT INTO calendar_day (day, kind, note) VALUES (?, ?, ?)"
	" ON CONFLICT (day) DO UPDATE SET kind = excluded.kind,"
	" note = excluded.note";

int store_calendar_day_upsert(struct db *db, const char *day, const char *kind,
			      const char *note, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_DAY_UPSERT, &st, err)) ||
	    (rc = db_bind_text(st, 1, day, err)) ||
	    (rc = db_bind_text(st, 2, kind, err)) ||
	    (rc = db_bind_text(st, 3, note ? note : "", err)))
		return rc;
	rc = db_step(st, err);
	return rc < 0 ? rc : 0;
}

static const char SQL_DAYS[] =
	"SELECT day, kind, note FROM calendar_day ORDER BY day";

int store_calendar_days(struct db *db, store_calendar_day_cb cb, void *ctx,
			struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_DAYS, &st, err)))
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = cb(ctx, db_column_text(st, 0), db_column_text(st, 1),
			     db_column_text(st, 2))) != 0) {
			db_reset(st);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

static const char SQL_SETTING_GET[] =
	"SELECT value FROM calendar_setting WHERE key = ?";

int store_calendar_setting_get(struct db *db, const char *key, char *out,
			       size_t size, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_SETTING_GET, &st, err)) ||
	    (rc = db_bind_text(st, 1, key, err)))
		return rc;
	rc = db_step(st, err);
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
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_SETTING_SET, &st, err)) ||
	    (rc = db_bind_text(st, 1, key, err)) ||
	    (rc = db_bind_text(st, 2, value, err)))
		return rc;
	rc = db_step(st, err);
	return rc < 0 ? rc : 0;
}
