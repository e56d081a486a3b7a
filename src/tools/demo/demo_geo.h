/*
 * demo_geo.h - unit grids and a components census for the demo district
 * (北京市东城区).  The shapes are drawn, not surveyed: one wavy band per
 * street, one slice per community, cut into ~10,000 m² grids by the grid
 * generator; then components of common classes at pseudo-random points.
 * Same database, same result every time (no randomness from the clock).
 */
#ifndef UG_DEMO_GEO_H
#define UG_DEMO_GEO_H

#include <stddef.h>
#include <stdint.h>

#include "tools/demo/demo.h"
#include "lib/error.h"
#include "store/db.h"

#define DEMO_DISTRICT_CODE DEMO_DISTRICT
/* The box the demo draws 东城区 in (the real district lies about
 * 116.38-116.45 E, 39.86-39.97 N). */
#define DEMO_MIN_LON 116.390
#define DEMO_MAX_LON 116.440
#define DEMO_MIN_LAT 39.865
#define DEMO_MAX_LAT 39.965

struct demo_geo_stats {
	size_t communities;
	size_t grids;
	size_t components;
	double area_m2;
};

/* Needs the district's divisions (demo_build) in the database. */
int demo_geography(struct db *db, int64_t now, struct demo_geo_stats *st,
		   struct ug_error *err);

#endif
