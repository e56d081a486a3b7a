/*
 * cmd_import.c - `import cases`: a city's earlier cases from its old 311
 * system (Open311 JSON) or register (CSV), with their history, through
 * the domain (domain/cases/history.h).  Bad rows go to stderr by line;
 * the summary to stdout.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/calendar/workcal.h"
#include "domain/cases/history.h"
#include "domain/spatial/spatial.h"
#include "lib/util.h"

static void print_bad_row(void *ctx, long line, const char *message)
{
	fprintf(stderr, "%s:%ld: %s\n", (const char *)ctx, line, message);
}

int cmd_import_cases(struct cli_args *a)
{
	const char *path = a->positional[0];
	struct case_history_opts opts;
	struct case_history_result res;
	struct workcal_settings ws;
	struct spatial *sp = NULL;
	struct case_env env;
	struct cli_run r;
	int rc;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);
	opts.map_path = cli_get(a, "map");
	opts.area = cli_get(a, "area");
	opts.strict = cli_get(a, "strict") != NULL;
	opts.report = print_bad_row;
	opts.report_ctx = (void *)path;
	if ((rc = cli_run_open(a, &r)))
		return rc;
	/* Days are the city's: its offset from the calendar settings. */
	case_env_defaults(&env, NULL);
	rc = workcal_settings_read(r.db, &ws, &r.err);
	if (rc == 0) {
		env.utc_offset = ws.utc_offset;
		rc = spatial_open(r.db, &sp, &r.err);
	}
	env.spatial = sp;
	if (rc == 0)
		rc = case_history_import_file(r.db, &env, &r.as, path, &opts,
					      ug_now_s(), &res, &r.err);
	spatial_free(sp);
	printf("%s: %zu rows: %zu imported, %zu imported before, %zu bad; "
	       "%zu history lines, %lld counter rows\n",
	       path, res.rows, res.imported, res.present, res.skipped,
	       res.lines, (long long)res.counter_rows);
	return cli_run_close(&r, rc);
}
