/*
 * h_tokens.c - API tokens: list, make (for api clients), revoke.  Who
 * sees and may revoke which is the domain's (domain/org/tokens.h).
 */
#include <string.h>

#include <sodium.h>

#include "api/handlers.h"
#include "domain/org/tokens.h"
#include "lib/util.h"

static json_t *json_token(const struct api_token *t)
{
	return json_pack("{s:I, s:{s:I, s:s, s:s}, s:s, s:o, s:s, s:o}", "id",
			 (json_int_t)t->id, "user", "id",
			 (json_int_t)t->user_id, "username", t->username,
			 "role", t->role, "label", t->label, "created_at",
			 json_time(t->created_at), "created_by", t->created_by,
			 "last_used_at",
			 t->last_used_at ? json_time(t->last_used_at)
					 : json_null());
}

static int add_token(void *ctx, const struct api_token *t)
{
	json_array_append_new(ctx, json_token(t));
	return 0;
}

void h_tokens_list(struct web_ctx *c)
{
	struct ug_error err;
	json_t *list = json_array();

	ug_error_clear(&err);
	if (token_list(c->db, &c->actor, add_token, list, &err)) {
		json_decref(list);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "tokens", list));
}

void h_token_create(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "username", FIELD_STRING, 1, 1, USERNAME_MAX },
		{ "label", FIELD_STRING, 0, 0, 100 },
	};
	char secret[API_TOKEN_LEN + 1];
	struct field_value v[2];
	struct api_token t;
	struct ug_error err;
	json_t *root, *body;

	if (api_decode(c, spec, 2, v, &root))
		return;
	ug_error_clear(&err);
	if (token_create(c->db, &c->actor, v[0].str,
			 v[1].present ? v[1].str : NULL, ug_now_s(), secret,
			 &t, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	/* The secret is shown this once: only its hash is kept. */
	body = json_token(&t);
	json_object_set_new(body, "token", json_string(secret));
	sodium_memzero(secret, sizeof secret);
	reply_json(c, 201, body);
}

void h_token_revoke(struct web_ctx *c)
{
	struct api_token t;
	struct ug_error err;
	int64_t id;

	ug_error_clear(&err);
	if (path_id(c, "id", "token", &id, &err) ||
	    token_revoke(c->db, &c->actor, id, ug_now_s(), &t, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_no_content(c);
}
