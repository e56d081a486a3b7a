/*
 * demo.c - the demo city (see demo.h).
 */
#include "tools/demo/demo.h"

#include <stdio.h>
#include <string.h>

#include "domain/org/accounts.h"
#include "domain/org/org.h"

/* One account per role, placed where such a person works: field and
 * centre staff in the district (the inspector on a street), the handler in
 * the sanitation department. */
static const struct {
	const char *username;
	const char *display_name;
	enum role role;
	const char *unit;
} demo_people[] = {
	{ "inspector", "王监督", ROLE_INSPECTOR, DEMO_DISTRICT "001" },
	{ "receptionist", "李受理", ROLE_RECEPTIONIST, DEMO_DISTRICT },
	{ "shift_leader", "张值班", ROLE_SHIFT_LEADER, DEMO_DISTRICT },
	{ "dispatcher", "刘派遣", ROLE_DISPATCHER, DEMO_DISTRICT },
	{ "handler", "陈环卫", ROLE_HANDLER, DEMO_DISTRICT "-HW" },
	{ "leader", "赵领导", ROLE_LEADER, DEMO_DISTRICT },
	{ "admin", "系统管理员", ROLE_ADMIN, DEMO_DISTRICT },
	{ "api_client", "外部系统", ROLE_API_CLIENT, DEMO_DISTRICT },
	{ "security_admin", "安全管理员", ROLE_SECURITY_ADMIN, DEMO_DISTRICT },
	{ "auditor", "安全审计员", ROLE_AUDITOR, DEMO_DISTRICT },
	/* The account anonymous public reports are filed as (serve
	 * --anonymous-reports, default "public"). */
	{ "public", "公众举报（匿名）", ROLE_API_CLIENT, DEMO_DISTRICT },
};

const struct actor *demo_actor(void)
{
	static struct user demo;
	static struct actor a;

	return actor_root(&demo, "demo", &a);
}

int demo_build(struct db *db, const char *divisions_dir, int64_t now,
	       struct demo_result *out, struct ug_error *err)
{
	struct division_import_stats stats;
	struct user existing, created;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_user_by_name(db, demo_people[0].username, &existing, NULL,
				err);
	if (rc == 0)
		return ug_fail(err, UG_ECONFLICT, "db",
			       "the demo is already set up in this database "
			       "(user %s exists)", existing.username);
	if (rc != -UG_ENOTFOUND)
		return rc;
	if ((rc = org_import_divisions(db, divisions_dir, DEMO_DISTRICT, now,
				       &stats, err)) ||
	    (rc = org_seed_departments(db, DEMO_DISTRICT, now,
				       &out->departments, err)))
		return rc;
	out->streets = stats.streets;
	out->communities = stats.communities;
	for (size_t i = 0; i < sizeof demo_people / sizeof demo_people[0];
	     i++) {
		struct demo_account *acc = &out->accounts[out->naccounts];
		struct account_new a = {
			.username = demo_people[i].username,
			.display_name = demo_people[i].display_name,
			.role = role_table[demo_people[i].role].name,
			.unit = demo_people[i].unit,
			.password = NULL,
		};

		if ((rc = account_create(db, demo_actor(), &a, now, &created,
					 acc->password, err)))
			return rc;
		snprintf(acc->username, sizeof acc->username, "%s",
			 created.username);
		snprintf(acc->role, sizeof acc->role, "%s", created.role);
		snprintf(acc->unit, sizeof acc->unit, "%s", created.unit_code);
		out->naccounts++;
	}
	return 0;
}

int demo_mark(struct db *db, int64_t now, struct ug_error *err)
{
	char when[24];

	snprintf(when, sizeof when, "%lld", (long long)now);
	return store_setting_put(db, DEMO_MARK_KEY, when, err);
}

int demo_check(struct db *db, struct ug_error *err)
{
	char when[24];
	int rc = store_setting_get(db, DEMO_MARK_KEY, when, sizeof when, err);

	if (rc == -UG_ENOTFOUND)
		return ug_fail(err, UG_EFORBIDDEN, "db",
			       "this database is not a demo database (made by "
			       "`urbangrid demo`): --demo-live files made-up "
			       "reports and runs on a demo database only (a "
			       "demo made before demo databases were marked: "
			       "remove it and run `make run` again)");
	return rc;
}
