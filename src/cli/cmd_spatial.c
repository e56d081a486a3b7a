/*
 * cmd_spatial.c - `import grids`, `grid generate`, `import components`:
 * geography into the database, with a report of every problem found.
 * A running server picks the changes up by itself (domain/spatial/spatial.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/cases/place.h"
#include "domain/spatial/census.h"
#include "domain/spatial/grids.h"
#include "domain/spatial/spatial.h"
#include "lib/util.h"

/* --crs into *crs (default wgs84); prints the problem on failure. */
static int crs_flag(const struct cli_args *a, struct crs *crs)
{
	const char *name = cli_get(a, "crs");
	struct ug_error err;

	ug_error_clear(&err);
	if (crs_parse(name ? name : "wgs84", crs, &err))
		return cli_fail(&err);
	return 0;
}

/* Grids applied with the cases filed before them, in one transaction
 * (domain/cases/place.h), from the file at `path`.  No index here: a
 * running server picks the grids up by itself. */
static int apply_grids(struct db *db, const char *path,
		       struct case_grids_apply *in,
		       struct case_grids_result *res, struct ug_error *err)
{
	struct buf text = BUF_INIT;
	int rc = buf_read_file(&text, path, err);

	memset(res, 0, sizeof *res);
	if (rc == 0) {
		in->text = text.data ? text.data : "";
		in->len = text.len;
		rc = case_grids_apply(db, NULL, in, ug_now_s(), res, err);
	}
	buf_free(&text);
	return rc;
}

/* What placing the cases did, when it did something. */
static void print_cases_placed(const struct case_locate_result *res)
{
	if (res->located || res->conflicts)
		printf("cases filed before their grid existed: %zu located, "
		       "%zu whose area does not hold the grid left as they "
		       "were, %zu still outside every grid\n",
		       res->located, res->conflicts, res->outside);
}

static void print_grid_problem(void *ctx, const struct grid_problem *p)
{
	(void)ctx;
	fprintf(stderr, "%s\n", p->message);
}

int cmd_import_grids(struct cli_args *a)
{
	struct case_grids_apply in;
	struct case_grids_result all;
	const struct grid_import_result *res = &all.import;
	struct ug_error err;
	struct db *db;
	int rc;

	ug_error_clear(&err);
	memset(&in, 0, sizeof in);
	in.kind = CASE_GRIDS_IMPORT;
	if ((rc = crs_flag(a, &in.import.crs)))
		return rc;
	in.import.strict = cli_get(a, "strict") != NULL;
	in.import.report = print_grid_problem;
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	rc = apply_grids(db, a->positional[0], &in, &all, &err);
	db_close(db);
	printf("%s: %zu features: %zu imported, %zu replaced, %zu skipped; "
	       "%zu overlaps, %zu gaps reported\n",
	       a->positional[0], res->features, res->imported, res->replaced,
	       res->skipped, res->overlaps, res->gaps);
	if (rc)
		return cli_fail(&err);
	print_cases_placed(&all.cases);
	return EXIT_OK;
}

int cmd_grid_generate(struct cli_args *a)
{
	struct case_grids_apply in;
	struct case_grids_result all;
	const struct grid_generate_opts *opts = &in.generate;
	const struct grid_generate_result *res = &all.generate;
	const char *cell = cli_get(a, "cell");
	const char *boundary = cli_get(a, "boundary");
	const char *community = cli_get(a, "community");
	struct ug_error err;
	struct db *db;
	char *end;
	int rc;

	ug_error_clear(&err);
	memset(&in, 0, sizeof in);
	in.kind = CASE_GRIDS_GENERATE;
	in.community = community;
	if (!boundary || !community) {
		fprintf(stderr, "urbangrid grid generate: --boundary and "
				"--community are required\n");
		return EXIT_USAGE;
	}
	in.generate.cell_m = cell ? strtod(cell, &end) : 100;
	if (cell && (*end || opts->cell_m < 10 || opts->cell_m > 1000)) {
		fprintf(stderr, "urbangrid grid generate: --cell must be a "
				"number of metres from 10 to 1000\n");
		return EXIT_USAGE;
	}
	if ((rc = crs_flag(a, &in.generate.crs)))
		return rc;
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	rc = apply_grids(db, boundary, &in, &all, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	printf("community %s: %.0f m² cut into %zu grids of about %.0f m² "
	       "(%zu slivers merged; %zu earlier grids replaced)\n",
	       community, res->area_m2, res->grids,
	       opts->cell_m * opts->cell_m, res->merged, res->replaced);
	print_cases_placed(&all.cases);
	return EXIT_OK;
}

static void print_census_problem(void *ctx, long where, const char *msg)
{
	(void)ctx;
	(void)where;
	fprintf(stderr, "%s\n", msg);
}

int cmd_import_components(struct cli_args *a)
{
	struct census_opts opts;
	struct census_result res;
	struct spatial *sp = NULL;
	struct ug_error err;
	struct db *db;
	int rc;

	ug_error_clear(&err);
	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);
	if ((rc = crs_flag(a, &opts.crs)))
		return rc;
	opts.strict = cli_get(a, "strict") != NULL;
	opts.report = print_census_problem;
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	/* The grids, to locate every component. */
	rc = spatial_open(db, &sp, &err);
	if (rc == 0)
		rc = census_import_file(db, sp, a->positional[0], &opts,
					ug_now_s(), &res, &err);
	spatial_free(sp);
	db_close(db);
	printf("%s: %zu rows: %zu imported, %zu replaced, %zu skipped; %zu "
	       "outside every grid\n",
	       a->positional[0], res.rows, res.imported, res.replaced,
	       res.skipped, res.outside);
	if (rc)
		return cli_fail(&err);
	return EXIT_OK;
}
