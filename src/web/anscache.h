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
 * answers are kept.  When the version moved on, the first asker makes
 * the new answer, and askers of the same key meanwhile - for at most
 * ANSCACHE_MAKE_MS - get the one kept, made from the version before:
 * what they would have had asking a few milliseconds earlier, rather
 * than every asker making the same answer at once after each change.
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
/* How long the answer of a version before is given while the first
 * asker of a new version makes it (a 1,000-request list: 30-70 ms). */
#define ANSCACHE_MAKE_MS 500

/* The data an answer was made from, as the door reads it. */
struct anscache_version {
	int64_t a, b, c;
};

/* NULL when out of memory. */
struct anscache *anscache_new(size_t slots, size_t max_bytes,
			      int64_t max_age_ms);
void anscache_free(struct anscache *c); /* NULL accepted */

/* 1 when key holds an answer made from version v at most max_age_ms
 * before now_ms - or one made from another version, while the asker
 * of v that got 0 (it makes the answer: its anscache_put ends that)
 * has been at it for less than ANSCACHE_MAKE_MS: its status, content
 * type and body are copied into resp (the body replacing resp's) and
 * *tag gets its entity tag (a string of the key's hash and the version
 * it was made from, for ETag); 0 otherwise (resp untouched), or when
 * out of memory. */
int anscache_get(struct anscache *c, const char *key,
		 const struct anscache_version *v, int64_t now_ms,
		 struct http_response *resp, char tag[ANSCACHE_TAG_MAX]);

/* Keep resp (a 200) under key as made from version v at now_ms, and its
 * entity tag into *tag (also when it is not kept).  Called by the asker
 * that got 0 whatever its answer: one not kept ends its making too. */
void anscache_put(struct anscache *c, const char *key,
		  const struct anscache_version *v, int64_t now_ms,
		  const struct http_response *resp, char tag[ANSCACHE_TAG_MAX]);

/* Answers given from a version before while a newer was made. */
uint64_t anscache_stale_served(struct anscache *c);

#endif
