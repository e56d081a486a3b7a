/*
 * grids.c - unit grids: code rules, import from GeoJSON with a validation
 * report (structure, OGC validity, overlaps, gaps), generation from a
 * boundary, and GeoJSON export by bounding box.  Geometry work goes
 * through geo/geom.h (GEOS) in a local equal-area projection (geo/crs.h),
 * so every area reported is in true square metres.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org/audit.h"
#include "domain/spatial/grids.h"
#include "geo/geom.h"
#include "lib/geojson.h"
#include "lib/shape.h"
#include "lib/util.h"
#include "store/org/org.h"
#include "store/spatial/spatial.h"

#define DEFAULT_MIN_AREA_M2 1.0

/* Provincial prefixes of GB/T 2260 codes. */
static int province_ok(const char *code)
{
	int p = (code[0] - '0') * 10 + (code[1] - '0');

	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) ||
	       (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
	       (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
	       p == 81 || p == 82;
}

int grid_code_parse(const char *text, const char *community,
		    const char *field, char out[16], struct ug_error *err)
{
	size_t n = text ? strlen(text) : 0;

	for (size_t i = 0; i < n; i++)
		if (text[i] < '0' || text[i] > '9')
			return ug_fail(err, UG_EINVAL, field,
				       "grid code must be digits only "
				       "(character %zu is not)", i + 1);
	if (n == 15)
		memcpy(out, text, 16);
	else if (n == 14) /* CJ/T 213: 12 + a 2-digit serial; widen it */
		snprintf(out, 16, "%.12s0%.2s", text, text + 12);
	else
		return ug_fail(err, UG_EINVAL, field,
			       "grid code must have 15 digits (or the 14 of "
			       "CJ/T 213), got %zu", n);
	if (!province_ok(out))
		return ug_fail(err, UG_EINVAL, field,
			       "grid code %s does not start with a province "
			       "code", out);
	if (strcmp(out + 12, "000") == 0)
		return ug_fail(err, UG_EINVAL, field,
			       "grid code %s has serial 000", out);
	if (community && *community &&
	    (strlen(community) != 12 || strncmp(community, out, 12) != 0))
		return ug_fail(err, UG_EINVAL, "community",
			       "grid %s does not belong to community %s: its "
			       "first 12 digits are the community code", out,
			       community);
	return 0;
}

/* ---- shared helpers -------------------------------------------------- */

/* A known community division?  0, or UG_EINVAL naming it. */
static int community_check(struct db *db, const char *code,
			   struct ug_error *err)
{
	struct division d;
	int rc = store_division_get(db, code, &d, err);

	if (rc == -UG_ENOTFOUND || (rc == 0 && strcmp(d.level, "community")))
		return ug_fail(err, UG_EINVAL, "community",
			       "%s is not a known community (load the "
			       "divisions first: urbangrid import divisions)",
			       code);
	return rc;
}

/* Centre of a bounding box, for the local projection. */
static void bbox_centre(const struct shape_bbox *bb, double *lon,
			double *lat)
{
	*lon = (bb->minx + bb->maxx) / 2;
	*lat = (bb->miny + bb->maxy) / 2;
}

static void bbox_grow(struct shape_bbox *acc, const struct shape_bbox *bb)
{
	if (bb->minx < acc->minx)
		acc->minx = bb->minx;
	if (bb->miny < acc->miny)
		acc->miny = bb->miny;
	if (bb->maxx > acc->maxx)
		acc->maxx = bb->maxx;
	if (bb->maxy > acc->maxy)
		acc->maxy = bb->maxy;
}

/* A grid row for a WGS84 shape: WKB into wkb (owned by the caller). */
static int grid_row_fill(struct grid_row *g, const char *code,
			 const struct shape *s, double area_m2,
			 const char *source, struct buf *wkb, int64_t now,
			 struct ug_error *err)
{
	struct shape_bbox bb;
	int rc;

	memset(g, 0, sizeof *g);
	buf_reset(wkb);
	if ((rc = shape_to_wkb(s, wkb, err)))
		return rc;
	snprintf(g->code, sizeof g->code, "%s", code);
	snprintf(g->community, sizeof g->community, "%.12s", code);
	snprintf(g->street, sizeof g->street, "%.9s", code);
	snprintf(g->district, sizeof g->district, "%.6s", code);
	g->wkb = wkb->data;
	g->wkb_len = wkb->len;
	shape_bbox(s, &bb);
	g->min_lon = bb.minx;
	g->min_lat = bb.miny;
	g->max_lon = bb.maxx;
	g->max_lat = bb.maxy;
	g->area_m2 = area_m2;
	g->points = (int64_t)shape_points(s);
	snprintf(g->source, sizeof g->source, "%s", source);
	g->updated_at = now;
	return 0;
}

/* ---- import ---------------------------------------------------------- */

struct candidate {
	long feature;        /* -1 for a stored grid */
	char code[16];
	struct shape wgs;    /* WGS84 */
	struct shape local;  /* in the import's local projection */
	double area_m2;
};

struct importer {
	struct db *db;
	const struct grid_import_opts *opts;
	struct grid_import_result *res;
	struct geom_ctx *geom;
	struct crs_transform *from; /* NULL for wgs84 input */
	struct candidate *c;
	size_t n, cap;
	size_t nfile;        /* c[0..nfile) come from the file */
	size_t problems;
	int fatal;           /* a storage error inside a callback */
	struct ug_error *err;
	/* Codes already among the candidates: open addressing on the code
	 * as an integer, slot = candidate index + 1 (0 = empty).  Files of
	 * 100,000 grids make a linear search quadratic. */
	size_t *slots;
	size_t nslots;
	char community_ok[13]; /* the last community found valid */
};

static size_t code_hash(int64_t code, size_t nslots)
{
	return (size_t)((uint64_t)code * 0x9E3779B97F4A7C15ULL) & (nslots - 1);
}

/* The candidate holding `code`, or -1. */
static long code_find(const struct importer *im, const char *code)
{
	int64_t k = strtoll(code, NULL, 10);

	if (!im->nslots)
		return -1;
	for (size_t h = code_hash(k, im->nslots); im->slots[h];
	     h = (h + 1) & (im->nslots - 1))
		if (strcmp(im->c[im->slots[h] - 1].code, code) == 0)
			return (long)im->slots[h] - 1;
	return -1;
}

/* Record that candidate i holds its code (kept at most half full). */
static int code_add(struct importer *im, size_t i)
{
	if (2 * (im->n + 1) > im->nslots) {
		size_t n = im->nslots ? im->nslots * 2 : 1024;
		size_t *slots = calloc(n, sizeof *slots);

		if (!slots)
			return ug_fail(im->err, UG_ENOMEM, NULL, "out of memory");
		for (size_t j = 0; j < im->nslots; j++)
			if (im->slots[j]) {
				const char *code = im->c[im->slots[j] - 1].code;
				size_t h = code_hash(strtoll(code, NULL, 10), n);

				while (slots[h])
					h = (h + 1) & (n - 1);
				slots[h] = im->slots[j];
			}
		free(im->slots);
		im->slots = slots;
		im->nslots = n;
	}
	{
		size_t h = code_hash(strtoll(im->c[i].code, NULL, 10),
				     im->nslots);

		while (im->slots[h])
			h = (h + 1) & (im->nslots - 1);
		im->slots[h] = i + 1;
	}
	return 0;
}

static void report(struct importer *im, enum grid_problem_kind kind,
		   long feature, const char *code, const char *other,
		   double area, double lon, double lat, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

static void report(struct importer *im, enum grid_problem_kind kind,
		   long feature, const char *code, const char *other,
		   double area, double lon, double lat, const char *fmt, ...)
{
	struct grid_problem p;
	struct buf msg = BUF_INIT;
	va_list ap;

	im->problems++;
	if (!im->opts->report)
		return;
	va_start(ap, fmt);
	if (buf_vprintf(&msg, fmt, ap))
		buf_puts(&msg, "(out of memory)");
	va_end(ap);
	p.kind = kind;
	p.feature = feature;
	p.code = code ? code : "";
	p.other = other ? other : "";
	p.area_m2 = area;
	p.lon = lon;
	p.lat = lat;
	p.message = msg.data ? msg.data : "";
	im->opts->report(im->opts->report_ctx, &p);
	buf_free(&msg);
}

static struct candidate *candidate_new(struct importer *im)
{
	if (im->n == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 256;
		struct candidate *c = realloc(im->c, cap * sizeof *c);

		if (!c)
			return NULL;
		im->c = c;
		im->cap = cap;
	}
	memset(&im->c[im->n], 0, sizeof im->c[im->n]);
	return &im->c[im->n];
}

static void candidates_free(struct importer *im)
{
	for (size_t i = 0; i < im->n; i++) {
		shape_free(&im->c[i].wgs);
		shape_free(&im->c[i].local);
	}
	free(im->c);
	im->c = NULL;
	im->n = im->cap = 0;
}

/* The code property: a string, or an integer (JSON files written by
 * spreadsheets often carry codes as numbers; 15 digits fit exactly). */
static int feature_code(json_t *props, char *buf, size_t size)
{
	json_t *v = json_object_get(props, "code");

	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_integer(v) && json_integer_value(v) > 0)
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else
		return -1;
	return 0;
}

static int import_feature(void *ctx, const struct geojson_feature *f)
{
	struct importer *im = ctx;
	char raw[64], code[16];
	const char *community = NULL;
	struct ug_error e = {0};
	struct candidate *c;
	json_t *v;
	long i;
	int rc;

	im->res->features++;
	if (feature_code(f->properties, raw, sizeof raw)) {
		report(im, GRID_PROBLEM_FEATURE, (long)f->index, "", "", 0, 0, 0,
		       "feature %zu: property code is missing (a string of "
		       "15 digits)", f->index);
		return 0;
	}
	v = json_object_get(f->properties, "community");
	if (json_is_string(v))
		community = json_string_value(v);
	if (grid_code_parse(raw, community, "code", code, &e)) {
		report(im, GRID_PROBLEM_FEATURE, (long)f->index, raw, "", 0, 0, 0,
		       "feature %zu: %s", f->index, e.message);
		return 0;
	}
	if (f->kind != GEOJSON_POLYGON) {
		report(im, GRID_PROBLEM_FEATURE, (long)f->index, code, "", 0, 0,
		       0, "feature %zu (%s): %s", f->index, code,
		       f->error ? f->error
				: "geometry must be a Polygon or MultiPolygon");
		return 0;
	}
	if (strncmp(im->community_ok, code, 12) != 0) {
		char comm[13];

		snprintf(comm, sizeof comm, "%.12s", code);
		rc = community_check(im->db, comm, &e);
		if (rc == 0)
			memcpy(im->community_ok, comm, sizeof comm);
		if (rc == -UG_EINVAL) {
			report(im, GRID_PROBLEM_FEATURE, (long)f->index, code,
			       "", 0, 0, 0, "feature %zu (%s): %s", f->index,
			       code, e.message);
			return 0;
		}
		if (rc) {
			*im->err = e;
			im->fatal = 1;
			return rc;
		}
	}
	if ((i = code_find(im, code)) >= 0) {
		report(im, GRID_PROBLEM_FEATURE, (long)f->index, code, "", 0, 0,
		       0,
		       "feature %zu (%s): the code repeats feature %ld; only "
		       "the first is imported",
		       f->index, code, im->c[i].feature);
		return 0;
	}
	if (!(c = candidate_new(im)))
		goto nomem;
	if (shape_copy(&c->wgs, &f->shape, &e))
		goto nomem;
	if (im->from && crs_shape_to_wgs84(im->from, &c->wgs, &e)) {
		report(im, GRID_PROBLEM_FEATURE, (long)f->index, code, "", 0, 0,
		       0, "feature %zu (%s): %s", f->index, code, e.message);
		shape_free(&c->wgs);
		return 0;
	}
	rc = shape_check_lonlat(&c->wgs, &e);
	if (rc == 0)
		rc = geom_check_valid(im->geom, &c->wgs, &e);
	if (rc == -UG_ENOMEM)
		goto nomem;
	if (rc) {
		report(im, GRID_PROBLEM_FEATURE, (long)f->index, code, "", 0, 0,
		       0, "feature %zu (%s): invalid geometry: %s", f->index,
		       code, e.message);
		shape_free(&c->wgs);
		return 0;
	}
	c->feature = (long)f->index;
	memcpy(c->code, code, sizeof c->code);
	if ((rc = code_add(im, im->n))) {
		shape_free(&c->wgs);
		im->fatal = 1;
		return rc;
	}
	im->n++;
	return 0;
nomem:
	if (im->n < im->cap)
		shape_free(&im->c[im->n].wgs);
	im->fatal = 1;
	return ug_fail(im->err, UG_ENOMEM, NULL, "out of memory");
}

/* Stored grids near the file's grids take part in the overlap and gap
 * checks (unless the file replaces them). */
static int add_stored(void *ctx, const struct grid_row *g)
{
	struct importer *im = ctx;
	struct candidate *c;

	/* A grid the file replaces, or one seen already (through the box
	 * and again through its community), is not added. */
	if (code_find(im, g->code) >= 0)
		return 0;
	if (!(c = candidate_new(im)))
		return ug_fail(im->err, UG_ENOMEM, NULL, "out of memory");
	if (shape_from_wkb(g->wkb, g->wkb_len, &c->wgs, im->err))
		return ug_fail(im->err, UG_EINVAL, NULL,
			       "stored geometry of grid %s is unreadable",
			       g->code);
	c->feature = -1;
	memcpy(c->code, g->code, sizeof c->code);
	c->area_m2 = g->area_m2;
	if (code_add(im, im->n)) {
		shape_free(&c->wgs);
		return -UG_ENOMEM;
	}
	im->n++;
	return 0;
}

/* A point inside the common part of two local shapes, as lon/lat. */
static void overlap_point(struct importer *im, struct crs_local *loc,
			  const struct shape *a, const struct shape *b,
			  double *lon, double *lat)
{
	struct shape x = {0};
	double px, py;

	*lon = *lat = NAN;
	if (geom_intersection(im->geom, a, b, &x, NULL) == 0 && x.npolygons &&
	    geom_point_on_surface(im->geom, &x, &px, &py, NULL) == 0)
		crs_local_inverse(loc, px, py, lon, lat, NULL);
	shape_free(&x);
}

struct overlap_ctx {
	struct importer *im;
	struct crs_local *loc;
	const struct shape **shapes;
};

static int on_overlap(void *ctx, size_t i, size_t j, double area)
{
	struct overlap_ctx *o = ctx;
	struct candidate *a = &o->im->c[i], *b = &o->im->c[j];
	double lon, lat;

	if (a->feature < 0 && b->feature < 0)
		return 0; /* both stored: not this import's business */
	if (a->feature < 0) {
		struct candidate *t = a;

		a = b;
		b = t;
	}
	overlap_point(o->im, o->loc, o->shapes[i], o->shapes[j], &lon, &lat);
	o->im->res->overlaps++;
	report(o->im, GRID_PROBLEM_OVERLAP, a->feature, a->code, b->code, area,
	       lon, lat,
	       "overlap: grid %s (feature %ld) and %s%s share %.1f m² near "
	       "%.6f, %.6f",
	       a->code, a->feature, b->feature < 0 ? "stored grid " : "grid ",
	       b->code, area, lon, lat);
	return 0;
}

struct gap_ctx {
	struct importer *im;
	struct crs_local *loc;
	const char *community;
};

static int on_gap(void *ctx, const struct shape *hole, double area)
{
	struct gap_ctx *g = ctx;
	double x, y, lon = NAN, lat = NAN;

	if (geom_point_on_surface(g->im->geom, hole, &x, &y, NULL) == 0)
		crs_local_inverse(g->loc, x, y, &lon, &lat, NULL);
	g->im->res->gaps++;
	report(g->im, GRID_PROBLEM_GAP, -1, g->community, "", area, lon, lat,
	       "gap: %.1f m² inside community %s covered by no grid, near "
	       "%.6f, %.6f",
	       area, g->community, lon, lat);
	return 0;
}

/* Overlaps among all candidates (file + stored neighbours), then gaps in
 * every community the file touches. */
static int topology_check(struct importer *im, struct ug_error *err)
{
	const struct shape **shapes = NULL;
	struct shape_bbox all = {INFINITY, INFINITY, -INFINITY, -INFINITY};
	struct crs_local *loc = NULL;
	size_t ns = 0;
	double min_area = im->opts->min_area_m2 > 0 ? im->opts->min_area_m2
						    : DEFAULT_MIN_AREA_M2;
	double lon0, lat0;
	int rc = 0;

	for (size_t i = 0; i < im->n; i++) {
		struct shape_bbox bb;

		shape_bbox(&im->c[i].wgs, &bb);
		bbox_grow(&all, &bb);
	}
	bbox_centre(&all, &lon0, &lat0);
	if ((rc = crs_local_new(lon0, lat0, &loc, err)))
		return rc;
	shapes = calloc(im->n, sizeof *shapes);
	if (!shapes) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < im->n; i++) {
		struct candidate *c = &im->c[i];

		if ((rc = crs_local_shape_forward(loc, &c->wgs, &c->local,
						  err)))
			goto out;
		if (c->feature >= 0 &&
		    (rc = geom_area(im->geom, &c->local, &c->area_m2, err)))
			goto out;
		shapes[ns++] = &c->local;
	}
	{
		struct overlap_ctx o = {im, loc, shapes};

		if ((rc = geom_overlaps(im->geom, shapes, ns, min_area,
					on_overlap, &o, err)) < 0)
			goto out;
	}
	/* Gaps, community by community (each once). */
	for (size_t f = 0; f < im->nfile; f++) {
		char comm[13];
		size_t k = 0;
		int seen = 0;

		snprintf(comm, sizeof comm, "%.12s", im->c[f].code);
		for (size_t p = 0; p < f; p++)
			if (strncmp(im->c[p].code, comm, 12) == 0)
				seen = 1;
		if (seen)
			continue;
		{
			const struct shape **cs = calloc(ns ? ns : 1,
							 sizeof *cs);
			struct gap_ctx g = {im, loc, comm};

			if (!cs) {
				rc = ug_fail(err, UG_ENOMEM, NULL,
					     "out of memory");
				goto out;
			}
			for (size_t s = 0; s < ns; s++)
				if (strncmp(im->c[s].code, comm, 12) == 0)
					cs[k++] = shapes[s];
			/* Snapped to 1 cm: cracks of digitising noise must
			 * not open a gap to the outside. */
			rc = geom_gaps(im->geom, cs, k, min_area, 0.01, on_gap,
				       &g, err);
			free(cs);
			if (rc < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(shapes);
	crs_local_free(loc);
	return rc;
}

/* Grids imported or generated: audited as `by` (NULL: the command
 * line), with the counts. */
static int grids_audit(struct db *db, const struct actor *by,
		       const char *action, const char *subject, size_t written,
		       size_t replaced, int64_t now, struct ug_error *err)
{
	struct actor cli;
	char detail[96];

	if (!by) {
		actor_cli(&cli);
		by = &cli;
	}
	snprintf(detail, sizeof detail, "{\"written\":%zu,\"replaced\":%zu}",
		 written, replaced);
	return audit_write(db, by, now, action, subject, NULL, NULL, detail,
			   err);
}

/* The caller's work in the grids' transaction (grids.h). */
static int grids_then(const struct grid_then *then, struct db *db,
		      int64_t now, struct ug_error *err)
{
	return then->fn ? then->fn(then->ctx, db, now, err) : 0;
}

/* check_only: what import_write() would write, counted, nothing written. */
static int import_count(struct importer *im, struct ug_error *err)
{
	for (size_t i = 0; i < im->nfile; i++) {
		int rc = store_grid_exists(im->db, im->c[i].code, err);

		if (rc < 0)
			return rc;
		if (rc)
			im->res->replaced++;
		else
			im->res->imported++;
	}
	return 0;
}

static int import_write(struct importer *im, int64_t now,
			struct ug_error *err)
{
	struct buf wkb = BUF_INIT;
	struct grid_row g;
	int rc;

	if ((rc = db_begin_write(im->db, err)))
		return rc;
	for (size_t i = 0; i < im->nfile; i++) {
		struct candidate *c = &im->c[i];

		rc = store_grid_exists(im->db, c->code, err);
		if (rc < 0)
			goto end;
		if (rc)
			im->res->replaced++;
		else
			im->res->imported++;
		if ((rc = grid_row_fill(&g, c->code, &c->wgs, c->area_m2,
					"import", &wkb, now, err)) ||
		    (rc = store_spatial_next_rev(im->db, &g.rev, err)) ||
		    (rc = store_grid_upsert(im->db, &g, err)))
			goto end;
	}
	if ((rc = grids_then(&im->opts->then, im->db, now, err)))
		goto end;
	rc = grids_audit(im->db, im->opts->by, "grids.import", "",
			 im->res->imported, im->res->replaced, now, err);
end:
	buf_free(&wkb);
	if ((rc = db_end(im->db, rc, err)))
		im->res->imported = im->res->replaced = 0;
	return rc;
}

int grids_import_text(struct db *db, const char *text, size_t len,
		      const struct grid_import_opts *opts, int64_t now,
		      struct grid_import_result *res, struct ug_error *err)
{
	struct importer im;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&im, 0, sizeof im);
	im.db = db;
	im.opts = opts;
	im.res = res;
	im.err = err;
	if (!(im.geom = geom_ctx_new()))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (opts->crs.kind != CRS_WGS84 &&
	    (rc = crs_transform_new(&opts->crs, &im.from, err)))
		goto out;
	rc = geojson_read(text, len, import_feature, &im, err);
	if (rc)
		goto out;
	im.nfile = im.n;
	res->skipped = res->features - im.nfile;
	if (im.nfile) {
		struct shape_bbox all = {INFINITY, INFINITY, -INFINITY,
					 -INFINITY};

		for (size_t i = 0; i < im.nfile; i++) {
			struct shape_bbox bb;

			shape_bbox(&im.c[i].wgs, &bb);
			bbox_grow(&all, &bb);
		}
		/* Stored grids in the file's box (and of its communities,
		 * for the gaps). */
		if ((rc = store_grids_in_bbox(db, all.minx, all.miny, all.maxx,
					      all.maxy, INT64_MAX / 2,
					      add_stored, &im, err)))
			goto out;
		for (size_t i = 0; i < im.nfile; i++) {
			char comm[13];

			snprintf(comm, sizeof comm, "%.12s", im.c[i].code);
			if ((rc = store_grids_of_community(db, comm, add_stored,
							   &im, err)))
				goto out;
		}
		if ((rc = topology_check(&im, err)))
			goto out;
	}
	if (opts->strict && im.problems) {
		rc = ug_fail(err, UG_EINVAL, NULL,
			     "%zu problem%s found; --strict: nothing imported",
			     im.problems, im.problems == 1 ? "" : "s");
		goto out;
	}
	if (opts->check_only)
		rc = import_count(&im, err);
	else if (im.nfile)
		rc = import_write(&im, now, err);
out:
	candidates_free(&im);
	free(im.slots);
	crs_transform_free(im.from);
	geom_ctx_free(im.geom);
	return rc;
}

/* ---- generation ------------------------------------------------------ */

struct code_list {
	char (*codes)[16];
	size_t n, cap;
	struct ug_error *err;
};

static int collect_code(void *ctx, const struct grid_row *g)
{
	struct code_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char (*c)[16] = realloc(l->codes, cap * sizeof *c);

		if (!c)
			return ug_fail(l->err, UG_ENOMEM, NULL, "out of memory");
		l->codes = c;
		l->cap = cap;
	}
	memcpy(l->codes[l->n++], g->code, 16);
	return 0;
}

/* Mark every live grid of the community deleted (inside the caller's
 * write transaction) - or, dry, only count them; *n gets how many. */
static int remove_community(struct db *db, const char *community, int dry,
			    int64_t now, size_t *n, struct ug_error *err)
{
	struct code_list l = {.err = err};
	int64_t rev;
	int rc = store_grids_of_community(db, community, collect_code, &l,
					  err);

	for (size_t i = 0; rc == 0 && !dry && i < l.n; i++)
		if ((rc = store_spatial_next_rev(db, &rev, err)) == 0)
			rc = store_grid_delete(db, l.codes[i], rev, now, err);
	*n = rc ? 0 : l.n;
	free(l.codes);
	return rc;
}

struct boundary_ctx {
	struct shape *parts;
	size_t n, cap;
	struct ug_error *err;
	int failed;
};

static int boundary_feature(void *ctx, const struct geojson_feature *f)
{
	struct boundary_ctx *b = ctx;

	if (f->kind != GEOJSON_POLYGON)
		return 0; /* points and lines of the file are not boundary */
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		struct shape *p = realloc(b->parts, cap * sizeof *p);

		if (!p)
			return ug_fail(b->err, UG_ENOMEM, NULL, "out of memory");
		b->parts = p;
		b->cap = cap;
	}
	memset(&b->parts[b->n], 0, sizeof b->parts[b->n]);
	if (shape_copy(&b->parts[b->n], &f->shape, b->err))
		return -UG_ENOMEM;
	b->n++;
	return 0;
}

/* One clipped piece of a cell. */
struct piece {
	long row, col;
	struct shape shape; /* local projection */
	double area;
	double area0;       /* as clipped, before taking in slivers */
	long host;          /* index of the piece it merged into, or -1 */
};

static int piece_order(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* Split a (multi)polygon into one shape per polygon, appended to pieces. */
static int pieces_add(struct piece **pieces, size_t *n, size_t *cap,
		      long row, long col, struct shape *s,
		      struct geom_ctx *geom, struct ug_error *err)
{
	for (size_t i = 0; i < s->npolygons; i++) {
		struct piece *p;
		struct shape one = {s->polygons + i, 1};
		int rc;

		if (*n == *cap) {
			size_t c2 = *cap ? *cap * 2 : 256;
			struct piece *np = realloc(*pieces, c2 * sizeof *np);

			if (!np)
				return ug_fail(err, UG_ENOMEM, NULL,
					       "out of memory");
			*pieces = np;
			*cap = c2;
		}
		p = &(*pieces)[*n];
		memset(p, 0, sizeof *p);
		p->row = row;
		p->col = col;
		p->host = -1;
		if ((rc = shape_copy(&p->shape, &one, err)))
			return rc;
		if ((rc = geom_area(geom, &p->shape, &p->area, err))) {
			shape_free(&p->shape);
			return rc;
		}
		p->area0 = p->area;
		(*n)++;
	}
	return 0;
}

struct sliver_ref {
	double area;
	size_t index;
};

static int larger_first(const void *a, const void *b)
{
	const struct sliver_ref *x = a, *y = b;

	if (x->area != y->area)
		return x->area > y->area ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int bbox_near(const struct shape *a, const struct shape *b)
{
	struct shape_bbox p, q;
	const double eps = 1e-6; /* metres: touching boxes count */

	shape_bbox(a, &p);
	shape_bbox(b, &q);
	return p.minx <= q.maxx + eps && q.minx <= p.maxx + eps &&
	       p.miny <= q.maxy + eps && q.miny <= p.maxy + eps;
}

static int merge_slivers(struct geom_ctx *geom, struct piece *pieces,
			 size_t n, double min_area, size_t *merged,
			 struct ug_error *err)
{
	struct sliver_ref *order = malloc((n ? n : 1) * sizeof *order);
	size_t ns = 0;
	int rc = 0;

	if (!order)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (pieces[i].area < min_area) {
			order[ns].area = pieces[i].area;
			order[ns++].index = i;
		}
	qsort(order, ns, sizeof *order, larger_first);
	for (size_t k = 0; k < ns; k++) {
		struct piece *s = &pieces[order[k].index];
		struct shape best_union = {0};
		long best = -1;

		for (size_t j = 0; j < n; j++) {
			struct piece *h = &pieces[j];
			const struct shape *two[2];
			struct shape u = {0};

			if (h == s || h->host >= 0 || h->area0 < min_area ||
			    !bbox_near(&s->shape, &h->shape))
				continue;
			two[0] = &h->shape;
			two[1] = &s->shape;
			if ((rc = geom_union(geom, two, 2, &u, err)))
				goto out;
			/* Largest by the area it had as a cell, so a cell
			 * that took a sliver does not draw all the others;
			 * within 1 % (full cells differ by projection
			 * noise) the first in north-west order wins. */
			if (u.npolygons == 1 &&
			    (best < 0 ||
			     h->area0 > pieces[best].area0 * 1.01)) {
				shape_free(&best_union);
				best_union = u;
				best = (long)j;
			} else {
				shape_free(&u);
			}
		}
		if (best < 0)
			continue;
		shape_free(&pieces[best].shape);
		pieces[best].shape = best_union;
		pieces[best].area += s->area;
		s->host = best;
		(*merged)++;
	}
out:
	free(order);
	return rc;
}

static void square(double x0, double y0, double side, double xs[5],
		   double ys[5])
{
	xs[0] = x0, ys[0] = y0;
	xs[1] = x0 + side, ys[1] = y0;
	xs[2] = x0 + side, ys[2] = y0 - side;
	xs[3] = x0, ys[3] = y0 - side;
	xs[4] = x0, ys[4] = y0;
}

int grids_generate_text(struct db *db, const char *text, size_t len,
			const char *community,
			const struct grid_generate_opts *opts, int64_t now,
			struct grid_generate_result *res,
			struct ug_error *err)
{
	double cell = opts->cell_m > 0 ? opts->cell_m : 100;
	double ratio = opts->sliver_ratio > 0 ? opts->sliver_ratio : 0.2;
	struct boundary_ctx b = {.err = err};
	struct shape boundary = {0}, local = {0};
	struct crs_transform *from = NULL;
	struct crs_local *loc = NULL;
	struct geom_ctx *geom = NULL;
	struct piece *pieces = NULL;
	size_t npieces = 0, cappieces = 0, serial = 0;
	struct shape_bbox bb;
	struct buf wkb = BUF_INIT;
	double lon0, lat0;
	int rc;

	memset(res, 0, sizeof *res);
	if (!community || strlen(community) != 12 ||
	    !ug_is_digits(community, 0))
		return ug_fail(err, UG_EINVAL, "community",
			       "community must be a 12-digit division code");
	if (cell < 10 || cell > 1000)
		return ug_fail(err, UG_EINVAL, "cell",
			       "cell must lie between 10 and 1000 metres");
	if ((rc = community_check(db, community, err)))
		return rc;
	if (!(geom = geom_ctx_new()))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = geojson_read(text, len, boundary_feature, &b, err)))
		goto out;
	if (b.n == 0) {
		rc = ug_fail(err, UG_EINVAL, "boundary",
			     "the boundary file has no Polygon or "
			     "MultiPolygon feature");
		goto out;
	}
	if (opts->crs.kind != CRS_WGS84) {
		if ((rc = crs_transform_new(&opts->crs, &from, err)))
			goto out;
		for (size_t i = 0; i < b.n; i++)
			if ((rc = crs_shape_to_wgs84(from, &b.parts[i], err)))
				goto out;
	}
	for (size_t i = 0; i < b.n; i++)
		if ((rc = shape_check_lonlat(&b.parts[i], err)) ||
		    (rc = geom_check_valid(geom, &b.parts[i], err))) {
			ug_fail(err, UG_EINVAL, "boundary",
				"boundary feature %zu: %s", i,
				err ? err->message : "invalid");
			goto out;
		}
	{
		const struct shape **ps = calloc(b.n, sizeof *ps);

		if (!ps) {
			rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < b.n; i++)
			ps[i] = &b.parts[i];
		rc = geom_union(geom, ps, b.n, &boundary, err);
		free(ps);
		if (rc)
			goto out;
	}
	shape_bbox(&boundary, &bb);
	bbox_centre(&bb, &lon0, &lat0);
	if ((rc = crs_local_new(lon0, lat0, &loc, err)) ||
	    (rc = crs_local_shape_forward(loc, &boundary, &local, err)) ||
	    (rc = geom_area(geom, &local, &res->area_m2, err)))
		goto out;
	if (res->area_m2 / (cell * cell) > 4 * 999) {
		rc = ug_fail(err, UG_EINVAL, "boundary",
			     "the boundary (%.0f m²) would make more than 999 "
			     "cells of %.0f m: use a larger --cell or split "
			     "the community", res->area_m2, cell);
		goto out;
	}
	/* Cells aligned on the north-west corner of the boundary's box. */
	shape_bbox(&local, &bb);
	for (long row = 0; bb.maxy - row * cell > bb.miny; row++)
		for (long col = 0; bb.minx + col * cell < bb.maxx; col++) {
			double xs[5], ys[5];
			struct shape sq = {0}, clip = {0};
			struct shape_polygon *p = shape_add_polygon(&sq, 1);

			if (!p) {
				rc = ug_fail(err, UG_ENOMEM, NULL,
					     "out of memory");
				goto out;
			}
			square(bb.minx + col * cell, bb.maxy - row * cell, cell,
			       xs, ys);
			rc = shape_ring_set(&p->rings[0], xs, ys, 5, err);
			if (rc == 0)
				rc = geom_intersection(geom, &sq, &local, &clip,
						       err);
			if (rc == 0)
				rc = pieces_add(&pieces, &npieces, &cappieces,
						row, col, &clip, geom, err);
			shape_free(&sq);
			shape_free(&clip);
			if (rc)
				goto out;
		}
	/* Slivers join the largest neighbour they share an edge with (the
	 * union of the two is one polygon), largest sliver first and at
	 * once, so that a corner sliver can join the cell that has just
	 * taken the strip beside it.  A sliver with no such neighbour stays a
	 * grid of its own.  Pieces are in row-major (north-west first)
	 * order here. */
	if ((rc = merge_slivers(geom, pieces, npieces, ratio * cell * cell,
				&res->merged, err)))
		goto out;
	/* Stable numbering: rows north to south, west to east. */
	{
		size_t k = 0;

		for (size_t i = 0; i < npieces; i++) {
			if (pieces[i].host >= 0) {
				shape_free(&pieces[i].shape);
				continue;
			}
			pieces[k++] = pieces[i];
		}
		npieces = k;
	}
	qsort(pieces, npieces, sizeof *pieces, piece_order);
	if (npieces > 999) {
		rc = ug_fail(err, UG_EINVAL, "cell",
			     "%zu grids would not fit the 3-digit serial: use "
			     "a larger --cell", npieces);
		goto out;
	}
	if (opts->check_only) {
		if ((rc = remove_community(db, community, 1, now,
					   &res->replaced, err)) == 0)
			res->grids = npieces;
		goto out;
	}
	{
		struct grid_row g;
		int64_t rev;

		if ((rc = db_begin_write(db, err)))
			goto out;
		/* Every earlier grid of the community goes (the numbering
		 * starts again at 001). */
		rc = remove_community(db, community, 0, now, &res->replaced,
				      err);
		if (rc)
			goto rollback;
		for (size_t i = 0; i < npieces; i++) {
			struct shape w = {0};
			char code[16];
			double area;

			serial++;
			snprintf(code, sizeof code, "%s%03zu", community,
				 serial);
			area = pieces[i].area;
			if ((rc = crs_local_shape_inverse(loc, &pieces[i].shape,
							  &w, err)) ||
			    (rc = grid_row_fill(&g, code, &w, area, "generate",
						&wkb, now, err)) ||
			    (rc = store_spatial_next_rev(db, &rev, err))) {
				shape_free(&w);
				goto rollback;
			}
			g.rev = rev;
			rc = store_grid_upsert(db, &g, err);
			shape_free(&w);
			if (rc)
				goto rollback;
		}
		if ((rc = grids_then(&opts->then, db, now, err)) ||
		    (rc = grids_audit(db, opts->by, "grids.generate",
				      community, npieces, res->replaced, now,
				      err)) ||
		    (rc = db_commit(db, err)))
			goto rollback;
		res->grids = npieces;
		goto out;
rollback:
		db_rollback(db);
		res->grids = res->replaced = 0;
	}
out:
	for (size_t i = 0; i < npieces; i++)
		shape_free(&pieces[i].shape);
	free(pieces);
	for (size_t i = 0; i < b.n; i++)
		shape_free(&b.parts[i]);
	free(b.parts);
	shape_free(&boundary);
	shape_free(&local);
	buf_free(&wkb);
	crs_local_free(loc);
	crs_transform_free(from);
	geom_ctx_free(geom);
	return rc;
}

/* ---- export ---------------------------------------------------------- */

struct export_ctx {
	struct buf *out;
	struct geom_ctx *geom;
	double tolerance;
	int64_t limit, n;
	int *truncated;
	struct ug_error *err;
};

static int export_grid(void *ctx, const struct grid_row *g)
{
	struct export_ctx *x = ctx;
	struct shape s = {0}, simple = {0};
	const struct shape *use = &s;
	int rc;

	if (x->n == x->limit) {
		*x->truncated = 1;
		return 1;
	}
	if ((rc = shape_from_wkb(g->wkb, g->wkb_len, &s, x->err)))
		return rc;
	if (x->tolerance > 0) {
		if ((rc = geom_simplify(x->geom, &s, x->tolerance, &simple,
					x->err)))
			goto out;
		if (simple.npolygons)
			use = &simple;
	}
	if ((rc = buf_puts(x->out, x->n ? ",{" : "{")) ||
	    (rc = buf_printf(x->out,
			     "\"type\":\"Feature\",\"properties\":{\"code\":"
			     "\"%s\",\"community\":\"%s\",\"street\":\"%s\","
			     "\"district\":\"%s\",\"area_m2\":%.1f,"
			     "\"source\":\"%s\"},\"geometry\":",
			     g->code, g->community, g->street, g->district,
			     g->area_m2, g->source)) ||
	    (rc = shape_to_geojson(use, 7, x->out, x->err)) ||
	    (rc = buf_puts(x->out, "}"))) {
		if (rc > 0 || rc == -1)
			rc = ug_fail(x->err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	x->n++;
out:
	shape_free(&s);
	shape_free(&simple);
	return rc;
}

int grids_geojson_bbox(struct db *db, double min_lon, double min_lat,
		       double max_lon, double max_lat, double tolerance,
		       int64_t limit, struct buf *out, int *truncated,
		       struct ug_error *err)
{
	struct export_ctx x = {out, NULL, tolerance, limit, 0, truncated, err};
	int rc;

	*truncated = 0;
	if (!(min_lon >= -180 && max_lon <= 180 && min_lat >= -90 &&
	      max_lat <= 90 && min_lon <= max_lon && min_lat <= max_lat))
		return ug_fail(err, UG_EINVAL, "bbox",
			       "bbox must be minLon,minLat,maxLon,maxLat "
			       "with -180 <= lon <= 180, -90 <= lat <= 90 "
			       "and min <= max");
	if (!(x.geom = geom_ctx_new()))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (buf_puts(out, "{\"type\":\"FeatureCollection\",\"features\":[")) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	rc = store_grids_in_bbox(db, min_lon, min_lat, max_lon, max_lat, limit,
				 export_grid, &x, err);
	if (rc == 1)
		rc = 0;
	/* "truncated" is a foreign member (RFC 7946 §6.1): more grids
	 * meet the box than `limit`. */
	if (rc == 0 && buf_printf(out, "],\"truncated\":%s}",
				  *truncated ? "true" : "false"))
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
out:
	geom_ctx_free(x.geom);
	return rc;
}

int grids_extent(struct db *db, double box[4], struct ug_error *err)
{
	return store_grid_extent(db, box, err);
}
