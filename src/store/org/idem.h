/*
 * idem.h - the stored answers of writes sent with an Idempotency-Key
 * (schema 0016, domain/org/idem.h says what they are for).
 */
#ifndef UG_STORE_IDEM_H
#define UG_STORE_IDEM_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "store/common.h"

#define IDEM_KEY_MAX 128
#define IDEM_HASH_HEX 64

struct idem_answer {
	char request_hash[IDEM_HASH_HEX + 1];
	int status;
	struct buf headers; /* JSON object text */
	struct buf body;
	int64_t created_at;
};

/* The answer stored for (user_id, key) into *a (its bufs appended to;
 * the caller frees them): 0, UG_ENOTFOUND when there is none, or the
 * error. */
int store_idem_get(struct db *db, int64_t user_id, const char *key,
		   struct idem_answer *a, struct ug_error *err);

/* Store the answer, in the caller's transaction.  UG_ECONFLICT when the
 * key has one already. */
int store_idem_put(struct db *db, int64_t user_id, const char *key,
		   const struct idem_answer *a, struct ug_error *err);

/* Remove the answers created before `before`; *removed how many. */
int store_idem_prune(struct db *db, int64_t before, int64_t *removed,
		     struct ug_error *err);

#endif
