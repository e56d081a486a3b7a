/*
 * cmd_report.c - report KIND and report settings: one of the 四个一
 * reports (domain/report/report.h) built on demand as the command line
 * sees it (everything, or --area) and written to a file in a format of
 * doc/render.h; and the settings of the official documents (office,
 * number prefix, addressees, signer, copy line).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "doc/render.h"
#include "domain/calendar/calendar.h"
#include "domain/calendar/workcal.h"
#include "domain/report/report.h"
#include "domain/spatial/spatial.h"
#include "lib/util.h"

/* Write the whole of b to path through path.tmp and a rename. */
static int write_file(const char *path, const struct buf *b,
		      struct ug_error *err)
{
	struct buf tmp = BUF_INIT;
	FILE *fp;
	int ok;

	buf_printf(&tmp, "%s.tmp", path);
	if (!(fp = fopen(buf_str(&tmp), "wb"))) {
		buf_free(&tmp);
		return ug_fail(err, UG_EIO, "output", "%s: cannot write", path);
	}
	ok = fwrite(b->data, 1, b->len, fp) == b->len;
	ok = (fclose(fp) == 0) && ok;
	ok = ok && rename(buf_str(&tmp), path) == 0;
	if (!ok)
		remove(buf_str(&tmp));
	buf_free(&tmp);
	return ok ? 0 : ug_fail(err, UG_EIO, "output", "%s: cannot write",
				path);
}

int cmd_report(struct cli_args *a)
{
	const char *out_path = cli_get(a, "output");
	const char *files = cli_get(a, "files");
	struct arena arena = ARENA_INIT;
	struct report_request rq = { .area = cli_get(a, "area") };
	struct buf out = BUF_INIT, files_default = BUF_INIT;
	struct calendar *cal = NULL;
	struct spatial *sp = NULL;
	struct case_env env;
	struct report_env renv;
	enum doc_format f = DOC_HTML;
	struct cli_run run;
	struct doc *d;
	int rc;

	if (!out_path || !cli_get(a, "period")) {
		fprintf(stderr, "urbangrid report: --period and -o FILE are "
				"required (see --help)\n");
		return EXIT_USAGE;
	}
	ug_error_clear(&run.err);
	if ((rc = report_kind_parse(a->positional[0], &rq.kind, &run.err)) ||
	    (rc = report_period_parse(rq.kind, cli_get(a, "period"),
				      &rq.period, &run.err)) ||
	    (cli_get(a, "format") &&
	     (rc = doc_format_parse(cli_get(a, "format"), &f, &run.err))))
		return cli_fail(&run.err);
	if ((rc = cli_run_open(a, &run)))
		return rc;
	case_env_defaults(&env, NULL);
	rc = workcal_load(run.db, ug_now_s(), &cal, &env.utc_offset, NULL,
			  &run.err);
	env.calendar = cal;
	/* The grid index: the inspection's coverage counts the grids a
	 * track visited, as the server's does. */
	if (rc == 0)
		rc = spatial_open(run.db, &sp, &run.err);
	env.spatial = sp;
	if (!files) {
		buf_printf(&files_default, "%s.files", cli_db_location(a));
		files = buf_str(&files_default);
	}
	renv = (struct report_env){ &env, files, ug_now_s() };
	if (rc == 0 && !(d = doc_new(&arena)))
		rc = ug_fail(&run.err, UG_ENOMEM, NULL, "out of memory");
	if (rc == 0)
		rc = report_build(run.db, &renv, &run.as, &rq, d, &run.err);
	if (rc == 0)
		rc = report_render(d, f, &out, &run.err);
	if (rc == 0)
		rc = write_file(out_path, &out, &run.err);
	rc = cli_run_close(&run, rc);
	if (rc == 0)
		printf("%s %s %s: %zu bytes to %s\n", report_kind_names[rq.kind],
		       rq.period.text, doc_format_name(f), out.len, out_path);
	calendar_free(cal);
	spatial_free(sp);
	buf_free(&out);
	buf_free(&files_default);
	arena_free(&arena);
	return rc;
}

int cmd_report_settings(struct cli_args *a)
{
	const char *text[RSET_COUNT];
	int has[RSET_COUNT], any = 0;
	struct report_settings s;
	struct cli_run run;
	int rc;

	for (int k = 0; k < RSET_COUNT; k++) {
		char flag[32];

		snprintf(flag, sizeof flag, "%s", report_setting_names[k]);
		for (char *c = flag; *c; c++)
			if (*c == '_')
				*c = '-';
		text[k] = cli_get(a, flag);
		has[k] = text[k] != NULL;
		any |= has[k];
	}
	if ((rc = cli_run_open(a, &run)))
		return rc;
	rc = any ? report_settings_set(run.db, &run.as, has, text, ug_now_s(),
				       &s, &run.err)
		 : report_settings_get(run.db, &s, &run.err);
	if ((rc = cli_run_close(&run, rc)))
		return rc;
	for (int k = 0; k < RSET_COUNT; k++)
		printf("%-11s %s\n", report_setting_names[k], s.value[k]);
	return EXIT_OK;
}
