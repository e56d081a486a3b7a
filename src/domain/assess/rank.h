/*
 * rank.h - rankings of assessment (综合评价) as a caller may see them, and
 * the versions of the scheme that scores them.  The access layer of the
 * assessment: every function takes the caller (domain/org/roles.h).
 *
 * A ranking reads the counters of a period (domain/assess/assess.h) per
 * post, department or area, scores them with the formulas of eval.h
 * under the scheme version in force at the period's end, ranks them, and
 * does the same for the period before (its own version) to say where each
 * row was.  Who sees which rows:
 *  - the admin, the command line, and anyone whose scope is everything:
 *    every row;
 *  - a division's staff and leaders (scope: an area): the rows inside
 *    their area - its grids, communities, streets; the people whose unit
 *    is in it; the departments serving a division inside it or around it
 *    - ranked among themselves;
 *  - a department's staff and leaders: their department's row, ranked
 *    among all departments; no row of another kind.
 * `area` narrows a ranking to a division (or grid) inside the caller's
 * sight; one outside it answers as one that does not exist.
 */
#ifndef UG_ASSESS_RANK_H
#define UG_ASSESS_RANK_H

#include <stdint.h>

#include <jansson.h>

#include "domain/assess/eval.h"
#include "domain/org/roles.h"
#include "lib/period.h"

/* The scheme in force at `at` (seconds, UTC) into *out: the stored
 * version, or the built-in defaults (version 0) before the first. */
int assess_scheme_at(struct db *db, int64_t at, struct assess_scheme *out,
		     struct ug_error *err);

/* Every stored version, newest first, to cb (then version 0 is the
 * defaults, not listed). */
typedef int (*assess_scheme_cb)(void *ctx, const struct assess_scheme *s);
int assess_scheme_history(struct db *db, assess_scheme_cb cb, void *ctx,
			  struct ug_error *err);

/* A new version: the changes in JSON object `in` (assess_scheme_apply())
 * applied to the last version, in force from in's "effective" (ISO 8601;
 * absent: now).  The admin's (or root's) alone: UG_EFORBIDDEN for others.
 * UG_EINVAL naming the field for a bad change, and naming "effective" for
 * an instant that does not parse, lies in the past, or before the last
 * version's.  Written with its audit event in one transaction; the new
 * version into *out. */
int assess_scheme_edit(struct db *db, const struct actor *a, json_t *in,
		       int64_t now, struct assess_scheme *out,
		       struct ug_error *err);

/* Where a read of areas looks - a ranking, assess_hours(), the hot
 * spots: the code prefix of the caller's sight ("" for everything: the admin, the command line, a city-wide scope -
 * and a department's, whose rows the caller filters), narrowed to
 * `area` (NULL or "": not narrowed).  UG_EINVAL naming "area" for one
 * not shaped as a division or grid code; UG_ENOTFOUND naming "area" for
 * one that does not exist or lies outside the caller's sight. */
int assess_area_prefix(struct db *db, const struct actor *a,
		       const char *area, char prefix[CODE_MAX + 1],
		       struct ug_error *err);

/* The end of period p as an instant: the last second of its last local
 * day at utc_offset. */
int64_t assess_period_end(const struct period *p, int32_t utc_offset);

struct assess_ranking {
	enum assess_eval_kind kind;
	struct period period, previous;
	struct assess_scheme scheme;      /* in force at period's end */
	struct assess_row *rows;          /* the rows the caller sees, in
					     rank order */
	size_t n;
	size_t ranked;                    /* rows ranked, seen or not */
	char area[CODE_MAX + 1];          /* the area asked ("" none) */
};

/* The ranking of `kind` (assess_eval_kind_names) for `period`
 * (period_parse()) in `area` (NULL or "": the caller's whole sight) as
 * the actor sees it, days local at utc_offset, into *out (free it with
 * assess_ranking_free()).  UG_EINVAL naming "kind", "period", or
 * "area" for one not shaped as a division or grid code; UG_ENOTFOUND
 * naming "area" for an area that does not exist or lies outside the
 * caller's sight (the same answer). */
int assess_ranking(struct db *db, const struct actor *a, int32_t utc_offset,
		   const char *kind, const char *period, const char *area,
		   struct assess_ranking *out, struct ug_error *err);
void assess_ranking_free(struct assess_ranking *r);

/* The ranking as the API answers it: {"kind","period":{"from","to",
 * "name"},"scheme":{...},"rows":[{"code","name","counters","rates",
 * "score","grade","rank","previous":{"score","rank"}}]}.  New
 * reference; NULL without memory. */
json_t *assess_ranking_json(const struct assess_ranking *r,
			    int32_t utc_offset);

#endif
