/*
 * tu_grids.h - two unit grids side by side in community 110101001001 of
 * street 110101001 (0.001 degree squares, about 85 x 111 m): GRID1 west
 * of 116.411, GRID2 east of it, both 39.91-39.911.  For the tests that
 * need points in grids (patrol, 漏报).
 */
#ifndef UG_TU_GRIDS_H
#define UG_TU_GRIDS_H

#include "testutil.h"

#include "domain/spatial/grids.h"
#include "domain/spatial/spatial.h"

#define GRID1 "110101001001001"
#define GRID2 "110101001001002"

/* Import the two grids at `at` and open the live index over them into
 * *sp (spatial_free() it). */
static inline void tu_grids_pair(struct db *db, int64_t at,
				 struct spatial **sp)
{
	static const char grids[] =
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"" GRID1 "\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.41,"
		"39.91],[116.411,39.91],[116.411,39.911],[116.41,39.911],"
		"[116.41,39.91]]]}},"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"" GRID2 "\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.411,"
		"39.91],[116.412,39.91],[116.412,39.911],[116.411,39.911],"
		"[116.411,39.91]]]}}]}";
	struct grid_import_opts opts;
	struct grid_import_result res;
	struct ug_error err;

	ug_error_clear(&err);
	memset(&opts, 0, sizeof opts);
	tu_assert_ok(grids_import_text(db, grids, strlen(grids), &opts, at,
				       &res, &err),
		     err);
	assert_int_equal(res.imported, 2);
	tu_assert_ok(spatial_open(db, sp, &err), err);
}

#endif
