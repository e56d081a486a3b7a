/*
 * h_session.c - log in, who am I, log out.
 */
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/org/tokens.h"
#include "lib/util.h"

static void set_session_cookie(struct web_ctx *c, const char *value,
			       int64_t max_age)
{
	struct buf cookie = BUF_INIT;

	buf_printf(&cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; "
			    "Max-Age=%lld%s", SESSION_COOKIE, value,
		   (long long)max_age, c->app->cookie_secure ? "; Secure" : "");
	http_response_header(c->resp, "Set-Cookie", buf_str(&cookie));
	buf_free(&cookie);
}

const struct field_spec session_create_body[2] = {
	{ "username", FIELD_STRING, 1, 1, USERNAME_MAX },
	{ "password", FIELD_STRING, 1, 1, PASSWORD_MAX },
};

void h_session_create(struct web_ctx *c)
{
	const struct field_spec *spec = session_create_body;
	struct field_value v[2];
	struct login_result login;
	struct ug_error err;
	json_t *root;
	int64_t now = ug_now_s();

	if (api_decode(c, spec, 2, v, &root))
		return;
	ug_error_clear(&err);
	if (auth_login(c->db, &c->app->auth, v[0].str, v[1].str,
		       c->req->client_addr, now, &login, &err)) {
		snprintf(c->req->user, sizeof c->req->user, "%.64s?",
			 v[0].str);
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	snprintf(c->req->user, sizeof c->req->user, "%s",
		 login.user.username);
	set_session_cookie(c, login.session_token, c->app->auth.session_ttl);
	/* password_change_required: until the password is changed, the
	 * session opens nothing but that (web/dispatch.c). */
	reply_json(c, 200,
		   json_pack("{s:o, s:s, s:o, s:b}", "user",
			     json_user(&login.user), "csrf_token",
			     login.csrf_token, "expires_at",
			     json_time(login.expires_at),
			     "password_change_required",
			     login.user.must_change_password));
}

void h_session_get(struct web_ctx *c)
{
	json_t *body = json_pack("{s:o, s:s, s:b}", "user", json_user(c->user),
				 "auth", c->via_cookie ? "session" : "bearer",
				 "password_change_required",
				 c->via_cookie && c->user->must_change_password);

	if (body && c->via_cookie)
		json_object_set_new(body, "csrf_token", json_string(c->csrf));
	reply_json(c, 200, body);
}

/* Log out: a session ends; a bearer token is revoked (it is the
 * token's way to end itself: a leaked one can be killed by whoever holds
 * it). */
void h_session_delete(struct web_ctx *c)
{
	struct api_token t;
	struct ug_error err;

	ug_error_clear(&err);
	if (c->via_cookie) {
		if (auth_logout(c->db, c->session_token, &err)) {
			reply_ug_error(c, &err);
			return;
		}
		set_session_cookie(c, "", 0);
	} else if (token_revoke(c->db, &c->actor, c->token_id, ug_now_s(), &t,
				&err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_no_content(c);
}
