/*
 * users.c - SQL for accounts, sessions, API tokens and login failures (see
 * store/org/org.h).
 */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "store/cached.h"
#include "store/org/org.h"


/* The user columns in the order user_from_row() reads them.  The unit name
 * is resolved from whichever table holds the unit code. */
#define USER_COLUMNS                                                         \
	"u.id, u.username, u.display_name, u.role, u.unit_kind, u.unit_code, " \
	"COALESCE(dv.name, dp.name, ''), u.disabled, u.created_at, "            \
	"u.must_change_password, COALESCE(u.password_changed_at, u.created_at)"
#define USER_NCOLUMNS 11
#define USER_JOINS                                                  \
	" LEFT JOIN division dv ON u.unit_kind = 'division' AND"    \
	" dv.code = u.unit_code"                                    \
	" LEFT JOIN department dp ON u.unit_kind = 'department' AND" \
	" dp.code = u.unit_code"

static void user_from_row(struct db_stmt *st, int col, struct user *u)
{
	memset(u, 0, sizeof *u);
	u->id = db_column_int64(st, col + 0);
	UG_COPY(u->username, db_column_text(st, col + 1));
	UG_COPY(u->display_name, db_column_text(st, col + 2));
	UG_COPY(u->role, db_column_text(st, col + 3));
	UG_COPY(u->unit_kind, db_column_text(st, col + 4));
	UG_COPY(u->unit_code, db_column_text(st, col + 5));
	UG_COPY(u->unit_name, db_column_text(st, col + 6));
	u->disabled = (int)db_column_int64(st, col + 7);
	u->created_at = db_column_int64(st, col + 8);
	u->must_change_password = (int)db_column_int64(st, col + 9);
	u->password_changed_at = db_column_int64(st, col + 10);
}

static const char SQL_USER_INSERT[] =
	"INSERT INTO app_user (username, display_name, role, unit_kind,"
	" unit_code, password_hash, disabled, created_at, must_change_password)"
	" VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id";

int store_user_insert(struct db *db, const struct user *u,
		      const char *password_hash, int64_t now, int64_t *id,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_USER_INSERT,
		    DB_ARGS(DB_TEXT(u->username), DB_TEXT(u->display_name),
			    DB_TEXT(u->role), DB_TEXT(u->unit_kind),
			    DB_TEXT(u->unit_code), DB_TEXT(password_hash),
			    DB_INT(now), DB_INT(u->must_change_password != 0)),
		    &st, err);
	if (rc == -UG_ECONFLICT)
		return ug_fail(err, UG_ECONFLICT, "username",
			       "a user named %s already exists", u->username);
	if (rc < 0)
		return rc;
	if (id)
		*id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

static const char SQL_USER_BY_NAME[] =
	"SELECT " USER_COLUMNS ", u.password_hash FROM app_user u" USER_JOINS
	" WHERE u.username = ?";

int store_user_by_name(struct db *db, const char *username, struct user *u,
		       char hash[PASSWORD_HASH_MAX + 1], struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_USER_BY_NAME, username, "username",
				"user named", &st, err)))
		return rc;
	user_from_row(st, 0, u);
	if (hash)
		snprintf(hash, PASSWORD_HASH_MAX + 1, "%s",
			 db_column_is_null(st, USER_NCOLUMNS)
				 ? ""
				 : db_column_text(st, USER_NCOLUMNS));
	db_reset(st);
	return 0;
}

static const char SQL_USER_BY_ID[] =
	"SELECT " USER_COLUMNS " FROM app_user u" USER_JOINS " WHERE u.id = ?";

int store_user_by_id(struct db *db, int64_t id, struct user *u,
		     struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_id(db, SQL_USER_BY_ID, id, "user", &st, err)))
		return rc;
	user_from_row(st, 0, u);
	db_reset(st);
	return 0;
}

static const char SQL_USER_SET_PASSWORD[] =
	"UPDATE app_user SET password_hash = ?, must_change_password = ?,"
	" password_changed_at = ? WHERE id = ?";

int store_user_set_password(struct db *db, int64_t id, const char *hash,
			    int must_change, int64_t now, struct ug_error *err)
{
	return db_run_changed(db, SQL_USER_SET_PASSWORD,
			      DB_ARGS(DB_TEXT(hash),
				      DB_INT(must_change ? 1 : 0), DB_INT(now),
				      DB_INT(id)), "user", id, err);
}

static const char SQL_USER_SET_MUST_CHANGE[] =
	"UPDATE app_user SET must_change_password = 1 WHERE id = ?";

int store_user_require_password_change(struct db *db, int64_t id,
				       struct ug_error *err)
{
	return db_run_id(db, SQL_USER_SET_MUST_CHANGE, id, err);
}

static const char SQL_USER_HASH[] =
	"SELECT COALESCE(password_hash, '') FROM app_user WHERE id = ?";

int store_user_password_hash(struct db *db, int64_t id,
			     char hash[PASSWORD_HASH_MAX + 1],
			     struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_id(db, SQL_USER_HASH, id, "user", &st, err)))
		return rc;
	snprintf(hash, PASSWORD_HASH_MAX + 1, "%s", db_column_text(st, 0));
	db_reset(st);
	return 0;
}

static const char SQL_USER_UPDATE[] =
	"UPDATE app_user SET display_name = ?, role = ?, unit_kind = ?,"
	" unit_code = ?, disabled = ? WHERE id = ?";

int store_user_update(struct db *db, const struct user *u,
		      struct ug_error *err)
{
	return db_run_changed(db, SQL_USER_UPDATE,
			      DB_ARGS(DB_TEXT(u->display_name),
				      DB_TEXT(u->role), DB_TEXT(u->unit_kind),
				      DB_TEXT(u->unit_code),
				      DB_INT(u->disabled ? 1 : 0),
				      DB_INT(u->id)), "user", u->id, err);
}

/* `unit_code LIKE prefix%` would treat % and _ in the prefix as wildcards;
 * substr() compares literally and is portable (PostgreSQL has it too). */
static void user_row(struct db_stmt *st, struct user *u)
{
	user_from_row(st, 0, u);
}

DB_VISITOR(user, store_user_cb, struct user, user_row)

static const char SQL_USER_LIST[] =
	"SELECT " USER_COLUMNS " FROM app_user u" USER_JOINS
	" WHERE substr(u.unit_code, 1, length(?)) = ? ORDER BY u.username";

int store_user_list(struct db *db, const char *unit_prefix, store_user_cb cb,
		    void *ctx, struct ug_error *err)
{
	struct user u;

	return db_list(db, SQL_USER_LIST,
		       DB_ARGS(DB_TEXT(unit_prefix), DB_TEXT(unit_prefix)),
		       user_visit, &(struct user_visit){ cb, ctx, &u }, err);
}

/* ---- sessions ------------------------------------------------------ */

static const char SQL_SESSION_INSERT[] =
	"INSERT INTO session (token_hash, user_id, csrf_token, created_at,"
	" expires_at, client_addr) VALUES (?, ?, ?, ?, ?, ?)";

int store_session_insert(struct db *db, const char *token_hash,
			 int64_t user_id, const char *csrf, int64_t now,
			 int64_t expires_at, const char *client_addr,
			 struct ug_error *err)
{
	return db_run(db, SQL_SESSION_INSERT,
		      DB_ARGS(DB_TEXT(token_hash), DB_INT(user_id),
			      DB_TEXT(csrf), DB_INT(now), DB_INT(expires_at),
			      DB_TEXT(client_addr)), err);
}

/* The session whatever its age: the expiry is checked on the row, kept
 * or read (a copy kept before it ran out must not outlive it). */
static const char SQL_SESSION_LOOKUP[] =
	"SELECT " USER_COLUMNS ", s.csrf_token, s.expires_at FROM session s"
	" JOIN app_user u ON u.id = s.user_id" USER_JOINS
	" WHERE s.token_hash = ? AND u.disabled = 0";

struct session_user {
	struct user u;
	char csrf[65];
	int64_t expires_at;
};

static int session_read(struct db *db, const void *token_hash, void *out,
			struct ug_error *err)
{
	struct session_user *su = out;
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_SESSION_LOOKUP, DB_ARGS(DB_TEXT(token_hash)), &st,
		    err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, NULL,
			       "no such session, or it has expired");
	user_from_row(st, 0, &su->u);
	UG_COPY(su->csrf, db_column_text(st, USER_NCOLUMNS));
	su->expires_at = db_column_int64(st, USER_NCOLUMNS + 1);
	db_reset(st);
	return 0;
}

/* Kept in memory under config_rev like a token (store/cached.h): schema
 * 0030's triggers move the revision on with every session made or
 * ended, so a logout or a password change is seen at the next call. */
int store_session_lookup(struct db *db, const char *token_hash, int64_t now,
			 struct user *u, char csrf[65], struct ug_error *err)
{
	struct session_user su;
	int rc = store_cached(db, CACHED_SESSION, token_hash, &su, sizeof su,
			      session_read, token_hash, err);

	if (rc)
		return rc;
	if (su.expires_at <= now)
		return ug_fail(err, UG_ENOTFOUND, NULL,
			       "no such session, or it has expired");
	*u = su.u;
	memcpy(csrf, su.csrf, 65);
	return 0;
}

static const char SQL_SESSION_DELETE[] =
	"DELETE FROM session WHERE token_hash = ?";

int store_session_delete(struct db *db, const char *token_hash,
			 struct ug_error *err)
{
	return db_run_key(db, SQL_SESSION_DELETE, token_hash, err);
}

static const char SQL_SESSION_DELETE_USER[] =
	"DELETE FROM session WHERE user_id = ? AND token_hash <> ?";

int store_session_delete_user(struct db *db, int64_t user_id,
			      const char *keep_hash, int64_t *ended,
			      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_SESSION_DELETE_USER,
		    DB_ARGS(DB_INT(user_id),
			    DB_TEXT(keep_hash ? keep_hash : "")), &st, err);
	if (rc < 0)
		return rc;
	if (ended)
		*ended = db_changes(db);
	return 0;
}

static const char SQL_SESSION_PURGE[] =
	"DELETE FROM session WHERE expires_at <= ?";

int store_session_purge(struct db *db, int64_t now, struct ug_error *err)
{
	return db_run_id(db, SQL_SESSION_PURGE, now, err);
}

/* ---- API tokens ---------------------------------------------------- */

#define TOKEN_COLUMNS                                                      \
	"t.id, t.user_id, u.username, u.role, t.label, t.created_at,"      \
	" t.created_by, COALESCE(t.last_used_at, 0)"

static void token_from_row(struct db_stmt *st, int col, struct api_token *t)
{
	memset(t, 0, sizeof *t);
	t->id = db_column_int64(st, col + 0);
	t->user_id = db_column_int64(st, col + 1);
	UG_COPY(t->username, db_column_text(st, col + 2));
	UG_COPY(t->role, db_column_text(st, col + 3));
	UG_COPY(t->label, db_column_text(st, col + 4));
	t->created_at = db_column_int64(st, col + 5);
	UG_COPY(t->created_by, db_column_text(st, col + 6));
	t->last_used_at = db_column_int64(st, col + 7);
}

static const char SQL_TOKEN_INSERT[] =
	"INSERT INTO api_token (token_hash, user_id, label, created_at,"
	" created_by) VALUES (?, ?, ?, ?, ?) RETURNING id";

int store_token_insert(struct db *db, const char *token_hash, int64_t user_id,
		       const char *label, const char *created_by, int64_t now,
		       int64_t *id, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_TOKEN_INSERT,
		    DB_ARGS(DB_TEXT(token_hash), DB_INT(user_id),
			    DB_TEXT(label), DB_INT(now), DB_TEXT(created_by)),
		    &st, err);
	if (rc < 0)
		return rc;
	*id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

static const char SQL_TOKEN_LOOKUP[] =
	"SELECT " USER_COLUMNS ", " TOKEN_COLUMNS " FROM api_token t"
	" JOIN app_user u ON u.id = t.user_id" USER_JOINS
	" WHERE t.token_hash = ? AND u.disabled = 0";

struct token_user {
	struct user u;
	struct api_token t;
};

static int token_read(struct db *db, const void *token_hash, void *out,
		      struct ug_error *err)
{
	struct token_user *tu = out;
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_TOKEN_LOOKUP, DB_ARGS(DB_TEXT(token_hash)), &st,
		    err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return ug_fail(err, UG_ENOTFOUND, NULL, "unknown API token");
	user_from_row(st, 0, &tu->u);
	token_from_row(st, USER_NCOLUMNS, &tu->t);
	db_reset(st);
	return 0;
}

int store_token_lookup(struct db *db, const char *token_hash, struct user *u,
		       struct api_token *t, struct ug_error *err)
{
	struct token_user tu;
	int rc = store_cached(db, CACHED_TOKEN, token_hash, &tu, sizeof tu,
			      token_read, token_hash, err);

	if (rc == 0) {
		*u = tu.u;
		*t = tu.t;
	}
	return rc;
}

static const char SQL_TOKEN_TOUCH[] =
	"UPDATE api_token SET last_used_at = ? WHERE id = ?";

int store_token_touch(struct db *db, int64_t id, int64_t now,
		      struct ug_error *err)
{
	return db_run(db, SQL_TOKEN_TOUCH, DB_ARGS(DB_INT(now), DB_INT(id)),
		      err);
}

static const char SQL_TOKEN_GET[] =
	"SELECT " TOKEN_COLUMNS " FROM api_token t"
	" JOIN app_user u ON u.id = t.user_id WHERE t.id = ?";

int store_token_get(struct db *db, int64_t id, struct api_token *t,
		    struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_id(db, SQL_TOKEN_GET, id, "token", &st, err)))
		return rc;
	token_from_row(st, 0, t);
	db_reset(st);
	return 0;
}

static const char SQL_TOKEN_DELETE[] = "DELETE FROM api_token WHERE id = ?";

int store_token_delete(struct db *db, int64_t id, struct ug_error *err)
{
	return db_run_changed(db, SQL_TOKEN_DELETE, DB_ARGS(DB_INT(id)),
			      "token", id, err);
}

static void token_row(struct db_stmt *st, struct api_token *t)
{
	token_from_row(st, 0, t);
}

DB_VISITOR(token, store_token_cb, struct api_token, token_row)

/* user_id 0: every user's. */
static const char SQL_TOKEN_LIST[] =
	"SELECT " TOKEN_COLUMNS " FROM api_token t"
	" JOIN app_user u ON u.id = t.user_id"
	" WHERE ? = 0 OR t.user_id = ? ORDER BY t.id";

int store_token_list(struct db *db, int64_t user_id, store_token_cb cb,
		     void *ctx, struct ug_error *err)
{
	struct api_token t;

	return db_list(db, SQL_TOKEN_LIST,
		       DB_ARGS(DB_INT(user_id), DB_INT(user_id)), token_visit,
		       &(struct token_visit){ cb, ctx, &t }, err);
}

/* ---- login failures ------------------------------------------------ */

static const char SQL_LOGIN_FAILURE_ADD[] =
	"INSERT INTO login_failure (username, client_addr, at) VALUES (?, ?, ?)";

int store_login_failure_add(struct db *db, const char *username,
			    const char *client_addr, int64_t at,
			    struct ug_error *err)
{
	return db_run(db, SQL_LOGIN_FAILURE_ADD,
		      DB_ARGS(DB_TEXT(username), DB_TEXT(client_addr),
			      DB_INT(at)), err);
}

static const char SQL_LOGIN_FAILURE_BY_USER[] =
	"SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failure"
	" WHERE username = ? AND at >= ?";
static const char SQL_LOGIN_FAILURE_BY_ADDR[] =
	"SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failure"
	" WHERE client_addr = ? AND at >= ?";

static int login_failure_count_one(struct db *db, const char *sql,
				   const char *key, int64_t since, int *count,
				   int64_t *oldest, struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, sql, DB_ARGS(DB_TEXT(key), DB_INT(since)), &st, err);
	if (rc < 0)
		return rc;
	*count = (int)db_column_int64(st, 0);
	*oldest = db_column_int64(st, 1);
	db_reset(st);
	return 0;
}

int store_login_failure_count(struct db *db, const char *username,
			      const char *client_addr, int64_t since,
			      int *by_user, int64_t *oldest_user, int *by_addr,
			      int64_t *oldest_addr, struct ug_error *err)
{
	int rc = login_failure_count_one(db, SQL_LOGIN_FAILURE_BY_USER,
					 username, since, by_user, oldest_user,
					 err);

	if (rc)
		return rc;
	return login_failure_count_one(db, SQL_LOGIN_FAILURE_BY_ADDR,
				       client_addr, since, by_addr,
				       oldest_addr, err);
}

static const char SQL_LOGIN_FAILURE_CLEAR[] =
	"DELETE FROM login_failure WHERE username = ? OR at < ?";

int store_login_failure_clear(struct db *db, const char *username,
			      int64_t before, struct ug_error *err)
{
	return db_run(db, SQL_LOGIN_FAILURE_CLEAR,
		      DB_ARGS(DB_TEXT(username), DB_INT(before)), err);
}

