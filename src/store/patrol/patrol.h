/*
 * patrol.h - SQL of patrol (schema 0017, docs/patrol.md): beats (who
 * answers for which grid, when), shifts and track points.  The rules are
 * domain/patrol's; here are the rows.
 */
#ifndef UG_STORE_PATROL_H
#define UG_STORE_PATROL_H

#include <stdint.h>

#include "store/common.h"

#define DAY_TEXT_MAX 10 /* YYYY-MM-DD */

struct beat_row {
	int64_t id;
	char grid[CODE_MAX + 1];
	int64_t inspector_id;
	char username[USERNAME_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	char from_day[DAY_TEXT_MAX + 1];
	char to_day[DAY_TEXT_MAX + 1]; /* "" while in force */
	int64_t from_at, to_at;        /* to_at 0: in force */
};
typedef int (*store_beat_cb)(void *ctx, const struct beat_row *b);

/* A new open beat; *id its id.  UG_ECONFLICT when the grid has an open
 * beat still (end it first: store_beat_end). */
int store_beat_insert(struct db *db, const struct beat_row *b,
		      const char *created_by, int64_t now, int64_t *id,
		      struct ug_error *err);

/* End the grid's beats at instant `at` (day `day`): the beat in force
 * then gets to_at = at; beats starting at or after `at` (never begun)
 * are removed.  *changed: how many beats were ended or removed. */
int store_beat_end(struct db *db, const char *grid, const char *day,
		   int64_t at, int64_t *changed, struct ug_error *err);

/* The beats in force at some moment of [from, to), of grids starting
 * with grid_prefix ("" any) and of inspector_id (0 any), by grid. */
int store_beat_list(struct db *db, const char *grid_prefix,
		    int64_t inspector_id, int64_t from, int64_t to,
		    store_beat_cb cb, void *ctx, struct ug_error *err);

/* The username of the inspector whose beat held `grid` at instant `at`
 * into out (USERNAME_MAX + 1): 1, or 0 when nobody's did (out ""). */
int store_beat_holder(struct db *db, const char *grid, int64_t at,
		      char *out, struct ug_error *err);

struct shift_row {
	int64_t id;
	int64_t inspector_id;
	int64_t started_at, ended_at; /* ended_at 0: on shift */
};
typedef int (*store_shift_cb)(void *ctx, const struct shift_row *s);

/* Open a shift: UG_ECONFLICT when the inspector has one open. */
int store_shift_insert(struct db *db, struct shift_row *s,
		       struct ug_error *err);
int store_shift_get(struct db *db, int64_t id, struct shift_row *s,
		    struct ug_error *err);
/* The inspector's open shift: 1 with *s, 0 when none. */
int store_shift_open(struct db *db, int64_t inspector_id,
		     struct shift_row *s, struct ug_error *err);
int store_shift_end(struct db *db, int64_t id, int64_t ended_at,
		    struct ug_error *err);
/* Shifts overlapping [from, to) of inspector_id, or (inspector_id 0) of
 * inspectors whose unit starts with unit_prefix; by inspector, start. */
int store_shift_list(struct db *db, int64_t inspector_id,
		     const char *unit_prefix, int64_t from, int64_t to,
		     store_shift_cb cb, void *ctx, struct ug_error *err);

struct point_row {
	int64_t t;
	double lon, lat;
	double accuracy; /* < 0: unknown */
};
typedef int (*store_point_cb)(void *ctx, const struct point_row *p);

/* Store a point; one already stored at the same second is kept as it
 * was (no error). */
int store_point_insert(struct db *db, int64_t inspector_id,
		       const struct point_row *p, struct ug_error *err);
/* The inspector's latest point before t: 1 with *p, 0 when none. */
int store_point_before(struct db *db, int64_t inspector_id, int64_t t,
		       struct point_row *p, struct ug_error *err);
/* The inspector's points of [from, to), in time order. */
int store_point_list(struct db *db, int64_t inspector_id, int64_t from,
		     int64_t to, store_point_cb cb, void *ctx,
		     struct ug_error *err);
/* Remove points older than `before`; *removed how many. */
int store_point_prune(struct db *db, int64_t before, int64_t *removed,
		      struct ug_error *err);

#endif
