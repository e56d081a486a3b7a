/*
 * crs.h - coordinate reference systems.  Everything is stored in WGS84
 * longitude/latitude (CGCS2000 is treated as identical: the two differ by
 * a few centimetres, far below what a grid or a phone's GPS resolves).
 * Input may come as:
 *   wgs84   GPS, CGCS2000 (EPSG:4326 / 4490)
 *   gcj02   the obfuscated system of Chinese web maps (高德, 腾讯)
 *   bd09    Baidu's, on top of gcj02
 *   EPSG:4534 .. EPSG:4554  CGCS2000 3-degree Gauss-Krüger zones (central
 *           meridians 75°E .. 135°E, no zone prefix), for survey files
 * gcj02 and bd09 use the public forward formulas; their inverses iterate
 * to < 1e-9 degrees (about 0.1 mm).  Outside China's rough extent (lon
 * 72.004..137.8347, lat 0.8293..55.8271) gcj02 equals wgs84, as every
 * public implementation has it; the bd09 offset on top of gcj02 applies
 * everywhere, as in gcoord and eviltransform.  Near the edge of that box
 * gcj02 jumps by up to ~700 m, so points within ~0.01 degree of it may
 * not round-trip.  Projected systems go through PROJ (geo/crs.c is the only
 * file that includes proj.h); their points are (easting, northing) in
 * metres, whatever axis order the EPSG definition lists.
 */
#ifndef UG_CRS_H
#define UG_CRS_H

#include "lib/error.h"
#include "lib/shape.h"

enum crs_kind {
	CRS_WGS84 = 0,
	CRS_GCJ02,
	CRS_BD09,
	CRS_EPSG /* a projected CGCS2000 zone, see crs.epsg */
};

struct crs {
	enum crs_kind kind;
	int epsg; /* with CRS_EPSG: 4534..4554 */
};

/*
 * Parse a name: "wgs84" (also "cgcs2000", "EPSG:4326", "EPSG:4490"),
 * "gcj02", "bd09", "EPSG:4534".."EPSG:4554" (case-insensitive).  0, or
 * UG_EINVAL with field "crs" and a message listing what is accepted.
 */
int crs_parse(const char *name, struct crs *out, struct ug_error *err);

/* The canonical name ("wgs84", "gcj02", "bd09", "EPSG:4545"): a static
 * string, or buf (16 bytes) filled for an EPSG zone. */
const char *crs_name(const struct crs *c, char buf[16]);

/* The public forward conversions and their iterative inverses.  Pure
 * arithmetic, no allocation, thread-safe; no checks (a non-finite input
 * gives a non-finite output): crs_to_wgs84() and crs_from_wgs84() check. */
/* 1 if the point lies in China's rough extent (lon 72.004..137.8347,
 * lat 0.8293..55.8271: the box every public gcj02 implementation tests),
 * else 0. */
int crs_in_china(double lon, double lat);

void crs_wgs84_to_gcj02(double lon, double lat, double *olon, double *olat);
void crs_gcj02_to_wgs84(double lon, double lat, double *olon, double *olat);
void crs_gcj02_to_bd09(double lon, double lat, double *olon, double *olat);
void crs_bd09_to_gcj02(double lon, double lat, double *olon, double *olat);
void crs_wgs84_to_bd09(double lon, double lat, double *olon, double *olat);
void crs_bd09_to_wgs84(double lon, double lat, double *olon, double *olat);

/*
 * A conversion between a CRS and WGS84 for a series of points (one PROJ
 * context when a projected zone is involved; create one per thread).
 * crs_transform_new(): UG_EINVAL (field "crs") for a struct crs that
 * crs_parse() would not produce, UG_ENOMEM, UG_EIO when PROJ cannot
 * build the conversion (proj-data missing).  PROJ never uses the network.
 */
struct crs_transform;

int crs_transform_new(const struct crs *from, struct crs_transform **out,
		      struct ug_error *err);
void crs_transform_free(struct crs_transform *t); /* NULL accepted */

/* (x, y) in the transform's CRS -> WGS84 lon/lat.  UG_EINVAL (field
 * "coordinates", the message names the CRS and the point) when the point
 * cannot be converted: not finite, lon/lat out of -180..180 / -90..90,
 * PROJ refuses it, or, for a zone, it lies more than 3 degrees of
 * longitude from the central meridian (an easting with the zone number
 * in front, swapped axes, another zone's file). */
int crs_to_wgs84(struct crs_transform *t, double x, double y, double *lon,
		 double *lat, struct ug_error *err);
/* WGS84 -> the transform's CRS; the same checks and errors. */
int crs_from_wgs84(struct crs_transform *t, double lon, double lat,
		   double *x, double *y, struct ug_error *err);

/* Every point of a shape to WGS84, in place.  On error (UG_EINVAL whose
 * message names polygon, ring and point, counted from 0; UG_ENOMEM) the
 * shape is left as it was. */
int crs_shape_to_wgs84(struct crs_transform *t, struct shape *s,
		       struct ug_error *err);

/*
 * A local metric projection around (lon0, lat0): Lambert azimuthal
 * equal-area on the GRS80 ellipsoid, so areas computed on projected
 * shapes are true square metres, and distances within a city are within
 * 0.1 % of true.  Through PROJ.
 */
struct crs_local;

int crs_local_new(double lon0, double lat0, struct crs_local **out,
		  struct ug_error *err);
void crs_local_free(struct crs_local *l);
int crs_local_forward(struct crs_local *l, double lon, double lat,
		      double *x, double *y, struct ug_error *err);
int crs_local_inverse(struct crs_local *l, double x, double y, double *lon,
		      double *lat, struct ug_error *err);
/* crs_local_new(): UG_EINVAL for a centre not finite or out of range,
 * UG_ENOMEM, UG_EIO (PROJ).  The point functions fail as crs_to_wgs84().
 * Whole shapes, into *out (zeroed by the caller; left zeroed on error,
 * which names polygon, ring and point); free *out with shape_free(). */
int crs_local_shape_forward(struct crs_local *l, const struct shape *s,
			    struct shape *out, struct ug_error *err);
int crs_local_shape_inverse(struct crs_local *l, const struct shape *s,
			    struct shape *out, struct ug_error *err);

/* Great-circle distance in metres (haversine on a 6,371,008.8 m sphere;
 * within 0.5 % of the ellipsoid, plenty for "within R metres"). */
double crs_distance_m(double lon1, double lat1, double lon2, double lat2);

#endif
