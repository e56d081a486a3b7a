/*
 * gridindex.h - in-memory spatial index: which unit grid (单元网格) holds a
 * WGS84 point.  Built from grid polygons (holes, multipolygons, any shape),
 * updated one grid at a time while many threads read immutable snapshots.
 * Pure computation: the database loader, GEOS validation and the HTTP API
 * sit above this module.
 *
 * ---- The geometry and the boundary rule ------------------------------
 *
 * A grid is an integer id and one or more polygons; a polygon is an outer
 * ring and zero or more holes; a ring is a closed list of (lon, lat)
 * degrees.  A grid's region is the even-odd region of all its rings: a
 * point is in the grid when a ray from it crosses the grid's rings an odd
 * number of times.  For OGC-valid polygons that is exactly "inside an
 * outer ring and not inside one of its holes"; a point in a hole is not in
 * the grid, but may be in another grid that fills the hole.  Ring
 * orientation does not matter.
 *
 * Boundaries follow ONE rule, the half-open crossing-number convention:
 *
 *   p = (x, y) is in grid g  iff  an odd number of g's edges (a, b),
 *   named so that a.y <= b.y, satisfy   a.y <= y < b.y   and p lies
 *   strictly left of the upward line a->b (p strictly west of the edge).
 *
 * Geometrically: p belongs to the grid that contains the point
 * p + (dx, dy) for infinitesimal 0 < dy << dx, i.e. p nudged east, then
 * even less north.  In a tiling without gaps or overlaps every point of
 * the covered area is therefore in exactly one grid.  Consequences:
 *
 *   - on an edge shared by two grids: the grid EAST of the edge wins; if
 *     the edge is horizontal, the grid NORTH of it wins;
 *   - on a vertex where several grids meet: the grid whose corner at the
 *     vertex contains the direction just counter-clockwise of due east
 *     (due east itself, unless an edge leaves the vertex exactly eastwards:
 *     then the grid north of that edge);
 *   - on the boundary of the whole covered area: west and south edges are
 *     in, east and north edges are out; a point on the boundary of a hole
 *     follows the same rule (on a hole's east side it is in the grid
 *     around the hole, on its west side it is in the hole);
 *   - grids that overlap (invalid topology, not checked here): the grid
 *     with the SMALLEST id among those containing p.
 *
 * The rule is computed exactly: orientation tests use a filtered
 * floating-point predicate with an exact fallback (expansion arithmetic),
 * so the answer depends only on the coordinates - never on the order of
 * insertion, on where bucket borders fall, or on the platform (IEEE-754
 * double with round-to-nearest; the file refuses -ffast-math).  Exactness
 * needs no underflow, so coordinate values of magnitude below 1e-100
 * (about 1e-95 m) are read as 0, in grids and in query points alike.
 *
 * ---- Design ------------------------------------------------------------
 *
 * The extent of all grids (with a 25 % margin) is cut into a uniform
 * directory of tiles (about opts.tile_edges ring edges per tile); each
 * tile is a uniform grid of cells sized by its own edge count (about
 * opts.cells_per_edge cells per distinct edge), so dense areas get finer
 * cells.  A cell is either resolved at build time (no edge touches it: it
 * lies in one grid or in none) or a leaf holding the distinct edges that
 * touch it (an edge shared by two grids is stored once, with both owners),
 * its candidate grids, and for each candidate whether the cell's
 * south-east corner is in it.  A point in a leaf is classified by the
 * crossings of the short path point -> east border -> corner with the
 * leaf's edges only.  Shapes are never clipped, so no new vertices (and no
 * rounding) appear.  Leaves with at most 16 candidates and 255 edges use a
 * compact format (16-bit masks); others a general one (any number).
 *
 * A full build puts its tiles into a few large slabs, advised to use huge
 * pages where the system offers them (Linux THP): far fewer page faults
 * while building and TLB misses while looking up.
 *
 * Complexity: lookup O(1) for a resolved cell, O(edges touching the cell)
 * for a leaf; no allocation, no lock.  Build O(V + cells) time, V the
 * number of ring points.  Measured on 100,000 irregular unit grids with
 * 8-12 points each (bench/gridindex_bench.c, one core): build 0.2-0.4 s,
 * 5.5-9 million lookups/s on uniformly random points (the spread is the
 * load of a shared machine), about 130 bytes per
 * vertex all told (snapshot about 100, the writer's copy of the grids and
 * its bookkeeping about 30).  gridindex_stats() reports the figures.
 *
 * ---- Updates -----------------------------------------------------------
 *
 * gridindex_insert/replace/remove rebuild only the tiles the old and the
 * new shape come near (typically 1-4 tiles: about 0.3 ms for a unit grid)
 * and publish a new snapshot that shares every other tile with the
 * previous one.  Cost: O(content of the affected tiles + number of tiles).
 * Two amortised exceptions, each O(V) (0.2-0.5 s for 100,000 grids):
 *   - a shape reaching outside the directory's extent makes the writer
 *     rebuild everything with a new extent (rare thanks to the margin);
 *   - compaction: tiles replaced since the last full build leave their
 *     space in the slabs dead until the whole slab dies; once that dead
 *     space reaches half of the slabs, the writer rebuilds everything into
 *     fresh slabs.  This bounds memory at 1.5 times the freshly built
 *     snapshot; with random single-grid updates of 100,000 grids it
 *     happened 3 times in 2,000 updates (0.33 s each): about 0.5 ms per
 *     update amortised, on top of the 0.2-0.3 ms median.
 * The tile directory keeps the density of the data it was built from;
 * per-tile cell sizes follow each rebuilt tile's own content.
 *
 * ---- Thread safety -----------------------------------------------------
 *
 * Readers work on immutable, reference-counted snapshots (RCU style):
 * gridindex_acquire() takes a reference to the current snapshot under a
 * short mutex, gridindex_snapshot_lookup() on it needs no lock at all, and
 * gridindex_release() drops the reference (the last one frees it, on
 * whichever thread that is).  Writers are serialised by a mutex inside the
 * index; a write is visible to every acquire() that starts after it
 * returns, never half-done (a replace is atomic for readers).  Acquire
 * once per request or batch, not once per point.  gridindex_destroy() must
 * not race with other calls on the same index; snapshots acquired before
 * it stay valid until released.
 *
 * ---- Errors ------------------------------------------------------------
 *
 * Functions that can fail return 0 or a negative UG_E* code and fill the
 * caller's struct ug_error (may be NULL).  On failure nothing changes: the
 * index and its current snapshot are as before the call.
 */
#ifndef UG_GRIDINDEX_H
#define UG_GRIDINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

/* A closed ring: n points, n >= 4, the last equal to the first.  Longitude
 * in [-180, 180], latitude in [-90, 90], finite.  The arrays are the
 * caller's; the index copies what it keeps. */
struct gridindex_ring {
	const double *lon;
	const double *lat;
	size_t n;
};

/* rings[0] is the outer ring, rings[1..nrings-1] its holes. */
struct gridindex_polygon {
	const struct gridindex_ring *rings;
	size_t nrings;
};

/* One unit grid: its id (e.g. the 15-digit code as an integer) and its
 * polygons (more than one for a multipolygon). */
struct gridindex_grid {
	int64_t id;
	const struct gridindex_polygon *polygons;
	size_t npolygons;
};

/* Tuning; zero fields take the defaults.  Results never depend on them
 * (the tests build the same grids with very different values). */
struct gridindex_opts {
	double tile_edges;     /* ring edges per tile at build, default 1024 */
	double cells_per_edge; /* cells per distinct edge in a tile, def. 6 */
};

struct gridindex;          /* the index: writer state + current snapshot */
struct gridindex_snapshot; /* an immutable version, for readers */

struct gridindex_stats {
	size_t grids;        /* grids in the index */
	size_t vertices;     /* ring points as given (closing points included) */
	size_t tiles;        /* non-empty tiles / directory size */
	size_t dir_tiles;
	size_t cells;        /* cells in all tiles */
	size_t leaf_cells;   /* cells that hold edges or overlaps; the rest
				are resolved at build time */
	size_t leaf_edges;   /* (edge, cell) entries in leaves */
	size_t bytes_snapshot; /* the current snapshot: directory, tiles, and
				  slabs counted whole (dead space included) */
	size_t bytes_writer;   /* the writer's copy of the grids, id map, tile
				  lists and the builder's scratch */
};

/*
 * Build an index from n grids (n may be 0: an empty index that answers
 * "none").  opts may be NULL.  Every grid is validated (see
 * gridindex_grid_check); ids must be distinct.  The input is copied; the
 * caller keeps ownership of `grids`.  On success *out owns the new index
 * (free with gridindex_destroy).
 * Errors: UG_EINVAL (bad geometry, message names grid id, polygon, ring,
 * point), UG_ECONFLICT (duplicate id), UG_ETOOBIG (size limits),
 * UG_ENOMEM.  Time O(V + cells): 0.2-0.4 s for 100,000 unit grids.
 */
int gridindex_create(const struct gridindex_grid *grids, size_t n,
		     const struct gridindex_opts *opts,
		     struct gridindex **out, struct ug_error *err);

/* Free the index and its reference to the current snapshot.  Snapshots
 * still acquired by readers stay valid until they are released.  NULL is
 * accepted. */
void gridindex_destroy(struct gridindex *idx);

/*
 * Add a grid whose id is not in the index (UG_ECONFLICT otherwise).
 * Replace the shape of an existing grid (UG_ENOTFOUND if absent).
 * Remove a grid (UG_ENOTFOUND if absent).
 * Each publishes a new snapshot before returning; readers holding older
 * snapshots keep seeing the old state.  Thread-safe against readers and
 * other writers.  Errors also UG_EINVAL / UG_ETOOBIG for bad geometry and
 * UG_ENOMEM; on any error the index is unchanged.  (A compaction that
 * runs out of memory is not an error: the update stands, and a later one
 * retries.)  Cost: see "Updates" above.
 */
int gridindex_insert(struct gridindex *idx, const struct gridindex_grid *g,
		     struct ug_error *err);
int gridindex_replace(struct gridindex *idx, const struct gridindex_grid *g,
		      struct ug_error *err);
int gridindex_remove(struct gridindex *idx, int64_t id,
		     struct ug_error *err);

/* Take a reference to the current snapshot; never NULL.  The caller
 * releases it with gridindex_release().  Cost: one uncontended mutex and
 * one atomic increment. */
const struct gridindex_snapshot *gridindex_acquire(struct gridindex *idx);

/* Drop a reference; the last one frees the snapshot.  Any thread; NULL is
 * accepted. */
void gridindex_release(const struct gridindex_snapshot *snap);

/*
 * The grid holding (lon, lat) in snapshot `snap`: returns 1 and sets *id,
 * or returns 0 (and leaves *id alone) when no grid holds the point, the
 * point is outside every grid's bounds, or a coordinate is NaN.  Lock-free
 * and allocation-free; any number of threads may call it on the same
 * snapshot.  See the boundary rule at the top of this file.
 */
int gridindex_snapshot_lookup(const struct gridindex_snapshot *snap,
			      double lon, double lat, int64_t *id);

/* Called with one edge: from (ax, ay) to (bx, by), degrees. */
typedef void (*gridindex_edge_fn)(void *ctx, double ax, double ay,
				  double bx, double by);

/*
 * Every distinct ring edge of the grids in snapshot `snap` that meets the
 * box [minx, maxx] x [miny, maxy], each exactly once: an edge two grids
 * share comes once, and so does an edge that crosses the index's tiles
 * and cells (an edge that only touches the box's border may or may not
 * come: rounding decides, the same way every time).  For drawing outlines (geo/tile.h): a shared
 * edge is one line.  What the index does not keep does not come: edges
 * of zero length, and an edge one grid traces twice (its two crossings
 * cancel).  Edges come in no particular order, lower end first (a.y <
 * b.y, or a.y == b.y and a.x < b.x).  Returns the number of calls.
 * Lock-free and allocation-free like lookups; the cost is proportional
 * to the (edge, cell) entries of the cells the box covers (gridindex_
 * stats' leaf_edges: a few per edge).  A box with a NaN meets nothing.
 */
size_t gridindex_snapshot_edges(const struct gridindex_snapshot *snap,
				double minx, double miny, double maxx,
				double maxy, gridindex_edge_fn fn, void *ctx);

/* acquire + snapshot_lookup + release, for a single point. */
int gridindex_lookup(struct gridindex *idx, double lon, double lat,
		     int64_t *id);

/*
 * Check one grid without indexing it: 0 if it is acceptable, else
 * UG_EINVAL naming the grid, polygon, ring and point (no polygons, a ring
 * with fewer than 4 points, an unclosed ring, a non-finite or
 * out-of-range coordinate) or UG_ETOOBIG (more than 16,777,216 points).
 * Self-intersection, ring nesting and overlaps between grids are NOT
 * checked here (GEOS does that in the loader).
 */
int gridindex_grid_check(const struct gridindex_grid *g,
			 struct ug_error *err);

/*
 * Reference answer by brute force: 1 if grid g holds (lon, lat) under the
 * boundary rule above, by testing every edge.  O(points of g).  The index
 * answers exactly like this function applied to every grid, taking the
 * smallest id among those returning 1.  g must pass gridindex_grid_check.
 */
int gridindex_grid_contains(const struct gridindex_grid *g, double lon,
			    double lat);

/* Size figures of the index and its current snapshot.  Same locking as a
 * writer. */
void gridindex_stats(struct gridindex *idx, struct gridindex_stats *st);

#endif
