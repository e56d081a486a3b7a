/*
 * hotspot.h - hot spots (热点) and rebounds (反弹) of problems per grid ×
 * category × week, as a caller may see them.  docs/assessment.md, "Hot
 * spots and rebounds", gives the formulas and a worked example.
 *
 * A hot spot is a grid × category whose count of cases reported in a
 * week is improbably high against its own baseline - the mean of the
 * weeks before - under a Poisson law: p = P(X ≥ count | λ), λ the
 * baseline mean (at least min_expected), flagged when p < alpha and the
 * count is at least min_count.  A rebound is a grid × category whose
 * weekly count fell after a date (a clean-up campaign) to at most `fall`
 * of its earlier level and then came back to at least `threshold` of it
 * within the weeks watched.
 *
 * The statistic and the classification are pure functions on series
 * (hotspot_test(), rebound_classify()); assess_hotspots() and
 * assess_rebounds() read the counts through the caller's sight (the
 * access layer: a division's staff and leaders see the grids inside
 * their area, the admin and city-wide roles every grid, a department's
 * staff no grid) and are what the API and the weekly and monthly
 * reports call.
 */
#ifndef UG_ASSESS_HOTSPOT_H
#define UG_ASSESS_HOTSPOT_H

#include <stdint.h>

#include <jansson.h>

#include "domain/org/roles.h"
#include "lib/period.h"

/* ---- the statistic ------------------------------------------------------ */

struct hotspot_params {
	int baseline_weeks;  /* weeks before the one tested (default 8) */
	double min_expected; /* λ at least this (default 0.5 a week): a grid
				with no history is not hot at its first case */
	double alpha;        /* p below this is hot (default 0.01) */
	int64_t min_count;   /* and at least this many cases (default 3) */
};
void hotspot_params_default(struct hotspot_params *p);

struct hotspot_stat {
	double mean, sd;  /* of the baseline weeks (sd: sample, n - 1) */
	double expected;  /* λ = max(mean, min_expected) */
	double z;         /* (count - λ) / √λ */
	double p;         /* P(X ≥ count) for X ~ Poisson(λ) */
	int hot;
};

/* P(X ≥ x) for X ~ Poisson(lambda), lambda > 0: the upper tail summed
 * from x upward (no cancellation for small p).  1 for x ≤ 0. */
double poisson_upper_tail(int64_t x, double lambda);

/* Test `count` against baseline[0..weeks-1] under p into *out. */
void hotspot_test(int64_t count, const int64_t *baseline, int weeks,
		  const struct hotspot_params *p, struct hotspot_stat *out);

/* ---- rebounds ----------------------------------------------------------- */

struct rebound_params {
	int before_weeks;  /* the earlier level: weeks before `since`
			      (default 8) */
	int weeks;         /* N: weeks watched from `since` (default 8) */
	double fall;       /* fell: a week at most this share of the level
			      (default 0.5) */
	double threshold;  /* X: came back to at least this share (default
			      0.8, the API's threshold=80) */
	double min_level;  /* levels below this a week are too few to judge
			      (default 1.0) */
};
void rebound_params_default(struct rebound_params *p);

enum rebound_status {
	REBOUND_TOO_FEW,    /* earlier level below min_level */
	REBOUND_NEVER_FELL, /* no week at or below fall × level */
	REBOUND_HELD,       /* fell and stayed below threshold × level */
	REBOUND_CAME_BACK,  /* fell, then a week at or above it: 反弹 */
};
extern const char *const rebound_status_names[];

struct rebound_result {
	enum rebound_status status;
	double level;       /* mean of the weeks before */
	int fell_week;      /* first week at or below fall × level (0 is
			       the week from since), -1 none */
	int back_week;      /* first week after it at or above threshold ×
			       level, -1 none */
	int64_t low;        /* the lowest week from fell_week to back_week */
	double back_share;  /* back_week's count / level (0 if none) */
};

/* Classify the series: before[0..nb-1] the weeks before since, oldest
 * first, after[0..na-1] the weeks from since. */
void rebound_classify(const int64_t *before, int nb, const int64_t *after,
		      int na, const struct rebound_params *p,
		      struct rebound_result *out);

/* ---- as the caller sees them ------------------------------------------- */

/* Most weeks a row reads: 12 before, 52 watched. */
#define HOTSPOT_BEFORE_MAX 12
#define HOTSPOT_WEEKS_MAX (HOTSPOT_BEFORE_MAX + 52)

struct hotspot_row {
	char grid[16], category[CODE_MAX + 1];
	char grid_name[NAME_MAX_BYTES + 32], category_name[NAME_MAX_BYTES + 1];
	char community_name[NAME_MAX_BYTES + 1];
	double box[4];          /* the grid's bounding box (WGS 84) */
	int64_t count;          /* the week's (hot spots) */
	int64_t weeks[HOTSPOT_WEEKS_MAX]; /* every week read, oldest first
					     (nweeks of them) */
	struct hotspot_stat stat;
	struct rebound_result rebound;
};

struct hotspot_list {
	int rebounds;                   /* 0: hot spots, 1: rebounds */
	struct hotspot_params hp;
	struct rebound_params rp;
	struct period period;           /* hot spots: the week tested */
	int32_t since;                  /* rebounds: YYYYMMDD */
	int32_t first_day;              /* the first day counted */
	int nweeks;                     /* weeks read for each row */
	char category[CODE_MAX + 1];    /* asked ("" every one) */
	char area[CODE_MAX + 1];        /* asked ("" the caller's sight) */
	int64_t tested;                 /* grid × category pairs tested */
	struct hotspot_row *rows;       /* flagged, most significant first */
	size_t n;
};

/* The hot spots of ISO week `period` ("2026-W48") for `category` (NULL
 * or "": every category) in `area` (NULL or "": the caller's whole
 * sight), days local at utc_offset, under hp (NULL: the defaults), into
 * *out (free with hotspot_list_free()): rows with stat.hot, by p
 * ascending, then count descending, grid, category.  UG_EINVAL naming
 * "period" (not an ISO week), "category" (unknown or malformed), "area"
 * (not a division or grid code); UG_ENOTFOUND naming "area" for one that
 * does not exist or lies outside the caller's sight (the same answer). */
int assess_hotspots(struct db *db, const struct actor *a, int32_t utc_offset,
		    const char *period, const char *category, const char *area,
		    const struct hotspot_params *hp, struct hotspot_list *out,
		    struct ug_error *err);

/* The rebounds after the local day `since` ("2026-09-01") under rp
 * (NULL: the defaults; rp->weeks and rp->threshold are the API's weeks
 * and threshold/100), as assess_hotspots() reads: rows whose
 * rebound.status is REBOUND_CAME_BACK, by the earliest comeback, then
 * the highest back_share, grid, category.  UG_EINVAL naming "since" (not
 * a date), "weeks" (outside 1..52), "threshold" (outside 0.01..10),
 * "category", "area"; UG_ENOTFOUND naming "area" as above. */
int assess_rebounds(struct db *db, const struct actor *a, int32_t utc_offset,
		    const char *since, const struct rebound_params *rp,
		    const char *category, const char *area,
		    struct hotspot_list *out, struct ug_error *err);

void hotspot_list_free(struct hotspot_list *l);

/* The list as the API answers it (docs/api.md).  New reference; NULL
 * without memory. */
json_t *hotspot_list_json(const struct hotspot_list *l);

#endif
