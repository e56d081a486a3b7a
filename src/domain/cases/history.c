/*
 * history.c - import of case history from Open311 JSON or CSV (see
 * history.h).  Built for a city's years at once: one write transaction,
 * the store's statements prepared once and reused, one case and one line
 * buffer for the whole batch, the mapping, categories, departments and
 * divisions looked up once each and kept in small hash tables, the
 * cases' numbers and ids counted here rather than read back row by row.
 */
#include "domain/cases/history.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/assess/assess.h"
#include "lib/csv.h"
#include "lib/iso8601.h"
#include "lib/jsonrows.h"
#include "lib/util.h"

/* ---- a small string table ------------------------------------------- */

/* What is known of a key: a category (its standard, its name), a
 * department, a mapping (its target) - or that it is unknown (found 0). */
struct known {
	char *key;
	int found;
	int64_t n;
	char *text;
};

struct table {
	struct known *at;
	size_t cap, n; /* cap a power of two, kept at most half full */
};

static size_t hash_of(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct known *table_find(const struct table *t, const char *key)
{
	if (!t->cap)
		return NULL;
	for (size_t i = hash_of(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (!t->at[i].key)
			return NULL;
		if (strcmp(t->at[i].key, key) == 0)
			return &t->at[i];
	}
}

/* Add key (not there yet) with its facts; the entry, or NULL out of
 * memory. */
static struct known *table_add(struct table *t, const char *key, int found,
			       int64_t n, const char *text)
{
	struct known *k;
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		struct table bigger = { NULL, t->cap ? t->cap * 2 : 64, 0 };

		if (!(bigger.at = calloc(bigger.cap, sizeof *bigger.at)))
			return NULL;
		for (size_t j = 0; j < t->cap; j++) {
			if (!t->at[j].key)
				continue;
			for (i = hash_of(t->at[j].key) & (bigger.cap - 1);
			     bigger.at[i].key; i = (i + 1) & (bigger.cap - 1))
				;
			bigger.at[i] = t->at[j];
		}
		bigger.n = t->n;
		free(t->at);
		*t = bigger;
	}
	for (i = hash_of(key) & (t->cap - 1); t->at[i].key;
	     i = (i + 1) & (t->cap - 1))
		;
	k = &t->at[i];
	k->key = strdup(key);
	k->text = strdup(text ? text : "");
	if (!k->key || !k->text) {
		free(k->key);
		free(k->text);
		k->key = NULL;
		return NULL;
	}
	k->found = found;
	k->n = n;
	t->n++;
	return k;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->at[i].key);
		free(t->at[i].text);
	}
	free(t->at);
	memset(t, 0, sizeof *t);
}

/* ---- the batch ------------------------------------------------------ */

struct case_history {
	struct db *db;
	const struct case_env *env;
	const struct case_history_opts *opts;
	const char *const *names;
	int64_t now;
	int open;            /* the write transaction is open */
	struct table map;    /* "c:<code>" / "d:<agency>" -> target code */
	struct table categories;  /* code -> standard id, name */
	struct table departments; /* code -> known or not */
	struct table numbers;     /* day -> the last case number given */
	int64_t next_id;     /* the next case's id, given here */
	char offset[8];      /* the city's zone, "+08:00", for bare times */
	struct case_row *c;  /* reused for every row */
	struct case_event_row *e;
	struct assess_batch *counts; /* the new lines, counted as written */
	struct case_history_result res;
	char why[512];       /* the reason a row is bad */
};

static int oom(struct ug_error *err)
{
	return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
}

/* Is `code` a category: its standard in force and its name (cached). */
static int category_known(struct case_history *h, const char *code,
			  const struct known **out, struct ug_error *err)
{
	struct known *k = table_find(&h->categories, code);
	struct case_standard std;
	struct category cat;
	int rc;

	if (!k) {
		rc = store_category_get(h->db, code, &cat, err);
		if (rc == 0)
			rc = store_standard_current(h->db, code, &std, err);
		if (rc && rc != -UG_ENOTFOUND)
			return rc;
		k = table_add(&h->categories, code, rc == 0, rc ? 0 : std.id,
			      rc ? "" : cat.name);
		if (!k)
			return oom(err);
	}
	*out = k;
	return k->found;
}

static int department_known(struct case_history *h, const char *code,
			    struct ug_error *err)
{
	struct known *k = table_find(&h->departments, code);
	struct department d;
	int rc;

	if (!k) {
		rc = store_department_get(h->db, code, &d, err);
		if (rc && rc != -UG_ENOTFOUND)
			return rc;
		if (!(k = table_add(&h->departments, code, rc == 0, 0, NULL)))
			return oom(err);
	}
	return k->found;
}

/* The mapping file: CSV with the header kind,source,code; kind is
 * category (a service code -> a 小类 code) or department (an agency ->
 * a department code). */
static int map_load(struct case_history *h, const char *path,
		    struct ug_error *err)
{
	struct csv_reader r;
	FILE *fp = fopen(path, "r");
	int kind = -1, source = -1, code = -1, rc;

	if (!fp)
		return ug_fail(err, UG_EIO, "map", "cannot read %s", path);
	csv_init(&r, fp, path);
	rc = csv_next(&r, err);
	if (rc == 1) {
		kind = csv_column(&r, "kind");
		source = csv_column(&r, "source");
		code = csv_column(&r, "code");
		rc = kind < 0 || source < 0 || code < 0
			     ? ug_fail(err, UG_EINVAL, "map",
				       "%s:1: the header must name the columns "
				       "kind, source and code", path)
			     : 1;
	} else if (rc == 0) {
		rc = ug_fail(err, UG_EINVAL, "map", "%s is empty", path);
	}
	while (rc == 1 && (rc = csv_next(&r, err)) == 1) {
		const char *k = csv_field(&r, (size_t)kind);
		const char *s = csv_field(&r, (size_t)source);
		const char *t = csv_field(&r, (size_t)code);
		const struct known *cat;
		char key[600];
		int is_cat = strcmp(k, "category") == 0, found;

		if ((size_t)code >= csv_count(&r) ||
		    (size_t)kind >= csv_count(&r) ||
		    (size_t)source >= csv_count(&r) || !*s || !*t ||
		    (!is_cat && strcmp(k, "department") != 0)) {
			rc = ug_fail(err, UG_EINVAL, "map",
				     "%s:%ld: each row needs kind (category "
				     "or department), source and code", path,
				     r.line);
			break;
		}
		snprintf(key, sizeof key, "%c:%.580s", k[0], s);
		if (table_find(&h->map, key)) {
			rc = ug_fail(err, UG_EINVAL, "map",
				     "%s:%ld: %s %s is mapped twice", path,
				     r.line, k, s);
			break;
		}
		found = is_cat ? category_known(h, t, &cat, err)
			       : department_known(h, t, err);
		if (found == 0)
			rc = ug_fail(err, UG_EINVAL, "map",
				     "%s:%ld: %s %s is not known here", path,
				     r.line, is_cat ? "category" : "department",
				     t);
		else if (found > 0)
			rc = table_add(&h->map, key, 1, 0, t) ? 1 : oom(err);
		else
			rc = found;
	}
	csv_free(&r);
	fclose(fp);
	return rc;
}

/* The code `value` of the source stands for (kind 'c' or 'd'): its
 * mapping, else itself. */
static const char *mapped(struct case_history *h, char kind,
			  const char *value)
{
	char key[600];
	const struct known *k;

	if (!h->map.n)
		return value;
	snprintf(key, sizeof key, "%c:%.580s", kind, value);
	k = table_find(&h->map, key);
	return k ? k->text : value;
}

int case_history_begin(struct db *db, const struct case_env *env,
		       const struct actor *a,
		       const struct case_history_opts *opts,
		       const char *const names[HF_COUNT], int64_t now,
		       struct case_history **out, struct ug_error *err)
{
	struct case_history *h;
	struct division div;
	int32_t off = env->utc_offset, m = off < 0 ? -off : off;
	int rc;

	*out = NULL;
	if (!a->root && !actor_is(a, ROLE_ADMIN))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only an administrator may import cases");
	if (!(h = calloc(1, sizeof *h)) || !(h->c = malloc(sizeof *h->c)) ||
	    !(h->e = malloc(sizeof *h->e))) {
		if (h)
			free(h->c);
		free(h);
		return oom(err);
	}
	h->db = db;
	h->env = env;
	h->opts = opts;
	h->names = names;
	h->now = now;
	snprintf(h->offset, sizeof h->offset, "%c%02d:%02d", off < 0 ? '-' : '+',
		 (int)(m / 3600) % 100, (int)(m / 60 % 60));
	*out = h;
	if (opts->area && *opts->area) {
		rc = store_division_get(db, opts->area, &div, err);
		if (rc == -UG_ENOTFOUND ||
		    (rc == 0 && strcmp(div.level, "district") &&
		     strcmp(div.level, "street") &&
		     strcmp(div.level, "community")))
			return ug_fail(err, UG_EINVAL, "area",
				       "area %s is not a known district, street "
				       "or community", opts->area);
		if (rc)
			return rc;
	}
	if ((rc = assess_batch_new(db, env->utc_offset, &h->counts, err)) ||
	    (rc = store_case_bulk(db, 1, err)) ||
	    (rc = db_begin_write(db, err)))
		return rc;
	h->open = 1;
	if ((rc = store_case_bulk_indexes_off(db, err)) ||
	    (rc = store_case_next_id(db, &h->next_id, err)))
		return rc;
	if (opts->map_path && (rc = map_load(h, opts->map_path, err)) < 0)
		return rc;
	return 0;
}

/* A bad row: reported and skipped. */
static int bad_row(struct case_history *h, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad_row(struct case_history *h, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->why, sizeof h->why, fmt, ap);
	va_end(ap);
	h->res.skipped++;
	if (h->opts->report)
		h->opts->report(h->opts->report_ctx, line, h->why);
	return 0;
}

static const char *field(const struct history_row *row, enum history_field f)
{
	const char *v = row->f[f];

	return v ? v : "";
}

/* A date-time of the source: ISO 8601, or without a zone in the city's.
 * 0, or -1. */
static int time_of(const struct case_history *h, const char *s, int64_t *t)
{
	char zoned[48];
	size_t n = strlen(s);

	if (iso8601_parse(s, t) == 0)
		return 0;
	if (n < 16 || n > 32)
		return -1;
	snprintf(zoned, sizeof zoned, "%s%s", s, h->offset);
	return iso8601_parse(zoned, t);
}

/* "lon" text into a degree within [-lim, lim]; 0 or -1. */
static int degrees_of(const char *s, double lim, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return *s && !*end && isfinite(*out) && fabs(*out) <= lim ? 0 : -1;
}

/* s as a JSON string's contents into out (size n): codes are plain, but
 * the history's data must stay JSON whatever a code holds. */
static void json_text(char *out, size_t n, const char *s)
{
	size_t j = 0;

	for (; *s && j + 7 < n; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[j++] = '\\';
			out[j++] = (char)ch;
		} else if (ch < 0x20) {
			j += (size_t)snprintf(out + j, n - j, "\\u%04x", ch);
		} else {
			out[j++] = (char)ch;
		}
	}
	out[j] = '\0';
}

/* One line of the imported case's history, as it stands after it. */
static int line_add(struct case_history *h, const char *action,
		    const char *from, const char *to, int64_t at,
		    const char *note, const char *data, struct ug_error *err)
{
	struct case_event_row *e = h->e;
	int rc;

	e->case_id = h->c->id;
	e->at = at;
	UG_COPY(e->actor, CASE_IMPORT_ACTOR);
	UG_COPY(e->actor_role, CASE_IMPORT_ACTOR);
	UG_COPY(e->action, action);
	UG_COPY(e->from_state, from);
	UG_COPY(e->to_state, to);
	UG_COPY(e->note, note);
	UG_COPY(e->data, data);
	if ((rc = store_case_event_insert_bulk(h->db, e, err)) ||
	    (rc = assess_batch_line(h->counts, h->c, e, err)))
		return rc;
	h->res.lines++;
	return 0;
}

/* What a row says, checked: 1 when it is good, 0 when it was reported
 * bad, <0. */
struct checked {
	const char *ref, *category, *department, *description, *notes;
	const struct known *cat;
	int64_t requested, updated, closed;
	int closed_status;
};

static int check_row(struct case_history *h, const struct history_row *row,
		     struct checked *k, struct ug_error *err)
{
	const char *const *nm = h->names;
	const char *code = field(row, HF_CODE), *v;
	struct spatial_place place;
	struct case_row *c = h->c;
	double lon = 0, lat = 0;
	int has_lon, has_lat, rc;

	k->ref = field(row, HF_REF);
	if (!*k->ref || strlen(k->ref) > 64)
		return bad_row(h, row->line, "%s is required (at most 64 bytes)",
			       nm[HF_REF]);
	if (!*code)
		code = field(row, HF_NAME);
	if (!*code)
		return bad_row(h, row->line, "%s is required", nm[HF_CODE]);
	k->category = mapped(h, 'c', code);
	if ((rc = category_known(h, k->category, &k->cat, err)) < 0)
		return rc;
	if (!rc)
		return bad_row(h, row->line,
			       "%s %s is neither in the mapping file nor a "
			       "category code", nm[HF_CODE], code);
	v = field(row, HF_STATUS);
	k->closed_status = strcasecmp(v, "closed") == 0;
	if (!k->closed_status && strcasecmp(v, "open") != 0)
		return bad_row(h, row->line, "%s must be open or closed, not "
					     "\"%.40s\"", nm[HF_STATUS], v);
	if (time_of(h, field(row, HF_REQUESTED), &k->requested))
		return bad_row(h, row->line, "%s must be an ISO 8601 "
					     "date-time, not \"%.40s\"",
			       nm[HF_REQUESTED], field(row, HF_REQUESTED));
	k->updated = k->requested;
	v = field(row, HF_UPDATED);
	if (*v && (time_of(h, v, &k->updated) || k->updated < k->requested))
		return bad_row(h, row->line, "%s must be an ISO 8601 date-time "
					     "at or after %s",
			       nm[HF_UPDATED], nm[HF_REQUESTED]);
	k->closed = 0;
	if (k->closed_status) {
		/* Open311 has no closing time: a closed request was last
		 * updated when it closed. */
		v = field(row, HF_CLOSED);
		if (!*v)
			v = field(row, HF_UPDATED);
		if (time_of(h, v, &k->closed) || k->closed < k->requested)
			return bad_row(h, row->line, "a closed request needs "
						     "its closing time (%s) at "
						     "or after %s",
				       nm[HF_CLOSED], nm[HF_REQUESTED]);
	}
	if (k->requested > h->now || k->updated > h->now ||
	    k->closed > h->now)
		return bad_row(h, row->line, "a date-time lies in the future");
	k->department = NULL;
	v = field(row, HF_DEPARTMENT);
	if (*v) {
		k->department = mapped(h, 'd', v);
		if ((rc = department_known(h, k->department, err)) < 0)
			return rc;
		if (!rc)
			return bad_row(h, row->line,
				       "%s %s is neither in the mapping file "
				       "nor a department code",
				       nm[HF_DEPARTMENT], v);
	}
	k->description = field(row, HF_DESCRIPTION);
	if (!*k->description)
		k->description = *field(row, HF_NAME) ? field(row, HF_NAME)
						     : k->cat->text;
	if (ug_utf8_len(k->description) > 4000)
		return bad_row(h, row->line, "%s must be at most 4000 "
					     "characters", nm[HF_DESCRIPTION]);
	if (ug_utf8_len(field(row, HF_ADDRESS)) > 256)
		return bad_row(h, row->line, "%s must be at most 256 "
					     "characters", nm[HF_ADDRESS]);
	k->notes = field(row, HF_NOTES);
	if (ug_utf8_len(k->notes) > 2000)
		return bad_row(h, row->line, "%s must be at most 2000 "
					     "characters", nm[HF_NOTES]);
	/* The place: the grid of the point, else the area given. */
	memset(c, 0, sizeof *c);
	has_lon = *field(row, HF_LON) != '\0';
	has_lat = *field(row, HF_LAT) != '\0';
	if (has_lon != has_lat ||
	    (has_lon && (degrees_of(field(row, HF_LON), 180, &lon) ||
			 degrees_of(field(row, HF_LAT), 90, &lat))))
		return bad_row(h, row->line, "%s and %s must be given together, "
					     "as WGS84 degrees",
			       nm[HF_LON], nm[HF_LAT]);
	if (has_lon && h->env->spatial &&
	    spatial_locate(h->env->spatial, lon, lat, &place, NULL) == 0) {
		case_set_place(c, place.grid);
	} else if (has_lon && h->env->spatial &&
		   spatial_near_grids(h->env->spatial, lon, lat,
				      h->env->city_margin_m) == 0) {
		return bad_row(h, row->line, "the point %.6f, %.6f is outside "
					     "the city: more than %.0f m from "
					     "every unit grid", lon, lat,
			       h->env->city_margin_m);
	} else if (h->opts->area && *h->opts->area) {
		case_set_place(c, h->opts->area);
	} else {
		return bad_row(h, row->line, has_lon
			       ? "the point lies in no unit grid (--area gives "
				 "the division of such rows)"
			       : "no point (--area gives the division of "
				 "rows without one)");
	}
	c->has_location = has_lon;
	c->lon = lon;
	c->lat = lat;
	return 1;
}

/* The next case number of `day`, counted here for the batch (it holds
 * the write transaction) and written back once by case_history_finish():
 * an upsert of the day's counter a case was 7 % of the import's time
 * (perf, bench/README.md "import.sh"). */
static int number_next(struct case_history *h, const char *day, char out[24],
		       struct ug_error *err)
{
	struct known *k = table_find(&h->numbers, day);
	int64_t last;
	int rc;

	if (!k) {
		if ((rc = store_case_number_last(h->db, day, &last, err)))
			return rc;
		if (!(k = table_add(&h->numbers, day, 1, last, NULL)))
			return oom(err);
	}
	if ((rc = store_case_number_format(day, k->n + 1, out, err)))
		return rc;
	k->n++;
	return 0;
}

static int numbers_write(struct case_history *h, struct ug_error *err)
{
	int rc;

	for (size_t i = 0; i < h->numbers.cap; i++)
		if (h->numbers.at[i].key &&
		    (rc = store_case_number_set(h->db, h->numbers.at[i].key,
						h->numbers.at[i].n, err)))
			return rc;
	return 0;
}

/* The case and its lines (history.h, and docs/operations.md: report and
 * file at the request's time, dispatch to its department then, handle
 * and close at its closing time). */
static int write_case(struct case_history *h, const struct checked *k,
		      const struct history_row *row, struct ug_error *err)
{
	struct case_row *c = h->c;
	const char *last, *state;
	char day[16], data[CODE_MAX * 6 + 32], text[CODE_MAX * 6 + 1];
	int lines = 2 + (k->department ? 1 : 0) +
		    (k->closed_status ? 1 + (k->department ? 1 : 0) : 0);
	int rc;

	state = k->closed_status ? "closed"
		: k->department	 ? "dispatched"
				 : "filed";
	snprintf(day, sizeof day, "%08d",
		 (int)assess_day_of(k->requested, h->env->utc_offset));
	UG_COPY(c->state, state);
	UG_COPY(c->source, case_source_names[SRC_PUBLIC]);
	UG_COPY(c->category, k->category);
	c->standard_id = k->cat->n;
	UG_COPY(c->urgency, "normal");
	UG_COPY(c->description, k->description);
	UG_COPY(c->address, field(row, HF_ADDRESS));
	UG_COPY(c->department, k->department ? k->department : "");
	UG_COPY(c->created_by, CASE_IMPORT_ACTOR);
	c->version = lines;
	c->created_at = k->requested;
	c->updated_at = k->updated > k->closed ? k->updated : k->closed;
	c->closed_at = k->closed;
	c->id = h->next_id;
	if ((rc = number_next(h, day, c->number, err)) ||
	    (rc = store_case_insert_imported(h->db, c, k->ref, err)))
		return rc;
	h->next_id++;
	json_text(text, sizeof text, c->area);
	snprintf(data, sizeof data, "{\"area\":\"%s\"}", text);
	/* The status notes go on the last line. */
	last = lines == 2 ? k->notes : "";
	if ((rc = line_add(h, "report", "", "reported", k->requested, "", data,
			   err)) ||
	    (rc = line_add(h, "file", "reported", "filed", k->requested, last,
			   "{}", err)))
		return rc;
	if (k->department) {
		json_text(text, sizeof text, k->department);
		snprintf(data, sizeof data, "{\"department\":\"%s\"}", text);
		last = lines == 3 ? k->notes : "";
		if ((rc = line_add(h, "dispatch", "filed", "dispatched",
				   k->requested, last, data, err)))
			return rc;
	}
	if (k->closed_status) {
		if (k->department &&
		    (rc = line_add(h, "handle", "dispatched", "handled",
				   k->closed, "", "{}", err)))
			return rc;
		if ((rc = line_add(h, "close",
				   k->department ? "handled" : "filed",
				   "closed", k->closed, k->notes, "{}", err)))
			return rc;
	}
	h->res.imported++;
	return 0;
}

int case_history_add(struct case_history *h, const struct history_row *row,
		     struct ug_error *err)
{
	struct checked k;
	int rc;

	h->res.rows++;
	if ((rc = check_row(h, row, &k, err)) <= 0)
		return rc;
	/* Imported before (or earlier in this file): left as it is. */
	if ((rc = store_case_ref_exists(h->db, k.ref, err)) < 0)
		return rc;
	if (rc) {
		h->res.present++;
		return 0;
	}
	return write_case(h, &k, row, err);
}

int case_history_finish(struct case_history *h,
			struct case_history_result *res, struct ug_error *err)
{
	int rc = 0;

	if (h->opts->strict && h->res.skipped)
		rc = ug_fail(err, UG_EINVAL, NULL,
			     "%zu bad row%s; strict: nothing imported",
			     h->res.skipped, h->res.skipped == 1 ? "" : "s");
	/* The days' last case numbers, then the indexes set aside, then
	 * the new lines' counters, counted as they were written: each row
	 * added once, in order. */
	if (rc == 0)
		rc = numbers_write(h, err);
	if (rc == 0)
		rc = store_case_bulk_indexes_on(h->db, err);
	if (rc == 0 && h->res.imported)
		rc = assess_batch_finish(h->counts, &h->res.counter_rows, err);
	if (rc == 0)
		rc = db_commit(h->db, err);
	else
		db_rollback(h->db);
	h->open = 0;
	if (rc) {
		h->res.imported = 0;
		h->res.lines = 0;
		h->res.counter_rows = 0;
	}
	*res = h->res;
	return rc;
}

void case_history_free(struct case_history *h)
{
	if (!h)
		return;
	if (h->open)
		db_rollback(h->db);
	store_case_bulk(h->db, 0, NULL);
	assess_batch_free(h->counts);
	table_free(&h->map);
	table_free(&h->categories);
	table_free(&h->departments);
	table_free(&h->numbers);
	free(h->c);
	free(h->e);
	free(h);
}

/* ---- the files ------------------------------------------------------ */

/* The CSV columns, by enum history_field ("" : none). */
static const char *const csv_names[HF_COUNT] = {
	[HF_REF] = "number", [HF_CODE] = "category", [HF_NAME] = "",
	[HF_DESCRIPTION] = "description", [HF_ADDRESS] = "address",
	[HF_LON] = "lon", [HF_LAT] = "lat", [HF_REQUESTED] = "requested",
	[HF_UPDATED] = "updated", [HF_CLOSED] = "closed",
	[HF_STATUS] = "status", [HF_DEPARTMENT] = "department",
	[HF_NOTES] = "notes",
};

/* The Open311 GeoReport v2 names of a service request's fields. */
static const char *const open311_names[HF_COUNT] = {
	[HF_REF] = "service_request_id", [HF_CODE] = "service_code",
	[HF_NAME] = "service_name", [HF_DESCRIPTION] = "description",
	[HF_ADDRESS] = "address", [HF_LON] = "long", [HF_LAT] = "lat",
	[HF_REQUESTED] = "requested_datetime",
	[HF_UPDATED] = "updated_datetime", [HF_CLOSED] = "updated_datetime",
	[HF_STATUS] = "status", [HF_DEPARTMENT] = "agency_responsible",
	[HF_NOTES] = "status_notes",
};

static int read_csv(struct case_history *h, FILE *fp, const char *path,
		    struct ug_error *err)
{
	struct csv_reader r;
	struct history_row row;
	int col[HF_COUNT], rc;

	csv_init(&r, fp, path);
	if ((rc = csv_next(&r, err)) != 1) {
		csv_free(&r);
		return rc ? rc : ug_fail(err, UG_EINVAL, NULL, "%s is empty",
					 path);
	}
	for (int i = 0; i < HF_COUNT; i++) {
		col[i] = *csv_names[i] ? csv_column(&r, csv_names[i]) : -1;
		if (col[i] < 0 && (i == HF_REF || i == HF_CODE ||
				   i == HF_REQUESTED || i == HF_STATUS)) {
			csv_free(&r);
			return ug_fail(err, UG_EINVAL, NULL,
				       "%s:1: the header has no column %s "
				       "(number, category, requested and "
				       "status are required)", path,
				       csv_names[i]);
		}
	}
	while ((rc = csv_next(&r, err)) == 1) {
		row.line = r.line;
		for (int i = 0; i < HF_COUNT; i++)
			row.f[i] = col[i] >= 0 && (size_t)col[i] < csv_count(&r)
					   ? csv_field(&r, (size_t)col[i])
					   : NULL;
		if ((rc = case_history_add(h, &row, err)))
			break;
	}
	csv_free(&r);
	return rc;
}

static int read_open311(struct case_history *h, FILE *fp, const char *path,
			struct ug_error *err)
{
	struct jsonrows_reader r;
	struct history_row row;
	int rc;

	jsonrows_init(&r, fp, path);
	while ((rc = jsonrows_next(&r, err)) == 1) {
		memset(&row, 0, sizeof row);
		row.line = r.line;
		for (size_t i = 0; i < jsonrows_count(&r); i++) {
			const char *name = jsonrows_name(&r, i);

			/* HF_CLOSED shares updated_datetime: left out. */
			for (int f = 0; f < HF_COUNT; f++)
				if (f != HF_CLOSED &&
				    strcmp(open311_names[f], name) == 0) {
					row.f[f] = jsonrows_value(&r, i);
					break;
				}
		}
		if ((rc = case_history_add(h, &row, err)))
			break;
	}
	jsonrows_free(&r);
	return rc;
}

/* The first character that is not white space or a byte-order mark. */
static int first_char(FILE *fp)
{
	int c;

	do
		c = getc(fp);
	while (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF ||
	       c == 0xBB || c == 0xBF);
	rewind(fp);
	return c;
}

int case_history_import_file(struct db *db, const struct case_env *env,
			     const struct actor *a, const char *path,
			     const struct case_history_opts *opts, int64_t now,
			     struct case_history_result *res,
			     struct ug_error *err)
{
	struct case_history *h = NULL;
	FILE *fp = fopen(path, "r");
	int json, rc;

	memset(res, 0, sizeof *res);
	if (!fp)
		return ug_fail(err, UG_EIO, NULL, "cannot read %s", path);
	json = first_char(fp) == '[';
	rc = case_history_begin(db, env, a, opts,
				json ? open311_names : csv_names, now, &h, err);
	if (rc == 0)
		rc = json ? read_open311(h, fp, path, err)
			  : read_csv(h, fp, path, err);
	if (rc == 0)
		rc = case_history_finish(h, res, err);
	else if (h) {
		/* Rolled back by case_history_free(): what was read. */
		*res = h->res;
		res->imported = res->lines = 0;
	}
	case_history_free(h);
	fclose(fp);
	return rc;
}
