/*
 * accounts.c - account creation with its validation (see accounts.h).
 */
#include "domain/org/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

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

int account_create(struct db *db, const struct account_new *a,
		   const char *actor, int64_t now, struct user *created,
		   char *generated, struct ug_error *err)
{
	char hash[PASSWORD_HASH_MAX + 1];
	char unit_name[NAME_MAX_BYTES + 1];
	char pw[GENERATED_PASSWORD_LEN + 1];
	const char *password = a->password;
	struct buf detail = BUF_INIT;
	struct user u;
	int role, rc;

	memset(&u, 0, sizeof u);
	if ((rc = account_check_username(a->username, err)))
		return rc;
	role = role_parse(a->role);
	if (role < 0)
		return ug_fail(err, UG_EINVAL, "role",
			       "unknown role %s (one of inspector, receptionist, "
			       "shift_leader, dispatcher, handler, leader, "
			       "admin, api_client)", a->role);
	if (a->display_name && *a->display_name) {
		size_t n = ug_utf8_len(a->display_name);

		if (n > 100 || strlen(a->display_name) > NAME_MAX_BYTES)
			return ug_fail(err, UG_EINVAL, "display_name",
				       "display_name must be at most 100 characters");
	}
	if (a->password_hash) {
		password = NULL;
	} else if (!password) {
		auth_password_generate(pw);
		password = pw;
	} else if ((rc = auth_password_check(password, err))) {
		return rc;
	}
	if (strlen(a->unit) > CODE_MAX)
		return ug_fail(err, UG_EINVAL, "unit", "unit code is too long");
	snprintf(u.username, sizeof u.username, "%s", a->username);
	snprintf(u.display_name, sizeof u.display_name, "%s",
		 a->display_name && *a->display_name ? a->display_name
						     : a->username);
	snprintf(u.role, sizeof u.role, "%s", role_table[role].name);
	snprintf(u.unit_code, sizeof u.unit_code, "%s", a->unit);
	/* Hash before the transaction: argon2 takes tens of milliseconds and
	 * must not hold the write lock. */
	if (a->password_hash)
		snprintf(hash, sizeof hash, "%s", a->password_hash);
	else if ((rc = auth_password_hash(password, hash, err)))
		return rc;
	if ((rc = db_begin_write(db, err)))
		goto out;
	rc = store_unit_lookup(db, a->unit, u.unit_kind, unit_name, err);
	if (rc == -UG_ENOTFOUND)
		rc = ug_fail(err, UG_EINVAL, "unit",
			     "unit %s is neither a division nor a department",
			     a->unit);
	if (rc)
		goto fail;
	if (strcmp(role_table[role].unit_kind, "any") != 0 &&
	    strcmp(role_table[role].unit_kind, u.unit_kind) != 0) {
		rc = ug_fail(err, UG_EINVAL, "unit",
			     "a %s must belong to a %s, and %s is a %s",
			     role_table[role].name, role_table[role].unit_kind,
			     a->unit, u.unit_kind);
		goto fail;
	}
	buf_printf(&detail, "{\"role\":\"%s\",\"unit\":\"%s\"}", u.role,
		   u.unit_code);
	if ((rc = store_user_insert(db, &u, hash, now, &u.id, err)) ||
	    (rc = store_audit_add(db, now, actor, "user.create", u.username,
				  buf_str(&detail), err)) ||
	    (rc = store_user_by_id(db, u.id, created, err)) ||
	    (rc = db_commit(db, err)))
		goto fail;
	if (!a->password && !a->password_hash && generated)
		memcpy(generated, pw, sizeof pw);
	goto out;
fail:
	db_rollback(db);
out:
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(hash, sizeof hash);
	buf_free(&detail);
	return rc;
}

int account_list(struct db *db, const struct actor *a, store_user_cb cb,
		 void *ctx, struct ug_error *err)
{
	/* Unit codes nest like area codes, and a department's people have
	 * its code: the scope's code is the prefix either way. */
	return store_user_list(db, a->scope.kind == SCOPE_ALL ? ""
							      : a->scope.code,
			       cb, ctx, err);
}
