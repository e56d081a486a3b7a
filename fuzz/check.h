/*
 * check.h - the one assertion of the fuzz targets: an invariant that does
 * not hold aborts with its file, line and text, which libFuzzer reports
 * as a crash with the input that caused it; and the input as a stream.
 */
#ifndef UG_FUZZ_CHECK_H
#define UG_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",   \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* The input as a stdio stream (the readers of files take one): a copy of
 * data behind fmemopen(), which glibc refuses for a zero size - an empty
 * stream then.  Close with fuzz_stream_close(fp, *copy). */
static inline FILE *fuzz_stream(const void *data, size_t size, char **copy)
{
	FILE *fp;

	*copy = malloc(size ? size : 1);
	if (!*copy)
		abort();
	memcpy(*copy, data, size);
	fp = size ? fmemopen(*copy, size, "r") : fopen("/dev/null", "r");
	if (!fp)
		abort();
	return fp;
}

static inline void fuzz_stream_close(FILE *fp, char *copy)
{
	fclose(fp);
	free(copy);
}

#endif
