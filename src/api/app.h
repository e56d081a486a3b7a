/*
 * app.h - the web application: what the HTTP adapter calls for every
 * request, and the state shared by all requests.
 *
 * app_serve() matches the route (api/routes.c), authenticates the caller
 * (session cookie + CSRF token, or a Bearer token), checks the roles the
 * route allows, lends the handler a database connection from the pool and
 * turns errors into the JSON error body.  Handlers stay thin: decode,
 * call the domain, encode.  Page routes (ROUTE_PAGE) skip all of that and
 * go straight to their handler; unknown paths among the pages get an HTML
 * 404/405 (ui/pages.h), everything else the JSON error.
 */
#ifndef UG_APP_H
#define UG_APP_H

#include <jansson.h>
#include <stddef.h>

#include "domain/org/auth.h"
#include "domain/cases/case.h"
#include "domain/public/open311.h"
#include "domain/calendar/livecal.h"
#include "domain/org/roles.h"
#include "http/http.h"
#include "http/router.h"
#include "lib/fields.h"
#include "lib/form.h"
#include "lib/ratelimit.h"
#include "store/db.h"

#define SESSION_COOKIE "ug_session"

struct app {
	struct db_pool *pool;
	struct auth_config auth;
	int cookie_secure; /* add Secure to the session cookie (HTTPS) */
	/* Settings of the case module; each request gets a copy with the
	 * calendar and offset of the moment (api_ctx.cases), unless
	 * `calendar` is NULL: then cases.calendar serves every request. */
	struct case_env cases;
	struct livecal *calendar; /* the live working calendar (livecal.h) */
	const char *files_dir; /* attachments, content-addressed */
	const char *site_dir;  /* the city's own files at /site/, or NULL */
	size_t photo_limit;    /* bytes per photo */
	struct spatial *spatial; /* grids and components (domain/spatial/spatial.h) */
	struct public_channel {
		struct open311_env env;
		/* api_client account that anonymous reports are filed as
		 * ("" or an account that does not exist: refused) */
		const char *anonymous_user;
		const char *jurisdiction; /* "" : one jurisdiction, none asked */
		const char *base_url;     /* "" : from the Host header */
		int charset;              /* "; charset=utf-8" on types */
		struct ratelimit *reads;  /* per client address */
		struct ratelimit *writes; /* per client address */
		struct ratelimit *keys;   /* writes per api_key */
	} pub;
};

/* Everything a handler gets for one request. */
struct api_ctx {
	struct app *app;
	struct http_request *req;
	struct http_response *resp;
	struct db *db;
	const struct route_match *match;
	struct user *user;      /* NULL on public routes */
	struct scope scope;     /* of user */
	int via_cookie;         /* authenticated by session cookie */
	const char *session_token; /* cookie value, when via_cookie */
	char csrf[TOKEN_HEX_LEN + 1];
	/* The case settings with the working calendar this request uses
	 * from start to end (held from app.calendar, released after the
	 * handler): a calendar change meanwhile does not pull it away. */
	struct case_env cases;
	const struct livecal_view *calendar_held;
};

typedef void (*api_handler)(struct api_ctx *c);

/* Where a route's answers are limited (documentation and checked by tests:
 * every route declares one). */
enum route_scope {
	RS_PUBLIC,    /* no caller needed */
	RS_SELF,      /* the caller's own session */
	RS_REFERENCE, /* reference data every allowed role may read */
	RS_AREA       /* filtered to the caller's area / department */
};

/* Route flags. */
enum {
	ROUTE_RAW_BODY = 1, /* the body is bytes (a photo), not JSON */
	ROUTE_FORM_BODY = 2, /* the body may be a form (urlencoded or
			       multipart) as well as JSON */
	/* A page or static file for browsers (ui/pages.c): public, reads no
	 * body, needs no database connection; its errors are HTML. */
	ROUTE_PAGE = 4
};

struct route {
	struct route_pattern p; /* must be first: the router reads it */
	api_handler handler;
	unsigned roles;         /* ROLE_BIT()s allowed; 0 = public */
	enum route_scope scope;
	unsigned flags;
};

extern const struct route api_routes[];
extern const size_t api_route_count;

/* Open311 GeoReport v2 under /open311/v2/ (api/open311.c): its own
 * routes, formats and error bodies. */
void open311_serve(struct app *app, struct http_request *req,
		   struct http_response *resp);

/* The working calendar for one request: caught up with the store (at
 * most one check a second across all requests; a failed rebuild keeps the
 * table there is and is logged) and held until released.  Fills *cases
 * (app->cases with that calendar and offset); returns the reference to
 * give back, NULL when app->calendar is NULL (then app->cases.calendar
 * serves). */
const struct livecal_view *app_calendar_hold(struct app *app, struct db *db,
					     const char *request_id,
					     struct case_env *cases);
void app_calendar_release(struct app *app, const struct livecal_view *v);

/* The http_app_fn given to the server; ctx is a struct app. */
void app_serve(void *ctx, struct http_request *req,
	       struct http_response *resp);

/* ---- helpers for handlers (api/reply.c) ---------------------------- */

/* Path parameter by name as a NUL-terminated string (request arena), or
 * NULL. */
const char *api_param(struct api_ctx *c, const char *name);
/* The same, for a match of another route table (api/open311.c). */
const char *api_param_of(struct http_request *req,
			 const struct route_match *m, const char *name);

/* Answer with JSON (takes the reference to `body`). */
void reply_json(struct api_ctx *c, int status, json_t *body);

/* Answer with an error body {"error":{"code","message","field"}}. */
void reply_error(struct http_response *resp, int status, const char *code,
		 const char *message, const char *field);

/* Answer with the error in err, mapping its code to a status: invalid 400,
 * unauthenticated 401, forbidden 403, not_found 404, conflict 409,
 * too_large 413, too_many_requests 429 (with Retry-After), others 500
 * (the details go to the log, not to the client). */
void reply_ug_error(struct api_ctx *c, const struct ug_error *err);

/* Answer with a stored photo's file (streamed), its type and the given
 * Cache-Control (the bytes behind an id never change: immutable). */
void reply_photo(struct api_ctx *c, const struct attachment_row *a,
		 const char *cache_control);

/* Answer 204 No Content. */
void reply_no_content(struct api_ctx *c);

/* Decode the request body against a field spec; on failure answers 400 and
 * returns non-zero.  *root is released by the caller with json_decref. */
int api_decode(struct api_ctx *c, const struct field_spec *spec, size_t n,
	       struct field_value *out, json_t **root);

/* JSON views of domain objects. */
json_t *json_user(const struct user *u);
json_t *json_time(int64_t secs); /* ISO 8601 UTC string */

#endif
