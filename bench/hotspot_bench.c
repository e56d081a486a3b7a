/*
 * hotspot_bench.c - hot spots and rebounds (domain/assess/hotspot.c) for
 * a district of 6,000 grids over a year of cases: the week's hot spots
 * of every category, of one category, and the rebounds after a date,
 * through the covering index of schema 0020 (ours), against the same
 * calls with that index dropped (the indexes case_file had before: the
 * peer), in the same process on the same data.  Also the read alone
 * (the weekly counts of the 9 weeks a hot-spot test reads) from the
 * cases against the same counts read from a counter table (grid,
 * category, week) - the other design, kept with the history - to show
 * what such a table would save.
 *
 *   cc -std=c11 -O2 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Isrc \
 *     -o build/bench/hotspot_bench bench/hotspot_bench.c build/libug.a \
 *     $(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium geos \
 *     proj cairo) -lpthread -lm
 *   build/bench/hotspot_bench [CASES] [DB]
 *
 * The data is generated with SQL into a temporary file (DB, default
 * /tmp/ug-hotspot-bench.db, removed first and at the end; a DB named
 * that exists is reused as a run before left it): 17 streets, 6,000 grids,
 * 100 categories, CASES cases (default 1,000,000: 19,000 a week, about 3
 * a grid) over the 52 weeks of 2026 at +08:00, the categories skewed (a
 * few common, most rare), and one hot spot planted: 40 cases of category
 * 00050 in one grid in 2026-W26, which must come first (exit status 1
 * otherwise).  Prints the medians of 7 runs of each call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_DB
#include "bench.h"
#include "domain/assess/hotspot.h"
#include "store/assess/hotspot.h"

#define RUNS 7
#define WEEK "2026-W26"
#define SINCE "2026-06-01"
#define HOT_GRID "110101005003010"
#define HOT_CATEGORY "00050"
#define OFFSET (8 * 3600)

static void generate(struct db *db, long cases)
{
	struct ug_error err;
	char sql[4096];
	double t0 = bench_seconds();

	ug_error_clear(&err);
	bench_schema(db);
	if (db_exec(db,
		    BENCH_BEGIN_SQL
		    BENCH_DISTRICT_SQL
		    " INSERT INTO category_major (code, kind, name) VALUES ('99', 'event', '测试');"
		    " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100)"
		    " INSERT INTO category (code, major, name, standard, public, created_at)"
		    " SELECT printf('%05d', i), '99', printf('类%d', i), 0, 1, 0 FROM c;"
		    " INSERT INTO case_standard (id, category, version, filing_condition,"
		    "  closing_condition, department_type, created_at, created_by)"
		    " SELECT rowid, code, 1, '', '', '', 0, 'bench' FROM category;"
		    " COMMIT;",
		    &err))
		bench_die("divisions", &err);
	/* created_at: uniform over 2026 from 2026-01-01 00:00 +08:00
	 * (1767196800); the category skewed: its
	 * number is the square of a uniform one, so category 1 is common
	 * and 100 rare. */
	snprintf(sql, sizeof sql,
		 "BEGIN;"
		 " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %ld),"
		 " r AS (SELECT i, random() & 9223372036854775807 AS x,"
		 "  random() & 9223372036854775807 AS y FROM c),"
		 " k AS (SELECT i, 1767196800 + x %% (364 * 86400) AS at,"
		 "  (SELECT code FROM grid WHERE rowid = 1 + y %% 6000) AS grid,"
		 "  printf('%%05d', 1 + ((y / 6000) %% 100) * ((y / 6000) %% 100) / 100) AS category"
		 "  FROM r)"
		 " INSERT INTO case_file (number, version, state, source, category,"
		 "  standard_id, urgency, description, address, grid, community, street,"
		 "  district, area, created_by, created_at, updated_at)"
		 " SELECT printf('B%%08d', i), 1, CASE WHEN i %% 20 = 0 THEN 'void' ELSE 'closed' END,"
		 "  'inspector', category, (SELECT id FROM case_standard s WHERE s.category = k.category),"
		 "  'normal', '', '', grid, substr(grid, 1, 12), substr(grid, 1, 9), '110101',"
		 "  grid, 'bench', at, at FROM k;"
		 /* the planted spot: Wednesday of 2026-W26 (2026-06-24) */
		 " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 40)"
		 " INSERT INTO case_file (number, version, state, source, category,"
		 "  standard_id, urgency, description, address, grid, community, street,"
		 "  district, area, created_by, created_at, updated_at)"
		 " SELECT printf('H%%08d', i), 1, 'reported', 'inspector', '" HOT_CATEGORY "',"
		 "  50, 'normal', '', '', '" HOT_GRID "', substr('" HOT_GRID "', 1, 12),"
		 "  substr('" HOT_GRID "', 1, 9), '110101', '" HOT_GRID "', 'bench',"
		 "  1782230400 + i * 600, 1782230400 + i * 600 FROM c;"
		 " COMMIT; ANALYZE;",
		 cases);
	if (db_exec(db, sql, &err))
		bench_die("cases", &err);
	fprintf(stderr, "generated %ld cases in %.1f s\n", cases, bench_seconds() - t0);
}

static int count_rows(void *ctx, const struct hotspot_count *c)
{
	(*(int64_t *)ctx) += c->n > 0;
	return 0;
}

static int count_table_row(void *ctx, struct db_stmt *st)
{
	(*(int64_t *)ctx) += db_column_int64(st, 3) > 0;
	return 0;
}

/* The counter table of the other design, its read like the query's:
 * weeks from Monday 2025-12-29 00:00 +08:00 (week 17: 2026-04-27). */
static const char SQL_TABLE[] =
	"CREATE TABLE hs_week (week INTEGER NOT NULL, grid TEXT NOT NULL,"
	" category TEXT NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (week, grid, category)) WITHOUT ROWID;"
	" INSERT INTO hs_week SELECT (created_at - 1766937600) / 604800,"
	" grid, category, COUNT(*) FROM case_file"
	" WHERE state NOT IN ('merged', 'rejected', 'void') GROUP BY 1, 2, 3;";
static const char SQL_TABLE_READ[] =
	"SELECT grid, category, week, n FROM hs_week WHERE week >= ? AND week < ?"
	" ORDER BY grid, category, week";

struct timing {
	double hot_all, hot_one, rebounds, read;
	size_t hot_n, rebound_n;
	int top_ok;
};

static void run(struct db *db, const struct actor *root, struct timing *t)
{
	double a[RUNS], b[RUNS], c[RUNS], d[RUNS];
	struct hotspot_list l;
	struct ug_error err;
	/* 2026-W26 less 8 weeks: Monday 2026-04-27 00:00 +08:00 */
	int64_t from = 1777219200;

	ug_error_clear(&err);
	for (int i = 0; i < RUNS; i++) {
		int64_t n = 0;
		double t0 = bench_seconds();

		if (assess_hotspots(db, root, OFFSET, WEEK, NULL, NULL, NULL, &l,
				    &err))
			bench_die("hotspots", &err);
		a[i] = bench_seconds() - t0;
		t->hot_n = l.n;
		t->top_ok = l.n > 0 && strcmp(l.rows[0].grid, HOT_GRID) == 0 &&
			    strcmp(l.rows[0].category, HOT_CATEGORY) == 0;
		hotspot_list_free(&l);
		t0 = bench_seconds();
		if (assess_hotspots(db, root, OFFSET, WEEK, HOT_CATEGORY, NULL,
				    NULL, &l, &err))
			bench_die("hotspots of a category", &err);
		b[i] = bench_seconds() - t0;
		hotspot_list_free(&l);
		t0 = bench_seconds();
		if (assess_rebounds(db, root, OFFSET, SINCE, NULL, NULL, NULL,
				    &l, &err))
			bench_die("rebounds", &err);
		c[i] = bench_seconds() - t0;
		t->rebound_n = l.n;
		hotspot_list_free(&l);
		t0 = bench_seconds();
		if (store_hotspot_counts(db, "", NULL, from, 9, count_rows, &n,
					 &err))
			bench_die("counts", &err);
		d[i] = bench_seconds() - t0;
	}
	t->hot_all = median(a, RUNS);
	t->hot_one = median(b, RUNS);
	t->rebounds = median(c, RUNS);
	t->read = median(d, RUNS);
}

int main(int argc, char **argv)
{
	long cases = argc > 1 ? atol(argv[1]) : 1000000;
	const char *path = argc > 2 ? argv[2] : "/tmp/ug-hotspot-bench.db";
	struct db_open_options opt = { .busy_timeout_ms = 5000, .create = 1 };
	struct timing ours, peer;
	double table[RUNS];
	struct ug_error err;
	struct actor root;
	struct user u;
	struct db *db;
	int fresh = argc <= 2 || access(path, F_OK) != 0;

	ug_error_clear(&err);
	if (argc <= 2)
		unlink(path);
	if (db_open(path, &opt, &db, &err))
		bench_die("open", &err);
	if (fresh)
		generate(db, cases);
	/* A DB kept from a run before lost the index and gained the table. */
	else if (db_exec(db,
			 "CREATE INDEX IF NOT EXISTS case_file_hotspot ON"
			 " case_file(created_at, category, grid, state)"
			 " WHERE grid IS NOT NULL;"
			 " DROP TABLE IF EXISTS hs_week; ANALYZE;",
			 &err))
		bench_die("index", &err);
	actor_root(&u, "bench", &root);
	run(db, &root, &ours);
	/* The counter table of the other design, read as the query reads. */
	if (db_exec(db, SQL_TABLE, &err))
		bench_die("counter table", &err);
	for (int i = 0; i < RUNS; i++) {
		int64_t n = 0;
		double t0 = bench_seconds();

		if (db_list(db, SQL_TABLE_READ, DB_ARGS(DB_INT(17), DB_INT(26)),
			    count_table_row, &n, &err))
			bench_die("counter table read", &err);
		table[i] = bench_seconds() - t0;
	}
	if (db_exec(db, "DROP INDEX case_file_hotspot; ANALYZE;", &err))
		bench_die("drop index", &err);
	run(db, &root, &peer);
	printf("district of 6,000 grids, 100 categories, %ld cases over 2026;"
	       " medians of %d runs\n",
	       cases, RUNS);
	printf("%-44s %10s %14s %7s\n", "", "ours (ms)", "no index (ms)",
	       "ratio");
	/* the load of the machine, which was shared */
	{
		double load[3];

		if (getloadavg(load, 3) == 3)
			printf("load average %.1f %.1f %.1f\n", load[0],
			       load[1], load[2]);
	}
	printf("%-44s %10.2f %14.2f %7.1f\n",
	       "hot spots " WEEK ", every category", ours.hot_all * 1e3,
	       peer.hot_all * 1e3, peer.hot_all / ours.hot_all);
	printf("%-44s %10.2f %14.2f %7.1f\n",
	       "hot spots " WEEK ", one category", ours.hot_one * 1e3,
	       peer.hot_one * 1e3, peer.hot_one / ours.hot_one);
	printf("%-44s %10.2f %14.2f %7.1f\n",
	       "rebounds since " SINCE " (8 + 8 weeks)", ours.rebounds * 1e3,
	       peer.rebounds * 1e3, peer.rebounds / ours.rebounds);
	printf("%-44s %10.2f %14.2f %7.1f\n",
	       "the 9 weeks' counts alone (store read)", ours.read * 1e3,
	       peer.read * 1e3, peer.read / ours.read);
	printf("%-44s %10.2f\n", "the same from a counter table (grid, cat, wk)",
	       median(table, RUNS) * 1e3);
	printf("hot spots flagged: %zu; rebounds: %zu; planted spot first: %s\n",
	       ours.hot_n, ours.rebound_n, ours.top_ok ? "yes" : "NO");
	db_close(db);
	if (argc <= 2)
		unlink(path);
	return ours.top_ok && peer.top_ok && ours.hot_n == peer.hot_n ? 0 : 1;
}
