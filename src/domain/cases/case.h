/*
 * case.h - cases: intake, the actions of the life cycle, deadlines and the
 * traffic light, duplicates.
 *
 * Every change runs in one write transaction: read the case, check the
 * version the caller saw (optimistic locking), the state, the role, the
 * scope and the inputs against the workflow table (domain/cases/workflow.h),
 * write the new case row and one history event, commit.  Two dispatchers
 * acting at once on version N: one commits N+1, the other gets
 * UG_ECONFLICT — a case is never dispatched twice.
 */
#ifndef UG_CASE_H
#define UG_CASE_H

#include <stdint.h>

#include <jansson.h>

#include "domain/calendar/calendar.h"
#include "domain/calendar/workcal.h"
#include "domain/org/roles.h"
#include "domain/spatial/spatial.h"
#include "domain/cases/standards.h"
#include "domain/cases/workflow.h"
#include "store/org/org.h"
#include "store/cases/cases.h"

/* Where cases come from. */
enum case_source {
	SRC_INSPECTOR, /* 监督员上报 */
	SRC_PUBLIC,    /* 公众举报 */
	SRC_HOTLINE,   /* 12345 / 12319 热线 */
	SRC_LEADER,    /* 领导交办 */
	SRC_MEDIA,     /* 媒体曝光 */
	SRC_EXTERNAL,  /* another system through the API */
	SRC_COUNT
};

extern const char *const case_source_names[SRC_COUNT];
extern const char *const case_source_names_zh[SRC_COUNT];
/* Which roles may file under each source (ROLE_BIT()s). */
extern const unsigned case_source_roles[SRC_COUNT];
int case_source_parse(const char *name);

/* What the case module needs besides the database. */
struct case_env {
	const struct calendar *calendar; /* working time; must not be NULL */
	int32_t utc_offset;              /* of the city, for case numbers */
	double duplicate_radius_m;       /* default 30 */
	/* A report's point must lie in a unit grid or within this of one
	 * (default 2,000 m; serve --city-margin); with no grid loaded yet,
	 * in China's rough extent. */
	double city_margin_m;
	int64_t duplicate_window_s;      /* default 72 h */
	/* Locates reports with a point to their unit grid (may be NULL:
	 * then the place is the given area alone). */
	struct spatial *spatial;
};

/* Every field of *env set: the defaults above, the calendar given, no
 * grid index (spatial NULL). */
void case_env_defaults(struct case_env *env, const struct calendar *cal);

struct case_intake {
	const char *category;     /* 小类 code */
	const char *description;  /* 1-4000 characters */
	const char *source;       /* enum case_source name */
	const char *urgency;      /* urgent | pressing | normal */
	const char *address;      /* may be NULL */
	const char *area;         /* division code of the place, may be NULL:
				     then the reporter's own division */
	const char *component;    /* component identifier, may be NULL */
	const char *reporter_name;
	const char *reporter_phone;
	int has_location;
	double lon, lat;          /* WGS84 */
	/* Called inside the intake's write transaction once the case and its
	 * first event are written (may be NULL): the public channel adds its
	 * own row and the photos there, so a report is stored whole or not
	 * at all.  A non-zero return rolls the intake back. */
	int (*in_transaction)(struct db *db, const struct case_row *c,
			      void *ctx, struct ug_error *err);
	void *in_transaction_ctx;
};

/* Likely duplicates found at intake (ids and numbers, nearest first). */
#define CASE_DUPLICATES_MAX 10
struct case_duplicates {
	int n;
	int64_t id[CASE_DUPLICATES_MAX];
	char number[CASE_DUPLICATES_MAX][24];
	double distance_m[CASE_DUPLICATES_MAX];
};

/* The likely duplicates a report of `category` at (lon, lat) would have
 * (the rule of intake: open cases the actor sees, same 小类, within the
 * radius, reported within the window; nearest first) - asked while the
 * report is being written, before it is filed. */
int case_duplicates_near(struct db *db, const struct case_env *env,
			 const struct actor *a, const char *category,
			 double lon, double lat, int64_t now,
			 struct case_duplicates *out, struct ug_error *err);

/* File a new report.  Errors name the field (category, description,
 * source, urgency, area, lon/lat, reporter_phone).  The new case is read
 * back into *out; dups (may be NULL) receives the likely duplicates. */
int case_intake(struct db *db, const struct case_env *env,
		const struct actor *a, const struct case_intake *in,
		int64_t now, struct case_row *out,
		struct case_duplicates *dups, struct ug_error *err);

struct case_action_input {
	int64_t version;        /* the version the caller saw; required */
	const char *reason;
	const char *note;
	const char *department;
	int has_passed;
	int passed;
	int64_t target;         /* merge: the case to merge into */
	int64_t hours;          /* extend-request: hours asked for, working
				   or natural as the stage's limit counts */
	const char *inspector;  /* verify-assign: the inspector's username */
	const char *rating;     /* callback: satisfied, basically_satisfied
				   or dissatisfied */
};

/* Apply an action.  UG_ECONFLICT when the version moved on or the state
 * does not allow the action (the message names the current state),
 * UG_EFORBIDDEN for a role or scope that may not, UG_EINVAL naming a
 * missing input, UG_ENOTFOUND for an unknown case (or one outside the
 * caller's sight). */
int case_act(struct db *db, const struct case_env *env,
	     const struct actor *a, int64_t case_id, enum case_action action,
	     const struct case_action_input *in, int64_t now,
	     struct case_row *out, struct ug_error *err);

/* Due time of a standard's (amount, unit) limit from `start`. */
int case_limit_due(const struct calendar *cal, int64_t start,
		   const struct time_limit *l, int64_t *due,
		   struct ug_error *err);

/* Add an event to a case's history that changes nothing else: a
 * citizen's comment, a rating (action "comment", "rate"), with `data`
 * (may be NULL: {}; a rating's is {"rating": "satisfied"}, which the
 * assessment counts).  env gives the city's offset the assessment counts
 * in; it may be NULL for a line that counts nothing (a comment).  The
 * event's id is returned in *event_id (may be NULL).  Runs in the
 * caller's transaction if one is open. */
int case_annotate(struct db *db, const struct case_env *env,
		  const struct actor *a, const struct case_row *c,
		  const char *action, const char *note, json_t *data,
		  int64_t now, int64_t *event_id, struct ug_error *err);

/* Set c's area and its grid, community, street and district from a
 * division or grid code (codes nest: 110101 > 110101001 > ...). */
void case_set_place(struct case_row *c, const char *area);

/* May the actor see this case? (a case reader - below - for whom
 * actor_sees() its area, its department, or everything) */
int case_visible(const struct actor *a, const struct case_row *c);
/* The same for a case known by its area and department ("" for none). */
int case_in_sight(const struct actor *a, const char *area,
		  const char *department);
/* Whether the actor's work involves cases at all: the security admin's
 * is accounts, the auditor's the audit trail (三员分立) - neither sees a
 * case, whatever its scope. */
int case_reader(const struct actor *a);

struct case_locate_result {
	size_t located;   /* cases that got their grid */
	size_t outside;   /* still in no grid */
	size_t conflicts; /* the grid lies outside the case's area: left */
};

/*
 * Cases filed with a point before grids covered it get their grid,
 * community, street and district now (a new version and a `locate`
 * event by the actor "system" in their history).  A case whose area does
 * not contain the grid found is left as it is and counted.  Run after
 * grids are imported or generated (case_grids_apply(), place.h, runs it
 * in the grids' own transaction).  Each case is its own transaction (a
 * savepoint inside a caller's).  The point is looked up in the grids the
 * store has on db now, uncommitted ones included
 * (spatial_locate_stored()), not in an index in memory, which holds
 * committed grids only.  An error stops at the case it names (those
 * placed before it are kept unless the caller rolls back).
 */
int case_locate_pending(struct db *db, int64_t now,
			struct case_locate_result *res, struct ug_error *err);

struct case_follow_result {
	long examined; /* running working-time stages that cross a changed
			  date */
	long moved;    /* of those, deadlines that moved */
	long kept;     /* could not be recomputed: kept, with a history
			  line saying why */
};

/*
 * The holidays changed on `dates` (ascending local dates, days since
 * 1970-01-01; n of them): every open case whose working-time stage runs
 * across one of them gets its deadline again from the stage's start, its
 * limit and its approved extensions, by env->calendar (the calendar after
 * the change).  A deadline that moves is written with a new version and a
 * `recompute` event by "system" whose note starts with `why`.  Natural-
 * time stages do not depend on holidays and are left alone.  Runs in the
 * caller's write transaction; UG_ENOMEM / UG_EDB abort it.
 */
int case_deadlines_follow(struct db *db, const struct case_env *env,
			  const int32_t *dates, size_t n, const char *why,
			  int64_t now, struct case_follow_result *res,
			  struct ug_error *err);

/* Set again the moment each working-time case's light turns yellow
 * (warn_at) by env->calendar, in one write transaction; *updated counts
 * the rows that changed.  For a database upgraded from before schema 10,
 * whose migration could only set the natural-time value
 * (`urbangrid init` runs it). */
int case_warn_refresh(struct db *db, const struct case_env *env,
		      long *updated, struct ug_error *err);

/*
 * Overdue is a change in time, not an action: every running stage whose
 * deadline is at or before `now` and was not yet noted gets, once per
 * deadline, an `overdue` line in its history by "system" (its note says
 * the stage and the deadline; data: stage, deadline, late = seconds past
 * it when noted) - what the live streams, the notification hook and the
 * assessment read.  The case's version does not change (nobody acted on
 * it; an action under way is not refused for it).  A new deadline - a new
 * stage, an extension, moved holidays - is looked at again.  One write
 * transaction of at most CASE_OVERDUE_BATCH cases, the earliest due;
 * *noted counts the lines written: a full batch means there may be more,
 * to take in another call (the server's chores come back within a second
 * then, so a backlog - a server down over a long weekend - never holds
 * its main loop or the writers for long).
 */
#define CASE_OVERDUE_BATCH 200

int case_overdue_sweep(struct db *db, const struct case_env *env,
		       int64_t now, long *noted, struct ug_error *err);

/* case_deadlines_follow() as the calendar's follower: pass it to the
 * changes of domain/calendar/workcal.h so open deadlines follow. */
extern const struct workcal_follower case_calendar_follower;

/* The actions the actor may take on case c as it stands now, as
 * CA_BIT()s: the workflow table's rows that allow the actor's role, from
 * the case's state, whose guards the case passes - the very checks
 * case_act() makes, so a console shows exactly the buttons that will
 * work (an action may still fail on its inputs: a bad department, an
 * unknown merge target).  0 for a case the actor does not see. */
unsigned case_actions_allowed(const struct actor *a, const struct case_row *c);

/* Traffic light of the current stage at `now`: "green", "yellow" (at
 * least 80 % of the stage's time used), "red" (overdue) or "none" (no
 * clock runs).  Working-time limits are measured in working time. */
const char *case_light(const struct case_env *env, const struct case_row *c,
		       int64_t now);

/* 1 when the current stage's deadline counts a provisional holiday (a
 * statutory day by rule, its year's official schedule not yet loaded:
 * domain/calendar/workcal.h) between its start and its deadline, so that it may
 * move when the schedule arrives; else 0.  Natural-time stages never. */
int case_deadline_provisional(const struct case_env *env,
			      const struct case_row *c);

/* "13812345678" -> "138****5678"; other shapes keep the first 3 and last
 * 2 characters at most.  out holds 32 bytes. */
void case_mask_phone(const char *phone, char out[32]);

/* Roles that see whole phone numbers (to call the reporter back). */
int case_role_sees_phone(const struct actor *a);

/* Is the WGS84 point in the city: in a unit grid or within
 * env->city_margin_m of one (before any grid is loaded: in China's rough
 * extent)?  0, or UG_EINVAL naming `field`.  Reports and track points
 * (domain/patrol) both ask it. */
int case_point_in_city(const struct case_env *env, double lon, double lat,
		       const char *field, struct ug_error *err);

/* Great-circle distance in metres (haversine, mean Earth radius). */
double geo_distance_m(double lon1, double lat1, double lon2, double lat2);

#endif
