/*
 * cached.h - the rows every request reads and an administrator seldom
 * changes, kept in memory.
 *
 * Who a token or a console session is, a category, its current
 * standard and that standard's time limits, a division, a department, a
 * major class: the intake reads most of them for each report, the
 * console its session on every call, Open311's lists a department and a
 * major class for each case, and after every commit of another
 * connection the engine's own page cache of a connection starts empty.
 * The connection pool keeps copies (db_memo, lib/memo.h) under the
 * configuration's revision, config_rev (schema 0029; sessions 0030),
 * which triggers on the rows' tables move on with every change - made
 * by this server, another one or the command line - in the change's own
 * transaction.  A request reads the revision (one row)
 * once - until its connection goes back to the pool or begins a write
 * (db_hold) - and takes a copy only if it was kept under that very
 * value, so a change is seen by the next request as if nothing were
 * kept.
 *
 * Lone connections (the command line, most tests) and write
 * transactions (db_memo) read the rows as ever.
 */
#ifndef UG_STORE_CACHED_H
#define UG_STORE_CACHED_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

enum cached_kind {
	CACHED_TOKEN,    /* a token's user and token, by its hash */
	CACHED_SESSION,  /* a console session's user, by its hash */
	CACHED_CATEGORY, /* a category, by code */
	CACHED_STANDARD, /* a category's current standard, by its code */
	CACHED_LIMITS,   /* a standard's time limits, by its id */
	CACHED_DIVISION, /* a division, by code */
	CACHED_DEPARTMENT, /* a department, by code */
	CACHED_MAJOR,    /* a major class's kind and name, by code */
};

/* Fill out (`size` bytes) with the row of (kind, key): a copy kept
 * under the current revision, or what read(db, arg, out, err) reads -
 * then kept, if it succeeded.  Returns 0, what read() returned, or the
 * error of reading the revision. */
typedef int (*cached_read_fn)(struct db *db, const void *arg, void *out,
			      struct ug_error *err);
int store_cached(struct db *db, enum cached_kind kind, const char *key,
		 void *out, size_t size, cached_read_fn read, const void *arg,
		 struct ug_error *err);

#endif
