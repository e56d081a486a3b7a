/*
 * handlers.h - the request handlers named in api/routes.c.
 */
#ifndef UG_HANDLERS_H
#define UG_HANDLERS_H

#include "api/app.h"

/* api/h_session.c */
void h_health(struct api_ctx *c);
void h_session_create(struct api_ctx *c);
void h_session_get(struct api_ctx *c);
void h_session_delete(struct api_ctx *c);

/* api/h_org.c */
void h_roles_list(struct api_ctx *c);
void h_division_get(struct api_ctx *c);
void h_departments_list(struct api_ctx *c);

/* api/h_categories.c */
void h_categories_tree(struct api_ctx *c);
void h_standard_get(struct api_ctx *c);
void h_standard_edit(struct api_ctx *c);
void h_category_add(struct api_ctx *c);
void h_category_edit(struct api_ctx *c);

/* api/h_routing.c */
void h_routing_list(struct api_ctx *c);
void h_routing_add(struct api_ctx *c);
void h_routing_delete(struct api_ctx *c);
struct case_standard;
struct standard_limits;
json_t *json_standard(const struct case_standard *s,
		      const struct standard_limits *lim);

/* api/h_cases.c */
void h_cases_create(struct api_ctx *c);
void h_cases_list(struct api_ctx *c);
void h_case_get(struct api_ctx *c);
void h_case_action(struct api_ctx *c);
void h_calendar_due(struct api_ctx *c);
void h_attachment_add(struct api_ctx *c);
void h_attachment_get(struct api_ctx *c);
json_t *json_case(const struct api_ctx *c, const struct case_row *r);

/* api/h_calendar.c */
void h_calendar_settings_get(struct api_ctx *c);
void h_calendar_settings_put(struct api_ctx *c);

/* api/h_spatial.c */
void h_locate(struct api_ctx *c);
void h_grids_bbox(struct api_ctx *c);

/* api/h_users.c */
void h_users_list(struct api_ctx *c);
void h_users_create(struct api_ctx *c);

/* h_public.c: the public pages' JSON API and public photos */
void h_public_report_create(struct api_ctx *c);
void h_public_report_get(struct api_ctx *c);
void h_public_report_rate(struct api_ctx *c);
void h_public_map(struct api_ctx *c);
void h_public_grids(struct api_ctx *c);
void h_public_media(struct api_ctx *c);
void h_site_file(struct api_ctx *c);

/* ui/pages.c: the public pages (report, follow), their files under
 * /public/assets/, and "/" → /public/ */
void h_page_report(struct api_ctx *c);
void h_page_follow(struct api_ctx *c);
void h_page_asset(struct api_ctx *c);
void h_redirect_home(struct api_ctx *c);

#endif
