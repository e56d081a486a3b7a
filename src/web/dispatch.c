/*
 * dispatch.c - one request from door to answer (see web.h): every step
 * that every door needs, in one place and in one order.
 */
#include "web/web.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lib/util.h"
#include "web/metrics.h"

static int method_is_safe(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	       strcmp(m, "OPTIONS") == 0;
}

/* A body is JSON unless the client says otherwise: a missing
 * Content-Type is accepted (curl -d sends a form type, though, and is
 * refused, which tells the user at once what is wrong). */
static int content_type_is_json(const struct http_request *req)
{
	const char *ct = http_header(req, "Content-Type");
	size_t n = strlen("application/json");

	return !ct || (strncasecmp(ct, "application/json", n) == 0 &&
		       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '));
}

/* Establish who is calling: a Bearer token wins over a cookie.  Returns 0
 * with c->user set, or answers 401/403 and returns non-zero. */
static int authenticate(struct web_ctx *c, struct user *user)
{
	const char *authz = http_header(c->req, "Authorization");
	const char *cookie = http_cookie(c->req, SESSION_COOKIE);
	struct ug_error err;
	int rc;

	ug_error_clear(&err);
	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0 || !authz[7]) {
			ug_fail(&err, UG_EAUTH, "Authorization",
				"Authorization must be \"Bearer <token>\"");
			reply_ug_error(c, &err);
			return -1;
		}
		struct api_token t;

		rc = auth_bearer(c->db, authz + 7, ug_now_s(), user, &t, &err);
		c->token_id = rc ? 0 : t.id;
	} else if (cookie) {
		rc = auth_session_user(c->db, cookie, ug_now_s(), user, c->csrf,
				       &err);
		c->via_cookie = 1;
		c->session_token = cookie;
	} else {
		rc = ug_fail(&err, UG_EAUTH, NULL,
			     "log in first (POST /api/v1/session) or send "
			     "an Authorization: Bearer token");
	}
	if (rc) {
		reply_ug_error(c, &err);
		return -1;
	}
	snprintf(c->req->user, sizeof c->req->user, "%s", user->username);
	/* A cookie rides along with any request the browser makes, so writes
	 * must prove they come from our page: the CSRF token is only known
	 * to script that read it from the login answer. */
	if (c->via_cookie && !method_is_safe(c->req->method)) {
		const char *sent = http_header(c->req, "X-CSRF-Token");

		if (!sent || !auth_token_equal(sent, c->csrf)) {
			reply_error(c, 403, "csrf",
				    "missing or wrong X-CSRF-Token header",
				    "X-CSRF-Token");
			return -1;
		}
	}
	/* A password set by the security admin, or grown too old, is
	 * replaced before anything else is done in the session (an API
	 * token is no password: it goes on working). */
	if (c->via_cookie && user->must_change_password &&
	    !(c->route->flags & ROUTE_PASSWORD_CHANGE)) {
		char msg[160];

		snprintf(msg, sizeof msg,
			 "choose a new password first: POST "
			 "/api/v1/users/%lld/password",
			 (long long)user->id);
		reply_error(c, 403, "password_change_required", msg, NULL);
		return -1;
	}
	c->user = user;
	actor_of(user, c->req->client_addr, &c->actor);
	return 0;
}

const struct livecal_view *app_calendar_hold(struct app *app, struct db *db,
					     const char *request_id,
					     struct case_env *cases)
{
	const struct livecal_view *v;
	struct ug_error err;

	*cases = app->cases;
	if (!app->calendar)
		return NULL;
	ug_error_clear(&err);
	if (livecal_refresh(app->calendar, db, ug_now_s(), 0, &err))
		log_msg(LOG_WARN, request_id,
			"working calendar not reloaded: %s", err.message);
	v = livecal_acquire(app->calendar);
	cases->calendar = v->calendar;
	cases->utc_offset = v->utc_offset;
	return v;
}

void app_calendar_release(struct app *app, const struct livecal_view *v)
{
	if (v)
		livecal_release(app->calendar, v);
}

const char *const route_scope_names[RS_COUNT] = {
	"public", "self", "reference", "area",
};

int web_doors_check(const struct web_door *const *doors,
		    struct ug_error *err)
{
	const unsigned known = ROUTE_RAW_BODY | ROUTE_FORM_BODY | ROUTE_PAGE |
			       ROUTE_READ_TXN | ROUTE_PASSWORD_CHANGE |
			       ROUTE_IDEMPOTENT;

	for (; *doors; doors++) {
		const struct web_door *d = *doors;

		for (size_t i = 0; i < d->nroutes; i++) {
			const struct web_route *r = &d->routes[i];
			const char *why = NULL;

			if ((unsigned)r->scope >= RS_COUNT)
				why = "an unknown scope";
			else if ((r->roles == 0) != (r->scope == RS_PUBLIC))
				why = "roles 0 without scope public, or the "
				      "other way round";
			else if (r->scope == RS_SELF && r->roles != ROLES_ALL)
				why = "scope self but not every role";
			else if (r->flags & ~known)
				why = "an unknown flag";
			else if (!r->handler)
				why = "no handler";
			if (why)
				return ug_fail(err, UG_EINTERNAL, "routes",
					       "door %s, %s %s: %s", d->name,
					       r->p.method, r->p.pattern, why);
		}
	}
	return 0;
}

/* The first door that claims the path; the last takes any. */
static const struct web_door *door_of(const struct app *app, const char *path)
{
	const struct web_door *const *d = app->doors;

	for (; d[1]; d++)
		if (d[0]->claims && d[0]->claims(path))
			return d[0];
	return d[0];
}

void web_serve(void *ctx, struct http_request *req,
	       struct http_response *resp)
{
	struct app *app = ctx;
	struct route_match match;
	struct buf allow = BUF_INIT;
	struct web_ctx c;
	struct user user;
	struct ug_error err;
	const struct web_route *r;
	const char *path;
	int64_t started = ug_monotonic_us();
	int found;

	memset(&c, 0, sizeof c);
	c.app = app;
	c.req = req;
	c.resp = resp;
	c.match = &match;
	c.door = door_of(app, req->path);
	ug_error_clear(&err);
	if (c.door->init)
		c.door->init(&c);
	if (req->body_lost) {
		http_response_header(resp, "Retry-After", "60");
		reply_error(&c, 503, "unavailable",
			    "no room to receive the request body; try again "
			    "later", "body");
		goto out;
	}
	if (req->too_large) {
		char msg[96];

		snprintf(msg, sizeof msg, "request body larger than %zu bytes",
			 req->body_limit);
		reply_error(&c, 413, "too_large", msg, "body");
		goto out;
	}
	path = c.door->route_path ? c.door->route_path(&c) : req->path;
	if (!path)
		goto out; /* the door answered */
	found = router_match(c.door->routes, c.door->nroutes,
			     sizeof c.door->routes[0], req->method, path, &match,
			     &allow);
	if (found == ROUTE_NO_PATH) {
		reply_error(&c, 404, "not_found", "no such resource", NULL);
		goto out;
	}
	if (found == ROUTE_NO_METHOD) {
		http_response_header(resp, "Allow", buf_str(&allow));
		reply_error(&c, 405, "method_not_allowed",
			    "method not allowed on this resource; see Allow",
			    NULL);
		goto out;
	}
	r = c.route = &c.door->routes[match.index];
	/* RS_PUBLIC routes authenticate nobody (web_doors_check: their
	 * roles are 0); every other one has its caller checked below. */
	if (r->flags & ROUTE_PAGE) {
		/* Pages and their files are GET only and compiled in: no
		 * body to check, no database to wait for. */
		r->handler(&c);
		goto out;
	}
	if (c.door->json_bodies && req->body_len &&
	    !(r->flags & (ROUTE_RAW_BODY | ROUTE_FORM_BODY)) &&
	    !content_type_is_json(req)) {
		reply_error(&c, 415, "unsupported_media_type",
			    "request bodies must be JSON (Content-Type: "
			    "application/json)", "Content-Type");
		goto out;
	}
	if (c.door->before && c.door->before(&c))
		goto out;
	if (db_pool_acquire(app->pool, &c.db, &err)) {
		log_msg(LOG_ERROR, req->request_id, "database: %s", err.message);
		http_response_header(resp, "Retry-After", "5");
		reply_error(&c, 503, "unavailable", "database unavailable",
			    NULL);
		goto out;
	}
	c.calendar_held = app_calendar_hold(app, c.db, req->request_id,
					    &c.cases);
	if (r->roles) {
		int role;

		if (authenticate(&c, &user))
			goto out;
		role = role_parse(user.role);
		if (role < 0 || !(r->roles & ROLE_BIT(role))) {
			reply_error(&c, 403, "forbidden",
				    "your role may not do this", NULL);
			goto out;
		}
	}
	if ((r->flags & ROUTE_IDEMPOTENT) && c.user &&
	    http_header(req, "Idempotency-Key")) {
		web_run_idempotent(&c, http_header(req, "Idempotency-Key"));
	} else if ((r->flags & ROUTE_READ_TXN) && db_begin(c.db, &err) == 0) {
		r->handler(&c);
		db_rollback(c.db);
	} else {
		r->handler(&c);
	}
out:
	/* Answers are per user and change: no caching, unless the handler
	 * said otherwise (immutable photos, pages' files). */
	if (!http_response_has_header(resp, "Cache-Control"))
		http_response_header(resp, "Cache-Control", "no-store");
	app_calendar_release(app, c.calendar_held);
	if (c.db)
		db_pool_release(app->pool, c.db);
	buf_free(&allow);
	if (app->metrics)
		metrics_request(app->metrics, c.door, c.route, resp->status,
				ug_monotonic_us() - started);
}
