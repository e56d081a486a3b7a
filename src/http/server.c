/*
 * server.c - the adapter over libmicrohttpd (see http.h).
 *
 * MHD runs an internal pool of worker threads, each with its own epoll
 * loop.  It calls access_cb() several times per request: once with the
 * headers, once per body chunk, and once more at the end; the request state
 * lives in one struct exchange kept in *con_cls across those calls.
 * completed_cb() runs when the response has been sent (or the connection
 * failed) and writes the access-log line.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "http/guard.h"
#include "lib/form.h"
#include "lib/log.h"
#include "lib/util.h"

struct stream_state;

/* A connection quiet this long is closed by the library (its own
 * timeout, of inactivity; the guard adds deadlines, guard.h). */
#define CONNECTION_IDLE_S 30

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_server_config cfg;
	int port;
	atomic_int in_flight; /* requests begun and not yet completed */
	/* Streams asleep (suspended connections), and the lock of that list
	 * and of each stream's `waiting`. */
	pthread_mutex_t wait_lock;
	struct stream_state *waiting;
	int stopping;         /* under wait_lock: streams end */
	struct guard *guard;  /* per-peer limits and request deadlines */
};

/* One streamed response (http_stream) on its connection. */
struct stream_state {
	struct http_server *s;
	struct MHD_Connection *conn;
	struct http_stream st;
	struct buf pending;   /* what next() gave and MHD has not taken */
	size_t off;
	int waiting;          /* suspended, in s->waiting */
	struct stream_state *next_waiting;
};

/* A body larger than this goes to an unlinked temporary file as it
 * arrives instead of the heap: a hundred clients each holding a 9 MiB
 * body open would otherwise hold 900 MiB of the server's memory before
 * anyone knew who they were.  Small bodies - nearly all JSON - stay in
 * memory. */
#define SPILL_BYTES (64 * 1024)

/* Per-request state across the callbacks of one request. */
struct exchange {
	struct http_server *server;
	struct http_request req;
	struct buf body;      /* the body, while it is small */
	int spill_fd;         /* past SPILL_BYTES: the file it goes to, or -1 */
	size_t received;      /* body bytes taken, in memory or the file */
	void *map;            /* the file mapped for the app at the end */
	size_t map_len;
	int too_large;
	int body_lost;        /* the file could not take it (a full disk) */
	int status;
	size_t bytes;
	int64_t start_us;
};

const char *http_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

/* s with '%', '&', '=' and control bytes written %XX: two different
 * argument lists never read the same. */
static void append_escaped(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '%' || c == '&' || c == '=')
			buf_printf(out, "%%%02X", c);
		else
			buf_putc(out, (char)c);
	}
}

static enum MHD_Result append_arg(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	struct buf *out = cls;

	(void)kind;
	append_escaped(out, key);
	buf_putc(out, '=');
	append_escaped(out, value);
	buf_putc(out, '&');
	return MHD_YES;
}

void http_query_all(const struct http_request *req, struct buf *out)
{
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, append_arg,
				  out);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* The post processor hands each part over in pieces (off = where the
 * piece starts in the part); a piece at offset 0 starts a new part. */
struct multipart_ctx {
	struct form *form;
	struct buf value;
	char *name, *filename, *content_type;
	int open;
	struct ug_error *err;
	int rc;
};

static int multipart_flush(struct multipart_ctx *m)
{
	int rc = 0;

	if (m->open)
		rc = form_add(m->form, m->name, strlen(m->name),
			      m->value.data ? m->value.data : "", m->value.len,
			      m->filename, m->content_type, m->err);
	free(m->name);
	free(m->filename);
	free(m->content_type);
	m->name = m->filename = m->content_type = NULL;
	buf_reset(&m->value);
	m->open = 0;
	return rc;
}

static enum MHD_Result multipart_piece(void *cls, enum MHD_ValueKind kind,
				       const char *key, const char *filename,
				       const char *content_type,
				       const char *transfer_encoding,
				       const char *data, uint64_t off,
				       size_t size)
{
	struct multipart_ctx *m = cls;

	(void)kind;
	(void)transfer_encoding;
	if (off == 0 || !m->open) {
		if ((m->rc = multipart_flush(m)))
			return MHD_NO;
		m->name = strdup(key ? key : "");
		/* A part sent with filename="" is still a file part. */
		m->filename = filename ? strdup(filename) : NULL;
		m->content_type = content_type ? strdup(content_type) : NULL;
		m->open = 1;
		if (!m->name || (filename && !m->filename) ||
		    (content_type && !m->content_type)) {
			m->rc = ug_fail(m->err, UG_ENOMEM, NULL, "out of memory");
			return MHD_NO;
		}
	}
	if (size && buf_append(&m->value, data, size)) {
		m->rc = ug_fail(m->err, UG_ENOMEM, NULL, "out of memory");
		return MHD_NO;
	}
	return MHD_YES;
}

int http_form_multipart(struct http_request *req, struct form *f,
			struct ug_error *err)
{
	const char *ct = http_header(req, "Content-Type");
	struct multipart_ctx m = { .form = f, .value = BUF_INIT, .err = err };
	struct MHD_PostProcessor *pp;
	enum MHD_Result ok;

	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return ug_fail(err, UG_EINVAL, "Content-Type",
			       "the body is not multipart/form-data");
	pp = MHD_create_post_processor(req->conn, 64 * 1024, multipart_piece,
				       &m);
	if (!pp)
		return ug_fail(err, UG_EINVAL, "Content-Type",
			       "multipart/form-data without a usable "
			       "boundary");
	ok = MHD_post_process(pp, req->body, req->body_len);
	/* Destroying reports a body that ended before its last boundary. */
	if (MHD_destroy_post_processor(pp) != MHD_YES && ok == MHD_YES &&
	    !m.rc)
		ok = MHD_NO;
	if (!m.rc && ok == MHD_YES) {
		m.rc = multipart_flush(&m);
	} else {
		m.open = 0; /* drop the unfinished part */
		multipart_flush(&m);
	}
	buf_free(&m.value);
	if (m.rc)
		return m.rc;
	if (ok != MHD_YES)
		return ug_fail(err, UG_EINVAL, "body",
			       "the multipart/form-data body is malformed");
	return 0;
}

void http_response_header(struct http_response *resp, const char *name,
			  const char *value)
{
	buf_append(&resp->headers, name, strlen(name) + 1);
	buf_append(&resp->headers, value, strlen(value) + 1);
}

const char *http_response_header_value(const struct http_response *resp,
				       const char *name)
{
	const char *p = resp->headers.data;
	const char *end = p ? p + resp->headers.len : NULL;

	while (p && p < end) {
		const char *value = p + strlen(p) + 1;

		if (strcasecmp(p, name) == 0)
			return value;
		p = value + strlen(value) + 1;
	}
	return NULL;
}

int http_response_has_header(const struct http_response *resp,
			     const char *name)
{
	return http_response_header_value(resp, name) != NULL;
}

/* A request id of our own: 16 hex digits, unique in practice, not a
 * secret (it names the request in the log and the answer).  Each thread
 * draws a random start once (libsodium) and steps a 64-bit mixer
 * (splitmix64) from it: a system call for randomness on every request
 * was 4 % of a cached read. */
static void request_id_make(char out[17])
{
	static _Thread_local uint64_t state;
	static _Thread_local int seeded;
	static const char hex[] = "0123456789abcdef";
	uint64_t z;

	if (!seeded) {
		char seed[17];

		ug_random_hex(seed, 8);
		state = strtoull(seed, NULL, 16);
		seeded = 1;
	}
	z = (state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	for (int i = 15; i >= 0; i--, z >>= 4)
		out[i] = hex[z & 15];
	out[16] = '\0';
}

/* Take the client's request id when it is a sane token (a proxy in front
 * may have set one), else make one. */
static void request_id_init(struct exchange *x)
{
	const char *given = http_header(&x->req, "X-Request-Id");
	size_t n = given ? strlen(given) : 0;
	int ok = n > 0 && n <= REQUEST_ID_MAX;

	for (size_t i = 0; ok && i < n; i++) {
		char c = given[i];

		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
	}
	if (ok)
		memcpy(x->req.request_id, given, n + 1);
	else
		request_id_make(x->req.request_id);
}

/* Every X-Forwarded-For header, in order, joined with commas (a proxy
 * may add a second header rather than extend the first). */
static enum MHD_Result gather_xff(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	struct buf *b = cls;

	(void)kind;
	if (key && value && strcasecmp(key, "X-Forwarded-For") == 0 &&
	    b->len < 4096)
		buf_printf(b, "%s%s", b->len ? "," : "", value);
	return MHD_YES;
}

/* The numeric address of a socket's peer, "unknown" when there is none. */
static void peer_text(const struct sockaddr *sa, char peer[64])
{
	ug_copy(peer, 64, "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  peer, 64);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, peer,
			  64);
}

/* The guard's record of a connection (guard_open() at its start). */
static struct guard_conn *conn_guard(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static int64_t now_ms(void)
{
	return ug_monotonic_us() / 1000;
}

/* Accept policy: a peer past its connection limit is refused at once. */
static enum MHD_Result accept_cb(void *cls, const struct sockaddr *addr,
				 socklen_t addrlen)
{
	struct http_server *s = cls;
	char peer[64];

	(void)addrlen;
	peer_text(addr, peer);
	return guard_admit(s->guard, peer) ? MHD_YES : MHD_NO;
}

/* A connection starts (counted, given its header deadline) or ends. */
static void connection_cb(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *a = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		char peer[64];

		peer_text(a ? a->client_addr : NULL, peer);
		*socket_context = fd ? guard_open(s->guard, peer, fd->connect_fd,
						  now_ms())
				     : NULL;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		guard_close(s->guard, *socket_context);
		*socket_context = NULL;
	}
}

static void client_addr_init(struct http_server *s, struct exchange *x,
			     struct MHD_Connection *conn)
{
	/* The connection's address, formatted once at its start. */
	const char *peer = guard_conn_peer(conn_guard(conn));
	char text[64];
	struct buf xff = BUF_INIT;

	if (!peer) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		peer_text(ci ? ci->client_addr : NULL, text);
		peer = text;
	}
	if (s->cfg.trusted_proxies && s->cfg.trusted_proxies->n &&
	    forwarded_trusted(s->cfg.trusted_proxies, peer))
		MHD_get_connection_values(conn, MHD_HEADER_KIND, gather_xff,
					  &xff);
	forwarded_client(s->cfg.trusted_proxies, peer, buf_str(&xff),
			 x->req.client_addr);
	buf_free(&xff);
}

/* Has the client of a stream gone?  A sleeping connection is not watched,
 * and a write to a closed one may still succeed once; a peek at the
 * socket tells at once (0: the peer closed; streams read nothing else).
 * Only plain HTTP: under TLS the socket carries records MHD must read,
 * and the next writes find a closed peer instead. */
static int stream_client_gone(struct stream_state *ss)
{
	const union MHD_ConnectionInfo *ci;
	char c;

	if (ss->s->cfg.tls_cert_pem)
		return 0;
	ci = MHD_get_connection_info(ss->conn,
				     MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return 0;
	return recv(ci->connect_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* MHD asks for more of a stream: what is pending, else what next()
 * gives; nothing ready puts the connection to sleep until
 * http_server_wake() (suspend, from this callback, is what MHD allows). */
static ssize_t stream_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream_state *ss = cls;
	struct http_server *s = ss->s;
	size_t n;
	int r;

	(void)pos;
	if (ss->off == ss->pending.len) {
		buf_reset(&ss->pending);
		ss->off = 0;
		pthread_mutex_lock(&s->wait_lock);
		r = s->stopping ? HTTP_STREAM_END : HTTP_STREAM_MORE;
		pthread_mutex_unlock(&s->wait_lock);
		if (r != HTTP_STREAM_END && stream_client_gone(ss))
			r = HTTP_STREAM_END;
		if (r != HTTP_STREAM_END)
			r = ss->st.next(ss->st.ctx, &ss->pending);
		if (r == HTTP_STREAM_END)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (r == HTTP_STREAM_WAIT || ss->pending.len == 0) {
			pthread_mutex_lock(&s->wait_lock);
			if (s->stopping) {
				pthread_mutex_unlock(&s->wait_lock);
				return MHD_CONTENT_READER_END_OF_STREAM;
			}
			ss->waiting = 1;
			ss->next_waiting = s->waiting;
			s->waiting = ss;
			MHD_suspend_connection(ss->conn);
			pthread_mutex_unlock(&s->wait_lock);
			return 0;
		}
	}
	n = ss->pending.len - ss->off;
	if (n > max)
		n = max;
	memcpy(out, ss->pending.data + ss->off, n);
	ss->off += n;
	return (ssize_t)n;
}

static void stream_unlink(struct stream_state *ss)
{
	struct stream_state **p;

	for (p = &ss->s->waiting; *p; p = &(*p)->next_waiting)
		if (*p == ss) {
			*p = ss->next_waiting;
			break;
		}
	ss->waiting = 0;
}

static void stream_free(void *cls)
{
	struct stream_state *ss = cls;

	pthread_mutex_lock(&ss->s->wait_lock);
	if (ss->waiting)
		stream_unlink(ss);
	pthread_mutex_unlock(&ss->s->wait_lock);
	if (ss->st.release)
		ss->st.release(ss->st.ctx);
	buf_free(&ss->pending);
	free(ss);
}

void http_server_wake(struct http_server *s)
{
	struct stream_state *ss, *next;

	pthread_mutex_lock(&s->wait_lock);
	for (ss = s->waiting; ss; ss = next) {
		next = ss->next_waiting;
		ss->waiting = 0;
		ss->next_waiting = NULL;
		MHD_resume_connection(ss->conn);
	}
	s->waiting = NULL;
	pthread_mutex_unlock(&s->wait_lock);
}

static enum MHD_Result send_response(struct exchange *x,
				     struct MHD_Connection *conn,
				     struct http_response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *p, *end;

	if (resp->stream.next) {
		struct stream_state *ss = calloc(1, sizeof *ss);

		if (!ss) {
			if (resp->stream.release)
				resp->stream.release(resp->stream.ctx);
			return MHD_NO;
		}
		ss->s = x->server;
		ss->conn = conn;
		ss->st = resp->stream;
		/* What the handler wrote first goes out first. */
		buf_append(&ss->pending, resp->body.data, resp->body.len);
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
						      stream_reader, ss,
						      stream_free);
		if (!r) {
			stream_free(ss);
			return MHD_NO;
		}
		x->bytes = 0;
	} else if (resp->file_path) {
		/* Never through a link: the handler chose the file
		 * (h_site_file resolves a site's links itself). */
		int fd = open(resp->file_path,
			      O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		struct stat sb;

		if (fd < 0 || fstat(fd, &sb) != 0) {
			log_msg(LOG_ERROR, x->req.request_id,
				"cannot open %s", resp->file_path);
			if (fd >= 0)
				close(fd);
			resp->file_path = NULL;
			resp->status = 500;
			resp->content_type = "application/json";
			buf_reset(&resp->body);
			buf_puts(&resp->body,
				 "{\"error\":{\"code\":\"internal\","
				 "\"message\":\"stored file missing\"}}");
			return send_response(x, conn, resp);
		}
		/* MHD reads the file as it sends and closes fd afterwards. */
		r = MHD_create_response_from_fd64((uint64_t)sb.st_size, fd);
		x->bytes = (size_t)sb.st_size;
	} else if (resp->static_data) {
		r = MHD_create_response_from_buffer(resp->static_len,
						    (void *)resp->static_data,
						    MHD_RESPMEM_PERSISTENT);
		x->bytes = resp->static_len;
	} else if (resp->body.len) {
		/* Handed over, not copied: the library frees it once sent.
		 * A list of 1,000 Open311 requests is 1.3 MB; its copy and
		 * the fresh pages it faulted in were a sixth of making it
		 * (bench/README.md, answers.sh). */
		size_t len = resp->body.len;
		char *data = buf_detach(&resp->body);

		x->bytes = len;
		r = MHD_create_response_from_buffer(len, data,
						    MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(data);
	} else {
		x->bytes = 0;
		r = MHD_create_response_from_buffer(0, (void *)"",
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				resp->content_type ? resp->content_type
						   : "application/json");
	MHD_add_response_header(r, "X-Request-Id", x->req.request_id);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	p = resp->headers.data;
	end = p ? p + resp->headers.len : NULL;
	while (p && p < end) {
		const char *name = p, *value = p + strlen(p) + 1;

		MHD_add_response_header(r, name, value);
		p = value + strlen(value) + 1;
	}
	x->status = resp->status;
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Answer a request whose body was not kept: too large (413) or lost for
 * want of room (503); the app is called with the flag set, because it
 * knows the error shape of the path (JSON API, Open311). */
static enum MHD_Result send_refused(struct http_server *s,
				    struct exchange *x,
				    struct MHD_Connection *conn)
{
	struct http_response resp;
	enum MHD_Result ret;
	int status = x->body_lost ? 503 : 413;

	memset(&resp, 0, sizeof resp);
	resp.status = status;
	x->req.too_large = !x->body_lost;
	x->req.body_lost = x->body_lost;
	x->req.body = "";
	x->req.body_len = 0;
	s->cfg.app(s->cfg.app_ctx, &x->req, &resp);
	if (resp.status != status) { /* an app that ignored the flag */
		buf_reset(&resp.body);
		resp.status = status;
		resp.content_type = "text/plain";
		buf_puts(&resp.body, status == 413 ? "request body too large\n"
						   : "no room for the request "
						     "body\n");
	}
	http_response_header(&resp, "Connection", "close");
	ret = send_response(x, conn, &resp);
	buf_free(&resp.body);
	buf_free(&resp.headers);
	return ret;
}

/* An unlinked temporary file in dir: O_TMPFILE where the file system
 * has it, else a name removed at once.  -1 on failure. */
static int spill_open(const char *dir)
{
	char path[4096];
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	if (snprintf(path, sizeof path, "%s/.ug-body-XXXXXX", dir) >=
	    (int)sizeof path)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Take n more bytes of x's body: into memory while it is small, then
 * into its file.  -1 when the file cannot take them (x->body_lost). */
static int body_take(struct http_server *s, struct exchange *x,
		     const char *data, size_t n)
{
	if (x->spill_fd < 0 && x->received + n <= SPILL_BYTES) {
		if (buf_append(&x->body, data, n))
			return -1;
		x->received += n;
		return 0;
	}
	if (x->spill_fd < 0) {
		x->spill_fd = spill_open(s->cfg.spill_dir ? s->cfg.spill_dir
							 : "/var/tmp");
		if (x->spill_fd < 0 ||
		    write_all(x->spill_fd, x->body.data ? x->body.data : "",
			      x->body.len)) {
			log_msg(LOG_ERROR, x->req.request_id,
				"request body: no temporary file in %s: %s",
				s->cfg.spill_dir ? s->cfg.spill_dir : "/var/tmp",
				strerror(errno));
			return -1;
		}
		buf_free(&x->body);
	}
	if (write_all(x->spill_fd, data, n)) {
		log_msg(LOG_ERROR, x->req.request_id,
			"request body: writing its temporary file: %s",
			strerror(errno));
		return -1;
	}
	x->received += n;
	return 0;
}

/* The whole body for the app: the memory buffer, or the file mapped
 * (with a NUL after it, as the app is promised).  -1 on failure. */
static int body_finish(struct exchange *x)
{
	if (x->spill_fd < 0) {
		x->req.body = buf_str(&x->body);
		x->req.body_len = x->body.len;
		return 0;
	}
	if (write_all(x->spill_fd, "", 1))
		return -1;
	x->map_len = x->received + 1;
	x->map = mmap(NULL, x->map_len, PROT_READ, MAP_PRIVATE, x->spill_fd, 0);
	if (x->map == MAP_FAILED) {
		x->map = NULL;
		return -1;
	}
	x->req.body = x->map;
	x->req.body_len = x->received;
	return 0;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn,
				 const char *url, const char *method,
				 const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct exchange *x = *con_cls;
	struct http_response resp;
	enum MHD_Result ret;

	(void)version;
	if (!x) {
		const char *cl;

		x = calloc(1, sizeof *x);
		if (!x)
			return MHD_NO;
		*con_cls = x;
		x->server = s;
		x->spill_fd = -1;
		atomic_fetch_add(&s->in_flight, 1);
		x->start_us = ug_monotonic_us();
		x->req.method = method;
		x->req.path = url;
		x->req.conn = conn;
		x->req.body_limit = s->cfg.body_limit;
		guard_headers_in(s->guard, conn_guard(conn), now_ms());
		UG_COPY(x->req.user, "-");
		request_id_init(x);
		client_addr_init(s, x, conn);
		/* An announced oversized body is refused at once only when the
		 * client waits for "100 Continue" and so has not sent it.  Any
		 * other client is sending it already, and closing on unread
		 * data resets the connection, which can destroy the 413 before
		 * the client reads it (RFC 9112 9.6): drop the body as it
		 * comes and answer at its end. */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > s->cfg.body_limit) {
			const char *expect = MHD_lookup_connection_value(
				conn, MHD_HEADER_KIND, "Expect");

			x->too_large = 1;
			if (expect && strcasecmp(expect, "100-continue") == 0)
				return send_refused(s, x, conn);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Past the limit or past a failure, the rest is read and
		 * dropped, to answer at the end (see above). */
		if (x->too_large || x->body_lost) {
		} else if (x->received + *upload_data_size > s->cfg.body_limit) {
			x->too_large = 1;
		} else if (body_take(s, x, upload_data, *upload_data_size)) {
			x->body_lost = 1;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->status) /* already answered (413 up front) */
		return MHD_YES;
	guard_request_in(conn_guard(conn));
	if (!x->too_large && !x->body_lost && body_finish(x))
		x->body_lost = 1;
	if (x->too_large || x->body_lost)
		return send_refused(s, x, conn);
	memset(&resp, 0, sizeof resp);
	resp.status = 500;
	s->cfg.app(s->cfg.app_ctx, &x->req, &resp);
	ret = send_response(x, conn, &resp);
	buf_free(&resp.body);
	buf_free(&resp.headers);
	return ret;
}

/* Append s to out with the bytes that would split or end an access-log
 * line (controls, space, DEL) and '%' written as %XX: the decoded path and
 * a login name come from the client, and "%0A" in a URL must not forge a
 * log line. */
static void log_field(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == 0x7f || c == '%')
			buf_printf(out, "%%%02X", c);
		else
			buf_putc(out, (char)c);
	}
}

static void completed_cb(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct exchange *x = *con_cls;
	struct buf line = BUF_INIT;

	if (!x)
		return;
	guard_answered(s->guard, conn_guard(conn), now_ms());
	if (!log_enabled(LOG_INFO))	/* serve --quiet */
		goto done;
	log_field(&line, x->req.method);
	buf_putc(&line, ' ');
	log_field(&line, x->req.path);
	buf_printf(&line, " %d %zu %lldus user=", x->status, x->bytes,
		   (long long)(ug_monotonic_us() - x->start_us));
	log_field(&line, x->req.user);
	log_msg(LOG_INFO, x->req.request_id, "access %s addr=%s%s",
		buf_str(&line), x->req.client_addr,
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	buf_free(&line);
done:
	arena_free(&x->req.arena);
	buf_free(&x->body);
	if (x->map)
		munmap(x->map, x->map_len);
	if (x->spill_fd >= 0)
		close(x->spill_fd);
	free(x);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct buf line = BUF_INIT;

	(void)cls;
	buf_vprintf(&line, fmt, ap);
	while (line.len && line.data[line.len - 1] == '\n')
		line.data[--line.len] = '\0';
	log_msg(LOG_WARN, NULL, "http: %s", buf_str(&line));
	buf_free(&line);
}

int http_server_start(const struct http_server_config *cfg,
		      struct http_server **out, struct ug_error *err)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned flags;
	struct http_server *s;
	const union MHD_DaemonInfo *di;
	/* HTTPS options when asked for, else an empty list. */
	struct MHD_OptionItem tls[3] = {
		{ MHD_OPTION_END, 0, NULL }, { MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};

	*out = NULL;
	memset(&ss, 0, sizeof ss);
	/* Suspend/resume: a stream with nothing to say sleeps off the
	 * polling loop (http_stream). */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
		MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	if (inet_pton(AF_INET, cfg->host,
		      &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)cfg->port);
		sslen = sizeof *sin;
	} else if (inet_pton(AF_INET6, cfg->host,
			     &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)cfg->port);
		sslen = sizeof *sin6;
		flags |= MHD_USE_IPv6;
	} else {
		return ug_fail(err, UG_EINVAL, "listen",
			       "listen address %s is not a numeric IPv4 or "
			       "IPv6 address", cfg->host);
	}
	(void)sslen;
	s = calloc(1, sizeof *s);
	if (!s)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	s->cfg = *cfg;
	if (cfg->tls_cert_pem && cfg->tls_key_pem) {
		flags |= MHD_USE_TLS;
		tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
						  (void *)cfg->tls_cert_pem };
		tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
						  (void *)cfg->tls_key_pem };
	}
	s->guard = guard_new(&(struct guard_config){
		.per_peer = cfg->per_peer_connections,
		.header_ms = cfg->header_timeout_ms > 0 ? cfg->header_timeout_ms
							: 10000,
		.request_ms = cfg->request_timeout_ms > 0
				      ? cfg->request_timeout_ms
				      : 120000,
		.idle_ms = CONNECTION_IDLE_S * 1000,
		.trusted = cfg->trusted_proxies,
	});
	if (!s->guard) {
		free(s);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	pthread_mutex_init(&s->wait_lock, NULL);
	s->daemon = MHD_start_daemon(
		flags, (uint16_t)cfg->port, accept_cb, s, access_cb, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_IDLE_S,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
		MHD_OPTION_NOTIFY_CONNECTION, connection_cb, s,
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_END);
	if (!s->daemon) {
		pthread_mutex_destroy(&s->wait_lock);
		guard_free(s->guard);
		free(s);
		if (flags & MHD_USE_TLS)
			return ug_fail(err, UG_EIO, "listen",
				       "cannot serve HTTPS on %s port %d: the "
				       "port is in use or not permitted, or the "
				       "certificate and key are not a matching "
				       "PEM pair", cfg->host, cfg->port);
		return ug_fail(err, UG_EIO, "listen",
			       "cannot listen on %s port %d (in use, or not "
			       "permitted)", cfg->host, cfg->port);
	}
	di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : cfg->port;
	*out = s;
	return 0;
}

int http_server_reap(struct http_server *s)
{
	return guard_reap(s->guard, now_ms());
}

int http_server_port(const struct http_server *s)
{
	return s->port;
}

int http_server_stop(struct http_server *s, int grace_ms)
{
	int64_t deadline = ug_monotonic_us() + (int64_t)grace_ms * 1000;
	int left;

	MHD_socket listener;

	/* Stop accepting; connections already open are served on.  The
	 * listening socket is handed back to us to close. */
	listener = MHD_quiesce_daemon(s->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	/* Streams end: those asleep are woken to find it out (MHD may not
	 * stop with a connection suspended). */
	pthread_mutex_lock(&s->wait_lock);
	s->stopping = 1;
	pthread_mutex_unlock(&s->wait_lock);
	http_server_wake(s);
	while ((left = atomic_load(&s->in_flight)) > 0 &&
	       ug_monotonic_us() < deadline) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->daemon);
	pthread_mutex_destroy(&s->wait_lock);
	guard_free(s->guard);
	free(s);
	return left;
}
