/*
 * open311.c - Open311 GeoReport v2 under /open311/v2/ (see
 * docs/open311.md), and the edge code it shares with the public pages
 * (api/open311.h).
 *
 * Every resource answers in the format its extension names (.json or
 * .xml).  A handler builds one JSON tree in the standard's JSON shape;
 * jsonxml_write() turns it into the XML shape when .xml was asked.  Errors
 * are the standard's too: an HTTP status and a list of {code,
 * description}.  Open311 has its own door (not the /api/v1 route table)
 * because its errors, formats, keys and limits are its own.
 */
#include "public/open311.h"

#include "public/channel.h"

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

/* The door's state for one request (web_ctx.door_state). */
struct o311 {
	struct web_ctx *c;
	enum fmt fmt;
	struct form form;  /* POST fields */
	enum open311_lang lang;
	/* The public channel's settings, pointing at the request's case
	 * settings (and so at its working calendar). */
	struct open311_env env;
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

	ug_error_clear(&err);
	buf_reset(&o->c->resp->body);
	if (o->fmt == FMT_XML) {
		if (jsonxml_write(&o->c->resp->body, root, item, v, xml_lists,
				  sizeof xml_lists / sizeof *xml_lists, &err)) {
			log_msg(LOG_ERROR, o->c->req->request_id, "open311: %s",
				err.message);
			buf_reset(&o->c->resp->body);
			status = 500;
			buf_puts(&o->c->resp->body,
				 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
				 "<errors><error><code>500</code><description>"
				 "internal error</description></error>"
				 "</errors>\n");
		}
	} else if (reply_json_into(&o->c->resp->body, v,
				   JSON_COMPACT | JSON_REAL_PRECISION(
							  JSONXML_REAL_DIGITS)) == 0) {
		buf_putc(&o->c->resp->body, '\n');
	}
	json_decref(v);
	o->c->resp->status = status;
	o->c->resp->content_type = content_type(o->c->app, o->fmt);
}

static void reply_o311_error(struct o311 *o, int status,
			     const char *description)
{
	json_t *e = json_pack("[{s:i, s:s}]", "code", status, "description",
			      description);

	reply(o, status, e, "errors", "error");
}


/* ---- parameters ------------------------------------------------------ */

/* A parameter of the query (GET) or the form (POST); an empty value
 * counts as absent. */
static const char *param(struct o311 *o, const char *name)
{
	const char *v;

	if (strcmp(o->c->req->method, "POST") == 0)
		return form_get(&o->form, name);
	v = http_query(o->c->req, name);
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


static int limit_hit(struct o311 *o, struct ratelimit *rl, const char *key)
{
	int wait = ratelimit_take(rl, key, ug_monotonic_us());
	char s[16];

	if (!wait)
		return 0;
	snprintf(s, sizeof s, "%d", wait);
	http_response_header(o->c->resp, "Retry-After", s);
	reply_o311_error(o, 429, "too many requests; try again later");
	return 1;
}

/* ---- handlers --------------------------------------------------------- */

static void o_discovery(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	const char *base = public_base(o->c->app, o->c->req);
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

static void o_services(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	struct services_ctx s = { .o = o, .list = json_array() };
	struct ug_error err;

	ug_error_clear(&err);
	if (open311_services(o->c->db, add_service, &s, &err) < 0) {
		json_decref(s.list);
		reply_ug_error(o->c, &err);
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

static void o_service_definition(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	const char *code = api_param(o->c, "code");
	struct category cat;
	struct ug_error err;
	json_t *d, *attrs;
	int rc;

	ug_error_clear(&err);
	rc = open311_service(o->c->db, code, &cat, &err);
	if (rc) {
		reply_ug_error(o->c, &err);
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

static void o_request_create(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	struct open311_report r;
	struct open311_row row;
	struct case_row *c = malloc(sizeof *c);
	struct ug_error err;
	struct user u;
	struct actor who;
	json_t *one;
	char addr[64];

	ug_error_clear(&err);
	if (!c) {
		reply_o311_error(o, 500, "out of memory");
		return;
	}
	if (public_client(o->c, param(o, "api_key"), &u, &who, &err) ||
	    public_report_from_form(&o->form, &o->c->req->arena, &r, &err))
		goto fail;
	if (param(o, "api_key") ? limit_hit(o, o->c->app->pub.keys, u.username)
				: limit_hit(o, o->c->app->pub.writes,
					    public_address_key(o->c->req, addr)))
		goto out;
	r.client_addr = o->c->req->client_addr;
	if (open311_submit(o->c->db, &o->env, &who, &r, ug_now_s(), c, &row,
			   &err))
		goto fail;
	snprintf(o->c->req->user, sizeof o->c->req->user, "%s", u.username);
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
	reply_ug_error(o->c, &err);
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
	rc = open311_view(o->c->db, c, o->lang, v, err);
	/* A merged report's status is the case it joined: filter on that. */
	if (rc == 0 && want &&
	    !(want & (strcmp(v->status, "open") == 0 ? WANT_OPEN
						     : WANT_CLOSED))) {
		free(v);
		return 0;
	}
	if (rc == 0) {
		j = open311_request_json(o->c->app, &o->c->cases, o->c->db, o->c->req, c, v,
					 o->lang, extensions, err);
		rc = j ? 0 : -UG_EINTERNAL;
		if (j)
			json_array_append_new(list, j);
	}
	free(v);
	return rc;
}

static void o_request_get(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	const char *id = api_param(o->c, "id");
	struct case_row *c;
	struct ug_error err;
	json_t *list;
	const char *ext = param(o, "extensions");
	struct public_kept k;

	if (public_answer_kept(o->c, "open311", &k))
		return;
	c = malloc(sizeof *c);
	list = json_array();
	ug_error_clear(&err);
	if (!c)
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
	else if (!open311_find(o->c->db, id ? id : "", c, &err) &&
		 !open311_id_released(&o->env, c))
		ug_fail(&err, UG_ENOTFOUND, "service_request_id",
			"no service request %s", id);
	else if (!err.code)
		request_into(o, list, c, ext && strcmp(ext, "true") == 0, 0,
			     &err);
	free(c);
	if (err.code) {
		json_decref(list);
		reply_ug_error(o->c, &err);
		public_answer_keep(o->c, &k); /* not kept: ends its making */
		return;
	}
	reply(o, 200, list, "service_requests", "request");
	public_answer_keep(o->c, &k);
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

static void o_requests(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	struct buf codes = BUF_INIT, states = BUF_INIT, st = BUF_INIT;
	const char *ids = param(o, "service_request_id");
	const char *ext = param(o, "extensions");
	struct list_ctx l = { o, NULL, 0, 0, NULL };
	struct case_row *c;
	struct ug_error err;
	int64_t from = 0, to = 0, page = 1, size = LIST_MAX;
	struct public_kept k;

	/* A kept answer first: it needs neither the list nor the case. */
	if (public_answer_kept(o->c, "open311", &k))
		return;
	l.list = json_array();
	c = malloc(sizeof *c);
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
			if (open311_find(o->c->db, p, c, &err) == 0) {
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
	open311_requests(o->c->db, buf_str(&codes), buf_str(&states), from, to,
			 size, (page - 1) * size, add_request, &l, &err);
out:
	free(c);
	buf_free(&codes);
	buf_free(&states);
	buf_free(&st);
	if (err.code) {
		json_decref(l.list);
		reply_ug_error(o->c, &err);
		public_answer_keep(o->c, &k); /* not kept: ends its making */
		return;
	}
	reply(o, 200, l.list, "service_requests", "request");
	public_answer_keep(o->c, &k);
}

static void o_token(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	const char *token = api_param(o->c, "token");
	struct case_row *c = malloc(sizeof *c);
	struct open311_row *row = malloc(sizeof *row);
	struct ug_error err;
	json_t *one = NULL;

	ug_error_clear(&err);
	if (!c || !row)
		ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
	else if (!open311_find_token(o->c->db, token ? token : "", c, row, &err))
		one = json_pack("{s:s, s:s}", "service_request_id",
				open311_id_released(&o->env, c)
					? c->number
					: "",
				"token", row->token);
	free(c);
	free(row);
	if (!one) {
		reply_ug_error(o->c, &err);
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

	if (open311_event_text(u->o->c->db, e, u->o->lang, text, sizeof text))
		return 0;
	snprintf(id, sizeof id, "%lld", (long long)e->id);
	json_array_append_new(
		u->list,
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "update_id", id,
			  "service_request_id", number, "status",
			  open311_update_status(e->to_state),
			  "updated_datetime",
			  public_time(&u->o->c->cases, e->at, when), "description",
			  text, "media_url", ""));
	return 0;
}

static void o_updates(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	struct updates_ctx u = { o, json_array() };
	struct ug_error err;
	int64_t from = 0, to = 0;

	ug_error_clear(&err);
	if (param_window(o, UPDATES_WINDOW_DEFAULT, &from, &to, &err))
		goto fail;
	/* One more than the most we answer: a window holding more is
	 * refused rather than cut without the client knowing. */
	if (open311_updates(o->c->db, from, to, LIST_MAX + 1, add_update, &u,
			    &err))
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
	reply_ug_error(o->c, &err);
}

static void o_update_create(struct web_ctx *ctx)
{
	struct o311 *o = ctx->door_state;
	struct ug_error err;
	struct user u;
	struct actor who;
	int64_t event_id = 0;
	char id[24];

	ug_error_clear(&err);
	if (!param(o, "api_key")) {
		reply_o311_error(o, 403, "api_key was not provided");
		return;
	}
	if (public_client(o->c, param(o, "api_key"), &u, &who, &err) ||
	    limit_hit(o, o->c->app->pub.keys, u.username) ||
	    open311_comment(o->c->db, &who, param(o, "service_request_id"),
			    param(o, "update_id"), param(o, "description"),
			    ug_now_s(), &event_id, &err)) {
		if (err.code)
			reply_ug_error(o->c, &err);
		return;
	}
	snprintf(id, sizeof id, "%lld", (long long)event_id);
	reply(o, 200, json_pack("[{s:s}]", "update_id", id),
	      "service_request_updates", "request_update");
}

/* ---- the door --------------------------------------------------------- */

/* GETs read in one transaction (ROUTE_READ_TXN): an answer is many small
 * queries (the case, its class, its department, its photos, its
 * history); writes open their own. */
#define O_GET(pattern, handler) \
	{ { "GET", pattern }, handler, 0, RS_PUBLIC, ROUTE_READ_TXN }
#define O_POST(pattern, handler) \
	{ { "POST", pattern }, handler, 0, RS_PUBLIC, ROUTE_FORM_BODY }

static const struct web_route routes[] = {
	O_GET("/discovery", o_discovery),
	O_GET("/services", o_services),
	O_GET("/services/{code}", o_service_definition),
	O_GET("/requests", o_requests),
	O_POST("/requests", o_request_create),
	O_GET("/requests/{id}", o_request_get),
	/* The swagger and Boston's client say request/{id}. */
	O_GET("/request/{id}", o_request_get),
	O_GET("/tokens/{token}", o_token),
	O_GET("/servicerequestupdates", o_updates),
	O_POST("/servicerequestupdates", o_update_create),
};

static int o_claims(const char *path)
{
	return strncmp(path, "/open311/", 9) == 0;
}

/* The format from the extension, the language from locale: before any
 * answer, so that even a 413 comes in the asked format (else XML, the
 * standard's own). */
static void o_init(struct web_ctx *c)
{
	struct o311 *o = arena_alloc(&c->req->arena, sizeof *o);
	const char *dot = strrchr(c->req->path, '.');
	const char *slash = strrchr(c->req->path, '/');
	const char *locale = http_query(c->req, "locale");

	if (!o) {
		/* Without the state the handlers cannot run: the dispatcher
		 * answers in the API's shape instead. */
		c->door_state = NULL;
		return;
	}
	memset(o, 0, sizeof *o);
	o->c = c;
	o->fmt = dot && slash && dot > slash && strcmp(dot, ".json") == 0
			 ? FMT_JSON
			 : FMT_XML;
	o->lang = locale && strncasecmp(locale, "en", 2) == 0 ? LANG_EN
							      : LANG_ZH;
	form_init(&o->form, &c->req->arena);
	o->env = c->app->pub.env;
	o->env.cases = &c->cases;
	c->door_state = o;
}

/* The resource without /open311/v2 and the format: "/requests/12". */
static const char *o_route_path(struct web_ctx *c)
{
	struct o311 *o = c->door_state;
	const char *path = c->req->path;
	const char *dot, *slash;

	if (!o) {
		reply_json_error(c->resp, 500, "out_of_memory",
				 "out of memory", NULL);
		return NULL;
	}
	/* Under /open311/ but not /open311/v2/ ("/open311/p"): no path of
	 * ours, and no PREFIX to step over. */
	if (strncmp(path, PREFIX "/", strlen(PREFIX) + 1) != 0) {
		reply_o311_error(o, 404, "no such resource");
		return NULL;
	}
	path += strlen(PREFIX);
	dot = strrchr(path, '.');
	slash = strrchr(path, '/');
	if (!dot || !slash || dot < slash ||
	    (strcmp(dot, ".xml") != 0 && strcmp(dot, ".json") != 0)) {
		reply_o311_error(o, 404, "no such resource: ask for .xml or "
					 ".json");
		return NULL;
	}
	return arena_strndup(&c->req->arena, path, (size_t)(dot - path));
}

/* Every request spends a read token of its address before any work (a
 * POST's body is parsed next, failing or not); writes then also count per
 * api_key, or per address when anonymous (o_request_create).  One
 * endpoint, one city: a jurisdiction_id, if sent, must be ours. */
static int o_before(struct web_ctx *c)
{
	struct o311 *o = c->door_state;
	struct ug_error err;
	char addr_key[64];
	const char *j;

	ug_error_clear(&err);
	if (limit_hit(o, c->app->pub.reads,
		      public_address_key(c->req, addr_key)))
		return 1;
	if (strcmp(c->req->method, "POST") == 0 &&
	    public_form(c->req, &o->form, &err)) {
		reply_ug_error(c, &err);
		return 1;
	}
	j = param(o, "jurisdiction_id");
	if (j && (!c->app->pub.jurisdiction ||
		  strcmp(j, c->app->pub.jurisdiction))) {
		reply_o311_error(o, 404, "unknown jurisdiction_id");
		return 1;
	}
	return 0;
}

/* Errors as the standard has them: [{code, description}] in the asked
 * format.  Its dialect of the one mapping (web_status_of): a conflict is
 * a bad request (400) and a missing or wrong key is 403, not 401. */
static void o_error(struct web_ctx *c, int status, const char *code,
		    const char *message, const char *field)
{
	(void)code;
	(void)field;
	if (!c->door_state) {
		reply_json_error(c->resp, status, code, message, field);
		return;
	}
	if (status == 409)
		status = 400;
	if (status == 401)
		status = 403;
	reply_o311_error(c->door_state, status, message);
}

const struct web_door open311_door = {
	.name = "open311",
	.path_prefix = PREFIX,
	.path_suffix = ".{format}",
	.claims = o_claims,
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.init = o_init,
	.route_path = o_route_path,
	.before = o_before,
	.error = o_error,
};
