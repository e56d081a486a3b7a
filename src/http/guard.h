/*
 * guard.h - what keeps one slow or hostile client from starving the
 * others: a limit on the connections one peer address holds open, and
 * deadlines for receiving a request.
 *
 * libmicrohttpd's own timeout is one of inactivity: a client that sends a
 * header line every few seconds keeps its connection for ever, and a
 * thousand of them from one address fill the server's connection limit
 * (slowloris).  The guard refuses a peer's connection past its limit at
 * accept, and the server's main loop reaps (shuts down) every connection
 * past its deadline:
 *
 *   - a new connection must send its first request's headers within
 *     header_ms;
 *   - once the headers are in, the whole request (the body) within
 *     request_ms;
 *   - while the answer is sent (a download, a live stream) no deadline;
 *   - after an answer, on a kept-alive connection, the next request's
 *     headers within idle_ms + header_ms (the library closes a quiet
 *     connection after idle_ms itself; this ends one that trickles).
 *
 * Trusted reverse proxies are not limited: behind nginx, nginx's own
 * limits apply (docs/operations.md).  The server (http/server.c) is the
 * only user; thread-safe: the library's workers open, close and move
 * connections along while the main loop reaps.
 */
#ifndef UG_HTTP_GUARD_H
#define UG_HTTP_GUARD_H

#include <stdint.h>

#include "lib/forwarded.h"

struct guard;
struct guard_conn;

struct guard_config {
	int per_peer;        /* connections one address may hold; 0: any */
	int64_t header_ms;   /* headers of a request */
	int64_t request_ms;  /* the rest of a request, once its headers */
	int64_t idle_ms;     /* a kept-alive connection's quiet time */
	const struct forwarded_proxies *trusted; /* not limited; may be NULL */
};

/* NULL when out of memory. */
struct guard *guard_new(const struct guard_config *cfg);
void guard_free(struct guard *g); /* NULL accepted */

/* May `peer` (a numeric address) open one more connection?  A first,
 * cheap look at accept; guard_open() decides under its lock (connections
 * accepted at the same moment by several threads all pass this look). */
int guard_admit(struct guard *g, const char *peer);

/* A connection from peer on socket fd opened at now_ms (monotonic): its
 * record, counted against the peer (NULL when out of memory: then it is
 * neither counted nor reaped).  One past the peer's limit is shut down at
 * once (the library then closes it) and not counted. */
struct guard_conn *guard_open(struct guard *g, const char *peer, int fd,
			      int64_t now_ms);

/* The connection's request has its headers; ...its whole body (the
 * answer is being made); ...its answer was sent (kept alive).  NULL c is
 * accepted by all three. */
void guard_headers_in(struct guard *g, struct guard_conn *c, int64_t now_ms);
void guard_request_in(struct guard_conn *c);
void guard_answered(struct guard *g, struct guard_conn *c, int64_t now_ms);

/* The numeric address the connection came from, as guard_open() was
 * given it (NULL for a NULL c): read once a connection rather than
 * formatted again for each of its requests. */
const char *guard_conn_peer(const struct guard_conn *c);

/* The connection closed: uncounted and forgotten (NULL accepted). */
void guard_close(struct guard *g, struct guard_conn *c);

/* Shut down (both directions) every connection past its deadline at
 * now_ms; the library then sees it end and closes it.  Returns how many. */
int guard_reap(struct guard *g, int64_t now_ms);

/* Connections open now from peer (for tests and the log). */
int guard_peer_count(struct guard *g, const char *peer);

#endif
