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

#define DEMO_TRACK_STEP_S 30       /* the field page posts every 30 s */
#define DEMO_WALK_MIN_MS 0.9       /* walking speeds, m/s */
#define DEMO_WALK_MAX_MS 1.5
#define DEMO_OWN_BEAT_GRIDS 30     /* the `inspector` login's beat */

struct demo_track_point {
	double lon, lat;
	int64_t t;
};

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

#endif
