/*
 * routes.h - the JSON API's door (api/routes.c): /api/v1/, /healthz, the
 * public pages' JSON API and the city's own files; JSON errors.  It takes
 * every path the other doors do not claim, so it comes last in the list
 * given to the server.
 */
#ifndef UG_API_ROUTES_H
#define UG_API_ROUTES_H

#include "web/web.h"

extern const struct web_door api_door;

#endif
