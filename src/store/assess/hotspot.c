/*
 * hotspot.c - the weekly counts of cases per grid × category that hot
 * spots and rebounds read, and the labels of their answer (see
 * hotspot.h).  The counts are one GROUP BY over the covering index of
 * schema 0020.
 */
#include "store/assess/hotspot.h"

#include <stdio.h>
#include <string.h>

/* Weeks counted from ?1; a grid's code within [?3, ?4) (a prefix's
 * range: codes are digits and '\x7f' sorts after them).  The states are
 * case.h's: duplicates, rejected and voided reports are no problem of
 * the place.  A row per case, in the index's order: no GROUP BY, which
 * would sort them all (bench/README.md). */
#define COUNTS(category)                                                  \
	"SELECT grid, category, (created_at - ?1) / 604800 FROM case_file" \
	" WHERE created_at >= ?1 AND created_at < ?2 AND grid IS NOT NULL" \
	" AND grid >= ?3 AND grid < ?4" category                          \
	" AND state NOT IN ('merged', 'rejected', 'void')"
static const char SQL_COUNTS[] = COUNTS("");
static const char SQL_COUNTS_CATEGORY[] = COUNTS(" AND category = ?5");

static void count_decode(struct db_stmt *st, struct hotspot_count *c)
{
	c->grid = db_column_text(st, 0);
	c->category = db_column_text(st, 1);
	c->week = (int32_t)db_column_int64(st, 2);
	c->n = 1;
}

DB_VISITOR(count, store_hotspot_count_cb, struct hotspot_count, count_decode)

int store_hotspot_counts(struct db *db, const char *prefix,
			 const char *category, int64_t from, int weeks,
			 store_hotspot_count_cb cb, void *ctx,
			 struct ug_error *err)
{
	struct hotspot_count c;
	struct count_visit v = { cb, ctx, &c };
	char upper[CODE_MAX + 2];
	int64_t to = from + (int64_t)weeks * 604800;

	snprintf(upper, sizeof upper, "%s\x7f", prefix ? prefix : "");
	if (category && *category)
		return db_list(db, SQL_COUNTS_CATEGORY,
			       DB_ARGS(DB_INT(from), DB_INT(to),
				       DB_TEXT(prefix ? prefix : ""),
				       DB_TEXT(upper), DB_TEXT(category)),
			       count_visit, &v, err);
	return db_list(db, SQL_COUNTS,
		       DB_ARGS(DB_INT(from), DB_INT(to),
			       DB_TEXT(prefix ? prefix : ""), DB_TEXT(upper)),
		       count_visit, &v, err);
}

static const char SQL_GRID[] =
	"SELECT coalesce(d.name, ''), g.min_lon, g.min_lat, g.max_lon,"
	" g.max_lat FROM grid g"
	" LEFT JOIN division d ON d.code = g.community"
	" WHERE g.code = ? AND g.deleted = 0";

int store_hotspot_grid(struct db *db, const char *grid,
		       struct hotspot_grid *out, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_GRID, DB_ARGS(DB_TEXT(grid)), &st, err);

	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "grid", "no grid %.32s", grid);
	if (rc != DB_ROW)
		return rc;
	snprintf(out->community_name, sizeof out->community_name, "%s",
		 db_column_text(st, 0));
	for (int i = 0; i < 4; i++)
		out->box[i] = db_column_double(st, 1 + i);
	db_reset(st);
	return 0;
}

static const char SQL_CATEGORY[] = "SELECT name FROM category WHERE code = ?";

int store_hotspot_category(struct db *db, const char *code,
			   char out[NAME_MAX_BYTES + 1], struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_CATEGORY, DB_ARGS(DB_TEXT(code)), &st, err);

	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "category", "no category %.32s",
			       code);
	if (rc != DB_ROW)
		return rc;
	snprintf(out, NAME_MAX_BYTES + 1, "%s", db_column_text(st, 0));
	db_reset(st);
	return 0;
}
