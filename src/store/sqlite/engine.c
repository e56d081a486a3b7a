/*
 * sqlite/engine.c - the SQLite engine behind store/db.h.
 *
 * The only file in the program that includes sqlite3.h.  Each connection
 * runs in WAL mode with foreign keys enforced and a busy timeout, so the
 * server's worker threads (one connection each, from the pool) can read
 * while one of them writes.
 */
#include <errno.h>
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
 * of the database file.  create_private_file() makes such a file, which
 * must not exist yet: 0, or -1 with errno set. */
static int create_private_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600) != 0) { /* what the umask took away, back */
		int e = errno;

		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* A new database file (see above).  An existing file keeps its mode (the
 * operator's choice); a name SQLite treats specially (":memory:",
 * "file:" URIs, "") is left to it. */
static void create_private(const char *location)
{
	if (!*location || location[0] == ':' ||
	    strncmp(location, "file:", 5) == 0)
		return;
	/* there already, or not creatable: SQLite says why */
	(void)create_private_file(location);
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
	/* WAL: readers never block the writer.  synchronous=FULL: the log
	 * is synced at every commit, so a commit that returned survives a
	 * power cut (NORMAL syncs only at checkpoints: a cut loses the last
	 * commits, though never corrupts the file).  The cost - a sync per
	 * commit - is shared by the commits a pool gathers (db.h, group
	 * commit; docs/operations.md "Durability").  No mmap_size: with the
	 * file growing under intake every connection remaps and re-faults
	 * its pages (bench/intake.sh: 1,340 cases/s with a 1 GiB map,
	 * 2,150 without).  temp_store=MEMORY: the savepoints of a group
	 * commit's members (and sorts past the page cache) stay in memory;
	 * with the default, each group whose savepoints outgrew 64 KiB
	 * made, wrote and deleted a file in /var/tmp. */
	rc = sqlite3_exec(conn,
			  opt->read_only ? "PRAGMA foreign_keys=ON;"
			  : opt->relaxed_sync ? "PRAGMA journal_mode=WAL;"
						"PRAGMA synchronous=NORMAL;"
						"PRAGMA temp_store=MEMORY;"
						"PRAGMA foreign_keys=ON;"
					      : "PRAGMA journal_mode=WAL;"
						"PRAGMA synchronous=FULL;"
						"PRAGMA temp_store=MEMORY;"
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

static int sqlite_readonly(void *stmt)
{
	return sqlite3_stmt_readonly(stmt) != 0;
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

static int64_t sqlite_last_insert_id(void *conn)
{
	return sqlite3_last_insert_rowid(conn);
}

static int sqlite_in_transaction(void *conn)
{
	return !sqlite3_get_autocommit(conn);
}

static int sqlite_last_error(void *conn, struct ug_error *err)
{
	int rc = sqlite3_extended_errcode(conn);

	if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	return sqlite_error(conn, rc, err);
}

static const char *sqlite_errmsg(void *conn)
{
	return sqlite3_errmsg(conn);
}

#define RESTART_READER_WAIT_MS 5

static int sqlite_checkpoint(void *conn, int restart, int64_t *log_pages,
			     struct ug_error *err)
{
	int in_log = 0, rc;

	/* A restart holds the writers off while it waits for the readers
	 * that began before it (SQLite's busy handler sleeps 1, 2, then
	 * 2 ms), so it waits briefly: a reader still on the log then (a
	 * long report's) makes it BUSY, and a later round tries again.
	 * The connection is the pool's checkpointer's alone (db.c). */
	if (restart)
		sqlite3_busy_timeout(conn, RESTART_READER_WAIT_MS);
	rc = sqlite3_wal_checkpoint_v2(conn, NULL,
					   restart ? SQLITE_CHECKPOINT_RESTART
						   : SQLITE_CHECKPOINT_PASSIVE,
					   &in_log, NULL);

	if (log_pages)
		*log_pages = in_log > 0 ? in_log : 0;
	/* BUSY: another checkpoint runs, or (RESTART) a reader outlasted
	 * the busy timeout; the next round does the rest. */
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return ug_fail(err, UG_EDB, "db", "checkpoint: %s",
			       sqlite3_errmsg(conn));
	return 0;
}

/* ---- backup and checks -------------------------------------------- */

/* Pages one backup step copies: 4 MiB at the usual 4 KiB page, so a
 * progress line moves often enough on a database of gigabytes. */
#define BACKUP_CHUNK_PAGES 1024
/* A step that finds the source busy or locked (a WAL recovery, a
 * checkpoint resetting the log) tries again this many times, this many
 * milliseconds apart: 10 s in all, twice the busy timeout. */
#define BACKUP_BUSY_TRIES 200
#define BACKUP_BUSY_SLEEP_MS 50

/* Copy src into dst, a new empty database, in chunks of pages. */
static int backup_copy(sqlite3 *src, sqlite3 *dst,
		       db_backup_progress_fn progress, void *ctx,
		       struct db_backup_result *res, struct ug_error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc, busy = 0;

	if (!b)
		return ug_fail(err, UG_EDB, NULL, "cannot start the backup: %s",
			       sqlite3_errmsg(dst));
	for (;;) {
		rc = sqlite3_backup_step(b, BACKUP_CHUNK_PAGES);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++busy > BACKUP_BUSY_TRIES)
				break;
			sqlite3_sleep(BACKUP_BUSY_SLEEP_MS);
			continue;
		}
		if (rc != SQLITE_OK && rc != SQLITE_DONE)
			break;
		busy = 0;
		res->pages = sqlite3_backup_pagecount(b);
		if (progress)
			progress(ctx, res->pages - sqlite3_backup_remaining(b),
				 res->pages);
		if (rc == SQLITE_DONE)
			break;
	}
	busy = sqlite3_backup_finish(b); /* the step's error, or its own */
	if (rc == SQLITE_DONE && busy == SQLITE_OK)
		return 0;
	return sqlite_error(NULL, rc == SQLITE_DONE ? busy : rc, err);
}

/*
 * The whole copy reads one snapshot of the source: a read transaction is
 * held on it from before the first page to after the last.  Without it
 * each step would read the database as it is then, and a write by any
 * other connection - the servers' intake - would restart the copy from
 * its first page, so that under steady writing it would never end.  In
 * WAL mode a reader holds up no writer: the servers go on writing while
 * it runs (the log cannot be checkpointed past the snapshot meanwhile,
 * so it grows for that time).  Hence no pause between the chunks: a
 * pause would only keep the log growing longer.
 */
static int sqlite_backup(void *conn, const char *path,
			 db_backup_progress_fn progress, void *ctx,
			 struct db_backup_result *res, struct ug_error *err)
{
	sqlite3 *src = conn, *dst = NULL;
	int rc, snapshot = 0;
	struct stat sb;

	memset(res, 0, sizeof *res);
	if (create_private_file(path) != 0)
		/* Another backup's file appeared since db.c looked: the
		 * same refusal as an existing one (db.h). */
		return ug_fail(err, errno == EEXIST ? UG_EINVAL : UG_EIO,
			       "output", "cannot create %s: %s", path,
			       strerror(errno));
	rc = sqlite3_open_v2(path, &dst,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = ug_fail(err, UG_EDB, "output", "cannot open %s: %s", path,
			     dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_extended_result_codes(dst, 1);
	if ((rc = sqlite_exec(src, "BEGIN; SELECT COUNT(*) FROM sqlite_master",
			      err)))
		goto out;
	snapshot = 1;
	if ((rc = backup_copy(src, dst, progress, ctx, res, err)))
		goto out;
	/* The copy came with the source's WAL mark in its header: back to
	 * a rollback journal, so the file is whole by itself (a server
	 * opening it turns WAL on again).  Synced (synchronous=FULL, the
	 * default outside WAL) before it answers. */
	if ((rc = sqlite_exec(dst, "PRAGMA journal_mode=DELETE", err)))
		goto out;
	rc = sqlite3_close(dst);
	dst = NULL;
	if (rc != SQLITE_OK) {
		rc = ug_fail(err, UG_EIO, "output", "cannot close %s: %s",
			     path, sqlite3_errstr(rc));
		goto out;
	}
	if (stat(path, &sb) != 0) {
		rc = ug_fail(err, UG_EIO, "output", "cannot read %s: %s", path,
			     strerror(errno));
		goto out;
	}
	res->bytes = sb.st_size;
	res->page_size = res->pages ? sb.st_size / res->pages : 0;
out:
	if (snapshot)
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(dst);
	if (rc)
		unlink(path);
	return rc;
}

/* "ok" alone is what the integrity checks say of a sound database. */
static int check_row(sqlite3_stmt *st, enum db_check what, char *line,
		     size_t n)
{
	const char *text = (const char *)sqlite3_column_text(st, 0);

	if (what != DB_CHECK_FOREIGN_KEYS) {
		if (text && strcmp(text, "ok") == 0)
			return 0;
		snprintf(line, n, "%s", text ? text : "(no text)");
		return 1;
	}
	/* table, rowid, parent, foreign key id */
	snprintf(line, n, "%s row %lld refers to a %s row that does not "
			  "exist (its foreign key %d)",
		 text, (long long)sqlite3_column_int64(st, 1),
		 (const char *)sqlite3_column_text(st, 2),
		 sqlite3_column_int(st, 3));
	return 1;
}

static int sqlite_check(void *conn, enum db_check what, db_problem_fn cb,
			void *ctx, int64_t *problems, struct ug_error *err)
{
	static const char *const pragma[] = {
		[DB_CHECK_INTEGRITY] = "PRAGMA integrity_check(100)",
		[DB_CHECK_QUICK] = "PRAGMA quick_check(100)",
		[DB_CHECK_FOREIGN_KEYS] = "PRAGMA foreign_key_check",
	};
	sqlite3_stmt *st = NULL;
	char line[1024];
	int rc, told = 1;

	*problems = 0;
	rc = sqlite3_prepare_v2(conn, pragma[what], -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = sqlite_error(conn, rc, err);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!check_row(st, what, line, sizeof line))
			continue;
		++*problems;
		if (cb && told && cb(ctx, line))
			told = 0; /* counted on, no longer told */
	}
	rc = rc == SQLITE_DONE ? 0 : sqlite_error(conn, rc, err);
out:
	if (rc && err) {
		size_t n = strlen(err->message);

		snprintf(err->message + n, sizeof err->message - n, "; in: %s",
			 pragma[what]);
	}
	sqlite3_finalize(st);
	return rc;
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
	.readonly = sqlite_readonly,
	.column_is_null = sqlite_column_is_null,
	.column_int64 = sqlite_column_int64,
	.column_double = sqlite_column_double,
	.column_text = sqlite_column_text,
	.column_blob = sqlite_column_blob,
	.changes = sqlite_changes,
	.last_insert_id = sqlite_last_insert_id,
	.in_transaction = sqlite_in_transaction,
	.last_error = sqlite_last_error,
	.errmsg = sqlite_errmsg,
	.begin_write_sql = "BEGIN IMMEDIATE",
	.table_exists_sql =
		"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
	.single_writer = 1,
	.checkpoint = sqlite_checkpoint,
	.backup = sqlite_backup,
	.check = sqlite_check,
};
