/*
 * demo_geo.c - the demo city's geography (see demo_geo.h).  Real grid
 * files are a city's survey data and not public, so the demo draws its
 * own: the district's box is cut into one band per street (north to
 * south, divided by wavy lines), each band into one slice per community
 * (west to east, wavy again), and every community is cut into unit grids
 * by the same generator an operator would use (grids_generate_text).
 * Then a census of components is scattered over the grids.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/demo/demo_geo.h"
#include "domain/spatial/grids.h"
#include "domain/spatial/spatial.h"
#include "geo/geom.h"
#include "lib/shape.h"
#include "store/org/org.h"
#include "store/cases/cases.h"
#include "store/spatial/spatial.h"

#define WAVE_POINTS 24 /* vertices of a dividing line */

struct division_list {
	struct division *d;
	size_t n, cap;
};

static int add_division(void *ctx, const struct division *d)
{
	struct division_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct division *nd = realloc(l->d, cap * sizeof *nd);

		if (!nd)
			return -UG_ENOMEM;
		l->d = nd;
		l->cap = cap;
	}
	l->d[l->n++] = *d;
	return 0;
}

/* Deterministic wobble in [-1, 1] for line k, vertex i. */
static double wobble(int k, int i)
{
	return sin(k * 12.9898 + i * 78.233) * 0.5 +
	       sin(k * 3.17 + i * 1.31) * 0.5;
}

/* A polygon between two horizontal wavy lines (lat = f(lon)): line k at
 * the top, line k + 1 at the bottom, over the whole district width. */
static int band_shape(int k, int nlines, struct shape *s,
		      struct ug_error *err)
{
	double x[2 * WAVE_POINTS + 1], y[2 * WAVE_POINTS + 1];
	double h = (DEMO_MAX_LAT - DEMO_MIN_LAT) / (nlines - 1);
	struct shape_polygon *p = shape_add_polygon(s, 1);
	int n = 0;

	if (!p)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	/* Outer lines (k = 0 and the last) are straight: the box edge. */
	for (int i = 0; i < WAVE_POINTS; i++) {
		double lon = DEMO_MIN_LON + (DEMO_MAX_LON - DEMO_MIN_LON) * i /
						    (WAVE_POINTS - 1);
		double w = k == 0 ? 0 : 0.25 * h * wobble(k, i);

		x[n] = lon;
		y[n++] = DEMO_MAX_LAT - k * h + w;
	}
	for (int i = WAVE_POINTS - 1; i >= 0; i--) {
		double lon = DEMO_MIN_LON + (DEMO_MAX_LON - DEMO_MIN_LON) * i /
						    (WAVE_POINTS - 1);
		double w = k + 1 == nlines - 1 ? 0 : 0.25 * h * wobble(k + 1, i);

		x[n] = lon;
		y[n++] = DEMO_MAX_LAT - (k + 1) * h + w;
	}
	x[n] = x[0];
	y[n++] = y[0];
	return shape_ring_set(&p->rings[0], x, y, (size_t)n, err);
}

/* A tall strip between two vertical wavy lines (lon = f(lat)), reaching
 * past the band so that band ∩ strip is the community. */
static int strip_shape(int band, int j, int ncols, double top, double bottom,
		       struct shape *s, struct ug_error *err)
{
	double x[2 * WAVE_POINTS + 1], y[2 * WAVE_POINTS + 1];
	double w = (DEMO_MAX_LON - DEMO_MIN_LON) / ncols;
	struct shape_polygon *p = shape_add_polygon(s, 1);
	int n = 0;

	if (!p)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (int i = 0; i < WAVE_POINTS; i++) {
		double lat = bottom + (top - bottom) * i / (WAVE_POINTS - 1);
		double d = j == 0 ? -w : 0.2 * w * wobble(100 + band * 40 + j, i);

		x[n] = DEMO_MIN_LON + j * w + d;
		y[n++] = lat;
	}
	for (int i = WAVE_POINTS - 1; i >= 0; i--) {
		double lat = bottom + (top - bottom) * i / (WAVE_POINTS - 1);
		double d = j + 1 == ncols ? w
					  : 0.2 * w * wobble(100 + band * 40 + j + 1,
							     i);

		x[n] = DEMO_MIN_LON + (j + 1) * w + d;
		y[n++] = lat;
	}
	x[n] = x[0];
	y[n++] = y[0];
	return shape_ring_set(&p->rings[0], x, y, (size_t)n, err);
}

/* Grids for one community from its boundary shape. */
static int community_grids(struct db *db, const char *community,
			   const struct shape *boundary, int64_t now,
			   struct demo_geo_stats *st, struct ug_error *err)
{
	struct grid_generate_opts opts;
	struct grid_generate_result res;
	struct buf text = BUF_INIT;
	int rc;

	memset(&opts, 0, sizeof opts);
	opts.cell_m = 100;
	if (buf_puts(&text, "{\"type\":\"FeatureCollection\",\"features\":"
			    "[{\"type\":\"Feature\",\"properties\":{},"
			    "\"geometry\":") ||
	    shape_to_geojson(boundary, 9, &text, err) ||
	    buf_puts(&text, "}]}")) {
		buf_free(&text);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	rc = grids_generate_text(db, text.data, text.len, community, &opts,
				 now, &res, err);
	buf_free(&text);
	if (rc == 0) {
		st->grids += res.grids;
		st->area_m2 += res.area_m2;
	}
	return rc;
}

/* The census: components of a few common classes at pseudo-random points
 * of the district, each located to its grid. */
static const struct {
	const char *klass;
	int per_km2;
	const char *owner;
} census_mix[] = {
	{"01001", 60, "东城区水务局"},     {"01002", 50, "东城区水务局"},
	{"01003", 50, "东城区水务局"},     {"01005", 30, "国网北京东城供电公司"},
	{"01037", 70, "东城区城市管理委员会"}, {"03001", 3, "东城区环境卫生服务中心"},
	{"03005", 40, "东城区环境卫生服务中心"}, {"02012", 10, "东城区城市管理委员会"},
};

static int demo_census(struct db *db, int64_t now, struct demo_geo_stats *st,
		       struct ug_error *err)
{
	struct spatial *sp = NULL;
	struct component_row row;
	struct category cat;
	uint64_t seed = 0x2004100100000001ULL; /* 东城, October 2004 */
	double km2 = st->area_m2 / 1e6;
	int rc;

	if ((rc = spatial_open(db, &sp, err)))
		return rc;
	if ((rc = db_begin_write(db, err)))
		goto out;
	for (size_t k = 0; k < sizeof census_mix / sizeof *census_mix; k++) {
		int n = (int)(census_mix[k].per_km2 * km2);

		if ((rc = store_category_get(db, census_mix[k].klass, &cat, err)))
			goto fail;
		for (int i = 1; i <= n; i++) {
			struct spatial_place place;
			static const char *const states[] = {"完好", "完好",
							      "完好", "完好",
							      "破损", "占用"};

			memset(&row, 0, sizeof row);
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			row.lon = DEMO_MIN_LON + (DEMO_MAX_LON - DEMO_MIN_LON) *
				  ((seed >> 11) * 0x1.0p-53);
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			row.lat = DEMO_MIN_LAT + (DEMO_MAX_LAT - DEMO_MIN_LAT) *
				  ((seed >> 11) * 0x1.0p-53);
			snprintf(row.code, sizeof row.code, "%s%s%06d",
				 DEMO_DISTRICT_CODE, census_mix[k].klass, i);
			snprintf(row.klass, sizeof row.klass, "%s",
				 census_mix[k].klass);
			snprintf(row.name, sizeof row.name, "%s", cat.name);
			snprintf(row.status, sizeof row.status, "%s",
				 states[(seed >> 33) % 6]);
			snprintf(row.owner, sizeof row.owner, "%s",
				 census_mix[k].owner);
			snprintf(row.installed_on, sizeof row.installed_on,
				 "20%02d-%02d-01", 5 + (int)((seed >> 40) % 19),
				 1 + (int)((seed >> 45) % 12));
			if (spatial_locate(sp, row.lon, row.lat, &place, NULL) ==
			    0)
				snprintf(row.grid, sizeof row.grid, "%s",
					 place.grid);
			row.updated_at = now;
			if ((rc = store_spatial_next_rev(db, &row.rev, err)) ||
			    (rc = store_component_upsert(db, &row, err)))
				goto fail;
			st->components++;
		}
	}
	rc = db_commit(db, err);
	goto out;
fail:
	db_rollback(db);
out:
	spatial_free(sp);
	return rc;
}

int demo_geography(struct db *db, int64_t now, struct demo_geo_stats *st,
		   struct ug_error *err)
{
	struct division_list streets = {0};
	struct geom_ctx *geom = geom_ctx_new();
	int rc;

	memset(st, 0, sizeof *st);
	if (!geom)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = store_division_children(db, DEMO_DISTRICT_CODE, add_division,
				     &streets, err);
	if (rc == -UG_ENOMEM || (rc == 0 && streets.n == 0))
		rc = ug_fail(err, rc ? UG_ENOMEM : UG_EINVAL, NULL,
			     rc ? "out of memory"
				: "district %s has no streets: load the "
				  "divisions first",
			     DEMO_DISTRICT_CODE);
	for (size_t b = 0; rc == 0 && b < streets.n; b++) {
		struct division_list comms = {0};
		struct shape band = {0};
		int nlines = (int)streets.n + 1;
		double h = (DEMO_MAX_LAT - DEMO_MIN_LAT) / streets.n;
		double top = DEMO_MAX_LAT - (double)b * h + h;
		double bottom = DEMO_MAX_LAT - (double)(b + 1) * h - h;

		rc = store_division_children(db, streets.d[b].code,
					     add_division, &comms, err);
		if (rc == -UG_ENOMEM)
			rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		if (rc == 0)
			rc = band_shape((int)b, nlines, &band, err);
		for (size_t j = 0; rc == 0 && j < comms.n; j++) {
			struct shape strip = {0}, piece = {0};

			rc = strip_shape((int)b, (int)j, (int)comms.n, top,
					 bottom, &strip, err);
			if (rc == 0)
				rc = geom_intersection(geom, &band, &strip,
						       &piece, err);
			if (rc == 0 && piece.npolygons)
				rc = community_grids(db, comms.d[j].code,
						     &piece, now, st, err);
			st->communities += piece.npolygons ? 1 : 0;
			shape_free(&strip);
			shape_free(&piece);
		}
		shape_free(&band);
		free(comms.d);
	}
	free(streets.d);
	geom_ctx_free(geom);
	if (rc == 0)
		rc = demo_census(db, now, st, err);
	return rc;
}
