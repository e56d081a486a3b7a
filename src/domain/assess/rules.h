/*
 * rules.h - which history line counts what, for whom: the assessment's
 * definitions as one table (rules.c), read by the upkeep that runs as
 * each line is written and by the rebuild from the whole history
 * (domain/assess/assess.c), so that the two cannot disagree.
 *
 * A case's lines are read in order through a replay: struct assess_case
 * is what the lines so far say of the case (its place, its department,
 * who filed it, who dispatched it, whether it was returned), and
 * assess_replay_line() counts one line against it, then takes the line
 * into it.  Nothing here reads the database.
 */
#ifndef UG_ASSESS_RULES_H
#define UG_ASSESS_RULES_H

#include <stdint.h>

#include <jansson.h>

#include "store/assess/assess.h"

/* Counter names as columns and in 中文, by enum assess_counter. */
extern const char *const assess_counter_names[AC_COUNT];
extern const char *const assess_counter_names_zh[AC_COUNT];

/* The dimensions counted (assess_day.kind): four posts (a username),
 * then the department, the place and the category (a code).  The place
 * is the most precise division the case had: a grid, else a community
 * or a street.  Codes nest (110101 ⊃ 110101001 ⊃ 110101001001 ⊃
 * 110101001001003), so a grid, a community, a street or a district is
 * read as the range of place codes under it (assess_sum()): a line adds
 * to one place row, not four. */
enum assess_kind {
	AK_INSPECTOR,
	AK_RECEPTIONIST,
	AK_SHIFT_LEADER,
	AK_DISPATCHER,
	AK_DEPARTMENT,
	AK_PLACE,
	AK_CATEGORY,
	AK_COUNT
};
extern const char *const assess_kind_names[AK_COUNT];
int assess_kind_parse(const char *name);

/* Who a line is and what it holds, as the rules read it. */
struct assess_event {
	const struct assess_line *line;
	const char *department; /* dispatch: the department sent to */
	const char *inspector;  /* verify-assign: the inspector sent */
	const char *stage;      /* overdue: the stage; an action: the stage
				   it ended ("" if none) */
	const char *rating;     /* rate: satisfied | basically_satisfied |
				   dissatisfied */
	const char *area;       /* report: the place reported */
	const char *grid;       /* locate: the grid found */
	int has_deadline;       /* the ended stage's deadline is recorded */
	int64_t deadline;
	int has_passed, passed; /* check */
	/* file: the inspector whose beat held the case's place (a grid)
	 * at the line, read by the caller (domain/patrol's beats, through
	 * store/patrol) - NULL or "" when nobody's did. */
	const char *beat_inspector;
};

#define ASSESS_PERSON_MAX (USERNAME_MAX + 1)

/* What the lines so far say of a case. */
struct assess_case {
	int64_t id;
	char source[16];
	char category[CODE_MAX + 1];
	char created_by[ASSESS_PERSON_MAX];
	char place[CODE_MAX + 1];    /* the most precise division known */
	char department[CODE_MAX + 1];
	char filer[ASSESS_PERSON_MAX], filer_role[24];
	char dispatcher[ASSESS_PERSON_MAX], dispatcher_role[24];
	int returned;                /* ever returned (回退) */
};

/* Start the replay of a case from any of its lines (the case columns):
 * its place is the one it has now until a line says otherwise. */
void assess_case_start(struct assess_case *k, const struct assess_line *l);

/* Called once per (dimension, counter) a line counts. */
typedef int (*assess_count_cb)(void *ctx, enum assess_kind kind,
			       const char *code, enum assess_counter counter);

/* 1 when lines of `action` count something (the upkeep reads nothing
 * for the others), else 0. */
int assess_action_counts(const char *action);
/* 1 when lines of `action` count or change the replay (a case located
 * later counts where it is found from then on), else 0. */
int assess_action_matters(const char *action);

/* Read line l into *e: its JSON is parsed into *json (NULL when the
 * action needs none of it, or it does not parse: then it says nothing),
 * which the caller json_decref()s when done with *e. */
void assess_event_read(const struct assess_line *l, struct assess_event *e,
		       json_t **json);

/* Count line e against case k (when `count` is set: cb for each counter
 * and dimension), then take it into k.  Returns cb's first non-zero
 * answer, else 0. */
int assess_replay_line(struct assess_case *k, const struct assess_event *e,
		       int count, assess_count_cb cb, void *ctx);

/* 1 if the line ended its stage in time: at or before the deadline in
 * force, or with no clock running (the case was hung). */
int assess_on_time(const struct assess_event *e);

#endif
