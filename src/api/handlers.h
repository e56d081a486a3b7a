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

/* api/h_users.c */
void h_users_list(struct api_ctx *c);
void h_users_create(struct api_ctx *c);

#endif
