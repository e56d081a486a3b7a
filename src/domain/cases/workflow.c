/*
 * workflow.c - the case life-cycle tables (see workflow.h).
 */
#include "domain/cases/workflow.h"

#include <string.h>

const struct case_state_info case_states[CS_COUNT] = {
	[CS_REPORTED] = { "reported", "上报", STAGE_ACCEPT },
	[CS_VERIFIED] = { "verified", "已核实", STAGE_FILE },
	[CS_FILED] = { "filed", "已立案", STAGE_DISPATCH },
	[CS_REJECTED] = { "rejected", "不予立案", STAGE_NONE },
	[CS_DISPATCHED] = { "dispatched", "已派遣", STAGE_HANDLE },
	[CS_RETURNED] = { "returned", "已回退", STAGE_DISPATCH },
	[CS_HUNG] = { "hung", "挂账", STAGE_NONE },
	[CS_HANDLED] = { "handled", "已处置", STAGE_CHECK },
	[CS_CHECKED] = { "checked", "核查通过", STAGE_CLOSE },
	[CS_CLOSED] = { "closed", "已结案", STAGE_NONE },
	[CS_VOID] = { "void", "已作废", STAGE_NONE },
	[CS_MERGED] = { "merged", "已合并", STAGE_NONE },
};

const struct case_stage_info case_stages[STAGE_COUNT] = {
	[STAGE_ACCEPT] = { "accept", "受理" },
	[STAGE_VERIFY] = { "verify", "核实" },
	[STAGE_FILE] = { "file", "立案" },
	[STAGE_DISPATCH] = { "dispatch", "派遣" },
	[STAGE_HANDLE] = { "handle", "处置" },
	[STAGE_CHECK] = { "check", "核查" },
	[STAGE_CLOSE] = { "close", "结案" },
};

const char *const case_need_names[NEED_COUNT] = {
	"reason", "department", "passed", "target", "hours", "note",
	"inspector", "rating",
};

#define R(x) ROLE_BIT(ROLE_##x)
#define S(x) CS_BIT(CS_##x)
/* Centre staff who run the case (受理员, 值班长, 派遣员). */
#define CENTRE (R(RECEPTIONIST) | R(SHIFT_LEADER) | R(DISPATCHER))

const struct case_transition case_transitions[CA_COUNT] = {
	{ CA_VERIFY, "verify", "核实", S(REPORTED), CS_VERIFIED, -1,
	  R(INSPECTOR), 0, GUARD_IN_AREA },
	{ CA_FILE, "file", "立案", S(REPORTED) | S(VERIFIED), CS_FILED, -1,
	  R(SHIFT_LEADER) | R(RECEPTIONIST), 0,
	  GUARD_IN_AREA | GUARD_SELF_VERIFIED },
	{ CA_REJECT, "reject", "不予立案", S(REPORTED) | S(VERIFIED),
	  CS_REJECTED, -1, R(SHIFT_LEADER) | R(RECEPTIONIST), NEED_REASON,
	  GUARD_IN_AREA },
	{ CA_DISPATCH, "dispatch", "派遣", S(FILED) | S(RETURNED),
	  CS_DISPATCHED, -1, R(DISPATCHER), NEED_DEPARTMENT, GUARD_IN_AREA },
	{ CA_RETURN, "return", "回退", S(DISPATCHED), CS_RETURNED, -1,
	  R(HANDLER), NEED_REASON, GUARD_OWN_DEPARTMENT },
	{ CA_HANDLE, "handle", "处置反馈", S(DISPATCHED) | S(HUNG),
	  CS_HANDLED, -1, R(HANDLER), NEED_NOTE, GUARD_OWN_DEPARTMENT },
	{ CA_CHECK, "check", "核查", S(HANDLED), CS_CHECKED, CS_DISPATCHED,
	  R(INSPECTOR), NEED_PASSED, GUARD_IN_AREA },
	{ CA_CLOSE, "close", "结案", S(CHECKED), CS_CLOSED, -1,
	  R(SHIFT_LEADER), 0, GUARD_IN_AREA },
	{ CA_EXTEND_REQUEST, "extend-request", "延期申请", S(DISPATCHED), -1,
	  -1, R(HANDLER), NEED_REASON | NEED_HOURS,
	  GUARD_OWN_DEPARTMENT | GUARD_NO_EXT_PENDING },
	{ CA_EXTEND_APPROVE, "extend-approve", "延期批准", S(DISPATCHED), -1,
	  -1, R(SHIFT_LEADER), 0, GUARD_IN_AREA | GUARD_EXT_PENDING },
	{ CA_EXTEND_DENY, "extend-deny", "延期驳回", S(DISPATCHED), -1, -1,
	  R(SHIFT_LEADER), NEED_REASON, GUARD_IN_AREA | GUARD_EXT_PENDING },
	{ CA_HANG, "hang", "挂账", S(DISPATCHED), CS_HUNG, -1,
	  R(SHIFT_LEADER) | R(DISPATCHER), NEED_REASON, GUARD_IN_AREA },
	{ CA_VOID, "void", "作废", CS_OPEN, CS_VOID, -1,
	  R(SHIFT_LEADER) | R(RECEPTIONIST), NEED_REASON, GUARD_IN_AREA },
	/* A leader supervises and reminds whatever it sees: the cases of
	 * its area, or, for a department's leader, those dispatched to the
	 * department (no GUARD_IN_AREA, which would shut the latter out). */
	{ CA_SUPERVISE, "supervise", "督办", CS_OPEN, -1, -1, R(LEADER),
	  NEED_NOTE, 0 },
	{ CA_REMIND, "remind", "催办", CS_OPEN & ~(S(REPORTED) | S(VERIFIED)),
	  -1, -1, CENTRE | R(LEADER), 0, 0 },
	{ CA_MERGE, "merge", "合并", S(REPORTED) | S(VERIFIED), CS_MERGED, -1,
	  R(RECEPTIONIST) | R(SHIFT_LEADER), NEED_TARGET, GUARD_IN_AREA },
	{ CA_VERIFY_ASSIGN, "verify-assign", "核实派遣", S(REPORTED), -1, -1,
	  R(RECEPTIONIST) | R(SHIFT_LEADER), NEED_INSPECTOR,
	  GUARD_IN_AREA | GUARD_NEEDS_VERIFY },
	/* 解除挂账: the work that made the case wait is done (the money or
	 * the project came) and the department is to finish it; it gets the
	 * standard's handling limit afresh from now (stage_deadline()
	 * reads a stage from its start, so a fresh start keeps the holiday
	 * recompute true).  The handler may also report it handled straight
	 * from hung. */
	{ CA_UNHANG, "unhang", "解除挂账", S(HUNG), CS_DISPATCHED, -1,
	  R(SHIFT_LEADER) | R(DISPATCHER), NEED_REASON, GUARD_IN_AREA },
	/* 回访: the centre calls the reporter of a closed case back and
	 * records the satisfaction (群众满意) the reporter did not give
	 * through the public pages; counted as a rating is
	 * (docs/assessment.md).  One rating per case, whichever comes
	 * first. */
	{ CA_CALLBACK, "callback", "回访", S(CLOSED), -1, -1,
	  R(RECEPTIONIST) | R(SHIFT_LEADER), NEED_RATING,
	  GUARD_IN_AREA | GUARD_UNRATED_REPORTER },
	/* 核实不属实: the inspector sent to verify a report finds nothing
	 * there (gone, never was, or not what was said): the report ends
	 * as not filed, with the inspector's reason - the answer to the
	 * verification task as `verify` is its other answer. */
	{ CA_UNFOUNDED, "unfounded", "核实不属实", S(REPORTED), CS_REJECTED, -1,
	  R(INSPECTOR), NEED_REASON, GUARD_IN_AREA | GUARD_NEEDS_VERIFY },
};

const char *const case_ratings[CASE_RATING_COUNT] = {
	"satisfied", "basically_satisfied", "dissatisfied",
};
const char *const case_ratings_zh[CASE_RATING_COUNT] = {
	"满意", "基本满意", "不满意",
};

int case_rating_parse(const char *name)
{
	for (int i = 0; name && i < CASE_RATING_COUNT; i++)
		if (strcmp(case_ratings[i], name) == 0)
			return i;
	return -1;
}

int case_state_parse(const char *name)
{
	for (int i = 0; i < CS_COUNT; i++)
		if (strcmp(case_states[i].name, name) == 0)
			return i;
	return -1;
}

int case_action_parse(const char *name)
{
	for (int i = 0; i < CA_COUNT; i++)
		if (strcmp(case_transitions[i].name, name) == 0)
			return i;
	return -1;
}

int case_stage_parse(const char *name)
{
	for (int i = 0; i < STAGE_COUNT; i++)
		if (strcmp(case_stages[i].name, name) == 0)
			return i;
	return -1;
}

int case_state_terminal(int state)
{
	return state >= 0 && state < CS_COUNT &&
	       (CS_TERMINAL & CS_BIT(state)) != 0;
}

int case_next_state(enum case_action action, int state, int passed)
{
	const struct case_transition *t = &case_transitions[action];

	if (action == CA_CHECK && !passed)
		return t->to_failed;
	return t->to < 0 ? state : t->to;
}
