/*
 * h_public.c - the JSON API of the public pages (/public/api/) and the
 * photos of public reports (/public/media/{id}).  No login: who may do
 * what is the follow token (rating) and the city's choice to take
 * anonymous reports; every request counts against the client address's
 * rate limit.  Nothing personal (name, phone, email) is ever returned.
 * Also the city's own files (serve --site DIR) under /site/{name}.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "public/handlers.h"
#include "domain/spatial/grids.h"
#include "public/channel.h"
#include "lib/util.h"

/* 429 with Retry-After when the address spent its allowance. */
static int limited(struct web_ctx *c, struct ratelimit *rl)
{
	struct ug_error err;
	char key[64];
	int wait = ratelimit_take(rl, public_address_key(c->req, key),
				  ug_monotonic_us());

	if (!wait)
		return 0;
	ug_error_clear(&err);
	ug_fail(&err, UG_ELIMIT, NULL, "too many requests; try again later");
	err.retry_after = wait;
	reply_ug_error(c, &err);
	return 1;
}

static enum open311_lang lang_of(struct web_ctx *c)
{
	const char *l = http_query(c->req, "lang");

	return l && strncmp(l, "en", 2) == 0 ? LANG_EN : LANG_ZH;
}

void h_public_report_create(struct web_ctx *c)
{
	struct open311_report r;
	struct open311_row row;
	struct open311_env env;
	struct form f;
	struct user u;
	struct actor who;
	struct ug_error err;
	struct case_row *cr = malloc(sizeof *cr);
	struct open311_view *v = malloc(sizeof *v);
	json_t *o;

	ug_error_clear(&err);
	if (!cr || !v) {
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if (limited(c, c->app->pub.writes))
		goto out;
	if (public_form(c->req, &f, &err) ||
	    public_report_from_form(&f, &c->req->arena, &r, &err) ||
	    public_client(c, NULL, &u, &who, &err))
		goto fail;
	r.client_addr = c->req->client_addr;
	env = c->app->pub.env;
	env.cases = &c->cases; /* with this request's calendar */
	if (open311_submit(c->db, &env, &who, &r, ug_now_s(), cr,
			   &row, &err) ||
	    open311_view(c->db, cr, lang_of(c), v, &err))
		goto fail;
	o = json_object();
	/* The number is the service_request_id: both wait for verification
	 * under --ids-after-verify. */
	if (open311_id_released(&env, cr)) {
		json_object_set_new(o, "service_request_id",
				    json_string(cr->number));
		json_object_set_new(o, "number", json_string(cr->number));
	}
	json_object_set_new(o, "token", json_string(row.token));
	json_object_set_new(o, "status", json_string(v->status));
	json_object_set_new(o, "status_notes", json_string(v->status_notes));
	reply_json(c, 201, o);
	goto out;
fail:
	/* The citizen's form names its fields as it sends them. */
	if (err.code == UG_EAUTH)
		err.code = UG_EFORBIDDEN;
	reply_ug_error(c, &err);
out:
	free(cr);
	free(v);
}

void h_public_report_get(struct web_ctx *c)
{
	const char *key = api_param(c, "key");
	struct case_row *cr = NULL;
	struct open311_row *row = NULL;
	struct open311_view *v = NULL;
	enum open311_lang lang = lang_of(c);
	const char *base = public_base(c->app, c->req);
	struct ug_error err;
	json_t *o = NULL, *urls, *notes;
	char when[40], url[600];
	int by_token, released;
	struct public_kept k = { BUF_INIT, { 0, 0, 0 } };

	ug_error_clear(&err);
	/* Polled by the reporter's page: the same bytes while nothing they
	 * are made from changed (the key is the number or the token, the
	 * language and the base URL).  Checked before the 41 kB of the
	 * case and its views are allocated: a kept answer needs none. */
	if (limited(c, c->app->pub.reads) ||
	    public_answer_kept(c, "public", &k))
		goto out;
	cr = malloc(sizeof *cr);
	row = malloc(sizeof *row);
	v = malloc(sizeof *v);
	if (!cr || !row || !v) {
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	by_token = key && strlen(key) == OPEN311_TOKEN_LEN;
	if (by_token ? open311_find_token(c->db, key, cr, row, &err)
		     : open311_find(c->db, key ? key : "", cr, &err))
		goto fail;
	released = open311_id_released(&c->app->pub.env, cr);
	if (!by_token && !released) { /* nobody may know that number yet */
		ug_fail(&err, UG_ENOTFOUND, "key", "no report %s", key);
		goto fail;
	}
	if (open311_view(c->db, cr, lang, v, &err))
		goto fail;
	o = json_object();
	if (released) {
		json_object_set_new(o, "service_request_id",
				    json_string(cr->number));
		json_object_set_new(o, "number", json_string(cr->number));
	}
	json_object_set_new(o, "service_code", json_string(cr->category));
	json_object_set_new(o, "service_name", json_string(v->service_name));
	json_object_set_new(o, "group", json_string(v->group));
	json_object_set_new(o, "description", json_string(cr->description));
	json_object_set_new(o, "address", json_string(cr->address));
	if (cr->has_location) {
		json_object_set_new(o, "lat", json_real(cr->lat));
		json_object_set_new(o, "long", json_real(cr->lon));
	}
	json_object_set_new(o, "status", json_string(v->status));
	json_object_set_new(o, "status_notes", json_string(v->status_notes));
	if (v->agency[0])
		json_object_set_new(o, "agency_responsible",
				    json_string(v->agency));
	json_object_set_new(o, "requested_datetime",
			    json_string(public_time(&c->cases, cr->created_at,
						    when)));
	json_object_set_new(o, "updated_datetime",
			    json_string(public_time(&c->cases, v->updated, when)));
	json_object_set_new(o, "expected_datetime",
			    v->expected ? json_string(public_time(
						  &c->cases, v->expected, when))
					: json_null());
	urls = json_array();
	for (int i = 0; i < v->nphotos; i++) {
		snprintf(url, sizeof url, "%spublic/media/%lld", base,
			 (long long)v->photo[i]);
		json_array_append_new(urls, json_string(url));
	}
	for (const char *p = v->media_url; *p;) { /* one link per line */
		size_t n = strcspn(p, "\n");

		json_array_append_new(urls, json_stringn(p, n));
		p += n + (p[n] == '\n');
	}
	json_object_set_new(o, "media_url", urls);
	if (v->parent[0])
		json_object_set_new(o, "parent_service_request_id",
				    json_string(v->parent));
	if (!(notes = public_notes(c->db, &c->cases, cr, lang, &err)))
		goto fail;
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "rating", v->has_rating ? json_string(v->rating)
						       : json_null());
	json_object_set_new(o, "can_rate",
			    json_boolean(by_token && !v->has_rating &&
					 strcmp(cr->state, "closed") == 0));
	reply_json(c, 200, o);
	o = NULL;
	public_answer_keep(c, &k);
	goto out;
fail:
	json_decref(o);
	reply_ug_error(c, &err);
	public_answer_keep(c, &k); /* not kept: ends its making */
out:
	buf_free(&k.key);
	free(cr);
	free(row);
	free(v);
}

void h_public_report_rate(struct web_ctx *c)
{
	const char *token = api_param(c, "token");
	struct form f;
	struct ug_error err;

	ug_error_clear(&err);
	if (limited(c, c->app->pub.writes))
		return;
	if (public_form(c->req, &f, &err) ||
	    open311_rate(c->db, &c->cases, token ? token : "",
			 form_get(&f, "rating"), form_get(&f, "comment"),
			 ug_now_s(), &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:s}", "rating", form_get(&f, "rating")));
}

void h_public_map(struct web_ctx *c)
{
	struct ug_error err;
	double b[4];

	ug_error_clear(&err);
	if (limited(c, c->app->pub.reads))
		return;
	if (grids_extent(c->db, b, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200,
		   json_pack("{s:[f, f, f, f], s:[f, f]}", "bbox", b[0], b[1],
			     b[2], b[3], "center", (b[0] + b[2]) / 2,
			     (b[1] + b[3]) / 2));
}

void h_public_grids(struct web_ctx *c)
{
	if (limited(c, c->app->pub.reads))
		return;
	reply_grids_geojson(c);
}

void h_public_media(struct web_ctx *c)
{
	const char *s = api_param(c, "id");
	struct attachment_row a;
	struct ug_error err;

	ug_error_clear(&err);
	if (limited(c, c->app->pub.reads))
		return;
	/* Only the before and after photos of public cases are public. */
	if (!s || !ug_is_digits(s, 0) || strlen(s) > 15)
		ug_fail(&err, UG_ENOTFOUND, "id", "no such photo");
	else
		open311_photo(c->db, strtoll(s, NULL, 10), &a, &err);
	if (err.code) {
		reply_ug_error(c, &err);
		return;
	}
	/* Content-addressed: the bytes behind this id never change. */
	reply_photo(c, &a, "public, max-age=31536000, immutable");
}

/* The type of a site file by its extension; NULL: not served. */
static const char *site_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".webp", "image/webp" },
		{ ".svg", "image/svg+xml" },
		{ ".pdf", "application/pdf" },
		{ ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/* The file to send for `path` (folder/name, name a plain file name):
 * path itself when it is a regular file, not a link - a plain name in
 * the folder cannot lie outside it, and one lstat() is all a request
 * costs; else, for a link, where it leads, if that is a regular file
 * inside the folder (both resolved).  A link within the folder is the
 * operator's shorthand (latest.pdf -> 2026-12.pdf); one that leads out
 * of it - to the database, to /etc - is not a file of the site.  NULL
 * when there is nothing to send; the answer is in the request's arena.
 * The server opens it with O_NOFOLLOW, so a link put in its place after
 * this look is not followed either. */
static const char *site_file(struct arena *arena, const char *folder,
			     const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX];
	struct stat sb;
	size_t n;

	if (lstat(path, &sb) != 0)
		return NULL;
	if (S_ISREG(sb.st_mode))
		return arena_strndup(arena, path, strlen(path));
	if (!S_ISLNK(sb.st_mode) || !realpath(folder, dir) ||
	    !realpath(path, real) || stat(real, &sb) != 0 ||
	    !S_ISREG(sb.st_mode))
		return NULL;
	n = strlen(dir);
	if (strncmp(real, dir, n) != 0 || real[n] != '/')
		return NULL;
	return arena_strndup(arena, real, strlen(real));
}

void h_site_file(struct web_ctx *c)
{
	const char *name = api_param(c, "name");
	struct ug_error err;
	const char *type, *file = NULL;
	char path[4096];
	size_t n;

	ug_error_clear(&err);
	if (!c->app->site_dir || !*c->app->site_dir) {
		reply_error(c, 404, "not_found", "no such resource", NULL);
		return;
	}
	if (limited(c, c->app->pub.reads))
		return;
	/* One flat folder: plain names only, no dot first (no "..", no
	 * hidden files), a known type. */
	n = name ? strlen(name) : 0;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)name[i]) || name[i] == '.' ||
		      name[i] == '_' || name[i] == '-'))
			n = 0;
	type = n && n < 128 && name[0] != '.' ? site_type(name) : NULL;
	snprintf(path, sizeof path, "%s/%s", c->app->site_dir,
		 name ? name : "");
	if (type)
		file = site_file(&c->req->arena, c->app->site_dir, path);
	if (!file) {
		reply_error(c, 404, "not_found", "no such file", "name");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = type;
	c->resp->file_path = file;
	http_response_header(c->resp, "Cache-Control", "public, max-age=3600");
}
