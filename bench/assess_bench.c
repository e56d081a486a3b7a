/*
 * assess_bench.c - case intake in one process, one thread, no HTTP: what
 * the write of a report costs with the assessment upkeep, for comparing
 * builds with and without it (bench/intake-assess.sh builds this file
 * against both libraries) without HTTP in between, and how many pages
 * of the write-ahead log each report writes.
 *
 *   build/assess_bench DB N    (DB: `urbangrid demo --days 0`;
 *                              ASSESS_BENCH_NO_CHECKPOINT=1: no WAL
 *                              checkpoints, and the pages written
 *                              per report are printed;
 *                              ASSESS_BENCH_BATCH=N: N reports a
 *                              transaction, as a group commit of the
 *                              server gathers them;
 *                              ASSESS_BENCH_THREADS=T: T threads, each
 *                              report on a connection of a pool as the
 *                              server takes one for a request - its
 *                              group commit, its background checkpoints,
 *                              synchronous=FULL - the intake's ceiling
 *                              without HTTP)
 *
 * Files N photo-less reports as the demo's api_client, at random points
 * of the demo's grids (as bench/intake.lua), and prints the reports per
 * second and the microseconds per report.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/calendar/workcal.h"
#include "domain/cases/case.h"
#include "domain/spatial/spatial.h"
#include "store/org/org.h"

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Report i: a photo-less report of one of six categories at a random
 * point of the demo's grids (as bench/intake.lua). */
static struct case_intake report(long i, unsigned *seed)
{
	static const char *const categories[] = { "06010", "09006", "06036",
						  "09009", "07001", "09005" };

	return (struct case_intake){
		.category = categories[i % 6],
		.description = "压测上报",
		.source = "external",
		.urgency = "normal",
		.has_location = 1,
		.lon = 116.390 + 0.05 * rand_r(seed) / RAND_MAX,
		.lat = 39.865 + 0.10 * rand_r(seed) / RAND_MAX,
	};
}

/* ASSESS_BENCH_THREADS: the threads share the pool and the city. */
struct pooled {
	struct db_pool *pool;
	const struct case_env *env;
	const struct actor *a;
	atomic_long next; /* reports handed out */
	long n;
	atomic_int failed;
	atomic_uint seed; /* each thread its own points */
};

static void *pooled_reports(void *arg)
{
	struct pooled *p = arg;
	struct case_row *c = malloc(sizeof *c);
	unsigned seed = atomic_fetch_add(&p->seed, 1);
	long i;

	while (c && (i = atomic_fetch_add(&p->next, 1)) < p->n &&
	       !atomic_load(&p->failed)) {
		struct case_intake in = report(i, &seed);
		struct ug_error err;
		struct db *db = NULL;

		ug_error_clear(&err);
		if (db_pool_acquire(p->pool, &db, &err) ||
		    case_intake(db, p->env, p->a, &in, time(NULL), c, NULL,
				&err)) {
			fprintf(stderr, "assess_bench: report %ld: %s\n", i,
				err.message);
			atomic_store(&p->failed, 1);
		}
		db_pool_release(p->pool, db);
	}
	free(c);
	return NULL;
}

/* Run p->n reports on `threads` threads; 0 or 1 if one failed. */
static int pooled_run(struct pooled *p, int threads)
{
	pthread_t t[256];
	int started = 0;

	for (; started < threads && started < 256; started++)
		if (pthread_create(&t[started], NULL, pooled_reports, p))
			break;
	for (int k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	return atomic_load(&p->failed) || started < threads;
}

int main(int argc, char **argv)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000 };
	struct case_row *c = malloc(sizeof *c);
	struct spatial *sp = NULL;
	struct calendar *cal = NULL;
	struct case_env env;
	struct ug_error err;
	struct actor a;
	struct user u;
	struct db *db;
	int rc = 0;
	int32_t offset;
	long n = argc > 2 ? atol(argv[2]) : 5000;
	long batch = getenv("ASSESS_BENCH_BATCH")
			     ? atol(getenv("ASSESS_BENCH_BATCH")) : 1;
	double t0, dt;
	unsigned seed = 1;

	ug_error_clear(&err);
	if (argc < 2 || !c || n <= 0 ||
	    db_open(argv[1], &opt, &db, &err) ||
	    workcal_load(db, time(NULL), &cal, &offset, NULL, &err) ||
	    spatial_open(db, &sp, &err) ||
	    store_user_by_name(db, "api_client", &u, NULL, &err)) {
		fprintf(stderr, "assess_bench DB N: %s\n", err.message);
		return 1;
	}
	if (getenv("ASSESS_BENCH_NO_CHECKPOINT"))
		db_exec(db, "PRAGMA wal_autocheckpoint = 0", &err);
	case_env_defaults(&env, cal);
	env.utc_offset = offset;
	env.spatial = sp;
	actor_of(&u, "", &a);
	if (getenv("ASSESS_BENCH_THREADS")) {
		struct db_open_options popt = { .busy_timeout_ms = 5000,
						.background_checkpoint = 1 };
		struct pooled p = { .env = &env, .a = &a, .n = n, .seed = 1 };
		struct db_pool_stats st;
		int threads = atoi(getenv("ASSESS_BENCH_THREADS"));

		if (threads < 1 || threads > 256 ||
		    db_pool_create(argv[1], &popt, &p.pool, &err)) {
			fprintf(stderr, "assess_bench: threads 1..256: %s\n",
				err.message);
			rc = 1;
			goto done;
		}
		t0 = seconds();
		rc = pooled_run(&p, threads);
		dt = seconds() - t0;
		db_pool_stats(p.pool, &st);
		if (rc == 0)
			printf("%ld reports on %d threads in %.2f s: "
			       "%.0f reports/s; %.1f a commit, %.0f us a "
			       "commit, %.0f us a turn\n",
			       n, threads, dt, (double)n / dt,
			       st.commits ? (double)st.transactions /
						    (double)st.commits
					  : 0,
			       st.commits ? (double)st.commit_us /
						    (double)st.commits
					  : 0,
			       st.turns ? (double)st.turn_us /
						  (double)st.turns
					: 0);
		db_pool_destroy(p.pool);
		goto done;
	}
	t0 = seconds();
	for (long i = 0; i < n; i++) {
		struct case_intake in = report(i, &seed);

		if ((batch > 1 && i % batch == 0 && db_begin_write(db, &err)) ||
		    case_intake(db, &env, &a, &in, time(NULL), c, NULL, &err) ||
		    (batch > 1 && (i % batch == batch - 1 || i == n - 1) &&
		     db_commit(db, &err))) {
			fprintf(stderr, "assess_bench: report %ld: %s\n", i,
				err.message);
			rc = 1;
			goto done;
		}
	}
	dt = seconds() - t0;
	printf("%ld reports in %.2f s: %.0f reports/s, %.1f us each\n", n, dt,
	       (double)n / dt, dt * 1e6 / (double)n);
	if (getenv("ASSESS_BENCH_NO_CHECKPOINT")) {
		static const char sql[] = "PRAGMA wal_checkpoint";
		struct db_stmt *st;

		if (db_prepare(db, sql, &st, &err) == 0 &&
		    db_step(st, &err) == DB_ROW)
			printf("%.1f pages written per report\n",
			       (double)db_column_int64(st, 1) / (double)n);
		db_reset(st);
	}
done:
	spatial_free(sp);
	calendar_free(cal);
	db_close(db);
	free(c);
	return rc;
}
