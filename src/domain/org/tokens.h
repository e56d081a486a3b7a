/*
 * tokens.h - API tokens: made for a system that calls the API, listed and
 * revoked by their id, never shown again after they are made.
 *
 * Who may do what: the command line makes tokens for any account; the
 * security admin makes them for api_client accounts, and lists and
 * revokes any token; everyone else lists and revokes its own.  A token outside the caller's sight answers as one
 * that does not exist.  Making and revoking are audited.
 */
#ifndef UG_TOKENS_H
#define UG_TOKENS_H

#include <stdint.h>

#include "domain/org/auth.h"
#include "domain/org/roles.h"

/* Make a token for account `username` with `label` (NULL: ""; at most 100
 * characters): the secret into out, once - only its hash is stored - and
 * the row into *made.  UG_ENOTFOUND naming "username" for an unknown
 * account (or one out of the caller's sight), UG_EINVAL naming it for one
 * that is not an api_client (the security admin's tokens are for
 * systems), UG_EFORBIDDEN for a caller who makes none. */
int token_create(struct db *db, const struct actor *by, const char *username,
		 const char *label, int64_t now, char out[API_TOKEN_LEN + 1],
		 struct api_token *made, struct ug_error *err);

/* The tokens the actor may see (above), oldest first, to cb. */
int token_list(struct db *db, const struct actor *a, store_token_cb cb,
	       void *ctx, struct ug_error *err);

/* Revoke token `id`: it stops working at once.  UG_ENOTFOUND naming "id"
 * for one that does not exist or is out of sight.  *revoked: what it
 * was. */
int token_revoke(struct db *db, const struct actor *a, int64_t id,
		 int64_t now, struct api_token *revoked, struct ug_error *err);

#endif
