/*
 * sqlite_peer.c - the peer of bench/intake.sh: SQLite's own rate of
 * single-row write transactions, one row per transaction, each committed
 * durably (WAL, synchronous=FULL: the log synced at every commit) - what
 * one transaction per case would cost at best, with no HTTP, no parsing
 * and no reads.  The table has the width of a case row.
 *
 *     cc -std=c11 -O2 -D_DEFAULT_SOURCE -o build/sqlite_peer bench/sqlite_peer.c -lsqlite3
 *     build/sqlite_peer FILE [ROWS [full|normal]]
 *
 * FILE is created (it must not exist: on the disk to compare with);
 * prints "ROWS rows in S s = R rows/s (synchronous=MODE)".
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlite_peer: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 3 ? argv[3] : "full";
	long rows = argc > 2 ? strtol(argv[2], NULL, 10) : 5000;
	sqlite3 *db;
	sqlite3_stmt *ins, *begin, *commit;
	char pragma[128], text[64];
	double t0, t;

	if (argc < 2 || rows <= 0 ||
	    (strcmp(mode, "full") != 0 && strcmp(mode, "normal") != 0)) {
		fprintf(stderr, "usage: sqlite_peer FILE [ROWS [full|normal]]\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_EXCLUSIVE,
			    NULL) != SQLITE_OK)
		die(db, argv[1]);
	snprintf(pragma, sizeof pragma,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;", mode);
	if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "CREATE TABLE t (id INTEGER PRIMARY KEY, number TEXT,"
			 " state TEXT, category TEXT, description TEXT,"
			 " lon REAL, lat REAL, area TEXT, created_at INTEGER)",
			 NULL, NULL, NULL) != SQLITE_OK)
		die(db, "set up");
	if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO t (number, state, category,"
			       " description, lon, lat, area, created_at)"
			       " VALUES (?, 'reported', '06010', ?, 116.4,"
			       " 39.9, '110101001', 1795400000)",
			       -1, &ins, NULL))
		die(db, "prepare");
	t0 = now_s();
	for (long i = 0; i < rows; i++) {
		char number[32];

		snprintf(number, sizeof number, "20261123%06ld", i);
		snprintf(text, sizeof text, "压测上报 %ld", i);
		sqlite3_bind_text(ins, 1, number, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, text, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(begin) != SQLITE_DONE)
			die(db, "begin");
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(db, "insert");
		if (sqlite3_step(commit) != SQLITE_DONE)
			die(db, "commit");
		sqlite3_reset(begin);
		sqlite3_reset(ins);
		sqlite3_reset(commit);
	}
	t = now_s() - t0;
	printf("%ld rows in %.2f s = %.0f rows/s (synchronous=%s)\n", rows, t,
	       (double)rows / t, mode);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
