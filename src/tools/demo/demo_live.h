/*
 * demo_live.h - a demo city that keeps moving while the server runs
 * (`serve --demo-live`): new reports from the street inspectors and the
 * public, and cases moved along their workflow - verified, filed,
 * dispatched, handled with an after-photo, checked, closed, now and then
 * returned, reworked, given more time or left to run late - each through
 * the domain call a user makes (case_intake, case_act, attachment_add),
 * as the demo's own users, at a steady pace and, unless told otherwise,
 * only in the working hours of the working calendar.  Meanwhile the
 * inspectors walk their beats: a shift each, a track point every 30 s
 * (patrol_shift_start, patrol_track_add), ended out of hours.  So the
 * queues, the map, the screen, the live events and the day's coverage
 * have something to show.
 *
 * It runs on a demo database alone (demo_check, demo.h), and it is the
 * caller's loop that drives it (serve's main loop: it stops with the
 * server).
 */
#ifndef UG_DEMO_LIVE_H
#define UG_DEMO_LIVE_H

#include <stdint.h>

#include "domain/cases/case.h"

struct demo_live_config {
	double rate;           /* moves a minute (> 0) */
	int anytime;           /* also outside working hours */
	const char *files_dir; /* where photos go (serve --files) */
	uint64_t seed;         /* 0: from the clock */
};

struct demo_live_stats {
	int64_t reports;  /* new cases filed */
	int64_t actions;  /* workflow actions taken */
	int64_t photos;
	int64_t points;   /* track points posted by the inspectors on shift */
	int64_t failures; /* moves that failed (a user acted first...) */
};

struct demo_live;

/* Refuse a database that is not a demo one (UG_EFORBIDDEN from
 * demo_check), load the demo's users and set the pace from `mono_us` (a
 * monotonic clock in microseconds). */
int demo_live_new(struct db *db, const struct demo_live_config *cfg,
		  int64_t now, int64_t mono_us, struct demo_live **out,
		  struct ug_error *err);

/* Make the moves due by mono_us (a few at most, so a paused clock does
 * not bring a burst), and post the track points due, at wall time `now`
 * with env's calendar.  A move that fails is counted and logged, and the
 * next one goes on; only a failure to load the beats at the first
 * working turn is returned (the inspectors then stay in). */
int demo_live_tick(struct demo_live *dl, struct db *db,
		   const struct case_env *env, int64_t now, int64_t mono_us,
		   struct ug_error *err);

/* The server stops: the inspectors on shift end it (they are the
 * server's). */
void demo_live_stop(struct demo_live *dl, struct db *db,
		    const struct case_env *env, int64_t now);

void demo_live_get_stats(const struct demo_live *dl,
			 struct demo_live_stats *out);
void demo_live_free(struct demo_live *dl); /* NULL accepted */

#endif
