/*
 * h_users.c - accounts: listing, creating, changing them, their
 * passwords, and the password policy.  Who may do what to which account
 * is the domain's (domain/org/accounts.h); these parse and answer.
 */
#include <string.h>

#include <sodium.h>

#include "api/handlers.h"
#include "domain/org/accounts.h"
#include "domain/org/password.h"
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

/* {"user":…} with the generated password, shown this once, if any. */
static json_t *user_answer(const struct user *u, const char *generated)
{
	json_t *body = json_pack("{s:o}", "user", json_user(u));

	if (body && generated && generated[0])
		json_object_set_new(body, "password", json_string(generated));
	return body;
}

const struct field_spec user_create_body[6] = {
	{ "username", FIELD_STRING, 1, 3, USERNAME_MAX },
	{ "display_name", FIELD_STRING, 0, 1, 100 },
	{ "role", FIELD_STRING, 1, 1, 32 },
	{ "unit", FIELD_STRING, 1, 1, CODE_MAX },
	{ "password", FIELD_STRING, 0, PASSWORD_MIN, PASSWORD_MAX },
	{ "must_change_password", FIELD_BOOL, 0, 0, 0 },
};

void h_users_create(struct web_ctx *c)
{
	const struct field_spec *spec = user_create_body;
	struct field_value v[6];
	struct account_new a;
	struct user created;
	struct ug_error err;
	char generated[GENERATED_PASSWORD_LEN + 1] = "";
	json_t *root;

	if (api_decode(c, spec, 6, v, &root))
		return;
	ug_error_clear(&err);
	memset(&a, 0, sizeof a);
	/* The security admin knows the first password: by default its owner
	 * replaces it at the first login. */
	a.must_change = v[5].present ? v[5].b : 1;
	a.username = v[0].str;
	a.display_name = v[1].present ? v[1].str : NULL;
	a.role = v[2].str;
	a.unit = v[3].str;
	a.password = v[4].present ? v[4].str : NULL;
	if (account_create(c->db, &c->actor, &a, ug_now_s(), &created,
			   generated, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reply_json(c, 201, user_answer(&created, generated));
	sodium_memzero(generated, sizeof generated);
}

/* PATCH /api/v1/users/{id}: display name, role, unit, disabled. */
void h_user_edit(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "display_name", FIELD_STRING, 0, 1, 100 },
		{ "role", FIELD_STRING, 0, 1, 32 },
		{ "unit", FIELD_STRING, 0, 1, CODE_MAX },
		{ "disabled", FIELD_BOOL, 0, 0, 0 },
	};
	struct field_value v[4];
	struct account_change ch;
	struct user u;
	struct ug_error err;
	json_t *root;
	int64_t id;

	if (api_decode_at(c, "user", &id, spec, 4, v, &root))
		return;
	ug_error_clear(&err);
	memset(&ch, 0, sizeof ch);
	ch.display_name = v[0].present ? v[0].str : NULL;
	ch.role = v[1].present ? v[1].str : NULL;
	ch.unit = v[2].present ? v[2].str : NULL;
	ch.has_disabled = v[3].present;
	ch.disabled = v[3].b;
	if (account_edit(c->db, &c->actor, id, &ch, ug_now_s(), &u, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reply_json(c, 200, user_answer(&u, NULL));
}

/* POST /api/v1/users/{id}/password: one's own change (old_password and
 * password) or the security admin's reset (password, or none for a
 * generated one). */
void h_user_password(struct web_ctx *c)
{
	static const struct field_spec spec[] = {
		{ "old_password", FIELD_STRING, 0, 1, PASSWORD_MAX },
		{ "password", FIELD_STRING, 0, 1, PASSWORD_MAX },
	};
	char generated[GENERATED_PASSWORD_LEN + 1] = "";
	struct field_value v[2];
	struct user u;
	struct ug_error err;
	json_t *root;
	int64_t id;

	if (api_decode_at(c, "user", &id, spec, 2, v, &root))
		return;
	ug_error_clear(&err);
	if (account_set_password(c->db, &c->actor, id,
				 v[0].present ? v[0].str : NULL,
				 v[1].present ? v[1].str : NULL,
				 c->via_cookie ? c->session_token : NULL,
				 ug_now_s(), generated, &u, &err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reply_json(c, 200, user_answer(&u, generated));
	sodium_memzero(generated, sizeof generated);
}

static json_t *json_policy(const struct password_policy *p)
{
	json_t *o = json_object();

	for (int k = 0; k < PASSWORD_KEY_COUNT; k++)
		json_object_set_new(
			o, password_key_names[k],
			k == PASSWORD_NOT_USERNAME
				? json_boolean(p->value[k])
				: json_integer(p->value[k]));
	return o;
}

void h_password_policy_get(struct web_ctx *c)
{
	struct password_policy p;
	struct ug_error err;

	ug_error_clear(&err);
	if (password_policy_get(c->db, &p, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_policy(&p));
}

void h_password_policy_put(struct web_ctx *c)
{
	static const struct field_spec spec[PASSWORD_KEY_COUNT] = {
		[PASSWORD_MIN_LENGTH] = { "min_length", FIELD_INT, 0, 0, 1000 },
		[PASSWORD_MIN_CLASSES] = { "min_classes", FIELD_INT, 0, 0,
					   1000 },
		[PASSWORD_NOT_USERNAME] = { "not_username", FIELD_BOOL, 0, 0,
					    0 },
		[PASSWORD_MAX_AGE_DAYS] = { "max_age_days", FIELD_INT, 0, 0,
					    100000 },
	};
	struct field_value v[PASSWORD_KEY_COUNT];
	int has[PASSWORD_KEY_COUNT], value[PASSWORD_KEY_COUNT];
	struct password_policy p;
	struct ug_error err;
	json_t *root;

	if (api_decode(c, spec, PASSWORD_KEY_COUNT, v, &root))
		return;
	ug_error_clear(&err);
	for (int k = 0; k < PASSWORD_KEY_COUNT; k++) {
		has[k] = v[k].present;
		value[k] = k == PASSWORD_NOT_USERNAME ? v[k].b : (int)v[k].i;
	}
	if (password_policy_set(c->db, &c->actor, has, value, ug_now_s(), &p,
				&err)) {
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	reply_json(c, 200, json_policy(&p));
}
