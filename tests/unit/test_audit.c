/*
 * test_audit.c - the audit trail (domain/org/audit.h): only the auditor
 * (and the command line) reads it; every filter (actor, action exact or
 * by prefix, subject, address, time), pages by id, the limit; pruning
 * refuses anything younger than 180 days, removes what is older, and is
 * itself an event.
 */
#include "testutil.h"

#include "domain/org/audit.h"

#define NOW INT64_C(1795425011)
#define DAY INT64_C(86400)

/* An actor of `role` named `name`, from `addr`. */
struct who {
	struct user u;
	struct actor a;
};

static void as_role(const char *name, const char *role, const char *addr,
		    struct who *w)
{
	memset(&w->u, 0, sizeof w->u);
	snprintf(w->u.username, sizeof w->u.username, "%s", name);
	snprintf(w->u.role, sizeof w->u.role, "%s", role);
	snprintf(w->u.unit_kind, sizeof w->u.unit_kind, "division");
	snprintf(w->u.unit_code, sizeof w->u.unit_code, "110101");
	actor_of(&w->u, addr, &w->a);
}

/* The ids of a listing, oldest last, as "id,id,…". */
struct ids {
	char text[512];
};

static int take_id(void *ctx, const struct audit_event *e)
{
	struct ids *ids = ctx;
	size_t n = strlen(ids->text);

	snprintf(ids->text + n, sizeof ids->text - n, "%s%s:%s",
		 n ? "," : "", e->action, e->subject);
	return 0;
}

static const char *list(struct db *db, const struct actor *a,
			const struct audit_filter *f, struct ids *ids)
{
	struct ug_error err;

	ids->text[0] = '\0';
	ug_error_clear(&err);
	tu_assert_ok(audit_list(db, a, f, take_id, ids, &err), err);
	return ids->text;
}

/* Six events: two people, two addresses, over three days. */
static void fill(struct db *db, struct who *sec, struct who *admin)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(audit_write(db, &sec->a, NOW - 2 * DAY, "user.create",
				 "wang", NULL, "{\"role\":\"inspector\"}",
				 NULL, &err),
		     err);
	tu_assert_ok(audit_write(db, &sec->a, NOW - 2 * DAY + 5, "user.edit",
				 "wang", "{\"a\":1}", "{\"a\":2}", NULL, &err),
		     err);
	tu_assert_ok(audit_write(db, &admin->a, NOW - DAY, "department.add",
				 "110101-HW", NULL, "{}", NULL, &err),
		     err);
	tu_assert_ok(audit_write_as(db, "wang", "10.0.0.7", NOW - DAY + 9,
				    "login.failure", "wang",
				    "{\"reason\":\"wrong password\"}", &err),
		     err);
	tu_assert_ok(audit_write(db, &sec->a, NOW, "user.password.reset",
				 "wang", NULL, NULL, NULL, &err),
		     err);
	tu_assert_ok(audit_write(db, &admin->a, NOW + 1, "usertype.other",
				 "x", NULL, NULL, NULL, &err),
		     err);
}

static void test_who_reads(void **state)
{
	struct tu_env *env = *state;
	struct who sec, admin, auditor;
	struct audit_filter f = { .limit = 100 };
	struct ug_error err;
	struct ids ids;
	struct actor cli;

	as_role("sec", "security_admin", "10.0.0.1", &sec);
	as_role("admin", "admin", "10.0.0.2", &admin);
	as_role("aud", "auditor", "10.0.0.3", &auditor);
	fill(env->db, &sec, &admin);
	ug_error_clear(&err);
	/* 三员分立: neither the admin nor the security admin reads it. */
	tu_assert_err(audit_list(env->db, &admin.a, &f, take_id, &ids, &err),
		      err, UG_EFORBIDDEN, NULL);
	tu_assert_err(audit_list(env->db, &sec.a, &f, take_id, &ids, &err),
		      err, UG_EFORBIDDEN, NULL);
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "usertype.other:x,user.password.reset:wang,"
			    "login.failure:wang,department.add:110101-HW,"
			    "user.edit:wang,user.create:wang");
	actor_cli(&cli);
	assert_string_equal(list(env->db, &cli, &f, &ids),
			    "usertype.other:x,user.password.reset:wang,"
			    "login.failure:wang,department.add:110101-HW,"
			    "user.edit:wang,user.create:wang");
	f.limit = 0;
	tu_assert_err(audit_list(env->db, &auditor.a, &f, take_id, &ids, &err),
		      err, UG_EINVAL, "limit");
	f.limit = AUDIT_PAGE_MAX + 1;
	tu_assert_err(audit_list(env->db, &auditor.a, &f, take_id, &ids, &err),
		      err, UG_EINVAL, "limit");
	/* What was written: who, from where, before and after. */
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " actor = 'sec' AND address ="
				      " '10.0.0.1' AND action = 'user.edit'"
				      " AND before_state = '{\"a\":1}' AND"
				      " after_state = '{\"a\":2}' AND detail"
				      " = '{}'"),
			 1);
}

static void test_filters_and_pages(void **state)
{
	struct tu_env *env = *state;
	struct who sec, admin, auditor;
	struct audit_filter f;
	struct ids ids;

	as_role("sec", "security_admin", "10.0.0.1", &sec);
	as_role("admin", "admin", "10.0.0.2", &admin);
	as_role("aud", "auditor", "10.0.0.3", &auditor);
	fill(env->db, &sec, &admin);

	memset(&f, 0, sizeof f);
	f.limit = 100;
	f.actor = "admin";
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "usertype.other:x,department.add:110101-HW");
	/* A prefix ends in '.': "user." is not "usertype.". */
	memset(&f, 0, sizeof f);
	f.limit = 100;
	f.action = "user.";
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "user.password.reset:wang,user.edit:wang,"
			    "user.create:wang");
	f.action = "user.edit";
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "user.edit:wang");
	f.action = "user";
	assert_string_equal(list(env->db, &auditor.a, &f, &ids), "");
	/* LIKE's wildcards are plain characters here. */
	f.action = "user%";
	assert_string_equal(list(env->db, &auditor.a, &f, &ids), "");
	memset(&f, 0, sizeof f);
	f.limit = 100;
	f.subject = "wang";
	f.address = "10.0.0.7";
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "login.failure:wang");
	memset(&f, 0, sizeof f);
	f.limit = 100;
	f.from = NOW - DAY;
	f.to = NOW + 1;
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "user.password.reset:wang,login.failure:wang,"
			    "department.add:110101-HW");

	/* Pages of two: each ends below the last id of the one before. */
	memset(&f, 0, sizeof f);
	f.limit = 2;
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "usertype.other:x,user.password.reset:wang");
	f.before_id = tu_query_int(env->db, "SELECT id FROM audit_event WHERE"
					    " action = 'user.password.reset'");
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "login.failure:wang,department.add:110101-HW");
	f.before_id = tu_query_int(env->db, "SELECT id FROM audit_event WHERE"
					    " action = 'department.add'");
	assert_string_equal(list(env->db, &auditor.a, &f, &ids),
			    "user.edit:wang,user.create:wang");
}

static void test_prune(void **state)
{
	struct tu_env *env = *state;
	struct who sec, admin, auditor;
	struct ug_error err;
	struct actor cli;
	int64_t removed = -1, now = NOW + 200 * DAY;

	as_role("sec", "security_admin", "10.0.0.1", &sec);
	as_role("admin", "admin", "10.0.0.2", &admin);
	as_role("aud", "auditor", "10.0.0.3", &auditor);
	fill(env->db, &sec, &admin);
	actor_cli(&cli);
	ug_error_clear(&err);
	/* From the command line only; not the auditor, not the admin. */
	tu_assert_err(audit_prune(env->db, &auditor.a, NOW - DAY, now,
				  &removed, &err),
		      err, UG_EFORBIDDEN, NULL);
	tu_assert_err(audit_prune(env->db, &admin.a, NOW - DAY, now, &removed,
				  &err),
		      err, UG_EFORBIDDEN, NULL);
	/* Nothing younger than 180 days, to the second. */
	tu_assert_err(audit_prune(env->db, &cli, now - 180 * DAY + 1, now,
				  &removed, &err),
		      err, UG_EINVAL, "before");
	tu_assert_contains(err.message, "180");
	tu_assert_rows(env->db, "audit_event", 6);
	/* now - 180 days = NOW + 20 days: everything before goes. */
	tu_assert_ok(audit_prune(env->db, &cli, NOW - DAY + 9, now, &removed,
				 &err),
		     err);
	assert_int_equal(removed, 3);
	tu_assert_rows(env->db, "audit_event", 4);
	assert_int_equal(tu_query_int(env->db,
				      "SELECT COUNT(*) FROM audit_event WHERE"
				      " action = 'audit.prune' AND actor ="
				      " 'cli' AND address = 'local' AND detail"
				      " LIKE '%\"removed\":3%'"),
			 1);
	/* A storage fault takes nothing away. */
	for (int nth = 1; nth <= 2; nth++) { /* the delete, the event */
		fault_arm(FAULT_DB_STEP, nth);
		ug_error_clear(&err);
		tu_assert_err(audit_prune(env->db, &cli, now - 180 * DAY, now,
					  &removed, &err),
			      err, UG_EDB, NULL);
		fault_arm(FAULT_DB_STEP, 0);
		assert_int_equal(removed, 0);
		assert_int_equal(tu_query_int(env->db,
					      "SELECT COUNT(*) FROM"
					      " audit_event"),
				 4);
	}
}

#define AUDIT_TEST(f) \
	cmocka_unit_test_setup_teardown(f, tu_setup_db, tu_teardown_db)

int main(void)
{
	const struct CMUnitTest tests[] = {
		AUDIT_TEST(test_who_reads),
		AUDIT_TEST(test_filters_and_pages),
		AUDIT_TEST(test_prune),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
