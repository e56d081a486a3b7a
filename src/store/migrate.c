/*
 * migrate.c - apply embedded schema migrations (see migrate.h).
 */
#include "store/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "lib/embed.h"
#include "lib/util.h"

/* Generated from store/sqlite/schema/ by tools/embed.c. */
extern const struct embedded_file schema_sqlite[];
extern const size_t schema_sqlite_count;

static const char SQL_VERSION_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_version ("
	" version INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at INTEGER NOT NULL)";
static const char SQL_VERSION_MAX[] =
	"SELECT COALESCE(MAX(version), 0) FROM schema_version";
static const char SQL_VERSION_INSERT[] =
	"INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)";

/* Migration number from its file name "0007_cases.sql" -> 7. */
static int migration_number(const char *name)
{
	return atoi(name);
}

int store_schema_latest(void)
{
	int latest = 0;

	for (size_t i = 0; i < schema_sqlite_count; i++)
		if (migration_number(schema_sqlite[i].name) > latest)
			latest = migration_number(schema_sqlite[i].name);
	return latest;
}

int store_schema_version(struct db *db, int *version, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	*version = 0;
	rc = db_table_exists(db, "schema_version", err);
	if (rc <= 0)
		return rc;
	if ((rc = db_prepare(db, SQL_VERSION_MAX, &st, err)) != 0)
		return rc;
	rc = db_step(st, err);
	if (rc < 0)
		return rc;
	*version = (int)db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

static int newer_error(struct ug_error *err, int have)
{
	return ug_fail(err, UG_EVERSION, "db",
		       "database schema version %d is newer than this urbangrid "
		       "knows (%d): use a newer urbangrid; nothing was changed",
		       have, store_schema_latest());
}

int store_migrate(struct db *db, int *applied, struct ug_error *err)
{
	int latest = store_schema_latest();
	int version, rc, count = 0;

	if (applied)
		*applied = 0;
	if ((rc = store_schema_version(db, &version, err)) != 0)
		return rc;
	if (version > latest)
		return newer_error(err, version);
	for (int next = version + 1; next <= latest; next++) {
		const struct embedded_file *m = NULL;
		struct db_stmt *st;

		for (size_t i = 0; i < schema_sqlite_count; i++)
			if (migration_number(schema_sqlite[i].name) == next)
				m = &schema_sqlite[i];
		if (!m)
			return ug_fail(err, UG_EINTERNAL, NULL,
				       "migration %04d is missing from the binary",
				       next);
		if ((rc = db_begin_write(db, err)) != 0)
			return rc;
		/* Re-read the version inside the write lock: another process
		 * may have migrated while we waited. */
		if ((rc = db_exec(db, SQL_VERSION_TABLE, err)) ||
		    (rc = store_schema_version(db, &version, err)))
			goto fail;
		if (version >= next) {
			db_rollback(db);
			if (version > latest)
				return newer_error(err, version);
			next = version;
			continue;
		}
		if ((rc = db_exec(db, (const char *)m->data, err)) ||
		    (rc = db_prepare(db, SQL_VERSION_INSERT, &st, err)) ||
		    (rc = db_bind_int64(st, 1, next, err)) ||
		    (rc = db_bind_text(st, 2, m->name, err)) ||
		    (rc = db_bind_int64(st, 3, ug_now_s(), err)) ||
		    (rc = db_step(st, err)) < 0 ||
		    (rc = db_commit(db, err)))
			goto fail;
		count++;
	}
	if (applied)
		*applied = count;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

int store_schema_check(struct db *db, struct ug_error *err)
{
	int version, rc;

	if ((rc = store_schema_version(db, &version, err)) != 0)
		return rc;
	if (version > store_schema_latest())
		return newer_error(err, version);
	if (version < store_schema_latest())
		return ug_fail(err, UG_EVERSION, "db",
			       "database schema version %d is older than this "
			       "urbangrid (%d): run `urbangrid init --db FILE` "
			       "to upgrade it",
			       version, store_schema_latest());
	return 0;
}
