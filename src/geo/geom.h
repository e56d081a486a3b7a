/*
 * geom.h - planar geometry on shapes, through GEOS (the reentrant C API).
 * The only place that includes geos_c.h.  Coordinates are whatever the
 * caller gives: to get square metres, project first (geo/crs.h,
 * crs_local_*).  Every function is thread-safe: each call or each
 * struct geom_ctx uses its own GEOS context.
 */
#ifndef UG_GEOM_H
#define UG_GEOM_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/shape.h"

/* A GEOS context for a series of calls on one thread. */
struct geom_ctx;

struct geom_ctx *geom_ctx_new(void); /* NULL on allocation failure */
void geom_ctx_free(struct geom_ctx *g); /* NULL accepted */

/*
 * OGC validity.  0 when valid; UG_EINVAL when not, with a message naming
 * the reason and the place as GEOS reports it ("Self-intersection at
 * 116.401 39.902", "Hole lies outside shell at ...", "Too few points").
 * UG_ENOMEM.
 */
int geom_check_valid(struct geom_ctx *g, const struct shape *s,
		     struct ug_error *err);

/* Area of the shape in the square of its units (holes subtracted). */
int geom_area(struct geom_ctx *g, const struct shape *s, double *area,
	      struct ug_error *err);

/*
 * a ∩ b into *out (zeroed by the caller; only the polygonal part is
 * kept: points and lines of a touching intersection are dropped, so an
 * empty *out means "no common area").  UG_EINVAL if GEOS refuses the
 * input (invalid geometry), UG_ENOMEM.
 */
int geom_intersection(struct geom_ctx *g, const struct shape *a,
		      const struct shape *b, struct shape *out,
		      struct ug_error *err);

/* Union of n shapes (cascaded), polygonal part, into *out. */
int geom_union(struct geom_ctx *g, const struct shape *const *shapes,
	       size_t n, struct shape *out, struct ug_error *err);

/*
 * Topology-preserving simplification (Douglas-Peucker that keeps rings
 * valid and holes inside) with the given tolerance in coordinate units;
 * tolerance <= 0 copies.  Into *out (zeroed).
 */
int geom_simplify(struct geom_ctx *g, const struct shape *s,
		  double tolerance, struct shape *out, struct ug_error *err);

/*
 * Overlapping pairs among n shapes: for every pair (i < j) whose common
 * area exceeds min_area, cb(ctx, i, j, area).  Candidate pairs come from
 * a GEOS STRtree, so the cost is about n log n plus the real
 * intersections.  Invalid shapes must be left out by the caller (GEOS
 * may refuse them).  Returns 0, the callback's non-zero value, or a
 * negative UG_E* code.
 */
typedef int (*geom_overlap_cb)(void *ctx, size_t i, size_t j, double area);
int geom_overlaps(struct geom_ctx *g, const struct shape *const *shapes,
		  size_t n, double min_area, geom_overlap_cb cb, void *ctx,
		  struct ug_error *err);

/*
 * Gaps inside the union of n shapes: every hole of the union (a region
 * enclosed by the shapes but covered by none) whose area exceeds
 * min_area, as cb(ctx, hole, area) with the hole as a one-polygon shape
 * (borrowed for the call).  Returns like geom_overlaps.
 */
typedef int (*geom_gap_cb)(void *ctx, const struct shape *hole,
			   double area);
int geom_gaps(struct geom_ctx *g, const struct shape *const *shapes,
	      size_t n, double min_area, geom_gap_cb cb, void *ctx,
	      struct ug_error *err);

/* A representative point guaranteed inside the shape (GEOS
 * PointOnSurface). */
int geom_point_on_surface(struct geom_ctx *g, const struct shape *s,
			  double *x, double *y, struct ug_error *err);

#endif
