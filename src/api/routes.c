/*
 * routes.c - the JSON API's door: every endpoint of /api/v1/ and of the
 * public pages' JSON API, in one table (method, path, handler, the roles
 * that may call it and how its answers are scoped), and JSON errors.
 * Adding an endpoint is one line here plus its handler; docs/api.md
 * describes each line.  The door takes every path no other door claims
 * (web.h).
 */
#include "api/routes.h"

#include "api/handlers.h"
#include "public/handlers.h"

#define R(method, pattern, handler, roles, scope) \
	{ { method, pattern }, handler, roles, scope, 0 }
#define R_RAW(method, pattern, handler, roles, scope) \
	{ { method, pattern }, handler, roles, scope, ROUTE_RAW_BODY }
/* Honours an Idempotency-Key (web.h; docs/api.md). */
#define R_IDEM(method, pattern, handler, roles, scope, flags) \
	{ { method, pattern }, handler, roles, scope, ROUTE_IDEMPOTENT | (flags) }
/* Open while a password change is due (web.h). */
#define R_PW(method, pattern, handler, roles, scope) \
	{ { method, pattern }, handler, roles, scope, ROUTE_PASSWORD_CHANGE }

/* Who lists people: the security admin (accounts are its work), and
 * the leaders and shift leaders of an area (their people). */
#define ROLES_USER_READERS \
	(ROLE_BIT(ROLE_SECURITY_ADMIN) | ROLE_BIT(ROLE_LEADER) | \
	 ROLE_BIT(ROLE_SHIFT_LEADER))
#define ROLE_ADMIN_ONLY ROLE_BIT(ROLE_ADMIN)
#define ROLE_SECURITY_ONLY ROLE_BIT(ROLE_SECURITY_ADMIN)

/* Who files reports (the source must fit the role: domain/cases/case.c). */
#define ROLES_CASE_INTAKE \
	(ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_RECEPTIONIST) | \
	 ROLE_BIT(ROLE_LEADER) | ROLE_BIT(ROLE_API_CLIENT))
/* Who acts on cases; which action each may take is in the workflow table
 * (domain/cases/workflow.c). */
#define ROLES_CASE_ACTORS (ROLES_STAFF & ~ROLE_BIT(ROLE_ADMIN))
/* Patrol: who assigns beats, and who reads an area's patrols. */
#define ROLES_BEAT_MANAGERS \
	(ROLE_BIT(ROLE_SHIFT_LEADER) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_PATROL_READERS (ROLES_BEAT_MANAGERS | ROLE_BIT(ROLE_LEADER))
/* Who drafts and publishes the red and black lists. */
#define ROLES_HONOURS (ROLE_BIT(ROLE_LEADER) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_REPORT_MAKERS \
	(ROLES_HONOURS | ROLE_BIT(ROLE_SHIFT_LEADER))

static const struct web_route routes[] = {
	R("GET", "/healthz", web_health, 0, RS_PUBLIC),
	R("POST", "/api/v1/session", h_session_create, 0, RS_PUBLIC),
	R_PW("GET", "/api/v1/session", h_session_get, ROLES_ALL, RS_SELF),
	R_PW("DELETE", "/api/v1/session", h_session_delete, ROLES_ALL,
	     RS_SELF),
	R("GET", "/api/v1/roles", h_roles_list, ROLES_READERS, RS_REFERENCE),
	R("GET", "/api/v1/divisions/{code}", h_division_get, ROLES_READERS,
	  RS_REFERENCE),
	R("GET", "/api/v1/departments", h_departments_list, ROLES_READERS,
	  RS_REFERENCE),
	R("POST", "/api/v1/departments", h_department_add,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("PATCH", "/api/v1/departments/{code}", h_department_edit,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("GET", "/api/v1/categories", h_categories_tree, ROLES_READERS,
	  RS_REFERENCE),
	R("POST", "/api/v1/categories", h_category_add, ROLE_ADMIN_ONLY,
	  RS_REFERENCE),
	R("PATCH", "/api/v1/categories/{code}", h_category_edit,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("GET", "/api/v1/categories/{code}/standard", h_standard_get,
	  ROLES_READERS, RS_REFERENCE),
	R("PUT", "/api/v1/categories/{code}/standard", h_standard_edit,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("GET", "/api/v1/routing-rules", h_routing_list,
	  ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_DISPATCHER), RS_REFERENCE),
	R("POST", "/api/v1/routing-rules", h_routing_add, ROLE_ADMIN_ONLY,
	  RS_REFERENCE),
	R("DELETE", "/api/v1/routing-rules/{id}", h_routing_delete,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("GET", "/api/v1/workflow", h_workflow, ROLES_READERS, RS_REFERENCE),
	R("GET", "/api/v1/events", h_events, ROLES_STAFF, RS_AREA),
	R_IDEM("POST", "/api/v1/cases", h_cases_create, ROLES_CASE_INTAKE,
	       RS_AREA, 0),
	R("GET", "/api/v1/cases", h_cases_list, ROLES_STAFF, RS_AREA),
	R("GET", "/api/v1/cases/stats", h_cases_stats, ROLES_STAFF, RS_AREA),
	R("GET", "/api/v1/cases/duplicates", h_cases_duplicates,
	  ROLES_CASE_INTAKE, RS_AREA),
	R("GET", "/api/v1/cases/points", h_cases_points, ROLES_STAFF, RS_AREA),
	R("GET", "/api/v1/cases/{id}", h_case_get, ROLES_STAFF, RS_AREA),
	/* Whom a report may be given to for verification (核实派遣): those
	 * who may give it, the workflow table's verify-assign roles. */
	R("GET", "/api/v1/cases/{id}/inspectors", h_case_inspectors,
	  ROLE_BIT(ROLE_RECEPTIONIST) | ROLE_BIT(ROLE_SHIFT_LEADER), RS_AREA),
	R_IDEM("POST", "/api/v1/cases/{id}/actions/{action}", h_case_action,
	       ROLES_CASE_ACTORS, RS_AREA, 0),
	R_IDEM("POST", "/api/v1/cases/{id}/attachments", h_attachment_add,
	       ROLES_CASE_ACTORS | ROLE_BIT(ROLE_API_CLIENT), RS_AREA,
	       ROUTE_RAW_BODY),
	R("GET", "/api/v1/attachments/{id}", h_attachment_get,
	  ROLES_STAFF | ROLE_BIT(ROLE_API_CLIENT), RS_AREA),
	R("GET", "/api/v1/calendar/due", h_calendar_due, ROLES_READERS,
	  RS_REFERENCE),
	R("GET", "/api/v1/calendar/settings", h_calendar_settings_get,
	  ROLES_STAFF, RS_REFERENCE),
	R("PUT", "/api/v1/calendar/settings", h_calendar_settings_put,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R_RAW("POST", "/api/v1/calendar/import", h_calendar_import,
	      ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("PUT", "/api/v1/calendar/days/{date}", h_calendar_day_put,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("POST", "/api/v1/calendar/years/{year}/official",
	  h_calendar_year_official, ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("GET", "/api/v1/locate", h_locate, ROLES_READERS, RS_REFERENCE),
	R("GET", "/api/v1/grids", h_grids_bbox, ROLES_READERS, RS_REFERENCE),
	/* {y} is "<y>.png": the router's placeholders are whole segments. */
	R("GET", "/api/v1/grids/tiles/{z}/{x}/{y}", h_grid_tile, ROLES_READERS,
	  RS_REFERENCE),
	R("GET", "/api/v1/map", h_map_settings, ROLES_READERS, RS_REFERENCE),
	R_RAW("POST", "/api/v1/components/import", h_components_import,
	      ROLE_ADMIN_ONLY, RS_REFERENCE),
	R_RAW("POST", "/api/v1/grids/import", h_grids_import, ROLE_ADMIN_ONLY,
	      RS_REFERENCE),
	R_RAW("POST", "/api/v1/grids/generate", h_grids_generate,
	      ROLE_ADMIN_ONLY, RS_REFERENCE),
	/* The public channel: reports without a login (public/h_public.c;
	 * Open311 has its own door, public/open311.c). */
	{ { "POST", "/public/api/reports" }, h_public_report_create, 0,
	  RS_PUBLIC, ROUTE_FORM_BODY },
	R("GET", "/public/api/reports/{key}", h_public_report_get, 0,
	  RS_PUBLIC),
	{ { "POST", "/public/api/reports/{token}/rating" },
	  h_public_report_rate, 0, RS_PUBLIC, ROUTE_FORM_BODY },
	R("GET", "/public/api/map", h_public_map, 0, RS_PUBLIC),
	R("GET", "/public/api/grids.geojson", h_public_grids, 0, RS_PUBLIC),
	R("GET", "/public/media/{id}", h_public_media, 0, RS_PUBLIC),
	R("GET", "/site/{name}", h_site_file, 0, RS_PUBLIC),
	/* Accounts, tokens and the password policy: the security admin's
	 * (三员分立); one's own password and tokens: everyone's. */
	R("GET", "/api/v1/users", h_users_list, ROLES_USER_READERS, RS_AREA),
	R("POST", "/api/v1/users", h_users_create, ROLE_SECURITY_ONLY,
	  RS_AREA),
	R("PATCH", "/api/v1/users/{id}", h_user_edit, ROLE_SECURITY_ONLY,
	  RS_AREA),
	R_PW("POST", "/api/v1/users/{id}/password", h_user_password,
	     ROLES_ALL, RS_AREA),
	R_PW("GET", "/api/v1/password-policy", h_password_policy_get,
	     ROLES_ALL, RS_REFERENCE),
	R("PUT", "/api/v1/password-policy", h_password_policy_put,
	  ROLE_SECURITY_ONLY, RS_REFERENCE),
	R("GET", "/api/v1/tokens", h_tokens_list, ROLES_ALL, RS_AREA),
	R("POST", "/api/v1/tokens", h_token_create, ROLE_SECURITY_ONLY,
	  RS_AREA),
	R("DELETE", "/api/v1/tokens/{id}", h_token_revoke, ROLES_ALL,
	  RS_AREA),
	/* The audit trail: the auditor's alone. */
	R("GET", "/api/v1/audit", h_audit_list, ROLE_BIT(ROLE_AUDITOR),
	  RS_REFERENCE),
	/* Patrol (定人定岗定责, docs/patrol.md): beats managed by shift
	 * leaders and admins, read by leaders; an inspector's own shifts,
	 * track, beats and day (domain/patrol decides on each object). */
	R("GET", "/api/v1/patrol/beats", h_patrol_beats,
	  ROLES_PATROL_READERS | ROLE_BIT(ROLE_INSPECTOR), RS_AREA),
	R("POST", "/api/v1/patrol/beats", h_patrol_beats_assign,
	  ROLES_BEAT_MANAGERS, RS_AREA),
	R("DELETE", "/api/v1/patrol/beats/{grid}", h_patrol_beat_end,
	  ROLES_BEAT_MANAGERS, RS_AREA),
	R("POST", "/api/v1/patrol/shifts", h_patrol_shift_start,
	  ROLE_BIT(ROLE_INSPECTOR), RS_AREA),
	R("POST", "/api/v1/patrol/shifts/{id}/end", h_patrol_shift_end,
	  ROLE_BIT(ROLE_INSPECTOR), RS_AREA),
	R_IDEM("POST", "/api/v1/patrol/track", h_patrol_track,
	       ROLE_BIT(ROLE_INSPECTOR), RS_AREA, 0),
	R("GET", "/api/v1/patrol/me", h_patrol_me, ROLE_BIT(ROLE_INSPECTOR),
	  RS_AREA),
	R("GET", "/api/v1/patrol/coverage", h_patrol_coverage,
	  ROLES_PATROL_READERS, RS_AREA),
	R("GET", "/api/v1/patrol/tracks", h_patrol_tracks,
	  ROLES_PATROL_READERS, RS_AREA),
	/* Assessment (综合评价): the scheme is read by the staff, changed by
	 * the admin; a ranking shows each caller the rows of its area or
	 * its department (domain/assess/rank.h).  The scheme's path first:
	 * it is not a {kind}. */
	R("GET", "/api/v1/assessment/scheme", h_assess_scheme_get,
	  ROLES_STAFF, RS_REFERENCE),
	R("PUT", "/api/v1/assessment/scheme", h_assess_scheme_put,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	/* The day's counters hour by hour (the command-centre screen):
	 * scoped as the rankings.  Not a {kind} either. */
	R("GET", "/api/v1/assessment/hours", h_assess_hours, ROLES_STAFF,
	  RS_AREA),
	R("GET", "/api/v1/assessment/{kind}", h_assess_ranking, ROLES_STAFF,
	  RS_AREA),
	/* Hot spots and rebounds (热点, 反弹): the grids of the caller's
	 * area (domain/assess/hotspot.h). */
	R("GET", "/api/v1/hotspots", h_hotspots, ROLES_STAFF, RS_AREA),
	R("GET", "/api/v1/rebounds", h_rebounds, ROLES_STAFF, RS_AREA),
	/* The red and black lists (红黑榜): drafted and published by the
	 * leaders of an area and the admin, read by the staff (lists of
	 * posts within their area) and, for lists of units, by the public
	 * (domain/assess/honours.h). */
	R("GET", "/api/v1/honours/draft", h_honours_draft, ROLES_HONOURS,
	  RS_AREA),
	R("POST", "/api/v1/honours", h_honours_publish, ROLES_HONOURS,
	  RS_AREA),
	R("GET", "/api/v1/honours", h_honours_list, ROLES_STAFF, RS_AREA),
	R("GET", "/public/api/honours", h_public_honours, 0, RS_PUBLIC),
	/* The 四个一 reports: made by the leaders, shift leaders and the
	 * admin, read by the staff who see the report's area, commented and
	 * published by a leader (domain/report/report.h). */
	R("POST", "/api/v1/reports", h_report_create, ROLES_REPORT_MAKERS,
	  RS_AREA),
	/* Their settings (office, number prefix, schedule): read by the
	 * staff, changed by the admin.  Before {id}: not an id. */
	R("GET", "/api/v1/reports/settings", h_report_settings_get,
	  ROLES_STAFF, RS_REFERENCE),
	R("PUT", "/api/v1/reports/settings", h_report_settings_put,
	  ROLE_ADMIN_ONLY, RS_REFERENCE),
	R("GET", "/api/v1/reports", h_report_list, ROLES_STAFF, RS_AREA),
	R("GET", "/api/v1/reports/{id}", h_report_get, ROLES_STAFF, RS_AREA),
	R("GET", "/api/v1/reports/{id}/file", h_report_file, ROLES_STAFF,
	  RS_AREA),
	R("PATCH", "/api/v1/reports/{id}", h_report_edit, ROLES_HONOURS,
	  RS_AREA),
};

static void api_error(struct web_ctx *c, int status, const char *code,
		      const char *message, const char *field)
{
	reply_json_error(c->resp, status, code, message, field);
}

const struct web_door api_door = {
	.name = "api",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.json_bodies = 1,
	.error = api_error,
};
