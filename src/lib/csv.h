/*
 * csv.h - a streaming reader of RFC 4180 CSV.
 *
 * Reads one record at a time from a stdio stream: fields separated by
 * commas, optionally quoted with '"', a doubled quote inside quotes standing
 * for one, CRLF or LF line ends, newlines allowed inside quotes.  Errors
 * (an unterminated quote, text after a closing quote, invalid UTF-8, a
 * record past the size limit) name the line.
 */
#ifndef UG_CSV_H
#define UG_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "lib/buf.h"
#include "lib/error.h"

struct csv_reader {
	FILE *fp;
	const char *name;  /* file name for messages */
	long line;         /* line where the current record started, 1-based */
	long next_line;    /* line the next record starts on */
	size_t max_record; /* bytes; longer records are refused */
	struct buf text;   /* field bytes, each field NUL-terminated */
	size_t *offsets;   /* field start offsets into text */
	size_t nfields;
	size_t cap;
};

/* Start reading `fp` (not owned); `name` is used in error messages. */
void csv_init(struct csv_reader *r, FILE *fp, const char *name);

/* Read the next record.  Returns 1 with a record, 0 at end of input, or a
 * negative UG_E* code with err naming the line. */
int csv_next(struct csv_reader *r, struct ug_error *err);

/* Fields of the current record; valid until the next csv_next(). */
size_t csv_count(const struct csv_reader *r);
const char *csv_field(const struct csv_reader *r, size_t i);

/* Index of the column named `name` in the current record, or -1. */
int csv_column(const struct csv_reader *r, const char *name);

void csv_free(struct csv_reader *r);

#endif
