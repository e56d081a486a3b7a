/*
 * cmd_calendar.c - `urbangrid calendar show` and `calendar set`: the
 * city's working hours without SQL.  Both are thin: domain/workcal.c
 * reads, checks and writes (the same function as PUT
 * /api/v1/calendar/settings), and a running server picks a change up by
 * the calendar revision within a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/workcal.h"
#include "lib/util.h"

static int print_day(void *ctx, const char *day, const char *kind,
		     const char *note)
{
	int *n = ctx;

	(*n)++;
	printf("  %s  %-4s  %s\n", day, kind, note);
	return 0;
}

int cmd_calendar_show(struct cli_args *a)
{
	struct workcal_settings s;
	struct workcal_range r;
	struct ug_error err;
	char text[WORKCAL_TEXT_MAX];
	struct db *db;
	int days = 0, rc;

	ug_error_clear(&err);
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	rc = workcal_settings_read(db, &s, &err);
	if (rc == 0)
		rc = workcal_range_parse(cli_get(a, "from"), cli_get(a, "to"),
					 ug_now_s(), s.utc_offset, &r, &err);
	if (rc == 0) {
		printf("working calendar of %s (revision %lld)\n",
		       cli_db_location(a), (long long)s.revision);
		for (int k = 0; k < WORKCAL_KEY_COUNT; k++) {
			workcal_setting_text(&s, k, text);
			if (s.stored[k])
				printf("  %-10s  %s\n", workcal_key_names[k],
				       text);
			else
				printf("  %-10s  %-24s  (default)\n",
				       workcal_key_names[k], text);
		}
		printf("days off and make-up workdays from %s to %s:\n", r.from,
		       r.to);
		rc = workcal_days(db, &r, print_day, &days, &err);
		if (rc == 0 && days == 0)
			printf("  (none: load them with `urbangrid import "
			       "calendar`)\n");
	}
	db_close(db);
	return rc ? cli_fail(&err) : EXIT_OK;
}

int cmd_calendar_set(struct cli_args *a)
{
	struct workcal_change ch = { a->positional[0], a->positional[1] };
	struct workcal_settings before, after;
	struct ug_error err;
	char was[WORKCAL_TEXT_MAX], now[WORKCAL_TEXT_MAX];
	struct db *db;
	int rc;

	ug_error_clear(&err);
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	/* The old value is for the message only: a stored value gone bad
	 * must not stop the change that repairs it. */
	if (workcal_settings_read(db, &before, NULL))
		before.revision = -1;
	rc = workcal_settings_set(db, &ch, 1, &after, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	for (int k = 0; k < WORKCAL_KEY_COUNT; k++) {
		if (strcmp(workcal_key_names[k], ch.key) != 0)
			continue;
		workcal_setting_text(&after, k, now);
		if (before.revision >= 0)
			workcal_setting_text(&before, k, was);
		printf("%s = %s (was %s); calendar revision %lld: a running "
		       "server uses it within a second\n", ch.key, now,
		       before.revision >= 0 ? was : "unreadable",
		       (long long)after.revision);
	}
	return EXIT_OK;
}
