/*
 * routes.c - every endpoint of the JSON API, in one table: method, path,
 * handler, the roles that may call it and how its answers are scoped.
 * Adding an endpoint is one line here plus its handler; docs/api.md
 * describes each line.
 */
#include "api/app.h"
#include "api/handlers.h"

#define R(method, pattern, handler, roles, scope) \
	{ { method, pattern }, handler, roles, scope }

/* Centre staff who see people of their own area. */
#define ROLES_USER_READERS \
	(ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_LEADER) | \
	 ROLE_BIT(ROLE_SHIFT_LEADER))

const struct route api_routes[] = {
	R("GET", "/healthz", h_health, 0, RS_PUBLIC),
	R("POST", "/api/v1/session", h_session_create, 0, RS_PUBLIC),
	R("GET", "/api/v1/session", h_session_get, ROLES_ALL, RS_SELF),
	R("DELETE", "/api/v1/session", h_session_delete, ROLES_ALL, RS_SELF),
	R("GET", "/api/v1/roles", h_roles_list, ROLES_ALL, RS_REFERENCE),
	R("GET", "/api/v1/divisions/{code}", h_division_get, ROLES_ALL,
	  RS_REFERENCE),
	R("GET", "/api/v1/departments", h_departments_list, ROLES_ALL,
	  RS_REFERENCE),
	R("GET", "/api/v1/users", h_users_list, ROLES_USER_READERS, RS_AREA),
	R("POST", "/api/v1/users", h_users_create, ROLE_BIT(ROLE_ADMIN),
	  RS_AREA),
};

const size_t api_route_count = sizeof api_routes / sizeof api_routes[0];
