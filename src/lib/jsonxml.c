/*
 * jsonxml.c - JSON trees written as XML (see jsonxml.h).
 */
#include "lib/jsonxml.h"

#include <inttypes.h>
#include <string.h>

static int is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name(const char *s)
{
	if (!is_name_start((unsigned char)*s))
		return 0;
	for (s++; *s; s++)
		if (!is_name_start((unsigned char)*s) && *s != '-' &&
		    *s != '.' && !(*s >= '0' && *s <= '9'))
			return 0;
	return 1;
}

/* Length of the UTF-8 sequence starting at p (jansson strings are valid
 * UTF-8), and its code point. */
static size_t utf8_next(const unsigned char *p, size_t left, uint32_t *cp)
{
	size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;

	if (n > left)
		n = left;
	*cp = n == 1 ? *p : (uint32_t)(*p & (0x7F >> n));
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (p[i] & 0x3F);
	return n;
}

void jsonxml_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_next(p + i, n - i, &cp);

		switch (cp) {
		case '&': buf_append(out, "&amp;", 5); break;
		case '<': buf_append(out, "&lt;", 4); break;
		case '>': buf_append(out, "&gt;", 4); break;
		case '\r': buf_append(out, "&#13;", 5); break;
		default:
			/* XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] |
			 * [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
			if ((cp < 0x20 && cp != '\t' && cp != '\n') ||
			    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
			    cp == 0xFFFF || cp > 0x10FFFF)
				buf_append(out, "\xEF\xBF\xBD", 3);
			else
				buf_append(out, s + i, k);
		}
		i += k;
	}
}

static const char *item_name(const char *wrapper,
			     const struct jsonxml_list *lists, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lists[i].wrapper, wrapper) == 0)
			return lists[i].item;
	return NULL;
}

static int write_value(struct buf *out, const char *name, const json_t *v,
		       const struct jsonxml_list *lists, size_t nlists,
		       struct ug_error *err);

static int write_items(struct buf *out, const char *item, const json_t *arr,
		       const struct jsonxml_list *lists, size_t nlists,
		       struct ug_error *err)
{
	size_t i;
	json_t *x;
	int rc;

	json_array_foreach(arr, i, x)
		if ((rc = write_value(out, item, x, lists, nlists, err)))
			return rc;
	return 0;
}

static int write_value(struct buf *out, const char *name, const json_t *v,
		       const struct jsonxml_list *lists, size_t nlists,
		       struct ug_error *err)
{
	const char *key;
	json_t *m;
	int rc;

	if (!is_name(name))
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "\"%s\" is not an XML element name", name);
	if (json_is_null(v)) {
		buf_printf(out, "<%s/>", name);
		return 0;
	}
	buf_printf(out, "<%s>", name);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, m) {
			if (json_is_array(m)) {
				const char *item = item_name(key, lists, nlists);

				if (!item)
					return ug_fail(err, UG_EINTERNAL, NULL,
						       "no item name for list "
						       "\"%s\"", key);
				if (!is_name(key))
					return ug_fail(err, UG_EINTERNAL, NULL,
						       "\"%s\" is not an XML "
						       "element name", key);
				buf_printf(out, "<%s>", key);
				if ((rc = write_items(out, item, m, lists,
						      nlists, err)))
					return rc;
				buf_printf(out, "</%s>", key);
			} else if ((rc = write_value(out, key, m, lists, nlists,
						     err))) {
				return rc;
			}
		}
		break;
	case JSON_ARRAY:
		return ug_fail(err, UG_EINTERNAL, NULL,
			       "array directly inside an array at <%s>", name);
	case JSON_STRING:
		jsonxml_escape(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(out, "%" PRId64, (int64_t)json_integer_value(v));
		break;
	case JSON_REAL:
		buf_printf(out, "%.*g", JSONXML_REAL_DIGITS, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_append(out, "true", 4);
		break;
	case JSON_FALSE:
		buf_append(out, "false", 5);
		break;
	case JSON_NULL:
		break;
	}
	buf_printf(out, "</%s>", name);
	return 0;
}

int jsonxml_write(struct buf *out, const char *root, const char *top_item,
		  const json_t *v, const struct jsonxml_list *lists,
		  size_t nlists, struct ug_error *err)
{
	int rc;

	buf_printf(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	if (json_is_array(v)) {
		if (!is_name(root) || !top_item)
			return ug_fail(err, UG_EINTERNAL, NULL,
				       "top-level list needs a root and an "
				       "item name");
		buf_printf(out, "<%s>", root);
		if ((rc = write_items(out, top_item, v, lists, nlists, err)))
			return rc;
		buf_printf(out, "</%s>", root);
	} else if ((rc = write_value(out, root, v, lists, nlists, err))) {
		return rc;
	}
	buf_append(out, "\n", 1);
	return 0;
}
