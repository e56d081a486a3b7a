/*
 * buf.c - growable byte buffer (see buf.h).
 * Growth doubles the capacity so appends are amortised O(1).
 */
#include "lib/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fault.h"

int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > ((size_t)-1) / 2 - b->len)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (fault_should_fail(FAULT_ALLOC))
		return -1;
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	/* Terminate at once: a buffer that was only reserved is still the
	 * empty C string for buf_str(). */
	p[b->len] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len) != 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if (buf_reserve(b, (size_t)n) != 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *buf_detach(struct buf *b)
{
	char *s = b->data;

	if (!s)
		s = strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

int buf_read_file(struct buf *b, const char *path, struct ug_error *err)
{
	size_t start = b->len, got;
	struct stat sb;
	FILE *fp = fopen(path, "rb");
	int rc = 0;

	if (!fp)
		return ug_fail(err, UG_EIO, "file", "cannot open %s: %s", path,
			       strerror(errno));
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > 0 && buf_reserve(b, (size_t)sb.st_size + 1) != 0) {
		rc = ug_fail(err, UG_ENOMEM, NULL,
			     "%s: out of memory for %lld bytes", path,
			     (long long)sb.st_size);
		goto out;
	}
	for (;;) {
		if (b->cap - b->len <= 1 && buf_reserve(b, 1 << 20) != 0) {
			rc = ug_fail(err, UG_ENOMEM, NULL, "%s: out of memory",
				     path);
			goto out;
		}
		got = fread(b->data + b->len, 1, b->cap - b->len - 1, fp);
		if (got == 0)
			break;
		b->len += got;
		b->data[b->len] = '\0';
	}
	if (ferror(fp))
		rc = ug_fail(err, UG_EIO, "file", "cannot read %s: %s", path,
			     strerror(errno));
out:
	fclose(fp);
	if (rc && b->data) {
		b->len = start;
		b->data[start] = '\0';
	}
	return rc;
}

int buf_base64(struct buf *b, const void *data, size_t n)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	int rc = buf_reserve(b, (n + 2) / 3 * 4 + 1);

	for (size_t i = 0; rc == 0 && i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = { abc[v >> 18 & 63], abc[v >> 12 & 63],
			      i + 1 < n ? abc[v >> 6 & 63] : '=',
			      i + 2 < n ? abc[v & 63] : '=' };
		rc = buf_append(b, q, 4);
	}
	return rc;
}
