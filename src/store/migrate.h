/*
 * migrate.h - versioned schema migrations embedded in the binary.
 *
 * Migrations are numbered SQL scripts (store/<engine>/schema/NNNN_name.sql)
 * compiled into the binary.  store_migrate() applies the missing ones in
 * order, each in its own transaction together with the row that records it
 * in schema_version, so a failure leaves the database at the last complete
 * version.  A database whose version is newer than the binary knows is
 * refused (UG_EVERSION) and left untouched.
 */
#ifndef UG_MIGRATE_H
#define UG_MIGRATE_H

#include "store/db.h"

/* Highest schema version this binary knows. */
int store_schema_latest(void);

/* Current version of the database (0 for an empty one). */
int store_schema_version(struct db *db, int *version, struct ug_error *err);

/* Bring the database to the latest version.  *applied (may be NULL)
 * receives the number of migrations run (0 when already current). */
int store_migrate(struct db *db, int *applied, struct ug_error *err);

/* Check that the database is exactly at the latest version (for `serve`):
 * UG_EVERSION with a message telling what to do otherwise. */
int store_schema_check(struct db *db, struct ug_error *err);

#endif
