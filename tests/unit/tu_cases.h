/*
 * tu_cases.h - a scripted history's two steps: an inspector's report of
 * garbage in its own street, and an action on the case (dispatches go to
 * 环卫 110101-HW).  For the tests that count a day of history
 * (test_assess_hours, test_report).
 */
#ifndef UG_TU_CASES_H
#define UG_TU_CASES_H

#include "testutil.h"

#include "domain/cases/case.h"

/* Report `category` at `at` as actor a (address: NULL for none) into
 * *out. */
static inline void tu_case_report(struct db *db, const struct case_env *env,
				  const struct actor *a, const char *category,
				  const char *address, int64_t at,
				  struct case_row *out)
{
	struct case_intake in = {
		.category = category,
		.description = "路边有暴露垃圾",
		.address = address,
		.source = "inspector",
		.urgency = "normal",
	};
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(case_intake(db, env, a, &in, at, out, NULL, &err), err);
}

/* Action `action` on case *c at `at` as actor a; *c as it is after. */
static inline void tu_case_act(struct db *db, const struct case_env *env,
			       const struct actor *a, struct case_row *c,
			       enum case_action action, int64_t at)
{
	struct case_action_input in = {
		.version = c->version,
		.note = "已处理",
		.department = "110101-HW",
	};
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(case_act(db, env, a, c->id, action, &in, at, c, &err),
		     err);
}

#endif
