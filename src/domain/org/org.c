/*
 * org.c - division import and the standard departments (see org.h).
 */
#include "domain/org/org.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org/audit.h"
#include "domain/org/roles.h"
#include "store/cases/cases.h" /* routing rules that name a department */
#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/util.h"

/* Open dir/name as a CSV and read its header; the caller closes. */
static int csv_open_with_header(const char *dir, const char *name,
				struct buf *path, FILE **fp,
				struct csv_reader *r, struct ug_error *err)
{
	int rc;

	buf_reset(path);
	buf_printf(path, "%s/%s", dir, name);
	*fp = fopen(buf_str(path), "r");
	if (!*fp)
		return ug_fail(err, UG_EIO, "from", "cannot open %s: %s",
			       buf_str(path), strerror(errno));
	csv_init(r, *fp, buf_str(path));
	rc = csv_next(r, err);
	if (rc == 0)
		return ug_fail(err, UG_EINVAL, "from", "%s is empty",
			       buf_str(path));
	return rc < 0 ? rc : 0;
}

/* Find columns by header name; fail naming the file if one is missing. */
static int csv_columns(struct csv_reader *r, const char *const *names,
		       int *cols, int n, struct ug_error *err)
{
	for (int i = 0; i < n; i++) {
		cols[i] = csv_column(r, names[i]);
		if (cols[i] < 0)
			return ug_fail(err, UG_EINVAL, "from",
				       "%s: no column named %s", r->name,
				       names[i]);
	}
	return 0;
}

/* Scan `file` for the row whose column `key` equals `value` and copy
 * column `want` into out.  UG_ENOTFOUND if absent. */
static int csv_lookup(const char *dir, const char *file, const char *key,
		      const char *value, const char *want, char *out,
		      size_t outsz, struct ug_error *err)
{
	const char *names[2] = { key, want };
	struct buf path = BUF_INIT;
	struct csv_reader r;
	FILE *fp = NULL;
	int cols[2] = { 0, 0 }, rc;

	memset(&r, 0, sizeof r);
	if ((rc = csv_open_with_header(dir, file, &path, &fp, &r, err)) ||
	    (rc = csv_columns(&r, names, cols, 2, err)))
		goto out;
	while ((rc = csv_next(&r, err)) == 1) {
		if (strcmp(csv_field(&r, (size_t)cols[0]), value) == 0) {
			snprintf(out, outsz, "%s", csv_field(&r, (size_t)cols[1]));
			rc = 0;
			goto out;
		}
	}
	if (rc == 0)
		rc = ug_fail(err, UG_ENOTFOUND, "area", "%s has no %s %s",
			     buf_str(&path), key, value);
out:
	csv_free(&r);
	if (fp)
		fclose(fp);
	buf_free(&path);
	return rc;
}

static int upsert(struct db *db, const char *code, const char *name,
		  const char *level, const char *parent, int64_t now,
		  struct division_import_stats *stats, struct ug_error *err)
{
	struct division d;
	int inserted, rc;

	memset(&d, 0, sizeof d);
	if (strlen(name) == 0 || strlen(name) > NAME_MAX_BYTES)
		return ug_fail(err, UG_EINVAL, "from",
			       "division %s has an empty or over-long name", code);
	snprintf(d.code, sizeof d.code, "%s", code);
	snprintf(d.name, sizeof d.name, "%s", name);
	snprintf(d.level, sizeof d.level, "%s", level);
	snprintf(d.parent, sizeof d.parent, "%s", parent ? parent : "");
	if ((rc = store_division_upsert(db, &d, now, &inserted, err)))
		return rc;
	if (inserted)
		stats->inserted++;
	else
		stats->updated++;
	return 0;
}

/* Stream `file` and upsert every row whose `parent_col` equals parent
 * (or, for villages, whose area column equals the county). */
static int import_level(struct db *db, const char *dir, const char *file,
			const char *filter_col, const char *filter_value,
			const char *parent_col, const char *level,
			size_t code_len, int64_t now,
			struct division_import_stats *stats, int64_t *count,
			struct ug_error *err)
{
	const char *names[4] = { "code", "name", filter_col, parent_col };
	struct buf path = BUF_INIT;
	struct csv_reader r;
	FILE *fp = NULL;
	int cols[4] = { 0, 0, 0, 0 }, rc;

	memset(&r, 0, sizeof r);
	if ((rc = csv_open_with_header(dir, file, &path, &fp, &r, err)) ||
	    (rc = csv_columns(&r, names, cols, 4, err)))
		goto out;
	while ((rc = csv_next(&r, err)) == 1) {
		const char *code = csv_field(&r, (size_t)cols[0]);
		const char *parent = csv_field(&r, (size_t)cols[3]);

		if (strcmp(csv_field(&r, (size_t)cols[2]), filter_value) != 0)
			continue;
		if (!ug_is_digits(code, code_len) ||
		    strncmp(code, parent, strlen(parent)) != 0) {
			rc = ug_fail(err, UG_EINVAL, "from",
				     "%s:%ld: code %s is not a %zu-digit code "
				     "under %s", r.name, r.line, code, code_len,
				     parent);
			goto out;
		}
		if ((rc = upsert(db, code, csv_field(&r, (size_t)cols[1]), level,
				 parent, now, stats, err)))
			goto out;
		(*count)++;
	}
out:
	csv_free(&r);
	if (fp)
		fclose(fp);
	buf_free(&path);
	return rc < 0 ? rc : 0;
}

/* Importing divisions is the command line's (no route does it). */
static int divisions_audit(struct db *db, const char *county,
			   const struct division_import_stats *stats,
			   int64_t now, struct ug_error *err)
{
	struct actor cli;
	char detail[160];

	actor_cli(&cli);
	snprintf(detail, sizeof detail,
		 "{\"streets\":%lld,\"communities\":%lld,\"inserted\":%lld,"
		 "\"updated\":%lld}",
		 (long long)stats->streets, (long long)stats->communities,
		 (long long)stats->inserted, (long long)stats->updated);
	return audit_write(db, &cli, now, "divisions.import", county, NULL,
			   NULL, detail, err);
}

int org_import_divisions(struct db *db, const char *dir,
			 const char *county_code, int64_t now,
			 struct division_import_stats *stats,
			 struct ug_error *err)
{
	char county_name[NAME_MAX_BYTES + 1], city4[8], prov2[4];
	char city_name[NAME_MAX_BYTES + 1], prov_name[NAME_MAX_BYTES + 1];
	char city_code[8];
	int rc;

	memset(stats, 0, sizeof *stats);
	if (!ug_is_digits(county_code, 6) || strcmp(county_code + 4, "00") == 0)
		return ug_fail(err, UG_EINVAL, "area",
			       "area must be a 6-digit county code such as "
			       "110101, got %s", county_code);
	if ((rc = csv_lookup(dir, "areas.csv", "code", county_code, "name",
			     county_name, sizeof county_name, err)) ||
	    (rc = csv_lookup(dir, "areas.csv", "code", county_code, "cityCode",
			     city4, sizeof city4, err)) ||
	    (rc = csv_lookup(dir, "areas.csv", "code", county_code,
			     "provinceCode", prov2, sizeof prov2, err)) ||
	    (rc = csv_lookup(dir, "cities.csv", "code", city4, "name",
			     city_name, sizeof city_name, err)) ||
	    (rc = csv_lookup(dir, "provinces.csv", "code", prov2, "name",
			     prov_name, sizeof prov_name, err)))
		return rc;
	if (strlen(city4) != 4 || strncmp(county_code, city4, 4) != 0)
		return ug_fail(err, UG_EINVAL, "from",
			       "areas.csv: county %s has city code %s",
			       county_code, city4);
	snprintf(city_code, sizeof city_code, "%s00", city4);
	/* The four municipalities list their districts under a pseudo-city
	 * named 市辖区 (or 县); the city is then the municipality itself. */
	if (strcmp(city_name, "市辖区") == 0 || strcmp(city_name, "县") == 0)
		snprintf(city_name, sizeof city_name, "%s", prov_name);

	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = upsert(db, city_code, city_name, "city", NULL, now, stats,
			 err)) == 0 &&
	    (rc = upsert(db, county_code, county_name, "district", city_code,
			 now, stats, err)) == 0 &&
	    (rc = import_level(db, dir, "streets.csv", "areaCode", county_code,
			       "areaCode", "street", 9, now, stats,
			       &stats->streets, err)) == 0 &&
	    (rc = import_level(db, dir, "villages.csv", "areaCode", county_code,
			       "streetCode", "community", 12, now, stats,
			       &stats->communities, err)) == 0)
		rc = divisions_audit(db, county_code, stats, now, err);
	return db_end(db, rc, err);
}

/* ---- departments --------------------------------------------------- */

const struct department_type department_types[] = {
	{ "sanitation", "HW", "环卫中心" },
	{ "municipal", "SZ", "市政管理所" },
	{ "landscaping", "YL", "园林绿化局" },
	{ "enforcement", "ZF", "城管执法局" },
	{ "water", "SW", "水务局" },
	{ "power", "GD", "供电公司" },
	{ "gas", "RQ", "燃气公司" },
	{ "telecom", "TX", "通信管理办公室" },
	{ "traffic", "JT", "交通支队" },
	{ "housing", "FG", "房屋管理局" },
};
const size_t department_type_count =
	sizeof department_types / sizeof department_types[0];

int org_department_code_valid(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

struct street_list {
	struct division *items;
	size_t n, cap;
};

static int collect_street(void *ctx, const struct division *d)
{
	struct street_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct division *p = realloc(l->items, cap * sizeof *p);

		if (!p)
			return -UG_ENOMEM;
		l->items = p;
		l->cap = cap;
	}
	l->items[l->n++] = *d;
	return 0;
}

static int seed_one(struct db *db, const char *code, const char *name,
		    const char *kind, const char *type, const char *parent,
		    const char *area, int64_t now, int *count,
		    struct ug_error *err)
{
	struct department d;
	int rc;

	memset(&d, 0, sizeof d);
	snprintf(d.code, sizeof d.code, "%s", code);
	snprintf(d.name, sizeof d.name, "%s", name);
	snprintf(d.kind, sizeof d.kind, "%s", kind);
	snprintf(d.type, sizeof d.type, "%s", type);
	snprintf(d.parent, sizeof d.parent, "%s", parent ? parent : "");
	if ((rc = store_department_upsert(db, &d, now, err)) ||
	    (rc = store_department_add_area(db, code, area, err)))
		return rc;
	(*count)++;
	return 0;
}

int org_seed_departments(struct db *db, const char *district_code,
			 int64_t now, int *count, struct ug_error *err)
{
	struct street_list streets = { NULL, 0, 0 };
	struct buf code = BUF_INIT, name = BUF_INIT;
	struct division district;
	int rc;

	*count = 0;
	if ((rc = store_division_get(db, district_code, &district, err)))
		return rc;
	if (strcmp(district.level, "district") != 0)
		return ug_fail(err, UG_EINVAL, "area", "%s is a %s, not a district",
			       district_code, district.level);
	if ((rc = db_begin_write(db, err)))
		return rc;
	buf_printf(&code, "%s-ZX", district_code);
	buf_printf(&name, "%s城市管理监督指挥中心", district.name);
	if ((rc = seed_one(db, buf_str(&code), buf_str(&name), "centre",
			   "centre", NULL, district_code, now, count, err)))
		goto end;
	for (size_t i = 0; i < department_type_count; i++) {
		buf_reset(&code);
		buf_reset(&name);
		buf_printf(&code, "%s-%s", district_code,
			   department_types[i].abbrev);
		buf_printf(&name, "%s%s", district.name,
			   department_types[i].name_zh);
		if ((rc = seed_one(db, buf_str(&code), buf_str(&name),
				   "professional", department_types[i].type,
				   NULL, district_code, now, count, err)))
			goto end;
	}
	rc = store_division_children(db, district_code, collect_street,
				     &streets, err);
	if (rc < 0) {
		if (rc == -UG_ENOMEM)
			ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto end;
	}
	for (size_t i = 0; i < streets.n; i++) {
		buf_reset(&code);
		buf_reset(&name);
		buf_printf(&code, "%s-JD", streets.items[i].code);
		buf_printf(&name, "%s城管执法队", streets.items[i].name);
		/* Street teams sit under the district's enforcement bureau. */
		char parent[CODE_MAX + 1];

		snprintf(parent, sizeof parent, "%s-ZF", district_code);
		if ((rc = seed_one(db, buf_str(&code), buf_str(&name),
				   "street_team", "enforcement", parent,
				   streets.items[i].code, now, count, err)))
			goto end;
	}
end:
	rc = db_end(db, rc, err);
	free(streets.items);
	buf_free(&code);
	buf_free(&name);
	return rc;
}

/* ---- reading the organisation ---------------------------------------- */

int org_division(struct db *db, const char *code, struct division *d,
		 struct ug_error *err)
{
	return store_division_get(db, code, d, err);
}

int org_division_children(struct db *db, const char *code,
			  store_division_cb cb, void *ctx,
			  struct ug_error *err)
{
	return store_division_children(db, code, cb, ctx, err);
}

int org_departments(struct db *db, store_department_cb cb, void *ctx,
		    struct ug_error *err)
{
	return store_department_list(db, cb, ctx, err);
}

/* ---- changing the departments ------------------------------------------ */

static const char *const department_kinds[] = {
	"centre", "professional", "responsible_unit", "street_team",
};

static int check_kind(const char *kind, struct ug_error *err)
{
	for (size_t i = 0; i < sizeof department_kinds / sizeof *department_kinds;
	     i++)
		if (strcmp(kind, department_kinds[i]) == 0)
			return 0;
	return ug_fail(err, UG_EINVAL, "kind",
		       "kind must be centre, professional, responsible_unit "
		       "or street_team, got \"%s\"", kind);
}

static int check_type(const char *type, struct ug_error *err)
{
	struct buf known = BUF_INIT;
	int rc;

	if (strcmp(type, "centre") == 0)
		return 0;
	for (size_t i = 0; i < department_type_count; i++)
		if (strcmp(type, department_types[i].type) == 0)
			return 0;
	buf_puts(&known, "centre");
	for (size_t i = 0; i < department_type_count; i++)
		buf_printf(&known, ", %s", department_types[i].type);
	rc = ug_fail(err, UG_EINVAL, "type",
		     "type must be one of %s (what routing and the filing "
		     "standards name), got \"%s\"", buf_str(&known), type);
	buf_free(&known);
	return rc;
}

/* Fill *d from in over what it holds, checking each value given. */
static int department_apply(struct db *db, const struct department_input *in,
			    struct department *d, struct ug_error *err)
{
	struct department parent;
	int rc;

	if (in->name) {
		size_t n = ug_utf8_len(in->name);

		if (!ug_utf8_valid(in->name, strlen(in->name)) || n < 1 ||
		    n > 100)
			return ug_fail(err, UG_EINVAL, "name",
				       "name must be 1 to 100 characters");
		snprintf(d->name, sizeof d->name, "%s", in->name);
	}
	if (in->kind) {
		if ((rc = check_kind(in->kind, err)))
			return rc;
		snprintf(d->kind, sizeof d->kind, "%s", in->kind);
	}
	if (in->type) {
		if ((rc = check_type(in->type, err)))
			return rc;
		snprintf(d->type, sizeof d->type, "%s", in->type);
	}
	if (in->has_parent) {
		const char *p = in->parent && *in->parent ? in->parent : "";

		if (*p && strcmp(p, d->code) == 0)
			return ug_fail(err, UG_EINVAL, "parent",
				       "a department cannot be its own parent");
		/* No loops: walk up from the parent; a chain that reaches
		 * this department again would be one. */
		for (const char *up = p; *up;) {
			rc = store_department_get(db, up, &parent, err);
			if (rc == -UG_ENOTFOUND)
				return ug_fail(err, UG_EINVAL, "parent",
					       "unknown department %s", up);
			if (rc)
				return rc;
			if (strcmp(parent.code, d->code) == 0)
				return ug_fail(err, UG_EINVAL, "parent",
					       "%s lies under %s: the parent "
					       "would make a loop", p, d->code);
			up = parent.parent;
			if (!*up)
				break;
			snprintf(parent.code, sizeof parent.code, "%s", up);
			up = parent.code;
		}
		snprintf(d->parent, sizeof d->parent, "%s", p);
	}
	if (in->has_disabled)
		d->disabled = in->disabled ? 1 : 0;
	return 0;
}

int org_department_areas_check(size_t n, struct ug_error *err)
{
	if (n > DEPARTMENT_AREAS_MAX)
		return ug_fail(err, UG_EINVAL, "areas",
			       "areas may list at most %d divisions",
			       DEPARTMENT_AREAS_MAX);
	return 0;
}

/* Write the areas (when given) and read back what the result shows. */
static int department_finish(struct db *db, const struct department_input *in,
			     struct department_result *out,
			     struct ug_error *err)
{
	struct division div;
	int rc;

	if (in->has_areas) {
		if (in->nareas == 0)
			return ug_fail(err, UG_EINVAL, "areas",
				       "areas must name at least one division "
				       "the department serves");
		if ((rc = org_department_areas_check(in->nareas, err)))
			return rc;
		if ((rc = store_department_clear_areas(db, out->d.code, err)))
			return rc;
		for (size_t i = 0; i < in->nareas; i++) {
			rc = store_division_get(db, in->areas[i], &div, err);
			if (rc == -UG_ENOTFOUND)
				return ug_fail(err, UG_EINVAL, "areas",
					       "unknown division %s",
					       in->areas[i]);
			if (rc)
				return rc;
			if ((rc = store_department_add_area(db, out->d.code,
							    div.code, err)))
				return rc;
		}
	}
	if ((rc = store_department_set_disabled(db, out->d.code,
						out->d.disabled, err)) ||
	    (rc = store_routing_count_department(db, out->d.code, &out->rules,
						 err)))
		return rc;
	return 0;
}

/* {"name":…,"kind":…,…,"areas":"…"} of a department, for the audit
 * trail (JSON-escaped: names are free text). */
static void department_text(const struct department *d, const char *areas,
			    struct buf *b)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "name",
			      d->name, "kind", d->kind, "type", d->type,
			      "parent", d->parent, "disabled", d->disabled,
			      "areas", areas);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	buf_puts(b, text ? text : "{}");
	free(text);
	json_decref(o);
}

/* The areas of a department, comma-separated, into out. */
struct areas_of {
	const char *code;
	char *out;
	size_t size;
};

static int take_areas(void *ctx, const struct department *d,
		      const char *areas)
{
	struct areas_of *a = ctx;

	if (strcmp(d->code, a->code) == 0)
		snprintf(a->out, a->size, "%s", areas);
	return 0;
}

static int department_write(struct db *db, const struct actor *by,
			    const char *action, const struct department *before,
			    const struct department_input *in, int64_t now,
			    struct department_result *out,
			    struct ug_error *err)
{
	char was[sizeof out->areas] = "";
	struct areas_of a = { out->d.code, was, sizeof was };
	struct buf b = BUF_INIT, after = BUF_INIT;
	int rc;

	if (before &&
	    (rc = store_department_list(db, take_areas, &a, err)))
		return rc;
	if (before)
		department_text(before, was, &b);
	a.out = out->areas;
	a.size = sizeof out->areas;
	out->areas[0] = '\0';
	if ((rc = store_department_upsert(db, &out->d, now, err)) ||
	    (rc = department_finish(db, in, out, err)) ||
	    (rc = store_department_list(db, take_areas, &a, err)))
		goto out;
	department_text(&out->d, out->areas, &after);
	rc = audit_write(db, by, now, action, out->d.code,
			 before ? buf_str(&b) : NULL, buf_str(&after), NULL,
			 err);
out:
	buf_free(&b);
	buf_free(&after);
	return rc;
}

/* Add (code = in->code, which must be free) or edit (code, which must
 * exist) in one write transaction. */
static int department_change(struct db *db, const struct actor *by, int add,
			     const char *code,
			     const struct department_input *in, int64_t now,
			     struct department_result *out,
			     struct ug_error *err)
{
	struct department before;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_department_get(db, code, &before, err);
	if (add && rc == 0)
		rc = ug_fail(err, UG_ECONFLICT, "code",
			     "department %s exists already", code);
	else if (add && rc == -UG_ENOTFOUND)
		rc = 0;
	if (rc)
		goto end;
	if (add)
		snprintf(out->d.code, sizeof out->d.code, "%s", code);
	else
		out->d = before;
	if ((rc = department_apply(db, in, &out->d, err)) == 0)
		rc = department_write(db, by,
				      add ? "department.add" : "department.edit",
				      add ? NULL : &before, in, now, out, err);
end:
	return db_end(db, rc, err);
}

int org_department_add(struct db *db, const struct actor *by,
		       const struct department_input *in, int64_t now,
		       struct department_result *out, struct ug_error *err)
{
	if (!in->code || !org_department_code_valid(in->code))
		return ug_fail(err, UG_EINVAL, "code",
			       "code must be 1 to 32 of A-Z a-z 0-9 . _ -");
	if (!in->name || !in->kind || !in->type)
		return ug_fail(err, UG_EINVAL,
			       !in->name ? "name" : !in->kind ? "kind" : "type",
			       "a new department needs a name, a kind and a "
			       "type");
	if (!in->has_areas)
		return ug_fail(err, UG_EINVAL, "areas",
			       "a new department needs the areas it serves");
	return department_change(db, by, 1, in->code, in, now, out, err);
}

int org_department_edit(struct db *db, const struct actor *by,
			const char *code,
			const struct department_input *in, int64_t now,
			struct department_result *out, struct ug_error *err)
{
	return department_change(db, by, 0, code ? code : "", in, now, out,
				 err);
}
