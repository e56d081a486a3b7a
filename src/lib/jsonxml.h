/*
 * jsonxml.h - XML documents written from JSON trees, by the mapping that
 * Open311 GeoReport v2 uses between its two formats (the "Spark"
 * convention): the JSON drops the XML root element, and every XML list
 * wrapper (<services><service>…) is a JSON array.  So one tree, built once
 * by a handler, is answered as JSON or XML.
 *
 * Mapping from JSON to XML:
 *   - the document is <?xml version="1.0" encoding="utf-8"?><root>…</root>;
 *   - an object's members become child elements in their order;
 *   - a member whose value is an array becomes <member><item>…</item>…
 *     </member>, the item name found in the `lists` table (wrapper →
 *     item); a top-level array's items are <top_item> elements;
 *   - strings are escaped text (& < > always; characters XML 1.0 forbids
 *     become U+FFFD; CR is written as &#13; so parsers keep it);
 *   - true/false as such, integers in decimal, reals with up to 12
 *     significant digits (no exponent for coordinates), null as an empty
 *     element <x/>.
 * Names that are not XML names are an internal error: callers build the
 * tree from their own keys, never from input.
 */
#ifndef UG_JSONXML_H
#define UG_JSONXML_H

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/error.h"

struct jsonxml_list {
	const char *wrapper; /* member name holding an array */
	const char *item;    /* element name of each item */
};

int jsonxml_write(struct buf *out, const char *root, const char *top_item,
		  const json_t *v, const struct jsonxml_list *lists,
		  size_t nlists, struct ug_error *err);

/* Append text escaped for an XML element (see above). */
void jsonxml_escape(struct buf *out, const char *s, size_t n);

/* Reals as both formats write them: "%.12g". */
#define JSONXML_REAL_DIGITS 12

#endif
