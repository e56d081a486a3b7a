/*
 * workcal.c - the working calendar in the database (see workcal.h):
 * importing holidays, reading and changing the settings, listing the day
 * overrides, and building the calendar table from all of it.
 */
#include "domain/workcal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iso8601.h"

const char *const workcal_key_names[WORKCAL_KEY_COUNT] = {
	"utc_offset", "week.mon", "week.tue", "week.wed", "week.thu",
	"week.fri",   "week.sat", "week.sun", "workday",
};

/* Longest value text accepted; the longest valid one is shorter. */
#define VALUE_MAX 200

/* "2026-10-01" of a local date (days since 1970-01-01). */
static void date_text(int32_t date, char out[16])
{
	int y, m, d;

	ics_days_to_civil(date, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

int workcal_import_ics(struct db *db, const char *path,
		       struct workcal_import_stats *stats,
		       struct ug_error *err)
{
	struct ics_reader r;
	struct ics_event ev;
	int64_t rev;
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
			char date[16];

			date_text(d, date);
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
	if ((rc = store_calendar_next_rev(db, &rev, err)) ||
	    (rc = db_commit(db, err)))
		goto fail;
	goto out;
fail:
	db_rollback(db);
out:
	ics_free(&r);
	fclose(fp);
	return rc;
}

/* ---- settings --------------------------------------------------------- */

static int key_parse(const char *name)
{
	for (int k = 0; k < WORKCAL_KEY_COUNT; k++)
		if (strcmp(workcal_key_names[k], name) == 0)
			return k;
	return -1;
}

static struct calendar_day *day_of_key(struct workcal_settings *s, int key)
{
	return key == WORKCAL_WORKDAY ? &s->workday
				      : &s->week[key - WORKCAL_WEEK_MON];
}

static void settings_defaults(struct workcal_settings *s)
{
	struct calendar_config cfg;

	memset(s, 0, sizeof *s);
	calendar_config_init(&cfg, 2000, 2000); /* no allocation */
	s->utc_offset = cfg.utc_offset;
	memcpy(s->week, cfg.week, sizeof s->week);
	s->workday = cfg.workday;
}

/* "+08:00" -> 28800.  The stored form is seconds (what the table takes);
 * people write the offset as they read it. */
static int offset_parse(const char *text, int32_t *out, struct ug_error *err)
{
	const char *t = text;
	int h, m;

	if (strlen(t) == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':' &&
	    t[1] >= '0' && t[1] <= '9' && t[2] >= '0' && t[2] <= '9' &&
	    t[4] >= '0' && t[4] <= '5' && t[5] >= '0' && t[5] <= '9') {
		h = (t[1] - '0') * 10 + (t[2] - '0');
		m = (t[4] - '0') * 10 + (t[5] - '0');
		if (h * 3600 + m * 60 <= CALENDAR_MAX_UTC_OFFSET) {
			*out = (int32_t)((t[0] == '-' ? -1 : 1) *
					 (h * 3600 + m * 60));
			return 0;
		}
	}
	return ug_fail(err, UG_EINVAL, "utc_offset",
		       "utc_offset must be +HH:MM or -HH:MM from -18:00 to "
		       "+18:00 (Asia/Shanghai is +08:00), got \"%s\"", text);
}

/* The value of one setting as people write it into *s. */
static int value_parse(struct workcal_settings *s, int key, const char *text,
		       struct ug_error *err)
{
	const char *name = workcal_key_names[key];
	struct calendar_day day;
	int rc;

	if (strlen(text) > VALUE_MAX)
		return ug_fail(err, UG_EINVAL, name,
			       "%s: at most %d characters", name, VALUE_MAX);
	if (key == WORKCAL_UTC_OFFSET)
		return offset_parse(text, &s->utc_offset, err);
	if (strcmp(text, "off") == 0) {
		if (key == WORKCAL_WORKDAY)
			return ug_fail(err, UG_EINVAL, name,
				       "workday: a make-up workday (班) needs "
				       "working periods, e.g. "
				       "08:30-12:00,13:30-17:30; got off");
		memset(&day, 0, sizeof day);
	} else if (!text[strspn(text, " ")]) {
		return ug_fail(err, UG_EINVAL, name,
			       "%s: give working periods such as "
			       "08:30-12:00,13:30-17:30, or off for a day "
			       "without work", name);
	} else if ((rc = calendar_day_parse(&day, text, name, err)) < 0) {
		return rc;
	}
	*day_of_key(s, key) = day;
	return 0;
}

/* A value as stored: the offset in seconds, periods in their canonical
 * text with "" for none (what older databases hold too). */
static int stored_parse(struct workcal_settings *s, int key, const char *text,
			struct ug_error *err)
{
	const char *name = workcal_key_names[key];
	char *end;
	long v;

	if (key != WORKCAL_UTC_OFFSET)
		return calendar_day_parse(day_of_key(s, key), text, name, err);
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || end == text || v < -CALENDAR_MAX_UTC_OFFSET ||
	    v > CALENDAR_MAX_UTC_OFFSET)
		return ug_fail(err, UG_EINVAL, name,
			       "stored calendar setting utc_offset must be "
			       "seconds east of UTC, got %s", text);
	s->utc_offset = (int32_t)v;
	return 0;
}

static void stored_text(const struct workcal_settings *s, int key,
			char out[WORKCAL_TEXT_MAX])
{
	if (key == WORKCAL_UTC_OFFSET)
		snprintf(out, WORKCAL_TEXT_MAX, "%d", (int)s->utc_offset);
	else
		calendar_day_format(key == WORKCAL_WORKDAY
					    ? &s->workday
					    : &s->week[key - WORKCAL_WEEK_MON],
				    out, WORKCAL_TEXT_MAX);
}

/* Read every setting but those in `skip` (bits by key: about to be
 * replaced, so a stored value gone bad can be repaired), in the caller's
 * transaction. */
static int settings_load(struct db *db, struct workcal_settings *s,
			 unsigned skip, struct ug_error *err)
{
	char text[VALUE_MAX + 64];
	struct ug_error e2;
	int rc;

	settings_defaults(s);
	for (int k = 0; k < WORKCAL_KEY_COUNT; k++) {
		if (skip & (1u << k))
			continue;
		rc = store_calendar_setting_get(db, workcal_key_names[k], text,
						sizeof text, &e2);
		if (rc == -UG_ENOTFOUND)
			continue;
		if (rc) {
			if (err)
				*err = e2;
			return rc;
		}
		if ((rc = stored_parse(s, k, text, err)) < 0)
			return rc;
		s->stored[k] = 1;
	}
	return store_calendar_rev(db, &s->revision, err);
}

int workcal_settings_read(struct db *db, struct workcal_settings *out,
			  struct ug_error *err)
{
	int rc;

	if ((rc = db_begin(db, err)))
		return rc;
	rc = settings_load(db, out, 0, err);
	db_rollback(db);
	return rc;
}

char *workcal_setting_text(const struct workcal_settings *s,
			   enum workcal_key key, char out[WORKCAL_TEXT_MAX])
{
	if (key == WORKCAL_UTC_OFFSET) {
		int32_t a = s->utc_offset < 0 ? -s->utc_offset : s->utc_offset;

		snprintf(out, WORKCAL_TEXT_MAX, "%c%02d:%02d",
			 s->utc_offset < 0 ? '-' : '+', (int)(a / 3600),
			 (int)(a / 60 % 60));
		return out;
	}
	stored_text(s, key, out);
	if (!out[0])
		snprintf(out, WORKCAL_TEXT_MAX, "off");
	return out;
}

/* Which key each change sets (keys[], n entries) as bits, or a negative
 * code for an unknown or repeated key or none at all. */
static int changes_keys(const struct workcal_change *changes, size_t n,
			int keys[WORKCAL_KEY_COUNT], unsigned *mask,
			struct ug_error *err)
{
	*mask = 0;
	if (n == 0)
		return ug_fail(err, UG_EINVAL, NULL,
			       "no calendar setting to change: give one or "
			       "more of utc_offset, week.mon ... week.sun, "
			       "workday");
	/* A repeat is found by the (WORKCAL_KEY_COUNT + 1)-th change at the
	 * latest, so keys[] is never written past its end. */
	for (size_t i = 0; i < n; i++) {
		const char *name = changes[i].key ? changes[i].key : "";
		int k = key_parse(name);

		if (k < 0)
			return ug_fail(err, UG_EINVAL, *name ? name : "key",
				       "unknown calendar setting \"%s\": the "
				       "settings are utc_offset, week.mon, "
				       "week.tue, week.wed, week.thu, week.fri, "
				       "week.sat, week.sun and workday", name);
		if (*mask & (1u << k))
			return ug_fail(err, UG_EINVAL, name,
				       "%s is given twice", name);
		*mask |= 1u << k;
		keys[i] = k;
	}
	return 0;
}

/* Apply the values to the current settings in *s (changed in place).
 * Nothing is written here. */
static int changes_values(struct workcal_settings *s,
			  const struct workcal_change *changes, size_t n,
			  const int keys[], struct ug_error *err)
{
	int last_off = -1, works = 0, rc;

	for (size_t i = 0; i < n; i++) {
		const char *name = workcal_key_names[keys[i]];

		if (!changes[i].value)
			return ug_fail(err, UG_EINVAL, name, "%s needs a value",
				       name);
		if ((rc = value_parse(s, keys[i], changes[i].value, err)) < 0)
			return rc;
		if (keys[i] >= WORKCAL_WEEK_MON && keys[i] <= WORKCAL_WEEK_SUN &&
		    s->week[keys[i] - WORKCAL_WEEK_MON].count == 0)
			last_off = keys[i];
	}
	for (int wd = 0; wd < 7; wd++)
		works += s->week[wd].count > 0;
	/* A week without work would leave working-time deadlines nowhere
	 * to fall but on make-up days. */
	if (!works && last_off >= 0)
		return ug_fail(err, UG_EINVAL, workcal_key_names[last_off],
			       "%s: with this change no day of the week has "
			       "working hours", workcal_key_names[last_off]);
	return 0;
}

int workcal_settings_set(struct db *db, const struct workcal_change *changes,
			 size_t n, struct workcal_settings *out,
			 struct ug_error *err)
{
	struct workcal_settings s;
	char text[WORKCAL_TEXT_MAX];
	int keys[WORKCAL_KEY_COUNT];
	unsigned mask;
	int rc;

	if ((rc = changes_keys(changes, n, keys, &mask, err)) < 0)
		return rc;
	/* Checked against what is stored, under the write lock, so that two
	 * admins cannot together switch off the whole week. */
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = settings_load(db, &s, mask, err)) < 0 ||
	    (rc = changes_values(&s, changes, n, keys, err)) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		stored_text(&s, keys[i], text);
		if ((rc = store_calendar_setting_set(
			     db, workcal_key_names[keys[i]], text, err)))
			goto fail;
		s.stored[keys[i]] = 1;
	}
	if ((rc = store_calendar_next_rev(db, &s.revision, err)) ||
	    (rc = db_commit(db, err)))
		goto fail;
	if (out)
		*out = s;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

/* ---- days -------------------------------------------------------------- */

/* A "YYYY-MM-DD" that names a real date. */
static int date_parse(const char *text, const char *field, char out[16],
		      struct ug_error *err)
{
	int y, m, d, n = 0;

	if (strlen(text) != 10 ||
	    sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    text[4] != '-' || text[7] != '-' || !ics_date_valid(y, m, d) ||
	    y < CALENDAR_MIN_YEAR || y > CALENDAR_MAX_YEAR)
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be a date YYYY-MM-DD, got \"%s\"",
			       field, text);
	snprintf(out, 16, "%s", text);
	return 0;
}

int workcal_range_parse(const char *from, const char *to, int64_t now,
			int32_t utc_offset, struct workcal_range *out,
			struct ug_error *err)
{
	struct workcal_range r;
	int64_t y;
	unsigned m, d;
	int rc;

	iso8601_civil_from_days((now + utc_offset) / 86400, &y, &m, &d);
	snprintf(r.from, sizeof r.from, "%04d-01-01", (int)y);
	snprintf(r.to, sizeof r.to, "%04d-12-31", (int)y);
	if ((from && *from && (rc = date_parse(from, "from", r.from, err))) ||
	    (to && *to && (rc = date_parse(to, "to", r.to, err))))
		return rc;
	if (strcmp(r.to, r.from) < 0)
		return ug_fail(err, UG_EINVAL, "to",
			       "to (%s) lies before from (%s)", r.to, r.from);
	*out = r;
	return 0;
}

int workcal_days(struct db *db, const struct workcal_range *range,
		 store_calendar_day_cb cb, void *ctx, struct ug_error *err)
{
	return store_calendar_days_between(db, range->from, range->to, cb, ctx,
					   err);
}

/* ---- the table ---------------------------------------------------------- */

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

int workcal_load(struct db *db, int64_t now, struct calendar **out,
		 int32_t *utc_offset, int64_t *revision, struct ug_error *err)
{
	struct calendar_config cfg;
	struct workcal_settings s;
	struct load_ctx l;
	int64_t y;
	unsigned m, d;
	int rc;

	*out = NULL;
	/* One read transaction: the settings, the days and the revision
	 * that reaches them agree. */
	if ((rc = db_begin(db, err)))
		return rc;
	if ((rc = settings_load(db, &s, 0, err)) < 0)
		goto out;
	iso8601_civil_from_days((now + s.utc_offset) / 86400, &y, &m, &d);
	memset(&l, 0, sizeof l);
	l.err = err;
	l.min_year = (int)y - 1;
	l.max_year = (int)y + 1;
	if ((rc = store_calendar_days(db, take_day, &l, err)))
		goto out;
	calendar_config_init(&cfg, l.min_year, l.max_year);
	cfg.utc_offset = s.utc_offset;
	memcpy(cfg.week, s.week, sizeof cfg.week);
	cfg.workday = s.workday;
	l.cfg = &cfg;
	l.pass = 1;
	rc = store_calendar_days(db, take_day, &l, err);
	if (rc == 0)
		rc = calendar_build(&cfg, out, err);
	calendar_config_free(&cfg);
	if (rc == 0 && utc_offset)
		*utc_offset = s.utc_offset;
	if (rc == 0 && revision)
		*revision = s.revision;
out:
	db_rollback(db);
	return rc;
}
