/*
 * assess_rank_bench.c - a month's ranking of the departments and of the
 * streets over 10,000,000 cases: assess_ranking() (domain/assess/rank.c,
 * reading the incremental counters of assess_month) against the same
 * ranking computed by GROUP BY over the cases through a covering index
 * in SQLite, in the same process on the same data; both rankings are
 * checked equal row by row (code, counters, score, grade, rank, and the
 * previous month's score and rank).
 *
 *   cc -std=c11 -O2 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Isrc \
 *     -o build/bench/assess_rank_bench bench/assess_rank_bench.c \
 *     build/libug.a $(pkg-config --libs libmicrohttpd jansson sqlite3 \
 *     libsodium geos proj cairo) -lpthread -lm
 *   build/bench/assess_rank_bench [CASES] [DB]
 *
 * The data is generated with SQL into a temporary file (DB, default
 * /tmp/ug-assess-rank-bench.db, removed at the end unless given): a
 * district of 17 streets and 6,000 grids, 30 departments, CASES cases
 * (default 10,000,000) spread over the 12 months of 2026, each with a
 * grid, a department and a bit per counter it moved (reported, filed,
 * dispatched, handled, handled on time, passed or failed its check,
 * closed, closed on time, rated...).  The counters are the cases summed
 * per month and department, and per month and the grids' communities
 * (the area rows of schema 0025, which a month of streets reads),
 * written straight into assess_month as the upkeep would have left them
 * (a monthly ranking of these kinds reads no assess_day row; the grids'
 * own rows, day rows since schema 0024, are read by neither ranking and
 * not written).  The peer has the covering
 * index (month, department, flags) and (month, grid, flags).
 *
 * Prints the medians of 7 rankings of each kind, ours and the peer's,
 * and their ratio; exit status 1 if the rankings differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_DB
#include "bench.h"
#include "domain/assess/rank.h"

#define RUNS 7
#define MONTH "2026-06"
#define MONTH_PREV "2026-05"

/* The counters a case may move, one bit each of bench_case.f. */
#define FLAGS(X)                                                        \
	X(reported) X(filed) X(valid_reported) X(valid_public) X(verified) \
	X(verified_on_time) X(checked) X(checked_on_time) X(dispatched)    \
	X(to_handle) X(handled) X(handled_on_time) X(rework) X(to_close)   \
	X(closed) X(closed_on_time) X(satisfied) X(basically_satisfied)    \
	X(dissatisfied)
enum {
#define BIT(name) F_##name,
	FLAGS(BIT)
#undef BIT
	F_COUNT
};
static const int flag_counter[F_COUNT] = {
#define COUNTER(name) AC_##name,
	FLAGS(COUNTER)
#undef COUNTER
};

/* SQL text with the sums of every flag, in enum order. */
static void sums_sql(char *out, size_t size, const char *head,
		     const char *tail)
{
	size_t len = (size_t)snprintf(out, size, "%s", head);

	for (int i = 0; i < F_COUNT; i++)
		len += (size_t)snprintf(out + len, size - len,
					", SUM((f >> %d) & 1)", i);
	snprintf(out + len, size - len, "%s", tail);
}

static void generate(struct db *db, long cases)
{
	struct ug_error err;
	char sql[4096];
	double t0 = bench_seconds();

	ug_error_clear(&err);
	bench_schema(db);
	/* The district, its streets, 6,000 grids (10 communities a street),
	 * 30 departments. */
	if (db_exec(db,
		    BENCH_BEGIN_SQL
		    BENCH_DISTRICT_SQL
		    " WITH RECURSIVE d(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM d WHERE i < 30)"
		    " INSERT INTO department (code, name, kind, type, parent, created_at)"
		    " SELECT printf('110101-D%02d', i), printf('部门%d', i), 'professional',"
		    "  'municipal', NULL, 0 FROM d;"
		    " CREATE TABLE bench_case (id INTEGER PRIMARY KEY, month INTEGER NOT NULL,"
		    "  department TEXT NOT NULL, grid TEXT NOT NULL, f INTEGER NOT NULL);"
		    " COMMIT;",
		    &err))
		bench_die("divisions", &err);
	/* The cases: a random grid and department, each counter's bit set
	 * with its own odds (a case reported is mostly filed, dispatched,
	 * handled...; the on-time bits imply theirs). */
	snprintf(sql, sizeof sql,
		 "BEGIN;"
		 " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %ld),"
		 " r AS (SELECT i, random() & 9223372036854775807 AS x,"
		 "  random() & 9223372036854775807 AS y FROM c)"
		 " INSERT INTO bench_case (month, department, grid, f)"
		 " SELECT 202601 + x %% 12,"
		 "  printf('110101-D%%02d', (x / 12) %% 30 + 1),"
		 "  (SELECT code FROM grid WHERE rowid = 1 + (x / 360) %% 6000),"
		 "  1 | (CASE WHEN y %% 100 < 90 THEN 2 ELSE 0 END)"
		 "  | (CASE WHEN y %% 7 < 5 THEN 4 ELSE 8 END)"
		 "  | (CASE WHEN (y / 7) %% 10 < 4 THEN 16 | (CASE WHEN (y / 70) %% 10 < 9 THEN 32 ELSE 0 END) ELSE 0 END)"
		 "  | (CASE WHEN (y / 700) %% 10 < 8 THEN 64 | (CASE WHEN (y / 7000) %% 10 < 8 THEN 128 ELSE 0 END) ELSE 0 END)"
		 "  | (CASE WHEN (y / 70000) %% 10 < 9 THEN 256 | 512 | 1024"
		 "     | (CASE WHEN (y / 700000) %% 10 < 8 THEN 2048 ELSE 0 END)"
		 "     | (CASE WHEN (y / 7000000) %% 20 < 1 THEN 4096 ELSE 8192 | 16384"
		 "        | (CASE WHEN (y / 140000000) %% 10 < 9 THEN 32768 ELSE 0 END) END) ELSE 0 END)"
		 "  | (CASE (x / 2160000) %% 10 WHEN 0 THEN 65536 WHEN 1 THEN 131072 WHEN 2 THEN 262144 ELSE 0 END)"
		 " FROM r;"
		 " COMMIT;",
		 cases);
	if (db_exec(db, sql, &err))
		bench_die("cases", &err);
	fprintf(stderr, "generated %ld cases in %.1f s\n", cases, bench_seconds() - t0);
	/* The counters as the upkeep would have kept them. */
	t0 = bench_seconds();
	{
		char cols[1024] = "", sums[2048];
		size_t len = 0;

		for (int i = 0; i < F_COUNT; i++)
			len += (size_t)snprintf(cols + len, sizeof cols - len, ", %s",
						assess_counter_names[flag_counter[i]]);
		char head[1200];

		snprintf(head, sizeof head,
			 "INSERT INTO assess_month (month, kind, code, events%s)"
			 " SELECT month, 'department', department, COUNT(*)",
			 cols);
		sums_sql(sums, sizeof sums, head,
			 " FROM bench_case GROUP BY month, department");
		if (db_exec(db, sums, &err))
			bench_die("counters", &err);
	}
	fprintf(stderr, "counters in %.1f s\n", bench_seconds() - t0);
	t0 = bench_seconds();
	if (db_exec(db,
		    "CREATE INDEX bench_case_department ON bench_case (month, department, f);"
		    " CREATE INDEX bench_case_grid ON bench_case (month, grid, f);"
		    " ANALYZE;",
		    &err))
		bench_die("indexes", &err);
	fprintf(stderr, "covering indexes in %.1f s\n", bench_seconds() - t0);
}

/* The area rows (schema 0025) of the grids, as the upkeep leaves them
 * beside the grids' day rows: the sums of the cases by the grid's code
 * cut to its community's 12 characters. */
static void areas(struct db *db)
{
	char cols[1024] = "", head[1400], sums[2400];
	struct ug_error err;
	size_t len = 0;

	ug_error_clear(&err);
	for (int i = 0; i < F_COUNT; i++)
		len += (size_t)snprintf(cols + len, sizeof cols - len, ", %s",
					assess_counter_names[flag_counter[i]]);
	snprintf(head, sizeof head,
		 "INSERT INTO assess_month (month, kind, code, events%s)"
		 " SELECT month, '" ASSESS_AREA_KIND "', substr(grid, 1, %d)"
		 " AS g, COUNT(*)",
		 cols, ASSESS_AREA_LEN);
	sums_sql(sums, sizeof sums, head, " FROM bench_case GROUP BY month, g");
	if (db_exec(db, sums, &err))
		bench_die("areas", &err);
}

/* ---- the peer: GROUP BY over the cases ---------------------------------- */

struct peer_row {
	char code[CODE_MAX + 1];
	struct assess_counts c, prev;
};

/* The sums per department (street: 0) or street (1) of one month into
 * rows (looked up by code, added in order of first sight). */
static int peer_month(struct db *db, int streets, int month,
		      struct peer_row *rows, int *n, int previous,
		      struct ug_error *err)
{
	/* db_prepare() caches statements by their text's address: one
	 * buffer per kind, written the same each time. */
	static char texts[2][2048];
	struct db_stmt *st;
	int rc;

	sums_sql(texts[streets], sizeof texts[streets],
		 streets ? "SELECT substr(grid, 1, 9) AS g, COUNT(*)"
			 : "SELECT department AS g, COUNT(*)",
		 " FROM bench_case WHERE month = ? GROUP BY g");
	if ((rc = db_prepare_args(db, texts[streets], DB_ARGS(DB_INT(month)),
				  &st, err)))
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *code = db_column_text(st, 0);
		struct assess_counts *c = NULL;

		for (int i = 0; i < *n && !c; i++)
			if (strcmp(rows[i].code, code) == 0)
				c = previous ? &rows[i].prev : &rows[i].c;
		if (!c) {
			memset(&rows[*n], 0, sizeof rows[*n]);
			snprintf(rows[*n].code, sizeof rows[*n].code, "%s", code);
			c = previous ? &rows[*n].prev : &rows[*n].c;
			(*n)++;
		}
		c->events = db_column_int64(st, 1);
		for (int i = 0; i < F_COUNT; i++)
			c->n[flag_counter[i]] = db_column_int64(st, 2 + i);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* The whole ranking from the cases: both months' sums, scored, ranked,
 * into out (n rows, ranked). */
static int peer_ranking(struct db *db, int streets, struct assess_row *out,
			int *nout, struct ug_error *err)
{
	struct peer_row rows[64];
	struct assess_row prev[64];
	struct assess_scheme s;
	int n = 0, rc;

	assess_scheme_defaults(&s);
	if ((rc = peer_month(db, streets, 202606, rows, &n, 0, err)) ||
	    (rc = peer_month(db, streets, 202605, rows, &n, 1, err)))
		return rc;
	for (int i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof out[i]);
		snprintf(out[i].code, sizeof out[i].code, "%s", rows[i].code);
		out[i].counts = rows[i].c;
		/* Streets have their grids (353 or 352 of the 6,000). */
		out[i].grids = streets ? 6000 / 17 + (atoi(rows[i].code + 6) <= 6000 % 17) : 0;
		assess_evaluate(&s, streets ? EK_STREETS : EK_DEPARTMENTS,
				&rows[i].c, 30, out[i].grids, &out[i].r);
		prev[i] = out[i];
		assess_evaluate(&s, streets ? EK_STREETS : EK_DEPARTMENTS,
				&rows[i].prev, 31, out[i].grids, &prev[i].r);
	}
	assess_rank_rows(prev, (size_t)n);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (strcmp(out[i].code, prev[j].code) == 0) {
				out[i].has_previous = 1;
				out[i].prev = prev[j].r;
				out[i].prev_rank = prev[j].rank;
			}
	assess_rank_rows(out, (size_t)n);
	*nout = n;
	return 0;
}

static int same(const struct assess_row *a, const struct assess_row *b)
{
	return strcmp(a->code, b->code) == 0 && a->rank == b->rank &&
	       a->r.score == b->r.score && a->r.grade == b->r.grade &&
	       a->prev_rank == b->prev_rank &&
	       a->prev.score == b->prev.score &&
	       memcmp(a->counts.n, b->counts.n, sizeof a->counts.n) == 0;
}

int main(int argc, char **argv)
{
	long cases = argc > 1 ? atol(argv[1]) : 10000000;
	const char *path = argc > 2 ? argv[2] : "/tmp/ug-assess-rank-bench.db";
	struct db_open_options opt = { .busy_timeout_ms = 5000, .create = 1 };
	static const char *const kinds[2] = { "departments", "streets" };
	struct ug_error err;
	struct actor root;
	struct user u;
	struct db *db;
	int fresh = access(path, F_OK) != 0, bad = 0;

	ug_error_clear(&err);
	if (db_open(path, &opt, &db, &err))
		bench_die("open", &err);
	if (fresh)
		generate(db, cases);
	/* The area rows the upkeep keeps beside the grids' day rows - also
	 * for a file an older bench made (whose level rows are dropped). */
	{
		double t0 = bench_seconds();
		int64_t areas_kept = 0;

		if (db_query_int64(db, "SELECT COUNT(*) FROM assess_month"
				       " WHERE kind = '" ASSESS_AREA_KIND "'",
				       &areas_kept, &err))
			bench_die("areas", &err);
		if (!areas_kept) {
			if (db_exec(db, "DELETE FROM assess_month WHERE kind IN"
				    " ('community', 'street', 'district')", &err))
				bench_die("areas", &err);
			areas(db);
			fprintf(stderr, "area rows in %.1f s\n", bench_seconds() - t0);
		}
	}
	actor_root(&u, "bench", &root);
	for (int k = 0; k < 2; k++) {
		double ours[RUNS], peer[RUNS];
		struct assess_row rows[64];
		struct assess_ranking r;
		int n = 0;

		for (int i = 0; i < RUNS; i++) {
			double t0 = bench_seconds();

			if (assess_ranking(db, &root, 8 * 3600, kinds[k], MONTH,
					   k ? "110101" : NULL, &r, &err))
				bench_die("ranking", &err);
			ours[i] = bench_seconds() - t0;
			if (i < RUNS - 1)
				assess_ranking_free(&r);
		}
		for (int i = 0; i < RUNS; i++) {
			double t0 = bench_seconds();

			if (peer_ranking(db, k, rows, &n, &err))
				bench_die("peer", &err);
			peer[i] = bench_seconds() - t0;
		}
		if ((size_t)n != r.n)
			bad = 1;
		for (int i = 0; !bad && i < n; i++)
			bad |= !same(&rows[i], &r.rows[i]);
		printf("%-11s %s (%zu rows, previous %s): counters %.2f ms, "
		       "GROUP BY over the cases %.1f ms (median of %d): %.0fx%s\n",
		       kinds[k], MONTH, r.n, MONTH_PREV, median(ours, RUNS) * 1e3,
		       median(peer, RUNS) * 1e3, RUNS,
		       median(peer, RUNS) / median(ours, RUNS),
		       bad ? "  RANKINGS DIFFER" : "; same ranking");
		assess_ranking_free(&r);
	}
	db_close(db);
	if (argc <= 2)
		unlink(path);
	return bad;
}
