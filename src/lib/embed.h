/*
 * embed.h - files compiled into the binary (migrations, web assets).
 *
 * tools/embed.c turns a list of files into a C table of this type at build
 * time, so the single binary carries everything it serves or applies.
 */
#ifndef UG_EMBED_H
#define UG_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name;          /* path relative to the embedded root */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t size;               /* bytes, not counting the NUL */
	const char *sha256;        /* of data, 64 lowercase hex digits,
				      computed at build time (ETags) */
};

#endif
