/*
 * org.h - storage of users, their sessions and API tokens, login throttling,
 * the audit trail, system settings, divisions and departments
 * (store/org/users.c, audit.c, org.c).
 * Conventions in store/common.h.
 */
#ifndef UG_STORE_ORG_H
#define UG_STORE_ORG_H

#include "store/common.h"

/* A place and the divisions that contain it, most specific first
 * (community, street, district, city, province; "" where absent): see
 * division_ancestors() in domain/org/roles.h. */
#define AREA_LEVELS 5

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
	int must_change_password; /* set by a reset: choose one at login */
	int64_t password_changed_at; /* created_at until it is changed */
};

/* An API token as listed: never its secret (only a hash is stored). */
struct api_token {
	int64_t id;
	int64_t user_id;
	char username[USERNAME_MAX + 1];
	char role[24];
	char label[NAME_MAX_BYTES + 1];
	int64_t created_at;
	char created_by[USERNAME_MAX + 1];
	int64_t last_used_at; /* 0: never (kept to the hour) */
};

/* One event of the audit trail.  Text members: as written, or, in a
 * listing's callback, valid until it returns.  before/after: JSON object
 * texts, NULL when there is no such side (a creation has no before). */
struct audit_event {
	int64_t id;
	int64_t at;
	const char *actor;   /* username; "cli" for the command line */
	const char *address; /* client address; "local" for the CLI */
	const char *action;  /* "user.create", "login.failure" ... */
	const char *subject; /* what it was done to */
	const char *detail;  /* JSON object, "{}" when nothing more */
	const char *before;
	const char *after;
};

/* What store_audit_list() returns: NULL/"" or 0 members do not filter. */
struct audit_filter {
	const char *actor;
	const char *action;  /* exact, or a prefix ending in '.' ("user.") */
	const char *subject;
	const char *address;
	int64_t from, to;    /* at >= from, at < to */
	int64_t before_id;   /* the next page: ids below the last one seen */
	int64_t limit;
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
	int disabled; /* takes no new dispatches */
};

/* Row callbacks for list functions: return 0 to go on, non-zero to stop
 * (that value is returned by the list function). */
typedef int (*store_user_cb)(void *ctx, const struct user *u);
typedef int (*store_token_cb)(void *ctx, const struct api_token *t);
typedef int (*store_audit_cb)(void *ctx, const struct audit_event *e);
typedef int (*store_division_cb)(void *ctx, const struct division *d);
typedef int (*store_department_cb)(void *ctx, const struct department *d,
				   const char *areas /* comma list */);

/* ---- users (store/org/users.c) ---------------------------------------- */

int store_user_insert(struct db *db, const struct user *u,
		      const char *password_hash, int64_t now, int64_t *id,
		      struct ug_error *err);
int store_user_by_name(struct db *db, const char *username, struct user *u,
		       char hash[PASSWORD_HASH_MAX + 1], struct ug_error *err);
int store_user_by_id(struct db *db, int64_t id, struct user *u,
		     struct ug_error *err);
/* Set the password's hash, whether its owner must replace it at the next
 * login, and when it changed. */
int store_user_set_password(struct db *db, int64_t id, const char *hash,
			    int must_change, int64_t now, struct ug_error *err);
/* Mark that the password must be changed at the next login (it is too
 * old for the policy). */
int store_user_require_password_change(struct db *db, int64_t id,
				       struct ug_error *err);
/* The password hash of user `id` ("" if it has none). */
int store_user_password_hash(struct db *db, int64_t id,
			     char hash[PASSWORD_HASH_MAX + 1],
			     struct ug_error *err);
/* Write display_name, role, unit_kind, unit_code and disabled of u->id. */
int store_user_update(struct db *db, const struct user *u,
		      struct ug_error *err);
/* Users whose unit code starts with `unit_prefix` ("" = all), by name. */
int store_user_list(struct db *db, const char *unit_prefix, store_user_cb cb,
		    void *ctx, struct ug_error *err);

/* ---- sessions and tokens (store/org/users.c) --------------------------- */

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
/* End every session of a user but the one whose hash is keep_hash (NULL:
 * all); *ended (may be NULL) says how many. */
int store_session_delete_user(struct db *db, int64_t user_id,
			      const char *keep_hash, int64_t *ended,
			      struct ug_error *err);

int store_token_insert(struct db *db, const char *token_hash, int64_t user_id,
		       const char *label, const char *created_by, int64_t now,
		       int64_t *id, struct ug_error *err);
/* The token whose hash this is and its user, who must not be disabled;
 * UG_ENOTFOUND otherwise. */
int store_token_lookup(struct db *db, const char *token_hash, struct user *u,
		       struct api_token *t, struct ug_error *err);
int store_token_touch(struct db *db, int64_t id, int64_t now,
		      struct ug_error *err);
int store_token_get(struct db *db, int64_t id, struct api_token *t,
		    struct ug_error *err);
int store_token_delete(struct db *db, int64_t id, struct ug_error *err);
/* The tokens of user `user_id`, or of everyone with 0, oldest first. */
int store_token_list(struct db *db, int64_t user_id, store_token_cb cb,
		     void *ctx, struct ug_error *err);

/* ---- login throttling (store/org/users.c) ------------------------------ */

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

/* ---- audit trail and settings (store/org/audit.c) ---------------------- */

int store_audit_add(struct db *db, const struct audit_event *e,
		    struct ug_error *err);
/* Events matching f, newest first, at most f->limit. */
int store_audit_list(struct db *db, const struct audit_filter *f,
		     store_audit_cb cb, void *ctx, struct ug_error *err);
/* Remove the events older than `before`; *removed says how many. */
int store_audit_prune(struct db *db, int64_t before, int64_t *removed,
		      struct ug_error *err);

/* A system setting's text into out; UG_ENOTFOUND when it is not set. */
int store_setting_get(struct db *db, const char *key, char *out, size_t size,
		      struct ug_error *err);
int store_setting_put(struct db *db, const char *key, const char *value,
		      struct ug_error *err);

/* ---- organisation (store/org/org.c) ------------------------------------ */

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
/* A department from a row whose columns are code, name, kind, type,
 * parent, disabled (for the store's queries that read departments). */
void store_department_row(struct db_stmt *st, struct department *d);
/* Disable (1) or enable (0) a department; UG_ENOTFOUND if unknown. */
int store_department_set_disabled(struct db *db, const char *code,
				  int disabled, struct ug_error *err);
/* Forget the areas a department serves (before adding the new ones). */
int store_department_clear_areas(struct db *db, const char *code,
				 struct ug_error *err);
int store_department_list(struct db *db, store_department_cb cb, void *ctx,
			  struct ug_error *err);

/* The name of an organisation unit (division or department), for display;
 * UG_ENOTFOUND if neither has that code. */
int store_unit_lookup(struct db *db, const char *code, char kind[16],
		      char name[NAME_MAX_BYTES + 1], struct ug_error *err);

#endif
