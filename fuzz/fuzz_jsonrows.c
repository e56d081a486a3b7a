/*
 * fuzz_jsonrows.c - libFuzzer target for the JSON rows reader
 * (lib/jsonrows.h), which reads the Open311 requests.json files given to
 * `urbangrid import cases`.
 *
 * Input: the file, read through fmemopen() object by object until the end
 * or the first error.  Every member's name and value must be valid UTF-8
 * without NUL bytes and no longer than the input, objects must start on
 * lines in order, an error must carry a message naming the input and its
 * line, and after the end or an error the reader must stay there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/jsonrows.h"
#include "lib/util.h"

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonrows_reader r;
	struct ug_error err;
	long last_line = 0;
	char *copy;
	FILE *fp = fuzz_stream(data, size, &copy);
	int rc;

	jsonrows_init(&r, fp, "fuzz.json");
	for (;;) {
		ug_error_clear(&err);
		rc = jsonrows_next(&r, &err);
		if (rc != 1)
			break;
		CHECK(r.line >= 1 && r.line >= last_line);
		CHECK(r.at_line >= r.line);
		last_line = r.line;
		for (size_t i = 0; i < jsonrows_count(&r); i++) {
			const char *name = jsonrows_name(&r, i);
			const char *value = jsonrows_value(&r, i);

			CHECK(name && value);
			CHECK(strlen(name) <= size && strlen(value) <= size);
			CHECK(ug_utf8_valid(name, strlen(name)));
			CHECK(ug_utf8_valid(value, strlen(value)));
		}
		CHECK(jsonrows_name(&r, jsonrows_count(&r)) == NULL);
	}
	if (rc < 0) {
		char prefix[64];

		CHECK(err.code == -rc);
		CHECK(ug_utf8_valid(err.message, strlen(err.message)));
		if (err.code != UG_ENOMEM) {
			snprintf(prefix, sizeof prefix, "fuzz.json:");
			CHECK(strncmp(err.message, prefix, strlen(prefix)) == 0);
		}
	} else {
		CHECK(rc == 0);
		CHECK(err.code == 0);
		/* At the end it stays there. */
		CHECK(jsonrows_next(&r, &err) == 0);
		CHECK(jsonrows_count(&r) == 0);
	}
	jsonrows_free(&r);
	fuzz_stream_close(fp, copy);
	return 0;
}
