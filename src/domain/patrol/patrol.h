/*
 * patrol.h - 定人定岗定责: which inspector answers for which grid
 * (beats, with the days they hold), shifts on duty, the phone's track,
 * and what a day of it covered (docs/patrol.md).
 *
 * Every function takes the caller and decides here what it may see or
 * do (the access layer): an inspector its own shifts, track, beats and
 * figures; a shift leader or an admin manages the beats of its area (the
 * admin's is everywhere); a leader reads its area.  Outside the
 * caller's sight answers as not there (UG_ENOTFOUND).
 *
 * Days are the city's local days (env->utc_offset) as YYYY-MM-DD.  The
 * history of who answered for a grid when is never rewritten (a beat may
 * not start or end in the past), so the 漏报 counter, which reads it
 * (domain/assess), counts the same when rebuilt.
 */
#ifndef UG_PATROL_H
#define UG_PATROL_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cases/case.h"
#include "domain/org/roles.h"
#include "store/assess/assess.h"
#include "store/patrol/patrol.h"

/* The track's rules (docs/api.md, POST /api/v1/patrol/track). */
#define PATROL_POINTS_MAX 1000
#define PATROL_LATE_MAX_S (7 * 86400)  /* the offline queue's reach */
#define PATROL_SKEW_S 120              /* a phone's clock ahead of ours */
#define PATROL_SPEED_MAX 50.0          /* m/s between two points */
#define PATROL_BEAT_GRIDS_MAX 500
#define PATROL_KEEP_DAYS 180           /* serve --track-retention-days */

/* A local day: "YYYY-MM-DD" (NULL or "": the day of `now`) to its first
 * instant and YYYYMMDD; UG_EINVAL naming `field` for a bad date. */
struct patrol_day {
	char text[DAY_TEXT_MAX + 1];
	int32_t ymd;
	int64_t start, end; /* [start, end) */
};
int patrol_day_parse(const struct case_env *env, const char *text,
		     int64_t now, const char *field, struct patrol_day *out,
		     struct ug_error *err);

/* The beats in force on `day` of grids in `area` (a division or grid
 * code; NULL: the caller's own area) and of inspector_id (0: any; an
 * inspector sees only its own), by grid. */
int patrol_beats_list(struct db *db, const struct case_env *env,
		      const struct actor *a, const char *area,
		      int64_t inspector_id, const struct patrol_day *day,
		      store_beat_cb cb, void *ctx, struct ug_error *err);

/* Give grids[0..n) to the inspector from `from` (not in the past; from
 * now when it is today), ending the beats in force then; cb gets each
 * new beat.  One transaction.  UG_EINVAL naming "inspector", "grids",
 * "grids[i]" or "from"; UG_ENOTFOUND a grid outside the caller's area;
 * UG_EFORBIDDEN for roles that do not manage beats. */
int patrol_beats_assign(struct db *db, const struct case_env *env,
			const struct actor *a, int64_t inspector_id,
			const char *const *grids, size_t n,
			const struct patrol_day *from, int64_t now,
			store_beat_cb cb, void *ctx, struct ug_error *err);

/* End the grid's beat from `from` (not in the past).  UG_ENOTFOUND when
 * it has none then or later, or is outside the caller's area. */
int patrol_beat_end(struct db *db, const struct case_env *env,
		    const struct actor *a, const char *grid,
		    const struct patrol_day *from, int64_t now,
		    struct ug_error *err);

/* Start the caller's shift at `at` (0: now; not in the future, not older
 * than PATROL_LATE_MAX_S, not before the end of its last shift: UG_EINVAL
 * naming "at").  UG_ECONFLICT naming "shift" when one is open.  *out is
 * set on success only (the same for patrol_shift_end). */
int patrol_shift_start(struct db *db, const struct actor *a, int64_t at,
		       int64_t now, struct shift_row *out,
		       struct ug_error *err);

/* End the caller's shift `id` at `at` (0: now).  UG_ENOTFOUND not the
 * caller's; UG_ECONFLICT naming "shift" already ended; UG_EINVAL naming
 * "at" before its start or in the future. */
int patrol_shift_end(struct db *db, const struct actor *a, int64_t id,
		     int64_t at, int64_t now, struct shift_row *out,
		     struct ug_error *err);

/* A point as sent; index: its place in the request (for the messages). */
struct patrol_point_in {
	double lon, lat;
	int64_t t;
	double accuracy; /* < 0: not given */
};

/* Add the caller's track points (gcj02: they are GCJ-02, converted to
 * WGS84 first) in one transaction, or none: UG_EINVAL naming
 * "points[i].t", "points[i].lon" or "points[i].accuracy" for the first
 * impossible one (docs/api.md).  pts is reordered by time. */
int patrol_track_add(struct db *db, const struct case_env *env,
		     const struct actor *a, int gcj02,
		     struct patrol_point_in *pts, size_t n, int64_t now,
		     size_t *accepted, struct ug_error *err);

/* One grid of a beat, and whether the day's track entered it. */
struct patrol_grid {
	char code[CODE_MAX + 1];
	int visited;
};

/* An inspector's day (docs/patrol.md): grids is malloc'ed, freed by
 * patrol_figures_free(). */
struct patrol_figures {
	int64_t inspector_id;
	char username[USERNAME_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	double distance_m;
	int64_t on_shift_s;
	size_t assigned, visited;
	struct patrol_grid *grids;
};
void patrol_figures_free(struct patrol_figures *f);
typedef int (*patrol_figures_cb)(void *ctx, const struct patrol_figures *f);

/* Per inspector of `area` (NULL: the caller's) on `day`: those with a
 * beat there that day, and those whose account belongs there and were
 * on shift.  Shift leaders, leaders and admins. */
int patrol_coverage(struct db *db, const struct case_env *env,
		    const struct actor *a, const char *area,
		    const struct patrol_day *day, int64_t now,
		    patrol_figures_cb cb, void *ctx, struct ug_error *err);

/* One shift's line of the day. */
struct patrol_line {
	const struct patrol_figures *who; /* inspector_id, username, name */
	const struct shift_row *shift;
	const struct point_row *points;
	size_t n;
	double distance_m;
};
typedef int (*patrol_line_cb)(void *ctx, const struct patrol_line *l);

/* The day's tracks of the inspectors patrol_coverage() lists, one line
 * per shift with its points of the day (shifts of fewer than two points
 * too: the caller decides). */
int patrol_tracks(struct db *db, const struct case_env *env,
		  const struct actor *a, const char *area,
		  const struct patrol_day *day, int64_t now,
		  patrol_line_cb cb, void *ctx, struct ug_error *err);

/* The caller's own day, for the phone: its beats (cb, may be NULL), its
 * shift (the
 * open one, else the day's last: has_shift), its figures (freed by
 * patrol_figures_free()) and its assessment counters of the day.
 * Inspectors. */
struct patrol_me {
	int has_shift;
	struct shift_row shift;
	struct patrol_figures figures;
	struct assess_counts counters;
};
int patrol_me(struct db *db, const struct case_env *env,
	      const struct actor *a, const struct patrol_day *day,
	      int64_t now, store_beat_cb cb, void *ctx, struct patrol_me *out,
	      struct ug_error *err);

/* Remove track points older than keep_days days before now (1..36500:
 * else UG_EINVAL naming "keep-days"); *removed how many. */
int patrol_prune(struct db *db, int keep_days, int64_t now, int64_t *removed,
		 struct ug_error *err);

#endif
