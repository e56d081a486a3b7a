/*
 * demo_patrol.c - beats and a day of tracks for the demo (see
 * demo_patrol.h).  Each inspector's walk is a nearest-neighbour tour of
 * its beat's grids, from a grid of its own choosing: the way a person on
 * foot goes from one block to the next.
 */
#include "tools/demo/demo_patrol.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/patrol/patrol.h"
#include "store/spatial/spatial.h"
#include "tools/demo/demo_cases.h"
#include "tools/demo/demo_geo.h"
#include "tools/demo/demo_rand.h"

/* Metres per degree near Beijing's latitude (a city is small enough for
 * the plane). */
#define M_PER_DEG_LAT 110540.0
#define M_PER_DEG_LON(lat) (111320.0 * cos((lat) * M_PI / 180.0))

static void toward(double lon, double lat, double dx_m, double dy_m,
		   double *olon, double *olat)
{
	*olon = lon + dx_m / M_PER_DEG_LON(lat);
	*olat = lat + dy_m / M_PER_DEG_LAT;
}

static double metres(const double a[2], const double b[2])
{
	double dx = (b[0] - a[0]) * M_PER_DEG_LON(a[1]);
	double dy = (b[1] - a[1]) * M_PER_DEG_LAT;

	return sqrt(dx * dx + dy * dy);
}

/* Waypoint j of the walk: along the beat, back, along again... */
static const double *waypoint(const double (*way)[2], size_t n, size_t j)
{
	size_t round = 2 * (n - 1), r;

	if (n < 2)
		return way[0];
	r = j % round;
	return way[r < n ? r : round - r];
}

void demo_walker_init(struct demo_walker *w, const double (*way)[2],
		      size_t n, double speed)
{
	memset(w, 0, sizeof *w);
	w->way = way;
	w->n = n;
	w->speed = speed;
	if (n) {
		w->pos[0] = way[0][0];
		w->pos[1] = way[0][1];
	}
}

void demo_walker_resume(struct demo_walker *w, double lon, double lat)
{
	const double here[2] = { lon, lat };
	double best = INFINITY;

	for (size_t j = 0; j < w->n; j++) {
		double d = metres(here, w->way[j]);

		if (d < best) {
			best = d;
			w->leg = j;
		}
	}
	w->along = 0;
	w->pos[0] = lon;
	w->pos[1] = lat;
}

void demo_walker_fix(const struct demo_walker *w, uint64_t *seed,
		     double *lon, double *lat)
{
	/* A phone's fix wanders by a few metres. */
	toward(w->pos[0], w->pos[1], 6 * (demo_rnd_unit(seed) - 0.5),
	       6 * (demo_rnd_unit(seed) - 0.5), lon, lat);
}

void demo_walker_step(struct demo_walker *w, int64_t t, uint64_t *seed)
{
	/* (hops: waypoints in one place must not hold the walk) */
	double budget = w->speed * DEMO_TRACK_STEP_S;

	if (t < w->pause_until || w->n < 2)
		return;
	for (int hops = 0; budget > 0 && hops < 1000; hops++) {
		const double *from = waypoint(w->way, w->n, w->leg);
		const double *to = waypoint(w->way, w->n, w->leg + 1);
		double len = metres(from, to), f;

		if (w->along + budget < len) {
			w->along += budget;
			budget = 0;
		} else {
			budget -= len - w->along;
			w->along = 0;
			w->leg++;
			from = to;
			to = waypoint(w->way, w->n, w->leg + 1);
			len = metres(from, to);
			/* One waypoint in eight: a stop to look, photo and
			 * report (2-6 minutes). */
			if (demo_rnd_below(seed, 8) == 0) {
				w->pause_until =
					t + 120 + demo_rnd_below(seed, 240);
				budget = 0;
			}
		}
		f = len > 0 ? w->along / len : 0;
		w->pos[0] = from[0] + f * (to[0] - from[0]);
		w->pos[1] = from[1] + f * (to[1] - from[1]);
	}
}

size_t demo_walk(const double (*way)[2], size_t n, int64_t start,
		 int64_t end, double speed, uint64_t *seed,
		 struct demo_track_point *out, size_t max)
{
	struct demo_walker w;
	size_t k = 0;

	if (!n)
		return 0;
	demo_walker_init(&w, way, n, speed);
	for (int64_t t = start; t <= end && k < max;
	     t += DEMO_TRACK_STEP_S) {
		demo_walker_fix(&w, seed, &out[k].lon, &out[k].lat);
		out[k++].t = t;
		demo_walker_step(&w, t + DEMO_TRACK_STEP_S, seed);
	}
	return k;
}

/* ---- the beats ---------------------------------------------------------- */

struct grid_point {
	char code[16];
	char street[10];
	double at[2]; /* the middle of its box */
};

struct grid_list {
	struct grid_point *g;
	size_t n, cap;
};

static int take_grid(void *ctx, const struct grid_row *r)
{
	struct grid_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct grid_point *g = realloc(l->g, cap * sizeof *g);

		if (!g)
			return -UG_ENOMEM;
		l->g = g;
		l->cap = cap;
	}
	snprintf(l->g[l->n].code, sizeof l->g[l->n].code, "%s", r->code);
	snprintf(l->g[l->n].street, sizeof l->g[l->n].street, "%s", r->street);
	l->g[l->n].at[0] = (r->min_lon + r->max_lon) / 2;
	l->g[l->n].at[1] = (r->min_lat + r->max_lat) / 2;
	l->n++;
	return 0;
}

/* Order g[0..n) as a nearest-neighbour tour from g[first]. */
static void tour(struct grid_point *g, size_t n, size_t first)
{
	struct grid_point tmp;

	if (!n)
		return;
	tmp = g[0], g[0] = g[first], g[first] = tmp;
	for (size_t i = 1; i < n; i++) {
		size_t best = i;
		double bd = metres(g[i - 1].at, g[i].at);

		for (size_t j = i + 1; j < n; j++) {
			double d = metres(g[i - 1].at, g[j].at);

			if (d < bd)
				bd = d, best = j;
		}
		tmp = g[i], g[i] = g[best], g[best] = tmp;
	}
}

static int assign(struct db *db, const struct case_env *env,
		  const struct actor *by, const struct user *inspector,
		  const struct grid_point *g, size_t n,
		  const struct patrol_day *today, int64_t now,
		  struct ug_error *err)
{
	const char *codes[PATROL_BEAT_GRIDS_MAX];
	int rc = 0;

	for (size_t done = 0; rc == 0 && done < n;) {
		size_t k = 0;

		while (k < PATROL_BEAT_GRIDS_MAX && done + k < n) {
			codes[k] = g[done + k].code;
			k++;
		}
		rc = patrol_beats_assign(db, env, by, inspector->id, codes, k,
					 today, now, NULL, NULL, err);
		done += k;
	}
	return rc;
}

/* One shift along the beat g[0..n) (already in tour order) from `start`
 * to `end`, posted as the inspector would. */
static int walk_beat(struct db *db, const struct case_env *env,
		     const struct user *inspector, const struct grid_point *g,
		     size_t n, int64_t start, int64_t end, int64_t now,
		     uint64_t *s, size_t *points, struct ug_error *err)
{
	size_t max = (size_t)((end - start) / DEMO_TRACK_STEP_S) + 1, k;
	double (*way)[2] = malloc(n * sizeof *way);
	struct demo_track_point *tp = malloc(max * sizeof *tp);
	struct patrol_point_in *pin = malloc(max * sizeof *pin);
	struct shift_row shift;
	struct actor a;
	int rc;

	if (!way || !tp || !pin) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		way[i][0] = g[i].at[0], way[i][1] = g[i].at[1];
	k = demo_walk((const double (*)[2])way, n, start, end,
		      DEMO_WALK_MIN_MS + (DEMO_WALK_MAX_MS - DEMO_WALK_MIN_MS) *
						 demo_rnd_unit(s),
		      s, tp, max);
	for (size_t i = 0; i < k; i++)
		pin[i] = (struct patrol_point_in){ tp[i].lon, tp[i].lat,
						   tp[i].t,
						   5 + 10 * demo_rnd_unit(s) };
	actor_of(inspector, "", &a);
	if ((rc = patrol_shift_start(db, &a, start, now, &shift, err)))
		goto out;
	for (size_t done = 0; rc == 0 && done < k;) {
		size_t m = k - done < PATROL_POINTS_MAX ? k - done
							: PATROL_POINTS_MAX;
		size_t accepted = 0;

		rc = patrol_track_add(db, env, &a, 0, pin + done, m, now,
				      &accepted, err);
		*points += accepted;
		done += m;
	}
	if (rc == 0)
		rc = patrol_shift_end(db, &a, shift.id,
				      k ? tp[k - 1].t + 1 : start + 1, now,
				      &shift, err);
out:
	free(way);
	free(tp);
	free(pin);
	return rc;
}

/* What both the day's walks and the live ones start from: the staff,
 * the `inspector` login, every grid of the city, today. */
static int load_city(struct db *db, const struct case_env *env, int64_t now,
		     struct demo_staff *staff, struct user *own,
		     struct grid_list *grids, struct patrol_day *today,
		     struct ug_error *err)
{
	int rc;

	if ((rc = demo_staff_load(db, now, staff, err)) ||
	    (rc = store_user_by_name(db, "inspector", own, NULL, err)) ||
	    (rc = store_grids_in_bbox(db, DEMO_MIN_LON - 0.05,
				      DEMO_MIN_LAT - 0.05, DEMO_MAX_LON + 0.05,
				      DEMO_MAX_LAT + 0.05, 1000000, take_grid,
				      grids, err)))
		return rc;
	return patrol_day_parse(env, NULL, now, "date", today, err);
}

int demo_patrol(struct db *db, const struct case_env *env, int64_t now,
		uint64_t seed, struct demo_patrol_stats *st,
		struct ug_error *err)
{
	struct demo_staff *staff = calloc(1, sizeof *staff);
	struct grid_list grids = { NULL, 0, 0 };
	struct patrol_day today, walked;
	struct user own;
	struct actor leader;
	uint64_t s = seed ? seed : 0xD1B54A32D192ED03ULL;
	int64_t local = now + env->utc_offset, morning;
	int rc;

	memset(st, 0, sizeof *st);
	if (!staff) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = load_city(db, env, now, staff, &own, &grids, &today, err)))
		goto out;
	/* Today's walk from 08:30, or yesterday's when it has not begun. */
	morning = now - local % 86400 + 8 * 3600 + 1800;
	if (now < morning + 1800)
		morning -= 86400;
	if ((rc = patrol_day_parse(env, NULL, morning, "date", &walked, err)))
		goto out;
	snprintf(st->day, sizeof st->day, "%s", walked.text);
	actor_of(&staff->shift_leader, "", &leader);
	for (int i = 0; i < staff->ninspectors; i++) {
		const struct user *insp = &staff->inspector[i];
		struct grid_point *beat = NULL;
		size_t n = 0, cap = 0, mine = 0;
		int64_t start = morning + demo_rnd_below(&s, 1200);
		int64_t end = morning + 9 * 3600 - demo_rnd_below(&s, 1200);

		if (end > now - 60)
			end = now - 60;

		for (size_t j = 0; j < grids.n; j++) {
			if (strcmp(grids.g[j].street, insp->unit_code) != 0)
				continue;
			if (n == cap) {
				struct grid_point *p;

				cap = cap ? cap * 2 : 256;
				if (!(p = realloc(beat, cap * sizeof *p))) {
					free(beat);
					rc = ug_fail(err, UG_ENOMEM, NULL,
						     "out of memory");
					goto out;
				}
				beat = p;
			}
			beat[n++] = grids.g[j];
		}
		if (!n) {
			free(beat);
			continue;
		}
		tour(beat, n, (size_t)demo_rnd_below(&s, (int)n));
		/* The `inspector` login answers for the first grids of its
		 * street's tour; the street's inspector for the rest. */
		if (strcmp(own.unit_code, insp->unit_code) == 0 &&
		    n > 2 * DEMO_OWN_BEAT_GRIDS) {
			mine = DEMO_OWN_BEAT_GRIDS;
			rc = assign(db, env, &leader, &own, beat, mine, &today,
				    now, err);
			if (rc == 0)
				rc = walk_beat(db, env, &own, beat, mine, start,
					       end, now, &s, &st->points, err);
			st->inspectors++;
		}
		if (rc == 0)
			rc = assign(db, env, &leader, insp, beat + mine,
				    n - mine, &today, now, err);
		if (rc == 0)
			rc = walk_beat(db, env, insp, beat + mine, n - mine,
				       start, end, now, &s, &st->points, err);
		st->beats += n;
		st->inspectors++;
		free(beat);
		if (rc)
			goto out;
	}
out:
	free(grids.g);
	free(staff);
	return rc;
}

/* ---- today's beats as walks, for the live demo ------------------------ */

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct grid_point *)a)->code,
		      ((const struct grid_point *)b)->code);
}

struct beat_codes {
	const struct grid_list *grids;
	struct grid_point *beat;
	size_t n;
};

static int take_beat(void *ctx, const struct beat_row *b)
{
	struct beat_codes *bc = ctx;
	struct grid_point key, *g;

	if (strlen(b->grid) >= sizeof key.code)
		return 0; /* not a grid code */
	memcpy(key.code, b->grid, strlen(b->grid) + 1);
	g = bsearch(&key, bc->grids->g, bc->grids->n, sizeof key, by_code);
	if (g && bc->n < PATROL_BEAT_GRIDS_MAX)
		bc->beat[bc->n++] = *g;
	return 0;
}

void demo_beat_walks_free(struct demo_beat_walk *w, size_t n)
{
	for (size_t i = 0; w && i < n; i++)
		free(w[i].way);
	free(w);
}

int demo_beat_walks(struct db *db, const struct case_env *env, int64_t now,
		    uint64_t *seed, struct demo_beat_walk **out, size_t *nout,
		    struct ug_error *err)
{
	struct demo_staff *staff = calloc(1, sizeof *staff);
	struct grid_point *beat = malloc(PATROL_BEAT_GRIDS_MAX * sizeof *beat);
	struct grid_list grids = { NULL, 0, 0 };
	struct demo_beat_walk *w = NULL;
	struct patrol_day today;
	struct actor leader;
	size_t n = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	if (!staff || !beat ||
	    !(w = calloc(DEMO_STREETS_MAX + 1, sizeof *w))) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = load_city(db, env, now, staff, &w[0].inspector, &grids,
			    &today, err)))
		goto out;
	qsort(grids.g, grids.n, sizeof *grids.g, by_code);
	actor_of(&staff->shift_leader, "", &leader);
	for (int i = -1; i < staff->ninspectors; i++) {
		struct beat_codes bc = { &grids, beat, 0 };
		struct demo_beat_walk *bw = &w[n];

		if (i >= 0)
			bw->inspector = staff->inspector[i];
		if ((rc = patrol_beats_list(db, env, &leader, NULL,
					    bw->inspector.id, &today, take_beat,
					    &bc, err)))
			goto out;
		if (!bc.n)
			continue;
		tour(beat, bc.n, (size_t)demo_rnd_below(seed, (int)bc.n));
		if (!(bw->way = malloc(bc.n * sizeof *bw->way))) {
			rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
			goto out;
		}
		for (size_t j = 0; j < bc.n; j++)
			bw->way[j][0] = beat[j].at[0], bw->way[j][1] = beat[j].at[1];
		bw->n = bc.n;
		n++;
	}
	*out = w;
	*nout = n;
	w = NULL;
out:
	demo_beat_walks_free(w, n);
	free(grids.g);
	free(beat);
	free(staff);
	return rc;
}
