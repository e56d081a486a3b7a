/*
 * fake_http.h - a stand-in for libmicrohttpd in fuzz targets, so that
 * app_serve() can run whole with no socket, thread or connection.
 *
 * fake_request_parse() reads a request from plain text into a struct
 * http_request whose conn is a struct fake_conn, and fake_http.c defines
 * MHD_lookup_connection_value(), which the real accessors of
 * http/server.c (http_header(), http_query(), http_cookie()) call, over
 * it.  Everything of src/ runs as it is; nothing there changes.
 *
 * The text is an HTTP/1.1 request head without the framing:
 *
 *   POST /api/v1/session?x=1 HTTP/1.1
 *   Content-Type: application/json
 *   Cookie: ug_session=...
 *
 *   {"username":"admin","password":"..."}
 *
 * Lines end with LF or CRLF; the body is everything after the first empty
 * line.  The path is percent-decoded and query arguments are split off as
 * libmicrohttpd does; names match without regard to case.
 */
#ifndef UG_FAKE_HTTP_H
#define UG_FAKE_HTTP_H

#include <stddef.h>

#include "http/http.h"

struct fake_pair {
	char *name;
	char *value;
};

/* What the accessors read; req->conn points at it. */
struct fake_conn {
	struct fake_pair *headers, *query, *cookies;
	size_t nheaders, nquery, ncookies;
};

struct fake_request {
	struct http_request req; /* what app_serve() gets */
	struct fake_conn conn;
	char *method, *path, *body;
};

/* Read `size` bytes of request text into fr (which the caller frees with
 * fake_request_free() whatever the result).  Returns 0, or -1 when the
 * text has no request line ("METHOD TARGET"). */
int fake_request_parse(const char *text, size_t size, struct fake_request *fr);

void fake_request_free(struct fake_request *fr);

#endif
