/*
 * store.h - the storage interface the domain calls.
 *
 * Every SQL statement of the program lives behind these functions, in the
 * store/ sources, written once in portable SQL and run through store/db.h.
 * The domain passes and receives plain structs; it never sees SQL or an
 * engine.
 *
 * Conventions: functions take the connection first and a struct ug_error
 * last, return 0 or a negative UG_E* code (UG_ENOTFOUND when a looked-up
 * object does not exist, UG_ECONFLICT on a uniqueness violation).  String
 * members are fixed-size arrays sized to the limits that the edge enforces
 * (see the *_MAX constants), copied with truncation, never overflowed.
 */
#ifndef UG_STORE_H
#define UG_STORE_H

#include <stdint.h>

#include "store/db.h"

#define USERNAME_MAX 64      /* bytes; ASCII letters, digits, . _ - */
#define NAME_MAX_BYTES 400   /* 100 characters of UTF-8 */
#define CODE_MAX 32          /* division / department / category codes */
#define PASSWORD_HASH_MAX 128

struct user {
	int64_t id;
	char username[USERNAME_MAX + 1];
	char display_name[NAME_MAX_BYTES + 1];
	char role[24];
	char unit_kind[16];  /* "division" | "department" */
	char unit_code[CODE_MAX + 1];
	char unit_name[NAME_MAX_BYTES + 1]; /* resolved on read */
	int disabled;
	int64_t created_at;
};

struct division {
	char code[CODE_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	char level[16]; /* province | city | district | street | community */
	char parent[CODE_MAX + 1]; /* "" at the top */
};

struct department {
	char code[CODE_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	char kind[24];
	char type[CODE_MAX + 1];
	char parent[CODE_MAX + 1];
};

/* Row callbacks for list functions: return 0 to go on, non-zero to stop
 * (that value is returned by the list function). */
typedef int (*store_user_cb)(void *ctx, const struct user *u);
typedef int (*store_division_cb)(void *ctx, const struct division *d);
typedef int (*store_department_cb)(void *ctx, const struct department *d,
				   const char *areas /* comma list */);

/* ---- users (store/users.c) ---------------------------------------- */

int store_user_insert(struct db *db, const struct user *u,
		      const char *password_hash, int64_t now, int64_t *id,
		      struct ug_error *err);
int store_user_by_name(struct db *db, const char *username, struct user *u,
		       char hash[PASSWORD_HASH_MAX + 1], struct ug_error *err);
int store_user_by_id(struct db *db, int64_t id, struct user *u,
		     struct ug_error *err);
int store_user_set_password(struct db *db, int64_t id, const char *hash,
			    struct ug_error *err);
/* Users whose unit code starts with `unit_prefix` ("" = all), by name. */
int store_user_list(struct db *db, const char *unit_prefix, store_user_cb cb,
		    void *ctx, struct ug_error *err);

/* ---- sessions and tokens (store/users.c) --------------------------- */

int store_session_insert(struct db *db, const char *token_hash,
			 int64_t user_id, const char *csrf, int64_t now,
			 int64_t expires_at, const char *client_addr,
			 struct ug_error *err);
/* Look up a live session (expires_at > now) and its user; the user must
 * not be disabled.  UG_ENOTFOUND otherwise. */
int store_session_lookup(struct db *db, const char *token_hash, int64_t now,
			 struct user *u, char csrf[65], struct ug_error *err);
int store_session_delete(struct db *db, const char *token_hash,
			 struct ug_error *err);
int store_session_purge(struct db *db, int64_t now, struct ug_error *err);

int store_token_insert(struct db *db, const char *token_hash, int64_t user_id,
		       const char *label, int64_t now, struct ug_error *err);
int store_token_lookup(struct db *db, const char *token_hash, struct user *u,
		       struct ug_error *err);

/* ---- login throttling (store/users.c) ------------------------------ */

int store_login_failure_add(struct db *db, const char *username,
			    const char *client_addr, int64_t at,
			    struct ug_error *err);
/* Failures since `since` for the username and for the address, and the
 * oldest of each in that window (0 if none). */
int store_login_failure_count(struct db *db, const char *username,
			      const char *client_addr, int64_t since,
			      int *by_user, int64_t *oldest_user, int *by_addr,
			      int64_t *oldest_addr, struct ug_error *err);
int store_login_failure_clear(struct db *db, const char *username,
			      int64_t before, struct ug_error *err);

/* ---- audit trail (store/users.c) ----------------------------------- */

int store_audit_add(struct db *db, int64_t at, const char *actor,
		    const char *action, const char *subject, const char *detail,
		    struct ug_error *err);

/* ---- organisation (store/org.c) ------------------------------------ */

/* Insert or update by code; returns 1 in *inserted when new. */
int store_division_upsert(struct db *db, const struct division *d,
			  int64_t now, int *inserted, struct ug_error *err);
int store_division_get(struct db *db, const char *code, struct division *d,
		       struct ug_error *err);
int store_division_children(struct db *db, const char *code,
			    store_division_cb cb, void *ctx,
			    struct ug_error *err);
int store_division_count(struct db *db, const char *level, int64_t *n,
			 struct ug_error *err);

int store_department_upsert(struct db *db, const struct department *d,
			    int64_t now, struct ug_error *err);
int store_department_add_area(struct db *db, const char *department,
			      const char *division, struct ug_error *err);
int store_department_get(struct db *db, const char *code,
			 struct department *d, struct ug_error *err);
int store_department_list(struct db *db, store_department_cb cb, void *ctx,
			  struct ug_error *err);

/* The name of an organisation unit (division or department), for display;
 * UG_ENOTFOUND if neither has that code. */
int store_unit_lookup(struct db *db, const char *code, char kind[16],
		      char name[NAME_MAX_BYTES + 1], struct ug_error *err);

/* ---- classification and filing standards (store/categories.c) ----- */

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
/* Insert or update a category; `standard` rows overwrite names. */
int store_category_upsert(struct db *db, const struct category *c,
			  int64_t now, struct ug_error *err);
/* Set the English name of a major or minor class; UG_ENOTFOUND if
 * neither has that code. */
int store_category_set_name_en(struct db *db, const char *code,
			       const char *name_en, struct ug_error *err);
/* Open or close a category to public reporting. */
int store_category_set_public(struct db *db, const char *code, int public_,
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

/* ---- cases (store/cases.c) ----------------------------------------- */

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
	const char *q;            /* substring of description/address/number */
	int overdue;              /* deadline < now */
	int64_t now;
	int64_t from, to;         /* created_at range, 0 = open */
	/* the caller's scope, applied on top */
	const char *scope_area;   /* prefix, or NULL */
	const char *scope_department; /* or NULL */
	int64_t limit, offset;
};

typedef int (*store_case_cb)(void *ctx, const struct case_row *c);
typedef int (*store_case_event_cb)(void *ctx, const struct case_event_row *e);

/* Next case number of `day` ("20261123"): "2026112300001".  Call inside
 * the write transaction that inserts the case. */
int store_case_next_number(struct db *db, const char *day, char out[24],
			   struct ug_error *err);
int store_case_insert(struct db *db, struct case_row *c,
		      struct ug_error *err); /* sets c->id */
int store_case_get(struct db *db, int64_t id, struct case_row *c,
		   struct ug_error *err);
/* Write every mutable column of c where id = c->id and version =
 * expected; UG_ECONFLICT when the version moved on. */
int store_case_update(struct db *db, const struct case_row *c,
		      int64_t expected_version, struct ug_error *err);
int store_case_list(struct db *db, const struct case_filter *f,
		    store_case_cb cb, void *ctx, int64_t *total,
		    struct ug_error *err);
int store_case_event_insert(struct db *db, struct case_event_row *e,
			    struct ug_error *err); /* sets e->id */
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

/* Changes of state (not the first report) of cases of public categories
 * with from <= at <= to, by time then id, at most limit; the callback
 * also gets the case's number. */
typedef int (*store_public_event_cb)(void *ctx, const struct case_event_row *e,
				     const char *case_number);
int store_case_events_public(struct db *db, int64_t from, int64_t to,
			     int64_t limit, store_public_event_cb cb,
			     void *ctx, struct ug_error *err);

/* ---- the public channel (store/open311.c) -------------------------- */

#define OPEN311_TOKEN_LEN 24 /* hex characters */
#define EMAIL_MAX_BYTES 254
#define MEDIA_URL_MAX_BYTES 2048
#define ATTRIBUTES_MAX_BYTES 8000

struct open311_row {
	int64_t case_id;
	char token[OPEN311_TOKEN_LEN + 1];
	char client[USERNAME_MAX + 1];
	char client_addr[64];
	char email[EMAIL_MAX_BYTES + 1];
	char device_id[129];
	char account_id[129];
	char media_url[MEDIA_URL_MAX_BYTES + 1]; /* links, one per line */
	char attributes[ATTRIBUTES_MAX_BYTES + 1]; /* JSON object */
	char rating[24];          /* "" until rated */
	char rating_comment[NOTE_MAX_BYTES + 1];
	int64_t rated_at;
};

int store_open311_insert(struct db *db, const struct open311_row *r,
			 struct ug_error *err);
/* UG_ENOTFOUND when the case did not come through the public channel. */
int store_open311_get(struct db *db, int64_t case_id, struct open311_row *r,
		      struct ug_error *err);
int store_open311_by_token(struct db *db, const char *token,
			   struct open311_row *r, struct ug_error *err);
/* Record the rating once: UG_ECONFLICT when the report is rated already. */
int store_open311_rate(struct db *db, int64_t case_id, const char *rating,
		       const char *comment, int64_t at, struct ug_error *err);
/* Remember a client's update: UG_ECONFLICT when (client, update_id) was
 * posted before. */
int store_open311_update_insert(struct db *db, const char *client,
				const char *update_id, int64_t case_id,
				int64_t event_id, struct ug_error *err);

/* ---- dispatch routing (store/routing.c) ---------------------------- */

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
int store_routing_delete(struct db *db, int64_t id, struct ug_error *err);
int store_routing_list(struct db *db, store_routing_cb cb, void *ctx,
		       struct ug_error *err);
/* `areas` is a place and the divisions that contain it, most specific
 * first (community, street, district, city, province; "" where absent):
 * see division_ancestors() in domain/roles.h. */
#define AREA_LEVELS 5

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

/* ---- working calendar (store/calendar.c) --------------------------- */

/* A stored day override: a holiday (off) or a make-up workday (work). */
struct calendar_day_row {
	const char *day;    /* YYYY-MM-DD */
	const char *kind;   /* off | work */
	const char *note;   /* the holiday's name, "" if none */
	const char *source; /* import | manual */
};
typedef int (*store_calendar_day_cb)(void *ctx,
				     const struct calendar_day_row *d);

int store_calendar_day_upsert(struct db *db, const struct calendar_day_row *d,
			      struct ug_error *err);
/* Remove a date's override; UG_ENOTFOUND if it has none. */
int store_calendar_day_delete(struct db *db, const char *day,
			      struct ug_error *err);
/* Every day override in date order. */
int store_calendar_days(struct db *db, store_calendar_day_cb cb, void *ctx,
			struct ug_error *err);
/* The overrides from `from` to `to` (YYYY-MM-DD, both included). */
int store_calendar_days_between(struct db *db, const char *from,
				const char *to, store_calendar_day_cb cb,
				void *ctx, struct ug_error *err);

/* A year whose official holiday schedule is in the store. */
struct calendar_year_row {
	int year;
	const char *source;    /* "import <file>", "marked", "upgrade" */
	const char *marked_by; /* username, or "system" */
	int64_t marked_at;
};
typedef int (*store_calendar_year_cb)(void *ctx,
				      const struct calendar_year_row *y);
/* Record a year as official (a second mark of the same year keeps the
 * first). */
int store_calendar_year_set(struct db *db, const struct calendar_year_row *y,
			    struct ug_error *err);
/* The official years in order. */
int store_calendar_years(struct db *db, store_calendar_year_cb cb, void *ctx,
			 struct ug_error *err);
/* A setting's value into out (size bytes); UG_ENOTFOUND if unset. */
int store_calendar_setting_get(struct db *db, const char *key, char *out,
			       size_t size, struct ug_error *err);
int store_calendar_setting_set(struct db *db, const char *key,
			       const char *value, struct ug_error *err);
/* Every write to settings or days takes the next revision in its
 * transaction (next_rev); readers compare the current one (rev) with the
 * one their table was built from. */
int store_calendar_next_rev(struct db *db, int64_t *rev,
			    struct ug_error *err);
int store_calendar_rev(struct db *db, int64_t *rev, struct ug_error *err);

/* ---- attachments (store/attachments.c) ----------------------------- */

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


/* ---- unit grids and components (store/spatial.c) ------------------- */

/* Every write to grid or component takes the next revision; a reader
 * asks for rows with rev > the last it saw (deleted rows included). */
int store_spatial_next_rev(struct db *db, int64_t *rev, struct ug_error *err);
int store_spatial_rev(struct db *db, int64_t *rev, struct ug_error *err);

struct grid_row {
	char code[16];      /* 15 digits */
	char community[13];
	char street[10];
	char district[7];
	const void *wkb;    /* WKB geometry: borrowed (see each function) */
	size_t wkb_len;
	double min_lon, min_lat, max_lon, max_lat;
	double area_m2;
	int64_t points;
	char source[12];    /* import | generate */
	int deleted;
	int64_t rev;
	int64_t updated_at;
};

/* Rows handed to a callback borrow their wkb until the callback returns. */
typedef int (*store_grid_cb)(void *ctx, const struct grid_row *g);

/* Insert or replace by code (deleted reset to 0); g->rev must be set. */
int store_grid_upsert(struct db *db, const struct grid_row *g,
		      struct ug_error *err);
/* Mark deleted (keeps the row for readers catching up) with a new rev.
 * UG_ENOTFOUND if there is no live grid with that code. */
int store_grid_delete(struct db *db, const char *code, int64_t rev,
		      int64_t now, struct ug_error *err);
/* 1 if a live grid has this code, 0 if not; <0 on error. */
int store_grid_exists(struct db *db, const char *code, struct ug_error *err);
/* Rows with rev > since, in rev order, deleted ones included. */
int store_grids_since(struct db *db, int64_t since, store_grid_cb cb,
		      void *ctx, struct ug_error *err);
/* Live grids whose bounding box meets the box, in code order, at most
 * `limit` (the callback sees limit + 1 rows when there are more, so the
 * caller can say "truncated"). */
int store_grids_in_bbox(struct db *db, double min_lon, double min_lat,
			double max_lon, double max_lat, int64_t limit,
			store_grid_cb cb, void *ctx, struct ug_error *err);
/* Live grids of one community, in code order. */
int store_grids_of_community(struct db *db, const char *community,
			     store_grid_cb cb, void *ctx,
			     struct ug_error *err);
int store_grid_count(struct db *db, int64_t *n, struct ug_error *err);
/* The box around every live grid; UG_ENOTFOUND when there is none. */
int store_grid_extent(struct db *db, double box[4], struct ug_error *err);

struct component_row {
	char code[18];      /* 17 digits */
	char klass[6];      /* category code of kind component */
	char name[NAME_MAX_BYTES + 1];
	double lon, lat;
	char grid[16];      /* "" outside every grid */
	char status[16];    /* 完好 破损 丢失 占用 废弃 移除 */
	char owner[128];
	char maintainer[128];
	char installed_on[11]; /* YYYY-MM-DD or "" */
	char address[257];
	int deleted;
	int64_t rev;
	int64_t updated_at;
};

typedef int (*store_component_cb)(void *ctx, const struct component_row *c);

int store_component_upsert(struct db *db, const struct component_row *c,
			   struct ug_error *err);
/* 1 if a live component has this code, 0 if not; <0 on error. */
int store_component_exists(struct db *db, const char *code,
			   struct ug_error *err);
int store_component_get(struct db *db, const char *code,
			struct component_row *c, struct ug_error *err);
int store_components_since(struct db *db, int64_t since,
			   store_component_cb cb, void *ctx,
			   struct ug_error *err);
int store_component_count(struct db *db, int64_t *n, struct ug_error *err);

#endif
