/*
 * h_users.c - listing and creating accounts.
 */
#include <string.h>

#include "api/handlers.h"
#include "domain/org/accounts.h"
#include "lib/util.h"

static int add_user(void *ctx, const struct user *u)
{
	json_array_append_new(ctx, json_user(u));
	return 0;
}

void h_users_list(struct web_ctx *c)
{
	struct ug_error err;
	json_t *list = json_array();

	ug_error_clear(&err);
	if (account_list(c->db, &c->actor, add_user, list, &err)) {
		json_decref(list);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "users", list));
}

void h_users_create(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "username", FIELD_STRING, 1, 3, USERNAME_MAX },
		{ "display_name", FIELD_STRING, 0, 1, 100 },
		{ "role", FIELD_STRING, 1, 1, 32 },
		{ "unit", FIELD_STRING, 1, 1, CODE_MAX },
		{ "password", FIELD_STRING, 0, PASSWORD_MIN, PASSWORD_MAX },
	};
	struct field_value v[5];
	struct account_new a;
	struct user created;
	struct ug_error err;
	char generated[GENERATED_PASSWORD_LEN + 1] = "";
	json_t *root, *body;

	if (api_decode(c, spec, 5, v, &root))
		return;
	ug_error_clear(&err);
	memset(&a, 0, sizeof a);
	a.username = v[0].str;
	a.display_name = v[1].present ? v[1].str : NULL;
	a.role = v[2].str;
	a.unit = v[3].str;
	a.password = v[4].present ? v[4].str : NULL;
	if (account_create(c->db, &a, c->user->username, ug_now_s(), &created,
			   generated, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	body = json_pack("{s:o}", "user", json_user(&created));
	/* A generated password is shown this once and never again. */
	if (body && generated[0])
		json_object_set_new(body, "password", json_string(generated));
	reply_json(c, 201, body);
}
