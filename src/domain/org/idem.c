/*
 * idem.c - idempotency keys: what a key is, what makes two requests the
 * same, how long answers are kept (see idem.h).
 */
#include "domain/org/idem.h"

#include <sodium.h>
#include <string.h>

int idem_key_check(const char *key, struct ug_error *err)
{
	size_t n = strlen(key);

	if (n == 0 || n > IDEM_KEY_MAX)
		return ug_fail(err, UG_EINVAL, "Idempotency-Key",
			       "Idempotency-Key must be 1 to %d characters",
			       IDEM_KEY_MAX);
	for (size_t i = 0; i < n; i++)
		if (key[i] <= ' ' || key[i] > '~')
			return ug_fail(err, UG_EINVAL, "Idempotency-Key",
				       "Idempotency-Key must be printable "
				       "ASCII without spaces");
	return 0;
}

void idem_request_hash(const char *method, const char *path,
		       const char *content_type, const void *body, size_t len,
		       char out[IDEM_HASH_HEX + 1])
{
	crypto_hash_sha256_state s;
	unsigned char h[crypto_hash_sha256_BYTES];
	/* NUL between the parts: no two different requests read the same. */
	const char *parts[] = { method, path, content_type ? content_type : "" };

	crypto_hash_sha256_init(&s);
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		crypto_hash_sha256_update(&s, (const unsigned char *)parts[i],
					  strlen(parts[i]) + 1);
	if (len)
		crypto_hash_sha256_update(&s, body, len);
	crypto_hash_sha256_final(&s, h);
	sodium_bin2hex(out, IDEM_HASH_HEX + 1, h, sizeof h);
}

int idem_find(struct db *db, int64_t user_id, const char *key,
	      const char *request_hash, struct idem_answer *a,
	      struct ug_error *err)
{
	int rc = store_idem_get(db, user_id, key, a, err);

	if (rc)
		return rc;
	if (strcmp(a->request_hash, request_hash) != 0)
		return ug_fail(err, UG_ECONFLICT, "Idempotency-Key",
			       "this Idempotency-Key was used for another "
			       "request: use a new key for a new request");
	return 0;
}

int idem_save(struct db *db, int64_t user_id, const char *key,
	      const struct idem_answer *a, struct ug_error *err)
{
	return store_idem_put(db, user_id, key, a, err);
}

int idem_prune(struct db *db, int64_t now, int64_t *removed,
	       struct ug_error *err)
{
	return store_idem_prune(db, now - IDEM_PRUNE_S, removed, err);
}
