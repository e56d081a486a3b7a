/*
 * cmd_assess.c - assess rebuild, check, show: the assessment counters
 * (domain/assess/assess.h) recomputed from the case history, compared
 * with the ones kept as the history was written, and read.  Days are
 * local at the calendar's utc_offset setting, as the server counts them.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/ics.h"
#include "domain/assess/assess.h"
#include "domain/calendar/workcal.h"

/* The city's UTC offset, the days' boundary. */
static int city_offset(struct db *db, int32_t *offset, struct ug_error *err)
{
	struct workcal_settings s;
	int rc = workcal_settings_read(db, &s, err);

	if (rc == 0)
		*offset = s.utc_offset;
	return rc;
}

int cli_assess_check(struct db *db, struct assess_rebuild_result *r,
		     struct ug_error *err)
{
	int32_t offset = 0;
	int rc = city_offset(db, &offset, err);

	return rc ? rc : assess_check(db, offset, r, err);
}

/* rebuild (check = 0) or check. */
static int recompute(struct cli_args *a, int check)
{
	struct assess_rebuild_result r;
	struct ug_error err;
	struct db *db;
	int32_t offset = 0;
	int rc;

	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	ug_error_clear(&err);
	rc = check ? cli_assess_check(db, &r, &err)
		   : city_offset(db, &offset, &err);
	if (rc == 0 && !check)
		rc = assess_rebuild(db, offset, &r, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	printf("%s %lld history lines of %lld cases: %lld counter rows\n",
	       check ? "recounted" : "rebuilt", (long long)r.lines,
	       (long long)r.cases, (long long)r.rows);
	if (!check)
		return EXIT_OK;
	if (r.differ) {
		printf("%lld day and month rows differ from the counters kept: "
		       "run `urbangrid assess rebuild`\n", (long long)r.differ);
		return EXIT_RUNTIME;
	}
	printf("the counters kept agree with the history\n");
	return EXIT_OK;
}

int cmd_assess_rebuild(struct cli_args *a)
{
	return recompute(a, 0);
}

int cmd_assess_check(struct cli_args *a)
{
	return recompute(a, 1);
}

/* "2026-11-30" -> 20261130; -1 when it is not such a date. */
static int32_t day_parse(const char *s)
{
	int y, m, d, n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    s[n] || n != 10 || y < 1900 || !ics_date_valid(y, m, d))
		return -1;
	return y * 10000 + m * 100 + d;
}

int cmd_assess_show(struct cli_args *a)
{
	const char *kind = cli_get(a, "kind"), *code = cli_get(a, "code");
	const char *to_text = cli_get(a, "to");
	int32_t from = day_parse(cli_get(a, "from"));
	int32_t to = to_text ? day_parse(to_text) : from;
	struct assess_counts sum;
	struct ug_error err;
	struct db *db;
	int rc;

	if (!kind || !code || from < 0 || to < 0 || to < from) {
		fprintf(stderr, "urbangrid assess show: --kind, --code and "
				"--from (YYYY-MM-DD, and --to not before it) are "
				"required (see --help)\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	ug_error_clear(&err);
	rc = assess_sum(db, kind, code, cli_get(a, "under") != NULL, from, to,
			&sum, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	printf("%-22s %lld\n", "events", (long long)sum.events);
	for (int i = 0; i < AC_COUNT; i++)
		printf("%-22s %lld  %s\n", assess_counter_names[i],
		       (long long)sum.n[i], assess_counter_names_zh[i]);
	return EXIT_OK;
}
