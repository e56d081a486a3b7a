/*
 * h_routing.c - dispatch routing rules, edited by an admin.
 */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/cases/routing.h"
#include "domain/org/roles.h"
#include "lib/util.h"

static json_t *json_rule(const struct routing_rule *r)
{
	return json_pack("{s:I, s:o, s:o, s:s, s:i}", "id", (json_int_t)r->id,
			 "category",
			 r->category[0] ? json_string(r->category) : json_null(),
			 "area", r->area[0] ? json_string(r->area) : json_null(),
			 "department", r->department, "priority", r->priority);
}

static int add_rule(void *ctx, const struct routing_rule *r)
{
	json_array_append_new(ctx, json_rule(r));
	return 0;
}

void h_routing_list(struct web_ctx *c)
{
	struct ug_error err;
	json_t *list = json_array();

	ug_error_clear(&err);
	if (routing_rules(c->db, add_rule, list, &err)) {
		json_decref(list);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "rules", list));
}

void h_routing_add(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "category", FIELD_STRING, 0, 1, CODE_MAX },
		{ "area", FIELD_STRING, 0, 6, 12 },
		{ "department", FIELD_STRING, 1, 1, CODE_MAX },
		{ "priority", FIELD_INT, 0, -1000, 1000 },
	};
	struct field_value v[4];
	struct routing_rule r;
	struct ug_error err;
	json_t *root;

	if (api_decode(c, spec, 4, v, &root))
		return;
	ug_error_clear(&err);
	if (routing_rule_add(c->db, &c->actor,
			     v[0].present ? v[0].str : NULL,
			     v[1].present ? v[1].str : NULL, v[2].str,
			     v[3].present ? (int)v[3].i : 0, ug_now_s(), &r,
			     &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reply_json(c, 201, json_rule(&r));
}

void h_routing_delete(struct web_ctx *c)
{
	struct ug_error err;
	int64_t id;

	ug_error_clear(&err);
	if (path_id(c, "id", "rule", &id, &err) ||
	    routing_rule_delete(c->db, &c->actor, id, ug_now_s(), &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_no_content(c);
}
