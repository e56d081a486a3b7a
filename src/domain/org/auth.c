/*
 * auth.c - passwords, sessions, tokens, lock-out (see auth.h).
 */
#include "domain/org/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/org/audit.h"
#include "domain/org/password.h"
#include "lib/util.h"

void auth_config_defaults(struct auth_config *c)
{
	c->session_ttl = 12 * 3600;
	c->max_failures = 5;
	c->failure_window = 15 * 60;
}

int auth_password_hash(const char *password, char out[PASSWORD_HASH_MAX + 1],
		       struct ug_error *err)
{
	char tmp[crypto_pwhash_STRBYTES];

	/* OPSLIMIT/MEMLIMIT_INTERACTIVE: libsodium's recommendation for
	 * interactive logins (64 MiB, a few tens of milliseconds). */
	if (crypto_pwhash_str(tmp, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return ug_fail(err, UG_ENOMEM, NULL,
			       "password hashing ran out of memory");
	snprintf(out, PASSWORD_HASH_MAX + 1, "%s", tmp);
	sodium_memzero(tmp, sizeof tmp);
	return 0;
}

int auth_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash)
		return 0;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void auth_password_generate(char out[GENERATED_PASSWORD_LEN + 1])
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyz"
				       "ABCDEFGHJKLMNPQRSTUVWXYZ"
				       "23456789";

	for (int i = 0; i < GENERATED_PASSWORD_LEN; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[GENERATED_PASSWORD_LEN] = '\0';
}

int auth_password_check(const char *password, struct ug_error *err)
{
	size_t n = strlen(password);

	if (!ug_utf8_valid(password, n))
		return ug_fail(err, UG_EINVAL, "password",
			       "password must be valid UTF-8 text");
	if (ug_utf8_len(password) < PASSWORD_MIN)
		return ug_fail(err, UG_EINVAL, "password",
			       "password must be at least %d characters",
			       PASSWORD_MIN);
	if (n > PASSWORD_MAX)
		return ug_fail(err, UG_EINVAL, "password",
			       "password must be at most %d bytes", PASSWORD_MAX);
	return 0;
}

void auth_token_hash(const char *token, char out[TOKEN_HEX_LEN + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)token,
			   strlen(token), NULL, 0);
	sodium_bin2hex(out, TOKEN_HEX_LEN + 1, h, sizeof h);
}

int auth_token_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* A hash of a random password, verified against when the username does not
 * exist so that the answer takes as long as for a real user.  Computed once
 * and read-only afterwards. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_hash_init(void)
{
	char pw[GENERATED_PASSWORD_LEN + 1];

	auth_password_generate(pw);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

/* Record the attempt as a failure before checking the password, in one
 * write transaction with the count, so that parallel attempts cannot get
 * past the limit; a successful login then clears the username's record. */
static int login_throttle(struct db *db, const struct auth_config *cfg,
			  const char *username, const char *client_addr,
			  int64_t now, struct ug_error *err)
{
	/* A failure at second t counts for failure_window seconds, up to
	 * t + window - 1: then the Retry-After computed below (oldest +
	 * window - now) is exactly when the lock ends, not a second early. */
	int64_t since = now - cfg->failure_window + 1, oldest_u, oldest_a;
	int by_user, by_addr, rc;

	if ((rc = db_begin_write(db, err)) ||
	    (rc = store_login_failure_count(db, username, client_addr, since,
					    &by_user, &oldest_u, &by_addr,
					    &oldest_a, err)))
		goto end;
	if (by_user >= cfg->max_failures || by_addr >= cfg->max_failures) {
		int64_t oldest = by_user >= cfg->max_failures ? oldest_u
							      : oldest_a;
		int64_t wait = oldest + cfg->failure_window - now;

		/* Refused without a look at the password: recorded as a
		 * failure of its own kind, in this transaction. */
		if ((rc = audit_write_as(db, username, client_addr, now,
					 "login.failure", username,
					 "{\"reason\":\"locked\"}", err)) ||
		    (rc = db_commit(db, err)))
			goto end;
		rc = ug_fail(err, UG_ELIMIT, "username",
			     "too many failed logins; try again in %lld s",
			     (long long)(wait > 0 ? wait : 1));
		err->retry_after = (int)(wait > 0 ? wait : 1);
		return rc;
	}
	rc = store_login_failure_add(db, username, client_addr, now, err);
end:
	return db_end(db, rc, err);
}

int auth_login(struct db *db, const struct auth_config *cfg,
	       const char *username, const char *password,
	       const char *client_addr, int64_t now, struct login_result *out,
	       struct ug_error *err)
{
	char hash[PASSWORD_HASH_MAX + 1];
	char token_hash[TOKEN_HEX_LEN + 1];
	struct password_policy policy;
	struct ug_error lookup_err;
	int rc, known, ok;

	memset(out, 0, sizeof *out);
	if ((rc = login_throttle(db, cfg, username, client_addr, now, err)))
		return rc;
	rc = store_user_by_name(db, username, &out->user, hash, &lookup_err);
	if (rc && rc != -UG_ENOTFOUND) {
		*err = lookup_err;
		return rc;
	}
	known = rc == 0;
	if (!known) {
		pthread_once(&dummy_once, dummy_hash_init);
		auth_password_verify(dummy_hash, password);
		ok = 0;
	} else {
		ok = auth_password_verify(hash, password) && !out->user.disabled;
	}
	sodium_memzero(hash, sizeof hash);
	if (!ok) {
		/* The trail tells the auditor why; the caller hears one
		 * answer for all three. */
		const char *why = !known ? "{\"reason\":\"unknown user\"}"
				  : out->user.disabled
					  ? "{\"reason\":\"disabled\"}"
					  : "{\"reason\":\"wrong password\"}";

		memset(&out->user, 0, sizeof out->user);
		if ((rc = db_begin_write(db, err)) == 0)
			rc = audit_write_as(db, username, client_addr, now,
					    "login.failure", username, why,
					    err);
		if ((rc = db_end(db, rc, err)))
			return rc;
		return ug_fail(err, UG_EAUTH, NULL,
			       "wrong username or password");
	}
	ug_random_hex(out->session_token, TOKEN_HEX_LEN / 2);
	ug_random_hex(out->csrf_token, TOKEN_HEX_LEN / 2);
	auth_token_hash(out->session_token, token_hash);
	out->expires_at = now + cfg->session_ttl;
	if ((rc = db_begin_write(db, err)) ||
	    (rc = password_policy_get(db, &policy, err)))
		goto end;
	/* A password older than the policy allows must be replaced now. */
	if (!out->user.must_change_password &&
	    password_expired(&policy, out->user.password_changed_at, now)) {
		if ((rc = store_user_require_password_change(db, out->user.id,
							     err)))
			goto end;
		out->user.must_change_password = 1;
	}
	if ((rc = store_login_failure_clear(db, username,
					    now - cfg->failure_window,
					    err)) == 0 &&
	    (rc = store_session_insert(db, token_hash, out->user.id,
				       out->csrf_token, now, out->expires_at,
				       client_addr, err)) == 0 &&
	    (rc = store_session_purge(db, now, err)) == 0)
		rc = audit_write_as(db, username, client_addr, now,
				    "login.success", username,
				    out->user.must_change_password
					    ? "{\"password_change_required\":true}"
					    : NULL,
				    err);
end:
	return db_end(db, rc, err);
}

int auth_logout(struct db *db, const char *token, struct ug_error *err)
{
	char token_hash[TOKEN_HEX_LEN + 1];
	int rc;

	auth_token_hash(token, token_hash);
	/* A write transaction, even of one statement: the server's writes
	 * commit together (store/db.h, group commit). */
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_session_delete(db, token_hash, err);
	return db_end(db, rc, err);
}

int auth_session_user(struct db *db, const char *token, int64_t now,
		      struct user *u, char csrf[TOKEN_HEX_LEN + 1],
		      struct ug_error *err)
{
	char token_hash[TOKEN_HEX_LEN + 1];
	int rc;

	auth_token_hash(token, token_hash);
	rc = store_session_lookup(db, token_hash, now, u, csrf, err);
	if (rc == -UG_ENOTFOUND)
		return ug_fail(err, UG_EAUTH, NULL,
			       "session expired or unknown: log in again");
	return rc;
}

int auth_bearer_user(struct db *db, const char *token, struct user *u,
		     struct ug_error *err)
{
	struct api_token t;

	return auth_bearer(db, token, 0, u, &t, err);
}

/* last_used_at is kept to the hour: a write per request would put every
 * API call behind the write lock. */
#define TOKEN_TOUCH_SECONDS 3600

int auth_bearer(struct db *db, const char *token, int64_t now,
		struct user *u, struct api_token *t, struct ug_error *err)
{
	char token_hash[TOKEN_HEX_LEN + 1];
	int rc;

	auth_token_hash(token, token_hash);
	rc = store_token_lookup(db, token_hash, u, t, err);
	if (rc == -UG_ENOTFOUND)
		return ug_fail(err, UG_EAUTH, NULL, "unknown API token");
	if (rc || !now || now - t->last_used_at < TOKEN_TOUCH_SECONDS)
		return rc;
	if ((rc = db_begin_write(db, err)) == 0)
		rc = store_token_touch(db, t->id, now, err);
	if ((rc = db_end(db, rc, err)) == 0)
		t->last_used_at = now;
	/* "Last used" is for the security admin's list: a disk too full to
	 * note it must not lock the token's client out of reading. */
	if (rc == -UG_EFULL) {
		if (err)
			ug_error_clear(err);
		return 0;
	}
	return rc;
}

int auth_public_client(struct db *db, const char *api_key,
		       const char *anonymous, struct user *u,
		       struct ug_error *err)
{
	int rc;

	if (api_key) {
		rc = auth_bearer_user(db, api_key, u, err);
		if (rc == -UG_EAUTH || rc == -UG_ENOTFOUND ||
		    (rc == 0 && strcmp(u->role, "api_client") != 0))
			return ug_fail(err, UG_EAUTH, "api_key",
				       "api_key is not valid");
		return rc;
	}
	if (!anonymous || !*anonymous)
		return ug_fail(err, UG_EAUTH, "api_key",
			       "api_key was not provided");
	rc = store_user_by_name(db, anonymous, u, NULL, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && (u->disabled ||
						strcmp(u->role, "api_client"))))
		return ug_fail(err, UG_EAUTH, "api_key",
			       "api_key was not provided (this city takes "
			       "reports from registered clients only)");
	return rc;
}
