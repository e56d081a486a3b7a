/*
 * org.c - SQL for the organisation: administrative divisions and
 * departments (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "store/cached.h"
#include "store/org/org.h"


static void division_from_row(struct db_stmt *st, struct division *d)
{
	memset(d, 0, sizeof *d);
	UG_COPY(d->code, db_column_text(st, 0));
	UG_COPY(d->name, db_column_text(st, 1));
	UG_COPY(d->level, db_column_text(st, 2));
	UG_COPY(d->parent, db_column_text(st, 3));
}

static const char SQL_DIVISION_EXISTS[] =
	"SELECT name, level, parent FROM division WHERE code = ?";
static const char SQL_DIVISION_UPSERT[] =
	"INSERT INTO division (code, name, level, parent, updated_at)"
	" VALUES (?, ?, ?, ?, ?)"
	" ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
	" level = excluded.level, parent = excluded.parent,"
	" updated_at = excluded.updated_at";

int store_division_upsert(struct db *db, const struct division *d,
			  int64_t now, int *inserted, struct ug_error *err)
{
	struct db_stmt *st;
	int rc, exists;

	if ((rc = db_prepare_args(db, SQL_DIVISION_EXISTS,
				  DB_ARGS(DB_TEXT(d->code)), &st, err)))
		return rc;
	if ((exists = db_step(st, err)) < 0)
		return exists;
	db_reset(st);
	rc = db_row(db, SQL_DIVISION_UPSERT,
		    DB_ARGS(DB_TEXT(d->code), DB_TEXT(d->name),
			    DB_TEXT(d->level), DB_OPT_TEXT(d->parent),
			    DB_INT(now)), &st, err);
	if (rc < 0)
		return rc;
	if (inserted)
		*inserted = exists == DB_DONE;
	return 0;
}

static const char SQL_DIVISION_GET[] =
	"SELECT code, name, level, parent FROM division WHERE code = ?";

static int division_read(struct db *db, const void *code, void *d,
			 struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_DIVISION_GET, code, "code",
				"division with code", &st, err)))
		return rc;
	division_from_row(st, d);
	db_reset(st);
	return 0;
}

int store_division_get(struct db *db, const char *code, struct division *d,
		       struct ug_error *err)
{
	return store_cached(db, CACHED_DIVISION, code, d, sizeof *d,
			    division_read, code, err);
}

static const char SQL_DIVISION_CHILDREN[] =
	"SELECT code, name, level, parent FROM division WHERE parent = ?"
	" ORDER BY code";

DB_VISITOR(division, store_division_cb, struct division, division_from_row)

int store_division_children(struct db *db, const char *code,
			    store_division_cb cb, void *ctx,
			    struct ug_error *err)
{
	struct division d;

	return db_list(db, SQL_DIVISION_CHILDREN, DB_ARGS(DB_TEXT(code)),
		       division_visit, &(struct division_visit){ cb, ctx, &d },
		       err);
}

static const char SQL_DIVISION_COUNT[] =
	"SELECT COUNT(*) FROM division WHERE level = ?";

int store_division_count(struct db *db, const char *level, int64_t *n,
			 struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_DIVISION_COUNT, DB_ARGS(DB_TEXT(level)), &st, err);
	if (rc < 0)
		return rc;
	*n = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

/* ---- departments --------------------------------------------------- */

static const char SQL_DEPARTMENT_UPSERT[] =
	"INSERT INTO department (code, name, kind, type, parent, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
	" kind = excluded.kind, type = excluded.type, parent = excluded.parent";

int store_department_upsert(struct db *db, const struct department *d,
			    int64_t now, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_DEPARTMENT_UPSERT,
		    DB_ARGS(DB_TEXT(d->code), DB_TEXT(d->name),
			    DB_TEXT(d->kind), DB_TEXT(d->type),
			    DB_OPT_TEXT(d->parent), DB_INT(now)), &st, err);
	if (rc == -UG_ECONFLICT)
		return ug_fail(err, UG_ECONFLICT, "parent",
			       "parent department %s does not exist", d->parent);
	return rc < 0 ? rc : 0;
}

static const char SQL_DEPARTMENT_ADD_AREA[] =
	"INSERT INTO department_area (department, division) VALUES (?, ?)"
	" ON CONFLICT (department, division) DO NOTHING";

int store_department_add_area(struct db *db, const char *department,
			      const char *division, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_DEPARTMENT_ADD_AREA,
		    DB_ARGS(DB_TEXT(department), DB_TEXT(division)), &st, err);
	if (rc == -UG_ECONFLICT)
		return ug_fail(err, UG_ECONFLICT, "areas",
			       "department %s or division %s does not exist",
			       department, division);
	return rc < 0 ? rc : 0;
}

void store_department_row(struct db_stmt *st, struct department *d)
{
	memset(d, 0, sizeof *d);
	UG_COPY(d->code, db_column_text(st, 0));
	UG_COPY(d->name, db_column_text(st, 1));
	UG_COPY(d->kind, db_column_text(st, 2));
	UG_COPY(d->type, db_column_text(st, 3));
	UG_COPY(d->parent, db_column_text(st, 4));
	d->disabled = (int)db_column_int64(st, 5);
}

static const char SQL_DEPARTMENT_GET[] =
	"SELECT code, name, kind, type, parent, disabled FROM department"
	" WHERE code = ?";

static int department_read(struct db *db, const void *code, void *d,
			   struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_DEPARTMENT_GET, code, "code",
				"department with code", &st, err)))
		return rc;
	store_department_row(st, d);
	db_reset(st);
	return 0;
}

/* Kept in memory (store/cached.h): Open311's lists name the department
 * of every case and of every dispatch in its notes. */
int store_department_get(struct db *db, const char *code,
			 struct department *d, struct ug_error *err)
{
	return store_cached(db, CACHED_DEPARTMENT, code, d, sizeof *d,
			    department_read, code, err);
}

static const char SQL_DEPARTMENT_DISABLE[] =
	"UPDATE department SET disabled = ? WHERE code = ? RETURNING code";

int store_department_set_disabled(struct db *db, const char *code,
				  int disabled, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_DEPARTMENT_DISABLE,
		    DB_ARGS(DB_INT(disabled ? 1 : 0), DB_TEXT(code)), &st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "code",
			       "no department with code %s", code);
	db_reset(st);
	return 0;
}

static const char SQL_DEPARTMENT_CLEAR_AREAS[] =
	"DELETE FROM department_area WHERE department = ?";

int store_department_clear_areas(struct db *db, const char *code,
				 struct ug_error *err)
{
	return db_run_key(db, SQL_DEPARTMENT_CLEAR_AREAS, code, err);
}

/* Areas are aggregated in a second, ordered statement rather than with
 * group_concat()/string_agg(), whose names differ between engines. */
static const char SQL_DEPARTMENT_LIST[] =
	"SELECT code, name, kind, type, parent, disabled FROM department"
	" ORDER BY code";
static const char SQL_DEPARTMENT_AREAS[] =
	"SELECT division FROM department_area WHERE department = ?"
	" ORDER BY division";

int store_department_list(struct db *db, store_department_cb cb, void *ctx,
			  struct ug_error *err)
{
	struct db_stmt *st, *areas;
	struct department d;
	struct buf list = BUF_INIT;
	int rc;

	if ((rc = db_prepare(db, SQL_DEPARTMENT_LIST, &st, err)))
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		store_department_row(st, &d);
		buf_reset(&list);
		if ((rc = db_prepare(db, SQL_DEPARTMENT_AREAS, &areas, err)) ||
		    (rc = db_bind_text(areas, 1, d.code, err)))
			break;
		while ((rc = db_step(areas, err)) == DB_ROW) {
			if (list.len)
				buf_putc(&list, ',');
			buf_puts(&list, db_column_text(areas, 0));
		}
		if (rc < 0)
			break;
		if ((rc = cb(ctx, &d, buf_str(&list))) != 0)
			break;
	}
	db_reset(st);
	buf_free(&list);
	return rc < 0 ? rc : (rc == DB_DONE ? 0 : rc);
}

static const char SQL_UNIT_LOOKUP[] =
	"SELECT 'division', name FROM division WHERE code = ?"
	" UNION ALL SELECT 'department', name FROM department WHERE code = ?";

int store_unit_lookup(struct db *db, const char *code, char kind[16],
		      char name[NAME_MAX_BYTES + 1], struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_UNIT_LOOKUP, DB_ARGS(DB_TEXT(code), DB_TEXT(code)),
		    &st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "unit",
			       "no division or department with code %s", code);
	snprintf(kind, 16, "%s", db_column_text(st, 0));
	snprintf(name, NAME_MAX_BYTES + 1, "%s", db_column_text(st, 1));
	db_reset(st);
	return 0;
}
