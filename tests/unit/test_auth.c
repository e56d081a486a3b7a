/*
 * test_auth.c - passwords, sessions, API tokens and the lock-out
 * (domain/org/auth.h) on a fresh database per test: hashing and verifying,
 * generated passwords, password rules, token hashes, login / session /
 * logout, expiry, disabled users, the lock-out by username and by client
 * address, bearer tokens, and database faults during a login.
 * argon2id costs ~0.1 s a call, so the hash of the test password is made
 * once per run and the number of logins is kept small.
 */
#include "testutil.h"

#include <sodium.h>

#include "domain/org/auth.h"
#include "domain/org/tokens.h"

#define TEST_PASSWORD "correct horse 9"
#define NOW INT64_C(1795425011) /* 2026-11-23T09:10:11Z */

/* argon2id hash of TEST_PASSWORD, computed once (group setup). */
static char test_hash[PASSWORD_HASH_MAX + 1];

static int hash_once(void **state)
{
	struct ug_error err;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	return auth_password_hash(TEST_PASSWORD, test_hash, &err) ? -1 : 0;
}

/* Insert a user of `role` whose password is TEST_PASSWORD into *u. */
static void add_user_as(struct db *db, const char *username, const char *role,
			struct user *u)
{
	struct ug_error err;

	memset(u, 0, sizeof *u);
	snprintf(u->username, sizeof u->username, "%s", username);
	snprintf(u->display_name, sizeof u->display_name, "%s", username);
	snprintf(u->role, sizeof u->role, "%s", role);
	snprintf(u->unit_kind, sizeof u->unit_kind, "division");
	snprintf(u->unit_code, sizeof u->unit_code, "110101");
	ug_error_clear(&err);
	tu_assert_ok(store_user_insert(db, u, test_hash, NOW - 100, &u->id,
				       &err),
		     err);
}

/* Insert a user whose password is TEST_PASSWORD; returns its id. */
static int64_t add_user(struct db *db, const char *username)
{
	struct ug_error err;
	struct user u;
	int64_t id = 0;

	memset(&u, 0, sizeof u);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.display_name, sizeof u.display_name, "%s", username);
	snprintf(u.role, sizeof u.role, "inspector");
	snprintf(u.unit_kind, sizeof u.unit_kind, "division");
	snprintf(u.unit_code, sizeof u.unit_code, "110101");
	ug_error_clear(&err);
	tu_assert_ok(store_user_insert(db, &u, test_hash, NOW - 100, &id, &err),
		     err);
	assert_true(id > 0);
	return id;
}

static void disable_user(struct db *db, const char *username)
{
	struct ug_error err;
	struct db_stmt *st;

	ug_error_clear(&err);
	tu_assert_ok(db_prepare(db, "UPDATE app_user SET disabled = 1"
				    " WHERE username = ?",
				&st, &err),
		     err);
	tu_assert_ok(db_bind_text(st, 1, username, &err), err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	assert_int_equal(db_changes(db), 1);
}

static void assert_hex64(const char *s)
{
	assert_int_equal(strlen(s), TOKEN_HEX_LEN);
	for (size_t i = 0; i < TOKEN_HEX_LEN; i++)
		assert_true((s[i] >= '0' && s[i] <= '9') ||
			    (s[i] >= 'a' && s[i] <= 'f'));
}

static int login(struct db *db, const struct auth_config *cfg,
		 const char *username, const char *password, const char *addr,
		 int64_t now, struct login_result *out, struct ug_error *err)
{
	ug_error_clear(err);
	return auth_login(db, cfg, username, password, addr, now, out, err);
}

/* ---- passwords --------------------------------------------------------- */

static void test_password_hash_verify(void **state)
{
	char hash[PASSWORD_HASH_MAX + 1];
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(auth_password_hash(TEST_PASSWORD, hash, &err), err);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_true(strlen(hash) < sizeof hash);
	/* Salted: the same password hashes differently each time. */
	assert_string_not_equal(hash, test_hash);
	assert_true(auth_password_verify(hash, TEST_PASSWORD));
	assert_true(auth_password_verify(test_hash, TEST_PASSWORD));
	assert_false(auth_password_verify(hash, "correct horse 8"));
	assert_false(auth_password_verify(hash, ""));
	/* Malformed or missing hashes never match. */
	assert_false(auth_password_verify("", TEST_PASSWORD));
	assert_false(auth_password_verify(NULL, TEST_PASSWORD));
	assert_false(auth_password_verify("$argon2id$garbage", TEST_PASSWORD));
	assert_false(auth_password_verify(TEST_PASSWORD, TEST_PASSWORD));
}

static void test_password_generate(void **state)
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyz"
				       "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char pw[GENERATED_PASSWORD_LEN + 1], first[GENERATED_PASSWORD_LEN + 1];
	struct ug_error err;
	int seen[128] = { 0 }, kinds = 0;

	(void)state;
	auth_password_generate(first);
	for (int round = 0; round < 200; round++) {
		memset(pw, '#', sizeof pw);
		auth_password_generate(pw);
		assert_int_equal(strlen(pw), GENERATED_PASSWORD_LEN);
		for (int i = 0; i < GENERATED_PASSWORD_LEN; i++) {
			if (!strchr(alphabet, pw[i]))
				fail_msg("'%c' is not in the alphabet", pw[i]);
			seen[(unsigned char)pw[i]] = 1;
		}
		ug_error_clear(&err);
		tu_assert_ok(auth_password_check(pw, &err), err);
	}
	assert_string_not_equal(pw, first);
	/* No look-alikes ever. */
	assert_false(seen['0'] || seen['O'] || seen['1'] || seen['l'] ||
		     seen['I']);
	/* 4000 draws from 57 characters show (nearly) all of them. */
	for (int i = 0; i < 128; i++)
		kinds += seen[i];
	assert_true(kinds >= 50);
}

static void test_password_check(void **state)
{
	char longest[PASSWORD_MAX + 2];
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(auth_password_check("12345678", &err), err);
	tu_assert_err(auth_password_check("1234567", &err), err, UG_EINVAL,
		      "password");
	tu_assert_contains(err.message, "at least 8");
	tu_assert_err(auth_password_check("", &err), err, UG_EINVAL, "password");
	/* The minimum counts characters: 8 CJK characters pass, 7 do not,
	 * although 7 of them are 21 bytes. */
	tu_assert_ok(auth_password_check("一二三四五六七八", &err), err);
	tu_assert_err(auth_password_check("一二三四五六七", &err), err,
		      UG_EINVAL, "password");
	/* The maximum counts bytes. */
	memset(longest, 'p', PASSWORD_MAX);
	longest[PASSWORD_MAX] = '\0';
	tu_assert_ok(auth_password_check(longest, &err), err);
	longest[PASSWORD_MAX] = 'p';
	longest[PASSWORD_MAX + 1] = '\0';
	tu_assert_err(auth_password_check(longest, &err), err, UG_EINVAL,
		      "password");
	tu_assert_contains(err.message, "at most 256");
	/* Text only. */
	tu_assert_err(auth_password_check("abcdefg\xff", &err), err, UG_EINVAL,
		      "password");
	tu_assert_contains(err.message, "UTF-8");
	tu_assert_err(auth_password_check("abcdefgh\xC0\x80", &err), err,
		      UG_EINVAL, "password");
}

/* ---- tokens -------------------------------------------------------------- */

static void test_token_hash(void **state)
{
	char a[TOKEN_HEX_LEN + 1], b[TOKEN_HEX_LEN + 1];

	(void)state;
	/* BLAKE2b-256 of the empty string (RFC 7693 parameters). */
	auth_token_hash("", a);
	assert_string_equal(a, "0e5751c026e543b2e8ab2eb06099daa1"
			       "d1e5df47778f7787faab45cdf12fe3a8");
	auth_token_hash("ugt_0123", a);
	auth_token_hash("ugt_0123", b);
	assert_hex64(a);
	assert_string_equal(a, b); /* stable */
	auth_token_hash("ugt_0124", b);
	assert_string_not_equal(a, b);
}

static void test_token_equal(void **state)
{
	(void)state;
	assert_true(auth_token_equal("abc", "abc"));
	assert_true(auth_token_equal("", ""));
	assert_false(auth_token_equal("abc", "abd"));
	assert_false(auth_token_equal("abc", "abcd"));
	assert_false(auth_token_equal("abcd", "abc"));
	assert_false(auth_token_equal("", "a"));
}

/* ---- login, session, logout ------------------------------------------- */

static void test_login_session_logout(void **state)
{
	struct tu_env *env = *state;
	char csrf[TOKEN_HEX_LEN + 1], stored[TOKEN_HEX_LEN + 1];
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;
	struct user u;
	int64_t id;

	auth_config_defaults(&cfg);
	assert_int_equal(cfg.session_ttl, 12 * 3600);
	assert_int_equal(cfg.max_failures, 5);
	assert_int_equal(cfg.failure_window, 900);
	id = add_user(env->db, "alice");

	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW, &res, &err),
		     err);
	assert_int_equal(res.user.id, id);
	assert_string_equal(res.user.username, "alice");
	assert_string_equal(res.user.role, "inspector");
	assert_hex64(res.session_token);
	assert_hex64(res.csrf_token);
	assert_string_not_equal(res.session_token, res.csrf_token);
	assert_int_equal(res.expires_at, NOW + cfg.session_ttl);

	/* Only the token's hash is stored. */
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM session"
						 " WHERE token_hash = ?",
					res.session_token),
			 0);
	auth_token_hash(res.session_token, stored);
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM session"
						 " WHERE token_hash = ?",
					stored),
			 1);
	/* A success leaves no failure behind. */
	tu_assert_rows(env->db, "login_failure", 0);

	/* The session finds its user and CSRF token until it expires. */
	tu_assert_ok(auth_session_user(env->db, res.session_token, NOW, &u,
				       csrf, &err),
		     err);
	assert_int_equal(u.id, id);
	assert_string_equal(csrf, res.csrf_token);
	tu_assert_ok(auth_session_user(env->db, res.session_token,
				       res.expires_at - 1, &u, csrf, &err),
		     err);
	tu_assert_err(auth_session_user(env->db, res.session_token,
					res.expires_at, &u, csrf, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_err(auth_session_user(env->db, res.session_token,
					res.expires_at + 86400, &u, csrf, &err),
		      err, UG_EAUTH, NULL);

	/* Unknown and altered tokens find nothing. */
	tu_assert_err(auth_session_user(env->db, res.csrf_token, NOW, &u, csrf,
					&err),
		      err, UG_EAUTH, NULL);
	tu_assert_err(auth_session_user(env->db, "", NOW, &u, csrf, &err), err,
		      UG_EAUTH, NULL);

	/* Logout ends it; logging out again (or an unknown token) is fine. */
	tu_assert_ok(auth_logout(env->db, res.session_token, &err), err);
	tu_assert_err(auth_session_user(env->db, res.session_token, NOW, &u,
					csrf, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_ok(auth_logout(env->db, res.session_token, &err), err);
	tu_assert_ok(auth_logout(env->db, "nonsense", &err), err);
	tu_assert_rows(env->db, "session", 0);
}

static void test_expired_sessions_purged_on_login(void **state)
{
	struct tu_env *env = *state;
	struct login_result a, b;
	struct auth_config cfg;
	struct ug_error err;

	auth_config_defaults(&cfg);
	add_user(env->db, "alice");
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW, &a, &err),
		     err);
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW + cfg.session_ttl, &b, &err),
		     err);
	/* The first session had expired when the second was made. */
	tu_assert_rows(env->db, "session", 1);
	assert_string_not_equal(a.session_token, b.session_token);
}

static void test_wrong_password_and_unknown_user(void **state)
{
	struct tu_env *env = *state;
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;
	char message[sizeof err.message];

	auth_config_defaults(&cfg);
	add_user(env->db, "alice");
	tu_assert_err(login(env->db, &cfg, "alice", "wrong password", "10.0.0.1",
			    NOW, &res, &err),
		      err, UG_EAUTH, NULL);
	snprintf(message, sizeof message, "%s", err.message);
	assert_int_equal(res.user.id, 0);
	assert_string_equal(res.session_token, "");

	tu_assert_err(login(env->db, &cfg, "nobody", TEST_PASSWORD, "10.0.0.1",
			    NOW, &res, &err),
		      err, UG_EAUTH, NULL);
	/* The same answer for both: no telling which usernames exist. */
	assert_string_equal(err.message, message);
	assert_string_equal(res.session_token, "");

	/* Case matters in usernames. */
	tu_assert_err(login(env->db, &cfg, "Alice", TEST_PASSWORD, "10.0.0.1",
			    NOW, &res, &err),
		      err, UG_EAUTH, NULL);

	tu_assert_rows(env->db, "session", 0);
	tu_assert_rows(env->db, "login_failure", 3);
}

static void test_disabled_user_refused(void **state)
{
	struct tu_env *env = *state;
	char csrf[TOKEN_HEX_LEN + 1];
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;
	struct user u;

	auth_config_defaults(&cfg);
	add_user(env->db, "alice");
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW, &res, &err),
		     err);
	disable_user(env->db, "alice");
	/* The live session stops working at once... */
	tu_assert_err(auth_session_user(env->db, res.session_token, NOW + 1, &u,
					csrf, &err),
		      err, UG_EAUTH, NULL);
	/* ...and the right password no longer logs in. */
	tu_assert_err(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			    NOW + 2, &res, &err),
		      err, UG_EAUTH, NULL);
	assert_int_equal(res.user.id, 0);
	assert_string_equal(res.session_token, "");
}

/* ---- lock-out --------------------------------------------------------- */

static void test_lockout_by_username(void **state)
{
	struct tu_env *env = *state;
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;

	auth_config_defaults(&cfg);
	cfg.max_failures = 3;
	cfg.failure_window = 600;
	add_user(env->db, "alice");
	add_user(env->db, "bob");
	for (int i = 0; i < 3; i++)
		tu_assert_err(login(env->db, &cfg, "alice", "guess", "10.0.0.1",
				    NOW + 10 * i, &res, &err),
			      err, UG_EAUTH, NULL);
	/* Locked: even the right password is refused, from anywhere. */
	tu_assert_err(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.2",
			    NOW + 30, &res, &err),
		      err, UG_ELIMIT, "username");
	/* Until the oldest failure (at NOW) leaves the window. */
	assert_int_equal(err.retry_after, 570);
	assert_true(err.retry_after > 0 && err.retry_after <= cfg.failure_window);
	assert_string_equal(res.session_token, "");
	tu_assert_contains(err.message, "570");
	/* Refused attempts do not extend the lock. */
	tu_assert_err(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.2",
			    NOW + 599, &res, &err),
		      err, UG_ELIMIT, "username");
	assert_int_equal(err.retry_after, 1);

	/* Another user is not affected. */
	tu_assert_ok(login(env->db, &cfg, "bob", TEST_PASSWORD, "10.0.0.3",
			   NOW + 30, &res, &err),
		     err);

	/* Retry-After is exact: at NOW + 600 the lock has ended. */
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.2",
			   NOW + 30 + 570, &res, &err),
		     err);
	assert_string_equal(res.user.username, "alice");
}

static void test_lockout_by_address(void **state)
{
	struct tu_env *env = *state;
	static const char *const names[] = { "admin", "root", "test" };
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;

	auth_config_defaults(&cfg);
	cfg.max_failures = 3;
	cfg.failure_window = 600;
	add_user(env->db, "alice");
	/* Guessing across usernames from one address... */
	for (int i = 0; i < 3; i++)
		tu_assert_err(login(env->db, &cfg, names[i], "123456",
				    "203.0.113.9", NOW + i, &res, &err),
			      err, UG_EAUTH, NULL);
	/* ...locks that address, for every username. */
	tu_assert_err(login(env->db, &cfg, "alice", TEST_PASSWORD,
			    "203.0.113.9", NOW + 5, &res, &err),
		      err, UG_ELIMIT, NULL);
	assert_int_equal(err.retry_after, 595);
	/* Other addresses are not locked. */
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW + 5, &res, &err),
		     err);
}

static void test_success_clears_username_failures(void **state)
{
	struct tu_env *env = *state;
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;

	auth_config_defaults(&cfg);
	cfg.max_failures = 3;
	cfg.failure_window = 600;
	add_user(env->db, "alice");
	tu_assert_err(login(env->db, &cfg, "mallory", "x", "10.0.0.1", NOW,
			    &res, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_err(login(env->db, &cfg, "alice", "typo", "10.0.0.2", NOW + 1,
			    &res, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_err(login(env->db, &cfg, "alice", "typo", "10.0.0.2", NOW + 2,
			    &res, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.2",
			   NOW + 3, &res, &err),
		     err);
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM"
						 " login_failure WHERE"
						 " username = ?",
					"alice"),
			 0);
	/* Failures of other usernames stay counted. */
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM"
						 " login_failure WHERE"
						 " username = ?",
					"mallory"),
			 1);
	/* Two more mistakes do not lock: the first two were forgiven. */
	tu_assert_err(login(env->db, &cfg, "alice", "typo", "10.0.0.2", NOW + 4,
			    &res, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_err(login(env->db, &cfg, "alice", "typo", "10.0.0.2", NOW + 5,
			    &res, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.2",
			   NOW + 6, &res, &err),
		     err);
}

static void test_login_db_fault_is_clean(void **state)
{
	struct tu_env *env = *state;
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;
	int rc = -1, failures = 0;

	auth_config_defaults(&cfg);
	cfg.max_failures = 100; /* faults leave failures recorded */
	add_user(env->db, "alice");
	/* Fail the 1st, 2nd, ... database step of a login until one gets
	 * through: every failure is a storage error and leaves no session. */
	for (int nth = 1; nth <= 20; nth++) {
		fault_arm(FAULT_DB_STEP, nth);
		rc = login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW + nth, &res, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		failures++;
		tu_assert_err(rc, err, UG_EDB, NULL);
		tu_assert_rows(env->db, "session", 0);
	}
	assert_int_equal(rc, 0);
	assert_true(failures >= 6); /* throttle, lookup and session writes */
	tu_assert_rows(env->db, "session", 1);
}

/* ---- API tokens ------------------------------------------------------- */

/* A token for `user` made from the command line (domain/org/tokens.h). */
static int make_token(struct db *db, const char *user, const char *label,
		      int64_t now, char out[API_TOKEN_LEN + 1],
		      struct ug_error *err)
{
	struct api_token made;

	return token_create(db, tu_actor("cli"), user, label, now, out, &made,
			    err);
}

static void test_bearer_token(void **state)
{
	struct tu_env *env = *state;
	char token[API_TOKEN_LEN + 1], other[API_TOKEN_LEN + 1];
	char stored[TOKEN_HEX_LEN + 1];
	struct ug_error err;
	struct user u;
	int64_t id;

	id = add_user(env->db, "gateway");
	ug_error_clear(&err);
	tu_assert_ok(make_token(env->db, "gateway", "12345 hotline",
				       NOW, token, &err),
		     err);
	assert_int_equal(strlen(token), API_TOKEN_LEN);
	assert_true(strncmp(token, API_TOKEN_PREFIX, 4) == 0);
	assert_hex64(token + 4);

	tu_assert_ok(auth_bearer_user(env->db, token, &u, &err), err);
	assert_int_equal(u.id, id);
	assert_string_equal(u.username, "gateway");

	/* Stored as a hash, with its label, and audited. */
	auth_token_hash(token, stored);
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM api_token"
						 " WHERE token_hash = ?",
					stored),
			 1);
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM api_token"
						 " WHERE token_hash = ?",
					token),
			 0);
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM api_token"
						 " WHERE label = ?",
					"12345 hotline"),
			 1);
	assert_int_equal(tu_query_int_s(env->db, "SELECT COUNT(*) FROM"
						 " audit_event WHERE action ="
						 " 'token.create' AND subject = ?",
					"gateway"),
			 1);

	/* A second token is different; both work.  A NULL label is "". */
	tu_assert_ok(make_token(env->db, "gateway", NULL, NOW, other,
				       &err),
		     err);
	assert_string_not_equal(token, other);
	tu_assert_ok(auth_bearer_user(env->db, other, &u, &err), err);

	/* Unknown or altered tokens are refused. */
	tu_assert_err(auth_bearer_user(env->db, "ugt_nonsense", &u, &err), err,
		      UG_EAUTH, NULL);
	token[10] = token[10] == 'a' ? 'b' : 'a';
	tu_assert_err(auth_bearer_user(env->db, token, &u, &err), err, UG_EAUTH,
		      NULL);

	/* A disabled user's tokens stop working. */
	disable_user(env->db, "gateway");
	tu_assert_err(auth_bearer_user(env->db, other, &u, &err), err, UG_EAUTH,
		      NULL);
}

static void test_token_for_unknown_user(void **state)
{
	struct tu_env *env = *state;
	char token[API_TOKEN_LEN + 1];
	struct ug_error err;

	memset(token, 'x', sizeof token);
	ug_error_clear(&err);
	tu_assert_err(make_token(env->db, "ghost", "x", NOW, token, &err),
		      err, UG_ENOTFOUND, "username");
	/* Nothing is returned and nothing is stored. */
	for (size_t i = 0; i < sizeof token; i++)
		assert_int_equal(token[i], 0);
	tu_assert_rows(env->db, "api_token", 0);
	tu_assert_rows(env->db, "audit_event", 0);
}

static void test_token_create_db_fault(void **state)
{
	struct tu_env *env = *state;
	char token[API_TOKEN_LEN + 1];
	struct ug_error err;
	int rc = -1, failures = 0;

	add_user(env->db, "gateway");
	for (int nth = 1; nth <= 10; nth++) {
		fault_arm(FAULT_DB_STEP, nth);
		ug_error_clear(&err);
		rc = make_token(env->db, "gateway", "x", NOW, token, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		failures++;
		tu_assert_err(rc, err, UG_EDB, NULL);
		assert_int_equal(token[0], 0);
		/* All or nothing: no token without its audit row. */
		tu_assert_rows(env->db, "api_token", 0);
		assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM"
						       " audit_event"),
				 0);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(failures, 3); /* lookup, token insert, audit insert */
}

#define AUTH_TEST(f) \
	cmocka_unit_test_setup_teardown(f, tu_setup_db, tu_teardown_db)

/* ---- the trail of logins ------------------------------------------------ */

/* A literal: the statement cache (store/db.c) knows SQL by its address,
 * so each query must have its own. */
#define audit_count(db, where) \
	tu_query_int((db), "SELECT COUNT(*) FROM audit_event WHERE " where)

static void test_logins_audited(void **state)
{
	struct tu_env *env = *state;
	struct login_result res;
	struct auth_config cfg;
	struct ug_error err;

	auth_config_defaults(&cfg);
	cfg.max_failures = 2;
	add_user(env->db, "alice");
	add_user(env->db, "bob");
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW, &res, &err),
		     err);
	tu_assert_err(login(env->db, &cfg, "alice", "typo", "10.0.0.2",
			    NOW + 1, &res, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_err(login(env->db, &cfg, "nobody", "x", "10.0.0.3", NOW + 2,
			    &res, &err),
		      err, UG_EAUTH, NULL);
	disable_user(env->db, "bob");
	tu_assert_err(login(env->db, &cfg, "bob", TEST_PASSWORD, "10.0.0.4",
			    NOW + 3, &res, &err),
		      err, UG_EAUTH, NULL);
	/* 10.0.0.2 once more: the username's second failure locks it. */
	tu_assert_err(login(env->db, &cfg, "alice", "typo", "10.0.0.2",
			    NOW + 4, &res, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_err(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.5",
			    NOW + 5, &res, &err),
		      err, UG_ELIMIT, "username");
	/* Each with who, from where, and (for the auditor) why. */
	assert_int_equal(audit_count(env->db, "action = 'login.success' AND"
					      " actor = 'alice' AND address ="
					      " '10.0.0.1'"),
			 1);
	assert_int_equal(audit_count(env->db, "action = 'login.failure' AND"
					      " actor = 'alice' AND address ="
					      " '10.0.0.2' AND detail ="
					      " '{\"reason\":\"wrong password\"}'"),
			 2);
	assert_int_equal(audit_count(env->db, "action = 'login.failure' AND"
					      " actor = 'nobody' AND detail ="
					      " '{\"reason\":\"unknown user\"}'"),
			 1);
	assert_int_equal(audit_count(env->db, "action = 'login.failure' AND"
					      " actor = 'bob' AND detail ="
					      " '{\"reason\":\"disabled\"}'"),
			 1);
	assert_int_equal(audit_count(env->db, "action = 'login.failure' AND"
					      " address = '10.0.0.5' AND detail"
					      " = '{\"reason\":\"locked\"}'"),
			 1);
	/* Never a password. */
	assert_int_equal(audit_count(env->db, "detail LIKE '%typo%' OR detail"
					      " LIKE '%" TEST_PASSWORD "%'"),
			 0);
}

/* ---- tokens: ids, who sees which, revoking ------------------------------ */

static int count_token(void *ctx, const struct api_token *t)
{
	(void)t;
	(*(int *)ctx)++;
	return 0;
}

static void test_tokens_listed_and_revoked(void **state)
{
	struct tu_env *env = *state;
	char mine[API_TOKEN_LEN + 1], theirs[API_TOKEN_LEN + 1];
	struct api_token made, t;
	struct user alice, sec, u;
	struct actor as_alice, as_sec;
	struct ug_error err;
	int n;

	add_user_as(env->db, "alice", "inspector", &alice);
	add_user_as(env->db, "gateway", "api_client", &u);
	add_user_as(env->db, "sec", "security_admin", &sec);
	actor_of(&alice, "10.0.0.1", &as_alice);
	actor_of(&sec, "10.0.0.2", &as_sec);
	ug_error_clear(&err);

	/* The security admin makes tokens for systems, not for people. */
	tu_assert_err(token_create(env->db, &as_alice, "gateway", "x", NOW,
				   theirs, &made, &err),
		      err, UG_EFORBIDDEN, NULL);
	tu_assert_err(token_create(env->db, &as_sec, "alice", "x", NOW, mine,
				   &made, &err),
		      err, UG_EINVAL, "username");
	tu_assert_ok(token_create(env->db, &as_sec, "gateway", "12345 热线",
				  NOW, theirs, &made, &err),
		     err);
	assert_true(made.id > 0);
	assert_string_equal(made.created_by, "sec");
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM"
					       " audit_event WHERE action ="
					       " 'token.create' AND actor ="
					       " 'sec' AND address = '10.0.0.2'"),
			 1);
	/* The command line makes them for anyone. */
	tu_assert_ok(make_token(env->db, "alice", "cli", NOW, mine, &err), err);

	/* One's own; the security admin's, all. */
	n = 0;
	tu_assert_ok(token_list(env->db, &as_alice, count_token, &n, &err),
		     err);
	assert_int_equal(n, 1);
	n = 0;
	tu_assert_ok(token_list(env->db, &as_sec, count_token, &n, &err), err);
	assert_int_equal(n, 2);

	/* Used: its last use is kept to the hour. */
	tu_assert_ok(auth_bearer(env->db, theirs, NOW + 10, &u, &t, &err),
		     err);
	assert_int_equal(t.last_used_at, NOW + 10);
	tu_assert_ok(auth_bearer(env->db, theirs, NOW + 20, &u, &t, &err),
		     err);
	assert_int_equal(t.last_used_at, NOW + 10);
	tu_assert_ok(auth_bearer(env->db, theirs, NOW + 10 + 3600, &u, &t,
				 &err),
		     err);
	assert_int_equal(t.last_used_at, NOW + 10 + 3600);

	/* Another's token is out of alice's sight; the security admin
	 * revokes it, and it stops working at once. */
	tu_assert_err(token_revoke(env->db, &as_alice, made.id, NOW, &t, &err),
		      err, UG_ENOTFOUND, "id");
	tu_assert_ok(token_revoke(env->db, &as_sec, made.id, NOW, &t, &err),
		     err);
	assert_string_equal(t.username, "gateway");
	tu_assert_err(auth_bearer_user(env->db, theirs, &u, &err), err,
		      UG_EAUTH, NULL);
	tu_assert_err(token_revoke(env->db, &as_sec, made.id, NOW, &t, &err),
		      err, UG_ENOTFOUND, "id");
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM"
					       " audit_event WHERE action ="
					       " 'token.revoke' AND subject ="
					       " 'gateway'"),
			 1);
	/* Her own she may revoke. */
	n = 0;
	tu_assert_ok(token_list(env->db, &as_sec, count_token, &n, &err), err);
	assert_int_equal(n, 1);
	tu_assert_ok(auth_bearer(env->db, mine, NOW, &u, &t, &err), err);
	tu_assert_ok(token_revoke(env->db, &as_alice, t.id, NOW, &t, &err),
		     err);
	tu_assert_err(auth_bearer_user(env->db, mine, &u, &err), err, UG_EAUTH,
		      NULL);
}

/* Through a pool's connection, as the server reads: who a token is is
 * kept in memory (store/cached.h), and a change made elsewhere - the
 * command line's own connection here - is seen by the very next call.
 * A row read inside a write transaction is not kept: rolled back, its
 * revision number comes again with other data. */
static void run_sql(struct db *db, const char *sql)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(db_exec(db, sql, &err), err);
}

/* One request: a connection from the pool, the token's lookup, the
 * connection back. */
static int pooled_call(struct db_pool *pool, const char *token,
		       struct user *u, struct ug_error *err)
{
	struct db *db = NULL;
	int rc;

	ug_error_clear(err);
	tu_assert_ok(db_pool_acquire(pool, &db, err), *err);
	rc = auth_bearer_user(db, token, u, err);
	db_pool_release(pool, db);
	return rc;
}

static void test_bearer_token_pooled(void **state)
{
	struct tu_env *env = *state;
	char token[API_TOKEN_LEN + 1];
	struct db_pool *pool = NULL;
	struct db *db = NULL;
	struct ug_error err;
	uint64_t hits, misses;
	struct user u;

	add_user(env->db, "gateway");
	ug_error_clear(&err);
	tu_assert_ok(make_token(env->db, "gateway", "hotline", NOW, token,
				&err),
		     err);
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);

	for (int i = 0; i < 3; i++)
		tu_assert_ok(pooled_call(pool, token, &u, &err), err);
	db_pool_memo_counts(pool, &hits, &misses);
	assert_int_equal(misses, 1);
	assert_int_equal(hits, 2);

	/* Disabled, enabled, renamed elsewhere: seen at once. */
	disable_user(env->db, "gateway");
	tu_assert_err(pooled_call(pool, token, &u, &err), err, UG_EAUTH,
		      NULL);
	run_sql(env->db, "UPDATE app_user SET disabled = 0,"
			 " display_name = '网关' WHERE username = 'gateway'");
	tu_assert_ok(pooled_call(pool, token, &u, &err), err);
	assert_string_equal(u.display_name, "网关");

	/* Read in a write transaction that is rolled back: not kept. */
	tu_assert_ok(db_pool_acquire(pool, &db, &err), err);
	tu_assert_ok(db_begin_write(db, &err), err);
	run_sql(db, "UPDATE app_user SET display_name = '撤销'"
		    " WHERE username = 'gateway'");
	tu_assert_ok(auth_bearer_user(db, token, &u, &err), err);
	assert_string_equal(u.display_name, "撤销");
	db_rollback(db);
	db_pool_release(pool, db);
	run_sql(env->db, "UPDATE app_user SET display_name = '热线'"
			 " WHERE username = 'gateway'");
	tu_assert_ok(pooled_call(pool, token, &u, &err), err);
	assert_string_equal(u.display_name, "热线");

	/* A request's own write of configuration: its next lookup reads
	 * the revision again. */
	tu_assert_ok(db_pool_acquire(pool, &db, &err), err);
	tu_assert_ok(auth_bearer_user(db, token, &u, &err), err);
	tu_assert_ok(db_begin_write(db, &err), err);
	run_sql(db, "UPDATE app_user SET display_name = '自己'"
		    " WHERE username = 'gateway'");
	tu_assert_ok(db_commit(db, &err), err);
	tu_assert_ok(auth_bearer_user(db, token, &u, &err), err);
	assert_string_equal(u.display_name, "自己");
	db_pool_release(pool, db);

	/* The revision is read once for a request (db_hold): a change
	 * landing in the middle of it is seen from the next request on, as
	 * if the request had read everything at its start. */
	tu_assert_ok(db_pool_acquire(pool, &db, &err), err);
	tu_assert_ok(auth_bearer_user(db, token, &u, &err), err);
	run_sql(env->db, "UPDATE app_user SET display_name = '后来'"
			 " WHERE username = 'gateway'");
	tu_assert_ok(auth_bearer_user(db, token, &u, &err), err);
	assert_string_equal(u.display_name, "自己");
	db_pool_release(pool, db);
	tu_assert_ok(pooled_call(pool, token, &u, &err), err);
	assert_string_equal(u.display_name, "后来");

	/* Revoked from the command line: refused at the next call. */
	run_sql(env->db, "DELETE FROM api_token");
	tu_assert_err(pooled_call(pool, token, &u, &err), err, UG_EAUTH,
		      NULL);

	db_pool_destroy(pool);
}

/* A console session through a pool, as the server reads it: kept in
 * memory like a token (store/cached.h, schema 0030), and still ended at
 * once by its expiry, a logout elsewhere, the account disabled, or the
 * account's other sessions ended. */
static int pooled_session(struct db_pool *pool, const char *token,
			  int64_t now, struct user *u, struct ug_error *err)
{
	char csrf[TOKEN_HEX_LEN + 1];
	struct db *db = NULL;
	int rc;

	ug_error_clear(err);
	tu_assert_ok(db_pool_acquire(pool, &db, err), *err);
	rc = auth_session_user(db, token, now, u, csrf, err);
	db_pool_release(pool, db);
	return rc;
}

static void test_session_pooled(void **state)
{
	struct tu_env *env = *state;
	struct login_result res, other;
	struct db_pool *pool = NULL;
	struct auth_config cfg;
	struct ug_error err;
	uint64_t hits, misses;
	struct user u;

	auth_config_defaults(&cfg);
	add_user(env->db, "alice");
	ug_error_clear(&err);
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.1",
			   NOW, &res, &err),
		     err);
	tu_assert_ok(db_pool_create(env->db_path, NULL, &pool, &err), err);

	for (int i = 0; i < 3; i++)
		tu_assert_ok(pooled_session(pool, res.session_token, NOW + i,
					    &u, &err),
			     err);
	assert_string_equal(u.username, "alice");
	db_pool_memo_counts(pool, &hits, &misses);
	assert_int_equal(misses, 1);
	assert_int_equal(hits, 2);

	/* Kept, and still over at its expiry. */
	tu_assert_ok(pooled_session(pool, res.session_token,
				    res.expires_at - 1, &u, &err),
		     err);
	tu_assert_err(pooled_session(pool, res.session_token, res.expires_at,
				     &u, &err),
		      err, UG_EAUTH, NULL);

	/* The account disabled elsewhere, then enabled: seen at once. */
	disable_user(env->db, "alice");
	tu_assert_err(pooled_session(pool, res.session_token, NOW, &u, &err),
		      err, UG_EAUTH, NULL);
	run_sql(env->db, "UPDATE app_user SET disabled = 0"
			 " WHERE username = 'alice'");
	tu_assert_ok(pooled_session(pool, res.session_token, NOW, &u, &err),
		     err);

	/* A second login; the first session's logout on the command line's
	 * own connection ends it at the next call, not the second. */
	tu_assert_ok(login(env->db, &cfg, "alice", TEST_PASSWORD, "10.0.0.2",
			   NOW, &other, &err),
		     err);
	tu_assert_ok(pooled_session(pool, other.session_token, NOW, &u, &err),
		     err);
	tu_assert_ok(auth_logout(env->db, res.session_token, &err), err);
	tu_assert_err(pooled_session(pool, res.session_token, NOW, &u, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_ok(pooled_session(pool, other.session_token, NOW, &u, &err),
		     err);

	/* Every session of the account ended by hand (what a password
	 * change does to the others). */
	run_sql(env->db, "DELETE FROM session");
	tu_assert_err(pooled_session(pool, other.session_token, NOW, &u, &err),
		      err, UG_EAUTH, NULL);

	db_pool_destroy(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash_verify),
		cmocka_unit_test(test_password_generate),
		cmocka_unit_test(test_password_check),
		cmocka_unit_test(test_token_hash),
		cmocka_unit_test(test_token_equal),
		AUTH_TEST(test_login_session_logout),
		AUTH_TEST(test_expired_sessions_purged_on_login),
		AUTH_TEST(test_wrong_password_and_unknown_user),
		AUTH_TEST(test_disabled_user_refused),
		AUTH_TEST(test_lockout_by_username),
		AUTH_TEST(test_lockout_by_address),
		AUTH_TEST(test_success_clears_username_failures),
		AUTH_TEST(test_login_db_fault_is_clean),
		AUTH_TEST(test_bearer_token),
		AUTH_TEST(test_token_for_unknown_user),
		AUTH_TEST(test_token_create_db_fault),
		AUTH_TEST(test_logins_audited),
		AUTH_TEST(test_tokens_listed_and_revoked),
		AUTH_TEST(test_bearer_token_pooled),
		AUTH_TEST(test_session_pooled),
	};

	return cmocka_run_group_tests_name("auth", tests, hash_once, NULL);
}
