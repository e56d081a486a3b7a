/*
 * routing.c - the dispatch suggestion (see routing.h).
 */
#include "domain/cases/routing.h"

#include "domain/org/audit.h"

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

/* ---- the rules ------------------------------------------------------------ */

int routing_rules(struct db *db, store_routing_cb cb, void *ctx,
		  struct ug_error *err)
{
	return store_routing_list(db, cb, ctx, err);
}

/* The rule as the audit trail shows it. */
static void rule_json(const struct routing_rule *r, char out[256])
{
	snprintf(out, 256,
		 "{\"id\":%lld,\"category\":\"%s\",\"area\":\"%s\","
		 "\"department\":\"%s\",\"priority\":%d}",
		 (long long)r->id, r->category, r->area, r->department,
		 r->priority);
}

int routing_rule_add(struct db *db, const struct actor *by,
		     const char *category,
		     const char *area, const char *department, int priority,
		     int64_t now, struct routing_rule *out,
		     struct ug_error *err)
{
	struct routing_rule r;
	struct department d;
	struct division div;
	struct category cat;
	char detail[256];
	int rc;

	memset(&r, 0, sizeof r);
	if (category && *category) {
		if (store_category_get(db, category, &cat, err))
			return ug_fail(err, UG_EINVAL, "category",
				       "unknown category %s", category);
		snprintf(r.category, sizeof r.category, "%s", cat.code);
	}
	if (area && *area) {
		if (store_division_get(db, area, &div, err))
			return ug_fail(err, UG_EINVAL, "area",
				       "unknown division %s", area);
		snprintf(r.area, sizeof r.area, "%s", div.code);
	}
	if (!department || store_department_get(db, department, &d, err))
		return ug_fail(err, UG_EINVAL, "department",
			       "unknown department %s",
			       department ? department : "");
	snprintf(r.department, sizeof r.department, "%s", d.code);
	r.priority = priority;
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = store_routing_insert(db, &r, now, err)) == 0) {
		rule_json(&r, detail);
		rc = audit_write(db, by, now, "routing.add", r.department, NULL,
				 detail, NULL, err);
	}
	if ((rc = db_end(db, rc, err)) == 0)
		*out = r;
	return rc;
}

int routing_rule_delete(struct db *db, const struct actor *by, int64_t id,
			int64_t now, struct ug_error *err)
{
	struct routing_rule was;
	char detail[256];
	int rc;

	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = store_routing_get(db, id, &was, err)) == 0)
		rule_json(&was, detail);
	if (rc == 0 && (rc = store_routing_delete(db, id, err)) == 0)
		rc = audit_write(db, by, now, "routing.delete", was.department,
				 detail, NULL, NULL, err);
	return db_end(db, rc, err);
}
