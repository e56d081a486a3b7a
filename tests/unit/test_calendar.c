/*
 * test_calendar.c - the working-time calendar (domain/calendar/calendar.h): the
 * domain README's worked examples, holidays, make-up days, off-hours and
 * boundary starts, zero and year-long durations, add()/elapsed() inverse
 * and a minute-stepping oracle, working days, pauses, range, bad config.
 */
#include "testutil.h"
#include "tu_minutes.h"
#include "tu_rand.h"

#include <time.h>

#include "domain/calendar/calendar.h"

#define FIXTURE "tests/fixtures/calendar/cn-2026.ics"
#define CN CALENDAR_UTC_OFFSET_CHINA
#define HOUR 3600
#define DAY_WORK (7 * HOUR + 1800)  /* 7.5 h */

/* Local Beijing time. */
static int64_t L(int y, int mo, int d, int h, int mi)
{
	return calendar_utc_from_local(CN, y, mo, d, h, mi, 0);
}

static int64_t Ls(int y, int mo, int d, int h, int mi, int s)
{
	return calendar_utc_from_local(CN, y, mo, d, h, mi, s);
}

static int32_t date(int y, int mo, int d)
{
	return ics_civil_to_days(y, mo, d);
}

/* Compare instants, showing both as Beijing time. */
#define assert_time(got, want)                                             \
	do {                                                               \
		int64_t g_ = (got), w_ = (want);                           \
		char gs_[32], ws_[32];                                     \
		if (g_ != w_)                                              \
			fail_msg("got %s, want %s",                        \
				 calendar_format_local(CN, g_, gs_, 32),   \
				 calendar_format_local(CN, w_, ws_, 32));  \
	} while (0)

/* ---- fixtures ---------------------------------------------------------- */

/* The default config for 2025..2027 with the 2026 fixture loaded. */
static void config_cn(struct calendar_config *cfg)
{
	struct ug_error err;
	struct ics_reader r;
	FILE *fp = fopen(FIXTURE, "rb");

	if (!fp)
		fail_msg("cannot open %s (run from the repository root)",
			 FIXTURE);
	ug_error_clear(&err);
	calendar_config_init(cfg, 2025, 2027);
	ics_init(&r, fp, FIXTURE);
	assert_int_equal(calendar_config_add_ics(cfg, &r, &err), 39);
	assert_int_equal(r.ignored, 1);
	ics_free(&r);
	fclose(fp);
}

static struct calendar *build(const struct calendar_config *cfg)
{
	struct calendar *cal;
	struct ug_error err;

	ug_error_clear(&err);
	tu_assert_ok(calendar_build(cfg, &cal, &err), err);
	return cal;
}

/* cmocka group state: the 2025..2027 calendar and its config. */
struct cn {
	struct calendar_config cfg;
	struct calendar *cal;
};

static int setup_cn(void **state)
{
	struct cn *cn = calloc(1, sizeof *cn);

	assert_non_null(cn);
	config_cn(&cn->cfg);
	cn->cal = build(&cn->cfg);
	*state = cn;
	return 0;
}

static int teardown_cn(void **state)
{
	struct cn *cn = *state;

	calendar_free(cn->cal);
	calendar_config_free(&cn->cfg);
	free(cn);
	fault_arm(FAULT_ALLOC, 0);
	return 0;
}

/* One question to the table that must succeed; its answer. */
static int64_t ask(int (*question)(const struct calendar *, int64_t, int64_t,
				   int64_t *, struct ug_error *),
		   const struct calendar *cal, int64_t a, int64_t b)
{
	struct ug_error err;
	int64_t answer = -1;

	ug_error_clear(&err);
	tu_assert_ok(question(cal, a, b, &answer, &err), err);
	return answer;
}

static int64_t add(const struct calendar *cal, int64_t t, int64_t n)
{
	return ask(calendar_add_working, cal, t, n);
}

static int64_t add_days(const struct calendar *cal, int64_t t, int64_t n)
{
	return ask(calendar_add_working_days, cal, t, n);
}

static int64_t elapsed(const struct calendar *cal, int64_t a, int64_t b)
{
	return ask(calendar_elapsed_working, cal, a, b);
}

/* ---- an independent oracle ------------------------------------------- */
/* Minute by minute over the config itself, with the weekday from the C
 * library: shares no code with the table. */

static const struct calendar_day *oracle_day(const struct calendar_config *cfg,
					     int32_t d)
{
	static const struct calendar_day none;
	time_t tt = (time_t)d * 86400;
	struct tm tm;

	for (size_t i = 0; i < cfg->noverrides; i++)
		if (cfg->overrides[i].date == d) {
			const struct calendar_override *o = &cfg->overrides[i];

			if (o->kind == CALENDAR_DAY_OFF)
				return &none;
			return o->own_periods ? &o->periods : &cfg->workday;
		}
	gmtime_r(&tt, &tm);
	return &cfg->week[(tm.tm_wday + 6) % 7];
}

static int64_t oracle_add(const struct calendar_config *cfg, int64_t t,
			  int64_t n)
{
	return tu_minutes_add(cfg, oracle_day, t, n);
}

static int64_t oracle_elapsed(const struct calendar_config *cfg, int64_t a,
			      int64_t b)
{
	return tu_minutes_elapsed(cfg, oracle_day, a, b);
}


/* ---- worked examples ------------------------------------------------- */

/* The domain README's four examples (2 h / 1 h / 4 h working hours). */
static void check_worked_examples(const struct calendar *cal)
{
	/* 1 h 30 min on Sep 30, the holiday Oct 1-7, 30 min on Oct 8. */
	assert_time(add(cal, L(2026, 9, 30, 16, 0), 2 * HOUR),
		    L(2026, 10, 8, 9, 0));
	/* Oct 10 is a make-up Saturday. */
	assert_time(add(cal, L(2026, 10, 9, 17, 0), 1 * HOUR),
		    L(2026, 10, 10, 9, 0));
	/* The lunch break does not count; the end is the period's end. */
	assert_time(add(cal, L(2026, 2, 13, 12, 30), 4 * HOUR),
		    L(2026, 2, 13, 17, 30));
	/* Feb 14 is a make-up workday; Feb 15-23 are off. */
	assert_time(add(cal, L(2026, 2, 14, 17, 0), 1 * HOUR),
		    L(2026, 2, 24, 9, 0));
}

static void test_worked_examples(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;

	check_worked_examples(cal);
	/* And back. */
	assert_int_equal(elapsed(cal, L(2026, 9, 30, 16, 0),
				 L(2026, 10, 8, 9, 0)), 2 * HOUR);
	assert_int_equal(elapsed(cal, L(2026, 2, 14, 17, 0),
				 L(2026, 2, 24, 9, 0)), HOUR);
}

/* The same examples on the real chinese-days file when it is installed
 * (scripts/install-deps puts npm packages in ./node_modules). */
static void test_worked_examples_real_file(void **state)
{
	struct calendar_config cfg;
	struct calendar *cal;
	struct ics_reader r;
	struct ug_error err;
	FILE *fp = fopen("node_modules/chinese-days/dist/holidays.ics", "rb");

	(void)state;
	if (!fp) {
		skip();
		return;
	}
	ug_error_clear(&err);
	calendar_config_init(&cfg, 2026, 2026);
	ics_init(&r, fp, "holidays.ics");
	/* 2026 in the real file: 33 days off, 6 make-up days. */
	assert_int_equal(calendar_config_add_ics(&cfg, &r, &err), 39);
	ics_free(&r);
	fclose(fp);
	cal = build(&cfg);
	check_worked_examples(cal);
	assert_int_equal(elapsed(cal, L(2026, 1, 1, 0, 0),
				 L(2027, 1, 1, 0, 0)), 248 * DAY_WORK);
	calendar_free(cal);
	calendar_config_free(&cfg);
}

/* ---- loading overrides ------------------------------------------------ */

static void test_overrides_from_ics(void **state)
{
	const struct calendar_config *cfg = &((struct cn *)*state)->cfg;
	struct calendar_config other;
	struct ics_reader r;
	struct ug_error err;
	static const char clash[] =
		"BEGIN:VCALENDAR\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261009\r\n"
		"DTEND;VALUE=DATE:20261012\r\nSUMMARY:加休(休)\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	FILE *fp;

	(void)state;
	assert_int_equal(cfg->noverrides, 39);
	assert_int_equal(cfg->overrides[0].date, date(2026, 1, 1));
	assert_int_equal(cfg->overrides[0].kind, CALENDAR_DAY_OFF);
	assert_int_equal(cfg->overrides[3].date, date(2026, 1, 4));
	assert_int_equal(cfg->overrides[3].kind, CALENDAR_WORKDAY);
	assert_int_equal(cfg->overrides[3].own_periods, 0);
	for (size_t i = 1; i < cfg->noverrides; i++)
		assert_true(cfg->overrides[i - 1].date <
			    cfg->overrides[i].date);

	/* Loading the same file again adds nothing new. */
	ug_error_clear(&err);
	config_cn(&other);
	fp = fopen(FIXTURE, "rb");
	ics_init(&r, fp, FIXTURE);
	assert_int_equal(calendar_config_add_ics(&other, &r, &err), 0);
	ics_free(&r);
	fclose(fp);

	/* A file that makes the make-up Saturday Oct 10 a day off clashes;
	 * the message names the file, line and event; Oct 9 went in. */
	ics_init_mem(&r, clash, sizeof clash - 1, "clash.ics");
	tu_assert_err(calendar_config_add_ics(&other, &r, &err), err,
		      UG_ECONFLICT, "date");
	tu_assert_contains(err.message, "clash.ics:2: 2026-10-10 is already "
					"a workday (加休(休))");
	assert_int_equal(other.noverrides, 40);
	ics_free(&r);
	calendar_config_free(&other);

	/* Dates outside the years are skipped. */
	calendar_config_init(&other, 2027, 2027);
	fp = fopen(FIXTURE, "rb");
	ics_init(&r, fp, FIXTURE);
	assert_int_equal(calendar_config_add_ics(&other, &r, &err), 0);
	assert_int_equal(r.events, 13);
	ics_free(&r);
	fclose(fp);
	calendar_config_free(&other);

	/* A reader error comes back as it is. */
	calendar_config_init(&other, 2026, 2026);
	ics_init_mem(&r, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", 31, "bad.ics");
	tu_assert_err(calendar_config_add_ics(&other, &r, &err), err,
		      UG_EINVAL, NULL);
	tu_assert_contains(err.message, "bad.ics:2: BEGIN:VEVENT is never "
					"closed");
	ics_free(&r);
	calendar_config_free(&other);
}

/* ---- holidays and make-up days ---------------------------------------- */

static void test_holidays(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;

	/* Starting inside a holiday: the clock starts on the next working
	 * morning. */
	assert_time(add(cal, L(2026, 10, 3, 10, 0), HOUR),
		    L(2026, 10, 8, 9, 30));
	assert_time(add(cal, L(2026, 2, 18, 9, 0), HOUR),
		    L(2026, 2, 24, 9, 30));
	/* New Year: Thu Jan 1 to Sat Jan 3 off, Sun Jan 4 a workday. */
	assert_time(add(cal, L(2025, 12, 31, 17, 0), HOUR),
		    L(2026, 1, 4, 9, 0));
	/* Mid-autumn Sep 25-27 (Fri-Sun). */
	assert_time(add(cal, L(2026, 9, 24, 17, 0), DAY_WORK),
		    L(2026, 9, 28, 17, 0));
	assert_int_equal(elapsed(cal, L(2026, 10, 1, 0, 0),
				 L(2026, 10, 8, 0, 0)), 0);
	/* A holiday week has only its make-up days. */
	assert_int_equal(elapsed(cal, L(2026, 10, 5, 0, 0),
				 L(2026, 10, 12, 0, 0)),
			 3 * DAY_WORK);  /* Oct 8, 9 and 10 */
}

static void test_make_up_days(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;

	/* Sat Feb 28 and Sun Sep 20 work whole days. */
	assert_time(add(cal, L(2026, 2, 28, 8, 30), DAY_WORK),
		    L(2026, 2, 28, 17, 30));
	assert_int_equal(elapsed(cal, L(2026, 9, 20, 0, 0),
				 L(2026, 9, 21, 0, 0)), DAY_WORK);
	assert_time(add(cal, L(2026, 9, 19, 10, 0), HOUR),
		    L(2026, 9, 20, 9, 30));
	/* An ordinary Saturday does not. */
	assert_time(add(cal, L(2026, 10, 17, 10, 0), HOUR),
		    L(2026, 10, 19, 9, 30));
	assert_int_equal(elapsed(cal, L(2026, 10, 17, 0, 0),
				 L(2026, 10, 19, 0, 0)), 0);
}

/* ---- where the start falls -------------------------------------------- */

static void test_off_hours_starts(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;

	/* Tue 2026-03-10 */
	assert_time(add(cal, L(2026, 3, 10, 7, 0), HOUR),
		    L(2026, 3, 10, 9, 30));   /* before work */
	assert_time(add(cal, L(2026, 3, 10, 0, 0), HOUR),
		    L(2026, 3, 10, 9, 30));   /* midnight */
	assert_time(add(cal, L(2026, 3, 10, 12, 30), HOUR),
		    L(2026, 3, 10, 14, 30));  /* lunch */
	assert_time(add(cal, L(2026, 3, 10, 18, 0), HOUR),
		    L(2026, 3, 11, 9, 30));   /* evening */
	assert_time(add(cal, L(2026, 3, 10, 23, 59), 1),
		    Ls(2026, 3, 11, 8, 30, 1));
	/* Sat 2026-03-07: on to Monday. */
	assert_time(add(cal, L(2026, 3, 7, 10, 0), HOUR),
		    L(2026, 3, 9, 9, 30));
	/* Ends that fall in the lunch break or on a period's end. */
	assert_time(add(cal, L(2026, 3, 10, 11, 0), HOUR),
		    L(2026, 3, 10, 12, 0));
	assert_time(add(cal, L(2026, 3, 10, 11, 0), HOUR + 1),
		    Ls(2026, 3, 10, 13, 30, 1));
	assert_time(add(cal, L(2026, 3, 10, 11, 0), 90 * 60),
		    L(2026, 3, 10, 14, 0));
	assert_time(add(cal, L(2026, 3, 10, 16, 30), HOUR),
		    L(2026, 3, 10, 17, 30));
	/* Elapsed only counts the periods. */
	assert_int_equal(elapsed(cal, L(2026, 3, 10, 7, 0),
				 L(2026, 3, 10, 19, 0)), DAY_WORK);
	assert_int_equal(elapsed(cal, L(2026, 3, 10, 12, 10),
				 L(2026, 3, 10, 13, 20)), 0);
	assert_int_equal(elapsed(cal, L(2026, 3, 7, 0, 0),
				 L(2026, 3, 8, 23, 59)), 0);
	/* Backwards is negative. */
	assert_int_equal(elapsed(cal, L(2026, 3, 10, 10, 0),
				 L(2026, 3, 10, 9, 0)), -HOUR);
}

static void test_period_boundaries(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;

	assert_time(add(cal, L(2026, 3, 10, 8, 30), HOUR),
		    L(2026, 3, 10, 9, 30));
	assert_time(add(cal, L(2026, 3, 10, 12, 0), 1),
		    Ls(2026, 3, 10, 13, 30, 1));
	assert_time(add(cal, L(2026, 3, 10, 13, 30), 1),
		    Ls(2026, 3, 10, 13, 30, 1));
	assert_time(add(cal, L(2026, 3, 10, 17, 30), 1),
		    Ls(2026, 3, 11, 8, 30, 1));
	assert_time(add(cal, Ls(2026, 3, 10, 17, 29, 59), 1),
		    L(2026, 3, 10, 17, 30));
	assert_time(add(cal, Ls(2026, 3, 10, 8, 29, 59), 1),
		    Ls(2026, 3, 10, 8, 30, 1));
	/* A whole morning ends at noon, a whole day at 17:30. */
	assert_time(add(cal, L(2026, 3, 10, 8, 30), 3 * HOUR + 1800),
		    L(2026, 3, 10, 12, 0));
	assert_time(add(cal, L(2026, 3, 10, 8, 30), DAY_WORK),
		    L(2026, 3, 10, 17, 30));
	assert_time(add(cal, L(2026, 3, 10, 17, 30), DAY_WORK),
		    L(2026, 3, 11, 17, 30));
	assert_int_equal(elapsed(cal, L(2026, 3, 10, 12, 0),
				 L(2026, 3, 10, 13, 30)), 0);
	assert_int_equal(elapsed(cal, Ls(2026, 3, 10, 11, 59, 59),
				 Ls(2026, 3, 10, 13, 30, 1)), 2);
	assert_int_equal(elapsed(cal, L(2026, 3, 10, 17, 30),
				 L(2026, 3, 11, 8, 30)), 0);
}

static void test_zero_duration(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;
	const int64_t at[] = { L(2026, 3, 10, 10, 0), L(2026, 3, 10, 12, 30),
			       L(2026, 3, 10, 22, 0), L(2026, 10, 3, 10, 0),
			       L(2026, 3, 10, 17, 30) };

	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		assert_time(add(cal, at[i], 0), at[i]);
		assert_time(add_days(cal, at[i], 0), at[i]);
		assert_int_equal(elapsed(cal, at[i], at[i]), 0);
	}
}

static void test_large_durations(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;
	const int64_t year = 248 * (int64_t)DAY_WORK; /* 2026: 248 days */

	assert_int_equal(elapsed(cal, L(2026, 1, 1, 0, 0),
				 L(2027, 1, 1, 0, 0)), year);
	/* Dec 31 2026 is a Thursday. */
	assert_time(add(cal, L(2026, 1, 1, 0, 0), year),
		    L(2026, 12, 31, 17, 30));
	/* 2027 has no holidays loaded: Fri Jan 1 follows the weekly rule. */
	assert_time(add(cal, L(2026, 1, 1, 0, 0), year + 1),
		    Ls(2027, 1, 1, 8, 30, 1));
	/* 2025 is a plain weekly year: 261 weekdays. */
	assert_int_equal(elapsed(cal, L(2025, 1, 1, 0, 0),
				 L(2026, 1, 1, 0, 0)), 261 * DAY_WORK);
	/* The whole table: the last working moment is Fri 2027-12-31. */
	assert_time(add(cal, L(2025, 1, 1, 0, 0),
			elapsed(cal, L(2025, 1, 1, 0, 0),
				L(2028, 1, 1, 0, 0))),
		    L(2027, 12, 31, 17, 30));
	/* A year from the middle of 2026 to the middle of 2027. */
	assert_int_equal(elapsed(cal, L(2026, 7, 1, 9, 0),
				 add(cal, L(2026, 7, 1, 9, 0), year)), year);
}

/* elapsed(t, add(t, n)) == n, and add() is the earliest such instant. */
static void test_inverse(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;
	const int64_t from = L(2025, 6, 1, 0, 0);
	const int64_t span = L(2027, 6, 1, 0, 0) - from;
	uint64_t seed = 0x9E3779B97F4A7C15u;

	for (int i = 0; i < 20000; i++) {
		int64_t t = from + (int64_t)(tu_xorshift(&seed) % (uint64_t)span);
		int64_t n = (int64_t)(tu_xorshift(&seed) % (200 * HOUR));
		int64_t u = t + (int64_t)(tu_xorshift(&seed) % (30 * 86400));
		int64_t due = add(cal, t, n);

		assert_true(due >= t);
		assert_int_equal(elapsed(cal, t, due), n);
		if (n > 0)
			assert_int_equal(elapsed(cal, t, due - 1), n - 1);
		assert_true(add(cal, t, elapsed(cal, t, u)) <= u);
	}
}

/* The table agrees with minute-by-minute counting. */
static void test_against_oracle(void **state)
{
	const struct cn *cn = *state;
	const int64_t from = L(2026, 1, 1, 0, 0);
	uint64_t seed = 42;

	for (int i = 0; i < 400; i++) {
		int64_t t = from + (int64_t)(tu_xorshift(&seed) % 525600) * 60;
		int64_t n = (int64_t)(tu_xorshift(&seed) % 2400) * 60;
		int64_t u = t + (int64_t)(tu_xorshift(&seed) % 20160) * 60;

		assert_time(add(cn->cal, t, n), oracle_add(&cn->cfg, t, n));
		assert_int_equal(elapsed(cn->cal, t, u),
				 oracle_elapsed(&cn->cfg, t, u));
	}
}

/* ---- working days ------------------------------------------------------ */

static void test_working_days(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;

	/* Mon 2026-03-09 .. Sun 03-15. */
	assert_time(add_days(cal, L(2026, 3, 9, 10, 0), 1),
		    L(2026, 3, 10, 10, 0));
	assert_time(add_days(cal, L(2026, 3, 13, 16, 0), 1),
		    L(2026, 3, 16, 16, 0));   /* Fri -> Mon */
	assert_time(add_days(cal, L(2026, 3, 9, 10, 0), 5),
		    L(2026, 3, 16, 10, 0));   /* a week */
	/* Period ends count as inside; lunch and evening move forward. */
	assert_time(add_days(cal, L(2026, 3, 9, 17, 30), 1),
		    L(2026, 3, 10, 17, 30));
	assert_time(add_days(cal, L(2026, 3, 9, 12, 0), 1),
		    L(2026, 3, 10, 12, 0));
	assert_time(add_days(cal, L(2026, 3, 9, 12, 30), 1),
		    L(2026, 3, 10, 13, 30));
	assert_time(add_days(cal, L(2026, 3, 9, 18, 0), 1),
		    L(2026, 3, 11, 8, 30));
	assert_time(add_days(cal, L(2026, 3, 9, 7, 0), 1),
		    L(2026, 3, 10, 8, 30));
	assert_time(add_days(cal, L(2026, 3, 14, 10, 0), 1),
		    L(2026, 3, 17, 8, 30));   /* Sat -> Mon 08:30 -> Tue */
	/* Holidays and make-up days. */
	assert_time(add_days(cal, L(2026, 9, 30, 10, 0), 1),
		    L(2026, 10, 8, 10, 0));
	assert_time(add_days(cal, L(2026, 10, 9, 10, 0), 1),
		    L(2026, 10, 10, 10, 0));  /* make-up Saturday */
	assert_time(add_days(cal, L(2026, 10, 9, 18, 0), 1),
		    L(2026, 10, 12, 8, 30));
	assert_time(add_days(cal, L(2026, 2, 13, 12, 30), 1),
		    L(2026, 2, 14, 13, 30));
	assert_time(add_days(cal, L(2026, 2, 14, 17, 30), 1),
		    L(2026, 2, 24, 17, 30));
	assert_time(add_days(cal, L(2026, 10, 3, 10, 0), 3),
		    L(2026, 10, 12, 8, 30));  /* Oct 8 08:30 + 3 */
	/* 2026 has 248 working days; the first is Sun Jan 4.  From there,
	 * 248 on is the first working day of 2027 (weekly rule). */
	assert_time(add_days(cal, L(2026, 1, 1, 0, 0), 247),
		    L(2026, 12, 31, 8, 30));
	assert_time(add_days(cal, L(2026, 1, 1, 0, 0), 248),
		    L(2027, 1, 1, 8, 30));
	/* In working seconds the rule is steady: one working day from any
	 * instant inside a period of the default week is 7.5 h. */
	{
		int64_t t = L(2026, 3, 9, 9, 15);

		assert_int_equal(elapsed(cal, t, add_days(cal, t, 1)),
				 DAY_WORK);
		assert_int_equal(elapsed(cal, t, add_days(cal, t, 10)),
				 10 * DAY_WORK);
	}
}

/* Days whose periods differ: the time of day is kept inside them. */
static void test_working_days_uneven(void **state)
{
	struct calendar_config cfg;
	struct calendar_day morning, long_day;
	struct calendar *cal;
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	calendar_config_init(&cfg, 2026, 2026);
	tu_assert_ok(calendar_day_parse(&morning, "09:00-12:00", "periods",
					&err), err);
	tu_assert_ok(calendar_day_parse(&long_day, "08:00-18:00", "periods",
					&err), err);
	/* Sat 2026-03-14: a morning; Mon 03-16: 08:00-18:00. */
	tu_assert_ok(calendar_config_add_override(&cfg, date(2026, 3, 14),
						  CALENDAR_WORKDAY, &morning,
						  &err), err);
	tu_assert_ok(calendar_config_add_override(&cfg, date(2026, 3, 16),
						  CALENDAR_WORKDAY, &long_day,
						  &err), err);
	cal = build(&cfg);
	/* Fri 16:00 -> Sat has nothing after 12:00: its end. */
	assert_time(add_days(cal, L(2026, 3, 13, 16, 0), 1),
		    L(2026, 3, 14, 12, 0));
	/* Fri 08:30 -> Sat starts later: 09:00. */
	assert_time(add_days(cal, L(2026, 3, 13, 8, 30), 1),
		    L(2026, 3, 14, 9, 0));
	/* Mon 12:30 is working time on the long day; Tue 12:30 is lunch. */
	assert_time(add_days(cal, L(2026, 3, 16, 12, 30), 1),
		    L(2026, 3, 17, 13, 30));
	/* Mon 17:45 -> Tue has nothing after 17:30. */
	assert_time(add_days(cal, L(2026, 3, 16, 17, 45), 1),
		    L(2026, 3, 17, 17, 30));
	assert_int_equal(elapsed(cal, L(2026, 3, 14, 0, 0),
				 L(2026, 3, 15, 0, 0)), 3 * HOUR);
	calendar_free(cal);
	calendar_config_free(&cfg);
}

/* ---- other configurations -------------------------------------------- */

static void test_custom_configs(void **state)
{
	struct calendar_config cfg;
	struct calendar *cal;
	struct ug_error err;
	const int32_t est = -5 * HOUR;
	uint64_t seed = 7;

	(void)state;
	ug_error_clear(&err);
	/* Three periods a day, Saturday mornings, another zone. */
	calendar_config_init(&cfg, 2026, 2026);
	cfg.utc_offset = est;
	for (int wd = CALENDAR_MONDAY; wd <= CALENDAR_FRIDAY; wd++)
		tu_assert_ok(calendar_day_parse(&cfg.week[wd],
						"08:00-10:00, 10:15-12:00,"
						"14:00-18:00", "periods",
						&err), err);
	tu_assert_ok(calendar_day_parse(&cfg.week[CALENDAR_SATURDAY],
					"9:00-11:00", "periods", &err), err);
	cal = build(&cfg);
	/* Mon 2026-03-09 09:00 EST + 3 h: 1 h to 10:00, 1 h 45 min to
	 * 12:00, 15 min from 14:00. */
	assert_time(add(cal, calendar_utc_from_local(est, 2026, 3, 9, 9, 0, 0),
			3 * HOUR),
		    calendar_utc_from_local(est, 2026, 3, 9, 14, 15, 0));
	assert_int_equal(elapsed(cal, calendar_utc_from_local(est, 2026, 3, 9,
							       0, 0, 0),
				 calendar_utc_from_local(est, 2026, 3, 16, 0,
							 0, 0)),
			 5 * (7 * HOUR + 45 * 60) + 2 * HOUR);
	for (int i = 0; i < 200; i++) {
		int64_t t = calendar_utc_from_local(est, 2026, 2, 1, 0, 0, 0) +
			    (int64_t)(tu_xorshift(&seed) % 250000) * 60;
		int64_t n = (int64_t)(tu_xorshift(&seed) % 3000) * 60;

		assert_time(add(cal, t, n), oracle_add(&cfg, t, n));
	}
	calendar_free(cal);

	/* Round the clock every day: working time is natural time, across
	 * midnights where periods touch. */
	for (int wd = 0; wd < 7; wd++)
		tu_assert_ok(calendar_day_parse(&cfg.week[wd], "00:00-24:00",
						"periods", &err), err);
	cfg.utc_offset = CN;
	cal = build(&cfg);
	assert_time(add(cal, L(2026, 3, 9, 23, 0), 2 * HOUR),
		    L(2026, 3, 10, 1, 0));
	assert_int_equal(elapsed(cal, L(2026, 1, 1, 0, 0),
				 L(2027, 1, 1, 0, 0)), 365 * 86400);
	assert_time(add_days(cal, L(2026, 3, 9, 23, 0), 2),
		    L(2026, 3, 11, 23, 0));
	calendar_free(cal);

	/* No working time at all: every working answer is past the end. */
	for (int wd = 0; wd < 7; wd++)
		cfg.week[wd].count = 0;
	cal = build(&cfg);
	assert_int_equal(elapsed(cal, L(2026, 1, 1, 0, 0),
				 L(2027, 1, 1, 0, 0)), 0);
	{
		int64_t due = 0;

		tu_assert_err(calendar_add_working(cal, L(2026, 3, 9, 9, 0), 1,
						   &due, &err),
			      err, UG_EINVAL, "calendar");
		tu_assert_err(calendar_add_working_days(cal,
							L(2026, 3, 9, 9, 0),
							1, &due, &err),
			      err, UG_EINVAL, "calendar");
		assert_int_equal(due, 0);
	}
	calendar_free(cal);

	/* The weekday of far dates: 1900-01-01 was a Monday. */
	calendar_config_init(&cfg, 1900, 1900);
	cal = build(&cfg);
	assert_int_equal(elapsed(cal, L(1900, 1, 1, 0, 0),
				 L(1900, 1, 2, 0, 0)), DAY_WORK);
	assert_int_equal(elapsed(cal, L(1900, 1, 6, 0, 0),
				 L(1900, 1, 8, 0, 0)), 0);
	calendar_free(cal);
	calendar_config_free(&cfg);
}

/* ---- pauses ------------------------------------------------------------ */

static void test_pauses(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;
	const int64_t a = L(2026, 3, 9, 9, 0), b = L(2026, 3, 9, 17, 0);
	struct calendar_span p[3];
	struct ug_error err;
	int64_t e = -1, remaining, due;

	ug_error_clear(&err);
	/* No pauses: plain elapsed (7 h: 3 + 4 minus lunch). */
	tu_assert_ok(calendar_elapsed_paused(cal, a, b, NULL, 0, &e, &err),
		     err);
	assert_int_equal(e, 6 * HOUR + 1800);
	/* One hour suspended. */
	p[0] = (struct calendar_span){ L(2026, 3, 9, 10, 0),
				       L(2026, 3, 9, 11, 0) };
	tu_assert_ok(calendar_elapsed_paused(cal, a, b, p, 1, &e, &err), err);
	assert_int_equal(e, 5 * HOUR + 1800);
	/* Overlapping pauses count once; one in the lunch break is free. */
	p[1] = (struct calendar_span){ L(2026, 3, 9, 10, 30),
				       L(2026, 3, 9, 11, 30) };
	p[2] = (struct calendar_span){ L(2026, 3, 9, 12, 10),
				       L(2026, 3, 9, 13, 20) };
	tu_assert_ok(calendar_elapsed_paused(cal, a, b, p, 3, &e, &err), err);
	assert_int_equal(e, 5 * HOUR);
	/* A pause from before the start, one still open at the end. */
	p[0] = (struct calendar_span){ L(2026, 3, 6, 10, 0),
				       L(2026, 3, 9, 10, 0) };
	p[1] = (struct calendar_span){ L(2026, 3, 9, 16, 0), INT64_MAX };
	tu_assert_ok(calendar_elapsed_paused(cal, a, b, p, 2, &e, &err), err);
	assert_int_equal(e, 4 * HOUR + 1800);
	/* A pause inside another. */
	p[0] = (struct calendar_span){ L(2026, 3, 9, 9, 30),
				       L(2026, 3, 9, 15, 0) };
	p[1] = (struct calendar_span){ L(2026, 3, 9, 10, 0),
				       L(2026, 3, 9, 11, 0) };
	tu_assert_ok(calendar_elapsed_paused(cal, a, b, p, 2, &e, &err), err);
	assert_int_equal(e, 2 * HOUR + 1800);

	/* Composition: a 4 h limit from 09:00, suspended 10:00 to Tue
	 * 10:00, resumed: 3 h remain, due Tue 14:30. */
	p[0] = (struct calendar_span){ L(2026, 3, 9, 10, 0),
				       L(2026, 3, 10, 10, 0) };
	tu_assert_ok(calendar_elapsed_paused(cal, a, p[0].to, p, 1, &e, &err),
		     err);
	remaining = 4 * HOUR - e;
	assert_int_equal(remaining, 3 * HOUR);
	tu_assert_ok(calendar_add_working(cal, p[0].to, remaining, &due, &err),
		     err);
	assert_time(due, L(2026, 3, 10, 14, 30));

	/* Bad input. */
	e = -1;
	p[0] = (struct calendar_span){ L(2026, 3, 9, 11, 0),
				       L(2026, 3, 9, 12, 0) };
	p[1] = (struct calendar_span){ L(2026, 3, 9, 10, 0),
				       L(2026, 3, 9, 10, 30) };
	tu_assert_err(calendar_elapsed_paused(cal, a, b, p, 2, &e, &err), err,
		      UG_EINVAL, "pauses");
	tu_assert_contains(err.message, "pause 2 is reversed or out of order");
	p[0] = (struct calendar_span){ L(2026, 3, 9, 11, 0),
				       L(2026, 3, 9, 10, 0) };
	tu_assert_err(calendar_elapsed_paused(cal, a, b, p, 1, &e, &err), err,
		      UG_EINVAL, "pauses");
	tu_assert_err(calendar_elapsed_paused(cal, b, a, NULL, 0, &e, &err),
		      err, UG_EINVAL, "to");
	tu_assert_err(calendar_elapsed_paused(cal, a, L(2030, 1, 1, 0, 0),
					      NULL, 0, &e, &err),
		      err, UG_EINVAL, "calendar");
	assert_int_equal(e, -1);
}

/* ---- units, range, errors --------------------------------------------- */

static void test_due_units(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;
	const int64_t t = L(2026, 9, 30, 16, 0);
	struct ug_error err;
	int64_t due = 0;

	ug_error_clear(&err);
	tu_assert_ok(calendar_due(cal, t, 2 * HOUR, CALENDAR_NATURAL_SECONDS,
				  &due, &err), err);
	assert_time(due, L(2026, 9, 30, 18, 0));
	tu_assert_ok(calendar_due(NULL, t, 3, CALENDAR_NATURAL_DAYS, &due,
				  &err), err);
	assert_time(due, L(2026, 10, 3, 16, 0));
	tu_assert_ok(calendar_due(cal, t, 2 * HOUR, CALENDAR_WORKING_SECONDS,
				  &due, &err), err);
	assert_time(due, L(2026, 10, 8, 9, 0));
	tu_assert_ok(calendar_due(cal, t, 1, CALENDAR_WORKING_DAYS, &due,
				  &err), err);
	assert_time(due, L(2026, 10, 8, 16, 0));
	/* Natural time needs no table and no range... */
	tu_assert_ok(calendar_add_natural(INT64_C(-5000000000000), 60, &due,
					  &err), err);
	assert_true(due == INT64_C(-4999999999940));
	tu_assert_ok(calendar_due(NULL, t, 100000, CALENDAR_NATURAL_DAYS, &due,
				  &err), err);
	/* ...but a deadline answered with a calendar lies in its range,
	 * whatever its unit (api.md: 400 naming "calendar"). */
	tu_assert_err(calendar_due(cal, t, 100000, CALENDAR_NATURAL_DAYS, &due,
				   &err), err, UG_EINVAL, "calendar");
	tu_assert_contains(err.message, "the answer");
	tu_assert_err(calendar_due(cal, t, INT64_C(100000) * 24 * HOUR,
				   CALENDAR_NATURAL_SECONDS, &due, &err),
		      err, UG_EINVAL, "calendar");

	due = 0;
	tu_assert_err(calendar_due(NULL, t, 1, CALENDAR_WORKING_SECONDS, &due,
				   &err), err, UG_EINVAL, "calendar");
	tu_assert_err(calendar_due(cal, t, 1, (enum calendar_unit)99, &due,
				   &err), err, UG_EINVAL, "unit");
	tu_assert_err(calendar_due(cal, t, -1, CALENDAR_NATURAL_SECONDS, &due,
				   &err), err, UG_EINVAL, "amount");
	tu_assert_err(calendar_due(cal, t, -1, CALENDAR_WORKING_SECONDS, &due,
				   &err), err, UG_EINVAL, "amount");
	tu_assert_err(calendar_due(cal, t, -1, CALENDAR_WORKING_DAYS, &due,
				   &err), err, UG_EINVAL, "amount");
	tu_assert_err(calendar_due(cal, INT64_MAX - 10, 11,
				   CALENDAR_NATURAL_SECONDS, &due, &err),
		      err, UG_ETOOBIG, "amount");
	tu_assert_err(calendar_due(cal, t, INT64_MAX / 86400 + 1,
				   CALENDAR_NATURAL_DAYS, &due, &err),
		      err, UG_ETOOBIG, "amount");
	assert_int_equal(due, 0);
}

static void test_range(void **state)
{
	const struct calendar *cal = ((struct cn *)*state)->cal;
	int64_t first, end, due = 0, e = 0;
	struct ug_error err;

	ug_error_clear(&err);
	calendar_range(cal, &first, &end);
	assert_time(first, L(2025, 1, 1, 0, 0));
	assert_time(end, L(2028, 1, 1, 0, 0));

	/* Both ends are answered for. */
	assert_time(add(cal, first, HOUR), L(2025, 1, 1, 9, 30));
	assert_time(add(cal, end, 0), end);
	assert_int_equal(elapsed(cal, end, end), 0);
	assert_int_equal(elapsed(cal, first, first), 0);
	/* One second outside is not. */
	tu_assert_err(calendar_add_working(cal, first - 1, HOUR, &due, &err),
		      err, UG_EINVAL, "calendar");
	tu_assert_contains(err.message, "the start 2024-12-31 23:59:59 is "
					"outside the working calendar "
					"(2025-01-01 00:00:00 to 2028-01-01 "
					"00:00:00, UTC+28800 s)");
	tu_assert_err(calendar_add_working(cal, end + 1, 0, &due, &err), err,
		      UG_EINVAL, "calendar");
	tu_assert_err(calendar_elapsed_working(cal, first, end + 1, &e, &err),
		      err, UG_EINVAL, "calendar");
	tu_assert_contains(err.message, "the end 2028-01-01 00:00:01");
	tu_assert_err(calendar_elapsed_working(cal, INT64_MIN, end, &e, &err),
		      err, UG_EINVAL, "calendar");
	tu_assert_contains(err.message, "the start @-9223372036854775808");
	/* Results past the end. */
	tu_assert_err(calendar_add_working(cal, L(2027, 12, 31, 17, 0),
					   HOUR, &due, &err),
		      err, UG_EINVAL, "calendar");
	tu_assert_contains(err.message, "the due time falls after the end of "
					"the working calendar (2028-01-01 "
					"00:00:00");
	tu_assert_err(calendar_add_working(cal, first, INT64_MAX, &due, &err),
		      err, UG_EINVAL, "calendar");
	assert_time(add(cal, L(2027, 12, 31, 17, 0), 1800),
		    L(2027, 12, 31, 17, 30));
	tu_assert_err(calendar_add_working_days(cal, L(2027, 12, 31, 10, 0),
						1, &due, &err),
		      err, UG_EINVAL, "calendar");
	tu_assert_err(calendar_add_working_days(cal, L(2027, 12, 31, 18, 0),
						1, &due, &err),
		      err, UG_EINVAL, "calendar");
	tu_assert_err(calendar_add_working_days(cal, end, 1, &due, &err), err,
		      UG_EINVAL, "calendar");
	tu_assert_err(calendar_add_working_days(cal, first, INT64_MAX, &due,
						&err),
		      err, UG_EINVAL, "calendar");
	assert_time(add_days(cal, L(2027, 12, 30, 10, 0), 1),
		    L(2027, 12, 31, 10, 0));
	assert_int_equal(due, 0);
	assert_int_equal(e, 0);
}

static void test_day_parse(void **state)
{
	static const char *const bad[] = {
		"08:30", "08:30-", "-12:00", "08:30-12:00,", "08:30-12:00,,",
		"12:00-08:30", "08:30-08:30", "08:30-12:00,11:00-13:00",
		"25:00-26:00", "08:60-09:00", "24:00-24:00", "23:00-24:30",
		"8:3-9:00", "083:00-09:00", "08:30~12:00", "a", "08:30-12:00x",
		("0:00-1:00,1:00-2:00,2:00-3:00,3:00-4:00,4:00-5:00,"
		 "5:00-6:00,6:00-7:00,7:00-8:00,8:00-9:00"),  /* 9 periods */
	};
	struct calendar_day d;
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(calendar_day_parse(&d, "08:30-12:00,13:30-17:30",
					"periods", &err), err);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.period[0].start, 8 * HOUR + 1800);
	assert_int_equal(d.period[1].end, 17 * HOUR + 1800);
	tu_assert_ok(calendar_day_parse(&d, " 8:30 - 12:00 , 12:00-24:00 ",
					"periods", &err), err);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.period[1].end, 86400);
	tu_assert_ok(calendar_day_parse(&d, "", "periods", &err), err);
	assert_int_equal(d.count, 0);
	tu_assert_ok(calendar_day_parse(&d, "0:00-1:00,1:00-2:00,2:00-3:00,"
					"3:00-4:00,4:00-5:00,5:00-6:00,"
					"6:00-7:00,7:00-8:00", "periods",
					&err), err);
	assert_int_equal(d.count, CALENDAR_MAX_PERIODS);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d.count = 5;
		if (calendar_day_parse(&d, bad[i], "periods", &err) != -UG_EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_string_equal(err.field, "periods");
		assert_int_equal(d.count, 5);  /* unchanged */
	}
}

/* Errors name the field given and say what is wrong. */
static void test_day_parse_messages(void **state)
{
	static const struct {
		const char *text, *says;
	} cases[] = {
		{ "9-12", "week.mon: expected HH:MM-HH:MM" },
		{ "08:30-12:00,", "week.mon: trailing comma" },
		{ "13:00-25:00", "week.mon: period 1 (\"13:00-25:00\") has a "
				 "time outside the day" },
		{ "08:00-12:00,13:00-17:61", "period 2 (\"13:00-17:61\") has "
					     "a time outside the day" },
		{ "12:00-08:30", "week.mon: period 1 (12:00-08:30) must end "
				 "after it starts" },
		{ "13:30-17:30,08:30-12:00", "week.mon: period 2 (08:30-12:00) "
					     "comes before period 1 "
					     "(13:30-17:30)" },
		{ "08:30-12:00,11:30-17:30", "week.mon: period 2 (11:30-17:30) "
					     "overlaps period 1 "
					     "(08:30-12:00)" },
		{ "0:00-1:00,1:00-2:00,2:00-3:00,3:00-4:00,4:00-5:00,"
		  "5:00-6:00,6:00-7:00,7:00-8:00,8:00-9:00",
		  "week.mon: more than 8 periods" },
	};
	struct calendar_day d = { 0, { { 0, 0 } } };
	struct ug_error err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ug_error_clear(&err);
		tu_assert_err(calendar_day_parse(&d, cases[i].text, "week.mon",
						 &err),
			      err, UG_EINVAL, "week.mon");
		tu_assert_contains(err.message, cases[i].says);
	}
	assert_int_equal(d.count, 0);
}

/* The canonical text parses back to the same day. */
static void test_day_format(void **state)
{
	struct calendar_day d, back;
	struct ug_error err;
	char text[CALENDAR_MAX_PERIODS * 12 + 1], cut[8];

	(void)state;
	ug_error_clear(&err);
	tu_assert_ok(calendar_day_parse(&d, " 8:30 - 12:00 , 13:30-24:00",
					"periods", &err), err);
	assert_string_equal(calendar_day_format(&d, text, sizeof text),
			    "08:30-12:00,13:30-24:00");
	tu_assert_ok(calendar_day_parse(&back, text, "periods", &err), err);
	assert_memory_equal(&back, &d, sizeof d);
	tu_assert_ok(calendar_day_parse(&d, "0:00-1:00,1:00-2:00,2:00-3:00,"
					"3:00-4:00,4:00-5:00,5:00-6:00,"
					"6:00-7:00,7:00-23:59", "periods",
					&err), err);
	calendar_day_format(&d, text, sizeof text);
	assert_int_equal(strlen(text), CALENDAR_MAX_PERIODS * 12 - 1);
	tu_assert_ok(calendar_day_parse(&back, text, "periods", &err), err);
	assert_memory_equal(&back, &d, sizeof d);
	d.count = 0;
	assert_string_equal(calendar_day_format(&d, text, sizeof text), "");
	/* Too small: cut, still a string. */
	tu_assert_ok(calendar_day_parse(&d, "08:30-12:00", "periods", &err),
		     err);
	assert_string_equal(calendar_day_format(&d, cut, sizeof cut),
			    "08:30-1");
}

static void test_config_errors(void **state)
{
	struct calendar_config cfg;
	struct calendar *cal = (struct calendar *)&cfg;
	struct calendar_day d;
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	calendar_config_init(&cfg, 2027, 2026);
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "years");
	assert_null(cal);
	calendar_config_init(&cfg, 1899, 1900);
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "years");
	calendar_config_init(&cfg, 9998, 9999);
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "years");
	calendar_config_init(&cfg, 2000, 2000 + CALENDAR_MAX_YEARS);
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "years");
	calendar_config_init(&cfg, 2000, 2000 + CALENDAR_MAX_YEARS - 1);
	cal = build(&cfg);
	calendar_free(cal);
	calendar_free(NULL);

	calendar_config_init(&cfg, 2026, 2026);
	cfg.utc_offset = 18 * HOUR + 1;
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "utc_offset");
	calendar_config_init(&cfg, 2026, 2026);
	cfg.week[CALENDAR_WEDNESDAY].period[1].start = 11 * HOUR;
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "week[2]");
	tu_assert_contains(err.message, "week[2]: period 2 (11:00-17:30) "
					"overlaps period 1 (08:30-12:00)");
	calendar_config_init(&cfg, 2026, 2026);
	cfg.week[CALENDAR_SUNDAY].count = CALENDAR_MAX_PERIODS + 1;
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "week[6]");
	calendar_config_init(&cfg, 2026, 2026);
	cfg.workday.period[0].end = 86401;
	cfg.workday.count = 1;
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "workday");

	/* Overrides. */
	calendar_config_init(&cfg, 2026, 2026);
	tu_assert_err(calendar_config_add_override(&cfg, date(2026, 5, 1),
						   (enum calendar_day_kind)3,
						   NULL, &err),
		      err, UG_EINVAL, "kind");
	tu_assert_ok(calendar_day_parse(&d, "09:00-12:00", "periods", &err), err);
	tu_assert_err(calendar_config_add_override(&cfg, date(2026, 5, 1),
						   CALENDAR_DAY_OFF, &d, &err),
		      err, UG_EINVAL, "periods");
	tu_assert_err(calendar_config_add_override(&cfg, date(2027, 1, 1),
						   CALENDAR_DAY_OFF, NULL,
						   &err),
		      err, UG_EINVAL, "date");
	tu_assert_contains(err.message, "override 2027-01-01 is outside the "
					"years 2026..2026");
	tu_assert_err(calendar_config_add_override(&cfg, date(2025, 12, 31),
						   CALENDAR_DAY_OFF, NULL,
						   &err),
		      err, UG_EINVAL, "date");
	tu_assert_ok(calendar_config_add_override(&cfg, date(2026, 5, 1),
						  CALENDAR_DAY_OFF, NULL, &err),
		     err);
	tu_assert_ok(calendar_config_add_override(&cfg, date(2026, 5, 1),
						  CALENDAR_DAY_OFF, NULL, &err),
		     err);
	tu_assert_err(calendar_config_add_override(&cfg, date(2026, 5, 1),
						   CALENDAR_WORKDAY, NULL,
						   &err),
		      err, UG_ECONFLICT, "date");
	tu_assert_contains(err.message, "2026-05-01 is already a day off");
	tu_assert_ok(calendar_config_add_override(&cfg, date(2026, 5, 9),
						  CALENDAR_WORKDAY, &d, &err),
		     err);
	tu_assert_err(calendar_config_add_override(&cfg, date(2026, 5, 9),
						   CALENDAR_WORKDAY, NULL,
						   &err),
		      err, UG_ECONFLICT, "date");
	tu_assert_contains(err.message, "already a workday with other "
					"periods");
	d.period[0].start = 13 * HOUR;
	tu_assert_err(calendar_config_add_override(&cfg, date(2026, 5, 10),
						   CALENDAR_WORKDAY, &d, &err),
		      err, UG_EINVAL, "periods");
	assert_int_equal(cfg.noverrides, 2);
	/* Years made bad after the fact. */
	cfg.first_year = 1000;
	tu_assert_err(calendar_config_add_override(&cfg, date(2026, 5, 2),
						   CALENDAR_DAY_OFF, NULL,
						   &err),
		      err, UG_EINVAL, "years");
	/* A list edited by hand out of order. */
	cfg.first_year = 2026;
	cfg.overrides[1].date = cfg.overrides[0].date;
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_EINVAL,
		      "override");
	calendar_config_free(&cfg);
	calendar_config_free(&cfg);  /* twice is allowed */
}

/* Overrides outside the built years are ignored; the table does not
 * depend on the config once built. */
static void test_build_is_independent(void **state)
{
	struct calendar_config cfg;
	struct calendar *cal;

	(void)state;
	config_cn(&cfg);
	cfg.first_year = 2026;
	cfg.last_year = 2026;
	cal = build(&cfg);
	calendar_config_free(&cfg);
	assert_time(add(cal, L(2026, 9, 30, 16, 0), 2 * HOUR),
		    L(2026, 10, 8, 9, 0));
	calendar_free(cal);

	config_cn(&cfg);
	cfg.first_year = 2027;
	cal = build(&cfg);
	/* No 2026 holidays in a 2027 table. */
	assert_int_equal(elapsed(cal, L(2027, 1, 1, 0, 0),
				 L(2028, 1, 1, 0, 0)), 261 * DAY_WORK);
	calendar_free(cal);
	calendar_config_free(&cfg);
}

/* Provisional overrides and years are remembered, count like any other
 * override, and answer whether a span crosses one. */
static void test_provisional(void **state)
{
	struct calendar_config cfg;
	struct calendar *cal = NULL;
	struct ug_error err;
	int64_t due;

	(void)state;
	ug_error_clear(&err);
	calendar_config_init(&cfg, 2026, 2028);
	tu_assert_ok(calendar_config_add_override(&cfg, date(2027, 1, 1),
						  CALENDAR_DAY_OFF, NULL, &err),
		     err);
	tu_assert_ok(calendar_config_add_override(&cfg, date(2026, 10, 1),
						  CALENDAR_DAY_OFF, NULL, &err),
		     err);
	assert_null(calendar_config_find(&cfg, date(2027, 1, 2)));
	assert_non_null(calendar_config_find(&cfg, date(2027, 1, 1)));
	assert_int_equal(calendar_config_find(&cfg, date(2027, 1, 1))->kind,
			 CALENDAR_DAY_OFF);
	tu_assert_ok(calendar_config_mark_provisional(&cfg, date(2027, 1, 1),
						      &err),
		     err);
	tu_assert_err(calendar_config_mark_provisional(&cfg, date(2027, 1, 4),
						       &err),
		      err, UG_ENOTFOUND, "date");
	tu_assert_contains(err.message, "2027-01-04");
	/* Adding the same day again keeps the mark. */
	tu_assert_ok(calendar_config_add_override(&cfg, date(2027, 1, 1),
						  CALENDAR_DAY_OFF, NULL, &err),
		     err);
	assert_true(calendar_config_find(&cfg, date(2027, 1, 1))->provisional);
	assert_false(calendar_config_find(&cfg, date(2026, 10, 1))->provisional);
	cfg.provisional_year[2027 - 2026] = 1;
	tu_assert_ok(calendar_build(&cfg, &cal, &err), err);
	calendar_config_free(&cfg);

	/* The first example: New Year's Eve 16:00 + 8 working
	 * hours skips 1 January (Friday) and the weekend. */
	tu_assert_ok(calendar_add_working(cal, L(2026, 12, 31, 16, 0),
					  8 * HOUR, &due, &err),
		     err);
	assert_time(due, L(2027, 1, 4, 16, 30));
	assert_int_equal(calendar_provisional_between(
				 cal, L(2026, 12, 31, 16, 0), due),
			 1);
	/* Either order; the day itself; instants at its ends. */
	assert_int_equal(calendar_provisional_between(cal, due,
						      L(2026, 12, 31, 16, 0)),
			 1);
	assert_int_equal(calendar_provisional_between(cal, L(2027, 1, 1, 0, 0),
						      L(2027, 1, 1, 0, 0)),
			 1);
	assert_int_equal(calendar_provisional_between(
				 cal, L(2026, 12, 31, 23, 59),
				 L(2026, 12, 31, 23, 59)),
			 0);
	assert_int_equal(calendar_provisional_between(cal, L(2027, 1, 2, 0, 0),
						      L(2027, 3, 1, 0, 0)),
			 0);
	/* An official override is no provisional day. */
	assert_int_equal(calendar_provisional_between(cal, L(2026, 9, 30, 9, 0),
						      L(2026, 10, 8, 9, 0)),
			 0);
	/* Instants beyond the table count by their dates. */
	assert_int_equal(calendar_provisional_between(cal, L(2020, 1, 1, 0, 0),
						      L(2040, 1, 1, 0, 0)),
			 1);
	assert_int_equal(calendar_year_provisional(cal, 2027), 1);
	assert_int_equal(calendar_year_provisional(cal, 2026), 0);
	assert_int_equal(calendar_year_provisional(cal, 2028), 0);
	assert_int_equal(calendar_year_provisional(cal, 2025), -1);
	assert_int_equal(calendar_year_provisional(cal, 2029), -1);
	calendar_free(cal);
}

static void test_local_time(void **state)
{
	char s[32];

	(void)state;
	assert_true(calendar_utc_from_local(0, 1970, 1, 1, 0, 0, 0) == 0);
	assert_true(calendar_utc_from_local(CN, 1970, 1, 1, 8, 0, 0) == 0);
	assert_true(L(2026, 10, 8, 9, 0) == INT64_C(1791421200));
	assert_true(L(2026, 3, 9, 24, 0) == L(2026, 3, 10, 0, 0));
	assert_string_equal(calendar_format_local(CN, L(2026, 10, 8, 9, 0), s,
						  sizeof s),
			    "2026-10-08 09:00:00");
	assert_string_equal(calendar_format_local(0, -1, s, sizeof s),
			    "1969-12-31 23:59:59");
	assert_string_equal(calendar_format_local(CN, -1, s, sizeof s),
			    "1970-01-01 07:59:59");
	assert_string_equal(calendar_format_local(0, INT64_MAX, s, sizeof s),
			    "@9223372036854775807");
}

static void test_out_of_memory(void **state)
{
	struct calendar_config cfg;
	struct calendar *cal = (struct calendar *)&cfg;
	struct ug_error err;

	(void)state;
	ug_error_clear(&err);
	calendar_config_init(&cfg, 2026, 2026);
	fault_arm(FAULT_ALLOC, 1);
	tu_assert_err(calendar_config_add_override(&cfg, date(2026, 5, 1),
						   CALENDAR_DAY_OFF, NULL,
						   &err),
		      err, UG_ENOMEM, NULL);
	assert_int_equal(cfg.noverrides, 0);
	tu_assert_ok(calendar_config_add_override(&cfg, date(2026, 5, 1),
						  CALENDAR_DAY_OFF, NULL, &err),
		     err);
	fault_arm(FAULT_ALLOC, 1);
	tu_assert_err(calendar_build(&cfg, &cal, &err), err, UG_ENOMEM, NULL);
	assert_null(cal);
	fault_arm(FAULT_ALLOC, 0);
	cal = build(&cfg);
	calendar_free(cal);

	/* Loading a file: whichever allocation fails, the answer is a clean
	 * UG_ENOMEM, and the next try succeeds. */
	for (int nth = 1; nth < 100; nth++) {
		FILE *fp = fopen(FIXTURE, "rb");
		struct ics_reader r;
		int rc;

		calendar_config_free(&cfg);
		calendar_config_init(&cfg, 2026, 2026);
		ics_init(&r, fp, FIXTURE);
		fault_arm(FAULT_ALLOC, nth);
		rc = calendar_config_add_ics(&cfg, &r, &err);
		fault_arm(FAULT_ALLOC, 0);
		ics_free(&r);
		fclose(fp);
		if (rc >= 0) {
			assert_int_equal(rc, 39);
			break;
		}
		tu_assert_err(rc, err, UG_ENOMEM, NULL);
		tu_assert_contains(err.message, FIXTURE ":");
	}
	assert_int_equal(cfg.noverrides, 39);
	calendar_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest cn_tests[] = {
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_overrides_from_ics),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_make_up_days),
		cmocka_unit_test(test_off_hours_starts),
		cmocka_unit_test(test_period_boundaries),
		cmocka_unit_test(test_zero_duration),
		cmocka_unit_test(test_large_durations),
		cmocka_unit_test(test_inverse),
		cmocka_unit_test(test_against_oracle),
		cmocka_unit_test(test_working_days),
		cmocka_unit_test(test_pauses),
		cmocka_unit_test(test_due_units),
		cmocka_unit_test(test_range),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_examples_real_file),
		cmocka_unit_test(test_working_days_uneven),
		cmocka_unit_test(test_custom_configs),
		cmocka_unit_test(test_day_parse),
		cmocka_unit_test(test_day_parse_messages),
		cmocka_unit_test(test_day_format),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_build_is_independent),
		cmocka_unit_test(test_provisional),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_out_of_memory),
	};
	int failed;

	failed = cmocka_run_group_tests_name("calendar (2026 fixture)",
					     cn_tests, setup_cn, teardown_cn);
	failed += cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
	return failed;
}
