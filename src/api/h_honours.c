/*
 * h_honours.c - the red and black lists (红黑榜) for the staff: the draft
 * of a kind and period, its publication (a new version, audited), and the
 * published lists with their history.  Who may draft, publish and see
 * which list is domain/assess/honours.c's; docs/api.md and
 * docs/assessment.md describe the answers.
 */
#include <string.h>

#include "api/handlers.h"
#include "domain/assess/honours.h"
#include "lib/util.h"

/* Most characters of a publication's comment. */
#define HONOURS_COMMENT_MAX 500

/* GET /api/v1/honours/draft?kind=&period=[&area=] */
void h_honours_draft(struct web_ctx *c)
{
	struct honours_list l;
	struct ug_error err;

	ug_error_clear(&err);
	if (honours_draft(c->db, &c->actor, c->cases.utc_offset,
			  http_query(c->req, "kind"), http_query(c->req, "period"),
			  http_query(c->req, "area"), &l, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, honours_list_json(&l, c->cases.utc_offset, 0));
	honours_list_free(&l);
}

/* POST /api/v1/honours {kind, period, area?, comment?}: 201 with the
 * published version. */
void h_honours_publish(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "kind", FIELD_STRING, 1, 1, 32 },
		{ "period", FIELD_STRING, 1, 1, 48 },
		{ "area", FIELD_STRING, 0, 0, 32 },
		{ "comment", FIELD_STRING, 0, 0, HONOURS_COMMENT_MAX },
	};
	struct field_value v[sizeof spec / sizeof *spec];
	struct honours_list l;
	struct ug_error err;
	json_t *root;
	int rc;

	if (api_decode(c, spec, sizeof spec / sizeof *spec, v, &root))
		return;
	ug_error_clear(&err);
	rc = honours_publish(c->db, &c->actor, c->cases.utc_offset, v[0].str,
			     v[1].str, v[2].str, v[3].str, ug_now_s(), &l, &err);
	json_decref(root);
	if (rc) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 201, honours_list_json(&l, c->cases.utc_offset, 0));
	honours_list_free(&l);
}

struct lists {
	json_t *a;
	int32_t utc_offset;
};

static int add_list(void *ctx, const struct honours_list *l)
{
	struct lists *ls = ctx;

	json_array_append_new(ls->a, honours_list_json(l, ls->utc_offset, 0));
	return 0;
}

/* GET /api/v1/honours[?kind=][&period=][&latest=1]: every version the
 * caller sees, newest first. */
void h_honours_list(struct web_ctx *c)
{
	struct lists ls = { json_array(), c->cases.utc_offset };
	const char *latest = http_query(c->req, "latest");
	struct ug_error err;

	ug_error_clear(&err);
	if (latest && strcmp(latest, "0") != 0 && strcmp(latest, "1") != 0) {
		json_decref(ls.a);
		reply_json_error(c->resp, 400, "invalid", "latest must be 0 or 1",
				 "latest");
		return;
	}
	if (honours_history(c->db, &c->actor, http_query(c->req, "kind"),
			    http_query(c->req, "period"),
			    latest && strcmp(latest, "1") == 0, add_list, &ls,
			    &err)) {
		json_decref(ls.a);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "lists", ls.a));
}
