/*
 * fake_http.c - request text to struct http_request, and the accessors of
 * http/http.h over it (see fake_http.h).
 *
 * Every string handed to the application is its own exactly sized heap
 * copy, so AddressSanitizer sees a read past the end of any of them.
 */
#include "fake_http.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

static char *copy_exact(const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (!c)
		abort();
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* Percent-decode s[0..n) (and '+' as space in query arguments) into an
 * exact copy.  A "%00" ends the C string early, as it does behind
 * libmicrohttpd. */
static char *decode(const char *s, size_t n, int plus_is_space)
{
	char *out = malloc(n + 1), *o = out, *exact;

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = ug_hex_digit(s[i + 1])) >= 0 &&
		    (lo = ug_hex_digit(s[i + 2])) >= 0) {
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (plus_is_space && s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	exact = copy_exact(out, (size_t)(o - out));
	free(out);
	return exact;
}

static void pair_add(struct fake_pair **list, size_t *n, char *name,
		     char *value)
{
	struct fake_pair *p = realloc(*list, (*n + 1) * sizeof *p);

	if (!p)
		abort();
	p[*n].name = name;
	p[*n].value = value;
	*list = p;
	(*n)++;
}

static void pairs_free(struct fake_pair *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].value);
	}
	free(list);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "a=1&b=two+words&flag" */
static void parse_query(struct fake_conn *conn, const char *s, size_t n)
{
	while (n) {
		const char *amp = memchr(s, '&', n);
		size_t len = amp ? (size_t)(amp - s) : n;
		const char *eq = memchr(s, '=', len);

		if (len) {
			size_t nlen = eq ? (size_t)(eq - s) : len;

			pair_add(&conn->query, &conn->nquery,
				 decode(s, nlen, 1),
				 eq ? decode(eq + 1, len - nlen - 1, 1)
				    : copy_exact("", 0));
		}
		s += len + (amp ? 1 : 0);
		n -= len + (amp ? 1 : 0);
	}
}

/* "a=1; b=\"quoted\"" */
static void parse_cookies(struct fake_conn *conn, const char *s)
{
	while (*s) {
		const char *semi = strchr(s, ';');
		size_t len = semi ? (size_t)(semi - s) : strlen(s);
		const char *eq;

		while (len && is_blank(*s)) {
			s++;
			len--;
		}
		eq = memchr(s, '=', len);
		if (eq && eq > s) {
			const char *v = eq + 1;
			size_t vlen = len - (size_t)(v - s);

			while (vlen && is_blank(v[vlen - 1]))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			pair_add(&conn->cookies, &conn->ncookies,
				 copy_exact(s, (size_t)(eq - s)),
				 copy_exact(v, vlen));
		}
		s += len;
		if (*s == ';')
			s++;
	}
}

/* Next line of the request head in text[*pos..size): its start and
 * length without the line end.  0 at the end of the text, -1 for a line
 * with a NUL byte (libmicrohttpd never hands such a head over). */
static int next_line(const char *text, size_t size, size_t *pos,
		     const char **line, size_t *len)
{
	const char *lf;
	size_t n;

	if (*pos >= size)
		return 0;
	*line = text + *pos;
	lf = memchr(*line, '\n', size - *pos);
	n = lf ? (size_t)(lf - *line) : size - *pos;
	*pos += n + (lf ? 1 : 0);
	if (memchr(*line, '\0', n))
		return -1;
	if (n && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	return 1;
}

int fake_request_parse(const char *text, size_t size, struct fake_request *fr)
{
	const char *line, *sp, *target, *q, *cookie = NULL;
	size_t pos = 0, len, tlen;
	int rc;

	memset(fr, 0, sizeof *fr);
	if (next_line(text, size, &pos, &line, &len) != 1)
		return -1;
	sp = memchr(line, ' ', len);
	if (!sp || sp == line)
		return -1;
	fr->method = copy_exact(line, (size_t)(sp - line));
	target = sp + 1;
	tlen = len - (size_t)(target - line);
	sp = memchr(target, ' ', tlen);
	if (sp)
		tlen = (size_t)(sp - target); /* " HTTP/1.1" */
	if (tlen == 0)
		return -1;
	q = memchr(target, '?', tlen);
	fr->path = decode(target, q ? (size_t)(q - target) : tlen, 0);
	if (q)
		parse_query(&fr->conn, q + 1, tlen - (size_t)(q + 1 - target));
	while ((rc = next_line(text, size, &pos, &line, &len)) == 1 && len) {
		const char *colon = memchr(line, ':', len);
		const char *v;
		size_t vlen;

		if (!colon || colon == line)
			return -1; /* libmicrohttpd answers 400 itself */
		v = colon + 1;
		vlen = len - (size_t)(v - line);
		while (vlen && is_blank(*v)) {
			v++;
			vlen--;
		}
		while (vlen && is_blank(v[vlen - 1]))
			vlen--;
		pair_add(&fr->conn.headers, &fr->conn.nheaders,
			 copy_exact(line, (size_t)(colon - line)),
			 copy_exact(v, vlen));
		if (!cookie && strcasecmp(fr->conn.headers[fr->conn.nheaders - 1]
						  .name, "Cookie") == 0)
			cookie = fr->conn.headers[fr->conn.nheaders - 1].value;
	}
	if (rc < 0)
		return -1;
	if (cookie)
		parse_cookies(&fr->conn, cookie);
	/* The adapter's body is never NULL and always NUL-terminated. */
	fr->body = copy_exact(text + pos, size - pos);
	fr->req.method = fr->method;
	fr->req.path = fr->path;
	fr->req.body = fr->body;
	fr->req.body_len = size - pos;
	fr->req.conn = &fr->conn;
	strcpy(fr->req.client_addr, "192.0.2.7");
	strcpy(fr->req.request_id, "fuzz");
	strcpy(fr->req.user, "-");
	return 0;
}

void fake_request_free(struct fake_request *fr)
{
	arena_free(&fr->req.arena);
	pairs_free(fr->conn.headers, fr->conn.nheaders);
	pairs_free(fr->conn.query, fr->conn.nquery);
	pairs_free(fr->conn.cookies, fr->conn.ncookies);
	free(fr->method);
	free(fr->path);
	free(fr->body);
	memset(fr, 0, sizeof *fr);
}

/* ---- the one libmicrohttpd function the accessors call ------------------ */

/* http_header(), http_query() and http_cookie() in http/server.c look
 * values up on req->conn with this; defined here, it takes the place of
 * the library's.  libmicrohttpd compares keys of every kind without
 * regard to case and returns the first match; so does this. */
const char *MHD_lookup_connection_value(struct MHD_Connection *connection,
					enum MHD_ValueKind kind,
					const char *key)
{
	const struct fake_conn *c = (const void *)connection;
	const struct fake_pair *list;
	size_t n;

	switch (kind) {
	case MHD_HEADER_KIND:
		list = c->headers;
		n = c->nheaders;
		break;
	case MHD_GET_ARGUMENT_KIND:
		list = c->query;
		n = c->nquery;
		break;
	case MHD_COOKIE_KIND:
		list = c->cookies;
		n = c->ncookies;
		break;
	default:
		return NULL;
	}
	for (size_t i = 0; key && i < n; i++)
		if (strcasecmp(list[i].name, key) == 0)
			return list[i].value;
	return NULL;
}

/* Multipart bodies are libmicrohttpd's to parse, and its post processor
 * needs a real connection: here it takes the place of the library's and
 * declines, so http_form_multipart() answers "no usable boundary" and
 * fuzzing covers our own code up to that point. */
struct MHD_PostProcessor *MHD_create_post_processor(
	struct MHD_Connection *connection, size_t buffer_size,
	MHD_PostDataIterator iter, void *iter_cls)
{
	(void)connection;
	(void)buffer_size;
	(void)iter;
	(void)iter_cls;
	return NULL;
}
