/*
 * jsonrows.c - streaming reader of a JSON array of flat objects (see
 * jsonrows.h).
 *
 * A small recursive-descent reader over getc_unlocked(), in the manner of
 * lib/csv.c: one object's members are kept in one growing buffer reused
 * from object to object, so reading allocates nothing per row once the
 * buffer has reached the size of the largest object.
 */
#include "lib/jsonrows.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Nesting allowed inside a member's value (skipped values alike). */
#define JSONROWS_DEPTH_MAX 64

enum { BEFORE_ARRAY, IN_ARRAY, AFTER_ARRAY };

void jsonrows_init(struct jsonrows_reader *r, FILE *fp, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fp = fp;
	r->name = name ? name : "input";
	r->at_line = 1;
	r->max_record = 1 << 20;
	r->back = -2;
}

static int get(struct jsonrows_reader *r)
{
	int c;

	if (r->back != -2) {
		c = r->back;
		r->back = -2;
		return c;
	}
	c = getc_unlocked(r->fp);
	if (c == '\n')
		r->at_line++;
	return c;
}

static void unget(struct jsonrows_reader *r, int c)
{
	r->back = c;
}

static int skip_space(struct jsonrows_reader *r)
{
	int c;

	do
		c = get(r);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	return c;
}

static int bad(struct jsonrows_reader *r, struct ug_error *err,
	       const char *what)
{
	return ug_fail(err, UG_EINVAL, NULL, "%s:%ld: %s", r->name, r->at_line,
		       what);
}

static int put(struct jsonrows_reader *r, const void *p, size_t n,
	       struct ug_error *err)
{
	if (r->text.len + n > r->max_record)
		return ug_fail(err, UG_ETOOBIG, NULL,
			       "%s:%ld: object longer than %zu bytes", r->name,
			       r->line, r->max_record);
	if (buf_append(&r->text, p, n))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	return 0;
}

static int hex4(struct jsonrows_reader *r, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int d = ug_hex_digit(get(r));

		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

/* A \u escape (the "\u" read) as UTF-8 into *out (1-4 bytes). */
static int unicode_escape(struct jsonrows_reader *r, char out[4], size_t *n,
			  struct ug_error *err)
{
	unsigned cp, lo;

	if (hex4(r, &cp))
		return bad(r, err, "\\u must be followed by four hex digits");
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return bad(r, err, "a lone low surrogate in \\u escapes");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (get(r) != '\\' || get(r) != 'u' || hex4(r, &lo) ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return bad(r, err,
				   "a high surrogate without its low one");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (cp == 0)
		return bad(r, err, "\\u0000 (NUL) in a string");
	if (cp < 0x80) {
		out[0] = (char)cp;
		*n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		*n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		*n = 3;
	} else {
		out[0] = (char)(0xF0 | cp >> 18);
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		*n = 4;
	}
	return 0;
}

/* A string (its opening quote read) unescaped into text, NUL-terminated. */
static int read_string(struct jsonrows_reader *r, struct ug_error *err)
{
	size_t start = r->text.len;
	int c, rc;

	for (;;) {
		char u[4];
		size_t n = 1;

		c = get(r);
		if (c == '"')
			break;
		if (c == EOF)
			return bad(r, err, "unterminated string");
		if ((unsigned char)c < 0x20)
			return bad(r, err, "a control character inside a "
					   "string (escape it)");
		u[0] = (char)c;
		if (c == '\\') {
			switch (c = get(r)) {
			case '"': case '\\': case '/': u[0] = (char)c; break;
			case 'b': u[0] = '\b'; break;
			case 'f': u[0] = '\f'; break;
			case 'n': u[0] = '\n'; break;
			case 'r': u[0] = '\r'; break;
			case 't': u[0] = '\t'; break;
			case 'u':
				if ((rc = unicode_escape(r, u, &n, err)))
					return rc;
				break;
			default:
				return bad(r, err, "an unknown escape in a "
						   "string");
			}
		}
		if ((rc = put(r, u, n, err)))
			return rc;
	}
	if (r->text.len > start &&
	    !ug_utf8_valid(r->text.data + start, r->text.len - start))
		return bad(r, err, "a string that is not valid UTF-8");
	return put(r, "", 1, err);
}

/* A number or a literal (its first character c read), as written, into
 * text.  *null is set for null. */
static int read_scalar(struct jsonrows_reader *r, int c, int *null,
		       struct ug_error *err)
{
	size_t start = r->text.len, n;
	const char *s;
	int rc;

	*null = 0;
	while ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
	       c == '+' || c == '.' || c == 'E') {
		char ch = (char)c;

		if ((rc = put(r, &ch, 1, err)))
			return rc;
		c = get(r);
	}
	unget(r, c);
	n = r->text.len - start;
	if (n == 0)
		return bad(r, err, "a value was expected");
	s = r->text.data + start;
	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0))
		return put(r, "", 1, err);
	if (n == 4 && memcmp(s, "null", 4) == 0) {
		*null = 1;
		return put(r, "", 1, err);
	}
	/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	{
		size_t i = 0, d;

		if (i < n && s[i] == '-')
			i++;
		if (i < n && s[i] == '0')
			i++;
		else if (i < n && s[i] >= '1' && s[i] <= '9')
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		else
			return bad(r, err, n ? "not a JSON value"
					     : "a value is missing");
		if (i < n && s[i] == '.') {
			for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
			if (i == d)
				return bad(r, err, "a number with no digits "
						   "after its point");
		}
		if (i < n && (s[i] == 'e' || s[i] == 'E')) {
			if (++i < n && (s[i] == '+' || s[i] == '-'))
				i++;
			for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
			if (i == d)
				return bad(r, err, "a number with no digits in "
						   "its exponent");
		}
		if (i != n)
			return bad(r, err, "not a JSON value");
	}
	return put(r, "", 1, err);
}

static int read_value(struct jsonrows_reader *r, int c, int depth,
		      int *kept, struct ug_error *err);

/* An object or an array nested in a member's value (its opening
 * character c read): checked, and its text dropped again. */
static int skip_nested(struct jsonrows_reader *r, int c, int depth,
		       struct ug_error *err)
{
	size_t mark = r->text.len;
	int close = c == '{' ? '}' : ']', kept, rc, first = 1;

	if (depth >= JSONROWS_DEPTH_MAX)
		return bad(r, err, "values nested too deeply");
	for (;;) {
		c = skip_space(r);
		if (first && c == close)
			break;
		if (close == '}') {
			if (c != '"')
				return bad(r, err, "a member name (a string) "
						   "was expected");
			if ((rc = read_string(r, err)))
				return rc;
			if (skip_space(r) != ':')
				return bad(r, err, "':' was expected after a "
						   "member name");
			c = skip_space(r);
		}
		if ((rc = read_value(r, c, depth + 1, &kept, err)))
			return rc;
		r->text.len = mark;
		c = skip_space(r);
		if (c == close)
			break;
		if (c != ',')
			return bad(r, err, close == '}'
						   ? "',' or '}' was expected"
						   : "',' or ']' was expected");
		first = 0;
	}
	r->text.len = mark;
	return 0;
}

/* Any value (its first character c read); *kept says whether its text is
 * in the buffer (a string, a number, true or false) or not (null, an
 * object, an array). */
static int read_value(struct jsonrows_reader *r, int c, int depth,
		      int *kept, struct ug_error *err)
{
	int null, rc;

	*kept = 0;
	if (c == '"') {
		*kept = 1;
		return read_string(r, err);
	}
	if (c == '{' || c == '[')
		return skip_nested(r, c, depth, err);
	if ((rc = read_scalar(r, c, &null, err)))
		return rc;
	*kept = !null;
	return 0;
}

static int add_member(struct jsonrows_reader *r, size_t at,
		      struct ug_error *err)
{
	if (buf_append(&r->starts, &at, sizeof at))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	r->nmembers++;
	return 0;
}

/* One object of the array (its '{' read). */
static int read_object(struct jsonrows_reader *r, struct ug_error *err)
{
	int c, kept, rc;

	c = skip_space(r);
	if (c == '}')
		return 1;
	for (;;) {
		size_t at = r->text.len;

		if (c != '"')
			return bad(r, err,
				   "a member name (a string) was expected");
		if ((rc = read_string(r, err)))
			return rc;
		if (skip_space(r) != ':')
			return bad(r, err,
				   "':' was expected after a member name");
		if ((rc = read_value(r, skip_space(r), 1, &kept, err)))
			return rc;
		if (!kept)
			r->text.len = at;
		else if ((rc = add_member(r, at, err)))
			return rc;
		c = skip_space(r);
		if (c == '}')
			return 1;
		if (c != ',')
			return bad(r, err, "',' or '}' was expected");
		c = skip_space(r);
	}
}

/* After the closing ']': nothing else but white space. */
static int read_end(struct jsonrows_reader *r, struct ug_error *err)
{
	r->state = AFTER_ARRAY;
	if (skip_space(r) != EOF)
		return bad(r, err, "text after the closing ']'");
	return 0;
}

int jsonrows_next(struct jsonrows_reader *r, struct ug_error *err)
{
	int c;

	buf_reset(&r->text);
	buf_reset(&r->starts);
	r->nmembers = 0;
	if (r->state == AFTER_ARRAY)
		return 0;
	c = skip_space(r);
	if (r->state == BEFORE_ARRAY) {
		/* A UTF-8 byte-order mark, as some exports write. */
		if (c == 0xEF) {
			if (get(r) != 0xBB || get(r) != 0xBF)
				return bad(r, err, "not a JSON array");
			c = skip_space(r);
		}
		if (c != '[')
			return bad(r, err, "not a JSON array (it must start "
					   "with '[')");
		r->state = IN_ARRAY;
		c = skip_space(r);
		if (c == ']')
			return read_end(r, err);
	} else {
		if (c == ']')
			return read_end(r, err);
		if (c != ',')
			return bad(r, err, "',' or ']' was expected between "
					   "objects");
		c = skip_space(r);
	}
	if (c != '{')
		return bad(r, err, "each element of the array must be an "
				   "object");
	r->line = r->at_line;
	return read_object(r, err);
}

size_t jsonrows_count(const struct jsonrows_reader *r)
{
	return r->nmembers;
}

const char *jsonrows_name(const struct jsonrows_reader *r, size_t i)
{
	size_t at;

	if (i >= r->nmembers)
		return NULL;
	memcpy(&at, r->starts.data + i * sizeof at, sizeof at);
	return r->text.data + at;
}

const char *jsonrows_value(const struct jsonrows_reader *r, size_t i)
{
	const char *name = jsonrows_name(r, i);

	return name ? name + strlen(name) + 1 : NULL;
}

void jsonrows_free(struct jsonrows_reader *r)
{
	buf_free(&r->text);
	buf_free(&r->starts);
	r->nmembers = 0;
}
