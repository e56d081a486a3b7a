/*
 * cmd_calendar.c - the working calendar without SQL: `urbangrid calendar
 * show`, `calendar set` (weekly hours), `import calendar` (a holiday
 * file), `calendar set-day` and `calendar mark-official` (the official
 * notice by hand).  All thin: domain/calendar/workcal.c reads, checks and writes
 * (the same functions as the API), and a running server picks a change
 * up by the calendar revision within a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/calendar/workcal.h"
#include "domain/cases/case.h"
#include "lib/util.h"

static int print_day(void *ctx, const struct workcal_day *d)
{
	int *n = ctx;

	(*n)++;
	printf("  %s  %-4s  %-7s %s%s\n", d->date, d->kind, d->source, d->note,
	       d->provisional ? "  (provisional)" : "");
	return 0;
}

static int print_year(void *ctx, int year, enum workcal_year_status status,
		      const struct calendar_year_row *row)
{
	char when[32];

	(void)ctx;
	if (row)
		printf("  %d  official     (%s, by %s, %s)\n", year,
		       row->source, row->marked_by,
		       ug_time_format_s(row->marked_at, when, sizeof when));
	else if (status == WORKCAL_PROVISIONAL)
		printf("  %d  provisional  (statutory days by rule; make-up "
		       "workdays unknown)\n", year);
	else
		printf("  %d  uncovered    (no holidays known: deadlines in "
		       "it are refused)\n", year);
	return 0;
}

int cmd_calendar_show(struct cli_args *a)
{
	struct workcal_settings s;
	struct workcal_range r;
	struct workcal_notice notice;
	struct calendar *cal = NULL;
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
		printf("holiday years:\n");
		rc = workcal_years(db, &r, print_year, NULL, &err);
	}
	if (rc == 0) {
		printf("days off and make-up workdays from %s to %s:\n", r.from,
		       r.to);
		rc = workcal_days(db, &r, print_day, &days, &err);
		if (rc == 0 && days == 0)
			printf("  (none)\n");
	}
	if (rc == 0)
		rc = workcal_load(db, ug_now_s(), &cal, NULL, NULL, &err);
	if (rc == 0 && workcal_notice(cal, s.utc_offset, ug_now_s(), &notice))
		printf("notice: %s\n", notice.message);
	calendar_free(cal);
	db_close(db);
	return rc ? cli_fail(&err) : EXIT_OK;
}

int cmd_calendar_set(struct cli_args *a)
{
	struct workcal_change ch = { a->positional[0], a->positional[1] };
	struct workcal_settings before, after;
	char was[WORKCAL_TEXT_MAX], now[WORKCAL_TEXT_MAX];
	struct cli_run r;
	int rc;

	if ((rc = cli_run_open(a, &r)))
		return rc;
	/* The old value is for the message only: a stored value gone bad
	 * must not stop the change that repairs it. */
	if (workcal_settings_read(r.db, &before, NULL))
		before.revision = -1;
	rc = workcal_settings_set(r.db, &r.as, &ch, 1, ug_now_s(), &after,
				  &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
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

/* What a change of the days did, for the person who made it. */
static void print_outcome(const struct workcal_outcome *o)
{
	for (int i = 0; i < o->nofficial; i++)
		printf("%d is official now\n", o->official[i]);
	for (int i = 0; i < o->npartial; i++)
		printf("%d: the file does not hold its New Year's Day, Spring "
		       "Festival and National Day, so the year stays as it was "
		       "(urbangrid calendar mark-official %d once its days are "
		       "complete)\n", o->partial[i], o->partial[i]);
	if (o->days_changed)
		printf("%ld date(s) changed from %s to %s; open cases whose "
		       "deadlines moved: %ld", o->days_changed,
		       o->first_changed, o->last_changed, o->cases_moved);
	else
		printf("no date changed");
	if (o->cases_kept)
		printf(" (%ld could not be recomputed: see their history)",
		       o->cases_kept);
	printf("; calendar revision %lld: a running server uses it within a "
	       "second\n", (long long)o->revision);
}

int cmd_import_calendar(struct cli_args *a)
{
	struct workcal_import_stats st;
	struct cli_run r;
	int rc;

	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = workcal_import_ics(r.db, &case_calendar_follower, a->positional[0],
				&r.as, ug_now_s(), &st, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	printf("%s: %ld day events (%ld other events skipped): %ld days off, "
	       "%ld make-up workdays\n", a->positional[0], st.events,
	       st.ignored, st.days_off, st.workdays);
	print_outcome(&st.outcome);
	return EXIT_OK;
}

int cmd_calendar_set_day(struct cli_args *a)
{
	struct workcal_outcome o;
	struct cli_run r;
	int rc;

	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = workcal_set_day(r.db, &case_calendar_follower, a->positional[0],
			     a->positional[1], cli_get(a, "note"), &r.as,
			     ug_now_s(), &o, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	printf("%s: %s\n", a->positional[0], a->positional[1]);
	print_outcome(&o);
	return EXIT_OK;
}

int cmd_calendar_mark_official(struct cli_args *a)
{
	struct workcal_outcome o;
	struct cli_run r;
	char *end;
	long year;
	int rc;

	year = strtol(a->positional[0], &end, 10);
	if (*end || end == a->positional[0] || year < 0 || year > 9999) {
		fprintf(stderr, "urbangrid: year must be a year such as 2027, "
				"got %s\n", a->positional[0]);
		return EXIT_USAGE;
	}
	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = workcal_mark_official(r.db, &case_calendar_follower, (int)year,
				   &r.as, ug_now_s(), &o, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	if (o.nofficial == 0) {
		printf("%ld was official already: nothing changed\n", year);
		return EXIT_OK;
	}
	print_outcome(&o);
	return EXIT_OK;
}
