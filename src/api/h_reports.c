/*
 * h_reports.c - the stored 四个一 reports: made on demand, listed, read
 * and downloaded in a format, commented and published by a leader.  Who
 * may see and do what is domain/report/stored.c's; docs/api.md and
 * docs/reports.md describe the answers.
 */
#include <string.h>

#include "api/handlers.h"
#include "domain/report/report.h"
#include "lib/util.h"

static void reply_report(struct web_ctx *c, int status, struct report_row *r)
{
	reply_json(c, status, report_json(r, c->cases.utc_offset));
	report_row_free(r);
}

/* POST /api/v1/reports {kind, period, area?}: 201 with the new version. */
void h_report_create(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "kind", FIELD_STRING, 1, 1, 16 },
		{ "period", FIELD_STRING, 1, 1, 48 },
		{ "area", FIELD_STRING, 0, 0, 32 },
	};
	struct field_value v[sizeof spec / sizeof *spec];
	struct report_env env = { &c->cases, c->app->files_dir, ug_now_s() };
	struct report_row r;
	struct ug_error err;
	json_t *root;
	int rc;

	if (api_decode(c, spec, sizeof spec / sizeof *spec, v, &root))
		return;
	ug_error_clear(&err);
	rc = report_create(c->db, &env, &c->actor, v[0].str, v[1].str,
			   v[2].str, 0, &r, &err);
	json_decref(root);
	if (rc) {
		reply_ug_error(c, &err);
		return;
	}
	reply_report(c, 201, &r);
}

struct listing {
	json_t *a;
	int32_t utc_offset;
};

static int add_report(void *ctx, const struct report_row *r)
{
	struct listing *l = ctx;

	json_array_append_new(l->a, report_json(r, l->utc_offset));
	return 0;
}

/* GET /api/v1/reports[?kind=][&period=]: every version the caller sees,
 * newest first. */
void h_report_list(struct web_ctx *c)
{
	struct listing l = { json_array(), c->cases.utc_offset };
	struct ug_error err;

	ug_error_clear(&err);
	if (report_list(c->db, &c->actor, http_query(c->req, "kind"),
			http_query(c->req, "period"), add_report, &l, &err)) {
		json_decref(l.a);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "reports", l.a));
}

/* GET /api/v1/reports/{id}: the metadata. */
void h_report_get(struct web_ctx *c)
{
	struct report_row r;
	struct ug_error err;
	int64_t id;

	ug_error_clear(&err);
	if (path_id(c, "id", "report", &id, &err) ||
	    report_get(c->db, &c->actor, id, &r, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_report(c, 200, &r);
}

/* GET /api/v1/reports/{id}/file?format=html|xlsx|pdf: the document. */
void h_report_file(struct web_ctx *c)
{
	struct ug_error err;
	enum doc_format f;
	char disposition[96];
	int64_t id;

	ug_error_clear(&err);
	if (path_id(c, "id", "report", &id, &err) ||
	    report_file(c->db, &c->actor, id, http_query(c->req, "format"),
			&c->resp->body, &f, &err)) {
		buf_reset(&c->resp->body);
		reply_ug_error(c, &err);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = doc_format_mime(f);
	snprintf(disposition, sizeof disposition,
		 "inline; filename=\"report-%lld.%s\"", (long long)id,
		 doc_format_name(f));
	http_response_header(c->resp, "Content-Disposition", disposition);
	http_response_header(c->resp, "Cache-Control", "private, no-cache");
}

/* PATCH /api/v1/reports/{id} {commentary?, publish?}: a leader's words
 * on a weekly or monthly draft, and its publication. */
void h_report_edit(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "commentary", FIELD_STRING, 0, 0, REPORT_COMMENTARY_MAX },
		{ "publish", FIELD_BOOL, 0, 0, 0 },
	};
	struct field_value v[sizeof spec / sizeof *spec];
	struct report_row r;
	struct ug_error err;
	json_t *root;
	int64_t id;
	int rc;

	ug_error_clear(&err);
	if (path_id(c, "id", "report", &id, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	if (api_decode(c, spec, sizeof spec / sizeof *spec, v, &root))
		return;
	if (!v[0].present && !(v[1].present && v[1].b)) {
		json_decref(root);
		reply_json_error(c->resp, 400, "invalid",
				 "give commentary, or publish true", "body");
		return;
	}
	rc = report_edit(c->db, &c->actor, id,
			 v[0].present ? v[0].str : NULL,
			 v[1].present && v[1].b, ug_now_s(), &r, &err);
	json_decref(root);
	if (rc) {
		reply_ug_error(c, &err);
		return;
	}
	reply_report(c, 200, &r);
}

/* GET /api/v1/reports/settings: the official documents' settings and the
 * schedule's. */
void h_report_settings_get(struct web_ctx *c)
{
	struct report_settings s;
	struct ug_error err;

	ug_error_clear(&err);
	if (report_settings_get(c->db, &s, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, report_settings_json(&s));
}

/* PUT /api/v1/reports/settings {office?, prefix?, addressees?, signer?,
 * copy_to?, at?, kinds?}: the admin changes those given. */
void h_report_settings_put(struct web_ctx *c)
{
	static const struct field_spec spec[RSET_COUNT] = {
		{ "office", FIELD_STRING, 0, 0, REPORT_SETTING_MAX },
		{ "prefix", FIELD_STRING, 0, 0, REPORT_SETTING_MAX },
		{ "addressees", FIELD_STRING, 0, 0, REPORT_SETTING_MAX },
		{ "signer", FIELD_STRING, 0, 0, REPORT_SETTING_MAX },
		{ "copy_to", FIELD_STRING, 0, 0, REPORT_SETTING_MAX },
		{ "at", FIELD_STRING, 0, 0, 5 },
		{ "kinds", FIELD_STRING, 0, 0, REPORT_SETTING_MAX },
	};
	struct field_value v[RSET_COUNT];
	const char *text[RSET_COUNT];
	int has[RSET_COUNT];
	struct report_settings s;
	struct ug_error err;
	json_t *root;
	int rc;

	if (api_decode(c, spec, RSET_COUNT, v, &root))
		return;
	for (int k = 0; k < RSET_COUNT; k++) {
		has[k] = v[k].present;
		text[k] = v[k].str;
	}
	ug_error_clear(&err);
	rc = report_settings_set(c->db, &c->actor, has, text, ug_now_s(), &s,
				 &err);
	json_decref(root);
	if (rc) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, report_settings_json(&s));
}
