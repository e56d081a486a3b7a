/*
 * fields.h - input validation at the edge, in the manner of kcgi.
 *
 * A handler declares the fields it accepts (name, type, required, range)
 * and fields_decode() checks a JSON request body against that list before
 * the handler does anything.  The handler then reads clean, typed values.
 * Errors name the field: a missing required field, a wrong type, a value out
 * of range, an unknown field.
 */
#ifndef UG_FIELDS_H
#define UG_FIELDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

enum field_type {
	FIELD_STRING, /* min/max: length in characters (code points) */
	FIELD_INT,    /* min/max: value */
	FIELD_BOOL,
	FIELD_NUMBER, /* any JSON number; min/max: value */
	FIELD_OBJECT, /* a JSON object, checked by the handler */
	FIELD_STRINGS, /* a JSON array of strings, each of min..max
			  characters; out->obj is the array */
	FIELD_ARRAY   /* a JSON array of min..max items, checked by the
			 handler; out->obj is the array */
};

struct field_spec {
	const char *name;
	enum field_type type;
	int required;
	int64_t min;
	int64_t max;
};

struct field_value {
	int present;
	const char *str; /* FIELD_STRING: owned by the JSON object */
	int64_t i;       /* FIELD_INT */
	double num;      /* FIELD_NUMBER (also set for FIELD_INT) */
	int b;           /* FIELD_BOOL */
	json_t *obj;     /* FIELD_OBJECT: borrowed from the request */
};

/* Parse a request body that must be one JSON object.  On success *out owns
 * a new reference the caller releases with json_decref().  Errors name the
 * field "body" and say where the JSON is broken. */
int fields_parse_object(const char *body, size_t len, json_t **out,
			struct ug_error *err);

/* Check `obj` against `spec` (n entries) and fill out[0..n-1].  Members
 * not in spec are refused (UG_EINVAL naming the member).  Returns 0 or
 * -UG_EINVAL. */
int fields_decode(json_t *obj, const struct field_spec *spec, size_t n,
		  struct field_value *out, struct ug_error *err);

#endif
