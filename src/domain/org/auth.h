/*
 * auth.h - passwords, sessions, API tokens and the login lock-out.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str).
 * Session cookies and API tokens are 256-bit random values; only their
 * BLAKE2b hash is stored, so a copy of the database does not let anyone
 * log in.  Every session carries its own CSRF token, which the browser must
 * echo in the X-CSRF-Token header on writes.
 *
 * Lock-out: after `max_failures` failed logins for one username, or from one
 * client address, within `failure_window` seconds, further attempts are
 * refused with UG_ELIMIT (retry_after set) until the oldest failure leaves
 * the window - even with the right password.  The count lives in the
 * database so that several app servers share it.
 */
#ifndef UG_AUTH_H
#define UG_AUTH_H

#include <stdint.h>

#include "store/org/org.h"

#define TOKEN_HEX_LEN 64        /* 32 random bytes as hex */
#define API_TOKEN_PREFIX "ugt_" /* makes leaked tokens easy to grep for */
#define API_TOKEN_LEN (4 + TOKEN_HEX_LEN)
#define PASSWORD_MIN 8
#define PASSWORD_MAX 256
#define GENERATED_PASSWORD_LEN 20

struct auth_config {
	int64_t session_ttl;    /* seconds a session lives; default 12 h */
	int max_failures;       /* default 5 */
	int64_t failure_window; /* seconds; default 900 */
};

void auth_config_defaults(struct auth_config *c);

/* argon2id hash of `password` into out.  UG_ENOMEM if the memory-hard
 * function cannot get its memory. */
int auth_password_hash(const char *password, char out[PASSWORD_HASH_MAX + 1],
		       struct ug_error *err);

/* 1 if password matches hash, 0 otherwise (also for a malformed hash). */
int auth_password_verify(const char *hash, const char *password);

/* A strong random password of GENERATED_PASSWORD_LEN characters drawn from
 * an alphabet without look-alikes (no 0/O, 1/l/I). */
void auth_password_generate(char out[GENERATED_PASSWORD_LEN + 1]);

/* Check a password chosen by a person: length limits, valid UTF-8. */
int auth_password_check(const char *password, struct ug_error *err);

/* Hex BLAKE2b-256 of a token: what is stored in the database. */
void auth_token_hash(const char *token, char out[TOKEN_HEX_LEN + 1]);

struct login_result {
	struct user user;
	char session_token[TOKEN_HEX_LEN + 1]; /* the cookie value */
	char csrf_token[TOKEN_HEX_LEN + 1];
	int64_t expires_at;
};

/* Log in.  UG_EAUTH for an unknown user, a wrong password or a disabled
 * account (one message for all three); UG_ELIMIT with err->retry_after
 * while locked out. */
int auth_login(struct db *db, const struct auth_config *cfg,
	       const char *username, const char *password,
	       const char *client_addr, int64_t now, struct login_result *out,
	       struct ug_error *err);

/* End the session whose cookie value is `token` (no error if unknown). */
int auth_logout(struct db *db, const char *token, struct ug_error *err);

/* The user of a live session; UG_EAUTH if none. */
int auth_session_user(struct db *db, const char *token, int64_t now,
		      struct user *u, char csrf[TOKEN_HEX_LEN + 1],
		      struct ug_error *err);

/* The user of an API token; UG_EAUTH if none (or its account is
 * disabled). */
int auth_bearer_user(struct db *db, const char *token, struct user *u,
		     struct ug_error *err);

/* The same for a request at `now`, with the token's row into *t (its id:
 * what DELETE /api/v1/session revokes); records when it was last used,
 * to the hour. */
int auth_bearer(struct db *db, const char *token, int64_t now,
		struct user *u, struct api_token *t, struct ug_error *err);

/* The account a request of a public door speaks for: the api_client
 * whose token is api_key, else (no key) the account `anonymous` when the
 * city takes anonymous reports (NULL or "": it does not).  UG_EAUTH
 * naming "api_key" for a wrong key, a missing one, or an anonymous
 * account that is not an enabled api_client. */
int auth_public_client(struct db *db, const char *api_key,
		       const char *anonymous, struct user *u,
		       struct ug_error *err);

/* Constant-time string comparison for tokens; 1 when equal. */
int auth_token_equal(const char *a, const char *b);

#endif
