/*
 * jsonrows.h - a streaming reader of a JSON array of flat objects: what
 * an Open311 GeoReport v2 `requests.json` is, one service request per
 * object, hundreds of megabytes for a city's years.
 *
 * One object at a time is read from a stdio stream (never the whole
 * document into memory), into its members as text: a string unescaped to
 * UTF-8, a number as written, true/false as "true"/"false".  A member
 * whose value is null, an object or an array is checked and left out:
 * an import reads flat fields.  Errors (not JSON, not an array of
 * objects, invalid UTF-8 or escapes, an object past the size limit) name
 * the line; after one the reader stops (an array cannot be resumed in
 * the middle of broken JSON).
 */
#ifndef UG_JSONROWS_H
#define UG_JSONROWS_H

#include <stddef.h>
#include <stdio.h>

#include "lib/buf.h"
#include "lib/error.h"

struct jsonrows_reader {
	FILE *fp;
	const char *name;  /* file name for messages */
	long line;         /* line where the current object started, 1-based */
	long at_line;      /* line being read */
	size_t max_record; /* bytes of an object's text; longer ones are
			      refused (default 1 MiB) */
	int state;         /* internal: before '[', inside, after ']' */
	int back;          /* internal: a character read ahead, or -2 */
	struct buf text;   /* name\0value\0 of each member */
	struct buf starts; /* size_t: where each member's name starts in
			      text */
	size_t nmembers;
};

/* Start reading `fp` (not owned); `name` is used in error messages. */
void jsonrows_init(struct jsonrows_reader *r, FILE *fp, const char *name);

/* Read the next object of the array.  Returns 1 with an object, 0 after
 * the closing ']' (nothing but white space may follow), or a negative
 * UG_E* code with err naming the line. */
int jsonrows_next(struct jsonrows_reader *r, struct ug_error *err);

/* Members of the current object, in the order written (a name given
 * twice is there twice); valid until the next jsonrows_next(). */
size_t jsonrows_count(const struct jsonrows_reader *r);
const char *jsonrows_name(const struct jsonrows_reader *r, size_t i);
const char *jsonrows_value(const struct jsonrows_reader *r, size_t i);

void jsonrows_free(struct jsonrows_reader *r);

#endif
