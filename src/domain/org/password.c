/*
 * password.c - the password policy (see password.h).
 */
#include "domain/org/password.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/org/audit.h"
#include "domain/org/auth.h"
#include "lib/buf.h"
#include "lib/util.h"

const char *const password_key_names[PASSWORD_KEY_COUNT] = {
	"min_length", "min_classes", "not_username", "max_age_days",
};

static const struct {
	int deflt, min, max;
} limits[PASSWORD_KEY_COUNT] = {
	/* The most a generated password (GENERATED_PASSWORD_LEN) has. */
	[PASSWORD_MIN_LENGTH] = { PASSWORD_MIN, PASSWORD_MIN,
				  GENERATED_PASSWORD_LEN },
	[PASSWORD_MIN_CLASSES] = { 1, 1, 4 },
	[PASSWORD_NOT_USERNAME] = { 0, 0, 1 },
	[PASSWORD_MAX_AGE_DAYS] = { 0, 0, 3650 },
};

/* The settings key of k: "password.min_length" ... */
static void key_of(int k, char out[48])
{
	snprintf(out, 48, "password.%s", password_key_names[k]);
}

int password_policy_get(struct db *db, struct password_policy *p,
			struct ug_error *err)
{
	char key[48], text[32];
	int rc;

	for (int k = 0; k < PASSWORD_KEY_COUNT; k++) {
		p->value[k] = limits[k].deflt;
		key_of(k, key);
		rc = store_setting_get(db, key, text, sizeof text, err);
		if (rc == -UG_ENOTFOUND) {
			ug_error_clear(err);
			continue;
		}
		if (rc)
			return rc;
		/* Written only by password_policy_set(): in range. */
		p->value[k] = atoi(text);
	}
	return 0;
}

static void policy_json(const struct password_policy *p, struct buf *b)
{
	for (int k = 0; k < PASSWORD_KEY_COUNT; k++)
		buf_printf(b, "%c\"%s\":%d", k ? ',' : '{',
			   password_key_names[k], p->value[k]);
	buf_putc(b, '}');
}

int password_policy_set(struct db *db, const struct actor *a,
			const int has[PASSWORD_KEY_COUNT],
			const int value[PASSWORD_KEY_COUNT], int64_t now,
			struct password_policy *out, struct ug_error *err)
{
	struct password_policy before;
	struct buf b = BUF_INIT, after = BUF_INIT;
	char key[48], text[32];
	int rc;

	if (!actor_is(a, ROLE_SECURITY_ADMIN))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only the security admin sets the password "
			       "policy");
	for (int k = 0; k < PASSWORD_KEY_COUNT; k++)
		if (has[k] && (value[k] < limits[k].min ||
			       value[k] > limits[k].max))
			return ug_fail(err, UG_EINVAL, password_key_names[k],
				       "%s must be between %d and %d",
				       password_key_names[k], limits[k].min,
				       limits[k].max);
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = password_policy_get(db, &before, err)))
		goto end;
	*out = before;
	for (int k = 0; k < PASSWORD_KEY_COUNT; k++) {
		if (!has[k])
			continue;
		out->value[k] = value[k];
		key_of(k, key);
		snprintf(text, sizeof text, "%d", value[k]);
		if ((rc = store_setting_put(db, key, text, err)))
			goto end;
	}
	policy_json(&before, &b);
	policy_json(out, &after);
	rc = audit_write(db, a, now, "password_policy.edit", "password",
			 buf_str(&b), buf_str(&after), NULL, err);
end:
	rc = db_end(db, rc, err);
	buf_free(&b);
	buf_free(&after);
	return rc;
}

/* Does `hay` hold `needle`, ignoring the case of ASCII letters? */
static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return 0;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int password_policy_check(const struct password_policy *p,
			  const char *username, const char *password,
			  const char *field, struct ug_error *err)
{
	int lower = 0, upper = 0, digit = 0, other = 0, rc;

	if ((rc = auth_password_check(password, err))) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return rc;
	}
	if ((int)ug_utf8_len(password) < p->value[PASSWORD_MIN_LENGTH])
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be at least %d characters", field,
			       p->value[PASSWORD_MIN_LENGTH]);
	for (const unsigned char *c = (const unsigned char *)password; *c; c++) {
		if (*c >= 'a' && *c <= 'z')
			lower = 1;
		else if (*c >= 'A' && *c <= 'Z')
			upper = 1;
		else if (*c >= '0' && *c <= '9')
			digit = 1;
		else
			other = 1; /* punctuation, spaces, and any non-ASCII */
	}
	if (lower + upper + digit + other < p->value[PASSWORD_MIN_CLASSES])
		return ug_fail(err, UG_EINVAL, field,
			       "%s must mix at least %d of: lower-case "
			       "letters, upper-case letters, digits, other "
			       "characters", field,
			       p->value[PASSWORD_MIN_CLASSES]);
	if (p->value[PASSWORD_NOT_USERNAME] && username &&
	    contains_nocase(password, username))
		return ug_fail(err, UG_EINVAL, field,
			       "%s may not contain the username", field);
	return 0;
}

int password_expired(const struct password_policy *p, int64_t changed_at,
		     int64_t now)
{
	int days = p->value[PASSWORD_MAX_AGE_DAYS];

	return days > 0 && now - changed_at >= (int64_t)days * 86400;
}
