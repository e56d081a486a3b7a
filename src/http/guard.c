/*
 * guard.c - per-peer connection limits and request deadlines (see
 * guard.h).
 *
 * The open connections form a list under one mutex (taken when a
 * connection opens or closes, and by the reaper), each with its deadline,
 * an atomic the worker threads move along without the lock - three
 * stores a request, no contention on the request path; the peers with connections open form a small array beside it
 * (at most as many as the server's connection limit, 1,000: a linear scan
 * at accept costs a microsecond, and accepts are rare next to requests on
 * kept-alive connections).
 */
#include "http/guard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PEER_ADDR_MAX 64
#define NO_DEADLINE INT64_MAX

struct guard_conn {
	struct guard_conn *prev, *next;
	char peer[PEER_ADDR_MAX];
	int fd;
	int counted;        /* against its peer (not a trusted proxy) */
	_Atomic int64_t deadline; /* monotonic ms; NO_DEADLINE while
				     answering */
	int reaped;         /* shut down once already (under the lock) */
};

struct peer {
	char addr[PEER_ADDR_MAX];
	int count;
};

struct guard {
	struct guard_config cfg;
	pthread_mutex_t lock;
	struct guard_conn *conns;
	struct peer *peers;
	size_t npeers, cap;
};

struct guard *guard_new(const struct guard_config *cfg)
{
	struct guard *g = calloc(1, sizeof *g);

	if (!g)
		return NULL;
	g->cfg = *cfg;
	pthread_mutex_init(&g->lock, NULL);
	return g;
}

void guard_free(struct guard *g)
{
	if (!g)
		return;
	while (g->conns) {
		struct guard_conn *c = g->conns;

		g->conns = c->next;
		free(c);
	}
	free(g->peers);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static int trusted(const struct guard *g, const char *peer)
{
	return g->cfg.trusted && g->cfg.trusted->n &&
	       forwarded_trusted(g->cfg.trusted, peer);
}

/* The peer's entry, or NULL; under the lock. */
static struct peer *peer_find(struct guard *g, const char *addr)
{
	for (size_t i = 0; i < g->npeers; i++)
		if (strcmp(g->peers[i].addr, addr) == 0)
			return &g->peers[i];
	return NULL;
}

int guard_admit(struct guard *g, const char *peer)
{
	struct peer *p;
	int ok;

	if (g->cfg.per_peer <= 0 || trusted(g, peer))
		return 1;
	pthread_mutex_lock(&g->lock);
	p = peer_find(g, peer);
	ok = !p || p->count < g->cfg.per_peer;
	pthread_mutex_unlock(&g->lock);
	return ok;
}

/* Count c against its peer; under the lock.  0, or -1 out of memory. */
static int peer_add(struct guard *g, struct guard_conn *c)
{
	struct peer *p = peer_find(g, c->peer);

	if (!p) {
		if (g->npeers == g->cap) {
			size_t cap = g->cap ? g->cap * 2 : 64;
			struct peer *np = realloc(g->peers, cap * sizeof *np);

			if (!np)
				return -1;
			g->peers = np;
			g->cap = cap;
		}
		p = &g->peers[g->npeers++];
		memcpy(p->addr, c->peer, sizeof p->addr);
		p->count = 0;
	}
	p->count++;
	c->counted = 1;
	return 0;
}

struct guard_conn *guard_open(struct guard *g, const char *peer, int fd,
			      int64_t now_ms)
{
	struct guard_conn *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	strncpy(c->peer, peer, sizeof c->peer - 1);
	c->fd = fd;
	atomic_init(&c->deadline, now_ms + g->cfg.header_ms);
	pthread_mutex_lock(&g->lock);
	if (!trusted(g, peer)) {
		struct peer *p = peer_find(g, peer);

		if (g->cfg.per_peer > 0 && p && p->count >= g->cfg.per_peer) {
			/* Admitted beside others of the same peer accepted at
			 * the same moment by other threads (guard_admit()
			 * only looks): past the limit after all, so ended at
			 * once, uncounted, like a reaped connection. */
			shutdown(fd, SHUT_RDWR);
			c->reaped = 1;
			atomic_store(&c->deadline, 0);
		} else if (peer_add(g, c)) {
			pthread_mutex_unlock(&g->lock);
			free(c);
			return NULL;
		}
	}
	c->next = g->conns;
	if (g->conns)
		g->conns->prev = c;
	g->conns = c;
	pthread_mutex_unlock(&g->lock);
	return c;
}

/* A connection's record lives until guard_close(), which the library
 * calls after the last request callback: the stores below never meet a
 * freed record. */
void guard_headers_in(struct guard *g, struct guard_conn *c, int64_t now_ms)
{
	if (c)
		atomic_store(&c->deadline, now_ms + g->cfg.request_ms);
}

void guard_request_in(struct guard_conn *c)
{
	/* While the answer goes out - a large photo to a slow phone, a
	 * live stream for hours - nothing is expected from the client. */
	if (c)
		atomic_store(&c->deadline, NO_DEADLINE);
}

void guard_answered(struct guard *g, struct guard_conn *c, int64_t now_ms)
{
	if (c)
		atomic_store(&c->deadline,
			     now_ms + g->cfg.idle_ms + g->cfg.header_ms);
}

void guard_close(struct guard *g, struct guard_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->counted) {
		struct peer *p = peer_find(g, c->peer);

		if (p && --p->count == 0)
			*p = g->peers[--g->npeers];
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		g->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->lock);
	free(c);
}

int guard_reap(struct guard *g, int64_t now_ms)
{
	int n = 0;

	pthread_mutex_lock(&g->lock);
	for (struct guard_conn *c = g->conns; c; c = c->next) {
		if (c->reaped || atomic_load(&c->deadline) > now_ms)
			continue;
		/* The socket stays open (the library owns it and closes it
		 * when it sees the end): no other connection can be handed
		 * the same fd meanwhile. */
		shutdown(c->fd, SHUT_RDWR);
		c->reaped = 1;
		n++;
	}
	pthread_mutex_unlock(&g->lock);
	return n;
}

int guard_peer_count(struct guard *g, const char *peer)
{
	struct peer *p;
	int n;

	pthread_mutex_lock(&g->lock);
	p = peer_find(g, peer);
	n = p ? p->count : 0;
	pthread_mutex_unlock(&g->lock);
	return n;
}

const char *guard_conn_peer(const struct guard_conn *c)
{
	return c ? c->peer : NULL;
}
