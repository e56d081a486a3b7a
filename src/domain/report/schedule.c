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

/* The ISO week holding day number dn as "2026-W48". */
static void iso_week(int64_t dn, char out[24])
{
	int64_t wd = ((dn + 3) % 7 + 7) % 7; /* 0 Monday: 1970-01-01 a Thu */
	int64_t thursday = dn - wd + 3;
	int y = period_day_of_number(thursday) / 10000;
	int w = (int)((thursday - period_iso_week_monday(y, 1)) / 7) + 1;

	snprintf(out, 24, "%04d-W%02d", y, w);
}

/* The first day of the period of kind k holding day number `day`: the
 * day itself for the daily kinds, its ISO week's Monday, its month's
 * first. */
static int64_t start_of(int k, int64_t day)
{
	if (k == REPORT_WEEKLY)
		return day - ((day + 3) % 7 + 7) % 7; /* 1970-01-01 a Thu */
	if (k == REPORT_MONTHLY)
		return period_day_number(period_day_of_number(day) / 100 * 100 +
					 1);
	return day;
}

/* The first period (its first day) of kind k the schedule makes on
 * working day `today`.  Its run on the first working day of the current
 * period (today, for a daily kind) covers the periods from the one
 * holding the working day before it - REPORT_DAILY_SPAN_MAX days back
 * when there is none that near - so Monday's covers Friday to Sunday,
 * and the weekly after a week without a working day that week and the
 * one before.  Later runs in the period cover nothing more, unless the
 * schedule last covered `covered` (YYYYMMDD, the last day of its last
 * report of the kind; 0: none) before: the periods after it then, down
 * to the bound - REPORT_DAILY_SPAN_MAX days back for a daily kind (the
 * days of runs no server made), the first run's own for the weekly and
 * the monthly (the week before, or the two after a week without a
 * working day; the month before), which are caught up to it too when
 * none of theirs was made but the schedule made others (`started`); a
 * first start makes no more than the window of the day. */
static int64_t cover_from(const struct calendar *cal, int32_t utc_offset,
			  int k, int64_t today, int32_t covered, int started)
{
	int64_t cur = start_of(k, today), first = cur, prev, from, bound;

	while (first < today && !working(cal, utc_offset, first))
		first++;
	prev = first - REPORT_DAILY_SPAN_MAX;
	if (prev > cur - 1)
		prev = cur - 1;
	for (int64_t d = first - 1; d > first - REPORT_DAILY_SPAN_MAX; d--)
		if (working(cal, utc_offset, d)) {
			prev = d;
			break;
		}
	bound = k <= REPORT_BULLETIN ? today - REPORT_DAILY_SPAN_MAX
				     : start_of(k, prev);
	from = first == today ? start_of(k, prev) : cur;
	if (covered && period_day_number(covered) + 1 < from)
		from = period_day_number(covered) + 1;
	else if (!covered && started && k > REPORT_BULLETIN)
		from = bound;
	return from < bound ? bound : from;
}

static int due_add(struct report_due *out, int n, int k, const char *text)
{
	if (period_parse(text, &out[n].period, NULL))
		return n;
	out[n].kind = (enum report_kind)k;
	return n + 1;
}

/* The name of the period of kind k beginning on day number `start`. */
static void period_name(int k, int64_t start, char out[24])
{
	int32_t ymd = period_day_of_number(start);

	if (k == REPORT_WEEKLY)
		iso_week(start, out);
	else if (k == REPORT_MONTHLY)
		snprintf(out, 24, "%04d-%02d", ymd / 10000, ymd / 100 % 100);
	else
		period_day_text(ymd, out, 24);
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
	int64_t from[REPORT_KIND_COUNT], oldest = today;
	char text[24];
	int n = 0, started = 0;

	if (kinds <= 0 || at < 0 || minute < at ||
	    !working(cal, utc_offset, today))
		return 0;
	for (int k = 0; covered && k < REPORT_KIND_COUNT; k++)
		started |= covered[k] != 0;
	for (int k = 0; k < REPORT_KIND_COUNT; k++)
		from[k] = cover_from(cal, utc_offset, k, today,
				     covered ? covered[k] : 0, started);
	/* The daily kinds: one report of each per day not covered yet,
	 * oldest first, the kinds of a day together. */
	for (int k = REPORT_INSPECTION; k <= REPORT_BULLETIN; k++)
		if ((kinds & (1 << k)) && from[k] < oldest)
			oldest = from[k];
	for (int64_t d = oldest; d < today; d++) {
		period_name(REPORT_INSPECTION, d, text);
		for (int k = REPORT_INSPECTION; k <= REPORT_BULLETIN; k++)
			if ((kinds & (1 << k)) && d >= from[k])
				n = due_add(out, n, k, text);
	}
	/* Then each week's and month's, oldest first. */
	for (int k = REPORT_WEEKLY; k <= REPORT_MONTHLY; k++) {
		int64_t cur = start_of(k, today);

		if (!(kinds & (1 << k)))
			continue;
		for (int64_t p = from[k]; p < cur;
		     p = start_of(k, p + (k == REPORT_WEEKLY ? 7 : 31))) {
			period_name(k, p, text);
			n = due_add(out, n, k, text);
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
	for (int k = 0; k < REPORT_KIND_COUNT; k++) {
		char prefix[32], last[REPORT_PERIOD_MAX + 1];
		struct period p;

		snprintf(prefix, sizeof prefix, "report:%s:",
			 report_kind_names[k]);
		if ((rc = store_report_lease_last(db, prefix, last,
						  sizeof last, err)))
			return rc;
		covered[k] = last[0] && report_period_parse(k, last, &p,
							     NULL) == 0
				     ? p.to
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
