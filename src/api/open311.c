/*
 * open311.c - Open311 GeoReport v2 under /open311/v2/ (see
 * docs/open311.md), and the edge code it shares with the public pages
 * (api/open311.h).
 *
 * Every resource answers in the format its extension names (.json or
 * .xml).  A handler builds one JSON tree in the standard's JSON shape;
 * jsonxml_write() turns it into the XML shape when .xml was asked.  Errors
 * are the standard's too: an HTTP status and a list of {code,
 * description}.  Open311 has its own door into the application (not the
 * /api/v1 route table) because its errors, formats, keys and limits are
 * its own.
 */
#include "api/open311.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/cases/workflow.h"
#include "http/router.h"
#include "lib/iso8601.h"
#include "lib/jsonxml.h"
#include "lib/log.h"
#include "lib/util.h"

#define PREFIX "/open311/v2"
/* When the service list or this interface last changed (discovery). */
#define CHANGESET "2026-11-23T00:00:00+08:00"
#define WINDOW_DEFAULT (90 * 86400) /* GET requests without dates */
#define UPDATES_WINDOW_DEFAULT (86400)
#define LIST_MAX 1000

/* XML item names of the lists of every document. */
static const struct jsonxml_list xml_lists[] = {
	{ "endpoints", "endpoint" }, { "formats", "format" },
	{ "attributes", "attribute" }, { "values", "value" },
	{ "notes", "note" }, { "media_urls", "media_url" },
	{ "groups", "group" },
};

enum fmt { FMT_JSON, FMT_XML };

struct o311 {
	struct app *app;
	struct http_request *req;
	struct http_response *resp;
	struct db *db;
	enum fmt fmt;
	const struct route_match *match;
	struct form form;  /* POST fields */
	enum open311_lang lang;
	/* The case settings with this request's working calendar, and the
	 * public channel's settings pointing at them. */
	struct case_env cases;
	struct open311_env env;
	const struct livecal_view *held;
};

/* ---- answers --------------------------------------------------------- */

static const char *content_type(const struct app *app, enum fmt fmt)
{
	if (fmt == FMT_XML)
		return app->pub.charset ? "text/xml; charset=utf-8" : "text/xml";
	return app->pub.charset ? "application/json; charset=utf-8"
				: "application/json";
}

/* Answer `v` (a reference taken) in the asked format; root and item are
 * the XML names of the document and, for a list, of each item. */
static void reply(struct o311 *o, int status, json_t *v, const char *root,
		  const char *item)
{
	struct ug_error err;
	char *text;

	ug_error_clear(&err);
	buf_reset(&o->resp->body);
	if (o->fmt == FMT_XML) {
		if (jsonxml_write(&o->resp->body, root, item, v, xml_lists,
				  sizeof xml_lists / sizeof *xml_lists, &err)) {
			log_msg(LOG_ERROR, o->req->request_id, "open311: %s",
				err.message);
			buf_reset(&o->resp->body);
			status = 500;
			buf_puts(&o->resp->body,
				 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
				 "<errors><error><code>500</code><description>"
				 "internal error</description></error>"
				 "</errors>\n");
		}
	} else {
		text = json_dumps(v, JSON_COMPACT |
					     JSON_REAL_PRECISION(JSONXML_REAL_DIGITS));
		if (text) {
			buf_puts(&o->resp->body, text);
			buf_putc(&o->resp->body, '\n');
		}
		free(text);
	}
	json_decref(v);
	o->resp->status = status;
	o->resp->content_type = content_type(o->app, o->fmt);
}

static void reply_o311_error(struct o311 *o, int status,
			     const char *description)
{
	json_t *e = json_pack("[{s:i, s:s}]", "code", status, "description",
			      description);

	reply(o, status, e, "errors", "error");
}

/* A domain error as Open311 says it: 400 bad input, 403 key, 404
 * unknown thing, 413 too big, 429 too fast, 500 else (logged). */
static void reply_ug(struct o311 *o, const struct ug_error *err)
{
	int status;

	switch (err->code) {
	case UG_EINVAL: status = 400; break;
	case UG_ECONFLICT: status = 400; break;
	case UG_ENOTFOUND: status = 404; break;
	case UG_EAUTH:
	case UG_EFORBIDDEN: status = 403; break;
	case UG_ETOOBIG: status = 413; break;
	case UG_ELIMIT: status = 429; break;
	default:
		log_msg(LOG_ERROR, o->req->request_id, "open311: %s",
			err->message);
		reply_o311_error(o, 500, "internal error");
		return;
	}
	if (status == 429) {
		char s[16];

		snprintf(s, sizeof s, "%d", err->retry_after ? err->retry_after
							     : 1);
		http_response_header(o->resp, "Retry-After", s);
	}
	reply_o311_error(o, status, err->message);
}

/* ---- shared edge code (api/open311.h) --------------------------------- */

const char *public_time(const struct case_env *cases, int64_t t,
			char out[40])
{
	return iso8601_format(t, cases->utc_offset, out, 40);
}

const char *public_base(struct app *app, struct http_request *req)
{
	const char *host = http_header(req, "Host");
	size_t n;

	if (app->pub.base_url && *app->pub.base_url)
		return app->pub.base_url;
	if (!host || !*host || strlen(host) > 255)
		return "/";
	/* Only a plain host[:port]: the Host header is the client's to
	 * choose, and it ends up in links we hand out. */
	for (n = 0; host[n]; n++)
		if (!(isalnum((unsigned char)host[n]) || host[n] == '.' ||
		      host[n] == '-' || host[n] == ':' || host[n] == '[' ||
		      host[n] == ']'))
			return "/";
	{
		char *s = arena_alloc(&req->arena, n + 16);

		if (!s)
			return "/";
		snprintf(s, n + 16, "http://%s/", host);
		return s;
	}
}

static int add_json_field(struct form *f, const char *name, json_t *v,
			  struct ug_error *err)
{
	char num[64];

	if (json_is_string(v))
		return form_add(f, name, strlen(name), json_string_value(v),
				json_string_length(v), NULL, NULL, err);
	if (json_is_integer(v) || json_is_real(v)) {
		snprintf(num, sizeof num, "%.17g", json_number_value(v));
		return form_add(f, name, strlen(name), num, strlen(num), NULL,
				NULL, err);
	}
	if (json_is_boolean(v))
		return form_add(f, name, strlen(name),
				json_is_true(v) ? "true" : "false",
				json_is_true(v) ? 4 : 5, NULL, NULL, err);
	if (json_is_null(v))
		return 0;
	return ug_fail(err, UG_EINVAL, name,
		       "%s must be a string or a number", name);
}

/* A JSON body as form fields (see public_form). */
static int form_from_json(struct form *f, const char *body, size_t len,
			  struct ug_error *err)
{
	json_t *root = NULL, *v, *x;
	const char *key, *code;
	size_t i;
	int rc;

	if ((rc = fields_parse_object(body, len, &root, err)))
		return rc;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "attribute") == 0 && json_is_object(v)) {
			json_t *a;

			json_object_foreach(v, code, a) {
				char name[128];

				snprintf(name, sizeof name, "attribute[%.100s]",
					 code);
				if (json_is_array(a)) {
					json_array_foreach(a, i, x)
						if ((rc = add_json_field(f, name,
									 x, err)))
							goto out;
				} else if ((rc = add_json_field(f, name, a,
								err))) {
					goto out;
				}
			}
		} else if (json_is_array(v)) {
			json_array_foreach(v, i, x)
				if ((rc = add_json_field(f, key, x, err)))
					goto out;
		} else if ((rc = add_json_field(f, key, v, err))) {
			goto out;
		}
	}
out:
	json_decref(root);
	return rc;
}

static int type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	return ct && strncasecmp(ct, type, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int public_form(struct http_request *req, struct form *f,
		struct ug_error *err)
{
	const char *ct = http_header(req, "Content-Type");

	form_init(f, &req->arena);
	if (req->body_len == 0)
		return 0;
	if (type_is(ct, "application/x-www-form-urlencoded"))
		return form_parse_urlencoded(f, req->body, req->body_len, err);
	if (type_is(ct, "multipart/form-data"))
		return http_form_multipart(req, f, err);
	if (type_is(ct, "application/json"))
		return form_from_json(f, req->body, req->body_len, err);
	return ug_fail(err, UG_EINVAL, "Content-Type",
		       "send the fields as application/x-www-form-urlencoded, "
		       "multipart/form-data or application/json");
}

/* A decimal number filling the whole text. */
static int parse_coord(const char *s, const char *field, double lo,
		       double hi, double *out, struct ug_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) ||
	    strpbrk(s, "xXnNiI")) /* hex floats, nan, inf are not numbers here */
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be a decimal number", field);
	if (v < lo || v > hi)
		return ug_fail(err, UG_EINVAL, field,
			       "%s must lie in [%g, %g]", field, lo, hi);
	*out = v;
	return 0;
}

/* "attribute[code]" or "attribute[code][]" -> code (arena), else NULL. */
static const char *attribute_code(struct arena *a, const char *name)
{
	size_t n = strlen(name);
	const char *code = name + 10;
	size_t len;

	if (strncmp(name, "attribute[", 10) != 0 || n < 12)
		return NULL;
	if (n > 12 && strcmp(name + n - 3, "][]") == 0)
		len = n - 10 - 3;
	else if (name[n - 1] == ']')
		len = n - 10 - 1;
	else
		return NULL;
	if (len == 0 || memchr(code, '[', len) || memchr(code, ']', len))
		return NULL;
	return arena_strndup(a, code, len);
}

static int is_photo_field(const char *name)
{
	if (strcmp(name, "media") == 0 || strcmp(name, "media[]") == 0 ||
	    strcmp(name, "photo") == 0)
		return 1;
	/* FixMyStreet: photo1, photo2, ... */
	return strncmp(name, "photo", 5) == 0 && name[5] >= '1' &&
	       name[5] <= '9' && (name[6] == '\0' || (name[6] >= '0' &&
						       name[6] <= '9' &&
						       name[7] == '\0'));
}

int public_report_from_form(const struct form *f, struct arena *arena,
			    struct open311_report *r, struct ug_error *err)
{
	const char *lat = form_get(f, "lat"), *lon = form_get(f, "long");
	/* Fields that take one value: a second one is refused, not
	 * dropped. */
	static const char *const single[] = {
		"service_code", "lat", "long", "address_string", "address_id",
		"description", "name", "first_name", "last_name", "phone",
		"email", "device_id", "deviceid", "account_id", "api_key",
		"jurisdiction_id",
	};
	const char **codes, **values, **fields, **links;
	const void **photos;
	size_t *lens, nlinks = 0;
	int rc;

	for (size_t k = 0; k < sizeof single / sizeof *single; k++) {
		int seen = 0;

		for (size_t i = 0; i < f->n; i++)
			if (strcmp(f->fields[i].name, single[k]) == 0 &&
			    ++seen > 1)
				return ug_fail(err, UG_EINVAL, single[k],
					       "%s was given more than once",
					       single[k]);
	}

	memset(r, 0, sizeof *r);
	r->service_code = form_get(f, "service_code");
	r->description = form_get(f, "description");
	r->address_string = form_get(f, "address_string");
	r->address_id = form_get(f, "address_id");
	r->name = form_get(f, "name");
	r->first_name = form_get(f, "first_name");
	r->last_name = form_get(f, "last_name");
	r->phone = form_get(f, "phone");
	r->email = form_get(f, "email");
	r->device_id = form_get(f, "device_id");
	if (!r->device_id)
		r->device_id = form_get(f, "deviceid");
	r->account_id = form_get(f, "account_id");

	if (lat || lon) {
		if (!lat || !lon)
			return ug_fail(err, UG_EINVAL, lat ? "long" : "lat",
				       "lat and long go together: %s is "
				       "missing", lat ? "long" : "lat");
		if ((rc = parse_coord(lat, "lat", -90, 90, &r->lat, err)) ||
		    (rc = parse_coord(lon, "long", -180, 180, &r->lon, err)))
			return rc;
		r->has_location = 1;
	}
	codes = arena_alloc(arena, (f->n + 1) * sizeof *codes);
	values = arena_alloc(arena, (f->n + 1) * sizeof *values);
	photos = arena_alloc(arena, (f->n + 1) * sizeof *photos);
	lens = arena_alloc(arena, (f->n + 1) * sizeof *lens);
	fields = arena_alloc(arena, (f->n + 1) * sizeof *fields);
	links = arena_alloc(arena, (f->n + 1) * sizeof *links);
	if (!codes || !values || !photos || !lens || !fields || !links)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *x = &f->fields[i];
		const char *code;

		if (!x->filename && strcmp(x->name, "media_url") == 0) {
			if (x->len)
				links[nlinks++] = x->value;
			continue;
		}
		if (x->filename || is_photo_field(x->name)) {
			if (!is_photo_field(x->name))
				return ug_fail(err, UG_EINVAL, x->name,
					       "%s: only photos are taken as "
					       "files (photo1 ... photo8, "
					       "media)", x->name);
			if (!x->filename)
				return ug_fail(err, UG_EINVAL, x->name,
					       "%s must be a file part of a "
					       "multipart/form-data body",
					       x->name);
			if (x->len == 0)
				continue; /* an empty file input */
			photos[r->nphotos] = x->value;
			lens[r->nphotos] = x->len;
			fields[r->nphotos++] = x->name;
			continue;
		}
		code = attribute_code(arena, x->name);
		if (!code || !x->len)
			continue; /* unknown parameters are ignored */
		codes[r->nattrs] = code;
		values[r->nattrs++] = x->value;
	}
	r->media_url = links;
	r->nmedia_urls = nlinks;
	r->attr_code = codes;
	r->attr_value = values;
	r->photo = photos;
	r->photo_len = lens;
	r->photo_field = fields;
	return 0;
}

int public_client(struct app *app, struct db *db, const char *api_key,
		  struct user *u, struct ug_error *err)
{
	int rc;

	if (api_key) {
		rc = auth_bearer_user(db, api_key, u, err);
		if (rc == -UG_EAUTH || rc == -UG_ENOTFOUND ||
		    (rc == 0 && strcmp(u->role, "api_client") != 0))
			return ug_fail(err, UG_EAUTH, "api_key",
				       "api_key is not valid");
		return rc;
	}
	if (!app->pub.anonymous_user || !*app->pub.anonymous_user)
		return ug_fail(err, UG_EAUTH, "api_key",
			       "api_key was not provided");
	rc = store_user_by_name(db, app->pub.anonymous_user, u, NULL, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && (u->disabled ||
						strcmp(u->role, "api_client"))))
		return ug_fail(err, UG_EAUTH, "api_key",
			       "api_key was not provided (this city takes "
			       "reports from registered clients only)");
	return rc;
}

static void put_time(const struct case_env *cases, json_t *o,
		     const char *key, int64_t t)
{
	char buf[40];

	if (t > 0)
		json_object_set_new(o, key,
				    json_string(public_time(cases, t, buf)));
}

struct notes_json {
	const struct case_env *cases;
	json_t *list;
};

static int add_note(void *ctx, int64_t at, const char *action,
		    const char *text)
{
	struct notes_json *n = ctx;
	json_t *o = json_object();
	char buf[40];

	json_object_set_new(o, "datetime",
			    json_string(public_time(n->cases, at, buf)));
	json_object_set_new(o, "summary", json_string(text));
	json_object_set_new(o, "description", json_string(text));
	json_object_set_new(o, "type", json_string(action));
	json_array_append_new(n->list, o);
	return 0;
}

json_t *public_notes(struct db *db, const struct case_env *cases,
		     const struct case_row *c, enum open311_lang lang,
		     struct ug_error *err)
{
	struct notes_json n = { cases, json_array() };

	if (open311_notes(db, c, lang, add_note, &n, err)) {
		json_decref(n.list);
		return NULL;
	}
	return n.list;
}

json_t *open311_request_json(struct app *app, const struct case_env *cases,
			     struct db *db,
			     struct http_request *req, const struct case_row *c,
			     const struct open311_view *v,
			     enum open311_lang lang, int extensions,
			     struct ug_error *err)
{
	json_t *o = json_object();
	const char *base = public_base(app, req);

	json_object_set_new(o, "service_request_id", json_string(c->number));
	json_object_set_new(o, "status", json_string(v->status));
	json_object_set_new(o, "status_notes", json_string(v->status_notes));
	json_object_set_new(o, "service_name", json_string(v->service_name));
	json_object_set_new(o, "service_code", json_string(c->category));
	json_object_set_new(o, "description", json_string(c->description));
	if (v->agency[0])
		json_object_set_new(o, "agency_responsible",
				    json_string(v->agency));
	if (v->expected && c->stage[0]) {
		/* What is expected next, and by when: the running stage of the
		 * filing standard and its deadline. */
		int st = case_stage_parse(c->stage);
		char due[40], notice[160];

		public_time(cases, v->expected, due);
		if (st >= 0) {
			snprintf(notice, sizeof notice,
				 lang == LANG_EN ? "Next step: %s, due by %s"
						 : "当前环节：%s，时限 %s",
				 lang == LANG_EN ? case_stages[st].name
						 : case_stages[st].name_zh,
				 due);
			json_object_set_new(o, "service_notice",
					    json_string(notice));
		}
	}
	put_time(cases, o, "requested_datetime", c->created_at);
	put_time(cases, o, "updated_datetime", v->updated);
	put_time(cases, o, "expected_datetime", v->expected);
	json_object_set_new(o, "address", json_string(c->address));
	if (c->has_location) {
		json_object_set_new(o, "lat", json_real(c->lat));
		json_object_set_new(o, "long", json_real(c->lon));
	}
	if (v->nphotos) {
		char url[512];

		snprintf(url, sizeof url, "%spublic/media/%lld", base,
			 (long long)v->photo[0]);
		json_object_set_new(o, "media_url", json_string(url));
	} else if (v->media_url[0]) {
		/* The first of the client's links (one per line). */
		json_object_set_new(o, "media_url",
				    json_stringn(v->media_url,
						 strcspn(v->media_url, "\n")));
	}
	if (extensions) {
		json_t *ext = json_object(), *notes;

		json_object_set_new(ext, "channel", json_string(c->source));
		if (c->grid[0])
			json_object_set_new(ext, "grid", json_string(c->grid));
		if (v->parent[0]) {
			json_object_set_new(ext, "duplicate", json_true());
			json_object_set_new(ext, "parent_service_request_id",
					    json_string(v->parent));
		}
		json_object_set_new(o, "extended_attributes", ext);
		if (!(notes = public_notes(db, cases, c, lang, err))) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "notes", notes);
	}
	return o;
}

/* ---- parameters ------------------------------------------------------ */

/* A parameter of the query (GET) or the form (POST); an empty value
 * counts as absent. */
static const char *param(struct o311 *o, const char *name)
{
	const char *v;

	if (strcmp(o->req->method, "POST") == 0)
		return form_get(&o->form, name);
	v = http_query(o->req, name);
	return v && *v ? v : NULL;
}

/* A W3C date-time with its zone.  A '+' of an offset sent unescaped in a
 * query string arrives as a space ("…T10:00:00 08:00"): put it back rather
 * than read the time as local. */
static int param_time(struct o311 *o, const char *name, int64_t *out,
		      struct ug_error *err)
{
	const char *v = param(o, name);
	char buf[64];
	size_t n;

	if (!v)
		return 1;
	n = strlen(v);
	if (n >= sizeof buf)
		return ug_fail(err, UG_EINVAL, name,
			       "%s is not a W3C date-time", name);
	memcpy(buf, v, n + 1);
	if (n > 6 && buf[n - 6] == ' ' && buf[n - 3] == ':')
		buf[n - 6] = '+';
	if (iso8601_parse(buf, out))
		return ug_fail(err, UG_EINVAL, name,
			       "%s must be a W3C date-time with a zone, like "
			       "2026-11-23T09:30:00+08:00", name);
	return 0;
}

/* start_date / end_date: both as given; one of them and `span` seconds
 * to or from it; neither: the last `span` seconds.  UG_EINVAL naming the
 * date that does not parse, or end_date when it lies before start_date. */
static int param_window(struct o311 *o, int64_t span, int64_t *from,
			int64_t *to, struct ug_error *err)
{
	int no_from, no_to;

	if ((no_from = param_time(o, "start_date", from, err)) < 0 ||
	    (no_to = param_time(o, "end_date", to, err)) < 0)
		return no_from < 0 ? no_from : no_to;
	if (no_to)
		*to = no_from ? ug_now_s() : *from + span;
	if (no_from)
		*from = *to - span;
	if (*to < *from)
		return ug_fail(err, UG_EINVAL, "end_date",
			       "end_date lies before start_date");
	return 0;
}

/* A comma list of items made only of [0-9A-Za-z_-] into ",a,b," (for the
 * store's list filters); UG_EINVAL naming the parameter otherwise. */
static int param_list(struct o311 *o, const char *name, struct buf *out,
		      struct ug_error *err)
{
	const char *v = param(o, name);

	buf_reset(out);
	if (!v)
		return 0;
	buf_putc(out, ',');
	for (const char *p = v; *p; p++) {
		if (*p == ',' || *p == ' ') {
			if (out->data[out->len - 1] != ',')
				buf_putc(out, ',');
		} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '-') {
			buf_putc(out, *p);
		} else {
			return ug_fail(err, UG_EINVAL, name,
				       "%s must be a comma-separated list",
				       name);
		}
	}
	if (out->data[out->len - 1] != ',')
		buf_putc(out, ',');
	return 0;
}

const char *public_address_key(const struct http_request *req, char out[64])
{
	ratelimit_address_key(req->client_addr, out);
	return out;
}

static int limit_hit(struct o311 *o, struct ratelimit *rl, const char *key)
{
	int wait = ratelimit_take(rl, key, ug_monotonic_us());
	char s[16];

	if (!wait)
		return 0;
	snprintf(s, sizeof s, "%d", wait);
	http_response_header(o->resp, "Retry-After", s);
	reply_o311_error(o, 429, "too many requests; try again later");
	return 1;
}

/* ---- handlers --------------------------------------------------------- */

static void o_discovery(struct o311 *o)
{
	const char *base = public_base(o->app, o->req);
	char url[600];
	json_t *d;

	snprintf(url, sizeof url, "%sopen311/v2/", base);
	d = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}",
		      "changeset", CHANGESET, "contact",
		      "城市管理监督指挥中心 / City management supervision "
		      "and command centre",
		      "key_service",
		      "API keys are issued by the centre's administrator "
		      "(urbangrid token create)",
		      "endpoints", "specification",
		      "http://wiki.open311.org/GeoReport_v2", "url", url,
		      "changeset", CHANGESET, "type", "production", "formats",
		      "text/xml", "application/json");
	reply(o, 200, d, "discovery", NULL);
}

struct services_ctx {
	struct o311 *o;
	json_t *list;
};

static int add_service(void *ctx, const struct category *c)
{
	struct services_ctx *s = ctx;
	int en = s->o->lang == LANG_EN;
	json_t *o;

	if (!c->public_)
		return 0;
	o = json_object();
	json_object_set_new(o, "service_code", json_string(c->code));
	json_object_set_new(o, "service_name",
			    json_string(en && c->name_en[0] ? c->name_en
							    : c->name));
	json_object_set_new(o, "description",
			    json_string(en && c->name_en[0] ? c->name_en
							    : c->name));
	json_object_set_new(o, "metadata", json_true());
	json_object_set_new(o, "type",
			    json_string(s->o->env.ids_after_verify
						? "batch"
						: "realtime"));
	json_object_set_new(o, "keywords",
			    json_string(strcmp(c->kind, "component") == 0
						? (en ? "component" : "部件")
						: (en ? "event" : "事件")));
	json_object_set_new(o, "group",
			    json_string(en && c->major_name_en[0]
						? c->major_name_en
						: c->major_name));
	json_array_append_new(s->list, o);
	return 0;
}

static void o_services(struct o311 *o)
{
	struct services_ctx s = { .o = o, .list = json_array() };
	struct ug_error err;

	ug_error_clear(&err);
	if (store_category_list(o->db, add_service, &s, &err) < 0) {
		json_decref(s.list);
		reply_ug(o, &err);
		return;
	}
	reply(o, 200, s.list, "services", "service");
}

static json_t *attribute_json(const struct open311_attribute *a, int en)
{
	json_t *o = json_object(), *values = json_array();

	json_object_set_new(o, "variable", json_true());
	json_object_set_new(o, "code", json_string(a->code));
	json_object_set_new(o, "datatype", json_string(a->datatype));
	json_object_set_new(o, "required", json_boolean(a->required));
	json_object_set_new(o, "datatype_description", json_string(""));
	json_object_set_new(o, "order", json_integer(a->order));
	json_object_set_new(o, "description",
			    json_string(en ? a->description_en
					   : a->description_zh));
	for (const struct open311_value *v = a->values; v && v->key; v++)
		json_array_append_new(values,
				      json_pack("{s:s, s:s}", "key", v->key,
						"name",
						en ? v->name_en : v->name_zh));
	if (a->values)
		json_object_set_new(o, "values", values);
	else
		json_decref(values);
	return o;
}

static void o_service_definition(struct o311 *o)
{
	const char *code = api_param_of(o->req, o->match, "code");
	struct category cat;
	struct ug_error err;
	json_t *d, *attrs;
	int rc;

	ug_error_clear(&err);
	rc = !code || strlen(code) > CODE_MAX
		     ? -UG_ENOTFOUND
		     : store_category_get(o->db, code, &cat, &err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && !cat.public_)) {
		reply_o311_error(o, 404, "service_code is not a service of "
					 "this city");
		return;
	}
	if (rc) {
		reply_ug(o, &err);
		return;
	}
	attrs = json_array();
	for (size_t i = 0; i < open311_attribute_count; i++)
		if (!open311_attributes[i].components_only ||
		    strcmp(cat.kind, "component") == 0)
			json_array_append_new(
				attrs, attribute_json(&open311_attributes[i],
						      o->lang == LANG_EN));
	d = json_object();
	json_object_set_new(d, "service_code", json_string(cat.code));
	json_object_set_new(d, "attributes", attrs);
	reply(o, 200, d, "service_definition", NULL);
}

static void o_request_create(struct o311 *o)
{
	struct open311_report r;
	struct open311_row row;
	struct case_row *c = malloc(sizeof *c);
	struct ug_error err;
	struct user u;
	json_t *one;
	char addr[64];

	ug_error_clear(&err);
	if (!c) {
		reply_o311_error(o, 500, "out of memory");
		return;
	}
	if (public_client(o->app, o->db, param(o, "api_key"), &u, &err) ||
	    public_report_from_form(&o->form, &o->req->arena, &r, &err))
		goto fail;
	if (param(o, "api_key") ? limit_hit(o, o->app->pub.keys, u.username)
				: limit_hit(o, o->app->pub.writes,
					    public_address_key(o->req, addr)))
		goto out;
	r.client_addr = o->req->client_addr;
	if (open311_submit(o->db, &o->env, &u, &r, ug_now_s(), c, &row,
			   &err))
		goto fail;
	snprintf(o->req->user, sizeof o->req->user, "%s", u.username);
	one = json_object();
	if (o->env.ids_after_verify)
		json_object_set_new(one, "token", json_string(row.token));
	else
		json_object_set_new(one, "service_request_id",
				    json_string(c->number));
	json_object_set_new(one, "service_notice",
			    json_string(o->lang == LANG_EN
						? "Received. An inspector will "
						  "check it on site."
						: "已受理，监督员将现场核实。"));
	reply(o, 200, json_pack("[o]", one), "service_requests", "request");
	goto out;
fail:
	reply_ug(o, &err);
out:
	free(c);
}

/* Status filters of a list (bits; 0: any). */
enum { WANT_OPEN = 1, WANT_CLOSED = 2 };

static int request_into(struct o311 *o, json_t *list, const struct case_row *c,
			int extensions, unsigned want, struct ug_error *err)
{
	struct open311_view *v = malloc(sizeof *v);
	json_t *j = NULL;
	int rc;

	if (!v)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	/* Under --ids-after-verify a report's id is not told until an
	 * inspector verified it: not in lists either. */
	if (!open311_id_released(&o->env, c)) {
		free(v);
		return 0;
	}
	rc = open311_view(o->db, c, o->lang, v, err);
	/* A merged report's status is the case it joined: filter on that. */
	if (rc == 0 && want &&
	    !(want & (strcmp(v->status, "open") == 0 ? WANT_OPEN
						     : WANT_CLOSED))) {
		free(v);
		return 0;
	}
	if (rc == 0) {
		j = open311_request_json(o->app, &o->cases, o->db, o->req, c, v,
					 o->lang, extensions, err);
		rc = j ? 0 : -UG_EINTERNAL;
		if (j)
			json_array_append_new(list, j);
	}
	free(v);
	return rc;
}

static void o_request_get(struct o311 *o)
{
	const char *id = api_param_of(o->req, o->match, "id");
	struct case_row *c = malloc(sizeof *c);
	struct ug_error err;
	json_t *list = json_array();
	const char *ext = param(o, "extensions");

	ug_error_clear(&err);
	if (!c)
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
	else if (!open311_find(o->db, id ? id : "", c, &err) &&
		 !open311_id_released(&o->env, c))
		ug_fail(&err, UG_ENOTFOUND, "service_request_id",
			"no service request %s", id);
	else if (!err.code)
		request_into(o, list, c, ext && strcmp(ext, "true") == 0, 0,
			     &err);
	free(c);
	if (err.code) {
		json_decref(list);
		reply_ug(o, &err);
		return;
	}
	reply(o, 200, list, "service_requests", "request");
}

struct list_ctx {
	struct o311 *o;
	json_t *list;
	int extensions;
	unsigned want;
	struct ug_error *err;
};

static int add_request(void *ctx, const struct case_row *c)
{
	struct list_ctx *l = ctx;

	return request_into(l->o, l->list, c, l->extensions, l->want,
			    l->err) ? 1 : 0;
}

static void o_requests(struct o311 *o)
{
	struct buf codes = BUF_INIT, states = BUF_INIT, st = BUF_INIT;
	const char *ids = param(o, "service_request_id");
	const char *ext = param(o, "extensions");
	struct list_ctx l = { o, json_array(), 0, 0, NULL };
	struct case_row *c = malloc(sizeof *c);
	struct ug_error err;
	int64_t from = 0, to = 0, page = 1, size = LIST_MAX;

	ug_error_clear(&err);
	l.err = &err;
	l.extensions = ext && strcmp(ext, "true") == 0;
	if (!c) {
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (ids) {
		/* A list of ids overrides every other parameter. */
		if (param_list(o, "service_request_id", &codes, &err))
			goto out;
		for (char *p = codes.data + 1; *p;) {
			char *comma = strchr(p, ',');

			*comma = '\0';
			if (json_array_size(l.list) >= LIST_MAX)
				break;
			if (open311_find(o->db, p, c, &err) == 0) {
				if (request_into(o, l.list, c, l.extensions, 0,
						 &err))
					goto out;
			} else if (err.code != UG_ENOTFOUND) {
				goto out;
			}
			ug_error_clear(&err);
			p = comma + 1;
		}
		goto out;
	}
	if (param_list(o, "service_code", &codes, &err) ||
	    param_list(o, "status", &st, &err))
		goto out;
	/* open / closed -> our states */
	if (st.len) {
		int open = 0, closed = 0;

		for (char *p = st.data + 1; *p;) {
			char *comma = strchr(p, ',');

			*comma = '\0';
			if (strcmp(p, "open") == 0) {
				open = 1;
			} else if (strcmp(p, "closed") == 0) {
				closed = 1;
			} else {
				ug_fail(&err, UG_EINVAL, "status",
					"status must be open, closed or both, "
					"comma-separated");
				goto out;
			}
			p = comma + 1;
		}
		/* Merged reports are open or closed as the case they joined:
		 * always fetched, sorted out on their view. */
		for (int s = 0; s < CS_COUNT; s++)
			if (s == CS_MERGED ||
			    (case_state_terminal(s) ? closed : open))
				buf_printf(&states, ",%s", case_states[s].name);
		buf_putc(&states, ',');
		l.want = (open ? WANT_OPEN : 0) | (closed ? WANT_CLOSED : 0);
	}
	if (param_window(o, WINDOW_DEFAULT, &from, &to, &err))
		goto out;
	if (to - from > WINDOW_DEFAULT) {
		ug_fail(&err, UG_EINVAL, "end_date",
			"start_date and end_date may be at most 90 days "
			"apart");
		goto out;
	}
	if (param(o, "page_size") || param(o, "page")) {
		const char *ps = param(o, "page_size"), *pg = param(o, "page");

		if ((ps && (!ug_is_digits(ps, 0) || strlen(ps) > 4 ||
			    (size = atoi(ps)) < 1 || size > LIST_MAX)) ||
		    (pg && (!ug_is_digits(pg, 0) || strlen(pg) > 6 ||
			    (page = atoi(pg)) < 1))) {
			ug_fail(&err, UG_EINVAL, ps ? "page_size" : "page",
				"page must be >= 1 and page_size 1..%d",
				LIST_MAX);
			goto out;
		}
	}
	store_case_list_public(o->db, buf_str(&codes), buf_str(&states), from,
			       to, size, (page - 1) * size, add_request, &l,
			       &err);
out:
	free(c);
	buf_free(&codes);
	buf_free(&states);
	buf_free(&st);
	if (err.code) {
		json_decref(l.list);
		reply_ug(o, &err);
		return;
	}
	reply(o, 200, l.list, "service_requests", "request");
}

static void o_token(struct o311 *o)
{
	const char *token = api_param_of(o->req, o->match, "token");
	struct case_row *c = malloc(sizeof *c);
	struct open311_row *row = malloc(sizeof *row);
	struct ug_error err;
	json_t *one = NULL;

	ug_error_clear(&err);
	if (!c || !row)
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
	else if (!open311_find_token(o->db, token ? token : "", c, row, &err))
		one = json_pack("{s:s, s:s}", "service_request_id",
				open311_id_released(&o->env, c)
					? c->number
					: "",
				"token", row->token);
	free(c);
	free(row);
	if (!one) {
		reply_ug(o, &err);
		return;
	}
	reply(o, 200, json_pack("[o]", one), "service_requests", "request");
}

struct updates_ctx {
	struct o311 *o;
	json_t *list;
};

static int add_update(void *ctx, const struct case_event_row *e,
		      const char *number)
{
	struct updates_ctx *u = ctx;
	char text[1024], id[24], when[40];

	if (open311_event_text(u->o->db, e, u->o->lang, text, sizeof text))
		return 0;
	snprintf(id, sizeof id, "%lld", (long long)e->id);
	json_array_append_new(
		u->list,
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "update_id", id,
			  "service_request_id", number, "status",
			  open311_update_status(e->to_state),
			  "updated_datetime",
			  public_time(&u->o->cases, e->at, when), "description",
			  text, "media_url", ""));
	return 0;
}

static void o_updates(struct o311 *o)
{
	struct updates_ctx u = { o, json_array() };
	struct ug_error err;
	int64_t from = 0, to = 0;

	ug_error_clear(&err);
	if (param_window(o, UPDATES_WINDOW_DEFAULT, &from, &to, &err))
		goto fail;
	/* One more than the most we answer: a window holding more is
	 * refused rather than cut without the client knowing. */
	if (store_case_events_public(o->db, from, to, LIST_MAX + 1, add_update,
				     &u, &err))
		goto fail;
	if (json_array_size(u.list) > LIST_MAX) {
		ug_fail(&err, UG_EINVAL, "end_date",
			"more than %d updates between start_date and end_date: "
			"ask for a shorter window", LIST_MAX);
		goto fail;
	}
	reply(o, 200, u.list, "service_request_updates", "request_update");
	return;
fail:
	json_decref(u.list);
	reply_ug(o, &err);
}

static void o_update_create(struct o311 *o)
{
	struct ug_error err;
	struct user u;
	int64_t event_id = 0;
	char id[24];

	ug_error_clear(&err);
	if (!param(o, "api_key")) {
		reply_o311_error(o, 403, "api_key was not provided");
		return;
	}
	if (public_client(o->app, o->db, param(o, "api_key"), &u, &err) ||
	    limit_hit(o, o->app->pub.keys, u.username) ||
	    open311_comment(o->db, &u, param(o, "service_request_id"),
			    param(o, "update_id"), param(o, "description"),
			    ug_now_s(), &event_id, &err)) {
		if (err.code)
			reply_ug(o, &err);
		return;
	}
	snprintf(id, sizeof id, "%lld", (long long)event_id);
	reply(o, 200, json_pack("[{s:s}]", "update_id", id),
	      "service_request_updates", "request_update");
}

/* ---- the door --------------------------------------------------------- */

typedef void (*o311_handler)(struct o311 *o);

struct o311_route {
	struct route_pattern p; /* must be first: the router reads it */
	o311_handler handler;
};

static const struct o311_route routes[] = {
	{ { "GET", "/discovery" }, o_discovery },
	{ { "GET", "/services" }, o_services },
	{ { "GET", "/services/{code}" }, o_service_definition },
	{ { "GET", "/requests" }, o_requests },
	{ { "POST", "/requests" }, o_request_create },
	{ { "GET", "/requests/{id}" }, o_request_get },
	/* The swagger and Boston's client say request/{id}. */
	{ { "GET", "/request/{id}" }, o_request_get },
	{ { "GET", "/tokens/{token}" }, o_token },
	{ { "GET", "/servicerequestupdates" }, o_updates },
	{ { "POST", "/servicerequestupdates" }, o_update_create },
};

void open311_serve(struct app *app, struct http_request *req,
		   struct http_response *resp)
{
	struct o311 o;
	struct route_match match;
	struct buf allow = BUF_INIT;
	struct ug_error err;
	/* Under /open311/ but not /open311/v2/ ("/open311/p"): no path of
	 * ours, and no PREFIX to step over. */
	int ours = strncmp(req->path, PREFIX "/", strlen(PREFIX) + 1) == 0;
	const char *path = ours ? req->path + strlen(PREFIX) : "";
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	const char *j, *locale;
	char *res, addr_key[64];
	int found;

	memset(&o, 0, sizeof o);
	o.app = app;
	o.req = req;
	o.resp = resp;
	o.match = &match;
	o.fmt = FMT_XML; /* the standard's own, also for unknown formats */
	ug_error_clear(&err);
	form_init(&o.form, &req->arena);
	if (dot && slash && dot > slash && strcmp(dot, ".json") == 0)
		o.fmt = FMT_JSON;
	if (req->too_large) { /* whatever the path: in its format, else XML */
		char msg[96];

		snprintf(msg, sizeof msg, "request body larger than %zu bytes",
			 req->body_limit);
		reply_o311_error(&o, 413, msg);
		goto out;
	}
	if (o.fmt != FMT_JSON &&
	    (!dot || !slash || dot < slash || strcmp(dot, ".xml") != 0)) {
		reply_o311_error(&o, 404, "no such resource: ask for .xml or "
					  ".json");
		goto out;
	}
	res = arena_strndup(&req->arena, path, (size_t)(dot - path));
	locale = http_query(req, "locale");
	o.lang = locale && strncasecmp(locale, "en", 2) == 0 ? LANG_EN
							      : LANG_ZH;
	found = router_match(routes, sizeof routes / sizeof routes[0],
			     sizeof routes[0], req->method, res ? res : "",
			     &match, &allow);
	if (found == ROUTE_NO_PATH) {
		reply_o311_error(&o, 404, "no such resource");
		goto out;
	}
	if (found == ROUTE_NO_METHOD) {
		http_response_header(resp, "Allow", buf_str(&allow));
		reply_o311_error(&o, 405, "method not allowed; see Allow");
		goto out;
	}
	/* Every request spends a read token of its address before any work
	 * (a POST's body is parsed next, failing or not); writes then also
	 * count per api_key, or per address when anonymous
	 * (o_request_create). */
	if (limit_hit(&o, app->pub.reads, public_address_key(req, addr_key)))
		goto out;
	if (strcmp(req->method, "POST") == 0 &&
	    public_form(req, &o.form, &err)) {
		reply_ug(&o, &err);
		goto out;
	}
	/* One endpoint, one city: a jurisdiction_id, if sent, must be ours. */
	j = param(&o, "jurisdiction_id");
	if (j && (!app->pub.jurisdiction || strcmp(j, app->pub.jurisdiction))) {
		reply_o311_error(&o, 404, "unknown jurisdiction_id");
		goto out;
	}
	if (db_pool_acquire(app->pool, &o.db, &err)) {
		log_msg(LOG_ERROR, req->request_id, "database: %s", err.message);
		http_response_header(resp, "Retry-After", "5");
		reply_o311_error(&o, 503, "database unavailable");
		goto out;
	}
	o.held = app_calendar_hold(app, o.db, req->request_id, &o.cases);
	o.env = app->pub.env;
	o.env.cases = &o.cases;
	/* A read answer is many small queries (the case, its class, its
	 * department, its photos, its history): one read transaction for
	 * all of them takes SQLite's file locks once instead of per query,
	 * and gives them one snapshot.  Writes open their own. */
	if (strcmp(req->method, "POST") != 0 && db_begin(o.db, &err) == 0) {
		routes[match.index].handler(&o);
		db_rollback(o.db);
	} else {
		routes[match.index].handler(&o);
	}
	app_calendar_release(app, o.held);
	db_pool_release(app->pool, o.db);
out:
	if (!http_response_has_header(resp, "Cache-Control"))
		http_response_header(resp, "Cache-Control", "no-store");
	buf_free(&allow);
}
