/*
 * demo_patrol.h - 定人定岗 for the demo city: every unit grid gets its
 * responsible inspector (the street's inspector.NNN; the `inspector`
 * login a small beat of its own in street 001), and each inspector walks
 * a day of its beat at walking speed - a shift with a track point every
 * 30 s - all through the patrol domain (domain/patrol), as a shift
 * leader and the inspectors would, so coverage is computed as for any
 * day.
 */
#ifndef UG_DEMO_PATROL_H
#define UG_DEMO_PATROL_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cases/case.h"
#include "store/org/org.h"

#define DEMO_TRACK_STEP_S 30       /* the field page posts every 30 s */
#define DEMO_WALK_MIN_MS 0.9       /* walking speeds, m/s */
#define DEMO_WALK_MAX_MS 1.5
#define DEMO_OWN_BEAT_GRIDS 30     /* the `inspector` login's beat */

struct demo_track_point {
	double lon, lat;
	int64_t t;
};

/* Someone walking a beat (demo_walk's, and the live demo's inspectors). */
struct demo_walker {
	const double (*way)[2]; /* borrowed */
	size_t n, leg;
	double along, speed, pos[2];
	int64_t pause_until;
};
void demo_walker_init(struct demo_walker *w, const double (*way)[2],
		      size_t n, double speed);
/* Take up the walk where the inspector was last seen, (lon, lat): from
 * there, on toward the waypoint after the nearest one - a live demo
 * started after the demo's own walk, whose next point would otherwise
 * jump to the beat's start and be refused as faster than a person. */
void demo_walker_resume(struct demo_walker *w, double lon, double lat);
/* Where the phone says it is: the position with a few metres' wander. */
void demo_walker_fix(const struct demo_walker *w, uint64_t *seed,
		     double *lon, double *lat);
/* Walk on DEMO_TRACK_STEP_S seconds, up to instant t (a stop at a
 * waypoint holds it until its end). */
void demo_walker_step(struct demo_walker *w, int64_t t, uint64_t *seed);

/* Walk from waypoint to waypoint (WGS84 lon/lat pairs, in order; at the
 * last, back again, and so on) at `speed` m/s from `start`, a point every
 * DEMO_TRACK_STEP_S seconds until `end`, now and then stopping a few
 * minutes at a waypoint (a report being written); points wander a few
 * metres as a phone's fix does.  Writes at most `max` points; returns
 * how many. */
size_t demo_walk(const double (*way)[2], size_t n, int64_t start,
		 int64_t end, double speed, uint64_t *seed,
		 struct demo_track_point *out, size_t max);

struct demo_patrol_stats {
	size_t beats;      /* grids given an inspector */
	size_t inspectors; /* who walked */
	size_t points;     /* track points posted */
	char day[11];      /* the day walked, YYYY-MM-DD */
};

/* Give the grids their inspectors from today and walk a day: today from
 * 08:30 until now (17:30 at most), or yesterday when today's walk has not
 * begun.  env needs the calendar's offset and the spatial index.  The
 * demo organisation, grids and staff (demo_staff_load) must exist. */
int demo_patrol(struct db *db, const struct case_env *env, int64_t now,
		uint64_t seed, struct demo_patrol_stats *st,
		struct ug_error *err);

/* The beats in force at `now`, each as a walk: its inspector and its
 * grids' middles in a nearest-neighbour tour (malloc'ed; free with
 * demo_beat_walks_free).  The `inspector` login first, then the streets'
 * inspectors that have a beat. */
struct demo_beat_walk {
	struct user inspector;
	double (*way)[2];
	size_t n;
};
int demo_beat_walks(struct db *db, const struct case_env *env, int64_t now,
		    uint64_t *seed, struct demo_beat_walk **out, size_t *n,
		    struct ug_error *err);
void demo_beat_walks_free(struct demo_beat_walk *w, size_t n);

#endif
