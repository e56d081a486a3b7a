/*
 * csv.c - streaming RFC 4180 reader (see csv.h).
 *
 * A small state machine over getc_unlocked(): fast enough to scan the
 * 40 MB national villages file in well under a second.
 */
#include "lib/csv.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void csv_init(struct csv_reader *r, FILE *fp, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fp = fp;
	r->name = name ? name : "input";
	r->next_line = 1;
	r->max_record = 1 << 20;
}

/* Room in offsets[] for one more field. */
static int csv_field_room(struct csv_reader *r, struct ug_error *err)
{
	if (r->nfields == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		size_t *p = realloc(r->offsets, cap * sizeof *p);

		if (!p)
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		r->offsets = p;
		r->cap = cap;
	}
	return 0;
}

static int csv_end_field(struct csv_reader *r, struct ug_error *err)
{
	if (csv_field_room(r, err))
		return -UG_ENOMEM;
	if (buf_putc(&r->text, '\0') != 0)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	r->nfields++;
	return 0;
}

static int csv_start_field(struct csv_reader *r, struct ug_error *err)
{
	if (csv_field_room(r, err))
		return -UG_ENOMEM;
	r->offsets[r->nfields] = r->text.len;
	return 0;
}

int csv_next(struct csv_reader *r, struct ug_error *err)
{
	enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } st = FIELD_START;
	int c, rc;

	buf_reset(&r->text);
	r->nfields = 0;
	r->line = r->next_line;
	c = getc_unlocked(r->fp);
	if (c == EOF)
		return 0;
	if ((rc = csv_start_field(r, err)) != 0)
		return rc;
	for (;; c = getc_unlocked(r->fp)) {
		if (r->text.len > r->max_record)
			return ug_fail(err, UG_ETOOBIG, NULL,
				       "%s:%ld: record longer than %zu bytes",
				       r->name, r->line, r->max_record);
		/* A UTF-8 byte-order mark before the first header is common
		 * in files saved by spreadsheet programs; it is not part of
		 * the data.  Dropped as soon as it has been read, so that a
		 * quoted first header after it still opens its quotes. */
		if (st == UNQUOTED && r->line == 1 && r->nfields == 0 &&
		    r->text.len == 3 &&
		    memcmp(r->text.data, "\xEF\xBB\xBF", 3) == 0) {
			buf_reset(&r->text);
			st = FIELD_START;
		}
		if (c == EOF) {
			if (st == QUOTED)
				return ug_fail(err, UG_EINVAL, NULL,
					       "%s:%ld: unterminated quoted field",
					       r->name, r->line);
			break;
		}
		if (st == QUOTED) {
			if (c == '"')
				st = QUOTE_IN_QUOTED;
			else {
				if (c == '\n')
					r->next_line++;
				if (buf_putc(&r->text, (char)c))
					return ug_fail(err, UG_ENOMEM, NULL,
						       "out of memory");
			}
			continue;
		}
		if (c == '\r') {
			int d = getc_unlocked(r->fp);

			if (d != '\n' && d != EOF)
				ungetc(d, r->fp);
			c = '\n';
		}
		if (c == '\n') {
			r->next_line++;
			break;
		}
		if (c == ',') {
			if ((rc = csv_end_field(r, err)) != 0 ||
			    (rc = csv_start_field(r, err)) != 0)
				return rc;
			st = FIELD_START;
			continue;
		}
		if (st == QUOTE_IN_QUOTED) {
			if (c != '"')
				return ug_fail(err, UG_EINVAL, NULL,
					       "%s:%ld: text after a closing quote",
					       r->name, r->line);
			st = QUOTED; /* "" inside quotes is one quote */
		} else if (st == FIELD_START && c == '"') {
			st = QUOTED;
			continue;
		} else {
			st = UNQUOTED;
		}
		if (buf_putc(&r->text, (char)c))
			return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	}
	if ((rc = csv_end_field(r, err)) != 0)
		return rc;
	for (size_t i = 0; i < r->nfields; i++) {
		size_t start = r->offsets[i];
		size_t end = i + 1 < r->nfields ? r->offsets[i + 1] - 1
						: r->text.len - 1;

		/* A NUL byte inside a field is refused too: fields are used
		 * as C strings from here on. */
		if (!ug_utf8_valid(r->text.data + start, end - start))
			return ug_fail(err, UG_EINVAL, NULL,
				       "%s:%ld: field %zu is not valid UTF-8 text",
				       r->name, r->line, i + 1);
	}
	return 1;
}

size_t csv_count(const struct csv_reader *r)
{
	return r->nfields;
}

const char *csv_field(const struct csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return "";
	return r->text.data + r->offsets[i];
}

int csv_column(const struct csv_reader *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(csv_field(r, i), name) == 0)
			return (int)i;
	return -1;
}

void csv_free(struct csv_reader *r)
{
	buf_free(&r->text);
	free(r->offsets);
	r->offsets = NULL;
	r->nfields = r->cap = 0;
}
