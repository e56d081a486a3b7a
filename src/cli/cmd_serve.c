/*
 * cmd_serve.c - `urbangrid serve`: run the HTTP server until SIGTERM or
 * SIGINT, then finish the requests in flight and exit 0.
 *
 * The server's settings are one X-macro list: each line gives the flag,
 * its type, default and help, and generates the flag table, the parsing
 * and the --help text.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/doors.h"
#include "domain/org/idem.h"
#include "domain/patrol/patrol.h"
#include "web/anscache.h"
#include "web/web.h"
#include "cli/cli.h"
#include "domain/spatial/spatial.h"
#include "domain/calendar/livecal.h"
#include "domain/calendar/workcal.h"
#include "cli/notify.h"
#include "lib/iso8601.h"
#include "domain/report/report.h"
#include "tools/demo/demo_live.h"
#include "domain/cases/case.h"
#include "domain/cases/view.h"
#include "lib/log.h"
#include "lib/util.h"
#include "store/migrate.h"
#include "version.h"

/* X(flag, C name, kind, default, help); kind: STR, INT (with range), BOOL */
#define SERVE_SETTINGS(X)                                                     \
	X("db", db, STR, NULL, 0, 0, "database file (default $URBANGRID_DB, " \
					 "else var/urbangrid.db)")           \
	X("listen", listen, STR, "127.0.0.1:8080", 0, 0,                      \
	  "address and port; port 0 picks a free one")                        \
	X("threads", threads, INT, "32", 1, 256,                             \
	  "HTTP worker threads (a request waiting for its commit holds one)") \
	X("malloc-arenas", malloc_arenas, INT, "2", 0, 256,                  \
	  "glibc heaps the worker threads share (0: glibc's own, 8 a core); " \
	  "each may keep 64 MiB free")                                     \
	X("public-cache-mb", public_cache_mb, INT, "64", 0, 4096,             \
	  "megabytes of rendered public answers kept for the next asker "  \
	  "(Open311 reads; 0: none)")                                      \
	X("metrics-listen", metrics_listen, STR, NULL, 0, 0,                  \
	  "also serve GET /metrics (Prometheus) on this HOST:PORT, for the " \
	  "monitoring network only; none by default")                       \
	X("peer-connections", peer_connections, INT, "64", 0, 1000,           \
	  "connections one client address may hold open (0: no limit; "    \
	  "trusted proxies are not limited)")                               \
	X("header-timeout", header_timeout, INT, "10", 1, 3600,              \
	  "seconds a request's headers may take to arrive")                \
	X("request-timeout", request_timeout, INT, "120", 1, 86400,          \
	  "seconds the rest of a request (its body) may take after them")  \
	X("body-limit", body_limit, INT, "10485760", 1024, 1073741824,        \
	  "largest request body in bytes (413 past it)")                      \
	X("session-ttl", session_ttl, INT, "43200", 60, 2592000,              \
	  "seconds a login session lasts")                                    \
	X("login-max-failures", login_max_failures, INT, "5", 1, 1000,        \
	  "failed logins before the lock-out")                                \
	X("login-window", login_window, INT, "900", 1, 86400,                 \
	  "seconds over which failed logins count")                           \
	X("shutdown-grace", shutdown_grace, INT, "4500", 0, 60000,            \
	  "milliseconds to let requests finish on SIGTERM")                   \
	X("files", files, STR, NULL, 0, 0,                                    \
	  "folder of attachments (default: the database path + .files)")    \
	X("site", site, STR, NULL, 0, 0,                                      \
	  "folder of the city's own files served at /site/NAME (notices, "   \
	  "logos; flat, by extension)")                                     \
	X("photo-limit", photo_limit, INT, "8388608", 1024, 1073741824,       \
	  "largest photo in bytes")                                          \
	X("city-margin", city_margin, INT, "2000", 0, 100000,                 \
	  "metres around the unit grids where reports' points are taken; "  \
	  "farther is 400")                                                 \
	X("tls-cert", tls_cert, STR, NULL, 0, 0,                              \
	  "serve HTTPS with this certificate chain (PEM file; needs "       \
	  "--tls-key)")                                                     \
	X("tls-key", tls_key, STR, NULL, 0, 0,                                \
	  "the certificate's private key (PEM file)")                       \
	X("cookie-secure", cookie_secure, BOOL, NULL, 0, 0,                   \
	  "mark the session cookie Secure (behind HTTPS)")                    \
	X("anonymous-reports", anonymous_reports, STR, "public", 0, 0,        \
	  "api_client account that reports without an api_key are filed "   \
	  "as (Open311, public pages); \"\" refuses them")                 \
	X("jurisdiction", jurisdiction, STR, "", 0, 0,                        \
	  "Open311 jurisdiction_id this server answers to (\"\": any "      \
	  "request without one)")                                           \
	X("public-url", public_url, STR, "", 0, 0,                            \
	  "base URL clients reach this server at, e.g. "                    \
	  "https://city.example/ (\"\": from the Host header)")             \
	X("ids-after-verify", ids_after_verify, BOOL, NULL, 0, 0,             \
	  "Open311 POST answers a token; the id is told once an inspector " \
	  "verified the report")                                            \
	X("open311-charset", open311_charset, BOOL, NULL, 0, 0,               \
	  "add \"; charset=utf-8\" to Open311 Content-Types")               \
	X("public-read-rate", public_read_rate, INT, "600", 0, 1000000,      \
	  "public reads per minute per client address (0: no limit)")       \
	X("public-write-rate", public_write_rate, INT, "30", 0, 1000000,     \
	  "public reports and updates per minute per client address")       \
	X("api-key-rate", api_key_rate, INT, "600", 0, 1000000,              \
	  "Open311 writes per minute per api_key")                          \
	X("trusted-proxy", trusted_proxy, STR, "", 0, 0,                      \
	  "reverse proxies (addresses or CIDR, comma separated) whose "      \
	  "X-Forwarded-For names the client")                              \
	X("events-max", events_max, INT, "200", 0, 100000,                    \
	  "live streams (GET /api/v1/events) open at once; 0: none")        \
	X("group-max", group_max, INT, "64", 1, 10000,                        \
	  "write transactions gathered into one durable commit at most")    \
	X("group-wait-us", group_wait_us, INT, "2000", 1, 1000000,            \
	  "microseconds a commit's first write may wait for more to join")  \
	X("tiles", tiles, STR, NULL, 0, 0,                                    \
	  "an intranet tile server for the console's maps, as a URL "       \
	  "template: http(s)://host[:port]/.../{z}/{x}/{y}.png")             \
	X("tiles-crs", tiles_crs, STR, "wgs84", 0, 0,                         \
	  "the tiles' coordinate system: wgs84, or gcj02 (Chinese map "     \
	  "tiles: points and grids are shifted to match)")                  \
	X("notify-command", notify_command, STR, NULL, 0, 0,                  \
	  "run this (with /bin/sh) for each case dispatched, returned, "     \
	  "supervised or with an extension asked: the notice as JSON on "   \
	  "its stdin (docs/operations.md)")                                 \
	X("notify-timeout", notify_timeout, INT, "30", 1, 3600,               \
	  "seconds a notify command may run before it is stopped")          \
	X("track-retention-days", track_retention_days, INT, "180", 1, 36500, \
	  "keep inspectors' track points this many days (docs/patrol.md)")  \
	X("report-schedule-at", report_schedule_at, STR, NULL, 0, 0,           \
	  "run the reports' schedule once at start as if the clock read "   \
	  "this ISO 8601 instant (tests; docs/reports.md)")                 \
	X("demo-live", demo_live, BOOL, NULL, 0, 0,                           \
	  "keep the demo city moving: file reports and move cases along as "\
	  "the demo's users (a database made by `urbangrid demo` only)")   \
	X("demo-live-rate", demo_live_rate, INT, "6", 1, 6000,                \
	  "--demo-live's moves a minute (a report or a case's step)")       \
	X("demo-live-anytime", demo_live_anytime, BOOL, NULL, 0, 0,           \
	  "--demo-live also outside the working calendar's hours")          \
	X("quiet", quiet, BOOL, NULL, 0, 0, "log warnings and errors only")   \
	X("log-json", log_json, BOOL, NULL, 0, 0,                             \
	  "log one JSON object a line (time, level, request_id, message)")

#define FLAG_ARG_STR "VALUE"
#define FLAG_ARG_INT "N"
#define FLAG_ARG_BOOL NULL
#define AS_FLAG(flag, cname, kind, deflt, lo, hi, help) \
	{ flag, FLAG_ARG_##kind, help, deflt },

const struct cli_flag serve_flags[] = { SERVE_SETTINGS(AS_FLAG) };
const int serve_nflags = sizeof serve_flags / sizeof serve_flags[0];
/* The parser keeps one value slot per flag (cli.h). */
_Static_assert(sizeof serve_flags / sizeof serve_flags[0] <= CLI_FLAGS_MAX,
	       "serve has more flags than CLI_FLAGS_MAX");

#define TYPE_STR const char *
#define TYPE_INT long
#define TYPE_BOOL int
#define AS_MEMBER(flag, cname, kind, deflt, lo, hi, help) TYPE_##kind cname;

struct serve_settings {
	SERVE_SETTINGS(AS_MEMBER)
};

static int parse_long(const char *flag, const char *s, long lo, long hi,
		      long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "urbangrid serve: --%s must be a whole number "
				"from %ld to %ld, got %s\n", flag, lo, hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

#define PARSE_STR(flag, cname, lo, hi) s->cname = cli_get(a, flag);
#define PARSE_BOOL(flag, cname, lo, hi) s->cname = cli_get(a, flag) != NULL;
#define PARSE_INT(flag, cname, lo, hi)                                   \
	if (parse_long(flag, cli_get(a, flag), lo, hi, &s->cname) != 0) \
		return -1;
#define AS_PARSE(flag, cname, kind, deflt, lo, hi, help) \
	PARSE_##kind(flag, cname, lo, hi)

static int settings_parse(const struct cli_args *a, struct serve_settings *s)
{
	SERVE_SETTINGS(AS_PARSE)
	return 0;
}

/* Split "HOST:PORT" / "[V6]:PORT". */
static int split_listen(const char *listen, char *host, size_t hostsz,
			int *port)
{
	const char *colon = strrchr(listen, ':');
	const char *h = listen;
	char *end;
	size_t hl;
	long p;

	if (!colon)
		return -1;
	hl = (size_t)(colon - listen);
	if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= hostsz)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	/* Not parse_long(): it prints, and the caller prints the one line. */
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

/*
 * Chores of a quiet server: catch up with the working calendar (a change
 * through the CLI reaches the table even without requests) and, once a
 * local day, say in the log when next year's holidays are still
 * provisional (from 1 November: domain/calendar/workcal.h) - the people who read
 * the log are the ones who can import the notice.
 */
/* Returns 1 when there is more to do soon (a full batch of overdue
 * stages was noted: the backlog is taken a batch a second). */
/* What is kept for a while only: the answers of idempotency keys
 * (48 h) and the track points (--track-retention-days), in one write
 * transaction so that it queues with the requests' writes. */
static void prune(struct db *db, int track_days, int64_t now)
{
	struct ug_error err;
	int64_t answers = 0, points = 0;
	int rc;

	ug_error_clear(&err);
	if ((rc = db_begin_write(db, &err)) == 0 &&
	    (rc = idem_prune(db, now, &answers, &err)) == 0)
		rc = patrol_prune(db, track_days, now, &points, &err);
	if (db_depth(db) && (rc = db_end(db, rc, &err)))
		points = answers = 0;
	if (rc)
		log_warn("pruning: %s", err.message);
	else if (points)
		log_info("pruned %lld track point(s) older than %d days",
			 (long long)points, track_days);
}

/* The reports due now that no server has made yet (docs/reports.md). */
static void scheduled_reports(struct app *app, struct db *db,
			      const struct case_env *cases, int64_t now)
{
	struct report_env env = { cases, app->files_dir, now };
	char holder[128], host[64] = "";
	struct ug_error err;
	int made = 0;

	gethostname(host, sizeof host - 1);
	snprintf(holder, sizeof holder, "%ld@%s", (long)getpid(), host);
	ug_error_clear(&err);
	if (report_schedule_run(db, &env, holder, &made, &err))
		log_warn("scheduled reports: %s", err.message);
	else if (made)
		log_info("%d scheduled report(s) made", made);
}

static int housekeeping(struct app *app, int64_t *warned_day, int track_days,
			int64_t schedule_from_us, int64_t *schedule_at)
{
	const struct livecal_view *v;
	struct workcal_notice notice;
	struct case_env cases;
	struct ug_error err;
	struct db *db;
	int64_t now = ug_now_s(), day;
	long noted = 0;

	ug_error_clear(&err);
	if (db_pool_acquire(app->pool, &db, &err))
		return 0;
	/* Reloads the working calendar when it changed, and holds it while
	 * the running stages past their deadline are noted overdue. */
	v = app_calendar_hold(app, db, "chores", &cases);
	if (v && case_overdue_sweep(db, &cases, now, &noted, &err))
		log_warn("overdue cases not noted: %s", err.message);
	else if (noted)
		log_info("%ld case stage(s) went overdue", noted);
	prune(db, track_days, now);
	/* The schedule waits out a server's first two minutes (a server
	 * started for a moment - a test, a check - makes no report), or
	 * runs once at the instant serve --report-schedule-at gives. */
	if (v && *schedule_at) {
		scheduled_reports(app, db, &cases, *schedule_at);
		*schedule_at = 0;
	} else if (v && ug_monotonic_us() >= schedule_from_us) {
		scheduled_reports(app, db, &cases, now);
	}
	db_pool_release(app->pool, db);
	if (!v)
		return 0;
	day = (now + v->utc_offset) / 86400;
	if (day != *warned_day &&
	    workcal_notice(v->calendar, v->utc_offset, now, &notice)) {
		log_warn("calendar: %s", notice.message);
		*warned_day = day;
	}
	app_calendar_release(app, v);
	return noted == CASE_OVERDUE_BATCH;
}

/* Check serve --tiles: an http(s) URL template with {z}, {x} and {y} and
 * nothing that could break out of the console's CSP header; its origin
 * (scheme://host[:port]) into origin.  0, or -1 with the reason printed. */
static int tiles_check(const char *url, const char *crs, char *origin,
		       size_t n)
{
	const char *host, *end;

	if (strcmp(crs, "wgs84") != 0 && strcmp(crs, "gcj02") != 0) {
		fprintf(stderr, "urbangrid serve: --tiles-crs is wgs84 or gcj02, "
				"got %s\n", crs);
		return -1;
	}
	host = strncmp(url, "https://", 8) == 0 ? url + 8
	       : strncmp(url, "http://", 7) == 0 ? url + 7
						   : NULL;
	if (!host || !strstr(url, "{z}") || !strstr(url, "{x}") ||
	    !strstr(url, "{y}") || strpbrk(url, " \t\r\n;,'\"\\") ||
	    strlen(url) > 1000) {
		fprintf(stderr, "urbangrid serve: --tiles must be an http(s) "
				"URL template with {z}, {x} and {y}, e.g. "
				"http://tiles.city.lan/{z}/{x}/{y}.png\n");
		return -1;
	}
	end = strchr(host, '/');
	if (!end || end == host || (size_t)(end - url) >= n) {
		fprintf(stderr, "urbangrid serve: --tiles has no host\n");
		return -1;
	}
	snprintf(origin, n, "%.*s", (int)(end - url), url);
	return 0;
}

/*
 * The live streams (GET /api/v1/events) sleep until the history of cases
 * grows: every tick, the latest history line's id is read (one indexed
 * MAX, through the pool) and, when it moved - a change here, on the
 * command line or on another server of the same database - or every
 * EVENTS_KEEPALIVE_TICKS, the streams are woken.
 */
#define EVENTS_TICK_MS 400
#define EVENTS_KEEPALIVE_TICKS (5000 / EVENTS_TICK_MS) /* h_events.c */

/* The free pages the heaps keep (M_TRIM_THRESHOLD, below) go back to
 * the system once the resident size has grown HEAP_SLACK_BYTES past the
 * lowest it was since they last did, and at least every HEAP_TRIM_MS.
 * Trimming at every free cost intake a fifth of its time; never trimming
 * let a burst (the daily reports rendered, a run of large answers) raise
 * the resident size for good: a 30-minute soak stepped up 11.5 MB and
 * stayed (bench/README.md, soak.sh).  The clock catches the end of a
 * burst: a trim in the middle of one sees its memory in use and sets the
 * floor high. */
#define HEAP_SLACK_BYTES ((size_t)4 << 20)
#define HEAP_TRIM_MS 10000

struct heap_watch {
	size_t floor;     /* the lowest resident size since the last trim */
	int64_t trim_at;  /* the next trim by the clock, monotonic us */
};

/* The resident size, bytes (/proc/self/statm); 0 when unreadable. */
static size_t resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, pages = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &pages) != 2)
		pages = 0;
	fclose(f);
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/* Called every tick.  malloc_trim(0) walks the heaps' free chunks and
 * releases their whole pages: 3-15 ms under the soak's load (measured),
 * holding each heap's lock meanwhile - so not at every tick. */
static void heap_keep_bounded(struct heap_watch *w)
{
	size_t rss = resident_bytes();
	int64_t now = ug_monotonic_us();

	if (!rss)
		return;
	if (!w->floor || rss < w->floor)
		w->floor = rss;
	if (rss - w->floor < HEAP_SLACK_BYTES && now < w->trim_at)
		return;
	malloc_trim(0);
	w->floor = resident_bytes();
	w->trim_at = now + HEAP_TRIM_MS * 1000LL;
}

struct events_watch {
	int64_t latest;
	long ticks;
};

static void events_tick(struct app *app, struct http_server *server,
			struct events_watch *w)
{
	struct ug_error err;
	struct db *db;
	int64_t latest = w->latest;

	ug_error_clear(&err);
	if (db_pool_acquire(app->pool, &db, &err) == 0) {
		if (case_changes_latest(db, &latest, &err))
			log_warn("live streams: %s", err.message);
		db_pool_release(app->pool, db);
	}
	if (latest != w->latest || ++w->ticks >= EVENTS_KEEPALIVE_TICKS) {
		w->latest = latest;
		w->ticks = 0;
		http_server_wake(server);
	}
}

/* serve --demo-live: refuse a database that is not a demo one (said on
 * stderr, non-zero), else the moving demo in *out. */
static int demo_live_start(struct app *app, const struct serve_settings *set,
			   struct demo_live **out)
{
	struct demo_live_config cfg = { (double)set->demo_live_rate,
					set->demo_live_anytime,
					app->files_dir, 0 };
	struct ug_error err;
	struct db *db;
	int rc;

	ug_error_clear(&err);
	if ((rc = db_pool_acquire(app->pool, &db, &err)) == 0) {
		rc = demo_live_new(db, &cfg, ug_now_s(), ug_monotonic_us(), out,
				   &err);
		db_pool_release(app->pool, db);
	}
	if (rc)
		fprintf(stderr, "urbangrid serve: --demo-live: %s\n",
			err.message);
	return rc;
}

/* The moves of the demo due now, with the working calendar of now; or
 * (stopping) the end of its inspectors' shifts. */
static void demo_live_run(struct app *app, struct demo_live *live,
			  int stopping)
{
	const struct livecal_view *v;
	struct case_env cases;
	struct ug_error err;
	struct db *db;

	ug_error_clear(&err);
	if (db_pool_acquire(app->pool, &db, &err))
		return;
	v = app_calendar_hold(app, db, "demo-live", &cases);
	if (stopping)
		demo_live_stop(live, db, &cases, ug_now_s());
	else if (demo_live_tick(live, db, &cases, ug_now_s(),
				ug_monotonic_us(), &err))
		log_warn("demo-live: %s", err.message);
	if (v)
		app_calendar_release(app, v);
	db_pool_release(app->pool, db);
}

/* Start the metrics listener on `listen` (HOST:PORT), whose own app
 * serves the metrics door alone and reads the numbers of `observed`;
 * its address goes to stdout after the main one's ("metrics on ...").
 * Non-zero, said on stderr, when it cannot. */
static int metrics_start(const char *listen, const struct app *observed,
			 struct app *mapp, struct http_server **out)
{
	struct http_server_config mc;
	struct ug_error err;
	char host[256];
	int port;

	ug_error_clear(&err);
	if (split_listen(listen, host, sizeof host, &port)) {
		fprintf(stderr, "urbangrid serve: --metrics-listen must be "
				"HOST:PORT, got %s\n", listen);
		return -1;
	}
	memset(mapp, 0, sizeof *mapp);
	mapp->doors = metrics_doors;
	mapp->pool = observed->pool;
	mapp->observed = observed;
	memset(&mc, 0, sizeof mc);
	mc.host = host;
	mc.port = port;
	mc.body_limit = 1024; /* GET only */
	mc.threads = 1;
	mc.app = web_serve;
	mc.app_ctx = mapp;
	mc.per_peer_connections = 8;
	if (http_server_start(&mc, out, &err)) {
		fprintf(stderr, "urbangrid serve: --metrics-listen: %s\n",
			err.message);
		return -1;
	}
	printf("metrics on http://%s%s%s:%d/metrics\n",
	       strchr(host, ':') ? "[" : "", host,
	       strchr(host, ':') ? "]" : "", http_server_port(*out));
	fflush(stdout);
	return 0;
}

int cmd_serve(struct cli_args *a)
{
	struct serve_settings set;
	struct http_server_config hc;
	struct http_server *server = NULL, *metrics_server = NULL;
	struct app metrics_app;
	struct db_open_options opt = { .busy_timeout_ms = 5000, .background_checkpoint = 1 };
	struct app app;
	struct ug_error err;
	struct db *db;
	char host[256], spill_dir[4096];
	struct buf files_default = BUF_INIT, public_url = BUF_INIT;
	struct buf tls_cert = BUF_INIT, tls_key = BUF_INIT;
	struct forwarded_proxies proxies;
	sigset_t sigs;
	struct timespec tick = { 0, EVENTS_TICK_MS * 1000000L };
	struct events_watch watch = { -1, 0 };
	struct notifier *notifier = NULL;
	struct demo_live *live = NULL;
	struct demo_live_stats lived;
	int64_t chores_at = 0, schedule_at = 0;
	struct heap_watch heap = { 0, 0 };
	int64_t schedule_from_us = ug_monotonic_us() + 120 * 1000000LL;
	char when[32];
	int64_t warned_day = -1;
	int port, sig, left, rc;

	ug_error_clear(&err);
	memset(&app, 0, sizeof app);
	app.doors = serve_doors;
	if (settings_parse(a, &set))
		return EXIT_USAGE;
	if (set.report_schedule_at &&
	    iso8601_parse(set.report_schedule_at, &schedule_at)) {
		fprintf(stderr, "urbangrid serve: --report-schedule-at is an "
				"ISO 8601 instant, got %s\n",
			set.report_schedule_at);
		return EXIT_USAGE;
	}
	if (web_doors_check(serve_doors, &err))
		return cli_fail(&err);
	if (split_listen(set.listen, host, sizeof host, &port)) {
		fprintf(stderr, "urbangrid serve: --listen must be HOST:PORT, "
				"got %s\n", set.listen);
		return EXIT_USAGE;
	}
	if (forwarded_parse(set.trusted_proxy, "--trusted-proxy", &proxies,
			    &err)) {
		fprintf(stderr, "urbangrid serve: %s\n", err.message);
		return EXIT_USAGE;
	}
	opt.group_max = (int)set.group_max;
	opt.group_wait_us = (int)set.group_wait_us;
	log_set_json(set.log_json);
	if (set.quiet)
		log_set_level(LOG_WARN);
	/* Block the stop signals before any thread starts (the pool's
	 * checkpoint thread, MHD's workers: threads inherit the mask), and
	 * wait for them in this one.  A thread started earlier would take a
	 * SIGTERM with its default action and kill the process mid-request. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit (ulimit -f) must be a failed write - a full
	 * disk, answered 503 - not the end of the server. */
	signal(SIGXFSZ, SIG_IGN);
	/* glibc trims and regrows the worker threads' heaps around every
	 * request (mmap/munmap churn measured at a fifth of intake time);
	 * keep up to 64 MiB of free heap instead, and give the free pages
	 * back from the wait loop below when they add up (heap_keep_bounded). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	/* Blocks from 256 KiB up (SQLite's sort buffers of a large ORDER
	 * BY, up to 512 KiB, 44 a second in the soak) are mapped on their
	 * own and unmapped when freed, instead of leaving holes of that
	 * size in the heaps; intake allocates nothing that large. */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	/* ... and each heap of its own: glibc gives threads up to 8 heaps a
	 * core, so 32 workers on 2 cores could keep 16 x 64 MiB.  A 30-minute
	 * soak grew the server's memory with them (bench/README.md, soak):
	 * the heaps are bounded here, by default to 2. */
	if (set.malloc_arenas > 0)
		mallopt(M_ARENA_MAX, (int)set.malloc_arenas);
	/* Refuse to serve a database this binary did not migrate; read the
	 * working calendar and the spatial index while it is open.  Both are
	 * kept current by revision afterwards (livecal.h, spatial.h): a
	 * change through the CLI or the API needs no restart. */
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	rc = livecal_open(db, ug_now_s(), &app.calendar, &err);
	if (rc == 0)
		rc = spatial_open(db, &app.spatial, &err);
	db_close(db);
	if (rc) {
		livecal_free(app.calendar);
		return cli_fail(&err);
	}
	/* Each request takes its calendar and offset from app.calendar. */
	case_env_defaults(&app.cases, NULL);
	app.cases.spatial = app.spatial;
	app.cases.city_margin_m = (double)set.city_margin;
	if (db_pool_create(cli_db_location(a), &opt, &app.pool, &err)) {
		livecal_free(app.calendar);
		spatial_free(app.spatial);
		return cli_fail(&err);
	}
	auth_config_defaults(&app.auth);
	app.auth.session_ttl = set.session_ttl;
	app.auth.max_failures = (int)set.login_max_failures;
	app.auth.failure_window = set.login_window;
	app.cookie_secure = set.cookie_secure;
	app.photo_limit = (size_t)set.photo_limit;
	app.pub.env.cases = &app.cases;
	app.pub.env.photo_limit = app.photo_limit;
	app.pub.env.ids_after_verify = set.ids_after_verify;
	app.pub.anonymous_user = set.anonymous_reports;
	app.pub.jurisdiction = set.jurisdiction;
	/* Links are written as base + "open311/v2/…": end it with '/'. */
	if (*set.public_url &&
	    set.public_url[strlen(set.public_url) - 1] != '/') {
		buf_printf(&public_url, "%s/", set.public_url);
		app.pub.base_url = buf_str(&public_url);
	} else {
		app.pub.base_url = set.public_url;
	}
	app.pub.charset = set.open311_charset;
	/* A burst of a tenth of a minute's worth, at least a few. */
	app.pub.reads = ratelimit_new((double)set.public_read_rate,
				      fmax(10, set.public_read_rate / 10.0));
	app.pub.writes = ratelimit_new((double)set.public_write_rate,
				       fmax(5, set.public_write_rate / 10.0));
	app.pub.keys = ratelimit_new((double)set.api_key_rate,
				     fmax(10, set.api_key_rate / 10.0));
	/* 1,024 answers of at most the megabytes given, each for 30 s at
	 * most (the lists' 90-day window moves with the clock). */
	if (set.public_cache_mb)
		app.pub.answers = anscache_new(
			1024, (size_t)set.public_cache_mb << 20, 30000);
	if (!app.pub.reads || !app.pub.writes || !app.pub.keys ||
	    (set.public_cache_mb && !app.pub.answers)) {
		fprintf(stderr, "urbangrid serve: out of memory\n");
		rc = EXIT_RUNTIME;
		goto stop;
	}
	if (set.files) {
		app.files_dir = set.files;
	} else {
		buf_printf(&files_default, "%s.files", cli_db_location(a));
		app.files_dir = buf_str(&files_default);
	}
	app.pub.env.files_dir = app.files_dir;
	app.site_dir = set.site;
	if (set.tiles && *set.tiles) {
		if (tiles_check(set.tiles, set.tiles_crs, app.tiles.origin,
				sizeof app.tiles.origin)) {
			rc = EXIT_USAGE;
			goto stop;
		}
		app.tiles.url = set.tiles;
		app.tiles.crs = set.tiles_crs;
	}
	app.events_max = (int)set.events_max;

	memset(&hc, 0, sizeof hc);
	hc.host = host;
	hc.port = port;
	hc.body_limit = (size_t)set.body_limit;
	hc.threads = (int)set.threads;
	hc.app = web_serve;
	hc.app_ctx = &app;
	hc.trusted_proxies = &proxies;
	hc.per_peer_connections = (int)set.peer_connections;
	hc.header_timeout_ms = set.header_timeout * 1000;
	hc.request_timeout_ms = set.request_timeout * 1000;
	/* Large bodies wait beside the database: a disk the operator sized
	 * for the city's data (a tmpfs /tmp would hold them in memory). */
	{
		const char *loc = cli_db_location(a);
		const char *slash = strrchr(loc, '/');

		if (!slash)
			snprintf(spill_dir, sizeof spill_dir, ".");
		else if (slash == loc)
			snprintf(spill_dir, sizeof spill_dir, "/");
		else
			snprintf(spill_dir, sizeof spill_dir, "%.*s",
				 (int)(slash - loc), loc);
		hc.spill_dir = spill_dir;
	}
	/* HTTPS: both files or neither; the session cookie is then Secure
	 * whatever --cookie-secure says. */
	if (!set.tls_cert != !set.tls_key) {
		fprintf(stderr, "urbangrid serve: --tls-cert and --tls-key go "
				"together\n");
		rc = EXIT_USAGE;
		goto stop;
	}
	if (set.tls_cert) {
		if (buf_read_file(&tls_cert, set.tls_cert, &err) ||
		    buf_read_file(&tls_key, set.tls_key, &err)) {
			rc = cli_fail(&err);
			goto stop;
		}
		hc.tls_cert_pem = buf_str(&tls_cert);
		hc.tls_key_pem = buf_str(&tls_key);
		app.cookie_secure = 1;
	}
	if (set.notify_command && *set.notify_command) {
		/* From now on: a restarted server does not send again what
		 * an earlier one may have sent. */
		int64_t latest = 0;

		if (db_pool_acquire(app.pool, &db, &err) == 0) {
			if (case_changes_latest(db, &latest, &err))
				log_warn("notify: %s", err.message);
			db_pool_release(app.pool, db);
		}
		notifier = notifier_new(set.notify_command, latest,
					(int)set.notify_timeout,
					app.cases.utc_offset);
		if (!notifier) {
			fprintf(stderr, "urbangrid serve: out of memory\n");
			rc = EXIT_RUNTIME;
			goto stop;
		}
	}
	if (set.metrics_listen) {
		app.metrics = metrics_new(serve_doors);
		if (!app.metrics) {
			fprintf(stderr, "urbangrid serve: out of memory\n");
			rc = EXIT_RUNTIME;
			goto stop;
		}
	}
	if (set.demo_live && demo_live_start(&app, &set, &live)) {
		rc = EXIT_USAGE;
		goto stop;
	}
	if (http_server_start(&hc, &server, &err)) {
		rc = cli_fail(&err);
		goto stop;
	}
	log_info("urbangrid %s serving %s on %s://%s%s%s:%d/", UG_VERSION,
		 cli_db_location(a), set.tls_cert ? "https" : "http",
		 strchr(host, ':') ? "[" : "", host,
		 strchr(host, ':') ? "]" : "", http_server_port(server));
	/* The first line on stdout says where we listen: tests and scripts
	 * that ask for port 0 read it from here. */
	printf("listening on %s://%s%s%s:%d/\n", set.tls_cert ? "https" : "http",
	       strchr(host, ':') ? "[" : "", host,
	       strchr(host, ':') ? "]" : "", http_server_port(server));
	fflush(stdout);
	if (set.metrics_listen &&
	    metrics_start(set.metrics_listen, &app, &metrics_app,
			  &metrics_server)) {
		rc = EXIT_USAGE;
		goto stop;
	}

	if (ug_test_clock())
		log_warn("URBANGRID_TEST_CLOCK is set: the clock reads %s",
			 ug_time_format_s(ug_now_s(), when, sizeof when));
	/* Wait for a stop signal; meanwhile, every tick, wake the live
	 * streams when there is news, hand the notable changes to the
	 * notify command and, once a minute, the chores no request may be
	 * there to trigger. */
	for (;;) {
		if (ug_monotonic_us() >= chores_at)
			chores_at = ug_monotonic_us() +
				    (housekeeping(&app, &warned_day,
						  (int)set.track_retention_days,
						  schedule_from_us,
						  &schedule_at)
					     ? 1
					     : 60) *
					    1000000LL;
		heap_keep_bounded(&heap);
		events_tick(&app, server, &watch);
		http_server_reap(server);
		if (notifier)
			notifier_tick(notifier, app.pool);
		if (live)
			demo_live_run(&app, live, 0);
		sig = sigtimedwait(&sigs, NULL, &tick);
		if (sig > 0)
			break;
	}
	log_info("signal %d: stopping, letting requests in flight finish", sig);
	if (metrics_server)
		http_server_stop(metrics_server, 500);
	left = http_server_stop(server, (int)set.shutdown_grace);
	if (left)
		log_warn("%d request(s) were cut off at shutdown", left);
	if (live) {
		demo_live_run(&app, live, 1);
		demo_live_get_stats(live, &lived);
		log_info("demo-live: %lld report(s), %lld action(s), %lld "
			 "photo(s), %lld track point(s), %lld move(s) failed",
			 (long long)lived.reports, (long long)lived.actions,
			 (long long)lived.photos, (long long)lived.points,
			 (long long)lived.failures);
	}
	log_info("stopped");
	rc = EXIT_OK;
stop:
	if (server && rc != EXIT_OK)
		http_server_stop(server, 0);
	metrics_free(app.metrics);
	notifier_free(notifier, 2000);
	demo_live_free(live);
	db_pool_destroy(app.pool);
	livecal_free(app.calendar);
	spatial_free(app.spatial);
	ratelimit_free(app.pub.reads);
	ratelimit_free(app.pub.writes);
	ratelimit_free(app.pub.keys);
	anscache_free(app.pub.answers);
	buf_free(&files_default);
	buf_free(&public_url);
	buf_free(&tls_cert);
	if (tls_key.data) /* the private key leaves no copy behind */
		sodium_memzero(tls_key.data, tls_key.cap);
	buf_free(&tls_key);
	return rc;
}
