/*
 * standards.c - loading the standard tables and reading time limits (see
 * standards.h).
 */
#include "domain/cases/standards.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/embed.h"
#include "lib/util.h"
#include "domain/org/audit.h"
#include "domain/org/org.h"
#include "store/cached.h"

extern const struct embedded_file data_standard[];

const char *const urgency_names[URGENCY_COUNT] = { "urgent", "pressing",
						   "normal" };
const char *const urgency_names_zh[URGENCY_COUNT] = { "紧急", "较急", "一般" };
const char *const limit_unit_names[LIMIT_UNIT_COUNT] = { "m", "h", "d",
							 "wm", "wh", "wd" };

int urgency_parse(const char *name)
{
	for (int i = 0; i < URGENCY_COUNT; i++)
		if (strcmp(urgency_names[i], name) == 0)
			return i;
	return -1;
}

#define LIMIT_MUST                                                     \
	"must be a positive number followed by a unit (m h d natural, wm " \
	"wh wd working)"

/* The limit of n units named `unit`: 0, or -1 when n or the unit is not
 * one a limit may have. */
static int time_limit_of(long long n, const char *unit,
			 struct time_limit *out)
{
	if (n <= 0 || n > 100000)
		return -1;
	for (int u = 0; u < LIMIT_UNIT_COUNT; u++) {
		if (strcmp(unit, limit_unit_names[u]) == 0) {
			out->amount = n;
			out->unit = (enum limit_unit)u;
			return 0;
		}
	}
	return -1;
}

int time_limit_parse(const char *text, const char *field,
		     struct time_limit *out, struct ug_error *err)
{
	char *end;
	long long n;

	n = strtoll(text, &end, 10);
	if (end != text && time_limit_of(n, end, out) == 0)
		return 0;
	return ug_fail(err, UG_EINVAL, field, "%s " LIMIT_MUST ", got \"%s\"",
		       field, text);
}

/* Open an embedded data file as a CSV stream. */
static FILE *data_open(const char *name, struct ug_error *err)
{
	for (const struct embedded_file *f = data_standard; f->name; f++) {
		if (strcmp(f->name, name) == 0) {
			FILE *fp = fmemopen((void *)f->data, f->size, "r");

			if (!fp)
				ug_fail(err, UG_ENOMEM, NULL, "out of memory");
			return fp;
		}
	}
	ug_fail(err, UG_EINTERNAL, NULL, "%s is not compiled into the binary",
		name);
	return NULL;
}

/* One row of case_standards.csv, for a major class or a minor override. */
struct standard_rule {
	char scope[CODE_MAX + 1];
	char department_type[CODE_MAX + 1];
	char handle[URGENCY_COUNT][8];
	char filing[CONDITION_MAX_BYTES + 1];
	char closing[CONDITION_MAX_BYTES + 1];
};

struct defaults {
	struct standard_rule *rules;
	size_t nrules;
	char stage_limit[STAGE_COUNT][URGENCY_COUNT][8];
};

typedef int (*data_row_fn)(void *ctx, struct csv_reader *r,
			   struct ug_error *err);

/* The one reader of the embedded data files: the header of `name` to
 * header() (when not NULL), then every record to row(ctx, r, err), until
 * one answers non-zero (an error: it stops the reading and is
 * returned). */
static int data_each_row(const char *name, data_row_fn header,
			 data_row_fn row, void *ctx, struct ug_error *err)
{
	struct csv_reader r;
	int rc;
	FILE *fp = data_open(name, err);

	if (!fp)
		return -err->code;
	csv_init(&r, fp, name);
	rc = csv_next(&r, err);
	if (rc == 1 && header)
		rc = header(ctx, &r, err);
	while (rc >= 0 && (rc = csv_next(&r, err)) == 1)
		if ((rc = row(ctx, &r, err)) != 0)
			break;
	csv_free(&r);
	fclose(fp);
	return rc < 0 ? rc : 0;
}

/* case_standards.csv, its columns found by name in the header. */
struct rules_read {
	struct defaults *d;
	int idx[7];
};

static int rule_header(void *ctx, struct csv_reader *r, struct ug_error *err)
{
	static const char *const cols[] = {
		"scope", "department_type", "handle_urgent", "handle_pressing",
		"handle_normal", "filing_condition", "closing_condition",
	};
	struct rules_read *rr = ctx;

	for (int i = 0; i < 7; i++)
		if ((rr->idx[i] = csv_column(r, cols[i])) < 0)
			return ug_fail(err, UG_EINTERNAL, NULL,
				       "case_standards.csv lacks %s", cols[i]);
	return 0;
}

static int rule_row(void *ctx, struct csv_reader *r, struct ug_error *err)
{
	struct rules_read *rr = ctx;
	struct defaults *d = rr->d;
	const int *idx = rr->idx;
	struct standard_rule *p;

	p = realloc(d->rules, (d->nrules + 1) * sizeof *d->rules);
	if (!p)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	d->rules = p;
	p = &d->rules[d->nrules++];
	snprintf(p->scope, sizeof p->scope, "%s", csv_field(r, (size_t)idx[0]));
	snprintf(p->department_type, sizeof p->department_type, "%s",
		 csv_field(r, (size_t)idx[1]));
	for (int u = 0; u < URGENCY_COUNT; u++)
		snprintf(p->handle[u], sizeof p->handle[u], "%s",
			 csv_field(r, (size_t)idx[2 + u]));
	snprintf(p->filing, sizeof p->filing, "%s",
		 csv_field(r, (size_t)idx[5]));
	snprintf(p->closing, sizeof p->closing, "%s",
		 csv_field(r, (size_t)idx[6]));
	return 0;
}

/* stage_limits.csv: stage,urgent,pressing,normal. */
static int stage_limit_row(void *ctx, struct csv_reader *r,
			   struct ug_error *err)
{
	struct defaults *d = ctx;
	int stage = case_stage_parse(csv_field(r, 0));

	if (stage < 0 || csv_count(r) != 1 + URGENCY_COUNT)
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "stage_limits.csv:%ld: bad row", r->line);
	for (int u = 0; u < URGENCY_COUNT; u++)
		snprintf(d->stage_limit[stage][u],
			 sizeof d->stage_limit[stage][u], "%s",
			 csv_field(r, (size_t)(1 + u)));
	return 0;
}

static const struct standard_rule *rule_for(const struct defaults *d,
					    const char *scope)
{
	for (size_t i = 0; i < d->nrules; i++)
		if (strcmp(d->rules[i].scope, scope) == 0)
			return &d->rules[i];
	return NULL;
}

/* Replace each "{name}" in tmpl by name. */
static void fill_template(char *out, size_t size, const char *tmpl,
			  const char *name)
{
	struct buf b = BUF_INIT;
	const char *p = tmpl, *hit;

	while ((hit = strstr(p, "{name}")) != NULL) {
		buf_append(&b, p, (size_t)(hit - p));
		buf_puts(&b, name);
		p = hit + 6;
	}
	buf_puts(&b, p);
	snprintf(out, size, "%s", buf_str(&b));
	buf_free(&b);
}

static int create_default_standard(struct db *db, const struct defaults *d,
				   const struct category *c, int64_t now,
				   struct ug_error *err)
{
	const struct standard_rule *major = rule_for(d, c->major);
	const struct standard_rule *minor = rule_for(d, c->code);
	struct case_standard s;
	int rc;

	if (!major)
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "case_standards.csv has no row for major %s",
			       c->major);
	memset(&s, 0, sizeof s);
	snprintf(s.category, sizeof s.category, "%s", c->code);
	fill_template(s.filing_condition, sizeof s.filing_condition,
		      minor && minor->filing[0] ? minor->filing : major->filing,
		      c->name);
	fill_template(s.closing_condition, sizeof s.closing_condition,
		      minor && minor->closing[0] ? minor->closing
						 : major->closing,
		      c->name);
	snprintf(s.department_type, sizeof s.department_type, "%s",
		 minor && minor->department_type[0] ? minor->department_type
						    : major->department_type);
	s.created_at = now;
	snprintf(s.created_by, sizeof s.created_by, "init");
	if ((rc = store_standard_insert(db, &s, err)))
		return rc;
	for (int u = 0; u < URGENCY_COUNT; u++) {
		for (int st = 0; st < STAGE_COUNT; st++) {
			struct stage_limit_row l;
			struct time_limit tl;
			const char *text = st == STAGE_HANDLE
				? (minor && minor->handle[u][0]
					   ? minor->handle[u]
					   : major->handle[u])
				: d->stage_limit[st][u];

			if ((rc = time_limit_parse(text, "limit", &tl, err)))
				return rc;
			memset(&l, 0, sizeof l);
			snprintf(l.urgency, sizeof l.urgency, "%s",
				 urgency_names[u]);
			snprintf(l.stage, sizeof l.stage, "%s",
				 case_stages[st].name);
			l.amount = tl.amount;
			snprintf(l.unit, sizeof l.unit, "%s",
				 limit_unit_names[tl.unit]);
			if ((rc = store_standard_limit_insert(db, s.id, &l, err)))
				return rc;
		}
	}
	return 0;
}

struct load_ctx {
	struct db *db;
	const struct defaults *d;
	int64_t now;
	int created;
	struct ug_error *err;
	/* categories are collected first: no writes while a read cursor of
	 * the same table is open */
	struct category *list;
	size_t n;
};

static int collect_category(void *ctx, const struct category *c)
{
	struct load_ctx *l = ctx;
	struct category *p = realloc(l->list, (l->n + 1) * sizeof *p);

	if (!p)
		return -UG_ENOMEM;
	l->list = p;
	l->list[l->n++] = *c;
	return 0;
}

/* The embedded classes: majors.csv (code,name,kind), categories.csv
 * (code,major,kind,name), names_en.csv (code,name_en) for both. */
static int major_row(void *ctx, struct csv_reader *r, struct ug_error *err)
{
	return store_category_major_upsert(ctx, csv_field(r, 0),
					   csv_field(r, 1), csv_field(r, 2),
					   err);
}

static int minor_row(void *ctx, struct csv_reader *r, struct ug_error *err)
{
	struct load_ctx *l = ctx;
	struct category c;

	memset(&c, 0, sizeof c);
	snprintf(c.code, sizeof c.code, "%s", csv_field(r, 0));
	snprintf(c.major, sizeof c.major, "%s", csv_field(r, 1));
	snprintf(c.name, sizeof c.name, "%s", csv_field(r, 3));
	c.standard = 1;
	c.public_ = 1;
	return store_category_upsert(l->db, &c, l->now, err);
}

static int name_en_row(void *ctx, struct csv_reader *r, struct ug_error *err)
{
	return store_category_set_name_en(ctx, csv_field(r, 0),
					  csv_field(r, 1), err);
}

int standards_load_defaults(struct db *db, int64_t now, int *created,
			    struct ug_error *err)
{
	struct defaults d;
	struct load_ctx l;
	struct rules_read rr;
	int rc;

	memset(&d, 0, sizeof d);
	memset(&l, 0, sizeof l);
	memset(&rr, 0, sizeof rr);
	l.db = db;
	l.d = &d;
	l.now = now;
	l.err = err;
	if (created)
		*created = 0;
	rr.d = &d;
	if ((rc = data_each_row("case_standards.csv", rule_header, rule_row,
				&rr, err)) ||
	    (rc = data_each_row("stage_limits.csv", NULL, stage_limit_row, &d,
				err)))
		goto out;
	if ((rc = db_begin_write(db, err)))
		goto out;
	if ((rc = data_each_row("majors.csv", NULL, major_row, db, err)) ||
	    (rc = data_each_row("categories.csv", NULL, minor_row, &l, err)) ||
	    (rc = data_each_row("names_en.csv", NULL, name_en_row, db, err)))
		goto end;
	/* Version 1 of the default standard where none exists. */
	if ((rc = store_category_list(db, collect_category, &l, err))) {
		if (rc == -UG_ENOMEM)
			ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto end;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct case_standard existing;
		struct ug_error e2;

		if (!l.list[i].standard)
			continue;
		rc = store_standard_current(db, l.list[i].code, &existing, &e2);
		if (rc == 0)
			continue;
		if (rc != -UG_ENOTFOUND) {
			*err = e2;
			goto end;
		}
		if ((rc = create_default_standard(db, &d, &l.list[i], now, err)))
			goto end;
		l.created++;
	}
end:
	if ((rc = db_end(db, rc, err)) == 0 && created)
		*created = l.created;
out:
	free(d.rules);
	free(l.list);
	return rc < 0 ? rc : 0;
}

struct limits_ctx {
	struct standard_limits *out;
	unsigned seen[URGENCY_COUNT];
	struct ug_error *err;
};

static int take_limit(void *ctx, const struct stage_limit_row *row)
{
	struct limits_ctx *l = ctx;
	int u = urgency_parse(row->urgency);
	int st = case_stage_parse(row->stage);

	if (u < 0 || st < 0)
		return 0; /* a stage this binary does not know: ignore */
	/* Read on every action of a case: the row's two columns taken as
	 * they are, not printed and parsed again as text. */
	if (time_limit_of(row->amount, row->unit, &l->out->at[u][st]))
		return ug_fail(l->err, UG_EINVAL, "limit",
			       "limit " LIMIT_MUST ", got \"%lld%s\"",
			       (long long)row->amount, row->unit);
	l->seen[u] |= 1u << st;
	return 0;
}

static int limits_read(struct db *db, const void *idp, void *limits,
		       struct ug_error *err)
{
	int64_t id = *(const int64_t *)idp;
	struct standard_limits *out = limits;
	struct limits_ctx l;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&l, 0, sizeof l);
	l.out = out;
	l.err = err;
	if ((rc = store_standard_limits(db, id, take_limit, &l, err)))
		return rc;
	for (int u = 0; u < URGENCY_COUNT; u++)
		if (l.seen[u] != (1u << STAGE_COUNT) - 1)
			return ug_fail(err, UG_EINTERNAL, NULL,
				       "standard %lld lacks %s limits",
				       (long long)id, urgency_names[u]);
	return 0;
}

int standards_limits(struct db *db, int64_t id, struct standard_limits *out,
		     struct ug_error *err)
{
	char key[24];

	snprintf(key, sizeof key, "%lld", (long long)id);
	return store_cached(db, CACHED_LIMITS, key, out, sizeof *out,
			    limits_read, &id, err);
}

static int department_type_valid(const char *type)
{
	for (size_t i = 0; i < department_type_count; i++)
		if (strcmp(department_types[i].type, type) == 0)
			return 1;
	return 0;
}

static int check_condition(const char *v, const char *field,
			   struct ug_error *err)
{
	if (v && (ug_utf8_len(v) < 1 || ug_utf8_len(v) > 1000))
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be 1 to 1000 characters", field);
	return 0;
}

/* Insert version s (its id and version are set) with limits lim. */
static int standard_write(struct db *db, struct case_standard *s,
			  const struct standard_limits *lim,
			  struct ug_error *err)
{
	int rc;

	if ((rc = store_standard_insert(db, s, err)))
		return rc;
	for (int u = 0; u < URGENCY_COUNT; u++) {
		for (int st = 0; st < STAGE_COUNT; st++) {
			struct stage_limit_row l;

			memset(&l, 0, sizeof l);
			snprintf(l.urgency, sizeof l.urgency, "%s",
				 urgency_names[u]);
			snprintf(l.stage, sizeof l.stage, "%s",
				 case_stages[st].name);
			l.amount = lim->at[u][st].amount;
			snprintf(l.unit, sizeof l.unit, "%s",
				 limit_unit_names[lim->at[u][st].unit]);
			if ((rc = store_standard_limit_insert(db, s->id, &l,
							      err)))
				return rc;
		}
	}
	return 0;
}

/* A version of a standard as the audit trail shows it (malloc'd JSON
 * text; NULL when out of memory, which audit_write() takes as "none"). */
static char *standard_text(const struct case_standard *s,
			   const struct standard_limits *lim)
{
	json_t *limits = json_object(), *o;
	char *text;

	for (int u = 0; u < URGENCY_COUNT; u++) {
		json_t *stages = json_object();

		for (int st = 0; st < STAGE_COUNT; st++)
			json_object_set_new(
				stages, case_stages[st].name,
				json_pack("[I, s]",
					  (json_int_t)lim->at[u][st].amount,
					  limit_unit_names[lim->at[u][st]
								   .unit]));
		json_object_set_new(limits, urgency_names[u], stages);
	}
	o = json_pack("{s:i, s:s, s:s, s:s, s:o}", "version", s->version,
		      "filing_condition", s->filing_condition,
		      "closing_condition", s->closing_condition,
		      "department_type", s->department_type, "limits",
		      limits);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

int standards_edit(struct db *db, const char *category,
		   const struct standard_edit *e, const struct actor *by,
		   int64_t now, struct case_standard *out,
		   struct standard_limits *lim, struct ug_error *err)
{
	char *before = NULL, *after = NULL;
	int rc;

	if ((rc = check_condition(e->filing_condition, "filing_condition",
				  err)) ||
	    (rc = check_condition(e->closing_condition, "closing_condition",
				  err)))
		return rc;
	if (e->department_type && !department_type_valid(e->department_type))
		return ug_fail(err, UG_EINVAL, "department_type",
			       "unknown department type %s",
			       e->department_type);
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = store_standard_current(db, category, out, err)) ||
	    (rc = standards_limits(db, out->id, lim, err)))
		goto end;
	before = standard_text(out, lim);
	if (e->filing_condition)
		snprintf(out->filing_condition, sizeof out->filing_condition,
			 "%s", e->filing_condition);
	if (e->closing_condition)
		snprintf(out->closing_condition, sizeof out->closing_condition,
			 "%s", e->closing_condition);
	if (e->department_type)
		snprintf(out->department_type, sizeof out->department_type,
			 "%s", e->department_type);
	for (int u = 0; u < URGENCY_COUNT; u++)
		for (int st = 0; st < STAGE_COUNT; st++)
			if (e->has_limit[u][st])
				lim->at[u][st] = e->limit[u][st];
	out->created_at = now;
	snprintf(out->created_by, sizeof out->created_by, "%s",
		 by->user->username);
	if ((rc = standard_write(db, out, lim, err)))
		goto end;
	after = standard_text(out, lim);
	rc = audit_write(db, by, now, "standard.edit", category, before, after,
			 NULL, err);
end:
	rc = db_end(db, rc, err);
	free(before);
	free(after);
	return rc;
}

struct first_ctx {
	const char *major;
	char code[CODE_MAX + 1];
};

static int first_of_major(void *ctx, const struct category *c)
{
	struct first_ctx *f = ctx;

	if (c->standard && strcmp(c->major, f->major) == 0) {
		snprintf(f->code, sizeof f->code, "%s", c->code);
		return 1; /* stop */
	}
	return 0;
}

/* {"name":…,"public":…} of a category, for the audit trail. */
static char *category_text(const struct category *c)
{
	json_t *o = json_pack("{s:s, s:b}", "name", c->name, "public",
			      c->public_);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return text;
}

static int check_category_name(const char *name, struct ug_error *err)
{
	if (ug_utf8_len(name) < 1 || ug_utf8_len(name) > 30)
		return ug_fail(err, UG_EINVAL, "name",
			       "name must be 1 to 30 characters");
	return 0;
}

int standards_add_local_category(struct db *db, const char *code,
				 const char *name, int public_,
				 const char *like, const struct actor *by,
				 int64_t now, struct category *out,
				 struct ug_error *err)
{
	char after[512];
	struct category existing, tmpl;
	struct case_standard s;
	struct standard_limits lim;
	struct first_ctx first;
	char major[8], kind[16], major_name[NAME_MAX_BYTES + 1];
	int rc;

	if (!ug_is_digits(code, 5))
		return ug_fail(err, UG_EINVAL, "code",
			       "code must be 5 digits: the major class and a "
			       "3-digit minor number");
	if ((rc = check_category_name(name, err)))
		return rc;
	snprintf(major, sizeof major, "%.2s", code);
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_category_major_get(db, major, kind, major_name, err);
	if (rc == -UG_ENOTFOUND)
		rc = ug_fail(err, UG_EINVAL, "code",
			     "code %s does not start with a major class", code);
	if (rc)
		goto end;
	rc = store_category_get(db, code, &existing, err);
	if (rc == 0) {
		rc = ug_fail(err, UG_ECONFLICT, "code",
			     "category %s already exists (%s)", code,
			     existing.name);
		goto end;
	}
	if (rc != -UG_ENOTFOUND)
		goto end;
	memset(&first, 0, sizeof first);
	first.major = major;
	if (!like || !*like) {
		rc = store_category_list(db, first_of_major, &first, err);
		if (rc < 0)
			goto end;
		like = first.code;
	}
	rc = store_category_get(db, like, &tmpl, err);
	if (rc == 0 && strcmp(tmpl.major, major) != 0)
		rc = ug_fail(err, UG_EINVAL, "like",
			     "like must name a category of major class %s",
			     major);
	if (rc == -UG_ENOTFOUND)
		rc = ug_fail(err, UG_EINVAL, "like", "no category %s", like);
	if (rc)
		goto end;
	memset(out, 0, sizeof *out);
	snprintf(out->code, sizeof out->code, "%s", code);
	snprintf(out->major, sizeof out->major, "%s", major);
	snprintf(out->name, sizeof out->name, "%s", name);
	out->standard = 0;
	out->public_ = public_;
	if ((rc = store_category_upsert(db, out, now, err)) ||
	    (rc = store_standard_current(db, tmpl.code, &s, err)) ||
	    (rc = standards_limits(db, s.id, &lim, err)))
		goto end;
	snprintf(s.category, sizeof s.category, "%s", code);
	/* The template's conditions name the template's class: write
	 * generic ones for the new class, for the admin to refine. */
	snprintf(s.filing_condition, sizeof s.filing_condition,
		 "发现%s，经核实属实。", name);
	snprintf(s.closing_condition, sizeof s.closing_condition,
		 "%s问题已处置，经监督员现场核查无误。", name);
	s.created_at = now;
	snprintf(s.created_by, sizeof s.created_by, "%s", by->user->username);
	{
		json_t *o = json_pack("{s:s, s:s, s:b, s:s}", "name", name,
				      "major", major, "public", public_,
				      "like", tmpl.code);
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

		snprintf(after, sizeof after, "%s", text ? text : "{}");
		free(text);
		json_decref(o);
	}
	if ((rc = standard_write(db, &s, &lim, err)) == 0 &&
	    (rc = audit_write(db, by, now, "category.add", code, NULL, after,
			      NULL, err)) == 0)
		rc = store_category_get(db, code, out, err);
end:
	return db_end(db, rc, err);
}

int standards_category_edit(struct db *db, const char *code,
			    const struct category_edit *e,
			    const struct actor *by, int64_t now,
			    struct category *out, struct ug_error *err)
{
	struct category was;
	char *before = NULL, *after = NULL;
	int rc;

	if (!e->name && !e->has_public)
		return ug_fail(err, UG_EINVAL, "name",
			       "nothing to change: give name or public");
	if (e->name && (rc = check_category_name(e->name, err)))
		return rc;
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_category_get(db, code, &was, err);
	if (rc == -UG_ENOTFOUND)
		rc = ug_fail(err, UG_ENOTFOUND, "code", "no category %s",
			     code);
	if (rc)
		goto end;
	*out = was;
	if (e->name && strcmp(e->name, was.name) != 0) {
		if (was.standard) {
			rc = ug_fail(err, UG_ECONFLICT, "name",
				     "%s is a class of the national standard: "
				     "it keeps the standard's name (%s); add a "
				     "local class for a name of the city's own",
				     code, was.name);
			goto end;
		}
		snprintf(out->name, sizeof out->name, "%s", e->name);
	}
	if (e->has_public)
		out->public_ = e->public_ ? 1 : 0;
	before = category_text(&was);
	after = category_text(out);
	if ((rc = store_category_edit(db, out, err)) == 0 &&
	    (rc = audit_write(db, by, now, "category.edit", code, before,
			      after, NULL, err)) == 0)
		rc = store_category_get(db, code, out, err);
end:
	free(before);
	free(after);
	return db_end(db, rc, err);
}

int standards_categories(struct db *db, store_category_cb cb, void *ctx,
			 struct ug_error *err)
{
	return store_category_list(db, cb, ctx, err);
}

int standards_current(struct db *db, const char *code,
		      struct case_standard *s, struct standard_limits *lim,
		      struct ug_error *err)
{
	int rc = store_standard_current(db, code, s, err);

	return rc ? rc : standards_limits(db, s->id, lim, err);
}
