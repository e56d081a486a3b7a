/*
 * shape_check.h - invariants shared by the fuzz targets that produce
 * shapes (fuzz_geojson.c, fuzz_wkb.c): comparing two shapes, and the
 * round trip through GeoJSON text.  A failed invariant aborts with the
 * file and line, as CHECK() does in every target.
 */
#ifndef UG_FUZZ_SHAPE_CHECK_H
#define UG_FUZZ_SHAPE_CHECK_H

#include "lib/shape.h"

/* 1 when a and b have the same polygons, rings and point counts, and
 * coordinates bit for bit (tolerance 0: NaN and -0 included) or within
 * `tolerance`. */
int fuzz_shape_same(const struct shape *a, const struct shape *b,
		    double tolerance);

/* shape_to_geojson() with `decimals` must give text that jansson parses
 * and geojson_polygon() reads back as s, within `tolerance`. */
void fuzz_geojson_round_trip(const struct shape *s, int decimals,
			     double tolerance);

#endif
