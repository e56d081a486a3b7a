/*
 * workflow.h - the case life cycle as a table: states, actions, and which
 * action may move a case from which state, by which role, with which
 * inputs.
 *
 *   reported ─verify→ verified ─file→ filed ─dispatch→ dispatched
 *      │  └──────────file─────────┘ │        ↑   │  │ └return→ returned ─dispatch┘
 *      └reject / merge / void       │        │   │  └hang→ hung ─handle┐
 *                                   │        │   └───────unhang─┘      │
 *                                   │   check(failed: rework)  handle  │
 *                                   │        │   ↓                     ↓
 *                                   │      handled ←───────────────────┘
 *                                   │        └check(passed)→ checked ─close→ closed
 *   any open state ─void→ void; extend-request/approve/deny, supervise and
 *   remind keep the state; so does verify-assign (核实派遣: a report to be
 *   verified is given to an inspector of its place, whose verification
 *   clock starts).
 *
 * The table is the single source of truth: the API, the docs and the tests
 * read it.  Guards that need the case's data (its department, its area, a
 * pending extension) are checked by the case module (domain/cases/case.c) from
 * the flags here.
 */
#ifndef UG_WORKFLOW_H
#define UG_WORKFLOW_H

#include "domain/org/roles.h"

enum case_state {
	CS_REPORTED,   /* 上报: waiting to be verified or filed */
	CS_VERIFIED,   /* 核实: confirmed on site by an inspector */
	CS_FILED,      /* 立案: accepted, waiting for dispatch */
	CS_REJECTED,   /* 不予立案 (terminal) */
	CS_DISPATCHED, /* 派遣: with a department, being handled */
	CS_RETURNED,   /* 回退: the department says it is not theirs */
	CS_HUNG,       /* 挂账: long-running work approved, clock stopped */
	CS_HANDLED,    /* 处置反馈: the department reports it done */
	CS_CHECKED,    /* 核查通过: an inspector confirmed on site */
	CS_CLOSED,     /* 结案 (terminal) */
	CS_VOID,       /* 作废 (terminal) */
	CS_MERGED,     /* 合并: a duplicate report merged into another case
			  (terminal) */
	CS_COUNT
};

#define CS_BIT(s) (1u << (s))
#define CS_TERMINAL \
	(CS_BIT(CS_REJECTED) | CS_BIT(CS_CLOSED) | CS_BIT(CS_VOID) | \
	 CS_BIT(CS_MERGED))
#define CS_OPEN (((1u << CS_COUNT) - 1) & ~CS_TERMINAL)

/* The stages whose time limits a filing standard sets (受理, 核实, 立案,
 * 派遣, 处置, 核查, 结案). */
enum case_stage {
	STAGE_ACCEPT,   /* 受理 */
	STAGE_VERIFY,   /* 核实 */
	STAGE_FILE,     /* 立案 */
	STAGE_DISPATCH, /* 派遣 */
	STAGE_HANDLE,   /* 处置 */
	STAGE_CHECK,    /* 核查 */
	STAGE_CLOSE,    /* 结案 */
	STAGE_COUNT,
	STAGE_NONE = -1 /* no clock runs (terminal, hung) */
};

struct case_state_info {
	const char *name;    /* API string */
	const char *name_zh;
	int stage;           /* enum case_stage whose clock runs, or STAGE_NONE */
};

extern const struct case_state_info case_states[CS_COUNT];

struct case_stage_info {
	const char *name;    /* API string */
	const char *name_zh;
};

extern const struct case_stage_info case_stages[STAGE_COUNT];

enum case_action {
	CA_VERIFY,
	CA_FILE,
	CA_REJECT,
	CA_DISPATCH,
	CA_RETURN,
	CA_HANDLE,
	CA_CHECK,
	CA_CLOSE,
	CA_EXTEND_REQUEST,
	CA_EXTEND_APPROVE,
	CA_EXTEND_DENY,
	CA_HANG,
	CA_VOID,
	CA_SUPERVISE,
	CA_REMIND,
	CA_MERGE,
	CA_VERIFY_ASSIGN,
	CA_UNHANG,
	CA_CALLBACK,
	CA_UNFOUNDED,
	CA_COUNT
};

/* What an action needs besides the case version. */
enum action_need {
	NEED_REASON = 1 << 0,     /* "reason": non-empty text */
	NEED_DEPARTMENT = 1 << 1, /* "department": a department code */
	NEED_PASSED = 1 << 2,     /* "passed": boolean */
	NEED_TARGET = 1 << 3,     /* "target": the case to merge into */
	NEED_HOURS = 1 << 4,      /* "hours": extension length, in the
				     unit of the stage's limit */
	NEED_NOTE = 1 << 5,       /* "note": non-empty text */
	NEED_INSPECTOR = 1 << 6,  /* "inspector": the username of an
				     inspector of the case's place */
	NEED_RATING = 1 << 7      /* "rating": satisfied,
				     basically_satisfied or dissatisfied */
};
#define NEED_COUNT 8
/* The input field each need bit names ("reason", ...), by bit position. */
extern const char *const case_need_names[NEED_COUNT];

/* Guards the case module checks against the case's data.  Every action
 * first needs the case to be in the actor's sight (case_visible(): its
 * area, or its department for a department's user; else UG_ENOTFOUND);
 * the guards narrow that. */
enum action_guard {
	GUARD_OWN_DEPARTMENT = 1 << 0, /* a handler acts only on cases
					  dispatched to its department */
	GUARD_IN_AREA = 1 << 1,        /* area staff act only inside their
					  area */
	GUARD_EXT_PENDING = 1 << 2,    /* an extension request is pending */
	GUARD_NO_EXT_PENDING = 1 << 3, /* no extension request is pending */
	GUARD_SELF_VERIFIED = 1 << 4,  /* from CS_REPORTED only when the
					  report needs no verification
					  (an inspector's own report) */
	GUARD_NEEDS_VERIFY = 1 << 5,   /* only a report that must be
					  verified on site (not an
					  inspector's own) */
	GUARD_UNRATED_REPORTER = 1 << 6 /* a reporter to call (a phone)
					  who has not rated the case, and
					  no callback yet */
};

struct case_transition {
	enum case_action action;
	const char *name;    /* API string: "extend-request" */
	const char *name_zh;
	unsigned from;       /* CS_BIT()s the action is allowed from */
	int to;              /* new state, or -1: state unchanged */
	int to_failed;       /* for check with passed=false: the rework state */
	unsigned roles;      /* ROLE_BIT()s allowed */
	unsigned needs;      /* enum action_need bits */
	unsigned guards;     /* enum action_guard bits */
};

extern const struct case_transition case_transitions[CA_COUNT];

/* The satisfaction a closed case may be given (群众满意): the API's
 * words and the Chinese ones, and the index of a word (-1 if none). */
#define CASE_RATING_COUNT 3
extern const char *const case_ratings[CASE_RATING_COUNT];
extern const char *const case_ratings_zh[CASE_RATING_COUNT];
int case_rating_parse(const char *name);

#define CA_BIT(a) (1u << (a))

/* Lookups by API string; -1 when unknown. */
int case_state_parse(const char *name);
int case_action_parse(const char *name);
int case_stage_parse(const char *name);

/* 1 if the state is terminal (no more actions but none). */
int case_state_terminal(int state);

/* The state after `action` from `state`: the table's `to`, or `state`
 * when the action keeps it, or to_failed for a failed check. */
int case_next_state(enum case_action action, int state, int passed);

#endif
