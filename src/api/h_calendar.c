/*
 * h_calendar.c - the working-calendar settings: read them (with the days
 * off and make-up workdays of a range of dates) and change them.  The
 * checks and the write are domain/calendar/workcal.c's, shared with `urbangrid
 * calendar set`; a change is in force for the next request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/calendar/workcal.h"
#include "domain/cases/case.h"
#include "lib/log.h"
#include "lib/util.h"

/* {"settings":{key:text...},"defaults":[keys not stored],"revision":N} */
static json_t *json_settings(const struct workcal_settings *s)
{
	json_t *o = json_object(), *defaults = json_array();
	json_t *body = json_object();
	char text[WORKCAL_TEXT_MAX];

	for (int k = 0; k < WORKCAL_KEY_COUNT; k++) {
		json_object_set_new(o, workcal_key_names[k],
				    json_string(workcal_setting_text(s, k,
								     text)));
		if (!s->stored[k])
			json_array_append_new(
				defaults, json_string(workcal_key_names[k]));
	}
	json_object_set_new(body, "settings", o);
	json_object_set_new(body, "defaults", defaults);
	json_object_set_new(body, "revision", json_integer(s->revision));
	return body;
}

static int add_day(void *ctx, const struct workcal_day *d)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s, s:b}",
					     "date", d->date, "kind", d->kind,
					     "note", d->note, "source",
					     d->source, "provisional",
					     d->provisional));
	return 0;
}

static int add_year(void *ctx, int year, enum workcal_year_status status,
		    const struct calendar_year_row *row)
{
	char key[16];

	(void)row;
	snprintf(key, sizeof key, "%d", year);
	json_object_set_new(ctx, key,
			    json_string(workcal_year_status_names[status]));
	return 0;
}

void h_calendar_settings_get(struct web_ctx *c)
{
	struct workcal_settings s;
	struct workcal_range r;
	struct workcal_notice notice;
	struct ug_error err;
	json_t *body, *days, *years;

	ug_error_clear(&err);
	if (workcal_settings_read(c->db, &s, &err) ||
	    workcal_range_parse(http_query(c->req, "from"),
				http_query(c->req, "to"), ug_now_s(),
				s.utc_offset, &r, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	days = json_array();
	years = json_object();
	if (workcal_years(c->db, &r, add_year, years, &err) ||
	    workcal_days(c->db, &r, add_day, days, &err)) {
		json_decref(days);
		json_decref(years);
		reply_ug_error(c, &err);
		return;
	}
	body = json_settings(&s);
	json_object_set_new(body, "from", json_string(r.from));
	json_object_set_new(body, "to", json_string(r.to));
	json_object_set_new(body, "years", years);
	json_object_set_new(body, "days", days);
	/* The reminder is for the admins who enter the notice; it says
	 * nothing another reader may not know, so every reader gets it. */
	if (c->cases.calendar &&
	    workcal_notice(c->cases.calendar, c->cases.utc_offset, ug_now_s(),
			   &notice))
		json_object_set_new(body, "notice",
				    json_pack("{s:s, s:i, s:s}", "code",
					      "calendar_provisional", "year",
					      notice.year, "message",
					      notice.message));
	reply_json(c, 200, body);
}

/* One optional text per key, in workcal_key_names order; the domain
 * says what is wrong with a value. */
const struct field_spec calendar_settings_body[WORKCAL_KEY_COUNT] = {
	{ "utc_offset", FIELD_STRING, 0, 0, 200 },
	{ "week.mon", FIELD_STRING, 0, 0, 200 },
	{ "week.tue", FIELD_STRING, 0, 0, 200 },
	{ "week.wed", FIELD_STRING, 0, 0, 200 },
	{ "week.thu", FIELD_STRING, 0, 0, 200 },
	{ "week.fri", FIELD_STRING, 0, 0, 200 },
	{ "week.sat", FIELD_STRING, 0, 0, 200 },
	{ "week.sun", FIELD_STRING, 0, 0, 200 },
	{ "workday", FIELD_STRING, 0, 0, 200 },
};

void h_calendar_settings_put(struct web_ctx *c)
{
	const struct field_spec *spec = calendar_settings_body;
	struct field_value v[WORKCAL_KEY_COUNT];
	struct workcal_change changes[WORKCAL_KEY_COUNT];
	struct workcal_settings s;
	struct ug_error err;
	size_t n = 0;
	json_t *root;

	if (api_decode(c, spec, WORKCAL_KEY_COUNT, v, &root))
		return;
	for (int k = 0; k < WORKCAL_KEY_COUNT; k++)
		if (v[k].present)
			changes[n++] = (struct workcal_change){ spec[k].name,
								v[k].str };
	ug_error_clear(&err);
	if (workcal_settings_set(c->db, &c->actor, changes, n, ug_now_s(),
				 &s, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	/* Every request after this answer uses the new calendar (others
	 * would catch up within a second anyway). */
	if (c->app->calendar &&
	    livecal_refresh(c->app->calendar, c->db, ug_now_s(), 1, &err))
		log_msg(LOG_WARN, c->req->request_id,
			"working calendar not reloaded: %s", err.message);
	reply_json(c, 200, json_settings(&s));
}

/* What a change of the days did, as the command line says it. */
static json_t *json_outcome(const struct workcal_outcome *o)
{
	json_t *official = json_array(), *partial = json_array();

	for (int i = 0; i < o->nofficial; i++)
		json_array_append_new(official, json_integer(o->official[i]));
	for (int i = 0; i < o->npartial; i++)
		json_array_append_new(partial, json_integer(o->partial[i]));
	return json_pack("{s:I, s:i, s:s?, s:s?, s:i, s:i, s:o, s:o}",
			 "revision", (json_int_t)o->revision, "days_changed",
			 (int)o->days_changed, "first_changed",
			 o->first_changed[0] ? o->first_changed : NULL,
			 "last_changed",
			 o->last_changed[0] ? o->last_changed : NULL,
			 "cases_moved", (int)o->cases_moved, "cases_kept",
			 (int)o->cases_kept, "official", official, "partial",
			 partial);
}

/* After a change of the days: the next request uses the new calendar. */
static void reload_calendar(struct web_ctx *c)
{
	struct ug_error err;

	ug_error_clear(&err);
	if (c->app->calendar &&
	    livecal_refresh(c->app->calendar, c->db, ug_now_s(), 1, &err))
		log_msg(LOG_WARN, c->req->request_id,
			"working calendar not reloaded: %s", err.message);
}

/* POST /api/v1/calendar/import?name=FILE: a holiday calendar (RFC 5545,
 * as `urbangrid import calendar` reads it) in the body; all or nothing,
 * open deadlines recomputed. */
void h_calendar_import(struct web_ctx *c)
{
	struct workcal_import_stats st;
	struct ug_error err;
	const char *name = http_query(c->req, "name");
	json_t *body;
	FILE *fp;

	ug_error_clear(&err);
	if (!name || !*name)
		name = "upload.ics";
	if (strlen(name) > 100 || strchr(name, '/')) {
		reply_error(c, 400, "invalid", "name is a file name of up to 100 "
			    "characters", "name");
		return;
	}
	if (!c->req->body_len) {
		reply_error(c, 400, "invalid", "the body is the calendar file",
			    "body");
		return;
	}
	fp = fmemopen((void *)c->req->body, c->req->body_len, "r");
	if (!fp) {
		reply_error(c, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	if (workcal_import_ics_stream(c->db, &case_calendar_follower, fp, name,
				      &c->actor, ug_now_s(), &st, &err)) {
		fclose(fp);
		reply_ug_error(c, &err);
		return;
	}
	fclose(fp);
	reload_calendar(c);
	body = json_outcome(&st.outcome);
	json_object_set_new(body, "events", json_integer(st.events));
	json_object_set_new(body, "ignored", json_integer(st.ignored));
	json_object_set_new(body, "days_off", json_integer(st.days_off));
	json_object_set_new(body, "workdays", json_integer(st.workdays));
	reply_json(c, 200, body);
}

/* PUT /api/v1/calendar/days/{date}: {"kind":"off|work|clear","note":…},
 * one date by hand (a notice published before the packaged data). */
void h_calendar_day_put(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "kind", FIELD_STRING, 1, 1, 16 },
		{ "note", FIELD_STRING, 0, 0, 400 },
	};
	struct field_value v[2];
	struct workcal_outcome o;
	struct ug_error err;
	json_t *root;

	if (api_decode(c, spec, 2, v, &root))
		return;
	ug_error_clear(&err);
	if (workcal_set_day(c->db, &case_calendar_follower, api_param(c, "date"),
			    v[0].str, v[1].present ? v[1].str : NULL,
			    &c->actor, ug_now_s(), &o, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reload_calendar(c);
	reply_json(c, 200, json_outcome(&o));
}

/* POST /api/v1/calendar/years/{year}/official: the year's stored days are
 * its whole schedule (its days by rule go). */
void h_calendar_year_official(struct web_ctx *c)
{
	const char *y = api_param(c, "year");
	struct workcal_outcome o;
	struct ug_error err;

	ug_error_clear(&err);
	if (!y || !ug_is_digits(y, 4)) {
		reply_error(c, 400, "invalid", "year is four digits", "year");
		return;
	}
	if (workcal_mark_official(c->db, &case_calendar_follower, atoi(y),
				  &c->actor, ug_now_s(), &o, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reload_calendar(c);
	reply_json(c, 200, json_outcome(&o));
}
