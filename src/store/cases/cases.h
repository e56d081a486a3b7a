/*
 * cases.h - storage of the classification and filing standards, cases and
 * their history, attachments and dispatch routing (store/cases/: categories.c,
 * cases.c, attachments.c, routing.c).
 * Conventions in store/common.h.
 */
#ifndef UG_STORE_CASES_H
#define UG_STORE_CASES_H

#include "store/common.h"
#include "store/org/org.h"

/* ---- classification and filing standards (store/cases/categories.c) ----- */

#define CONDITION_MAX_BYTES 4000 /* 1000 characters */

struct category {
	char code[CODE_MAX + 1];
	char major[CODE_MAX + 1];
	char major_name[NAME_MAX_BYTES + 1];
	char kind[16]; /* "component" | "event" */
	char name[NAME_MAX_BYTES + 1];
	int standard;  /* 1 national, 0 local */
	int public_;   /* open to public reporting */
	char name_en[NAME_MAX_BYTES + 1];       /* "" if none */
	char major_name_en[NAME_MAX_BYTES + 1]; /* "" if none */
};

struct case_standard {
	int64_t id;
	char category[CODE_MAX + 1];
	int version;
	char filing_condition[CONDITION_MAX_BYTES + 1];
	char closing_condition[CONDITION_MAX_BYTES + 1];
	char department_type[CODE_MAX + 1];
	int64_t created_at;
	char created_by[USERNAME_MAX + 1];
};

struct stage_limit_row {
	char urgency[16];
	char stage[16];
	int64_t amount;
	char unit[4];
};

typedef int (*store_category_cb)(void *ctx, const struct category *c);
typedef int (*store_limit_cb)(void *ctx, const struct stage_limit_row *l);

int store_category_major_upsert(struct db *db, const char *code,
				const char *kind, const char *name,
				struct ug_error *err);
/* Insert or update a category; `standard` rows overwrite names (the
 * national table's), never the public flag a city chose. */
int store_category_upsert(struct db *db, const struct category *c,
			  int64_t now, struct ug_error *err);
/* Set the English name of a major or minor class; UG_ENOTFOUND if
 * neither has that code. */
int store_category_set_name_en(struct db *db, const char *code,
			       const char *name_en, struct ug_error *err);
/* Open or close a category to public reporting. */
int store_category_set_public(struct db *db, const char *code, int public_,
			      struct ug_error *err);
/* Write c->name and c->public_ to category c->code; UG_ENOTFOUND
 * naming "code" when there is none. */
int store_category_edit(struct db *db, const struct category *c,
			struct ug_error *err);
int store_category_get(struct db *db, const char *code, struct category *c,
		       struct ug_error *err);
/* All categories ordered by code, with their major's name and kind. */
int store_category_list(struct db *db, store_category_cb cb, void *ctx,
			struct ug_error *err);
int store_category_major_get(struct db *db, const char *code, char kind[16],
			     char name[NAME_MAX_BYTES + 1],
			     struct ug_error *err);

/* The newest version of the standard of a category (UG_ENOTFOUND if
 * none), or a given one by id. */
int store_standard_current(struct db *db, const char *category,
			   struct case_standard *s, struct ug_error *err);
int store_standard_by_id(struct db *db, int64_t id, struct case_standard *s,
			 struct ug_error *err);
/* Insert a new version (s->version is set to the next number) and return
 * its id in s->id. */
int store_standard_insert(struct db *db, struct case_standard *s,
			  struct ug_error *err);
int store_standard_limit_insert(struct db *db, int64_t standard_id,
				const struct stage_limit_row *l,
				struct ug_error *err);
int store_standard_limits(struct db *db, int64_t standard_id,
			  store_limit_cb cb, void *ctx, struct ug_error *err);

/* ---- cases (store/cases/cases.c) */

#define DESCRIPTION_MAX_BYTES 16000 /* 4000 characters */
#define ADDRESS_MAX_BYTES 1024      /* 256 characters */
#define NOTE_MAX_BYTES 8000         /* 2000 characters */

/* One case as stored.  Enumerations are kept as their API strings. */
struct case_row {
	int64_t id;
	char number[24];
	int64_t version;
	char state[16];
	char source[16];
	char category[CODE_MAX + 1];
	int64_t standard_id;
	char urgency[16];
	int priority;
	char description[DESCRIPTION_MAX_BYTES + 1];
	char address[ADDRESS_MAX_BYTES + 1];
	int has_location;
	double lon, lat;
	char grid[CODE_MAX + 1];
	char community[CODE_MAX + 1];
	char street[CODE_MAX + 1];
	char district[CODE_MAX + 1];
	char area[CODE_MAX + 1]; /* the most precise division known */
	char component[CODE_MAX + 1];
	char reporter_name[NAME_MAX_BYTES + 1];
	char reporter_phone[32];
	char department[CODE_MAX + 1];
	char stage[16];             /* "" when no clock runs */
	char clock[8];              /* "natural" | "working" | "" */
	int64_t stage_started_at;   /* 0 when no clock runs */
	int64_t deadline;           /* 0 when no clock runs */
	int64_t warn_at;            /* the light turns yellow (80 % of the
				       stage's time used); 0 with deadline */
	char assignee[USERNAME_MAX + 1]; /* the inspector sent to verify
				       (verify-assign), "" if none */
	int64_t overdue_at;         /* when the running stage's passing of
				       its deadline was recorded; 0: not
				       (yet), and with every new deadline */
	char rating[24];            /* the satisfaction recorded once
				       closed (the reporter's or a
				       callback's), "" if none */
	int rework_count;
	int64_t extension_hours;    /* pending request, 0 if none */
	int64_t merged_into;        /* 0 if none */
	char created_by[USERNAME_MAX + 1];
	int64_t created_at, updated_at, closed_at;
};

struct case_event_row {
	int64_t id;
	int64_t case_id;
	int64_t at;
	char actor[USERNAME_MAX + 1];
	char actor_role[24];
	char action[24];
	char from_state[16];
	char to_state[16];
	char note[NOTE_MAX_BYTES + 1];
	char data[NOTE_MAX_BYTES + 1]; /* JSON text */
};

/* Filters of a case list; empty strings / zero mean "any". */
struct case_filter {
	const char *states[16];   /* NULL-terminated list, or states[0] NULL */
	const char *category;
	const char *area_prefix;  /* district / street / community / grid */
	const char *department;
	const char *source;       /* enum case_source name */
	const char *assignee;     /* the inspector a verification is with */
	const char *light;        /* red | yellow | green | none, at now */
	const char *q;            /* substring of description/address/number */
	int overdue;              /* deadline < now */
	int64_t now;
	int64_t from, to;         /* created_at range, 0 = open */
	/* the caller's scope, applied on top */
	const char *scope_area;   /* prefix, or NULL */
	const char *scope_department; /* or NULL */
	int extension_pending;    /* an extension request waits */
	int supervised;           /* supervised (督办): priority > 0 */
	int by_deadline;          /* earliest deadline first (else newest) */
	/* nearest first to (near_lon, near_lat), WGS84, when `near` is set
	 * (wins over by_deadline); cases without a point last.  The domain
	 * sets near_lon_scale = cos(near_lat), so that the store orders by
	 * the plane distance of a city's size without trigonometry in SQL. */
	int near;
	double near_lon, near_lat, near_lon_scale;
	int open_only;            /* every state in states[] is open (not
				     closed, rejected, void, merged): read
				     the open cases' index alone */
	int guarded;              /* tests: state every term behind its
				     switch, the form the store falls back
				     to past db_intern's bound (cases.c) */
	int64_t limit, offset;
};

typedef int (*store_case_cb)(void *ctx, const struct case_row *c);
typedef int (*store_case_event_cb)(void *ctx, const struct case_event_row *e);

/* Next case number of `day` ("20261123"): "2026112300001".  Call inside
 * the write transaction that inserts the case. */
int store_case_next_number(struct db *db, const char *day, char out[24],
			   struct ug_error *err);
/* For a batch that numbers its own cases (an import, holding the write
 * transaction): the last number given on `day` (0: none yet), then the
 * batch's last, written back once before it commits. */
int store_case_number_last(struct db *db, const char *day, int64_t *last,
			   struct ug_error *err);
int store_case_number_set(struct db *db, const char *day, int64_t last,
			  struct ug_error *err);
/* Case number n of `day` into out: "2026112300001"; UG_ELIMIT past the
 * day's 99,999th. */
int store_case_number_format(const char *day, int64_t n, char out[24],
			     struct ug_error *err);
int store_case_insert(struct db *db, struct case_row *c,
		      struct ug_error *err); /* sets c->id */
/* store_case_insert() for a case imported from another system, which
 * keeps the id it had there (`source_ref`, unique: a second insert of
 * the same one fails with UG_EDB - ask store_case_ref_exists() first).
 * The batch gives c->id itself: from store_case_next_id() on, one up
 * each case, while it holds the write transaction (no id read back). */
int store_case_insert_imported(struct db *db, const struct case_row *c,
			       const char *source_ref, struct ug_error *err);
/* The id after the highest a case has: where a batch's own ids start. */
int store_case_next_id(struct db *db, int64_t *next, struct ug_error *err);
/* 1 if a case imported with that source_ref exists, 0 if not, <0. */
int store_case_ref_exists(struct db *db, const char *source_ref,
			  struct ug_error *err);
/* Give the connection the page cache of a bulk write of cases (on: up to
 * 512 MiB, used only as pages are touched) or its usual one (off). */
int store_case_bulk(struct db *db, int on, struct ug_error *err);
/* In a write transaction, before and after a bulk write of cases and
 * history lines: the indexes that are not unique are dropped (off), then
 * built again from their definitions by sorting (on) - far quicker than
 * inserting each row at random places in ten of them.  A rollback
 * brings them back as they were. */
int store_case_bulk_indexes_off(struct db *db, struct ug_error *err);
int store_case_bulk_indexes_on(struct db *db, struct ug_error *err);
int store_case_get(struct db *db, int64_t id, struct case_row *c,
		   struct ug_error *err);
/* Write every mutable column of c where id = c->id and version =
 * expected; UG_ECONFLICT when the version moved on. */
int store_case_update(struct db *db, const struct case_row *c,
		      int64_t expected_version, struct ug_error *err);
int store_case_list(struct db *db, const struct case_filter *f,
		    store_case_cb cb, void *ctx, int64_t *total,
		    struct ug_error *err);
/* The located cases matching f (id order, at most `limit`): id, WGS84
 * point and light at f->now, to cb. */
typedef int (*store_case_point_cb)(void *ctx, int64_t id, double lon,
				   double lat, const char *light);
int store_case_points(struct db *db, const struct case_filter *f,
		      int64_t limit, store_case_point_cb cb, void *ctx,
		      struct ug_error *err);

/* A history line with what its case is now: what a live stream of
 * changes says.  The strings live until the callback returns. */
struct case_change {
	int64_t id;           /* the history line's (case_event.id) */
	int64_t case_id;
	int64_t at;
	const char *action, *actor, *actor_role;
	const char *number, *state, *department, *area; /* the case now */
	const char *data;     /* the line's own JSON ("department" of a
				 dispatch or a return, ...) */
};
typedef int (*store_case_change_cb)(void *ctx, const struct case_change *c);

/* The history lines after id `after`, in order, at most `limit`. */
int store_case_changes(struct db *db, int64_t after, int64_t limit,
		       store_case_change_cb cb, void *ctx,
		       struct ug_error *err);
/* The id of the latest history line (0 with none). */
int store_case_event_latest(struct db *db, int64_t *id, struct ug_error *err);

/* The cases matching f counted by state - or by department ("" for
 * none) - and light (at f->now), one cb(ctx, key, light, n) per pair
 * that has any. */
typedef int (*store_case_stat_cb)(void *ctx, const char *key,
				  const char *light, int64_t n);
int store_case_stats(struct db *db, const struct case_filter *f,
		     int by_department, store_case_stat_cb cb, void *ctx,
		     struct ug_error *err);
/* Record the satisfaction of case id once (a reporter's rating; a
 * callback's goes through the case's own update): UG_ECONFLICT naming
 * "rating" when the case has one already. */
int store_case_set_rating(struct db *db, int64_t id, const char *rating,
			  struct ug_error *err);
int store_case_event_insert(struct db *db, struct case_event_row *e,
			    struct ug_error *err); /* sets e->id */
/* The same for a bulk writer that needs no id back (e->id untouched):
 * no RETURNING to run. */
int store_case_event_insert_bulk(struct db *db, const struct case_event_row *e,
				 struct ug_error *err);
int store_case_events(struct db *db, int64_t case_id, store_case_event_cb cb,
		      void *ctx, struct ug_error *err);
/* Open cases of `category` created since `since` whose location lies in
 * the box [lon0,lon1] x [lat0,lat1] (the caller refines by distance). */
/* Ids of cases with a point but no grid (filed before grids covered their
 * place), in id order. */
typedef int (*store_case_id_cb)(void *ctx, int64_t id);
int store_cases_unlocated(struct db *db, store_case_id_cb cb, void *ctx,
			  struct ug_error *err);
/* Ids of cases whose working-time clock runs over part of [from, to]
 * (UTC seconds): deadline >= from and stage_started_at <= to, in id
 * order. */
/* Set the moment case `id`'s light turns yellow (a value derived from
 * the deadline and the calendar: no version change). */
int store_case_set_warn(struct db *db, int64_t id, int64_t warn_at,
			struct ug_error *err);
/* Record that case `id`'s stage with `deadline` went overdue at `at`
 * (a derived value: no version change); -UG_ENOTFOUND when the case is
 * gone, its deadline moved or it was noted already. */
int store_case_note_overdue(struct db *db, int64_t id, int64_t deadline,
			    int64_t at, struct ug_error *err);
/* The running stages due by `now` and not yet noted overdue, earliest
 * first, at most `limit`. */
int store_cases_overdue_due(struct db *db, int64_t now, int64_t limit,
			    store_case_id_cb cb, void *ctx,
			    struct ug_error *err);
int store_cases_working_clock(struct db *db, int64_t from, int64_t to,
			      store_case_id_cb cb, void *ctx,
			      struct ug_error *err);
int store_case_nearby(struct db *db, const char *category, int64_t since,
		      double lon0, double lat0, double lon1, double lat1,
		      store_case_cb cb, void *ctx, struct ug_error *err);

/* A case by its number ("2026112300012"); UG_ENOTFOUND if none. */
int store_case_by_number(struct db *db, const char *number,
			 struct case_row *c, struct ug_error *err);

/* Cases of categories open to the public, for Open311 (GET requests):
 * filed in [from, to] (seconds, both ends included), of one of
 * `categories` and in one of `states` (comma-wrapped lists ",a,b,"; ""
 * = any), newest first, at most limit from offset. */
int store_case_list_public(struct db *db, const char *categories,
			   const char *states, int64_t from, int64_t to,
			   int64_t limit, int64_t offset, store_case_cb cb,
			   void *ctx, struct ug_error *err);
/* The text of that list's statement when only open states (and merged)
 * are asked for, for tests/unit/test_case.c to check its plan: the open
 * cases' and the merged reports' indexes, never a walk of the window. */
const char *store_case_list_public_open_sql(void);
/* The text of store_case_nearby()'s statement, for test_case.c to check
 * its plan: the open cases' band in case_file_nearby (schema 0032). */
const char *store_case_nearby_sql(void);

/* Changes of state (not the first report) of cases of public categories
 * with from <= at <= to, by time then id, at most limit; the callback
 * also gets the case's number. */
typedef int (*store_public_event_cb)(void *ctx, const struct case_event_row *e,
				     const char *case_number);
int store_case_events_public(struct db *db, int64_t from, int64_t to,
			     int64_t limit, store_public_event_cb cb,
			     void *ctx, struct ug_error *err);

/* ---- dispatch routing (store/cases/routing.c) */

struct routing_rule {
	int64_t id;
	char category[CODE_MAX + 1]; /* "" = any */
	char area[CODE_MAX + 1];     /* division code prefix, "" = any */
	char department[CODE_MAX + 1];
	int priority;
};

typedef int (*store_routing_cb)(void *ctx, const struct routing_rule *r);

int store_routing_insert(struct db *db, struct routing_rule *r, int64_t now,
			 struct ug_error *err); /* sets r->id */
int store_routing_get(struct db *db, int64_t id, struct routing_rule *r,
		      struct ug_error *err);
int store_routing_delete(struct db *db, int64_t id, struct ug_error *err);
int store_routing_list(struct db *db, store_routing_cb cb, void *ctx,
		       struct ug_error *err);
/* How many routing rules send cases to `department`. */
int store_routing_count_department(struct db *db, const char *department,
				   int64_t *n, struct ug_error *err);
/* `areas`: see AREA_LEVELS in store/org/org.h. */

/* The most specific rule for a case of `category` in the place: a rule on
 * a more specific division first, then a rule naming the category over one
 * for any, then the highest priority.  UG_ENOTFOUND if none matches. */
int store_routing_match(struct db *db, const char *category,
			const char areas[AREA_LEVELS][CODE_MAX + 1],
			struct routing_rule *r, struct ug_error *err);
/* The department of `kind` (and `type`, unless NULL) serving the most
 * specific division that contains the place.  UG_ENOTFOUND if none. */
int store_department_serving(struct db *db, const char *kind,
			     const char *type,
			     const char areas[AREA_LEVELS][CODE_MAX + 1],
			     struct department *d, struct ug_error *err);

/* ---- attachments (store/cases/attachments.c) */

struct attachment_row {
	int64_t id;
	int64_t case_id;
	char sha256[65];
	char content_type[32];
	int64_t size;
	char kind[16]; /* report | handle | check | other */
	char created_by[USERNAME_MAX + 1];
	int64_t created_at;
};

typedef int (*store_attachment_cb)(void *ctx, const struct attachment_row *a);

int store_attachment_insert(struct db *db, struct attachment_row *a,
			    struct ug_error *err); /* sets a->id */
int store_attachment_get(struct db *db, int64_t id, struct attachment_row *a,
			 struct ug_error *err);
int store_attachments_of_case(struct db *db, int64_t case_id,
			      store_attachment_cb cb, void *ctx,
			      struct ug_error *err);

#endif
