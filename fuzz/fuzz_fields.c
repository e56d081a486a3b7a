/*
 * fuzz_fields.c - libFuzzer target for the request-body decoding layer:
 * fields_parse_object() then fields_decode() against field specs of the
 * handlers (login, user creation, case intake and actions, standards,
 * departments),
 * the way api_decode() runs them.
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

#include "domain/org/auth.h"
#include "lib/error.h"
#include "lib/fields.h"
#include "lib/util.h"
#include "store/org/org.h"
#include "store/cases/cases.h"

#include "check.h"

#define SPEC_FIELDS_MAX 16

/* Copies of handler specs (static in api/h_*.c; keep them in step):
 * between them every field type, required and optional members, string
 * limits with and without a minimum, and the widest integer range. */
static const struct field_spec login_spec[] = { /* h_session.c */
	{ "username", FIELD_STRING, 1, 1, USERNAME_MAX },
	{ "password", FIELD_STRING, 1, 1, PASSWORD_MAX },
};

static const struct field_spec user_create_spec[] = { /* h_users.c */
	{ "username", FIELD_STRING, 1, 3, USERNAME_MAX },
	{ "display_name", FIELD_STRING, 0, 1, 100 },
	{ "role", FIELD_STRING, 1, 1, 32 },
	{ "unit", FIELD_STRING, 1, 1, CODE_MAX },
	{ "password", FIELD_STRING, 0, PASSWORD_MIN, PASSWORD_MAX },
};

static const struct field_spec case_intake_spec[] = { /* h_cases.c */
	{ "category", FIELD_STRING, 1, 1, CODE_MAX },
	{ "description", FIELD_STRING, 1, 1, 4000 },
	{ "source", FIELD_STRING, 1, 1, 16 },
	{ "urgency", FIELD_STRING, 1, 1, 16 },
	{ "lon", FIELD_NUMBER, 0, -180, 180 },
	{ "lat", FIELD_NUMBER, 0, -90, 90 },
	{ "address", FIELD_STRING, 0, 0, 256 },
	{ "area", FIELD_STRING, 0, 1, CODE_MAX },
	{ "component", FIELD_STRING, 0, 0, CODE_MAX },
	{ "reporter_name", FIELD_STRING, 0, 0, 100 },
	{ "reporter_phone", FIELD_STRING, 0, 0, 20 },
};

static const struct field_spec case_action_spec[] = { /* h_cases.c */
	{ "version", FIELD_INT, 1, 1, INT64_MAX },
	{ "reason", FIELD_STRING, 0, 0, 2000 },
	{ "note", FIELD_STRING, 0, 0, 2000 },
	{ "department", FIELD_STRING, 0, 1, CODE_MAX },
	{ "passed", FIELD_BOOL, 0, 0, 0 },
	{ "target", FIELD_INT, 0, 1, INT64_MAX },
	{ "hours", FIELD_INT, 0, 1, 2000 },
};

static const struct field_spec standard_edit_spec[] = { /* h_categories.c */
	{ "filing_condition", FIELD_STRING, 0, 1, 1000 },
	{ "closing_condition", FIELD_STRING, 0, 1, 1000 },
	{ "department_type", FIELD_STRING, 0, 1, CODE_MAX },
	{ "limits", FIELD_OBJECT, 0, 0, 0 },
};

static const struct field_spec calendar_settings_spec[] = { /* h_calendar.c */
	{ "utc_offset", FIELD_STRING, 0, 0, 200 },
	{ "week.mon", FIELD_STRING, 0, 0, 200 },
	{ "week.tue", FIELD_STRING, 0, 0, 200 },
	{ "week.wed", FIELD_STRING, 0, 0, 200 },
	{ "week.thu", FIELD_STRING, 0, 0, 200 },
	{ "week.fri", FIELD_STRING, 0, 0, 200 },
	{ "week.sat", FIELD_STRING, 0, 0, 200 },
	{ "week.sun", FIELD_STRING, 0, 0, 200 },
	{ "workday", FIELD_STRING, 0, 0, 200 },
};

static const struct field_spec department_spec[] = { /* h_org.c */
	{ "code", FIELD_STRING, 1, 1, 32 },
	{ "name", FIELD_STRING, 0, 1, 100 },
	{ "kind", FIELD_STRING, 0, 1, 24 },
	{ "type", FIELD_STRING, 0, 1, CODE_MAX },
	{ "parent", FIELD_STRING, 0, 0, 32 },
	{ "areas", FIELD_STRINGS, 0, 6, 12 },
	{ "disabled", FIELD_BOOL, 0, 0, 0 },
};
static const struct field_spec track_spec[] = { /* h_patrol.c */
	{ "crs", FIELD_STRING, 0, 1, 16 },
	{ "points", FIELD_ARRAY, 1, 1, 1000 }, /* PATROL_POINTS_MAX */
};

#define SPEC(s) { s, sizeof s / sizeof s[0] }

static const struct {
	const struct field_spec *spec;
	size_t n;
} specs[] = {
	SPEC(login_spec), SPEC(user_create_spec), SPEC(case_intake_spec),
	SPEC(case_action_spec), SPEC(standard_edit_spec),
	SPEC(calendar_settings_spec), SPEC(department_spec), SPEC(track_spec),
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
