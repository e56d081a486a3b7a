/*
 * standards.h - the classification (大类/小类) and the filing and closing
 * standards (立案结案标准) with their stage time limits.
 *
 * The national tables and the default standards are data files
 * (the CSV files in data/standard/) compiled into the binary and loaded by `init`;
 * loading again changes nothing that a city edited: a category keeps its
 * standard once it has one, and local categories are never touched.
 */
#ifndef UG_STANDARDS_H
#define UG_STANDARDS_H

#include <stdint.h>

#include "domain/cases/workflow.h"
#include "domain/org/roles.h"
#include "store/cases/cases.h"

enum urgency { URGENCY_URGENT, URGENCY_PRESSING, URGENCY_NORMAL,
	       URGENCY_COUNT };

extern const char *const urgency_names[URGENCY_COUNT];    /* API strings */
extern const char *const urgency_names_zh[URGENCY_COUNT]; /* 紧急 较急 一般 */
int urgency_parse(const char *name);

enum limit_unit {
	LIMIT_MINUTES, LIMIT_HOURS, LIMIT_DAYS,          /* natural time */
	LIMIT_WORK_MINUTES, LIMIT_WORK_HOURS, LIMIT_WORK_DAYS,
	LIMIT_UNIT_COUNT
};

extern const char *const limit_unit_names[LIMIT_UNIT_COUNT]; /* m h d wm wh wd */

struct time_limit {
	int64_t amount;      /* > 0 */
	enum limit_unit unit;
};

/* Parse "30wm", "2h", "3wd" ...; UG_EINVAL naming `field` otherwise. */
int time_limit_parse(const char *text, const char *field,
		     struct time_limit *out, struct ug_error *err);

/* The limits of one standard version: [urgency][stage]. */
struct standard_limits {
	struct time_limit at[URGENCY_COUNT][STAGE_COUNT];
};

/* Load the major classes, the minor classes and (for categories that have
 * none yet) version 1 of the default standard, in one transaction.
 * *created (may be NULL) receives the number of standards created. */
int standards_load_defaults(struct db *db, int64_t now, int *created,
			    struct ug_error *err);

/* Read the limits of standard `id`; every urgency x stage must be set. */
int standards_limits(struct db *db, int64_t id, struct standard_limits *out,
		     struct ug_error *err);

/* An admin's change to a category's standard: NULL / has_limit 0 keep
 * the current value. */
struct standard_edit {
	const char *filing_condition;
	const char *closing_condition;
	const char *department_type;
	int has_limit[URGENCY_COUNT][STAGE_COUNT];
	struct time_limit limit[URGENCY_COUNT][STAGE_COUNT];
};

/* Write a new version of the category's standard from the current one and
 * the edit, in one transaction; cases filed before keep their version.
 * *out and *lim receive the new version.  Errors name the field. */
int standards_edit(struct db *db, const char *category,
		   const struct standard_edit *e, const struct actor *by,
		   int64_t now, struct case_standard *out,
		   struct standard_limits *lim, struct ug_error *err);

/* An admin's change to a category: NULL / has_public 0 keep it. */
struct category_edit {
	const char *name;      /* 1 to 30 characters; a local category's */
	int has_public;
	int public_;           /* open to public reporting (Open311
				  services, the public pages) */
};

/* Rename a category or open / close it to the public, in one
 * transaction; audited ("category.edit", before and after) and *out
 * receives it after.  A standard category keeps the national table's
 * name (loading the defaults again would restore it): a new name for
 * one is UG_ECONFLICT naming "name".  UG_EINVAL naming "name" for a name
 * out of bounds or an edit that changes nothing; UG_ENOTFOUND naming
 * "code". */
int standards_category_edit(struct db *db, const char *code,
			    const struct category_edit *e,
			    const struct actor *by, int64_t now,
			    struct category *out, struct ug_error *err);

/* Add a local minor class `code` (the major's 2 digits + 3 more, not yet
 * used) named `name`, with version 1 of its standard copied from the
 * current standard of `like` (a category of the same major; NULL: the
 * major's first standard category).  Standard categories are never
 * changed. */
int standards_add_local_category(struct db *db, const char *code,
				 const char *name, int public_,
				 const char *like, const struct actor *by,
				 int64_t now, struct category *out,
				 struct ug_error *err);

/* Every category, by code, with its major class's name and kind, to cb
 * (the classification every staff role reads). */
int standards_categories(struct db *db, store_category_cb cb, void *ctx,
			 struct ug_error *err);

/* The current version of category `code`'s standard and its limits.
 * UG_ENOTFOUND (field "code") for an unknown category. */
int standards_current(struct db *db, const char *code,
		      struct case_standard *s, struct standard_limits *lim,
		      struct ug_error *err);

#endif
