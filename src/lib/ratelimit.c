/*
 * ratelimit.c - token buckets in a fixed table (see ratelimit.h).
 */
#include "lib/ratelimit.h"
#include "lib/util.h"

#include <arpa/inet.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 8192 /* a power of two */
#define PROBE 8    /* slots a key may live in */

struct slot {
	uint64_t hash;   /* 0: free */
	double tokens;
	int64_t last_us;
};

struct ratelimit {
	pthread_mutex_t lock;
	double per_us, burst;
	struct slot slot[SLOTS];
};

struct ratelimit *ratelimit_new(double per_minute, double burst)
{
	struct ratelimit *rl = calloc(1, sizeof *rl);

	if (!rl)
		return NULL;
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_us = per_minute > 0 ? per_minute / 60e6 : 0;
	rl->burst = burst >= 1 ? burst : 1;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_us)
{
	uint64_t h = ug_hash_str(key);
	struct slot *s = NULL, *oldest = NULL;
	int wait = 0;

	if (!rl || rl->per_us == 0)
		return 0;
	pthread_mutex_lock(&rl->lock);
	for (int i = 0; i < PROBE; i++) {
		struct slot *x = &rl->slot[(h + (uint64_t)i) & (SLOTS - 1)];

		if (x->hash == h) {
			s = x;
			break;
		}
		if (!oldest || x->hash == 0 ||
		    (oldest->hash != 0 && x->last_us < oldest->last_us))
			oldest = x;
	}
	if (!s) {
		s = oldest;
		s->hash = h;
		s->tokens = rl->burst;
		s->last_us = now_us;
	}
	s->tokens = fmin(rl->burst,
			 s->tokens + (double)(now_us - s->last_us) * rl->per_us);
	s->last_us = now_us;
	if (s->tokens >= 1) {
		s->tokens -= 1;
	} else {
		wait = (int)ceil((1 - s->tokens) / rl->per_us / 1e6);
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

void ratelimit_address_key(const char *addr, char out[64])
{
	unsigned char a[16];

	if (strchr(addr, ':') && inet_pton(AF_INET6, addr, a) == 1) {
		char text[INET6_ADDRSTRLEN];

		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, text, sizeof text);
		snprintf(out, 64, "%s/64", text);
	} else {
		ug_copy(out, 64, addr);
	}
}
