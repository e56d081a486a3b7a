/*
 * etag.c - If-None-Match against an entity tag (see http.h), for every
 * door that answers 304: the embedded files (ui/assets.c) and API
 * answers with a version of their own.
 */
#include <string.h>

#include "http/http.h"

int http_etag_match(const char *h, const char *tag)
{
	size_t want = strlen(tag);

	if (!h)
		return 0;
	for (;;) {
		const char *open, *close;

		while (*h == ' ' || *h == '\t' || *h == ',')
			h++;
		if (*h == '\0')
			return 0;
		if (*h == '*')
			return 1;
		if (strncmp(h, "W/", 2) == 0)
			h += 2;
		if (*h != '"')
			return 0;
		open = h + 1;
		close = strchr(open, '"');
		if (!close)
			return 0;
		if ((size_t)(close - open) == want &&
		    memcmp(open, tag, want) == 0)
			return 1;
		h = close + 1;
		if (*h != '\0' && *h != ',' && *h != ' ' && *h != '\t')
			return 0;
	}
}
