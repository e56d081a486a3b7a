/*
 * open311.h - edge code the public channel's two doors share: Open311
 * GeoReport v2 (/open311/v2/, api/open311.c) and the JSON API of the
 * public pages (/public/api/, api/h_public.c).  Both read the same form
 * fields, file reports the same way and show a case the same way.
 */
#ifndef UG_API_OPEN311_H
#define UG_API_OPEN311_H

#include <jansson.h>

#include "web/web.h"
#include "domain/public/open311.h"
#include "lib/form.h"
#include "web/anscache.h"

/* The request body as form fields, whatever it came as:
 * application/x-www-form-urlencoded, multipart/form-data (files kept), or
 * a JSON object (strings and numbers; an "attribute" object becomes
 * attribute[code] fields, arrays repeat the field).  No body: an empty
 * form.  UG_EINVAL naming Content-Type for any other type. */
int public_form(struct http_request *req, struct form *f,
		struct ug_error *err);

/* The Open311 report in form fields (GeoReport v2 names): service_code,
 * lat, long, address_string, address_id, description, attribute[c] and
 * attribute[c][], first_name, last_name, name, email, phone, device_id,
 * account_id, media_url, and photos in file parts photo1..photo8, media,
 * media[].  Numbers are checked here (lat/long both or neither, finite,
 * in range; errors name them); the rest by open311_submit().  The arrays
 * of r are allocated in `arena`. */
int public_report_from_form(const struct form *f, struct arena *arena,
			    struct open311_report *r, struct ug_error *err);

/* Who sends a report: the api_client account of `api_key`, else the
 * anonymous account when the city accepts anonymous reports
 * (auth_public_client), into *u, and the actor of that account from the
 * request's address into *a (it points at *u).  UG_EAUTH (403 in
 * Open311) for a wrong key or when a key is needed. */
int public_client(struct web_ctx *c, const char *api_key, struct user *u,
		  struct actor *a, struct ug_error *err);

/* The base URL of this server as clients reach it, ending in '/':
 * --public-url, else http://Host/ (a Host that is not a plain host[:port]
 * gives "/"). */
const char *public_base(struct app *app, struct http_request *req);

/* A case as a GeoReport v2 request object (JSON shape); with
 * extensions, Chicago's extended_attributes and notes. */
json_t *open311_request_json(struct app *app, const struct case_env *cases,
			     struct db *db,
			     struct http_request *req, const struct case_row *c,
			     const struct open311_view *v,
			     enum open311_lang lang, int extensions,
			     struct ug_error *err);

/* The rate-limit key of the client's address into out (an IPv6 client
 * is its /64: one host may hold a whole /64); returns out. */
const char *public_address_key(const struct http_request *req, char out[64]);

/* The public history of a case as Chicago's notes: [{datetime, summary,
 * description, type (the action)}]; NULL on error. */
json_t *public_notes(struct db *db, const struct case_env *cases,
		     const struct case_row *c, enum open311_lang lang,
		     struct ug_error *err);

/* An instant as the city's ISO 8601 time (the offset of the request's
 * calendar), into out. */
const char *public_time(const struct case_env *cases, int64_t t,
			char out[40]);

/* ---- answers kept for the next asker ------------------------------------
 * A public read every asker gets alike (an Open311 request and its lists,
 * the public page's report) is served from the answer cache
 * (web/anscache.h) while nothing it was made from has changed: the key is
 * the door, the path, every argument and the base URL its links are made
 * of; the version, open311_answers_version() (the latest history line,
 * audited change and photo).  Clients that poll revalidate with
 * If-None-Match and get 304.  Both doors use it alike:
 *
 *     struct public_kept k;
 *     if (public_answer_kept(c, "open311", &k)) return;  (answered)
 *     ... make the answer into c->resp ...
 *     public_answer_keep(c, &k);                        (kept if a 200)
 *
 * and on an error before the answer, buf_free(&k.key). */
struct public_kept {
	struct buf key;  /* empty: not to be kept (no cache, a POST) */
	struct anscache_version v;
};

/* 1 when the answer went out from the cache (with its ETag, or 304);
 * else 0 and k is ready for public_answer_keep(). */
int public_answer_kept(struct web_ctx *c, const char *door,
		       struct public_kept *k);

/* Keep the answer just made (a 200) for the next asker and tag it; frees
 * k's key. */
void public_answer_keep(struct web_ctx *c, struct public_kept *k);

#endif
