/*
 * demo_rand.h - the demo's small deterministic generator (xorshift64*):
 * the same seed gives the same city, month, photos and walks.
 */
#ifndef UG_DEMO_RAND_H
#define UG_DEMO_RAND_H

#include <stdint.h>

static inline uint64_t demo_rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* 0 .. n-1 (n > 0). */
static inline int demo_rnd_below(uint64_t *s, int n)
{
	return (int)(demo_rnd(s) % (uint64_t)n);
}

/* [0, 1). */
static inline double demo_rnd_unit(uint64_t *s)
{
	return (double)(demo_rnd(s) >> 11) / 9007199254740992.0;
}

#endif
