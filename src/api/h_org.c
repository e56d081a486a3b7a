/*
 * h_org.c - reference data of the organisation: roles, divisions,
 * departments.
 */
#include <string.h>

#include "api/handlers.h"
#include "domain/org/org.h"
#include "lib/util.h"

void h_roles_list(struct web_ctx *c)
{
	json_t *list = json_array();

	for (int i = 0; i < ROLE_COUNT; i++)
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s}", "role",
					role_table[i].name, "name",
					role_table[i].name_zh, "unit_kind",
					role_table[i].unit_kind));
	reply_json(c, 200, json_pack("{s:o}", "roles", list));
}

static int add_child(void *ctx, const struct division *d)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s}", "code", d->code,
					     "name", d->name, "level",
					     d->level));
	return 0;
}

void h_division_get(struct web_ctx *c)
{
	const char *code = api_param(c, "code");
	struct division d;
	struct ug_error err;
	json_t *children;

	ug_error_clear(&err);
	if (!code || !division_level_of_code(code)) {
		ug_fail(&err, UG_EINVAL, "code",
			"code must be a division code of 6, 9 or 12 digits");
		reply_ug_error(c, &err);
		return;
	}
	if (org_division(c->db, code, &d, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	children = json_array();
	if (org_division_children(c->db, code, add_child, children, &err)) {
		json_decref(children);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200,
		   json_pack("{s:s, s:s, s:s, s:o, s:o}", "code", d.code, "name",
			     d.name, "level", d.level, "parent",
			     d.parent[0] ? json_string(d.parent) : json_null(),
			     "children", children));
}

static int add_department(void *ctx, const struct department *d,
			  const char *areas)
{
	json_t *list = json_array();
	const char *p = areas;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		json_array_append_new(list, json_stringn(p, n));
		p += n + (comma ? 1 : 0);
	}
	json_array_append_new(
		ctx, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "code", d->code,
			       "name", d->name, "kind", d->kind, "type",
			       d->type, "parent",
			       d->parent[0] ? json_string(d->parent)
					    : json_null(),
			       "areas", list));
	return 0;
}

void h_departments_list(struct web_ctx *c)
{
	struct ug_error err;
	json_t *list = json_array();

	ug_error_clear(&err);
	if (org_departments(c->db, add_department, list, &err)) {
		json_decref(list);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "departments", list));
}
