/*
 * fields.c - declarative validation of JSON request bodies (see fields.h).
 */
#include "lib/fields.h"

#include <math.h>
#include <string.h>

#include "lib/util.h"

int fields_parse_object(const char *body, size_t len, json_t **out,
			struct ug_error *err)
{
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	if (len == 0)
		return ug_fail(err, UG_EINVAL, "body",
			       "request body must be a JSON object, got nothing");
	/* JSON_REJECT_DUPLICATES: {"role":"inspector","role":"admin"} must not
	 * silently mean either.  NUL bytes inside strings stay refused (jansson
	 * default) because every string is later used as a C string. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return ug_fail(err, UG_EINVAL, "body",
			       "malformed JSON at line %d column %d: %s",
			       jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return ug_fail(err, UG_EINVAL, "body",
			       "request body must be a JSON object");
	}
	*out = root;
	return 0;
}

static const char *field_type_name(enum field_type t)
{
	switch (t) {
	case FIELD_STRING: return "a string";
	case FIELD_INT: return "an integer";
	case FIELD_BOOL: return "a boolean";
	case FIELD_NUMBER: return "a number";
	case FIELD_OBJECT: return "an object";
	case FIELD_STRINGS: return "an array of strings";
	case FIELD_ARRAY: return "an array";
	}
	return "?";
}

/* A JSON string is text: no control characters but tab and line ends
 * (jansson already refuses NUL). */
static int check_control(const struct field_spec *f, const char *s,
			 struct ug_error *err)
{
	int c = ug_text_control(s, strlen(s));

	if (c < 0)
		return 0;
	return ug_fail(err, UG_EINVAL, f->name,
		       "%s holds the control character U+%04X", f->name,
		       (unsigned)c);
}

static int field_decode_one(const struct field_spec *f, json_t *v,
			    struct field_value *out, struct ug_error *err)
{
	switch (f->type) {
	case FIELD_STRING: {
		size_t n;

		if (!json_is_string(v))
			break;
		out->str = json_string_value(v);
		n = ug_utf8_len(out->str);
		if ((int64_t)n < f->min || (f->max > 0 && (int64_t)n > f->max))
			return ug_fail(err, UG_EINVAL, f->name,
				       "%s must be %lld to %lld characters long",
				       f->name, (long long)f->min,
				       (long long)f->max);
		return check_control(f, out->str, err);
	}
	case FIELD_INT:
		if (!json_is_integer(v))
			break;
		out->i = json_integer_value(v);
		out->num = (double)out->i;
		if (out->i < f->min || out->i > f->max)
			return ug_fail(err, UG_EINVAL, f->name,
				       "%s must be between %lld and %lld",
				       f->name, (long long)f->min,
				       (long long)f->max);
		return 0;
	case FIELD_NUMBER:
		if (!json_is_number(v))
			break;
		out->num = json_number_value(v);
		if (!isfinite(out->num) || out->num < (double)f->min ||
		    out->num > (double)f->max)
			return ug_fail(err, UG_EINVAL, f->name,
				       "%s must be between %lld and %lld",
				       f->name, (long long)f->min,
				       (long long)f->max);
		return 0;
	case FIELD_BOOL:
		if (!json_is_boolean(v))
			break;
		out->b = json_is_true(v);
		return 0;
	case FIELD_OBJECT:
		if (!json_is_object(v))
			break;
		out->obj = v;
		return 0;
	case FIELD_STRINGS: {
		size_t i;
		json_t *item;

		if (!json_is_array(v))
			break;
		json_array_foreach(v, i, item) {
			size_t n;

			if (!json_is_string(item))
				return ug_fail(err, UG_EINVAL, f->name,
					       "%s must be an array of strings",
					       f->name);
			n = ug_utf8_len(json_string_value(item));
			if ((int64_t)n < f->min || (int64_t)n > f->max)
				return ug_fail(err, UG_EINVAL, f->name,
					       "%s: each item must be %lld to "
					       "%lld characters", f->name,
					       (long long)f->min,
					       (long long)f->max);
			if (check_control(f, json_string_value(item), err))
				return -UG_EINVAL;
		}
		out->obj = v;
		return 0;
	}
	case FIELD_ARRAY:
		if (!json_is_array(v))
			break;
		if ((int64_t)json_array_size(v) < f->min ||
		    (int64_t)json_array_size(v) > f->max)
			return ug_fail(err, UG_EINVAL, f->name,
				       "%s must hold %lld to %lld items",
				       f->name, (long long)f->min,
				       (long long)f->max);
		out->obj = v;
		return 0;
	}
	return ug_fail(err, UG_EINVAL, f->name, "%s must be %s", f->name,
		       field_type_name(f->type));
}

int fields_decode(json_t *obj, const struct field_spec *spec, size_t n,
		  struct field_value *out, struct ug_error *err)
{
	const char *key;
	json_t *v;
	size_t i;
	int rc;

	memset(out, 0, n * sizeof *out);
	json_object_foreach(obj, key, v) {
		for (i = 0; i < n; i++)
			if (strcmp(spec[i].name, key) == 0)
				break;
		if (i == n)
			return ug_fail(err, UG_EINVAL, key,
				       "unknown field %s", key);
	}
	for (i = 0; i < n; i++) {
		v = json_object_get(obj, spec[i].name);
		if (!v || json_is_null(v)) {
			if (spec[i].required)
				return ug_fail(err, UG_EINVAL, spec[i].name,
					       "%s is required", spec[i].name);
			continue;
		}
		rc = field_decode_one(&spec[i], v, &out[i], err);
		if (rc)
			return rc;
		out[i].present = 1;
	}
	return 0;
}
