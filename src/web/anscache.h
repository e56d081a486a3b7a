/*
 * anscache.h - rendered public answers kept for the next asker.
 *
 * Citizens' apps poll the same public reads (a report's state, the list
 * of a district's requests) far more often than anything changes, and
 * each answer costs several queries and a rendering - a 1,000-request
 * list with extensions about 70 ms of CPU.  A door that may serve the
 * same bytes to every asker keeps them here under a key (what was
 * asked: path, arguments, format, base URL) and the version of the data
 * they were made from (counters the door reads from the store, e.g. the
 * latest history line, audited change and photo); an answer is
 * served again only while that version holds and for at most max_age_ms
 * (answers that also depend on the clock: a 90-day window).  Only 200
 * answers are kept.
 *
 * Bounded: `slots` entries, direct-mapped by the key's hash (a colliding
 * key replaces the older), and at most max_bytes of bodies in all (an
 * answer that would pass it is not kept).  Thread-safe (one mutex; the
 * copy in or out is the only work under it).
 */
#ifndef UG_WEB_ANSCACHE_H
#define UG_WEB_ANSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct anscache;

#define ANSCACHE_TAG_MAX 80 /* an entity tag, with its NUL */

/* The data an answer was made from, as the door reads it. */
struct anscache_version {
	int64_t a, b, c;
};

/* NULL when out of memory. */
struct anscache *anscache_new(size_t slots, size_t max_bytes,
			      int64_t max_age_ms);
void anscache_free(struct anscache *c); /* NULL accepted */

/* 1 when key holds an answer made from version v at most max_age_ms
 * before now_ms: its status, content type and body are copied into resp
 * (the body replacing resp's) and *tag gets its entity tag (a string of
 * the key's hash and the version, for ETag); 0 otherwise (resp
 * untouched), or when out of memory. */
int anscache_get(struct anscache *c, const char *key,
		 const struct anscache_version *v, int64_t now_ms,
		 struct http_response *resp, char tag[ANSCACHE_TAG_MAX]);

/* Keep resp (a 200) under key as made from version v at now_ms, and its
 * entity tag into *tag (also when it is not kept). */
void anscache_put(struct anscache *c, const char *key,
		  const struct anscache_version *v, int64_t now_ms,
		  const struct http_response *resp, char tag[ANSCACHE_TAG_MAX]);

#endif
