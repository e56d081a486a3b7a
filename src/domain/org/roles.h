/*
 * roles.h - the roles of the grid-management model and what scopes them.
 *
 * Roles are data about a user, not code paths: handlers declare in the
 * route table which roles may call them (a bit set of ROLE_BIT()), and the
 * scope functions here say which areas and departments a user may see.
 *
 * Scope rule: a user whose unit is a division sees that division and
 * everything under it (the division code is a prefix of every code below
 * it: 110101 > 110101001 > 110101001001 > 110101001001003 grid); a user
 * whose unit is a department sees what is dispatched to that department;
 * the admin, the security admin and the auditor see everything (of what
 * their routes reach: the system's settings, the accounts, the trail).
 */
#ifndef UG_ROLES_H
#define UG_ROLES_H

#include <stddef.h>

#include "store/org/org.h"

enum role {
	ROLE_INSPECTOR,    /* 监督员 */
	ROLE_RECEPTIONIST, /* 受理员 */
	ROLE_SHIFT_LEADER, /* 值班长 */
	ROLE_DISPATCHER,   /* 派遣员 */
	ROLE_HANDLER,      /* 专业部门处置人员 */
	ROLE_LEADER,       /* 领导: reads, supervises and reminds in its
			      area or department */
	ROLE_ADMIN,        /* 系统管理员: system settings, departments,
			      categories and standards, calendar, routing,
			      grids */
	ROLE_API_CLIENT,   /* an external system */
	ROLE_SECURITY_ADMIN, /* 安全管理员: accounts, roles, tokens, the
				password policy */
	ROLE_AUDITOR,      /* 安全审计员: reads the audit trail, nothing else */
	ROLE_COUNT
};

/* 三员分立 (separation of duties, as 等级保护 assessments ask): the
 * system admin, the security admin and the auditor are three roles, and
 * no route lets one do another's work (api/routes.c; the access matrix in
 * tests/http/access.test.mjs holds each). */
#define ROLE_BIT(r) (1u << (r))
/* Every role: what a caller does to its own session and password. */
#define ROLES_ALL ((1u << ROLE_COUNT) - 1)
/* Who reads reference data (roles, divisions, departments, categories,
 * the calendar, the map): everyone but the auditor. */
#define ROLES_READERS (ROLES_ALL & ~ROLE_BIT(ROLE_AUDITOR))
/* The people of case work: not the external systems, not the security
 * admin and the auditor. */
#define ROLES_STAFF \
	(ROLES_ALL & ~(ROLE_BIT(ROLE_API_CLIENT) | \
		       ROLE_BIT(ROLE_SECURITY_ADMIN) | ROLE_BIT(ROLE_AUDITOR)))

struct role_info {
	enum role role;
	const char *name;    /* API string */
	const char *name_zh; /* 中文 */
	const char *unit_kind; /* "division", "department" or "any" */
};

/* The role table, ROLE_COUNT entries in enum order. */
extern const struct role_info role_table[ROLE_COUNT];

/* Role from its API string; -1 if unknown. */
int role_parse(const char *name);

enum scope_kind {
	SCOPE_ALL,        /* admin: everything */
	SCOPE_AREA,       /* a division and all below it */
	SCOPE_DEPARTMENT  /* what is dispatched to one department */
};

struct scope {
	enum scope_kind kind;
	/* SCOPE_AREA: the code prefix shared by every code in the area
	 * (110100 city -> "1101"); SCOPE_DEPARTMENT: the department code. */
	char code[CODE_MAX + 1];
};

/* Scope of a user from its role and unit. */
void scope_of_user(const struct user *u, struct scope *s);

/*
 * Who is asking.  Every domain function that reads or changes what not
 * everybody may see takes the caller as an actor and decides there - the
 * access layer - what it may see or do: handlers never decide it again.
 * Built once per request (web/dispatch.c) or per command.
 */
struct actor {
	const struct user *user; /* the account (a public door's: the
				    api_client or anonymous account) */
	int role;                /* enum role of user, -1 if unknown */
	struct scope scope;      /* what it sees */
	const char *addr;        /* client address, for the audit trail */
	int root;                /* the command line: the operator of the
				    machine, who holds the database file and
				    so may do anything */
};

/* The actor of account u calling from addr (NULL: ""). */
void actor_of(const struct user *u, const char *addr, struct actor *out);

/* The command line's actor: user "cli", address "local", root. */
void actor_cli(struct actor *out);

/* A root actor named `name` (a tool of the command line: "demo",
 * "upgrade"), whose user is *u (filled here; it must outlive out).
 * Returns out. */
const struct actor *actor_root(struct user *u, const char *name,
			       struct actor *out);

/* May the actor act as `role` (it has that role, or is root)? */
int actor_is(const struct actor *a, enum role role);

/* May the actor see an object placed in `area` (a division or grid code)
 * and, when dispatched, in the hands of `department` ("" if none)?  The
 * one visibility rule: area scopes see their area, department scopes
 * what is dispatched to them, admins everything. */
int actor_sees(const struct actor *a, const char *area,
	       const char *department);

/* The prefix that every code inside division `code` starts with:
 * "110000" -> "11", "110100" -> "1101", other codes -> themselves. */
void division_code_prefix(const char *code, char out[CODE_MAX + 1]);

/* 1 if the scope covers the area with division/grid code `area_code`. */
int scope_covers_area(const struct scope *s, const char *area_code);

/* 1 if the scope covers the department `department_code`. */
int scope_covers_department(const struct scope *s, const char *department_code);

/* The divisions that contain a place, most specific first: for
 * 110101001001 (a community) -> 110101001001, 110101001, 110101, 110100,
 * 110000; a grid code (15 digits) starts with its community.  Unused
 * levels are "". */
void division_ancestors(const char *code,
			char out[AREA_LEVELS][CODE_MAX + 1]);

/* Level of a division code by its shape: "province" (2 significant digits
 * of 6), "city", "district" (6 digits), "street" (9), "community" (12),
 * "grid" (15); NULL if it has none of these shapes. */
const char *division_level_of_code(const char *code);

#endif
