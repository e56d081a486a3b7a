/*
 * h_calendar.c - the working-calendar settings: read them (with the days
 * off and make-up workdays of a range of dates) and change them.  The
 * checks and the write are domain/calendar/workcal.c's, shared with `urbangrid
 * calendar set`; a change is in force for the next request.
 */
#include <stdio.h>

#include "api/handlers.h"
#include "domain/calendar/workcal.h"
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

void h_calendar_settings_put(struct web_ctx *c)
{
	/* One optional text per key, in workcal_key_names order; the domain
	 * says what is wrong with a value. */
	static const struct field_spec spec[WORKCAL_KEY_COUNT] = {
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
