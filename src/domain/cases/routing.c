/*
 * routing.c - the dispatch suggestion (see routing.h).
 */
#include "domain/cases/routing.h"

#include "domain/org/roles.h"

#include <stdio.h>
#include <string.h>

int routing_suggest(struct db *db, const char *category, const char *area,
		    const char *department_type, struct routing_suggestion *out,
		    struct ug_error *err)
{
	char areas[AREA_LEVELS][CODE_MAX + 1];
	struct routing_rule rule;
	struct department d;
	int rc;

	memset(out, 0, sizeof *out);
	out->reason = "none";
	division_ancestors(area, areas);
	rc = store_routing_match(db, category, areas, &rule, err);
	if (rc == 0) {
		rc = store_department_get(db, rule.department, &d, err);
		if (rc)
			return rc;
		out->reason = "rule";
		goto found;
	}
	if (rc != -UG_ENOTFOUND)
		return rc;
	rc = store_department_serving(db, "professional", department_type,
				      areas, &d, err);
	if (rc == 0) {
		out->reason = "department_type";
		goto found;
	}
	if (rc != -UG_ENOTFOUND)
		return rc;
	rc = store_department_serving(db, "street_team", NULL, areas, &d, err);
	if (rc == 0) {
		out->reason = "territorial";
		goto found;
	}
	if (rc != -UG_ENOTFOUND)
		return rc;
	ug_error_clear(err);
	return 0;
found:
	snprintf(out->department, sizeof out->department, "%s", d.code);
	snprintf(out->name, sizeof out->name, "%s", d.name);
	return 0;
}
