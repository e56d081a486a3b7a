/*
 * test_migrate.c - embedded schema migrations (store/migrate.h): a fresh
 * database reaches store_schema_latest(), a second run applies nothing, a
 * database from a newer binary is refused and left as it was, the schema
 * check for `serve`, and an injected fault in the middle of a migration
 * leaves the last complete version - version 0 with no tables for the
 * first - never half a migration (each one is one transaction).
 */
#include "testutil.h"

static void test_latest_is_positive(void **state)
{
	(void)state;
	assert_true(store_schema_latest() >= 1);
}

static void test_fresh_database_migrates(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	int version = -1, applied = -1;

	ug_error_clear(&err);
	tu_assert_ok(store_schema_version(env->db, &version, &err), err);
	assert_int_equal(version, 0);
	assert_int_equal(tu_schema_objects(env->db), 0);

	tu_assert_ok(store_migrate(env->db, &applied, &err), err);
	assert_int_equal(applied, store_schema_latest());
	tu_assert_ok(store_schema_version(env->db, &version, &err), err);
	assert_int_equal(version, store_schema_latest());
	tu_assert_ok(store_schema_check(env->db, &err), err);
	/* One schema_version row per migration, and the tables exist. */
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM schema_version"),
			 store_schema_latest());
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM"
					       " schema_version WHERE version = 1"
					       " AND name = '0001_foundation.sql'"),
			 1);
	static const char *const tables[] = {
		"division", "department", "department_area", "app_user",
		"session", "api_token", "login_failure", "audit_event",
	};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		assert_int_equal(db_table_exists(env->db, tables[i], &err), 1);
}

static void test_second_run_applies_nothing(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	int applied = -1, version = -1;
	int64_t objects;

	ug_error_clear(&err);
	tu_assert_ok(store_migrate(env->db, NULL, &err), err); /* NULL ok */
	objects = tu_schema_objects(env->db);
	tu_assert_ok(store_migrate(env->db, &applied, &err), err);
	assert_int_equal(applied, 0);
	tu_assert_ok(store_schema_version(env->db, &version, &err), err);
	assert_int_equal(version, store_schema_latest());
	assert_int_equal(tu_schema_objects(env->db), objects);
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM schema_version"),
			 store_schema_latest());

	/* Also through a second connection (another process upgrading). */
	{
		struct db_open_options opt = { .busy_timeout_ms = 5000 };
		struct db *other = NULL;

		tu_assert_ok(db_open(env->db_path, &opt, &other, &err), err);
		applied = -1;
		tu_assert_ok(store_migrate(other, &applied, &err), err);
		assert_int_equal(applied, 0);
		db_close(other);
	}
}

static void test_newer_database_refused_unchanged(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	int applied = -1, version = -1;
	int64_t objects;
	struct db_stmt *st;

	ug_error_clear(&err);
	tu_assert_ok(store_migrate(env->db, NULL, &err), err);
	tu_assert_ok(db_prepare(env->db,
				"INSERT INTO schema_version (version, name,"
				" applied_at) VALUES (?, 'future.sql', 0)",
				&st, &err),
		     err);
	tu_assert_ok(db_bind_int64(st, 1, store_schema_latest() + 1, &err), err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	objects = tu_schema_objects(env->db);

	tu_assert_err(store_migrate(env->db, &applied, &err), err, UG_EVERSION,
		      "db");
	assert_int_equal(applied, 0);
	tu_assert_contains(err.message, "newer");
	tu_assert_contains(err.message, "nothing was changed");
	tu_assert_ok(store_schema_version(env->db, &version, &err), err);
	assert_int_equal(version, store_schema_latest() + 1);
	assert_int_equal(tu_schema_objects(env->db), objects);
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM schema_version"),
			 store_schema_latest() + 1);

	tu_assert_err(store_schema_check(env->db, &err), err, UG_EVERSION, "db");
	tu_assert_contains(err.message, "newer");
}

static void test_newer_version_table_alone_refused(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;

	/* A database holding only a version table from the future: nothing
	 * of ours may be created in it. */
	ug_error_clear(&err);
	tu_assert_ok(db_exec(env->db,
			     "CREATE TABLE schema_version (version INTEGER"
			     " PRIMARY KEY, name TEXT NOT NULL, applied_at"
			     " INTEGER NOT NULL);"
			     "INSERT INTO schema_version VALUES (99, 'x', 0)",
			     &err),
		     err);
	tu_assert_err(store_migrate(env->db, NULL, &err), err, UG_EVERSION,
		      "db");
	tu_assert_contains(err.message, "99");
	assert_int_equal(tu_schema_objects(env->db), 1);
	assert_int_equal(db_table_exists(env->db, "division", &err), 0);
}

static void test_schema_check_old_database(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;

	/* Empty: no schema_version at all. */
	ug_error_clear(&err);
	tu_assert_err(store_schema_check(env->db, &err), err, UG_EVERSION, "db");
	tu_assert_contains(err.message, "older");
	tu_assert_contains(err.message, "urbangrid init");
	/* The check itself creates nothing. */
	assert_int_equal(tu_schema_objects(env->db), 0);

	/* An empty version table is version 0: still too old. */
	tu_assert_ok(db_exec(env->db,
			     "CREATE TABLE schema_version (version INTEGER"
			     " PRIMARY KEY, name TEXT NOT NULL, applied_at"
			     " INTEGER NOT NULL)",
			     &err),
		     err);
	tu_assert_err(store_schema_check(env->db, &err), err, UG_EVERSION, "db");
	tu_assert_contains(err.message, "version 0 is older");

	/* Upgrading makes it pass. */
	ug_error_clear(&err);
	tu_assert_ok(store_migrate(env->db, NULL, &err), err);
	tu_assert_ok(store_schema_check(env->db, &err), err);
}

static void test_locked_database(void **state)
{
	struct tu_env *env = *state;
	struct db_open_options quick = { .busy_timeout_ms = 1 };
	struct db *other = NULL;
	struct ug_error err;
	int applied = -1;

	/* Another connection holds the write lock: the migration gives up
	 * with a clean error and creates nothing. */
	ug_error_clear(&err);
	tu_assert_ok(db_open(env->db_path, &quick, &other, &err), err);
	tu_assert_ok(db_begin_write(env->db, &err), err);
	tu_assert_err(store_migrate(other, &applied, &err), err, UG_EDB, NULL);
	tu_assert_contains(err.message, "busy");
	assert_int_equal(applied, 0);
	db_rollback(env->db);
	assert_int_equal(tu_schema_objects(env->db), 0);
	/* Once free, it goes through. */
	tu_assert_ok(store_migrate(other, &applied, &err), err);
	assert_int_equal(applied, store_schema_latest());
	db_close(other);
}

static void test_version_read_failure(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	int version = -1;

	ug_error_clear(&err);
	tu_assert_ok(store_migrate(env->db, NULL, &err), err);
	fault_arm(FAULT_DB_STEP, 1);
	tu_assert_err(store_schema_version(env->db, &version, &err), err, UG_EDB,
		      NULL);
	fault_arm(FAULT_DB_STEP, 2); /* the MAX(version) query */
	tu_assert_err(store_schema_version(env->db, &version, &err), err, UG_EDB,
		      NULL);
	fault_arm(FAULT_DB_STEP, 1);
	tu_assert_err(store_schema_check(env->db, &err), err, UG_EDB, NULL);
	fault_arm(FAULT_DB_STEP, 0);
}

static void test_fault_mid_migration_leaves_nothing(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	int64_t objects_at[64]; /* schema size seen at each version */
	int failures_at[64] = { 0 };
	int latest = store_schema_latest(), rc = -1, failures = 0;

	assert_true(latest < 64);
	/* Fail the 1st, 2nd, ... database step of a migration from scratch
	 * until one gets through.  Each migration's last steps run inside
	 * its transaction after its script: the rollback must undo the
	 * script too, so the database is always at a complete version, with
	 * exactly that version's schema. */
	for (int nth = 1; nth <= 100; nth++) {
		int applied = -1, version = -1;
		int64_t objects;

		db_close(env->db);
		env->db = NULL;
		tu_db_remove(env->db_path);
		tu_db_open(env, 0);
		ug_error_clear(&err);
		fault_arm(FAULT_DB_STEP, nth);
		rc = store_migrate(env->db, &applied, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0) {
			assert_int_equal(applied, latest);
			break;
		}
		failures++;
		tu_assert_err(rc, err, UG_EDB, NULL);
		tu_assert_contains(err.message, "injected fault");
		assert_int_equal(applied, 0);
		tu_assert_ok(store_schema_version(env->db, &version, &err), err);
		assert_in_range(version, 0, latest - 1);
		objects = tu_schema_objects(env->db);
		if (version == 0 && objects != 0)
			fail_msg("fault at step %d left tables behind", nth);
		if (failures_at[version]++ == 0)
			objects_at[version] = objects;
		else if (objects_at[version] != objects)
			fail_msg("fault at step %d: version %d with %lld schema "
				 "objects, elsewhere %lld: half a migration",
				 nth, version, (long long)objects,
				 (long long)objects_at[version]);

		/* The failed run leaves the database usable: a clean run
		 * afterwards completes. */
		tu_assert_ok(store_migrate(env->db, NULL, &err), err);
		tu_assert_ok(store_schema_check(env->db, &err), err);
	}
	assert_int_equal(rc, 0);
	/* Every migration was interrupted at each of its steps inside the
	 * transaction (version check, version read, version insert). */
	for (int v = 0; v < latest; v++)
		if (failures_at[v] < 3)
			fail_msg("migration %d was interrupted only %d times",
				 v + 1, failures_at[v]);
}

#define MIGRATE_TEST(f) \
	cmocka_unit_test_setup_teardown(f, tu_setup_empty_db, tu_teardown_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latest_is_positive),
		MIGRATE_TEST(test_fresh_database_migrates),
		MIGRATE_TEST(test_second_run_applies_nothing),
		MIGRATE_TEST(test_newer_database_refused_unchanged),
		MIGRATE_TEST(test_newer_version_table_alone_refused),
		MIGRATE_TEST(test_schema_check_old_database),
		MIGRATE_TEST(test_locked_database),
		MIGRATE_TEST(test_version_read_failure),
		MIGRATE_TEST(test_fault_mid_migration_leaves_nothing),
	};

	return cmocka_run_group_tests_name("migrate", tests, NULL, NULL);
}
