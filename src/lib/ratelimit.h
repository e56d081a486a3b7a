/*
 * ratelimit.h - token buckets keyed by a string (an address, an API key),
 * in memory, shared by the worker threads.
 *
 * Each key may spend `burst` requests at once and earns `per_minute` back
 * over a minute.  The table has a fixed number of slots: a key is looked up
 * among a few slots chosen by its hash, and a new key takes the slot idle
 * the longest (a key pushed out comes back with a full bucket — the limit
 * is then looser, never stricter).  Limits are per process: behind a load
 * balancer with N app servers a client may get N times as much.
 */
#ifndef UG_RATELIMIT_H
#define UG_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* NULL when out of memory.  per_minute <= 0: no limit. */
struct ratelimit *ratelimit_new(double per_minute, double burst);
void ratelimit_free(struct ratelimit *rl);

/* Spend one request of `key` at now_us (monotonic microseconds): 0 when
 * allowed, else the whole seconds to wait before the next is (>= 1). */
int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_us);

/* The key of a client address: an IPv4 address as it is, an IPv6 address
 * cut to its /64 (one host commonly holds a whole /64, so limits per /128
 * would be none).  out holds 64 bytes; an unparsable address is kept. */
void ratelimit_address_key(const char *addr, char out[64]);

#endif
