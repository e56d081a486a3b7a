/*
 * stored.c - the stored reports (report.h, schema 0022): made, listed,
 * read, rendered, commented and published, each as the caller may; the
 * one switch of the renderers.
 */
#include "domain/report/report.h"

#include <stdlib.h>
#include <string.h>

#include "domain/assess/rank.h"
#include "domain/org/audit.h"
#include "lib/buf.h"
#include "lib/iso8601.h"
#include "lib/util.h"

int report_render(const struct doc *d, enum doc_format f, struct buf *out,
		  struct ug_error *err)
{
	switch (f) {
	case DOC_HTML:
		return doc_render_html(d, out, err);
	case DOC_XLSX:
		return doc_render_xlsx(d, out, err);
	case DOC_PDF:
		return doc_render_pdf(d, out, err);
	}
	return ug_fail(err, UG_EINVAL, "format", "format must be html, xlsx "
		       "or pdf");
}

void report_row_free(struct report_row *r)
{
	store_report_row_free(r);
}

/* Who makes reports: the leaders, the shift leaders and the admin. */
static int makes_reports(const struct actor *a)
{
	return actor_is(a, ROLE_LEADER) || actor_is(a, ROLE_SHIFT_LEADER) ||
	       actor_is(a, ROLE_ADMIN);
}

/* Who comments and publishes: the leaders and the admin. */
static int publishes_reports(const struct actor *a)
{
	return actor_is(a, ROLE_LEADER) || actor_is(a, ROLE_ADMIN);
}

static int sees(const struct actor *a, const struct report_row *r)
{
	return a->root || actor_sees(a, r->area, "");
}

static int not_found(struct ug_error *err, int64_t id)
{
	return ug_fail(err, UG_ENOTFOUND, "id", "no report with id %lld",
		       (long long)id);
}

/* The area a report covers: the one asked (checked against the caller's
 * sight by the rankings' rule), else the caller's own division, else ""
 * (the whole city) for one who sees everything. */
static int covered_area(struct db *db, const struct actor *a,
			const char *area, char out[CODE_MAX + 1],
			struct ug_error *err)
{
	char prefix[CODE_MAX + 1];
	int rc;

	out[0] = '\0';
	if (area && *area) {
		if ((rc = assess_area_prefix(db, a, area, prefix, err)))
			return rc;
		snprintf(out, CODE_MAX + 1, "%s", area);
		return 0;
	}
	if (a->root || a->scope.kind == SCOPE_ALL)
		return 0;
	if (a->scope.kind == SCOPE_AREA && a->user) {
		snprintf(out, CODE_MAX + 1, "%s", a->user->unit_code);
		return 0;
	}
	return ug_fail(err, UG_EFORBIDDEN, NULL,
		       "reports cover areas: a department's staff make none");
}

int report_create(struct db *db, const struct report_env *env,
		  const struct actor *a, const char *kind, const char *period,
		  const char *area, int scheduled, struct report_row *out,
		  struct ug_error *err)
{
	struct report_request rq = { .number = 0 };
	struct arena arena = ARENA_INIT;
	char covered[CODE_MAX + 1], *carried = NULL;
	int64_t version, year, number;
	json_t *j = NULL;
	struct doc *d;
	int rc;

	memset(out, 0, sizeof *out);
	if (!makes_reports(a))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only leaders, shift leaders and the admin make "
			       "reports");
	if ((rc = report_kind_parse(kind, &rq.kind, err)) ||
	    (rc = report_period_parse(rq.kind, period, &rq.period, err)) ||
	    (rc = covered_area(db, a, area, covered, err)))
		return rc;
	rq.area = covered;
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_report_last(db, report_kind_names[rq.kind], rq.period.text,
			       covered, &version, &year, &number, &carried,
			       err);
	if (rc == 0 && version == 0) {
		year = period_day_of_number((env->now +
					     env->cases->utc_offset) / 86400) /
		       10000;
		rc = store_report_next_number(db, report_kind_names[rq.kind],
					      year, &number, err);
	}
	rq.number = number;
	/* Built without the commentary (rq.commentary NULL): it is written
	 * in when rendered, so that the leader's later words need no new
	 * build; a new version carries the last one's. */
	if (rc == 0 && !(d = doc_new(&arena)))
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (rc == 0)
		rc = report_build(db, env, a, &rq, d, err);
	if (rc == 0 && !(j = doc_to_json(d)))
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (rc == 0) {
		int daily = !report_kind_has_commentary(rq.kind);

		snprintf(out->kind, sizeof out->kind, "%s",
			 report_kind_names[rq.kind]);
		snprintf(out->period, sizeof out->period, "%s", rq.period.text);
		snprintf(out->area, sizeof out->area, "%s", covered);
		out->version = version + 1;
		out->year = year;
		out->number = number;
		snprintf(out->status, sizeof out->status, "%s",
			 daily ? "published" : "draft");
		out->commentary = carried;
		carried = NULL;
		out->document = json_dumps(j, JSON_COMPACT);
		snprintf(out->created_by, sizeof out->created_by, "%s",
			 a->user ? a->user->username : "cli");
		out->created_at = env->now;
		if (daily) {
			snprintf(out->published_by, sizeof out->published_by,
				 "%s", out->created_by);
			out->published_at = env->now;
		}
		out->scheduled = scheduled;
		rc = out->document ? store_report_insert(db, out, err)
				   : ug_fail(err, UG_ENOMEM, NULL,
					     "out of memory");
	}
	rc = db_end(db, rc, err);
	/* The document is not part of the metadata handed back. */
	free(out->document);
	out->document = NULL;
	if (rc)
		store_report_row_free(out);
	free(carried);
	json_decref(j);
	arena_free(&arena);
	return rc;
}

struct listing {
	const struct actor *a;
	store_report_cb cb;
	void *ctx;
};

static int list_visible(void *ctx, const struct report_row *r)
{
	struct listing *l = ctx;

	return sees(l->a, r) ? l->cb(l->ctx, r) : 0;
}

int report_list(struct db *db, const struct actor *a, const char *kind,
		const char *period, store_report_cb cb, void *ctx,
		struct ug_error *err)
{
	struct listing l = { a, cb, ctx };
	enum report_kind k;
	struct period p;
	int rc;

	if (kind && *kind && (rc = report_kind_parse(kind, &k, err)))
		return rc;
	if (period && *period && (rc = period_parse(period, &p, err)))
		return rc;
	return store_report_list(db, kind && *kind ? kind : NULL,
				 period && *period ? p.text : NULL,
				 list_visible, &l, err);
}

/* Read id (with its document when asked) if the actor sees it. */
static int get_seen(struct db *db, const struct actor *a, int64_t id,
		    int with_document, struct report_row *out,
		    struct ug_error *err)
{
	int rc = store_report_get(db, id, with_document, out, err);

	if (rc == -UG_ENOTFOUND || (rc == 0 && !sees(a, out))) {
		store_report_row_free(out);
		return not_found(err, id);
	}
	return rc;
}

int report_get(struct db *db, const struct actor *a, int64_t id,
	       struct report_row *out, struct ug_error *err)
{
	return get_seen(db, a, id, 0, out, err);
}

/* Write the commentary into the document: the paragraph under the last
 * heading, which the weekly and monthly reports keep for it. */
static int put_commentary(struct doc *d, const char *text)
{
	const struct doc_block *b = d->last;

	if (!text || !*text || !b || b->kind != DOC_PARAGRAPH)
		return 0;
	char *copy = arena_strndup(d->arena, text, strlen(text));
	if (!copy)
		return -UG_ENOMEM;
	d->last->text = copy;
	return 0;
}

int report_file(struct db *db, const struct actor *a, int64_t id,
		const char *format, struct buf *out, enum doc_format *f,
		struct ug_error *err)
{
	struct report_row r;
	struct arena arena = ARENA_INIT;
	enum report_kind k;
	struct doc *d = NULL;
	json_t *j = NULL;
	int rc;

	*f = DOC_HTML;
	if (format && (rc = doc_format_parse(format, f, err)))
		return rc;
	if ((rc = get_seen(db, a, id, 1, &r, err)))
		return rc;
	if (!(j = json_loads(r.document, 0, NULL)))
		rc = ug_fail(err, UG_EINTERNAL, "document",
			     "report %lld: its document does not parse",
			     (long long)id);
	if (rc == 0)
		rc = doc_from_json(&arena, j, &d, err);
	if (rc == 0 && report_kind_parse(r.kind, &k, NULL) == 0 &&
	    report_kind_has_commentary(k) && put_commentary(d, r.commentary))
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if (rc == 0)
		rc = report_render(d, *f, out, err);
	json_decref(j);
	arena_free(&arena);
	store_report_row_free(&r);
	return rc;
}

int report_edit(struct db *db, const struct actor *a, int64_t id,
		const char *commentary, int publish, int64_t now,
		struct report_row *out, struct ug_error *err)
{
	enum report_kind k;
	int rc;

	memset(out, 0, sizeof *out);
	if (!publishes_reports(a))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only leaders and the admin comment and "
			       "publish reports");
	if (commentary && (strlen(commentary) > REPORT_COMMENTARY_MAX ||
			   !ug_utf8_valid(commentary, strlen(commentary))))
		return ug_fail(err, UG_EINVAL, "commentary",
			       "commentary must be UTF-8 of at most %d bytes",
			       REPORT_COMMENTARY_MAX);
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = get_seen(db, a, id, 0, out, err)))
		goto end;
	if (report_kind_parse(out->kind, &k, NULL) == 0 && commentary &&
	    !report_kind_has_commentary(k)) {
		rc = ug_fail(err, UG_EINVAL, "commentary",
			     "a %s report has no commentary", out->kind);
		goto end;
	}
	if (strcmp(out->status, "published") == 0) {
		rc = ug_fail(err, UG_ECONFLICT, "status",
			     "report %lld is published: make a new version",
			     (long long)id);
		goto end;
	}
	const char *by = a->user ? a->user->username : "cli";
	if ((rc = store_report_update(db, id, commentary, publish, by, now,
				      err)))
		goto end;
	char subject[32];
	snprintf(subject, sizeof subject, "report:%lld", (long long)id);
	if (commentary)
		rc = audit_write(db, a, now, "report.edit", subject, NULL, NULL,
				 NULL, err);
	if (rc == 0 && publish)
		rc = audit_write(db, a, now, "report.publish", subject, NULL,
				 NULL, NULL, err);
	store_report_row_free(out);
	if (rc == 0)
		rc = store_report_get(db, id, 0, out, err);
end:
	rc = db_end(db, rc, err);
	if (rc)
		store_report_row_free(out);
	return rc;
}

static json_t *when(int64_t t, int32_t utc_offset)
{
	char text[40];

	return t ? json_string(iso8601_format(t, utc_offset, text,
					      sizeof text))
		 : json_null();
}

json_t *report_json(const struct report_row *r, int32_t utc_offset)
{
	enum report_kind k = REPORT_INSPECTION;

	report_kind_parse(r->kind, &k, NULL);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:o,s:s,s:o,"
			 "s:o,s:o,s:b,s:[sss]}",
			 "id", (json_int_t)r->id, "kind", r->kind,
			 "kind_name", report_kind_names_zh[k], "period",
			 r->period, "area", r->area,
			 "version", (json_int_t)r->version,
			 "year", (json_int_t)r->year,
			 "number", (json_int_t)r->number, "status", r->status,
			 "commentary", r->commentary
				 ? json_string(r->commentary) : json_null(),
			 "created_by", r->created_by,
			 "created_at", when(r->created_at, utc_offset),
			 "published_by", r->published_by[0]
				 ? json_string(r->published_by) : json_null(),
			 "published_at", when(r->published_at, utc_offset),
			 "scheduled", r->scheduled, "formats", "html", "xlsx",
			 "pdf");
}
