/*
 * spatial.c - the live spatial index (see spatial.h): the grid index and
 * the component index of a running program, loaded from the store and
 * caught up with it by revision.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/spatial/gridindex.h"
#include "domain/spatial/spatial.h"
#include "geo/tile.h"
#include "lib/shape.h"
#include "lib/util.h"
#include "store/spatial/spatial.h"

struct spatial {
	struct gridindex *grids;
	struct compindex *components;
	pthread_mutex_t refresh_lock; /* one refresh at a time */
	int64_t rev;                  /* last revision applied */
	_Atomic int64_t checked_at;   /* monotonic µs of the last check */
	_Atomic size_t ngrids;
	int64_t grids_rev_seen;       /* of the last grid row applied (the
					 refreshing thread's) */
	_Atomic int64_t grids_rev;    /* the same, once its refresh applied
					 every row */
	int64_t loaded_at;            /* µs since the epoch, at open */
};

/* A gridindex view of a decoded shape: the index copies what it keeps,
 * so the view only lives for one call. */
struct grid_view {
	struct gridindex_grid grid;
	struct gridindex_polygon *polygons;
	struct gridindex_ring *rings;
};

static int view_make(struct grid_view *v, int64_t id, const struct shape *s,
		     struct ug_error *err)
{
	size_t nrings = 0, k = 0;

	for (size_t i = 0; i < s->npolygons; i++)
		nrings += s->polygons[i].nrings;
	v->polygons = calloc(s->npolygons ? s->npolygons : 1,
			     sizeof *v->polygons);
	v->rings = calloc(nrings ? nrings : 1, sizeof *v->rings);
	if (!v->polygons || !v->rings) {
		free(v->polygons);
		free(v->rings);
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < s->npolygons; i++) {
		const struct shape_polygon *p = &s->polygons[i];

		v->polygons[i].rings = &v->rings[k];
		v->polygons[i].nrings = p->nrings;
		for (size_t r = 0; r < p->nrings; r++, k++) {
			v->rings[k].lon = p->rings[r].x;
			v->rings[k].lat = p->rings[r].y;
			v->rings[k].n = p->rings[r].n;
		}
	}
	v->grid.id = id;
	v->grid.polygons = v->polygons;
	v->grid.npolygons = s->npolygons;
	return 0;
}

static void view_free(struct grid_view *v)
{
	free(v->polygons);
	free(v->rings);
}

/* ---- loading --------------------------------------------------------- */

/* The first load gathers every grid and builds the index in one go (far
 * faster than inserting one by one); later refreshes apply rows singly.
 * ids[i] is the code of shapes[i] (store rows are only borrowed). */
struct grid_batch {
	struct shape *shapes;
	int64_t *ids;
	size_t n, cap;
	int64_t rev;
	struct ug_error *err;
};

static int load_grid(void *ctx, const struct grid_row *g)
{
	struct grid_batch *b = ctx;

	if (g->rev > b->rev)
		b->rev = g->rev;
	if (g->deleted)
		return 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		struct shape *s = realloc(b->shapes, cap * sizeof *s);
		int64_t *ids;

		if (!s)
			return ug_fail(b->err, UG_ENOMEM, NULL,
				       "out of memory");
		b->shapes = s;
		if (!(ids = realloc(b->ids, cap * sizeof *ids)))
			return ug_fail(b->err, UG_ENOMEM, NULL,
				       "out of memory");
		b->ids = ids;
		b->cap = cap;
	}
	memset(&b->shapes[b->n], 0, sizeof b->shapes[b->n]);
	if (shape_from_wkb(g->wkb, g->wkb_len, &b->shapes[b->n], b->err))
		return ug_fail(b->err, UG_EINVAL, NULL,
			       "stored geometry of grid %s is unreadable: %s",
			       g->code, b->err ? b->err->message : "");
	b->ids[b->n++] = strtoll(g->code, NULL, 10);
	return 0;
}

static void batch_free(struct grid_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		shape_free(&b->shapes[i]);
	free(b->shapes);
	free(b->ids);
}

/* Index every grid of the batch in one build. */
static int batch_index(struct grid_batch *b, struct gridindex **out,
		       struct ug_error *err)
{
	struct grid_view *views = calloc(b->n ? b->n : 1, sizeof *views);
	struct gridindex_grid *grids = calloc(b->n ? b->n : 1, sizeof *grids);
	size_t made = 0;
	int rc = 0;

	if (!views || !grids)
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (; rc == 0 && made < b->n; made++) {
		if ((rc = view_make(&views[made], b->ids[made],
				    &b->shapes[made], err)))
			break;
		grids[made] = views[made].grid;
	}
	if (rc == 0)
		rc = gridindex_create(grids, b->n, NULL, out, err);
	for (size_t i = 0; views && i < made; i++)
		view_free(&views[i]);
	free(views);
	free(grids);
	return rc;
}

static int load_component(void *ctx, const struct component_row *c)
{
	struct spatial *sp = ((void **)ctx)[0];
	struct ug_error *err = ((void **)ctx)[1];
	struct component_point p;

	if (c->rev > sp->rev)
		sp->rev = c->rev;
	if (c->deleted) {
		compindex_remove(sp->components, strtoll(c->code, NULL, 10));
		return 0;
	}
	p.id = strtoll(c->code, NULL, 10);
	p.lon = c->lon;
	p.lat = c->lat;
	p.klass = (int32_t)strtol(c->klass, NULL, 10);
	return compindex_put(sp->components, &p, err);
}

int spatial_open(struct db *db, struct spatial **out, struct ug_error *err)
{
	struct spatial *sp = calloc(1, sizeof *sp);
	struct grid_batch batch = {.err = err};
	void *cctx[2];
	int rc;

	if (!sp)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	pthread_mutex_init(&sp->refresh_lock, NULL);
	sp->components = compindex_new();
	if (!sp->components) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	/* Read in one transaction so grids and components agree on the
	 * revision. */
	if ((rc = db_begin(db, err)))
		goto fail;
	rc = store_grids_since(db, 0, load_grid, &batch, err);
	if (rc == 0) {
		cctx[0] = sp;
		cctx[1] = err;
		rc = store_components_since(db, 0, load_component, cctx, err);
	}
	db_rollback(db);
	if (rc || (rc = batch_index(&batch, &sp->grids, err)))
		goto fail;
	if (batch.rev > sp->rev)
		sp->rev = batch.rev;
	sp->grids_rev = sp->grids_rev_seen = batch.rev;
	sp->loaded_at = ug_now_us();
	sp->ngrids = batch.n;
	sp->checked_at = ug_monotonic_us();
	batch_free(&batch);
	*out = sp;
	return 0;
fail:
	batch_free(&batch);
	spatial_free(sp);
	return rc;
}

void spatial_free(struct spatial *sp)
{
	if (!sp)
		return;
	gridindex_destroy(sp->grids);
	compindex_free(sp->components);
	pthread_mutex_destroy(&sp->refresh_lock);
	free(sp);
}

/* ---- catching up ----------------------------------------------------- */

static int apply_grid(void *ctx, const struct grid_row *g)
{
	struct spatial *sp = ((void **)ctx)[0];
	struct ug_error *err = ((void **)ctx)[1];
	int64_t id = strtoll(g->code, NULL, 10);
	struct shape s = {0};
	struct grid_view v;
	int rc;

	if (g->rev > sp->rev)
		sp->rev = g->rev;
	if (g->rev > sp->grids_rev_seen)
		sp->grids_rev_seen = g->rev;
	if (g->deleted) {
		rc = gridindex_remove(sp->grids, id, NULL);
		if (rc == 0)
			sp->ngrids--;
		return 0; /* absent already: nothing to do */
	}
	if ((rc = shape_from_wkb(g->wkb, g->wkb_len, &s, err)))
		return rc;
	if ((rc = view_make(&v, id, &s, err))) {
		shape_free(&s);
		return rc;
	}
	rc = gridindex_replace(sp->grids, &v.grid, err);
	if (rc == -UG_ENOTFOUND) {
		rc = gridindex_insert(sp->grids, &v.grid, err);
		if (rc == 0)
			sp->ngrids++;
	}
	view_free(&v);
	shape_free(&s);
	return rc;
}

int spatial_refresh(struct spatial *sp, struct db *db, int force,
		    struct ug_error *err)
{
	int64_t now = ug_monotonic_us(), rev;
	void *ctx[2] = {sp, err};
	int rc;

	if (!force && now - sp->checked_at < 1000000)
		return 0;
	if (force)
		pthread_mutex_lock(&sp->refresh_lock);
	else if (pthread_mutex_trylock(&sp->refresh_lock))
		return 0;
	sp->checked_at = now;
	if ((rc = store_spatial_rev(db, &rev, err)) || rev <= sp->rev)
		goto out;
	/* One read transaction: the rows and the revision they reach agree;
	 * a write landing meanwhile is seen at the next refresh. */
	if ((rc = db_begin(db, err)))
		goto out;
	rev = sp->rev;
	rc = store_grids_since(db, rev, apply_grid, ctx, err);
	if (rc == 0) /* all its rows applied: the version may say so */
		sp->grids_rev = sp->grids_rev_seen;
	if (rc == 0)
		rc = store_components_since(db, rev, load_component, ctx,
					    err);
	db_rollback(db);
out:
	pthread_mutex_unlock(&sp->refresh_lock);
	return rc;
}

/* ---- reading --------------------------------------------------------- */

/* The place of grid id, or UG_ENOTFOUND (found 0) naming the point. */
static int place_fill(int found, int64_t id, double lon, double lat,
		      struct spatial_place *out, struct ug_error *err)
{
	if (!found)
		return ug_fail(err, UG_ENOTFOUND, NULL,
			       "no unit grid holds the point %.7f, %.7f", lon,
			       lat);
	snprintf(out->grid, sizeof out->grid, "%015lld", (long long)id);
	snprintf(out->community, sizeof out->community, "%.12s", out->grid);
	snprintf(out->street, sizeof out->street, "%.9s", out->grid);
	snprintf(out->district, sizeof out->district, "%.6s", out->grid);
	return 0;
}

int spatial_locate(struct spatial *sp, double lon, double lat,
		   struct spatial_place *out, struct ug_error *err)
{
	int64_t id = 0;
	int found = gridindex_lookup(sp->grids, lon, lat, &id);

	return place_fill(found, id, lon, lat, out, err);
}

/* Only the grids whose box holds the point can hold it, and every grid
 * with an edge or a vertex through it is among them: an index of those
 * alone answers as the whole index would, shared edges included
 * (gridindex.h's rule looks at no other grid). */
int spatial_locate_stored(struct db *db, double lon, double lat,
			  struct spatial_place *out, struct ug_error *err)
{
	struct grid_batch batch = {.err = err};
	struct gridindex *idx = NULL;
	int64_t id = 0;
	int found = 0, rc;

	rc = store_grids_in_bbox(db, lon, lat, lon, lat, INT64_MAX / 2,
				 load_grid, &batch, err);
	if (rc == 0 && batch.n && (rc = batch_index(&batch, &idx, err)) == 0)
		found = gridindex_lookup(idx, lon, lat, &id);
	gridindex_destroy(idx);
	batch_free(&batch);
	return rc ? rc : place_fill(found, id, lon, lat, out, err);
}

static void count_edge(void *ctx, double ax, double ay, double bx,
		       double by)
{
	(void)ax, (void)ay, (void)bx, (void)by;
	++*(size_t *)ctx;
}

int spatial_near_grids(struct spatial *sp, double lon, double lat,
		       double margin_m)
{
	const struct gridindex_snapshot *snap;
	double dlat = margin_m / 111320.0;
	double dlon = dlat / fmax(0.01, cos(lat * M_PI / 180.0));
	int64_t id;
	size_t n = 0;

	if (atomic_load(&sp->ngrids) == 0)
		return -1;
	snap = gridindex_acquire(sp->grids);
	if (!gridindex_snapshot_lookup(snap, lon, lat, &id))
		gridindex_snapshot_edges(snap, lon - dlon, lat - dlat,
					 lon + dlon, lat + dlat, count_edge,
					 &n);
	else
		n = 1;
	gridindex_release(snap);
	return n > 0;
}

size_t spatial_components_near(struct spatial *sp, double lon, double lat,
			       double radius_m, int32_t klass,
			       struct component_hit *hits, size_t max)
{
	return compindex_nearest(sp->components, lon, lat, radius_m, klass,
				 hits, max);
}

/* ---- drawing ---------------------------------------------------------- */

/* The grids' outlines: the console's grid colour (web/console/src/map.js
 * drew them so as vectors before), a hairline that stays one line at
 * zoom 20; where grids are under a pixel wide (zoom 10 and out for 100 m
 * grids) a shade about as dark as the mesh of zoom 11 looks. */
static const struct tile_pen grid_pen = { 0x5f7c8a, 0.8, 0.9, 0.6 };

void spatial_grids_version(struct spatial *sp,
			   char out[SPATIAL_VERSION_LEN])
{
	snprintf(out, SPATIAL_VERSION_LEN, "%llx-%llx",
		 (unsigned long long)sp->loaded_at,
		 (unsigned long long)atomic_load(&sp->grids_rev));
}

static void draw_edge(void *canvas, double ax, double ay, double bx,
		      double by)
{
	tile_canvas_line(canvas, ax, ay, bx, by);
}

int spatial_grid_tile(struct spatial *sp, const struct tile_addr *t,
		      enum tile_datum d, struct buf *png, struct ug_error *err)
{
	const struct gridindex_snapshot *snap;
	struct tile_canvas *canvas;
	struct tile_box reach;
	int rc;

	if ((rc = tile_canvas_new(t, d, &grid_pen, &canvas, err)))
		return rc;
	tile_canvas_reach(canvas, &reach);
	snap = gridindex_acquire(sp->grids);
	gridindex_snapshot_edges(snap, reach.west, reach.south, reach.east,
				 reach.north, draw_edge, canvas);
	gridindex_release(snap);
	rc = tile_canvas_png(canvas, png, err);
	tile_canvas_free(canvas);
	return rc;
}
