/*
 * demo_text.h - what the demo's reports say: the mix of categories a real
 * city reports (far more 暴露垃圾 and 占道经营 than 井盖丢失), the scene
 * each one's photo draws (demo_photo.h), and descriptions made from
 * templated sentences with roads, places, times and sizes, so no two
 * reports read alike.  Deterministic for a given seed.
 */
#ifndef UG_DEMO_TEXT_H
#define UG_DEMO_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct demo_category {
	const char *code;   /* 小类 of the standard (data/standard) */
	int weight;         /* per mille of the reports */
	const char *scene;  /* demo_photo.h scene name */
	const char *const *templates; /* NULL-terminated */
};

/* The categories of the mix, 0 .. demo_category_count()-1. */
size_t demo_category_count(void);
const struct demo_category *demo_category_at(size_t i);
/* One category drawn by its weight. */
const struct demo_category *demo_category_pick(uint64_t *seed);

/* A road of the demo district (东城区), drawn at random. */
const char *demo_road(uint64_t *seed);

/* "东四北大街128号" into out (appended); 0, or UG_ENOMEM. */
int demo_address(const char *road, uint64_t *seed, struct buf *out);

/* A description of a report of category c on `road` in street
 * `street_name` (may be NULL) seen at local time `t` (UTC seconds;
 * utc_offset of the city), appended to out: one of the category's
 * templates with the road, a place along it, the time and a size or a
 * count filled in.  0, or UG_ENOMEM. */
int demo_describe(const struct demo_category *c, const char *road,
		  const char *street_name, int64_t t, int32_t utc_offset,
		  uint64_t *seed, struct buf *out);

#endif
