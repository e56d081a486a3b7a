/*
 * routing.c - SQL for dispatch routing rules and for finding the
 * department that serves a place (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "store/org/org.h"
#include "store/cases/cases.h"


static void rule_from_row(struct db_stmt *st, struct routing_rule *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_column_int64(st, 0);
	UG_COPY(r->category, db_column_text(st, 1));
	UG_COPY(r->area, db_column_text(st, 2));
	UG_COPY(r->department, db_column_text(st, 3));
	r->priority = (int)db_column_int64(st, 4);
}

static const char SQL_ROUTING_INSERT[] =
	"INSERT INTO routing_rule (category, area, department, priority,"
	" created_at) VALUES (?, ?, ?, ?, ?) RETURNING id";

int store_routing_insert(struct db *db, struct routing_rule *r, int64_t now,
			 struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_ROUTING_INSERT,
		    DB_ARGS(DB_OPT_TEXT(r->category), DB_OPT_TEXT(r->area),
			    DB_TEXT(r->department), DB_INT(r->priority),
			    DB_INT(now)), &st, err);
	if (rc == -UG_ECONFLICT)
		return ug_fail(err, UG_EINVAL, "department",
			       "unknown category or department");
	if (rc < 0)
		return rc;
	r->id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

static const char SQL_ROUTING_GET[] =
	"SELECT id, category, area, department, priority FROM routing_rule"
	" WHERE id = ?";

int store_routing_get(struct db *db, int64_t id, struct routing_rule *r,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_id(db, SQL_ROUTING_GET, id, "routing rule", &st,
			       err)))
		return rc;
	rule_from_row(st, r);
	db_reset(st);
	return 0;
}

static const char SQL_ROUTING_DELETE[] = "DELETE FROM routing_rule WHERE id = ?";

int store_routing_delete(struct db *db, int64_t id, struct ug_error *err)
{
	return db_run_changed(db, SQL_ROUTING_DELETE, DB_ARGS(DB_INT(id)),
			      "routing rule", id, err);
}

DB_VISITOR(routing, store_routing_cb, struct routing_rule, rule_from_row)

static const char SQL_ROUTING_LIST[] =
	"SELECT id, category, area, department, priority FROM routing_rule"
	" ORDER BY id";

int store_routing_list(struct db *db, store_routing_cb cb, void *ctx,
		       struct ug_error *err)
{
	struct routing_rule r;

	return db_list(db, SQL_ROUTING_LIST, DB_NOARGS, routing_visit,
		       &(struct routing_visit){ cb, ctx, &r }, err);
}

/* Area levels are ranked by their position in the list (0 = most
 * specific); a rule for any area ranks last. */
#define AREA_RANK(col)                                                   \
	" CASE " col " WHEN ? THEN 0 WHEN ? THEN 1 WHEN ? THEN 2"         \
	" WHEN ? THEN 3 WHEN ? THEN 4 ELSE 5 END"
#define AREA_IN(col) " " col " IN (?, ?, ?, ?, ?)"

static int bind_areas(struct db_stmt *st, int i,
		      const char areas[AREA_LEVELS][CODE_MAX + 1],
		      struct ug_error *err)
{
	int rc;

	for (int k = 0; k < AREA_LEVELS; k++)
		if ((rc = db_bind_text(st, i + k, areas[k], err)))
			return rc;
	return 0;
}

static const char SQL_ROUTING_MATCH[] =
	"SELECT id, category, area, department, priority FROM routing_rule"
	" WHERE department IN (SELECT code FROM department WHERE disabled = 0)"
	" AND (category IS NULL OR category = ?)"
	" AND (area IS NULL OR" AREA_IN("area") ")"
	" ORDER BY" AREA_RANK("area") ","
	" CASE WHEN category IS NULL THEN 0 ELSE 1 END DESC,"
	" priority DESC, id LIMIT 1";

int store_routing_match(struct db *db, const char *category,
			const char areas[AREA_LEVELS][CODE_MAX + 1],
			struct routing_rule *r, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_ROUTING_MATCH, &st, err)) ||
	    (rc = db_bind_text(st, 1, category, err)) ||
	    (rc = bind_areas(st, 2, areas, err)) ||
	    (rc = bind_areas(st, 7, areas, err)))
		return rc;
	rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, NULL, "no routing rule");
	rule_from_row(st, r);
	db_reset(st);
	return 0;
}

static const char SQL_DEPARTMENT_SERVING[] =
	"SELECT d.code, d.name, d.kind, d.type, d.parent, d.disabled"
	" FROM department d JOIN department_area a ON a.department = d.code"
	" WHERE d.disabled = 0 AND d.kind = ? AND (? = '' OR d.type = ?)"
	" AND" AREA_IN("a.division")
	" ORDER BY" AREA_RANK("a.division") ", d.code LIMIT 1";

int store_department_serving(struct db *db, const char *kind,
			     const char *type,
			     const char areas[AREA_LEVELS][CODE_MAX + 1],
			     struct department *d, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_DEPARTMENT_SERVING, &st, err)) ||
	    (rc = db_bind_text(st, 1, kind, err)) ||
	    (rc = db_bind_text(st, 2, type ? type : "", err)) ||
	    (rc = db_bind_text(st, 3, type ? type : "", err)) ||
	    (rc = bind_areas(st, 4, areas, err)) ||
	    (rc = bind_areas(st, 9, areas, err)))
		return rc;
	rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, NULL,
			       "no %s department serves %s", kind, areas[0]);
	store_department_row(st, d);
	db_reset(st);
	return 0;
}

static const char SQL_ROUTING_COUNT_DEPARTMENT[] =
	"SELECT COUNT(*) FROM routing_rule WHERE department = ?";

int store_routing_count_department(struct db *db, const char *department,
				   int64_t *n, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_ROUTING_COUNT_DEPARTMENT,
		    DB_ARGS(DB_TEXT(department)), &st, err);
	if (rc < 0)
		return rc;
	*n = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}
