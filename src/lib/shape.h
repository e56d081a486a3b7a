/*
 * shape.h - polygons in longitude/latitude (or any planar x/y), owned by
 * the caller, and their portable encodings: WKB for the database (PostGIS
 * reads it with ST_GeomFromWKB) and GeoJSON geometry text for the API.
 * Pure data: validity (self-intersection, nesting) is geo/geom.h's job.
 */
#ifndef UG_SHAPE_H
#define UG_SHAPE_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/error.h"

/* A ring as given: n points, closed (last == first) once checked. */
struct shape_ring {
	double *x; /* longitude, or easting in a projected system */
	double *y; /* latitude, or northing */
	size_t n;
};

/* rings[0] is the outer ring, the others its holes. */
struct shape_polygon {
	struct shape_ring *rings;
	size_t nrings;
};

/* A Polygon (npolygons == 1) or MultiPolygon.  All memory hangs from the
 * struct and is released by shape_free(). */
struct shape {
	struct shape_polygon *polygons;
	size_t npolygons;
};

struct shape_bbox {
	double minx, miny, maxx, maxy;
};

/* Free everything the shape owns and zero it.  NULL and a zeroed shape
 * are accepted. */
void shape_free(struct shape *s);

/* Deep copy.  UG_ENOMEM on failure (dst zeroed). */
int shape_copy(struct shape *dst, const struct shape *src,
	       struct ug_error *err);

/* Append a polygon with `nrings` empty rings; returns it, or NULL on
 * allocation failure.  Then shape_ring_set() fills each ring. */
struct shape_polygon *shape_add_polygon(struct shape *s, size_t nrings);
/* Copy n points into ring r (replacing what it held).  UG_ENOMEM. */
int shape_ring_set(struct shape_ring *r, const double *x, const double *y,
		   size_t n, struct ug_error *err);

/* Bounding box of every point.  An empty shape gives minx > maxx. */
void shape_bbox(const struct shape *s, struct shape_bbox *bb);

/* Number of points in all rings. */
size_t shape_points(const struct shape *s);

/*
 * Structural check of a shape meant as lon/lat degrees: at least one
 * polygon, every ring closed with >= 4 points, every coordinate finite
 * and in range (lon -180..180, lat -90..90).  0, or UG_EINVAL with a
 * message naming polygon, ring and point ("polygon 2 ring 0: only 3
 * points", "polygon 1 ring 1 point 7: latitude 95 out of range").
 */
int shape_check_lonlat(const struct shape *s, struct ug_error *err);

/*
 * WKB (ISO/OGC well-known binary, little-endian, 2D) of the shape: a
 * Polygon when it has one polygon, else a MultiPolygon.  Appends to out.
 * UG_ENOMEM.
 */
int shape_to_wkb(const struct shape *s, struct buf *out,
		 struct ug_error *err);

/*
 * Decode WKB (either byte order; Polygon or MultiPolygon; 2D only) into
 * *s (which must be zeroed; on error it is left zeroed).  Every count is
 * checked against the bytes left, so hostile input cannot make it
 * allocate more than a small multiple of n.  UG_EINVAL naming the offset
 * and the problem, UG_ENOMEM.
 */
int shape_from_wkb(const void *wkb, size_t n, struct shape *s,
		   struct ug_error *err);

/*
 * GeoJSON geometry object text ({"type":"Polygon","coordinates":...} or
 * MultiPolygon), coordinates printed with `decimals` digits after the
 * point (7 is about 1 cm in degrees).  Appends to out.  UG_ENOMEM.
 */
int shape_to_geojson(const struct shape *s, int decimals, struct buf *out,
		     struct ug_error *err);

#endif
