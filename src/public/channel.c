/*
 * channel.c - edge code the public channel's two doors share (see
 * channel.h): Open311 GeoReport v2 (public/open311.c) and the public
 * pages' JSON API (public/h_public.c) read the same form fields, file
 * reports the same way and show a case the same way.
 */
#include "public/channel.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/iso8601.h"
#include "lib/jsonxml.h"
#include "lib/log.h"
#include "lib/util.h"

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
		memcpy(s, "http://", 7);
		memcpy(s + 7, host, n);
		memcpy(s + 7 + n, "/", 2);
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

int public_client(struct web_ctx *c, const char *api_key, struct user *u,
		  struct actor *a, struct ug_error *err)
{
	int rc = auth_public_client(c->db, api_key, c->app->pub.anonymous_user,
				    u, err);

	if (rc == 0)
		actor_of(u, c->req->client_addr, a);
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


const char *public_address_key(const struct http_request *req, char out[64])
{
	ratelimit_address_key(req->client_addr, out);
	return out;
}

/* ---- answers kept for the next asker ------------------------------------ */

/* The ETag of an answer, and 304 instead of it for a client that has it
 * already. */
static void answer_tag(struct web_ctx *c, const char *tag)
{
	char quoted[ANSCACHE_TAG_MAX + 2];
	size_t n = strnlen(tag, ANSCACHE_TAG_MAX - 1);

	quoted[0] = '"';
	memcpy(quoted + 1, tag, n);
	quoted[n + 1] = '"';
	quoted[n + 2] = '\0';
	http_response_header(c->resp, "ETag", quoted);
	http_response_header(c->resp, "Cache-Control", "no-cache");
	if (http_etag_match(http_header(c->req, "If-None-Match"), tag)) {
		c->resp->status = 304;
		buf_reset(&c->resp->body);
	}
}

int public_answer_kept(struct web_ctx *c, const char *door,
		       struct public_kept *k)
{
	struct anscache *cache = c->app->pub.answers;
	int64_t ver[3];
	char tag[ANSCACHE_TAG_MAX];
	struct ug_error err;

	memset(k, 0, sizeof *k);
	if (!cache || strcmp(c->req->method, "POST") == 0)
		return 0;
	ug_error_clear(&err);
	if (open311_answers_version(c->db, ver, &err)) {
		log_msg(LOG_WARN, c->req->request_id, "%s: %s", door,
			err.message);
		return 0;
	}
	k->v = (struct anscache_version){ ver[0], ver[1], ver[2] };
	/* Pieces put together, not printed: this runs on every read. */
	if (buf_puts(&k->key, door) == 0 && buf_putc(&k->key, '\n') == 0 &&
	    buf_puts(&k->key, c->req->path) == 0 &&
	    buf_putc(&k->key, '\n') == 0 &&
	    buf_puts(&k->key, public_base(c->app, c->req)) == 0 &&
	    buf_putc(&k->key, '\n') == 0)
		http_query_all(c->req, &k->key);
	if (!anscache_get(cache, buf_str(&k->key), &k->v,
			  ug_monotonic_us() / 1000, c->resp, tag))
		return 0;
	buf_free(&k->key);
	answer_tag(c, tag);
	return 1;
}

void public_answer_keep(struct web_ctx *c, struct public_kept *k)
{
	char tag[ANSCACHE_TAG_MAX];

	if (k->key.len) {
		/* Also for an answer not to be kept: its making is over. */
		anscache_put(c->app->pub.answers, buf_str(&k->key), &k->v,
			     ug_monotonic_us() / 1000, c->resp, tag);
		if (c->resp->status == 200)
			answer_tag(c, tag);
	}
	buf_free(&k->key);
}
