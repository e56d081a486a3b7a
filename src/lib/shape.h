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

/* Append a polygon with `nrings` empty rings (none when 0); returns it,
 * or NULL on allocation failure (the shape is unchanged then).  Then
 * shape_ring_set() or shape_ring_alloc() fills each ring.  The pointer
 * is valid until the next shape_add_polygon() on the same shape. */
struct shape_polygon *shape_add_polygon(struct shape *s, size_t nrings);
/* Copy n points into ring r (replacing what it held; x and y may point
 * into r itself, and may be NULL when n is 0).  UG_ENOMEM, and then r
 * keeps what it held. */
int shape_ring_set(struct shape_ring *r, const double *x, const double *y,
		   size_t n, struct ug_error *err);
/* Make ring r hold n points whose values the caller then writes into
 * r->x and r->y (what it held is released).  UG_ENOMEM as above. */
int shape_ring_alloc(struct shape_ring *r, size_t n, struct ug_error *err);

/* Bounding box of every point.  An empty shape gives minx > maxx
 * (+inf and -inf). */
void shape_bbox(const struct shape *s, struct shape_bbox *bb);

/* Number of points in all rings. */
size_t shape_points(const struct shape *s);

/*
 * Structural check of a shape meant as lon/lat degrees: at least one
 * polygon, at least one ring per polygon, every ring closed with >= 4
 * points, every coordinate finite and in range (lon -180..180, lat
 * -90..90).  0, or UG_EINVAL for the first problem found, with a
 * message naming polygon, ring and point, all counted from 0
 * ("polygon 2 ring 0: only 3 points (a ring needs 4 or more)",
 * "polygon 1 ring 1 point 7: latitude 95 out of range (-90..90)",
 * "polygon 0 ring 0: not closed (last point 4 differs from point 0)");
 * err->field is left empty for the caller to set.
 */
int shape_check_lonlat(const struct shape *s, struct ug_error *err);

/*
 * WKB (ISO/OGC well-known binary, little-endian, 2D) of the shape: a
 * Polygon when it has one polygon, else a MultiPolygon (an empty shape
 * gives the empty MultiPolygon).  Doubles are copied bit for bit, so
 * shape_from_wkb() gives back exactly the same shape.  Appends to out
 * (unchanged on error).  UG_ENOMEM; UG_ETOOBIG when a count does not fit
 * WKB's 32 bits.
 */
int shape_to_wkb(const struct shape *s, struct buf *out,
		 struct ug_error *err);

/*
 * Decode WKB (either byte order, also per polygon inside a MultiPolygon;
 * Polygon or MultiPolygon; 2D only) into *s (its old content is not
 * freed: pass a zeroed or freed shape; on error it is left zeroed).  The
 * geometry must take exactly n bytes.  Z, M and ZM types (ISO 1003...)
 * and PostGIS EWKB (Z/M/SRID flags: ST_AsEWKB output) are refused with a
 * message saying so.  Every count is checked against the bytes left, so
 * hostile input cannot make it allocate more than a small multiple of n.
 * Coordinates are not checked (NaN passes: see shape_check_lonlat()).
 * UG_EINVAL naming the offset and the problem ("WKB offset 13: point
 * count 1000 needs at least 16000 bytes, only 32 left"), UG_ENOMEM.
 */
int shape_from_wkb(const void *wkb, size_t n, struct shape *s,
		   struct ug_error *err);

/*
 * GeoJSON geometry object text, without spaces:
 * {"type":"Polygon","coordinates":[[[116.4,39.9],...]]} for one polygon,
 * else MultiPolygon (an empty shape gives "coordinates":[]).  Each
 * coordinate is rounded to `decimals` digits after the point (7 is about
 * 1 cm in degrees) and printed without trailing zeros ("116.4", "39",
 * never "-0"; but 1e20 as "100000000000000000000.0", so that no reader
 * takes it for a too big integer).  decimals >= 17 (or < 0) prints every
 * coordinate exactly, in the fewest digits that read back as the same
 * double (so -0.0 and 1e-300 survive a round trip through
 * geojson_polygon()).  Always '.' as decimal point, whatever the locale.
 * Appends to out (unchanged on error).  UG_EINVAL naming polygon, ring
 * and point when a coordinate is NaN or infinite (JSON has no such
 * numbers), UG_ENOMEM.
 */
int shape_to_geojson(const struct shape *s, int decimals, struct buf *out,
		     struct ug_error *err);

/*
 * The part of the segment (x0, y0) + t (x1 - x0, y1 - y0), t in [0, 1],
 * inside the closed box {minx, miny, maxx, maxy} (Liang-Barsky): 1 with
 * *t0 <= *t1, or 0 when the segment misses the box.  Division rounds: a
 * segment that only touches the border may come out either way, the
 * same way every time.
 */
int shape_segment_clip(const double box[4], double x0, double y0, double x1,
		       double y1, double *t0, double *t1);

#endif
