/*
 * tokens.c - API tokens (see tokens.h).
 */
#include "domain/org/tokens.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/org/audit.h"
#include "lib/util.h"

/* Does the actor see the tokens of account `user_id`?  Its own always;
 * the security admin's and the command line's, all. */
static int sees_token(const struct actor *a, int64_t user_id)
{
	return actor_is(a, ROLE_SECURITY_ADMIN) ||
	       (a->user && a->user->id == user_id);
}

/* A token as the audit trail shows it (a new reference; never the
 * secret, which is not kept). */
static json_t *json_pack_token(const struct api_token *t)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)t->id,
			 "user", t->username, "label", t->label, "created_by",
			 t->created_by);
}

/* json_dumps() that takes the reference (NULL in, NULL out). */
static char *dump_take(json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return text;
}

int token_create(struct db *db, const struct actor *by, const char *username,
		 const char *label, int64_t now, char out[API_TOKEN_LEN + 1],
		 struct api_token *made, struct ug_error *err)
{
	char token_hash[TOKEN_HEX_LEN + 1];
	struct user u;
	int rc;

	memset(out, 0, API_TOKEN_LEN + 1);
	memset(made, 0, sizeof *made);
	if (!actor_is(by, ROLE_SECURITY_ADMIN))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only the security admin makes API tokens");
	if (label && (ug_utf8_len(label) > 100 ||
		      !ug_utf8_valid(label, strlen(label))))
		return ug_fail(err, UG_EINVAL, "label",
			       "label must be at most 100 characters");
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_user_by_name(db, username, &u, NULL, err);
	if (rc == 0 && !sees_token(by, u.id))
		rc = ug_fail(err, UG_ENOTFOUND, "username", "no user named %s",
			     username);
	if (rc)
		goto end;
	if (!by->root && strcmp(u.role, "api_client") != 0) {
		rc = ug_fail(err, UG_EINVAL, "username",
			     "%s is a %s: tokens are made for api_client "
			     "accounts (people log in)", u.username, u.role);
		goto end;
	}
	memcpy(out, API_TOKEN_PREFIX, 4);
	ug_random_hex(out + 4, TOKEN_HEX_LEN / 2);
	auth_token_hash(out, token_hash);
	made->user_id = u.id;
	snprintf(made->username, sizeof made->username, "%s", u.username);
	snprintf(made->role, sizeof made->role, "%s", u.role);
	snprintf(made->label, sizeof made->label, "%s", label ? label : "");
	snprintf(made->created_by, sizeof made->created_by, "%s",
		 by->user->username);
	made->created_at = now;
	if ((rc = store_token_insert(db, token_hash, u.id, made->label,
				     made->created_by, now, &made->id,
				     err)) == 0) {
		char *after = dump_take(json_pack_token(made));

		rc = audit_write(db, by, now, "token.create", u.username, NULL,
				 after ? after : "{}", NULL, err);
		free(after);
	}
end:
	if ((rc = db_end(db, rc, err)))
		sodium_memzero(out, API_TOKEN_LEN + 1);
	return rc;
}

int token_list(struct db *db, const struct actor *a, store_token_cb cb,
	       void *ctx, struct ug_error *err)
{
	/* Everyone's for the security admin, else one's own. */
	return store_token_list(db,
				actor_is(a, ROLE_SECURITY_ADMIN) ? 0
								 : a->user->id,
				cb, ctx, err);
}

int token_revoke(struct db *db, const struct actor *a, int64_t id,
		 int64_t now, struct api_token *revoked, struct ug_error *err)
{
	char detail[64], *before = NULL;
	int rc;

	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_token_get(db, id, revoked, err);
	if (rc == 0 && !sees_token(a, revoked->user_id))
		rc = ug_fail(err, UG_ENOTFOUND, "id", "no token with id %lld",
			     (long long)id);
	if (rc)
		goto end;
	snprintf(detail, sizeof detail, "{\"id\":%lld}", (long long)id);
	before = dump_take(json_pack_token(revoked));
	if ((rc = store_token_delete(db, id, err)) == 0)
		rc = audit_write(db, a, now, "token.revoke", revoked->username,
				 before, NULL, detail, err);
end:
	free(before);
	return db_end(db, rc, err);
}
