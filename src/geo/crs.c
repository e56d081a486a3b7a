/*
 * crs.c - coordinate reference systems (see crs.h for the contract).
 * Order of this file: names, the gcj02/bd09 formulas and their iterative
 * inverses, the PROJ helpers, transforms to and from WGS84, the local
 * equal-area projection, shapes, distance.  The only file that includes
 * proj.h: the rest of the program never sees a PJ.
 */
#include "geo/crs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <proj.h>

#include "lib/fault.h"
#include "lib/util.h"

#define CRS_PI 3.14159265358979323846

/* The Krasovsky ellipsoid of the gcj02 formulas. */
#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323

/* China's rough extent, as every public implementation tests it. */
#define CHINA_LON_MIN 72.004
#define CHINA_LON_MAX 137.8347
#define CHINA_LAT_MIN 0.8293
#define CHINA_LAT_MAX 55.8271

#define BD_X_PI (CRS_PI * 3000.0 / 180.0)

/* The inverses stop when the forward image of the estimate is this close
 * to the input, in degrees.  Both forward maps are the identity plus an
 * offset whose Lipschitz constant is under 0.03 (gcj02 about 0.003, bd09
 * up to 0.023 at 135E), so the estimate is then within 1.1e-10 degrees
 * of the true inverse (the header promises 1e-9). */
#define CRS_INVERSE_TOL 1e-10
#define CRS_INVERSE_MAX_ITER 30

/* CGCS2000 3-degree Gauss-Krüger zones without zone prefix. */
#define GK_EPSG_FIRST 4534
#define GK_EPSG_LAST 4554
#define GK_CM_FIRST 75.0
/* Farther than this from the central meridian is not a point of the zone
 * but a mistake: a neighbouring zone's file, an easting with its zone
 * number in front, easting and northing swapped.  Twice the half-width
 * of the zone; Gauss-Krüger through PROJ stays exact far beyond. */
#define GK_MAX_DLON 3.0

#define EARTH_MEAN_RADIUS_M 6371008.8

#define CRS_ACCEPTED "wgs84 (also cgcs2000, EPSG:4326, EPSG:4490), gcj02, " \
		     "bd09, or a CGCS2000 3-degree zone EPSG:4534..EPSG:4554"

/* ---- names ----------------------------------------------------------- */

int crs_parse(const char *name, struct crs *out, struct ug_error *err)
{
	static const struct {
		const char *name;
		enum crs_kind kind;
	} names[] = {
		{ "wgs84", CRS_WGS84 },    { "cgcs2000", CRS_WGS84 },
		{ "EPSG:4326", CRS_WGS84 }, { "EPSG:4490", CRS_WGS84 },
		{ "gcj02", CRS_GCJ02 },    { "bd09", CRS_BD09 },
	};
	int epsg;

	if (!name || !*name)
		return ug_fail(err, UG_EINVAL, "crs", "a coordinate system is "
			       "required: " CRS_ACCEPTED);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			out->kind = names[i].kind;
			out->epsg = 0;
			return 0;
		}
	}
	if (strncasecmp(name, "EPSG:", 5) == 0 && strlen(name + 5) == 4 &&
	    ug_is_digits(name + 5, 4)) {
		epsg = atoi(name + 5);
		if (epsg >= GK_EPSG_FIRST && epsg <= GK_EPSG_LAST) {
			out->kind = CRS_EPSG;
			out->epsg = epsg;
			return 0;
		}
	}
	return ug_fail(err, UG_EINVAL, "crs", "unknown coordinate system "
		       "\"%.40s\": use " CRS_ACCEPTED, name);
}

const char *crs_name(const struct crs *c, char buf[16])
{
	switch (c->kind) {
	case CRS_WGS84:
		return "wgs84";
	case CRS_GCJ02:
		return "gcj02";
	case CRS_BD09:
		return "bd09";
	case CRS_EPSG:
		snprintf(buf, 16, "EPSG:%d", c->epsg);
		return buf;
	}
	return "unknown";
}

/* 1 when c is one of the systems crs_parse() produces. */
static int crs_valid(const struct crs *c)
{
	if (c->kind == CRS_EPSG)
		return c->epsg >= GK_EPSG_FIRST && c->epsg <= GK_EPSG_LAST;
	return c->kind == CRS_WGS84 || c->kind == CRS_GCJ02 ||
	       c->kind == CRS_BD09;
}

static double gk_central_meridian(int epsg)
{
	return GK_CM_FIRST + 3.0 * (epsg - GK_EPSG_FIRST);
}

/* ---- gcj02 and bd09 -------------------------------------------------- */

static void crs_identity(double lon, double lat, double *olon, double *olat)
{
	*olon = lon;
	*olat = lat;
}

int crs_in_china(double lon, double lat)
{
	return lon >= CHINA_LON_MIN && lon <= CHINA_LON_MAX &&
	       lat >= CHINA_LAT_MIN && lat <= CHINA_LAT_MAX;
}

/* The two offset polynomials of gcj02, in "metres" of its own making,
 * of x = lon - 105, y = lat - 35.  Both start with the same wave in x. */
static double gcj_wave(double x)
{
	return (20.0 * sin(6.0 * x * CRS_PI) + 20.0 * sin(2.0 * x * CRS_PI)) *
	       2.0 / 3.0;
}

static double gcj_offset_lat(double x, double y)
{
	double d = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y +
		   0.2 * sqrt(fabs(x));

	d += gcj_wave(x);
	d += (20.0 * sin(y * CRS_PI) + 40.0 * sin(y / 3.0 * CRS_PI)) * 2.0 /
	     3.0;
	d += (160.0 * sin(y / 12.0 * CRS_PI) + 320.0 * sin(y * CRS_PI / 30.0)) *
	     2.0 / 3.0;
	return d;
}

static double gcj_offset_lon(double x, double y)
{
	double d = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y +
		   0.1 * sqrt(fabs(x));

	d += gcj_wave(x);
	d += (20.0 * sin(x * CRS_PI) + 40.0 * sin(x / 3.0 * CRS_PI)) * 2.0 /
	     3.0;
	d += (150.0 * sin(x / 12.0 * CRS_PI) + 300.0 * sin(x / 30.0 * CRS_PI)) *
	     2.0 / 3.0;
	return d;
}

void crs_wgs84_to_gcj02(double lon, double lat, double *olon, double *olat)
{
	double dlon, dlat, rlat, s, w;

	if (!crs_in_china(lon, lat)) {
		crs_identity(lon, lat, olon, olat);
		return;
	}
	dlon = gcj_offset_lon(lon - 105.0, lat - 35.0);
	dlat = gcj_offset_lat(lon - 105.0, lat - 35.0);
	rlat = lat / 180.0 * CRS_PI;
	s = sin(rlat);
	w = 1.0 - GCJ_EE * s * s;
	/* Metres to degrees with the ellipsoid's radii of curvature. */
	dlon = dlon * 180.0 / (GCJ_A / sqrt(w) * cos(rlat) * CRS_PI);
	dlat = dlat * 180.0 / (GCJ_A * (1.0 - GCJ_EE) / (w * sqrt(w)) * CRS_PI);
	*olon = lon + dlon;
	*olat = lat + dlat;
}

void crs_gcj02_to_bd09(double lon, double lat, double *olon, double *olat)
{
	double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * BD_X_PI);
	double theta = atan2(lat, lon) + 0.000003 * cos(lon * BD_X_PI);

	*olon = z * cos(theta) + 0.0065;
	*olat = z * sin(theta) + 0.006;
}

/*
 * Invert a forward map by fixed-point iteration: x <- x - (fwd(x) - p).
 * Both maps are the identity plus an offset that changes slowly (see
 * CRS_INVERSE_TOL), so each step gains 1.6 to 2.5 decimal digits: at
 * most five evaluations of the forward map over China (measured on
 * 200,000 points) reach the tolerance.  The cap only matters at the
 * edge of China's box, where the gcj02 map jumps and has no exact
 * inverse: the last estimate is returned.
 */
static void crs_invert(void (*fwd)(double, double, double *, double *),
		       double lon, double lat, double *olon, double *olat)
{
	double x = lon, y = lat, fx, fy;

	if (!isfinite(lon) || !isfinite(lat))
		goto out;
	for (int i = 0; i < CRS_INVERSE_MAX_ITER; i++) {
		fwd(x, y, &fx, &fy);
		if (fabs(fx - lon) < CRS_INVERSE_TOL &&
		    fabs(fy - lat) < CRS_INVERSE_TOL)
			break;
		x -= fx - lon;
		y -= fy - lat;
	}
out:
	*olon = x;
	*olat = y;
}

void crs_gcj02_to_wgs84(double lon, double lat, double *olon, double *olat)
{
	if (!crs_in_china(lon, lat)) {
		crs_identity(lon, lat, olon, olat);
		return;
	}
	crs_invert(crs_wgs84_to_gcj02, lon, lat, olon, olat);
}

void crs_bd09_to_gcj02(double lon, double lat, double *olon, double *olat)
{
	crs_invert(crs_gcj02_to_bd09, lon, lat, olon, olat);
}

void crs_wgs84_to_bd09(double lon, double lat, double *olon, double *olat)
{
	double glon, glat;

	crs_wgs84_to_gcj02(lon, lat, &glon, &glat);
	crs_gcj02_to_bd09(glon, glat, olon, olat);
}

void crs_bd09_to_wgs84(double lon, double lat, double *olon, double *olat)
{
	double glon, glat;

	crs_bd09_to_gcj02(lon, lat, &glon, &glat);
	crs_gcj02_to_wgs84(glon, glat, olon, olat);
}

/* ---- PROJ ------------------------------------------------------------ */

static void proj_log_nothing(void *data, int level, const char *msg)
{
	(void)data;
	(void)level;
	(void)msg;
}

/*
 * A context of our own (PROJ contexts are not shared between threads),
 * offline, and silent (PROJ's default logger writes to stderr; errors
 * reach the caller through ug_error instead), and in it the operation
 * source -> target with lon/lat (easting/northing) order on both sides.
 * UG_ENOMEM, or UG_EIO when PROJ cannot build the operation (its
 * database missing or unreadable); `what` names the system.  On error
 * both are NULL.
 */
static int proj_open(const char *source, const char *target,
		     const char *what, PJ_CONTEXT **ctx, PJ **out,
		     struct ug_error *err)
{
	PJ *op;
	int e;

	*out = NULL;
	if (!(*ctx = proj_context_create()))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	proj_context_set_enable_network(*ctx, 0);
	proj_log_func(*ctx, NULL, proj_log_nothing);
	if ((op = proj_create_crs_to_crs(*ctx, source, target, NULL))) {
		*out = proj_normalize_for_visualization(*ctx, op);
		proj_destroy(op);
	}
	if (*out)
		return 0;
	e = proj_context_errno(*ctx);
	ug_fail(err, UG_EIO, "crs", "%s: PROJ cannot build the conversion "
		"%s -> %s (is proj-data installed?): %s", what, source, target,
		proj_context_errno_string(*ctx, e));
	proj_context_destroy(*ctx);
	*ctx = NULL;
	return -UG_EIO;
}

/* One point through op.  UG_EINVAL naming the system and the point when
 * PROJ refuses it or answers with something not finite. */
static int proj_point(PJ_CONTEXT *ctx, PJ *op, PJ_DIRECTION dir, double x,
		      double y, double *ox, double *oy, const char *what,
		      struct ug_error *err)
{
	PJ_COORD res;
	int e;

	proj_errno_reset(op);
	res = proj_trans(op, dir, proj_coord(x, y, 0, 0));
	e = proj_errno(op);
	if (e || !isfinite(res.xy.x) || !isfinite(res.xy.y))
		return ug_fail(err, UG_EINVAL, "coordinates", "%s: cannot "
			       "convert point (%.10g, %.10g): %s", what, x, y,
			       e ? proj_context_errno_string(ctx, e)
				 : "no finite result");
	*ox = res.xy.x;
	*oy = res.xy.y;
	return 0;
}

static void proj_free(PJ_CONTEXT *ctx, PJ *op)
{
	proj_destroy(op);
	if (ctx)
		proj_context_destroy(ctx);
}

/* ---- checks on input points ------------------------------------------ */

static int check_finite(const char *what, double x, double y,
			struct ug_error *err)
{
	if (!isfinite(x) || !isfinite(y))
		return ug_fail(err, UG_EINVAL, "coordinates", "%s: point "
			       "(%g, %g) is not finite", what, x, y);
	return 0;
}

static int check_lonlat(const char *what, double lon, double lat,
			struct ug_error *err)
{
	int rc = check_finite(what, lon, lat, err);

	if (rc)
		return rc;
	if (lon < -180.0 || lon > 180.0)
		return ug_fail(err, UG_EINVAL, "coordinates", "%s: point "
			       "(%.10g, %.10g): longitude out of range "
			       "-180..180", what, lon, lat);
	if (lat < -90.0 || lat > 90.0)
		return ug_fail(err, UG_EINVAL, "coordinates", "%s: point "
			       "(%.10g, %.10g): latitude out of range -90..90",
			       what, lon, lat);
	return 0;
}

/* ---- transforms to and from WGS84 ------------------------------------ */

struct crs_transform {
	struct crs crs;
	char name[16];   /* for messages: "gcj02", "EPSG:4547" */
	PJ_CONTEXT *ctx; /* with CRS_EPSG only */
	PJ *op;          /* zone easting/northing -> CGCS2000 lon/lat */
	double cm;       /* the zone's central meridian, degrees east */
};

int crs_transform_new(const struct crs *from, struct crs_transform **out,
		      struct ug_error *err)
{
	struct crs_transform *t;
	char name[16];
	int rc;

	*out = NULL;
	if (!crs_valid(from))
		return ug_fail(err, UG_EINVAL, "crs", "unknown coordinate "
			       "system (kind %d, EPSG %d): use " CRS_ACCEPTED,
			       (int)from->kind, from->epsg);
	if (fault_should_fail(FAULT_ALLOC) || !(t = calloc(1, sizeof *t)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	t->crs = *from;
	snprintf(t->name, sizeof t->name, "%s", crs_name(from, name));
	if (from->kind == CRS_EPSG) {
		t->cm = gk_central_meridian(from->epsg);
		if ((rc = proj_open(t->name, "EPSG:4490", t->name, &t->ctx,
				    &t->op, err))) {
			free(t);
			return rc;
		}
	}
	*out = t;
	return 0;
}

void crs_transform_free(struct crs_transform *t)
{
	if (!t)
		return;
	proj_free(t->ctx, t->op);
	free(t);
}

/* A zone's point is refused when it lies too far from the zone (see
 * GK_MAX_DLON): PROJ would convert it, to the wrong place.  `hint` ends
 * the message with the likely mistake. */
static int gk_check_lon(const struct crs_transform *t, double lon,
			double x, double y, const char *hint,
			struct ug_error *err)
{
	if (fabs(lon - t->cm) <= GK_MAX_DLON)
		return 0;
	return ug_fail(err, UG_EINVAL, "coordinates", "%s: point (%.10g, "
		       "%.10g) lies at longitude %.4f, more than %g degrees "
		       "from the zone's central meridian %gE (%s)", t->name,
		       x, y, lon, GK_MAX_DLON, t->cm, hint);
}

int crs_to_wgs84(struct crs_transform *t, double x, double y, double *lon,
		 double *lat, struct ug_error *err)
{
	double lo, la;
	int rc;

	switch (t->crs.kind) {
	case CRS_WGS84:
	case CRS_GCJ02:
	case CRS_BD09:
		if ((rc = check_lonlat(t->name, x, y, err)))
			return rc;
		if (t->crs.kind == CRS_GCJ02)
			crs_gcj02_to_wgs84(x, y, &lo, &la);
		else if (t->crs.kind == CRS_BD09)
			crs_bd09_to_wgs84(x, y, &lo, &la);
		else
			crs_identity(x, y, &lo, &la);
		break;
	case CRS_EPSG:
		if ((rc = check_finite(t->name, x, y, err)) ||
		    (rc = proj_point(t->ctx, t->op, PJ_FWD, x, y, &lo, &la,
				     t->name, err)) ||
		    (rc = gk_check_lon(t, lo, x, y, "another zone's point? "
				       "an easting with the zone number in "
				       "front? easting and northing swapped?",
				       err)))
			return rc;
		break;
	default:
		return ug_fail(err, UG_EINTERNAL, "crs", "bad transform");
	}
	*lon = lo;
	*lat = la;
	return 0;
}

int crs_from_wgs84(struct crs_transform *t, double lon, double lat,
		   double *x, double *y, struct ug_error *err)
{
	char what[32];
	double ox, oy;
	int rc;

	snprintf(what, sizeof what, "wgs84 -> %s", t->name);
	if ((rc = check_lonlat(what, lon, lat, err)))
		return rc;
	switch (t->crs.kind) {
	case CRS_WGS84:
		crs_identity(lon, lat, &ox, &oy);
		break;
	case CRS_GCJ02:
		crs_wgs84_to_gcj02(lon, lat, &ox, &oy);
		break;
	case CRS_BD09:
		crs_wgs84_to_bd09(lon, lat, &ox, &oy);
		break;
	case CRS_EPSG:
		if ((rc = gk_check_lon(t, lon, lon, lat, "a point for "
				       "another zone", err)) ||
		    (rc = proj_point(t->ctx, t->op, PJ_INV, lon, lat, &ox, &oy,
				     what, err)))
			return rc;
		break;
	default:
		return ug_fail(err, UG_EINTERNAL, "crs", "bad transform");
	}
	*x = ox;
	*y = oy;
	return 0;
}

/* ---- the local equal-area projection --------------------------------- */

struct crs_local {
	PJ_CONTEXT *ctx;
	PJ *op;        /* WGS84 lon/lat -> local x/y metres */
	char name[64]; /* for messages */
};

int crs_local_new(double lon0, double lat0, struct crs_local **out,
		  struct ug_error *err)
{
	struct crs_local *l;
	char def[160];
	int rc;

	*out = NULL;
	if ((rc = check_lonlat("local projection centre", lon0, lat0, err)))
		return rc;
	if (fault_should_fail(FAULT_ALLOC) || !(l = calloc(1, sizeof *l)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	snprintf(l->name, sizeof l->name, "local projection at %.7f,%.7f",
		 lon0, lat0);
	snprintf(def, sizeof def, "+proj=laea +lat_0=%.17g +lon_0=%.17g "
		 "+ellps=GRS80 +units=m +no_defs +type=crs", lat0, lon0);
	if ((rc = proj_open("EPSG:4326", def, l->name, &l->ctx, &l->op,
			    err))) {
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void crs_local_free(struct crs_local *l)
{
	if (!l)
		return;
	proj_free(l->ctx, l->op);
	free(l);
}

int crs_local_forward(struct crs_local *l, double lon, double lat,
		      double *x, double *y, struct ug_error *err)
{
	int rc = check_lonlat(l->name, lon, lat, err);

	if (rc)
		return rc;
	return proj_point(l->ctx, l->op, PJ_FWD, lon, lat, x, y, l->name, err);
}

/*
 * PROJ 9.1 inverts laea through a short series for the authalic latitude
 * that is off by up to 1.4e-8 degrees (1.6 mm) at 20N, so a shape sent
 * through the local projection and back would move.  Newton steps on the
 * exact forward map, with a finite-difference Jacobian, bring it to
 * where forward(lon, lat) is within a micrometre of (x, y).
 */
#define LOCAL_NEWTON_STEPS 3
#define LOCAL_NEWTON_TOL_M 1e-6
#define LOCAL_NEWTON_H_DEG 1e-5

static void local_refine(struct crs_local *l, double x, double y,
			 double *lon, double *lat)
{
	double lo = *lon, la = *lat;

	for (int i = 0; i < LOCAL_NEWTON_STEPS; i++) {
		double hx = lo > 0 ? -LOCAL_NEWTON_H_DEG : LOCAL_NEWTON_H_DEG;
		double hy = la > 0 ? -LOCAL_NEWTON_H_DEG : LOCAL_NEWTON_H_DEG;
		double fx, fy, ax, ay, bx, by, j11, j12, j21, j22, det;

		if (proj_point(l->ctx, l->op, PJ_FWD, lo, la, &fx, &fy, "",
			       NULL))
			return;
		fx -= x;
		fy -= y;
		if (fabs(fx) < LOCAL_NEWTON_TOL_M &&
		    fabs(fy) < LOCAL_NEWTON_TOL_M)
			break;
		if (proj_point(l->ctx, l->op, PJ_FWD, lo + hx, la, &ax, &ay,
			       "", NULL) ||
		    proj_point(l->ctx, l->op, PJ_FWD, lo, la + hy, &bx, &by,
			       "", NULL))
			return;
		j11 = (ax - x - fx) / hx;
		j21 = (ay - y - fy) / hx;
		j12 = (bx - x - fx) / hy;
		j22 = (by - y - fy) / hy;
		det = j11 * j22 - j12 * j21;
		if (!isfinite(det) || fabs(det) < 1e-9)
			return; /* near the antipode: keep PROJ's answer */
		lo -= (j22 * fx - j12 * fy) / det;
		la -= (j11 * fy - j21 * fx) / det;
		if (!(fabs(lo) <= 180.0 && fabs(la) <= 90.0))
			return;
		*lon = lo;
		*lat = la;
	}
}

int crs_local_inverse(struct crs_local *l, double x, double y, double *lon,
		      double *lat, struct ug_error *err)
{
	double lo, la;
	int rc;

	if ((rc = check_finite(l->name, x, y, err)) ||
	    (rc = proj_point(l->ctx, l->op, PJ_INV, x, y, &lo, &la, l->name,
			     err)))
		return rc;
	local_refine(l, x, y, &lo, &la);
	*lon = lo;
	*lat = la;
	return 0;
}

/* ---- shapes ---------------------------------------------------------- */

typedef int (*crs_point_fn)(void *conv, double x, double y, double *ox,
			    double *oy, struct ug_error *err);

static int point_to_wgs84(void *conv, double x, double y, double *ox,
			  double *oy, struct ug_error *err)
{
	return crs_to_wgs84(conv, x, y, ox, oy, err);
}

static int point_local_forward(void *conv, double x, double y, double *ox,
			       double *oy, struct ug_error *err)
{
	return crs_local_forward(conv, x, y, ox, oy, err);
}

static int point_local_inverse(void *conv, double x, double y, double *ox,
			       double *oy, struct ug_error *err)
{
	return crs_local_inverse(conv, x, y, ox, oy, err);
}

/* Convert every point of s in place; a failure names polygon, ring and
 * point (counted from 0, as shape_check_lonlat() does). */
static int shape_map(struct shape *s, crs_point_fn fn, void *conv,
		     struct ug_error *err)
{
	char reason[sizeof err->message];
	int rc;

	for (size_t p = 0; p < s->npolygons; p++) {
		const struct shape_polygon *pg = &s->polygons[p];

		for (size_t r = 0; r < pg->nrings; r++) {
			const struct shape_ring *rg = &pg->rings[r];

			for (size_t i = 0; i < rg->n; i++) {
				rc = fn(conv, rg->x[i], rg->y[i], &rg->x[i],
					&rg->y[i], err);
				if (!rc)
					continue;
				if (!err)
					return rc;
				snprintf(reason, sizeof reason, "%s",
					 err->message);
				return ug_fail(err, -rc, "coordinates",
					       "polygon %zu ring %zu point %zu:"
					       " %s", p, r, i, reason);
			}
		}
	}
	return 0;
}

/* A converted copy of s into *out; on failure *out is left zeroed. */
static int shape_convert(const struct shape *s, struct shape *out,
			 crs_point_fn fn, void *conv, struct ug_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = shape_copy(out, s, err)))
		return rc;
	if ((rc = shape_map(out, fn, conv, err)))
		shape_free(out);
	return rc;
}

int crs_shape_to_wgs84(struct crs_transform *t, struct shape *s,
		       struct ug_error *err)
{
	struct shape converted;
	int rc;

	/* Through a copy, so a point that fails leaves s as it was. */
	if ((rc = shape_convert(s, &converted, point_to_wgs84, t, err)))
		return rc;
	shape_free(s);
	*s = converted;
	return 0;
}

int crs_local_shape_forward(struct crs_local *l, const struct shape *s,
			    struct shape *out, struct ug_error *err)
{
	return shape_convert(s, out, point_local_forward, l, err);
}

int crs_local_shape_inverse(struct crs_local *l, const struct shape *s,
			    struct shape *out, struct ug_error *err)
{
	return shape_convert(s, out, point_local_inverse, l, err);
}

/* ---- distance -------------------------------------------------------- */

double crs_distance_m(double lon1, double lat1, double lon2, double lat2)
{
	double rad = CRS_PI / 180.0;
	double sdlat = sin((lat2 - lat1) * rad / 2.0);
	double sdlon = sin((lon2 - lon1) * rad / 2.0);
	double h = sdlat * sdlat +
		   cos(lat1 * rad) * cos(lat2 * rad) * sdlon * sdlon;

	/* Rounding can push h a hair above 1 for antipodal points. */
	return 2.0 * EARTH_MEAN_RADIUS_M * asin(sqrt(h < 1.0 ? h : 1.0));
}
