/*
 * metrics.c - request counters and latency histograms, the process's own
 * numbers, and GET /metrics (see metrics.h).
 *
 * The text format (Prometheus exposition format 0.0.4): for each metric
 * a "# HELP" and a "# TYPE" line, then one "name{labels} value" line per
 * series.  A histogram is its cumulative buckets (le="..."), the +Inf
 * bucket, _sum and _count.
 */
#include "web/metrics.h"

#include <dirent.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "domain/cases/view.h"
#include "lib/util.h"
#include "version.h"
#include "web/anscache.h"
#include "web/web.h"

/* Upper bounds of the latency buckets, in microseconds: from half a
 * millisecond (a cached read) to ten seconds (a large import). */
static const int64_t bucket_us[] = {
	500,    1000,   2500,    5000,    10000,   25000,   50000,
	100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
};
#define NBUCKETS (sizeof bucket_us / sizeof bucket_us[0])

/* Statuses 100-599, each its own series. */
#define STATUS_MIN 100
#define NSTATUS 500

struct route_counts {
	_Atomic uint64_t status[NSTATUS];
	_Atomic uint64_t bucket[NBUCKETS]; /* not cumulative: one per request */
	_Atomic uint64_t count;
	_Atomic uint64_t sum_us;
};

struct metrics {
	const struct web_door *const *doors;
	size_t ndoors;
	size_t *first; /* row of each door's first route; its unmatched row
			  is first[i] + nroutes */
	struct route_counts *rows;
};

struct metrics *metrics_new(const struct web_door *const *doors)
{
	struct metrics *m = calloc(1, sizeof *m);
	size_t nrows = 0;

	if (!m)
		return NULL;
	m->doors = doors;
	while (doors[m->ndoors])
		m->ndoors++;
	m->first = calloc(m->ndoors ? m->ndoors : 1, sizeof *m->first);
	if (!m->first) {
		free(m);
		return NULL;
	}
	for (size_t i = 0; i < m->ndoors; i++) {
		m->first[i] = nrows;
		nrows += doors[i]->nroutes + 1;
	}
	m->rows = calloc(nrows ? nrows : 1, sizeof *m->rows);
	if (!m->rows) {
		metrics_free(m);
		return NULL;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->rows);
	free(m->first);
	free(m);
}

void metrics_request(struct metrics *m, const struct web_door *door,
		     const struct web_route *r, int status, int64_t micros)
{
	struct route_counts *row = NULL;
	size_t b = 0;

	for (size_t i = 0; i < m->ndoors; i++) {
		if (m->doors[i] != door)
			continue;
		row = &m->rows[m->first[i] +
			       (r ? (size_t)(r - door->routes) : door->nroutes)];
		break;
	}
	if (!row)
		return;
	if (status >= STATUS_MIN && status < STATUS_MIN + NSTATUS)
		atomic_fetch_add_explicit(&row->status[status - STATUS_MIN], 1,
					  memory_order_relaxed);
	if (micros < 0)
		micros = 0;
	while (b < NBUCKETS && micros > bucket_us[b])
		b++;
	if (b < NBUCKETS)
		atomic_fetch_add_explicit(&row->bucket[b], 1,
					  memory_order_relaxed);
	atomic_fetch_add_explicit(&row->sum_us, (uint64_t)micros,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&row->count, 1, memory_order_relaxed);
}

/* "name{door="api",route="GET /x/{id}"" - the start of a series of route
 * row r of door d (route="" for the requests no route of the door
 * matched); the caller adds its own labels and "} value".  Patterns hold
 * no quote or backslash (they are the source's literals).  0 or -1. */
static int series(struct buf *out, const char *name, const struct web_door *d,
		  const struct web_route *r)
{
	return buf_printf(out, "%s{door=\"%s\",route=\"%s%s%s\"", name,
			  d->name, r ? r->p.method : "", r ? " " : "",
			  r ? r->p.pattern : "");
}

#define REQUESTS "urbangrid_http_requests_total"
#define DURATION "urbangrid_http_request_duration_seconds"

/* The series of one route row: its count by status... */
static int row_statuses(struct buf *out, const struct web_door *d,
			const struct web_route *r, const struct route_counts *row)
{
	int bad = 0;

	for (int s = 0; s < NSTATUS; s++) {
		uint64_t n = atomic_load_explicit(&row->status[s],
						  memory_order_relaxed);

		if (!n)
			continue;
		bad |= series(out, REQUESTS, d, r);
		bad |= buf_printf(out, ",status=\"%d\"} %llu\n", s + STATUS_MIN,
				  (unsigned long long)n);
	}
	return bad;
}

/* ...and its histogram (none for a row without requests). */
static int row_histogram(struct buf *out, const struct web_door *d,
			 const struct web_route *r, const struct route_counts *row)
{
	uint64_t count = atomic_load_explicit(&row->count, memory_order_relaxed);
	uint64_t cum = 0;
	int bad = 0;

	if (!count)
		return 0;
	for (size_t b = 0; b < NBUCKETS; b++) {
		cum += atomic_load_explicit(&row->bucket[b],
					    memory_order_relaxed);
		bad |= series(out, DURATION "_bucket", d, r);
		bad |= buf_printf(out, ",le=\"%g\"} %llu\n",
				  (double)bucket_us[b] / 1e6,
				  (unsigned long long)cum);
	}
	/* Counted apart from the buckets, so a scrape between a request's
	 * increments may see a bucket ahead of the count: +Inf (the count)
	 * is never below one. */
	if (count < cum)
		count = cum;
	bad |= series(out, DURATION "_bucket", d, r);
	bad |= buf_printf(out, ",le=\"+Inf\"} %llu\n",
			  (unsigned long long)count);
	bad |= series(out, DURATION "_sum", d, r);
	bad |= buf_printf(out, "} %.6f\n",
			  (double)atomic_load_explicit(&row->sum_us,
						       memory_order_relaxed) /
				  1e6);
	bad |= series(out, DURATION "_count", d, r);
	bad |= buf_printf(out, "} %llu\n", (unsigned long long)count);
	return bad;
}

typedef int (*row_fn)(struct buf *out, const struct web_door *d,
		      const struct web_route *r, const struct route_counts *row);

/* fn over every row: each route of each door, then the door's row of
 * requests no route matched. */
static int each_row(const struct metrics *m, struct buf *out, row_fn fn)
{
	int bad = 0;

	for (size_t i = 0; i < m->ndoors; i++) {
		const struct web_door *d = m->doors[i];

		for (size_t k = 0; k <= d->nroutes; k++)
			bad |= fn(out, d, k < d->nroutes ? &d->routes[k] : NULL,
				  &m->rows[m->first[i] + k]);
	}
	return bad;
}

int metrics_render_requests(const struct metrics *m, struct buf *out)
{
	int bad = buf_puts(out, "# HELP " REQUESTS " Requests answered, by "
				"door, route (empty: no route matched) and "
				"status.\n# TYPE " REQUESTS " counter\n");

	bad |= each_row(m, out, row_statuses);
	bad |= buf_puts(out, "# HELP " DURATION " Time from the request's "
			     "arrival in the dispatcher to its answer (a "
			     "stream: to its start).\n# TYPE " DURATION
			     " histogram\n");
	bad |= each_row(m, out, row_histogram);
	return bad ? UG_ENOMEM : 0;
}

/* Seconds since the epoch at which the machine booted (btime). */
static int boot_time(long long *out)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof line, f))
		found = sscanf(line, "btime %lld", out) == 1;
	fclose(f);
	return found ? 0 : -1;
}

/* The allocator's heaps: what is in use, and what is free but kept
 * (cmd_serve.c gives the free pages back now and then; glibc still
 * counts them as free here).  The resident size alone cannot tell a leak
 * from a burst the heaps kept (bench/README.md, soak.sh). */
static int heap_lines(struct buf *out)
{
	struct mallinfo2 mi = mallinfo2();

	return buf_printf(out,
			  "# HELP urbangrid_heap_bytes The allocator's heaps: "
			  "in use, and free but kept.\n"
			  "# TYPE urbangrid_heap_bytes gauge\n"
			  "urbangrid_heap_bytes{state=\"in_use\"} %zu\n"
			  "urbangrid_heap_bytes{state=\"free\"} %zu\n",
			  mi.uordblks + mi.hblkhd, mi.fordblks);
}

static int open_files(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

int metrics_render_process(struct buf *out)
{
	char stat[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	size_t len = f ? fread(stat, 1, sizeof stat - 1, f) : 0;
	long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	unsigned long long utime, stime, start, vsize;
	long long rss, btime;
	struct rlimit nofile;
	const char *p;
	int fds, bad = 0;

	if (f)
		fclose(f);
	stat[len] = '\0';
	/* After the command name, which may hold spaces and parentheses:
	 * fields 3 onwards (proc(5)). */
	p = strrchr(stat, ')');
	if (p && ticks > 0 &&
	    sscanf(p + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
		   "%*d %*d %*d %*d %*d %*d %llu %llu %lld",
		   &utime, &stime, &start, &vsize, &rss) == 5) {
		bad |= buf_printf(out,
			   "# HELP process_cpu_seconds_total User and system "
			   "CPU time spent.\n"
			   "# TYPE process_cpu_seconds_total counter\n"
			   "process_cpu_seconds_total %.2f\n"
			   "# HELP process_resident_memory_bytes Resident "
			   "memory size.\n"
			   "# TYPE process_resident_memory_bytes gauge\n"
			   "process_resident_memory_bytes %lld\n"
			   "# HELP process_virtual_memory_bytes Virtual "
			   "memory size.\n"
			   "# TYPE process_virtual_memory_bytes gauge\n"
			   "process_virtual_memory_bytes %llu\n",
			   (double)(utime + stime) / (double)ticks,
			   rss * (long long)page, vsize);
		if (boot_time(&btime) == 0)
			bad |= buf_printf(out,
				   "# HELP process_start_time_seconds Start "
				   "time since the epoch.\n"
				   "# TYPE process_start_time_seconds gauge\n"
				   "process_start_time_seconds %.2f\n",
				   (double)btime +
					   (double)start / (double)ticks);
	}
	fds = open_files();
	if (fds >= 0)
		bad |= buf_printf(out,
			   "# HELP process_open_fds Open file descriptors.\n"
			   "# TYPE process_open_fds gauge\n"
			   "process_open_fds %d\n",
			   fds);
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 &&
	    nofile.rlim_cur != RLIM_INFINITY)
		bad |= buf_printf(out,
			   "# HELP process_max_fds Limit of open file "
			   "descriptors.\n"
			   "# TYPE process_max_fds gauge\n"
			   "process_max_fds %llu\n",
			   (unsigned long long)nofile.rlim_cur);
	bad |= heap_lines(out);
	return bad ? UG_ENOMEM : 0;
}

/* ---- GET /metrics ---- */

static int case_stat_line(void *ctx, const char *state, const char *light,
			  int64_t n)
{
	return buf_printf(ctx, "urbangrid_open_cases{state=\"%s\",light=\"%s\"} %lld\n",
		   state, light, (long long)n) ? UG_ENOMEM : 0;
}

/* The group commit's work (store/db.h): write transactions, the engine
 * commits that carried them (their ratio is the mean batch), the largest
 * batch, the time spent committing and the turns on the writer (the
 * time write transactions held it).  All 0 for an engine that
 * commits each connection on its own. */
static int render_group_commit(struct db_pool *pool, struct buf *out)
{
	struct db_pool_stats st;

	db_pool_stats(pool, &st);
	return buf_printf(
		out,
		"# HELP urbangrid_db_transactions_total Write transactions "
		"committed through the group commit.\n"
		"# TYPE urbangrid_db_transactions_total counter\n"
		"urbangrid_db_transactions_total %lld\n"
		"# HELP urbangrid_db_commits_total Engine commits (syncs) that "
		"carried them: transactions / commits is the mean batch.\n"
		"# TYPE urbangrid_db_commits_total counter\n"
		"urbangrid_db_commits_total %lld\n"
		"# HELP urbangrid_db_batch_max The most transactions one "
		"commit carried.\n"
		"# TYPE urbangrid_db_batch_max gauge\n"
		"urbangrid_db_batch_max %lld\n"
		"# HELP urbangrid_db_commit_seconds_total Time spent in the "
		"engine's commits.\n"
		"# TYPE urbangrid_db_commit_seconds_total counter\n"
		"urbangrid_db_commit_seconds_total %.6f\n"
		"# HELP urbangrid_db_turn_seconds_total Time the write "
		"transactions held the writer connection, one turn each.\n"
		"# TYPE urbangrid_db_turn_seconds_total counter\n"
		"urbangrid_db_turn_seconds_total %.6f\n"
		"# HELP urbangrid_db_turns_total Turns on the writer.\n"
		"# TYPE urbangrid_db_turns_total counter\n"
		"urbangrid_db_turns_total %lld\n"
		"# HELP urbangrid_db_log_restarts_total Times the write-ahead "
		"log was started over by the checkpointer.\n"
		"# TYPE urbangrid_db_log_restarts_total counter\n"
		"urbangrid_db_log_restarts_total %lld\n"
		"# HELP urbangrid_db_log_restart_seconds_total Time the "
		"writers were held off for those restarts.\n"
		"# TYPE urbangrid_db_log_restart_seconds_total counter\n"
		"urbangrid_db_log_restart_seconds_total %.6f\n",
		(long long)st.transactions, (long long)st.commits,
		(long long)st.max_batch, (double)st.commit_us / 1e6,
		(double)st.turn_us / 1e6, (long long)st.turns,
		(long long)st.log_restarts, (double)st.log_restart_us / 1e6);
}

/* The rows kept in memory under the configuration's revision
 * (store/cached.h): asks answered from memory, and asks that read the
 * database (a change, a first ask, a row pushed out, a write
 * transaction's). */
static int render_memo(struct db_pool *pool, struct buf *out)
{
	uint64_t hits, misses;

	db_pool_memo_counts(pool, &hits, &misses);
	return buf_printf(
		out,
		"# HELP urbangrid_db_cached_total Asks for a token, category, "
		"standard, time limits or division, by whether a copy kept "
		"under the current configuration revision answered.\n"
		"# TYPE urbangrid_db_cached_total counter\n"
		"urbangrid_db_cached_total{result=\"hit\"} %llu\n"
		"urbangrid_db_cached_total{result=\"miss\"} %llu\n",
		(unsigned long long)hits, (unsigned long long)misses);
}

/* The numbers of the app this listener observes (c->app->observed): its
 * requests, its pool and streams, the cases, the process. */
static void h_metrics(struct web_ctx *c)
{
	const struct app *app = c->app->observed ? c->app->observed : c->app;
	struct buf *out = &c->resp->body;
	struct ug_error err;
	size_t idle = 0, busy = 0;
	int bad = 0;

	ug_error_clear(&err);
	bad |= buf_printf(out,
		   "# HELP urbangrid_build_info The running version.\n"
		   "# TYPE urbangrid_build_info gauge\n"
		   "urbangrid_build_info{version=\"%s\"} 1\n",
		   UG_VERSION);
	if (app->metrics)
		bad |= metrics_render_requests(app->metrics, out);
	db_pool_connections(app->pool, &idle, &busy);
	bad |= render_group_commit(app->pool, out);
	bad |= render_memo(app->pool, out);
	if (app->pub.answers)
		bad |= buf_printf(
			out,
			"# HELP urbangrid_public_answers_before_total Public "
			"answers given from the version before while the "
			"first asker of a new one made it.\n"
			"# TYPE urbangrid_public_answers_before_total counter\n"
			"urbangrid_public_answers_before_total %llu\n",
			(unsigned long long)anscache_stale_served(
				app->pub.answers));
	/* This request's own connection is one of the busy. */
	bad |= buf_printf(out,
		   "# HELP urbangrid_db_connections Database connections "
		   "of the pool, idle or handed out to a request.\n"
		   "# TYPE urbangrid_db_connections gauge\n"
		   "urbangrid_db_connections{state=\"idle\"} %zu\n"
		   "urbangrid_db_connections{state=\"busy\"} %zu\n"
		   "# HELP urbangrid_live_streams Open live-event streams "
		   "(GET /api/v1/events).\n"
		   "# TYPE urbangrid_live_streams gauge\n"
		   "urbangrid_live_streams %d\n"
		   "# HELP urbangrid_live_streams_max Their limit "
		   "(serve --events-max).\n"
		   "# TYPE urbangrid_live_streams_max gauge\n"
		   "urbangrid_live_streams_max %d\n"
		   "# HELP urbangrid_open_cases Open cases by state and "
		   "traffic light now.\n"
		   "# TYPE urbangrid_open_cases gauge\n",
		   idle, busy, atomic_load(&app->events_open), app->events_max);
	if (case_stats_city(c->db, ug_now_s(), case_stat_line, out, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	bad |= metrics_render_process(out);
	if (bad) {
		reply_error(c, 500, "internal", "out of memory", NULL);
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

static void metrics_error(struct web_ctx *c, int status, const char *code,
			  const char *message, const char *field)
{
	(void)code;
	(void)field;
	buf_reset(&c->resp->body);
	buf_printf(&c->resp->body, "%s\n", message);
	c->resp->status = status;
	c->resp->content_type = "text/plain; charset=utf-8";
}

static const struct web_route metrics_routes[] = {
	{ { "GET", "/metrics" }, h_metrics, 0, RS_PUBLIC, 0 },
};

const struct web_door metrics_door = {
	.name = "metrics",
	.routes = metrics_routes,
	.nroutes = sizeof metrics_routes / sizeof metrics_routes[0],
	.error = metrics_error,
};
