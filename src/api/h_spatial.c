/*
 * h_spatial.c - where a point is (GET /api/v1/locate), the unit grids of
 * a box as GeoJSON (GET /api/v1/grids) and as outline tiles (GET
 * /api/v1/grids/tiles/{z}/{x}/{y}.png), the geography imports.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/cases/place.h"
#include "domain/org/org.h"
#include "domain/spatial/census.h"
#include "domain/spatial/grids.h"
#include "domain/spatial/spatial.h"
#include "geo/crs.h"
#include "geo/tile.h"
#include "lib/log.h"
#include "lib/util.h"

/* {"code","name"} of a division, name null when it is not loaded. */
static json_t *division_json(struct web_ctx *c, const char *code)
{
	struct division d;

	if (org_division(c->db, code, &d, NULL) == 0)
		return json_pack("{s:s, s:s}", "code", code, "name", d.name);
	return json_pack("{s:s, s:n}", "code", code, "name");
}

void h_locate(struct web_ctx *c)
{
	const char *crs_text = http_query(c->req, "crs");
	const char *klass = http_query(c->req, "class");
	struct component_hit hits[100];
	struct spatial_place place;
	struct ug_error err;
	struct crs crs;
	double lon, lat, wlon, wlat, radius, limit;
	int32_t kl = 0;
	json_t *list;
	size_t n;

	ug_error_clear(&err);
	if (query_number(c, "lon", 1, -180, 180, 0, &lon, &err) ||
	    query_number(c, "lat", 1, -90, 90, 0, &lat, &err) ||
	    query_number(c, "radius", 0, 0, 500, 50, &radius, &err) ||
	    query_number(c, "limit", 0, 0, 100, 10, &limit, &err) ||
	    crs_parse(crs_text && *crs_text ? crs_text : "wgs84", &crs, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	if (crs.kind == CRS_EPSG) {
		ug_fail(&err, UG_EINVAL, "crs",
			"crs must be wgs84, gcj02 or bd09 (projected zones "
			"are for survey files)");
		reply_ug_error(c, &err);
		return;
	}
	if (klass && *klass) {
		if (strlen(klass) != 5 || !ug_is_digits(klass, 0)) {
			ug_fail(&err, UG_EINVAL, "class",
				"class must be a 5-digit component class");
			reply_ug_error(c, &err);
			return;
		}
		kl = (int32_t)strtol(klass, NULL, 10);
	}
	switch (crs.kind) {
	case CRS_GCJ02:
		crs_gcj02_to_wgs84(lon, lat, &wlon, &wlat);
		break;
	case CRS_BD09:
		crs_bd09_to_wgs84(lon, lat, &wlon, &wlat);
		break;
	default:
		wlon = lon;
		wlat = lat;
	}
	spatial_refresh(c->app->spatial, c->db, 0, NULL);
	if (spatial_locate(c->app->spatial, wlon, wlat, &place, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	n = spatial_components_near(c->app->spatial, wlon, wlat, radius, kl,
				    hits, (size_t)limit);
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		char code[24], cls[8];

		snprintf(code, sizeof code, "%017lld", (long long)hits[i].id);
		snprintf(cls, sizeof cls, "%05d", (int)hits[i].klass);
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:f}", "code", code,
					"class", cls, "distance_m",
					round(hits[i].distance_m * 10) / 10));
	}
	reply_json(c, 200,
		   json_pack("{s:{s:f, s:f}, s:{s:s}, s:o, s:o, s:o, s:o}",
			     "wgs84", "lon", wlon, "lat", wlat, "grid", "code",
			     place.grid, "community",
			     division_json(c, place.community), "street",
			     division_json(c, place.street), "district",
			     division_json(c, place.district), "components",
			     list));
}

void h_grids_bbox(struct web_ctx *c)
{
	reply_grids_geojson(c);
}

/* Tiles may be kept a minute, then asked again with If-None-Match: a
 * re-import shows within that.  private: only logged-in users see them. */
#define TILE_CACHE_CONTROL "private, max-age=60"

/* Path parameter `name` of a tile's address: digits (at most 8), then
 * `suffix` ("" or ".png"); UG_EINVAL naming it otherwise.  The ranges are
 * tile_addr_check()'s. */
static int tile_number(struct web_ctx *c, const char *name,
		       const char *suffix, uint32_t *out,
		       struct ug_error *err)
{
	const char *s = api_param(c, name);
	size_t n = s ? strspn(s, "0123456789") : 0;

	if (!s || n == 0 || n > 8 || strcmp(s + n, suffix) != 0)
		return ug_fail(err, UG_EINVAL, name,
			       "%s must be a whole number%s%s", name,
			       *suffix ? " followed by " : "", suffix);
	*out = (uint32_t)strtoul(s, NULL, 10);
	return 0;
}

/* GET /api/v1/grids/tiles/{z}/{x}/{y}.png?crs=wgs84|gcj02: the unit
 * grids' outlines on one Web-Mercator map tile, every grid however many,
 * drawn from the index in memory; ETag from the grids' version. */
void h_grid_tile(struct web_ctx *c)
{
	const char *crs_text = http_query(c->req, "crs");
	char version[SPATIAL_VERSION_LEN], etag[SPATIAL_VERSION_LEN + 2];
	struct tile_addr t;
	struct ug_error err;
	struct crs crs;
	uint32_t z;

	ug_error_clear(&err);
	if (tile_number(c, "z", "", &z, &err) ||
	    tile_number(c, "x", "", &t.x, &err) ||
	    tile_number(c, "y", ".png", &t.y, &err))
		goto fail;
	t.z = z > TILE_ZOOM_MAX ? TILE_ZOOM_MAX + 1 : (int)z;
	if (tile_addr_check(&t, &err) ||
	    crs_parse(crs_text && *crs_text ? crs_text : "wgs84", &crs, &err))
		goto fail;
	if (crs.kind != CRS_WGS84 && crs.kind != CRS_GCJ02) {
		ug_fail(&err, UG_EINVAL, "crs",
			"crs must be wgs84 or gcj02 (the base map's datum)");
		goto fail;
	}
	spatial_refresh(c->app->spatial, c->db, 0, NULL);
	/* The version before the picture: the picture is as new or newer
	 * than the ETag says (spatial.h). */
	spatial_grids_version(c->app->spatial, version);
	if (http_etag_match(http_header(c->req, "If-None-Match"), version)) {
		c->resp->status = 304;
		buf_reset(&c->resp->body);
	} else if (spatial_grid_tile(c->app->spatial, &t,
				     crs.kind == CRS_GCJ02 ? TILE_GCJ02
							   : TILE_WGS84,
				     &c->resp->body, &err)) {
		buf_reset(&c->resp->body);
		goto fail;
	} else {
		c->resp->status = 200;
		c->resp->content_type = "image/png";
	}
	snprintf(etag, sizeof etag, "\"%s\"", version);
	http_response_header(c->resp, "ETag", etag);
	http_response_header(c->resp, "Cache-Control", TILE_CACHE_CONTROL);
	return;
fail:
	reply_ug_error(c, &err);
}

/* The report of an import, one line per problem (at most
 * IMPORT_REPORT_MAX; the count says how many there were). */
#define IMPORT_REPORT_MAX 1000

struct import_report {
	json_t *list;
	size_t n;
};

/* Room for one more line in r (counted either way)? */
static int report_more(struct import_report *r)
{
	return r->n++ < IMPORT_REPORT_MAX;
}

static void add_problem(void *ctx, const struct grid_problem *p)
{
	static const char *const kinds[] = { "feature", "overlap", "gap" };
	struct import_report *r = ctx;

	if (!report_more(r))
		return;
	json_array_append_new(
		r->list,
		json_pack("{s:s, s:I, s:s, s:s, s:f, s:f, s:f, s:s}", "kind",
			  kinds[p->kind], "feature", (json_int_t)p->feature,
			  "code", p->code, "other", p->other, "area_m2",
			  p->area_m2, "lon", p->lon, "lat", p->lat, "message",
			  p->message));
}

static void add_census_problem(void *ctx, long where, const char *message)
{
	struct import_report *r = ctx;

	if (!report_more(r))
		return;
	json_array_append_new(r->list, json_pack("{s:I, s:s}", "where",
						 (json_int_t)where, "message",
						 message));
}

/* The parameters both geography imports take: check, strict, crs, and a
 * body that is there (`what` says what it should be).  All zero when one
 * is wrong. */
struct import_params {
	int64_t check, strict;
	struct crs crs;
};

static int import_params(struct web_ctx *c, const char *what,
			 struct import_params *p, struct ug_error *err)
{
	const char *crs_text = http_query(c->req, "crs");

	memset(p, 0, sizeof *p);
	if (query_int(c, "check", 0, 1, 0, &p->check, err) ||
	    query_int(c, "strict", 0, 1, 0, &p->strict, err) ||
	    crs_parse(crs_text && *crs_text ? crs_text : "wgs84", &p->crs,
		      err)) {
		memset(p, 0, sizeof *p);
		return -err->code;
	}
	if (!c->req->body_len) {
		memset(p, 0, sizeof *p);
		return ug_fail(err, UG_EINVAL, "body", "the body is %s", what);
	}
	return 0;
}

/* After components were written: the index follows at once (grids
 * refresh it in case_grids_apply()).  The components are written either
 * way: a failure here is logged, the index catches up at its next
 * refresh. */
static void follow_components(struct web_ctx *c)
{
	struct ug_error err;

	ug_error_clear(&err);
	if (spatial_refresh(c->app->spatial, c->db, 1, &err))
		log_msg(LOG_WARN, c->req->request_id,
			"after the import: %s", err.message);
}

/* The answer of an import: 200 when it ran (rc 0); 400 with the same body
 * when strict refused it for the problems of its report; else the error
 * of err (a bad parameter, a file that is not one).  Applied imports are
 * in force for the next request.  Takes result and the report's list. */
static void reply_import(struct web_ctx *c, int rc, const struct ug_error *err,
			 const struct import_params *p, json_t *result,
			 struct import_report *report)
{
	if (rc && !(p->strict && rc == -UG_EINVAL && report->n)) {
		json_decref(result);
		json_decref(report->list);
		reply_ug_error(c, err);
		return;
	}
	reply_json(c, rc ? 400 : 200,
		   json_pack("{s:b, s:o, s:I, s:o}", "applied",
			     rc == 0 && !p->check, "result", result,
			     "problems_found", (json_int_t)report->n,
			     "problems", report->list));
}

/* Grids applied (case_grids_apply()): the import's or the cut's counts
 * in result, and once applied the cases it placed - cases_left those
 * whose area does not hold the grid found. */
static void reply_grids(struct web_ctx *c, int rc, const struct ug_error *err,
			const struct import_params *p, json_t *result,
			const struct case_grids_result *res,
			struct import_report *report)
{
	if (rc == 0 && !p->check)
		json_object_update_new(
			result,
			json_pack("{s:I, s:I}", "cases_located",
				  (json_int_t)res->cases.located,
				  "cases_left",
				  (json_int_t)res->cases.conflicts));
	reply_import(c, rc, err, p, result, report);
}

/* POST /api/v1/grids/import?check=1&strict=1&crs=: unit grids as a GeoJSON
 * FeatureCollection in the body, checked as `urbangrid import grids`
 * checks them; with check=1 nothing is written - the report says what
 * the import would do, so the admin reads it before applying.  Applied,
 * the cases filed before their grid are placed in the same transaction
 * (domain/cases/place.h). */
void h_grids_import(struct web_ctx *c)
{
	struct import_report report = { json_array(), 0 };
	struct case_grids_apply in;
	struct case_grids_result res;
	struct import_params ip;
	struct ug_error err;
	int rc;

	ug_error_clear(&err);
	memset(&in, 0, sizeof in);
	memset(&res, 0, sizeof res);
	rc = import_params(c, "the grids' GeoJSON FeatureCollection", &ip,
			   &err);
	if (rc == 0) {
		in.kind = CASE_GRIDS_IMPORT;
		in.text = c->req->body;
		in.len = c->req->body_len;
		in.import.crs = ip.crs;
		in.import.strict = (int)ip.strict;
		in.import.check_only = (int)ip.check;
		in.import.report = add_problem;
		in.import.report_ctx = &report;
		in.import.by = &c->actor;
		rc = case_grids_apply(c->db, c->app->spatial, &in, ug_now_s(),
				      &res, &err);
	}
	reply_grids(c, rc, &err, &ip,
		    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "features",
			      (json_int_t)res.import.features, "imported",
			      (json_int_t)res.import.imported, "replaced",
			      (json_int_t)res.import.replaced, "skipped",
			      (json_int_t)res.import.skipped, "overlaps",
			      (json_int_t)res.import.overlaps, "gaps",
			      (json_int_t)res.import.gaps),
		    &res, &report);
}

/* POST /api/v1/grids/generate?community=&cell=&crs=&check=1: the
 * community's boundary (GeoJSON polygons) in the body, cut into unit
 * grids as `urbangrid grid generate` cuts it, replacing the community's
 * earlier grids, the cases filed before placed with them; check=1 writes
 * nothing - the answer says how many grids would be made and replaced,
 * for the admin to read before applying.  A cut has no per-feature
 * problems: a boundary it cannot use is a 400. */
void h_grids_generate(struct web_ctx *c)
{
	struct import_report report = { json_array(), 0 };
	struct case_grids_apply in;
	struct case_grids_result res;
	struct import_params ip;
	struct ug_error err;
	int64_t cell = 0;
	int rc;

	ug_error_clear(&err);
	memset(&in, 0, sizeof in);
	memset(&res, 0, sizeof res);
	rc = import_params(c, "the community's boundary as GeoJSON", &ip,
			   &err);
	if (rc == 0)
		rc = query_int(c, "cell", 10, 1000, 100, &cell, &err);
	if (rc == 0) {
		in.kind = CASE_GRIDS_GENERATE;
		in.text = c->req->body;
		in.len = c->req->body_len;
		in.community = http_query(c->req, "community");
		in.generate.crs = ip.crs;
		in.generate.cell_m = (double)cell;
		in.generate.check_only = (int)ip.check;
		in.generate.by = &c->actor;
		rc = case_grids_apply(c->db, c->app->spatial, &in, ug_now_s(),
				      &res, &err);
	}
	reply_grids(c, rc, &err, &ip,
		    json_pack("{s:I, s:I, s:I, s:I, s:f}", "cell_m",
			      (json_int_t)cell, "grids",
			      (json_int_t)res.generate.grids, "merged",
			      (json_int_t)res.generate.merged, "replaced",
			      (json_int_t)res.generate.replaced, "area_m2",
			      res.generate.area_m2),
		    &res, &report);
}

/* GET /api/v1/map: how the console's maps are drawn - the intranet tile
 * server the operator named (serve --tiles) and its coordinate system,
 * or null: no base map. */
void h_map_settings(struct web_ctx *c)
{
	const struct app *app = c->app;

	reply_json(c, 200,
		   json_pack("{s:o}", "tiles",
			     app->tiles.url
				     ? json_pack("{s:s, s:s}", "url",
						 app->tiles.url, "crs",
						 app->tiles.crs)
				     : json_null()));
}

/* POST /api/v1/components/import?name=&check=1&strict=1&crs=: the
 * components census (部件普查) in the body, a .csv or GeoJSON file as
 * `name` says, checked as `urbangrid import components` checks it, each
 * component placed on its grid; check=1 writes nothing. */
void h_components_import(struct web_ctx *c)
{
	const char *name = http_query(c->req, "name");
	struct import_report report = { json_array(), 0 };
	struct census_opts opts;
	struct census_result res;
	struct import_params ip;
	struct ug_error err;
	int rc;

	ug_error_clear(&err);
	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);
	memset(&ip, 0, sizeof ip);
	if (!name || !*name || strlen(name) > 100 || strchr(name, '/'))
		rc = ug_fail(&err, UG_EINVAL, "name",
			     "name is the file's name (.csv, .geojson or "
			     ".json)");
	else
		rc = import_params(c, "the census file", &ip, &err);
	if (rc == 0) {
		opts.crs = ip.crs;
		opts.strict = (int)ip.strict;
		opts.check_only = (int)ip.check;
		opts.report = add_census_problem;
		opts.report_ctx = &report;
		opts.by = &c->actor;
		if (c->app->spatial)
			spatial_refresh(c->app->spatial, c->db, 0, NULL);
		rc = census_import_text(c->db, c->app->spatial, name,
					c->req->body, c->req->body_len, &opts,
					ug_now_s(), &res, &err);
	}
	if (rc == 0 && !ip.check && c->app->spatial)
		follow_components(c);
	reply_import(c, rc, &err, &ip,
		     json_pack("{s:I, s:I, s:I, s:I, s:I}", "rows",
			       (json_int_t)res.rows, "imported",
			       (json_int_t)res.imported, "replaced",
			       (json_int_t)res.replaced, "skipped",
			       (json_int_t)res.skipped, "outside",
			       (json_int_t)res.outside),
		     &report);
}
