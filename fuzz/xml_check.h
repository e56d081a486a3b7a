/*
 * xml_check.h - well-formedness of the XML we write (lib/jsonxml.h), for
 * the fuzz targets: the declaration, then elements without attributes
 * that nest and close in order (or <x/>), one root, text without a raw
 * '<', '&' only in &amp; &lt; &gt; &#13;, no control character but TAB
 * and LF, and valid UTF-8 throughout.  Returns 1 when the document is
 * well formed by those rules, else 0.
 */
#ifndef UG_FUZZ_XML_CHECK_H
#define UG_FUZZ_XML_CHECK_H

#include <stddef.h>
#include <string.h>

#include "lib/util.h"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

static inline int xml_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static inline int xml_well_formed(const char *s, size_t n)
{
	const char *stack[64];
	size_t len[64];
	int depth = 0, roots = 0;
	size_t i = strlen(XML_DECL);

	if (n < i || memcmp(s, XML_DECL, i) != 0 || !ug_utf8_valid(s, n))
		return 0;
	while (i < n) {
		char c = s[i];

		if (c == '<') {
			int closing = i + 1 < n && s[i + 1] == '/';
			size_t start = i + 1 + (size_t)closing, k = start;

			while (k < n && xml_name_char(s[k]))
				k++;
			if (k == start || k >= n)
				return 0;
			if (closing) {
				if (s[k] != '>' || depth == 0 ||
				    len[depth - 1] != k - start ||
				    memcmp(stack[depth - 1], s + start,
					   k - start) != 0)
					return 0;
				depth--;
				i = k + 1;
			} else if (s[k] == '/' && k + 1 < n && s[k + 1] == '>') {
				roots += depth == 0;
				i = k + 2;
			} else if (s[k] == '>') {
				if (depth == 64)
					return 0;
				roots += depth == 0;
				stack[depth] = s + start;
				len[depth++] = k - start;
				i = k + 1;
			} else {
				return 0;
			}
		} else if (c == '&') {
			static const char *const refs[] = { "&amp;", "&lt;",
							    "&gt;", "&#13;" };
			int ok = 0;

			for (int r = 0; r < 4 && !ok; r++)
				if (n - i >= strlen(refs[r]) &&
				    memcmp(s + i, refs[r], strlen(refs[r])) == 0) {
					i += strlen(refs[r]);
					ok = 1;
				}
			if (!ok)
				return 0;
		} else if ((unsigned char)c < 0x20 && c != '\t' && c != '\n') {
			return 0;
		} else if (c == '>' ) {
			return 0; /* we always escape it */
		} else {
			if (depth == 0 && c != '\n')
				return 0; /* text outside the root */
			i++;
		}
	}
	return depth == 0 && roots == 1;
}

#endif
