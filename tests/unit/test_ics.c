/*
 * test_ics.c - the iCalendar reader (lib/ics.h): civil dates, the
 * hand-written 2026 fixture, unfolding and line ends, parameters, how
 * events reduce to dates, SUMMARY decoding and the 休/班 rule, every
 * malformed-input error with its line, read errors and out-of-memory.
 */
#include "testutil.h"

#include "lib/ics.h"

#define FIXTURE "tests/fixtures/calendar/cn-2026.ics"
#define NAME "test.ics"

/* An iCalendar object around `body`, and a VEVENT around `props`. */
#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" body "END:VCALENDAR\r\n"
#define EV(props) "BEGIN:VEVENT\r\n" props "END:VEVENT\r\n"

#define MAX_EVENTS 16

/* Everything one reading produced. */
struct got {
	int rc;                  /* last ics_next() answer: 0 or negative */
	int n;                   /* day events */
	struct ics_event ev[MAX_EVENTS];
	char *summary[MAX_EVENTS];
	long ignored, line;
	struct ug_error err;
};

static int32_t day(int y, int m, int d)
{
	return ics_civil_to_days(y, m, d);
}

static void read_reader(struct ics_reader *r, struct got *g)
{
	struct ics_event ev;

	memset(g, 0, sizeof *g);
	while ((g->rc = ics_next(r, &ev, &g->err)) == 1) {
		assert_true(g->n < MAX_EVENTS);
		g->ev[g->n] = ev;
		g->summary[g->n] = strdup(ev.summary);
		g->n++;
	}
	g->ignored = r->ignored;
	g->line = r->line;
	assert_int_equal(r->events, g->n);
}

/* Read `len` bytes of text with the given limit (0: default) and
 * offset for UTC times. */
static void read_mem(const char *text, size_t len, size_t max_line,
		     int32_t utc_offset, struct got *g)
{
	struct ics_reader r;

	ics_init_mem(&r, text, len, NAME);
	if (max_line)
		r.max_line = max_line;
	r.utc_offset = utc_offset;
	read_reader(&r, g);
	ics_free(&r);
}

static void read_text(const char *text, struct got *g)
{
	read_mem(text, strlen(text), 0, 0, g);
}

static void got_free(struct got *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->summary[i]);
}

static void assert_event(const struct got *g, int i, int32_t first,
			 int32_t end, enum ics_day_kind kind)
{
	assert_true(i < g->n);
	assert_int_equal(g->ev[i].first_day, first);
	assert_int_equal(g->ev[i].end_day, end);
	assert_int_equal(g->ev[i].kind, kind);
}

/* Read one event from `props`; expect a day event of [first, end). */
static void assert_one(const char *text, int32_t utc_offset, int32_t first,
		       int32_t end, enum ics_day_kind kind)
{
	struct got g;

	read_mem(text, strlen(text), 0, utc_offset, &g);
	tu_assert_ok(g.rc, g.err);
	assert_int_equal(g.n, 1);
	assert_event(&g, 0, first, end, kind);
	got_free(&g);
}

/* ---- civil dates ------------------------------------------------------ */

static void test_civil_dates(void **state)
{
	int y, m, d;

	(void)state;
	/* Values from Python's datetime.date arithmetic. */
	assert_int_equal(day(1970, 1, 1), 0);
	assert_int_equal(day(1969, 12, 31), -1);
	assert_int_equal(day(2026, 10, 1), 20727);
	assert_int_equal(day(2000, 2, 29), 11016);
	assert_int_equal(day(1900, 1, 1), -25567);
	assert_int_equal(day(1, 1, 1), -719162);
	assert_int_equal(day(9999, 12, 31), 2932896);
	/* A day past the month's end carries over. */
	assert_int_equal(day(2026, 9, 31), day(2026, 10, 1));
	for (int32_t n = -719162; n <= 2932896; n += 997) {
		ics_days_to_civil(n, &y, &m, &d);
		assert_true(ics_date_valid(y, m, d));
		assert_int_equal(day(y, m, d), n);
	}
	ics_days_to_civil(day(2024, 2, 29), &y, &m, &d);
	assert_true(y == 2024 && m == 2 && d == 29);
	assert_true(ics_date_valid(2000, 2, 29));
	assert_false(ics_date_valid(1900, 2, 29));
	assert_false(ics_date_valid(2026, 2, 29));
	assert_false(ics_date_valid(2026, 4, 31));
	assert_false(ics_date_valid(2026, 13, 1));
	assert_false(ics_date_valid(2026, 0, 1));
	assert_false(ics_date_valid(2026, 1, 0));
	assert_false(ics_date_valid(0, 1, 1));
	assert_false(ics_date_valid(10000, 1, 1));
}

/* ---- the fixture ------------------------------------------------------ */

static void check_fixture(const struct got *g)
{
	static const struct {
		int m1, d1, m2, d2;   /* first and last date, 2026 */
		enum ics_day_kind kind;
		const char *summary;
		long line;
	} want[] = {
		{ 1, 1, 1, 3, ICS_DAY_OFF, "元旦(休)", 13 },
		{ 1, 4, 1, 4, ICS_DAY_WORK, "元旦(班)", 19 },
		{ 2, 14, 2, 14, ICS_DAY_WORK, "春节(班)", 24 },
		{ 2, 15, 2, 23, ICS_DAY_OFF, "春节(休)", 31 },
		{ 2, 28, 2, 28, ICS_DAY_WORK, "春节(班)", 42 },
		{ 4, 4, 4, 6, ICS_DAY_OFF, "清明(休)", 53 },
		{ 5, 1, 5, 5, ICS_DAY_OFF, "劳动节(休)", 59 },
		{ 5, 9, 5, 9, ICS_DAY_WORK, "劳动节(班)", 65 },
		{ 6, 19, 6, 21, ICS_DAY_OFF, "端午(休)", 71 },
		{ 9, 20, 9, 20, ICS_DAY_WORK, "国庆节(班)", 77 },
		{ 9, 25, 9, 27, ICS_DAY_OFF, "中秋(休)", 83 },
		{ 10, 1, 10, 7, ICS_DAY_OFF, "国庆节(休)", 89 },
		{ 10, 10, 10, 10, ICS_DAY_WORK, "国庆节(班)", 97 },
	};

	tu_assert_ok(g->rc, g->err);
	assert_int_equal(g->n, 13);
	assert_int_equal(g->ignored, 1);  /* 城管执法宣传日 */
	for (int i = 0; i < 13; i++) {
		assert_event(g, i, day(2026, want[i].m1, want[i].d1),
			     day(2026, want[i].m2, want[i].d2) + 1,
			     want[i].kind);
		assert_string_equal(g->summary[i], want[i].summary);
		assert_int_equal(g->ev[i].line, want[i].line);
	}
}

static void test_fixture_from_file(void **state)
{
	FILE *fp = fopen(FIXTURE, "rb");
	struct ics_reader r;
	struct got g;

	(void)state;
	if (!fp)
		fail_msg("cannot open %s (run from the repository root)",
			 FIXTURE);
	ics_init(&r, fp, FIXTURE);
	read_reader(&r, &g);
	check_fixture(&g);
	/* At the end it stays at the end. */
	{
		struct ics_event ev;

		assert_int_equal(ics_next(&r, &ev, &g.err), 0);
	}
	ics_free(&r);
	ics_free(&r);  /* twice is allowed */
	fclose(fp);
	got_free(&g);
}

static void test_fixture_from_memory(void **state)
{
	FILE *fp = fopen(FIXTURE, "rb");
	struct buf text = BUF_INIT;
	char chunk[512];
	size_t n;
	struct got g;

	(void)state;
	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		assert_int_equal(buf_append(&text, chunk, n), 0);
	fclose(fp);
	read_mem(text.data, text.len, 0, 0, &g);
	check_fixture(&g);
	got_free(&g);
	/* The same without CRs and without the final line end. */
	{
		struct buf lf = BUF_INIT;

		for (size_t i = 0; i < text.len; i++)
			if (text.data[i] != '\r')
				assert_int_equal(buf_putc(&lf, text.data[i]), 0);
		read_mem(lf.data, lf.len - 1, 0, 0, &g);
		check_fixture(&g);
		got_free(&g);
		buf_free(&lf);
	}
	buf_free(&text);
}

/* The shape of chinese-days' holidays.ics (written here): Apple and
 * Microsoft X- properties, a folded hex id, no line end at the end. */
static void test_chinese_days_shape(void **state)
{
	static const char text[] =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
		"PRODID:-//example//Days//CN\r\n"
		"TIMEZONE-ID:Asia/Shanghai\r\n"
		"BEGIN:VEVENT\r\n"
		"UID:0f0e0d0c-0000-4000-8000-000000000001\r\n"
		"SEQUENCE:0\r\n"
		"DTSTAMP:20260305T110113\r\n"
		"DTSTART;VALUE=DATE:20261001\r\n"
		"DTEND;VALUE=DATE:20261008\r\n"
		"X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n"
		"SUMMARY:国庆节(休)\r\n"
		"DESCRIPTION:休\r\n"
		"CATEGORIES:节假日\r\n"
		"X-APPLE-SPECIAL-DAY:WORK-HOLIDAY\r\n"
		"X-APPLE-UNIVERSAL-ID:0123456789abcdef0123456789abcdef0123456789"
		"abcdef0123456789abcd\r\n ef0123\r\n"
		"CLASS:PUBLIC\r\n"
		"END:VEVENT\r\n"
		"END:VCALENDAR";

	(void)state;
	assert_one(text, 0, day(2026, 10, 1), day(2026, 10, 8), ICS_DAY_OFF);
}

/* ---- lines ------------------------------------------------------------ */

static void test_unfolding_and_line_ends(void **state)
{
	struct got g;

	(void)state;
	/* LF only, a tab continuation, a fold inside a UTF-8 sequence. */
	read_text("BEGIN:VCALENDAR\n"
		  "BEGIN:VEVENT\n"
		  "DTSTART;VALUE=DATE:2026\n"
		  "\t1001\n"
		  "SUMMARY:国\xE5\xBA\n"
		  " \x86节(休)\n"
		  "END:VEVENT\n"
		  "END:VCALENDAR\n", &g);
	tu_assert_ok(g.rc, g.err);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.summary[0], "国庆节(休)");
	assert_event(&g, 0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
	got_free(&g);

	/* Lone CRs as line ends; blank lines; a byte-order mark. */
	read_text("\xEF\xBB\xBF" "BEGIN:VCALENDAR\r\r"
		  "BEGIN:VEVENT\rDTSTART:20261010\r"
		  "SUMMARY:补\r (班)\rEND:VEVENT\r\n\r\nEND:VCALENDAR\r\n\r\n",
		  &g);
	tu_assert_ok(g.rc, g.err);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.summary[0], "补(班)");
	assert_int_equal(g.ev[0].kind, ICS_DAY_WORK);
	assert_int_equal(g.ev[0].line, 3);
	got_free(&g);

	/* Line numbers count physical lines, folded ones included. */
	read_text("BEGIN:VCALENDAR\r\n"
		  "X-LONG:a\r\n b\r\n c\r\n"
		  "BEGIN:VEVENT\r\nDTSTART:20261001\r\nSUMMARY:休\r\n"
		  "END:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:2026100x\r\n"
		  "END:VEVENT\r\nEND:VCALENDAR\r\n", &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ev[0].line, 5);
	tu_assert_err(g.rc, g.err, UG_EINVAL, "DTSTART");
	tu_assert_contains(g.err.message, NAME ":10: DTSTART: bad date");
	assert_int_equal(g.line, 10);
	got_free(&g);
}

static void test_line_limit(void **state)
{
	struct buf text = BUF_INIT;
	struct got g;
	size_t limit = 64, prefix;

	(void)state;
	/* A SUMMARY line of exactly `limit` bytes passes, one more fails. */
	buf_puts(&text, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
			"DTSTART:20261001\r\n");
	prefix = text.len;
	buf_puts(&text, "SUMMARY:(休)");
	while (text.len - prefix < limit)
		buf_putc(&text, 'x');
	buf_puts(&text, "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
	read_mem(text.data, text.len, limit, 0, &g);
	tu_assert_ok(g.rc, g.err);
	assert_int_equal(g.n, 1);
	got_free(&g);
	read_mem(text.data, text.len, limit - 1, 0, &g);
	tu_assert_err(g.rc, g.err, UG_ETOOBIG, NULL);
	tu_assert_contains(g.err.message, NAME ":4: content line longer "
					  "than 63 bytes");
	got_free(&g);

	/* The default limit, reached through folding: the error names the
	 * line the content line starts on. */
	buf_reset(&text);
	buf_puts(&text, "BEGIN:VCALENDAR\r\nX-BIG:");
	for (int i = 0; i < 200; i++)
		buf_puts(&text, "0123456789012345678901234567890123456789"
				"0123456789\r\n ");
	buf_puts(&text, "end\r\nEND:VCALENDAR\r\n");
	read_mem(text.data, text.len, 0, 0, &g);
	tu_assert_err(g.rc, g.err, UG_ETOOBIG, NULL);
	tu_assert_contains(g.err.message, NAME ":2: content line longer "
					  "than 8192 bytes");
	assert_int_equal(g.line, 2);
	got_free(&g);
	buf_free(&text);
}

/* ---- parameters and dates -------------------------------------------- */

static void test_parameters(void **state)
{
	(void)state;
	/* Names are case-insensitive; quoted values may hold ; : and ,;
	 * parameters may have several values; unknown ones are skipped. */
	assert_one(CAL("begin:vevent\r\n"
		       "dtstart;x-note=\"a;b:c,d\";value=date:20261001\r\n"
		       "Dtend;X-A=1,\"2:3\",4;VALUE=DATE:20261003\r\n"
		       "summary;language=zh-CN:(休)\r\nend:Vevent\r\n"),
		   0, day(2026, 10, 1), day(2026, 10, 3), ICS_DAY_OFF);
	/* A TZID is not resolved: the written date counts. */
	assert_one(CAL(EV("DTSTART;TZID=\"Asia/Shanghai\":20261001T080000\r\n"
			  "DTEND;TZID=Asia/Shanghai:20261001T170000\r\n"
			  "SUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
	/* VALUE=DATE-TIME spelt out. */
	assert_one(CAL(EV("DTSTART;VALUE=DATE-TIME:20261001T000000\r\n"
			  "SUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
}

static void test_event_dates(void **state)
{
	(void)state;
	/* DATE: no DTEND is one day; DTEND is exclusive; DURATION adds. */
	assert_one(CAL(EV("DTSTART;VALUE=DATE:20261010\r\nSUMMARY:班\r\n")),
		   0, day(2026, 10, 10), day(2026, 10, 11), ICS_DAY_WORK);
	assert_one(CAL(EV("DTSTART;VALUE=DATE:20261001\r\n"
			  "DTEND;VALUE=DATE:20261002\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART;VALUE=DATE:20260101\r\nDURATION:P3D\r\n"
			  "SUMMARY:休\r\n")),
		   0, day(2026, 1, 1), day(2026, 1, 4), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART;VALUE=DATE:20260101\r\nDURATION:+P1W\r\n"
			  "SUMMARY:休\r\n")),
		   0, day(2026, 1, 1), day(2026, 1, 8), ICS_DAY_OFF);
	/* Across a year and a leap day. */
	assert_one(CAL(EV("DTSTART;VALUE=DATE:20231231\r\n"
			  "DTEND;VALUE=DATE:20240302\r\nSUMMARY:休\r\n")),
		   0, day(2023, 12, 31), day(2024, 3, 2), ICS_DAY_OFF);
	/* DATE-TIME: the dates touched by [start, end). */
	assert_one(CAL(EV("DTSTART:20261001T090000\r\n"
			  "DTEND:20261001T170000\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART:20261001T000000\r\n"
			  "DTEND:20261008T000000\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 8), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART:20261001T220000\r\n"
			  "DTEND:20261003T000001\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 4), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART:20261001T120000\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART:20261001T120000\r\n"
			  "DTEND:20261001T120000\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART:20261001T080000\r\nDURATION:PT8H30M\r\n"
			  "SUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART:20261001T080000\r\n"
			  "DURATION:P1DT16H0M1S\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 4), ICS_DAY_OFF);
	/* UTC times move by utc_offset before the date is taken: 20:00Z on
	 * Sep 30 is Oct 1 in Beijing. */
	assert_one(CAL(EV("DTSTART:20260930T200000Z\r\n"
			  "DTEND:20261007T160000Z\r\nSUMMARY:休\r\n")),
		   8 * 3600, day(2026, 10, 1), day(2026, 10, 8), ICS_DAY_OFF);
	assert_one(CAL(EV("DTSTART:20260930T200000Z\r\n"
			  "DTEND:20261007T160000Z\r\nSUMMARY:休\r\n")),
		   0, day(2026, 9, 30), day(2026, 10, 8), ICS_DAY_OFF);
	/* A leap second is a valid time. */
	assert_one(CAL(EV("DTSTART:20161231T235960Z\r\nSUMMARY:休\r\n")),
		   0, day(2017, 1, 1), day(2017, 1, 2), ICS_DAY_OFF);
	/* The DTSTART inside a VTIMEZONE is not an event's. */
	assert_one(CAL("BEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\n"
		       "DTSTART:19700101T000000\r\nEND:STANDARD\r\n"
		       "END:VTIMEZONE\r\n"
		       EV("DTSTART;VALUE=DATE:20261001\r\nSUMMARY:休\r\n")),
		   0, day(2026, 10, 1), day(2026, 10, 2), ICS_DAY_OFF);
}

/* ---- SUMMARY ---------------------------------------------------------- */

static void test_summary_text(void **state)
{
	struct got g;

	(void)state;
	read_text(CAL(EV("DTSTART:20261001\r\n"
			 "SUMMARY:a\\,b\\;c\\\\d\\ne\\Nf (休)\r\n")), &g);
	tu_assert_ok(g.rc, g.err);
	assert_string_equal(g.summary[0], "a,b;c\\d\ne\nf (休)");
	got_free(&g);
	/* An escaped marker is still the marker once decoded. */
	read_text(CAL(EV("DTSTART:20261001\r\nSUMMARY:x\\,(班)\r\n")), &g);
	tu_assert_ok(g.rc, g.err);
	assert_int_equal(g.ev[0].kind, ICS_DAY_WORK);
	got_free(&g);
}

static void test_day_markers(void **state)
{
	static const struct {
		const char *summary;
		int kind;  /* 0: skipped */
	} cases[] = {
		{ "元旦(休)", ICS_DAY_OFF },
		{ "国庆节（休）", ICS_DAY_OFF },       /* full-width */
		{ "National Day(Holiday)", ICS_DAY_OFF },
		{ "春节(班)", ICS_DAY_WORK },
		{ "春节（班）", ICS_DAY_WORK },
		{ "National Day(Workday)", ICS_DAY_WORK },
		{ "调休", ICS_DAY_OFF },              /* bare characters */
		{ "周六上班", ICS_DAY_WORK },
		{ "调休上班", 0 },                    /* both: ambiguous */
		{ "(休)(班)", 0 },
		{ "补班(休)", ICS_DAY_OFF },          /* the marker wins */
		{ "城管执法宣传日", 0 },
		{ "holiday", 0 },
		{ "", 0 },
	};
	struct buf text = BUF_INIT;
	struct got g;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_reset(&text);
		buf_printf(&text, CAL(EV("DTSTART:20261001\r\nSUMMARY:%s\r\n")),
			   cases[i].summary);
		read_text(text.data, &g);
		tu_assert_ok(g.rc, g.err);
		if (g.n != (cases[i].kind != 0) ||
		    (g.n && (int)g.ev[0].kind != cases[i].kind))
			fail_msg("\"%s\": expected kind %d", cases[i].summary,
				 cases[i].kind);
		assert_int_equal(g.ignored, cases[i].kind == 0);
		got_free(&g);
	}
	buf_free(&text);

	/* No SUMMARY, a cancelled holiday, a repeating event that is not a
	 * day event: all skipped and counted. */
	read_text(CAL(EV("DTSTART:20261001\r\n")
		      EV("DTSTART:20261002\r\nSUMMARY:休\r\n"
			 "STATUS:CANCELLED\r\n")
		      EV("DTSTART:20261005\r\nSUMMARY:例会\r\n"
			 "RRULE:FREQ=WEEKLY\r\n")
		      EV("DTSTART:20261003\r\nSUMMARY:休\r\n"
			 "STATUS:CONFIRMED\r\n")), &g);
	tu_assert_ok(g.rc, g.err);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ignored, 3);
	assert_event(&g, 0, day(2026, 10, 3), day(2026, 10, 4), ICS_DAY_OFF);
	got_free(&g);
}

static void test_several_calendars(void **state)
{
	struct got g;

	(void)state;
	read_text(CAL(EV("DTSTART:20261001\r\nSUMMARY:休\r\n"))
		  CAL(EV("DTSTART:20261010\r\nSUMMARY:班\r\n")), &g);
	tu_assert_ok(g.rc, g.err);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ev[1].kind, ICS_DAY_WORK);
	assert_int_equal(g.ev[1].line, 10);
	got_free(&g);
}

/* ---- malformed input ------------------------------------------------- */

static void test_malformed(void **state)
{
	/* Events start on line 3 in CAL(EV(...)): BEGIN:VEVENT is line 3,
	 * its first property line 4. */
	static const struct {
		const char *text;
		int code;
		long line;
		const char *message;
	} cases[] = {
		/* dates */
		{ CAL(EV("DTSTART;VALUE=DATE:20260230\r\n")), UG_EINVAL, 4,
		  "DTSTART: bad date \"20260230\"" },
		{ CAL(EV("DTSTART:20261301\r\n")), UG_EINVAL, 4, "bad date" },
		{ CAL(EV("DTSTART:2026101\r\n")), UG_EINVAL, 4, "bad date" },
		{ CAL(EV("DTSTART:00000101\r\n")), UG_EINVAL, 4, "bad date" },
		{ CAL(EV("DTSTART:20261001T250000\r\n")), UG_EINVAL, 4,
		  "bad date" },
		{ CAL(EV("DTSTART:20261001T126000\r\n")), UG_EINVAL, 4,
		  "bad date" },
		{ CAL(EV("DTSTART:20261001T120000X\r\n")), UG_EINVAL, 4,
		  "bad date" },
		{ CAL(EV("DTSTART:20261001 120000\r\n")), UG_EINVAL, 4,
		  "bad date" },
		{ CAL(EV("DTSTART:2026-10-01\r\n")), UG_EINVAL, 4, "bad date" },
		{ CAL(EV("DTSTART;VALUE=DATE:20261001T000000\r\n")),
		  UG_EINVAL, 4, "VALUE parameter does not match" },
		{ CAL(EV("DTSTART;VALUE=DATE-TIME:20261001\r\n")),
		  UG_EINVAL, 4, "VALUE parameter does not match" },
		{ CAL(EV("DTSTART;VALUE=PERIOD:20261001\r\n")),
		  UG_EINVAL, 4, "VALUE parameter does not match" },
		{ CAL(EV("DTSTART:20261001\r\nDTEND:20260930\r\n")),
		  UG_EINVAL, 6, "the VEVENT of line 3 ends before it starts" },
		{ CAL(EV("DTSTART:20261001\r\nDTEND:20261001\r\n")),
		  UG_EINVAL, 6, "ends before it starts" },
		{ CAL(EV("DTSTART:20261001T100000\r\n"
			 "DTEND:20261001T090000\r\n")),
		  UG_EINVAL, 6, "ends before it starts" },
		{ CAL(EV("DTSTART:20261001\r\nDTEND:20261002T000000\r\n")),
		  UG_EINVAL, 6, "mixes a DATE and a DATE-TIME" },
		{ CAL(EV("DTSTART:20261001\r\nDTEND:20261002\r\n"
			 "DURATION:P1D\r\n")),
		  UG_EINVAL, 7, "both DTEND and DURATION" },
		{ CAL(EV("SUMMARY:休\r\n")), UG_EINVAL, 5,
		  "the VEVENT of line 3 has no DTSTART" },
		{ CAL(EV("DTSTART:99991231\r\nDURATION:P2D\r\n")),
		  UG_EINVAL, 6, "runs past the year 9999" },
		/* DURATION */
		{ CAL(EV("DTSTART:20261001\r\nDURATION:P\r\n")), UG_EINVAL, 5,
		  "DURATION: bad value \"P\"" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:PT\r\n")), UG_EINVAL,
		  5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:P1DT\r\n")), UG_EINVAL,
		  5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:P1H\r\n")), UG_EINVAL,
		  5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:-P1D\r\n")), UG_EINVAL,
		  5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:P1W2D\r\n")), UG_EINVAL,
		  5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:P1D1D\r\n")), UG_EINVAL,
		  5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:PT1S1M\r\n")),
		  UG_EINVAL, 5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:P1234567890D\r\n")),
		  UG_EINVAL, 5, "DURATION: bad value" },
		{ CAL(EV("DTSTART:20261001\r\nDURATION:1D\r\n")), UG_EINVAL,
		  5, "DURATION: bad value" },
		/* properties given twice, recurring day events */
		{ CAL(EV("DTSTART:20261001\r\nDTSTART:20261002\r\n")),
		  UG_EINVAL, 5, "DTSTART given twice" },
		{ CAL(EV("DTSTART:20261001\r\nSUMMARY:a\r\nSUMMARY:b\r\n")),
		  UG_EINVAL, 6, "SUMMARY given twice" },
		{ CAL(EV("DTSTART:20261001\r\nSUMMARY:休\r\n"
			 "RRULE:FREQ=YEARLY\r\n")),
		  UG_EINVAL, 7, "the VEVENT of line 3 repeats" },
		{ CAL(EV("DTSTART:20261001\r\nSUMMARY:休\r\n"
			 "RDATE:20271001\r\n")),
		  UG_EINVAL, 7, "repeats" },
		/* SUMMARY text */
		{ CAL(EV("DTSTART:20261001\r\nSUMMARY:a\\xb\r\n")), UG_EINVAL,
		  5, "SUMMARY: bad escape \"\\x\"" },
		{ CAL(EV("DTSTART:20261001\r\nSUMMARY:ab\\\r\n")), UG_EINVAL,
		  5, "SUMMARY ends in a lone backslash" },
		/* structure */
		{ CAL("BEGIN:VEVENT\r\nDTSTART:20261001\r\n"), UG_EINVAL, 5,
		  "END:VCALENDAR does not close BEGIN:VEVENT of line 3" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261001\r\n",
		  UG_EINVAL, 2,
		  "BEGIN:VEVENT is never closed (the input ends on line 4)" },
		{ "BEGIN:VCALENDAR\r\nVERSION:2.0", UG_EINVAL, 1,
		  "BEGIN:VCALENDAR is never closed" },
		{ CAL(EV("DTSTART:20261001\r\nEND:VTODO\r\n")), UG_EINVAL, 5,
		  "END:VTODO does not close BEGIN:VEVENT of line 3" },
		{ CAL("") "END:VEVENT\r\n", UG_EINVAL, 4,
		  "END:VEVENT without a BEGIN" },
		{ "VERSION:2.0\r\n" CAL(""), UG_EINVAL, 1,
		  "VERSION outside BEGIN:VCALENDAR" },
		{ "BEGIN:VEVENT\r\nEND:VEVENT\r\n", UG_EINVAL, 1,
		  "expected BEGIN:VCALENDAR, found BEGIN:VEVENT" },
		{ CAL("BEGIN:VCALENDAR\r\n"), UG_EINVAL, 3,
		  "VCALENDAR inside VCALENDAR" },
		{ CAL("BEGIN:VEVENT\r\nBEGIN:VEVENT\r\n"), UG_EINVAL, 4,
		  "VEVENT inside VEVENT" },
		{ CAL("BEGIN:VTIMEZONE\r\nBEGIN:VEVENT\r\n"), UG_EINVAL, 4,
		  "VEVENT inside VTIMEZONE" },
		{ CAL("BEGIN:A\r\nBEGIN:B\r\nBEGIN:C\r\nBEGIN:D\r\nBEGIN:E\r\n"
		      "BEGIN:F\r\nBEGIN:G\r\nBEGIN:H\r\n"), UG_EINVAL, 10,
		  "components nested deeper than 8" },
		{ CAL("BEGIN:\r\n"), UG_EINVAL, 3, "BEGIN: bad component name" },
		{ CAL("BEGIN:V EVENT\r\n"), UG_EINVAL, 3,
		  "BEGIN: bad component name" },
		{ "", UG_EINVAL, 1, "no BEGIN:VCALENDAR: not an iCalendar file" },
		{ "\r\n\r\n\n", UG_EINVAL, 4, "no BEGIN:VCALENDAR" },
		/* content-line syntax */
		{ CAL(EV("SUMMARY 休\r\n")), UG_EINVAL, 4,
		  "expected ':' after SUMMARY" },
		{ CAL(EV(":20261001\r\n")), UG_EINVAL, 4,
		  "expected a property name" },
		{ CAL(EV("DTSTART;VALUE:20261001\r\n")), UG_EINVAL, 4,
		  "bad parameter in DTSTART" },
		{ CAL(EV("DTSTART;=DATE:20261001\r\n")), UG_EINVAL, 4,
		  "bad parameter in DTSTART" },
		{ CAL(EV("DTSTART;TZID=\"Asia:20261001\r\n")), UG_EINVAL, 4,
		  "unterminated quoted parameter value" },
		{ CAL(EV("DTSTART;TZID=\"A\"x:20261001\r\n")), UG_EINVAL, 4,
		  "expected ':' after DTSTART;TZID=\"A\"" },
		{ CAL(EV("SUMMARY:\xFF\r\n")), UG_EINVAL, 4,
		  "content line is not valid UTF-8" },
		{ CAL(EV("SUMMARY:\xE5\xBA\r\n")), UG_EINVAL, 4,
		  "not valid UTF-8" },
		{ CAL(EV("SUMMARY:a\x01z\r\n")), UG_EINVAL, 4,
		  "control character 0x01" },
		{ CAL(EV("SUMMARY:a\x7Fz\r\n")), UG_EINVAL, 4,
		  "control character 0x7F" },
	};
	struct got g;
	char prefix[32];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		read_text(cases[i].text, &g);
		if (g.rc != -cases[i].code || !strstr(g.err.message,
						      cases[i].message))
			fail_msg("case %zu: rc %d, \"%s\", expected \"%s\"",
				 i, g.rc, g.err.message, cases[i].message);
		assert_int_equal(g.err.code, cases[i].code);
		snprintf(prefix, sizeof prefix, NAME ":%ld: ", cases[i].line);
		if (strncmp(g.err.message, prefix, strlen(prefix)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"",
				 i, g.err.message, prefix);
		assert_int_equal(g.line, cases[i].line);
		got_free(&g);
	}
}

/* A NUL byte inside a line (which strlen-based helpers cannot carry). */
static void test_nul_byte(void **state)
{
	static const char text[] = CAL(EV("SUMMARY:a\0b\r\n"));
	struct got g;

	(void)state;
	read_mem(text, sizeof text - 1, 0, 0, &g);
	tu_assert_err(g.rc, g.err, UG_EINVAL, NULL);
	tu_assert_contains(g.err.message, NAME ":4: content line is not "
					  "valid UTF-8");
	got_free(&g);
}

static void test_read_error(void **state)
{
	FILE *fp = fopen("/dev/null", "w");  /* reading it fails */
	struct ics_reader r;
	struct got g;

	(void)state;
	assert_non_null(fp);
	ics_init(&r, fp, NULL);
	read_reader(&r, &g);
	tu_assert_err(g.rc, g.err, UG_EIO, NULL);
	tu_assert_contains(g.err.message, "input:1: read error");
	ics_free(&r);
	fclose(fp);
}

/* Every allocation the reader makes fails in turn: each time the answer
 * is a clean UG_ENOMEM naming the input (ASan checks nothing leaks). */
static void test_out_of_memory(void **state)
{
	FILE *fp = fopen(FIXTURE, "rb");
	struct ics_reader r;
	struct got g;
	int nth, failures = 0;

	(void)state;
	assert_non_null(fp);
	for (nth = 1; nth < 100; nth++) {
		rewind(fp);
		ics_init(&r, fp, FIXTURE);
		fault_arm(FAULT_ALLOC, nth);
		read_reader(&r, &g);
		fault_arm(FAULT_ALLOC, 0);
		ics_free(&r);
		if (g.rc == 0) {
			check_fixture(&g);
			got_free(&g);
			break;
		}
		tu_assert_err(g.rc, g.err, UG_ENOMEM, NULL);
		tu_assert_contains(g.err.message, FIXTURE ":");
		got_free(&g);
		failures++;
	}
	fclose(fp);
	assert_true(failures >= 3);  /* line, names and summary buffers */
	assert_true(nth < 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_dates),
		cmocka_unit_test(test_fixture_from_file),
		cmocka_unit_test(test_fixture_from_memory),
		cmocka_unit_test(test_chinese_days_shape),
		cmocka_unit_test(test_unfolding_and_line_ends),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_event_dates),
		cmocka_unit_test(test_summary_text),
		cmocka_unit_test(test_day_markers),
		cmocka_unit_test(test_several_calendars),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests_name("ics", tests, NULL, NULL);
}
