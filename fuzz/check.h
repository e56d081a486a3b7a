/*
 * check.h - the one assertion of the fuzz targets: an invariant that does
 * not hold aborts with its file, line and text, which libFuzzer reports
 * as a crash with the input that caused it.
 */
#ifndef UG_FUZZ_CHECK_H
#define UG_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",   \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

#endif
