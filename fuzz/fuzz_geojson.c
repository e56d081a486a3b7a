/*
 * fuzz_geojson.c - libFuzzer target for the GeoJSON reader
 * (lib/geojson.h), which reads grid and component files given to the
 * import commands and uploads.
 *
 * Input: the document.  jansson parsing the whole text at once is the
 * oracle for the reader's own walk over the top level: the text is
 * malformed for one exactly when it is for the other, and a
 * FeatureCollection delivers exactly its features, in order, with their
 * properties.  Every feature keeps the reader's promises (kind and error
 * agree, properties an object, shapes non-empty and finite), and every
 * polygon survives WKB (shape_to_wkb, shape_from_wkb) and GeoJSON text
 * (shape_to_geojson with 17 decimals, geojson_polygon) bit for bit, and
 * 7 decimals within 1e-7.
 */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/geojson.h"
#include "lib/shape.h"
#include "lib/util.h"
#include "shape_check.h"

#include "check.h"

static void check_polygon(const struct shape *s)
{
	struct buf wkb = BUF_INIT;
	struct shape back;
	struct shape_bbox bb;
	struct ug_error err;
	int rc;

	CHECK(s->npolygons >= 1);
	CHECK(shape_points(s) <= 16777216);
	shape_bbox(s, &bb);
	for (size_t i = 0; i < s->npolygons; i++) {
		CHECK(s->polygons[i].nrings >= 1);
		for (size_t j = 0; j < s->polygons[i].nrings; j++) {
			const struct shape_ring *r = &s->polygons[i].rings[j];

			CHECK(r->n >= 1);
			for (size_t k = 0; k < r->n; k++) {
				CHECK(isfinite(r->x[k]) && isfinite(r->y[k]));
				CHECK(r->x[k] >= bb.minx && r->x[k] <= bb.maxx);
				CHECK(r->y[k] >= bb.miny && r->y[k] <= bb.maxy);
			}
		}
	}

	CHECK(shape_to_wkb(s, &wkb, &err) == 0);
	CHECK(shape_from_wkb(wkb.data, wkb.len, &back, &err) == 0);
	CHECK(fuzz_shape_same(s, &back, 0));
	shape_free(&back);
	buf_free(&wkb);

	CHECK(shape_copy(&back, s, &err) == 0);
	CHECK(fuzz_shape_same(s, &back, 0));
	shape_free(&back);

	fuzz_geojson_round_trip(s, 17, 0);
	/* Rounded to 7 decimals, then read back to the nearest double. */
	fuzz_geojson_round_trip(s, 7, 1.0000001e-7);

	rc = shape_check_lonlat(s, &err);
	CHECK(rc == 0 || (rc == -UG_EINVAL &&
			  strncmp(err.message, "polygon ", 8) == 0));
}

struct run {
	size_t features;
	json_t *oracle; /* the "features" array per jansson, or NULL */
};

static int feature_cb(void *ctx, const struct geojson_feature *f)
{
	struct run *run = ctx;

	CHECK(f->index == run->features);
	run->features++;
	CHECK(json_is_object(f->properties));
	switch (f->kind) {
	case GEOJSON_NONE:
		CHECK(f->error != NULL && f->error[0] != '\0');
		CHECK(ug_utf8_valid(f->error, strlen(f->error)));
		CHECK(f->shape.npolygons == 0 && f->shape.polygons == NULL);
		break;
	case GEOJSON_POINT:
		CHECK(f->error == NULL);
		CHECK(isfinite(f->x) && isfinite(f->y));
		CHECK(f->shape.npolygons == 0);
		break;
	case GEOJSON_POLYGON:
		CHECK(f->error == NULL);
		check_polygon(&f->shape);
		break;
	default:
		CHECK(!"unknown kind");
	}
	if (run->oracle) {
		json_t *want = json_array_get(run->oracle, f->index);
		json_t *props = json_object_get(want, "properties");

		CHECK(want != NULL);
		if (json_is_object(props))
			CHECK(json_equal(props, f->properties));
		else
			CHECK(json_object_size(f->properties) == 0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct run run = { 0, NULL };
	struct ug_error err;
	json_error_t jerr;
	json_t *whole;
	size_t skip = 0;
	const char *type;
	int rc, collection;

	/* The oracle: the whole text through jansson (after the byte-order
	 * mark the reader skips). */
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	whole = json_loadb(text + skip, size - skip, JSON_DECODE_ANY, &jerr);
	type = json_string_value(json_object_get(whole, "type"));
	collection = type && strcmp(type, "FeatureCollection") == 0 &&
		     json_is_array(json_object_get(whole, "features"));
	if (collection)
		run.oracle = json_object_get(whole, "features");

	ug_error_clear(&err);
	rc = geojson_read(text, size, feature_cb, &run, &err);
	if (rc != 0) {
		CHECK(rc == -UG_EINVAL);
		CHECK(err.code == UG_EINVAL);
		CHECK(ug_utf8_valid(err.message, strlen(err.message)));
		/* Document errors come before any feature. */
		CHECK(run.features == 0);
	}
	if (memchr(data, '\0', size)) {
		/* Refused wherever jansson would let it pass. */
		CHECK(rc == -UG_EINVAL &&
		      strncmp(err.message, "malformed JSON at line ", 23) == 0);
	} else if (!whole) {
		/* jansson counts nesting from the document, the reader
		 * from each feature: only jansson can hit its depth limit. */
		if (!strstr(jerr.text, "depth"))
			CHECK(rc == -UG_EINVAL &&
			      strncmp(err.message, "malformed JSON at line ",
				      23) == 0);
	} else if (collection) {
		CHECK(rc == 0);
		CHECK(run.features == json_array_size(run.oracle));
	} else {
		CHECK(rc == -UG_EINVAL);
		CHECK(strncmp(err.message, "malformed JSON", 14) != 0);
	}
	json_decref(whole);
	return 0;
}
