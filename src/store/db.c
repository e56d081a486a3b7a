/*
 * db.c - engine-neutral SQL interface: connection, statement cache, error
 * reporting, connection pool (see db.h).
 */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/fault.h"
#include "lib/log.h"
#include "lib/memo.h"
#include "lib/util.h"
#include "store/db_engine.h"

struct db_stmt {
	struct db *db;
	const char *sql; /* cache key and text for messages */
	void *impl;
};

/* Open-addressing table of prepared statements keyed by SQL address.
 * The statements themselves are allocated one by one, so a handle stays
 * valid while the table grows (callers step one statement while preparing
 * others). */
struct db {
	const struct db_engine *engine;
	void *conn;
	struct db_stmt **stmts;
	size_t nstmts, cap;
	int in_transaction; /* depth: 1 a transaction, more its savepoints */
	/* A read transaction (db_begin) whose BEGIN is not sent yet: it
	 * goes with the transaction's first statement, so that a request
	 * answered without the database (a kept answer) costs none. */
	int begin_pending;
	/* A statement was stepped since reset_all() last ran. */
	int stepped;
	/* A pooled connection of a single-writer engine: its write
	 * transactions run on the pool's writer connection, gathered with
	 * others into one engine transaction (see "group commit" below).
	 * `via` is that writer while this connection's write transaction is
	 * open: every statement then goes there, its nested transactions'
	 * savepoints too. */
	struct db_group *group;
	struct db *via;
	/* Work deferred to the commit (db_defer), kept on the connection
	 * statements run on: a group's writer holds its members'. */
	struct deferred *deferred;
	size_t ndeferred, deferred_cap;
	/* The pool's memo (db_memo), NULL for a lone connection. */
	struct memo *memo;
	/* db_hold()'s value, while `held`. */
	int64_t held_value;
	int held;
};

/* One item of deferred work: `owner` is the connection whose transaction
 * deferred it, at savepoint `depth` (NULL once a group member's
 * transaction is released into its group). */
struct deferred {
	const struct db_deferred_ops *ops;
	void *item;
	struct db *owner;
	int depth;
};

/* The connection statements run on: the group's writer during a write
 * transaction of a pooled connection, else the connection itself. */
static struct db *live(struct db *db)
{
	return db->via ? db->via : db;
}

static const struct db_engine *const db_engines[] = {
	&db_engine_sqlite,
};

int db_open(const char *location, const struct db_open_options *opt,
	    struct db **out, struct ug_error *err)
{
	struct db_open_options defaults = { .busy_timeout_ms = 5000 };
	const struct db_engine *engine = NULL;
	struct db *db;
	int rc;

	*out = NULL;
	if (!opt)
		opt = &defaults;
	if (strncmp(location, "postgres://", 11) == 0 ||
	    strncmp(location, "postgresql://", 13) == 0) {
		for (size_t i = 0; i < sizeof db_engines / sizeof *db_engines; i++)
			if (db_engines[i]->accepts(location))
				engine = db_engines[i];
		if (!engine)
			return ug_fail(err, UG_EDB, "db",
				       "this build has no PostgreSQL engine for %s",
				       location);
	} else {
		engine = &db_engine_sqlite;
	}
	db = calloc(1, sizeof *db);
	if (!db)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	db->engine = engine;
	rc = engine->open(location, opt, &db->conn, err);
	if (rc) {
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->cap; i++)
		if (db->stmts[i]) {
			db->engine->finalize(db->stmts[i]->impl);
			free(db->stmts[i]);
		}
	free(db->stmts);
	for (size_t i = 0; i < db->ndeferred; i++)
		db->deferred[i].ops->drop(db->deferred[i].item);
	free(db->deferred);
	db->engine->close(db->conn);
	free(db);
}

const char *db_engine_name(const struct db *db)
{
	return db->engine->name;
}

/* db_writes(): relaxed atomics are enough — a reader that sees the
 * count unchanged re-reads what it caches within its own bound anyway,
 * and one that sees it changed reads the database afresh. */
static _Atomic uint64_t writes_made;

uint64_t db_writes(void)
{
	return atomic_load_explicit(&writes_made, memory_order_relaxed);
}

static void count_write(void)
{
	atomic_fetch_add_explicit(&writes_made, 1, memory_order_relaxed);
}

/* Whether this thread's open transaction has written: counted once it
 * ends (a transaction is begun, run and ended by one thread, also when
 * its statements run on the group's writer connection). */
static _Thread_local int wrote_in_transaction;

static const char SQL_BEGIN[] = "BEGIN";

static int run_control(struct db *db, const char *sql, struct ug_error *err);

/* Send the pending BEGIN of db's read transaction, before its first
 * statement. */
static int begin_sent(struct db *db, struct ug_error *err)
{
	if (!db->begin_pending)
		return 0;
	db->begin_pending = 0;
	return run_control(db, SQL_BEGIN, err);
}

/* SQL run as it is: the transactions' own statements (BEGIN, COMMIT,
 * savepoints), which write nothing of their own. */
static int exec_raw(struct db *db, const char *sql, struct ug_error *err)
{
	int rc;

	db = live(db);
	if ((rc = begin_sent(db, err)))
		return rc;
	return db->engine->exec(db->conn, sql, err);
}

/* The same for a transaction statement whose text is a constant (its
 * address names it, as for db_prepare): prepared once and kept, since
 * every request begins and ends a transaction and parsing "BEGIN" again
 * each time was a few per cent of a cached read. */
static int run_control(struct db *db, const char *sql, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, err);

	if (rc)
		return rc;
	rc = st->db->engine->step(st->db->conn, st->impl, err);
	st->db->engine->reset(st->impl);
	return rc < 0 ? rc : 0;
}

/* The callers' scripts (bulk loads, rebuilds, migrations): counted as
 * writes, db_writes(), whatever they do. */
int db_exec(struct db *db, const char *sql, struct ug_error *err)
{
	int rc = exec_raw(db, sql, err);

	if (live(db)->in_transaction)
		wrote_in_transaction = 1;
	else
		count_write();
	return rc;
}

static size_t db_slot(const char *sql, size_t cap)
{
	uintptr_t h = (uintptr_t)sql;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* db_intern's table: open addressing, never emptied (its texts live as
 * long as the process); room for the bound and the few `always` texts
 * past it. */
#define INTERN_SLOTS (DB_INTERN_MAX * 4)
static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static char *intern_table[INTERN_SLOTS];
static int intern_count;

const char *db_intern(const char *sql, int always)
{
	size_t j = (size_t)ug_hash_str(sql) & (INTERN_SLOTS - 1);
	const char *found = NULL;

	pthread_mutex_lock(&intern_lock);
	for (; intern_table[j]; j = (j + 1) & (INTERN_SLOTS - 1))
		if (strcmp(intern_table[j], sql) == 0) {
			found = intern_table[j];
			break;
		}
	if (!found && (intern_count < DB_INTERN_MAX ||
		       (always && intern_count < INTERN_SLOTS / 2)) &&
	    (intern_table[j] = strdup(sql))) {
		found = intern_table[j];
		intern_count++;
	}
	pthread_mutex_unlock(&intern_lock);
	return found;
}

static int db_cache_grow(struct db *db, struct ug_error *err)
{
	size_t cap = db->cap ? db->cap * 2 : 64;
	struct db_stmt **t = calloc(cap, sizeof *t);

	if (!t)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < db->cap; i++) {
		struct db_stmt *s = db->stmts[i];
		size_t j;

		if (!s)
			continue;
		for (j = db_slot(s->sql, cap); t[j]; j = (j + 1) & (cap - 1))
			;
		t[j] = s;
	}
	free(db->stmts);
	db->stmts = t;
	db->cap = cap;
	return 0;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
	       struct ug_error *err)
{
	struct db_stmt *s;
	size_t j;
	int rc;

	*out = NULL;
	db = live(db);
	if ((rc = begin_sent(db, err)))
		return rc;
	if ((db->nstmts + 1) * 2 > db->cap && (rc = db_cache_grow(db, err)))
		return rc;
	for (j = db_slot(sql, db->cap); db->stmts[j];
	     j = (j + 1) & (db->cap - 1)) {
		if (db->stmts[j]->sql == sql) {
			s = db->stmts[j];
			db->engine->reset(s->impl);
			*out = s;
			return 0;
		}
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = db->engine->prepare(db->conn, sql, &s->impl, err);
	if (rc) {
		free(s);
		return rc;
	}
	s->sql = sql;
	s->db = db;
	db->stmts[j] = s;
	db->nstmts++;
	*out = s;
	return 0;
}

static int db_bind_result(struct db_stmt *st, int idx, int rc,
			  struct ug_error *err)
{
	if (rc == 0)
		return 0;
	return ug_fail(err, UG_EDB, NULL, "cannot bind parameter %d: %s; in: %s",
		       idx, st->db->engine->errmsg(st->db->conn), st->sql);
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v, struct ug_error *err)
{
	return db_bind_result(st, idx,
			      st->db->engine->bind_int64(st->impl, idx, v), err);
}

int db_bind_double(struct db_stmt *st, int idx, double v, struct ug_error *err)
{
	return db_bind_result(st, idx,
			      st->db->engine->bind_double(st->impl, idx, v), err);
}

int db_bind_text(struct db_stmt *st, int idx, const char *v,
		 struct ug_error *err)
{
	if (!v)
		return db_bind_null(st, idx, err);
	return db_bind_result(st, idx,
			      st->db->engine->bind_text(st->impl, idx, v), err);
}

int db_bind_blob(struct db_stmt *st, int idx, const void *v, size_t n,
		 struct ug_error *err)
{
	return db_bind_result(
		st, idx, st->db->engine->bind_blob(st->impl, idx, v, n), err);
}

int db_bind_null(struct db_stmt *st, int idx, struct ug_error *err)
{
	return db_bind_result(st, idx, st->db->engine->bind_null(st->impl, idx),
			      err);
}

int db_step(struct db_stmt *st, struct ug_error *err)
{
	int rc;

	if (fault_should_fail(FAULT_DB_STEP)) {
		db_reset(st);
		return ug_fail(err, UG_EDB, NULL,
			       "injected fault; in: %s", st->sql);
	}
	st->db->stepped = 1;
	rc = st->db->engine->step(st->db->conn, st->impl, err);
	/* A write on its own (autocommit) is committed by this step; one
	 * inside a transaction counts at its commit. */
	if (rc >= 0 && !st->db->engine->readonly(st->impl)) {
		if (live(st->db)->in_transaction)
			wrote_in_transaction = 1;
		else
			count_write();
	}
	if (rc < 0) {
		/* Append the statement to the engine's message so the log
		 * says which SQL failed. */
		if (err) {
			size_t n = strlen(err->message);

			snprintf(err->message + n, sizeof err->message - n,
				 "; in: %s", st->sql);
		}
		db_reset(st);
	}
	return rc;
}

int db_bind_args(struct db_stmt *st, const struct db_arg *args,
		 struct ug_error *err)
{
	int rc = 0;

	for (int i = 1; rc == 0 && args->kind != DB_ARG_END; i++, args++) {
		switch (args->kind) {
		case DB_ARG_INT:
			rc = db_bind_int64(st, i, args->i, err);
			break;
		case DB_ARG_OPT_INT:
			rc = args->i ? db_bind_int64(st, i, args->i, err)
				     : db_bind_null(st, i, err);
			break;
		case DB_ARG_REAL:
			rc = db_bind_double(st, i, args->d, err);
			break;
		case DB_ARG_TEXT:
			rc = db_bind_text(st, i, args->p, err);
			break;
		case DB_ARG_OPT_TEXT:
			rc = db_bind_text(st, i,
					  args->p && *(const char *)args->p
						  ? args->p
						  : NULL,
					  err);
			break;
		case DB_ARG_BLOB:
			rc = db_bind_blob(st, i, args->p, args->n, err);
			break;
		case DB_ARG_NULL:
		case DB_ARG_END:
			rc = db_bind_null(st, i, err);
			break;
		}
	}
	return rc;
}

int db_prepare_args(struct db *db, const char *sql, const struct db_arg *args,
		    struct db_stmt **st, struct ug_error *err)
{
	int rc = db_prepare(db, sql, st, err);

	return rc ? rc : db_bind_args(*st, args, err);
}

int db_row(struct db *db, const char *sql, const struct db_arg *args,
	   struct db_stmt **st, struct ug_error *err)
{
	int rc = db_prepare_args(db, sql, args, st, err);

	return rc ? rc : db_step(*st, err);
}

int db_run(struct db *db, const char *sql, const struct db_arg *args,
	   struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_row(db, sql, args, &st, err);

	if (rc == DB_ROW) /* RETURNING rows nobody reads */
		db_reset(st);
	return rc < 0 ? rc : 0;
}

int db_run_insert(struct db *db, const char *sql, const struct db_arg *args,
		  int64_t *id, struct ug_error *err)
{
	int rc = db_run(db, sql, args, err);

	if (rc == 0) {
		/* The statement ran where db's work runs: the writer's
		 * connection inside a group's turn (live()). */
		struct db *on = live(db);

		*id = on->engine->last_insert_id(on->conn);
	}
	return rc;
}

int db_run_changed(struct db *db, const char *sql, const struct db_arg *args,
		   const char *what, int64_t id, struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_prepare_args(db, sql, args, &st, err);

	return rc ? rc : db_step_changed(st, db, what, id, err);
}

int db_list(struct db *db, const char *sql, const struct db_arg *args,
	    int (*visit)(void *v, struct db_stmt *st), void *v,
	    struct ug_error *err)
{
	struct db_stmt *st;
	int rc = db_prepare_args(db, sql, args, &st, err);

	return rc ? rc : db_each(st, visit, v, err);
}

/* Prepare `sql` with its one parameter - the key when there is one, else
 * the id - and step it once: DB_ROW, DB_DONE or an error. */
static int step_one(struct db *db, const char *sql, int64_t id,
		    const char *key, struct db_stmt **st, struct ug_error *err)
{
	return key ? db_row(db, sql, DB_ARGS(DB_TEXT(key)), st, err)
		   : db_row(db, sql, DB_ARGS(DB_INT(id)), st, err);
}

int db_run_id(struct db *db, const char *sql, int64_t id,
	      struct ug_error *err)
{
	return db_run(db, sql, DB_ARGS(DB_INT(id)), err);
}

int db_run_key(struct db *db, const char *sql, const char *key,
	       struct ug_error *err)
{
	return db_run(db, sql, DB_ARGS(DB_TEXT(key)), err);
}

int db_row_by_id(struct db *db, const char *sql, int64_t id, const char *what,
		 struct db_stmt **st, struct ug_error *err)
{
	int rc = step_one(db, sql, id, NULL, st, err);

	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, "id", "no %s with id %lld",
			       what, (long long)id);
	return rc < 0 ? rc : 0;
}

int db_row_by_key(struct db *db, const char *sql, const char *key,
		  const char *field, const char *what, struct db_stmt **st,
		  struct ug_error *err)
{
	int rc = step_one(db, sql, 0, key, st, err);

	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, field, "no %s %s", what, key);
	return rc < 0 ? rc : 0;
}

int db_each(struct db_stmt *st, int (*visit)(void *v, struct db_stmt *st),
	    void *v, struct ug_error *err)
{
	int rc;

	while ((rc = db_step(st, err)) == DB_ROW)
		if ((rc = visit(v, st)) != 0) {
			db_reset(st);
			return rc;
		}
	return rc < 0 ? rc : 0;
}

int db_step_changed(struct db_stmt *st, struct db *db, const char *what,
		    int64_t id, struct ug_error *err)
{
	int rc = db_step(st, err);

	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return ug_fail(err, UG_ENOTFOUND, "id", "no %s with id %lld",
			       what, (long long)id);
	return 0;
}

int db_column_is_null(struct db_stmt *st, int col)
{
	return st->db->engine->column_is_null(st->impl, col);
}

int64_t db_column_int64(struct db_stmt *st, int col)
{
	return st->db->engine->column_int64(st->impl, col);
}

double db_column_double(struct db_stmt *st, int col)
{
	return st->db->engine->column_double(st->impl, col);
}

const char *db_column_text(struct db_stmt *st, int col)
{
	return st->db->engine->column_text(st->impl, col);
}

const void *db_column_blob(struct db_stmt *st, int col, size_t *n)
{
	return st->db->engine->column_blob(st->impl, col, n);
}

void db_reset(struct db_stmt *st)
{
	st->db->engine->reset(st->impl);
}

int64_t db_changes(struct db *db)
{
	db = live(db);
	return db->engine->changes(db->conn);
}

int db_query_int64(struct db *db, const char *sql, int64_t *out,
		   struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, sql, &st, err)))
		return rc;
	rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "no row from %s (a row the schema provides)",
			       sql);
	*out = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

/* ---- work deferred to the commit (db.h, db_defer) --------------------- */

int db_defer(struct db *db, const struct db_deferred_ops *ops, void *item,
	     struct ug_error *err)
{
	struct db *l = live(db);
	int rc;

	if (!db->in_transaction) {
		rc = ops->flush(l, &item, 1, err);
		ops->drop(item);
		return rc;
	}
	if (l->ndeferred == l->deferred_cap) {
		size_t cap = l->deferred_cap ? l->deferred_cap * 2 : 16;
		struct deferred *d = realloc(l->deferred, cap * sizeof *d);

		if (!d) {
			ops->drop(item);
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		}
		l->deferred = d;
		l->deferred_cap = cap;
	}
	l->deferred[l->ndeferred++] = (struct deferred){
		.ops = ops, .item = item, .owner = db,
		.depth = db->in_transaction };
	return 0;
}

/* Drop the items on l that `owner` deferred at savepoint depth `depth`
 * or deeper (owner NULL: every item). */
static void deferred_drop(struct db *l, const struct db *owner, int depth)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->ndeferred; i++) {
		struct deferred *d = &l->deferred[i];

		if (!owner || (d->owner == owner && d->depth >= depth))
			d->ops->drop(d->item);
		else
			l->deferred[kept++] = *d;
	}
	l->ndeferred = kept;
}

/* A savepoint of owner's at `depth` released: its items are the
 * enclosing level's (NULL: the group's, depth 0). */
static void deferred_release(struct db *l, const struct db *owner,
			     int depth, int group)
{
	for (size_t i = 0; i < l->ndeferred; i++) {
		struct deferred *d = &l->deferred[i];

		if (d->owner != owner || d->depth < depth)
			continue;
		d->depth = depth - 1;
		if (group)
			d->owner = NULL;
	}
}

/* Before the engine's COMMIT on l: every item, those of one ops
 * together, in the order their first item came; then none is left. */
static int deferred_run(struct db *l, struct ug_error *err)
{
	void **items;
	int rc = 0;

	if (!l->ndeferred)
		return 0;
	if (!(items = malloc(l->ndeferred * sizeof *items))) {
		deferred_drop(l, NULL, 0);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; rc == 0 && i < l->ndeferred; i++) {
		const struct db_deferred_ops *ops = l->deferred[i].ops;
		size_t n = 0;
		int seen = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = l->deferred[j].ops == ops;
		if (seen)
			continue;
		for (size_t j = i; j < l->ndeferred; j++)
			if (l->deferred[j].ops == ops)
				items[n++] = l->deferred[j].item;
		rc = ops->flush(l, items, n, err);
	}
	free(items);
	deferred_drop(l, NULL, 0);
	return rc;
}

/* A transaction begun inside another (the request path's, holding an
 * idempotency key's answer: web/idempotency.c) is a savepoint: its commit
 * releases it into the outer one, its rollback undoes its own work only.
 * Savepoints are SQL both engines run. */
static int db_savepoint(struct db *db, const char *verb,
			struct ug_error *err)
{
	char sql[48];

	snprintf(sql, sizeof sql, "%s ug_%d", verb, db->in_transaction);
	return exec_raw(db, sql, err);
}

int db_begin(struct db *db, struct ug_error *err)
{
	int rc;

	if (db->in_transaction) {
		db->in_transaction++;
		if ((rc = db_savepoint(db, "SAVEPOINT", err)))
			db->in_transaction--;
		return rc;
	}
	/* The BEGIN goes with the first statement (begin_sent): the
	 * engines take a read transaction's snapshot at its first
	 * statement anyway (SQLite's deferred BEGIN, PostgreSQL's), so
	 * what the transaction sees is the same. */
	db->in_transaction = 1;
	db->begin_pending = 1;
	return 0;
}

static int group_begin(struct db *db, struct ug_error *err);
static int group_commit(struct db *db, struct ug_error *err);
static void group_rollback(struct db *db);

int db_begin_write(struct db *db, struct ug_error *err)
{
	int rc;

	db->held = 0; /* what this write changes is read again after */
	/* Inside a transaction: a savepoint of it (see db_begin). */
	if (db->in_transaction)
		return db_begin(db, err);
	if (db->group)
		return group_begin(db, err);
	rc = run_control(db, db->engine->begin_write_sql, err);
	if (rc == 0)
		db->in_transaction = 1;
	return rc;
}

int db_commit(struct db *db, struct ug_error *err)
{
	int rc;

	if (db->in_transaction > 1) {
		if ((rc = db_savepoint(db, "RELEASE", err))) {
			db_rollback(db);
		} else {
			deferred_release(live(db), db, db->in_transaction, 0);
			db->in_transaction--;
		}
		return rc;
	}
	if (db->via) {
		rc = group_commit(db, err);
	} else {
		rc = deferred_run(db, err);
		/* A transaction that ran no statement has nothing to end. */
		if (rc == 0 && !db->begin_pending)
			rc = run_control(db, "COMMIT", err);
		if (rc == 0) {
			db->in_transaction = 0;
			db->begin_pending = 0;
		} else {
			db_rollback(db);
		}
	}
	if (wrote_in_transaction) {
		wrote_in_transaction = 0;
		count_write();
	}
	return rc;
}

int db_end(struct db *db, int rc, struct ug_error *err)
{
	if (rc == 0)
		return db_commit(db, err);
	db_rollback(db);
	return rc;
}

int db_depth(const struct db *db)
{
	return db->in_transaction;
}

/* Reset every cached statement: an open read cursor would otherwise keep
 * the transaction's snapshot alive (or make a rollback fail).  None was
 * stepped since the last time: each is reset already. */
static void reset_all(struct db *db)
{
	if (!db->stepped)
		return;
	for (size_t i = 0; i < db->cap; i++)
		if (db->stmts[i])
			db->engine->reset(db->stmts[i]->impl);
	db->stepped = 0;
}

void db_rollback(struct db *db)
{
	if (db->in_transaction > 1) {
		reset_all(live(db));
		db_savepoint(db, "ROLLBACK TO", NULL);
		db_savepoint(db, "RELEASE", NULL);
		deferred_drop(live(db), db, db->in_transaction);
		db->in_transaction--;
		return;
	}
	wrote_in_transaction = 0;	/* undone: nothing to count */
	if (db->via) {
		group_rollback(db);
		return;
	}
	deferred_drop(db, NULL, 0);
	if (!db->in_transaction)
		return;
	reset_all(db);
	if (!db->begin_pending)
		run_control(db, "ROLLBACK", NULL);
	db->begin_pending = 0;
	db->in_transaction = 0;
}

int db_row_exists(struct db *db, const char *sql, const char *key,
		  struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, sql, &st, err)) ||
	    (rc = db_bind_text(st, 1, key, err)))
		return rc;
	rc = db_step(st, err);
	if (rc < 0)
		return rc;
	db_reset(st);
	return rc == DB_ROW;
}

int db_table_exists(struct db *db, const char *table, struct ug_error *err)
{
	return db_row_exists(db, db->engine->table_exists_sql, table, err);
}

/* ---- backup and checks -------------------------------------------- */

int db_check(struct db *db, enum db_check what, db_problem_fn cb, void *ctx,
	     int64_t *problems, struct ug_error *err)
{
	*problems = 0;
	if (!db->engine->check)
		return 0;
	return db->engine->check(db->conn, what, cb, ctx, problems, err);
}

/* The first problem a check finds, for a message. */
struct first_problem {
	char text[256];
};

static int keep_first_problem(void *ctx, const char *problem)
{
	struct first_problem *p = ctx;

	snprintf(p->text, sizeof p->text, "%s", problem);
	return 1; /* the rest are only counted */
}

/* Sync the folder holding `path`, so that a rename into it survives a
 * power cut. */
static int sync_folder_of(const char *path, struct ug_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash == path ? 1 : (size_t)(slash - path);
	char *dir = slash ? strndup(path, len) : strdup(".");
	int fd, rc = 0;

	if (!dir)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = ug_fail(err, UG_EIO, "output", "cannot sync folder %s: %s",
			     dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

/* The checked copy `tmp` under its final name: replacing what is there
 * when asked, else never (link() fails on an existing name, where
 * rename() would replace it - a file made since db_backup() looked). */
static int backup_publish(const char *tmp, const char *path, int replace,
			  struct ug_error *err)
{
	if (replace ? rename(tmp, path) != 0 : link(tmp, path) != 0)
		return ug_fail(err, errno == EEXIST ? UG_EINVAL : UG_EIO,
			       "output", "cannot put the copy at %s: %s", path,
			       strerror(errno));
	if (!replace)
		unlink(tmp);
	return sync_folder_of(path, err);
}

/* Open the copy read-only and check it whole. */
static int backup_verify(const char *tmp, struct ug_error *err)
{
	struct db_open_options ro = { .busy_timeout_ms = 5000, .read_only = 1 };
	struct ug_error why;
	struct db *copy = NULL;
	int64_t problems = 0;
	struct first_problem first = { "" };
	int rc;

	ug_error_clear(&why);
	rc = db_open(tmp, &ro, &copy, &why);
	if (rc == 0)
		rc = db_check(copy, DB_CHECK_INTEGRITY, keep_first_problem,
			      &first, &problems, &why);
	db_close(copy);
	if (rc)
		return ug_fail(err, UG_EDB, NULL, "the copy fails its integrity "
			       "check: %s", why.message);
	if (problems)
		return ug_fail(err, UG_EDB, NULL, "the copy fails its integrity "
			       "check (%lld problems, the first: %s)",
			       (long long)problems, first.text);
	return 0;
}

int db_backup(struct db *db, const char *path, int replace,
	      db_backup_progress_fn progress, void *ctx,
	      struct db_backup_result *res, struct ug_error *err)
{
	size_t n = strlen(path) + sizeof ".tmp";
	char *tmp = malloc(n);
	int rc;

	memset(res, 0, sizeof *res);
	if (!tmp)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	snprintf(tmp, n, "%s.tmp", path);
	if (!db->engine->backup) {
		rc = ug_fail(err, UG_EDB, NULL,
			     "the %s engine has no backup to a file",
			     db->engine->name);
		goto out;
	}
	if (!replace && (access(path, F_OK) == 0 || access(tmp, F_OK) == 0)) {
		rc = ug_fail(err, UG_EINVAL, "output",
			     "%s exists already and is not replaced",
			     access(path, F_OK) == 0 ? path : tmp);
		goto out;
	}
	if (replace && unlink(tmp) != 0 && errno != ENOENT) {
		rc = ug_fail(err, UG_EIO, "output", "cannot remove %s: %s",
			     tmp, strerror(errno));
		goto out;
	}
	/* The engine removes what it wrote when it fails. */
	if ((rc = db->engine->backup(db->conn, tmp, progress, ctx, res, err)))
		goto out;
	if ((rc = backup_verify(tmp, err)) ||
	    (rc = backup_publish(tmp, path, replace, err)))
		unlink(tmp);
out:
	free(tmp);
	return rc;
}

/* ---- group commit --------------------------------------------------- */

/*
 * A single-writer engine (SQLite) commits one transaction at a time, and
 * a durable commit waits for the disk (a sync of the log).  The pool
 * therefore runs the write transactions of all its connections on one
 * writer connection of its own, `w`, several to an engine transaction:
 *
 * - db_begin_write() waits for its turn on w (one thread at a time uses
 *   it: `busy`), opens the engine transaction if none is open (the first
 *   of a batch: BEGIN IMMEDIATE) and a savepoint for itself.  Until the
 *   transaction ends, the connection's statements run on w: they see the
 *   batch's earlier writes, as a later transaction would.
 * - db_commit() releases the savepoint and ends the turn; db_rollback()
 *   rolls back to it (the others' work stays) and ends the turn.
 * - Ending a turn, a thread hands w to the next waiting writer while the
 *   batch is young and small; otherwise - nobody waiting, `max`
 *   transactions in it, or its first one `wait_ns` old - it commits the
 *   batch (or rolls back an empty one) and wakes the members.  A batch
 *   is what arrived while the previous one synced, and a lone writer
 *   commits at once; but while other requests of the pool are in
 *   progress (connections handed out), the batch stays open for them
 *   up to `company_ns` (company_coming), and a member closes it then
 *   if nobody came (member_wait).
 * - db_commit() returns when the batch's commit has: 0 once the work is
 *   durable, or the commit's error - each member gets it.
 *
 * An error that ends the engine transaction itself (SQLite rolls back on
 * a full disk, an I/O error or out of memory) loses the members' work in
 * it: they are answered with that error, none is told it was kept.
 */

struct group_member {
	struct group_member *next;
	int done, rc;
	struct ug_error err;
};

struct db_group {
	pthread_mutex_t lock;
	pthread_cond_t turn;  /* w is free */
	pthread_cond_t ended; /* a batch ended */
	struct db *w;
	int busy;     /* a thread holds the turn */
	int waiting;  /* threads waiting for it */
	int open;     /* an engine transaction is open on w */
	int members;  /* savepoints released into it */
	struct group_member *list;
	int64_t opened_ns;
	int max;
	int64_t wait_ns;
	/* The pool's count of connections handed out (db_pool_acquire,
	 * not yet released): requests in progress, some of which may be
	 * about to write - the company a batch waits for
	 * (company_coming). */
	const atomic_size_t *handed_out;
	int64_t company_ns;
	struct db_pool_stats stats;
	int64_t turn_start; /* when the holder of the turn got it */
	/* Why the engine ended the open transaction, noted when first seen
	 * (code 0: not noted). */
	struct ug_error lost;
};

/* Note why the engine ended the group's transaction, if it did, while
 * the connection still holds the error (before the next statement). */
static void group_note_lost(struct db_group *g)
{
	struct db *w = g->w;

	if (g->open && !g->lost.code && !w->engine->in_transaction(w->conn)) {
		ug_error_clear(&g->lost);
		if (w->engine->last_error(w->conn, &g->lost) >= 0 ||
		    !g->lost.code)
			ug_fail(&g->lost, UG_EDB, NULL, "%s",
				w->engine->errmsg(w->conn));
	}
}

#define GROUP_MAX 64
#define GROUP_WAIT_US 2000
#define GROUP_COMPANY_US 300

static const char SQL_MEMBER_BEGIN[] = "SAVEPOINT ug_member";
static const char SQL_MEMBER_END[] = "RELEASE ug_member";
static const char SQL_MEMBER_UNDO[] =
	"ROLLBACK TO ug_member; RELEASE ug_member";

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The moment `ns` from now, as pthread_cond_timedwait() takes it. */
static struct timespec deadline_in(int64_t ns)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(ns / 1000000000);
	until.tv_nsec += (long)(ns % 1000000000);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return until;
}

/* End the batch (the caller holds the turn, not the lock): commit it,
 * or roll it back when rc is already an error (err says why) or nobody
 * is in it, and answer every member.  Returns with the lock held. */
static void group_close(struct db_group *g, int rc, struct ug_error *why)
{
	struct db *w = g->w;
	struct ug_error cerr;
	int n = g->members;
	int64_t t0 = mono_ns();

	ug_error_clear(&cerr);

	/* The members' deferred work, then the commit (db_defer). */
	if (rc == 0 && n) {
		if ((rc = deferred_run(w, &cerr)) == 0)
			rc = run_control(w, "COMMIT", &cerr);
	} else if (rc && why) {
		cerr = *why;
	}
	deferred_drop(w, NULL, 0);
	t0 = mono_ns() - t0;
	if (rc || !n) {
		reset_all(w);
		if (w->engine->in_transaction(w->conn))
			run_control(w, "ROLLBACK", NULL);
	}
	w->in_transaction = 0;
	pthread_mutex_lock(&g->lock);
	for (struct group_member *m = g->list; m; m = m->next) {
		m->rc = rc;
		m->err = cerr;
		m->done = 1;
	}
	g->stats.commit_us += t0 / 1000;
	if (n) {
		g->stats.commits++;
		g->stats.transactions += n;
		if (n > g->stats.max_batch)
			g->stats.max_batch = n;
	}
	g->list = NULL;
	g->members = 0;
	g->open = 0;
	ug_error_clear(&g->lost);
	pthread_cond_broadcast(&g->ended);
}

/* Is company coming for the open batch (the lock held)?  Requests in
 * progress that are neither in the batch nor waiting for the turn may
 * be about to write: worth waiting for a little while the batch is
 * young (GROUP_COMPANY_US), since a commit - the log's pages written
 * and synced - costs about the same for one transaction as for ten,
 * and when the disk syncs fast the batches were otherwise of one or
 * two (bench/README.md, intake). */
static int company_coming(struct db_group *g)
{
	/* Only a batch with members waits: they close it if nobody comes
	 * (member_wait); an empty one (its only writer rolled back) would
	 * hold the write lock with nobody to end it. */
	return g->company_ns > 0 && g->members > 0 &&
	       atomic_load(g->handed_out) >
		       (size_t)g->members + (size_t)g->waiting &&
	       mono_ns() - g->opened_ns < g->company_ns;
}

/* A member waits for its batch's end (the lock held).  A batch left
 * open for company that nobody joins is closed by a member once it is
 * company_ns old, the turn free and nobody waiting for it: nobody else
 * would, since only the end of a turn closes a batch.  While the turn
 * is held or wanted, its holder (or the next) decides at its end as
 * ever. */
static void member_wait(struct db_group *g)
{
	int64_t due = g->opened_ns + g->company_ns;
	int64_t now = mono_ns();
	struct timespec until;

	if (!g->open || g->busy || g->waiting || g->company_ns <= 0) {
		pthread_cond_wait(&g->ended, &g->lock);
		return;
	}
	if (now >= due) {
		g->busy = 1;
		pthread_mutex_unlock(&g->lock);
		group_close(g, 0, NULL); /* returns with the lock held */
		g->busy = 0;
		pthread_cond_signal(&g->turn);
		return;
	}
	until = deadline_in(due - now);
	pthread_cond_timedwait(&g->ended, &g->lock, &until);
}

/* The end of a turn on w (held, the lock not): `me`, when the thread's
 * work joined the batch, waits for the batch's end and gets its answer. */
static int group_end_turn(struct db_group *g, struct group_member *me,
			  struct ug_error *err)
{
	struct db *w = g->w;
	int64_t held = mono_ns() - g->turn_start;
	int close;

	if (g->open && !w->engine->in_transaction(w->conn)) {
		/* The engine ended the transaction on an error: whatever
		 * the members wrote is gone.  They are told why, with the
		 * error's own code (a full disk is UG_EFULL: 503). */
		struct ug_error lost;
		int code;

		group_note_lost(g);
		lost = g->lost;
		code = g->lost.code ? g->lost.code : UG_EDB;
		snprintf(lost.message, sizeof lost.message,
			 "the write was lost with its group commit: %.400s",
			 g->lost.message);
		lost.code = code;
		group_close(g, -code, &lost);
		if (me) {
			me->rc = -code;
			me->err = lost;
			me->done = 1;
		}
	} else {
		pthread_mutex_lock(&g->lock);
		if (me) {
			me->next = g->list;
			g->list = me;
			g->members++;
		}
		close = g->open &&
			((g->waiting == 0 && !company_coming(g)) ||
			 g->members >= g->max ||
			 mono_ns() - g->opened_ns >= g->wait_ns);
		if (close) {
			pthread_mutex_unlock(&g->lock);
			group_close(g, 0, NULL);
		}
	}
	g->stats.turns++;
	g->stats.turn_us += held / 1000;
	g->busy = 0;
	pthread_cond_signal(&g->turn);
	/* A batch left open for company: its members wait for it with a
	 * deadline (below); wake them to see the turn free. */
	if (!me && g->open)
		pthread_cond_broadcast(&g->ended);
	while (me && !me->done)
		member_wait(g);
	pthread_mutex_unlock(&g->lock);
	if (me && me->rc) {
		if (err)
			*err = me->err;
		return me->rc;
	}
	return 0;
}

/* Wait for the turn on w and take it (the lock held, and held after):
 * a writer's, or the checkpointer's holding the writers off. */
static void group_take_turn(struct db_group *g)
{
	g->waiting++;
	while (g->busy)
		pthread_cond_wait(&g->turn, &g->lock);
	g->waiting--;
	g->busy = 1;
}

static int group_begin(struct db *db, struct ug_error *err)
{
	struct db_group *g = db->group;
	struct db *w = g->w;
	int rc;

	pthread_mutex_lock(&g->lock);
	group_take_turn(g);
	pthread_mutex_unlock(&g->lock);
	g->turn_start = mono_ns();
	if (!g->open) {
		rc = run_control(w, w->engine->begin_write_sql, err);
		if (rc) {
			group_end_turn(g, NULL, NULL);
			return rc;
		}
		g->open = 1;
		w->in_transaction = 1;
		g->opened_ns = mono_ns();
	}
	if ((rc = run_control(w, SQL_MEMBER_BEGIN, err))) {
		group_note_lost(g);
		group_end_turn(g, NULL, NULL);
		return rc;
	}
	db->via = w;
	db->in_transaction = 1;
	return 0;
}

/* Undo db's transaction on the writer (its savepoint and deferred
 * work; the group's earlier members keep theirs) and end its turn. */
static void member_undo(struct db *db)
{
	struct db_group *g = db->group;

	group_note_lost(g);
	deferred_drop(g->w, db, 0);
	reset_all(g->w);
	if (g->w->engine->in_transaction(g->w->conn))
		run_control(g->w, SQL_MEMBER_UNDO, NULL);
	group_end_turn(g, NULL, NULL);
}

static int group_commit(struct db *db, struct ug_error *err)
{
	struct db_group *g = db->group;
	struct group_member me = { 0 };
	int rc;

	db->via = NULL;
	db->in_transaction = 0;
	if ((rc = run_control(g->w, SQL_MEMBER_END, err))) {
		member_undo(db);
		return rc;
	}
	deferred_release(g->w, db, 1, 1);
	return group_end_turn(g, &me, err);
}

static void group_rollback(struct db *db)
{
	db->via = NULL;
	db->in_transaction = 0;
	member_undo(db);
}

/* Hold the writers off: take the turn on w as a writer would and end
 * the batch open on it (its members are answered). */
static void group_hold(struct db_group *g)
{
	pthread_mutex_lock(&g->lock);
	group_take_turn(g);
	if (g->open) {
		pthread_mutex_unlock(&g->lock);
		group_close(g, 0, NULL); /* returns with the lock held */
	}
	pthread_mutex_unlock(&g->lock);
}

/* Let the writers go on after group_hold(), which lasted `ns` (a log
 * restart's: counted for db_pool_stats). */
static void group_unhold(struct db_group *g, int64_t ns)
{
	pthread_mutex_lock(&g->lock);
	g->stats.log_restarts++;
	g->stats.log_restart_us += ns / 1000;
	g->busy = 0;
	pthread_cond_signal(&g->turn);
	pthread_mutex_unlock(&g->lock);
}

static void group_free(struct db_group *g)
{
	if (!g)
		return;
	if (g->stats.commits)
		log_info("group commit: %lld write transactions in %lld "
			 "commits (%.1f a commit, at most %lld); %.0f us a "
			 "turn on the writer, %.0f us a commit",
			 (long long)g->stats.transactions,
			 (long long)g->stats.commits,
			 (double)g->stats.transactions /
				 (double)g->stats.commits,
			 (long long)g->stats.max_batch,
			 (double)g->stats.turn_us / (double)g->stats.turns,
			 (double)g->stats.commit_us /
				 (double)g->stats.commits);
	db_close(g->w);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->turn);
	pthread_cond_destroy(&g->ended);
	free(g);
}

/* The writer of a pool whose count of connections handed out is
 * *handed_out. */
static int group_new(const char *location, const struct db_open_options *opt,
		     const atomic_size_t *handed_out, struct db_group **out,
		     struct ug_error *err)
{
	struct db_group *g = calloc(1, sizeof *g);
	int rc;

	*out = NULL;
	if (!g)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	g->handed_out = handed_out;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->turn, NULL);
	pthread_cond_init(&g->ended, NULL);
	g->max = opt->group_max > 0 ? opt->group_max : GROUP_MAX;
	g->wait_ns = (int64_t)(opt->group_wait_us > 0 ? opt->group_wait_us
						      : GROUP_WAIT_US) * 1000;
	/* Never longer than the batch may stay open at all. */
	g->company_ns = (int64_t)(opt->group_company_us > 0
					  ? opt->group_company_us
				  : opt->group_company_us < 0 ? 0
							      : GROUP_COMPANY_US) * 1000;
	if (g->company_ns > g->wait_ns)
		g->company_ns = g->wait_ns;
	if ((rc = db_open(location, opt, &g->w, err))) {
		group_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

/* ---- connection pool ---------------------------------------------- */

struct db_pool {
	pthread_mutex_t lock;
	/* The writer of a single-writer engine (group commit, above);
	 * NULL otherwise. */
	struct db_group *group;
	char *location;
	struct db_open_options opt;
	struct db **idle;
	size_t nidle, cap;
	/* handed out and not yet given back; atomic: the group reads it
	 * without the pool's lock (company_coming) */
	atomic_size_t nbusy;
	/* The background checkpointer (opt.background_checkpoint): its own
	 * connection, woken every CHECKPOINT_MS or to stop. */
	struct db *ck_db;
	pthread_t ck_thread;
	pthread_cond_t ck_cond;
	int ck_running, ck_stop;
	/* Rows read often and changed seldom (db_memo, store/cached.h). */
	struct memo *memo;
};

/* Enough for every category, standard, division and token a city
 * uses at once (a few thousand rows); more only costs re-reads. */
#define POOL_MEMO_SLOTS 4096

/* Often enough that the log stays small (a few hundred commits at the
 * intake rate), rarely enough to cost nothing when idle. */
#define CHECKPOINT_MS 250
#define LOG_RESTART_PAGES 4096

/* Start the log over.  A copy alone (PASSIVE) never lets it: the log
 * starts over only when every page in it has been copied and no reader
 * reads it, and under writes that never pause there is always a later
 * page.  So, once the log is long, the checkpointer holds the writers
 * off (it takes the writer's turn, as a writer would, ending the open
 * batch), copies the few pages written since its last round, waits
 * for the readers still on the log and starts it over; then the next
 * batch writes from the log's beginning, over blocks the file already
 * has. */
static void log_restart(struct db_pool *p, struct db_group *g)
{
	struct ug_error err;
	int64_t t0;

	group_hold(g);
	t0 = mono_ns();
	ug_error_clear(&err);
	if (p->ck_db->engine->checkpoint(p->ck_db->conn, 1, NULL, &err))
		log_warn("restarting the log: %s", err.message);
	group_unhold(g, mono_ns() - t0);
}

static void *checkpointer(void *arg)
{
	struct db_pool *p = arg;
	struct timespec until;
	struct ug_error err;
	struct db_group *g;
	int64_t in_log;
	long every_ms = p->opt.checkpoint_ms > 0 ? p->opt.checkpoint_ms
						 : CHECKPOINT_MS;
	int64_t restart_pages = p->opt.log_restart_pages > 0
					? p->opt.log_restart_pages
					: LOG_RESTART_PAGES;

	pthread_mutex_lock(&p->lock);
	while (!p->ck_stop) {
		until = deadline_in((int64_t)every_ms * 1000000);
		if (pthread_cond_timedwait(&p->ck_cond, &p->lock, &until) !=
			    ETIMEDOUT ||
		    p->ck_stop)
			continue;
		g = p->group;
		pthread_mutex_unlock(&p->lock);
		ug_error_clear(&err);
		if (p->ck_db->engine->checkpoint(p->ck_db->conn, 0, &in_log,
						 &err))
			log_warn("background checkpoint: %s", err.message);
		else if (g && in_log >= restart_pages)
			log_restart(p, g);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int db_pool_create(const char *location, const struct db_open_options *opt,
		   struct db_pool **out, struct ug_error *err)
{
	struct db_pool *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p || !(p->location = strdup(location))) {
		free(p);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	if (opt)
		p->opt = *opt;
	else
		p->opt.busy_timeout_ms = 5000;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->ck_cond, NULL);
	atomic_init(&p->nbusy, 0);
	if (!(p->memo = memo_new(POOL_MEMO_SLOTS))) {
		db_pool_destroy(p);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	if (p->opt.background_checkpoint) {
		int rc = db_open(location, &p->opt, &p->ck_db, err);

		if (rc) {
			db_pool_destroy(p);
			return rc;
		}
		if (!p->ck_db->engine->checkpoint) {
			db_close(p->ck_db);
			p->ck_db = NULL;
		} else if (pthread_create(&p->ck_thread, NULL, checkpointer,
					  p)) {
			db_pool_destroy(p);
			return ug_fail(err, UG_EIO, NULL,
				       "cannot start the checkpoint thread");
		} else {
			p->ck_running = 1;
		}
	}
	*out = p;
	return 0;
}

int db_pool_acquire(struct db_pool *pool, struct db **out,
		    struct ug_error *err)
{
	int rc;

	pthread_mutex_lock(&pool->lock);
	if (pool->nidle) {
		*out = pool->idle[--pool->nidle];
		pool->nbusy++;
		pthread_mutex_unlock(&pool->lock);
		return 0;
	}
	pthread_mutex_unlock(&pool->lock);
	rc = db_open(pool->location, &pool->opt, out, err);
	if (rc == 0 && (*out)->engine->single_writer && !pool->opt.read_only) {
		/* The first connection tells the engine: the writer is
		 * opened once, beside it. */
		pthread_mutex_lock(&pool->lock);
		if (!pool->group)
			rc = group_new(pool->location, &pool->opt,
				       &pool->nbusy, &pool->group, err);
		pthread_mutex_unlock(&pool->lock);
		if (rc) {
			db_close(*out);
			*out = NULL;
			return rc;
		}
		(*out)->group = pool->group;
	}
	if (rc == 0) {
		(*out)->memo = pool->memo;
		pthread_mutex_lock(&pool->lock);
		pool->nbusy++;
		pthread_mutex_unlock(&pool->lock);
	}
	return rc;
}

void db_pool_connections(struct db_pool *pool, size_t *idle, size_t *busy)
{
	pthread_mutex_lock(&pool->lock);
	*idle = pool->nidle;
	*busy = pool->nbusy;
	pthread_mutex_unlock(&pool->lock);
}

void db_pool_release(struct db_pool *pool, struct db *db)
{
	if (!db)
		return;
	while (db->in_transaction || db->via)
		db_rollback(db);
	db->held = 0; /* the unit of work is over */
	pthread_mutex_lock(&pool->lock);
	pool->nbusy--;
	if (pool->nidle == pool->cap) {
		size_t cap = pool->cap ? pool->cap * 2 : 8;
		struct db **p = realloc(pool->idle, cap * sizeof *p);

		if (!p) {
			pthread_mutex_unlock(&pool->lock);
			db_close(db);
			return;
		}
		pool->idle = p;
		pool->cap = cap;
	}
	pool->idle[pool->nidle++] = db;
	pthread_mutex_unlock(&pool->lock);
}

void db_pool_stats(struct db_pool *pool, struct db_pool_stats *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&pool->lock);
	if (pool->group) {
		pthread_mutex_lock(&pool->group->lock);
		*out = pool->group->stats;
		pthread_mutex_unlock(&pool->group->lock);
	}
	pthread_mutex_unlock(&pool->lock);
}

struct memo *db_memo(struct db *db)
{
	return db->via || wrote_in_transaction ? NULL : db->memo;
}

int db_held(const struct db *db, int64_t *v)
{
	if (db->held)
		*v = db->held_value;
	return db->held;
}

void db_hold(struct db *db, int64_t v)
{
	if (!db->memo)
		return;
	db->held_value = v;
	db->held = 1;
}

void db_pool_memo_counts(struct db_pool *pool, uint64_t *hits,
			 uint64_t *misses)
{
	*hits = *misses = 0;
	if (pool->memo)
		memo_counts(pool->memo, hits, misses);
}

void db_pool_destroy(struct db_pool *pool)
{
	if (!pool)
		return;
	if (pool->ck_running) {
		pthread_mutex_lock(&pool->lock);
		pool->ck_stop = 1;
		pthread_cond_signal(&pool->ck_cond);
		pthread_mutex_unlock(&pool->lock);
		pthread_join(pool->ck_thread, NULL);
	}
	db_close(pool->ck_db);
	group_free(pool->group);
	for (size_t i = 0; i < pool->nidle; i++)
		db_close(pool->idle[i]);
	free(pool->idle);
	free(pool->location);
	memo_free(pool->memo);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->ck_cond);
	free(pool);
}
