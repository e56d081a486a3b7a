/*
 * fuzz_fields.c - libFuzzer target for the request-body decoding layer:
 * fields_parse_object() then fields_decode() against the handlers' own
 * field specs (api/handlers.h: login, user creation, case intake and
 * actions, standards, calendar settings, departments, tracks), the way
 * api_decode() runs them.
 *
 * Input: the raw request body.  On success every required field must be
 * present and every value must be within its spec; on failure the error
 * must name a field and say something.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "lib/error.h"
#include "lib/fields.h"
#include "lib/util.h"

#include "check.h"

#define SPEC_FIELDS_MAX 16

#define SPEC(s) { s, sizeof s / sizeof s[0] }

static const struct {
	const struct field_spec *spec;
	size_t n;
} specs[] = {
	/* The handlers' own specs (api/handlers.h). */
	SPEC(session_create_body), SPEC(user_create_body),
	SPEC(case_create_body), SPEC(case_action_body),
	SPEC(standard_edit_body), SPEC(calendar_settings_body),
	SPEC(department_body), SPEC(patrol_track_body),
};

/* The message and the field go into the JSON error body, so they must be
 * UTF-8 text even when a long input was cut to fit. */
static void check_error(const struct ug_error *err, int rc)
{
	CHECK(rc == -UG_EINVAL);
	CHECK(err->code == UG_EINVAL);
	CHECK(memchr(err->message, '\0', sizeof err->message));
	CHECK(memchr(err->field, '\0', sizeof err->field));
	CHECK(err->message[0] != '\0');
	CHECK(ug_utf8_valid(err->message, strlen(err->message)));
	CHECK(ug_utf8_valid(err->field, strlen(err->field)));
}

/* The field a decode error names is one of the spec or a member of the
 * object; a long member name is cut to the size of err->field, and the
 * bytes of a character cut in two become '?'. */
static void check_error_field(const struct ug_error *err, json_t *obj,
			      const struct field_spec *spec, size_t n)
{
	size_t flen = strlen(err->field), whole = flen;
	const char *key;
	json_t *v;

	for (size_t i = 0; i < n; i++)
		if (strcmp(spec[i].name, err->field) == 0)
			return;
	if (flen == sizeof err->field - 1)
		while (whole > flen - 3 && err->field[whole - 1] == '?')
			whole--;
	json_object_foreach(obj, key, v) {
		if (strncmp(key, err->field, whole) == 0 &&
		    (key[flen] == '\0' || flen == sizeof err->field - 1))
			return;
	}
	CHECK(!"error names a field that is neither in the spec nor sent");
}

static void check_string(const struct field_spec *f, json_t *v,
			 const struct field_value *out)
{
	size_t bytes, chars;

	CHECK(json_is_string(v));
	CHECK(out->str == json_string_value(v));
	bytes = strlen(out->str);
	/* Handlers use the value as a C string: no NUL hidden inside. */
	CHECK(bytes == json_string_length(v));
	CHECK(ug_utf8_valid(out->str, bytes));
	chars = ug_utf8_len(out->str);
	CHECK(chars <= bytes);
	CHECK((int64_t)chars >= f->min);
	CHECK(f->max == 0 || (int64_t)chars <= f->max);
}

static void check_decoded(json_t *obj, const struct field_spec *spec, size_t n,
			  const struct field_value *out)
{
	const char *key;
	json_t *v;

	/* No member outside the spec got through. */
	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(spec[i].name, key) == 0)
				break;
		CHECK(i < n);
	}
	for (size_t i = 0; i < n; i++) {
		const struct field_spec *f = &spec[i];

		v = json_object_get(obj, f->name);
		CHECK(out[i].present == (v && !json_is_null(v)));
		if (f->required)
			CHECK(out[i].present);
		if (!out[i].present)
			continue;
		switch (f->type) {
		case FIELD_STRING:
			check_string(f, v, &out[i]);
			break;
		case FIELD_INT:
			CHECK(json_is_integer(v));
			CHECK(out[i].i == json_integer_value(v));
			CHECK(out[i].i >= f->min && out[i].i <= f->max);
			break;
		case FIELD_NUMBER:
			CHECK(json_is_number(v));
			CHECK(isfinite(out[i].num));
			CHECK(out[i].num >= (double)f->min &&
			      out[i].num <= (double)f->max);
			break;
		case FIELD_BOOL:
			CHECK(json_is_boolean(v));
			CHECK(out[i].b == json_is_true(v));
			break;
		case FIELD_OBJECT:
			CHECK(json_is_object(v));
			CHECK(out[i].obj == v);
			break;
		case FIELD_ARRAY:
			CHECK(json_is_array(v));
			CHECK(out[i].obj == v);
			CHECK((int64_t)json_array_size(v) >= f->min &&
			      (int64_t)json_array_size(v) <= f->max);
			break;
		case FIELD_STRINGS: {
			struct field_value item_out;
			size_t k;
			json_t *item;

			CHECK(json_is_array(v));
			CHECK(out[i].obj == v);
			json_array_foreach(v, k, item) {
				item_out.str = json_string_value(item);
				check_string(f, item, &item_out);
			}
			break;
		}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field_value out[SPEC_FIELDS_MAX];
	struct ug_error err;
	json_t *root = (json_t *)1;
	char *body;
	int rc;

	/* Exactly sized and, like the adapter's, NUL-terminated. */
	body = malloc(size + 1);
	if (!body)
		abort();
	memcpy(body, data, size);
	body[size] = '\0';
	ug_error_clear(&err);
	rc = fields_parse_object(body, size, &root, &err);
	if (rc) {
		CHECK(root == NULL);
		check_error(&err, rc);
		CHECK(strcmp(err.field, "body") == 0);
		goto out;
	}
	CHECK(root && json_is_object(root));
	for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
		CHECK(specs[s].n <= SPEC_FIELDS_MAX);
		ug_error_clear(&err);
		rc = fields_decode(root, specs[s].spec, specs[s].n, out, &err);
		if (rc) {
			check_error(&err, rc);
			check_error_field(&err, root, specs[s].spec,
					  specs[s].n);
		} else
			check_decoded(root, specs[s].spec, specs[s].n, out);
	}
	json_decref(root);
out:
	free(body);
	return 0;
}
