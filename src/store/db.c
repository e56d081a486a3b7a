/*
 * db.c - engine-neutral SQL interface: connection, statement cache, error
 * reporting, connection pool (see db.h).
 */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/fault.h"
#include "lib/log.h"
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
	/* Writers of one pool queue on this mutex before BEGIN IMMEDIATE:
	 * waking the next writer when the lock is free beats SQLite's busy
	 * handler, which sleeps and polls (p99 latency of seconds under
	 * load).  NULL for a connection outside a pool. */
	pthread_mutex_t *write_lock;
	int holds_write_lock;
};

static void db_write_unlock(struct db *db)
{
	if (db->holds_write_lock) {
		db->holds_write_lock = 0;
		pthread_mutex_unlock(db->write_lock);
	}
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
	db->engine->close(db->conn);
	free(db);
}

const char *db_engine_name(const struct db *db)
{
	return db->engine->name;
}

int db_exec(struct db *db, const char *sql, struct ug_error *err)
{
	return db->engine->exec(db->conn, sql, err);
}

static size_t db_slot(const char *sql, size_t cap)
{
	uintptr_t h = (uintptr_t)sql;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
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
	rc = st->db->engine->step(st->db->conn, st->impl, err);
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

/* A transaction begun inside another (the request path's, holding an
 * idempotency key's answer: web/idempotency.c) is a savepoint: its commit
 * releases it into the outer one, its rollback undoes its own work only.
 * Savepoints are SQL both engines run. */
static int db_savepoint(struct db *db, const char *verb,
			struct ug_error *err)
{
	char sql[48];

	snprintf(sql, sizeof sql, "%s ug_%d", verb, db->in_transaction);
	return db_exec(db, sql, err);
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
	rc = db_exec(db, "BEGIN", err);
	if (rc == 0)
		db->in_transaction = 1;
	return rc;
}

int db_begin_write(struct db *db, struct ug_error *err)
{
	int rc;

	if (db->in_transaction)
		return db_begin(db, err);
	if (db->write_lock && !db->holds_write_lock) {
		pthread_mutex_lock(db->write_lock);
		db->holds_write_lock = 1;
	}
	rc = db_exec(db, db->engine->begin_write_sql, err);
	if (rc == 0)
		db->in_transaction = 1;
	else
		db_write_unlock(db);
	return rc;
}

int db_commit(struct db *db, struct ug_error *err)
{
	int rc;

	if (db->in_transaction > 1) {
		if ((rc = db_savepoint(db, "RELEASE", err)))
			db_rollback(db);
		else
			db->in_transaction--;
		return rc;
	}
	rc = db_exec(db, "COMMIT", err);
	if (rc == 0) {
		db->in_transaction = 0;
		db_write_unlock(db);
	} else {
		db_rollback(db);
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

void db_rollback(struct db *db)
{
	if (!db->in_transaction) {
		db_write_unlock(db);
		return;
	}
	/* Reset every cached statement first: an open read cursor would
	 * otherwise keep the transaction's snapshot alive. */
	for (size_t i = 0; i < db->cap; i++)
		if (db->stmts[i])
			db->engine->reset(db->stmts[i]->impl);
	if (db->in_transaction > 1) {
		db_savepoint(db, "ROLLBACK TO", NULL);
		db_savepoint(db, "RELEASE", NULL);
		db->in_transaction--;
		return;
	}
	db_exec(db, "ROLLBACK", NULL);
	db->in_transaction = 0;
	db_write_unlock(db);
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

/* ---- connection pool ---------------------------------------------- */

struct db_pool {
	pthread_mutex_t lock;
	pthread_mutex_t write_lock; /* see struct db */
	char *location;
	struct db_open_options opt;
	struct db **idle;
	size_t nidle, cap;
	size_t nbusy; /* handed out and not yet given back */
	/* The background checkpointer (opt.background_checkpoint): its own
	 * connection, woken every CHECKPOINT_MS or to stop. */
	struct db *ck_db;
	pthread_t ck_thread;
	pthread_cond_t ck_cond;
	int ck_running, ck_stop;
};

/* Often enough that the log stays small (a few hundred commits at the
 * intake rate), rarely enough to cost nothing when idle. */
#define CHECKPOINT_MS 250

static void *checkpointer(void *arg)
{
	struct db_pool *p = arg;
	struct timespec until;
	struct ug_error err;

	pthread_mutex_lock(&p->lock);
	while (!p->ck_stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += CHECKPOINT_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&p->ck_cond, &p->lock, &until) !=
			    ETIMEDOUT ||
		    p->ck_stop)
			continue;
		pthread_mutex_unlock(&p->lock);
		ug_error_clear(&err);
		if (p->ck_db->engine->checkpoint(p->ck_db->conn, &err))
			log_warn("background checkpoint: %s", err.message);
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
	pthread_mutex_init(&p->write_lock, NULL);
	pthread_cond_init(&p->ck_cond, NULL);
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
	if (rc == 0 && (*out)->engine->single_writer)
		(*out)->write_lock = &pool->write_lock;
	if (rc == 0) {
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
	while (db->in_transaction)
		db_rollback(db);
	db_write_unlock(db);
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
	for (size_t i = 0; i < pool->nidle; i++)
		db_close(pool->idle[i]);
	free(pool->idle);
	free(pool->location);
	pthread_mutex_destroy(&pool->lock);
	pthread_mutex_destroy(&pool->write_lock);
	pthread_cond_destroy(&pool->ck_cond);
	free(pool);
}
