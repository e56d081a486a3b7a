/*
 * reply.c - writing answers: JSON bodies, errors in the door's shape and
 * the one mapping from error codes to HTTP statuses (see web.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

#include "domain/cases/attachment.h"
#include "lib/log.h"
#include "lib/util.h"

const char *api_param(struct web_ctx *c, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < c->match->nparams; i++) {
		const struct route_param *p = &c->match->params[i];

		if (p->name_len == n && memcmp(p->name, name, n) == 0)
			return arena_strndup(&c->req->arena, p->value,
					     p->value_len);
	}
	return NULL;
}

static int body_take(const char *text, size_t n, void *ctx)
{
	return buf_append(ctx, text, n) ? -1 : 0;
}

/* Written straight into the buffer: json_dumps() would grow a string of
 * its own, to be copied (1.3 MB for a list of 1,000 Open311 requests). */
int reply_json_into(struct buf *out, const json_t *v, size_t flags)
{
	size_t len = out->len;

	if (json_dump_callback(v, body_take, out, flags) == 0)
		return 0;
	out->len = len;
	if (out->data)
		out->data[len] = '\0';
	return -1;
}

static void body_from_json(struct http_response *resp, json_t *body)
{
	/* 12 significant digits: coordinates to ~1 cm, without the noise of
	 * the shortest round-trip form (116.39700000000001). */
	buf_reset(&resp->body);
	reply_json_into(&resp->body, body,
			JSON_COMPACT | JSON_REAL_PRECISION(12));
}

void reply_json(struct web_ctx *c, int status, json_t *body)
{
	if (!body) {
		reply_error(c, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	c->resp->status = status;
	c->resp->content_type = "application/json";
	body_from_json(c->resp, body);
	json_decref(body);
}

void reply_error(struct web_ctx *c, int status, const char *code,
		 const char *message, const char *field)
{
	if (c->door && c->door->error)
		c->door->error(c, status, code, message, field);
	else
		reply_json_error(c->resp, status, code, message, field);
}

void reply_json_error(struct http_response *resp, int status,
		      const char *code, const char *message,
		      const char *field)
{
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
	json_t *body;

	if (err && field && *field)
		json_object_set_new(err, "field", json_string(field));
	body = json_pack("{s:o}", "error", err);
	resp->status = status;
	resp->content_type = "application/json";
	if (body) {
		body_from_json(resp, body);
		json_decref(body);
	} else {
		buf_reset(&resp->body);
		buf_puts(&resp->body, "{\"error\":{\"code\":\"out_of_memory\","
				      "\"message\":\"out of memory\"}}");
	}
}

int web_status_of(const struct ug_error *err, const char **code)
{
	static const struct {
		int code;
		int status;
	} map[] = {
		{ UG_EINVAL, 400 },    { UG_EAUTH, 401 },
		{ UG_EFORBIDDEN, 403 }, { UG_ENOTFOUND, 404 },
		{ UG_ECONFLICT, 409 }, { UG_ETOOBIG, 413 },
		{ UG_ELIMIT, 429 },    { UG_EFULL, 503 },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].code == err->code) {
			*code = ug_errcode_name(err->code);
			return map[i].status;
		}
	*code = "internal";
	return 500;
}

void reply_ug_error(struct web_ctx *c, const struct ug_error *err)
{
	const char *code;
	int status = web_status_of(err, &code);

	if (status == 503) {
		/* The disk is full (or failing): said plainly, details to
		 * the log; the client may try again later. */
		log_msg(LOG_ERROR, c->req->request_id, "%s: %s",
			ug_errcode_name(err->code), err->message);
		http_response_header(c->resp, "Retry-After", "60");
		reply_error(c, 503, code,
			    "the server cannot store anything now (storage "
			    "full); nothing was saved: try again later",
			    NULL);
		return;
	}
	if (status == 500) {
		/* Storage and internal errors carry SQL and file names: they
		 * go to the log, the client gets the request id to quote. */
		log_msg(LOG_ERROR, c->req->request_id, "%s: %s",
			ug_errcode_name(err->code), err->message);
		reply_error(c, 500, code,
			    "internal error; quote the X-Request-Id header "
			    "when reporting it", NULL);
		return;
	}
	if (status == 429) {
		char secs[24];

		snprintf(secs, sizeof secs, "%d",
			 err->retry_after > 0 ? err->retry_after : 1);
		http_response_header(c->resp, "Retry-After", secs);
	}
	if (status == 401)
		http_response_header(c->resp, "WWW-Authenticate",
				     "Bearer realm=\"urbangrid\"");
	reply_error(c, status, code, err->message, err->field);
}

void reply_no_content(struct web_ctx *c)
{
	c->resp->status = 204;
	buf_reset(&c->resp->body);
}

int api_decode(struct web_ctx *c, const struct field_spec *spec, size_t n,
	       struct field_value *out, json_t **root)
{
	struct ug_error err;
	int rc;

	ug_error_clear(&err);
	*root = NULL;
	rc = fields_parse_object(c->req->body, c->req->body_len, root, &err);
	if (rc == 0)
		rc = fields_decode(*root, spec, n, out, &err);
	if (rc) {
		reply_ug_error(c, &err);
		json_decref(*root);
		*root = NULL;
	}
	return rc;
}

int api_decode_at(struct web_ctx *c, const char *what, int64_t *id,
		  const struct field_spec *spec, size_t n,
		  struct field_value *out, json_t **root)
{
	struct ug_error err;

	ug_error_clear(&err);
	*root = NULL;
	if (path_id(c, "id", what, id, &err)) {
		reply_ug_error(c, &err);
		return -1;
	}
	return api_decode(c, spec, n, out, root);
}

json_t *json_time(int64_t secs)
{
	char ts[40];

	return json_string(ug_time_format_s(secs, ts, sizeof ts));
}

json_t *json_user(const struct user *u)
{
	int role = role_parse(u->role);

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:b}",
			 "id", (json_int_t)u->id, "username", u->username,
			 "display_name", u->display_name, "role", u->role,
			 "role_name", role >= 0 ? role_table[role].name_zh : "",
			 "unit", "kind", u->unit_kind, "code", u->unit_code,
			 "name", u->unit_name, "created_at",
			 json_time(u->created_at), "disabled", u->disabled);
}

void reply_photo(struct web_ctx *c, const struct attachment_row *a,
		 const char *cache_control)
{
	char path[4096];

	attachment_path(c->app->files_dir, a->sha256, path, sizeof path);
	c->resp->status = 200;
	/* Static strings: the type was decided by sniffing at upload. */
	c->resp->content_type = strcmp(a->content_type, "image/png") == 0
					? "image/png"
				: strcmp(a->content_type, "image/webp") == 0
					? "image/webp"
					: "image/jpeg";
	c->resp->file_path = arena_strndup(&c->req->arena, path, strlen(path));
	http_response_header(c->resp, "Cache-Control", cache_control);
}
