/*
 * calendar.c - working-time calendar (see calendar.h for the rules).
 *
 * The table lists every working period of the range in time order with the
 * working seconds before it (cum[]), plus a per-day index.  Locating an
 * instant is O(1) through the day index; finding where n working seconds
 * end is a binary search over cum[].  Nothing steps through time.
 */
#include "domain/calendar/calendar.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault.h"

#define SECS_PER_DAY 86400

struct calendar {
	int32_t utc_offset;
	int32_t first_date;     /* local date of table day 0 */
	int32_t ndays;          /* days in the table */
	int32_t nworkdays;
	int64_t first, end;     /* the instants answered for (UTC) */
	size_t nperiods;
	int64_t *start;         /* [nperiods] UTC start of each period */
	int64_t *cum;           /* [nperiods + 1] W at each period's start;
				   cum[nperiods] is the total */
	int32_t *day_first;     /* [ndays + 1] first period of each day */
	int32_t *days_before;   /* [ndays + 1] working days before each day */
	int32_t *workdays;      /* [nworkdays] table day of each working day */
	int32_t *provisional;   /* [nprovisional] dates of provisional
				   overrides, ascending */
	size_t nprovisional;
	int first_year, nyears;
	unsigned char *year_provisional; /* [nyears] */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static enum calendar_weekday weekday_of(int32_t date)
{
	int64_t n = (int64_t)date + CALENDAR_THURSDAY; /* 1970-01-01 */

	return (enum calendar_weekday)(n - floor_div(n, 7) * 7);
}

/* "2026-10-01" into out (at least 16 bytes). */
static char *format_date(int32_t date, char *out, size_t size)
{
	int y, m, d;

	ics_days_to_civil(date, &y, &m, &d);
	snprintf(out, size, "%04d-%02d-%02d", y, m, d);
	return out;
}

/* ---- local time ------------------------------------------------------- */

int64_t calendar_utc_from_local(int32_t utc_offset, int year, int month,
				int day, int hour, int minute, int second)
{
	return (int64_t)ics_civil_to_days(year, month, day) * SECS_PER_DAY +
	       (int64_t)hour * 3600 + (int64_t)minute * 60 + second -
	       utc_offset;
}

char *calendar_format_local(int32_t utc_offset, int64_t t, char *out,
			    size_t size)
{
	/* Beyond +-3 million years the date would not fit a day number:
	 * such instants only reach here in messages about bad input. */
	const int64_t limit = INT64_C(100000000000000);
	int64_t local, days, secs;
	int y, mo, d;

	if (t > limit || t < -limit) {
		snprintf(out, size, "@%" PRId64, t);
		return out;
	}
	local = t + utc_offset;
	days = floor_div(local, SECS_PER_DAY);
	secs = local - days * SECS_PER_DAY;
	ics_days_to_civil((int32_t)days, &y, &mo, &d);
	snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	return out;
}

/* ---- configuration ---------------------------------------------------- */

void calendar_config_init(struct calendar_config *cfg, int first_year,
			  int last_year)
{
	static const struct calendar_day standard = {
		2, { { 8 * 3600 + 1800, 12 * 3600 },
		     { 13 * 3600 + 1800, 17 * 3600 + 1800 } }
	};

	memset(cfg, 0, sizeof *cfg);
	cfg->utc_offset = CALENDAR_UTC_OFFSET_CHINA;
	cfg->first_year = first_year;
	cfg->last_year = last_year;
	for (int wd = CALENDAR_MONDAY; wd <= CALENDAR_FRIDAY; wd++)
		cfg->week[wd] = standard;
	cfg->workday = standard;
}

/* "08:30" for seconds after midnight (24:00 allowed) into out (8 bytes). */
static char *format_clock(int32_t secs, char out[8])
{
	snprintf(out, 8, "%02d:%02d", (int)(secs / 3600) % 100,
		 (int)(secs / 60 % 60));
	return out;
}

int calendar_day_check(const struct calendar_day *day, const char *field,
		       struct ug_error *err)
{
	char a[8], b[8], c[8], d[8];

	if (day->count < 0 || day->count > CALENDAR_MAX_PERIODS)
		return ug_fail(err, UG_EINVAL, field,
			       "%s: %d working periods (at most %d)", field,
			       day->count, CALENDAR_MAX_PERIODS);
	for (int i = 0; i < day->count; i++) {
		const struct calendar_period *p = &day->period[i];
		const struct calendar_period *q = &day->period[i > 0 ? i - 1 : 0];

		if (p->start < 0 || p->end > SECS_PER_DAY)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: period %d lies outside the day "
				       "(00:00 to 24:00)", field, i + 1);
		if (p->start >= p->end)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: period %d (%s-%s) must end after "
				       "it starts", field, i + 1,
				       format_clock(p->start, a),
				       format_clock(p->end, b));
		if (i > 0 && p->start < q->start)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: period %d (%s-%s) comes before "
				       "period %d (%s-%s): give the periods "
				       "in order of the day", field, i + 1,
				       format_clock(p->start, a),
				       format_clock(p->end, b), i,
				       format_clock(q->start, c),
				       format_clock(q->end, d));
		if (i > 0 && p->start < q->end)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: period %d (%s-%s) overlaps period "
				       "%d (%s-%s)", field, i + 1,
				       format_clock(p->start, a),
				       format_clock(p->end, b), i,
				       format_clock(q->start, c),
				       format_clock(q->end, d));
	}
	return 0;
}

/* "HH:MM" (H or HH) at p, spaces before it skipped.  Returns the end, or
 * NULL: *bad_time is then 1 for a well-formed time that is not one of the
 * day (25:00, 24:30), else 0. */
static const char *parse_clock(const char *p, int32_t *secs, int *bad_time)
{
	int h = 0, m, nd = 0;

	*bad_time = 0;
	while (*p == ' ')
		p++;
	for (; *p >= '0' && *p <= '9' && nd < 2; p++, nd++)
		h = h * 10 + (*p - '0');
	if (nd == 0 || p[0] != ':' || p[1] < '0' || p[1] > '9' ||
	    p[2] < '0' || p[2] > '9')
		return NULL;
	m = (p[1] - '0') * 10 + (p[2] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0)) {
		*bad_time = 1;
		return NULL;
	}
	*secs = h * 3600 + m * 60;
	return p + 3;
}

int calendar_day_parse(struct calendar_day *day, const char *text,
		       const char *field, struct ug_error *err)
{
	struct calendar_day d;
	const char *p = text;
	int rc, bad_time = 0;

	memset(&d, 0, sizeof d);
	while (*p == ' ')
		p++;
	while (*p) {
		struct calendar_period per;
		const char *item = p;

		if (d.count == CALENDAR_MAX_PERIODS)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: more than %d periods in \"%s\"",
				       field, CALENDAR_MAX_PERIODS, text);
		p = parse_clock(p, &per.start, &bad_time);
		if (p) {
			while (*p == ' ')
				p++;
			p = *p == '-' ? parse_clock(p + 1, &per.end, &bad_time)
				      : NULL;
		}
		if (p)
			while (*p == ' ')
				p++;
		if (bad_time)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: period %d (\"%.*s\") has a time "
				       "outside the day (00:00 to 24:00)",
				       field, d.count + 1,
				       (int)strcspn(item, ","), item);
		if (!p || (*p != ',' && *p != '\0'))
			return ug_fail(err, UG_EINVAL, field,
				       "%s: expected HH:MM-HH:MM[,...] in "
				       "\"%s\"", field, text);
		d.period[d.count++] = per;
		if (*p == ',')
			p++;
		if (*p == '\0' && p[-1] == ',')
			return ug_fail(err, UG_EINVAL, field,
				       "%s: trailing comma in \"%s\"", field,
				       text);
	}
	if ((rc = calendar_day_check(&d, field, err)) < 0)
		return rc;
	*day = d;
	return 0;
}

char *calendar_day_format(const struct calendar_day *day, char *out,
			  size_t size)
{
	size_t n = 0;
	char a[8], b[8];

	if (size)
		out[0] = '\0';
	for (int i = 0; i < day->count && n < size; i++) {
		int k = snprintf(out + n, size - n, "%s%s-%s", i ? "," : "",
				 format_clock(day->period[i].start, a),
				 format_clock(day->period[i].end, b));

		if (k < 0)
			break;
		n += (size_t)k;
	}
	return out;
}

static int check_years(const struct calendar_config *cfg,
		       struct ug_error *err)
{
	if (cfg->first_year < CALENDAR_MIN_YEAR ||
	    cfg->last_year > CALENDAR_MAX_YEAR ||
	    cfg->first_year > cfg->last_year ||
	    cfg->last_year - cfg->first_year >= CALENDAR_MAX_YEARS)
		return ug_fail(err, UG_EINVAL, "years",
			       "years %d..%d: must be in order, within "
			       "%d..%d and at most %d of them",
			       cfg->first_year, cfg->last_year,
			       CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR,
			       CALENDAR_MAX_YEARS);
	return 0;
}

/* First date of the config's years and the date after the last. */
static void year_dates(const struct calendar_config *cfg, int32_t *lo,
		       int32_t *hi)
{
	*lo = ics_civil_to_days(cfg->first_year, 1, 1);
	*hi = ics_civil_to_days(cfg->last_year + 1, 1, 1);
}

int calendar_day_equal(const struct calendar_day *a,
		       const struct calendar_day *b)
{
	if (a->count != b->count)
		return 0;
	for (int i = 0; i < a->count; i++)
		if (a->period[i].start != b->period[i].start ||
		    a->period[i].end != b->period[i].end)
			return 0;
	return 1;
}

static const char *kind_name(enum calendar_day_kind kind)
{
	return kind == CALENDAR_DAY_OFF ? "a day off" : "a workday";
}

/* Index of the first override on or after `date`. */
static size_t override_index(const struct calendar_config *cfg, int32_t date)
{
	size_t lo = 0, hi = cfg->noverrides;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cfg->overrides[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int calendar_config_add_override(struct calendar_config *cfg, int32_t date,
				 enum calendar_day_kind kind,
				 const struct calendar_day *periods,
				 struct ug_error *err)
{
	struct calendar_override o;
	size_t lo;
	int32_t first, end;
	char when[32];
	int rc;

	if (kind != CALENDAR_DAY_OFF && kind != CALENDAR_WORKDAY)
		return ug_fail(err, UG_EINVAL, "kind",
			       "override kind %d is neither a day off nor a "
			       "workday", (int)kind);
	if (periods && kind != CALENDAR_WORKDAY)
		return ug_fail(err, UG_EINVAL, "periods",
			       "a day off has no working periods");
	if (periods && (rc = calendar_day_check(periods, "periods", err)) < 0)
		return rc;
	if ((rc = check_years(cfg, err)) < 0)
		return rc;
	year_dates(cfg, &first, &end);
	if (date < first || date >= end)
		return ug_fail(err, UG_EINVAL, "date",
			       "override %s is outside the years %d..%d",
			       format_date(date, when, sizeof when),
			       cfg->first_year, cfg->last_year);
	memset(&o, 0, sizeof o);
	o.date = date;
	o.kind = kind;
	if (periods) {
		o.own_periods = 1;
		o.periods.count = periods->count;
		memcpy(o.periods.period, periods->period,
		       (size_t)periods->count * sizeof periods->period[0]);
	}
	lo = override_index(cfg, date);
	if (lo < cfg->noverrides && cfg->overrides[lo].date == date) {
		const struct calendar_override *old = &cfg->overrides[lo];

		if (old->kind == kind && old->own_periods == o.own_periods &&
		    calendar_day_equal(&old->periods, &o.periods))
			return 0;
		return ug_fail(err, UG_ECONFLICT, "date",
			       "%s is already %s%s",
			       format_date(date, when, sizeof when),
			       kind_name(old->kind),
			       old->kind == kind ? " with other periods" : "");
	}
	if (cfg->noverrides == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 64;
		struct calendar_override *p;

		if (fault_should_fail(FAULT_ALLOC))
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		p = realloc(cfg->overrides, cap * sizeof *p);
		if (!p)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		cfg->overrides = p;
		cfg->cap = cap;
	}
	memmove(cfg->overrides + lo + 1, cfg->overrides + lo,
		(cfg->noverrides - lo) * sizeof *cfg->overrides);
	cfg->overrides[lo] = o;
	cfg->noverrides++;
	return 0;
}

const struct calendar_override *
calendar_config_find(const struct calendar_config *cfg, int32_t date)
{
	size_t i = override_index(cfg, date);

	return i < cfg->noverrides && cfg->overrides[i].date == date
		       ? &cfg->overrides[i]
		       : NULL;
}

int calendar_config_mark_provisional(struct calendar_config *cfg,
				     int32_t date, struct ug_error *err)
{
	size_t i = override_index(cfg, date);
	char when[32];

	if (i == cfg->noverrides || cfg->overrides[i].date != date)
		return ug_fail(err, UG_ENOTFOUND, "date",
			       "%s has no override to mark provisional",
			       format_date(date, when, sizeof when));
	cfg->overrides[i].provisional = 1;
	return 0;
}

int calendar_config_add_ics(struct calendar_config *cfg,
			    struct ics_reader *r, struct ug_error *err)
{
	size_t before = cfg->noverrides;
	struct ics_event ev;
	int32_t lo, hi;
	int rc;

	if ((rc = check_years(cfg, err)) < 0)
		return rc;
	year_dates(cfg, &lo, &hi);
	while ((rc = ics_next(r, &ev, err)) == 1) {
		enum calendar_day_kind kind = ev.kind == ICS_DAY_OFF
						      ? CALENDAR_DAY_OFF
						      : CALENDAR_WORKDAY;
		int32_t from = ev.first_day > lo ? ev.first_day : lo;
		int32_t to = ev.end_day < hi ? ev.end_day : hi;

		for (int32_t d = from; d < to; d++) {
			rc = calendar_config_add_override(cfg, d, kind, NULL,
							  err);
			if (rc < 0) {
				struct ug_error why = *err;

				return ug_fail(err, why.code, why.field,
					       "%s:%ld: %s (%s)", r->name,
					       ev.line, why.message,
					       ev.summary);
			}
		}
	}
	if (rc < 0)
		return rc;
	return (int)(cfg->noverrides - before);
}

void calendar_config_free(struct calendar_config *cfg)
{
	free(cfg->overrides);
	cfg->overrides = NULL;
	cfg->noverrides = cfg->cap = 0;
}

/* ---- building the table --------------------------------------------- */

static int check_config(const struct calendar_config *cfg,
			struct ug_error *err)
{
	static const char *const week_fields[7] = {
		"week[0]", "week[1]", "week[2]", "week[3]", "week[4]",
		"week[5]", "week[6]"
	};
	int rc;

	if (cfg->utc_offset < -CALENDAR_MAX_UTC_OFFSET ||
	    cfg->utc_offset > CALENDAR_MAX_UTC_OFFSET)
		return ug_fail(err, UG_EINVAL, "utc_offset",
			       "utc_offset %" PRId32 " s is beyond +-18 h",
			       cfg->utc_offset);
	if ((rc = check_years(cfg, err)) < 0)
		return rc;
	for (int wd = 0; wd < 7; wd++)
		if ((rc = calendar_day_check(&cfg->week[wd], week_fields[wd],
					     err)) < 0)
			return rc;
	if ((rc = calendar_day_check(&cfg->workday, "workday", err)) < 0)
		return rc;
	for (size_t i = 0; i < cfg->noverrides; i++) {
		const struct calendar_override *o = &cfg->overrides[i];

		if ((o->kind != CALENDAR_DAY_OFF &&
		     o->kind != CALENDAR_WORKDAY) ||
		    (i > 0 && o->date <= cfg->overrides[i - 1].date) ||
		    (o->own_periods &&
		     calendar_day_check(&o->periods, "override", NULL) < 0))
			return ug_fail(err, UG_EINVAL, "override",
				       "override %zu is invalid or out of "
				       "order (use "
				       "calendar_config_add_override())",
				       i + 1);
	}
	return 0;
}

/* The periods of `date` under its override o (NULL: none). */
static const struct calendar_day *
override_periods(const struct calendar_config *cfg,
		 const struct calendar_override *o, int32_t date)
{
	static const struct calendar_day none;

	if (!o)
		return &cfg->week[weekday_of(date)];
	if (o->kind == CALENDAR_DAY_OFF)
		return &none;
	return o->own_periods ? &o->periods : &cfg->workday;
}

/* The periods of `date`; *cursor walks cfg->overrides along ascending
 * dates. */
static const struct calendar_day *periods_of(const struct calendar_config *cfg,
					     int32_t date, size_t *cursor)
{
	while (*cursor < cfg->noverrides &&
	       cfg->overrides[*cursor].date < date)
		(*cursor)++;
	return override_periods(cfg,
				*cursor < cfg->noverrides &&
						cfg->overrides[*cursor].date ==
							date
					? &cfg->overrides[*cursor]
					: NULL,
				date);
}

const struct calendar_day *
calendar_config_periods(const struct calendar_config *cfg, int32_t date)
{
	return override_periods(cfg, calendar_config_find(cfg, date), date);
}

int calendar_build(const struct calendar_config *cfg, struct calendar **out,
		   struct ug_error *err)
{
	struct calendar *cal;
	size_t nperiods = 0, cursor = 0, size, k = 0, nprovisional = 0;
	int32_t first_date, end_date, ndays, nworkdays = 0;
	int nyears, rc;

	*out = NULL;
	if ((rc = check_config(cfg, err)) < 0)
		return rc;
	year_dates(cfg, &first_date, &end_date);
	ndays = end_date - first_date;
	for (int32_t d = 0; d < ndays; d++) {
		int n = periods_of(cfg, first_date + d, &cursor)->count;

		nperiods += (size_t)n;
		nworkdays += n > 0;
	}
	for (size_t i = 0; i < cfg->noverrides; i++)
		nprovisional += cfg->overrides[i].provisional &&
				cfg->overrides[i].date >= first_date &&
				cfg->overrides[i].date < end_date;
	nyears = cfg->last_year - cfg->first_year + 1;
	/* One block: the struct, then the int64 arrays, then the int32 ones,
	 * then the bytes (sizeof(struct calendar) is a multiple of 8). */
	size = sizeof *cal + nperiods * sizeof(int64_t) +
	       (nperiods + 1) * sizeof(int64_t) +
	       ((size_t)ndays + 1) * 2 * sizeof(int32_t) +
	       (size_t)nworkdays * sizeof(int32_t) +
	       nprovisional * sizeof(int32_t) + (size_t)nyears;
	if (fault_should_fail(FAULT_ALLOC) || !(cal = malloc(size)))
		return ug_fail(err, UG_ENOMEM, NULL,
			       "out of memory building the calendar");
	cal->utc_offset = cfg->utc_offset;
	cal->first_date = first_date;
	cal->ndays = ndays;
	cal->nworkdays = nworkdays;
	cal->first = (int64_t)first_date * SECS_PER_DAY - cfg->utc_offset;
	cal->end = (int64_t)end_date * SECS_PER_DAY - cfg->utc_offset;
	cal->nperiods = nperiods;
	cal->start = (int64_t *)(cal + 1);
	cal->cum = cal->start + nperiods;
	cal->day_first = (int32_t *)(cal->cum + nperiods + 1);
	cal->days_before = cal->day_first + ndays + 1;
	cal->workdays = cal->days_before + ndays + 1;
	cal->provisional = cal->workdays + nworkdays;
	cal->nprovisional = nprovisional;
	cal->first_year = cfg->first_year;
	cal->nyears = nyears;
	cal->year_provisional = (unsigned char *)(cal->provisional +
						  nprovisional);
	memcpy(cal->year_provisional, cfg->provisional_year, (size_t)nyears);
	nprovisional = 0;
	for (size_t i = 0; i < cfg->noverrides; i++)
		if (cfg->overrides[i].provisional &&
		    cfg->overrides[i].date >= first_date &&
		    cfg->overrides[i].date < end_date)
			cal->provisional[nprovisional++] =
				cfg->overrides[i].date;

	cursor = 0;
	nworkdays = 0;
	cal->cum[0] = 0;
	for (int32_t d = 0; d < ndays; d++) {
		const struct calendar_day *day =
			periods_of(cfg, first_date + d, &cursor);
		int64_t midnight = (int64_t)(first_date + d) * SECS_PER_DAY -
				   cfg->utc_offset;

		cal->day_first[d] = (int32_t)k;
		cal->days_before[d] = nworkdays;
		if (day->count > 0)
			cal->workdays[nworkdays++] = d;
		for (int i = 0; i < day->count; i++, k++) {
			cal->start[k] = midnight + day->period[i].start;
			cal->cum[k + 1] = cal->cum[k] + day->period[i].end -
					  day->period[i].start;
		}
	}
	cal->day_first[ndays] = (int32_t)k;
	cal->days_before[ndays] = nworkdays;
	*out = cal;
	return 0;
}

void calendar_free(struct calendar *cal)
{
	free(cal);
}

void calendar_range(const struct calendar *cal, int64_t *first,
		    int64_t *end)
{
	*first = cal->first;
	*end = cal->end;
}

/* ---- questions -------------------------------------------------------- */

int calendar_provisional_between(const struct calendar *cal, int64_t from,
				 int64_t to)
{
	int64_t a = floor_div(from + cal->utc_offset, SECS_PER_DAY);
	int64_t b = floor_div(to + cal->utc_offset, SECS_PER_DAY);
	size_t lo = 0, hi = cal->nprovisional;

	if (a > b) {
		int64_t t = a;

		a = b;
		b = t;
	}
	while (lo < hi) { /* the first provisional date >= a */
		size_t mid = lo + (hi - lo) / 2;

		if (cal->provisional[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cal->nprovisional && cal->provisional[lo] <= b;
}

int calendar_year_provisional(const struct calendar *cal, int year)
{
	if (year < cal->first_year || year >= cal->first_year + cal->nyears)
		return -1;
	return cal->year_provisional[year - cal->first_year];
}

static int64_t period_end(const struct calendar *cal, size_t i)
{
	return cal->start[i] + (cal->cum[i + 1] - cal->cum[i]);
}

/* Table day of instant t (in range): 0..ndays. */
static int32_t day_of(const struct calendar *cal, int64_t t)
{
	return (int32_t)(floor_div(t + cal->utc_offset, SECS_PER_DAY) -
			 cal->first_date);
}

static int out_of_range(const struct calendar *cal, int64_t t,
			const char *what, struct ug_error *err)
{
	char at[32], a[32], b[32];

	return ug_fail(err, UG_EINVAL, "calendar",
		       "%s %s is outside the working calendar (%s to %s, "
		       "UTC%+d s)", what,
		       calendar_format_local(cal->utc_offset, t, at, sizeof at),
		       calendar_format_local(cal->utc_offset, cal->first, a,
					     sizeof a),
		       calendar_format_local(cal->utc_offset, cal->end, b,
					     sizeof b),
		       (int)cal->utc_offset);
}

/* The answer would lie after the end of the table. */
static int past_end(const struct calendar *cal, struct ug_error *err)
{
	char b[32];

	return ug_fail(err, UG_EINVAL, "calendar",
		       "the due time falls after the end of the working "
		       "calendar (%s, UTC%+d s)",
		       calendar_format_local(cal->utc_offset, cal->end, b,
					     sizeof b),
		       (int)cal->utc_offset);
}

static int check_in_range(const struct calendar *cal, int64_t t,
			  const char *what, struct ug_error *err)
{
	if (t < cal->first || t > cal->end)
		return out_of_range(cal, t, what, err);
	return 0;
}

/* W(t) for t in range; *next is the period t is in, or else the first
 * one after t (nperiods if none): where the search for a later W starts. */
static int64_t position(const struct calendar *cal, int64_t t, size_t *next)
{
	int32_t d = day_of(cal, t);
	size_t i, iend;

	if (d >= cal->ndays) {  /* t is the very end of the range */
		*next = cal->nperiods;
		return cal->cum[cal->nperiods];
	}
	iend = (size_t)cal->day_first[d + 1];
	for (i = (size_t)cal->day_first[d]; i < iend; i++) {
		if (t < cal->start[i])
			break;
		if (t < period_end(cal, i)) {
			*next = i;
			return cal->cum[i] + (t - cal->start[i]);
		}
	}
	*next = i;
	return cal->cum[i];
}

int calendar_add_working(const struct calendar *cal, int64_t start,
			 int64_t seconds, int64_t *out, struct ug_error *err)
{
	size_t lo, hi;
	int64_t w, target;
	int rc;

	if (seconds < 0)
		return ug_fail(err, UG_EINVAL, "amount",
			       "a negative time limit (%" PRId64 " s)",
			       seconds);
	if ((rc = check_in_range(cal, start, "the start", err)) < 0)
		return rc;
	if (seconds == 0) {
		*out = start;
		return 0;
	}
	w = position(cal, start, &lo);
	if (seconds > cal->cum[cal->nperiods] - w)
		return past_end(cal, err);
	target = w + seconds;
	/* The first period j >= lo whose end reaches target: cum[j + 1] >=
	 * target.  It exists (target <= the total) and j >= lo because
	 * cum[lo] <= w < target.  Limits are mostly hours or days, so gallop
	 * forward from lo to bracket j (O(log distance)), then bisect. */
	hi = lo;
	for (size_t step = 1; hi < cal->nperiods - 1 &&
			      cal->cum[hi + 1] < target; step *= 2) {
		lo = hi + 1;
		hi = step < cal->nperiods - 1 - hi ? hi + step
						   : cal->nperiods - 1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->cum[mid + 1] >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	*out = cal->start[lo] + (target - cal->cum[lo]);
	return 0;
}

int calendar_add_working_days(const struct calendar *cal, int64_t start,
			      int64_t days, int64_t *out,
			      struct ug_error *err)
{
	int64_t s, due;
	int32_t d, r;
	size_t i, iend;
	int rc;

	if (days < 0)
		return ug_fail(err, UG_EINVAL, "amount",
			       "a negative time limit (%" PRId64 " days)",
			       days);
	if ((rc = check_in_range(cal, start, "the start", err)) < 0)
		return rc;
	if (days == 0) {
		*out = start;
		return 0;
	}
	/* 1. Inside a period of its own date (ends included) the start
	 * stays; otherwise it moves to the start of the next period. */
	d = day_of(cal, start);
	i = d < cal->ndays ? (size_t)cal->day_first[d] : cal->nperiods;
	iend = d < cal->ndays ? (size_t)cal->day_first[d + 1] : i;
	while (i < iend && start > period_end(cal, i))
		i++;
	if (i == cal->nperiods)
		return past_end(cal, err);
	s = start < cal->start[i] ? cal->start[i] : start;
	d = day_of(cal, s);
	/* 2. The days-th working day after d. */
	if (days > cal->nworkdays - cal->days_before[d + 1])
		return past_end(cal, err);
	r = cal->workdays[cal->days_before[d + 1] + days - 1];
	/* 3. The same time of day, kept inside r's periods. */
	due = s + (int64_t)(r - d) * SECS_PER_DAY;
	iend = (size_t)cal->day_first[r + 1];
	for (i = (size_t)cal->day_first[r]; i < iend; i++) {
		if (due < cal->start[i]) {
			due = cal->start[i];
			break;
		}
		if (due <= period_end(cal, i))
			break;
	}
	if (i == iend)
		due = period_end(cal, iend - 1);
	*out = due;
	return 0;
}

int calendar_add_natural(int64_t start, int64_t seconds, int64_t *out,
			 struct ug_error *err)
{
	if (seconds < 0)
		return ug_fail(err, UG_EINVAL, "amount",
			       "a negative time limit (%" PRId64 " s)",
			       seconds);
	if (start > INT64_MAX - seconds)
		return ug_fail(err, UG_ETOOBIG, "amount",
			       "the due time is beyond the representable "
			       "time");
	*out = start + seconds;
	return 0;
}

/* A natural-time answer, checked against cal's range when there is one:
 * a deadline the working calendar cannot place (its light, its warn time,
 * the holidays that may move it) is refused the same way whatever its
 * unit. */
static int natural_due(const struct calendar *cal, int64_t start,
		       int64_t seconds, int64_t *out, struct ug_error *err)
{
	int rc = calendar_add_natural(start, seconds, out, err);

	if (rc == 0 && cal)
		rc = check_in_range(cal, *out, "the answer", err);
	return rc;
}

int calendar_due(const struct calendar *cal, int64_t start, int64_t amount,
		 enum calendar_unit unit, int64_t *out, struct ug_error *err)
{
	switch (unit) {
	case CALENDAR_NATURAL_SECONDS:
		return natural_due(cal, start, amount, out, err);
	case CALENDAR_NATURAL_DAYS:
		if (amount > INT64_MAX / SECS_PER_DAY)
			return ug_fail(err, UG_ETOOBIG, "amount",
				       "%" PRId64 " days is too long", amount);
		return natural_due(cal, start, amount * SECS_PER_DAY, out, err);
	case CALENDAR_WORKING_SECONDS:
	case CALENDAR_WORKING_DAYS:
		if (!cal)
			return ug_fail(err, UG_EINVAL, "calendar",
				       "working time needs a calendar");
		return unit == CALENDAR_WORKING_SECONDS
			       ? calendar_add_working(cal, start, amount, out,
						      err)
			       : calendar_add_working_days(cal, start, amount,
							   out, err);
	}
	return ug_fail(err, UG_EINVAL, "unit", "unknown time unit %d",
		       (int)unit);
}

int calendar_elapsed_working(const struct calendar *cal, int64_t from,
			     int64_t to, int64_t *out, struct ug_error *err)
{
	size_t unused;
	int rc;

	if ((rc = check_in_range(cal, from, "the start", err)) < 0 ||
	    (rc = check_in_range(cal, to, "the end", err)) < 0)
		return rc;
	*out = position(cal, to, &unused) - position(cal, from, &unused);
	return 0;
}

int calendar_elapsed_paused(const struct calendar *cal, int64_t from,
			    int64_t to, const struct calendar_span *pauses,
			    size_t n, int64_t *out, struct ug_error *err)
{
	int64_t total, cursor = from;
	size_t unused;
	int rc;

	if (from > to)
		return ug_fail(err, UG_EINVAL, "to",
			       "the end is before the start");
	if ((rc = calendar_elapsed_working(cal, from, to, &total, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		int64_t a, b;

		if (pauses[i].from > pauses[i].to ||
		    (i > 0 && pauses[i].from < pauses[i - 1].from))
			return ug_fail(err, UG_EINVAL, "pauses",
				       "pause %zu is reversed or out of order "
				       "(pauses must be sorted by start)",
				       i + 1);
		/* Only the part inside [from, to] not yet subtracted. */
		a = pauses[i].from > cursor ? pauses[i].from : cursor;
		b = pauses[i].to < to ? pauses[i].to : to;
		if (b > a) {
			total -= position(cal, b, &unused) -
				 position(cal, a, &unused);
			cursor = b;
		}
	}
	*out = total;
	return 0;
}
