/*
 * buf.h - the one growable byte buffer of the program.
 *
 * Every string that is built at run time (JSON, SQL error text, log lines,
 * response bodies) is built in a struct buf.  The data is always kept
 * NUL-terminated so it can be handed to C string functions, but it may also
 * hold binary bytes (len is authoritative).
 */
#ifndef UG_BUF_H
#define UG_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "lib/error.h"

struct buf {
	char *data;  /* NULL until the first append; else NUL-terminated */
	size_t len;  /* bytes in use, not counting the terminating NUL */
	size_t cap;  /* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

/* Make room for at least `extra` more bytes.  Returns 0, or -1 when the
 * allocation fails (the buffer is unchanged then). */
int buf_reserve(struct buf *b, size_t extra);

/* Append bytes / a C string / formatted text.  Return 0 or -1 (out of
 * memory; the buffer keeps what it had). */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
/* Append n bytes of data in base64 (RFC 4648, with padding). */
int buf_base64(struct buf *b, const void *data, size_t n);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Empty the buffer but keep its memory for reuse. */
void buf_reset(struct buf *b);

/* Hand the heap string to the caller (who frees it with free()); the
 * buffer is left empty.  Returns "" copied on the heap for an empty buffer,
 * or NULL when out of memory. */
char *buf_detach(struct buf *b);

/* Release the memory; the buffer may be reused afterwards. */
void buf_free(struct buf *b);

/* Append the whole file at `path` (one allocation for a regular file;
 * pipes and growing files work too).  0, or UG_EIO naming the file, or
 * UG_ENOMEM; on failure the buffer keeps what it had before. */
int buf_read_file(struct buf *b, const char *path, struct ug_error *err);

/* The content as a C string: never NULL ("" for an empty buffer). */
const char *buf_str(const struct buf *b);

#endif
