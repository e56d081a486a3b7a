/*
 * test_accounts.c - account creation (domain/org/accounts.h) on a fresh
 * database holding the fixture district 110101 and its departments:
 * username rules, role / unit-kind fit, unknown units and roles, duplicate
 * usernames, generated or pre-hashed passwords, the display_name limit,
 * and database faults that must leave no half-made account; who may
 * manage accounts (三员分立), changing and disabling them, one's own
 * password and the security admin's reset, the password policy.
 */
#include "testutil.h"

#include <sodium.h>

#include "domain/org/accounts.h"
#include "domain/org/org.h"
#include "domain/org/password.h"

#define NOW INT64_C(1795425011)
#define PASSWORD "a good passphrase"

static int setup_org(void **state)
{
	struct division_import_stats stats;
	struct tu_env *env;
	struct ug_error err;
	int count = 0;

	tu_setup_db(state);
	env = *state;
	ug_error_clear(&err);
	tu_assert_ok(org_import_divisions(env->db, TU_DIVISIONS, "110101", NOW,
					  &stats, &err),
		     err);
	tu_assert_ok(org_seed_departments(env->db, "110101", NOW, &count, &err),
		     err);
	return 0;
}

static int create(struct db *db, const char *username, const char *display,
		  const char *role, const char *unit, const char *password,
		  struct user *created, char *generated, struct ug_error *err)
{
	struct account_new a = {
		.username = username,
		.display_name = display,
		.role = role,
		.unit = unit,
		.password = password,
	};

	ug_error_clear(err);
	return account_create(db, tu_actor("admin-cli"), &a, NOW, created,
			      generated, err);
}

static int64_t count_users(struct db *db)
{
	return tu_query_int(db, "SELECT COUNT(*) FROM app_user");
}

static int64_t count_audit(struct db *db)
{
	return tu_query_int(db, "SELECT COUNT(*) FROM audit_event"
				" WHERE action = 'user.create'");
}

/* ---- usernames ------------------------------------------------------- */

static void test_check_username(void **state)
{
	static const char *const good[] = {
		"abc", "zhang.san", "a_b-c.d", "007", "9lives", "x.y",
	};
	static const char *const bad[] = {
		"", "ab", "Alice", "ALICE", ".dot", "_under", "-dash",
		"with space", "张三", "a@b.c", "semi;colon", "tab\tx", "ab/",
	};
	char longest[USERNAME_MAX + 2];
	struct ug_error err;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ug_error_clear(&err);
		tu_assert_ok(account_check_username(good[i], &err), err);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ug_error_clear(&err);
		if (account_check_username(bad[i], &err) != -UG_EINVAL)
			fail_msg("username \"%s\" was accepted", bad[i]);
		assert_string_equal(err.field, "username");
	}
	memset(longest, 'a', USERNAME_MAX);
	longest[USERNAME_MAX] = '\0';
	tu_assert_ok(account_check_username(longest, &err), err);
	longest[USERNAME_MAX] = 'a';
	longest[USERNAME_MAX + 1] = '\0';
	tu_assert_err(account_check_username(longest, &err), err, UG_EINVAL,
		      "username");
	tu_assert_contains(err.message, "3 to 64");
}

/* ---- creating -------------------------------------------------------- */

static void test_create_with_password(void **state)
{
	struct tu_env *env = *state;
	char hash[PASSWORD_HASH_MAX + 1];
	char generated[GENERATED_PASSWORD_LEN + 1];
	struct ug_error err;
	struct user u, again;

	memset(generated, '#', sizeof generated);
	tu_assert_ok(create(env->db, "zhang.san", "张三", "inspector", "110101001",
			    PASSWORD, &u, generated, &err),
		     err);
	assert_true(u.id > 0);
	assert_string_equal(u.username, "zhang.san");
	assert_string_equal(u.display_name, "张三");
	assert_string_equal(u.role, "inspector");
	assert_string_equal(u.unit_kind, "division");
	assert_string_equal(u.unit_code, "110101001");
	assert_string_equal(u.unit_name, "一号街道");
	assert_false(u.disabled);
	assert_int_equal(u.created_at, NOW);
	/* A chosen password is not echoed back. */
	for (size_t i = 0; i < sizeof generated; i++)
		assert_int_equal(generated[i], '#');

	/* Stored with the password's hash, and audited. */
	tu_assert_ok(store_user_by_name(env->db, "zhang.san", &again, hash,
					&err),
		     err);
	assert_int_equal(again.id, u.id);
	assert_true(auth_password_verify(hash, PASSWORD));
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM audit_event"
					       " WHERE action = 'user.create'"
					       " AND actor = 'admin-cli'"
					       " AND subject = 'zhang.san'"
					       " AND detail = '{\"role\":"
					       "\"inspector\",\"unit\":"
					       "\"110101001\"}'"),
			 1);
}

static void test_create_generates_password(void **state)
{
	struct tu_env *env = *state;
	char hash[PASSWORD_HASH_MAX + 1];
	char generated[GENERATED_PASSWORD_LEN + 1];
	struct ug_error err;
	struct user u;

	memset(generated, 0, sizeof generated);
	tu_assert_ok(create(env->db, "li.si", NULL, "dispatcher", "110101", NULL,
			    &u, generated, &err),
		     err);
	assert_int_equal(strlen(generated), GENERATED_PASSWORD_LEN);
	/* No display name: the username stands in. */
	assert_string_equal(u.display_name, "li.si");
	tu_assert_ok(store_user_by_name(env->db, "li.si", &u, hash, &err), err);
	assert_true(auth_password_verify(hash, generated));

	/* Without a place to put it the password is still generated (the
	 * account then needs a reset), and "" is no display name either. */
	tu_assert_ok(create(env->db, "wang.wu", "", "receptionist", "110101",
			    NULL, &u, NULL, &err),
		     err);
	assert_string_equal(u.display_name, "wang.wu");
	assert_int_equal(count_users(env->db), 2);
}

static void test_create_with_hash(void **state)
{
	struct tu_env *env = *state;
	char made[PASSWORD_HASH_MAX + 1], stored[PASSWORD_HASH_MAX + 1];
	char generated[GENERATED_PASSWORD_LEN + 1];
	struct account_new a = {
		.username = "bulk.user",
		.role = "inspector",
		.unit = "110101",
		.password_hash = made,
	};
	struct ug_error err;
	struct user u;

	/* A hash made earlier is stored as it is; nothing is generated. */
	ug_error_clear(&err);
	tu_assert_ok(auth_password_hash(PASSWORD, made, &err), err);
	memset(generated, '#', sizeof generated);
	tu_assert_ok(account_create(env->db, tu_actor("admin-cli"), &a, NOW, &u,
				    generated, &err),
		     err);
	for (size_t i = 0; i < sizeof generated; i++)
		assert_int_equal(generated[i], '#');
	tu_assert_ok(store_user_by_name(env->db, "bulk.user", &u, stored, &err),
		     err);
	assert_string_equal(stored, made);
	assert_true(auth_password_verify(stored, PASSWORD));
}

static void test_role_and_unit_kind(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	struct user u;

	/* A handler works in a department, not in a division... */
	tu_assert_err(create(env->db, "h.one", NULL, "handler", "110101",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "unit");
	tu_assert_contains(err.message, "handler must belong to a department");
	/* ...and an inspector in a division, not in a department. */
	tu_assert_err(create(env->db, "i.one", NULL, "inspector", "110101-HW",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "unit");
	tu_assert_contains(err.message, "inspector must belong to a division");
	assert_int_equal(count_users(env->db), 0);
	assert_int_equal(count_audit(env->db), 0);

	tu_assert_ok(create(env->db, "h.two", NULL, "handler", "110101-HW",
			    PASSWORD, &u, NULL, &err),
		     err);
	assert_string_equal(u.unit_kind, "department");
	assert_string_equal(u.unit_name, "甲区环卫中心");
	/* Leaders (like admins and API clients) fit either kind. */
	tu_assert_ok(create(env->db, "boss", NULL, "leader", "110101-ZX",
			    PASSWORD, &u, NULL, &err),
		     err);
	assert_string_equal(u.unit_kind, "department");
	assert_int_equal(count_users(env->db), 2);
}

static void test_unknown_unit_and_role(void **state)
{
	struct tu_env *env = *state;
	char unit[CODE_MAX + 2];
	struct ug_error err;
	struct user u;

	tu_assert_err(create(env->db, "nobody", NULL, "inspector", "999999",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "unit");
	tu_assert_contains(err.message, "999999");
	memset(unit, '1', sizeof unit - 1);
	unit[sizeof unit - 1] = '\0';
	tu_assert_err(create(env->db, "nobody", NULL, "inspector", unit,
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "unit");

	tu_assert_err(create(env->db, "nobody", NULL, "superuser", "110101",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "role");
	tu_assert_contains(err.message, "superuser");
	tu_assert_err(create(env->db, "nobody", NULL, "", "110101", PASSWORD, &u,
			     NULL, &err),
		      err, UG_EINVAL, "role");
	tu_assert_err(create(env->db, "nobody", NULL, "Admin", "110101",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "role");
	assert_int_equal(count_users(env->db), 0);
}

static void test_bad_username_and_password(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	struct user u;

	tu_assert_err(create(env->db, "Bad Name", NULL, "inspector", "110101",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "username");
	tu_assert_err(create(env->db, "shorty", NULL, "inspector", "110101",
			     "short", &u, NULL, &err),
		      err, UG_EINVAL, "password");
	tu_assert_err(create(env->db, "shorty", NULL, "inspector", "110101",
			     "long enough\xff", &u, NULL, &err),
		      err, UG_EINVAL, "password");
	assert_int_equal(count_users(env->db), 0);
}

static void test_duplicate_username(void **state)
{
	struct tu_env *env = *state;
	struct ug_error err;
	struct user u;

	tu_assert_ok(create(env->db, "dup", NULL, "inspector", "110101",
			    PASSWORD, &u, NULL, &err),
		     err);
	tu_assert_err(create(env->db, "dup", "Other", "admin", "110101-HW",
			     PASSWORD, &u, NULL, &err),
		      err, UG_ECONFLICT, "username");
	tu_assert_contains(err.message, "dup");
	/* The first account is untouched; no second audit row. */
	assert_int_equal(count_users(env->db), 1);
	assert_int_equal(count_audit(env->db), 1);
	tu_assert_ok(store_user_by_name(env->db, "dup", &u, NULL, &err), err);
	assert_string_equal(u.role, "inspector");
}

static void test_display_name_limit(void **state)
{
	struct tu_env *env = *state;
	char name[400];
	struct ug_error err;
	struct user u;

	/* 100 characters of 3 bytes each are allowed... */
	name[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(name, "名");
	tu_assert_ok(create(env->db, "long.name", name, "inspector", "110101",
			    PASSWORD, &u, NULL, &err),
		     err);
	assert_string_equal(u.display_name, name);
	/* ...101 are not, counted in characters, not bytes. */
	strcat(name, "名");
	tu_assert_err(create(env->db, "longer.name", name, "inspector", "110101",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "display_name");
	memset(name, 'n', 101);
	name[101] = '\0';
	tu_assert_err(create(env->db, "longer.name", name, "inspector", "110101",
			     PASSWORD, &u, NULL, &err),
		      err, UG_EINVAL, "display_name");
	assert_int_equal(count_users(env->db), 1);
}

static void test_db_fault_leaves_nothing(void **state)
{
	struct tu_env *env = *state;
	char generated[GENERATED_PASSWORD_LEN + 1];
	struct ug_error err;
	struct user u;
	int rc = -1, failures = 0;

	for (int nth = 1; nth <= 10; nth++) {
		memset(generated, 0, sizeof generated);
		fault_arm(FAULT_DB_STEP, nth);
		rc = create(env->db, "faulty", NULL, "inspector", "110101", NULL,
			    &u, generated, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		failures++;
		tu_assert_err(rc, err, UG_EDB, NULL);
		/* No password handed out for an account that does not exist. */
		assert_string_equal(generated, "");
		assert_int_equal(count_users(env->db), 0);
		assert_int_equal(count_audit(env->db), 0);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(failures, 4); /* unit, insert, audit, read back */
	assert_int_equal(strlen(generated), GENERATED_PASSWORD_LEN);
	assert_int_equal(count_users(env->db), 1);
}

/* ---- who may manage accounts ------------------------------------------- */

/* An actor for account `username` (made here if missing) of `role` in
 * `unit`, calling from 10.0.0.9. */
struct who {
	struct user u;
	struct actor a;
};

static void as_user(struct db *db, const char *username, const char *role,
		    const char *unit, struct who *w)
{
	struct ug_error err;

	ug_error_clear(&err);
	if (store_user_by_name(db, username, &w->u, NULL, &err))
		tu_account(db, username, role, unit, NOW, &w->u);
	actor_of(&w->u, "10.0.0.9", &w->a);
}

static void test_only_the_security_admin_manages(void **state)
{
	struct tu_env *env = *state;
	struct account_new a = { .username = "made", .role = "inspector",
				 .unit = "110101001" };
	struct account_change ch = { .display_name = "新名字" };
	struct who admin, sec, insp;
	struct ug_error err;
	struct user u;
	char generated[GENERATED_PASSWORD_LEN + 1];

	as_user(env->db, "admin", "admin", "110101", &admin);
	as_user(env->db, "sec", "security_admin", "110101", &sec);
	as_user(env->db, "insp", "inspector", "110101001", &insp);
	ug_error_clear(&err);
	/* The system admin does not (三员分立), nor does an inspector. */
	tu_assert_err(account_create(env->db, &admin.a, &a, NOW, &u, generated,
				     &err),
		      err, UG_EFORBIDDEN, NULL);
	tu_assert_err(account_create(env->db, &insp.a, &a, NOW, &u, generated,
				     &err),
		      err, UG_EFORBIDDEN, NULL);
	tu_assert_ok(account_create(env->db, &sec.a, &a, NOW, &u, generated,
				    &err),
		     err);
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " action = 'user.create' AND actor ="
				      " 'sec' AND address = '10.0.0.9' AND"
				      " after_state LIKE '%\"role\":"
				      "\"inspector\"%'"),
			 1);
	/* Another's account: out of sight for all but the security admin;
	 * one's own shows, but is not one's own to change. */
	tu_assert_err(account_get(env->db, &insp.a, u.id, NULL, &u, &err), err,
		      UG_ENOTFOUND, "id");
	tu_assert_err(account_get(env->db, &admin.a, 0, "made", &u, &err), err,
		      UG_ENOTFOUND, "username");
	tu_assert_ok(account_get(env->db, &insp.a, insp.u.id, NULL, &u, &err),
		     err);
	tu_assert_err(account_edit(env->db, &insp.a, insp.u.id, &ch, NOW, &u,
				   &err),
		      err, UG_EFORBIDDEN, NULL);
	tu_assert_ok(account_get(env->db, &sec.a, 0, "made", &u, &err), err);
	tu_assert_err(account_edit(env->db, &admin.a, u.id, &ch, NOW, &u, &err),
		      err, UG_ENOTFOUND, "id");
}

static void test_edit_and_disable(void **state)
{
	struct tu_env *env = *state;
	struct who sec;
	struct account_change ch;
	struct login_result login;
	struct auth_config cfg;
	struct ug_error err;
	struct user u;
	char csrf[TOKEN_HEX_LEN + 1];

	auth_config_defaults(&cfg);
	as_user(env->db, "sec", "security_admin", "110101", &sec);
	ug_error_clear(&err);
	tu_assert_ok(create(env->db, "wang", "王", "inspector", "110101001",
			    PASSWORD, &u, NULL, &err),
		     err);
	tu_assert_ok(auth_login(env->db, &cfg, "wang", PASSWORD, "10.0.0.1",
				NOW, &login, &err),
		     err);

	/* Role and unit move together, checked as at creation. */
	memset(&ch, 0, sizeof ch);
	ch.role = "handler";
	tu_assert_err(account_edit(env->db, &sec.a, u.id, &ch, NOW, &u, &err),
		      err, UG_EINVAL, "unit");
	ch.unit = "110101-HW";
	tu_assert_ok(account_edit(env->db, &sec.a, u.id, &ch, NOW, &u, &err),
		     err);
	assert_string_equal(u.role, "handler");
	assert_string_equal(u.unit_kind, "department");
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " action = 'user.edit' AND subject ="
				      " 'wang' AND before_state LIKE"
				      " '%\"role\":\"inspector\"%' AND"
				      " after_state LIKE '%\"role\":"
				      "\"handler\"%'"),
			 1);
	memset(&ch, 0, sizeof ch);
	ch.role = "mayor";
	tu_assert_err(account_edit(env->db, &sec.a, u.id, &ch, NOW, &u, &err),
		      err, UG_EINVAL, "role");
	ch.role = NULL;
	ch.display_name = "";
	tu_assert_err(account_edit(env->db, &sec.a, u.id, &ch, NOW, &u, &err),
		      err, UG_EINVAL, "display_name");

	/* Disabled: the live session ends at once, the account stays. */
	memset(&ch, 0, sizeof ch);
	ch.has_disabled = 1;
	ch.disabled = 1;
	tu_assert_ok(account_edit(env->db, &sec.a, u.id, &ch, NOW, &u, &err),
		     err);
	assert_true(u.disabled);
	tu_assert_err(auth_session_user(env->db, login.session_token, NOW + 1,
					&u, csrf, &err),
		      err, UG_EAUTH, NULL);
	tu_assert_rows(env->db, "session", 0);
	/* Nobody disables itself or changes its own role. */
	tu_assert_err(account_edit(env->db, &sec.a, sec.u.id, &ch, NOW, &u,
				   &err),
		      err, UG_ECONFLICT, "disabled");
	memset(&ch, 0, sizeof ch);
	ch.role = "admin";
	tu_assert_err(account_edit(env->db, &sec.a, sec.u.id, &ch, NOW, &u,
				   &err),
		      err, UG_ECONFLICT, "role");
	assert_int_equal(tu_query_int(env->db, "SELECT COUNT(*) FROM app_user"
					       " WHERE username = 'sec' AND"
					       " role = 'security_admin' AND"
					       " disabled = 0"),
			 1);
}

static void test_passwords(void **state)
{
	struct tu_env *env = *state;
	char generated[GENERATED_PASSWORD_LEN + 1];
	struct login_result a, b;
	struct auth_config cfg;
	struct who sec, self;
	struct ug_error err;
	struct user u;
	char csrf[TOKEN_HEX_LEN + 1];

	auth_config_defaults(&cfg);
	as_user(env->db, "sec", "security_admin", "110101", &sec);
	ug_error_clear(&err);
	tu_assert_ok(create(env->db, "li.si", NULL, "inspector", "110101001",
			    PASSWORD, &u, NULL, &err),
		     err);
	as_user(env->db, "li.si", NULL, NULL, &self);
	tu_assert_ok(auth_login(env->db, &cfg, "li.si", PASSWORD, "10.0.0.1", NOW,
				&a, &err),
		     err);
	tu_assert_ok(auth_login(env->db, &cfg, "li.si", PASSWORD, "10.0.0.2", NOW,
				&b, &err),
		     err);
	assert_false(a.user.must_change_password);

	/* One's own: the old password first; the other session ends. */
	tu_assert_err(account_set_password(env->db, &self.a, u.id, NULL,
					   "another passphrase", NULL, NOW,
					   generated, NULL, &err),
		      err, UG_EINVAL, "old_password");
	tu_assert_err(account_set_password(env->db, &self.a, u.id, "wrong one",
					   "another passphrase", NULL, NOW,
					   generated, NULL, &err),
		      err, UG_EAUTH, "old_password");
	tu_assert_err(account_set_password(env->db, &self.a, u.id, PASSWORD,
					   PASSWORD, NULL, NOW, generated, NULL,
					   &err),
		      err, UG_EINVAL, "password");
	tu_assert_err(account_set_password(env->db, &self.a, u.id, PASSWORD,
					   "short", NULL, NOW, generated, NULL,
					   &err),
		      err, UG_EINVAL, "password");
	tu_assert_ok(account_set_password(env->db, &self.a, u.id, PASSWORD,
					  "another passphrase",
					  a.session_token, NOW + 10, generated, NULL,
					  &err),
		     err);
	assert_string_equal(generated, "");
	tu_assert_ok(auth_session_user(env->db, a.session_token, NOW + 11, &u,
				       csrf, &err),
		     err);
	tu_assert_err(auth_session_user(env->db, b.session_token, NOW + 11, &u,
					csrf, &err),
		      err, UG_EAUTH, NULL);
	assert_int_equal(u.password_changed_at, NOW + 10);
	/* Another's password is not one's to change: hidden. */
	tu_assert_err(account_set_password(env->db, &self.a, sec.u.id, NULL,
					   "x23456789", NULL, NOW, generated, NULL,
					   &err),
		      err, UG_ENOTFOUND, "id");

	/* The security admin's reset: generated, to be changed at the next
	 * login; every session ends. */
	tu_assert_ok(account_set_password(env->db, &sec.a, u.id, NULL, NULL,
					  NULL, NOW + 20, generated, NULL, &err),
		     err);
	assert_int_equal(strlen(generated), GENERATED_PASSWORD_LEN);
	tu_assert_rows(env->db, "session", 0);
	tu_assert_ok(auth_login(env->db, &cfg, "li.si", generated, "10.0.0.1",
				NOW + 30, &a, &err),
		     err);
	assert_true(a.user.must_change_password);
	/* Changing it clears the mark. */
	tu_assert_ok(account_set_password(env->db, &self.a, u.id, generated,
					  "a third passphrase",
					  a.session_token, NOW + 40, NULL, NULL,
					  &err),
		     err);
	tu_assert_ok(auth_session_user(env->db, a.session_token, NOW + 41, &u,
				       csrf, &err),
		     err);
	assert_false(u.must_change_password);
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " subject = 'li.si' AND action IN"
				      " ('user.password.change',"
				      " 'user.password.reset')"),
			 3);
	/* No password text anywhere in the trail. */
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " COALESCE(detail, '') || COALESCE("
				      "before_state, '') || COALESCE("
				      "after_state, '') LIKE '%passphrase%'"),
			 0);
}

static void test_password_policy(void **state)
{
	struct tu_env *env = *state;
	int has[PASSWORD_KEY_COUNT] = { 0 }, value[PASSWORD_KEY_COUNT] = { 0 };
	struct password_policy p;
	struct login_result login;
	struct auth_config cfg;
	struct who sec, admin;
	struct ug_error err;
	struct user u;

	auth_config_defaults(&cfg);
	as_user(env->db, "sec", "security_admin", "110101", &sec);
	as_user(env->db, "admin", "admin", "110101", &admin);
	ug_error_clear(&err);
	tu_assert_ok(password_policy_get(env->db, &p, &err), err);
	assert_int_equal(p.value[PASSWORD_MIN_LENGTH], 8);
	assert_int_equal(p.value[PASSWORD_MIN_CLASSES], 1);
	assert_int_equal(p.value[PASSWORD_NOT_USERNAME], 0);
	assert_int_equal(p.value[PASSWORD_MAX_AGE_DAYS], 0);

	/* Only the security admin; values in range. */
	has[PASSWORD_MIN_CLASSES] = 1;
	value[PASSWORD_MIN_CLASSES] = 3;
	has[PASSWORD_NOT_USERNAME] = 1;
	value[PASSWORD_NOT_USERNAME] = 1;
	has[PASSWORD_MAX_AGE_DAYS] = 1;
	value[PASSWORD_MAX_AGE_DAYS] = 90;
	tu_assert_err(password_policy_set(env->db, &admin.a, has, value, NOW,
					  &p, &err),
		      err, UG_EFORBIDDEN, NULL);
	has[PASSWORD_MIN_LENGTH] = 1;
	value[PASSWORD_MIN_LENGTH] = 21;
	tu_assert_err(password_policy_set(env->db, &sec.a, has, value, NOW, &p,
					  &err),
		      err, UG_EINVAL, "min_length");
	value[PASSWORD_MIN_LENGTH] = 10;
	tu_assert_ok(password_policy_set(env->db, &sec.a, has, value, NOW, &p,
					 &err),
		     err);
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " action = 'password_policy.edit' AND"
				      " before_state LIKE '%\"min_classes\":1%'"
				      " AND after_state LIKE"
				      " '%\"min_classes\":3%'"),
			 1);

	/* Each rule, naming the field. */
	tu_assert_err(create(env->db, "zhao", NULL, "inspector", "110101001",
			     "abcdefghij", &u, NULL, &err),
		      err, UG_EINVAL, "password");
	tu_assert_contains(err.message, "at least 3");
	tu_assert_err(create(env->db, "zhao", NULL, "inspector", "110101001",
			     "Ab1defghi", &u, NULL, &err),
		      err, UG_EINVAL, "password");
	tu_assert_contains(err.message, "at least 10");
	tu_assert_err(create(env->db, "zhao", NULL, "inspector", "110101001",
			     "xx-ZHAO-2026", &u, NULL, &err),
		      err, UG_EINVAL, "password");
	tu_assert_contains(err.message, "username");
	/* Non-ASCII counts as "other". */
	tu_assert_ok(create(env->db, "zhao", NULL, "inspector", "110101001",
			    "城管abcDEF12", &u, NULL, &err),
		     err);
	/* A generated one meets it. */
	tu_assert_ok(create(env->db, "qian", NULL, "inspector", "110101001",
			    NULL, &u, NULL, &err),
		     err);

	/* Older than 90 days: the next login must change it. */
	tu_assert_ok(auth_login(env->db, &cfg, "zhao", "城管abcDEF12",
				"10.0.0.1", NOW + 89 * 86400, &login, &err),
		     err);
	assert_false(login.user.must_change_password);
	tu_assert_ok(auth_login(env->db, &cfg, "zhao", "城管abcDEF12",
				"10.0.0.1", NOW + 90 * 86400, &login, &err),
		     err);
	assert_true(login.user.must_change_password);
	assert_int_equal(tu_query_int(env->db, "SELECT must_change_password"
					       " FROM app_user WHERE username"
					       " = 'zhao'"),
			 1);
}


#define ACCOUNT_TEST(f) \
	cmocka_unit_test_setup_teardown(f, setup_org, tu_teardown_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_username),
		ACCOUNT_TEST(test_only_the_security_admin_manages),
		ACCOUNT_TEST(test_edit_and_disable),
		ACCOUNT_TEST(test_passwords),
		ACCOUNT_TEST(test_password_policy),
		ACCOUNT_TEST(test_create_with_password),
		ACCOUNT_TEST(test_create_generates_password),
		ACCOUNT_TEST(test_create_with_hash),
		ACCOUNT_TEST(test_role_and_unit_kind),
		ACCOUNT_TEST(test_unknown_unit_and_role),
		ACCOUNT_TEST(test_bad_username_and_password),
		ACCOUNT_TEST(test_duplicate_username),
		ACCOUNT_TEST(test_display_name_limit),
		ACCOUNT_TEST(test_db_fault_leaves_nothing),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("accounts", tests, NULL, NULL);
}
