/*
 * accounts.c - accounts and their passwords, with who may touch which
 * (see accounts.h).
 */
#include "domain/org/accounts.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org/audit.h"
#include "domain/org/password.h"
#include "lib/buf.h"
#include "lib/util.h"

int account_check_username(const char *username, struct ug_error *err)
{
	size_t n = strlen(username);

	if (n < 3 || n > USERNAME_MAX)
		return ug_fail(err, UG_EINVAL, "username",
			       "username must be 3 to %d characters",
			       USERNAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = username[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return ug_fail(err, UG_EINVAL, "username",
				       "username may hold only a-z, 0-9, '.', "
				       "'_' and '-', and must start with a "
				       "letter or digit");
	}
	return 0;
}

/* ---- who may manage whom ------------------------------------------------ */

/* May the actor manage accounts?  The security admin (every account)
 * and the command line. */
static int manages(const struct actor *a)
{
	return actor_is(a, ROLE_SECURITY_ADMIN);
}

static int is_self(const struct actor *a, const struct user *u)
{
	return !a->root && a->user && a->user->id == u->id;
}

int account_list(struct db *db, const struct actor *a, store_user_cb cb,
		 void *ctx, struct ug_error *err)
{
	return store_user_list(db, a->scope.kind == SCOPE_ALL ? ""
							      : a->scope.code,
			       cb, ctx, err);
}

int account_get(struct db *db, const struct actor *a, int64_t id,
		const char *username, struct user *out, struct ug_error *err)
{
	int rc;

	rc = id ? store_user_by_id(db, id, out, err)
		: store_user_by_name(db, username ? username : "", out, NULL,
				     err);
	if (rc == 0 && !is_self(a, out) && !manages(a))
		rc = -UG_ENOTFOUND;
	if (rc == -UG_ENOTFOUND) {
		memset(out, 0, sizeof *out);
		if (id)
			return ug_fail(err, UG_ENOTFOUND, "id",
				       "no user with id %lld", (long long)id);
		return ug_fail(err, UG_ENOTFOUND, "username",
			       "no user named %s", username ? username : "");
	}
	return rc;
}

/* ---- checks shared by creation and change --------------------------- */

static int check_role(const char *name, int *role, struct ug_error *err)
{
	struct buf known = BUF_INIT;
	int rc;

	if ((*role = role_parse(name)) >= 0)
		return 0;
	for (int i = 0; i < ROLE_COUNT; i++)
		buf_printf(&known, "%s%s", i ? ", " : "", role_table[i].name);
	rc = ug_fail(err, UG_EINVAL, "role", "unknown role %s (one of %s)",
		     name, buf_str(&known));
	buf_free(&known);
	return rc;
}

static int check_display_name(const char *name, struct ug_error *err)
{
	size_t n = ug_utf8_len(name);

	if (n < 1 || n > 100 || strlen(name) > NAME_MAX_BYTES ||
	    !ug_utf8_valid(name, strlen(name)))
		return ug_fail(err, UG_EINVAL, "display_name",
			       "display_name must be 1 to 100 characters");
	return 0;
}

/* Resolve u->unit_code into u->unit_kind (in the caller's transaction)
 * and check it fits role. */
static int check_unit(struct db *db, int role, struct user *u,
		      struct ug_error *err)
{
	char unit_name[NAME_MAX_BYTES + 1];
	int rc;

	if (strlen(u->unit_code) > CODE_MAX)
		return ug_fail(err, UG_EINVAL, "unit", "unit code is too long");
	rc = store_unit_lookup(db, u->unit_code, u->unit_kind, unit_name, err);
	if (rc == -UG_ENOTFOUND)
		return ug_fail(err, UG_EINVAL, "unit",
			       "unit %s is neither a division nor a "
			       "department", u->unit_code);
	if (rc)
		return rc;
	if (strcmp(role_table[role].unit_kind, "any") != 0 &&
	    strcmp(role_table[role].unit_kind, u->unit_kind) != 0)
		return ug_fail(err, UG_EINVAL, "unit",
			       "a %s must belong to a %s, and %s is a %s",
			       role_table[role].name,
			       role_table[role].unit_kind, u->unit_code,
			       u->unit_kind);
	return 0;
}

/* {"display_name":…,"role":…,"unit":…,"disabled":…} for the trail. */
static void user_json(const struct user *u, struct buf *b)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "display_name",
			      u->display_name, "role", u->role, "unit",
			      u->unit_code, "disabled", u->disabled);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	buf_puts(b, text ? text : "{}");
	free(text);
	json_decref(o);
}

/* ---- creating ------------------------------------------------------- */

int account_create(struct db *db, const struct actor *by,
		   const struct account_new *a, int64_t now,
		   struct user *created, char *generated,
		   struct ug_error *err)
{
	char hash[PASSWORD_HASH_MAX + 1];
	char pw[GENERATED_PASSWORD_LEN + 1];
	struct password_policy policy;
	const char *password = a->password;
	struct buf after = BUF_INIT, detail = BUF_INIT;
	struct user u;
	int role, rc;

	memset(&u, 0, sizeof u);
	memset(pw, 0, sizeof pw);
	if (!actor_is(by, ROLE_SECURITY_ADMIN))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only the security admin manages accounts");
	if ((rc = account_check_username(a->username, err)) ||
	    (rc = check_role(a->role, &role, err)))
		return rc;
	if (a->display_name && *a->display_name &&
	    (rc = check_display_name(a->display_name, err)))
		return rc;
	if (a->password_hash) {
		password = NULL;
	} else if (!password) {
		auth_password_generate(pw);
		password = pw;
	} else if ((rc = password_policy_get(db, &policy, err)) ||
		   (rc = password_policy_check(&policy, a->username, password,
					       "password", err))) {
		return rc;
	}
	snprintf(u.username, sizeof u.username, "%s", a->username);
	snprintf(u.display_name, sizeof u.display_name, "%s",
		 a->display_name && *a->display_name ? a->display_name
						     : a->username);
	snprintf(u.role, sizeof u.role, "%s", role_table[role].name);
	snprintf(u.unit_code, sizeof u.unit_code, "%s", a->unit);
	u.must_change_password = a->must_change ? 1 : 0;
	/* Hash before the transaction: argon2 takes tens of milliseconds and
	 * must not hold the write lock. */
	if (a->password_hash)
		snprintf(hash, sizeof hash, "%s", a->password_hash);
	else if ((rc = auth_password_hash(password, hash, err)))
		goto out;
	if ((rc = db_begin_write(db, err)))
		goto out;
	if ((rc = check_unit(db, role, &u, err)) == 0) {
		user_json(&u, &after);
		buf_printf(&detail, "{\"role\":\"%s\",\"unit\":\"%s\"}",
			   u.role, u.unit_code);
		if ((rc = store_user_insert(db, &u, hash, now, &u.id, err)) ==
			    0 &&
		    (rc = audit_write(db, by, now, "user.create", u.username,
				      NULL, buf_str(&after), buf_str(&detail),
				      err)) == 0)
			rc = store_user_by_id(db, u.id, created, err);
	}
	if ((rc = db_end(db, rc, err)) == 0 && !a->password &&
	    !a->password_hash && generated)
		memcpy(generated, pw, sizeof pw);
out:
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(hash, sizeof hash);
	buf_free(&after);
	buf_free(&detail);
	return rc;
}

/* ---- changing ------------------------------------------------------- */

int account_edit(struct db *db, const struct actor *a, int64_t id,
		 const struct account_change *c, int64_t now,
		 struct user *out, struct ug_error *err)
{
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct user u, was;
	int role, rc;

	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = account_get(db, a, id, NULL, &was, err)))
		goto end;
	/* One's own account (outside the security admin's work) shows, but
	 * only its password is the owner's to change. */
	if (!manages(a)) {
		rc = ug_fail(err, UG_EFORBIDDEN, NULL,
			     "only the security admin changes accounts");
		goto end;
	}
	u = was;
	if (c->display_name && (rc = check_display_name(c->display_name, err)))
		goto end;
	if (c->display_name)
		snprintf(u.display_name, sizeof u.display_name, "%s",
			 c->display_name);
	if ((c->role || c->unit) && is_self(a, &was)) {
		rc = ug_fail(err, UG_ECONFLICT, c->role ? "role" : "unit",
			     "you cannot change your own %s: another "
			     "security admin can", c->role ? "role" : "unit");
		goto end;
	}
	if (c->has_disabled && c->disabled && is_self(a, &was)) {
		rc = ug_fail(err, UG_ECONFLICT, "disabled",
			     "you cannot disable your own account");
		goto end;
	}
	if ((rc = check_role(c->role ? c->role : u.role, &role, err)))
		goto end;
	snprintf(u.role, sizeof u.role, "%s", role_table[role].name);
	if (c->unit)
		snprintf(u.unit_code, sizeof u.unit_code, "%s", c->unit);
	if ((c->role || c->unit) && (rc = check_unit(db, role, &u, err)))
		goto end;
	if (c->has_disabled)
		u.disabled = c->disabled ? 1 : 0;
	user_json(&was, &before);
	user_json(&u, &after);
	if ((rc = store_user_update(db, &u, err)) == 0 && u.disabled)
		rc = store_session_delete_user(db, u.id, NULL, NULL, err);
	if (rc == 0 &&
	    (rc = audit_write(db, a, now, "user.edit", u.username,
			      buf_str(&before), buf_str(&after), NULL, err)) == 0)
		rc = store_user_by_id(db, u.id, out, err);
end:
	rc = db_end(db, rc, err);
	buf_free(&before);
	buf_free(&after);
	return rc;
}

/* ---- passwords ------------------------------------------------------ */

int account_set_password(struct db *db, const struct actor *a, int64_t id,
			 const char *old_password, const char *password,
			 const char *keep_session, int64_t now,
			 char generated[GENERATED_PASSWORD_LEN + 1],
			 struct user *out, struct ug_error *err)
{
	char hash[PASSWORD_HASH_MAX + 1], keep[TOKEN_HEX_LEN + 1];
	char pw[GENERATED_PASSWORD_LEN + 1];
	struct password_policy policy;
	struct user u;
	int self, rc;

	memset(pw, 0, sizeof pw);
	hash[0] = '\0';
	if (generated)
		generated[0] = '\0';
	/* Who it is and what the caller may do, read first: hashing must
	 * not hold the write lock; the write below checks again. */
	if ((rc = account_get(db, a, id, NULL, &u, err)))
		return rc;
	self = is_self(a, &u);
	if (!self && !manages(a))
		return ug_fail(err, UG_ENOTFOUND, "id", "no user with id %lld",
			       (long long)id);
	if (self) {
		if (!old_password)
			return ug_fail(err, UG_EINVAL, "old_password",
				       "give your current password as "
				       "old_password");
		if (!password)
			return ug_fail(err, UG_EINVAL, "password",
				       "give the new password");
		if ((rc = store_user_password_hash(db, u.id, hash, err)))
			return rc;
		rc = auth_password_verify(hash, old_password);
		sodium_memzero(hash, sizeof hash);
		if (!rc)
			return ug_fail(err, UG_EAUTH, "old_password",
				       "old_password is not your current "
				       "password");
		if (strcmp(old_password, password) == 0)
			return ug_fail(err, UG_EINVAL, "password",
				       "the new password must differ from the "
				       "old one");
	}
	if (!password) {
		auth_password_generate(pw);
		password = pw;
	} else if ((rc = password_policy_get(db, &policy, err)) ||
		   (rc = password_policy_check(&policy, u.username, password,
					       "password", err))) {
		goto out;
	}
	if ((rc = auth_password_hash(password, hash, err)))
		goto out;
	if (keep_session)
		auth_token_hash(keep_session, keep);
	if ((rc = db_begin_write(db, err)))
		goto out;
	if ((rc = account_get(db, a, id, NULL, &u, err)) == 0 &&
	    (rc = store_user_set_password(db, u.id, hash, !self, now,
					  err)) == 0 &&
	    (rc = store_session_delete_user(db, u.id,
					    self && keep_session ? keep : NULL,
					    NULL, err)) == 0 &&
	    (rc = audit_write(db, a, now,
			      self ? "user.password.change"
				   : "user.password.reset",
			      u.username, NULL, NULL, NULL, err)) == 0 &&
	    out)
		rc = store_user_by_id(db, u.id, out, err);
	if ((rc = db_end(db, rc, err)) == 0 && password == pw && generated)
		memcpy(generated, pw, sizeof pw);
out:
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(hash, sizeof hash);
	return rc;
}
