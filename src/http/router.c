/*
 * router.c - segment-by-segment path matching (see router.h).
 *
 * A linear scan: the table has tens of routes and a comparison stops at
 * the first differing byte, so this costs well under a microsecond.
 */
#include "http/router.h"

#include <string.h>

#define REST_MARK "..."
#define REST_MARK_LEN (sizeof REST_MARK - 1)

/* Where a {name...} placeholder's value ends: the end of the path, if the
 * rest is one or more non-empty segments ("a", "a/b"); else NULL. */
static const char *rest_end(const char *path)
{
	const char *p = path;

	if (*p == '/' || *p == '\0')
		return NULL;
	for (; *p; p++)
		if (*p == '/' && (p[1] == '/' || p[1] == '\0'))
			return NULL;
	return p;
}

/* Match one pattern against a path; fill params on success. */
static int pattern_match(const char *pat, const char *path,
			 struct route_match *m)
{
	m->nparams = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			const char *seg_end = strchr(path, '/');
			struct route_param *p;
			size_t name_len;
			int rest;

			if (!close || m->nparams == ROUTE_PARAMS_MAX)
				return 0;
			name_len = (size_t)(close - pat - 1);
			/* {name...} ends a pattern and takes the rest of the
			 * path, slashes and all (embedded files in folders). */
			rest = close[1] == '\0' && name_len > REST_MARK_LEN &&
			       memcmp(close - REST_MARK_LEN, REST_MARK,
				      REST_MARK_LEN) == 0;
			if (rest) {
				seg_end = rest_end(path);
				name_len -= REST_MARK_LEN;
			} else if (!seg_end) {
				seg_end = path + strlen(path);
			}
			if (!seg_end || seg_end == path)
				return 0;
			p = &m->params[m->nparams++];
			p->name = pat + 1;
			p->name_len = name_len;
			p->value = path;
			p->value_len = (size_t)(seg_end - path);
			pat = close + 1;
			path = seg_end;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

int router_match(const void *routes, size_t n, size_t stride,
		 const char *method, const char *path, struct route_match *m,
		 struct buf *allow)
{
	int path_seen = 0;
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;

	if (allow)
		buf_reset(allow);
	for (size_t i = 0; i < n; i++) {
		const struct route_pattern *r =
			(const void *)((const char *)routes + i * stride);

		if (!pattern_match(r->pattern, path, m))
			continue;
		if (strcmp(r->method, want) == 0) {
			m->index = i;
			return ROUTE_FOUND;
		}
		path_seen = 1;
		if (allow && !strstr(buf_str(allow), r->method)) {
			if (allow->len)
				buf_puts(allow, ", ");
			buf_puts(allow, r->method);
		}
	}
	if (path_seen && allow && strstr(buf_str(allow), "GET") &&
	    !strstr(buf_str(allow), "HEAD"))
		buf_puts(allow, ", HEAD");
	return path_seen ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
