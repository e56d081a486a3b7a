/*
 * geojson.h - read a GeoJSON FeatureCollection (RFC 7946) feature by
 * feature.  A broken document (not JSON, not a FeatureCollection) is one
 * error; a broken feature is reported to the caller with its index and
 * reason and the rest are still read, so an import can keep the good
 * ones.  Polygon, MultiPolygon and Point geometries are decoded; others
 * are reported as unsupported.  No validity checks beyond the structure
 * (see shape_check_lonlat() and geo/geom.h for that).
 */
#ifndef UG_GEOJSON_H
#define UG_GEOJSON_H

#include <stddef.h>

#include <jansson.h>

#include "lib/error.h"
#include "lib/shape.h"

enum geojson_kind {
	GEOJSON_NONE = 0,  /* geometry null or unreadable (see error) */
	GEOJSON_POLYGON,   /* Polygon or MultiPolygon: shape is set */
	GEOJSON_POINT      /* Point: x, y are set */
};

struct geojson_feature {
	size_t index;              /* 0-based position in "features" */
	enum geojson_kind kind;
	struct shape shape;        /* owned by the reader, valid during the
				      callback: shape_copy() to keep */
	double x, y;               /* the Point's coordinates */
	json_t *properties;        /* borrowed; an object, never NULL (an
				      empty object when absent or null) */
	/* NULL when the feature was decoded.  When it could not be: kind
	 * is GEOJSON_NONE, the shape empty, and this says why
	 * ("geometry.coordinates[0][2]: expected a number"), valid during
	 * the callback. */
	const char *error;
};

/*
 * Called once per feature, in order.  Return 0 to go on, anything else
 * to stop: geojson_read then returns that value.
 */
typedef int (*geojson_feature_cb)(void *ctx,
				  const struct geojson_feature *f);

/*
 * Parse `len` bytes of `text` (strict JSON: one value; no NUL bytes,
 * also not as \u0000; a leading UTF-8 byte-order mark is skipped; of
 * duplicate members the last counts) and call cb for every feature.
 * Returns 0, the callback's non-zero value, or a negative UG_E* code
 * with err filled: UG_EINVAL when the text is not JSON (message with
 * line and column) or not a FeatureCollection with a "features" array,
 * UG_ENOMEM.  These document-level errors come before any callback.
 *
 * Everything wrong with one feature is reported through the callback
 * (kind NONE, error set) and the reading goes on: not an object, "type"
 * not "Feature", properties neither object nor null, geometry missing or
 * null ("geometry is null"), of another type ("geometry type LineString
 * is not supported"), or with bad coordinates ("geometry.coordinates[0]
 * [2][1]: expected a number", "geometry.coordinates: more than 16777216
 * points").  A position is an array of 2 or more numbers (integers too;
 * altitude and further members are ignored); a ring needs 1 point to be
 * read (closure and 4 points are shape_check_lonlat()'s job).
 *
 * Memory: besides the text, only one feature's jansson values at a
 * time (the text is checked whole first, then read again to deliver).
 */
int geojson_read(const char *text, size_t len, geojson_feature_cb cb,
		 void *ctx, struct ug_error *err);

/* The same, from a file read whole into memory (UG_EIO naming the file
 * if it cannot be read; document-level messages start with the path). */
int geojson_read_file(const char *path, geojson_feature_cb cb, void *ctx,
		      struct ug_error *err);

/*
 * Decode one geometry object (Polygon or MultiPolygon) into *s (its old
 * content is not freed; left zeroed on error).  UG_EINVAL with
 * err->field set to the JSON path of the problem inside the geometry
 * ("type", "coordinates", "coordinates[0][3][1]") and the message saying
 * what is wrong there ("expected a number", "ring has no points",
 * "polygon has no rings"); UG_ETOOBIG (field "coordinates") for more than
 * 16,777,216 points, counted before anything is allocated; UG_ENOMEM.
 */
int geojson_polygon(json_t *geometry, struct shape *s, struct ug_error *err);

#endif
