/*
 * spatial.c - SQL for unit grids and the components census (see store.h).
 * Geometry travels as WKB bytes with a bounding box; the domain decodes
 * it (lib/shape.h).  Every write carries a revision from spatial_rev so
 * that running servers can catch up without a restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "store/spatial/spatial.h"


static const char SQL_REV_NEXT[] =
	"UPDATE spatial_rev SET value = value + 1 WHERE name = 'spatial'"
	" RETURNING value";

int store_spatial_next_rev(struct db *db, int64_t *rev, struct ug_error *err)
{
	return db_query_int64(db, SQL_REV_NEXT, rev, err);
}

int store_spatial_rev(struct db *db, int64_t *rev, struct ug_error *err)
{
	return db_query_int64(
		db, "SELECT value FROM spatial_rev WHERE name = 'spatial'", rev,
		err);
}

/* ---- grids ----------------------------------------------------------- */

#define GRID_COLUMNS                                                      \
	"code, community, street, district, wkb, min_lon, min_lat, max_lon," \
	" max_lat, area_m2, points, source, deleted, rev, updated_at"

static void grid_from_row(struct db_stmt *st, struct grid_row *g)
{
	memset(g, 0, sizeof *g);
	UG_COPY(g->code, db_column_text(st, 0));
	UG_COPY(g->community, db_column_text(st, 1));
	UG_COPY(g->street, db_column_text(st, 2));
	UG_COPY(g->district, db_column_text(st, 3));
	g->wkb = db_column_blob(st, 4, &g->wkb_len);
	g->min_lon = db_column_double(st, 5);
	g->min_lat = db_column_double(st, 6);
	g->max_lon = db_column_double(st, 7);
	g->max_lat = db_column_double(st, 8);
	g->area_m2 = db_column_double(st, 9);
	g->points = db_column_int64(st, 10);
	UG_COPY(g->source, db_column_text(st, 11));
	g->deleted = (int)db_column_int64(st, 12);
	g->rev = db_column_int64(st, 13);
	g->updated_at = db_column_int64(st, 14);
}

DB_VISITOR(grid, store_grid_cb, struct grid_row, grid_from_row)

/* Every row of a prepared grid query, to cb (see db_each()). */
static int each_grid(struct db_stmt *st, store_grid_cb cb, void *ctx,
		     struct ug_error *err)
{
	struct grid_row g;

	return db_each(st, grid_visit, &(struct grid_visit){ cb, ctx, &g }, err);
}

static const char SQL_GRID_UPSERT[] =
	"INSERT INTO grid (" GRID_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
	" ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (code) DO UPDATE SET"
	" community = excluded.community, street = excluded.street,"
	" district = excluded.district, wkb = excluded.wkb,"
	" min_lon = excluded.min_lon, min_lat = excluded.min_lat,"
	" max_lon = excluded.max_lon, max_lat = excluded.max_lat,"
	" area_m2 = excluded.area_m2, points = excluded.points,"
	" source = excluded.source, deleted = 0, rev = excluded.rev,"
	" updated_at = excluded.updated_at";

int store_grid_upsert(struct db *db, const struct grid_row *g,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_GRID_UPSERT, &st, err)) ||
	    (rc = db_bind_text(st, 1, g->code, err)) ||
	    (rc = db_bind_text(st, 2, g->community, err)) ||
	    (rc = db_bind_text(st, 3, g->street, err)) ||
	    (rc = db_bind_text(st, 4, g->district, err)) ||
	    (rc = db_bind_blob(st, 5, g->wkb, g->wkb_len, err)) ||
	    (rc = db_bind_double(st, 6, g->min_lon, err)) ||
	    (rc = db_bind_double(st, 7, g->min_lat, err)) ||
	    (rc = db_bind_double(st, 8, g->max_lon, err)) ||
	    (rc = db_bind_double(st, 9, g->max_lat, err)) ||
	    (rc = db_bind_double(st, 10, g->area_m2, err)) ||
	    (rc = db_bind_int64(st, 11, g->points, err)) ||
	    (rc = db_bind_text(st, 12, g->source, err)) ||
	    (rc = db_bind_int64(st, 13, g->rev, err)) ||
	    (rc = db_bind_int64(st, 14, g->updated_at, err)))
		return rc;
	rc = db_step(st, err);
	return rc < 0 ? rc : 0;
}

static const char SQL_GRID_DELETE[] =
	"UPDATE grid SET deleted = 1, rev = ?, updated_at = ?"
	" WHERE code = ? AND deleted = 0";

int store_grid_delete(struct db *db, const char *code, int64_t rev,
		      int64_t now, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_GRID_DELETE,
		    DB_ARGS(DB_INT(rev), DB_INT(now), DB_TEXT(code)), &st, err);
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return ug_fail(err, UG_ENOTFOUND, "code", "no grid %s", code);
	return 0;
}


int store_grid_exists(struct db *db, const char *code, struct ug_error *err)
{
	return db_row_exists(db,
			     "SELECT 1 FROM grid WHERE code = ? AND deleted = 0",
			     code, err);
}

static const char SQL_GRIDS_SINCE[] =
	"SELECT " GRID_COLUMNS " FROM grid WHERE rev > ? ORDER BY rev";

int store_grids_since(struct db *db, int64_t since, store_grid_cb cb,
		      void *ctx, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_GRIDS_SINCE, DB_ARGS(DB_INT(since)),
				  &st, err)))
		return rc;
	return each_grid(st, cb, ctx, err);
}

/* grid_bbox (min_lon, max_lon) narrows by longitude; latitude is
 * filtered on the rows it yields. */
static const char SQL_GRIDS_BBOX[] =
	"SELECT " GRID_COLUMNS " FROM grid WHERE deleted = 0"
	" AND min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?"
	" ORDER BY code LIMIT ?";

int store_grids_in_bbox(struct db *db, double min_lon, double min_lat,
			double max_lon, double max_lat, int64_t limit,
			store_grid_cb cb, void *ctx, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_GRIDS_BBOX,
				  DB_ARGS(DB_REAL(max_lon), DB_REAL(min_lon),
					  DB_REAL(max_lat), DB_REAL(min_lat),
					  DB_INT(limit + 1)), &st, err)))
		return rc;
	return each_grid(st, cb, ctx, err);
}

static const char SQL_GRIDS_OF_COMMUNITY[] =
	"SELECT " GRID_COLUMNS " FROM grid WHERE community = ? AND deleted = 0"
	" ORDER BY code";

int store_grids_of_community(struct db *db, const char *community,
			     store_grid_cb cb, void *ctx,
			     struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_GRIDS_OF_COMMUNITY,
				  DB_ARGS(DB_TEXT(community)), &st, err)))
		return rc;
	return each_grid(st, cb, ctx, err);
}

int store_grid_count(struct db *db, int64_t *n, struct ug_error *err)
{
	return db_query_int64(db, "SELECT COUNT(*) FROM grid WHERE deleted = 0",
			      n, err);
}

/* ---- components ------------------------------------------------------ */

#define COMPONENT_COLUMNS                                                 \
	"code, class, name, lon, lat, grid, status, owner, maintainer,"    \
	" installed_on, address, deleted, rev, updated_at"

static void component_from_row(struct db_stmt *st, struct component_row *c)
{
	memset(c, 0, sizeof *c);
	UG_COPY(c->code, db_column_text(st, 0));
	UG_COPY(c->klass, db_column_text(st, 1));
	UG_COPY(c->name, db_column_text(st, 2));
	c->lon = db_column_double(st, 3);
	c->lat = db_column_double(st, 4);
	UG_COPY(c->grid, db_column_text(st, 5));
	UG_COPY(c->status, db_column_text(st, 6));
	UG_COPY(c->owner, db_column_text(st, 7));
	UG_COPY(c->maintainer, db_column_text(st, 8));
	UG_COPY(c->installed_on, db_column_text(st, 9));
	UG_COPY(c->address, db_column_text(st, 10));
	c->deleted = (int)db_column_int64(st, 11);
	c->rev = db_column_int64(st, 12);
	c->updated_at = db_column_int64(st, 13);
}

static const char SQL_COMPONENT_UPSERT[] =
	"INSERT INTO component (" COMPONENT_COLUMNS ") VALUES (?, ?, ?, ?, ?,"
	" ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (code) DO UPDATE SET"
	" class = excluded.class, name = excluded.name, lon = excluded.lon,"
	" lat = excluded.lat, grid = excluded.grid, status = excluded.status,"
	" owner = excluded.owner, maintainer = excluded.maintainer,"
	" installed_on = excluded.installed_on, address = excluded.address,"
	" deleted = 0, rev = excluded.rev, updated_at = excluded.updated_at";

int store_component_upsert(struct db *db, const struct component_row *c,
			   struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_COMPONENT_UPSERT, &st, err)) ||
	    (rc = db_bind_text(st, 1, c->code, err)) ||
	    (rc = db_bind_text(st, 2, c->klass, err)) ||
	    (rc = db_bind_text(st, 3, c->name, err)) ||
	    (rc = db_bind_double(st, 4, c->lon, err)) ||
	    (rc = db_bind_double(st, 5, c->lat, err)) ||
	    (rc = (*c->grid ? db_bind_text(st, 6, c->grid, err)
			    : db_bind_null(st, 6, err))) ||
	    (rc = db_bind_text(st, 7, c->status, err)) ||
	    (rc = db_bind_text(st, 8, c->owner, err)) ||
	    (rc = db_bind_text(st, 9, c->maintainer, err)) ||
	    (rc = (*c->installed_on ? db_bind_text(st, 10, c->installed_on, err)
				    : db_bind_null(st, 10, err))) ||
	    (rc = db_bind_text(st, 11, c->address, err)) ||
	    (rc = db_bind_int64(st, 12, c->rev, err)) ||
	    (rc = db_bind_int64(st, 13, c->updated_at, err)))
		return rc;
	rc = db_step(st, err);
	return rc < 0 ? rc : 0;
}

int store_component_exists(struct db *db, const char *code,
			   struct ug_error *err)
{
	return db_row_exists(
		db, "SELECT 1 FROM component WHERE code = ? AND deleted = 0",
		code, err);
}

static const char SQL_COMPONENT_GET[] =
	"SELECT " COMPONENT_COLUMNS " FROM component WHERE code = ?"
	" AND deleted = 0";

int store_component_get(struct db *db, const char *code,
			struct component_row *c, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_COMPONENT_GET, code, "code",
				"component", &st, err)))
		return rc;
	component_from_row(st, c);
	db_reset(st);
	return 0;
}

DB_VISITOR(component, store_component_cb, struct component_row,
	   component_from_row)

static const char SQL_COMPONENTS_SINCE[] =
	"SELECT " COMPONENT_COLUMNS " FROM component WHERE rev > ?"
	" ORDER BY rev";

int store_components_since(struct db *db, int64_t since,
			   store_component_cb cb, void *ctx,
			   struct ug_error *err)
{
	struct component_row *c;
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare_args(db, SQL_COMPONENTS_SINCE,
				  DB_ARGS(DB_INT(since)), &st, err)))
		return rc;
	c = malloc(sizeof *c);
	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = db_each(st, component_visit, &(struct component_visit){ cb, ctx, c },
		     err);
	free(c);
	return rc;
}

int store_component_count(struct db *db, int64_t *n, struct ug_error *err)
{
	return db_query_int64(db,
			      "SELECT COUNT(*) FROM component WHERE deleted = 0",
			      n, err);
}

static const char SQL_GRID_EXTENT[] =
	"SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat)"
	" FROM grid WHERE deleted = 0";

int store_grid_extent(struct db *db, double box[4], struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_GRID_EXTENT, &st, err)) ||
	    (rc = db_step(st, err)) < 0)
		return rc;
	if (db_column_is_null(st, 0)) {
		db_reset(st);
		return ug_fail(err, UG_ENOTFOUND, NULL, "no grids yet");
	}
	for (int i = 0; i < 4; i++)
		box[i] = db_column_double(st, i);
	db_reset(st);
	return 0;
}
