/*
 * place.c - grids applied with the cases they place, in one transaction
 * (place.h): the placing runs as the grids' `then` (grids.h), inside
 * their write transaction, so the writer is held for the writing alone
 * and not for the parsing and topology checks before it.
 */
#include <string.h>

#include "domain/cases/place.h"

/* The grids are written, uncommitted: place the pending cases on them
 * (case_locate_pending() reads the grids in this transaction). */
static int place_pending(void *ctx, struct db *db, int64_t now,
			 struct ug_error *err)
{
	struct case_grids_result *res = ctx;
	int rc = case_locate_pending(db, now, &res->cases, err);

	res->placed = rc == 0;
	return rc;
}

int case_grids_apply(struct db *db, struct spatial *sp,
		     const struct case_grids_apply *in, int64_t now,
		     struct case_grids_result *res, struct ug_error *err)
{
	struct grid_import_opts iopts = in->import;
	struct grid_generate_opts gopts = in->generate;
	struct grid_then then = {place_pending, res};
	int rc;

	memset(res, 0, sizeof *res);
	iopts.then = gopts.then = then;
	if (in->kind == CASE_GRIDS_GENERATE)
		rc = grids_generate_text(db, in->text, in->len, in->community,
					 &gopts, now, &res->generate, err);
	else
		rc = grids_import_text(db, in->text, in->len, &iopts, now,
				       &res->import, err);
	if (rc) {
		/* Rolled back: the cases were not placed either. */
		memset(&res->cases, 0, sizeof res->cases);
		res->placed = 0;
		return rc;
	}
	if (res->placed && sp && db_depth(db) == 0)
		spatial_refresh(sp, db, 1, NULL);
	return 0;
}
