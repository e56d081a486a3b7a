/*
 * workcal.c - the working calendar in the database (see workcal.h):
 * reading and changing the settings, the days as the calendar counts
 * them (stored, and by rule for provisional years), building the table,
 * and changing the days (import, by hand, marking a year official) with
 * the deadlines that follow.
 */
#include "domain/calendar/workcal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar/holidays.h"
#include "domain/calendar/lunar.h"
#include "lib/ics.h"
#include "lib/iso8601.h"
#include "lib/util.h"
#include "domain/org/audit.h"
#include "lib/buf.h"

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

/* {"key":"text",…} of the settings `keys` (n of them) of s. */
static void settings_json(const struct workcal_settings *s, const int *keys,
			  size_t n, struct buf *b)
{
	char text[WORKCAL_TEXT_MAX];

	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%c\"%s\":\"%s\"", i ? ',' : '{',
			   workcal_key_names[keys[i]],
			   workcal_setting_text(s, (enum workcal_key)keys[i],
						text));
	buf_puts(b, n ? "}" : "{}");
}

int workcal_settings_set(struct db *db, const struct actor *by,
			 const struct workcal_change *changes, size_t n,
			 int64_t now, struct workcal_settings *out,
			 struct ug_error *err)
{
	struct workcal_settings s;
	struct buf before = BUF_INIT, after = BUF_INIT;
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
	if ((rc = settings_load(db, &s, mask, err)) < 0)
		goto end;
	settings_json(&s, keys, n, &before);
	if ((rc = changes_values(&s, changes, n, keys, err)) < 0)
		goto end;
	for (size_t i = 0; i < n; i++) {
		stored_text(&s, keys[i], text);
		if ((rc = store_calendar_setting_set(
			     db, workcal_key_names[keys[i]], text, err)))
			goto end;
		s.stored[keys[i]] = 1;
	}
	settings_json(&s, keys, n, &after);
	if ((rc = store_calendar_next_rev(db, &s.revision, err)) == 0)
		rc = audit_write(db, by, now, "calendar.settings", "calendar",
				 buf_str(&before), buf_str(&after), NULL, err);
end:
	if ((rc = db_end(db, rc, err)) == 0 && out)
		*out = s;
	buf_free(&before);
	buf_free(&after);
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


/* ---- official years ------------------------------------------------------ */

const char *const workcal_year_status_names[3] = {
	"official", "provisional", "uncovered",
};

/* The official years, as a bitmap over the years a date can have. */
struct year_set {
	unsigned char official[CALENDAR_MAX_YEAR - CALENDAR_MIN_YEAR + 1];
};

static int year_is_official(const struct year_set *ys, int year)
{
	return year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR &&
	       ys->official[year - CALENDAR_MIN_YEAR];
}

static int take_year(void *ctx, const struct calendar_year_row *y)
{
	struct year_set *ys = ctx;

	if (y->year >= CALENDAR_MIN_YEAR && y->year <= CALENDAR_MAX_YEAR)
		ys->official[y->year - CALENDAR_MIN_YEAR] = 1;
	return 0;
}

/* Read the official years in the caller's transaction into a new set
 * (free() it). */
static int years_read(struct db *db, struct year_set **out,
		      struct ug_error *err)
{
	struct year_set *ys = calloc(1, sizeof *ys);
	int rc;

	*out = NULL;
	if (!ys)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = store_calendar_years(db, take_year, ys, err))) {
		free(ys);
		return rc;
	}
	*out = ys;
	return 0;
}

static enum workcal_year_status year_status(const struct year_set *ys,
					    int year)
{
	if (year_is_official(ys, year))
		return WORKCAL_OFFICIAL;
	if (year >= HOLIDAYS_FIRST_YEAR && year <= HOLIDAYS_LAST_YEAR)
		return WORKCAL_PROVISIONAL;
	return WORKCAL_UNCOVERED;
}

/* ---- the days as the calendar counts them ---------------------------- */

/* "2026-10-01" -> days since 1970-01-01 (a stored or checked date). */
static int date_days(const char *text, int32_t *out)
{
	int y, m, d;

	if (sscanf(text, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    !ics_date_valid(y, m, d))
		return -1;
	*out = ics_civil_to_days(y, m, d);
	return 0;
}

/* The rule-derived days of the provisional years from..to (local dates)
 * in date order, into a new array (free() it). */
static int rule_days(const struct year_set *ys, int32_t from, int32_t to,
		     struct holiday_day **out, size_t *n,
		     struct ug_error *err)
{
	struct holiday_day *all = NULL, year[HOLIDAYS_MAX_DAYS];
	size_t count = 0;
	int y0, y1, m, d;

	*out = NULL;
	*n = 0;
	ics_days_to_civil(from, &y0, &m, &d);
	ics_days_to_civil(to, &y1, &m, &d);
	if (y0 < HOLIDAYS_FIRST_YEAR)
		y0 = HOLIDAYS_FIRST_YEAR;
	if (y1 > HOLIDAYS_LAST_YEAR)
		y1 = HOLIDAYS_LAST_YEAR;
	for (int y = y0; y <= y1; y++) {
		int k;
		struct holiday_day *p;

		if (year_is_official(ys, y))
			continue;
		k = holidays_of_year(y, year);
		p = realloc(all, (count + (size_t)k) * sizeof *all);
		if (!p) {
			free(all);
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		}
		all = p;
		for (int i = 0; i < k; i++)
			if (year[i].date >= from && year[i].date <= to)
				all[count++] = year[i];
	}
	*out = all;
	*n = count;
	return 0;
}

struct merge_ctx {
	const struct holiday_day *rule; /* date order */
	size_t nrule, next;
	workcal_day_cb cb;
	void *ctx;
};

static int emit_rule(struct merge_ctx *m, size_t i)
{
	char date[16], note[64];
	struct workcal_day d = { date, "off", note, "rule", 1 };

	date_text(m->rule[i].date, date);
	holidays_day_note(&m->rule[i], note, sizeof note);
	return m->cb(m->ctx, &d);
}

/* A stored day: first the rule's days before it; the rule's day of the
 * same date, if any, gives way. */
static int merge_stored(void *ctx, const struct calendar_day_row *row)
{
	struct merge_ctx *m = ctx;
	struct workcal_day d = { row->day, row->kind, row->note, row->source,
				 0 };
	int32_t date;
	int rc;

	if (date_days(row->day, &date))
		date = INT32_MAX;
	for (; m->next < m->nrule && m->rule[m->next].date <= date; m->next++)
		if (m->rule[m->next].date < date &&
		    (rc = emit_rule(m, m->next)) != 0)
			return rc;
	return m->cb(m->ctx, &d);
}

int workcal_days(struct db *db, const struct workcal_range *range,
		 workcal_day_cb cb, void *ctx, struct ug_error *err)
{
	struct merge_ctx m = { .cb = cb, .ctx = ctx };
	struct holiday_day *rule = NULL;
	struct year_set *ys = NULL;
	int32_t from, to;
	int rc;

	if (date_days(range->from, &from) || date_days(range->to, &to))
		return ug_fail(err, UG_EINVAL, "from",
			       "the range %s..%s is not two dates",
			       range->from, range->to);
	if ((rc = db_begin(db, err)))
		return rc;
	if ((rc = years_read(db, &ys, err)) ||
	    (rc = rule_days(ys, from, to, &rule, &m.nrule, err)))
		goto out;
	m.rule = rule;
	if ((rc = store_calendar_days_between(db, range->from, range->to,
					      merge_stored, &m, err)))
		goto out;
	for (; m.next < m.nrule; m.next++)
		if ((rc = emit_rule(&m, m.next)) != 0)
			goto out;
out:
	db_rollback(db);
	free(rule);
	free(ys);
	return rc;
}

/* The stored marks of the official years of a range, copied out of the
 * read transaction. */
struct year_marks {
	int y0, y1;
	struct year_mark {
		int set;
		char source[128];
		char by[USERNAME_MAX + 1];
		int64_t at;
	} mark[CALENDAR_MAX_YEARS];
};

static int take_mark(void *ctx, const struct calendar_year_row *y)
{
	struct year_marks *ym = ctx;
	struct year_mark *k;

	if (y->year < ym->y0 || y->year > ym->y1)
		return 0;
	k = &ym->mark[y->year - ym->y0];
	k->set = 1;
	snprintf(k->source, sizeof k->source, "%s", y->source);
	snprintf(k->by, sizeof k->by, "%s", y->marked_by);
	k->at = y->marked_at;
	return 0;
}

int workcal_years(struct db *db, const struct workcal_range *range,
		  workcal_year_cb cb, void *ctx, struct ug_error *err)
{
	struct year_marks *ym;
	int rc;

	if (!(ym = calloc(1, sizeof *ym)))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	ym->y0 = atoi(range->from);
	ym->y1 = atoi(range->to);
	if (ym->y1 - ym->y0 >= CALENDAR_MAX_YEARS) {
		free(ym);
		return ug_fail(err, UG_EINVAL, "to", "at most %d years at once",
			       CALENDAR_MAX_YEARS);
	}
	if ((rc = db_begin(db, err)) == 0) {
		rc = store_calendar_years(db, take_mark, ym, err);
		db_rollback(db);
	}
	for (int y = ym->y0; y <= ym->y1 && rc == 0; y++) {
		const struct year_mark *k = &ym->mark[y - ym->y0];
		struct calendar_year_row row = { y, k->source, k->by, k->at };

		if (k->set)
			rc = cb(ctx, y, WORKCAL_OFFICIAL, &row);
		else
			rc = cb(ctx, y,
				y >= HOLIDAYS_FIRST_YEAR &&
						y <= HOLIDAYS_LAST_YEAR
					? WORKCAL_PROVISIONAL
					: WORKCAL_UNCOVERED,
				NULL);
	}
	free(ym);
	return rc;
}

/* ---- the table ---------------------------------------------------------- */

struct load_ctx {
	struct calendar_config *cfg;
	struct ug_error *err;
	int min_year, max_year;
	int pass; /* 0: find the years, 1: add the overrides */
};

static int take_day(void *ctx, const struct calendar_day_row *row)
{
	struct load_ctx *l = ctx;
	int32_t date;
	int y, m, d;

	if (date_days(row->day, &date))
		return ug_fail(l->err, UG_EINVAL, "calendar",
			       "stored calendar day %s is not a date",
			       row->day);
	ics_days_to_civil(date, &y, &m, &d);
	if (l->pass == 0) {
		if (y < l->min_year)
			l->min_year = y;
		if (y > l->max_year)
			l->max_year = y;
		return 0;
	}
	return calendar_config_add_override(
		l->cfg, date,
		strcmp(row->kind, "off") == 0 ? CALENDAR_DAY_OFF
					      : CALENDAR_WORKDAY,
		NULL, l->err);
}

/*
 * The configuration the calendar is built from, in the caller's
 * transaction: settings, stored days, and the rule's days of every
 * provisional year, flagged.  *cfg is initialised here (free it with
 * calendar_config_free() whatever the result); *settings (may be NULL)
 * receives the settings.
 */
static int config_read_rules(struct db *db, int64_t now,
			     struct calendar_config *cfg,
			     struct workcal_settings *settings, int rules,
			     struct ug_error *err);

static int config_read(struct db *db, int64_t now, struct calendar_config *cfg,
		       struct workcal_settings *settings, struct ug_error *err)
{
	return config_read_rules(db, now, cfg, settings, 1, err);
}

/* config_read(), with the rule's days of provisional years or (rules 0)
 * without: the calendar as binaries before the rules counted it. */
static int config_read_rules(struct db *db, int64_t now,
			     struct calendar_config *cfg,
			     struct workcal_settings *settings, int rules,
			     struct ug_error *err)
{
	struct workcal_settings s;
	struct year_set *ys = NULL;
	struct load_ctx l;
	int64_t y;
	unsigned m, d;
	int rc;

	calendar_config_init(cfg, HOLIDAYS_FIRST_YEAR, HOLIDAYS_LAST_YEAR);
	if ((rc = settings_load(db, &s, 0, err)) < 0 ||
	    (rc = years_read(db, &ys, err)))
		return rc;
	iso8601_civil_from_days((now + s.utc_offset) / 86400, &y, &m, &d);
	memset(&l, 0, sizeof l);
	l.err = err;
	l.min_year = (int)y - 1 < HOLIDAYS_FIRST_YEAR ? (int)y - 1
						      : HOLIDAYS_FIRST_YEAR;
	l.max_year = (int)y + 1 > HOLIDAYS_LAST_YEAR ? (int)y + 1
						     : HOLIDAYS_LAST_YEAR;
	if ((rc = store_calendar_days(db, take_day, &l, err)))
		goto out;
	if (l.max_year - l.min_year >= CALENDAR_MAX_YEARS) {
		rc = ug_fail(err, UG_EINVAL, "calendar",
			     "the stored holidays would make the calendar "
			     "span %d..%d; it holds at most %d years",
			     l.min_year, l.max_year, CALENDAR_MAX_YEARS);
		goto out;
	}
	cfg->first_year = l.min_year;
	cfg->last_year = l.max_year;
	cfg->utc_offset = s.utc_offset;
	memcpy(cfg->week, s.week, sizeof cfg->week);
	cfg->workday = s.workday;
	l.cfg = cfg;
	l.pass = 1;
	if ((rc = store_calendar_days(db, take_day, &l, err)))
		goto out;
	/* The provisional years: the rule's days where nothing is stored. */
	for (int year = HOLIDAYS_FIRST_YEAR; year <= HOLIDAYS_LAST_YEAR;
	     year++) {
		struct holiday_day days[HOLIDAYS_MAX_DAYS];
		int n;

		if (year_status(ys, year) != WORKCAL_PROVISIONAL)
			continue;
		cfg->provisional_year[year - cfg->first_year] = 1;
		if (!rules)
			continue;
		n = holidays_of_year(year, days);
		for (int i = 0; i < n; i++) {
			if (calendar_config_find(cfg, days[i].date))
				continue;
			if ((rc = calendar_config_add_override(
				     cfg, days[i].date, CALENDAR_DAY_OFF,
				     NULL, err)) ||
			    (rc = calendar_config_mark_provisional(
				     cfg, days[i].date, err)))
				goto out;
		}
	}
	if (settings)
		*settings = s;
out:
	free(ys);
	return rc;
}

int workcal_load(struct db *db, int64_t now, struct calendar **out,
		 int32_t *utc_offset, int64_t *revision, struct ug_error *err)
{
	struct calendar_config cfg;
	struct workcal_settings s;
	int rc;

	*out = NULL;
	/* One read transaction: the settings, the days and the revision
	 * that reaches them agree. */
	if ((rc = db_begin(db, err)))
		return rc;
	rc = config_read(db, now, &cfg, &s, err);
	if (rc == 0)
		rc = calendar_build(&cfg, out, err);
	calendar_config_free(&cfg);
	if (rc == 0 && utc_offset)
		*utc_offset = s.utc_offset;
	if (rc == 0 && revision)
		*revision = s.revision;
	db_rollback(db);
	return rc;
}

/* ---- changing the days ------------------------------------------------ */

/* The dates whose working periods differ between two configurations
 * (same week; overrides sorted), into a new array (free() it): a day
 * off added on a Saturday changes nothing. */
static int config_diff(const struct calendar_config *a,
		       const struct calendar_config *b, int32_t **out,
		       size_t *n, struct ug_error *err)
{
	size_t i = 0, j = 0, k = 0;
	int32_t *dates = malloc((a->noverrides + b->noverrides + 1) *
				sizeof *dates);

	*out = NULL;
	*n = 0;
	if (!dates)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	while (i < a->noverrides || j < b->noverrides) {
		const struct calendar_override *x =
			i < a->noverrides ? &a->overrides[i] : NULL;
		const struct calendar_override *y =
			j < b->noverrides ? &b->overrides[j] : NULL;
		int32_t date;

		/* Each date that has an override on either side, once. */
		if (x && (!y || x->date <= y->date))
			date = x->date;
		else
			date = y->date;
		i += x && x->date == date;
		j += y && y->date == date;
		if (!calendar_day_equal(calendar_config_periods(a, date),
					calendar_config_periods(b, date)))
			dates[k++] = date;
	}
	*out = dates;
	*n = k;
	return 0;
}

/*
 * The second half of every change of the days, in the caller's write
 * transaction, after the writes: compare the calendar with `before`,
 * recompute the deadlines of the changed dates (`why` starts each
 * history line), audit, bump the revision.  Fills the day and case
 * counts of *out.
 */
static int change_finish(struct db *db, const struct workcal_follower *follow,
			 int64_t now, const struct calendar_config *before,
			 const struct actor *by, const char *audit_action,
			 const char *subject, const char *why,
			 struct workcal_outcome *out, struct ug_error *err)
{
	struct calendar_config after;
	struct calendar *cal = NULL;
	int32_t *dates = NULL;
	char detail[160];
	size_t n = 0;
	int rc;

	if ((rc = config_read(db, now, &after, NULL, err)) ||
	    (rc = config_diff(before, &after, &dates, &n, err)))
		goto out;
	out->days_changed = (long)n;
	if (n) {
		date_text(dates[0], out->first_changed);
		date_text(dates[n - 1], out->last_changed);
	}
	if (n && follow) {
		if ((rc = calendar_build(&after, &cal, err)) ||
		    (rc = follow->days_changed(db, cal, after.utc_offset, dates,
					       n, why, now, &out->cases_moved,
					       &out->cases_kept, err)))
			goto out;
	}
	snprintf(detail, sizeof detail,
		 "{\"days_changed\":%ld,\"first\":\"%s\",\"last\":\"%s\","
		 "\"cases_moved\":%ld}",
		 out->days_changed, out->first_changed, out->last_changed,
		 (long)out->cases_moved);
	if ((rc = audit_write(db, by, now, audit_action, subject, NULL, NULL,
			      detail, err)) ||
	    (rc = store_calendar_next_rev(db, &out->revision, err)))
		goto out;
out:
	calendar_free(cal);
	calendar_config_free(&after);
	free(dates);
	return rc;
}

/* End a change begun by change_begin(): when rc is 0 so far, finish it
 * and commit; otherwise (or if that fails) roll back.  Frees *before. */
static int change_end(struct db *db, const struct workcal_follower *follow,
		      int64_t now, int rc, struct calendar_config *before,
		      const struct actor *by,
		      const char *audit_action, const char *subject,
		      const char *why, struct workcal_outcome *out,
		      struct ug_error *err)
{
	if (rc == 0)
		rc = change_finish(db, follow, now, before, by,
				   audit_action, subject, why, out, err);
	if (rc == 0)
		rc = db_commit(db, err);
	if (rc)
		db_rollback(db);
	calendar_config_free(before);
	return rc;
}

/* Open the write transaction of a change and read the calendar before
 * it (rules 0: without the rule's days).  On failure nothing is open and
 * *before is freed. */
static int change_begin_rules(struct db *db, int64_t now,
			      struct calendar_config *before, int rules,
			      struct workcal_outcome *out,
			      struct ug_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	calendar_config_init(before, HOLIDAYS_FIRST_YEAR, HOLIDAYS_LAST_YEAR);
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = config_read_rules(db, now, before, NULL, rules, err))) {
		db_rollback(db);
		calendar_config_free(before);
	}
	return rc;
}

static int change_begin(struct db *db, int64_t now,
			struct calendar_config *before,
			struct workcal_outcome *out, struct ug_error *err)
{
	return change_begin_rules(db, now, before, 1, out, err);
}

int workcal_adopt_rules(struct db *db, const struct workcal_follower *follow,
			const struct actor *by, int64_t now,
			struct workcal_outcome *out, struct ug_error *err)
{
	struct calendar_config before;
	int rc;

	if ((rc = change_begin_rules(db, now, &before, 0, out, err)))
		return rc;
	return change_end(db, follow, now, 0, &before, by, "calendar.rules",
			  "",
			  "statutory holidays by rule for the years without "
			  "their official schedule", out, err);
}

static int mark_official(struct db *db, int year, const char *source,
			 const char *actor, int64_t now,
			 struct workcal_outcome *out, struct ug_error *err)
{
	struct calendar_year_row row = { year, source, actor, now };
	int rc;

	if ((rc = store_calendar_year_set(db, &row, err)))
		return rc;
	if (out->nofficial < (int)(sizeof out->official /
				   sizeof out->official[0]))
		out->official[out->nofficial++] = year;
	return 0;
}

/* The days off an import holds, ascending and unique, to judge which
 * years it covers. */
struct date_set {
	int32_t *d;
	size_t n, cap;
};

static int date_set_add(struct date_set *s, int32_t date)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		int32_t *p = realloc(s->d, cap * sizeof *p);

		if (!p)
			return -1;
		s->d = p;
		s->cap = cap;
	}
	s->d[s->n++] = date;
	return 0;
}

static int cmp_date(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int date_set_has(const struct date_set *s, int32_t date)
{
	return s->n && bsearch(&date, s->d, s->n, sizeof *s->d, cmp_date);
}

/* Does the file's set of days off cover `year` (see workcal.h)? */
static int covers(const struct date_set *off, int year)
{
	int32_t spring;

	return date_set_has(off, ics_civil_to_days(year, 1, 1)) &&
	       date_set_has(off, ics_civil_to_days(year, 10, 1)) &&
	       (lunar_new_year(year, &spring) ||
		date_set_has(off, spring));
}

int workcal_import_ics(struct db *db, const struct workcal_follower *follow,
		       const char *path, const struct actor *by,
		       int64_t now, struct workcal_import_stats *stats,
		       struct ug_error *err)
{
	FILE *fp = fopen(path, "r");
	int rc;

	memset(stats, 0, sizeof *stats);
	if (!fp)
		return ug_fail(err, UG_EIO, "file", "cannot open %s: %s", path,
			       strerror(errno));
	rc = workcal_import_ics_stream(db, follow, fp, path, by, now, stats,
				       err);
	fclose(fp);
	return rc;
}

int workcal_import_ics_stream(struct db *db,
			      const struct workcal_follower *follow, FILE *fp,
			      const char *name, const struct actor *by,
			      int64_t now, struct workcal_import_stats *stats,
			      struct ug_error *err)
{
	const char *actor = by->user->username;
	struct calendar_config before;
	struct date_set off = {0}, touched = {0};
	struct year_set *official = NULL;
	struct ics_reader r;
	struct ics_event ev;
	char source[160], why[200];
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	int rc;

	memset(stats, 0, sizeof *stats);
	ics_init(&r, fp, name);
	if ((rc = change_begin(db, now, &before, &stats->outcome, err))) {
		ics_free(&r);
		return rc;
	}
	while ((rc = ics_next(&r, &ev, err)) == 1) {
		stats->events++;
		for (int32_t d = ev.first_day; d < ev.end_day; d++) {
			char date[16];
			struct calendar_day_row row = {
				date, ev.kind == ICS_DAY_OFF ? "off" : "work",
				ev.summary, "import"
			};

			date_text(d, date);
			if ((rc = store_calendar_day_upsert(db, &row, err)))
				goto out;
			if ((ev.kind == ICS_DAY_OFF && date_set_add(&off, d)) ||
			    date_set_add(&touched, d)) {
				rc = ug_fail(err, UG_ENOMEM, NULL,
					     "out of memory");
				goto out;
			}
			if (ev.kind == ICS_DAY_OFF)
				stats->days_off++;
			else
				stats->workdays++;
		}
	}
	if (rc < 0)
		goto out;
	stats->ignored = r.ignored;
	/* The years the file covers become official; the ones it only
	 * touches are reported. */
	qsort(off.d, off.n, sizeof *off.d, cmp_date);
	qsort(touched.d, touched.n, sizeof *touched.d, cmp_date);
	snprintf(source, sizeof source, "import %s", base);
	if ((rc = years_read(db, &official, err)))
		goto out;
	for (size_t i = 0; i < touched.n; i++) {
		int y, m, d;
		struct workcal_outcome *o = &stats->outcome;

		ics_days_to_civil(touched.d[i], &y, &m, &d);
		if ((o->nofficial && o->official[o->nofficial - 1] == y) ||
		    (o->npartial && o->partial[o->npartial - 1] == y) ||
		    year_is_official(official, y))
			continue;
		if (covers(&off, y)) {
			if ((rc = mark_official(db, y, source, actor, now, o,
						err)))
				goto out;
		} else if (o->npartial <
			   (int)(sizeof o->partial / sizeof o->partial[0])) {
			o->partial[o->npartial++] = y;
		}
	}
out:
	snprintf(why, sizeof why, "holidays imported from %s", base);
	rc = change_end(db, follow, now, rc, &before, by, "calendar.import",
			base,
			why, &stats->outcome, err);
	free(official);
	free(off.d);
	free(touched.d);
	ics_free(&r);
	return rc;
}

#define NOTE_MAX_CHARS 64

int workcal_set_day(struct db *db, const struct workcal_follower *follow,
		    const char *date, const char *kind,
		    const char *note, const struct actor *by, int64_t now,
		    struct workcal_outcome *out, struct ug_error *err)
{
	const char *actor = by->user->username;
	struct calendar_config before;
	char day[16], why[200];
	int rc, clear;

	if (!date || (rc = date_parse(date, "date", day, err)))
		return date ? rc
			    : ug_fail(err, UG_EINVAL, "date",
				      "date is required (YYYY-MM-DD)");
	if (!kind || (strcmp(kind, "off") && strcmp(kind, "work") &&
		      strcmp(kind, "clear")))
		return ug_fail(err, UG_EINVAL, "kind",
			       "kind must be off (a day off), work (a make-up "
			       "workday) or clear (forget the stored day), "
			       "got \"%s\"", kind ? kind : "");
	if (!note)
		note = "";
	if (!ug_utf8_valid(note, strlen(note)) ||
	    ug_utf8_len(note) > NOTE_MAX_CHARS)
		return ug_fail(err, UG_EINVAL, "note",
			       "note must be text of at most %d characters",
			       NOTE_MAX_CHARS);
	clear = strcmp(kind, "clear") == 0;
	if ((rc = change_begin(db, now, &before, out, err)))
		return rc;
	if (clear) {
		rc = store_calendar_day_delete(db, day, err);
	} else {
		struct calendar_day_row row = { day, kind, note, "manual" };

		rc = store_calendar_day_upsert(db, &row, err);
	}
	snprintf(why, sizeof why, "%s %s by %s", day,
		 clear ? "cleared" : strcmp(kind, "off") == 0
					     ? "set to a day off"
					     : "set to a workday",
		 actor);
	return change_end(db, follow, now, rc, &before, by, "calendar.day",
			  day,
			  why, out, err);
}

int workcal_mark_official(struct db *db,
			  const struct workcal_follower *follow, int year,
			  const struct actor *by,
			  int64_t now, struct workcal_outcome *out,
			  struct ug_error *err)
{
	const char *actor = by->user->username;
	struct calendar_config before;
	struct year_set *ys = NULL;
	char subject[16], why[200];
	int rc;

	if (year < HOLIDAYS_FIRST_YEAR || year > HOLIDAYS_LAST_YEAR)
		return ug_fail(err, UG_EINVAL, "year",
			       "year must be from %d to %d, got %d",
			       HOLIDAYS_FIRST_YEAR, HOLIDAYS_LAST_YEAR, year);
	if ((rc = change_begin(db, now, &before, out, err)))
		return rc;
	if ((rc = years_read(db, &ys, err)) == 0 && year_is_official(ys, year)) {
		/* Nothing to do; the revision stays. */
		free(ys);
		db_rollback(db);
		calendar_config_free(&before);
		return 0;
	}
	free(ys);
	snprintf(subject, sizeof subject, "%d", year);
	snprintf(why, sizeof why, "%d marked official by %s", year, actor);
	if (rc == 0)
		rc = mark_official(db, year, "marked", actor, now, out, err);
	return change_end(db, follow, now, rc, &before, by,
			  "calendar.official",
			  subject, why, out, err);
}

/* ---- the reminder ---------------------------------------------------- */

int workcal_notice(const struct calendar *cal, int32_t utc_offset,
		   int64_t now, struct workcal_notice *out)
{
	int64_t y;
	unsigned m, d;

	iso8601_civil_from_days((now + utc_offset) / 86400, &y, &m, &d);
	if (m < 11 || calendar_year_provisional(cal, (int)y + 1) != 1)
		return 0;
	out->year = (int)y + 1;
	snprintf(out->message, sizeof out->message,
		 "the holidays of %d are provisional (the statutory days by "
		 "rule; make-up workdays unknown): import the State Council's "
		 "notice (urbangrid import calendar FILE) or enter its days "
		 "(urbangrid calendar set-day DATE off|work), then urbangrid "
		 "calendar mark-official %d", out->year, out->year);
	return 1;
}
