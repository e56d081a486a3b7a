/*
 * workcal.c - the working calendar in the database (see workcal.h).
 */
#include "domain/workcal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iso8601.h"

int workcal_import_ics(struct db *db, const char *path,
		       struct workcal_import_stats *stats,
		       struct ug_error *err)
{
	struct ics_reader r;
	struct ics_event ev;
	FILE *fp;
	int rc;

	memset(stats, 0, sizeof *stats);
	fp = fopen(path, "r");
	if (!fp)
		return ug_fail(err, UG_EIO, "file", "cannot open %s: %s", path,
			       strerror(errno));
	ics_init(&r, fp, path);
	if ((rc = db_begin_write(db, err)))
		goto out;
	while ((rc = ics_next(&r, &ev, err)) == 1) {
		stats->events++;
		for (int32_t d = ev.first_day; d < ev.end_day; d++) {
			int y, m, day;
			char date[16];

			ics_days_to_civil(d, &y, &m, &day);
			snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, day);
			if ((rc = store_calendar_day_upsert(
				     db, date,
				     ev.kind == ICS_DAY_OFF ? "off" : "work",
				     ev.summary, err)))
				goto fail;
			if (ev.kind == ICS_DAY_OFF)
				stats->days_off++;
			else
				stats->workdays++;
		}
	}
	if (rc < 0)
		goto fail;
	stats->ignored = r.ignored;
	if ((rc = db_commit(db, err)))
		goto fail;
	goto out;
fail:
	db_rollback(db);
out:
	ics_free(&r);
	fclose(fp);
	return rc;
}

struct load_ctx {
	struct calendar_config *cfg;
	struct ug_error *err;
	int min_year, max_year;
	int pass; /* 0: find the years, 1: add the overrides */
};

static int take_day(void *ctx, const char *day, const char *kind,
		    const char *note)
{
	struct load_ctx *l = ctx;
	int y, m, d;

	(void)note;
	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    !ics_date_valid(y, m, d))
		return ug_fail(l->err, UG_EINVAL, "calendar",
			       "stored calendar day %s is not a date", day);
	if (l->pass == 0) {
		if (y < l->min_year)
			l->min_year = y;
		if (y > l->max_year)
			l->max_year = y;
		return 0;
	}
	return calendar_config_add_override(
		l->cfg, ics_civil_to_days(y, m, d),
		strcmp(kind, "off") == 0 ? CALENDAR_DAY_OFF : CALENDAR_WORKDAY,
		NULL, l->err);
}

static const char *const week_keys[7] = {
	"week.mon", "week.tue", "week.wed", "week.thu", "week.fri",
	"week.sat", "week.sun",
};

/* Apply a periods setting if it is set. */
static int apply_periods(struct db *db, const char *key,
			 struct calendar_day *day, struct ug_error *err)
{
	char text[256];
	struct ug_error e2;
	int rc = store_calendar_setting_get(db, key, text, sizeof text, &e2);

	if (rc == -UG_ENOTFOUND)
		return 0;
	if (rc) {
		*err = e2;
		return rc;
	}
	return calendar_day_parse(day, text, key, err);
}

int workcal_load(struct db *db, int64_t now, struct calendar **out,
		 int32_t *utc_offset, struct ug_error *err)
{
	struct calendar_config cfg;
	struct load_ctx l;
	char text[64];
	struct ug_error e2;
	int64_t y;
	unsigned m, d;
	int32_t offset = CALENDAR_UTC_OFFSET_CHINA;
	int rc;

	*out = NULL;
	rc = store_calendar_setting_get(db, "utc_offset", text, sizeof text,
					&e2);
	if (rc == 0) {
		char *end;
		long v = strtol(text, &end, 10);

		if (*end || v < -CALENDAR_MAX_UTC_OFFSET ||
		    v > CALENDAR_MAX_UTC_OFFSET)
			return ug_fail(err, UG_EINVAL, "utc_offset",
				       "calendar setting utc_offset must be "
				       "seconds east of UTC, got %s", text);
		offset = (int32_t)v;
	} else if (rc != -UG_ENOTFOUND) {
		*err = e2;
		return rc;
	}
	iso8601_civil_from_days((now + offset) / 86400, &y, &m, &d);
	memset(&l, 0, sizeof l);
	l.err = err;
	l.min_year = (int)y - 1;
	l.max_year = (int)y + 1;
	if ((rc = store_calendar_days(db, take_day, &l, err)))
		return rc;
	calendar_config_init(&cfg, l.min_year, l.max_year);
	cfg.utc_offset = offset;
	l.cfg = &cfg;
	l.pass = 1;
	for (int i = 0; i < 7 && rc == 0; i++)
		rc = apply_periods(db, week_keys[i], &cfg.week[i], err);
	if (rc == 0)
		rc = apply_periods(db, "workday", &cfg.workday, err);
	if (rc == 0)
		rc = store_calendar_days(db, take_day, &l, err);
	if (rc == 0)
		rc = calendar_build(&cfg, out, err);
	calendar_config_free(&cfg);
	if (rc == 0 && utc_offset)
		*utc_offset = offset;
	return rc;
}
