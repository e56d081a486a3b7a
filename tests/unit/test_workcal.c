/*
 * test_workcal.c - the working calendar in the database
 * (domain/calendar/workcal.h): settings with their defaults, every change that is
 * accepted (and stored in canonical form) and every one that is refused
 * (naming the key, saying what is wrong, writing nothing), all or nothing
 * across several changes, the revision that every write bumps (settings
 * and the iCalendar import), the day overrides by date range, the table
 * built from the settings, a stored value gone bad, and injected step
 * failures that leave the settings exactly as they were.
 */
#include "testutil.h"

#include "domain/calendar/workcal.h"

#define ICS "tests/fixtures/calendar/cn-2026.ics"
#define CN CALENDAR_UTC_OFFSET_CHINA

/* 2026-06-15 12:00 +08:00 */
#define NOW calendar_utc_from_local(CN, 2026, 6, 15, 12, 0, 0)

static struct db *db_of(void **state)
{
	return ((struct tu_env *)*state)->db;
}

static void read_ok(struct db *db, struct workcal_settings *s)
{
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(workcal_settings_read(db, s, &err), err);
}

/* The text of one setting as stored now. */
static const char *text_of(struct db *db, enum workcal_key k)
{
	static char out[WORKCAL_TEXT_MAX];
	struct workcal_settings s;

	read_ok(db, &s);
	return workcal_setting_text(&s, k, out);
}

static int set1(struct db *db, const char *key, const char *value,
		struct ug_error *err)
{
	struct workcal_change ch = { key, value };

	ug_error_clear(err);
	return workcal_settings_set(db, tu_actor("admin"), &ch, 1, NOW, NULL, err);
}

static int64_t settings_rows(struct db *db)
{
	return tu_query_int(db, "SELECT COUNT(*) FROM calendar_setting");
}

static int64_t revision(struct db *db)
{
	struct workcal_settings s;

	read_ok(db, &s);
	return s.revision;
}

static void test_defaults(void **state)
{
	struct db *db = db_of(state);
	struct workcal_settings s;
	char text[WORKCAL_TEXT_MAX];
	static const char *const want[WORKCAL_KEY_COUNT] = {
		"+08:00",
		"08:30-12:00,13:30-17:30", "08:30-12:00,13:30-17:30",
		"08:30-12:00,13:30-17:30", "08:30-12:00,13:30-17:30",
		"08:30-12:00,13:30-17:30", "off", "off",
		"08:30-12:00,13:30-17:30",
	};

	read_ok(db, &s);
	assert_int_equal(s.revision, 0);
	assert_int_equal(s.utc_offset, CN);
	for (int k = 0; k < WORKCAL_KEY_COUNT; k++) {
		assert_false(s.stored[k]);
		assert_string_equal(workcal_setting_text(&s, k, text), want[k]);
	}
	assert_string_equal(workcal_key_names[WORKCAL_WEEK_MON], "week.mon");
	assert_string_equal(workcal_key_names[WORKCAL_WEEK_SUN], "week.sun");
	assert_string_equal(workcal_key_names[WORKCAL_WORKDAY], "workday");
}

static void test_set(void **state)
{
	struct db *db = db_of(state);
	struct workcal_settings s;
	struct ug_error err;
	const struct workcal_change two[] = {
		{ "week.mon", "08:00-12:00, 14:00-18:00" },
		{ "utc_offset", "-05:30" },
	};

	tu_assert_ok(set1(db, "week.sat", "9:00-12:00", &err), err);
	assert_int_equal(revision(db), 1);
	/* Stored in canonical form. */
	assert_int_equal(tu_query_int_s(db, "SELECT COUNT(*) FROM"
					    " calendar_setting WHERE key = ?"
					    " AND value = '09:00-12:00'",
					"week.sat"),
			 1);
	assert_string_equal(text_of(db, WORKCAL_WEEK_SAT), "09:00-12:00");
	tu_assert_ok(set1(db, "week.sun", "off", &err), err);
	assert_string_equal(text_of(db, WORKCAL_WEEK_SUN), "off");
	assert_int_equal(revision(db), 2);
	/* Several at once, the result handed back. */
	ug_error_clear(&err);
	tu_assert_ok(workcal_settings_set(db, tu_actor("admin"), two, 2, NOW, &s, &err), err);
	assert_int_equal(s.revision, 3);
	assert_int_equal(s.utc_offset, -(5 * 3600 + 1800));
	assert_true(s.stored[WORKCAL_WEEK_MON] && s.stored[WORKCAL_UTC_OFFSET]);
	assert_false(s.stored[WORKCAL_WEEK_TUE]);
	assert_string_equal(text_of(db, WORKCAL_WEEK_MON),
			    "08:00-12:00,14:00-18:00");
	assert_string_equal(text_of(db, WORKCAL_UTC_OFFSET), "-05:30");
	/* The offset is stored as seconds (what the table reads). */
	assert_int_equal(tu_query_int_s(db, "SELECT CAST(value AS INTEGER)"
					    " FROM calendar_setting"
					    " WHERE key = ?",
					"utc_offset"),
			 -19800);
	tu_assert_ok(set1(db, "utc_offset", "+18:00", &err), err);
	tu_assert_ok(set1(db, "utc_offset", "+00:00", &err), err);
	assert_string_equal(text_of(db, WORKCAL_UTC_OFFSET), "+00:00");
	tu_assert_ok(set1(db, "workday", "09:00-17:00", &err), err);
	tu_assert_ok(set1(db, "week.fri", "00:00-24:00", &err), err);
	assert_string_equal(text_of(db, WORKCAL_WEEK_FRI), "00:00-24:00");
	assert_int_equal(revision(db), 7);
}

/* Each refusal names the key and says what is wrong; nothing changes. */
static void test_refusals(void **state)
{
	static const struct {
		const char *key, *value, *field, *says;
	} bad[] = {
		{ "week.xyz", "09:00-12:00", "week.xyz",
		  "unknown calendar setting \"week.xyz\"" },
		{ "", "09:00-12:00", "key", "unknown calendar setting" },
		{ "utc_offset", "8", "utc_offset", "+HH:MM or -HH:MM" },
		{ "utc_offset", "+8:00", "utc_offset", "got \"+8:00\"" },
		{ "utc_offset", "+18:01", "utc_offset", "from -18:00 to" },
		{ "utc_offset", "+08:60", "utc_offset", "+HH:MM" },
		{ "utc_offset", "UTC+8", "utc_offset", "+HH:MM" },
		{ "utc_offset", "28800", "utc_offset", "+HH:MM" },
		{ "week.mon", "13:30-17:30,08:30-12:00", "week.mon",
		  "week.mon: period 2 (08:30-12:00) comes before period 1" },
		{ "week.mon", "08:30-12:00,11:00-13:00", "week.mon",
		  "week.mon: period 2 (11:00-13:00) overlaps period 1" },
		{ "week.tue", "08:00-25:00", "week.tue",
		  "week.tue: period 1 (\"08:00-25:00\") has a time outside "
		  "the day" },
		{ "week.wed", "17:00-09:00", "week.wed", "must end after it "
							 "starts" },
		{ "week.thu", "9-12", "week.thu", "week.thu: expected "
						  "HH:MM-HH:MM" },
		{ "week.sat", "", "week.sat", "or off for a day without work" },
		{ "week.sat", "  ", "week.sat", "or off" },
		{ "week.sun", "Off", "week.sun", "expected HH:MM-HH:MM" },
		{ "workday", "off", "workday", "make-up workday" },
		{ "week.mon", NULL, "week.mon", "needs a value" },
	};
	struct db *db = db_of(state);
	struct ug_error err;
	char long_value[260];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tu_assert_err(set1(db, bad[i].key, bad[i].value, &err), err,
			      UG_EINVAL, bad[i].field);
		tu_assert_contains(err.message, bad[i].says);
	}
	memset(long_value, '1', sizeof long_value - 1);
	long_value[sizeof long_value - 1] = '\0';
	tu_assert_err(set1(db, "week.mon", long_value, &err), err, UG_EINVAL,
		      "week.mon");
	tu_assert_contains(err.message, "at most 200 characters");
	ug_error_clear(&err);
	tu_assert_err(workcal_settings_set(db, tu_actor("admin"), NULL, 0, NOW, NULL, &err), err,
		      UG_EINVAL, "");
	tu_assert_contains(err.message, "no calendar setting to change");
	assert_int_equal(settings_rows(db), 0);
	assert_int_equal(revision(db), 0);
}

/* Several changes: one bad one and none is written. */
static void test_all_or_nothing(void **state)
{
	struct db *db = db_of(state);
	struct ug_error err;
	const struct workcal_change mixed[] = {
		{ "week.sat", "09:00-12:00" },
		{ "utc_offset", "+09:00" },
		{ "week.sun", "10:00-09:00" },
	};
	const struct workcal_change twice[] = {
		{ "week.sat", "09:00-12:00" },
		{ "week.sat", "10:00-12:00" },
	};
	const struct workcal_change no_week[] = {
		{ "week.mon", "off" }, { "week.tue", "off" },
		{ "week.wed", "off" }, { "week.thu", "off" },
		{ "week.fri", "off" },
	};

	ug_error_clear(&err);
	tu_assert_err(workcal_settings_set(db, tu_actor("admin"), mixed, 3, NOW, NULL, &err), err,
		      UG_EINVAL, "week.sun");
	tu_assert_err(workcal_settings_set(db, tu_actor("admin"), twice, 2, NOW, NULL, &err), err,
		      UG_EINVAL, "week.sat");
	tu_assert_contains(err.message, "given twice");
	/* Switching off the whole week is refused, naming the key that
	 * switched off the last working day. */
	tu_assert_err(workcal_settings_set(db, tu_actor("admin"), no_week, 5, NOW, NULL, &err), err,
		      UG_EINVAL, "week.fri");
	tu_assert_contains(err.message, "no day of the week has working hours");
	assert_int_equal(settings_rows(db), 0);
	assert_int_equal(revision(db), 0);
	/* Four days off leave one: fine; the fifth then is refused. */
	ug_error_clear(&err);
	tu_assert_ok(workcal_settings_set(db, tu_actor("admin"), no_week, 4, NOW, NULL, &err), err);
	tu_assert_err(set1(db, "week.fri", "off", &err), err, UG_EINVAL,
		      "week.fri");
	/* Moving the work to Saturday and then closing Friday is fine. */
	tu_assert_ok(set1(db, "week.sat", "09:00-12:00", &err), err);
	tu_assert_ok(set1(db, "week.fri", "off", &err), err);
	assert_int_equal(revision(db), 3);
}

/* The iCalendar import bumps the revision too; days by range. */
struct day_list {
	int n;
	char first[16], last[16];
	int off, work;
};

static int take_day(void *ctx, const struct workcal_day *d)
{
	struct day_list *l = ctx;

	if (l->n++ == 0)
		snprintf(l->first, sizeof l->first, "%s", d->date);
	snprintf(l->last, sizeof l->last, "%s", d->date);
	if (strcmp(d->kind, "off") == 0)
		l->off++;
	else
		l->work++;
	return 0;
}

static void test_import_and_days(void **state)
{
	struct db *db = db_of(state);
	struct workcal_import_stats st;
	struct workcal_range r;
	struct day_list l;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(workcal_import_ics(db, NULL, ICS, tu_actor("test"), NOW, &st, &err), err);
	assert_int_equal(st.days_off, 33);
	assert_int_equal(st.workdays, 6);
	assert_int_equal(revision(db), 1);

	/* Default: the local year of now. */
	memset(&l, 0, sizeof l);
	tu_assert_ok(workcal_range_parse(NULL, NULL, NOW, CN, &r, &err), err);
	tu_assert_ok(workcal_days(db, &r, take_day, &l, &err), err);
	assert_string_equal(r.from, "2026-01-01");
	assert_string_equal(r.to, "2026-12-31");
	assert_int_equal(l.off, 33);
	assert_int_equal(l.work, 6);
	assert_string_equal(l.first, "2026-01-01");
	/* National Day week, both ends included. */
	memset(&l, 0, sizeof l);
	tu_assert_ok(workcal_range_parse("2026-10-01", "2026-10-07", NOW, CN,
					 &r, &err), err);
	tu_assert_ok(workcal_days(db, &r, take_day, &l, &err), err);
	assert_int_equal(l.off, 7);
	assert_string_equal(l.first, "2026-10-01");
	assert_string_equal(l.last, "2026-10-07");
	/* Only one end given: the other is the year's. */
	memset(&l, 0, sizeof l);
	tu_assert_ok(workcal_range_parse("2026-12-01", "", NOW, CN, &r, &err),
		     err);
	tu_assert_ok(workcal_days(db, &r, take_day, &l, &err), err);
	assert_string_equal(r.to, "2026-12-31");
	assert_int_equal(l.n, 0);
	/* New Year's Eve in UTC is already the new year in Beijing. */
	tu_assert_ok(workcal_range_parse(NULL, NULL,
					 calendar_utc_from_local(0, 2025, 12,
								 31, 20, 0, 0),
					 CN, &r, &err),
		     err);
	assert_string_equal(r.from, "2026-01-01");

	tu_assert_err(workcal_range_parse("2026-13-01", NULL, NOW, CN, &r,
					  &err),
		      err, UG_EINVAL, "from");
	tu_assert_contains(err.message, "YYYY-MM-DD");
	tu_assert_err(workcal_range_parse(NULL, "2026-02-30", NOW, CN, &r,
					  &err),
		      err, UG_EINVAL, "to");
	tu_assert_err(workcal_range_parse("2026-1-01", NULL, NOW, CN, &r,
					  &err),
		      err, UG_EINVAL, "from");
	tu_assert_err(workcal_range_parse("2026-10-01x", NULL, NOW, CN, &r,
					  &err),
		      err, UG_EINVAL, "from");
	tu_assert_err(workcal_range_parse("2026-10-07", "2026-10-01", NOW, CN,
					  &r, &err),
		      err, UG_EINVAL, "to");
	tu_assert_contains(err.message, "before from");

	/* A failed import writes nothing, the revision included. */
	tu_assert_err(workcal_import_ics(db, NULL, "tests/fixtures/nonexistent.ics",
					 tu_actor("test"), NOW, &st, &err),
		      err, UG_EIO, "file");
	assert_int_equal(revision(db), 1);
}

/* The table follows the settings. */
static void test_load(void **state)
{
	struct db *db = db_of(state);
	struct calendar *cal = NULL;
	struct ug_error err;
	int64_t due, rev = -1;
	int32_t offset = 0;
	/* Saturday 2026-03-14 09:00 +08:00 */
	int64_t sat = calendar_utc_from_local(CN, 2026, 3, 14, 9, 0, 0);

	ug_error_clear(&err);
	tu_assert_ok(workcal_load(db, NOW, &cal, &offset, &rev, &err), err);
	assert_int_equal(offset, CN);
	assert_int_equal(rev, 0);
	tu_assert_ok(calendar_add_working(cal, sat, 3600, &due, &err), err);
	assert_int_equal(due, calendar_utc_from_local(CN, 2026, 3, 16, 9, 30,
						      0));
	calendar_free(cal);

	tu_assert_ok(set1(db, "week.sat", "09:00-12:00", &err), err);
	tu_assert_ok(set1(db, "utc_offset", "+09:00", &err), err);
	tu_assert_ok(workcal_load(db, NOW, &cal, &offset, &rev, &err), err);
	assert_int_equal(offset, 9 * 3600);
	assert_int_equal(rev, 2);
	/* Saturday 09:00 at +09:00 plus one working hour. */
	sat = calendar_utc_from_local(9 * 3600, 2026, 3, 14, 9, 0, 0);
	tu_assert_ok(calendar_add_working(cal, sat, 3600, &due, &err), err);
	assert_int_equal(due, sat + 3600);
	calendar_free(cal);
}

/* A value written around this module (by SQL) is reported by key. */
static void test_stored_value_gone_bad(void **state)
{
	struct db *db = db_of(state);
	struct workcal_settings s;
	struct calendar *cal = (struct calendar *)&s;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(store_calendar_setting_set(db, "week.tue", "nonsense",
						&err),
		     err);
	tu_assert_err(workcal_settings_read(db, &s, &err), err, UG_EINVAL,
		      "week.tue");
	tu_assert_err(workcal_load(db, NOW, &cal, NULL, NULL, &err), err,
		      UG_EINVAL, "week.tue");
	assert_null(cal);
	/* Setting it again repairs it. */
	tu_assert_ok(set1(db, "week.tue", "08:30-17:30", &err), err);
	assert_string_equal(text_of(db, WORKCAL_WEEK_TUE), "08:30-17:30");
	tu_assert_ok(store_calendar_setting_set(db, "utc_offset", "+08:00",
						&err),
		     err);
	tu_assert_err(workcal_settings_read(db, &s, &err), err, UG_EINVAL,
		      "utc_offset");
}

/* A failed step anywhere leaves the settings as they were. */
static void test_fault_injection(void **state)
{
	struct db *db = db_of(state);
	struct ug_error err;
	const struct workcal_change two[] = {
		{ "week.sat", "09:00-12:00" },
		{ "week.sun", "10:00-11:00" },
	};
	int failures = 0, rc = -1;

	for (int n = 1; n < 100; n++) {
		ug_error_clear(&err);
		fault_arm(FAULT_DB_STEP, n);
		rc = workcal_settings_set(db, tu_actor("admin"), two, 2, NOW, NULL, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -UG_EDB);
		failures++;
		assert_int_equal(settings_rows(db), 0);
		assert_int_equal(revision(db), 0);
	}
	assert_int_equal(rc, 0);
	/* seven settings and the revision read (the two being set are not),
	 * two written, the revision taken, the audit event written */
	assert_int_equal(failures, 7 + 1 + 2 + 1 + 1);
	assert_string_equal(text_of(db, WORKCAL_WEEK_SUN), "10:00-11:00");
	assert_int_equal(revision(db), 1);
}

/* ---- holidays: official, provisional, by hand ------------------------ */

struct listing {
	int n, provisional, off, work;
	char text[4096]; /* "date kind source note[*]\n", * = provisional */
};

static int list_day(void *ctx, const struct workcal_day *d)
{
	struct listing *l = ctx;
	size_t used = strlen(l->text);

	l->n++;
	l->provisional += d->provisional;
	l->off += strcmp(d->kind, "off") == 0;
	l->work += strcmp(d->kind, "work") == 0;
	snprintf(l->text + used, sizeof l->text - used, "%s %s %s %s%s\n",
		 d->date, d->kind, d->source, d->note,
		 d->provisional ? "*" : "");
	return 0;
}

static void listing(struct db *db, const char *from, const char *to,
		    struct listing *l)
{
	struct workcal_range r;
	struct ug_error err;

	memset(l, 0, sizeof *l);
	ug_error_clear(&err);
	tu_assert_ok(workcal_range_parse(from, to, NOW, CN, &r, &err), err);
	tu_assert_ok(workcal_days(db, &r, list_day, l, &err), err);
}

struct year_list {
	char text[512];
};

static int list_year(void *ctx, int year, enum workcal_year_status st,
		     const struct calendar_year_row *row)
{
	struct year_list *l = ctx;
	size_t used = strlen(l->text);

	snprintf(l->text + used, sizeof l->text - used, "%d %s%s%s\n", year,
		 workcal_year_status_names[st], row ? " " : "",
		 row ? row->source : "");
	return 0;
}

static const char *years_text(struct db *db, const char *from, const char *to)
{
	static struct year_list l;
	struct workcal_range r;
	struct ug_error err;

	memset(&l, 0, sizeof l);
	ug_error_clear(&err);
	tu_assert_ok(workcal_range_parse(from, to, NOW, CN, &r, &err), err);
	tu_assert_ok(workcal_years(db, &r, list_year, &l, &err), err);
	return l.text;
}

/* Write an iCalendar file of day events ("20270205 20270213 春节(休)"
 * lines: first day, the day after the last, summary) into the test's
 * directory; returns its path. */
static const char *write_ics(void **state, const char *name,
			     const char *const *events, int n)
{
	static char path[512];
	FILE *fp;

	tu_path(path, sizeof path, ((struct tu_env *)*state)->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ug test//EN"
		    "\r\n");
	for (int i = 0; i < n; i++) {
		char first[9], end[9], summary[64];

		assert_int_equal(sscanf(events[i], "%8s %8s %63s", first, end,
					summary),
				 3);
		fprintf(fp, "BEGIN:VEVENT\r\nUID:%d@ug.test\r\n"
			    "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n"
			    "SUMMARY:%s\r\nEND:VEVENT\r\n",
			i, first, end, summary);
	}
	fprintf(fp, "END:VCALENDAR\r\n");
	fclose(fp);
	return path;
}

/* Without any import every year of the rules is provisional, and its
 * statutory days count. */
static void test_provisional_by_rule(void **state)
{
	struct db *db = db_of(state);
	struct calendar *cal = NULL;
	struct listing l;
	struct ug_error err;
	int64_t due;

	ug_error_clear(&err);
	assert_string_equal(years_text(db, "2026-01-01", "2027-12-31"),
			    "2026 provisional\n2027 provisional\n");
	assert_string_equal(years_text(db, "2099-01-01", "2100-12-31"),
			    "2099 provisional\n2100 uncovered\n");
	listing(db, "2027-01-01", "2027-12-31", &l);
	assert_int_equal(l.n, 19);
	assert_int_equal(l.provisional, 19);
	assert_int_equal(l.off, 19);
	assert_non_null(strstr(l.text, "2027-01-01 off rule 元旦*\n"));
	assert_non_null(strstr(l.text, "2027-02-08 off rule 春节*\n"));
	assert_non_null(strstr(l.text, "2027-10-05 off rule 国庆节(补假)*\n"));

	tu_assert_ok(workcal_load(db, NOW, &cal, NULL, NULL, &err), err);
	tu_assert_ok(calendar_add_working(cal,
					  calendar_utc_from_local(CN, 2026, 12,
								  31, 16, 0, 0),
					  8 * 3600, &due, &err),
		     err);
	assert_int_equal(due, calendar_utc_from_local(CN, 2027, 1, 4, 16, 30,
						      0));
	assert_int_equal(calendar_year_provisional(cal, 2027), 1);
	/* 1901-2099 at least: 2098 answers, 1900 does not. */
	tu_assert_ok(calendar_add_working(cal,
					  calendar_utc_from_local(CN, 2098, 9,
								  30, 16, 0, 0),
					  2 * 3600, &due, &err),
		     err);
	tu_assert_err(calendar_add_working(cal,
					   calendar_utc_from_local(CN, 1900, 6,
								   1, 9, 0, 0),
					   3600, &due, &err),
		      err, UG_EINVAL, "calendar");
	calendar_free(cal);
}

/* A file covers a year with its 元旦, 春节 and 国庆节: that year turns
 * official and its rule days go; a year it only touches stays. */
static void test_import_covers_years(void **state)
{
	struct db *db = db_of(state);
	struct workcal_import_stats st;
	struct calendar *cal = NULL;
	struct listing l;
	struct ug_error err;
	static const char *const partial[] = {
		"20261231 20270103 元旦(休)",     /* across New Year */
		"20270205 20270213 春节(休)",     /* 8 days */
		"20270220 20270221 春节(班)",
	};
	const char *path;

	ug_error_clear(&err);
	tu_assert_ok(workcal_import_ics(db, NULL, ICS, tu_actor("test"), NOW, &st, &err), err);
	assert_int_equal(st.outcome.nofficial, 1);
	assert_int_equal(st.outcome.official[0], 2026);
	assert_int_equal(st.outcome.npartial, 0);
	assert_string_equal(years_text(db, "2025-01-01", "2027-12-31"),
			    "2025 provisional\n2026 official import "
			    "cn-2026.ics\n2027 provisional\n");
	listing(db, "2026-01-01", "2026-12-31", &l);
	assert_int_equal(l.provisional, 0);
	assert_int_equal(l.off, 33);
	assert_int_equal(l.work, 6);

	path = write_ics(state, "partial-2027.ics", partial, 3);
	tu_assert_ok(workcal_import_ics(db, NULL, path, tu_actor("test"), NOW, &st, &err), err);
	assert_int_equal(st.outcome.nofficial, 0);
	/* 2026 is official already (only its 12-31 is touched); 2027 lacks
	 * 国庆节. */
	assert_int_equal(st.outcome.npartial, 1);
	assert_int_equal(st.outcome.partial[0], 2027);
	assert_string_equal(years_text(db, "2027-01-01", "2027-12-31"),
			    "2027 provisional\n");
	listing(db, "2027-01-01", "2027-02-28", &l);
	assert_string_equal(l.text,
			    "2027-01-01 off import 元旦(休)\n"
			    "2027-01-02 off import 元旦(休)\n"
			    "2027-02-05 off import 春节(休)\n"
			    "2027-02-06 off import 春节(休)\n"
			    "2027-02-07 off import 春节(休)\n"
			    "2027-02-08 off import 春节(休)\n"
			    "2027-02-09 off import 春节(休)\n"
			    "2027-02-10 off import 春节(休)\n"
			    "2027-02-11 off import 春节(休)\n"
			    "2027-02-12 off import 春节(休)\n"
			    "2027-02-20 work import 春节(班)\n");
	/* The rest of 2027 is still by rule. */
	listing(db, "2027-03-01", "2027-12-31", &l);
	assert_int_equal(l.n, 12);
	assert_int_equal(l.provisional, 12);
	/* Dates changed: 12-31 (a workday before), 2-11, 2-12, 2-20; the
	 * days the rule had off already are no change. */
	assert_int_equal(st.outcome.days_changed, 4);
	assert_string_equal(st.outcome.first_changed, "2026-12-31");
	assert_string_equal(st.outcome.last_changed, "2027-02-20");
	tu_assert_ok(workcal_load(db, NOW, &cal, NULL, NULL, &err), err);
	assert_int_equal(calendar_year_provisional(cal, 2027), 1);
	assert_int_equal(calendar_year_provisional(cal, 2026), 0);
	calendar_free(cal);
}

/* Days by hand, and a year marked official; every refusal writes
 * nothing. */
static void test_set_day_and_mark_official(void **state)
{
	struct db *db = db_of(state);
	struct workcal_outcome o;
	struct listing l;
	struct ug_error err;
	char long_note[300];

	ug_error_clear(&err);
	tu_assert_ok(workcal_set_day(db, NULL, "2027-02-20", "work", "春节调休",
				     tu_actor("admin"), NOW, &o, &err),
		     err);
	assert_int_equal(o.days_changed, 1);
	assert_int_equal(revision(db), 1);
	tu_assert_ok(workcal_set_day(db, NULL, "2027-02-11", "off", NULL, tu_actor("admin"),
				     NOW, &o, &err),
		     err);
	listing(db, "2027-02-01", "2027-02-28", &l);
	assert_string_equal(l.text,
			    "2027-02-05 off rule 春节*\n"
			    "2027-02-06 off rule 春节*\n"
			    "2027-02-07 off rule 春节*\n"
			    "2027-02-08 off rule 春节*\n"
			    "2027-02-09 off rule 春节(补假)*\n"
			    "2027-02-10 off rule 春节(补假)*\n"
			    "2027-02-11 off manual \n"
			    "2027-02-20 work manual 春节调休\n");
	/* A stored day wins over the rule's: 2-09 as a workday. */
	tu_assert_ok(workcal_set_day(db, NULL, "2027-02-09", "work", "", tu_actor("admin"), NOW,
				     &o, &err),
		     err);
	listing(db, "2027-02-09", "2027-02-09", &l);
	assert_string_equal(l.text, "2027-02-09 work manual \n");
	/* Cleared, the rule's day comes back. */
	tu_assert_ok(workcal_set_day(db, NULL, "2027-02-09", "clear", NULL, tu_actor("admin"),
				     NOW, &o, &err),
		     err);
	listing(db, "2027-02-09", "2027-02-09", &l);
	assert_string_equal(l.text, "2027-02-09 off rule 春节(补假)*\n");
	assert_int_equal(revision(db), 4);

	/* Refusals name the field and write nothing. */
	memset(long_note, 'x', sizeof long_note - 1);
	long_note[sizeof long_note - 1] = '\0';
	tu_assert_err(workcal_set_day(db, NULL, "2027-02-30", "off", NULL, tu_actor("admin"),
				      NOW, &o, &err),
		      err, UG_EINVAL, "date");
	tu_assert_err(workcal_set_day(db, NULL, NULL, "off", NULL, tu_actor("admin"), NOW, &o,
				      &err),
		      err, UG_EINVAL, "date");
	tu_assert_err(workcal_set_day(db, NULL, "2027-03-01", "holiday", NULL,
				      tu_actor("admin"), NOW, &o, &err),
		      err, UG_EINVAL, "kind");
	tu_assert_contains(err.message, "off");
	tu_assert_err(workcal_set_day(db, NULL, "2027-03-01", "off", long_note,
				      tu_actor("admin"), NOW, &o, &err),
		      err, UG_EINVAL, "note");
	tu_assert_err(workcal_set_day(db, NULL, "2027-03-01", "off", "\xff\xfe",
				      tu_actor("admin"), NOW, &o, &err),
		      err, UG_EINVAL, "note");
	tu_assert_err(workcal_set_day(db, NULL, "2027-03-01", "clear", NULL, tu_actor("admin"),
				      NOW, &o, &err),
		      err, UG_ENOTFOUND, "date");
	/* A date that would stretch the calendar past 400 years. */
	tu_assert_err(workcal_set_day(db, NULL, "2400-01-01", "off", NULL, tu_actor("admin"),
				      NOW, &o, &err),
		      err, UG_EINVAL, "calendar");
	assert_int_equal(revision(db), 4);
	tu_assert_rows(db, "calendar_day", 2);

	/* Marked official: the rule's days go, the stored ones stay. */
	tu_assert_ok(workcal_mark_official(db, NULL, 2027, tu_actor("admin"), NOW, &o, &err),
		     err);
	assert_int_equal(o.nofficial, 1);
	/* The rule's 19 days go; 6 of them are weekends, no change. */
	assert_int_equal(o.days_changed, 13);
	assert_string_equal(years_text(db, "2027-01-01", "2027-12-31"),
			    "2027 official marked\n");
	listing(db, "2027-01-01", "2027-12-31", &l);
	assert_string_equal(l.text, "2027-02-11 off manual \n"
				    "2027-02-20 work manual 春节调休\n");
	assert_int_equal(revision(db), 5);
	/* Again: nothing changes. */
	tu_assert_ok(workcal_mark_official(db, NULL, 2027, tu_actor("admin"), NOW, &o, &err),
		     err);
	assert_int_equal(o.nofficial, 0);
	assert_int_equal(revision(db), 5);
	tu_assert_err(workcal_mark_official(db, NULL, 1900, tu_actor("admin"), NOW, &o, &err),
		      err, UG_EINVAL, "year");
	tu_assert_err(workcal_mark_official(db, NULL, 2100, tu_actor("admin"), NOW, &o, &err),
		      err, UG_EINVAL, "year");
	assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM audit_event "
					  "WHERE action LIKE 'calendar.%'"),
			 5);
}

/* The reminder from 1 November while next year is provisional. */
static void test_notice(void **state)
{
	struct db *db = db_of(state);
	struct calendar *cal = NULL;
	struct workcal_notice n;
	struct workcal_outcome o;
	struct ug_error err;
	int64_t nov1 = calendar_utc_from_local(CN, 2026, 11, 1, 0, 0, 0);

	ug_error_clear(&err);
	tu_assert_ok(workcal_load(db, NOW, &cal, NULL, NULL, &err), err);
	assert_int_equal(workcal_notice(cal, CN, nov1 - 1, &n), 0);
	assert_int_equal(workcal_notice(cal, CN, nov1, &n), 1);
	assert_int_equal(n.year, 2027);
	tu_assert_contains(n.message, "2027");
	tu_assert_contains(n.message, "mark-official 2027");
	assert_int_equal(workcal_notice(cal, CN,
					calendar_utc_from_local(CN, 2026, 12,
								31, 23, 59, 0),
					&n),
			 1);
	/* In the new year, the year after it is the one. */
	assert_int_equal(workcal_notice(cal, CN,
					calendar_utc_from_local(CN, 2027, 1, 1,
								0, 0, 0),
					&n),
			 0);
	calendar_free(cal);
	tu_assert_ok(workcal_mark_official(db, NULL, 2027, tu_actor("admin"), NOW, &o, &err),
		     err);
	tu_assert_ok(workcal_load(db, NOW, &cal, NULL, NULL, &err), err);
	assert_int_equal(workcal_notice(cal, CN, nov1, &n), 0);
	calendar_free(cal);
}

/* A failed step anywhere in a change of the days leaves nothing: no
 * day, no official year, the same revision. */
static void test_day_change_faults(void **state)
{
	struct db *db = db_of(state);
	struct workcal_outcome o;
	struct ug_error err;
	int failures = 0, rc = -1;

	for (int n = 1; n < 200; n++) {
		ug_error_clear(&err);
		fault_arm(FAULT_DB_STEP, n);
		rc = workcal_set_day(db, NULL, "2027-02-11", "off", "春节", tu_actor("admin"),
				     NOW, &o, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -UG_EDB);
		failures++;
		assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM "
						  "calendar_day"),
				 0);
		assert_int_equal(revision(db), 0);
	}
	assert_int_equal(rc, 0);
	assert_true(failures > 5);
	for (int n = 1; n < 200; n++) {
		ug_error_clear(&err);
		fault_arm(FAULT_DB_STEP, n);
		rc = workcal_mark_official(db, NULL, 2027, tu_actor("admin"), NOW, &o, &err);
		fault_arm(FAULT_DB_STEP, 0);
		if (rc == 0)
			break;
		assert_int_equal(rc, -UG_EDB);
		assert_int_equal(tu_query_int(db, "SELECT COUNT(*) FROM "
						  "calendar_year"),
				 0);
		assert_int_equal(revision(db), 1);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(revision(db), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_setup_db, tu_teardown_db)
		T(test_defaults),
		T(test_set),
		T(test_refusals),
		T(test_all_or_nothing),
		T(test_import_and_days),
		T(test_load),
		T(test_stored_value_gone_bad),
		T(test_fault_injection),
		T(test_provisional_by_rule),
		T(test_import_covers_years),
		T(test_set_day_and_mark_official),
		T(test_notice),
		T(test_day_change_faults),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
