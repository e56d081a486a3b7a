/*
 * accounts.h - user accounts: creating, listing, changing, disabling
 * them, and their passwords.
 *
 * A user has a username (login), a display name, one role and one
 * organisation unit.  Which kind of unit fits which role is part of the
 * role table (domain/org/roles.c): handlers belong to a department, centre
 * and field staff to a division; leaders, admins and API clients to
 * either.
 *
 * Access (三员分立): accounts are the security admin's (and the command
 * line's), all of them; a leader or shift leader lists the people of its
 * area; anyone changes its own password.
 * An account outside the caller's sight answers as one that does not
 * exist.  Every change is audited with before and after.
 */
#ifndef UG_ACCOUNTS_H
#define UG_ACCOUNTS_H

#include "domain/org/auth.h"
#include "domain/org/roles.h"
#include "store/org/org.h"

struct account_new {
	const char *username;
	const char *display_name; /* NULL or "": the username */
	const char *role;
	const char *unit;         /* a division or department code */
	const char *password;     /* NULL: generate one */
	const char *password_hash;/* instead of password: an argon2id hash
				     made earlier (bulk set-ups hash once) */
	int must_change;          /* the owner chooses a new password at the
				     first login: the security admin set
				     this one up and knows it */
};

/* Check a username: 3-64 characters of a-z 0-9 . _ -, starting with a
 * letter or digit. */
int account_check_username(const char *username, struct ug_error *err);

/* Create the account, as `by` (the security admin or the command
 * line).  When a->password is NULL a strong password is generated
 * and written to generated (GENERATED_PASSWORD_LEN+1 bytes, may be NULL
 * otherwise); a chosen one must meet the password policy.  The new user
 * is read back into *created.  Errors name the field: username (bad form
 * / UG_ECONFLICT taken), role, unit (unknown, or the wrong kind for the
 * role), password, display_name;
 * UG_EFORBIDDEN for a caller who does not manage accounts. */
int account_create(struct db *db, const struct actor *by,
		   const struct account_new *a, int64_t now,
		   struct user *created, char *generated,
		   struct ug_error *err);

/* The accounts the actor may see, by name, to cb: an area's staff the
 * people whose unit lies in their area, a department's its own, the
 * command line and the admins of everything everyone. */
int account_list(struct db *db, const struct actor *a, store_user_cb cb,
		 void *ctx, struct ug_error *err);

/* Account `id` (or, with id 0, `username`) if the actor may manage it or
 * it is the actor's own; else UG_ENOTFOUND, as for one that does not
 * exist. */
int account_get(struct db *db, const struct actor *a, int64_t id,
		const char *username, struct user *out, struct ug_error *err);

/* A change to an account: NULL / has_disabled 0 keep the value. */
struct account_change {
	const char *display_name;
	const char *role;
	const char *unit;
	int has_disabled;
	int disabled;
};

/* Change account `id` (see account_get for who may, and which).  The role
 * and unit are checked together as at creation; nobody changes its own
 * role or unit, or disables itself (UG_ECONFLICT naming the field).  A
 * disabled account's sessions end and its tokens stop working at once;
 * enabled again, its tokens work again (revoke them to end them).
 * *out: the account after.  Audited ("user.edit", before and after). */
int account_edit(struct db *db, const struct actor *a, int64_t id,
		 const struct account_change *c, int64_t now,
		 struct user *out, struct ug_error *err);

/* Set account `id`'s password.  On one's own account: old_password must
 * be the current one (UG_EAUTH naming "old_password" otherwise), the new
 * one must meet the policy, and the account's other sessions end
 * (keep_session: the cookie value of the session to keep, or NULL).  On
 * another's (the security admin's reset): password NULL generates one into
 * generated; the owner must choose a new one at the next login, and every
 * session of the account ends.  Audited ("user.password.change" /
 * "user.password.reset", never the password).  *out (may be NULL): the
 * account after. */
int account_set_password(struct db *db, const struct actor *a, int64_t id,
			 const char *old_password, const char *password,
			 const char *keep_session, int64_t now,
			 char generated[GENERATED_PASSWORD_LEN + 1],
			 struct user *out, struct ug_error *err);

#endif
