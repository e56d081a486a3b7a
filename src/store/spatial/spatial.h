/*
 * spatial.h - storage of unit grids and components and their revision
 * (store/spatial/spatial.c).
 * Conventions in store/common.h.
 */
#ifndef UG_STORE_SPATIAL_H
#define UG_STORE_SPATIAL_H

#include "store/common.h"

/* ---- unit grids and components (store/spatial/spatial.c) */

/* Every write to grid or component takes the next revision; a reader
 * asks for rows with rev > the last it saw (deleted rows included). */
int store_spatial_next_rev(struct db *db, int64_t *rev, struct ug_error *err);
int store_spatial_rev(struct db *db, int64_t *rev, struct ug_error *err);

struct grid_row {
	char code[16];      /* 15 digits */
	char community[13];
	char street[10];
	char district[7];
	const void *wkb;    /* WKB geometry: borrowed (see each function) */
	size_t wkb_len;
	double min_lon, min_lat, max_lon, max_lat;
	double area_m2;
	int64_t points;
	char source[12];    /* import | generate */
	int deleted;
	int64_t rev;
	int64_t updated_at;
};

/* Rows handed to a callback borrow their wkb until the callback returns. */
typedef int (*store_grid_cb)(void *ctx, const struct grid_row *g);

/* Insert or replace by code (deleted reset to 0); g->rev must be set. */
int store_grid_upsert(struct db *db, const struct grid_row *g,
		      struct ug_error *err);
/* Mark deleted (keeps the row for readers catching up) with a new rev.
 * UG_ENOTFOUND if there is no live grid with that code. */
int store_grid_delete(struct db *db, const char *code, int64_t rev,
		      int64_t now, struct ug_error *err);
/* 1 if a live grid has this code, 0 if not; <0 on error. */
int store_grid_exists(struct db *db, const char *code, struct ug_error *err);
/* Rows with rev > since, in rev order, deleted ones included. */
int store_grids_since(struct db *db, int64_t since, store_grid_cb cb,
		      void *ctx, struct ug_error *err);
/* Live grids whose bounding box meets the box, in code order, at most
 * `limit` (the callback sees limit + 1 rows when there are more, so the
 * caller can say "truncated"). */
int store_grids_in_bbox(struct db *db, double min_lon, double min_lat,
			double max_lon, double max_lat, int64_t limit,
			store_grid_cb cb, void *ctx, struct ug_error *err);
/* Live grids of one community, in code order. */
int store_grids_of_community(struct db *db, const char *community,
			     store_grid_cb cb, void *ctx,
			     struct ug_error *err);
int store_grid_count(struct db *db, int64_t *n, struct ug_error *err);
/* The box around every live grid; UG_ENOTFOUND when there is none. */
int store_grid_extent(struct db *db, double box[4], struct ug_error *err);

struct component_row {
	char code[18];      /* 17 digits */
	char klass[6];      /* category code of kind component */
	char name[NAME_MAX_BYTES + 1];
	double lon, lat;
	char grid[16];      /* "" outside every grid */
	char status[16];    /* 完好 破损 丢失 占用 废弃 移除 */
	char owner[128];
	char maintainer[128];
	char installed_on[11]; /* YYYY-MM-DD or "" */
	char address[257];
	int deleted;
	int64_t rev;
	int64_t updated_at;
};

typedef int (*store_component_cb)(void *ctx, const struct component_row *c);

int store_component_upsert(struct db *db, const struct component_row *c,
			   struct ug_error *err);
/* 1 if a live component has this code, 0 if not; <0 on error. */
int store_component_exists(struct db *db, const char *code,
			   struct ug_error *err);
int store_component_get(struct db *db, const char *code,
			struct component_row *c, struct ug_error *err);
int store_components_since(struct db *db, int64_t since,
			   store_component_cb cb, void *ctx,
			   struct ug_error *err);
int store_component_count(struct db *db, int64_t *n, struct ug_error *err);

#endif
