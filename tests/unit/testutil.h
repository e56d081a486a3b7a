/*
 * testutil.h - helpers shared by the cmocka unit tests: temporary
 * directories and files, a fresh migrated SQLite database per test, the
 * synthetic division fixture, and assertions that print the ug_error
 * message when a call fails.  Every test binary is one module's tests and
 * runs from the repository root (`make unit`).
 */
#ifndef UG_TESTUTIL_H
#define UG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/calendar/calendar.h"
#include "domain/cases/standards.h"
#include "domain/org/accounts.h"
#include "domain/org/org.h"
#include "lib/error.h"
#include "lib/fault.h"
#include "store/db.h"
#include "store/migrate.h"

/* The synthetic division CSVs (see tests/fixtures/divisions/README.md). */
#define TU_DIVISIONS "tests/fixtures/divisions"

/* A test's own temporary directory and, optionally, a database in it. */
struct tu_env {
	char dir[256];
	char db_path[320];
	struct db *db;
};

/* Fail the test unless rc is 0, showing the error message. */
#define tu_assert_ok(rc, err)                                            \
	do {                                                              \
		int tu_rc_ = (rc);                                        \
		if (tu_rc_ != 0)                                          \
			fail_msg("expected success, got %d (%s): %s",     \
				 tu_rc_, ug_errcode_name(tu_rc_),         \
				 (err).message);                          \
	} while (0)

/* Fail the test unless rc is -want and err records want (and the field
 * when fld is not NULL). */
#define tu_assert_err(rc, err, want, fld)                                 \
	do {                                                              \
		int tu_rc_ = (rc), tu_want_ = (want);                     \
		const char *tu_f_ = (fld);                                \
		if (tu_rc_ != -tu_want_)                                  \
			fail_msg("expected -%s, got %d: %s",              \
				 ug_errcode_name(tu_want_), tu_rc_,       \
				 (err).message);                          \
		assert_int_equal((err).code, tu_want_);                   \
		if (tu_f_)                                                \
			assert_string_equal((err).field, tu_f_);          \
	} while (0)

/* Fail unless `hay` contains `needle`, showing both. */
#define tu_assert_contains(hay, needle)                                   \
	do {                                                              \
		const char *tu_h_ = (hay), *tu_n_ = (needle);             \
		if (!strstr(tu_h_, tu_n_))                                \
			fail_msg("\"%s\" does not contain \"%s\"", tu_h_,  \
				 tu_n_);                                  \
	} while (0)

/* dir + "/" + name into out; a path too long for out fails the test. */
static inline void tu_path(char *out, size_t size, const char *dir,
			   const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size)
		fail_msg("path %s/%s is too long", dir, name);
}

/* Make a new empty directory under $TMPDIR (or /tmp) into dir. */
static inline void tu_mkdtemp(char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(dir, size, "%s/ug-unit-XXXXXX", tmp);
	if (!mkdtemp(dir))
		fail_msg("mkdtemp %s failed", dir);
}

/* Remove a directory and everything in it (a test's temporary tree). */
static inline void tu_rmdir_all(const char *dir)
{
	char path[1024];
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		tu_path(path, sizeof path, dir, e->d_name);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			tu_rmdir_all(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Write `content` (len bytes) to dir/name. */
static inline void tu_write_file(const char *dir, const char *name,
				 const char *content, size_t len)
{
	char path[512];
	FILE *fp;

	tu_path(path, sizeof path, dir, name);
	fp = fopen(path, "wb");
	if (!fp)
		fail_msg("cannot write %s", path);
	if (len && fwrite(content, 1, len, fp) != len)
		fail_msg("short write to %s", path);
	fclose(fp);
}

/* Copy the file src_dir/name to dst_dir/name. */
static inline void tu_copy_file(const char *src_dir, const char *dst_dir,
				const char *name)
{
	char path[512], data[8192];
	FILE *fp;
	size_t n;

	tu_path(path, sizeof path, src_dir, name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot read %s (run the tests from the repository "
			 "root)", path);
	n = fread(data, 1, sizeof data, fp);
	assert_true(feof(fp));
	fclose(fp);
	tu_write_file(dst_dir, name, data, n);
}

/* Delete an SQLite database file and its WAL companions. */
static inline void tu_db_remove(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
						"-journal" };
	char name[512];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		unlink(name);
	}
}

/* Open (creating) env->db_path; migrate it when `migrate` is set. */
static inline void tu_db_open(struct tu_env *env, int migrate)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000, .create = 1 };
	struct ug_error err;
	int applied = -1;

	ug_error_clear(&err);
	tu_assert_ok(db_open(env->db_path, &opt, &env->db, &err), err);
	if (migrate) {
		tu_assert_ok(store_migrate(env->db, &applied, &err), err);
		assert_int_equal(applied, store_schema_latest());
	}
}

/* A fresh temporary directory with a database "test.db" in it, migrated
 * when `migrate` is set. */
static inline struct tu_env *tu_env_new(int migrate)
{
	struct tu_env *env = calloc(1, sizeof *env);

	assert_non_null(env);
	tu_mkdtemp(env->dir, sizeof env->dir);
	tu_path(env->db_path, sizeof env->db_path, env->dir, "test.db");
	tu_db_open(env, migrate);
	return env;
}

/* Close the database, delete the directory with everything in it, disarm
 * any fault left armed by a failing test. */
static inline void tu_env_free(struct tu_env *env)
{
	if (!env)
		return;
	fault_arm(FAULT_ALLOC, 0);
	fault_arm(FAULT_DB_STEP, 0);
	db_close(env->db);
	tu_rmdir_all(env->dir);
	free(env);
}

/* cmocka setup / teardown: *state is a struct tu_env. */
static inline int tu_setup_db(void **state)
{
	*state = tu_env_new(1);
	return 0;
}

static inline int tu_setup_empty_db(void **state)
{
	*state = tu_env_new(0);
	return 0;
}

static inline int tu_teardown_db(void **state)
{
	tu_env_free(*state);
	*state = NULL;
	return 0;
}

/* The oracle's file `name`, in $UG_ORACLE or build/oracle (make unit
 * generates it from npm lunar-javascript; missing is a failure, not a
 * skip). */
static inline FILE *tu_oracle(const char *name)
{
	const char *dir = getenv("UG_ORACLE");
	char path[512];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "build/oracle",
		 name);
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open %s: run `make unit` (it generates the "
			 "oracle from npm lunar-javascript)", path);
	return fp;
}

/* Run a query returning one integer (e.g. SELECT COUNT(*) ...).  `sql`
 * must be a string literal: the statement cache is keyed by its address. */
static inline int64_t tu_query_int(struct db *db, const char *sql)
{
	struct ug_error err;
	struct db_stmt *st;
	int64_t v;
	int rc;

	ug_error_clear(&err);
	tu_assert_ok(db_prepare(db, sql, &st, &err), err);
	rc = db_step(st, &err);
	if (rc != DB_ROW)
		fail_msg("%s: no row (%d): %s", sql, rc, err.message);
	v = db_column_int64(st, 0);
	db_reset(st);
	return v;
}

/* Table `table` (a string literal) holds n rows. */
#define tu_assert_rows(db, table, n)                                      \
	assert_int_equal(tu_query_int((db), "SELECT COUNT(*) FROM " table), \
			 (n))

/* Same with one text parameter. */
static inline int64_t tu_query_int_s(struct db *db, const char *sql,
				     const char *param)
{
	struct ug_error err;
	struct db_stmt *st;
	int64_t v;
	int rc;

	ug_error_clear(&err);
	tu_assert_ok(db_prepare(db, sql, &st, &err), err);
	tu_assert_ok(db_bind_text(st, 1, param, &err), err);
	rc = db_step(st, &err);
	if (rc != DB_ROW)
		fail_msg("%s: no row (%d): %s", sql, rc, err.message);
	v = db_column_int64(st, 0);
	db_reset(st);
	return v;
}

/* Create an account of `role` in `unit` into *out.  Its stored password
 * hash is never verified: the tests that call this only need accounts,
 * and hashing with argon2 would cost a tenth of a second per account. */
/* A root actor (the command line's powers) named `name`, for the domain
 * calls that record who acted.  Up to 8 live at once. */
static inline const struct actor *tu_actor(const char *name)
{
	static struct user users[8];
	static struct actor actors[8];
	static unsigned next;
	unsigned i = next++ % 8;

	return actor_root(&users[i], name, &actors[i]);
}

static inline void tu_account(struct db *db, const char *username,
			      const char *role, const char *unit, int64_t now,
			      struct user *out)
{
	struct account_new a = {
		.username = username,
		.role = role,
		.unit = unit,
		.password_hash =
			"$argon2id$v=19$m=65536,t=2,p=1$dGVzdHNhbHR0ZXN0c2FsdA$"
			"dGVzdGhhc2h0ZXN0aGFzaHRlc3RoYXNodGVzdGhhc2g",
	};
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(account_create(db, tu_actor("test"), &a, now, out, NULL,
				    &err),
		     err);
}

/* A working calendar of 2025-2027 with the default weekly hours and no
 * holiday (a group's, built once): NULL if it cannot be built. */
static inline struct calendar *tu_calendar_plain(void)
{
	struct calendar_config cfg;
	struct calendar *cal = NULL;
	struct ug_error err;

	ug_error_clear(&err);
	calendar_config_init(&cfg, 2025, 2027);
	if (calendar_build(&cfg, &cal, &err))
		cal = NULL;
	calendar_config_free(&cfg);
	return cal;
}

/* The plain calendar a group of tests shares: made by
 * tu_group_calendar() and freed by tu_group_calendar_free(), the
 * group setup and teardown of the case suites; TU_CALENDAR between. */
static inline struct calendar **tu_group_calendar_slot(void)
{
	static struct calendar *cal;

	return &cal;
}
#define TU_CALENDAR (*tu_group_calendar_slot())

static inline int tu_group_calendar(void **state)
{
	(void)state;
	return (TU_CALENDAR = tu_calendar_plain()) ? 0 : -1;
}

static inline int tu_group_calendar_free(void **state)
{
	(void)state;
	calendar_free(TU_CALENDAR);
	TU_CALENDAR = NULL;
	return 0;
}

/* One person of a fixture: account name, role, unit. */
struct tu_person {
	const char *name, *role, *unit;
};

/* The city the case tests work in, as of `at`: the default filing
 * standards (250 categories), the fixture divisions of 甲区 110101 with
 * its seeded departments, and an account for each of the n people (u[i],
 * with its actor a[i]). */
static inline void tu_city(struct db *db, int64_t at,
			   const struct tu_person *people, size_t n,
			   struct user *u, struct actor *a)
{
	struct division_import_stats st;
	struct ug_error err;
	int count;

	ug_error_clear(&err);
	tu_assert_ok(standards_load_defaults(db, at, &count, &err), err);
	assert_int_equal(count, 250);
	tu_assert_ok(org_import_divisions(db, TU_DIVISIONS, "110101", at, &st,
					  &err),
		     err);
	tu_assert_ok(org_seed_departments(db, "110101", at, &count, &err),
		     err);
	for (size_t i = 0; i < n; i++) {
		tu_account(db, people[i].name, people[i].role, people[i].unit,
			   at, &u[i]);
		actor_of(&u[i], "", &a[i]);
	}
}

/* Rows of sqlite_master that are tables or indexes (the schema's size). */
static inline int64_t tu_schema_objects(struct db *db)
{
	return tu_query_int(db, "SELECT COUNT(*) FROM sqlite_master"
				" WHERE type IN ('table', 'index')");
}

#endif
