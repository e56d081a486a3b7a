/*
 * cmd_assess.c - assess rebuild, check, show, rank, scheme: the
 * assessment counters (domain/assess/assess.h) recomputed from the case
 * history, compared with the ones kept as the history was written, and
 * read; the rankings of a period and the scheme that scores them
 * (domain/assess/rank.h), as the API gives them.  Days are
 * local at the calendar's utc_offset setting, as the server counts them.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/ics.h"
#include "domain/assess/assess.h"
#include "domain/assess/rank.h"
#include "domain/calendar/workcal.h"
#include "lib/util.h"

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

/* ---- rankings and the scheme ------------------------------------------- */

/* A share 0..1 as a percentage, or "-" when not scored. */
static void print_share(int has, double share)
{
	if (has)
		printf(" %7.2f", share * 100);
	else
		printf(" %7s", "-");
}

static void print_ranking(const struct assess_ranking *r)
{
	int shown[AR_COUNT], n = assess_kind_rates(r->kind, shown);

	printf("%s %s (%d..%d) scheme version %lld; %zu of %zu rows; "
	       "previous %s\n",
	       assess_eval_kind_names[r->kind], r->period.text, r->period.from,
	       r->period.to, (long long)r->scheme.version, r->n, r->ranked,
	       r->previous.text);
	printf("%4s  %-16s %7s %5s %4s %7s", "rank", "code", "score", "grade",
	       "prev", "prev");
	for (int i = 0; i < n; i++)
		printf(" %7.7s", assess_rate_name(shown[i]));
	printf("  name\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct assess_row *w = &r->rows[i];

		if (w->rank)
			printf("%4d", w->rank);
		else
			printf("%4s", "-");
		printf("  %-16s", w->code);
		print_share(w->r.scored, w->r.score / 100);
		printf(" %5c", w->r.grade ? w->r.grade : '-');
		if (w->prev_rank)
			printf(" %4d", w->prev_rank);
		else
			printf(" %4s", "-");
		print_share(w->prev.scored, w->prev.score / 100);
		for (int j = 0; j < n; j++)
			print_share(w->r.has_rate[shown[j]], w->r.rate[shown[j]]);
		printf("  %s\n", w->name);
	}
}

/* Print j (taken) indented, as the API would answer it. */
static void print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
	putchar('\n');
	json_decref(j);
}

/* cli_run_open() and the city's offset: 0 or the exit code. */
static int open_city(struct cli_args *a, struct cli_run *run, int32_t *offset)
{
	int rc = cli_run_open(a, run);

	if (rc)
		return rc;
	*offset = 0;
	rc = city_offset(run->db, offset, &run->err);
	return rc ? cli_run_close(run, rc) : 0;
}

int cmd_assess_rank(struct cli_args *a)
{
	struct assess_ranking r;
	struct cli_run run;
	int32_t offset = 0;
	int rc;

	if (!cli_get(a, "period")) {
		fprintf(stderr, "urbangrid assess rank: --period is required "
				"(see --help)\n");
		return EXIT_USAGE;
	}
	if ((rc = open_city(a, &run, &offset)))
		return rc;
	rc = assess_ranking(run.db, &run.as, offset, a->positional[0],
			    cli_get(a, "period"), cli_get(a, "area"), &r,
			    &run.err);
	if ((rc = cli_run_close(&run, rc)))
		return rc;
	if (cli_get(a, "json"))
		print_json(assess_ranking_json(&r, offset));
	else
		print_ranking(&r);
	assess_ranking_free(&r);
	return EXIT_OK;
}

static json_t *read_json_file(const char *path, struct ug_error *err)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);

	if (!j)
		ug_fail(err, UG_EINVAL, "set", "%s:%d: %s", path, je.line,
			je.text);
	return j;
}

int cmd_assess_scheme(struct cli_args *a)
{
	const char *file = cli_get(a, "set"), *when = cli_get(a, "effective");
	struct assess_scheme s;
	struct cli_run run;
	int32_t offset = 0;
	json_t *in = NULL;
	int rc;

	if (when && !file) {
		fprintf(stderr, "urbangrid assess scheme: --effective goes with "
				"--set\n");
		return EXIT_USAGE;
	}
	if ((rc = open_city(a, &run, &offset)))
		return rc;
	if (file && !(in = read_json_file(file, &run.err)))
		rc = -UG_EINVAL;
	if (rc == 0 && in && when)
		json_object_set_new(in, "effective", json_string(when));
	if (rc == 0)
		rc = in ? assess_scheme_edit(run.db, &run.as, in, ug_now_s(), &s,
					     &run.err)
			: assess_scheme_at(run.db, ug_now_s(), &s, &run.err);
	json_decref(in);
	if ((rc = cli_run_close(&run, rc)))
		return rc;
	print_json(assess_scheme_json(&s, offset));
	return EXIT_OK;
}
