/*
 * demo.h - a living demo city on real divisions: 北京市东城区 (110101),
 * its 17 streets and their communities, the standard departments, and one
 * account per role.  Later modules add grids, components and cases here.
 */
#ifndef UG_DEMO_H
#define UG_DEMO_H

#include "domain/org/auth.h"
#include "domain/org/roles.h"
#include "store/org/org.h"

#define DEMO_DISTRICT "110101"

struct demo_account {
	char username[USERNAME_MAX + 1];
	char role[24];
	char unit[CODE_MAX + 1];
	char password[GENERATED_PASSWORD_LEN + 1];
};

struct demo_result {
	int64_t streets, communities;
	int departments;
	struct demo_account accounts[ROLE_COUNT + 1]; /* + the public one */
	int naccounts;
};

/* The demo's actor in the audit trail: "demo", root. */
const struct actor *demo_actor(void);

/* Build the demo in an initialised (migrated) database from the division
 * CSVs in `divisions_dir`.  UG_ECONFLICT if the demo accounts exist. */
int demo_build(struct db *db, const char *divisions_dir, int64_t now,
	       struct demo_result *out, struct ug_error *err);

/* A demo database says so: the setting DEMO_MARK_KEY holds when the demo
 * was created.  Only such a database lets `serve --demo-live` file made-up
 * reports (a real city's database must never receive them). */
#define DEMO_MARK_KEY "demo.created_at"
int demo_mark(struct db *db, int64_t now, struct ug_error *err);
/* 0 when the database is a demo one; UG_EFORBIDDEN (the message says why
 * and what to do) when not; another error when it cannot be read. */
int demo_check(struct db *db, struct ug_error *err);

#endif
