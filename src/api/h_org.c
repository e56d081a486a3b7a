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

/* The areas "a,b,c" as a JSON array. */
static json_t *json_areas(const char *areas)
{
	json_t *list = json_array();
	const char *p = areas;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		json_array_append_new(list, json_stringn(p, n));
		p += n + (comma ? 1 : 0);
	}
	return list;
}

static json_t *json_department(const struct department *d, const char *areas)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "code", d->code,
			 "name", d->name, "kind", d->kind, "type", d->type,
			 "parent",
			 d->parent[0] ? json_string(d->parent) : json_null(),
			 "areas", json_areas(areas), "disabled", d->disabled);
}

static int add_department(void *ctx, const struct department *d,
			  const char *areas)
{
	json_array_append_new(ctx, json_department(d, areas));
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

/* The body of POST and PATCH /api/v1/departments; `code` only in POST. */
enum { DF_CODE, DF_NAME, DF_KIND, DF_TYPE, DF_PARENT, DF_AREAS, DF_DISABLED,
       DF_COUNT };
const struct field_spec department_body[DF_COUNT] = {
	{ "code", FIELD_STRING, 1, 1, 32 },
	{ "name", FIELD_STRING, 0, 1, 100 },
	{ "kind", FIELD_STRING, 0, 1, 24 },
	{ "type", FIELD_STRING, 0, 1, CODE_MAX },
	{ "parent", FIELD_STRING, 0, 0, 32 },
	{ "areas", FIELD_STRINGS, 0, 6, 12 },
	{ "disabled", FIELD_BOOL, 0, 0, 0 },
};

static void department_change(struct web_ctx *c, int add)
{
	const char *areas[DEPARTMENT_AREAS_MAX];
	struct field_value v[DF_COUNT];
	struct department_input in;
	struct department_result out;
	struct ug_error err;
	json_t *root, *item;
	size_t i;
	int rc;

	/* PATCH has no code member: the path names the department. */
	if (api_decode(c, add ? department_body : department_body + 1,
		       add ? DF_COUNT : DF_COUNT - 1, add ? v : v + 1, &root))
		return;
	ug_error_clear(&err);
	memset(&in, 0, sizeof in);
	in.code = add ? v[DF_CODE].str : NULL;
	in.name = v[DF_NAME].present ? v[DF_NAME].str : NULL;
	in.kind = v[DF_KIND].present ? v[DF_KIND].str : NULL;
	in.type = v[DF_TYPE].present ? v[DF_TYPE].str : NULL;
	in.has_parent = v[DF_PARENT].present;
	in.parent = v[DF_PARENT].present ? v[DF_PARENT].str : NULL;
	in.has_disabled = v[DF_DISABLED].present;
	in.disabled = v[DF_DISABLED].b;
	if ((in.has_areas = v[DF_AREAS].present)) {
		if (org_department_areas_check(
			    json_array_size(v[DF_AREAS].obj), &err))
			goto fail;
		json_array_foreach(v[DF_AREAS].obj, i, item)
			areas[i] = json_string_value(item);
		in.areas = areas;
		in.nareas = json_array_size(v[DF_AREAS].obj);
	}
	rc = add ? org_department_add(c->db, &c->actor, &in,
				      ug_now_s(), &out, &err)
		 : org_department_edit(c->db, &c->actor,
				       api_param(c, "code"), &in, ug_now_s(),
				       &out, &err);
	if (rc)
		goto fail;
	json_decref(root);
	item = json_department(&out.d, out.areas);
	/* What routing does with it: its rules are skipped while disabled. */
	json_object_set_new(item, "routing_rules", json_integer(out.rules));
	reply_json(c, add ? 201 : 200, item);
	return;
fail:
	json_decref(root);
	reply_ug_error(c, &err);
}

void h_department_add(struct web_ctx *c)
{
	department_change(c, 1);
}

void h_department_edit(struct web_ctx *c)
{
	department_change(c, 0);
}
