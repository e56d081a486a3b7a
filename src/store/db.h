/*
 * db.h - the one way to run SQL, whatever the engine.
 *
 * Code in store/ runs statements through this interface only; it never sees
 * sqlite3.h (or libpq-fe.h).  SQL text is written once, portably: `?`
 * placeholders, INTEGER/TEXT/REAL/BLOB values, `INSERT ... RETURNING`, and
 * `ON CONFLICT ... DO UPDATE`, all of which SQLite (>= 3.35) and PostgreSQL
 * share.  The engine behind a connection is chosen by db_open() from the
 * location string and implements struct db_engine (store/db_engine.h).
 *
 * Statements are prepared once per connection and cached by the address of
 * their SQL text, so callers keep each statement in a named constant next
 * to the code that uses it (`static const char SQL_USER_BY_NAME[] = ...`).
 *
 * Every failure fills struct ug_error with the engine's message and the SQL
 * that failed, and returns a negative UG_E* code: UG_ECONFLICT for a
 * uniqueness or foreign-key violation, UG_EDB otherwise.
 */
#ifndef UG_DB_H
#define UG_DB_H

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

struct db;
struct db_stmt;

enum { DB_DONE = 0, DB_ROW = 1 };

struct db_open_options {
	int busy_timeout_ms; /* wait this long for a lock; default 5000 */
	int create;          /* create the database if it does not exist */
	int read_only;
	/* A pool only: commits never checkpoint the SQLite write-ahead log
	 * (which would stall the committing request while it copies pages);
	 * a thread of the pool checkpoints in the background instead.  No
	 * effect on engines without a log to checkpoint. */
	int background_checkpoint;
	/* synchronous=NORMAL instead of FULL (SQLite): commits are not
	 * synced, so a power cut can lose the last acknowledged ones.  For
	 * the power-cut test's control rounds and benchmarks, and for
	 * `urbangrid demo` (a made-up city: thousands of transactions no
	 * one waits for, synced when it closes the file).  Never the
	 * server. */
	int relaxed_sync;
	/* A pool only: the bounds of a group commit (below); 0 takes the
	 * default.  At most group_max transactions to a commit (64), and
	 * the batch commits once its first transaction is group_wait_us
	 * old (2000) even while more writers wait. */
	int group_max;
	int group_wait_us;
	/* ... and while it is younger than group_company_us (300; -1: never)
	 * and other connections of the pool are handed out (requests in
	 * progress that may be about to write), it waits for them even when
	 * no writer waits for the turn yet; never past group_wait_us. */
	int group_company_us;
	/* A pool with background_checkpoint: how often its thread
	 * checkpoints (ms; default 250), and how many pages the log may
	 * hold before the thread starts it over (default 4096: 16 MiB at
	 * SQLite's 4 KiB page).  Under writes that never pause, copying
	 * alone never lets the log start over, and it grew by every page
	 * written (650 MB in 8 s of intake); the restart holds the
	 * writers off for a moment (db_pool_stats.log_restart_us). */
	int checkpoint_ms;
	int log_restart_pages;
};

/* Open a connection.  `location` is a file path for SQLite (the default
 * engine); "postgres://..." URLs are reserved for the PostgreSQL engine.
 * The connection has foreign keys on and (SQLite) WAL journaling. */
int db_open(const char *location, const struct db_open_options *opt,
	    struct db **out, struct ug_error *err);
void db_close(struct db *db);

/* Name of the engine ("sqlite", "postgres"). */
const char *db_engine_name(const struct db *db);

/* Run SQL text with no parameters and no result rows (several statements
 * separated by ';' are allowed).  For schema scripts and pragmas. */
int db_exec(struct db *db, const char *sql, struct ug_error *err);

/* Get the cached prepared statement for `sql` (a string with static storage
 * duration: its address is the cache key), reset and with bindings cleared.
 * The statement belongs to the connection: do not finalize it. */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
	       struct ug_error *err);

/* A statement's text made at run time (a filter's terms: store/cases),
 * kept for the life of the process so that db_prepare can cache it: the
 * same text gives the same address.  At most DB_INTERN_MAX texts are
 * kept; past them NULL (also when out of memory), and the caller states
 * its query in one of a fixed few texts instead, which it interns with
 * `always` set (those are kept past the bound, which they cannot run up:
 * a client trying every combination of filters then costs each
 * connection DB_INTERN_MAX prepared statements at most). */
#define DB_INTERN_MAX 256
const char *db_intern(const char *sql, int always);

/* Bind parameter `idx` (1-based).  Text and blobs are copied. */
int db_bind_int64(struct db_stmt *st, int idx, int64_t v, struct ug_error *err);
int db_bind_double(struct db_stmt *st, int idx, double v, struct ug_error *err);
int db_bind_text(struct db_stmt *st, int idx, const char *v,
		 struct ug_error *err); /* NULL binds SQL NULL */
int db_bind_blob(struct db_stmt *st, int idx, const void *v, size_t n,
		 struct ug_error *err);
int db_bind_null(struct db_stmt *st, int idx, struct ug_error *err);

/* Advance: DB_ROW with a row, DB_DONE when finished, or a negative error. */
int db_step(struct db_stmt *st, struct ug_error *err);

/*
 * A statement's parameters, in order from 1, written where it is run:
 *
 *     db_list(db, SQL_USER_LIST, DB_ARGS(DB_TEXT(unit), DB_INT(limit)),
 *             user_visit, &v, err);
 *
 * An array literal of tagged values, not varargs: the compiler checks
 * each value against its kind (an int64_t for DB_INT, a pointer for
 * DB_TEXT), so a wrong type fails the build rather than the query.
 * DB_NOARGS for a statement without parameters.
 * DB_OPT_INT / DB_OPT_TEXT bind SQL NULL for the store's "absent" values
 * (0; NULL or ""); DB_TEXT binds NULL for a NULL pointer only.
 */
enum db_arg_kind {
	DB_ARG_END,
	DB_ARG_INT,
	DB_ARG_OPT_INT,
	DB_ARG_REAL,
	DB_ARG_TEXT,
	DB_ARG_OPT_TEXT,
	DB_ARG_BLOB,
	DB_ARG_NULL
};

struct db_arg {
	enum db_arg_kind kind;
	int64_t i;
	double d;
	const void *p;
	size_t n;
};

#define DB_INT(v) { .kind = DB_ARG_INT, .i = (v) }
#define DB_OPT_INT(v) { .kind = DB_ARG_OPT_INT, .i = (v) }
#define DB_REAL(v) { .kind = DB_ARG_REAL, .d = (v) }
#define DB_TEXT(v) { .kind = DB_ARG_TEXT, .p = (const char *)(v) }
#define DB_OPT_TEXT(v) { .kind = DB_ARG_OPT_TEXT, .p = (const char *)(v) }
#define DB_BLOB(v, len) { .kind = DB_ARG_BLOB, .p = (v), .n = (len) }
#define DB_NULL { .kind = DB_ARG_NULL }
/* v when `present`, else NULL (a coordinate, where 0 is a value). */
#define DB_REAL_OR_NULL(present, v) \
	{ .kind = (present) ? DB_ARG_REAL : DB_ARG_NULL, .d = (v) }
#define DB_ARGS(...) \
	((const struct db_arg[]){ __VA_ARGS__, { .kind = DB_ARG_END } })
#define DB_NOARGS ((const struct db_arg[]){ { .kind = DB_ARG_END } })

/* Bind args from parameter 1 on. */
int db_bind_args(struct db_stmt *st, const struct db_arg *args,
		 struct ug_error *err);

/* db_prepare() and db_bind_args() together: the statement ready to step. */
int db_prepare_args(struct db *db, const char *sql, const struct db_arg *args,
		    struct db_stmt **st, struct ug_error *err);

/* Run `sql` (static) with args - a write, or anything whose rows are not
 * read - one step: 0 or the error. */
int db_run(struct db *db, const char *sql, const struct db_arg *args,
	   struct ug_error *err);

/* Run an INSERT of one row (static `sql`, no RETURNING) with args, and
 * put the new row's id in *id: what `INSERT ... RETURNING id` gives,
 * for the writes a report makes many times a second (the case, its
 * history lines).  SQLite makes a RETURNING statement keep its rows in
 * a temporary table of their own, opened and freed at every step - a
 * quarter of such an insert's time (bench/README.md, intake); here the
 * engine says which id it gave (SQLite: the connection's last rowid,
 * which a trigger's own inserts leave alone; a PostgreSQL engine would
 * state the insert with RETURNING id itself - its lastval() would count
 * the sequences a trigger draws from). */
int db_run_insert(struct db *db, const char *sql, const struct db_arg *args,
		  int64_t *id, struct ug_error *err);

/* db_run() for a write meant to change row `id`: UG_ENOTFOUND naming "id"
 * ("no <what> with id <id>") when it changed none. */
int db_run_changed(struct db *db, const char *sql, const struct db_arg *args,
		   const char *what, int64_t id, struct ug_error *err);

/* Run `sql` with args for one row: DB_ROW with *st on it (read it, then
 * db_reset()), DB_DONE when there is none, or the error. */
int db_row(struct db *db, const char *sql, const struct db_arg *args,
	   struct db_stmt **st, struct ug_error *err);

/* Columns of the current row (0-based).  Text is valid until the next step
 * or reset; NULL text reads as NULL. */
int db_column_is_null(struct db_stmt *st, int col);
int64_t db_column_int64(struct db_stmt *st, int col);
double db_column_double(struct db_stmt *st, int col);
const char *db_column_text(struct db_stmt *st, int col);
const void *db_column_blob(struct db_stmt *st, int col, size_t *n);

/* Release the statement's read position (locks) early; the statement stays
 * cached.  Called automatically by the next db_prepare() of the same SQL. */
void db_reset(struct db_stmt *st);

/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(struct db *db);

/* Step a write (bound by the caller) meant to change row `id`:
 * UG_ENOTFOUND naming "id" ("no <what> with id <id>") when it changed
 * none. */
int db_step_changed(struct db_stmt *st, struct db *db, const char *what,
		    int64_t id, struct ug_error *err);

/* The one loop of the store's listings: step the prepared and bound st
 * to its end, calling visit(v, st) on each row - it decodes the row and
 * hands it to its caller's callback.  The first non-zero answer stops
 * the loop, releases the statement and is returned; 0 at the end, or the
 * step's negative error. */
int db_each(struct db_stmt *st, int (*visit)(void *v, struct db_stmt *st),
	    void *v, struct ug_error *err);

/* db_prepare_args() then db_each(): a listing in one call. */
int db_list(struct db *db, const char *sql, const struct db_arg *args,
	    int (*visit)(void *v, struct db_stmt *st), void *v,
	    struct ug_error *err);

/* DB_VISITOR(name, cb_type, row_type, decode) defines the visitor of one
 * listing for db_each(): `struct name_visit { cb; ctx; row; }` and
 * name_visit(), which decodes the row into *row with decode(st, row) and
 * hands it to cb(ctx, row).  The caller owns row - on its stack, or on
 * the heap for the large ones.  A macro because C has no generics: the
 * loop and its stop/reset/error rules stay in db_each() alone. */
#define DB_VISITOR(name, cb_type, row_type, decode)                      \
	struct name##_visit {                                             \
		cb_type cb;                                               \
		void *ctx;                                                \
		row_type *row;                                            \
	};                                                                \
	static int name##_visit(void *v, struct db_stmt *st)              \
	{                                                                 \
		struct name##_visit *p = v;                               \
		decode(st, p->row);                                       \
		return p->cb(p->ctx, p->row);                             \
	}

/* Run `sql` (static) - a write with one parameter, an id or a key, and
 * no rows back - to the end. */
int db_run_id(struct db *db, const char *sql, int64_t id,
	      struct ug_error *err);
int db_run_key(struct db *db, const char *sql, const char *key,
	       struct ug_error *err);

/* Run `sql` (static, as for db_prepare()) with one parameter, an id or a
 * key, for the one row it names: 0 with *st on that row (read it, then
 * db_reset()), UG_ENOTFOUND when there is none - naming "id" and saying
 * "no <what> with id <id>", or naming `field` and saying "no <what>
 * <key>" ("user named", "department with code") - or the error.  The
 * store's every get-one-thing. */
int db_row_by_id(struct db *db, const char *sql, int64_t id, const char *what,
		 struct db_stmt **st, struct ug_error *err);
int db_row_by_key(struct db *db, const char *sql, const char *key,
		  const char *field, const char *what, struct db_stmt **st,
		  struct ug_error *err);

/* Run `sql` (static, as for db_prepare(); no parameters), which returns
 * one row - a COUNT, a counter row, UPDATE ... RETURNING - and put its
 * first column into *out.  No row at all is UG_EINTERNAL naming the SQL:
 * the row it reads is part of the schema. */
int db_query_int64(struct db *db, const char *sql, int64_t *out,
		   struct ug_error *err);

/* Transactions.  db_begin_write() takes the write lock at once (SQLite
 * BEGIN IMMEDIATE), so a read-then-write sequence cannot deadlock.
 * db_rollback() is safe to call when no transaction is open.
 *
 * Durability, and group commit - the contract every engine keeps:
 * - db_commit() returns 0 only once the transaction is durable: it
 *   survives a crash of the process and a power cut (SQLite:
 *   synchronous=FULL, the log synced; PostgreSQL: synchronous_commit on).
 * - On a pool's connections the engine may gather the write transactions
 *   of concurrent callers into one engine transaction and one sync
 *   (SQLite: the pool's writer connection runs them in turn, each inside
 *   a savepoint).  Each caller still sees only its own transaction:
 *   - between db_begin_write() and its end, reads see what was written
 *     before, by commits and by the earlier transactions of its group
 *     (never one rolled back: see the next point);
 *   - db_rollback() (or a failed db_commit()) undoes this transaction
 *     alone; the others of its group commit;
 *   - db_commit() waits for the group's commit and answers with its
 *     outcome: 0 when it is durable, else the error.  An error that
 *     ends the engine's whole transaction (a full disk, an I/O error)
 *     fails every transaction of the group, none is reported kept.
 *   The wait is bounded: a group commits when no other writer waits
 *   and no other request of the pool is in progress (or it is
 *   group_company_us old), when it holds group_max transactions or
 *   when its first is group_wait_us old (struct db_open_options).
 * - Transactions nest (below): db_begin() or db_begin_write() inside
 *   a write transaction is a savepoint of it, on the writer too; only
 *   the outermost commit joins the group.  Only write transactions are
 *   gathered: a write outside db_begin_write() commits on its own
 *   connection. */
int db_begin(struct db *db, struct ug_error *err);
int db_begin_write(struct db *db, struct ug_error *err);

/* How many writes this process has made so far: grows at every commit
 * of a write transaction and every write made outside one (a statement
 * that can change the database, stepped on its own).  What answers
 * caches read to know, without asking the database, that nothing was
 * written here since they last looked (web/anscache.h); writes by other
 * processes on the same database are not counted. */
uint64_t db_writes(void);
int db_commit(struct db *db, struct ug_error *err);
void db_rollback(struct db *db);
/* The end of a transaction whose work answered rc: commit when rc is 0,
 * else roll back.  Returns rc, or the commit's error. */
int db_end(struct db *db, int rc, struct ug_error *err);

/* Work deferred to the commit.  A write transaction may leave work for
 * the end of its engine transaction, so that what the transactions of a
 * group (above) each add to the same rows - the assessment counters - is
 * written once for the group instead of once for each.  db_defer()
 * hands `item` to the transaction open on db, where it lives with the
 * transaction's other work: a released savepoint keeps it, a rolled-back
 * one (or the transaction's rollback) drops it (ops->drop), and just
 * before the engine's COMMIT every item of one ops is handed to
 * ops->flush(db, items, n, err) together - the items of every member of
 * a group, on the connection that commits - then dropped.  The flush is
 * part of the same engine transaction: a failed flush fails the commit
 * (with a group, every member of it), so deferred work and the writes
 * that deferred it are kept or lost together.  What deferred work will
 * write is not yet in the database before that commit: a reader in the
 * same engine transaction (a later member of the group) does not see
 * it.  Outside a transaction db_defer() flushes the item at once.  On
 * any error the item has been dropped. */
struct db_deferred_ops {
	int (*flush)(struct db *db, void *const *items, size_t n,
		     struct ug_error *err);
	void (*drop)(void *item);
};
int db_defer(struct db *db, const struct db_deferred_ops *ops, void *item,
	     struct ug_error *err);

/* Transactions nest: begun while one is open, a transaction is a
 * savepoint of it (its commit keeps its work for the outer one to commit
 * or roll back; its rollback undoes its own work only) - so that the
 * request path can hold an idempotency key's answer in the same
 * transaction as the writes it answers.  db_depth() is how deep (0: no
 * transaction). */
int db_depth(const struct db *db);

/* 1 if `sql` (one text parameter) finds a row for key, 0 if not; <0 on
 * error. */
int db_row_exists(struct db *db, const char *sql, const char *key,
		  struct ug_error *err);

/* 1 if a table of that name exists. */
int db_table_exists(struct db *db, const char *table, struct ug_error *err);

/* ---- operations: backup and checks (urbangrid backup, check) ------- */

struct db_backup_result {
	int64_t pages;     /* pages copied */
	int64_t page_size; /* bytes a page */
	int64_t bytes;     /* the copy's size */
};

/* Called as a backup goes on: `done` of `total` pages copied so far. */
typedef void (*db_backup_progress_fn)(void *ctx, int64_t done, int64_t total);

/* Copy the database behind `db` to the file `path`: a consistent
 * snapshot, taken while other connections and processes keep writing
 * (they are not held up: the copy reads one snapshot in chunks).  The
 * copy is written to "<path>.tmp", created readable by its owner alone
 * (0600), then opened read-only and checked whole (db_check
 * DB_CHECK_INTEGRITY), synced and only then renamed to `path`: a crash
 * or a failure never leaves a half copy under that name, and a failure
 * removes the temporary.  An existing `path` - or "<path>.tmp", left by
 * a backup running or interrupted - is UG_EINVAL naming "output" unless
 * `replace` is set.  Other failures: UG_EIO (the file), UG_EDB (the
 * engine; the copy's check failing too).  progress may be NULL. */
int db_backup(struct db *db, const char *path, int replace,
	      db_backup_progress_fn progress, void *ctx,
	      struct db_backup_result *res, struct ug_error *err);

/* What db_check() looks at. */
enum db_check {
	DB_CHECK_INTEGRITY,    /* every page, row and index (slow on a big
				  database: it reads everything) */
	DB_CHECK_QUICK,        /* the same without comparing the indexes
				  with their tables (faster) */
	DB_CHECK_FOREIGN_KEYS, /* rows whose reference names no row */
};

/* One problem db_check() found, as a line of text; non-zero stops. */
typedef int (*db_problem_fn)(void *ctx, const char *problem);

/* Run one check of the database's own structure, engine-neutral for
 * the caller (SQLite: PRAGMA integrity_check, quick_check,
 * foreign_key_check).  Each problem goes to cb (may be NULL); *problems
 * is how many were found (0: the check passed) - for the integrity
 * checks at most the first 100.  A database too damaged to be read by
 * the check at all is the error (UG_EDB), not a problem. */
int db_check(struct db *db, enum db_check what, db_problem_fn cb, void *ctx,
	     int64_t *problems, struct ug_error *err);

/* A pool of connections to one database, shared by the server's worker
 * threads.  db_pool_acquire() hands out an idle connection or opens a new
 * one; db_pool_release() returns it (rolling back any open transaction). */
struct db_pool;
int db_pool_create(const char *location, const struct db_open_options *opt,
		   struct db_pool **out, struct ug_error *err);
int db_pool_acquire(struct db_pool *pool, struct db **out,
		    struct ug_error *err);
void db_pool_release(struct db_pool *pool, struct db *db);
/* Connections idle in the pool and handed out now (the metrics'). */
void db_pool_connections(struct db_pool *pool, size_t *idle, size_t *busy);
void db_pool_destroy(struct db_pool *pool);

/* The pool's memo (lib/memo.h) of rows read often and changed seldom
 * (store/cached.h), for a pooled connection while what it reads is
 * committed data: NULL for a lone connection, and in a write
 * transaction - once it wrote, or while its statements run on the
 * group's writer, where they see the batch's uncommitted rows - since a
 * row kept then might be rolled back under a revision that comes again. */
struct memo;
struct memo *db_memo(struct db *db);

/* A value the store reads once for a pooled connection's unit of work
 * (store/cached.c: the configuration's revision, which every kept row is
 * checked against - five times a report) and keeps until the unit ends:
 * the connection's return to the pool, or the start of a write of its
 * own (what it writes must be read again after).  db_held() gives 1 and
 * *v while one is kept; db_hold() keeps v (for a pooled connection
 * only: a lone one keeps nothing). */
int db_held(const struct db *db, int64_t *v);
void db_hold(struct db *db, int64_t v);
/* Its asks answered from memory and not (for /metrics): 0, 0 without. */
void db_pool_memo_counts(struct db_pool *pool, uint64_t *hits,
			 uint64_t *misses);

/* What the pool's group commits did so far (all zero for an engine that
 * commits each connection on its own). */
struct db_pool_stats {
	int64_t transactions; /* write transactions committed */
	int64_t commits;      /* engine commits that carried them */
	int64_t max_batch;    /* the most transactions in one commit */
	int64_t turns;        /* times a writer held the writer connection */
	int64_t turn_us;      /* ... and for how long in all */
	int64_t commit_us;    /* time spent in the engine's commits */
	int64_t log_restarts;   /* the log started over (checkpointer) */
	int64_t log_restart_us; /* ... the writers held off meanwhile */
};
void db_pool_stats(struct db_pool *pool, struct db_pool_stats *out);

#endif
