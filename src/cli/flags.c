/*
 * flags.c - the command-line flag parser and shared command helpers.
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/org/roles.h"
#include "store/migrate.h"

static void cli_help(const struct cli_command *cmd)
{
	printf("usage: urbangrid %s [flags]%s%s\n\n%s\n", cmd->name,
	       cmd->usage ? " " : "", cmd->usage ? cmd->usage : "",
	       cmd->summary);
	if (cmd->nflags)
		printf("\nflags:\n");
	for (int i = 0; i < cmd->nflags; i++) {
		const struct cli_flag *f = &cmd->flags[i];
		char left[64];

		snprintf(left, sizeof left, "--%s%s%s", f->name, f->arg ? " " : "",
			 f->arg ? f->arg : "");
		printf("  %-24s %s", left, f->help);
		if (f->deflt)
			printf(" (default %s)", f->deflt);
		printf("\n");
	}
}

/* The one-letter flags, the same for every command that has the flag
 * they stand for (the usual Unix letters). */
static const struct {
	char letter;
	const char *name;
} flag_letters[] = {
	{ 'o', "output" },
};

static const char *flag_of_letter(char letter)
{
	for (size_t i = 0; i < sizeof flag_letters / sizeof *flag_letters; i++)
		if (flag_letters[i].letter == letter)
			return flag_letters[i].name;
	return NULL;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv,
	      struct cli_args *a)
{
	memset(a, 0, sizeof *a);
	/* A command table with more flags than value slots is a bug: say so
	 * rather than write past a->values. */
	if (cmd->nflags > CLI_FLAGS_MAX) {
		fprintf(stderr, "urbangrid %s: internal error: %d flags, at "
				"most %d\n", cmd->name, cmd->nflags,
			CLI_FLAGS_MAX);
		return EXIT_RUNTIME;
	}
	a->flags = cmd->flags;
	a->nflags = cmd->nflags;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char *eq;
		size_t n;
		int k;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			cli_help(cmd);
			return -1;
		}
		if (arg[0] == '-' && arg[1] && arg[1] != '-' && !arg[2]) {
			/* -o: the flag the letter stands for */
			const char *name = flag_of_letter(arg[1]);

			for (k = 0; k < cmd->nflags; k++)
				if (name && strcmp(cmd->flags[k].name, name) == 0)
					break;
			eq = NULL;
			n = 1;
			arg++;
		} else if (strncmp(arg, "--", 2) != 0) {
			if (a->npositional == CLI_ARGS_MAX ||
			    a->npositional == cmd->npositional) {
				fprintf(stderr,
					"urbangrid %s: unexpected argument %s "
					"(see --help)\n", cmd->name, arg);
				return EXIT_USAGE;
			}
			a->positional[a->npositional++] = arg;
			continue;
		} else {
			arg += 2;
			eq = strchr(arg, '=');
			n = eq ? (size_t)(eq - arg) : strlen(arg);
			for (k = 0; k < cmd->nflags; k++)
				if (strlen(cmd->flags[k].name) == n &&
				    strncmp(cmd->flags[k].name, arg, n) == 0)
					break;
		}
		if (k == cmd->nflags) {
			fprintf(stderr, "urbangrid %s: unknown flag %s%.*s (see "
					"--help)\n", cmd->name,
				arg == argv[i] + 1 ? "-" : "--", (int)n, arg);
			return EXIT_USAGE;
		}
		if (!cmd->flags[k].arg) {
			if (eq) {
				fprintf(stderr, "urbangrid %s: --%s takes no "
						"value\n", cmd->name,
					cmd->flags[k].name);
				return EXIT_USAGE;
			}
			a->values[k] = "1";
		} else if (eq) {
			a->values[k] = eq + 1;
		} else if (i + 1 < argc) {
			a->values[k] = argv[++i];
		} else {
			fprintf(stderr, "urbangrid %s: --%s needs a value (%s)\n",
				cmd->name, cmd->flags[k].name,
				cmd->flags[k].arg);
			return EXIT_USAGE;
		}
	}
	if (a->npositional != cmd->npositional) {
		fprintf(stderr, "urbangrid %s: expected %s (see --help)\n",
			cmd->name, cmd->usage ? cmd->usage : "no arguments");
		return EXIT_USAGE;
	}
	return 0;
}

const char *cli_get(const struct cli_args *a, const char *name)
{
	for (int i = 0; i < a->nflags; i++)
		if (strcmp(a->flags[i].name, name) == 0)
			return a->values[i] ? a->values[i] : a->flags[i].deflt;
	return NULL;
}

const char *cli_data_path(const char *rel, char *out, size_t n)
{
	const char *data = getenv("URBANGRID_DATA");
	char exe[PATH_MAX];
	ssize_t len;

	if (data && *data) {
		snprintf(out, n, "%s/%s", data, rel);
		return out;
	}
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;

		exe[len] = '\0';
		/* node_modules/ in the binary's folder or one of the three
		 * above it (build/urbangrid, build/asan/urbangrid). */
		for (int up = 0; up < 4 && (slash = strrchr(exe, '/')); up++) {
			*slash = '\0';
			snprintf(out, n, "%s/node_modules/%s", exe, rel);
			if (access(out, R_OK) == 0)
				return out;
		}
	}
	snprintf(out, n, "node_modules/%s", rel);
	return out;
}

const char *cli_db_location(const struct cli_args *a)
{
	const char *db = cli_get(a, "db");

	if (db && *db)
		return db;
	db = getenv("URBANGRID_DB");
	if (db && *db)
		return db;
	return "var/urbangrid.db";
}

int cli_fail(const struct ug_error *err)
{
	fprintf(stderr, "urbangrid: %s\n", err->message);
	return err->code == UG_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

int cli_open_db(const struct cli_args *a, int create, struct db **db)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000, .create = create };
	struct ug_error err;
	int rc;

	ug_error_clear(&err);
	*db = NULL;
	if ((rc = db_open(cli_db_location(a), &opt, db, &err)))
		return cli_fail(&err);
	if (create)
		rc = store_migrate(*db, NULL, &err);
	else
		rc = store_schema_check(*db, &err);
	if (rc) {
		db_close(*db);
		*db = NULL;
		return cli_fail(&err) == EXIT_USAGE ? EXIT_USAGE : EXIT_RUNTIME;
	}
	return 0;
}

int cli_open_as(const struct cli_args *a, struct db **db, struct actor *cli)
{
	int rc = cli_open_db(a, 0, db);

	if (rc == 0)
		actor_cli(cli);
	return rc;
}

int cli_run_open(const struct cli_args *a, struct cli_run *r)
{
	ug_error_clear(&r->err);
	return cli_open_as(a, &r->db, &r->as);
}

int cli_run_close(struct cli_run *r, int rc)
{
	db_close(r->db);
	r->db = NULL;
	return rc ? cli_fail(&r->err) : 0;
}
