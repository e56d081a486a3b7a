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

int report_schedule_due(const struct calendar *cal, int32_t utc_offset,
			const struct report_settings *s, int64_t now,
			struct report_due out[REPORT_KIND_COUNT])
{
	int64_t local = now + utc_offset;
	int64_t today = local / 86400 - (local % 86400 < 0);
	int minute = (int)((local % 86400 + 86400) % 86400 / 60);
	int kinds = report_kinds_parse(s->value[RSET_KINDS]);
	int at = report_at_minutes(s->value[RSET_AT]);
	int n = 0;

	if (kinds <= 0 || at < 0 || minute < at ||
	    !working(cal, utc_offset, today))
		return 0;
	for (int k = 0; k < REPORT_KIND_COUNT; k++) {
		char text[24];
		int32_t ymd = period_day_of_number(today);

		if (!(kinds & (1 << k)))
			continue;
		switch (k) {
		case REPORT_INSPECTION:
		case REPORT_BULLETIN:
			period_day_text(period_day_of_number(today - 1), text,
					sizeof text);
			break;
		case REPORT_WEEKLY: {
			int64_t monday = today - ((today + 3) % 7 + 7) % 7;
			if (!first_working(cal, utc_offset, monday, today))
				continue;
			iso_week(monday - 7, text);
			break;
		}
		case REPORT_MONTHLY:
		default: {
			int64_t first = period_day_number(ymd / 100 * 100 + 1);
			if (!first_working(cal, utc_offset, first, today))
				continue;
			int32_t prev = period_day_of_number(first - 1);
			snprintf(text, sizeof text, "%04d-%02d", prev / 10000,
				 prev / 100 % 100);
			break;
		}
		}
		if (period_parse(text, &out[n].period, NULL) == 0)
			out[n++].kind = (enum report_kind)k;
	}
	return n;
}

int report_schedule_run(struct db *db, const struct report_env *env,
			const char *holder, int *made, struct ug_error *err)
{
	struct report_due due[REPORT_KIND_COUNT];
	struct report_settings s;
	struct actor as;
	struct user u;
	int rc, n;

	*made = 0;
	if ((rc = report_settings_get(db, &s, err)))
		return rc;
	n = report_schedule_due(env->cases->calendar, env->cases->utc_offset,
				&s, env->now, due);
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
