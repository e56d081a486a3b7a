/*
 * bench.h - what the bench programs share: the median of timed runs.
 * Each bench is one C file built on its own (scripts/bench); this header
 * is included by them, never by the program.
 */
#ifndef UG_BENCH_H
#define UG_BENCH_H

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n-1] (sorts v). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
