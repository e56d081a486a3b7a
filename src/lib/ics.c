/*
 * ics.c - streaming iCalendar reader for holiday calendars (see ics.h).
 *
 * Three layers, each a few short functions: bytes -> unfolded content lines
 * (ics_read_line), a content line -> name, VALUE parameter and value
 * (ics_parse_line), and the component state machine of ics_next().
 */
#include "lib/ics.h"

#include "lib/iso8601.h"

#include <stdarg.h>
#include <string.h>

#include "lib/util.h"

#define ICS_NONE (-2)           /* no byte read ahead (EOF is -1) */
#define SECS_PER_DAY 86400
#define EXCERPT_MAX 40          /* bytes of input quoted in a message */

enum ics_component { COMP_OTHER, COMP_VCALENDAR, COMP_VEVENT };

enum ics_value_type {
	VALUE_DEFAULT,   /* no VALUE parameter */
	VALUE_DATE,
	VALUE_DATE_TIME,
	VALUE_OTHER
};

/* Bits of ev.seen: properties that may occur once per VEVENT. */
enum {
	SEEN_DTSTART = 1u << 0,
	SEEN_DTEND = 1u << 1,
	SEEN_DURATION = 1u << 2,
	SEEN_SUMMARY = 1u << 3,
	SEEN_STATUS = 1u << 4
};

/* A parsed content line; pointers into r->text. */
struct ics_line {
	const char *name;
	size_t name_len;
	enum ics_value_type value_type;
	const char *value;  /* NUL-terminated: it runs to the end of text */
	size_t value_len;
};

/* SUMMARY markers, strongest step first (see "Which events count" in
 * ics.h).  kind values are bits so a step can see both kinds at once. */
static const struct ics_marker {
	const char *text;
	int kind;
	int step;
} ics_markers[] = {
	{ "(休)", ICS_DAY_OFF, 1 },
	{ "（休）", ICS_DAY_OFF, 1 },
	{ "(Holiday)", ICS_DAY_OFF, 1 },
	{ "(班)", ICS_DAY_WORK, 1 },
	{ "（班）", ICS_DAY_WORK, 1 },
	{ "(Workday)", ICS_DAY_WORK, 1 },
	{ "休", ICS_DAY_OFF, 2 },
	{ "班", ICS_DAY_WORK, 2 },
};

/* ---- small helpers ---------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ASCII case-insensitive comparison of s[0..n) with a literal. */
static int ics_ieq(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)lit[i];

		if (b == '\0')
			return 0;
		if (a >= 'a' && a <= 'z')
			a = (unsigned char)(a - 'a' + 'A');
		if (b >= 'a' && b <= 'z')
			b = (unsigned char)(b - 'a' + 'A');
		if (a != b)
			return 0;
	}
	return lit[n] == '\0';
}

static int is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Value of `n` decimal digits (the caller checked they are digits). */
static int digits_value(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* How many of the first n bytes of s (at most EXCERPT_MAX) can be quoted
 * in a message without cutting a UTF-8 sequence. */
static int excerpt_len(const char *s, size_t n)
{
	if (n <= EXCERPT_MAX)
		return (int)n;
	n = EXCERPT_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* Record an error about input line `line`: the message starts with
 * "name:line: ".  r->line is set to that line too.  The whole message
 * goes through ug_fail(), which keeps it valid UTF-8 when it is cut. */
static int ics_error(struct ics_reader *r, struct ug_error *err, int code,
		     long line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int ics_error(struct ics_reader *r, struct ug_error *err, int code,
		     long line, const char *field, const char *fmt, ...)
{
	char what[sizeof ((struct ug_error *)0)->message];
	va_list ap;

	r->line = line;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return ug_fail(err, code, field, "%s:%ld: %s", r->name, line, what);
}

static int ics_nomem(struct ics_reader *r, struct ug_error *err)
{
	return ics_error(r, err, UG_ENOMEM, r->line, NULL, "out of memory");
}

/* ---- civil dates ------------------------------------------------------ */

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the
 * proleptic Gregorian calendar, no tables, no loops. */
/* Civil-date arithmetic lives in lib/iso8601.c; these keep the reader's
 * int-typed interface. */
int32_t ics_civil_to_days(int year, int month, int day)
{
	return (int32_t)iso8601_days_from_civil(year, (unsigned)month,
						(unsigned)day);
}

void ics_days_to_civil(int32_t days, int *year, int *month, int *day)
{
	int64_t y;
	unsigned m, d;

	iso8601_civil_from_days(days, &y, &m, &d);
	*year = (int)y;
	*month = (int)m;
	*day = (int)d;
}

int ics_date_valid(int year, int month, int day)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int leap, max;

	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
		return 0;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	max = mdays[month - 1] + (month == 2 && leap);
	return day <= max;
}

/* ---- bytes -> content lines ------------------------------------------ */

void ics_init(struct ics_reader *r, FILE *fp, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fp = fp;
	r->name = name ? name : "input";
	r->next_line = 1;
	r->line = 1;
	r->max_line = ICS_MAX_LINE;
	r->lookahead = ICS_NONE;
}

void ics_init_mem(struct ics_reader *r, const void *data, size_t len,
		  const char *name)
{
	ics_init(r, NULL, name);
	r->mem = data;
	r->mem_len = data ? len : 0;
}

static int ics_getc(struct ics_reader *r)
{
	int c = r->lookahead;

	if (c != ICS_NONE) {
		r->lookahead = ICS_NONE;
		return c;
	}
	if (r->fp)
		return getc(r->fp);
	if (r->mem_pos < r->mem_len)
		return r->mem[r->mem_pos++];
	return EOF;
}

/* Read the next unfolded content line into r->text, r->line being the
 * physical line it starts on.  Returns 1, 0 at the end of the input, or a
 * negative code. */
static int ics_read_line(struct ics_reader *r, struct ug_error *err)
{
	int c;

	buf_reset(&r->text);
	r->line = r->next_line;
	for (c = ics_getc(r); c != EOF; c = ics_getc(r)) {
		if (c == '\r' || c == '\n') {
			if (c == '\r') {
				int d = ics_getc(r);

				if (d != '\n')
					r->lookahead = d;
			}
			r->next_line++;
			c = ics_getc(r);
			if (c == ' ' || c == '\t')
				continue;  /* folded: drop the blank */
			r->lookahead = c;
			return 1;
		}
		if (r->text.len >= r->max_line)
			return ics_error(r, err, UG_ETOOBIG, r->line, NULL,
					 "content line longer than %zu bytes",
					 r->max_line);
		if (buf_putc(&r->text, (char)c) != 0)
			return ics_nomem(r, err);
	}
	if (r->fp && ferror(r->fp))
		return ics_error(r, err, UG_EIO, r->line, NULL, "read error");
	/* The input ended: a last line without a line end still counts. */
	return r->text.len > 0;
}

/* Refuse what no content line may hold: bytes that are not UTF-8 (NUL
 * included) and control characters other than tab. */
static int ics_check_text(struct ics_reader *r, struct ug_error *err)
{
	const unsigned char *p = (const unsigned char *)r->text.data;

	if (!ug_utf8_valid(r->text.data, r->text.len))
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "content line is not valid UTF-8");
	for (size_t i = 0; i < r->text.len; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7F)
			return ics_error(r, err, UG_EINVAL, r->line, NULL,
					 "control character 0x%02X in a "
					 "content line", p[i]);
	return 0;
}

/* ---- content line -> name, parameters, value ------------------------ */

/* One parameter value, plain or quoted, starting at s[*i]; *i is left
 * after it. */
static int ics_skip_param_value(struct ics_reader *r, const char *s,
				size_t n, size_t *i, struct ug_error *err)
{
	if (*i < n && s[*i] == '"') {
		const char *close = memchr(s + *i + 1, '"', n - *i - 1);

		if (!close)
			return ics_error(r, err, UG_EINVAL, r->line, NULL,
					 "unterminated quoted parameter "
					 "value");
		*i = (size_t)(close - s) + 1;
		return 0;
	}
	while (*i < n && s[*i] != '"' && s[*i] != ';' && s[*i] != ':' &&
	       s[*i] != ',')
		(*i)++;
	return 0;
}

static enum ics_value_type ics_value_type(const char *v, size_t n)
{
	if (ics_ieq(v, n, "DATE"))
		return VALUE_DATE;
	if (ics_ieq(v, n, "DATE-TIME"))
		return VALUE_DATE_TIME;
	return VALUE_OTHER;
}

/* Split r->text into name *(";" param) ":" value, noting the VALUE
 * parameter (the only one the reader uses). */
static int ics_parse_line(struct ics_reader *r, struct ics_line *ln,
			  struct ug_error *err)
{
	const char *s = r->text.data;
	size_t n = r->text.len, i = 0;
	int rc;

	while (i < n && is_name_char(s[i]))
		i++;
	if (i == 0)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "expected a property name at the start of "
				 "the line");
	ln->name = s;
	ln->name_len = i;
	ln->value_type = VALUE_DEFAULT;
	while (i < n && s[i] == ';') {
		size_t pname = ++i, plen;

		while (i < n && is_name_char(s[i]))
			i++;
		plen = i - pname;
		if (plen == 0 || i >= n || s[i] != '=')
			return ics_error(r, err, UG_EINVAL, r->line, NULL,
					 "bad parameter in %.*s: expected "
					 "NAME=VALUE", (int)ln->name_len,
					 ln->name);
		i++;
		for (;;) {
			size_t v = i;

			if ((rc = ics_skip_param_value(r, s, n, &i, err)) < 0)
				return rc;
			if (ics_ieq(s + pname, plen, "VALUE"))
				ln->value_type = ics_value_type(s + v, i - v);
			if (i >= n || s[i] != ',')
				break;
			i++;
		}
	}
	if (i >= n || s[i] != ':')
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "expected ':' after %.*s",
				 excerpt_len(s, i), s);
	ln->value = s + i + 1;
	ln->value_len = n - i - 1;
	return 0;
}

/* ---- property values ------------------------------------------------- */

/* DTSTART / DTEND: DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS[Z]) as
 * seconds since 1970-01-01 00:00 of the local calendar. */
static int ics_parse_when(struct ics_reader *r, const struct ics_line *ln,
			  const char *prop, int *is_date, int64_t *secs,
			  struct ug_error *err)
{
	const char *v = ln->value;
	size_t n = ln->value_len;
	int y, mo, d, h = 0, mi = 0, s = 0, utc = 0;

	if ((n != 8 && n != 15 && n != 16))
		goto bad;
	for (int k = 0; k < 8; k++)
		if (!is_digit(v[k]))
			goto bad;
	y = digits_value(v, 4);
	mo = digits_value(v + 4, 2);
	d = digits_value(v + 6, 2);
	if (!ics_date_valid(y, mo, d))
		goto bad;
	*is_date = n == 8;
	if (n > 8) {
		if (v[8] != 'T')
			goto bad;
		for (int k = 9; k < 15; k++)
			if (!is_digit(v[k]))
				goto bad;
		h = digits_value(v + 9, 2);
		mi = digits_value(v + 11, 2);
		s = digits_value(v + 13, 2);
		if (h > 23 || mi > 59 || s > 60)  /* 60: a leap second */
			goto bad;
		if (n == 16 && v[15] != 'Z')
			goto bad;
		utc = n == 16;
	}
	if ((ln->value_type == VALUE_DATE && !*is_date) ||
	    (ln->value_type == VALUE_DATE_TIME && *is_date) ||
	    ln->value_type == VALUE_OTHER)
		return ics_error(r, err, UG_EINVAL, r->line, prop,
				 "%s: the VALUE parameter does not match "
				 "\"%.*s\"", prop, excerpt_len(v, n), v);
	*secs = (int64_t)ics_civil_to_days(y, mo, d) * SECS_PER_DAY +
		h * 3600 + mi * 60 + s + (utc ? r->utc_offset : 0);
	return 0;
bad:
	return ics_error(r, err, UG_EINVAL, r->line, prop,
			 "%s: bad date \"%.*s\" (expected YYYYMMDD or "
			 "YYYYMMDDTHHMMSS[Z])", prop, excerpt_len(v, n), v);
}

/* DURATION: [+]P nW, or P [nD] [T [nH] [nM] [nS]], in that order. */
static int ics_parse_duration(struct ics_reader *r, const struct ics_line *ln,
			      int64_t *secs, struct ug_error *err)
{
	static const struct {
		char unit;
		int in_time;
		int64_t secs;
	} units[] = {
		{ 'W', 0, 7 * SECS_PER_DAY }, { 'D', 0, SECS_PER_DAY },
		{ 'H', 1, 3600 }, { 'M', 1, 60 }, { 'S', 1, 1 },
	};
	const char *v = ln->value, *end = v + ln->value_len;
	int64_t total = 0;
	int next_unit = 0, in_time = 0, parts = 0, time_parts = 0;

	if (v < end && *v == '+')
		v++;
	if (v >= end || *v != 'P')
		goto bad;
	for (v++; v < end;) {
		int64_t num = 0;
		int nd = 0, u;

		if (*v == 'T' && !in_time) {
			in_time = 1;
			v++;
			continue;
		}
		for (; v < end && is_digit(*v) && nd < 9; v++, nd++)
			num = num * 10 + (*v - '0');
		if (nd == 0 || v >= end)
			goto bad;
		for (u = next_unit; u < 5; u++)
			if (units[u].unit == *v && units[u].in_time == in_time)
				break;
		/* A week stands alone; the others come in order, once. */
		if (u == 5 || (u == 0 && parts > 0))
			goto bad;
		next_unit = u == 0 ? 5 : u + 1;
		total += num * units[u].secs;
		parts++;
		time_parts += in_time;
		v++;
	}
	if (parts == 0 || (in_time && time_parts == 0))
		goto bad;
	*secs = total;
	return 0;
bad:
	return ics_error(r, err, UG_EINVAL, r->line, "DURATION",
			 "DURATION: bad value \"%.*s\" (expected e.g. P1D, "
			 "P1W, PT8H)", excerpt_len(ln->value, ln->value_len),
			 ln->value);
}

/* SUMMARY: TEXT with the escapes \\ \; \, \n \N decoded. */
static int ics_parse_summary(struct ics_reader *r, const struct ics_line *ln,
			     struct ug_error *err)
{
	const char *v = ln->value;
	size_t n = ln->value_len;

	buf_reset(&r->summary);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];

		if (c == '\\') {
			if (++i >= n)
				return ics_error(r, err, UG_EINVAL, r->line,
						 "SUMMARY", "SUMMARY ends in a "
						 "lone backslash");
			c = v[i];
			if (c == 'n' || c == 'N')
				c = '\n';
			else if (c != '\\' && c != ';' && c != ',')
				return ics_error(r, err, UG_EINVAL, r->line,
						 "SUMMARY", "SUMMARY: bad "
						 "escape \"\\%c\"", c > 0x20 &&
						 c < 0x7F ? c : '?');
		}
		if (buf_putc(&r->summary, c) != 0)
			return ics_nomem(r, err);
	}
	return 0;
}

/* ---- components ------------------------------------------------------ */

static int ics_begin(struct ics_reader *r, const struct ics_line *ln,
		     struct ug_error *err)
{
	const char *v = ln->value;
	size_t n = ln->value_len;
	enum ics_component kind = COMP_OTHER;
	const char *parent;

	for (size_t i = 0; i < n; i++)
		if (!is_name_char(v[i]))
			n = 0;
	if (n == 0)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "BEGIN: bad component name \"%.*s\"",
				 excerpt_len(v, ln->value_len), v);
	if (ics_ieq(v, n, "VCALENDAR"))
		kind = COMP_VCALENDAR;
	else if (ics_ieq(v, n, "VEVENT"))
		kind = COMP_VEVENT;
	parent = r->depth ? r->names.data + r->open[r->depth - 1].name : "";
	if (r->depth == 0 && kind != COMP_VCALENDAR)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "expected BEGIN:VCALENDAR, found BEGIN:%.*s",
				 excerpt_len(v, n), v);
	if (r->depth > 0 && kind == COMP_VCALENDAR)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "VCALENDAR inside %s", parent);
	if (kind == COMP_VEVENT && r->depth != 1)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "VEVENT inside %s (it belongs directly in "
				 "VCALENDAR)", parent);
	if (r->depth == ICS_MAX_DEPTH)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "components nested deeper than %d",
				 ICS_MAX_DEPTH);
	r->open[r->depth].line = r->line;
	r->open[r->depth].name = r->names.len;
	r->open[r->depth].kind = kind;
	if (buf_append(&r->names, v, n) != 0 || buf_putc(&r->names, '\0'))
		return ics_nomem(r, err);
	r->depth++;
	if (kind == COMP_VCALENDAR)
		r->calendars++;
	if (kind == COMP_VEVENT) {
		memset(&r->ev, 0, sizeof r->ev);
		buf_reset(&r->summary);
	}
	return 0;
}

/* END: close the innermost component; *kind and *begun tell which and
 * where it began. */
static int ics_end(struct ics_reader *r, const struct ics_line *ln,
		   int *kind, long *begun, struct ug_error *err)
{
	const char *top;

	if (r->depth == 0)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "END:%.*s without a BEGIN",
				 excerpt_len(ln->value, ln->value_len),
				 ln->value);
	top = r->names.data + r->open[r->depth - 1].name;
	if (!ics_ieq(ln->value, ln->value_len, top))
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "END:%.*s does not close BEGIN:%s of line %ld",
				 excerpt_len(ln->value, ln->value_len),
				 ln->value, top, r->open[r->depth - 1].line);
	r->depth--;
	*kind = r->open[r->depth].kind;
	*begun = r->open[r->depth].line;
	r->names.len = r->open[r->depth].name;
	r->names.data[r->names.len] = '\0';
	return 0;
}

/* Mark property `bit` seen in the current VEVENT; a second one is an
 * error. */
static int ics_once(struct ics_reader *r, unsigned bit, const char *prop,
		    struct ug_error *err)
{
	if (r->ev.seen & bit)
		return ics_error(r, err, UG_EINVAL, r->line, prop,
				 "%s given twice in one VEVENT", prop);
	r->ev.seen |= bit;
	return 0;
}

static int ics_event_property(struct ics_reader *r, const struct ics_line *ln,
			      struct ug_error *err)
{
	struct ics_pending *ev = &r->ev;
	int rc;

	if (ics_ieq(ln->name, ln->name_len, "DTSTART")) {
		if ((rc = ics_once(r, SEEN_DTSTART, "DTSTART", err)) < 0)
			return rc;
		return ics_parse_when(r, ln, "DTSTART", &ev->start_is_date,
				      &ev->start, err);
	}
	if (ics_ieq(ln->name, ln->name_len, "DTEND")) {
		if ((rc = ics_once(r, SEEN_DTEND, "DTEND", err)) < 0)
			return rc;
		return ics_parse_when(r, ln, "DTEND", &ev->end_is_date,
				      &ev->end, err);
	}
	if (ics_ieq(ln->name, ln->name_len, "DURATION")) {
		if ((rc = ics_once(r, SEEN_DURATION, "DURATION", err)) < 0)
			return rc;
		return ics_parse_duration(r, ln, &ev->duration, err);
	}
	if (ics_ieq(ln->name, ln->name_len, "SUMMARY")) {
		if ((rc = ics_once(r, SEEN_SUMMARY, "SUMMARY", err)) < 0)
			return rc;
		return ics_parse_summary(r, ln, err);
	}
	if (ics_ieq(ln->name, ln->name_len, "STATUS")) {
		if ((rc = ics_once(r, SEEN_STATUS, "STATUS", err)) < 0)
			return rc;
		ev->cancelled = ics_ieq(ln->value, ln->value_len, "CANCELLED");
		return 0;
	}
	if (ics_ieq(ln->name, ln->name_len, "RRULE") ||
	    ics_ieq(ln->name, ln->name_len, "RDATE"))
		ev->recurs = 1;
	return 0;
}

/* Day-event kind of a decoded SUMMARY, or 0 (see ics.h). */
static int ics_classify(const char *summary)
{
	for (int step = 1; step <= 2; step++) {
		int found = 0;

		for (size_t i = 0; i < sizeof ics_markers / sizeof ics_markers[0];
		     i++)
			if (ics_markers[i].step == step &&
			    strstr(summary, ics_markers[i].text))
				found |= ics_markers[i].kind;
		if (found == ICS_DAY_OFF || found == ICS_DAY_WORK)
			return found;
		if (found)
			return 0;  /* both kinds: ambiguous */
	}
	return 0;
}

/* The VEVENT begun on line `begun` has just been closed: check it and
 * reduce it to dates.  Returns 1 with *out filled for a day event, 0 for
 * an event that is skipped, or a negative code. */
static int ics_finish_event(struct ics_reader *r, long begun,
			    struct ics_event *out, struct ug_error *err)
{
	/* Past 9999-12-31 no date can be written, nor covered. */
	const int64_t last_secs =
		(int64_t)ics_civil_to_days(10000, 1, 1) * SECS_PER_DAY;
	struct ics_pending *ev = &r->ev;
	int64_t start = ev->start, end;
	int kind;

	if (!(ev->seen & SEEN_DTSTART))
		return ics_error(r, err, UG_EINVAL, r->line, "DTSTART",
				 "the VEVENT of line %ld has no DTSTART",
				 begun);
	if ((ev->seen & SEEN_DTEND) && (ev->seen & SEEN_DURATION))
		return ics_error(r, err, UG_EINVAL, r->line, "DTEND",
				 "the VEVENT of line %ld has both DTEND and "
				 "DURATION", begun);
	if (ev->seen & SEEN_DTEND) {
		if (ev->end_is_date != ev->start_is_date)
			return ics_error(r, err, UG_EINVAL, r->line, "DTEND",
					 "the VEVENT of line %ld mixes a DATE "
					 "and a DATE-TIME in DTSTART and DTEND",
					 begun);
		if (ev->end < start || (ev->start_is_date && ev->end == start))
			return ics_error(r, err, UG_EINVAL, r->line, "DTEND",
					 "the VEVENT of line %ld ends before "
					 "it starts (DTEND is exclusive)",
					 begun);
		end = ev->end;
	} else if (ev->seen & SEEN_DURATION) {
		end = start + ev->duration;
	} else {
		end = start + (ev->start_is_date ? SECS_PER_DAY : 0);
	}
	if (end > last_secs)
		return ics_error(r, err, UG_EINVAL, r->line, "DURATION",
				 "the VEVENT of line %ld runs past the year "
				 "9999", begun);
	kind = ev->cancelled ? 0 : ics_classify(buf_str(&r->summary));
	if (!kind) {
		r->ignored++;
		return 0;
	}
	if (ev->recurs)
		return ics_error(r, err, UG_EINVAL, r->line, "RRULE",
				 "the VEVENT of line %ld repeats (RRULE or "
				 "RDATE): list each date as its own event",
				 begun);
	out->line = begun;
	out->first_day = (int32_t)floor_div(start, SECS_PER_DAY);
	out->end_day = end > start ? (int32_t)(floor_div(end - 1,
							 SECS_PER_DAY) + 1)
				   : out->first_day + 1;
	out->kind = (enum ics_day_kind)kind;
	out->summary = buf_str(&r->summary);
	r->events++;
	return 1;
}

/* The input ended: every component must be closed. */
static int ics_at_end(struct ics_reader *r, struct ug_error *err)
{
	if (r->depth > 0)
		return ics_error(r, err, UG_EINVAL,
				 r->open[r->depth - 1].line, NULL,
				 "BEGIN:%s is never closed (the input ends "
				 "on line %ld)",
				 r->names.data + r->open[r->depth - 1].name,
				 r->next_line);
	if (r->calendars == 0)
		return ics_error(r, err, UG_EINVAL, r->line, NULL,
				 "no BEGIN:VCALENDAR: not an iCalendar file");
	return 0;
}

int ics_next(struct ics_reader *r, struct ics_event *ev,
	     struct ug_error *err)
{
	struct ics_line ln;
	int rc;

	for (;;) {
		if ((rc = ics_read_line(r, err)) <= 0)
			return rc < 0 ? rc : ics_at_end(r, err);
		/* Editors on Windows like to start UTF-8 files with a BOM. */
		if (r->line == 1 && r->text.len >= 3 &&
		    memcmp(r->text.data, "\xEF\xBB\xBF", 3) == 0) {
			memmove(r->text.data, r->text.data + 3,
				r->text.len - 2);
			r->text.len -= 3;
		}
		if (r->text.len == 0)
			continue;
		if ((rc = ics_check_text(r, err)) < 0 ||
		    (rc = ics_parse_line(r, &ln, err)) < 0)
			return rc;
		if (ics_ieq(ln.name, ln.name_len, "BEGIN")) {
			if ((rc = ics_begin(r, &ln, err)) < 0)
				return rc;
		} else if (ics_ieq(ln.name, ln.name_len, "END")) {
			int kind = COMP_OTHER;
			long begun = 0;

			if ((rc = ics_end(r, &ln, &kind, &begun, err)) < 0)
				return rc;
			if (kind == COMP_VEVENT &&
			    (rc = ics_finish_event(r, begun, ev, err)) != 0)
				return rc;
		} else if (r->depth == 0) {
			return ics_error(r, err, UG_EINVAL, r->line, NULL,
					 "%.*s outside BEGIN:VCALENDAR",
					 excerpt_len(ln.name, ln.name_len),
					 ln.name);
		} else if (r->open[r->depth - 1].kind == COMP_VEVENT) {
			if ((rc = ics_event_property(r, &ln, err)) < 0)
				return rc;
		}
	}
}

void ics_free(struct ics_reader *r)
{
	buf_free(&r->text);
	buf_free(&r->summary);
	buf_free(&r->names);
}
