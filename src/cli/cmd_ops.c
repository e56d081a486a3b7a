/*
 * cmd_ops.c - backup and check: the operator's copy of a running
 * database, and the checks that say whether a database (the live one or
 * a copy) is sound.  What the engine does is behind store/db.h
 * (db_backup, db_check); docs/operations.md says how to use them.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/assess/assess.h"
#include "lib/buf.h"
#include "store/migrate.h"

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The copy's progress on a terminal, one line rewritten. */
static void backup_progress(void *ctx, int64_t done, int64_t total)
{
	(void)ctx;
	fprintf(stderr, "\r%lld of %lld pages", (long long)done,
		(long long)total);
	if (done == total)
		fputc('\n', stderr);
}

int cmd_backup(struct cli_args *a)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000 };
	const char *out = cli_get(a, "output");
	struct db_backup_result res;
	struct timespec t0;
	struct ug_error err;
	struct db *db;
	int rc;

	if (!out || !*out) {
		fprintf(stderr, "urbangrid backup: -o FILE is required (where "
				"the copy goes)\n");
		return EXIT_USAGE;
	}
	/* Any schema version: the copy before an upgrade is taken by
	 * whichever binary is installed. */
	ug_error_clear(&err);
	if ((rc = db_open(cli_db_location(a), &opt, &db, &err)))
		return cli_fail(&err);
	/* A file size limit (or a full quota) fails the copy's writes with
	 * an error to report, instead of killing the process. */
	signal(SIGXFSZ, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = db_backup(db, out, cli_get(a, "force") != NULL,
		       isatty(STDERR_FILENO) ? backup_progress : NULL, NULL,
		       &res, &err);
	db_close(db);
	if (rc == -UG_EINVAL) {
		fprintf(stderr, "urbangrid backup: %s (--force replaces it)\n",
			err.message);
		return EXIT_USAGE;
	}
	if (rc)
		return cli_fail(&err);
	printf("%s: %lld pages of %lld bytes, %lld bytes in %.2f s; "
	       "integrity ok\n", out, (long long)res.pages,
	       (long long)res.page_size, (long long)res.bytes,
	       seconds_since(&t0));
	return EXIT_OK;
}

/* ---- check ------------------------------------------------------------ */

/* The problems of one check shown, at most; the rest only counted. */
#define CHECK_SHOWN 10

struct check_shown {
	struct buf text; /* "  problem\n" each */
	int n;
};

static int keep_problem(void *ctx, const char *problem)
{
	struct check_shown *c = ctx;

	buf_printf(&c->text, "  %s\n", problem);
	return ++c->n == CHECK_SHOWN;
}

/* One check's line - "NAME ok", or its problem - and the problems
 * found, indented below it; 1 when not ok. */
static int check_line(const char *name, int rc, int64_t problems,
		      const char *said, const struct check_shown *shown,
		      const struct ug_error *err)
{
	if (rc)
		printf("%-14s problem: %s\n", name, err->message);
	else if (problems)
		printf("%-14s problem: %s\n", name, said);
	else
		printf("%-14s ok%s\n", name, said);
	if (shown && shown->text.len)
		fputs(buf_str(&shown->text), stdout);
	return rc || problems;
}

/* The engine's check of its own structure. */
static int check_store(struct db *db, const char *name, enum db_check what)
{
	struct check_shown shown = { 0 };
	struct ug_error err;
	int64_t problems = 0;
	char said[80];
	int rc;

	ug_error_clear(&err);
	rc = db_check(db, what, keep_problem, &shown, &problems, &err);
	snprintf(said, sizeof said, "%lld found%s", (long long)problems,
		 problems > shown.n ? ", the first shown" : "");
	rc = check_line(name, rc, problems, problems ? said : "", &shown,
			&err);
	buf_free(&shown.text);
	return rc;
}

/* The assessment counters against the history (assess check). */
static int check_assess(struct db *db)
{
	struct assess_rebuild_result r = { 0 };
	struct ug_error err;
	char said[160];
	int rc;

	ug_error_clear(&err);
	rc = cli_assess_check(db, &r, &err);
	if (r.differ)
		snprintf(said, sizeof said, "%lld day and month rows differ "
			 "from the history (`urbangrid assess rebuild` "
			 "recounts them)", (long long)r.differ);
	else
		snprintf(said, sizeof said, " (%lld history lines of %lld "
			 "cases)", (long long)r.lines, (long long)r.cases);
	return check_line("assessment", rc, r.differ, said, NULL, &err);
}

int cmd_check(struct cli_args *a)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000 };
	struct ug_error err;
	struct db *db;
	int version = 0, bad = 0, rc;
	char said[40];

	ug_error_clear(&err);
	if ((rc = db_open(cli_db_location(a), &opt, &db, &err)))
		return cli_fail(&err);
	bad += check_store(db, "integrity", cli_get(a, "quick")
						   ? DB_CHECK_QUICK
						   : DB_CHECK_INTEGRITY);
	bad += check_store(db, "foreign keys", DB_CHECK_FOREIGN_KEYS);

	ug_error_clear(&err);
	rc = store_schema_version(db, &version, &err);
	if (rc == 0)
		rc = store_schema_check(db, &err);
	snprintf(said, sizeof said, " (version %d)", version);
	bad += check_line("schema", rc, 0, said, NULL, &err);
	/* The counters only where the schema is this binary's: an older
	 * one may not have them, and the line above says what to do. */
	if (rc == 0)
		bad += check_assess(db);
	db_close(db);
	printf("%s: %s\n", cli_db_location(a),
	       bad ? "PROBLEMS (see above)" : "all checks ok");
	return bad ? EXIT_RUNTIME : EXIT_OK;
}
