/*
 * h_events.c - GET /api/v1/events: the changes of the cases the caller
 * sees, as Server-Sent Events, so that queues and case pages follow what
 * others do without reloading.
 *
 * Each event is one history line (its id is the case_event id, so a
 * browser that reconnects with Last-Event-ID misses nothing):
 *
 *   id: 812
 *   event: case
 *   data: {"id":812,"case_id":77,"number":"2026120600012","action":
 *          "dispatch","actor":"dispatcher","actor_role":"dispatcher",
 *          "at":"2026-12-06T10:02:11+08:00","state":"dispatched",
 *          "department":"110101-HW"}
 *
 * A stream costs no thread while it has nothing to say (http_stream
 * sleeps); the server wakes the streams when the history grows
 * (cmd_serve watches it) and every EVENTS_KEEPALIVE_S for a comment line
 * that keeps proxies from closing it.  Memory per stream is bounded: at
 * most EVENTS_BATCH lines are read per wake.  A stream ends after
 * EVENTS_LIFETIME_S and the browser reconnects on its own - which checks
 * the session again - and at most --events-max are open at once (503
 * with Retry-After beyond).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/cases/view.h"
#include "lib/iso8601.h"
#include "lib/log.h"
#include "lib/util.h"

#define EVENTS_BATCH 100
/* A comment line this often keeps proxies from closing the stream.  The
 * server wakes every stream at least as often, and a stream whose client
 * went away ends at that wake (http/server.c looks at the socket), which
 * frees its place under --events-max within this time. */
#define EVENTS_KEEPALIVE_S 5
#define EVENTS_LIFETIME_S 300

struct events_stream {
	struct app *app;
	struct user user;      /* a copy: the request's is gone */
	struct actor actor;    /* of user */
	int64_t last;          /* the last history line read */
	int64_t opened_s, wrote_s; /* monotonic seconds */
};

struct write_ctx {
	struct buf *out;
	int32_t utc_offset;
};

static int write_change(void *ctx, const struct case_change *ch)
{
	struct write_ctx *w = ctx;
	char at[40];
	json_t *o;
	char *text;

	iso8601_format(ch->at, w->utc_offset, at, sizeof at);
	o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "id",
		      (json_int_t)ch->id, "case_id", (json_int_t)ch->case_id,
		      "number", ch->number, "action", ch->action, "actor",
		      ch->actor, "actor_role", ch->actor_role, "at", at, "state",
		      ch->state, "department",
		      *ch->department ? ch->department : NULL);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return -UG_ENOMEM;
	/* JSON_COMPACT holds no newline: one data line. */
	buf_printf(w->out, "id: %lld\nevent: case\ndata: %s\n\n",
		   (long long)ch->id, text);
	free(text);
	return 0;
}

static int events_next(void *ctx, struct buf *out)
{
	struct events_stream *es = ctx;
	struct write_ctx w = { out, es->app->cases.utc_offset };
	int64_t now = ug_monotonic_us() / 1000000;
	struct ug_error err;
	struct db *db;
	int rc;

	if (now - es->opened_s >= EVENTS_LIFETIME_S)
		return HTTP_STREAM_END;
	ug_error_clear(&err);
	if ((rc = db_pool_acquire(es->app->pool, &db, &err)) == 0) {
		rc = case_changes(db, &es->actor, es->last, EVENTS_BATCH,
				  write_change, &w, &es->last, &err);
		db_pool_release(es->app->pool, db);
	}
	if (rc) {
		log_warn("events of %s ended: %s", es->user.username,
			 err.message);
		return HTTP_STREAM_END;
	}
	if (out->len == 0 && now - es->wrote_s >= EVENTS_KEEPALIVE_S)
		buf_puts(out, ": keep-alive\n\n");
	if (out->len == 0)
		return HTTP_STREAM_WAIT;
	es->wrote_s = now;
	return HTTP_STREAM_MORE;
}

static void events_release(void *ctx)
{
	struct events_stream *es = ctx;

	atomic_fetch_sub(&es->app->events_open, 1);
	free(es);
}

/* Where the stream starts: after the Last-Event-ID the browser sends on
 * reconnecting (or ?after= for clients that cannot set it), else after
 * the latest line (no replay of the past). */
static int start_after(struct web_ctx *c, int64_t *after,
		       struct ug_error *err)
{
	const char *v = http_header(c->req, "Last-Event-ID");

	if (!v || !*v)
		v = http_query(c->req, "after");
	if (v && *v) {
		if (!ug_is_digits(v, strlen(v)) || strlen(v) > 18)
			return ug_fail(err, UG_EINVAL, "Last-Event-ID",
				       "Last-Event-ID is the id of an event");
		*after = strtoll(v, NULL, 10);
		return 0;
	}
	return case_changes_latest(c->db, after, err);
}

void h_events(struct web_ctx *c)
{
	struct events_stream *es;
	struct ug_error err;
	int64_t after = 0;

	ug_error_clear(&err);
	if (start_after(c, &after, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	if (atomic_fetch_add(&c->app->events_open, 1) >= c->app->events_max) {
		atomic_fetch_sub(&c->app->events_open, 1);
		http_response_header(c->resp, "Retry-After", "30");
		reply_error(c, 503, "busy",
			    "too many live streams open: try again later",
			    NULL);
		return;
	}
	es = calloc(1, sizeof *es);
	if (!es) {
		atomic_fetch_sub(&c->app->events_open, 1);
		reply_error(c, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	es->app = c->app;
	es->user = *c->user;
	actor_of(&es->user, c->req->client_addr, &es->actor);
	es->last = after;
	es->opened_s = es->wrote_s = ug_monotonic_us() / 1000000;
	c->resp->status = 200;
	c->resp->content_type = "text/event-stream; charset=utf-8";
	http_response_header(c->resp, "Cache-Control", "no-store");
	/* nginx and its kind pass it on as it comes. */
	http_response_header(c->resp, "X-Accel-Buffering", "no");
	buf_reset(&c->resp->body);
	buf_puts(&c->resp->body, "retry: 2000\n\n");
	c->resp->stream = (struct http_stream){ events_next, events_release,
						es };
}
