/*
 * patrol.c - beats, shifts, tracks and what a day covered, with the
 * access rules of each (see patrol.h; docs/patrol.md).
 */
#include "domain/patrol/patrol.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/assess/assess.h"
#include "domain/spatial/spatial.h"
#include "geo/crs.h"
#include "lib/iso8601.h"
#include "lib/util.h"
#include "store/org/org.h"
#include "store/spatial/spatial.h"

/* ---- days ------------------------------------------------------------- */

static void day_of_days(int64_t days, int32_t offset, struct patrol_day *d)
{
	int64_t y;
	unsigned m, dd;

	iso8601_civil_from_days(days, &y, &m, &dd);
	snprintf(d->text, sizeof d->text, "%04d-%02u-%02u", (int)y, m, dd);
	d->ymd = (int32_t)(y * 10000 + m * 100 + dd);
	d->start = days * 86400 - offset;
	d->end = d->start + 86400;
}

int patrol_day_parse(const struct case_env *env, const char *text,
		     int64_t now, const char *field, struct patrol_day *out,
		     struct ug_error *err)
{
	int y, m, d, n = 0;
	int64_t days;

	if (!text || !*text) {
		int64_t local = now + env->utc_offset;

		days = local / 86400 - (local % 86400 < 0);
		day_of_days(days, env->utc_offset, out);
		return 0;
	}
	for (int i = 0; i < 10 && text[i]; i++, n++)
		if (i == 4 || i == 7 ? text[i] != '-'
				     : text[i] < '0' || text[i] > '9')
			n = -100;
	if (n != 10 || text[10] ||
	    sscanf(text, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31 || y < 1970)
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be a date YYYY-MM-DD", field);
	days = iso8601_days_from_civil(y, (unsigned)m, (unsigned)d);
	day_of_days(days, env->utc_offset, out);
	if (strcmp(out->text, text) != 0) /* 2026-02-31 */
		return ug_fail(err, UG_EINVAL, field,
			       "%s: %s is not a date", field, text);
	return 0;
}

/* ---- who sees what ---------------------------------------------------- */

static int manages_beats(const struct actor *a)
{
	return actor_is(a, ROLE_SHIFT_LEADER) || actor_is(a, ROLE_ADMIN);
}

static int reads_patrol(const struct actor *a)
{
	return manages_beats(a) || actor_is(a, ROLE_LEADER);
}

static int64_t self_id(const struct actor *a)
{
	return a->user ? a->user->id : 0;
}

/* The code prefix of the place asked (area, or the caller's own) into
 * prefix, when the caller sees it; UG_ENOTFOUND naming "area" when not
 * (a department's user sees no grids). */
static int area_prefix(const struct actor *a, const char *area,
		       char prefix[CODE_MAX + 1], struct ug_error *err)
{
	if (area && *area) {
		if (!ug_is_digits(area, strlen(area)) ||
		    !division_level_of_code(area))
			return ug_fail(err, UG_EINVAL, "area",
				       "area must be a division or grid code");
		if (!a->root && !scope_covers_area(&a->scope, area))
			return ug_fail(err, UG_ENOTFOUND, "area",
				       "no area %s", area);
		division_code_prefix(area, prefix);
		return 0;
	}
	if (a->root || a->scope.kind == SCOPE_ALL) {
		prefix[0] = '\0';
		return 0;
	}
	if (a->scope.kind != SCOPE_AREA)
		return ug_fail(err, UG_ENOTFOUND, "area",
			       "no area: your unit is a department");
	snprintf(prefix, CODE_MAX + 1, "%s", a->scope.code);
	return 0;
}

int patrol_beats_list(struct db *db, const struct case_env *env,
		      const struct actor *a, const char *area,
		      int64_t inspector_id, const struct patrol_day *day,
		      store_beat_cb cb, void *ctx, struct ug_error *err)
{
	char prefix[CODE_MAX + 1];
	int rc;

	(void)env;
	if (actor_is(a, ROLE_INSPECTOR) && !a->root) {
		if (inspector_id && inspector_id != self_id(a))
			return ug_fail(err, UG_ENOTFOUND, "inspector",
				       "no inspector %lld",
				       (long long)inspector_id);
		inspector_id = self_id(a);
	} else if (!reads_patrol(a)) {
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "your role does not read beats");
	}
	if ((rc = area_prefix(a, area, prefix, err)))
		return rc;
	return store_beat_list(db, prefix, inspector_id, day->start, day->end,
			       cb, ctx, err);
}

/* ---- beats ------------------------------------------------------------ */

/* The instant a change from day `from` takes effect: its first instant,
 * or now when that has passed (today); a day before today is refused -
 * the history of who answered for a grid is not rewritten. */
static int effective_at(const struct case_env *env,
			const struct patrol_day *from, int64_t now,
			int64_t *at, struct ug_error *err)
{
	struct patrol_day today;

	patrol_day_parse(env, NULL, now, "from", &today, err);
	if (from->start < today.start)
		return ug_fail(err, UG_EINVAL, "from",
			       "from may not be in the past (today is %s): "
			       "who answered for a grid then stays as it was",
			       today.text);
	*at = from->start > now ? from->start : now;
	return 0;
}

/* The grid's code is a unit grid's of the caller's area, that the store
 * knows; field names it in errors. */
static int beat_grid_check(struct db *db, const struct actor *a,
			   const char *grid, const char *field,
			   struct ug_error *err)
{
	const char *level = division_level_of_code(grid);
	int rc;

	if (!level || strcmp(level, "grid") != 0 ||
	    !ug_is_digits(grid, strlen(grid)))
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be a unit grid code (15 digits)",
			       field);
	if (!a->root && !scope_covers_area(&a->scope, grid))
		return ug_fail(err, UG_ENOTFOUND, field, "no grid %s", grid);
	if ((rc = store_grid_exists(db, grid, err)) < 0)
		return rc;
	if (rc == 0)
		return ug_fail(err, UG_EINVAL, field,
			       "no unit grid %s is loaded", grid);
	return 0;
}

int patrol_beats_assign(struct db *db, const struct case_env *env,
			const struct actor *a, int64_t inspector_id,
			const char *const *grids, size_t n,
			const struct patrol_day *from, int64_t now,
			store_beat_cb cb, void *ctx, struct ug_error *err)
{
	struct user u;
	struct scope s;
	int64_t at, changed;
	char field[32];
	int rc;

	if (!manages_beats(a))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only shift leaders and admins assign beats");
	if (n == 0 || n > PATROL_BEAT_GRIDS_MAX)
		return ug_fail(err, UG_EINVAL, "grids",
			       "grids must list 1 to %d grid codes",
			       PATROL_BEAT_GRIDS_MAX);
	if ((rc = effective_at(env, from, now, &at, err)))
		return rc;
	rc = store_user_by_id(db, inspector_id, &u, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && (strcmp(u.role, "inspector") ||
						u.disabled)))
		return ug_fail(err, UG_EINVAL, "inspector",
			       "inspector must be the id of an enabled "
			       "inspector");
	if (rc)
		return rc;
	scope_of_user(&u, &s);
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof field, "grids[%zu]", i);
		if ((rc = beat_grid_check(db, a, grids[i], field, err)))
			return rc;
		if (!scope_covers_area(&s, grids[i]))
			return ug_fail(err, UG_EINVAL, "inspector",
				       "the inspector's unit %s does not hold "
				       "grid %s", u.unit_code, grids[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(grids[j], grids[i]) == 0)
				return ug_fail(err, UG_EINVAL, field,
					       "grid %s is listed twice",
					       grids[i]);
	}
	if ((rc = db_begin_write(db, err)))
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct beat_row b;

		memset(&b, 0, sizeof b);
		snprintf(b.grid, sizeof b.grid, "%s", grids[i]);
		b.inspector_id = inspector_id;
		snprintf(b.username, sizeof b.username, "%s", u.username);
		snprintf(b.name, sizeof b.name, "%s", u.display_name);
		snprintf(b.from_day, sizeof b.from_day, "%s", from->text);
		b.from_at = at;
		if ((rc = store_beat_end(db, b.grid, from->text, at, &changed,
					 err)) ||
		    (rc = store_beat_insert(db, &b, a->user ? a->user->username
							    : "cli",
					    now, &b.id, err)))
			break;
		rc = cb ? cb(ctx, &b) : 0;
	}
	return db_end(db, rc, err);
}

int patrol_beat_end(struct db *db, const struct case_env *env,
		    const struct actor *a, const char *grid,
		    const struct patrol_day *from, int64_t now,
		    struct ug_error *err)
{
	int64_t at, changed = 0;
	int rc;

	if (!manages_beats(a))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only shift leaders and admins end beats");
	if ((rc = beat_grid_check(db, a, grid, "grid", err)) ||
	    (rc = effective_at(env, from, now, &at, err)) ||
	    (rc = db_begin_write(db, err)))
		return rc;
	rc = store_beat_end(db, grid, from->text, at, &changed, err);
	if (rc == 0 && changed == 0)
		rc = ug_fail(err, UG_ENOTFOUND, "grid",
			     "grid %s has no beat on or after %s", grid,
			     from->text);
	return db_end(db, rc, err);
}

/* ---- shifts ----------------------------------------------------------- */

static int inspector_self(const struct actor *a, struct ug_error *err)
{
	if (!actor_is(a, ROLE_INSPECTOR) || !a->user)
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "shifts and tracks are inspectors' own");
	return 0;
}

/* A time sent for the offline queue: not ahead of the clock, not older
 * than the queue may hold. */
static int time_check(int64_t t, int64_t now, const char *field,
		      struct ug_error *err)
{
	if (t > now + PATROL_SKEW_S)
		return ug_fail(err, UG_EINVAL, field,
			       "%s is in the future", field);
	if (t < now - PATROL_LATE_MAX_S)
		return ug_fail(err, UG_EINVAL, field,
			       "%s is more than %d days old", field,
			       PATROL_LATE_MAX_S / 86400);
	return 0;
}

static int count_shift(void *ctx, const struct shift_row *s)
{
	(void)s;
	++*(int *)ctx;
	return 0;
}

int patrol_shift_start(struct db *db, const struct actor *a, int64_t at,
		       int64_t now, struct shift_row *out,
		       struct ug_error *err)
{
	struct shift_row open;
	int rc, overlap = 0;

	struct shift_row s;

	if ((rc = inspector_self(a, err)) ||
	    (at && (rc = time_check(at, now, "at", err))))
		return rc;
	memset(&s, 0, sizeof s);
	s.inspector_id = self_id(a);
	s.started_at = at ? at : now;
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_shift_open(db, s.inspector_id, &open, err);
	if (rc == 1)
		rc = ug_fail(err, UG_ECONFLICT, "shift",
			     "shift %lld is open: end it first",
			     (long long)open.id);
	else if (rc == 0 &&
		 (rc = store_shift_list(db, s.inspector_id, "", s.started_at,
					INT64_MAX, count_shift, &overlap,
					err)) == 0 && overlap)
		/* Shifts never overlap: a point belongs to one shift. */
		rc = ug_fail(err, UG_EINVAL, "at",
			     "at is before the end of your last shift");
	if (rc == 0)
		rc = store_shift_insert(db, &s, err);
	if ((rc = db_end(db, rc, err)) == 0)
		*out = s;
	return rc;
}

int patrol_shift_end(struct db *db, const struct actor *a, int64_t id,
		     int64_t at, int64_t now, struct shift_row *out,
		     struct ug_error *err)
{
	int rc;

	struct shift_row s;

	if ((rc = inspector_self(a, err)) ||
	    (at && (rc = time_check(at, now, "at", err))) ||
	    (rc = db_begin_write(db, err)))
		return rc;
	rc = store_shift_get(db, id, &s, err);
	if (rc == 0 && s.inspector_id != self_id(a))
		rc = ug_fail(err, UG_ENOTFOUND, "id", "no shift with id %lld",
			     (long long)id);
	if (rc == 0 && s.ended_at)
		rc = ug_fail(err, UG_ECONFLICT, "shift",
			     "shift %lld has ended already", (long long)id);
	if (rc == 0) {
		s.ended_at = at ? at : now;
		if (s.ended_at < s.started_at)
			rc = ug_fail(err, UG_EINVAL, "at",
				     "at is before the shift's start");
	}
	if (rc == 0)
		rc = store_shift_end(db, id, s.ended_at, err);
	if ((rc = db_end(db, rc, err)) == 0)
		*out = s;
	return rc;
}

/* ---- track ------------------------------------------------------------ */

struct indexed_point {
	struct patrol_point_in p;
	size_t index;
};

static int by_time(const void *x, const void *y)
{
	const struct indexed_point *a = x, *b = y;

	return a->p.t < b->p.t ? -1 : a->p.t > b->p.t ? 1 :
	       a->index < b->index ? -1 : a->index > b->index;
}

/* The speed from (lon0, lat0) at t0 to p: an impossible jump refused. */
static int speed_check(double lon0, double lat0, int64_t t0,
		       const struct indexed_point *p, struct ug_error *err)
{
	double d = geo_distance_m(lon0, lat0, p->p.lon, p->p.lat);
	int64_t dt = p->p.t - t0;

	if (d <= 1.0 || d <= PATROL_SPEED_MAX * (double)dt)
		return 0;
	return ug_fail(err, UG_EINVAL, "points[]",
		       "points[%zu].t: %.0f m in %lld s from the point before "
		       "it is faster than %.0f m/s", p->index, d,
		       (long long)dt, PATROL_SPEED_MAX);
}

/* ug_fail with the field points[i].<what>. */
static int point_fail(struct ug_error *err, size_t i, const char *what,
		      const char *why)
{
	char field[48];

	snprintf(field, sizeof field, "points[%zu].%s", i, what);
	return ug_fail(err, UG_EINVAL, field, "%s %s", field, why);
}

int patrol_track_add(struct db *db, const struct case_env *env,
		     const struct actor *a, int gcj02,
		     struct patrol_point_in *pts, size_t n, int64_t now,
		     size_t *accepted, struct ug_error *err)
{
	struct indexed_point *v = NULL;
	struct point_row before;
	int64_t me = self_id(a);
	int rc, has_before;

	*accepted = 0;
	if ((rc = inspector_self(a, err)))
		return rc;
	if (n == 0 || n > PATROL_POINTS_MAX)
		return ug_fail(err, UG_EINVAL, "points",
			       "points must hold 1 to %d points",
			       PATROL_POINTS_MAX);
	if (!(v = calloc(n, sizeof *v)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct patrol_point_in *p = &v[i].p;
		char field[48];

		v[i].p = pts[i];
		v[i].index = i;
		snprintf(field, sizeof field, "points[%zu].t", i);
		if ((rc = time_check(p->t, now, field, err)))
			goto out;
		if (!(p->lon >= -180 && p->lon <= 180)) {
			rc = point_fail(err, i, "lon", "must be -180 to 180");
			goto out;
		}
		if (!(p->lat >= -90 && p->lat <= 90)) {
			rc = point_fail(err, i, "lat", "must be -90 to 90");
			goto out;
		}
		if (p->accuracy > 10000) {
			rc = point_fail(err, i, "accuracy",
					"must be 0 to 10000 metres");
			goto out;
		}
		if (gcj02)
			crs_gcj02_to_wgs84(p->lon, p->lat, &p->lon, &p->lat);
		snprintf(field, sizeof field, "points[%zu].lon", i);
		if ((rc = case_point_in_city(env, p->lon, p->lat, field, err)))
			goto out;
	}
	qsort(v, n, sizeof *v, by_time);
	if ((rc = db_begin_write(db, err)))
		goto out;
	if ((rc = has_before = store_point_before(db, me, v[0].p.t, &before,
						  err)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct point_row r = { v[i].p.t, v[i].p.lon, v[i].p.lat,
				       v[i].p.accuracy };

		if (i > 0)
			rc = speed_check(v[i - 1].p.lon, v[i - 1].p.lat,
					 v[i - 1].p.t, &v[i], err);
		else if (has_before)
			rc = speed_check(before.lon, before.lat, before.t,
					 &v[i], err);
		else
			rc = 0;
		if (rc) {
			/* the field names the point: points[i].t */
			snprintf(err->field, sizeof err->field,
				 "points[%zu].t", v[i].index);
			goto fail;
		}
		if ((rc = store_point_insert(db, me, &r, err)))
			goto fail;
	}
	if ((rc = db_commit(db, err)) == 0)
		*accepted = n;
	goto out;
fail:
	db_rollback(db);
out:
	free(v);
	return rc;
}

/* ---- a day's figures and lines ---------------------------------------- */

void patrol_figures_free(struct patrol_figures *f)
{
	free(f->grids);
	f->grids = NULL;
}

/* Collects an inspector's grids of the day (the beats' grids, once). */
static int add_grid(void *ctx, const struct beat_row *b)
{
	struct patrol_figures *f = ctx;
	struct patrol_grid *g;

	for (size_t i = 0; i < f->assigned; i++)
		if (strcmp(f->grids[i].code, b->grid) == 0)
			return 0;
	if (!(g = realloc(f->grids, (f->assigned + 1) * sizeof *g)))
		return -UG_ENOMEM;
	f->grids = g;
	memset(&g[f->assigned], 0, sizeof *g);
	snprintf(g[f->assigned].code, sizeof g->code, "%s", b->grid);
	f->assigned++;
	return 0;
}

/* v (n items of `size` bytes, room for *cap) with room for one more:
 * v itself, a larger copy (the old one freed), or NULL when out of
 * memory (v untouched). */
static void *grow(void *v, size_t n, size_t *cap, size_t size, size_t first)
{
	void *p;
	size_t c;

	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : first;
	if (!(p = realloc(v, c * size)))
		return NULL;
	*cap = c;
	return p;
}

struct points {
	struct point_row *v;
	size_t n, cap;
};

static int add_point(void *ctx, const struct point_row *p)
{
	struct points *l = ctx;
	struct point_row *v = grow(l->v, l->n, &l->cap, sizeof *v, 256);

	if (!v)
		return -UG_ENOMEM;
	l->v = v;
	l->v[l->n++] = *p;
	return 0;
}

struct shifts {
	struct shift_row *v;
	size_t n, cap;
};

static int add_shift(void *ctx, const struct shift_row *s)
{
	struct shifts *l = ctx;
	struct shift_row *v = grow(l->v, l->n, &l->cap, sizeof *v, 8);

	if (!v)
		return -UG_ENOMEM;
	l->v = v;
	l->v[l->n++] = *s;
	return 0;
}

static int oom(int rc, struct ug_error *err)
{
	return rc == -UG_ENOMEM ? ug_fail(err, UG_ENOMEM, NULL, "out of memory")
				: rc;
}

/* The inspector's day: its beats' grids in `prefix` into f, then for each
 * shift of the day its points (within the shift and the day), counted
 * into f (time on shift, distance, grids visited) and handed to line_cb
 * when given. */
static int day_walk(struct db *db, const struct case_env *env,
		    const char *prefix, const struct patrol_day *day,
		    int64_t now, struct patrol_figures *f,
		    patrol_line_cb line_cb, void *ctx, struct ug_error *err)
{
	struct shifts shifts = { 0 };
	struct points pts = { 0 };
	int rc;

	if ((rc = store_beat_list(db, prefix, f->inspector_id, day->start,
				  day->end, add_grid, f, err)) ||
	    (rc = store_shift_list(db, f->inspector_id, "", day->start,
				   day->end, add_shift, &shifts, err)) ||
	    (rc = store_point_list(db, f->inspector_id, day->start, day->end,
				   add_point, &pts, err)))
		goto out;
	for (size_t s = 0; rc == 0 && s < shifts.n; s++) {
		const struct shift_row *sh = &shifts.v[s];
		int64_t from = sh->started_at > day->start ? sh->started_at
							   : day->start;
		int64_t to = sh->ended_at ? sh->ended_at : now;
		size_t first = pts.n, n = 0;
		double dist = 0;

		if (to > day->end)
			to = day->end;
		if (to > from)
			f->on_shift_s += to - from;
		for (size_t i = 0; i < pts.n; i++) {
			const struct point_row *p = &pts.v[i];
			struct spatial_place place;

			if (p->t < from || p->t > to)
				continue;
			if (n == 0)
				first = i;
			else
				dist += geo_distance_m(pts.v[i - 1].lon,
						       pts.v[i - 1].lat,
						       p->lon, p->lat);
			n++;
			if (!env->spatial ||
			    spatial_locate(env->spatial, p->lon, p->lat,
					   &place, NULL))
				continue;
			for (size_t g = 0; g < f->assigned; g++)
				if (!f->grids[g].visited &&
				    strcmp(f->grids[g].code, place.grid) == 0) {
					f->grids[g].visited = 1;
					f->visited++;
				}
		}
		f->distance_m += dist;
		if (line_cb) {
			struct patrol_line l = { f, sh, pts.v + first, n,
						 dist };

			rc = line_cb(ctx, &l);
		}
	}
out:
	free(shifts.v);
	free(pts.v);
	return oom(rc, err);
}

/* The inspectors of an area's day: ids with their names. */
struct people {
	struct patrol_figures *v;
	size_t n;
};

static int person_add(struct people *l, int64_t id, const char *username,
		      const char *name)
{
	struct patrol_figures *v;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].inspector_id == id)
			return 0;
	if (!(v = realloc(l->v, (l->n + 1) * sizeof *v)))
		return -UG_ENOMEM;
	l->v = v;
	memset(&v[l->n], 0, sizeof *v);
	v[l->n].inspector_id = id;
	snprintf(v[l->n].username, sizeof v->username, "%s", username);
	snprintf(v[l->n].name, sizeof v->name, "%s", name);
	l->n++;
	return 0;
}

static int person_of_beat(void *ctx, const struct beat_row *b)
{
	return person_add(ctx, b->inspector_id, b->username, b->name);
}

struct shift_people {
	struct people *l;
	struct db *db;
	struct ug_error *err;
};

static int person_of_shift(void *ctx, const struct shift_row *s)
{
	struct shift_people *sp = ctx;
	struct user u;

	for (size_t i = 0; i < sp->l->n; i++)
		if (sp->l->v[i].inspector_id == s->inspector_id)
			return 0;
	if (store_user_by_id(sp->db, s->inspector_id, &u, sp->err))
		return 0; /* gone: nothing to show */
	return person_add(sp->l, u.id, u.username, u.display_name);
}

static int by_name(const void *x, const void *y)
{
	const struct patrol_figures *a = x, *b = y;

	return strcmp(a->username, b->username);
}

/* Every inspector of the area's day, through day_walk, to cb or line_cb. */
static int area_walk(struct db *db, const struct case_env *env,
		     const struct actor *a, const char *area,
		     const struct patrol_day *day, int64_t now,
		     patrol_figures_cb cb, patrol_line_cb line_cb, void *ctx,
		     struct ug_error *err)
{
	struct people l = { 0 };
	struct shift_people sp = { &l, db, err };
	char prefix[CODE_MAX + 1];
	int rc;

	if (!reads_patrol(a))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "your role does not read patrols");
	if ((rc = area_prefix(a, area, prefix, err)))
		return rc;
	if ((rc = db_begin(db, err)))
		return rc;
	if ((rc = store_beat_list(db, prefix, 0, day->start, day->end,
				  person_of_beat, &l, err)) == 0 &&
	    (rc = store_shift_list(db, 0, prefix, day->start, day->end,
				   person_of_shift, &sp, err)) == 0) {
		if (l.n)
			qsort(l.v, l.n, sizeof *l.v, by_name);
		for (size_t i = 0; rc == 0 && i < l.n; i++) {
			rc = day_walk(db, env, prefix, day, now, &l.v[i],
				      line_cb, ctx, err);
			if (rc == 0 && cb)
				rc = cb(ctx, &l.v[i]);
		}
	}
	db_rollback(db);
	for (size_t i = 0; i < l.n; i++)
		patrol_figures_free(&l.v[i]);
	free(l.v);
	return oom(rc, err);
}

int patrol_coverage(struct db *db, const struct case_env *env,
		    const struct actor *a, const char *area,
		    const struct patrol_day *day, int64_t now,
		    patrol_figures_cb cb, void *ctx, struct ug_error *err)
{
	return area_walk(db, env, a, area, day, now, cb, NULL, ctx, err);
}

int patrol_tracks(struct db *db, const struct case_env *env,
		  const struct actor *a, const char *area,
		  const struct patrol_day *day, int64_t now,
		  patrol_line_cb cb, void *ctx, struct ug_error *err)
{
	return area_walk(db, env, a, area, day, now, NULL, cb, ctx, err);
}

/* The day's last shift, for patrol_me (an open one wins). */
static int last_shift(void *ctx, const struct patrol_line *l)
{
	struct patrol_me *me = ctx;

	if (!me->has_shift || me->shift.ended_at)
		me->shift = *l->shift;
	me->has_shift = 1;
	return 0;
}

int patrol_me(struct db *db, const struct case_env *env,
	      const struct actor *a, const struct patrol_day *day,
	      int64_t now, store_beat_cb cb, void *ctx, struct patrol_me *out,
	      struct ug_error *err)
{
	struct patrol_figures *f = &out->figures;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = inspector_self(a, err)))
		return rc;
	f->inspector_id = self_id(a);
	snprintf(f->username, sizeof f->username, "%s", a->user->username);
	snprintf(f->name, sizeof f->name, "%s", a->user->display_name);
	if ((rc = db_begin(db, err)))
		return rc;
	if ((rc = cb ? store_beat_list(db, "", f->inspector_id, day->start,
				       day->end, cb, ctx, err)
		     : 0) == 0 &&
	    (rc = day_walk(db, env, "", day, now, f, last_shift, out,
			   err)) == 0 &&
	    (rc = store_shift_open(db, f->inspector_id, &out->shift, err)) == 1)
		out->has_shift = 1;
	if (rc >= 0)
		rc = assess_sum(db, "inspector", a->user->username, 0, day->ymd,
				day->ymd, &out->counters, err);
	db_rollback(db);
	if (rc)
		patrol_figures_free(f);
	return rc;
}

int patrol_prune(struct db *db, int keep_days, int64_t now, int64_t *removed,
		 struct ug_error *err)
{
	*removed = 0;
	if (keep_days < 1 || keep_days > 36500)
		return ug_fail(err, UG_EINVAL, "keep-days",
			       "keep-days must be 1 to 36500");
	return store_point_prune(db, now - (int64_t)keep_days * 86400, removed,
				 err);
}
