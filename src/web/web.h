/*
 * web.h - the one request path: every request, whatever door it comes in
 * by, and the state shared by all requests.
 *
 * A door is a family of addresses with its own routes and its own error
 * shape: the staff JSON API (api/routes.c: JSON errors), Open311 GeoReport
 * v2 (public/open311.c: the standard's error lists, .json/.xml), the
 * public pages (ui/pages.c: HTML errors).  The server is given the doors
 * in order (cli/cmd_serve.c); web_serve() takes the first that claims the
 * path and does, in one place, what every door needs: the body limit
 * (413), routing (404, 405 with Allow), the JSON Content-Type check
 * (415), a database connection (503 when none), the request's working
 * calendar, authentication and roles (401, 403), the mapping of errors
 * to statuses, and Cache-Control: no-store unless the handler said
 * otherwise.  Handlers stay thin: decode, call the domain, encode.
 *
 * Below api/, public/ and ui/, above http/ and the domain: the doors use
 * it and never each other's code.
 */
#ifndef UG_WEB_H
#define UG_WEB_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

#include "domain/calendar/livecal.h"
#include "domain/cases/case.h"
#include "domain/org/auth.h"
#include "domain/org/roles.h"
#include "domain/public/open311.h"
#include "http/http.h"
#include "http/router.h"
#include "lib/fields.h"
#include "lib/form.h"
#include "lib/ratelimit.h"
#include "store/db.h"

#define SESSION_COOKIE "ug_session"

struct app {
	const struct web_door *const *doors; /* NULL-terminated, in order */
	struct db_pool *pool;
	struct auth_config auth;
	int cookie_secure; /* add Secure to the session cookie (HTTPS) */
	/* Settings of the case module; each request gets a copy with the
	 * calendar and offset of the moment (web_ctx.cases), unless
	 * `calendar` is NULL: then cases.calendar serves every request. */
	struct case_env cases;
	struct livecal *calendar; /* the live working calendar (livecal.h) */
	const char *files_dir; /* attachments, content-addressed */
	const char *site_dir;  /* the city's own files at /site/, or NULL */
	size_t photo_limit;    /* bytes per photo */
	struct spatial *spatial; /* grids and components (domain/spatial/spatial.h) */
	/* The map's tiles (serve --tiles): an intranet tile server's URL
	 * template, its coordinate system ("wgs84" or "gcj02") and origin
	 * (allowed for pictures by the console's CSP); url NULL: none. */
	struct {
		const char *url, *crs;
		char origin[256];
	} tiles;
	/* The operator's numbers (web/metrics.h): the counters web_serve()
	 * adds every request to (NULL: none kept); and, in the app of the
	 * metrics listener, the app whose numbers it serves. */
	struct metrics *metrics;
	const struct app *observed;
	/* Live streams (GET /api/v1/events): at most events_max open. */
	int events_max;
	atomic_int events_open;
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
		/* Rendered public reads kept for the next asker
		 * (web/anscache.h); NULL: none kept. */
		struct anscache *answers;
	} pub;
};

struct web_door;
struct web_route;
struct anscache;

/* Everything a handler gets for one request. */
struct web_ctx {
	struct app *app;
	struct http_request *req;
	struct http_response *resp;
	struct db *db;
	const struct web_door *door;
	const struct web_route *route;
	const struct route_match *match;
	void *door_state;       /* the door's own, from its init hook */
	struct user *user;      /* NULL on public routes */
	struct actor actor;     /* the caller for the domain's access layer
				   (authenticated routes) */
	int via_cookie;         /* authenticated by session cookie */
	const char *session_token; /* cookie value, when via_cookie */
	int64_t token_id;       /* the API token's id, when by bearer */
	char csrf[TOKEN_HEX_LEN + 1];
	/* The case settings with the working calendar this request uses
	 * from start to end (held from app.calendar, released after the
	 * handler): a calendar change meanwhile does not pull it away. */
	struct case_env cases;
	const struct livecal_view *calendar_held;
};

typedef void (*web_handler)(struct web_ctx *c);

/*
 * Where a route's answers are limited: the route table's statement of
 * access, read by the dispatcher (what it does before the handler) and
 * printed by `urbangrid routes` for the access test, which holds a row of
 * expected answers per route and role (tests/http/access.test.mjs).
 */
enum route_scope {
	RS_PUBLIC,    /* anyone: no authentication, roles 0; the handler
			 calls the public side of the domain */
	RS_SELF,      /* the caller's own (its session, its account): every
			 role, authenticated */
	RS_REFERENCE, /* reference data, the same for every allowed role */
	RS_AREA,      /* objects placed in an area: the caller sees those of
			 its area, or those dispatched to its department (its
			 actor's scope), and nothing else answers otherwise
			 than an object that does not exist - decided by the
			 domain's access layer from the actor the dispatcher
			 hands over */
	RS_COUNT
};

/* "public", "self", "reference", "area". */
extern const char *const route_scope_names[RS_COUNT];

/* Route flags. */
enum {
	ROUTE_RAW_BODY = 1,  /* the body is bytes (a photo), not JSON */
	ROUTE_FORM_BODY = 2, /* the body may be a form (urlencoded or
				multipart) as well as JSON */
	/* A page or static file for browsers: public, reads no body, needs
	 * no database connection. */
	ROUTE_PAGE = 4,
	/* A read whose many small queries share one read transaction (one
	 * snapshot, SQLite's locks taken once): for handlers whose domain
	 * calls open no transaction of their own. */
	ROUTE_READ_TXN = 8,
	/* Open to a session whose password must be changed first (after a
	 * reset, or too old for the policy): everything else answers 403
	 * password_change_required until it is. */
	ROUTE_PASSWORD_CHANGE = 16,
	/* A write that honours an Idempotency-Key header (docs/api.md):
	 * the request path runs it in one write transaction with its
	 * stored answer (web/idempotency.c). */
	ROUTE_IDEMPOTENT = 32
};

struct web_route {
	struct route_pattern p; /* must be first: the router reads it */
	web_handler handler;
	unsigned roles;         /* ROLE_BIT()s allowed; 0 = public */
	enum route_scope scope;
	unsigned flags;
};

/* A family of addresses with its routes and its way of answering. */
struct web_door {
	const char *name;
	/* How the routes' patterns read as paths, for `urbangrid routes`:
	 * what the door strips before matching (Open311: "/open311/v2" and
	 * ".{format}"); NULL when the patterns are the paths. */
	const char *path_prefix, *path_suffix;
	/* Is this path the door's?  The last door of the list takes every
	 * path (NULL here). */
	int (*claims)(const char *path);
	const struct web_route *routes;
	size_t nroutes;
	/* Bodies are JSON unless the route says otherwise (415 if not). */
	int json_bodies;
	/* Optional: set up c->door_state (in the request's arena) before
	 * anything is answered, so errors come in the door's shape. */
	void (*init)(struct web_ctx *c);
	/* Optional: the path the routes are matched against (Open311 strips
	 * its prefix and format suffix); NULL when it answered already. */
	const char *(*route_path)(struct web_ctx *c);
	/* Optional: the door's own checks once the route is known and
	 * before the database (Open311: its rate limits, its form);
	 * non-zero when it answered. */
	int (*before)(struct web_ctx *c);
	/* Write an error in the door's shape: the status, a code word
	 * ("not_found"), the message, the field it is about (may be NULL). */
	void (*error)(struct web_ctx *c, int status, const char *code,
		      const char *message, const char *field);
};

/* Run the route's handler for a request with an Idempotency-Key (web/
 * idempotency.c): 400 for a malformed key, the stored answer again for
 * a retry of the same request (Idempotent-Replayed: true), 409 for the
 * key used by another request, else the handler, its answer stored with
 * its writes in one transaction when it succeeds. */
void web_run_idempotent(struct web_ctx *c, const char *key);

/* GET /healthz (web/health.c): status, version, schema, and `detail`
 * with what needs a person (the calendar's provisional next year). */
void web_health(struct web_ctx *c);

/* Check the doors' route tables before serving: a known scope on every
 * route; roles 0 exactly on RS_PUBLIC routes (the dispatcher
 * authenticates the others); RS_SELF routes open to every role; no flag
 * unknown.  UG_EINTERNAL naming the door and the route otherwise. */
int web_doors_check(const struct web_door *const *doors,
		    struct ug_error *err);

/* The http_app_fn given to the server; ctx is a struct app whose doors
 * are set. */
void web_serve(void *ctx, struct http_request *req,
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


/* ---- helpers for handlers (web/reply.c) ---------------------------- */

/* Path parameter by name as a NUL-terminated string (request arena), or
 * NULL. */
const char *api_param(struct web_ctx *c, const char *name);

/* Answer with JSON (takes the reference to `body`). */
void reply_json(struct web_ctx *c, int status, json_t *body);

/* Append v as JSON (json_dump_flags: JSON_COMPACT, a precision...) to
 * out, written straight in: -1 (out as it was) when memory ran out. */
int reply_json_into(struct buf *out, const json_t *v, size_t flags);

/* Answer with an error in the request's door's shape (the API's:
 * {"error":{"code","message","field"}}). */
void reply_error(struct web_ctx *c, int status, const char *code,
		 const char *message, const char *field);

/* The API's error body, for its door and for answers given before a door
 * is known. */
void reply_json_error(struct http_response *resp, int status,
		      const char *code, const char *message,
		      const char *field);

/* The status and code word of an error: invalid 400, unauthenticated 401,
 * forbidden 403, not_found 404, conflict 409, too_large 413,
 * too_many_requests 429, others 500 ("internal").  The one mapping; a
 * door may say the same in its own dialect (Open311: 409 and 401 as the
 * standard's 400 and 403). */
int web_status_of(const struct ug_error *err, const char **code);

/* Answer with the error in err (web_status_of; 429 with Retry-After;
 * a 500's details go to the log, not to the client). */
void reply_ug_error(struct web_ctx *c, const struct ug_error *err);

/* Answer with a stored photo's file (streamed), its type and the given
 * Cache-Control (the bytes behind an id never change: immutable). */
void reply_photo(struct web_ctx *c, const struct attachment_row *a,
		 const char *cache_control);

/* Answer 204 No Content. */
void reply_no_content(struct web_ctx *c);

/* Query-string parameters (web/query.c): absent gives the default (or
 * 0 for a time); a bad value is UG_EINVAL naming the parameter. */
int query_number(struct web_ctx *c, const char *name, int required,
		 double lo, double hi, double deflt, double *out,
		 struct ug_error *err);
int query_int(struct web_ctx *c, const char *name, int64_t lo, int64_t hi,
	      int64_t deflt, int64_t *out, struct ug_error *err);
int query_time(struct web_ctx *c, const char *name, int64_t *out,
	       struct ug_error *err);

/* The path parameter `name` as an id (up to 15 digits); UG_EINVAL naming
 * it ("<what> id must be a number") otherwise. */
int path_id(struct web_ctx *c, const char *name, const char *what,
	    int64_t *out, struct ug_error *err);

/* Answer GET ...?bbox=minLon,minLat,maxLon,maxLat[&tolerance=][&limit=]
 * with the grids of the box as GeoJSON (docs/api.md, /api/v1/grids). */
void reply_grids_geojson(struct web_ctx *c);

/* Decode the request body against a field spec; on failure answers 400 and
 * returns non-zero.  *root is released by the caller with json_decref. */
int api_decode(struct web_ctx *c, const struct field_spec *spec, size_t n,
	       struct field_value *out, json_t **root);

/* The same for a route on one object, /…/{id}: the id from the path
 * first (400 naming "id", "<what> id must be a number"), then the body. */
int api_decode_at(struct web_ctx *c, const char *what, int64_t *id,
		  const struct field_spec *spec, size_t n,
		  struct field_value *out, json_t **root);

/* JSON views of domain objects. */
json_t *json_user(const struct user *u);
json_t *json_time(int64_t secs); /* ISO 8601 UTC string */

#endif
