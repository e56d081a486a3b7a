/*
 * accounts.h - creating and listing user accounts.
 *
 * A user has a username (login), a display name, one role and one
 * organisation unit.  Which kind of unit fits which role is part of the
 * role table (domain/org/roles.c): handlers belong to a department, centre and
 * field staff to a division; leaders, admins and API clients to either.
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
};

/* Check a username: 3-64 characters of a-z 0-9 . _ -, starting with a
 * letter or digit. */
int account_check_username(const char *username, struct ug_error *err);

/* Create the account.  When a->password is NULL a strong password is
 * generated and written to generated (GENERATED_PASSWORD_LEN+1 bytes, may
 * be NULL otherwise).  The new user is read back into *created.  Errors name
 * the field: username (bad form / UG_ECONFLICT taken), role, unit (unknown,
 * or the wrong kind for the role), password, display_name. */
int account_create(struct db *db, const struct account_new *a,
		   const char *actor, int64_t now, struct user *created,
		   char *generated, struct ug_error *err);

/* The accounts the actor may see, by name, to cb: an area's staff the
 * people whose unit lies in their area, a department's its own, an admin
 * everyone. */
int account_list(struct db *db, const struct actor *a, store_user_cb cb,
		 void *ctx, struct ug_error *err);

#endif
