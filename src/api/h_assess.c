/*
 * h_assess.c - assessment (综合评价): the rankings of posts, departments
 * and areas for a period, and the scheme that scores them (its versions;
 * an admin's edit adds one).  Who sees which rows, and who may edit, is
 * domain/assess/rank.c's; docs/api.md and docs/assessment.md describe
 * the answers.
 */
#include <string.h>

#include "api/handlers.h"
#include "domain/assess/hours.h"
#include "domain/assess/rank.h"
#include "lib/util.h"

struct versions {
	json_t *list;
	int32_t utc_offset;
};

static int add_version(void *ctx, const struct assess_scheme *s)
{
	struct versions *v = ctx;

	json_array_append_new(v->list, assess_scheme_json(s, v->utc_offset));
	return 0;
}

/* {"current": the version in force now, "versions": every stored one,
 * newest first, "defaults": version 0} */
static json_t *scheme_answer(struct web_ctx *c, struct ug_error *err)
{
	struct assess_scheme now, defaults;
	struct versions v = { json_array(), c->cases.utc_offset };
	int rc;

	if ((rc = assess_scheme_at(c->db, ug_now_s(), &now, err)) == 0)
		rc = assess_scheme_history(c->db, add_version, &v, err);
	if (rc) {
		json_decref(v.list);
		return NULL;
	}
	assess_scheme_defaults(&defaults);
	return json_pack("{s:o, s:o, s:o}", "current",
			 assess_scheme_json(&now, c->cases.utc_offset),
			 "versions", v.list, "defaults",
			 assess_scheme_json(&defaults, c->cases.utc_offset));
}

/* GET /api/v1/assessment/scheme */
void h_assess_scheme_get(struct web_ctx *c)
{
	struct ug_error err;
	json_t *body;

	ug_error_clear(&err);
	if (!(body = scheme_answer(c, &err))) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, body);
}

/* PUT /api/v1/assessment/scheme {weights?, bands?, volume?, honours?,
 * effective?}:
 * a new version (the domain checks every value). */
void h_assess_scheme_put(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "weights", FIELD_OBJECT, 0, 0, 0 },
		{ "bands", FIELD_OBJECT, 0, 0, 0 },
		{ "volume", FIELD_OBJECT, 0, 0, 0 },
		{ "honours", FIELD_OBJECT, 0, 0, 0 },
		{ "effective", FIELD_STRING, 0, 0, 64 },
		/* What GET says of a version, ignored when sent back. */
		{ "version", FIELD_INT, 0, 0, INT64_MAX },
		{ "created_by", FIELD_STRING, 0, 0, 200 },
	};
	struct field_value v[sizeof spec / sizeof *spec];
	struct assess_scheme s;
	struct ug_error err;
	json_t *root;

	if (api_decode(c, spec, sizeof spec / sizeof *spec, v, &root))
		return;
	ug_error_clear(&err);
	if (assess_scheme_edit(c->db, &c->actor, root, ug_now_s(), &s, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reply_json(c, 200, assess_scheme_json(&s, c->cases.utc_offset));
}

/* GET /api/v1/assessment/{kind}?period=P[&area=CODE] */
void h_assess_ranking(struct web_ctx *c)
{
	struct assess_ranking r;
	struct ug_error err;

	ug_error_clear(&err);
	if (assess_ranking(c->db, &c->actor, c->cases.utc_offset,
			   api_param(c, "kind"), http_query(c->req, "period"),
			   http_query(c->req, "area"), &r, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, assess_ranking_json(&r, c->cases.utc_offset));
	assess_ranking_free(&r);
}

/* GET /api/v1/assessment/hours?day=YYYY-MM-DD[&area=CODE]: the day's counters hour
 * by hour (the command-centre screen's). */
void h_assess_hours(struct web_ctx *c)
{
	struct assess_hours h;
	struct ug_error err;

	ug_error_clear(&err);
	if (assess_hours(c->db, &c->actor, c->cases.utc_offset,
			 http_query(c->req, "day"), http_query(c->req, "area"),
			 ug_now_s(), &h, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, assess_hours_json(&h, c->cases.utc_offset));
	assess_hours_free(&h);
}
