/*
 * demo_cases.h - a living month of cases for the demo city.
 *
 * Reports arrive through the working days of the last `days` days in the
 * mix of a real city (demo_text.h: far more 暴露垃圾, 占道经营 and 乱堆
 * 物料 than 井盖丢失), from every source, each with its own description,
 * and walk through the real workflow (domain/cases/case.c) with
 * simulated clocks: most are closed within their limits, some late, some
 * reworked, extended, hung, returned, rejected or voided, and the newest
 * are still open at every stage.  The newest days' reports carry a drawn
 * photo (demo_photo.h), and their handling an after-photo.
 * Deterministic: the same seed gives the same month.
 */
#ifndef UG_DEMO_CASES_H
#define UG_DEMO_CASES_H

#include <stdint.h>

#include "domain/cases/case.h"
#include "lib/buf.h"
#include "store/org/org.h"
#include "tools/demo/demo_text.h"

#define DEMO_STREETS_MAX 32
/* Reports of the last this many days get photos (more would slow
 * `urbangrid demo`, which `make run` waits for). */
#define DEMO_PHOTO_DAYS 3

struct demo_case_stats {
	int64_t cases;
	int64_t closed;
	int64_t open;
	int64_t events;
	int64_t photos;
};

/* The people who work the demo's cases: the accounts of demo_build and,
 * created here if missing (random passwords, not shown), one inspector
 * per street (inspector.NNN) and one handler per department. */
struct demo_staff {
	struct division streets[DEMO_STREETS_MAX];
	int nstreets;
	struct user inspector[DEMO_STREETS_MAX]; /* one per street */
	int ninspectors;
	struct user receptionist, shift_leader, dispatcher, leader, public_;
	struct user handler[64]; /* one per department */
	int nhandlers;
};

/* Find or create the staff (demo_build must have run). */
int demo_staff_load(struct db *db, int64_t now, struct demo_staff *staff,
		    struct ug_error *err);
/* The handler of a department (NULL: none); the inspector of a street
 * (the first one for an unknown street). */
const struct user *demo_handler_of(const struct demo_staff *staff,
				   const char *department);
const struct user *demo_inspector_of(const struct demo_staff *staff,
				     const char *street);

/* A report as a user would write it: a category of the mix, a street, a
 * road and house number, a description, a point in one of the street's
 * grids, and for hotline and public reports a caller's phone. */
struct demo_report {
	const struct demo_category *category;
	const struct division *street;
	struct buf description, address;
	char phone[16];
	struct case_intake in;
};

/* Draw one for `source` seen at `t`; free with demo_report_free (also
 * after a failure).  0, or UG_ENOMEM. */
int demo_report_draw(const struct case_env *env,
		     const struct demo_staff *staff, enum case_source source,
		     int64_t t, uint64_t *seed, struct demo_report *r,
		     struct ug_error *err);
void demo_report_free(struct demo_report *r);

/* Store a drawn photo of case c (its category's scene; after: the place
 * handled) as `kind` (attachment.h) from `who` at `now`. */
int demo_photo_attach(struct db *db, const char *files_dir,
		      const struct user *who, const struct case_row *c,
		      const char *kind, int64_t now, struct ug_error *err);

/* Create the staff, then the cases; photos go to files_dir (NULL: none). */
int demo_cases(struct db *db, const struct case_env *env,
	       const char *files_dir, int64_t now, int days, uint64_t seed,
	       struct demo_case_stats *stats, struct ug_error *err);

#endif
