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
	struct shape shape;        /* owned by the reader: copy to keep */
	double x, y;               /* the Point's coordinates */
	json_t *properties;        /* borrowed; an object, never NULL (an
				      empty object when absent or null) */
	/* When the feature could not be decoded: kind is GEOJSON_NONE and
	 * this says why ("geometry.coordinates[0][2]: expected a number"). */
	const char *error;
};

/*
 * Called once per feature, in order.  Return 0 to go on, anything else
 * to stop: geojson_read then returns that value.
 */
typedef int (*geojson_feature_cb)(void *ctx,
				  const struct geojson_feature *f);

/*
 * Parse `len` bytes of `text` and call cb for every feature.  Returns 0,
 * the callback's non-zero value, or a negative UG_E* code with err
 * filled: UG_EINVAL when the text is not JSON (message with line and
 * column) or not a FeatureCollection with a "features" array, UG_ETOOBIG
 * when a feature has more than 16,777,216 points, UG_ENOMEM.
 */
int geojson_read(const char *text, size_t len, geojson_feature_cb cb,
		 void *ctx, struct ug_error *err);

/* The same, from a file (UG_EIO naming the file if it cannot be read). */
int geojson_read_file(const char *path, geojson_feature_cb cb, void *ctx,
		      struct ug_error *err);

/*
 * Decode one geometry object (Polygon or MultiPolygon) into *s (zeroed
 * before the call; left zeroed on error).  UG_EINVAL with err->field set
 * to the JSON path of the problem, UG_ETOOBIG, UG_ENOMEM.
 */
int geojson_polygon(json_t *geometry, struct shape *s, struct ug_error *err);

#endif
