/*
 * health.c - GET /healthz: is the server up and its database readable,
 * which binary and schema, and what needs a person without making the
 * server unhealthy (see web.h).  Here, beside the request path, because
 * it reports on the machinery (the schema, the calendar) rather than on
 * anything of the city's.
 */
#include "web/web.h"

#include "domain/calendar/workcal.h"
#include "lib/util.h"
#include "store/migrate.h"
#include "version.h"

void web_health(struct web_ctx *c)
{
	struct workcal_notice notice;
	struct ug_error err;
	json_t *calendar;
	int version = 0;

	ug_error_clear(&err);
	if (store_schema_version(c->db, &version, &err)) {
		reply_error(c, 503, "unavailable", "database unavailable",
			    NULL);
		return;
	}
	/* Details that need a person but do not make the server unhealthy:
	 * the next year's holidays still provisional (from 1 November). */
	if (c->cases.calendar &&
	    workcal_notice(c->cases.calendar, c->cases.utc_offset, ug_now_s(),
			   &notice))
		calendar = json_pack("{s:s, s:s, s:i, s:s}", "status", "warning",
				     "code", "calendar_provisional", "year",
				     notice.year, "message", notice.message);
	else
		calendar = json_pack("{s:s}", "status", "ok");
	reply_json(c, 200, json_pack("{s:s, s:s, s:i, s:{s:o}}", "status",
				     "ok", "version", UG_VERSION, "schema",
				     version, "detail", "calendar", calendar));
}

