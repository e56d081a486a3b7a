/*
 * fuzz_router.c - libFuzzer target for router_match() over the real route
 * tables: every door's of `serve` (cli/cmd_serve.c serve_doors).
 *
 * Input: METHOD, a newline or NUL, then the path (an input without either
 * is a GET of the whole input).  Every answer is checked against a second,
 * deliberately naive matcher written here (split both strings on '/',
 * compare segment by segment), so the router is tested for being right,
 * not only for not crashing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/doors.h"
#include "web/web.h"
#include "http/router.h"
#include "lib/buf.h"

#include "check.h"

/* The door whose table is being checked (one input runs through each). */
static const struct web_route *api_routes;
static size_t api_route_count;

/* Copy n bytes into an exactly sized heap string, so that ASan sees a
 * read past the end of what the router was given. */
static char *dup_exact(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Length of the segment starting at s (up to '/' or the end). */
static size_t segment_len(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash ? (size_t)(slash - s) : strlen(s);
}

/* 1 if the pattern segment of pn bytes is a rest placeholder: "{x...}"
 * with a non-empty name, at the end of the pattern. */
static int is_rest(const char *seg, size_t pn)
{
	return pn >= 6 && seg[0] == '{' && seg[pn - 1] == '}' &&
	       seg[pn] == '\0' && memcmp(seg + pn - 4, "...", 3) == 0;
}

/* The reference matcher: 1 if path matches pattern.  A placeholder is a
 * whole "{name}" segment and matches any non-empty segment; a last
 * "{name...}" matches what is left if all of its segments are non-empty. */
static int reference_match(const char *pattern, const char *path)
{
	for (;;) {
		size_t pn = segment_len(pattern), sn = segment_len(path);

		if (is_rest(pattern, pn)) {
			do {
				sn = segment_len(path);
				if (sn == 0)
					return 0;
				path += sn;
			} while (*path++ == '/');
			return 1;
		}
		if (pn >= 2 && pattern[0] == '{' && pattern[pn - 1] == '}') {
			if (sn == 0)
				return 0;
		} else if (pn != sn || memcmp(pattern, path, pn) != 0) {
			return 0;
		}
		pattern += pn;
		path += sn;
		if (!*pattern || !*path)
			return !*pattern && !*path;
		pattern++; /* both are at a '/' */
		path++;
	}
}

static int method_wanted(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* 1 if `token` (n bytes) is one of the methods of routes matching path. */
static int allowed_by_table(const char *token, size_t n, const char *path)
{
	int get_seen = 0;

	for (size_t i = 0; i < api_route_count; i++) {
		const struct route_pattern *r = &api_routes[i].p;

		if (!reference_match(r->pattern, path))
			continue;
		if (strlen(r->method) == n && memcmp(r->method, token, n) == 0)
			return 1;
		get_seen |= strcmp(r->method, "GET") == 0;
	}
	return get_seen && n == 4 && memcmp(token, "HEAD", 4) == 0;
}

static void check_found(const char *method, const char *path,
			const struct route_match *m)
{
	const char *pattern, *p, *q;
	size_t plen = strlen(path);

	CHECK(m->index < api_route_count);
	CHECK(method_wanted(api_routes[m->index].p.method, method));
	CHECK(m->nparams >= 0 && m->nparams <= ROUTE_PARAMS_MAX);
	/* The first route in table order that fits wins. */
	CHECK(reference_match(api_routes[m->index].p.pattern, path));
	for (size_t i = 0; i < m->index; i++)
		CHECK(!method_wanted(api_routes[i].p.method, method) ||
		      !reference_match(api_routes[i].p.pattern, path));
	for (int i = 0; i < m->nparams; i++) {
		const struct route_param *prm = &m->params[i];

		CHECK(prm->value >= path && prm->value_len > 0 &&
		      prm->value_len <= plen &&
		      prm->value + prm->value_len <= path + plen);
		CHECK(prm->name_len > 0);
	}
	/* Substituting the values into the pattern gives back the path. */
	pattern = api_routes[m->index].p.pattern;
	q = path;
	for (int i = 0; *pattern; ) {
		if (*pattern == '{') {
			const struct route_param *prm = &m->params[i++];

			CHECK(i <= m->nparams);
			CHECK(prm->name == pattern + 1);
			CHECK(prm->value == q);
			p = strchr(pattern, '}');
			CHECK(p);
			/* Only a rest placeholder's value holds slashes, and its
			 * name leaves out the "...". */
			if (is_rest(pattern, (size_t)(p - pattern + 1))) {
				CHECK((size_t)(p - pattern - 4) == prm->name_len);
			} else {
				CHECK((size_t)(p - pattern - 1) == prm->name_len);
				CHECK(!memchr(prm->value, '/', prm->value_len));
			}
			q += prm->value_len;
			pattern = p + 1;
			continue;
		}
		CHECK(*q == *pattern);
		q++;
		pattern++;
	}
	CHECK(*q == '\0');
}

static void check_no_method(const char *method, const char *path,
			    const struct buf *allow)
{
	const char *s = buf_str(allow);

	CHECK(allow->len > 0);
	/* "A, B, C": every entry is a method this path has; the method asked
	 * for is not among them (it would have been found). */
	while (*s) {
		const char *comma = strstr(s, ", ");
		size_t n = comma ? (size_t)(comma - s) : strlen(s);

		CHECK(n > 0);
		CHECK(allowed_by_table(s, n, path));
		CHECK(!(strlen(method) == n && memcmp(method, s, n) == 0));
		s += n + (comma ? 2 : 0);
	}
	for (size_t i = 0; i < api_route_count; i++)
		CHECK(!method_wanted(api_routes[i].p.method, method) ||
		      !reference_match(api_routes[i].p.pattern, path));
}

static void check_no_path(const char *path, const struct buf *allow)
{
	CHECK(allow->len == 0);
	for (size_t i = 0; i < api_route_count; i++)
		CHECK(!reference_match(api_routes[i].p.pattern, path));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf allow = BUF_INIT;
	struct route_match m;
	char *method, *path;
	size_t cut;
	int rc;

	for (cut = 0; cut < size; cut++)
		if (data[cut] == '\n' || data[cut] == '\0')
			break;
	if (cut == size) {
		method = dup_exact((const uint8_t *)"GET", 3);
		path = dup_exact(data, size);
	} else {
		method = dup_exact(data, cut);
		path = dup_exact(data + cut + 1, size - cut - 1);
	}
	for (const struct web_door *const *d = serve_doors; *d; d++) {
		api_routes = (*d)->routes;
		api_route_count = (*d)->nroutes;
		buf_reset(&allow);
		/* the router must not rely on zeroes */
		memset(&m, 0xA5, sizeof m);
		rc = router_match(api_routes, api_route_count,
				  sizeof api_routes[0], method, path, &m,
				  &allow);
		switch (rc) {
		case ROUTE_FOUND:
			check_found(method, path, &m);
			break;
		case ROUTE_NO_METHOD:
			check_no_method(method, path, &allow);
			break;
		case ROUTE_NO_PATH:
			check_no_path(path, &allow);
			break;
		default:
			CHECK(!"router_match returned an unknown value");
		}
		/* Without an Allow buffer the answer is the same. */
		CHECK(router_match(api_routes, api_route_count,
				   sizeof api_routes[0], method, path, &m,
				   NULL) == rc);
	}
	buf_free(&allow);
	free(method);
	free(path);
	return 0;
}
