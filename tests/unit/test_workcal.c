/*
 * test_workcal.c - the working calendar in the database
 * (domain/workcal.h): settings with their defaults, every change that is
 * accepted (and stored in canonical form) and every one that is refused
 * (naming the key, saying what is wrong, writing nothing), all or nothing
 * across several changes, the revision that every write bumps (settings
 * and the iCalendar import), the day overrides by date range, the table
 * built from the settings, a stored value gone bad, and injected step
 * failures that leave the settings exactly as they were.
 */
#include "testutil.h"

#include "domain/workcal.h"

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
	return workcal_settings_set(db, &ch, 1, NULL, err);
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
	tu_assert_ok(workcal_settings_set(db, two, 2, &s, &err), err);
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
	tu_assert_err(workcal_settings_set(db, NULL, 0, NULL, &err), err,
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
	tu_assert_err(workcal_settings_set(db, mixed, 3, NULL, &err), err,
		      UG_EINVAL, "week.sun");
	tu_assert_err(workcal_settings_set(db, twice, 2, NULL, &err), err,
		      UG_EINVAL, "week.sat");
	tu_assert_contains(err.message, "given twice");
	/* Switching off the whole week is refused, naming the key that
	 * switched off the last working day. */
	tu_assert_err(workcal_settings_set(db, no_week, 5, NULL, &err), err,
		      UG_EINVAL, "week.fri");
	tu_assert_contains(err.message, "no day of the week has working hours");
	assert_int_equal(settings_rows(db), 0);
	assert_int_equal(revision(db), 0);
	/* Four days off leave one: fine; the fifth then is refused. */
	ug_error_clear(&err);
	tu_assert_ok(workcal_settings_set(db, no_week, 4, NULL, &err), err);
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

static int take_day(void *ctx, const char *day, const char *kind,
		    const char *note)
{
	struct day_list *l = ctx;

	(void)note;
	if (l->n++ == 0)
		snprintf(l->first, sizeof l->first, "%s", day);
	snprintf(l->last, sizeof l->last, "%s", day);
	if (strcmp(kind, "off") == 0)
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
	tu_assert_ok(workcal_import_ics(db, ICS, &st, &err), err);
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
	tu_assert_err(workcal_import_ics(db, "tests/fixtures/nonexistent.ics",
					 &st, &err),
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
		rc = workcal_settings_set(db, two, 2, NULL, &err);
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
	 * two written, the revision taken */
	assert_int_equal(failures, 7 + 1 + 2 + 1);
	assert_string_equal(text_of(db, WORKCAL_WEEK_SUN), "10:00-11:00");
	assert_int_equal(revision(db), 1);
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
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
