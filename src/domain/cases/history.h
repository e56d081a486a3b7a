/*
 * history.h - import of a city's earlier cases (case history): the years
 * its old 311 system or case register holds, read from an Open311
 * GeoReport v2 JSON array or a CSV file, so that the assessment and the
 * reports cover them (docs/operations.md, "Importing case history").
 *
 * Each row is checked (its id, times, status, point), its service code
 * mapped to a national category (小类) and its agency to a department by
 * the mapping file, its point placed on its unit grid, and written as a
 * case that keeps the source's id (case_file.source_ref, unique: a second
 * run of the same file imports nothing twice) with the history lines the
 * assessment reads, by the documented actor `import`.  Lines are written
 * uncounted by the upkeep: they are counted in memory as they are
 * written, and each counter row is added once at the end, in order
 * (assess_batch_*, domain/assess/assess.h) - all in one write
 * transaction: the import is
 * whole or not at all, and the counters never drift from the history.
 * A bad row is reported by its line with the reason and skipped; with
 * `strict`, any bad row writes nothing.
 */
#ifndef UG_CASE_HISTORY_H
#define UG_CASE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cases/case.h"

/* Who the history names for an imported case's lines (not a person:
 * nobody's post is counted for them). */
#define CASE_IMPORT_ACTOR "import"

/* The fields of a source row the import reads, by meaning. */
enum history_field {
	HF_REF,         /* the source's id of the request */
	HF_CODE,        /* its service code / category, mapped */
	HF_NAME,        /* the service's name (a description when none) */
	HF_DESCRIPTION,
	HF_ADDRESS,
	HF_LON,
	HF_LAT,
	HF_REQUESTED,   /* date-times: ISO 8601, the city's zone if none */
	HF_UPDATED,
	HF_CLOSED,
	HF_STATUS,      /* open | closed */
	HF_DEPARTMENT,  /* the agency responsible, mapped */
	HF_NOTES,       /* status notes: on the case's last line */
	HF_COUNT
};

/* One source row: its line in the file and its fields (NULL or "" when
 * absent), valid for the call that takes it. */
struct history_row {
	long line;
	const char *f[HF_COUNT];
};

typedef void (*history_report_fn)(void *ctx, long line, const char *message);

struct case_history_opts {
	const char *map_path;  /* the mapping file (may be NULL: the source's
				  codes are category and department codes) */
	const char *area;      /* the division of rows whose point lies in
				  no grid, or that have none (NULL: such
				  rows are bad) */
	int strict;            /* any bad row: write nothing, UG_EINVAL */
	history_report_fn report; /* each bad row: its line, the reason */
	void *report_ctx;
};

struct case_history_result {
	size_t rows;      /* source rows read */
	size_t imported;  /* cases written */
	size_t present;   /* rows whose id was imported before: left */
	size_t skipped;   /* bad rows */
	size_t lines;     /* history lines written */
	int64_t counter_rows; /* assessment rows the recount wrote */
};

/* A batch of historical cases being written, in one write transaction. */
struct case_history;

/* Start a batch: the write transaction, the mapping file read and
 * checked (UG_EINVAL naming its line), opts->area checked.  `names` are
 * the source's own names of the fields (enum history_field), used in the
 * reasons given for bad rows.  Only a root actor (the command line) or
 * an administrator may import: UG_EFORBIDDEN. */
int case_history_begin(struct db *db, const struct case_env *env,
		       const struct actor *a,
		       const struct case_history_opts *opts,
		       const char *const names[HF_COUNT], int64_t now,
		       struct case_history **out, struct ug_error *err);

/* Check and write one row: 0 when it was written, found imported
 * before, or reported bad and skipped; a negative code for an error that
 * ends the batch (the database, memory). */
int case_history_add(struct case_history *h, const struct history_row *row,
		     struct ug_error *err);

/* End the batch: with strict and a bad row UG_EINVAL and nothing kept;
 * else the counters recounted and the transaction committed.  *res says
 * what was done (also after an error). */
int case_history_finish(struct case_history *h,
			struct case_history_result *res, struct ug_error *err);

/* Free a batch; one not finished is rolled back. */
void case_history_free(struct case_history *h);

/* The whole import of a file: an Open311 JSON array (its first character
 * after white space is '[') or a CSV file with a header row (columns
 * number, category, description, address, lon, lat, requested, updated,
 * closed, status, department, notes; number, category, requested and
 * status required).  UG_EIO for an unreadable file, UG_EINVAL for a
 * missing column, JSON that does not parse (the whole file: it cannot be
 * read past the error), a bad mapping file, or with strict a bad row. */
int case_history_import_file(struct db *db, const struct case_env *env,
			     const struct actor *a, const char *path,
			     const struct case_history_opts *opts, int64_t now,
			     struct case_history_result *res,
			     struct ug_error *err);

#endif
