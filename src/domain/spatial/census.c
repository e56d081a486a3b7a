/*
 * census.c - import of the components census (see census.h): one record
 * at a time from CSV or GeoJSON into a normalised component_row, checked
 * and located, then all good rows in one write transaction.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/org/audit.h"
#include "domain/spatial/census.h"
#include "domain/spatial/component.h"
#include "lib/csv.h"
#include "lib/geojson.h"
#include "lib/iso8601.h"
#include "lib/util.h"
#include "store/cases/cases.h"
#include "store/spatial/spatial.h"

static const char *const status_names[][2] = {
	{"完好", "intact"},   {"破损", "damaged"},   {"丢失", "lost"},
	{"占用", "occupied"}, {"废弃", "abandoned"}, {"移除", "removed"},
};

/* Normalise a status: the six Chinese terms or intact, damaged, lost,
 * occupied, abandoned, removed.  The Chinese term, or NULL. */
static const char *census_status(const char *text)
{
	for (size_t i = 0; i < sizeof status_names / sizeof *status_names; i++)
		if (strcmp(text, status_names[i][0]) == 0 ||
		    strcmp(text, status_names[i][1]) == 0)
			return status_names[i][0];
	return NULL;
}

/* The fields of one record, as text (NULL = absent). */
enum field { F_CODE, F_CLASS, F_NAME, F_LON, F_LAT, F_STATUS, F_OWNER,
	     F_MAINTAINER, F_INSTALLED, F_ADDRESS, F_COUNT };

static const char *const field_names[F_COUNT][2] = {
	[F_CODE] = {"code", "标识码"},
	[F_CLASS] = {"class", "小类"},
	[F_NAME] = {"name", "名称"},
	[F_LON] = {"lon", "经度"},
	[F_LAT] = {"lat", "纬度"},
	[F_STATUS] = {"status", "状态"},
	[F_OWNER] = {"owner", "主管部门"},
	[F_MAINTAINER] = {"maintainer", "养护单位"},
	[F_INSTALLED] = {"installed_on", "初始日期"},
	[F_ADDRESS] = {"address", "地址"},
};

struct census {
	struct db *db;
	struct spatial *sp;
	const struct census_opts *opts;
	struct census_result *res;
	struct crs_transform *from;
	struct component_row *rows;
	long *where;   /* line or feature index of each row */
	size_t n, cap;
	struct category cat; /* the last class looked up: censuses come
				class by class, so most rows need no query */
	struct ug_error *err;
};

static void bad(struct census *c, long where, const char *what,
		const struct ug_error *e)
{
	char msg[600];

	c->res->skipped++;
	if (!c->opts->report)
		return;
	snprintf(msg, sizeof msg, "%s %ld: %s", what, where, e->message);
	c->opts->report(c->opts->report_ctx, where, msg);
}

static int text_field(const char *v, const char *name, size_t max,
		      char *out, size_t size, struct ug_error *err)
{
	if (!v)
		v = "";
	if (strlen(v) > max || strlen(v) >= size)
		return ug_fail(err, UG_EINVAL, name,
			       "%s is longer than %zu bytes", name, max);
	snprintf(out, size, "%s", v);
	return 0;
}

static int number_field(const char *v, const char *name, double *out,
			struct ug_error *err)
{
	char *end;

	if (!v || !*v)
		return ug_fail(err, UG_EINVAL, name, "%s is required", name);
	errno = 0;
	*out = strtod(v, &end);
	if (*end || errno || !isfinite(*out))
		return ug_fail(err, UG_EINVAL, name, "%s is not a number: %s",
			       name, v);
	return 0;
}

/* Check one record and turn it into a row (row->rev left 0). */
static int record(struct census *c, const char *const f[F_COUNT],
		  struct component_row *row, struct ug_error *e)
{
	struct component_code cc;
	struct spatial_place place;
	const char *status;
	double x, y;
	int rc;

	memset(row, 0, sizeof *row);
	if ((rc = component_code_parse(f[F_CODE] ? f[F_CODE] : "", "code",
				       &cc, e)))
		return rc;
	snprintf(row->code, sizeof row->code, "%s", cc.code);
	if (f[F_CLASS] && *f[F_CLASS] && strcmp(f[F_CLASS], cc.klass))
		return ug_fail(e, UG_EINVAL, "class",
			       "class %s contradicts the identifier, whose "
			       "class is %s", f[F_CLASS], cc.klass);
	if (strcmp(c->cat.code, cc.klass) != 0) {
		rc = store_category_get(c->db, cc.klass, &c->cat, e);
		if (rc == 0 && strcmp(c->cat.kind, "component"))
			rc = -UG_ENOTFOUND;
		if (rc) {
			c->cat.code[0] = '\0';
			if (rc == -UG_ENOTFOUND)
				return ug_fail(e, UG_EINVAL, "class",
					       "class %s is not a component "
					       "class of the standard",
					       cc.klass);
			return rc;
		}
	}
	snprintf(row->klass, sizeof row->klass, "%s", cc.klass);
	if ((rc = text_field(f[F_NAME] && *f[F_NAME] ? f[F_NAME] : c->cat.name,
			     "name", 120, row->name, sizeof row->name, e)) ||
	    (rc = number_field(f[F_LON], "lon", &x, e)) ||
	    (rc = number_field(f[F_LAT], "lat", &y, e)))
		return rc;
	if (c->from) {
		if ((rc = crs_to_wgs84(c->from, x, y, &row->lon, &row->lat, e)))
			return rc;
	} else {
		row->lon = x;
		row->lat = y;
	}
	if (row->lon < -180 || row->lon > 180 || row->lat < -90 ||
	    row->lat > 90)
		return ug_fail(e, UG_EINVAL, "lon",
			       "coordinates %.7f, %.7f are outside "
			       "longitude/latitude range", row->lon, row->lat);
	status = census_status(f[F_STATUS] && *f[F_STATUS] ? f[F_STATUS]
							   : "完好");
	if (!status)
		return ug_fail(e, UG_EINVAL, "status",
			       "status %s is not one of 完好 破损 丢失 占用 "
			       "废弃 移除 (intact damaged lost occupied "
			       "abandoned removed)", f[F_STATUS]);
	snprintf(row->status, sizeof row->status, "%s", status);
	if ((rc = text_field(f[F_OWNER], "owner", 120, row->owner,
			     sizeof row->owner, e)) ||
	    (rc = text_field(f[F_MAINTAINER], "maintainer", 120,
			     row->maintainer, sizeof row->maintainer, e)) ||
	    (rc = text_field(f[F_ADDRESS], "address", 256, row->address,
			     sizeof row->address, e)))
		return rc;
	if (f[F_INSTALLED] && *f[F_INSTALLED]) {
		int64_t t;
		char probe[40];

		snprintf(probe, sizeof probe, "%.10sT00:00:00Z",
			 f[F_INSTALLED]);
		if (strlen(f[F_INSTALLED]) != 10 || iso8601_parse(probe, &t))
			return ug_fail(e, UG_EINVAL, "installed_on",
				       "installed_on must be a date "
				       "YYYY-MM-DD, got %s", f[F_INSTALLED]);
		snprintf(row->installed_on, sizeof row->installed_on, "%s",
			 f[F_INSTALLED]);
	}
	if (!ug_utf8_valid(row->name, strlen(row->name)) ||
	    !ug_utf8_valid(row->owner, strlen(row->owner)) ||
	    !ug_utf8_valid(row->maintainer, strlen(row->maintainer)) ||
	    !ug_utf8_valid(row->address, strlen(row->address)))
		return ug_fail(e, UG_EINVAL, "name", "text is not valid UTF-8");
	if (c->sp && spatial_locate(c->sp, row->lon, row->lat, &place, NULL) ==
			     0)
		snprintf(row->grid, sizeof row->grid, "%s", place.grid);
	return 0;
}

static int keep(struct census *c, const struct component_row *row, long where)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct component_row *r = realloc(c->rows, cap * sizeof *r);
		long *w;

		if (!r)
			return ug_fail(c->err, UG_ENOMEM, NULL, "out of memory");
		c->rows = r;
		w = realloc(c->where, cap * sizeof *w);
		if (!w)
			return ug_fail(c->err, UG_ENOMEM, NULL, "out of memory");
		c->where = w;
		c->cap = cap;
	}
	c->where[c->n] = where;
	c->rows[c->n++] = *row;
	return 0;
}

struct code_pos {
	const char *code;
	size_t pos;
};

static int by_code_then_position(const void *a, const void *b)
{
	const struct code_pos *x = a, *y = b;
	int d = strcmp(x->code, y->code);

	return d ? d : (x->pos < y->pos ? -1 : x->pos > y->pos);
}

/* A code given twice: the first row is kept, the later ones reported and
 * dropped.  Sorting keeps this O(n log n) for censuses of 100,000 rows. */
static int drop_repeats(struct census *c, const char *what)
{
	struct code_pos *order = malloc((c->n ? c->n : 1) * sizeof *order);
	char *drop = calloc(c->n ? c->n : 1, 1);
	size_t k = 0;

	if (!order || !drop) {
		free(order);
		free(drop);
		return ug_fail(c->err, UG_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < c->n; i++) {
		order[i].code = c->rows[i].code;
		order[i].pos = i;
	}
	qsort(order, c->n, sizeof *order, by_code_then_position);
	for (size_t i = 1, first = 0; i < c->n; i++) {
		struct ug_error e = {0};

		if (strcmp(order[i].code, order[first].code)) {
			first = i;
			continue;
		}
		drop[order[i].pos] = 1;
		ug_fail(&e, UG_EINVAL, "code",
			"component %s appears twice; the first (%s %ld) is "
			"kept", order[i].code, what,
			c->where[order[first].pos]);
		bad(c, c->where[order[i].pos], what, &e);
	}
	for (size_t i = 0; i < c->n; i++)
		if (!drop[i]) {
			c->rows[k] = c->rows[i];
			c->where[k++] = c->where[i];
		}
	c->n = k;
	free(order);
	free(drop);
	return 0;
}

/* The rows of a CSV stream called `path` (fp stays the caller's). */
static int read_csv_stream(struct census *c, FILE *fp, const char *path)
{
	struct csv_reader r;
	struct component_row row;
	int cols[F_COUNT], rc;

	csv_init(&r, fp, path);
	rc = csv_next(&r, c->err);
	if (rc == 0)
		rc = ug_fail(c->err, UG_EINVAL, "file", "%s is empty", path);
	if (rc < 0)
		goto out;
	for (int i = 0; i < F_COUNT; i++) {
		cols[i] = csv_column(&r, field_names[i][0]);
		if (cols[i] < 0)
			cols[i] = csv_column(&r, field_names[i][1]);
	}
	for (int i = F_CODE; i <= F_LAT; i++)
		if (i != F_CLASS && i != F_NAME && cols[i] < 0) {
			rc = ug_fail(c->err, UG_EINVAL, "file",
				     "%s: no column %s (or %s)", path,
				     field_names[i][0], field_names[i][1]);
			goto out;
		}
	while ((rc = csv_next(&r, c->err)) == 1) {
		const char *f[F_COUNT];
		struct ug_error e = {0};

		c->res->rows++;
		for (int i = 0; i < F_COUNT; i++)
			f[i] = cols[i] >= 0 && (size_t)cols[i] < csv_count(&r)
				       ? csv_field(&r, (size_t)cols[i])
				       : NULL;
		rc = record(c, f, &row, &e);
		if (rc == -UG_EINVAL)
			bad(c, r.line, "line", &e);
		else if (rc) {
			*c->err = e;
			goto out;
		} else if ((rc = keep(c, &row, r.line)))
			goto out;
	}
out:
	csv_free(&r);
	return rc < 0 ? rc : 0;
}

static int read_csv(struct census *c, const char *path)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (!fp)
		return ug_fail(c->err, UG_EIO, "file", "cannot open %s: %s",
			       path, strerror(errno));
	rc = read_csv_stream(c, fp, path);
	fclose(fp);
	return rc;
}

/* A GeoJSON property as text: strings as they are, numbers printed. */
static const char *prop(json_t *props, int i, char *buf, size_t size)
{
	json_t *v = json_object_get(props, field_names[i][0]);

	if (!v)
		v = json_object_get(props, field_names[i][1]);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, size, "%.17g", json_real_value(v));
		return buf;
	}
	return NULL;
}

static int geojson_component(void *ctx, const struct geojson_feature *gf)
{
	struct census *c = ctx;
	char bufs[F_COUNT][32], lon[40], lat[40];
	const char *f[F_COUNT];
	struct component_row row;
	struct ug_error e = {0};
	int rc;

	c->res->rows++;
	if (gf->kind != GEOJSON_POINT) {
		ug_fail(&e, UG_EINVAL, "geometry", "%s",
			gf->error ? gf->error : "geometry must be a Point");
		bad(c, (long)gf->index, "feature", &e);
		return 0;
	}
	for (int i = 0; i < F_COUNT; i++)
		f[i] = prop(gf->properties, i, bufs[i], sizeof bufs[i]);
	snprintf(lon, sizeof lon, "%.17g", gf->x);
	snprintf(lat, sizeof lat, "%.17g", gf->y);
	f[F_LON] = lon;
	f[F_LAT] = lat;
	rc = record(c, f, &row, &e);
	if (rc == -UG_EINVAL) {
		bad(c, (long)gf->index, "feature", &e);
		return 0;
	}
	if (rc) {
		*c->err = e;
		return rc;
	}
	return keep(c, &row, (long)gf->index);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* What is common to a file and an upload once the rows are read: drop
 * repeated codes, refuse (strict) or write them (or, check_only, count
 * what would be written), audited as opts->by. */
static int census_apply(struct census *c, const char *what, int64_t now)
{
	const struct census_opts *opts = c->opts;
	struct census_result *res = c->res;
	struct db *db = c->db;
	struct ug_error *err = c->err;
	int rc;

	if ((rc = drop_repeats(c, what)))
		return rc;
	if (opts->strict && res->skipped)
		return ug_fail(err, UG_EINVAL, NULL,
			       "%zu bad row%s; --strict: nothing imported",
			       res->skipped, res->skipped == 1 ? "" : "s");
	if (opts->check_only) {
		for (size_t i = 0; i < c->n; i++) {
			if ((rc = store_component_exists(db, c->rows[i].code,
							 err)) < 0)
				return rc;
			if (rc)
				res->replaced++;
			else
				res->imported++;
			if (!*c->rows[i].grid)
				res->outside++;
		}
		return 0;
	}
	if ((rc = db_begin_write(db, err)))
		return rc;
	for (size_t i = 0; i < c->n; i++) {
		struct component_row *row = &c->rows[i];

		rc = store_component_exists(db, row->code, err);
		if (rc < 0)
			break;
		if (rc)
			res->replaced++;
		else
			res->imported++;
		if (!*row->grid)
			res->outside++;
		row->updated_at = now;
		if ((rc = store_spatial_next_rev(db, &row->rev, err)) ||
		    (rc = store_component_upsert(db, row, err)))
			break;
	}
	if (rc == 0) {
		struct actor cli;
		const struct actor *by = opts->by;
		char detail[128];

		if (!by) {
			actor_cli(&cli);
			by = &cli;
		}
		snprintf(detail, sizeof detail,
			 "{\"imported\":%zu,\"replaced\":%zu,\"skipped\":%zu}",
			 res->imported, res->replaced, res->skipped);
		rc = audit_write(db, by, now, "components.import", "", NULL,
				 NULL, detail, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	if (rc) {
		db_rollback(db);
		res->imported = res->replaced = res->outside = 0;
	}
	return rc;
}

/* Read `text` (a file called `name`: .csv, else GeoJSON) or, text NULL,
 * the file at `name`, then census_apply(). */
static int census_import(struct db *db, struct spatial *sp, const char *name,
			 const char *text, size_t len,
			 const struct census_opts *opts, int64_t now,
			 struct census_result *res, struct ug_error *err)
{
	struct census c = {.db = db, .sp = sp, .opts = opts, .res = res,
			   .err = err};
	int csv = ends_with(name, ".csv");
	int rc;

	memset(res, 0, sizeof *res);
	if (opts->crs.kind != CRS_WGS84 &&
	    (rc = crs_transform_new(&opts->crs, &c.from, err)))
		return rc;
	if (!csv && !ends_with(name, ".geojson") && !ends_with(name, ".json")) {
		rc = ug_fail(err, UG_EINVAL, "file",
			     "%s: the name must end in .csv, .geojson or "
			     ".json", name);
	} else if (csv && text) {
		FILE *fp = fmemopen((void *)text, len, "r");

		rc = fp ? read_csv_stream(&c, fp, name)
			: ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		if (fp)
			fclose(fp);
	} else if (csv) {
		rc = read_csv(&c, name);
	} else if (text) {
		rc = geojson_read(text, len, geojson_component, &c, err);
	} else {
		rc = geojson_read_file(name, geojson_component, &c, err);
	}
	if (rc == 0)
		rc = census_apply(&c, csv ? "line" : "feature", now);
	free(c.rows);
	free(c.where);
	crs_transform_free(c.from);
	return rc;
}

int census_import_file(struct db *db, struct spatial *sp, const char *path,
		       const struct census_opts *opts, int64_t now,
		       struct census_result *res, struct ug_error *err)
{
	return census_import(db, sp, path, NULL, 0, opts, now, res, err);
}

int census_import_text(struct db *db, struct spatial *sp, const char *name,
		       const char *text, size_t len,
		       const struct census_opts *opts, int64_t now,
		       struct census_result *res, struct ug_error *err)
{
	return census_import(db, sp, name, text, len, opts, now, res, err);
}
