/*
 * tu_rand.h - what the brute-force checks share: deterministic random
 * numbers (xorshift64, the same sequence every run) and the great-circle
 * distance exactly as domain/spatial/component.h defines it, written
 * apart from the code under test.  Included by tests (test_component,
 * test_gridindex) and by bench/compindex_bench.c, its peer.
 */
#ifndef UG_TU_RAND_H
#define UG_TU_RAND_H

#include <math.h>
#include <stdint.h>

/* The next number of the xorshift64 sequence in *s. */
static inline uint64_t tu_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The file's own sequence, from a fixed seed: the same numbers every run. */
static inline uint64_t tu_rnd64(void)
{
	static uint64_t state = 88172645463325252u;

	return tu_xorshift(&state);
}

/* Uniform in [0, 1). */
static inline double tu_rnd01(void)
{
	return (double)(tu_rnd64() >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in 0..n-1. */
static inline int tu_rndint(int n)
{
	return (int)(tu_rnd64() % (uint64_t)n);
}

#define TU_RAD (3.14159265358979323846 / 180.0)

/* Metres between two points on the sphere of radius 6,371,008.8 m. */
static inline double tu_ref_distance(double lon1, double lat1, double lon2,
				     double lat2)
{
	double s1 = sin((lat2 - lat1) * TU_RAD / 2);
	double s2 = sin((lon2 - lon1) * TU_RAD / 2);
	double a = s1 * s1 + cos(lat1 * TU_RAD) * cos(lat2 * TU_RAD) * s2 * s2;

	if (a > 1)
		a = 1;
	return 2 * 6371008.8 * asin(sqrt(a));
}

#endif
