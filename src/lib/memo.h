/*
 * memo.h - copies of values read often and changed seldom, each kept
 * with the revision of the data it was read at, shared by the worker
 * threads.
 *
 * A value is found again only under the revision it was kept with: the
 * caller reads the data's current revision first and asks for that one,
 * so a change (which moves the revision on) leaves every older copy
 * unused without any of them being told.  The table has a fixed number
 * of slots: a key takes the slot its hash chooses, pushing out what was
 * there (the next ask reads the data again).  Values are copied in and
 * out whole (fixed-size structs, at most MEMO_VALUE_MAX bytes).
 */
#ifndef UG_MEMO_H
#define UG_MEMO_H

#include <stddef.h>
#include <stdint.h>

#define MEMO_KEY_MAX 80      /* bytes of a key, its NUL included */
#define MEMO_VALUE_MAX 16384

struct memo;

/* A table of `slots` slots (rounded up to a power of two); NULL when out
 * of memory. */
struct memo *memo_new(size_t slots);
void memo_free(struct memo *m); /* NULL accepted */

/* Copy the value of (kind, key) kept at revision `rev` into out (`size`
 * bytes, as it was kept): 1, or 0 when there is none - another
 * revision, another size, pushed out, never kept. */
int memo_get(struct memo *m, int kind, const char *key, int64_t rev,
	     void *out, size_t size);

/* Keep `size` bytes of value for (kind, key) read at revision `rev`.  A
 * key of MEMO_KEY_MAX bytes or more, a value over MEMO_VALUE_MAX, or a
 * negative rev is not kept. */
void memo_put(struct memo *m, int kind, const char *key, int64_t rev,
	      const void *value, size_t size);

/* Asks answered from the table and asks not (for /metrics). */
void memo_counts(struct memo *m, uint64_t *hits, uint64_t *misses);

#endif
