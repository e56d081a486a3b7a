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

#endif
