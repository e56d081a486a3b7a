/*
 * fuzz_wkb.c - libFuzzer target for the WKB reader (lib/shape.h), which
 * reads polygons back from the database and from imports.
 *
 * Input: the WKB bytes.  A refusal must be UG_EINVAL naming the offset
 * (or UG_ENOMEM) with the shape left zeroed.  A shape that is read must
 * re-encode to WKB that reads back bit for bit, and re-encodes to the
 * same bytes; when the input was already in the writer's form
 * (little-endian throughout) the re-encoding must be the input itself.
 * Shapes that GeoJSON can carry must also survive shape_to_geojson()
 * with 17 decimals and geojson_polygon() bit for bit.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/shape.h"
#include "lib/util.h"
#include "shape_check.h"

#include "check.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* 1 when every polygon header of a MultiPolygon input (their places
 * follow from the decoded shape) says little-endian. */
static int nested_all_le(const uint8_t *data, const struct shape *s)
{
	size_t at = 9;

	for (size_t i = 0; i < s->npolygons; i++) {
		const struct shape_polygon *p = &s->polygons[i];

		if (data[at] != 1)
			return 0;
		at += 9;
		for (size_t j = 0; j < p->nrings; j++)
			at += 4 + 16 * p->rings[j].n;
	}
	return 1;
}

/* Whether GeoJSON can carry the shape: a polygon at least, a ring per
 * polygon, a point per ring, finite numbers. */
static int geojson_can_carry(const struct shape *s)
{
	if (s->npolygons == 0)
		return 0;
	for (size_t i = 0; i < s->npolygons; i++) {
		if (s->polygons[i].nrings == 0)
			return 0;
		for (size_t j = 0; j < s->polygons[i].nrings; j++) {
			const struct shape_ring *r = &s->polygons[i].rings[j];

			if (r->n == 0)
				return 0;
			for (size_t k = 0; k < r->n; k++)
				if (!isfinite(r->x[k]) || !isfinite(r->y[k]))
					return 0;
		}
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shape s, again;
	struct buf wkb = BUF_INIT, wkb2 = BUF_INIT;
	struct ug_error err;
	int rc;

	memset(&s, 0x5A, sizeof s);
	ug_error_clear(&err);
	rc = shape_from_wkb(data, size, &s, &err);
	if (rc != 0) {
		CHECK(rc == -UG_EINVAL || rc == -UG_ENOMEM);
		CHECK(err.code == -rc);
		CHECK(s.polygons == NULL && s.npolygons == 0);
		CHECK(ug_utf8_valid(err.message, strlen(err.message)));
		if (rc == -UG_EINVAL)
			CHECK(strncmp(err.message, "WKB offset ", 11) == 0);
		return 0;
	}
	/* Every point took 16 bytes of input, every ring 4 more. */
	CHECK(size >= 9 && shape_points(&s) <= size / 16);

	CHECK(shape_to_wkb(&s, &wkb, &err) == 0);
	CHECK(shape_from_wkb(wkb.data, wkb.len, &again, &err) == 0);
	CHECK(fuzz_shape_same(&s, &again, 0));
	CHECK(shape_to_wkb(&again, &wkb2, &err) == 0);
	CHECK(wkb2.len == wkb.len && memcmp(wkb.data, wkb2.data, wkb.len) == 0);
	shape_free(&again);

	/* Input already in the writer's form comes back unchanged; a
	 * MultiPolygon of one polygon is written as that Polygon. */
	if (data[0] == 1 && le32(data + 1) == 3) {
		CHECK(wkb.len == size && memcmp(wkb.data, data, size) == 0);
	} else if (data[0] == 1 && le32(data + 1) == 6 &&
		   nested_all_le(data, &s)) {
		if (s.npolygons == 1)
			CHECK(wkb.len == size - 9 &&
			      memcmp(wkb.data, data + 9, wkb.len) == 0);
		else
			CHECK(wkb.len == size &&
			      memcmp(wkb.data, data, size) == 0);
	} else {
		CHECK(wkb.len <= size);
	}

	if (geojson_can_carry(&s))
		fuzz_geojson_round_trip(&s, 17, 0);
	rc = shape_check_lonlat(&s, &err);
	CHECK(rc == 0 || (rc == -UG_EINVAL && err.message[0] != '\0'));

	shape_free(&s);
	buf_free(&wkb);
	buf_free(&wkb2);
	return 0;
}
