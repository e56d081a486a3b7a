/*
 * handlers.h - the staff API's request handlers named in api/routes.c.
 */
#ifndef UG_HANDLERS_H
#define UG_HANDLERS_H

#include "lib/fields.h"
#include "web/web.h"

/* The bodies of some requests as the field specs their handlers decode
 * with (lib/fields.h), named here so that fuzz/fuzz_fields.c decodes
 * garbage with the specs themselves, never copies that drift.  Between
 * them: every field type, required and optional members, strings with
 * and without a minimum, the widest integer range, an array. */
extern const struct field_spec session_create_body[2];   /* h_session.c */
extern const struct field_spec user_create_body[6];      /* h_users.c */
extern const struct field_spec case_create_body[11];     /* h_cases.c */
extern const struct field_spec case_action_body[9];      /* h_cases.c */
extern const struct field_spec standard_edit_body[4];    /* h_categories.c */
extern const struct field_spec calendar_settings_body[9]; /* h_calendar.c */
extern const struct field_spec department_body[7];       /* h_org.c */
extern const struct field_spec patrol_track_body[2];     /* h_patrol.c */

/* api/h_session.c */
void h_session_create(struct web_ctx *c);
void h_session_get(struct web_ctx *c);
void h_session_delete(struct web_ctx *c);

/* api/h_org.c */
void h_roles_list(struct web_ctx *c);
void h_division_get(struct web_ctx *c);
void h_departments_list(struct web_ctx *c);
void h_department_add(struct web_ctx *c);
void h_department_edit(struct web_ctx *c);

/* api/h_categories.c */
void h_categories_tree(struct web_ctx *c);
void h_standard_get(struct web_ctx *c);
void h_standard_edit(struct web_ctx *c);
void h_category_add(struct web_ctx *c);
void h_category_edit(struct web_ctx *c);

/* api/h_routing.c */
void h_routing_list(struct web_ctx *c);
void h_routing_add(struct web_ctx *c);
void h_routing_delete(struct web_ctx *c);
struct case_standard;
struct standard_limits;
json_t *json_standard(const struct case_standard *s,
		      const struct standard_limits *lim);

/* api/h_cases.c */
void h_cases_create(struct web_ctx *c);
void h_cases_list(struct web_ctx *c);
void h_case_get(struct web_ctx *c);
void h_case_action(struct web_ctx *c);
void h_calendar_due(struct web_ctx *c);
void h_attachment_add(struct web_ctx *c);
void h_attachment_get(struct web_ctx *c);
json_t *json_case(const struct web_ctx *c, const struct case_row *r);
void h_workflow(struct web_ctx *c);
void h_cases_stats(struct web_ctx *c);
void h_cases_points(struct web_ctx *c);
void h_case_inspectors(struct web_ctx *c);
void h_cases_duplicates(struct web_ctx *c);
void h_calendar_import(struct web_ctx *c);
void h_grids_import(struct web_ctx *c);
void h_grids_generate(struct web_ctx *c);
void h_map_settings(struct web_ctx *c);
void h_components_import(struct web_ctx *c);
void h_calendar_day_put(struct web_ctx *c);
void h_calendar_year_official(struct web_ctx *c);
void h_events(struct web_ctx *c);

/* api/h_calendar.c */
void h_calendar_settings_get(struct web_ctx *c);
void h_calendar_settings_put(struct web_ctx *c);

/* api/h_spatial.c */
void h_locate(struct web_ctx *c);
void h_grids_bbox(struct web_ctx *c);
void h_grid_tile(struct web_ctx *c);

/* api/h_users.c */
void h_users_list(struct web_ctx *c);
void h_users_create(struct web_ctx *c);
void h_user_edit(struct web_ctx *c);
void h_user_password(struct web_ctx *c);
void h_password_policy_get(struct web_ctx *c);
void h_password_policy_put(struct web_ctx *c);
void h_tokens_list(struct web_ctx *c);
void h_token_create(struct web_ctx *c);
void h_token_revoke(struct web_ctx *c);
void h_audit_list(struct web_ctx *c);

/* An instant as local ISO 8601 with the city's offset
 * (2026-11-23T17:30:00+08:00), null for 0 (api/h_cases.c). */
json_t *json_local(const struct web_ctx *c, int64_t t);

/* api/h_patrol.c */
void h_patrol_beats(struct web_ctx *c);
void h_patrol_beats_assign(struct web_ctx *c);
void h_patrol_beat_end(struct web_ctx *c);
void h_patrol_shift_start(struct web_ctx *c);
void h_patrol_shift_end(struct web_ctx *c);
void h_patrol_track(struct web_ctx *c);
void h_patrol_me(struct web_ctx *c);
void h_patrol_coverage(struct web_ctx *c);
void h_patrol_tracks(struct web_ctx *c);

/* api/h_assess.c */
void h_assess_scheme_get(struct web_ctx *c);
void h_assess_scheme_put(struct web_ctx *c);
void h_assess_ranking(struct web_ctx *c);
void h_assess_hours(struct web_ctx *c);
/* h_hotspot.c */
void h_hotspots(struct web_ctx *c);
void h_rebounds(struct web_ctx *c);

/* api/h_honours.c */
void h_honours_draft(struct web_ctx *c);
void h_honours_publish(struct web_ctx *c);
void h_honours_list(struct web_ctx *c);

/* api/h_reports.c */
void h_report_create(struct web_ctx *c);
void h_report_list(struct web_ctx *c);
void h_report_get(struct web_ctx *c);
void h_report_file(struct web_ctx *c);
void h_report_edit(struct web_ctx *c);
void h_report_settings_get(struct web_ctx *c);
void h_report_settings_put(struct web_ctx *c);

#endif
