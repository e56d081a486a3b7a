/*
 * idempotency.c - the request path's side of idempotency keys
 * (domain/org/idem.h, docs/api.md): for a route flagged
 * ROUTE_IDEMPOTENT and a request with an Idempotency-Key, one write
 * transaction holds the key's look-up, the handler (its domain's
 * transactions nest inside as savepoints: store/db.h) and the stored
 * answer, committed once.  Handlers know nothing of it.
 *
 * A retry arriving while the first is running waits for the write lock
 * the first holds, then finds its answer: it never runs twice.
 */
#include "web/web.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org/idem.h"
#include "lib/log.h"
#include "lib/util.h"

/* The answer's headers a replay repeats. */
static const char *const kept_headers[] = { "Location" };
/* The types the answers of these routes have, as static strings. */
static const char *const known_types[] = { "application/json" };

/* The handler's answer as stored: status, type, kept headers, body. */
static int answer_capture(const struct http_response *resp,
			  struct idem_answer *a)
{
	json_t *h = json_object();
	char *text;
	int rc = -1;

	if (!h)
		return -1;
	a->status = resp->status;
	if (resp->content_type)
		json_object_set_new(h, "Content-Type",
				    json_string(resp->content_type));
	for (size_t i = 0; i < sizeof kept_headers / sizeof *kept_headers; i++) {
		const char *v = http_response_header_value(resp, kept_headers[i]);

		if (v)
			json_object_set_new(h, kept_headers[i], json_string(v));
	}
	if ((text = json_dumps(h, JSON_COMPACT))) {
		rc = buf_puts(&a->headers, text) ||
		     (resp->body.len &&
		      buf_append(&a->body, resp->body.data, resp->body.len));
		free(text);
	}
	json_decref(h);
	return rc;
}

static void answer_replay(struct web_ctx *c, const struct idem_answer *a)
{
	json_t *h = json_loads(buf_str(&a->headers), 0, NULL);
	const char *type = json_string_value(json_object_get(h, "Content-Type"));

	c->resp->status = a->status;
	c->resp->content_type = NULL;
	for (size_t i = 0; type && i < sizeof known_types / sizeof *known_types;
	     i++)
		if (strcmp(type, known_types[i]) == 0)
			c->resp->content_type = known_types[i];
	for (size_t i = 0; i < sizeof kept_headers / sizeof *kept_headers; i++) {
		const char *v = json_string_value(
			json_object_get(h, kept_headers[i]));

		if (v)
			http_response_header(c->resp, kept_headers[i], v);
	}
	http_response_header(c->resp, "Idempotent-Replayed", "true");
	buf_reset(&c->resp->body);
	if (a->body.len)
		buf_append(&c->resp->body, a->body.data, a->body.len);
	json_decref(h);
}

void web_run_idempotent(struct web_ctx *c, const char *key)
{
	struct idem_answer a;
	struct ug_error err;
	char hash[IDEM_HASH_HEX + 1];
	int rc;

	memset(&a, 0, sizeof a);
	ug_error_clear(&err);
	if (idem_key_check(key, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	idem_request_hash(c->req->method, c->req->path,
			  http_header(c->req, "Content-Type"), c->req->body,
			  c->req->body_len, hash);
	if ((rc = db_begin_write(c->db, &err))) {
		reply_ug_error(c, &err);
		goto out;
	}
	rc = idem_find(c->db, c->user->id, key, hash, &a, &err);
	if (rc == 0) {
		answer_replay(c, &a);
		goto out;
	}
	if (rc == -UG_ECONFLICT) {
		reply_error(c, 409, "idempotency_key_reused", err.message,
			    "Idempotency-Key");
		goto out;
	}
	if (rc != -UG_ENOTFOUND) {
		reply_ug_error(c, &err);
		goto out;
	}
	ug_error_clear(&err);
	memcpy(a.request_hash, hash, sizeof hash);
	c->route->handler(c);
	if (c->resp->status < 200 || c->resp->status > 299)
		goto out; /* nothing written, nothing kept: a retry runs */
	a.created_at = ug_now_s();
	if (db_depth(c->db) != 1) {
		/* A nested commit failed and took the whole transaction
		 * with it: the effect is gone, the answer must not stand. */
		ug_fail(&err, UG_EINTERNAL, NULL,
			"the write transaction ended under the handler");
		rc = -UG_EINTERNAL;
	} else if (answer_capture(c->resp, &a)) {
		rc = ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
	} else if ((rc = idem_save(c->db, c->user->id, key, &a, &err)) == 0) {
		rc = db_commit(c->db, &err);
	}
	if (rc) {
		buf_reset(&c->resp->body);
		reply_ug_error(c, &err);
	}
out:
	while (db_depth(c->db) > 0)
		db_rollback(c->db);
	buf_free(&a.headers);
	buf_free(&a.body);
}
