/*
 * error.c - error records (see error.h).
 */
#include "lib/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

/* Replace each byte that is not part of a whole UTF-8 character with '?'.
 * Messages echo input (jansson's "near '...'" excerpt, a member name) and
 * may be cut inside a character, yet they end up in JSON error bodies,
 * which must be UTF-8: jansson refuses to build one otherwise. */
static void text_make_utf8(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1
			     : (c & 0xE0) == 0xC0 ? 2
			     : (c & 0xF0) == 0xE0 ? 3
			     : (c & 0xF8) == 0xF0 ? 4 : 0;

		if (len && len <= n - i && ug_utf8_valid(s + i, len)) {
			i += len;
			continue;
		}
		s[i++] = '?';
	}
}

int ug_fail(struct ug_error *err, int code, const char *field,
	    const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		snprintf(err->field, sizeof err->field, "%s", field ? field : "");
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
		text_make_utf8(err->field);
		text_make_utf8(err->message);
		err->retry_after = 0;
	}
	return -code;
}

void ug_error_clear(struct ug_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

const char *ug_errcode_name(int code)
{
	static const char *const names[] = {
		[UG_OK] = "ok",
		[UG_EINVAL] = "invalid",
		[UG_ENOTFOUND] = "not_found",
		[UG_ECONFLICT] = "conflict",
		[UG_EAUTH] = "unauthenticated",
		[UG_EFORBIDDEN] = "forbidden",
		[UG_ELIMIT] = "too_many_requests",
		[UG_ETOOBIG] = "too_large",
		[UG_EDB] = "storage",
		[UG_EIO] = "io",
		[UG_ENOMEM] = "out_of_memory",
		[UG_EINTERNAL] = "internal",
		[UG_EVERSION] = "version",
		[UG_EFULL] = "unavailable",
	};

	if (code < 0)
		code = -code;
	if ((size_t)code >= sizeof names / sizeof names[0] || !names[code])
		return "internal";
	return names[code];
}
