/*
 * db_engine.h - what an SQL engine provides to db.c.
 *
 * Only store/db.c and the engine implementations include this file.  Each
 * engine has one `const struct db_engine`; a connection points at it.
 */
#ifndef UG_DB_ENGINE_H
#define UG_DB_ENGINE_H

#include "store/db.h"

struct db_engine {
	const char *name;
	/* Does this engine serve `location`? */
	int (*accepts)(const char *location);
	int (*open)(const char *location, const struct db_open_options *opt,
		    void **conn, struct ug_error *err);
	void (*close)(void *conn);
	int (*exec)(void *conn, const char *sql, struct ug_error *err);
	int (*prepare)(void *conn, const char *sql, void **stmt,
		       struct ug_error *err);
	void (*finalize)(void *stmt);
	void (*reset)(void *stmt);
	int (*bind_int64)(void *stmt, int idx, int64_t v);
	int (*bind_double)(void *stmt, int idx, double v);
	int (*bind_text)(void *stmt, int idx, const char *v);
	int (*bind_blob)(void *stmt, int idx, const void *v, size_t n);
	int (*bind_null)(void *stmt, int idx);
	/* DB_ROW, DB_DONE or negative with err filled (SQL added by db.c). */
	int (*step)(void *conn, void *stmt, struct ug_error *err);
	/* 1 when the statement cannot change the database (a SELECT). */
	int (*readonly)(void *stmt);
	int (*column_is_null)(void *stmt, int col);
	int64_t (*column_int64)(void *stmt, int col);
	double (*column_double)(void *stmt, int col);
	const char *(*column_text)(void *stmt, int col);
	const void *(*column_blob)(void *stmt, int col, size_t *n);
	int64_t (*changes)(void *conn);
	/* The id the connection's last INSERT gave its row (db_run_insert;
	 * a trigger's own inserts do not count). */
	int64_t (*last_insert_id)(void *conn);
	/* 1 while a transaction is open on the connection (an error may
	 * have ended it: SQLite rolls back on a full disk). */
	int (*in_transaction)(void *conn);
	/* The connection's last error into err, as step would have filled
	 * it: its negative code, or 0 when there is none. */
	int (*last_error)(void *conn, struct ug_error *err);
	/* Error text for a failed bind. */
	const char *(*errmsg)(void *conn);
	const char *begin_write_sql; /* "BEGIN IMMEDIATE" / "BEGIN" */
	const char *table_exists_sql; /* one ? parameter: the table name */
	/* One writer at a time for the whole database (SQLite): the pool
	 * then runs its connections' write transactions on one writer
	 * connection of its own, several to a commit (group commit, db.h).
	 * An engine whose server gathers commits itself and locks rows
	 * (PostgreSQL: commit_delay, its own group commit) leaves it 0 and
	 * each connection writes on its own; the contract of db.h is the
	 * same either way. */
	int single_writer;
	/* Copy what the log holds into the database; NULL when the engine
	 * has nothing of the kind.  Without `restart`, blocking neither
	 * readers nor writers (SQLite PASSIVE); with it, the caller has
	 * made sure nobody writes, and the engine waits for the readers
	 * still reading the log, then starts the log over from its
	 * beginning (SQLite RESTART: the file keeps its size and is
	 * written over).  *log_pages: the pages the log held (when not
	 * NULL). */
	int (*checkpoint)(void *conn, int restart, int64_t *log_pages,
			  struct ug_error *err);
	/* Copy the database, as one snapshot taken while other connections
	 * (and processes) go on writing, into a new file `path`, created
	 * readable by its owner alone; an existing `path` is an error.  The
	 * copy is self-contained (no log beside it) and synced.  progress
	 * (may be NULL) is called after each chunk of pages.  On failure
	 * the engine removes what it wrote. */
	int (*backup)(void *conn, const char *path,
		      db_backup_progress_fn progress, void *ctx,
		      struct db_backup_result *res, struct ug_error *err);
	/* One check of the database's own structure (enum db_check): each
	 * problem found, as one line of text, to cb (a non-zero answer
	 * stops); *problems counts them (the integrity check stops at 100,
	 * as db.h says).  NULL when the engine has none
	 * (the check then reports nothing). */
	int (*check)(void *conn, enum db_check what, db_problem_fn cb,
		     void *ctx, int64_t *problems, struct ug_error *err);
};

extern const struct db_engine db_engine_sqlite;

#endif
