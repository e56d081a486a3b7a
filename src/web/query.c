/*
 * query.c - reading query-string parameters, for every door (see web.h),
 * and the one answer two doors give alike: the grids of a box as GeoJSON
 * (the staff API's /api/v1/grids, the public map's grids.geojson).
 */
#include "web/web.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/spatial/grids.h"
#include "lib/iso8601.h"
#include "lib/util.h"

/* A required or optional number from the query string. */
int query_number(struct web_ctx *c, const char *name, int required,
			double lo, double hi, double deflt, double *out,
			struct ug_error *err)
{
	const char *s = http_query(c->req, name);
	char *end;
	double v;

	*out = deflt;
	if (!s || !*s) {
		if (required)
			return ug_fail(err, UG_EINVAL, name, "%s is required",
				       name);
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v))
		return ug_fail(err, UG_EINVAL, name, "%s must be a number",
			       name);
	if (v < lo || v > hi)
		return ug_fail(err, UG_EINVAL, name,
			       "%s must lie between %g and %g", name, lo, hi);
	*out = v;
	return 0;
}

/* Parse an integer query parameter within [lo, hi]; absent -> deflt. */
int query_int(struct web_ctx *c, const char *name, int64_t lo,
		     int64_t hi, int64_t deflt, int64_t *out,
		     struct ug_error *err)
{
	const char *s = http_query(c->req, name);
	char *end;
	long long v;

	*out = deflt;
	if (!s || !*s)
		return 0;
	v = strtoll(s, &end, 10);
	if (*end || v < lo || v > hi)
		return ug_fail(err, UG_EINVAL, name,
			       "%s must be a whole number from %lld to %lld",
			       name, (long long)lo, (long long)hi);
	*out = v;
	return 0;
}

int path_id(struct web_ctx *c, const char *name, const char *what,
	    int64_t *out, struct ug_error *err)
{
	const char *s = api_param(c, name);

	*out = 0;
	if (!s || !ug_is_digits(s, 0) || strlen(s) > 15)
		return ug_fail(err, UG_EINVAL, name, "%s id must be a number",
			       what);
	*out = strtoll(s, NULL, 10);
	return 0;
}

/* Parse an ISO 8601 query parameter (with offset or Z). */
int query_time(struct web_ctx *c, const char *name, int64_t *out,
		      struct ug_error *err)
{
	const char *s = http_query(c->req, name);

	*out = 0;
	if (!s || !*s)
		return 0;
	if (iso8601_parse(s, out))
		return ug_fail(err, UG_EINVAL, name,
			       "%s must be an ISO 8601 time such as "
			       "2026-11-01T08:30:00+08:00", name);
	return 0;
}

void reply_grids_geojson(struct web_ctx *c)
{
	const char *bbox = http_query(c->req, "bbox");
	double b[4], tolerance, limit;
	struct ug_error err;
	int truncated = 0, used = 0;

	ug_error_clear(&err);
	if (!bbox || sscanf(bbox, "%lf,%lf,%lf,%lf%n", &b[0], &b[1], &b[2],
			    &b[3], &used) != 4 || bbox[used] != '\0') {
		ug_fail(&err, UG_EINVAL, "bbox",
			"bbox is required: minLon,minLat,maxLon,maxLat");
		reply_ug_error(c, &err);
		return;
	}
	if (query_number(c, "tolerance", 0, 0, 0.01, 0, &tolerance, &err) ||
	    query_number(c, "limit", 0, 1, 10000, 2000, &limit, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	if (grids_geojson_bbox(c->db, b[0], b[1], b[2], b[3], tolerance,
			       (int64_t)limit, &c->resp->body, &truncated,
			       &err)) {
		buf_reset(&c->resp->body);
		reply_ug_error(c, &err);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/geo+json";
}
