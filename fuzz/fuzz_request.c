/*
 * fuzz_request.c - libFuzzer target for one whole request through
 * web_serve(): routing, the Content-Type check, authentication (Bearer
 * token, session cookie + CSRF token), role checks, body decoding and the
 * handlers, against a real SQLite database holding the demo city.
 *
 * Input: request text (fake_http.h), served by the fake adapter instead of
 * libmicrohttpd.  The database is built once, like `urbangrid demo`, from
 * the fixture divisions, with known credentials for every demo account
 * (below; the seed corpus uses them), and put back from that template
 * whenever a request wrote to it, so every input meets the same state.
 * Every answer must be well formed: never a 500 or 503, headers that
 * cannot split a response, a JSON body (a 256 x 256 PNG for the grid
 * tiles), and an error body for 4xx -
 * except among the public pages, which answer embedded files, 304s,
 * redirects and HTML error pages (checked for those shapes).
 * FUZZ_REQUEST_VERBOSE=1 prints each answer (handy when writing seeds).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/doors.h"
#include "web/web.h"
#include "domain/org/auth.h"
#include "domain/calendar/calendar.h"
#include "domain/cases/case.h"
#include "tools/demo/demo.h"
#include "tools/demo/demo_cases.h"
#include "domain/calendar/livecal.h"
#include "domain/cases/standards.h"
#include "domain/calendar/workcal.h"
#include "domain/spatial/spatial.h"
#include "fake_http.h"
#include "xml_check.h"
#include "lib/log.h"
#include "lib/util.h"
#include "store/migrate.h"

#define DIVISIONS_DEFAULT "tests/fixtures/divisions"
#define DEMO_DAYS 5

/* Credentials of every demo account "<name>":
 *   Authorization: Bearer ugt_fuzz-<name>
 *   Cookie: ug_session=fuzz-session-<name>  with  X-CSRF-Token: fuzz-csrf-<name>
 * and the admin logs in with ADMIN_PASSWORD. */
#define TOKEN_PREFIX API_TOKEN_PREFIX "fuzz-"
#define SESSION_PREFIX "fuzz-session-"
#define CSRF_PREFIX "fuzz-csrf-"
#define ADMIN_PASSWORD "fuzz-admin-password"

static struct app app;
static int verbose; /* $FUZZ_REQUEST_VERBOSE: print each answer */
static struct calendar *calendar;
static char dir[4096], template_db[4200], work_db[4200], work_wal[4200],
	work_shm[4200], files_dir[4200];

static void die(const char *what, const struct ug_error *err)
{
	fprintf(stderr, "fuzz_request: %s: %s\n", what,
		err ? err->message : strerror(errno));
	abort();
}

/* Tokens and sessions with known values for one account. */
static void add_credentials(struct db *db, const char *username, int64_t now)
{
	char value[128], csrf[65], hash[TOKEN_HEX_LEN + 1];
	struct ug_error err;
	struct user u;
	int64_t token_id;

	ug_error_clear(&err);
	if (store_user_by_name(db, username, &u, NULL, &err))
		die("demo account", &err);
	snprintf(value, sizeof value, TOKEN_PREFIX "%s", username);
	auth_token_hash(value, hash);
	if (store_token_insert(db, hash, u.id, "fuzz", "fuzz", now, &token_id,
			       &err))
		die("token", &err);
	snprintf(value, sizeof value, SESSION_PREFIX "%s", username);
	snprintf(csrf, sizeof csrf, CSRF_PREFIX "%s", username);
	auth_token_hash(value, hash);
	if (store_session_insert(db, hash, u.id, csrf, now,
				 now + 10 * 366 * 86400LL, "192.0.2.7", &err))
		die("session", &err);
	if (strcmp(username, "admin") == 0) {
		char pw[PASSWORD_HASH_MAX + 1];

		if (auth_password_hash(ADMIN_PASSWORD, pw, &err) ||
		    store_user_set_password(db, u.id, pw, 0, now, &err))
			die("admin password", &err);
	}
}

/* The database `urbangrid demo --days DEMO_DAYS` makes (fewer days of
 * cases than the real demo, for a quick start), plus the known
 * credentials; and the settings `urbangrid serve` gives the app
 * (cli/cmd_serve.c and cmd_db.c: keep in step when they change). */
static void build_template(void)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000, .create = 1 };
	const char *divisions = getenv("URBANGRID_DIVISIONS");
	struct demo_result demo;
	struct ug_error err;
	struct db *db;
	int64_t now = ug_now_s();
	struct demo_case_stats cases;
	int32_t utc_offset;

	if (!divisions || !*divisions)
		divisions = DIVISIONS_DEFAULT;
	ug_error_clear(&err);
	if (db_open(template_db, &opt, &db, &err) ||
	    store_migrate(db, NULL, &err) ||
	    standards_load_defaults(db, now, NULL, &err) ||
	    demo_build(db, divisions, now, &demo, &err))
		die("building the template database", &err);
	for (int i = 0; i < demo.naccounts; i++)
		add_credentials(db, demo.accounts[i].username, now);
	if (workcal_load(db, now, &calendar, &utc_offset, NULL, &err))
		die("working calendar", &err);
	case_env_defaults(&app.cases, calendar);
	app.cases.utc_offset = utc_offset;
	/* No photos: the template is built for every run. */
	if (demo_cases(db, &app.cases, NULL, now, DEMO_DAYS, 0, &cases, &err))
		die("demo cases", &err);
	/* As `serve` does: requests take the live calendar. */
	if (livecal_open(db, now, &app.calendar, &err))
		die("live calendar", &err);
	/* ... and the spatial index (locating, the grid tiles). */
	if (spatial_open(db, &app.spatial, &err))
		die("spatial index", &err);
	case_env_defaults(&app.cases, NULL);
	db_close(db); /* the last close folds the WAL into the file */

	app.doors = serve_doors;
	auth_config_defaults(&app.auth);
	app.files_dir = files_dir;
	app.photo_limit = 1 << 20;
	app.events_max = 4; /* each stream is let go before the next input */
	/* The public channel as `serve` sets it up by default, without rate
	 * limits (NULL limiters let everything through). */
	app.pub.env.cases = &app.cases;
	app.pub.env.files_dir = files_dir;
	app.pub.env.photo_limit = app.photo_limit;
	app.pub.anonymous_user = "public";
	app.pub.jurisdiction = "";
	app.pub.base_url = "";
}

static void copy_file(const char *from, const char *to)
{
	char chunk[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		die(from, NULL);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0)
		die(to, NULL);
	while ((n = read(in, chunk, sizeof chunk)) > 0)
		if (write(out, chunk, (size_t)n) != n)
			die(to, NULL);
	if (n < 0)
		die(from, NULL);
	close(in);
	close(out);
}

/* Put the work database back to the template's state. */
static void reset_database(void)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000 };
	struct ug_error err;

	db_pool_destroy(app.pool);
	app.pool = NULL;
	unlink(work_wal);
	unlink(work_shm);
	copy_file(template_db, work_db);
	ug_error_clear(&err);
	if (db_pool_create(work_db, &opt, &app.pool, &err))
		die("database pool", &err);
	/* An input may have changed the calendar: the next one meets the
	 * template's at once, not a second later. */
	if (app.calendar) {
		struct db *db;

		if (db_pool_acquire(app.pool, &db, &err) ||
		    livecal_refresh(app.calendar, db, ug_now_s(), 1, &err))
			die("live calendar", &err);
		db_pool_release(app.pool, db);
	}
}

/* A committed write leaves frames in the WAL (the pool keeps its
 * connection open, so nothing folds them back in between requests). */
static int database_written(void)
{
	struct stat st;

	return stat(work_wal, &st) == 0 && st.st_size > 0;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void cleanup(void)
{
	db_pool_destroy(app.pool);
	app.pool = NULL;
	livecal_free(app.calendar);
	app.calendar = NULL;
	spatial_free(app.spatial);
	app.spatial = NULL;
	calendar_free(calendar);
	calendar = NULL;
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		die("sodium_init", NULL);
	log_set_level(LOG_ERROR);
	verbose = getenv("FUZZ_REQUEST_VERBOSE") != NULL;
	snprintf(dir, sizeof dir, "%s/ug-fuzz-request-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die(dir, NULL);
	snprintf(template_db, sizeof template_db, "%s/template.db", dir);
	snprintf(work_db, sizeof work_db, "%s/work.db", dir);
	snprintf(work_wal, sizeof work_wal, "%s-wal", work_db);
	snprintf(work_shm, sizeof work_shm, "%s-shm", work_db);
	/* Attachments are kept across inputs: they are named by their
	 * content, so the same upload always lands in the same file. */
	snprintf(files_dir, sizeof files_dir, "%s/files", dir);
	if (mkdir(files_dir, 0700))
		die(files_dir, NULL);
	atexit(cleanup);
	build_template();
	reset_database();
	return 0;
}

/* ---- what every answer must look like ---------------------------------- */

static void fail(const struct http_response *resp, const char *why)
{
	fprintf(stderr, "fuzz_request: %s\n  status %d, body: %.*s\n", why,
		resp->status, (int)(resp->body.len > 2000 ? 2000 : resp->body.len),
		resp->body.data ? resp->body.data : "");
	abort();
}

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			fail(resp, "invariant failed: " #cond);            \
	} while (0)

static int is_token_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* The value of response header `name`, or NULL. */

/* "Name\0value\0" pairs that fill the buffer exactly; no name or value can
 * end the header early or start a new one. */
static void check_headers(const struct http_response *resp)
{
	const char *p = resp->headers.data;
	const char *end = p ? p + resp->headers.len : NULL;

	while (p && p < end) {
		const char *value = memchr(p, '\0', (size_t)(end - p));

		CHECK(value && value > p);
		for (const char *c = p; c < value; c++)
			CHECK(is_token_char((unsigned char)*c));
		value++;
		CHECK(value < end && memchr(value, '\0', (size_t)(end - value)));
		for (const char *c = value; *c; c++)
			CHECK(*c != '\r' && *c != '\n');
		p = value + strlen(value) + 1;
	}
	CHECK(p == end);
}

/* The pages (written again here rather than calling ui/pages.c's
 * page_path(), so that a mistake there shows as a failed check): "/",
 * "/public" and "/public/..." but not "/public/api/..." or
 * "/public/media/...", and the console, "/console" and "/console/...". */
/* The pages' door says which paths are its own (the console, the phone
 * pages, the public pages, not their JSON): one statement of it. */
static int is_page_path(const char *path)
{
	return page_path(path);
}

/* A page answer: an embedded file (200), a 304 with no body, or a
 * redirect or error as a short HTML page. */
static void check_page(const struct http_response *resp)
{
	CHECK(resp->content_type);
	if (resp->static_data) {
		CHECK(resp->status == 200 && resp->static_len > 0);
		CHECK(http_response_header_value(resp, "ETag"));
		return;
	}
	if (resp->status == 304) {
		CHECK(resp->body.len == 0 && http_response_header_value(resp, "ETag"));
		return;
	}
	CHECK(resp->status == 302 || resp->status == 404 ||
	      resp->status == 405);
	CHECK(strcmp(resp->content_type, "text/html; charset=utf-8") == 0);
	CHECK(resp->body.len > 0 &&
	      strncmp(resp->body.data, "<!doctype html>", 15) == 0);
	CHECK(http_response_header_value(resp, "Content-Security-Policy"));
	if (resp->status == 302)
		CHECK(http_response_header_value(resp, "Location"));
}

static void check_body(const struct http_response *resp, const char *path)
{
	json_error_t jerr;
	json_t *body, *error;

	if (is_page_path(path)) {
		check_page(resp);
		return;
	}
	if (resp->stream.next) {
		/* The live stream: what it says first, then it is let go. */
		struct buf out = BUF_INIT;
		int r;

		CHECK(resp->status == 200 && resp->content_type &&
		      strcmp(resp->content_type,
			     "text/event-stream; charset=utf-8") == 0);
		r = resp->stream.next(resp->stream.ctx, &out);
		CHECK(r == HTTP_STREAM_MORE || r == HTTP_STREAM_WAIT);
		CHECK(r != HTTP_STREAM_MORE || out.len > 0);
		resp->stream.release(resp->stream.ctx);
		buf_free(&out);
		return;
	}
	if (resp->static_data || resp->file_path)
		return; /* photos */
	if (resp->status == 204 || resp->status == 304) {
		CHECK(resp->body.len == 0);
		return;
	}
	CHECK(resp->content_type);
	if (strcmp(resp->content_type, "image/png") == 0) {
		/* The grid tiles: a PNG file, 256 x 256. */
		const unsigned char *p = (const unsigned char *)resp->body.data;

		CHECK(resp->status == 200 && resp->body.len > 33);
		CHECK(memcmp(p, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"
			     "\0\0\x01\0\0\0\x01\0", 24) == 0);
		return;
	}
	if (strcmp(resp->content_type, "text/xml") == 0) {
		/* Open311 in XML: well formed; errors are <errors>. */
		CHECK(xml_well_formed(resp->body.data, resp->body.len));
		if (resp->status >= 400)
			CHECK(strstr(resp->body.data, "<errors><error><code>"));
		return;
	}
	CHECK(strcmp(resp->content_type, "application/json") == 0 ||
	      strcmp(resp->content_type, "application/geo+json") == 0);
	body = json_loadb(resp->body.data ? resp->body.data : "",
			  resp->body.len, 0, &jerr);
	CHECK(body);
	if (json_is_array(body)) {
		/* Open311 in JSON: lists; errors are [{code, description}]. */
		json_t *first = json_array_get(body, 0);

		if (resp->status >= 400)
			CHECK(json_is_integer(json_object_get(first, "code")) &&
			      json_is_string(json_object_get(first,
							     "description")));
		json_decref(body);
		return;
	}
	CHECK(json_is_object(body));
	error = json_object_get(body, "error");
	if (resp->status >= 400) {
		const char *code;

		CHECK(json_is_object(error));
		CHECK(json_is_string(json_object_get(error, "message")));
		code = json_string_value(json_object_get(error, "code"));
		CHECK(code && *code);
		/* Nothing runs out of memory here: this code means an error
		 * body could not be built (text that is not UTF-8). */
		CHECK(strcmp(code, "out_of_memory") != 0);
	} else {
		CHECK(!error);
	}
	json_decref(body);
}

static void check_response(const struct http_response *resp,
			   const char *path)
{
	const char *allow;

	CHECK(resp->status >= 200 && resp->status <= 599);
	/* A healthy database and valid or invalid input: never our fault. */
	CHECK(resp->status != 500 && resp->status != 503);
	check_headers(resp);
	check_body(resp, path);
	if (resp->status == 405) {
		allow = http_response_header_value(resp, "Allow");
		CHECK(allow && *allow);
	}
	if (resp->status == 401)
		CHECK(http_response_header_value(resp, "WWW-Authenticate"));
	if (resp->status == 429)
		CHECK(http_response_header_value(resp, "Retry-After"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake_request fr;

	if (fake_request_parse((const char *)data, size, &fr) == 0) {
		struct http_response resp;

		memset(&resp, 0, sizeof resp);
		web_serve(&app, &fr.req, &resp);
		if (verbose) /* for writing seeds: what did this one reach? */
			fprintf(stderr, "%s %s -> %d %.*s\n", fr.req.method,
				fr.req.path, resp.status,
				(int)(resp.body.len > 160 ? 160 : resp.body.len),
				resp.body.data ? resp.body.data : "");
		check_response(&resp, fr.req.path);
		buf_free(&resp.body);
		buf_free(&resp.headers);
	}
	fake_request_free(&fr);
	if (database_written())
		reset_database();
	return 0;
}
