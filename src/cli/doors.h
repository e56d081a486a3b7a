/*
 * doors.h - the doors of `serve`, in the order they are asked whether a
 * path is theirs (web/web.h): Open311, the public pages, and the API last,
 * which takes the rest.  A header so that the request fuzzers serve
 * through exactly the same list as the server.
 */
#ifndef UG_CLI_DOORS_H
#define UG_CLI_DOORS_H

#include "api/routes.h"
#include "public/open311.h"
#include "ui/pages.h"
#include "web/metrics.h"

static const struct web_door *const serve_doors[] = {
	&open311_door, &pages_door, &api_door, NULL
};

/* `serve --metrics-listen`: the operator's listener has this door alone
 * (GET /metrics); the doors above never serve it. */
static const struct web_door *const metrics_doors[] = { &metrics_door, NULL };

#endif
