/*
 * patrol.c - SQL of beats, shifts and track points (see
 * store/patrol/patrol.h).
 */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "store/patrol/patrol.h"


/* ---- beats ------------------------------------------------------------ */

static const char SQL_BEAT_INSERT[] =
	"INSERT INTO patrol_beat (grid, inspector_id, from_day, from_at,"
	" created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";

/* Run an INSERT ... RETURNING id: its id into *id. */
static int insert_id(struct db *db, const char *sql, const struct db_arg *args,
		     int64_t *id, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, sql, args, &st, err);

	if (rc < 0)
		return rc;
	*id = rc == DB_ROW ? db_column_int64(st, 0) : 0;
	db_reset(st);
	return 0;
}

int store_beat_insert(struct db *db, const struct beat_row *b,
		      const char *created_by, int64_t now, int64_t *id,
		      struct ug_error *err)
{
	return insert_id(db, SQL_BEAT_INSERT,
			 DB_ARGS(DB_TEXT(b->grid), DB_INT(b->inspector_id),
				 DB_TEXT(b->from_day), DB_INT(b->from_at),
				 DB_TEXT(created_by), DB_INT(now)),
			 id, err);
}

static const char SQL_BEAT_DROP_UNBEGUN[] =
	"DELETE FROM patrol_beat WHERE grid = ? AND from_at >= ?";
static const char SQL_BEAT_END[] =
	"UPDATE patrol_beat SET to_day = ?, to_at = ?"
	" WHERE grid = ? AND from_at < ? AND (to_at IS NULL OR to_at > ?)";

int store_beat_end(struct db *db, const char *grid, const char *day,
		   int64_t at, int64_t *changed, struct ug_error *err)
{
	int rc;

	*changed = 0;
	if ((rc = db_run(db, SQL_BEAT_DROP_UNBEGUN,
			 DB_ARGS(DB_TEXT(grid), DB_INT(at)), err)))
		return rc;
	*changed = db_changes(db);
	if ((rc = db_run(db, SQL_BEAT_END,
			 DB_ARGS(DB_TEXT(day), DB_INT(at), DB_TEXT(grid),
				 DB_INT(at), DB_INT(at)),
			 err)))
		return rc;
	*changed += db_changes(db);
	return 0;
}

static const char SQL_BEAT_LIST[] =
	"SELECT b.id, b.grid, b.inspector_id, u.username, u.display_name,"
	" b.from_day, b.to_day, b.from_at, b.to_at"
	" FROM patrol_beat b JOIN app_user u ON u.id = b.inspector_id"
	" WHERE substr(b.grid, 1, length(?)) = ?"
	" AND (? = 0 OR b.inspector_id = ?)"
	" AND b.from_at < ? AND (b.to_at IS NULL OR b.to_at > ?)"
	" ORDER BY b.grid, b.from_at";

static void beat_decode(struct db_stmt *st, struct beat_row *b)
{
	b->id = db_column_int64(st, 0);
	UG_COPY(b->grid, db_column_text(st, 1));
	b->inspector_id = db_column_int64(st, 2);
	UG_COPY(b->username, db_column_text(st, 3));
	UG_COPY(b->name, db_column_text(st, 4));
	UG_COPY(b->from_day, db_column_text(st, 5));
	UG_COPY(b->to_day, db_column_text(st, 6));
	b->from_at = db_column_int64(st, 7);
	b->to_at = db_column_int64(st, 8);
}

DB_VISITOR(beat, store_beat_cb, struct beat_row, beat_decode)

int store_beat_list(struct db *db, const char *grid_prefix,
		    int64_t inspector_id, int64_t from, int64_t to,
		    store_beat_cb cb, void *ctx, struct ug_error *err)
{
	struct beat_row row;
	struct beat_visit v = { cb, ctx, &row };

	return db_list(db, SQL_BEAT_LIST,
		       DB_ARGS(DB_TEXT(grid_prefix), DB_TEXT(grid_prefix),
			       DB_INT(inspector_id), DB_INT(inspector_id),
			       DB_INT(to), DB_INT(from)),
		       beat_visit, &v, err);
}

static const char SQL_BEAT_HOLDER[] =
	"SELECT u.username FROM patrol_beat b"
	" JOIN app_user u ON u.id = b.inspector_id"
	" WHERE b.grid = ? AND b.from_at <= ? AND (b.to_at IS NULL OR b.to_at > ?)";

int store_beat_holder(struct db *db, const char *grid, int64_t at,
		      char *out, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_BEAT_HOLDER,
			DB_ARGS(DB_TEXT(grid), DB_INT(at), DB_INT(at)), &st,
			err);

	out[0] = '\0';
	if (rc != DB_ROW)
		return rc;
	snprintf(out, USERNAME_MAX + 1, "%s", db_column_text(st, 0));
	db_reset(st);
	return 1;
}

/* ---- shifts ----------------------------------------------------------- */

static const char SQL_SHIFT_INSERT[] =
	"INSERT INTO patrol_shift (inspector_id, started_at) VALUES (?, ?)"
	" RETURNING id";

int store_shift_insert(struct db *db, struct shift_row *s,
		       struct ug_error *err)
{
	s->ended_at = 0;
	return insert_id(db, SQL_SHIFT_INSERT,
			 DB_ARGS(DB_INT(s->inspector_id), DB_INT(s->started_at)),
			 &s->id, err);
}

#define SHIFT_COLUMNS "id, inspector_id, started_at, ended_at"

static void shift_decode(struct db_stmt *st, struct shift_row *s)
{
	s->id = db_column_int64(st, 0);
	s->inspector_id = db_column_int64(st, 1);
	s->started_at = db_column_int64(st, 2);
	s->ended_at = db_column_int64(st, 3);
}

static const char SQL_SHIFT_GET[] =
	"SELECT " SHIFT_COLUMNS " FROM patrol_shift WHERE id = ?";

int store_shift_get(struct db *db, int64_t id, struct shift_row *s,
		    struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row_by_id(db, SQL_SHIFT_GET, id, "shift", &st, err);

	if (rc)
		return rc;
	shift_decode(st, s);
	db_reset(st);
	return 0;
}

static const char SQL_SHIFT_OPEN[] =
	"SELECT " SHIFT_COLUMNS " FROM patrol_shift"
	" WHERE inspector_id = ? AND ended_at IS NULL";

int store_shift_open(struct db *db, int64_t inspector_id,
		     struct shift_row *s, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_SHIFT_OPEN, DB_ARGS(DB_INT(inspector_id)), &st,
			err);

	if (rc != DB_ROW)
		return rc;
	shift_decode(st, s);
	db_reset(st);
	return 1;
}

static const char SQL_SHIFT_END[] =
	"UPDATE patrol_shift SET ended_at = ? WHERE id = ? AND ended_at IS NULL";

int store_shift_end(struct db *db, int64_t id, int64_t ended_at,
		    struct ug_error *err)
{
	return db_run_changed(db, SQL_SHIFT_END,
			      DB_ARGS(DB_INT(ended_at), DB_INT(id)), "open shift",
			      id, err);
}

static const char SQL_SHIFT_LIST[] =
	"SELECT s.id, s.inspector_id, s.started_at, s.ended_at"
	" FROM patrol_shift s JOIN app_user u ON u.id = s.inspector_id"
	" WHERE (? = 0 AND substr(u.unit_code, 1, length(?)) = ?"
	"        OR s.inspector_id = ?)"
	" AND s.started_at < ? AND (s.ended_at IS NULL OR s.ended_at > ?)"
	" ORDER BY s.inspector_id, s.started_at";

DB_VISITOR(shift, store_shift_cb, struct shift_row, shift_decode)

int store_shift_list(struct db *db, int64_t inspector_id,
		     const char *unit_prefix, int64_t from, int64_t to,
		     store_shift_cb cb, void *ctx, struct ug_error *err)
{
	struct shift_row row;
	struct shift_visit v = { cb, ctx, &row };

	return db_list(db, SQL_SHIFT_LIST,
		       DB_ARGS(DB_INT(inspector_id), DB_TEXT(unit_prefix),
			       DB_TEXT(unit_prefix), DB_INT(inspector_id),
			       DB_INT(to), DB_INT(from)),
		       shift_visit, &v, err);
}

/* ---- points ----------------------------------------------------------- */

static const char SQL_POINT_INSERT[] =
	"INSERT INTO patrol_point (inspector_id, t, lon, lat, accuracy)"
	" VALUES (?, ?, ?, ?, ?) ON CONFLICT (inspector_id, t) DO NOTHING";

int store_point_insert(struct db *db, int64_t inspector_id,
		       const struct point_row *p, struct ug_error *err)
{
	return db_run(db, SQL_POINT_INSERT,
		      DB_ARGS(DB_INT(inspector_id), DB_INT(p->t),
			      DB_REAL(p->lon), DB_REAL(p->lat),
			      DB_REAL_OR_NULL(p->accuracy >= 0, p->accuracy)),
		      err);
}

static void point_decode(struct db_stmt *st, struct point_row *p)
{
	p->t = db_column_int64(st, 0);
	p->lon = db_column_double(st, 1);
	p->lat = db_column_double(st, 2);
	p->accuracy = db_column_is_null(st, 3) ? -1 : db_column_double(st, 3);
}

static const char SQL_POINT_BEFORE[] =
	"SELECT t, lon, lat, accuracy FROM patrol_point"
	" WHERE inspector_id = ? AND t < ? ORDER BY t DESC LIMIT 1";

int store_point_before(struct db *db, int64_t inspector_id, int64_t t,
		       struct point_row *p, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, SQL_POINT_BEFORE,
			DB_ARGS(DB_INT(inspector_id), DB_INT(t)), &st, err);

	if (rc != DB_ROW)
		return rc;
	point_decode(st, p);
	db_reset(st);
	return 1;
}

static const char SQL_POINT_LIST[] =
	"SELECT t, lon, lat, accuracy FROM patrol_point"
	" WHERE inspector_id = ? AND t >= ? AND t < ? ORDER BY t";

DB_VISITOR(point, store_point_cb, struct point_row, point_decode)

int store_point_list(struct db *db, int64_t inspector_id, int64_t from,
		     int64_t to, store_point_cb cb, void *ctx,
		     struct ug_error *err)
{
	struct point_row row;
	struct point_visit v = { cb, ctx, &row };

	return db_list(db, SQL_POINT_LIST,
		       DB_ARGS(DB_INT(inspector_id), DB_INT(from), DB_INT(to)),
		       point_visit, &v, err);
}

static const char SQL_POINT_PRUNE[] = "DELETE FROM patrol_point WHERE t < ?";

int store_point_prune(struct db *db, int64_t before, int64_t *removed,
		      struct ug_error *err)
{
	int rc = db_run(db, SQL_POINT_PRUNE, DB_ARGS(DB_INT(before)), err);

	*removed = rc ? 0 : db_changes(db);
	return rc;
}
