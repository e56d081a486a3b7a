/*
 * handlers.h - the public pages' JSON API and public photos
 * (public/h_public.c), served through the API's door (api/routes.c).
 */
#ifndef UG_PUBLIC_HANDLERS_H
#define UG_PUBLIC_HANDLERS_H

#include "web/web.h"

void h_public_report_create(struct web_ctx *c);
void h_public_report_get(struct web_ctx *c);
void h_public_report_rate(struct web_ctx *c);
void h_public_map(struct web_ctx *c);
void h_public_grids(struct web_ctx *c);
void h_public_media(struct web_ctx *c);
void h_site_file(struct web_ctx *c);
/* public/h_honours.c */
void h_public_honours(struct web_ctx *c);

#endif
