/*
 * hours.c - today's counters hour by hour (see hours.h): the history of
 * the cases touched on the day replayed through the assessment's rules,
 * the day's lines counted by their local hour.
 */
#include "domain/assess/hours.h"

#include <stdlib.h>
#include <string.h>

#include "domain/assess/assess.h"
#include "domain/assess/rank.h"
#include "domain/assess/rules.h"
#include "lib/iso8601.h"
#include "lib/period.h"

struct hours_walk {
	struct db *db;
	const struct actor *a;
	const char *prefix; /* of the place codes in sight */
	struct assess_hours *out;
	struct assess_case k;
	int started;
	int count;          /* the line is of the day */
	int hour;           /* its local hour */
	size_t cap;         /* of out->categories */
	struct ug_error *err;
};

/* The row kind and code the actor's figures are read from: a
 * department's staff their department's rows, the others the place rows
 * of their sight. */
static int in_sight(const struct hours_walk *w, enum assess_kind kind,
		    const char *code)
{
	const struct actor *a = w->a;

	if (!a->root && a->scope.kind == SCOPE_DEPARTMENT)
		return kind == AK_DEPARTMENT &&
		       scope_covers_department(&a->scope, code);
	return kind == AK_PLACE &&
	       strncmp(code, w->prefix, strlen(w->prefix)) == 0;
}

static int add_category(struct hours_walk *w, const char *code)
{
	struct assess_hours *h = w->out;
	struct assess_hours_category *c;

	for (size_t i = 0; i < h->ncategories; i++)
		if (strcmp(h->categories[i].code, code) == 0) {
			h->categories[i].reported++;
			return 0;
		}
	if (h->ncategories == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;

		c = realloc(h->categories, cap * sizeof *c);
		if (!c)
			return ug_fail(w->err, UG_ENOMEM, NULL,
				       "out of memory");
		h->categories = c;
		w->cap = cap;
	}
	c = &h->categories[h->ncategories++];
	snprintf(c->code, sizeof c->code, "%s", code);
	c->reported = 1;
	return 0;
}

/* assess_count_cb: one counter of a line of the day. */
static int hours_count(void *ctx, enum assess_kind kind, const char *code,
		       enum assess_counter counter)
{
	struct hours_walk *w = ctx;
	struct assess_counts *h = &w->out->hour[w->hour];

	if (!in_sight(w, kind, code))
		return 0;
	h->n[counter]++;
	w->out->total.n[counter]++;
	if (counter == AC_reported && *w->k.category)
		return add_category(w, w->k.category);
	return 0;
}

/* store_assess_line_cb: one line of a touched case, in case order. */
static int hours_line(void *ctx, const struct assess_line *l)
{
	struct hours_walk *w = ctx;
	int new_case;

	w->count = l->at >= w->out->from && l->at < w->out->to;
	w->hour = w->count ? (int)((l->at - w->out->from) / 3600) : 0;
	return assess_replay_next(w->db, &w->k, &w->started, l, w->count,
				  &new_case, hours_count, w, w->err);
}

static int by_reports(const void *x, const void *y)
{
	const struct assess_hours_category *a = x, *b = y;

	if (a->reported != b->reported)
		return a->reported > b->reported ? -1 : 1;
	return strcmp(a->code, b->code);
}

int assess_hours(struct db *db, const struct actor *a, int32_t utc_offset,
		 const char *day, const char *area, int64_t now,
		 struct assess_hours *out, struct ug_error *err)
{
	char prefix[CODE_MAX + 1];
	struct hours_walk w;
	struct period p;
	int rc;

	memset(out, 0, sizeof *out);
	if (day && *day) {
		if (period_parse(day, &p, NULL) || p.form != PERIOD_DAY)
			return ug_fail(err, UG_EINVAL, "day",
				       "day must be a date YYYY-MM-DD, not "
				       "%.32s", day);
		out->day = p.from;
	} else {
		out->day = assess_day_of(now, utc_offset);
	}
	/* A department's staff read their department's rows: no area
	 * holds them (assess_area_prefix() says so for one asked). */
	if ((rc = assess_area_prefix(db, a, area, prefix, err)))
		return rc;
	if (area)
		snprintf(out->area, sizeof out->area, "%s", area);
	out->from = period_day_number(out->day) * 86400 - utc_offset;
	out->to = out->from + 86400;
	memset(&w, 0, sizeof w);
	w.db = db;
	w.a = a;
	w.prefix = prefix;
	w.out = out;
	w.err = err;
	rc = store_assess_history_touched(db, out->from, out->to, hours_line,
					  &w, err);
	if (rc) {
		assess_hours_free(out);
		return rc;
	}
	if (out->ncategories)
		qsort(out->categories, out->ncategories,
		      sizeof *out->categories, by_reports);
	return 0;
}

void assess_hours_free(struct assess_hours *h)
{
	free(h->categories);
	h->categories = NULL;
	h->ncategories = 0;
}

json_t *assess_hours_json(const struct assess_hours *h, int32_t utc_offset)
{
	json_t *totals = json_object(), *hours = json_object(),
	       *cats = json_array();
	char day[16], from[40], to[40];

	for (int i = 0; i < AC_COUNT; i++) {
		json_t *list = json_array();

		for (int k = 0; k < 24; k++)
			json_array_append_new(list,
					      json_integer(h->hour[k].n[i]));
		json_object_set_new(hours, assess_counter_names[i], list);
		json_object_set_new(totals, assess_counter_names[i],
				    json_integer(h->total.n[i]));
	}
	for (size_t i = 0; i < h->ncategories; i++)
		json_array_append_new(cats, json_pack("{s:s, s:I}", "code",
						      h->categories[i].code,
						      "reported",
						      (json_int_t)h->categories[i].reported));
	period_day_text(h->day, day, sizeof day);
	iso8601_format(h->from, utc_offset, from, sizeof from);
	iso8601_format(h->to, utc_offset, to, sizeof to);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "day", day,
			 "from", from, "to", to, "area",
			 *h->area ? json_string(h->area) : json_null(),
			 "totals", totals, "hours", hours, "categories", cats);
}
