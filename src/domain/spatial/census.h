/*
 * census.h - the components census (部件普查): import of component points
 * from CSV or GeoJSON, each checked (identifier, class in the standard's
 * table, coordinates, status, date) and located to its unit grid.  Bad
 * rows are reported by line (CSV) or feature index (GeoJSON) with the
 * reason; good rows are written in one transaction.
 *
 * CSV columns (header row; English or Chinese names):
 *   code|标识码  class|小类  name|名称  lon|经度  lat|纬度  status|状态
 *   owner|主管部门  maintainer|养护单位  installed_on|初始日期  address|地址
 * code, lon and lat are required; class defaults to the identifier's,
 * name to the class name, status to 完好.  GeoJSON: Point features with
 * the same names as properties.
 */
#ifndef UG_CENSUS_H
#define UG_CENSUS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/spatial/spatial.h"
#include "geo/crs.h"
#include "lib/error.h"
#include "store/db.h"

typedef void (*census_report_fn)(void *ctx, long where, const char *message);

struct census_opts {
	struct crs crs;            /* of the coordinates; default wgs84 */
	int strict;                /* any bad row: write nothing, UG_EINVAL */
	census_report_fn report;   /* where = CSV line or feature index */
	void *report_ctx;
	int check_only;            /* read, check and report; write nothing
				      (imported/replaced/outside say what
				      would be) */
	const struct actor *by;    /* in the audit trail; NULL: the command
				      line */
};

struct census_result {
	size_t rows;       /* records read */
	size_t imported;   /* new components */
	size_t replaced;   /* components whose code existed */
	size_t skipped;    /* bad rows */
	size_t outside;    /* imported, but inside no grid */
};

/*
 * Import a .csv or .geojson/.json file (chosen by its name).  `sp` (may
 * be NULL: no grids then) locates each component.  UG_EIO for an
 * unreadable file, UG_EINVAL for a missing required column or broken
 * GeoJSON, and with opts->strict for any bad row.
 */
int census_import_file(struct db *db, struct spatial *sp, const char *path,
		       const struct census_opts *opts, int64_t now,
		       struct census_result *res, struct ug_error *err);
/* The same from `text` (an upload), read as a file called `name` (its
 * ending says .csv or GeoJSON). */
int census_import_text(struct db *db, struct spatial *sp, const char *name,
		       const char *text, size_t len,
		       const struct census_opts *opts, int64_t now,
		       struct census_result *res, struct ug_error *err);

#endif
