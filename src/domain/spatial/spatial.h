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

/* Components within radius_m of the point, nearest first (class 0 =
 * any); see compindex_nearest(). */
size_t spatial_components_near(struct spatial *sp, double lon, double lat,
			       double radius_m, int32_t klass,
			       struct component_hit *hits, size_t max);

#endif
