/*
 * password.h - the password policy: what a password chosen by a person
 * must be, and how old it may grow.
 *
 * Set by the security admin (PUT /api/v1/password-policy, `urbangrid
 * password-policy`), stored in the settings (store/org/org.h), audited.
 * The defaults keep what the program always asked (8 characters, valid
 * UTF-8), so that accounts and scripts of older versions go on working; a
 * site assessed at 等保 level 3 sets min_classes 3, not_username 1 and
 * max_age_days 90 (docs/operations.md).  Generated passwords (20
 * characters of upper, lower and digits) meet any policy.
 */
#ifndef UG_PASSWORD_H
#define UG_PASSWORD_H

#include <stdint.h>

#include "domain/org/roles.h"

enum password_key {
	PASSWORD_MIN_LENGTH,   /* 8..20 characters */
	PASSWORD_MIN_CLASSES,  /* 1..4 of: a-z, A-Z, 0-9, anything else */
	PASSWORD_NOT_USERNAME, /* 0/1: may not hold the username */
	PASSWORD_MAX_AGE_DAYS, /* 0 (never) .. 3650: older must change */
	PASSWORD_KEY_COUNT
};

/* "min_length", "min_classes", "not_username", "max_age_days". */
extern const char *const password_key_names[PASSWORD_KEY_COUNT];

struct password_policy {
	int value[PASSWORD_KEY_COUNT];
};

/* The policy in force (stored values over the defaults). */
int password_policy_get(struct db *db, struct password_policy *p,
			struct ug_error *err);

/* Change the keys given (has[k]) to value[k]: the security admin's or
 * the command line's; UG_EFORBIDDEN for anyone else, UG_EINVAL naming a
 * value out of range.  Audited ("password_policy.edit", before and
 * after).  *out receives the policy after the change. */
int password_policy_set(struct db *db, const struct actor *a,
			const int has[PASSWORD_KEY_COUNT],
			const int value[PASSWORD_KEY_COUNT], int64_t now,
			struct password_policy *out, struct ug_error *err);

/* Check a password a person chose for account `username` against p:
 * UG_EINVAL naming `field` and saying which rule it breaks. */
int password_policy_check(const struct password_policy *p,
			  const char *username, const char *password,
			  const char *field, struct ug_error *err);

/* Is a password changed at `changed_at` too old at `now`? */
int password_expired(const struct password_policy *p, int64_t changed_at,
		     int64_t now);

#endif
