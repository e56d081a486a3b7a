/*
 * fuzz_ics.c - libFuzzer target for the iCalendar reader (lib/ics.h),
 * which reads holiday calendars into the working calendar.
 *
 * Input: the file.  It is read three times: from memory, through
 * fmemopen() (the two sources must agree exactly) and from memory with a
 * small line limit (which may only stop the reading earlier, with
 * UG_ETOOBIG).  Events and errors are checked; then the events go through
 * calendar_config_add_ics() into a table whose answers are checked too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar/calendar.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/ics.h"
#include "lib/util.h"

#include "check.h"

#define NAME "fuzz.ics"
#define SMALL_LINE_LIMIT 64

/* What one pass read: each event's fields and summary, one after the
 * other, so passes can be compared byte for byte. */
struct pass {
	struct buf events;
	long count, ignored;
	int rc;              /* last ics_next() answer: 0 or negative */
	struct ug_error err;
};

static void check_event(const struct ics_event *ev, long last_line)
{
	size_t len = strlen(ev->summary);

	CHECK(ev->kind == ICS_DAY_OFF || ev->kind == ICS_DAY_WORK);
	CHECK(ev->first_day < ev->end_day);
	/* 0001-01-01 less a day (a UTC time moved west) .. 10000-01-01. */
	CHECK(ev->first_day >= ics_civil_to_days(1, 1, 1) - 1);
	CHECK(ev->end_day <= ics_civil_to_days(10000, 1, 1) + 1);
	CHECK(ev->line > last_line);
	CHECK(ug_utf8_valid(ev->summary, len));
}

static void read_pass(struct ics_reader *r, struct pass *p)
{
	struct ics_event ev;
	long last_line = 0;

	for (;;) {
		int rc = ics_next(r, &ev, &p->err);

		if (rc != 1) {
			p->rc = rc;
			break;
		}
		check_event(&ev, last_line);
		last_line = ev.line;
		p->count++;
		if (buf_append(&p->events, &ev.line, sizeof ev.line) ||
		    buf_append(&p->events, &ev.first_day,
			       sizeof ev.first_day) ||
		    buf_append(&p->events, &ev.end_day, sizeof ev.end_day) ||
		    buf_append(&p->events, &ev.kind, sizeof ev.kind) ||
		    buf_append(&p->events, ev.summary, strlen(ev.summary) + 1))
			abort();
	}
	CHECK(r->events == p->count);
	p->ignored = r->ignored;
	if (p->rc < 0) {
		char prefix[64];

		CHECK(p->err.code == -p->rc);
		CHECK(ug_utf8_valid(p->err.message, strlen(p->err.message)));
		/* Every error says where: "fuzz.ics:LINE: ". */
		snprintf(prefix, sizeof prefix, NAME ":%ld: ", r->line);
		CHECK(strncmp(p->err.message, prefix, strlen(prefix)) == 0);
		CHECK(strlen(p->err.message) > strlen(prefix));
	} else {
		CHECK(p->rc == 0);
		CHECK(p->err.code == 0);
		/* The end stays the end. */
		CHECK(ics_next(r, &ev, &p->err) == 0);
	}
}

static void read_memory(const uint8_t *data, size_t size, size_t max_line,
			struct pass *p)
{
	struct ics_reader r;

	memset(p, 0, sizeof *p);
	ics_init_mem(&r, data, size, NAME);
	if (max_line)
		r.max_line = max_line;
	r.utc_offset = CALENDAR_UTC_OFFSET_CHINA;
	read_pass(&r, p);
	ics_free(&r);
}

static void read_stream(const uint8_t *data, size_t size, struct pass *p)
{
	struct ics_reader r;
	char *copy;
	FILE *fp;

	memset(p, 0, sizeof *p);
	fp = fuzz_stream(data, size, &copy);
	ics_init(&r, fp, NAME);
	r.utc_offset = CALENDAR_UTC_OFFSET_CHINA;
	read_pass(&r, p);
	ics_free(&r);
	fuzz_stream_close(fp, copy);
}

static int same_pass(const struct pass *a, const struct pass *b)
{
	return a->rc == b->rc && a->count == b->count &&
	       a->ignored == b->ignored && a->events.len == b->events.len &&
	       (a->events.len == 0 ||
		memcmp(a->events.data, b->events.data, a->events.len) == 0) &&
	       strcmp(a->err.message, b->err.message) == 0;
}

/* Load the events into a 2024..2027 calendar and check its answers. */
static void check_calendar(const uint8_t *data, size_t size)
{
	struct calendar_config cfg;
	struct calendar *cal;
	struct ics_reader r;
	struct ug_error err;
	int64_t first, end, total, due, back;
	int added;

	calendar_config_init(&cfg, 2024, 2027);
	ics_init_mem(&r, data, size, NAME);
	added = calendar_config_add_ics(&cfg, &r, &err);
	ics_free(&r);
	if (added < 0) {
		CHECK(err.code == UG_EINVAL || err.code == UG_ECONFLICT ||
		      err.code == UG_ETOOBIG);
		CHECK(strncmp(err.message, NAME ":", strlen(NAME ":")) == 0);
		calendar_config_free(&cfg);
		return;
	}
	CHECK((size_t)added == cfg.noverrides);
	for (size_t i = 1; i < cfg.noverrides; i++)
		CHECK(cfg.overrides[i - 1].date < cfg.overrides[i].date);
	CHECK(calendar_build(&cfg, &cal, &err) == 0);
	calendar_range(cal, &first, &end);
	CHECK(calendar_elapsed_working(cal, first, end, &total, &err) == 0);
	/* At most 7.5 h on each of the 1461 days. */
	CHECK(total >= 0 && total <= 1461 * (int64_t)27000);
	if (total > 0) {
		CHECK(calendar_add_working(cal, first, total, &due, &err) == 0);
		CHECK(due > first && due <= end);
		CHECK(calendar_elapsed_working(cal, first, due, &back, &err) ==
		      0);
		CHECK(back == total);
		CHECK(calendar_add_working(cal, first, total + 1, &due,
					   &err) == -UG_EINVAL);
	}
	calendar_free(cal);
	calendar_config_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pass mem, stream, small;

	read_memory(data, size, 0, &mem);
	read_stream(data, size, &stream);
	CHECK(same_pass(&mem, &stream));

	/* The small limit can only cut the reading short, with UG_ETOOBIG. */
	read_memory(data, size, SMALL_LINE_LIMIT, &small);
	CHECK(small.count <= mem.count);
	CHECK(small.events.len <= mem.events.len);
	CHECK(small.events.len == 0 ||
	      memcmp(small.events.data, mem.events.data,
		     small.events.len) == 0);
	if (small.rc != -UG_ETOOBIG)
		CHECK(same_pass(&small, &mem));

	check_calendar(data, size);
	buf_free(&mem.events);
	buf_free(&stream.events);
	buf_free(&small.events);
	return 0;
}
