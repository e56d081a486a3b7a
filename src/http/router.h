/*
 * router.h - matching a method and path against a route table.
 *
 * Patterns are literal segments and {name} placeholders:
 * "/api/v1/divisions/{code}".  A placeholder matches one non-empty
 * segment.  A last placeholder written {name...} matches the rest of the
 * path, one or more non-empty segments with the slashes between them
 * ("/public/assets/{file...}" takes "leaflet/images/marker-icon.png");
 * its parameter is called name.  The table itself (with its handlers and the roles allowed)
 * lives in api/routes.c; this module only matches, so it can be tested and
 * fuzzed alone.
 */
#ifndef UG_ROUTER_H
#define UG_ROUTER_H

#include <stddef.h>

#include "lib/buf.h"

#define ROUTE_PARAMS_MAX 4

struct route_pattern {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern;
};

struct route_param {
	const char *name;  /* points into the pattern */
	size_t name_len;
	const char *value; /* points into the path */
	size_t value_len;
};

struct route_match {
	size_t index; /* of the matching route */
	int nparams;
	struct route_param params[ROUTE_PARAMS_MAX];
};

enum { ROUTE_FOUND = 0, ROUTE_NO_PATH = 1, ROUTE_NO_METHOD = 2 };

/* Find the route for method and path among `n` routes, each `stride` bytes
 * apart starting at `routes` (so the caller's route structs can begin with
 * a struct route_pattern).  ROUTE_FOUND fills m; ROUTE_NO_METHOD means the
 * path exists under other methods, which are listed in allow as
 * "GET, POST" (allow may be NULL); ROUTE_NO_PATH otherwise.  HEAD matches
 * GET routes. */
int router_match(const void *routes, size_t n, size_t stride,
		 const char *method, const char *path, struct route_match *m,
		 struct buf *allow);

#endif
