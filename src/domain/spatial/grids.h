/*
 * grids.h - unit grids (单元网格): their national code, import from GeoJSON
 * with a validation report, generation from a boundary, and export.
 *
 * Grid codes (../shared/domain/standards.md §2.2): 15 digits = the
 * 12-digit community (社区) division code + a 3-digit serial; the older
 * CJ/T 213 form has 14 digits (2-digit serial) and is widened on import by
 * zero-padding the serial (11010100100101 -> 110101001001001).
 */
#ifndef UG_GRIDS_H
#define UG_GRIDS_H

#include <stddef.h>
#include <stdint.h>

#include "geo/crs.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "store/db.h"

/*
 * Normalise a grid code to 15 digits into out.  `community` (may be NULL
 * or "") is the community the record claims; when given it must be the
 * code's first 12 digits.  UG_EINVAL with field `field` (or "community")
 * and the reason: length, non-digit, serial 000, province prefix not a
 * real one, community mismatch.
 */
int grid_code_parse(const char *text, const char *community,
		    const char *field, char out[16], struct ug_error *err);

/* One line of an import or generation report. */
enum grid_problem_kind {
	GRID_PROBLEM_FEATURE,  /* a feature was skipped: bad code, geometry */
	GRID_PROBLEM_OVERLAP,  /* two grids overlap (both kept) */
	GRID_PROBLEM_GAP       /* a hole inside a community's grids */
};

struct grid_problem {
	enum grid_problem_kind kind;
	long feature;          /* 0-based feature index, -1 if none */
	const char *code;      /* the grid code concerned, or "" */
	const char *other;     /* the other grid of an overlap, or "" */
	double area_m2;        /* overlap or gap area */
	double lon, lat;       /* a point inside the overlap or gap */
	const char *message;   /* human-readable, complete */
};

typedef void (*grid_report_fn)(void *ctx, const struct grid_problem *p);

/* Work to do in the grids' own write transaction, once the grids are
 * written and before it commits: the transaction is then the writer's
 * for that long only, not for the reading, checking and cutting before.
 * fn's reads on db see the new grids (uncommitted); fn non-zero rolls
 * the grids back too, and the import or generation returns it.  Not
 * called when nothing is written (check_only, no good feature).
 * case_grids_apply() (domain/cases/place.h) places the pending cases in
 * it. */
struct grid_then {
	int (*fn)(void *ctx, struct db *db, int64_t now,
		  struct ug_error *err); /* NULL: nothing */
	void *ctx;
};

struct grid_import_opts {
	struct crs crs;        /* of the file's coordinates; default wgs84 */
	int strict;            /* any problem: write nothing, UG_EINVAL */
	double min_area_m2;    /* overlaps and gaps smaller are not reported;
				  0 means the default, 1 m² */
	grid_report_fn report; /* may be NULL */
	void *report_ctx;
	int check_only;        /* read, check and report; write nothing
				  (imported/replaced say what would be) */
	const struct actor *by; /* in the audit trail; NULL: the command
				   line */
	struct grid_then then;  /* see above */
};

struct grid_import_result {
	size_t features;       /* features read */
	size_t imported;       /* new grids */
	size_t replaced;       /* grids whose code existed */
	size_t skipped;        /* features not imported */
	size_t overlaps;
	size_t gaps;
};

/*
 * Import a GeoJSON FeatureCollection of Polygon/MultiPolygon features
 * with properties `code` and optionally `community`.  Each feature is
 * checked (code, community exists among the divisions, ring structure,
 * OGC validity through GEOS) and skipped with a report line when bad;
 * overlaps between the file's grids and the stored ones, and gaps inside
 * each community touched, are reported with their area in m².  The good
 * grids are written in one transaction (a code already stored is
 * replaced).  With opts->strict any problem, overlaps and gaps included,
 * writes nothing and returns UG_EINVAL.  Document-level errors (not
 * GeoJSON) return UG_EINVAL before anything is written.  The command
 * line and the API reach it through case_grids_apply()
 * (domain/cases/place.h), which places the pending cases with it.
 */
int grids_import_text(struct db *db, const char *text, size_t len,
		      const struct grid_import_opts *opts, int64_t now,
		      struct grid_import_result *res, struct ug_error *err);

struct grid_generate_opts {
	double cell_m;         /* side of a cell, default 100 (10,000 m²) */
	double sliver_ratio;   /* pieces under this share of a cell merge
				  into their largest neighbour, default 0.2 */
	struct crs crs;        /* of the boundary file, default wgs84 */
	int check_only;        /* cut and count; write nothing (grids and
				  replaced say what would be) */
	const struct actor *by; /* in the audit trail; NULL: the command
				   line */
	struct grid_then then;  /* as for the import */
};

struct grid_generate_result {
	size_t grids;          /* grids written (or, check_only, to be) */
	size_t merged;         /* slivers merged into a neighbour */
	size_t replaced;       /* the community's earlier grids removed */
	double area_m2;        /* total area of the boundary */
};

/*
 * Cut the boundary (the union of the Polygon/MultiPolygon features of a
 * GeoJSON text) into square cells of cell_m metres in a local
 * equal-area projection, clip them to the boundary, merge slivers into
 * their largest edge-sharing neighbour, number them 001.. from north-west
 * to south-east (rows north to south, west to east within a row) and
 * store them as grids of `community`, replacing every earlier grid of
 * that community in the same transaction, audited ("grids.generate") as
 * opts->by.  With opts->check_only the same cut is made and counted and
 * nothing is written.  UG_EINVAL for an unknown community, an invalid
 * boundary, or more than 999 cells.
 */
int grids_generate_text(struct db *db, const char *text, size_t len,
			const char *community,
			const struct grid_generate_opts *opts, int64_t now,
			struct grid_generate_result *res,
			struct ug_error *err);

/*
 * Grids whose bounding box meets the box, as a GeoJSON FeatureCollection
 * appended to out: properties code, community, street, district,
 * area_m2; geometry simplified with `tolerance` degrees (0: as stored).
 * At most `limit` features; *truncated says whether more existed.
 * UG_EINVAL for a bad box (field "bbox").
 */
int grids_geojson_bbox(struct db *db, double min_lon, double min_lat,
		       double max_lon, double max_lat, double tolerance,
		       int64_t limit, struct buf *out, int *truncated,
		       struct ug_error *err);

/* The box around every live grid (minLon, minLat, maxLon, maxLat) into
 * box: where the public map opens.  UG_ENOTFOUND when there is none. */
int grids_extent(struct db *db, double box[4], struct ug_error *err);

#endif
