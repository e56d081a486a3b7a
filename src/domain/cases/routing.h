/*
 * routing.h - which department a case should be dispatched to.
 *
 * The suggestion, in order: (1) an admin's routing rule for the case's
 * 小类 and area (most specific area first, then a rule for the category
 * over one for any category, then priority); (2) the professional
 * department of the type that the case's filing standard names, serving
 * the case's area; (3) the territorial fallback (属地): the street's own
 * team; (4) none.  The dispatcher sees the suggestion and may override it.
 */
#ifndef UG_ROUTING_H
#define UG_ROUTING_H

#include "domain/org/roles.h"
#include "store/org/org.h"
#include "store/cases/cases.h"

struct routing_suggestion {
	char department[CODE_MAX + 1]; /* "" when nothing fits */
	char name[NAME_MAX_BYTES + 1];
	const char *reason;            /* "rule" | "department_type" |
					  "territorial" | "none" */
};

/* Suggest a department for a case of `category` in `area` whose standard
 * names `department_type`. */
int routing_suggest(struct db *db, const char *category, const char *area,
		    const char *department_type, struct routing_suggestion *out,
		    struct ug_error *err);

/* ---- the rules, for admins and dispatchers ---------------------------- */

/* Every routing rule, most specific first (store_routing_list), to cb. */
int routing_rules(struct db *db, store_routing_cb cb, void *ctx,
		  struct ug_error *err);

/* Add a rule: category ("" or NULL: any; else a known category), area
 * ("" or NULL: any; else a known division), department (known), priority.
 * Errors name the field: UG_EINVAL "category", "area" or "department"
 * for an unknown one.  The rule with its id into *out; audited as `by`
 * (after: the rule). */
int routing_rule_add(struct db *db, const struct actor *by,
		     const char *category,
		     const char *area, const char *department, int priority,
		     int64_t now, struct routing_rule *out,
		     struct ug_error *err);

/* Delete rule `id`; UG_ENOTFOUND if there is none.  Audited. */
int routing_rule_delete(struct db *db, const struct actor *by, int64_t id,
			int64_t now, struct ug_error *err);

#endif
