/*
 * hotspot.h - what hot spots and rebounds (反弹) read: the cases reported
 * per grid × category × week, read from case_file through its covering
 * index (created_at, category, grid, state) (schema 0020), and the labels of a grid
 * and a category for the answer.  Why a query and not a counter table:
 * docs/assessment.md, "Hot spots".  Conventions in store/common.h.
 */
#ifndef UG_STORE_HOTSPOT_H
#define UG_STORE_HOTSPOT_H

#include "store/common.h"

/* Cases of a grid × category × week. */
struct hotspot_count {
	const char *grid, *category;
	int32_t week;   /* 0 for [from, from + 7 days), 1 the next... */
	int64_t n;      /* cases (store_hotspot_counts(): 1) */
};
typedef int (*store_hotspot_count_cb)(void *ctx,
				      const struct hotspot_count *c);

/* The cases reported (created_at) in [from, from + weeks × 7 days)
 * (seconds, UTC) in a grid whose code starts with `prefix` ("" for
 * every grid), of `category` (NULL or "" for every one), to cb one by
 * one (n = 1) with their grid, category and week, in no order: the
 * caller adds them up - grouping in SQL would sort them all first.
 * Cases merged into another (duplicates), rejected (不予立案) and voided
 * (作废) are not problems of the place and are not counted. */
int store_hotspot_counts(struct db *db, const char *prefix,
			 const char *category, int64_t from, int weeks,
			 store_hotspot_count_cb cb, void *ctx,
			 struct ug_error *err);

/* What the answer says of a grid: its community's name and its bounding
 * box (WGS 84: min lon, min lat, max lon, max lat).  UG_ENOTFOUND
 * naming "grid" when no grid has the code (then *out stays as it was). */
struct hotspot_grid {
	char community_name[NAME_MAX_BYTES + 1];
	double box[4];
};
int store_hotspot_grid(struct db *db, const char *grid,
		       struct hotspot_grid *out, struct ug_error *err);

/* The name of category `code` into out; UG_ENOTFOUND naming "category"
 * when there is none. */
int store_hotspot_category(struct db *db, const char *code,
			   char out[NAME_MAX_BYTES + 1], struct ug_error *err);

#endif
