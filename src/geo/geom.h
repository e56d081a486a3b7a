/*
 * geom.h - planar geometry on shapes, through GEOS (the reentrant C API).
 * The only place that includes geos_c.h.  Coordinates are whatever the
 * caller gives: to get square metres, project first (geo/crs.h,
 * crs_local_*).  Every function is thread-safe: each call or each
 * struct geom_ctx uses its own GEOS context.
 *
 * Common to every function below:
 * - g may be NULL: the call then makes (and ends) a GEOS context of its
 *   own, which costs a few microseconds; pass a context for a series.
 * - Every input shape is first checked for what GEOS cannot take, and
 *   refused with UG_EINVAL, field "geometry" and a message naming polygon
 *   and ring (counted from 0): "polygon 0 has no rings", "polygon 0 ring
 *   1: ring has only 3 points (a closed ring needs at least 4)", "polygon
 *   0 ring 0: ring is not closed (first point 0 0, last point 0 1)",
 *   "polygon 0 ring 0 point 2: coordinate is not a finite number".  With
 *   several shapes the message starts with "shape 3: ".
 * - A shape with no polygon is the empty geometry (area 0, meets
 *   nothing); geom_check_valid() and geom_point_on_surface() refuse it.
 * - When GEOS itself fails the message is "<operation>: <GEOS's
 *   message>", e.g. "intersection: TopologyException: Input geom 0 is
 *   invalid: Self-intersection at 1 1" (UG_EINVAL), or UG_ENOMEM when
 *   GEOS ran out of memory.
 * - Shapes written to *out are zeroed by the caller, freed with
 *   shape_free(), and left zeroed on error.  Their rings are as GEOS
 *   builds them: overlay results have clockwise shells and
 *   counter-clockwise holes, and a union keeps the vertices where the
 *   input edges met (collinear points; geom_simplify() removes them).
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
 * OGC validity (GEOS's strict mode: a ring touching itself to enclose a
 * hole is invalid).  0 when valid; UG_EINVAL when not, field "geometry",
 * with GEOS's reason and the place, coordinates with up to 7 decimals:
 * "Self-intersection at 116.401 39.902" (edges cross; also two polygons
 * of a MultiPolygon that overlap or share an edge), "Ring
 * Self-intersection at ..." (a ring touches itself), "Hole lies outside
 * shell at ...", "Holes are nested at ...", "Nested shells at ...",
 * "Interior is disconnected at ..." (holes cut the polygon in two).  The
 * structural refusals above come first ("ring has only 3 points", "ring
 * is not closed", "shape has no polygon").  UG_ENOMEM.
 */
int geom_check_valid(struct geom_ctx *g, const struct shape *s,
		     struct ug_error *err);

/* Area of the shape in the square of its units (holes subtracted; the
 * polygons of a MultiPolygon added, even if they overlap).  *area is 0
 * on error. */
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

/* Union of n shapes (cascaded), polygonal part, into *out; n == 0 gives
 * the empty shape.  UG_EINVAL when GEOS refuses an invalid input (e.g.
 * "union: TopologyException: side location conflict at 1 1. ..."),
 * UG_ENOMEM. */
int geom_union(struct geom_ctx *g, const struct shape *const *shapes,
	       size_t n, struct shape *out, struct ug_error *err);

/*
 * Topology-preserving simplification (Douglas-Peucker that keeps rings
 * valid and holes inside) with the given tolerance in coordinate units;
 * tolerance <= 0 copies (shape_copy(), no checks).  Into *out (zeroed).
 * UG_EINVAL with field "tolerance" when it is NaN.
 */
int geom_simplify(struct geom_ctx *g, const struct shape *s,
		  double tolerance, struct shape *out, struct ug_error *err);

/*
 * Overlapping pairs among n shapes: for every pair (i < j) whose common
 * area exceeds min_area, cb(ctx, i, j, area), in order of i then j.
 * Shapes that only touch (common edge or corner) have area 0 and are
 * never reported.  Candidate pairs come from a GEOS STRtree, so the cost
 * is about n log n plus the real intersections.  Invalid shapes must be
 * left out by the caller (GEOS may refuse them: UG_EINVAL, "shapes 0 and
 * 1: intersection: TopologyException: ...").  Returns 0, the callback's
 * non-zero value (which stops the search), or a negative UG_E* code.
 */
typedef int (*geom_overlap_cb)(void *ctx, size_t i, size_t j, double area);
int geom_overlaps(struct geom_ctx *g, const struct shape *const *shapes,
		  size_t n, double min_area, geom_overlap_cb cb, void *ctx,
		  struct ug_error *err);

/*
 * Gaps inside the union of n shapes: every hole of the union (a region
 * enclosed by the shapes but covered by none) whose area exceeds
 * min_area, as cb(ctx, hole, area) with the hole as a one-polygon shape
 * (borrowed for the call: shape_copy() it to keep it).  Holes the input
 * shapes have themselves count as gaps too, when nothing else covers
 * them.  grid_size > 0 computes the union snapped to that precision, so
 * that cracks narrower than it between neighbours (digitising noise) do
 * not open an enclosed gap to the outside; 0 takes the shapes as they
 * are.  Returns like geom_overlaps.
 */
typedef int (*geom_gap_cb)(void *ctx, const struct shape *hole,
			   double area);
int geom_gaps(struct geom_ctx *g, const struct shape *const *shapes,
	      size_t n, double min_area, double grid_size, geom_gap_cb cb,
	      void *ctx, struct ug_error *err);

/* A representative point guaranteed inside the shape (GEOS
 * PointOnSurface), also for a C-shaped polygon whose centroid lies
 * outside it.  UG_EINVAL for the empty shape. */
int geom_point_on_surface(struct geom_ctx *g, const struct shape *s,
			  double *x, double *y, struct ug_error *err);

#endif
