/*
 * h_audit.c - the audit trail, for the auditor (domain/org/audit.h).
 */
#include <string.h>

#include "api/handlers.h"
#include "domain/org/audit.h"
#include "lib/util.h"

/* A JSON object text from the trail as JSON (null when absent). */
static json_t *json_state(const char *text)
{
	json_t *o;

	if (!text)
		return json_null();
	o = json_loads(text, 0, NULL);
	/* Written by the domain as JSON; should one not parse, it is shown
	 * as the text it is rather than dropped. */
	return o ? o : json_string(text);
}

static int add_event(void *ctx, const struct audit_event *e)
{
	json_t *page = ctx;

	json_array_append_new(
		json_object_get(page, "events"),
		json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
			  (json_int_t)e->id, "at", json_time(e->at), "actor",
			  e->actor, "address", e->address, "action", e->action,
			  "subject", e->subject, "detail",
			  json_state(e->detail), "before",
			  json_state(e->before), "after",
			  json_state(e->after)));
	json_object_set_new(page, "last", json_integer(e->id));
	return 0;
}

/* GET /api/v1/audit?actor=&action=&subject=&address=&from=&to=
 * &before=&limit=: newest first; `next` is the `before` of the next
 * page (null after the last). */
void h_audit_list(struct web_ctx *c)
{
	struct audit_filter f;
	struct ug_error err;
	json_t *page;
	int64_t last;

	memset(&f, 0, sizeof f);
	ug_error_clear(&err);
	f.actor = http_query(c->req, "actor");
	f.action = http_query(c->req, "action");
	f.subject = http_query(c->req, "subject");
	f.address = http_query(c->req, "address");
	if (query_time(c, "from", &f.from, &err) ||
	    query_time(c, "to", &f.to, &err) ||
	    query_int(c, "before", 1, INT64_MAX, 0, &f.before_id, &err) ||
	    query_int(c, "limit", 1, AUDIT_PAGE_MAX, 100, &f.limit, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	page = json_pack("{s:[], s:n}", "events", "last");
	if (audit_list(c->db, &c->actor, &f, add_event, page, &err)) {
		json_decref(page);
		reply_ug_error(c, &err);
		return;
	}
	/* A full page may have more after it. */
	last = json_integer_value(json_object_get(page, "last"));
	json_object_set_new(page, "next",
			    (int64_t)json_array_size(json_object_get(
				    page, "events")) == f.limit
				    ? json_integer(last)
				    : json_null());
	json_object_del(page, "last");
	reply_json(c, 200, page);
}
