/*
 * place.h - grids applied together with the cases they place: a unit
 * grids import or a community's generation, and the cases filed with a
 * point before a grid held it (case_locate_pending()), written in one
 * transaction - both or neither.  The one entry point of the API's
 * grids import and generation and of `urbangrid import grids` / `grid
 * generate`; it lives in domain/cases because cases may use spatial,
 * not the reverse (docs/architecture.md).
 */
#ifndef UG_CASE_PLACE_H
#define UG_CASE_PLACE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cases/case.h"
#include "domain/spatial/grids.h"
#include "domain/spatial/spatial.h"

enum case_grids_kind {
	CASE_GRIDS_IMPORT,   /* a GeoJSON FeatureCollection of grids */
	CASE_GRIDS_GENERATE  /* a community's boundary, cut into grids */
};

struct case_grids_apply {
	enum case_grids_kind kind;
	const char *text;       /* the file, len bytes; borrowed */
	size_t len;
	const char *community;  /* GENERATE: the community cut */
	/* The options of the kind (grids.h); check_only and by in them.
	 * Their `then` is this module's: left as it is, it is not used. */
	struct grid_import_opts import;
	struct grid_generate_opts generate;
};

struct case_grids_result {
	struct grid_import_result import;     /* IMPORT */
	struct grid_generate_result generate; /* GENERATE */
	int placed;  /* 1 when the pending cases were placed with the grids
			(grids written); 0 for a check or nothing written */
	struct case_locate_result cases; /* what placing them did */
};

/*
 * Apply the grids of `in` (grids_import_text() or grids_generate_text()
 * with their checks, reports and audit) and, in the same write
 * transaction once the grids are written, place the pending cases on
 * them as case_locate_pending() does (each a new version and a `locate`
 * event by "system"); they are located against the grids the
 * transaction reads, the new ones included - not the index in memory,
 * which only holds committed grids (spatial.h).  Either the grids and
 * the placed cases are both committed, or nothing is (any error: the
 * grids' own, a case's write, the commit; res then counts nothing
 * written).  A check (check_only) places no case and writes nothing.
 * Inside a caller's transaction (db_depth() > 0: a request with an
 * Idempotency-Key) all this is a savepoint of it, kept or undone with it.
 *
 * sp (may be NULL: the command line has no index) is refreshed once the
 * write is committed - only then, so it never holds grids that may yet
 * be rolled back - making the grids in force for the next lookup; inside
 * a caller's transaction it catches up at its next refresh after that
 * commits.  A failed refresh leaves the write as it is (the index keeps
 * trying at every refresh) and is not an error of the apply.
 *
 * Errors: those of the import or generation (UG_EINVAL naming the field
 * or the feature, UG_EIO, ...), UG_EDB, UG_ECONFLICT (a case changed
 * under the placing), UG_ENOMEM.
 */
int case_grids_apply(struct db *db, struct spatial *sp,
		     const struct case_grids_apply *in, int64_t now,
		     struct case_grids_result *res, struct ug_error *err);

#endif
