/*
 * bench.h - what the bench programs share: the median of timed runs, the
 * clock, the way out on an error, the generated district's SQL.
 * Each bench is one C file built on its own (scripts/bench); this header
 * is included by them, never by the program.
 */
#ifndef UG_BENCH_H
#define UG_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/error.h"

/* Seconds on the monotonic clock. */
static inline double bench_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Say what failed ("<bench>: what: message") and exit 2. */
static inline void bench_die(const char *what, const struct ug_error *err)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		err->message);
	exit(2);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n-1] (sorts v). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#ifdef BENCH_DB
#include "store/db.h"
#include "store/migrate.h"

/* For the benches on a database (they define BENCH_DB): the schema. */
static inline void bench_schema(struct db *db)
{
	struct ug_error err;
	int applied;

	ug_error_clear(&err);
	if (store_migrate(db, &applied, &err))
		bench_die("migrate", &err);
}
#endif

/* Generating fast: no journal, no sync, one transaction (the caller
 * commits it). */
#define BENCH_BEGIN_SQL                                                         \
	"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;"

/* SQL (in a transaction the caller opens) for the district both
 * assessment benches generate: 东城区 110101 under its province and
 * city, 17 streets, 170 communities (10 a street) and 6,000 grids (a
 * box of about 100 m each at 116.4, 39.9). */
#define BENCH_DISTRICT_SQL                                                      \
	" INSERT INTO division VALUES ('110000', '北京市', 'province', NULL, 0);"  \
	" INSERT INTO division VALUES ('110100', '市辖区', 'city', '110000', 0);"  \
	" INSERT INTO division VALUES ('110101', '东城区', 'district', '110100', 0);" \
	" WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 17)" \
	" INSERT INTO division SELECT printf('110101%03d', i),"                  \
	"  printf('街道%d', i), 'street', '110101', 0 FROM s;"                     \
	" WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 169)" \
	" INSERT INTO division SELECT printf('110101%03d%03d', i % 17 + 1, i / 17 + 1)," \
	"  printf('社区%d', i), 'community', printf('110101%03d', i % 17 + 1), 0 FROM s;" \
	" WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 5999)" \
	" INSERT INTO grid (code, community, street, district, wkb, min_lon,"      \
	"  min_lat, max_lon, max_lat, area_m2, points, source, rev, updated_at)"  \
	" SELECT printf('110101%03d%03d%03d', i % 17 + 1, (i / 17) % 10 + 1,"     \
	"  i / 170 + 1), printf('110101%03d%03d', i % 17 + 1, (i / 17) % 10 + 1)," \
	"  printf('110101%03d', i % 17 + 1), '110101', x'00', 116.4, 39.9,"       \
	"  116.401, 39.901, 10000, 4, 'generate', 1, 0 FROM g;"

#endif
