/*
 * categories.c - SQL for the classification (大类/小类) and the versioned
 * filing standards with their stage limits (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "store/cached.h"
#include "store/cases/cases.h"


static const char SQL_MAJOR_UPSERT[] =
	"INSERT INTO category_major (code, kind, name) VALUES (?, ?, ?)"
	" ON CONFLICT (code) DO UPDATE SET kind = excluded.kind,"
	" name = excluded.name";

int store_category_major_upsert(struct db *db, const char *code,
				const char *kind, const char *name,
				struct ug_error *err)
{
	return db_run(db, SQL_MAJOR_UPSERT,
		      DB_ARGS(DB_TEXT(code), DB_TEXT(kind), DB_TEXT(name)),
		      err);
}

static const char SQL_MAJOR_GET[] =
	"SELECT kind, name FROM category_major WHERE code = ?";

struct major {
	char kind[16];
	char name[NAME_MAX_BYTES + 1];
};

static int major_read(struct db *db, const void *code, void *out,
		      struct ug_error *err)
{
	struct major *m = out;
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_MAJOR_GET, code, "major",
				"major class", &st, err)))
		return rc;
	UG_COPY(m->kind, db_column_text(st, 0));
	UG_COPY(m->name, db_column_text(st, 1));
	db_reset(st);
	return 0;
}

/* Kept in memory (store/cached.h): Open311 names every case's group. */
int store_category_major_get(struct db *db, const char *code, char kind[16],
			     char name[NAME_MAX_BYTES + 1],
			     struct ug_error *err)
{
	struct major m;
	int rc = store_cached(db, CACHED_MAJOR, code, &m, sizeof m, major_read,
			      code, err);

	if (rc == 0) {
		memcpy(kind, m.kind, sizeof m.kind);
		memcpy(name, m.name, sizeof m.name);
	}
	return rc;
}

static const char SQL_CATEGORY_UPSERT[] =
	"INSERT INTO category (code, major, name, standard, public, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (code) DO UPDATE SET name = excluded.name";

int store_category_upsert(struct db *db, const struct category *c,
			  int64_t now, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_CATEGORY_UPSERT,
		    DB_ARGS(DB_TEXT(c->code), DB_TEXT(c->major),
			    DB_TEXT(c->name), DB_INT(c->standard),
			    DB_INT(c->public_), DB_INT(now)), &st, err);
	if (rc == -UG_ECONFLICT)
		return ug_fail(err, UG_EINVAL, "major", "no major class %s",
			       c->major);
	return rc < 0 ? rc : 0;
}

#define CATEGORY_SELECT                                                 \
	"SELECT c.code, c.major, m.name, m.kind, c.name, c.standard,"   \
	" c.public, c.name_en, m.name_en FROM category c"               \
	" JOIN category_major m ON m.code = c.major"

static void category_from_row(struct db_stmt *st, struct category *c)
{
	memset(c, 0, sizeof *c);
	UG_COPY(c->code, db_column_text(st, 0));
	UG_COPY(c->major, db_column_text(st, 1));
	UG_COPY(c->major_name, db_column_text(st, 2));
	UG_COPY(c->kind, db_column_text(st, 3));
	UG_COPY(c->name, db_column_text(st, 4));
	c->standard = (int)db_column_int64(st, 5);
	c->public_ = (int)db_column_int64(st, 6);
	UG_COPY(c->name_en, db_column_text(st, 7));
	UG_COPY(c->major_name_en, db_column_text(st, 8));
}

static const char SQL_MINOR_NAME_EN[] =
	"UPDATE category SET name_en = ? WHERE code = ?";
static const char SQL_MAJOR_NAME_EN[] =
	"UPDATE category_major SET name_en = ? WHERE code = ?";

int store_category_set_name_en(struct db *db, const char *code,
			       const char *name_en, struct ug_error *err)
{
	const char *sql[2] = { SQL_MINOR_NAME_EN, SQL_MAJOR_NAME_EN };
	int64_t changed = 0;

	for (int i = 0; i < 2; i++) {
		struct db_stmt *st;
		int rc;

		if ((rc = db_prepare(db, sql[i], &st, err)) ||
		    (rc = db_bind_text(st, 1, name_en, err)) ||
		    (rc = db_bind_text(st, 2, code, err)) ||
		    (rc = db_step(st, err)) < 0)
			return rc;
		changed += db_changes(db);
	}
	if (!changed)
		return ug_fail(err, UG_ENOTFOUND, "code", "no class %s", code);
	return 0;
}

static const char SQL_SET_PUBLIC[] =
	"UPDATE category SET public = ? WHERE code = ?";

int store_category_set_public(struct db *db, const char *code, int public_,
			      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_SET_PUBLIC, &st, err)) ||
	    (rc = db_bind_int64(st, 1, public_ ? 1 : 0, err)) ||
	    (rc = db_bind_text(st, 2, code, err)) ||
	    (rc = db_step(st, err)) < 0)
		return rc;
	if (db_changes(db) == 0)
		return ug_fail(err, UG_ENOTFOUND, "code", "no category %s",
			       code);
	return 0;
}

/* The name and the public flag as the admin set them. */
static const char SQL_CATEGORY_EDIT[] =
	"UPDATE category SET name = ?, public = ? WHERE code = ?";

int store_category_edit(struct db *db, const struct category *c,
			struct ug_error *err)
{
	int rc = db_run(db, SQL_CATEGORY_EDIT,
			DB_ARGS(DB_TEXT(c->name), DB_INT(c->public_ ? 1 : 0),
				DB_TEXT(c->code)), err);

	if (rc == 0 && db_changes(db) == 0)
		return ug_fail(err, UG_ENOTFOUND, "code", "no category %s",
			       c->code);
	return rc;
}

static const char SQL_CATEGORY_GET[] = CATEGORY_SELECT " WHERE c.code = ?";

static int category_read(struct db *db, const void *code, void *c,
			 struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_CATEGORY_GET, code, "category",
				"category with code", &st, err)))
		return rc;
	category_from_row(st, c);
	db_reset(st);
	return 0;
}

int store_category_get(struct db *db, const char *code, struct category *c,
		       struct ug_error *err)
{
	return store_cached(db, CACHED_CATEGORY, code, c, sizeof *c,
			    category_read, code, err);
}

static const char SQL_CATEGORY_LIST[] = CATEGORY_SELECT " ORDER BY c.code";

DB_VISITOR(category, store_category_cb, struct category, category_from_row)

int store_category_list(struct db *db, store_category_cb cb, void *ctx,
			struct ug_error *err)
{
	struct category c;

	return db_list(db, SQL_CATEGORY_LIST, DB_NOARGS, category_visit,
		       &(struct category_visit){ cb, ctx, &c }, err);
}

#define STANDARD_SELECT                                                      \
	"SELECT id, category, version, filing_condition, closing_condition," \
	" department_type, created_at, created_by FROM case_standard"

static void standard_from_row(struct db_stmt *st, struct case_standard *s)
{
	memset(s, 0, sizeof *s);
	s->id = db_column_int64(st, 0);
	UG_COPY(s->category, db_column_text(st, 1));
	s->version = (int)db_column_int64(st, 2);
	UG_COPY(s->filing_condition, db_column_text(st, 3));
	UG_COPY(s->closing_condition, db_column_text(st, 4));
	UG_COPY(s->department_type, db_column_text(st, 5));
	s->created_at = db_column_int64(st, 6);
	UG_COPY(s->created_by, db_column_text(st, 7));
}

static const char SQL_STANDARD_CURRENT[] =
	STANDARD_SELECT " WHERE category = ? ORDER BY version DESC LIMIT 1";
static const char SQL_STANDARD_BY_ID[] = STANDARD_SELECT " WHERE id = ?";

static int standard_one(struct db *db, const char *sql, const char *code,
			int64_t id, struct case_standard *s,
			struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, sql, &st, err)))
		return rc;
	rc = code ? db_bind_text(st, 1, code, err)
		  : db_bind_int64(st, 1, id, err);
	if (rc)
		return rc;
	rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "category",
			       "no filing standard for %s",
			       code ? code : "that id");
	standard_from_row(st, s);
	db_reset(st);
	return 0;
}

static int standard_current_read(struct db *db, const void *category,
				 void *s, struct ug_error *err)
{
	return standard_one(db, SQL_STANDARD_CURRENT, category, 0, s, err);
}

int store_standard_current(struct db *db, const char *category,
			   struct case_standard *s, struct ug_error *err)
{
	return store_cached(db, CACHED_STANDARD, category, s, sizeof *s,
			    standard_current_read, category, err);
}

int store_standard_by_id(struct db *db, int64_t id, struct case_standard *s,
			 struct ug_error *err)
{
	return standard_one(db, SQL_STANDARD_BY_ID, NULL, id, s, err);
}

static const char SQL_STANDARD_INSERT[] =
	"INSERT INTO case_standard (category, version, filing_condition,"
	" closing_condition, department_type, created_at, created_by)"
	" SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ?"
	" FROM case_standard WHERE category = ? RETURNING id, version";

int store_standard_insert(struct db *db, struct case_standard *s,
			  struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_STANDARD_INSERT,
		    DB_ARGS(DB_TEXT(s->category), DB_TEXT(s->filing_condition),
			    DB_TEXT(s->closing_condition),
			    DB_TEXT(s->department_type), DB_INT(s->created_at),
			    DB_TEXT(s->created_by), DB_TEXT(s->category)), &st,
		    err);
	if (rc < 0)
		return rc;
	s->id = db_column_int64(st, 0);
	s->version = (int)db_column_int64(st, 1);
	db_reset(st);
	return 0;
}

static const char SQL_LIMIT_INSERT[] =
	"INSERT INTO case_standard_limit (standard_id, urgency, stage, amount,"
	" unit) VALUES (?, ?, ?, ?, ?)";

int store_standard_limit_insert(struct db *db, int64_t standard_id,
				const struct stage_limit_row *l,
				struct ug_error *err)
{
	return db_run(db, SQL_LIMIT_INSERT,
		      DB_ARGS(DB_INT(standard_id), DB_TEXT(l->urgency),
			      DB_TEXT(l->stage), DB_INT(l->amount),
			      DB_TEXT(l->unit)), err);
}

static const char SQL_LIMITS[] =
	"SELECT urgency, stage, amount, unit FROM case_standard_limit"
	" WHERE standard_id = ? ORDER BY urgency, stage";

static void limit_from_row(struct db_stmt *st, struct stage_limit_row *l)
{
	memset(l, 0, sizeof *l);
	UG_COPY(l->urgency, db_column_text(st, 0));
	UG_COPY(l->stage, db_column_text(st, 1));
	l->amount = db_column_int64(st, 2);
	UG_COPY(l->unit, db_column_text(st, 3));
}

DB_VISITOR(limit, store_limit_cb, struct stage_limit_row, limit_from_row)

int store_standard_limits(struct db *db, int64_t standard_id,
			  store_limit_cb cb, void *ctx, struct ug_error *err)
{
	struct stage_limit_row l;

	return db_list(db, SQL_LIMITS, DB_ARGS(DB_INT(standard_id)),
		       limit_visit, &(struct limit_visit){ cb, ctx, &l }, err);
}
