/*
 * form.h - HTML form data: application/x-www-form-urlencoded bodies, and
 * the field list that multipart/form-data bodies are decoded into (by the
 * HTTP adapter, see http_form_multipart() in http/http.h).
 *
 * A form is an ordered list of (name, value) pairs; names may repeat
 * ("attribute[c][]=a&attribute[c][]=b").  Names and values are decoded
 * ('+' is a space, %XX a byte) and must be UTF-8 once decoded; a value may
 * hold NUL bytes only when it is a file part, so text fields are checked to
 * be NUL-free.  Everything is allocated from the caller's arena.
 */
#ifndef UG_FORM_H
#define UG_FORM_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/error.h"

#define FORM_FIELDS_MAX 256 /* more is refused: no form needs that many */

struct form_field {
	const char *name;         /* NUL-terminated, decoded */
	const char *value;        /* NUL-terminated (files may hold NULs) */
	size_t len;               /* bytes of value */
	const char *filename;     /* file parts: as sent (NULL otherwise) */
	const char *content_type; /* file parts: as declared, or NULL */
};

struct form {
	struct form_field *fields;
	size_t n, cap;
	struct arena *arena;
};

/* An empty form whose fields live in `arena`. */
void form_init(struct form *f, struct arena *arena);

/* Append a field (copies name and value into the arena).  The name, and
 * the value unless the field is a file (filename not NULL), must be
 * NUL-free UTF-8: UG_EINVAL naming the field otherwise (whatever decoded
 * them: urlencoded or multipart).  UG_EINVAL ("body") past
 * FORM_FIELDS_MAX fields, UG_ENOMEM. */
int form_add(struct form *f, const char *name, size_t name_len,
	     const char *value, size_t len, const char *filename,
	     const char *content_type, struct ug_error *err);

/* Parse an urlencoded body (or query string) of len bytes and append its
 * fields.  Errors name the field: a bad %-escape, a name or value that is
 * not UTF-8 or holds a NUL byte; an empty name is refused too. */
int form_parse_urlencoded(struct form *f, const char *body, size_t len,
			  struct ug_error *err);

/* The first field called `name` that is not a file, or NULL.  An empty
 * value counts as absent (as Open311 asks: "empty = not sent"). */
const char *form_get(const struct form *f, const char *name);

/* The first file part called `name`, or NULL. */
const struct form_field *form_file(const struct form *f, const char *name);

#endif
