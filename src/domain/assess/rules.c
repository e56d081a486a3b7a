/*
 * rules.c - the assessment's definitions: the table of which history line
 * counts which counter for which dimensions, and the replay of a case's
 * lines that reads it (see rules.h; docs/assessment.md says the same in
 * words, counter by counter).
 */
#include "domain/assess/rules.h"

#include <stdio.h>
#include <string.h>

#include "lib/iso8601.h"
#include "lib/util.h"

#define NAME(name, zh) #name,
#define NAME_ZH(name, zh) zh,
const char *const assess_counter_names[AC_COUNT] = { ASSESS_COUNTERS(NAME) };
const char *const assess_counter_names_zh[AC_COUNT] = {
	ASSESS_COUNTERS(NAME_ZH)
};
#undef NAME
#undef NAME_ZH

/* The post kinds are the roles' own names (domain/org/roles.c). */
const char *const assess_kind_names[AK_COUNT] = {
	"inspector", "receptionist", "shift_leader", "dispatcher",
	"department", "place", "category",
};

int assess_kind_parse(const char *name)
{
	for (int i = 0; i < AK_COUNT; i++)
		if (strcmp(assess_kind_names[i], name) == 0)
			return i;
	return -1;
}

/* Whose post a counter also counts for. */
enum who {
	WHO_NONE,
	WHO_ACTOR,      /* who wrote the line, by its role */
	WHO_REPORTER,   /* the inspector who reported the case */
	WHO_ASSIGNEE,   /* the inspector a verification was sent to */
	WHO_FILER,      /* who filed the case (立案) */
	WHO_DISPATCHER, /* who made the case's last dispatch */
	WHO_BEAT,       /* the inspector whose beat held the place then */
};

/* Conditions on the line and the case, all of which must hold. */
enum when {
	IF_ON_TIME = 1 << 0,         /* assess_on_time() */
	IF_SOURCE_INSPECTOR = 1 << 1, /* an inspector's own report */
	IF_SOURCE_OTHER = 1 << 2,    /* reported by anyone else */
	IF_PASSED = 1 << 3,          /* a check that passed */
	IF_FAILED = 1 << 4,          /* a check that failed (rework) */
	IF_STAGE_HANDLE = 1 << 5,    /* the handling stage's deadline */
	IF_WAS_FILED = 1 << 6,       /* the case had been filed */
	IF_NEVER_RETURNED = 1 << 7,  /* no department ever returned it */
	IF_SATISFIED = 1 << 8,       /* rated 满意 */
	IF_BASICALLY = 1 << 9,       /* rated 基本满意 */
	IF_DISSATISFIED = 1 << 10,   /* rated 不满意 */
	IF_SOURCE_PUBLIC = 1 << 11,  /* a citizen's (public channel, Open311)
					or the hotline's report */
};

/* The dimensions a counter counts in besides the post. */
enum dims {
	D_PLACE = 1 << 0,      /* the place: its grid, community, street and
				  district read it as a range of codes */
	D_CATEGORY = 1 << 1,
	D_DEPARTMENT = 1 << 2, /* the case's department at the line */
};
#define D_AREA (D_PLACE | D_CATEGORY)
#define D_ALL (D_PLACE | D_CATEGORY | D_DEPARTMENT)

struct rule {
	const char *action;  /* case_event.action */
	unsigned when;       /* enum when */
	enum assess_counter counter;
	enum who who;
	unsigned dims;       /* enum dims */
};

#define R(action, when, counter, who, dims) \
	{ action, when, AC_##counter, WHO_##who, dims }

/* The definitions.  Every counter counts in the local day of its line;
 * docs/assessment.md is this table in words. */
static const struct rule rules[] = {
	R("report", 0, reported, ACTOR, D_AREA),
	R("file", 0, filed, ACTOR, D_AREA),
	R("file", IF_ON_TIME, filed_on_time, ACTOR, D_AREA),
	R("file", IF_SOURCE_INSPECTOR, valid_reported, REPORTER, D_AREA),
	R("file", IF_SOURCE_OTHER, valid_public, NONE, D_AREA),
	R("file", IF_SOURCE_PUBLIC, missed, BEAT, 0),
	R("reject", 0, rejected, ACTOR, D_AREA),
	R("merge", 0, merged, ACTOR, D_AREA),
	R("void", 0, voided, ACTOR, D_ALL),
	R("void", IF_WAS_FILED, filed_voided, FILER, 0),
	R("verify-assign", 0, verify_sent, ACTOR, D_AREA),
	R("verify-assign", IF_ON_TIME, verify_sent_on_time, ACTOR, D_AREA),
	R("verify-assign", 0, verify_assigned, ASSIGNEE, 0),
	R("verify", 0, verified, ACTOR, D_AREA),
	R("verify", IF_ON_TIME, verified_on_time, ACTOR, D_AREA),
	/* 核实不属实 answers the verification task as well. */
	R("unfounded", 0, verified, ACTOR, D_AREA),
	R("unfounded", IF_ON_TIME, verified_on_time, ACTOR, D_AREA),
	R("dispatch", 0, dispatched, ACTOR, D_ALL),
	R("dispatch", IF_ON_TIME, dispatched_on_time, ACTOR, D_ALL),
	R("dispatch", 0, to_handle, NONE, D_ALL),
	R("return", 0, returned, DISPATCHER, D_ALL),
	R("extend-approve", 0, extended, NONE, D_ALL),
	R("hang", 0, hung, NONE, D_ALL),
	R("handle", 0, handled, NONE, D_ALL),
	R("handle", IF_ON_TIME, handled_on_time, NONE, D_ALL),
	R("handle", 0, check_sent, NONE, D_AREA),
	R("overdue", IF_STAGE_HANDLE, overdue, NONE, D_ALL),
	R("check", 0, checked, ACTOR, D_AREA),
	R("check", IF_ON_TIME, checked_on_time, ACTOR, D_AREA),
	R("check", IF_FAILED, rework, NONE, D_ALL),
	R("check", IF_FAILED, to_handle, NONE, D_ALL),
	R("check", IF_PASSED, to_close, NONE, D_ALL),
	R("close", 0, closed, ACTOR, D_ALL),
	R("close", IF_ON_TIME, closed_on_time, ACTOR, D_ALL),
	R("close", IF_NEVER_RETURNED, dispatched_correctly, DISPATCHER, D_ALL),
	R("rate", IF_SATISFIED, satisfied, NONE, D_ALL),
	R("rate", IF_BASICALLY, basically_satisfied, NONE, D_ALL),
	R("rate", IF_DISSATISFIED, dissatisfied, NONE, D_ALL),
	/* 回访: the rating a receptionist took by phone counts as the
	 * reporter's own (a case has one or the other, never both). */
	R("callback", IF_SATISFIED, satisfied, NONE, D_ALL),
	R("callback", IF_BASICALLY, basically_satisfied, NONE, D_ALL),
	R("callback", IF_DISSATISFIED, dissatisfied, NONE, D_ALL),
};
#undef R

/* Lines that change the replay without counting themselves. */
static const char *const replay_only[] = { "locate" };

int assess_action_counts(const char *action)
{
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		if (strcmp(rules[i].action, action) == 0)
			return 1;
	return 0;
}

int assess_action_matters(const char *action)
{
	if (assess_action_counts(action))
		return 1;
	for (size_t i = 0; i < sizeof replay_only / sizeof *replay_only; i++)
		if (strcmp(replay_only[i], action) == 0)
			return 1;
	return 0;
}

void assess_case_start(struct assess_case *k, const struct assess_line *l)
{
	memset(k, 0, sizeof *k);
	k->id = l->case_id;
	UG_COPY(k->source, l->source);
	UG_COPY(k->category, l->category);
	UG_COPY(k->created_by, l->created_by);
	UG_COPY(k->place, l->area);
}

/* ---- one line ---------------------------------------------------------- */

static const char *text_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

void assess_event_read(const struct assess_line *l, struct assess_event *e,
		       json_t **json)
{
	json_t *d = NULL, *passed;
	const char *deadline;

	memset(e, 0, sizeof *e);
	e->line = l;
	e->department = e->inspector = e->stage = e->rating = e->area =
		e->grid = "";
	if (l->data && strcmp(l->data, "{}") != 0 &&
	    assess_action_matters(l->action))
		d = json_loads(l->data, 0, NULL);
	*json = d;
	if (!json_is_object(d))
		return;
	e->department = text_of(d, "department");
	e->inspector = text_of(d, "inspector");
	e->stage = text_of(d, "stage");
	e->rating = text_of(d, "rating");
	e->area = text_of(d, "area");
	e->grid = text_of(d, "grid");
	deadline = json_string_value(json_object_get(d, "deadline"));
	e->has_deadline = deadline && iso8601_parse(deadline, &e->deadline) == 0;
	passed = json_object_get(d, "passed");
	e->has_passed = json_is_boolean(passed);
	e->passed = json_is_true(passed);
}

int assess_on_time(const struct assess_event *e)
{
	if (strcmp(e->line->from_state, "hung") == 0)
		return 1;
	return e->has_deadline && e->line->at <= e->deadline;
}

static int holds(unsigned when, const struct assess_case *k,
		 const struct assess_event *e)
{
	int inspector = strcmp(k->source, "inspector") == 0;

	return !((when & IF_ON_TIME) && !assess_on_time(e)) &&
	       !((when & IF_SOURCE_INSPECTOR) && !inspector) &&
	       !((when & IF_SOURCE_OTHER) && inspector) &&
	       !((when & IF_SOURCE_PUBLIC) && strcmp(k->source, "public") &&
		 strcmp(k->source, "hotline")) &&
	       !((when & IF_PASSED) && !(e->has_passed && e->passed)) &&
	       !((when & IF_FAILED) && !(e->has_passed && !e->passed)) &&
	       !((when & IF_STAGE_HANDLE) && strcmp(e->stage, "handle")) &&
	       !((when & IF_WAS_FILED) && !k->filer[0]) &&
	       !((when & IF_NEVER_RETURNED) && k->returned) &&
	       !((when & IF_SATISFIED) && strcmp(e->rating, "satisfied")) &&
	       !((when & IF_BASICALLY) &&
		 strcmp(e->rating, "basically_satisfied")) &&
	       !((when & IF_DISSATISFIED) && strcmp(e->rating, "dissatisfied"));
}

/* The post kind of a role's name, or -1 for roles that are not posts
 * assessed (handlers count through their department). */
static int post_kind(const char *role)
{
	int k = assess_kind_parse(role ? role : "");

	return k >= 0 && k <= AK_DISPATCHER ? k : -1;
}

/* The person a rule names: its kind (or -1: nobody) and username. */
static int person(enum who who, const struct assess_case *k,
		  const struct assess_event *e, const char **code)
{
	switch (who) {
	case WHO_ACTOR:
		*code = e->line->actor;
		return post_kind(e->line->actor_role);
	case WHO_REPORTER:
		*code = k->created_by;
		return strcmp(k->source, "inspector") == 0 ? AK_INSPECTOR : -1;
	case WHO_ASSIGNEE:
		*code = e->inspector;
		return *e->inspector ? AK_INSPECTOR : -1;
	case WHO_FILER:
		*code = k->filer;
		return post_kind(k->filer_role);
	case WHO_DISPATCHER:
		*code = k->dispatcher;
		return post_kind(k->dispatcher_role);
	case WHO_BEAT:
		*code = e->beat_inspector ? e->beat_inspector : "";
		return **code ? AK_INSPECTOR : -1;
	case WHO_NONE:
		break;
	}
	return -1;
}

static int count(const struct assess_case *k, const struct assess_event *e,
		 assess_count_cb cb, void *ctx)
{
	/* The department the line is about: the one a dispatch sends to,
	 * else the case's (a return: the one giving it back). */
	const char *dept = strcmp(e->line->action, "dispatch") == 0
				   ? e->department
				   : k->department;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof rules / sizeof *rules; i++) {
		const struct rule *r = &rules[i];
		const char *code = "";
		int kind;

		if (strcmp(r->action, e->line->action) != 0 ||
		    !holds(r->when, k, e))
			continue;
		kind = person(r->who, k, e, &code);
		if (kind >= 0 && *code)
			rc = cb(ctx, kind, code, r->counter);
		if (rc == 0 && (r->dims & D_PLACE) && k->place[0])
			rc = cb(ctx, AK_PLACE, k->place, r->counter);
		if (rc == 0 && (r->dims & D_CATEGORY) && k->category[0])
			rc = cb(ctx, AK_CATEGORY, k->category, r->counter);
		if (rc == 0 && (r->dims & D_DEPARTMENT) && *dept)
			rc = cb(ctx, AK_DEPARTMENT, dept, r->counter);
	}
	return rc;
}

int assess_replay_line(struct assess_case *k, const struct assess_event *e,
		       int counting, assess_count_cb cb, void *ctx)
{
	const struct assess_line *l = e->line;
	const char *a = l->action;
	int rc = 0;

	/* The place first: a report counts where it was reported. */
	if (strcmp(a, "report") == 0 && *e->area)
		UG_COPY(k->place, e->area);
	else if (strcmp(a, "locate") == 0 && *e->grid)
		UG_COPY(k->place, e->grid);
	if (counting && (rc = count(k, e, cb, ctx)))
		return rc;
	if (strcmp(a, "file") == 0) {
		UG_COPY(k->filer, l->actor);
		UG_COPY(k->filer_role, l->actor_role);
	} else if (strcmp(a, "dispatch") == 0) {
		UG_COPY(k->department, e->department);
		UG_COPY(k->dispatcher, l->actor);
		UG_COPY(k->dispatcher_role, l->actor_role);
	} else if (strcmp(a, "return") == 0) {
		k->department[0] = '\0';
		k->returned = 1;
	}
	return 0;
}
