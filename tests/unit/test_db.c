/*
 * test_db.c - the SQL interface (store/db.h) on the SQLite engine: open
 * options, exec, the statement cache keyed by SQL address, binding and
 * reading every type, constraint errors mapped to UG_ECONFLICT, messages
 * naming the failing SQL, transactions, the write lock of
 * db_begin_write(), WAL and foreign keys, injected step faults, the pool,
 * the backup (one snapshot, refusals, failures) and the checks.
 */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>

#include "lib/util.h"

static const struct db_open_options create_opt = {
	.busy_timeout_ms = 5000,
	.create = 1,
};

static void exec_ok(struct db *db, const char *sql)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_exec(db, sql, &err), err);
}

/* ---- open ------------------------------------------------------------ */

static void test_open_and_engine(void **state)
{
	struct tu_env *env = *state;

	assert_string_equal(db_engine_name(env->db), "sqlite");
	db_close(NULL); /* harmless */
}

static void test_open_missing_file_without_create(void **state)
{
	struct tu_env *env = *state;
	struct db_open_options opt = { .busy_timeout_ms = 100 };
	struct ug_error err;
	struct db *db = (struct db *)&err;
	char path[400];

	snprintf(path, sizeof path, "%s/absent.db", env->dir);
	tu_assert_err(db_open(path, &opt, &db, &err), err, UG_EDB, "db");
	assert_null(db);
	tu_assert_contains(err.message, path);
	assert_int_equal(access(path, F_OK), -1); /* not created */

	/* A directory that does not exist cannot hold a database either. */
	snprintf(path, sizeof path, "%s/no/such/dir.db", env->dir);
	tu_assert_err(db_open(path, &create_opt, &db, &err), err, UG_EDB, "db");
}

static void test_open_not_a_database(void **state)
{
	static const char junk[] = "this is a text file, not SQLite, and it is"
				   " long enough to hold a header page.....";
	struct tu_env *env = *state;
	struct ug_error err;
	struct db *db = NULL;
	char path[400];

	tu_write_file(env->dir, "junk.db", junk, sizeof junk - 1);
	tu_path(path, sizeof path, env->dir, "junk.db");
	tu_assert_err(db_open(path, &create_opt, &db, &err), err, UG_EDB, "db");
	assert_null(db);
	tu_assert_contains(err.message, "cannot set up database");
	tu_assert_contains(err.message, "not a database");
}

static void test_open_postgres_not_built(void **state)
{
	struct ug_error err;
	struct db *db = NULL;

	(void)state;
	tu_assert_err(db_open("postgres://u@localhost/ug", NULL, &db, &err), err,
		      UG_EDB, "db");
	tu_assert_contains(err.message, "PostgreSQL");
	assert_null(db);
	tu_assert_err(db_open("postgresql://localhost/ug", NULL, &db, &err),
		      err, UG_EDB, "db");
}

static void test_open_read_only(void **state)
{
	struct tu_env *env = *state;
	struct db_open_options ro = { .busy_timeout_ms = 100, .read_only = 1 };
	struct ug_error err;
	struct db *db = NULL;

	exec_ok(env->db, "CREATE TABLE t (x INTEGER)");
	tu_assert_ok(db_open(env->db_path, &ro, &db, &err), err);
	tu_assert_rows(db, "t", 0);
	tu_assert_err(db_exec(db, "INSERT INTO t VALUES (1)", &err), err,
		      UG_EDB, NULL);
	tu_assert_contains(err.message, "readonly");
	db_close(db);
}

static void test_wal_and_foreign_keys_on(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;

	ug_error_clear(&err);
	tu_assert_ok(db_prepare(env->db, "PRAGMA journal_mode", &st, &err), err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), "wal");
	db_reset(st);
	assert_int_equal(tu_query_int(env->db, "PRAGMA foreign_keys"), 1);

	/* And they are enforced. */
	exec_ok(env->db, "CREATE TABLE p (id INTEGER PRIMARY KEY);"
			 "CREATE TABLE c (p INTEGER REFERENCES p(id))");
	tu_assert_err(db_exec(env->db, "INSERT INTO c VALUES (7)", &err), err,
		      UG_ECONFLICT, NULL);
	tu_assert_contains(err.message, "FOREIGN KEY");
}

/* ---- exec and prepare ------------------------------------------------ */

static void test_exec_error_names_sql(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;

	exec_ok(env->db, "CREATE TABLE a (x); CREATE TABLE b (y)");
	assert_int_equal(db_table_exists(env->db, "a", &err), 1);
	assert_int_equal(db_table_exists(env->db, "b", &err), 1);
	assert_int_equal(db_table_exists(env->db, "nope", &err), 0);
	tu_assert_err(db_exec(env->db, "CREAT TABLE c (z)", &err), err, UG_EDB,
		      NULL);
	tu_assert_contains(err.message, "syntax error");
	tu_assert_contains(err.message, "in: CREAT TABLE c (z)");
	tu_assert_err(db_exec(env->db, "SELECT * FROM missing_table", &err),
		      err, UG_EDB, NULL);
	tu_assert_contains(err.message, "no such table: missing_table");
	tu_assert_contains(err.message, "in: SELECT * FROM missing_table");
}

static void test_prepare_cache_same_pointer(void **state)
{
	static const char sql_a[] = "SELECT 1";
	static const char sql_b[] = "SELECT 1"; /* same text, other address */
	struct tu_env *env = *state;
	struct db_stmt *s1, *s2, *s3;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_prepare(env->db, sql_a, &s1, &err), err);
	tu_assert_ok(db_prepare(env->db, sql_a, &s2, &err), err);
	assert_ptr_equal(s1, s2);
	tu_assert_ok(db_prepare(env->db, sql_b, &s3, &err), err);
	assert_ptr_not_equal(s1, s3);
	assert_int_equal(db_step(s3, &err), DB_ROW);
	assert_int_equal(db_column_int64(s3, 0), 1);
	db_reset(s3);
}

static void test_prepare_cache_grows(void **state)
{
	static char sql[300][32]; /* static storage: stable addresses */
	struct db_stmt *first[300], *st;
	struct tu_env *env = *state;
	struct ug_error err;

	ug_error_clear(&err);
	for (int i = 0; i < 300; i++) {
		snprintf(sql[i], sizeof sql[i], "SELECT %d", i);
		tu_assert_ok(db_prepare(env->db, sql[i], &first[i], &err), err);
	}
	/* After the table has grown several times every statement is still
	 * found again, and still runs its own SQL. */
	for (int i = 0; i < 300; i++) {
		tu_assert_ok(db_prepare(env->db, sql[i], &st, &err), err);
		assert_ptr_equal(st, first[i]);
		assert_int_equal(db_step(st, &err), DB_ROW);
		assert_int_equal(db_column_int64(st, 0), i);
		db_reset(st);
	}
}

static void test_statement_survives_cache_growth(void **state)
{
	static const char outer[] = "SELECT x FROM o ORDER BY x";
	static char inner[100][32];
	struct tu_env *env = *state;
	struct db_stmt *st, *in;
	struct ug_error err;
	int64_t sum = 0;
	int rows = 0, rc;

	exec_ok(env->db, "CREATE TABLE o (x INTEGER);"
			 "INSERT INTO o VALUES (1), (2), (3), (4)");
	ug_error_clear(&err);
	/* The list-with-details pattern of the store: step one statement
	 * and prepare others inside the loop.  The cache grows meanwhile;
	 * the outer statement must stay valid. */
	tu_assert_ok(db_prepare(env->db, outer, &st, &err), err);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		int64_t x = db_column_int64(st, 0);

		for (int k = 0; k < 25; k++) {
			int i = rows * 25 + k;

			snprintf(inner[i], sizeof inner[i], "SELECT %d", i);
			tu_assert_ok(db_prepare(env->db, inner[i], &in, &err),
				     err);
			assert_int_equal(db_step(in, &err), DB_ROW);
			db_reset(in);
		}
		sum += x;
		rows++;
	}
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(rows, 4);
	assert_int_equal(sum, 10);
	/* And the handle is still the cached one. */
	tu_assert_ok(db_prepare(env->db, outer, &in, &err), err);
	assert_ptr_equal(in, st);
}

static void test_prepare_error(void **state)
{
	static const char bad[] = "SELEC 1";
	static const char good[] = "SELECT 2";
	struct tu_env *env = *state;
	struct db_stmt *st = (struct db_stmt *)&st;
	struct ug_error err;

	tu_assert_err(db_prepare(env->db, bad, &st, &err), err, UG_EDB, NULL);
	assert_null(st);
	tu_assert_contains(err.message, "cannot prepare");
	tu_assert_contains(err.message, "in: SELEC 1");
	/* The failure is not cached: it fails again, and others still work. */
	tu_assert_err(db_prepare(env->db, bad, &st, &err), err, UG_EDB, NULL);
	ug_error_clear(&err);
	tu_assert_ok(db_prepare(env->db, good, &st, &err), err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_column_int64(st, 0), 2);
	db_reset(st);
}

static void test_prepare_resets_statement(void **state)
{
	static const char sql[] = "SELECT x FROM n WHERE x >= ? ORDER BY x";
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;

	exec_ok(env->db, "CREATE TABLE n (x INTEGER);"
			 "INSERT INTO n VALUES (1), (2), (3)");
	ug_error_clear(&err);
	tu_assert_ok(db_prepare(env->db, sql, &st, &err), err);
	tu_assert_ok(db_bind_int64(st, 1, 2, &err), err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_column_int64(st, 0), 2);
	/* Preparing again starts over with the bindings cleared (NULL: no
	 * row is >= NULL). */
	tu_assert_ok(db_prepare(env->db, sql, &st, &err), err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	tu_assert_ok(db_prepare(env->db, sql, &st, &err), err);
	tu_assert_ok(db_bind_int64(st, 1, 1, &err), err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_column_int64(st, 0), 1);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_column_int64(st, 0), 3);
	assert_int_equal(db_step(st, &err), DB_DONE);
}

/* ---- binding and reading --------------------------------------------- */

static void test_bind_and_read_every_type(void **state)
{
	static const char ins[] =
		"INSERT INTO v (i, r, s, b, n, s2) VALUES (?, ?, ?, ?, ?, ?)";
	static const char sel[] =
		"SELECT i, r, s, b, n, s2 FROM v ORDER BY rowid";
	static const unsigned char blob[] = { 0, 1, 0xff, 0, 'x' };
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;
	const void *p;
	size_t n;

	exec_ok(env->db, "CREATE TABLE v (i INTEGER, r REAL, s TEXT, b BLOB,"
			 " n TEXT, s2 TEXT)");
	ug_error_clear(&err);
	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_ok(db_bind_int64(st, 1, INT64_MAX, &err), err);
	tu_assert_ok(db_bind_double(st, 2, 3.25, &err), err);
	tu_assert_ok(db_bind_text(st, 3, "甲区 \"quoted\"", &err), err);
	tu_assert_ok(db_bind_blob(st, 4, blob, sizeof blob, &err), err);
	tu_assert_ok(db_bind_null(st, 5, &err), err);
	tu_assert_ok(db_bind_text(st, 6, NULL, &err), err); /* NULL text */
	assert_int_equal(db_step(st, &err), DB_DONE);
	assert_int_equal(db_changes(env->db), 1);

	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_ok(db_bind_int64(st, 1, INT64_MIN, &err), err);
	tu_assert_ok(db_bind_double(st, 2, -0.5, &err), err);
	tu_assert_ok(db_bind_text(st, 3, "", &err), err);
	tu_assert_ok(db_bind_blob(st, 4, blob, 0, &err), err);
	assert_int_equal(db_step(st, &err), DB_DONE);

	tu_assert_ok(db_prepare(env->db, sel, &st, &err), err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_true(db_column_int64(st, 0) == INT64_MAX);
	assert_true(db_column_double(st, 1) == 3.25);
	assert_string_equal(db_column_text(st, 2), "甲区 \"quoted\"");
	p = db_column_blob(st, 3, &n);
	assert_int_equal(n, sizeof blob);
	assert_memory_equal(p, blob, sizeof blob);
	for (int col = 0; col < 4; col++)
		assert_false(db_column_is_null(st, col));
	assert_true(db_column_is_null(st, 4));
	assert_null(db_column_text(st, 4)); /* NULL text reads as NULL */
	assert_true(db_column_is_null(st, 5));
	assert_null(db_column_text(st, 5));

	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_true(db_column_int64(st, 0) == INT64_MIN);
	assert_true(db_column_double(st, 1) == -0.5);
	assert_string_equal(db_column_text(st, 2), "");
	assert_false(db_column_is_null(st, 2)); /* "" is not NULL */
	db_column_blob(st, 3, &n);
	assert_int_equal(n, 0);
	/* Unbound parameters are NULL. */
	assert_true(db_column_is_null(st, 4));
	assert_true(db_column_is_null(st, 5));
	assert_int_equal(db_step(st, &err), DB_DONE);
}

/* The typed parameter lists (DB_ARGS) bind what db_bind_* bind, the
 * "absent" values of DB_OPT_* and DB_REAL_OR_NULL as NULL, and the
 * one-call runners answer as their long forms. */
static int count_row(void *v, struct db_stmt *st)
{
	int *n = v;

	(void)st;
	return ++*n == 2 ? 7 : 0; /* stop at the second row with 7 */
}

static void test_args(void **state)
{
	static const char ins[] =
		"INSERT INTO a (i, oi, r, ro, s, os, b, n) VALUES"
		" (?, ?, ?, ?, ?, ?, ?, ?)";
	static const char sel[] =
		"SELECT i, oi, r, ro, s, os, b, n FROM a WHERE i = ?";
	static const char upd[] = "UPDATE a SET s = ? WHERE i = ?";
	static const char all[] = "SELECT i FROM a ORDER BY i";
	static const unsigned char blob[] = { 0, 'u', 0xfe };
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;
	const void *p;
	size_t n;
	int rows = 0;

	exec_ok(env->db, "CREATE TABLE a (i INTEGER, oi INTEGER, r REAL,"
			 " ro REAL, s TEXT, os TEXT, b BLOB, n TEXT)");
	ug_error_clear(&err);
	tu_assert_ok(db_run(env->db, ins,
			    DB_ARGS(DB_INT(INT64_MIN), DB_OPT_INT(5),
				    DB_REAL(-0.25), DB_REAL_OR_NULL(1, 0.0),
				    DB_TEXT("甲"), DB_OPT_TEXT("乙"),
				    DB_BLOB(blob, sizeof blob), DB_NULL),
			    &err),
		     err);
	tu_assert_ok(db_run(env->db, ins,
			    DB_ARGS(DB_INT(2), DB_OPT_INT(0), DB_REAL(1),
				    DB_REAL_OR_NULL(0, 9.5), DB_TEXT(""),
				    DB_OPT_TEXT(""), DB_BLOB(blob, 0),
				    DB_TEXT(NULL)),
			    &err),
		     err);
	assert_int_equal(db_row(env->db, sel, DB_ARGS(DB_INT(INT64_MIN)), &st,
				&err),
			 DB_ROW);
	assert_true(db_column_int64(st, 0) == INT64_MIN);
	assert_int_equal(db_column_int64(st, 1), 5);
	assert_true(db_column_double(st, 2) == -0.25);
	assert_false(db_column_is_null(st, 3)); /* 0.0 present is a value */
	assert_string_equal(db_column_text(st, 4), "甲");
	assert_string_equal(db_column_text(st, 5), "乙");
	p = db_column_blob(st, 6, &n);
	assert_int_equal(n, sizeof blob);
	assert_memory_equal(p, blob, sizeof blob);
	assert_true(db_column_is_null(st, 7));
	db_reset(st);
	assert_int_equal(db_row(env->db, sel, DB_ARGS(DB_INT(2)), &st, &err),
			 DB_ROW);
	assert_true(db_column_is_null(st, 1)); /* DB_OPT_INT(0) */
	assert_true(db_column_is_null(st, 3)); /* DB_REAL_OR_NULL(0, ...) */
	assert_false(db_column_is_null(st, 4)); /* DB_TEXT("") is "" */
	assert_true(db_column_is_null(st, 5)); /* DB_OPT_TEXT("") */
	assert_true(db_column_is_null(st, 7)); /* DB_TEXT(NULL) */
	db_reset(st);
	assert_int_equal(db_row(env->db, sel, DB_ARGS(DB_INT(3)), &st, &err),
			 DB_DONE);
	/* A write meant to change one row, and one that changes none. */
	tu_assert_ok(db_run_changed(env->db, upd,
				    DB_ARGS(DB_TEXT("x"), DB_INT(2)), "thing",
				    2, &err),
		     err);
	tu_assert_err(db_run_changed(env->db, upd,
				     DB_ARGS(DB_TEXT("x"), DB_INT(3)), "thing",
				     3, &err),
		      err, UG_ENOTFOUND, "id");
	tu_assert_contains(err.message, "no thing with id 3");
	/* A listing stops where its visitor says, with what it said. */
	assert_int_equal(db_list(env->db, all, DB_NOARGS, count_row,
				 &rows, &err),
			 7);
	assert_int_equal(rows, 2);
	/* A value for a parameter the statement lacks is an error. */
	tu_assert_err(db_list(env->db, all, DB_ARGS(DB_NULL), count_row, &rows,
			      &err),
		      err, UG_EDB, NULL);
}

static void test_bind_errors(void **state)
{
	static const char sql[] = "SELECT ? + 1";
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;

	ug_error_clear(&err);
	tu_assert_ok(db_prepare(env->db, sql, &st, &err), err);
	tu_assert_err(db_bind_int64(st, 2, 1, &err), err, UG_EDB, NULL);
	tu_assert_contains(err.message, "cannot bind parameter 2");
	tu_assert_contains(err.message, "in: SELECT ? + 1");
	tu_assert_err(db_bind_double(st, 0, 1.0, &err), err, UG_EDB, NULL);
	tu_assert_contains(err.message, "parameter 0");
	tu_assert_err(db_bind_text(st, 5, "x", &err), err, UG_EDB, NULL);
	tu_assert_err(db_bind_blob(st, 5, "x", 1, &err), err, UG_EDB, NULL);
	tu_assert_err(db_bind_null(st, 5, &err), err, UG_EDB, NULL);
	tu_assert_err(db_bind_text(st, 5, NULL, &err), err, UG_EDB, NULL);
	/* The statement is still usable. */
	tu_assert_ok(db_bind_int64(st, 1, 41, &err), err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_column_int64(st, 0), 42);
	db_reset(st);
}

/* ---- constraint errors ----------------------------------------------- */

static void test_unique_violation_is_conflict(void **state)
{
	static const char ins[] = "INSERT INTO u (name) VALUES (?)";
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;

	exec_ok(env->db, "CREATE TABLE u (id INTEGER PRIMARY KEY,"
			 " name TEXT NOT NULL UNIQUE, n INTEGER CHECK (n > 0))");
	ug_error_clear(&err);
	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_ok(db_bind_text(st, 1, "alice", &err), err);
	assert_int_equal(db_step(st, &err), DB_DONE);

	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_ok(db_bind_text(st, 1, "alice", &err), err);
	tu_assert_err(db_step(st, &err), err, UG_ECONFLICT, NULL);
	tu_assert_contains(err.message, "UNIQUE constraint failed: u.name");
	tu_assert_contains(err.message, "in: INSERT INTO u (name) VALUES (?)");
	tu_assert_rows(env->db, "u", 1);

	/* A primary key clash is a conflict too. */
	tu_assert_err(db_exec(env->db, "INSERT INTO u (id, name) VALUES (1, 'b')",
			      &err),
		      err, UG_ECONFLICT, NULL);
	/* Other constraints are plain storage errors. */
	tu_assert_err(db_exec(env->db, "INSERT INTO u (name) VALUES (NULL)",
			      &err),
		      err, UG_EDB, NULL);
	tu_assert_contains(err.message, "NOT NULL");
	tu_assert_err(db_exec(env->db,
			      "INSERT INTO u (name, n) VALUES ('c', 0)", &err),
		      err, UG_EDB, NULL);
	tu_assert_contains(err.message, "CHECK");

	/* The failed statement can be run again with other values. */
	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_ok(db_bind_text(st, 1, "bob", &err), err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	tu_assert_rows(env->db, "u", 2);
}

static void test_long_failing_sql_is_cut(void **state)
{
	static char sql[2048];
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;
	size_t n;

	exec_ok(env->db, "CREATE TABLE k (x TEXT UNIQUE);"
			 "INSERT INTO k VALUES ('dup')");
	n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO k VALUES ('dup') -- ");
	memset(sql + n, 'c', sizeof sql - n - 1);
	tu_assert_ok(db_prepare(env->db, sql, &st, &err), err);
	tu_assert_err(db_step(st, &err), err, UG_ECONFLICT, NULL);
	assert_true(strlen(err.message) < sizeof err.message);
	tu_assert_contains(err.message, "in: INSERT INTO k");
}

static void test_changes(void **state)
{
	struct tu_env *env = *state;

	exec_ok(env->db, "CREATE TABLE c (x INTEGER);"
			 "INSERT INTO c VALUES (1), (2), (3), (4)");
	exec_ok(env->db, "UPDATE c SET x = x + 10 WHERE x > 1");
	assert_int_equal(db_changes(env->db), 3);
	exec_ok(env->db, "DELETE FROM c WHERE x > 100");
	assert_int_equal(db_changes(env->db), 0);
}

/* db_run_insert(): the id the row got, that of the statement's own row
 * when a trigger inserts others (with ids of their own, far off), on a
 * connection of its own and on a pooled one whose write runs on the
 * group's writer; a refused row leaves *id alone. */
static const char SQL_RUN_INSERT[] = "INSERT INTO r (name) VALUES (?)";

/* One write transaction of db inserting `name`: the id it got. */
static int64_t insert_one(struct db *db, const char *name)
{
	struct ug_error err;
	int64_t id = -1;

	ug_error_clear(&err);
	tu_assert_ok(db_begin_write(db, &err), err);
	tu_assert_ok(db_run_insert(db, SQL_RUN_INSERT, DB_ARGS(DB_TEXT(name)),
				   &id, &err),
		     err);
	tu_assert_ok(db_commit(db, &err), err);
	return id;
}

static void test_run_insert(void **state)
{
	struct tu_env *env = *state;
	struct db_pool *pool = NULL;
	struct db *a = NULL, *b = NULL;
	struct ug_error err;
	int64_t id = -1;

	ug_error_clear(&err);
	exec_ok(env->db,
		"CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
		"CREATE TABLE r_log (id INTEGER PRIMARY KEY, what TEXT);"
		"INSERT INTO r_log (id, what) VALUES (1000, 'start');"
		"CREATE TRIGGER r_logged AFTER INSERT ON r BEGIN"
		" INSERT INTO r_log (what) VALUES (new.name);"
		" INSERT INTO r_log (what) VALUES (new.name); END");
	tu_assert_ok(db_run_insert(env->db, SQL_RUN_INSERT,
				   DB_ARGS(DB_TEXT("one")), &id, &err),
		     err);
	assert_int_equal(id, 1);
	tu_assert_ok(db_run_insert(env->db, SQL_RUN_INSERT,
				   DB_ARGS(DB_TEXT("two")), &id, &err),
		     err);
	assert_int_equal(id, 2);
	assert_int_equal(tu_query_int(env->db, "SELECT MAX(id) FROM r_log"),
			 1004);
	id = -1;
	assert_int_equal(db_run_insert(env->db, SQL_RUN_INSERT,
				       DB_ARGS(DB_TEXT("two")), &id, &err),
			 -UG_ECONFLICT);
	assert_int_equal(id, -1);

	/* Pooled: each write goes through the group's writer connection;
	 * the id is the writer's, not the (idle) connection's own. */
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &a, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &b, &err), err);
	assert_int_equal(insert_one(a, "three"), 3);
	assert_int_equal(insert_one(b, "four"), 4);
	assert_int_equal(tu_query_int(a, "SELECT id FROM r WHERE name = 'four'"),
			 4);
	db_pool_release(pool, a);
	db_pool_release(pool, b);
	db_pool_destroy(pool);
}

/* One integer from a statement that must return a row. */
static void test_query_int64(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	int64_t v = -1;

	ug_error_clear(&err);
	exec_ok(env->db, "CREATE TABLE r (name TEXT, value INTEGER);"
			 "INSERT INTO r VALUES ('a', 41)");
	tu_assert_ok(db_query_int64(env->db, "SELECT COUNT(*) FROM r", &v,
				    &err),
		     err);
	assert_int_equal(v, 1);
	tu_assert_ok(db_query_int64(env->db,
				    "UPDATE r SET value = value + 1"
				    " WHERE name = 'a' RETURNING value",
				    &v, &err),
		     err);
	assert_int_equal(v, 42);
	v = -1;
	tu_assert_err(db_query_int64(env->db,
				     "SELECT value FROM r WHERE name = 'b'", &v,
				     &err),
		      err, UG_EINTERNAL, NULL);
	tu_assert_contains(err.message, "WHERE name = 'b'");
	assert_int_equal(v, -1);
	tu_assert_err(db_query_int64(env->db, "SELECT nope FROM r", &v, &err),
		      err, UG_EDB, NULL);
}

/* ---- transactions ---------------------------------------------------- */

static void test_transactions(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;

	exec_ok(env->db, "CREATE TABLE t (x INTEGER)");
	ug_error_clear(&err);
	tu_assert_ok(db_begin(env->db, &err), err);
	exec_ok(env->db, "INSERT INTO t VALUES (1)");
	db_rollback(env->db);
	tu_assert_rows(env->db, "t", 0);

	tu_assert_ok(db_begin_write(env->db, &err), err);
	exec_ok(env->db, "INSERT INTO t VALUES (2)");
	tu_assert_ok(db_commit(env->db, &err), err);
	tu_assert_rows(env->db, "t", 1);

	/* Rollback with nothing open is safe and changes nothing. */
	db_rollback(env->db);
	tu_assert_rows(env->db, "t", 1);

	/* Commit with nothing open is an error, not a crash. */
	tu_assert_err(db_commit(env->db, &err), err, UG_EDB, NULL);
	tu_assert_contains(err.message, "no transaction is active");

	/* Transactions nest as savepoints (the request path holds an
	 * idempotency key's answer around a domain write): an inner
	 * rollback undoes the inner work only, an inner commit leaves the
	 * outer to decide, and only the outermost commit writes. */
	tu_assert_ok(db_begin_write(env->db, &err), err);
	exec_ok(env->db, "INSERT INTO t VALUES (3)");
	tu_assert_ok(db_begin_write(env->db, &err), err);
	assert_int_equal(db_depth(env->db), 2);
	exec_ok(env->db, "INSERT INTO t VALUES (4)");
	db_rollback(env->db);
	assert_int_equal(db_depth(env->db), 1);
	tu_assert_rows(env->db, "t", 2);
	tu_assert_ok(db_begin(env->db, &err), err);
	exec_ok(env->db, "INSERT INTO t VALUES (5)");
	tu_assert_ok(db_commit(env->db, &err), err);
	assert_int_equal(db_depth(env->db), 1);
	db_rollback(env->db); /* the outer: 3 and 5 go */
	assert_int_equal(db_depth(env->db), 0);
	tu_assert_rows(env->db, "t", 1);
	tu_assert_ok(db_begin_write(env->db, &err), err);
	tu_assert_ok(db_begin_write(env->db, &err), err);
	exec_ok(env->db, "INSERT INTO t VALUES (6)");
	tu_assert_ok(db_commit(env->db, &err), err);
	tu_assert_ok(db_commit(env->db, &err), err);
	assert_int_equal(db_depth(env->db), 0);
	tu_assert_rows(env->db, "t", 2);
}

/* A read transaction's snapshot is taken at its first statement (its
 * BEGIN goes with that statement) and kept to its end; one that ran no
 * statement ends cleanly either way; a row left unread inside it does
 * not outlive its rollback. */
static const char SQL_SNAP_COUNT[] = "SELECT COUNT(*) FROM s";
static const char SQL_SNAP_ROWS[] = "SELECT x FROM s";

static void test_read_transaction_snapshot(void **state)
{
	struct tu_env *env = *state;
	struct db *other = NULL;
	struct db_stmt *st;
	struct ug_error err;
	int64_t n;

	exec_ok(env->db, "CREATE TABLE s (x INTEGER)");
	ug_error_clear(&err);
	tu_assert_ok(db_open(env->db_path, NULL, &other, &err), err);

	/* Nothing run: commit and rollback both end it. */
	tu_assert_ok(db_begin(env->db, &err), err);
	assert_int_equal(db_depth(env->db), 1);
	tu_assert_ok(db_commit(env->db, &err), err);
	assert_int_equal(db_depth(env->db), 0);
	tu_assert_ok(db_begin(env->db, &err), err);
	db_rollback(env->db);
	assert_int_equal(db_depth(env->db), 0);

	/* A write committed between the BEGIN and the first statement is
	 * seen; one committed after it is not, until the end. */
	tu_assert_ok(db_begin(env->db, &err), err);
	exec_ok(other, "INSERT INTO s VALUES (1)");
	tu_assert_ok(db_query_int64(env->db, SQL_SNAP_COUNT, &n, &err), err);
	assert_int_equal(n, 1);
	exec_ok(other, "INSERT INTO s VALUES (2)");
	tu_assert_ok(db_query_int64(env->db, SQL_SNAP_COUNT, &n, &err), err);
	assert_int_equal(n, 1);
	/* A cursor left on a row ... (the request path ends its reads
	 * with a rollback) */
	assert_int_equal(db_row(env->db, SQL_SNAP_ROWS, DB_NOARGS, &st, &err),
			 DB_ROW);
	db_rollback(env->db);
	tu_assert_ok(db_query_int64(env->db, SQL_SNAP_COUNT, &n, &err), err);
	assert_int_equal(n, 2);
	/* ... was released with the transaction: nothing holds the log,
	 * which a checkpoint can empty. */
	exec_ok(other, "INSERT INTO s VALUES (3)");
	assert_int_equal(tu_query_int(other, "PRAGMA wal_checkpoint(TRUNCATE)"),
			 0); /* its first column: busy */
	db_close(other);
}

static void test_begin_write_takes_lock_at_once(void **state)
{
	struct tu_env *env = *state;
	struct db_open_options quick = { .busy_timeout_ms = 1 };
	struct db *other = NULL;
	struct ug_error err;

	exec_ok(env->db, "CREATE TABLE w (x INTEGER)");
	ug_error_clear(&err);
	tu_assert_ok(db_open(env->db_path, &quick, &other, &err), err);

	/* A deferred BEGIN takes no lock: the other connection can write. */
	tu_assert_ok(db_begin(env->db, &err), err);
	tu_assert_ok(db_begin_write(other, &err), err);
	tu_assert_ok(db_commit(other, &err), err);
	db_rollback(env->db);

	/* BEGIN IMMEDIATE holds the write lock from the start. */
	tu_assert_ok(db_begin_write(env->db, &err), err);
	tu_assert_err(db_begin_write(other, &err), err, UG_EDB, NULL);
	tu_assert_contains(err.message, "database busy");
	tu_assert_err(db_exec(other, "INSERT INTO w VALUES (1)", &err), err,
		      UG_EDB, NULL);
	/* Readers are not blocked (WAL). */
	tu_assert_rows(other, "w", 0);
	tu_assert_ok(db_commit(env->db, &err), err);
	/* Released: now the other connection gets it. */
	tu_assert_ok(db_begin_write(other, &err), err);
	tu_assert_ok(db_commit(other, &err), err);
	db_close(other);
}

/* ---- fault injection ------------------------------------------------- */

static void test_fault_db_step(void **state)
{
	static const char ins[] = "INSERT INTO f VALUES (?)";
	static const char sel[] = "SELECT COUNT(*) FROM f";
	struct tu_env *env = *state;
	struct ug_error err;
	struct db_stmt *st;

	exec_ok(env->db, "CREATE TABLE f (x INTEGER)");
	ug_error_clear(&err);
	/* The very next step fails with a clean error naming its SQL. */
	fault_arm(FAULT_DB_STEP, 1);
	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_ok(db_bind_int64(st, 1, 1, &err), err);
	tu_assert_err(db_step(st, &err), err, UG_EDB, NULL);
	assert_string_equal(err.message,
			    "injected fault; in: INSERT INTO f VALUES (?)");
	/* One failure only: the statement runs normally afterwards. */
	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_ok(db_bind_int64(st, 1, 1, &err), err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	assert_int_equal(tu_query_int(env->db, sel), 1);

	/* The 3rd step fails: inside a transaction, after two inserts; the
	 * rollback leaves nothing of them. */
	tu_assert_ok(db_begin_write(env->db, &err), err);
	fault_arm(FAULT_DB_STEP, 3);
	for (int i = 0; i < 2; i++) {
		tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
		tu_assert_ok(db_bind_int64(st, 1, 10 + i, &err), err);
		assert_int_equal(db_step(st, &err), DB_DONE);
	}
	tu_assert_ok(db_prepare(env->db, ins, &st, &err), err);
	tu_assert_err(db_step(st, &err), err, UG_EDB, NULL);
	db_rollback(env->db);
	assert_int_equal(tu_query_int(env->db, sel), 1);

	/* A read fails the same way and leaves the statement reusable. */
	fault_arm(FAULT_DB_STEP, 1);
	tu_assert_ok(db_prepare(env->db, sel, &st, &err), err);
	tu_assert_err(db_step(st, &err), err, UG_EDB, NULL);
	assert_int_equal(tu_query_int(env->db, sel), 1);

	/* Disarmed (0), nothing fails. */
	fault_arm(FAULT_DB_STEP, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(tu_query_int(env->db, sel), 1);

	/* db_table_exists passes the failure on. */
	fault_arm(FAULT_DB_STEP, 1);
	tu_assert_err(db_table_exists(env->db, "f", &err), err, UG_EDB, NULL);
}

/* ---- pool ------------------------------------------------------------ */

static void test_pool_reuses_connections(void **state)
{
	struct tu_env *env = *state;
	struct db_pool *pool = NULL;
	struct db *a = NULL, *b = NULL, *c = NULL, *old_b;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &a, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &b, &err), err);
	assert_ptr_not_equal(a, b); /* both in use: two connections */
	db_pool_release(pool, a);
	tu_assert_ok(db_pool_acquire(pool, &c, &err), err);
	assert_ptr_equal(c, a); /* the idle one is handed out again */
	old_b = b;
	db_pool_release(pool, b);
	db_pool_release(pool, c);
	db_pool_release(pool, NULL); /* harmless */
	/* Both idle now; each is reused before any new one is opened. */
	tu_assert_ok(db_pool_acquire(pool, &a, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &b, &err), err);
	assert_true((a == c && b == old_b) || (a == old_b && b == c));
	/* Pooled connections are set up like any other. */
	assert_int_equal(tu_query_int(a, "PRAGMA foreign_keys"), 1);
	db_pool_release(pool, a);
	db_pool_release(pool, b);
	db_pool_destroy(pool);
	db_pool_destroy(NULL);
}

static void test_pool_many_connections(void **state)
{
	struct tu_env *env = *state;
	struct db_pool *pool = NULL;
	struct db *conns[12], *again[12];
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, &create_opt, &pool, &err), err);
	/* More than the idle list's first capacity, so it grows. */
	for (int i = 0; i < 12; i++)
		tu_assert_ok(db_pool_acquire(pool, &conns[i], &err), err);
	for (int i = 0; i < 12; i++)
		db_pool_release(pool, conns[i]);
	/* All twelve come back, each once, before any new one is opened. */
	for (int i = 0; i < 12; i++) {
		int found = 0;

		tu_assert_ok(db_pool_acquire(pool, &again[i], &err), err);
		for (int k = 0; k < 12; k++)
			found += again[i] == conns[k];
		for (int k = 0; k < i; k++)
			assert_ptr_not_equal(again[i], again[k]);
		assert_int_equal(found, 1);
	}
	for (int i = 0; i < 12; i++)
		db_pool_release(pool, again[i]);
	db_pool_destroy(pool); /* ASan: closes all twelve */
}

static void test_pool_release_rolls_back(void **state)
{
	struct tu_env *env = *state;
	struct db_pool *pool = NULL;
	struct db *a = NULL, *b = NULL;
	struct ug_error err;

	exec_ok(env->db, "CREATE TABLE p (x INTEGER)");
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &a, &err), err);
	tu_assert_ok(db_begin_write(a, &err), err);
	exec_ok(a, "INSERT INTO p VALUES (1)");
	db_pool_release(pool, a); /* a handler forgot to commit */
	tu_assert_rows(env->db, "p", 0);
	tu_assert_ok(db_pool_acquire(pool, &b, &err), err);
	assert_ptr_equal(a, b);
	/* No transaction is left open on the reused connection. */
	tu_assert_ok(db_begin_write(b, &err), err);
	tu_assert_ok(db_commit(b, &err), err);
	db_pool_release(pool, b);
	db_pool_destroy(pool);
}

static void test_pool_open_failure(void **state)
{
	struct tu_env *env = *state;
	struct db_open_options opt = { .busy_timeout_ms = 100 }; /* no create */
	struct db_pool *pool = NULL;
	struct db *db = NULL;
	struct ug_error err;
	char path[400];

	snprintf(path, sizeof path, "%s/absent.db", env->dir);
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(path, &opt, &pool, &err), err);
	tu_assert_err(db_pool_acquire(pool, &db, &err), err, UG_EDB, "db");
	assert_null(db);
	db_pool_destroy(pool);
}

/* With background_checkpoint, commits leave the log alone and the pool's
 * thread copies it into the database: the database file grows while the
 * connections write, without anyone calling a checkpoint. */
static void test_pool_background_checkpoint(void **state)
{
	struct tu_env *env = *state;
	const struct db_open_options opt = { .busy_timeout_ms = 5000,
					     .background_checkpoint = 1 };
	struct db_pool *pool = NULL;
	struct db *a = NULL;
	struct ug_error err;
	struct stat before, after;

	exec_ok(env->db, "CREATE TABLE p (x INTEGER, pad TEXT)");
	exec_ok(env->db, "PRAGMA wal_checkpoint(TRUNCATE)");
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, &opt, &pool, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &a, &err), err);
	assert_int_equal(stat(env->db_path, &before), 0);
	for (int i = 0; i < 200; i++) {
		tu_assert_ok(db_begin_write(a, &err), err);
		exec_ok(a, "INSERT INTO p VALUES (1, printf('%.2000c', 'x'))");
		tu_assert_ok(db_commit(a, &err), err);
	}
	/* 200 rows of 2 kB: about 100 pages into the log.  Wait for the
	 * checkpointer (every 250 ms) to copy them. */
	for (int tries = 0; tries < 40; tries++) {
		assert_int_equal(stat(env->db_path, &after), 0);
		if (after.st_size > before.st_size + 300000)
			break;
		usleep(50000);
	}
	assert_true(after.st_size > before.st_size + 300000);
	db_pool_release(pool, a);
	db_pool_destroy(pool); /* stops and joins the thread (ASan: no leak) */
}


/* Writers that never pause, and a reader among them: the log must still
 * start over.  Copying alone (PASSIVE) never lets it - there is always a
 * page written after the copy - and before log_restart() the -wal file
 * grew by every page written. */
#define LR_THREADS 4
#define LR_EACH 300 /* transactions a thread, of 4 rows of 4 kB */

struct lr_run {
	struct db_pool *pool;
	atomic_int *stop; /* the reader's */
	int bad;
};

static const char SQL_LR_INSERT[] =
	"INSERT INTO lr (pad) VALUES (printf('%.4000c', 'x'))";
/* A short read, as a request's: the newest row. */
static const char SQL_LR_LAST[] = "SELECT MAX(id) FROM lr";

static void *lr_writer(void *arg)
{
	struct lr_run *r = arg;
	struct db *db = NULL;
	struct ug_error err;

	ug_error_clear(&err);
	if (db_pool_acquire(r->pool, &db, &err)) {
		r->bad++;
		return NULL;
	}
	for (int i = 0; i < LR_EACH; i++) {
		int rc = db_begin_write(db, &err);

		for (int k = 0; rc == 0 && k < 4; k++)
			rc = db_run(db, SQL_LR_INSERT, DB_NOARGS, &err);
		if (db_end(db, rc, &err))
			r->bad++;
	}
	db_pool_release(r->pool, db);
	return NULL;
}

static void *lr_reader(void *arg)
{
	struct lr_run *r = arg;
	struct db *db = NULL;
	struct ug_error err;
	int64_t n;

	ug_error_clear(&err);
	if (db_pool_acquire(r->pool, &db, &err)) {
		r->bad++;
		return NULL;
	}
	while (!atomic_load(r->stop))
		if (db_query_int64(db, SQL_LR_LAST, &n, &err))
			r->bad++;
	db_pool_release(r->pool, db);
	return NULL;
}

static void test_pool_log_restarts(void **state)
{
	struct tu_env *env = *state;
	/* Small bounds so that the test writes many times the log's
	 * limit in little time: a round every 20 ms, a restart past 256
	 * pages (1 MiB). */
	const struct db_open_options opt = { .busy_timeout_ms = 5000,
					     .background_checkpoint = 1,
					     .checkpoint_ms = 20,
					     .log_restart_pages = 256 };
	struct db_pool *pool = NULL;
	struct db_pool_stats stats;
	struct lr_run runs[LR_THREADS + 1];
	pthread_t th[LR_THREADS + 1];
	atomic_int stop = 0;
	struct ug_error err;
	struct stat wal;
	char path[400];

	exec_ok(env->db, "CREATE TABLE lr (id INTEGER PRIMARY KEY, pad TEXT)");
	exec_ok(env->db, "PRAGMA wal_checkpoint(TRUNCATE)");
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, &opt, &pool, &err), err);
	for (int i = 0; i <= LR_THREADS; i++) {
		runs[i] = (struct lr_run){ .pool = pool, .stop = &stop };
		assert_int_equal(pthread_create(&th[i], NULL,
						i < LR_THREADS ? lr_writer
							       : lr_reader,
						&runs[i]), 0);
	}
	for (int i = 0; i < LR_THREADS; i++)
		pthread_join(th[i], NULL);
	atomic_store(&stop, 1);
	pthread_join(th[LR_THREADS], NULL);
	for (int i = 0; i <= LR_THREADS; i++)
		assert_int_equal(runs[i].bad, 0);
	db_pool_stats(pool, &stats);
	snprintf(path, sizeof path, "%s-wal", env->db_path);
	assert_int_equal(stat(path, &wal), 0);
	db_pool_destroy(pool);

	/* Every row is there; more than 4,800 pages (19 MiB) went through
	 * the log, which started over and never held more than a few
	 * MiB (the limit, and what 20 ms of writing adds to it; the file
	 * keeps the largest size it had). */
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM lr"),
			 LR_THREADS * LR_EACH * 4);
	assert_true(wal.st_size < 8 * 1024 * 1024);
	assert_true(stats.log_restarts > 0);
}

/* ---- work deferred to the commit (db.h, db_defer) ------------------ */

/* An item adds `v` to the table d's one row per flush: (n items, their
 * sum) - so the rows say how many flushes ran and what each held.  A
 * negative v makes the flush fail. */
static atomic_int dropped;

static int dv_flush(struct db *db, void *const *items, size_t n,
		    struct ug_error *err)
{
	int64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (*(int *)items[i] < 0)
			return ug_fail(err, UG_EDB, NULL, "refused item");
		sum += *(int *)items[i];
	}
	return db_run(db, "INSERT INTO d (n, total) VALUES (?, ?)",
		      DB_ARGS(DB_INT((int64_t)n), DB_INT(sum)), err);
}

static void dv_drop(void *item)
{
	free(item);
	atomic_fetch_add(&dropped, 1);
}

static const struct db_deferred_ops dv_ops = { dv_flush, dv_drop };

static int defer_value(struct db *db, int v, struct ug_error *err)
{
	int *item = malloc(sizeof *item);

	assert_non_null(item);
	*item = v;
	return db_defer(db, &dv_ops, item, err);
}

/* Deferred work is written at the outermost commit, all items together,
 * inside that transaction; a rollback - of the transaction or of the
 * savepoint that deferred it - drops it unwritten; outside a transaction
 * it is written at once; a failed flush fails the commit and nothing of
 * the transaction is kept. */
static void test_deferred_work(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;

	exec_ok(env->db, "CREATE TABLE d (n INTEGER, total INTEGER);"
			 "CREATE TABLE t (x INTEGER)");
	ug_error_clear(&err);
	atomic_store(&dropped, 0);
	tu_assert_ok(defer_value(env->db, 7, &err), err);
	assert_int_equal(tu_query_int(env->db, "SELECT total FROM d"), 7);
	assert_int_equal(atomic_load(&dropped), 1);
	exec_ok(env->db, "DELETE FROM d");

	tu_assert_ok(db_begin_write(env->db, &err), err);
	tu_assert_ok(defer_value(env->db, 1, &err), err);
	tu_assert_ok(defer_value(env->db, 2, &err), err);
	tu_assert_rows(env->db, "d", 0); /* not before the commit */
	tu_assert_ok(db_begin(env->db, &err), err);     /* savepoint kept */
	tu_assert_ok(defer_value(env->db, 4, &err), err);
	tu_assert_ok(db_commit(env->db, &err), err);
	tu_assert_ok(db_begin(env->db, &err), err);     /* savepoint undone */
	tu_assert_ok(defer_value(env->db, 100, &err), err);
	db_rollback(env->db);
	assert_int_equal(atomic_load(&dropped), 2);
	tu_assert_ok(db_begin(env->db, &err), err);     /* the same depth again */
	tu_assert_ok(defer_value(env->db, 8, &err), err);
	tu_assert_ok(db_commit(env->db, &err), err);
	tu_assert_ok(db_commit(env->db, &err), err);
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM d"), 1);
	assert_int_equal(tu_query_int(env->db, "SELECT n FROM d"), 4);
	assert_int_equal(tu_query_int(env->db, "SELECT total FROM d"), 15);
	assert_int_equal(atomic_load(&dropped), 6);

	tu_assert_ok(db_begin_write(env->db, &err), err);
	tu_assert_ok(defer_value(env->db, 16, &err), err);
	db_rollback(env->db);
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM d"), 1);
	assert_int_equal(atomic_load(&dropped), 7);

	tu_assert_ok(db_begin_write(env->db, &err), err);
	exec_ok(env->db, "INSERT INTO t VALUES (1)");
	tu_assert_ok(defer_value(env->db, 32, &err), err);
	tu_assert_ok(defer_value(env->db, -1, &err), err);
	tu_assert_err(db_commit(env->db, &err), err, UG_EDB, NULL);
	tu_assert_contains(err.message, "refused item");
	assert_int_equal(db_depth(env->db), 0);
	tu_assert_rows(env->db, "t", 0);
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM d"), 1);
	assert_int_equal(atomic_load(&dropped), 9);
}

/* ---- group commit (db.h) ------------------------------------------- */

#define GC_THREADS 16
#define GC_EACH 40

struct gc_run {
	struct db_pool *pool;
	int id;
	int defer; /* each transaction also defers 1 (db_defer) */
	int committed, refused, bad; /* bad: an answer that breaks db.h */
};

static const char SQL_GC_INSERT[] = "INSERT INTO g (k, who) VALUES (?, ?)";
static const char SQL_GC_MINE[] = "SELECT COUNT(*) FROM g WHERE who = ?";

/* Transactions of one thread, every fifth meant to fail: it writes a row
 * and then breaks the unique key (a row of key 0 is there from the
 * start).  Its row must go, the others' (of its group) must stay. */
static void *gc_writer(void *arg)
{
	struct gc_run *r = arg;
	struct ug_error err;
	struct db *db = NULL;

	ug_error_clear(&err);
	if (db_pool_acquire(r->pool, &db, &err)) {
		r->bad++;
		return NULL;
	}
	for (int i = 0; i < GC_EACH; i++) {
		int64_t key = r->id * 1000 + i + 1;
		int64_t mine = 0;
		struct db_stmt *st;
		int rc, fail = i % 5 == 4;

		ug_error_clear(&err);
		if ((rc = db_begin_write(db, &err)) ||
		    (rc = db_run(db, SQL_GC_INSERT,
				 DB_ARGS(DB_INT(key), DB_INT(r->id)), &err))) {
			r->bad++;
			db_rollback(db);
			continue;
		}
		if (r->defer && defer_value(db, 1, &err))
			r->bad++;
		/* Its own writes are seen inside its transaction. */
		if (db_row(db, SQL_GC_MINE, DB_ARGS(DB_INT(r->id)), &st,
			   &err) == DB_ROW) {
			mine = db_column_int64(st, 0);
			db_reset(st);
		}
		if (mine != r->committed + 1)
			r->bad++;
		if (fail) {
			rc = db_run(db, SQL_GC_INSERT,
				    DB_ARGS(DB_INT(0), DB_INT(r->id)), &err);
			if (rc != -UG_ECONFLICT)
				r->bad++;
			db_rollback(db);
			r->refused++;
			continue;
		}
		if (db_commit(db, &err))
			r->bad++;
		else
			r->committed++;
	}
	db_pool_release(r->pool, db);
	return NULL;
}

/* GC_THREADS threads of gc_writer on pool (deferring work or not), then
 * the checks every run keeps: nothing broke db.h, the refused went,
 * every committed row is there.  Returns how many committed. */
static int gc_run_all(struct tu_env *env, struct db_pool *pool, int defer)
{
	struct gc_run runs[GC_THREADS];
	pthread_t th[GC_THREADS];
	char who[16];
	int committed = 0;

	for (int i = 0; i < GC_THREADS; i++) {
		runs[i] = (struct gc_run){ .pool = pool, .id = i,
					   .defer = defer };
		assert_int_equal(pthread_create(&th[i], NULL, gc_writer,
						&runs[i]), 0);
	}
	for (int i = 0; i < GC_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(runs[i].bad, 0);
		assert_int_equal(runs[i].refused, GC_EACH / 5);
		snprintf(who, sizeof who, "%d", i);
		assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM"
						" g WHERE who = CAST(? AS"
						" INTEGER)", who),
				 runs[i].committed);
		committed += runs[i].committed;
	}
	assert_int_equal(committed, GC_THREADS * (GC_EACH - GC_EACH / 5));
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM g"),
			 committed + 1);
	return committed;
}

/* A pool on a table g (and d, for deferred work), gc_run_all() on it,
 * its statistics; the pool is destroyed.  Returns how many committed. */
static int gc_pool_run(struct tu_env *env, int defer,
		       struct db_pool_stats *stats)
{
	struct db_pool *pool = NULL;
	struct ug_error err;
	int committed;

	exec_ok(env->db, "CREATE TABLE d (n INTEGER, total INTEGER);"
			 "CREATE TABLE g (k INTEGER PRIMARY KEY, who INTEGER);"
			 "INSERT INTO g VALUES (0, -1)");
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);
	committed = gc_run_all(env, pool, defer);
	db_pool_stats(pool, stats);
	db_pool_destroy(pool);
	return committed;
}

/* Sixteen threads writing at once share commits; a transaction that
 * fails takes only itself back; every commit that answered 0 is there. */
static void test_group_commit(void **state)
{
	struct db_pool_stats stats;
	int committed = gc_pool_run(*state, 0, &stats);

	assert_int_equal(stats.transactions, committed);
	/* Shared commits: fewer engine commits than transactions. */
	assert_true(stats.commits < stats.transactions);
	assert_true(stats.max_batch > 1);
	assert_true(stats.max_batch <= 64);
}

/* On a pool, the transactions a group commit gathers have their deferred
 * work flushed once for the group, before its commit: as many flushes as
 * engine commits, fewer than the transactions, and the items of every
 * transaction that answered 0 - and of no other - written. */
static void test_group_deferred_work(void **state)
{
	struct tu_env *env = *state;
	struct db_pool_stats stats;
	int committed;

	atomic_store(&dropped, 0);
	committed = gc_pool_run(env, 1, &stats);
	assert_int_equal(tu_query_int(env->db, "SELECT SUM(total) FROM d"),
			 committed);
	assert_int_equal(tu_query_int(env->db, "SELECT SUM(n) FROM d"),
			 committed);
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM d"),
			 (int)stats.commits);
	assert_true(stats.commits < stats.transactions);
	assert_true(tu_query_int(env->db, "SELECT MAX(n) FROM d") > 1);
	/* every item dropped once: the committed after their flush, the
	 * rolled back unwritten */
	assert_int_equal(atomic_load(&dropped), GC_THREADS * GC_EACH);
}

/* Inside a group's transaction a transaction nests as a savepoint on the
 * writer (the request path's idempotency keys hold one around the
 * handler's): its rollback undoes its own work only, its commit keeps it
 * for the outer one, and the outer commit is one transaction of the
 * group.  A lone writer commits at once. */
static void test_group_commit_alone(void **state)
{
	struct tu_env *env = *state;
	struct db_pool *pool = NULL;
	struct db_pool_stats stats;
	struct db *a = NULL;
	struct ug_error err;

	exec_ok(env->db, "CREATE TABLE g (k INTEGER PRIMARY KEY, who INTEGER)");
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &a, &err), err);
	tu_assert_ok(db_begin_write(a, &err), err);
	exec_ok(a, "INSERT INTO g VALUES (1, 1)");
	tu_assert_ok(db_begin_write(a, &err), err);
	assert_int_equal(db_depth(a), 2);
	exec_ok(a, "INSERT INTO g VALUES (10, 1)");
	db_rollback(a);
	assert_int_equal(db_depth(a), 1);
	tu_assert_ok(db_begin(a, &err), err);
	exec_ok(a, "INSERT INTO g VALUES (11, 1)");
	tu_assert_ok(db_commit(a, &err), err);
	assert_int_equal(db_depth(a), 1);
	/* Not committed yet: another connection sees nothing. */
	tu_assert_rows(env->db, "g", 0);
	tu_assert_ok(db_commit(a, &err), err);
	assert_int_equal(db_depth(a), 0);
	/* committed: another connection sees the outer and the kept inner
	 * work, not the inner work rolled back */
	tu_assert_rows(env->db, "g", 2);
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM g"
					       " WHERE k = 10"), 0);
	tu_assert_ok(db_begin_write(a, &err), err);
	exec_ok(a, "INSERT INTO g VALUES (2, 1)");
	db_rollback(a);
	tu_assert_rows(env->db, "g", 2);
	db_pool_stats(pool, &stats);
	assert_int_equal(stats.transactions, 1);
	assert_int_equal(stats.commits, 1);
	db_pool_release(pool, a);
	db_pool_destroy(pool);
}

struct gc_second {
	struct db_pool *pool;
	struct db *db;
	int began;
};

/* The second writer of a group: waits for its turn (the first holds
 * it), then ends the engine's transaction under everyone - as SQLite
 * does itself on a full disk or an I/O error. */
static void *gc_breaker(void *arg)
{
	struct gc_second *b = arg;
	struct ug_error err;

	ug_error_clear(&err);
	if (db_begin_write(b->db, &err) == 0) {
		__atomic_store_n(&b->began, 1, __ATOMIC_RELEASE);
		exec_ok(b->db, "INSERT INTO g VALUES (2, 2)");
		exec_ok(b->db, "ROLLBACK");
		db_rollback(b->db);
	}
	return NULL;
}

/* a begins, b waits for the turn for 100 ms, a commits, b breaks the
 * engine's transaction.  With a group_wait_us longer than that, a and b
 * share a group: a's commit answers the error, nothing is kept.  With
 * the default 2 ms, a's group is too old to wait for b: a commits alone
 * and b's group is lost without a. */
static void group_lost(struct tu_env *env, int wait_us)
{
	const struct db_open_options opt = { .busy_timeout_ms = 5000,
					     .group_wait_us = wait_us };
	struct gc_second b = { 0 };
	struct db_pool *pool = NULL;
	struct db *a = NULL;
	struct ug_error err;
	pthread_t th;
	int rc;

	exec_ok(env->db, "CREATE TABLE g (k INTEGER PRIMARY KEY, who INTEGER)");
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, &opt, &pool, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &a, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &b.db, &err), err);
	tu_assert_ok(db_begin_write(a, &err), err);
	assert_int_equal(pthread_create(&th, NULL, gc_breaker, &b), 0);
	usleep(100000); /* b waits for the turn */
	assert_int_equal(__atomic_load_n(&b.began, __ATOMIC_ACQUIRE), 0);
	exec_ok(a, "INSERT INTO g VALUES (1, 1)");
	/* a's turn passes to b, which breaks the group; a hears of it */
	rc = db_commit(a, &err);
	pthread_join(th, NULL);
	assert_int_equal(b.began, 1);
	if (wait_us) {
		tu_assert_err(rc, err, UG_EDB, NULL);
		tu_assert_contains(err.message, "lost with its group commit");
		exec_ok(env->db, "DELETE FROM g");
	} else {
		tu_assert_ok(rc, err);
		exec_ok(env->db, "DELETE FROM g WHERE k = 1");
	}
	tu_assert_rows(env->db, "g", 0);
	/* and the writer works on */
	tu_assert_ok(db_begin_write(a, &err), err);
	exec_ok(a, "INSERT INTO g VALUES (3, 1)");
	tu_assert_ok(db_commit(a, &err), err);
	tu_assert_rows(env->db, "g", 1);
	db_pool_release(pool, a);
	db_pool_release(pool, b.db);
	db_pool_destroy(pool);
}

/* A transaction whose group lost its engine transaction is not reported
 * kept: its commit answers the error. */
static void test_group_commit_lost_together(void **state)
{
	group_lost(*state, 10000000);
}

/* A group does not wait for company longer than group_wait_us. */
static void test_group_commit_wait_is_bounded(void **state)
{
	group_lost(*state, 0);
}

/* While another connection of the pool is handed out (a request in
 * progress), a commit with nobody waiting for the turn waits for it as
 * company, up to group_company_us: b, writing 30 ms after a began to
 * commit, shares a's commit.  Alone with an idle b, a's commit is
 * closed by a itself once the group is that old - not at once, not
 * never; and a rolled-back write leaves no batch open. */
struct company_writer {
	struct db *db;
	int k;
	int rc;
	int64_t took_us;
};

static void *company_write(void *arg)
{
	struct company_writer *w = arg;
	struct ug_error err;
	int64_t t0 = ug_monotonic_us();

	ug_error_clear(&err);
	w->rc = db_begin_write(w->db, &err);
	if (w->rc == 0) {
		w->rc = db_run(w->db, "INSERT INTO g VALUES (?, 1)",
			       DB_ARGS(DB_INT(w->k)), &err);
		w->rc = db_end(w->db, w->rc, &err);
	}
	w->took_us = ug_monotonic_us() - t0;
	return NULL;
}

static void test_group_commit_waits_for_company(void **state)
{
	struct tu_env *env = *state;
	/* A long company bound, so that the test's own timing cannot
	 * miss it. */
	const struct db_open_options opt = { .busy_timeout_ms = 5000,
					     .group_wait_us = 5000000,
					     .group_company_us = 200000 };
	struct db_pool *pool = NULL;
	struct db_pool_stats stats;
	const struct db_open_options quick = { .busy_timeout_ms = 100 };
	struct company_writer a = { .k = 1 }, b = { .k = 2 };
	struct db *other = NULL;
	struct ug_error err;
	pthread_t th;

	exec_ok(env->db, "CREATE TABLE g (k INTEGER PRIMARY KEY, who INTEGER)");
	ug_error_clear(&err);
	tu_assert_ok(db_pool_create(env->db_path, &opt, &pool, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &a.db, &err), err);
	tu_assert_ok(db_pool_acquire(pool, &b.db, &err), err);

	assert_int_equal(pthread_create(&th, NULL, company_write, &a), 0);
	usleep(30000); /* a is waiting for company by now */
	company_write(&b);
	pthread_join(th, NULL);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	db_pool_stats(pool, &stats);
	assert_int_equal(stats.transactions, 2);
	assert_int_equal(stats.commits, 1);
	tu_assert_rows(env->db, "g", 2);

	/* b idle: a waits the bound out, then commits alone. */
	a.k = 3;
	company_write(&a);
	assert_int_equal(a.rc, 0);
	assert_true(a.took_us >= 150000);
	assert_true(a.took_us < 4000000);
	db_pool_stats(pool, &stats);
	assert_int_equal(stats.commits, 2);

	/* A batch its only writer rolled back is not kept open for
	 * company: nobody would end it, and it holds the write lock. */
	tu_assert_ok(db_begin_write(a.db, &err), err);
	exec_ok(a.db, "INSERT INTO g VALUES (5, 1)");
	db_rollback(a.db);
	tu_assert_ok(db_open(env->db_path, &quick, &other, &err), err);
	tu_assert_ok(db_begin_write(other, &err), err);
	db_rollback(other);
	db_close(other);

	/* b given back: a is alone in the pool and commits at once. */
	db_pool_release(pool, b.db);
	a.k = 4;
	company_write(&a);
	assert_int_equal(a.rc, 0);
	assert_true(a.took_us < 150000);
	tu_assert_rows(env->db, "g", 4);
	db_pool_release(pool, a.db);
	db_pool_destroy(pool);
}

/* ---- backup and checks ----------------------------------------------- */

struct backup_watch {
	struct db *writer; /* another connection, writing during the copy */
	int calls;
	int64_t done, total;
};

/* After the first chunk, a row is written through another connection:
 * the copy must not have it (one snapshot) and must not start over. */
static void backup_progress(void *ctx, int64_t done, int64_t total)
{
	struct backup_watch *w = ctx;

	if (w->calls++ == 0 && w->writer)
		exec_ok(w->writer, "INSERT INTO b VALUES (-1, 'during')");
	w->done = done;
	w->total = total;
}

/* 2,500 rows of 2 kB: over 1,024 pages, so the copy takes several
 * chunks. */
static void fill_for_backup(struct db *db)
{
	exec_ok(db, "CREATE TABLE b (x INTEGER, pad TEXT);"
		    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
		    " FROM n WHERE i < 2500)"
		    " INSERT INTO b SELECT i, printf('%.2000c', 'x') FROM n");
}

static struct db *open_copy(const char *path)
{
	struct db_open_options ro = { .busy_timeout_ms = 1000, .read_only = 1 };
	struct ug_error err;
	struct db *db = NULL;

	ug_error_clear(&err);
	tu_assert_ok(db_open(path, &ro, &db, &err), err);
	return db;
}

static void test_backup_is_one_snapshot(void **state)
{
	struct tu_env *env = *state;
	struct db_backup_result res;
	struct backup_watch w = { 0 };
	struct ug_error err;
	struct db *copy;
	char path[400], tmp[420];
	struct stat sb;

	fill_for_backup(env->db);
	ug_error_clear(&err);
	tu_assert_ok(db_open(env->db_path, NULL, &w.writer, &err), err);
	tu_path(path, sizeof path, env->dir, "copy.db");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	tu_assert_ok(db_backup(env->db, path, 0, backup_progress, &w, &res,
			       &err), err);
	assert_true(w.calls >= 2);
	assert_int_equal(w.done, w.total);
	assert_int_equal(res.pages, w.total);
	assert_int_equal(res.bytes, res.pages * res.page_size);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, res.bytes);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(access(tmp, F_OK), -1);
	/* The row written meanwhile is in the database, not in the copy. */
	tu_assert_rows(env->db, "b", 2501);
	copy = open_copy(path);
	tu_assert_rows(copy, "b", 2500);
	db_close(copy);
	db_close(w.writer);
}

static void test_backup_refuses_what_is_there(void **state)
{
	struct tu_env *env = *state;
	struct db_backup_result res;
	struct ug_error err;
	struct db *copy;
	char path[400], tmp[420];

	exec_ok(env->db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
	tu_write_file(env->dir, "there.db", "mine", 4);
	tu_path(path, sizeof path, env->dir, "there.db");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	tu_assert_err(db_backup(env->db, path, 0, NULL, NULL, &res, &err), err,
		      UG_EINVAL, "output");
	tu_assert_contains(err.message, "there.db exists already");
	assert_int_equal(access(tmp, F_OK), -1);
	/* A temporary left by an interrupted backup is refused too. */
	unlink(path);
	tu_write_file(env->dir, "there.db.tmp", "half", 4);
	tu_assert_err(db_backup(env->db, path, 0, NULL, NULL, &res, &err), err,
		      UG_EINVAL, "output");
	tu_assert_contains(err.message, "there.db.tmp exists already");
	assert_int_equal(access(path, F_OK), -1);
	/* Replacing both. */
	tu_write_file(env->dir, "there.db", "mine", 4);
	ug_error_clear(&err);
	tu_assert_ok(db_backup(env->db, path, 1, NULL, NULL, &res, &err), err);
	assert_int_equal(access(tmp, F_OK), -1);
	copy = open_copy(path);
	tu_assert_rows(copy, "t", 1);
	db_close(copy);
}

static void test_backup_where_nothing_can_be_written(void **state)
{
	struct tu_env *env = *state;
	struct db_backup_result res;
	struct ug_error err;
	char path[400];

	exec_ok(env->db, "CREATE TABLE t (x)");
	tu_path(path, sizeof path, env->dir, "no/such/folder/copy.db");
	tu_assert_err(db_backup(env->db, path, 0, NULL, NULL, &res, &err), err,
		      UG_EIO, "output");
	tu_assert_contains(err.message, "cannot create");
	tu_assert_contains(err.message, "copy.db.tmp");
}

struct problems_seen {
	int n;
	char first[200];
};

static int see_one_problem(void *ctx, const char *problem)
{
	struct problems_seen *p = ctx;

	if (p->n++ == 0)
		snprintf(p->first, sizeof p->first, "%s", problem);
	return 1; /* enough: the rest only counted */
}

static void test_check_foreign_keys_and_integrity(void **state)
{
	struct tu_env *env = *state;
	struct problems_seen seen = { 0 };
	struct ug_error err;
	int64_t problems = -1;

	exec_ok(env->db, "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
		    "CREATE TABLE child (id INTEGER PRIMARY KEY,"
		    " parent_id INTEGER REFERENCES parent(id));"
		    "INSERT INTO parent VALUES (1);"
		    "INSERT INTO child VALUES (1, 1)");
	ug_error_clear(&err);
	for (int what = DB_CHECK_INTEGRITY; what <= DB_CHECK_FOREIGN_KEYS;
	     what++) {
		tu_assert_ok(db_check(env->db, what, see_one_problem, &seen,
				      &problems, &err), err);
		assert_int_equal(problems, 0);
		assert_int_equal(seen.n, 0);
	}
	exec_ok(env->db, "PRAGMA foreign_keys=OFF;"
		    "INSERT INTO child VALUES (2, 7), (3, 8), (4, 9);"
		    "PRAGMA foreign_keys=ON");
	tu_assert_ok(db_check(env->db, DB_CHECK_FOREIGN_KEYS, see_one_problem,
			      &seen, &problems, &err), err);
	assert_int_equal(problems, 3); /* all counted, */
	assert_int_equal(seen.n, 1);   /* one told: the callback said stop */
	tu_assert_contains(seen.first, "child row 2 refers to a parent row "
				       "that does not exist");
	/* Sound pages all the same. */
	tu_assert_ok(db_check(env->db, DB_CHECK_QUICK, NULL, NULL, &problems,
			      &err), err);
	assert_int_equal(problems, 0);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, tu_setup_empty_db, \
						   tu_teardown_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(test_open_and_engine),
		DB_TEST(test_open_missing_file_without_create),
		DB_TEST(test_open_not_a_database),
		cmocka_unit_test(test_open_postgres_not_built),
		DB_TEST(test_open_read_only),
		DB_TEST(test_wal_and_foreign_keys_on),
		DB_TEST(test_exec_error_names_sql),
		DB_TEST(test_prepare_cache_same_pointer),
		DB_TEST(test_prepare_cache_grows),
		DB_TEST(test_statement_survives_cache_growth),
		DB_TEST(test_prepare_error),
		DB_TEST(test_prepare_resets_statement),
		DB_TEST(test_bind_and_read_every_type),
		DB_TEST(test_args),
		DB_TEST(test_bind_errors),
		DB_TEST(test_unique_violation_is_conflict),
		DB_TEST(test_long_failing_sql_is_cut),
		DB_TEST(test_changes),
		DB_TEST(test_run_insert),
		DB_TEST(test_query_int64),
		DB_TEST(test_transactions),
		DB_TEST(test_read_transaction_snapshot),
		DB_TEST(test_begin_write_takes_lock_at_once),
		DB_TEST(test_fault_db_step),
		DB_TEST(test_pool_reuses_connections),
		DB_TEST(test_pool_many_connections),
		DB_TEST(test_pool_release_rolls_back),
		DB_TEST(test_pool_open_failure),
		DB_TEST(test_pool_background_checkpoint),
		DB_TEST(test_pool_log_restarts),
		DB_TEST(test_deferred_work),
		DB_TEST(test_group_deferred_work),
		DB_TEST(test_group_commit),
		DB_TEST(test_group_commit_alone),
		DB_TEST(test_group_commit_lost_together),
		DB_TEST(test_group_commit_wait_is_bounded),
		DB_TEST(test_group_commit_waits_for_company),
		DB_TEST(test_backup_is_one_snapshot),
		DB_TEST(test_backup_refuses_what_is_there),
		DB_TEST(test_backup_where_nothing_can_be_written),
		DB_TEST(test_check_foreign_keys_and_integrity),
	};

	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
