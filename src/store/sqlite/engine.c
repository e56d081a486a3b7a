/*
 * sqlite/engine.c - the SQLite engine behind store/db.h.
 *
 * The only file in the program that includes sqlite3.h.  Each connection
 * runs in WAL mode with foreign keys enforced and a busy timeout, so the
 * server's worker threads (one connection each, from the pool) can read
 * while one of them writes.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db_engine.h"

static int sqlite_accepts(const char *location)
{
	return strncmp(location, "postgres", 8) != 0;
}

static int sqlite_error(sqlite3 *conn, int rc, struct ug_error *err)
{
	int ext = conn ? sqlite3_extended_errcode(conn) : rc;
	const char *msg = conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc);

	if ((rc & 0xff) == SQLITE_CONSTRAINT &&
	    (ext == SQLITE_CONSTRAINT_UNIQUE ||
	     ext == SQLITE_CONSTRAINT_PRIMARYKEY ||
	     ext == SQLITE_CONSTRAINT_FOREIGNKEY))
		return ug_fail(err, UG_ECONFLICT, NULL, "%s", msg);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return ug_fail(err, UG_EDB, NULL, "database busy: %s", msg);
	/* A full disk (or a file size limit, or a failing one): nothing was
	 * written - the transaction rolls back - and the caller may try
	 * again once there is room: not a bug of ours (web/reply.c: 503). */
	if ((rc & 0xff) == SQLITE_FULL || ext == SQLITE_IOERR_WRITE ||
	    ext == SQLITE_IOERR_FSYNC || ext == SQLITE_IOERR_TRUNCATE ||
	    ext == SQLITE_IOERR_SHMSIZE || ext == SQLITE_IOERR_DIR_FSYNC)
		return ug_fail(err, UG_EFULL, NULL, "cannot write: %s", msg);
	return ug_fail(err, UG_EDB, NULL, "%s", msg);
}

/* A new database holds password hashes, sessions, citizens' phone
 * numbers and photos: it is created readable by its owner alone (0600),
 * whatever the umask says.  SQLite gives its -wal and -shm files the mode
 * of the database file.  An existing file keeps its mode (the operator's
 * choice); a name SQLite treats specially (":memory:", "file:" URIs, "")
 * is left to it. */
static void create_private(const char *location)
{
	int fd;

	if (!*location || location[0] == ':' ||
	    strncmp(location, "file:", 5) == 0)
		return;
	fd = open(location, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return; /* there already, or not creatable: SQLite says why */
	if (fchmod(fd, 0600) != 0) { /* what the umask took away, back */
		close(fd);
		unlink(location);
		return;
	}
	close(fd);
}

static int sqlite_open(const char *location, const struct db_open_options *opt,
		       void **out, struct ug_error *err)
{
	int flags = SQLITE_OPEN_NOMUTEX;
	sqlite3 *conn = NULL;
	char *msg = NULL;
	int rc;

	*out = NULL;
	flags |= opt->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (opt->create) {
		flags |= SQLITE_OPEN_CREATE;
		if (!opt->read_only)
			create_private(location);
	}
	rc = sqlite3_open_v2(location, &conn, flags, NULL);
	if (rc != SQLITE_OK) {
		ug_fail(err, UG_EDB, "db", "cannot open database %s: %s",
			location, conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
		sqlite3_close(conn);
		return -UG_EDB;
	}
	sqlite3_extended_result_codes(conn, 1);
	sqlite3_busy_timeout(conn, opt->busy_timeout_ms > 0
					   ? opt->busy_timeout_ms : 5000);
	/* WAL: readers never block the writer.  synchronous=NORMAL is the
	 * documented safe setting for WAL (a power cut may lose the last
	 * transactions, never corrupt the file).  No mmap_size: with the
	 * file growing under intake every connection remaps and re-faults
	 * its pages (bench/intake.sh: 1,340 cases/s with a 1 GiB map,
	 * 2,150 without). */
	rc = sqlite3_exec(conn,
			  opt->read_only ? "PRAGMA foreign_keys=ON;"
					 : "PRAGMA journal_mode=WAL;"
					   "PRAGMA synchronous=NORMAL;"
					   "PRAGMA foreign_keys=ON;",
			  NULL, NULL, &msg);
	if (rc == SQLITE_OK && opt->background_checkpoint && !opt->read_only)
		rc = sqlite3_wal_autocheckpoint(conn, 0);
	if (rc != SQLITE_OK) {
		ug_fail(err, UG_EDB, "db", "cannot set up database %s: %s",
			location, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(conn);
		return -UG_EDB;
	}
	*out = conn;
	return 0;
}

static void sqlite_close(void *conn)
{
	sqlite3_close(conn);
}

static int sqlite_exec(void *conn, const char *sql, struct ug_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);

	if (rc == SQLITE_OK)
		return 0;
	rc = sqlite_error(conn, rc, err);
	if (err && msg) {
		size_t n = strlen(err->message);

		snprintf(err->message + n, sizeof err->message - n, "; in: %s",
			 sql);
	}
	sqlite3_free(msg);
	return rc;
}

static int sqlite_prepare(void *conn, const char *sql, void **stmt,
			  struct ug_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &st, NULL);

	if (rc != SQLITE_OK) {
		ug_fail(err, UG_EDB, NULL, "cannot prepare: %s; in: %s",
			sqlite3_errmsg(conn), sql);
		sqlite3_finalize(st);
		return -UG_EDB;
	}
	*stmt = st;
	return 0;
}

static void sqlite_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void sqlite_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static int sqlite_bind_int64(void *stmt, int idx, int64_t v)
{
	return sqlite3_bind_int64(stmt, idx, v) != SQLITE_OK;
}

static int sqlite_bind_double(void *stmt, int idx, double v)
{
	return sqlite3_bind_double(stmt, idx, v) != SQLITE_OK;
}

static int sqlite_bind_text(void *stmt, int idx, const char *v)
{
	return sqlite3_bind_text(stmt, idx, v, -1, SQLITE_TRANSIENT) != SQLITE_OK;
}

static int sqlite_bind_blob(void *stmt, int idx, const void *v, size_t n)
{
	return sqlite3_bind_blob64(stmt, idx, v, n, SQLITE_TRANSIENT) !=
	       SQLITE_OK;
}

static int sqlite_bind_null(void *stmt, int idx)
{
	return sqlite3_bind_null(stmt, idx) != SQLITE_OK;
}

static int sqlite_step(void *conn, void *stmt, struct ug_error *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(stmt);
		return DB_DONE;
	}
	return sqlite_error(conn, rc, err);
}

static int sqlite_column_is_null(void *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static int64_t sqlite_column_int64(void *stmt, int col)
{
	return sqlite3_column_int64(stmt, col);
}

static double sqlite_column_double(void *stmt, int col)
{
	return sqlite3_column_double(stmt, col);
}

static const char *sqlite_column_text(void *stmt, int col)
{
	return (const char *)sqlite3_column_text(stmt, col);
}

static const void *sqlite_column_blob(void *stmt, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(stmt, col);

	*n = (size_t)sqlite3_column_bytes(stmt, col);
	return p;
}

static int64_t sqlite_changes(void *conn)
{
	return sqlite3_changes64(conn);
}

static const char *sqlite_errmsg(void *conn)
{
	return sqlite3_errmsg(conn);
}

static int sqlite_checkpoint(void *conn, struct ug_error *err)
{
	int rc = sqlite3_wal_checkpoint_v2(conn, NULL,
					   SQLITE_CHECKPOINT_PASSIVE, NULL,
					   NULL);

	/* BUSY: another checkpoint runs; the next round does the rest. */
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return ug_fail(err, UG_EDB, "db", "checkpoint: %s",
			       sqlite3_errmsg(conn));
	return 0;
}

const struct db_engine db_engine_sqlite = {
	.name = "sqlite",
	.accepts = sqlite_accepts,
	.open = sqlite_open,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.reset = sqlite_reset,
	.bind_int64 = sqlite_bind_int64,
	.bind_double = sqlite_bind_double,
	.bind_text = sqlite_bind_text,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.column_is_null = sqlite_column_is_null,
	.column_int64 = sqlite_column_int64,
	.column_double = sqlite_column_double,
	.column_text = sqlite_column_text,
	.column_blob = sqlite_column_blob,
	.changes = sqlite_changes,
	.errmsg = sqlite_errmsg,
	.begin_write_sql = "BEGIN IMMEDIATE",
	.table_exists_sql =
		"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
	.single_writer = 1,
	.checkpoint = sqlite_checkpoint,
};
