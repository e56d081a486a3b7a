/*
 * form.c - urlencoded form data (see form.h).
 */
#include "lib/form.h"

#include <stdio.h>
#include <string.h>

#include "lib/util.h"

void form_init(struct form *f, struct arena *arena)
{
	memset(f, 0, sizeof *f);
	f->arena = arena;
}

/* A decoded name or value must be text. */
static int check_text(const char *s, size_t n, const char *field,
		      struct ug_error *err)
{
	int c;

	if (memchr(s, '\0', n))
		return ug_fail(err, UG_EINVAL, field, "%s holds a NUL byte",
			       field);
	if (!ug_utf8_valid(s, n))
		return ug_fail(err, UG_EINVAL, field, "%s is not UTF-8", field);
	if ((c = ug_text_control(s, n)) >= 0)
		return ug_fail(err, UG_EINVAL, field,
			       "%s holds the control character U+%04X", field,
			       (unsigned)c);
	return 0;
}

/* check_text for a value, naming its field (name is not NUL-terminated). */
static int check_text_named(const char *s, size_t n, const char *name,
			    size_t name_len, struct ug_error *err)
{
	char field[64];

	snprintf(field, sizeof field, "%.*s", (int)(name_len < 63 ? name_len : 63),
		 name);
	return check_text(s, n, field, err);
}

int form_add(struct form *f, const char *name, size_t name_len,
	     const char *value, size_t len, const char *filename,
	     const char *content_type, struct ug_error *err)
{
	struct form_field *fd;
	int rc;

	if (f->n == FORM_FIELDS_MAX)
		return ug_fail(err, UG_EINVAL, "body",
			       "more than %d form fields", FORM_FIELDS_MAX);
	if (name_len == 0)
		return ug_fail(err, UG_EINVAL, "body",
			       "a form field has no name");
	/* Names are text; so are values, unless the part is a file. */
	if ((rc = check_text(name, name_len, "body", err)) ||
	    (!filename && (rc = check_text_named(value, len, name, name_len,
						 err))))
		return rc;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct form_field *nf = arena_alloc(f->arena, cap * sizeof *nf);

		if (!nf)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		if (f->n)
			memcpy(nf, f->fields, f->n * sizeof *nf);
		/* The old array stays in the arena until the request ends:
		 * doubling keeps that waste below the final size. */
		f->fields = nf;
		f->cap = cap;
	}
	fd = &f->fields[f->n];
	fd->name = arena_strndup(f->arena, name, name_len);
	fd->value = arena_strndup(f->arena, value, len);
	fd->len = len;
	fd->filename = filename ? arena_strndup(f->arena, filename,
						strlen(filename))
				: NULL;
	fd->content_type = content_type
				   ? arena_strndup(f->arena, content_type,
						   strlen(content_type))
				   : NULL;
	if (!fd->name || !fd->value || (filename && !fd->filename) ||
	    (content_type && !fd->content_type))
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	f->n++;
	return 0;
}

/* Decode s[0..n) into out (at most n bytes); returns the decoded length
 * or -1 on a bad escape. */
static long decode(const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = ug_hex_digit(s[i + 1]);
			lo = ug_hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return (long)o;
}

int form_parse_urlencoded(struct form *f, const char *body, size_t len,
			  struct ug_error *err)
{
	const char *p = body, *end = body + len;
	char *scratch;
	int rc;

	if (len == 0)
		return 0;
	/* One scratch buffer as long as the body holds any decoded piece. */
	scratch = arena_alloc(f->arena, len + 1);
	if (!scratch)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *vstart = eq ? eq + 1 : stop;
		size_t raw_name = (size_t)((eq ? eq : stop) - p);
		long nlen, vlen;
		char *name;

		if (stop == p) { /* "a=1&&b=2": an empty pair, skipped */
			p = stop + 1;
			continue;
		}
		nlen = decode(p, raw_name, scratch);
		if (nlen < 0)
			return ug_fail(err, UG_EINVAL, "body",
				       "bad %%-escape in a form field name");
		if (nlen == 0)
			return ug_fail(err, UG_EINVAL, "body",
				       "a form field has no name");
		/* Kept apart: the value is decoded into the same scratch. */
		name = arena_strndup(f->arena, scratch, (size_t)nlen);
		if (!name)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		vlen = decode(vstart, (size_t)(stop - vstart), scratch);
		if (vlen < 0)
			return ug_fail(err, UG_EINVAL, name,
				       "bad %%-escape in %s", name);
		if ((rc = form_add(f, name, (size_t)nlen, scratch,
				   (size_t)vlen, NULL, NULL, err)))
			return rc;
		p = amp ? amp + 1 : end;
	}
	return 0;
}

const char *form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!f->fields[i].filename && f->fields[i].len &&
		    strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

const struct form_field *form_file(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->fields[i].filename && strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}
