/*
 * spatial.h - the live spatial index of a running program: point -> unit
 * grid -> community -> street -> district (domain/spatial/gridindex.h) and the
 * components near a point (domain/spatial/component.h), loaded from the store at
 * start-up and kept current without a restart: every write to grids or
 * components bumps a revision in the store, and spatial_refresh() applies
 * the rows changed since the revision it last saw (at most once a second
 * unless forced), whichever process wrote them (a CLI import while the
 * server runs included).
 *
 * Thread-safe: lookups take immutable snapshots; one refresh runs at a
 * time (others skip it and read the current state).
 */
#ifndef UG_SPATIAL_H
#define UG_SPATIAL_H

#include <stddef.h>
#include <stdint.h>

#include "domain/spatial/component.h"
#include "geo/tile.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "store/db.h"

struct spatial;

/* Load every grid and component.  UG_EDB, UG_ENOMEM, UG_EINVAL when a
 * stored geometry cannot be decoded (the message names the grid). */
int spatial_open(struct db *db, struct spatial **out, struct ug_error *err);
void spatial_free(struct spatial *sp); /* NULL accepted */

/*
 * Catch up with the store.  Without `force`, does nothing if the last
 * check was less than a second ago or another thread is refreshing.
 * Errors are returned (the index keeps its previous state).
 */
int spatial_refresh(struct spatial *sp, struct db *db, int force,
		    struct ug_error *err);

struct spatial_place {
	char grid[16];
	char community[13];
	char street[10];
	char district[7];
};

/* The grid holding the WGS84 point: 0, or UG_ENOTFOUND outside every
 * grid.  Lock-free (see gridindex.h for the rule on shared edges). */
int spatial_locate(struct spatial *sp, double lon, double lat,
		   struct spatial_place *out, struct ug_error *err);

/*
 * The same answer as spatial_locate(), from the grids as the store has
 * them on db now - inside the caller's transaction, its writes not yet
 * committed included - instead of the index in memory.  For placing
 * things in the same transaction as the grids they land on: the index
 * only ever loads committed grids (a refresh inside a transaction that
 * then rolled back would keep grids that do not exist, and skip the
 * revisions the next write reuses).  Reads the few grids whose bounding
 * box holds the point: meant for a handful of points, not a batch.
 * 0, UG_ENOTFOUND outside every grid, UG_EDB, UG_ENOMEM, UG_EINVAL (a
 * stored geometry that cannot be decoded).
 */
int spatial_locate_stored(struct db *db, double lon, double lat,
			  struct spatial_place *out, struct ug_error *err);

/* Is the WGS84 point in the city the grids cover: inside a unit grid, or
 * within about margin_m of a grid's outline (a box of that half-width
 * around the point meets an edge: up to 1.41 x margin_m on a diagonal)?
 * 1 or 0; -1 when no grid is loaded (the city's extent is not known). */
int spatial_near_grids(struct spatial *sp, double lon, double lat,
		       double margin_m);

/* Components within radius_m of the point, nearest first (class 0 =
 * any); see compindex_nearest(). */
size_t spatial_components_near(struct spatial *sp, double lon, double lat,
			       double radius_m, int32_t klass,
			       struct component_hit *hits, size_t max);

/* Room for spatial_grids_version()'s text, NUL included. */
#define SPATIAL_VERSION_LEN 48

/*
 * A short text ("<loaded>-<revision>") that changes whenever the grids
 * change, for cache validators (the grid tiles' ETag): the revision of
 * the last grid change applied - set once a refresh has applied all of
 * its rows, so a picture drawn halfway through never carries the newer
 * version - and when this index was loaded, so that another database
 * behind a restarted server never matches.  Component changes leave it.
 */
void spatial_grids_version(struct spatial *sp,
			   char out[SPATIAL_VERSION_LEN]);

/*
 * The outlines of every unit grid that touches map tile t (checked with
 * tile_addr_check()), over a base map of datum d, as a PNG appended to
 * png (geo/tile.h): thin lines in the console's grid colour, #5f7c8a;
 * where grids are only a few pixels wide the mesh reads as a shade.  No
 * limit on how many grids a tile draws.  The lines come from the index in
 * memory (gridindex_snapshot_edges()): nothing is read from the store.
 * A caller that labels the picture with spatial_grids_version() reads
 * the version first: the picture is then never older than its label.
 * 0, or UG_ENOMEM (png as it was).
 */
int spatial_grid_tile(struct spatial *sp, const struct tile_addr *t,
		      enum tile_datum d, struct buf *png, struct ug_error *err);

#endif
