/*
 * anscache.c - rendered public answers kept for the next asker (see
 * anscache.h).
 */
#include "web/anscache.h"
#include "lib/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char *key;        /* NULL: empty slot */
	uint64_t hash;
	struct anscache_version v;
	int64_t made_ms;
	int status;
	const char *content_type; /* static string (http.h) */
	char *body;
	size_t len;
	char tag[ANSCACHE_TAG_MAX]; /* tag_of(hash, v), made once */
	/* An asker is making the key's answer of version making_v since
	 * making_ms (0: nobody) - see anscache_get. */
	struct anscache_version making_v;
	int64_t making_ms;
};

struct anscache {
	pthread_mutex_t lock;
	struct entry *slots;
	size_t nslots;
	uint64_t stale_served; /* answers given while a newer was made */
	size_t bytes, max_bytes;
	int64_t max_age_ms;
};

static void tag_of(uint64_t hash, const struct anscache_version *v,
		   char tag[ANSCACHE_TAG_MAX])
{
	snprintf(tag, ANSCACHE_TAG_MAX, "a%llx.%llx.%llx.%llx", (unsigned long long)hash,
		 (unsigned long long)v->a, (unsigned long long)v->b,
		 (unsigned long long)v->c);
}

struct anscache *anscache_new(size_t slots, size_t max_bytes,
			      int64_t max_age_ms)
{
	struct anscache *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->slots = calloc(slots ? slots : 1, sizeof *c->slots);
	if (!c->slots) {
		free(c);
		return NULL;
	}
	c->nslots = slots ? slots : 1;
	c->max_bytes = max_bytes;
	c->max_age_ms = max_age_ms;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void entry_clear(struct anscache *c, struct entry *e)
{
	c->bytes -= e->len;
	free(e->key);
	free(e->body);
	memset(e, 0, sizeof *e);
}

static int same_version(const struct anscache_version *x,
			const struct anscache_version *y)
{
	return x->a == y->a && x->b == y->b && x->c == y->c;
}

void anscache_free(struct anscache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nslots; i++)
		entry_clear(c, &c->slots[i]);
	pthread_mutex_destroy(&c->lock);
	free(c->slots);
	free(c);
}

int anscache_get(struct anscache *c, const char *key,
		 const struct anscache_version *v, int64_t now_ms,
		 struct http_response *resp, char tag[ANSCACHE_TAG_MAX])
{
	uint64_t h = ug_hash_str(key);
	struct entry *e = &c->slots[h % c->nslots];
	int hit;

	pthread_mutex_lock(&c->lock);
	hit = e->key && e->hash == h && strcmp(e->key, key) == 0 &&
	      now_ms - e->made_ms <= c->max_age_ms && now_ms >= e->made_ms;
	if (hit && !same_version(&e->v, v)) {
		/* The data changed since this answer was made.  The first
		 * asker makes the new one; while it does (for at most
		 * ANSCACHE_MAKE_MS), the others get the answer kept - a
		 * list polled by many while reports arrive is otherwise
		 * made by every asker at once after each report, and the
		 * answer they get is the one they would have had asking a
		 * few milliseconds earlier.  Nobody waits for anybody. */
		if (e->making_ms && same_version(&e->making_v, v) &&
		    now_ms - e->making_ms < ANSCACHE_MAKE_MS &&
		    now_ms >= e->making_ms) {
			c->stale_served++;
		} else {
			e->making_v = *v;
			e->making_ms = now_ms ? now_ms : 1;
			hit = 0;
		}
	}
	if (hit) {
		buf_reset(&resp->body);
		if (buf_append(&resp->body, e->body, e->len)) {
			hit = 0;
		} else {
			resp->status = e->status;
			resp->content_type = e->content_type;
			memcpy(tag, e->tag, sizeof e->tag);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

/* The making of key's answer of version v is over without it being
 * kept (not a 200, too large, out of memory): the next asker makes its
 * own instead of being given the older one. */
static void making_over(struct anscache *c, struct entry *e, uint64_t h,
			const struct anscache_version *v)
{
	pthread_mutex_lock(&c->lock);
	if (e->key && e->hash == h && same_version(&e->making_v, v))
		e->making_ms = 0;
	pthread_mutex_unlock(&c->lock);
}

void anscache_put(struct anscache *c, const char *key,
		  const struct anscache_version *v, int64_t now_ms,
		  const struct http_response *resp, char tag[ANSCACHE_TAG_MAX])
{
	uint64_t h = ug_hash_str(key);
	struct entry *e = &c->slots[h % c->nslots];
	char *k, *body;

	tag_of(h, v, tag);
	if (resp->status != 200 || resp->body.len > c->max_bytes) {
		making_over(c, e, h, v);
		return;
	}
	k = strdup(key);
	body = malloc(resp->body.len ? resp->body.len : 1);
	if (!k || !body) {
		free(k);
		free(body);
		making_over(c, e, h, v);
		return;
	}
	memcpy(body, resp->body.data ? resp->body.data : "", resp->body.len);
	pthread_mutex_lock(&c->lock);
	entry_clear(c, e);
	if (c->bytes + resp->body.len > c->max_bytes) {
		pthread_mutex_unlock(&c->lock);
		free(k);
		free(body);
		return;
	}
	e->key = k;
	e->hash = h;
	e->v = *v;
	e->made_ms = now_ms;
	e->status = resp->status;
	e->content_type = resp->content_type;
	e->body = body;
	e->len = resp->body.len;
	memcpy(e->tag, tag, sizeof e->tag);
	c->bytes += e->len;
	pthread_mutex_unlock(&c->lock);
}

uint64_t anscache_stale_served(struct anscache *c)
{
	uint64_t n;

	pthread_mutex_lock(&c->lock);
	n = c->stale_served;
	pthread_mutex_unlock(&c->lock);
	return n;
}
