/*
 * hours.h - today's counters hour by hour: the numbers of the
 * command-centre screen (指挥大屏, docs/console.md), counted by the same
 * rules as the assessment (domain/assess/rules.c) from the history lines
 * of one local day, so that an hour's figures add up to the day's
 * counters (assess_sum()) of the caller's sight.
 *
 * The day's counters (assess_day) are per day alone; an hour needs the
 * lines' times, so this replays the history of the cases that have a
 * line on the day (the index on case_event.at) and counts the lines of
 * the day by their local hour.  Scope, as the rankings read it
 * (domain/assess/rank.c): an area's staff and leaders count the place
 * rows of their area, a department's staff their department's rows, the
 * admin every place row.
 */
#ifndef UG_ASSESS_HOURS_H
#define UG_ASSESS_HOURS_H

#include <stdint.h>

#include <jansson.h>

#include "domain/org/roles.h"
#include "store/assess/assess.h"
#include "store/common.h"

/* Reports of a category on the day. */
struct assess_hours_category {
	char code[CODE_MAX + 1];
	int64_t reported;
};

struct assess_hours {
	int32_t day;                     /* YYYYMMDD, local */
	char area[CODE_MAX + 1];         /* the area asked ("" none) */
	int64_t from, to;                /* the day's instants [from, to) */
	struct assess_counts hour[24];   /* by local hour (events unused) */
	struct assess_counts total;      /* the sum of the hours (events
					    unused) */
	struct assess_hours_category *categories; /* most reports first,
						     equal ones by code */
	size_t ncategories;
};

/* The counters of local day `day` ("YYYY-MM-DD"; NULL or "": the day of
 * `now`) hour by hour, as actor a sees them - in `area` (NULL or "": its
 * whole sight) - into *out (free with assess_hours_free()).  UG_EINVAL
 * naming "day" for anything but a day that exists, or "area" as
 * assess_ranking(); UG_ENOTFOUND naming "area" for an area that does not
 * exist or lies outside the actor's sight (a department's staff: any
 * area); UG_ENOMEM, UG_EDB. */
int assess_hours(struct db *db, const struct actor *a, int32_t utc_offset,
		 const char *day, const char *area, int64_t now,
		 struct assess_hours *out, struct ug_error *err);

void assess_hours_free(struct assess_hours *h);

/* As the API answers it: {"day","from","to","area","totals":{counter: n},
 * "hours":{counter: [24 numbers]},"categories":[{"code","reported"}]}. */
json_t *assess_hours_json(const struct assess_hours *h, int32_t utc_offset);

#endif
