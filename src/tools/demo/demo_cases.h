/*
 * demo_cases.h - a living month of cases for the demo city.
 *
 * Reports arrive through the working days of the last `days` days in the
 * mix of a real city (far more 暴露垃圾, 占道经营 and 乱堆物料 than 井盖
 * 丢失), from every source, and walk through the real workflow
 * (domain/cases/case.c) with simulated clocks: most are closed within their
 * limits, some late, some reworked, extended, hung, returned, rejected or
 * voided, and the newest are still open at every stage.  Deterministic:
 * the same seed gives the same month.
 */
#ifndef UG_DEMO_CASES_H
#define UG_DEMO_CASES_H

#include <stdint.h>

#include "domain/cases/case.h"

struct demo_case_stats {
	int64_t cases;
	int64_t closed;
	int64_t open;
	int64_t events;
};

/* Create the street inspectors and department handlers the month needs
 * (their passwords are random and not shown), then the cases.  The demo
 * organisation (demo_build) must exist. */
int demo_cases(struct db *db, const struct case_env *env, int64_t now,
	       int days, uint64_t seed, struct demo_case_stats *stats,
	       struct ug_error *err);

#endif
