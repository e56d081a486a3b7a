/*
 * h_categories.c - the classification tree and the filing standards.
 */
#include <string.h>

#include "api/handlers.h"
#include "domain/cases/standards.h"
#include "lib/util.h"

struct tree {
	json_t *majors;   /* array */
	json_t *current;  /* the major being filled */
	char major[CODE_MAX + 1];
};

static int add_category(void *ctx, const struct category *c)
{
	struct tree *t = ctx;

	if (strcmp(t->major, c->major) != 0) {
		t->current = json_array();
		json_array_append_new(
			t->majors,
			json_pack("{s:s, s:s, s:s, s:s, s:O}", "code",
				  c->major, "kind", c->kind, "name",
				  c->major_name, "name_en", c->major_name_en,
				  "categories", t->current));
		json_decref(t->current); /* the major holds it now */
		snprintf(t->major, sizeof t->major, "%s", c->major);
	}
	json_array_append_new(t->current,
			      json_pack("{s:s, s:s, s:s, s:b, s:b}", "code",
					c->code, "name", c->name, "name_en",
					c->name_en, "standard", c->standard,
					"public", c->public_));
	return 0;
}

void h_categories_tree(struct web_ctx *c)
{
	struct tree t;
	struct ug_error err;

	memset(&t, 0, sizeof t);
	ug_error_clear(&err);
	t.majors = json_array();
	if (standards_categories(c->db, add_category, &t, &err)) {
		json_decref(t.majors);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "majors", t.majors));
}

json_t *json_standard(const struct case_standard *s,
		      const struct standard_limits *lim)
{
	json_t *limits = json_object();

	for (int u = 0; u < URGENCY_COUNT; u++) {
		json_t *stages = json_object();

		for (int st = 0; st < STAGE_COUNT; st++) {
			const struct time_limit *l = &lim->at[u][st];

			json_object_set_new(
				stages, case_stages[st].name,
				json_pack("{s:I, s:s}", "amount",
					  (json_int_t)l->amount, "unit",
					  limit_unit_names[l->unit]));
		}
		json_object_set_new(limits, urgency_names[u], stages);
	}
	return json_pack("{s:I, s:s, s:i, s:s, s:s, s:s, s:o, s:s, s:o}", "id",
			 (json_int_t)s->id, "category", s->category, "version",
			 s->version, "filing_condition", s->filing_condition,
			 "closing_condition", s->closing_condition,
			 "department_type", s->department_type, "created_at",
			 json_time(s->created_at), "created_by", s->created_by,
			 "limits", limits);
}

void h_standard_get(struct web_ctx *c)
{
	const char *code = api_param(c, "code");
	struct case_standard s;
	struct standard_limits lim;
	struct ug_error err;

	ug_error_clear(&err);
	if (standards_current(c->db, code, &s, &lim, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_standard(&s, &lim));
}

const struct field_spec standard_edit_body[4] = {
	{ "filing_condition", FIELD_STRING, 0, 1, 1000 },
	{ "closing_condition", FIELD_STRING, 0, 1, 1000 },
	{ "department_type", FIELD_STRING, 0, 1, CODE_MAX },
	{ "limits", FIELD_OBJECT, 0, 0, 0 },
};

void h_standard_edit(struct web_ctx *c)
{
	const struct field_spec *spec = standard_edit_body;
	const char *code = api_param(c, "code");
	struct field_value v[4];
	struct standard_edit e;
	struct case_standard s;
	struct standard_limits lim;
	struct ug_error err;
	const char *ukey, *skey;
	json_t *root, *stages, *val;
	char field[64];

	if (api_decode(c, spec, 4, v, &root))
		return;
	ug_error_clear(&err);
	memset(&e, 0, sizeof e);
	e.filing_condition = v[0].present ? v[0].str : NULL;
	e.closing_condition = v[1].present ? v[1].str : NULL;
	e.department_type = v[2].present ? v[2].str : NULL;
	/* limits: {"normal": {"handle": "2wd", ...}, ...} */
	if (v[3].present) {
		json_object_foreach(v[3].obj, ukey, stages) {
			int u = urgency_parse(ukey);

			snprintf(field, sizeof field, "limits.%.40s", ukey);
			if (u < 0 || !json_is_object(stages)) {
				ug_fail(&err, UG_EINVAL, field,
					"limits must map urgent, pressing or "
					"normal to an object of stages");
				goto fail;
			}
			json_object_foreach(stages, skey, val) {
				int st = case_stage_parse(skey);

				snprintf(field, sizeof field, "limits.%s.%.20s",
					 urgency_names[u], skey);
				if (st < 0 || !json_is_string(val)) {
					ug_fail(&err, UG_EINVAL, field,
						"%s: stages are accept, verify, "
						"file, dispatch, handle, check, "
						"close, each a limit such as "
						"\"2wh\"", field);
					goto fail;
				}
				if (time_limit_parse(json_string_value(val),
						     field, &e.limit[u][st],
						     &err))
					goto fail;
				e.has_limit[u][st] = 1;
			}
		}
	}
	if (standards_edit(c->db, code, &e, &c->actor, ug_now_s(), &s,
			   &lim, &err))
		goto fail;
	json_decref(root);
	reply_json(c, 200, json_standard(&s, &lim));
	return;
fail:
	json_decref(root);
	reply_ug_error(c, &err);
}

/* A category as POST and PATCH answer it. */
static json_t *json_category(const struct category *cat)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b}", "code", cat->code,
			 "major", cat->major, "name", cat->name, "standard",
			 cat->standard, "public", cat->public_);
}

void h_category_add(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "code", FIELD_STRING, 1, 5, 5 },
		{ "name", FIELD_STRING, 1, 1, 30 },
		{ "public", FIELD_BOOL, 0, 0, 0 },
		{ "like", FIELD_STRING, 0, 5, 5 },
	};
	struct field_value v[4];
	struct category cat;
	struct ug_error err;
	json_t *root;

	if (api_decode(c, spec, 4, v, &root))
		return;
	ug_error_clear(&err);
	if (standards_add_local_category(c->db, v[0].str, v[1].str,
					 v[2].present ? v[2].b : 1,
					 v[3].present ? v[3].str : NULL,
					 &c->actor, ug_now_s(), &cat,
					 &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reply_json(c, 201, json_category(&cat));
}

/* PATCH /api/v1/categories/{code}: rename a local class, or open or
 * close a class to the public (Open311 services, the public pages). */
void h_category_edit(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "name", FIELD_STRING, 0, 1, 30 },
		{ "public", FIELD_BOOL, 0, 0, 0 },
	};
	const char *code = api_param(c, "code");
	struct field_value v[2];
	struct category_edit e;
	struct category cat;
	struct ug_error err;
	json_t *root;
	int rc;

	if (api_decode(c, spec, 2, v, &root))
		return;
	ug_error_clear(&err);
	memset(&e, 0, sizeof e);
	e.name = v[0].present ? v[0].str : NULL;
	e.has_public = v[1].present;
	e.public_ = v[1].b;
	rc = standards_category_edit(c->db, code, &e, &c->actor, ug_now_s(),
				     &cat, &err);
	json_decref(root);
	if (rc) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_category(&cat));
}
