/*
 * schedule.c - the reports the server makes by itself (report.h, "the
 * schedule"): which are due at an instant, and making each once across
 * every server on the database through its job's row in report_lease.
 */
#include "domain/report/report.h"

#include <stdio.h>
#include <string.h>

#include "domain/calendar/calendar.h"
#include "store/db.h"

/* How long a job's lease runs: a holder that died inside its
 * transaction left nothing (the transaction rolled back), so the lease
 * matters only for a job taken and never finished by a live process. */
#define LEASE_S 600

static int working(const struct calendar *cal, int32_t utc_offset,
		   int64_t day)
{
	int64_t start = day * 86400 - utc_offset, w = 0;

	return calendar_elapsed_working(cal, start, start + 86400, &w,
					NULL) == 0 &&
	       w > 0;
}

/* Is `day` the first working day since `first` (both day numbers)? */
static int first_working(const struct calendar *cal, int32_t utc_offset,
			 int64_t first, int64_t day)
{
	if (!working(cal, utc_offset, day))
		return 0;
	for (int64_t d = first; d < day; d++)
		if (working(cal, utc_offset, d))
			return 0;
	return 1;
}

/* The ISO week holding day number dn as "2026-W48". */
static void iso_week(int64_t dn, char out[24])
{
	int64_t wd = ((dn + 3) % 7 + 7) % 7; /* 0 Monday: 1970-01-01 a Thu */
	int64_t thursday = dn - wd + 3;
	int y = period_day_of_number(thursday) / 10000;
	int w = (int)((thursday - period_iso_week_monday(y, 1)) / 7) + 1;

	snprintf(out, 24, "%04d-W%02d", y, w);
}

/* The first day the daily kinds cover on working day `today`: the
 * working day before it (whose run covered the days up to the one before
 * it), or REPORT_DAILY_SPAN_MAX days back when there is none that near;
 * earlier, down to that bound, for a kind whose schedule last covered
 * `covered` (YYYYMMDD; 0: none) - the days of the runs no server made. */
static int64_t daily_from(const struct calendar *cal, int32_t utc_offset,
			  int64_t today, int32_t covered)
{
	int64_t bound = today - REPORT_DAILY_SPAN_MAX, from = bound;

	for (int64_t d = today - 1; d > bound; d--)
		if (working(cal, utc_offset, d)) {
			from = d;
			break;
		}
	if (covered && period_day_number(covered) + 1 < from)
		from = period_day_number(covered) + 1;
	return from < bound ? bound : from;
}

static int due_add(struct report_due *out, int n, int k, const char *text)
{
	if (period_parse(text, &out[n].period, NULL))
		return n;
	out[n].kind = (enum report_kind)k;
	return n + 1;
}

int report_schedule_due(const struct calendar *cal, int32_t utc_offset,
			const struct report_settings *s, int64_t now,
			const int32_t covered[REPORT_KIND_COUNT],
			struct report_due out[REPORT_DUE_MAX])
{
	int64_t local = now + utc_offset;
	int64_t today = local / 86400 - (local % 86400 < 0);
	int minute = (int)((local % 86400 + 86400) % 86400 / 60);
	int kinds = report_kinds_parse(s->value[RSET_KINDS]);
	int at = report_at_minutes(s->value[RSET_AT]);
	int32_t ymd = period_day_of_number(today);
	int64_t from[REPORT_BULLETIN + 1], oldest = today;
	char text[24];
	int n = 0;

	if (kinds <= 0 || at < 0 || minute < at ||
	    !working(cal, utc_offset, today))
		return 0;
	/* The daily kinds: one report of each per day not covered yet,
	 * oldest first, the kinds of a day together. */
	for (int k = REPORT_INSPECTION; k <= REPORT_BULLETIN; k++) {
		from[k] = daily_from(cal, utc_offset, today,
				     covered ? covered[k] : 0);
		if ((kinds & (1 << k)) && from[k] < oldest)
			oldest = from[k];
	}
	for (int64_t d = oldest; d < today; d++) {
		period_day_text(period_day_of_number(d), text, sizeof text);
		for (int k = REPORT_INSPECTION; k <= REPORT_BULLETIN; k++)
			if ((kinds & (1 << k)) && d >= from[k])
				n = due_add(out, n, k, text);
	}
	if (kinds & (1 << REPORT_WEEKLY)) {
		int64_t monday = today - ((today + 3) % 7 + 7) % 7;

		if (first_working(cal, utc_offset, monday, today)) {
			iso_week(monday - 7, text);
			n = due_add(out, n, REPORT_WEEKLY, text);
		}
	}
	if (kinds & (1 << REPORT_MONTHLY)) {
		int64_t first = period_day_number(ymd / 100 * 100 + 1);

		if (first_working(cal, utc_offset, first, today)) {
			int32_t prev = period_day_of_number(first - 1);

			snprintf(text, sizeof text, "%04d-%02d", prev / 10000,
				 prev / 100 % 100);
			n = due_add(out, n, REPORT_MONTHLY, text);
		}
	}
	return n;
}

int report_schedule_run(struct db *db, const struct report_env *env,
			const char *holder, int *made, struct ug_error *err)
{
	struct report_due due[REPORT_DUE_MAX];
	int32_t covered[REPORT_KIND_COUNT] = { 0 };
	struct report_settings s;
	struct actor as;
	struct user u;
	int rc, n;

	*made = 0;
	if ((rc = report_settings_get(db, &s, err)))
		return rc;
	for (int k = REPORT_INSPECTION; k <= REPORT_BULLETIN; k++) {
		char prefix[32], last[REPORT_PERIOD_MAX + 1];
		struct period p;

		snprintf(prefix, sizeof prefix, "report:%s:",
			 report_kind_names[k]);
		if ((rc = store_report_lease_last(db, prefix, last,
						  sizeof last, err)))
			return rc;
		covered[k] = period_parse(last, &p, NULL) == 0 &&
					     p.form == PERIOD_DAY
				     ? p.from
				     : 0;
	}
	n = report_schedule_due(env->cases->calendar, env->cases->utc_offset,
				&s, env->now, covered, due);
	actor_root(&u, "schedule", &as);
	for (int i = 0; i < n; i++) {
		struct report_row r;
		char job[64];
		int taken = 0;

		snprintf(job, sizeof job, "report:%s:%s",
			 report_kind_names[due[i].kind], due[i].period.text);
		/* The lease, the report and the job's end in one
		 * transaction: a second server waits for it, then finds the
		 * job done. */
		if ((rc = db_begin_write(db, err)))
			return rc;
		rc = store_report_lease_take(db, job, holder, env->now,
					     env->now + LEASE_S, &taken, err);
		if (rc == 0 && taken)
			rc = report_create(db, env, &as,
					   report_kind_names[due[i].kind],
					   due[i].period.text, NULL, 1, &r,
					   err);
		if (rc == 0 && taken) {
			report_row_free(&r);
			rc = store_report_lease_done(db, job, err);
		}
		if ((rc = db_end(db, rc, err)))
			return rc;
		*made += taken;
	}
	return 0;
}
