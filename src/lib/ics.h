/*
 * ics.h - a streaming reader of the RFC 5545 iCalendar subset that holiday
 * calendars use (npm chinese-days dist/holidays.ics and the like): it hands
 * back, one VEVENT at a time, the dates an event covers and whether its
 * SUMMARY marks them as days off (休) or make-up workdays (班).  The working
 * calendar (domain/calendar/calendar.h) turns those into day overrides.
 */
#ifndef UG_ICS_H
#define UG_ICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/buf.h"
#include "lib/error.h"

/*
 * What is read
 * ------------
 * - Content lines end in CRLF, LF or a lone CR; a line that starts with a
 *   space or a tab continues the previous one (the space or tab is
 *   dropped).  The last line needs no line end.  Blank lines and a UTF-8
 *   byte-order mark at the start are skipped.  Every unfolded line must be
 *   valid UTF-8 without control characters other than tab and at most
 *   r->max_line bytes long.
 * - NAME *(;PARAM=VALUE[,VALUE...]) : VALUE, names case-insensitive,
 *   parameter values plain or "quoted" (quotes may hold ; : and ,).
 * - BEGIN/END must nest and match; the outermost component is VCALENDAR
 *   (several may follow one another); VEVENT may only sit directly in a
 *   VCALENDAR.  Properties of other components (VTIMEZONE, VALARM inside a
 *   VEVENT, ...) and unknown properties are checked for syntax and skipped.
 * - In a VEVENT: DTSTART (required), DTEND or DURATION, SUMMARY, STATUS,
 *   RRULE/RDATE (only noticed).  A property given twice is an error.
 *
 * Dates an event covers
 * ---------------------
 * Day numbers count days since 1970-01-01 (proleptic Gregorian, no time
 * zone: the date as written).  An event covers [first_day, end_day):
 * - DATE values (DTSTART;VALUE=DATE:20261001): DTEND is exclusive, as RFC
 *   5545 says, and must be after DTSTART; without DTEND or DURATION the
 *   event is one day long.  A DURATION (P3D, P1W, ...) is added to DTSTART.
 * - DATE-TIME values (20261001T090000, ...Z) are reduced to dates: the
 *   event covers every date its half-open interval [start, end) touches,
 *   so an end at midnight does not cover the next date; without an end (or
 *   with end == start) it covers the date of DTSTART.  A floating time or
 *   one with a TZID is taken as written (TZID is not resolved: right for a
 *   calendar published in the zone it is used in); a UTC time ("Z") is
 *   moved by r->utc_offset first.  DTEND must be of the same kind (DATE or
 *   DATE-TIME) as DTSTART and not before it.
 *
 * Which events count
 * ------------------
 * The SUMMARY (TEXT escapes \\ \; \, \n \N decoded) decides, in this order:
 * 1. a parenthesised marker, the form chinese-days uses: "(休)" / "（休）"
 *    or "(Holiday)" = day off, "(班)" / "（班）" or "(Workday)" = make-up
 *    workday (the English ones are what its holidays.en.ics uses);
 * 2. otherwise the bare characters: 休 = day off, 班 = workday.
 * A summary with markers of both kinds at the same step, or none at all,
 * and an event with STATUS:CANCELLED, is not a day event: it is skipped
 * and counted in r->ignored.  A day event that recurs (RRULE or RDATE) is
 * an error, since recurrences are not expanded and dropping a holiday
 * silently would make wrong deadlines.
 */

enum ics_day_kind {
	ICS_DAY_OFF = 1,  /* 休: no working hours on these dates */
	ICS_DAY_WORK = 2  /* 班: a make-up workday (usually a weekend) */
};

/* One day event.  summary points into the reader and stays valid until
 * the next ics_next() or ics_free(). */
struct ics_event {
	long line;              /* line of its BEGIN:VEVENT, 1-based */
	int32_t first_day;      /* first date covered (day number) */
	int32_t end_day;        /* the date after the last one covered */
	enum ics_day_kind kind;
	const char *summary;    /* decoded SUMMARY, UTF-8, never NULL */
};

#define ICS_MAX_LINE 8192  /* default r->max_line */
#define ICS_MAX_DEPTH 8    /* components nested deeper are refused */

/* The reader.  Callers may set max_line and utc_offset after ics_init*()
 * and before the first ics_next(); name, line, events and ignored may be
 * read at any time; the rest is private. */
struct ics_reader {
	const char *name;     /* input name for messages */
	long line;            /* first line of the current content line,
				 or the line an error names */
	size_t max_line;      /* bytes per unfolded content line */
	int32_t utc_offset;   /* seconds east of UTC for "Z" times; 0 */
	long events;          /* day events returned so far */
	long ignored;         /* VEVENTs skipped (not a day event) */

	FILE *fp;             /* the source: a stream ... */
	const unsigned char *mem; /* ... or memory */
	size_t mem_len, mem_pos;
	long next_line;       /* line the next physical line starts on */
	int lookahead;        /* byte read ahead, or ICS_NONE (private) */
	int calendars;        /* VCALENDAR objects opened */
	int depth;            /* open components */
	struct {
		long line;        /* its BEGIN line */
		size_t name;      /* offset of its name in `names` */
		int kind;         /* private enum in ics.c */
	} open[ICS_MAX_DEPTH];
	struct buf names;     /* open component names, NUL-terminated */
	struct buf text;      /* the current unfolded content line */
	struct buf summary;   /* SUMMARY of the VEVENT being read */
	struct ics_pending {  /* the VEVENT being read */
		unsigned seen;    /* bit per property, private */
		int start_is_date, end_is_date;
		int64_t start, end, duration; /* local seconds / seconds */
		int cancelled, recurs;
	} ev;
};

/* Start reading `fp` (not owned; read with getc()) or `len` bytes at
 * `data` (not copied: they must outlive the reader).  `name` (not copied)
 * is used in messages; NULL gives "input".  Neither can fail. */
void ics_init(struct ics_reader *r, FILE *fp, const char *name);
void ics_init_mem(struct ics_reader *r, const void *data, size_t len,
		  const char *name);

/* Read up to and including the next day event.  Returns 1 and fills *ev,
 * 0 at the end of the input (which must close every component and have
 * held at least one VCALENDAR), or a negative UG_E* code with err's
 * message starting "name:line: " (UG_EINVAL for malformed input,
 * UG_ETOOBIG for a line past max_line, UG_EIO for a read error, UG_ENOMEM).
 * After an error the reader may only be freed. */
int ics_next(struct ics_reader *r, struct ics_event *ev,
	     struct ug_error *err);

/* Release the reader's memory (not the stream).  Safe to call twice. */
void ics_free(struct ics_reader *r);

/* Civil dates as day numbers (days since 1970-01-01, proleptic Gregorian),
 * the arithmetic iCalendar dates need; domain/calendar/calendar.c uses the same
 * functions.  month is 1..12; day may be out of the month's range and then
 * carries over linearly.  No failure. */
int32_t ics_civil_to_days(int year, int month, int day);
void ics_days_to_civil(int32_t days, int *year, int *month, int *day);

/* 1 if year-month-day is a real date with 1 <= year <= 9999. */
int ics_date_valid(int year, int month, int day);

#endif
