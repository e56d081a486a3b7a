/*
 * http.h - our own thin view of an HTTP exchange.
 *
 * The server adapter (http/server.c) is the only code that sees
 * libmicrohttpd; everything above it works with these two structs.  The
 * adapter collects the whole body (up to the configured limit; past it the
 * app is told, with req->too_large, and must answer 413), calls one
 * application callback per request,
 * and writes one access-log line when the response has been sent.
 */
#ifndef UG_HTTP_H
#define UG_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/forwarded.h"

#define REQUEST_ID_MAX 64

struct http_request {
	const char *method;      /* "GET", "POST", ... ("HEAD" as is) */
	const char *path;        /* decoded path, no query string */
	const char *body;        /* NUL-terminated; may hold NUL bytes;
				    read-only (past 64 KiB, a mapped file) */
	size_t body_len;
	char client_addr[64];    /* "127.0.0.1" / "::1"; behind a trusted
				    proxy, the client it forwards for */
	char request_id[REQUEST_ID_MAX + 1];
	char user[80];           /* who, for the access log; "-" if nobody */
	/* The body passed body_limit and was dropped unread: the app is
	 * called anyway, to answer 413 in the shape its clients read. */
	int too_large;
	/* The body could not be kept (its temporary file failed: a full
	 * disk): the app is called anyway, to answer 503. */
	int body_lost;
	size_t body_limit;
	struct arena arena;      /* freed after the response is sent */
	void *conn;              /* adapter's connection handle */
};

/*
 * A response that goes on (Server-Sent Events): after the status and the
 * headers, the adapter calls next(ctx, out) on a worker thread whenever
 * the connection can take more; next appends what is ready to out and
 * answers HTTP_STREAM_MORE (sent, then next is called again),
 * HTTP_STREAM_WAIT (nothing now: the connection sleeps, costing no
 * thread, until http_server_wake()) or HTTP_STREAM_END (the response
 * ends).  release(ctx) once the connection is gone, whatever ended it.
 * next must not block: it may read the database, not wait for it to
 * change.  When the server stops, sleeping streams are woken and ended.
 */
enum { HTTP_STREAM_END = -1, HTTP_STREAM_WAIT = 0, HTTP_STREAM_MORE = 1 };

struct http_stream {
	int (*next)(void *ctx, struct buf *out);
	void (*release)(void *ctx);
	void *ctx;
};

struct http_response {
	int status;
	const char *content_type; /* static string */
	struct buf body;
	struct buf headers;       /* "Name\0value\0" pairs */
	/* Serve a static byte range instead of body (no copy), e.g. embedded
	 * files; NULL to use body. */
	const void *static_data;
	size_t static_len;
	/* Or stream this file (opened by the adapter, never through a
	 * link: O_NOFOLLOW; a file that cannot be opened answers 500).
	 * NULL to use body. */
	const char *file_path;
	/* Or go on as a stream (stream.next not NULL; body unused). */
	struct http_stream stream;
};

/* Request accessors: NULL when absent.  Header names are matched without
 * regard to case. */
const char *http_header(const struct http_request *req, const char *name);
const char *http_query(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);
/* Append every query argument, decoded, in the order sent, as
 * "name=value&" with '%', '&', '=' and control bytes written %XX - one
 * text per list of arguments (what makes two requests ask the same
 * thing, e.g. for a cache key). */
void http_query_all(const struct http_request *req, struct buf *out);

struct form; /* lib/form.h */

/* Decode a multipart/form-data body into form (its fields live in the
 * request's arena; file parts keep their filename and declared type).
 * UG_EINVAL when the body is not multipart/form-data or is malformed,
 * UG_ELIMIT past FORM_FIELDS_MAX fields.  The parsing is
 * libmicrohttpd's: we do not write a MIME parser of our own. */
int http_form_multipart(struct http_request *req, struct form *f,
			struct ug_error *err);

/* 1 when an If-None-Match header value matches the entity tag whose
 * text (between the quotes) is `tag`: "*", or a list of entity tags one
 * of which, weak (W/) or not, is "<tag>" (RFC 9110 13.1.2 compares
 * weakly).  0 for no match, a NULL header or a malformed one (a
 * malformed header never earns 304).  http/etag.c. */
int http_etag_match(const char *if_none_match, const char *tag);

/* Add a response header (copied). */
void http_response_header(struct http_response *resp, const char *name,
			  const char *value);

/* 1 if the response already has a header of that name (any case). */
int http_response_has_header(const struct http_response *resp,
			     const char *name);

/* The value of the response's first header of that name (any case), or
 * NULL. */
const char *http_response_header_value(const struct http_response *resp,
				       const char *name);

/* The application: fill resp from req.  Called once per request on a
 * worker thread. */
typedef void (*http_app_fn)(void *ctx, struct http_request *req,
			    struct http_response *resp);

struct http_server_config {
	const char *host;   /* numeric IPv4 or IPv6 address */
	int port;           /* 0: any free port (see http_server_port) */
	size_t body_limit;  /* bytes; larger bodies get 413 */
	int threads;        /* worker threads */
	http_app_fn app;
	void *app_ctx;
	/* Reverse proxies whose X-Forwarded-For is believed (lib/
	 * forwarded.h); NULL or empty: the socket's peer is the client. */
	const struct forwarded_proxies *trusted_proxies;
	/* HTTPS (libmicrohttpd with GnuTLS): the certificate chain and its
	 * private key, PEM text; both NULL for plain HTTP. */
	const char *tls_cert_pem;
	const char *tls_key_pem;
	/* One slow or hostile client must not starve the others (http/
	 * guard.h): the connections one address may hold (0: no limit;
	 * trusted proxies are not limited), and the time a request's headers
	 * may take and the rest of it after them (0: 10 s and 120 s).
	 * Enforced by http_server_reap(). */
	int per_peer_connections;
	int64_t header_timeout_ms;
	int64_t request_timeout_ms;
	/* Where bodies past 64 KiB are kept while they arrive (unlinked
	 * files, never seen by name): a folder on a disk, not a tmpfs.  NULL:
	 * /var/tmp. */
	const char *spill_dir;
};

struct http_server;

int http_server_start(const struct http_server_config *cfg,
		      struct http_server **out, struct ug_error *err);

/* The port actually bound. */
int http_server_port(const struct http_server *s);

/* Shut down the connections past their deadlines (see
 * http_server_config); call it every few hundred milliseconds.  Returns
 * how many. */
int http_server_reap(struct http_server *s);

/* Wake every stream that waits (HTTP_STREAM_WAIT): its next() is called
 * again soon.  Safe from any thread. */
void http_server_wake(struct http_server *s);

/* Stop accepting connections, let requests in flight finish (at most
 * grace_ms), then stop and free the server.  Returns the number of requests
 * still unfinished when the grace period ran out (0 normally). */
int http_server_stop(struct http_server *s, int grace_ms);

#endif
