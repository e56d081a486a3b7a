/*
 * shape_check.c - invariants shared by the shape fuzz targets (see
 * shape_check.h).
 */
#include "shape_check.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/geojson.h"

#include "check.h"

static int ring_same(const struct shape_ring *a, const struct shape_ring *b,
		     double tolerance)
{
	if (a->n != b->n)
		return 0;
	if (tolerance == 0)
		return a->n == 0 ||
		       (memcmp(a->x, b->x, a->n * sizeof *a->x) == 0 &&
			memcmp(a->y, b->y, a->n * sizeof *a->y) == 0);
	for (size_t k = 0; k < a->n; k++)
		if (fabs(a->x[k] - b->x[k]) > tolerance ||
		    fabs(a->y[k] - b->y[k]) > tolerance)
			return 0;
	return 1;
}

int fuzz_shape_same(const struct shape *a, const struct shape *b,
		    double tolerance)
{
	if (a->npolygons != b->npolygons)
		return 0;
	for (size_t i = 0; i < a->npolygons; i++) {
		const struct shape_polygon *pa = &a->polygons[i];
		const struct shape_polygon *pb = &b->polygons[i];

		if (pa->nrings != pb->nrings)
			return 0;
		for (size_t j = 0; j < pa->nrings; j++)
			if (!ring_same(&pa->rings[j], &pb->rings[j],
				       tolerance))
				return 0;
	}
	return 1;
}

void fuzz_geojson_round_trip(const struct shape *s, int decimals,
			     double tolerance)
{
	struct buf text = BUF_INIT;
	struct shape back;
	struct ug_error err;
	json_error_t jerr;
	json_t *g;

	CHECK(shape_to_geojson(s, decimals, &text, &err) == 0);
	g = json_loadb(text.data, text.len, 0, &jerr);
	if (!g)
		fprintf(stderr, "%s\n%s\n", jerr.text, text.data);
	CHECK(g != NULL);
	CHECK(geojson_polygon(g, &back, &err) == 0);
	CHECK(fuzz_shape_same(s, &back, tolerance));
	shape_free(&back);
	json_decref(g);
	buf_free(&text);
}
