/*
 * fuzz_csv.c - libFuzzer target for the CSV reader (lib/csv.h), which
 * reads the division files given to `urbangrid org import`.
 *
 * Input: the file.  It is read through fmemopen() record by record until
 * the end or the first error, twice: with the reader's default record
 * limit and with a small one.  Every field must be valid UTF-8 without
 * NUL bytes, errors must carry a message naming the input, and the small
 * limit may only stop the reading earlier, never change what was read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/error.h"
#include "lib/util.h"

#include "check.h"

#define SMALL_RECORD_LIMIT 64

/* What one pass read, to compare the two passes: the fields of every
 * record one after the other, and the field count of each record. */
struct pass {
	struct buf fields;  /* field bytes, each NUL-terminated */
	struct buf counts;  /* size_t field count per record */
	size_t records;
	int rc;             /* last csv_next() answer: 0 or negative */
	struct ug_error err;
};

static void check_record(const struct csv_reader *r, size_t input_size)
{
	size_t n = csv_count(r), bytes = 0;

	CHECK(n >= 1);
	CHECK(r->line >= 1 && r->next_line >= r->line);
	for (size_t i = 0; i < n; i++) {
		const char *f = csv_field(r, i);
		size_t len = strlen(f);
		int col;

		CHECK(ug_utf8_valid(f, len));
		bytes += len;
		/* csv_column() finds this field or an equal one before it. */
		col = csv_column(r, f);
		CHECK(col >= 0 && (size_t)col <= i);
		CHECK(strcmp(csv_field(r, (size_t)col), f) == 0);
	}
	/* Every byte of a field comes from a distinct byte of the input. */
	CHECK(bytes <= input_size);
	CHECK(strcmp(csv_field(r, n), "") == 0);
}

static void read_all(const uint8_t *data, size_t size, size_t max_record,
		     struct pass *p)
{
	struct csv_reader r;
	char *copy;
	FILE *fp;
	long last_line = 0;

	memset(p, 0, sizeof *p);
	fp = fuzz_stream(data, size, &copy);
	csv_init(&r, fp, "fuzz.csv");
	if (max_record)
		r.max_record = max_record;
	for (;;) {
		int rc;

		ug_error_clear(&p->err);
		rc = csv_next(&r, &p->err);
		if (rc != 1) {
			p->rc = rc;
			break;
		}
		check_record(&r, size);
		CHECK(r.line > last_line);
		last_line = r.line;
		p->records++;
		for (size_t i = 0; i < csv_count(&r); i++)
			if (buf_append(&p->fields, csv_field(&r, i),
				       strlen(csv_field(&r, i)) + 1))
				abort();
		{
			size_t n = csv_count(&r);

			if (buf_append(&p->counts, &n, sizeof n))
				abort();
		}
	}
	if (p->rc < 0) {
		char prefix[64];

		CHECK(p->err.code == -p->rc);
		CHECK(p->err.message[0] != '\0');
		CHECK(ug_utf8_valid(p->err.message, strlen(p->err.message)));
		/* Errors about the input say where in it. */
		if (p->err.code != UG_ENOMEM) {
			snprintf(prefix, sizeof prefix, "fuzz.csv:%ld: ",
				 r.line);
			CHECK(strncmp(p->err.message, prefix,
				      strlen(prefix)) == 0);
		}
	} else {
		CHECK(p->rc == 0);
		CHECK(p->err.code == 0);
	}
	csv_free(&r);
	fuzz_stream_close(fp, copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pass full, small;

	read_all(data, size, 0, &full);
	read_all(data, size, SMALL_RECORD_LIMIT, &small);
	/* The small limit can only cut the reading short, with UG_ETOOBIG. */
	CHECK(small.records <= full.records);
	CHECK(small.fields.len <= full.fields.len);
	CHECK(small.fields.len == 0 ||
	      memcmp(small.fields.data, full.fields.data,
		     small.fields.len) == 0);
	CHECK(small.counts.len == 0 ||
	      memcmp(small.counts.data, full.counts.data,
		     small.counts.len) == 0);
	if (small.records < full.records ||
	    (small.rc != full.rc && small.rc < 0))
		CHECK(small.rc == -UG_ETOOBIG);
	else
		CHECK(small.rc == full.rc);
	buf_free(&full.fields);
	buf_free(&full.counts);
	buf_free(&small.fields);
	buf_free(&small.counts);
	return 0;
}
