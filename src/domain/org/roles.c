/*
 * roles.c - role table and scope rules (see roles.h).
 */
#include "domain/org/roles.h"

#include <stdio.h>
#include <string.h>

#include "lib/util.h"

const struct role_info role_table[ROLE_COUNT] = {
	{ ROLE_INSPECTOR, "inspector", "监督员", "division" },
	{ ROLE_RECEPTIONIST, "receptionist", "受理员", "division" },
	{ ROLE_SHIFT_LEADER, "shift_leader", "值班长", "division" },
	{ ROLE_DISPATCHER, "dispatcher", "派遣员", "division" },
	{ ROLE_HANDLER, "handler", "专业部门处置人员", "department" },
	{ ROLE_LEADER, "leader", "领导", "any" },
	{ ROLE_ADMIN, "admin", "系统管理员", "any" },
	{ ROLE_API_CLIENT, "api_client", "外部系统", "any" },
	{ ROLE_SECURITY_ADMIN, "security_admin", "安全管理员", "any" },
	{ ROLE_AUDITOR, "auditor", "安全审计员", "any" },
};

int role_parse(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(role_table[i].name, name) == 0)
			return i;
	return -1;
}

void division_code_prefix(const char *code, char out[CODE_MAX + 1])
{
	size_t n = strlen(code);

	snprintf(out, CODE_MAX + 1, "%s", code);
	/* Only the 6-digit GB/T 2260 form pads with zeros: a province is
	 * NN0000, a city NNNN00.  Longer codes carry every digit. */
	if (n == 6 && ug_is_digits(code, 6)) {
		if (strcmp(code + 2, "0000") == 0)
			out[2] = '\0';
		else if (strcmp(code + 4, "00") == 0)
			out[4] = '\0';
	}
}

void scope_of_user(const struct user *u, struct scope *s)
{
	int role = role_parse(u->role);

	memset(s, 0, sizeof *s);
	if (role == ROLE_ADMIN || role == ROLE_SECURITY_ADMIN ||
	    role == ROLE_AUDITOR) {
		s->kind = SCOPE_ALL;
	} else if (strcmp(u->unit_kind, "department") == 0) {
		s->kind = SCOPE_DEPARTMENT;
		snprintf(s->code, sizeof s->code, "%s", u->unit_code);
	} else {
		s->kind = SCOPE_AREA;
		division_code_prefix(u->unit_code, s->code);
	}
}

void actor_of(const struct user *u, const char *addr, struct actor *out)
{
	memset(out, 0, sizeof *out);
	out->user = u;
	out->role = role_parse(u->role);
	out->addr = addr ? addr : "";
	scope_of_user(u, &out->scope);
}

const struct actor *actor_root(struct user *u, const char *name,
			       struct actor *out)
{
	memset(u, 0, sizeof *u);
	snprintf(u->username, sizeof u->username, "%s", name);
	snprintf(u->unit_kind, sizeof u->unit_kind, "division");
	memset(out, 0, sizeof *out);
	out->user = u;
	out->role = -1;
	out->addr = "local";
	out->root = 1;
	out->scope.kind = SCOPE_ALL;
	return out;
}

void actor_cli(struct actor *out)
{
	/* One for the process: the command line is one caller. */
	static struct user cli;

	actor_root(&cli, "cli", out);
}

int actor_is(const struct actor *a, enum role role)
{
	return a->root || a->role == (int)role;
}

int actor_sees(const struct actor *a, const char *area,
	       const char *department)
{
	switch (a->scope.kind) {
	case SCOPE_ALL:
		return 1;
	case SCOPE_AREA:
		return scope_covers_area(&a->scope, area);
	case SCOPE_DEPARTMENT:
		return department && department[0] &&
		       scope_covers_department(&a->scope, department);
	}
	return 0;
}

int scope_covers_area(const struct scope *s, const char *area_code)
{
	switch (s->kind) {
	case SCOPE_ALL:
		return 1;
	case SCOPE_AREA:
		return strncmp(area_code, s->code, strlen(s->code)) == 0;
	case SCOPE_DEPARTMENT:
		return 0;
	}
	return 0;
}

int scope_covers_department(const struct scope *s, const char *department_code)
{
	return s->kind == SCOPE_ALL ||
	       (s->kind == SCOPE_DEPARTMENT &&
		strcmp(s->code, department_code) == 0);
}

const char *division_level_of_code(const char *code)
{
	size_t n = strlen(code);

	if (!ug_is_digits(code, 0))
		return NULL;
	switch (n) {
	case 6:
		if (strcmp(code + 2, "0000") == 0)
			return "province";
		if (strcmp(code + 4, "00") == 0)
			return "city";
		return "district";
	case 9:
		return "street";
	case 12:
		return "community";
	case 15:
		return "grid";
	}
	return NULL;
}

void division_ancestors(const char *code, char out[AREA_LEVELS][CODE_MAX + 1])
{
	size_t n = strlen(code);
	char city[8], province[8];
	int k = 0;

	memset(out, 0, AREA_LEVELS * (CODE_MAX + 1));
	if (!ug_is_digits(code, 0) || n < 6)
		return;
	if (n >= 12)
		snprintf(out[k++], CODE_MAX + 1, "%.12s", code);
	if (n >= 9)
		snprintf(out[k++], CODE_MAX + 1, "%.9s", code);
	/* A 6-digit code ending in 00 is a city (or province), not a
	 * district. */
	if (strncmp(code + 4, "00", 2) != 0)
		snprintf(out[k++], CODE_MAX + 1, "%.6s", code);
	snprintf(city, sizeof city, "%.4s00", code);
	snprintf(province, sizeof province, "%.2s0000", code);
	snprintf(out[k++], CODE_MAX + 1, "%s", city);
	if (strcmp(province, city) != 0)
		snprintf(out[k++], CODE_MAX + 1, "%s", province);
}
