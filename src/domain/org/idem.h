/*
 * idem.h - idempotency keys: a write sent again with the same key
 * answers what the first answered and writes nothing (docs/api.md,
 * "Idempotency keys").
 *
 * The request path (web/idempotency.c) holds one write transaction
 * around the handler of a route that honours keys: it looks the key up
 * here, runs the handler (whose domain writes nest inside: store/db.h),
 * and saves the answer here before the one commit, so an answer is never
 * stored without its effect nor the effect without its answer.  Keys are
 * per user.  This module is the rules (what a key is, what makes two
 * requests the same, how long answers are kept); store/org/idem.h the
 * rows.
 */
#ifndef UG_IDEM_H
#define UG_IDEM_H

#include <stddef.h>
#include <stdint.h>

#include "store/org/idem.h"

/* Answers are kept this long at least, and removed after IDEM_PRUNE_S. */
#define IDEM_KEEP_S (24 * 3600)
#define IDEM_PRUNE_S (48 * 3600)

/* 0 if key is 1-128 printable ASCII characters without spaces, else
 * UG_EINVAL naming "Idempotency-Key". */
int idem_key_check(const char *key, struct ug_error *err);

/* The request's fingerprint: SHA-256 (hex) of the method, the path, the
 * Content-Type (NULL as "") and the body. */
void idem_request_hash(const char *method, const char *path,
		       const char *content_type, const void *body, size_t len,
		       char out[IDEM_HASH_HEX + 1]);

/* The answer stored for the user's key, in the caller's transaction:
 * 0 with *a filled when it answered this same request (request_hash);
 * UG_ENOTFOUND when the key is new; UG_ECONFLICT naming
 * "Idempotency-Key" when it answered another request. */
int idem_find(struct db *db, int64_t user_id, const char *key,
	      const char *request_hash, struct idem_answer *a,
	      struct ug_error *err);

/* Store the answer for the user's key, in the caller's transaction (the
 * one holding the write it answers). */
int idem_save(struct db *db, int64_t user_id, const char *key,
	      const struct idem_answer *a, struct ug_error *err);

/* Remove answers older than IDEM_PRUNE_S at `now`; *removed how many. */
int idem_prune(struct db *db, int64_t now, int64_t *removed,
	       struct ug_error *err);

#endif
