/*
 * error.h - the one error convention of the program.
 *
 * Functions return 0 on success or a negative UG_E* code, and fill a
 * caller-owned struct ug_error whose message names what failed (the field,
 * the SQL statement, the file and line of input).  The HTTP layer maps codes
 * to status codes in one place (api/reply.c); the CLI prints the message.
 */
#ifndef UG_ERROR_H
#define UG_ERROR_H

enum ug_errcode {
	UG_OK = 0,
	UG_EINVAL = 1,    /* bad input: the field names which */
	UG_ENOTFOUND = 2, /* no such object */
	UG_ECONFLICT = 3, /* state or uniqueness conflict */
	UG_EAUTH = 4,     /* not authenticated / wrong credentials */
	UG_EFORBIDDEN = 5,/* authenticated but not allowed */
	UG_ELIMIT = 6,    /* rate or lock-out limit reached */
	UG_ETOOBIG = 7,   /* input larger than allowed */
	UG_EDB = 8,       /* storage engine failure */
	UG_EIO = 9,       /* file or system call failure */
	UG_ENOMEM = 10,   /* allocation failure */
	UG_EINTERNAL = 11,/* a bug: should not happen */
	UG_EVERSION = 12, /* schema or format from a newer version */
	UG_EFULL = 13     /* storage full or failing to write: try later */
};

struct ug_error {
	int code;            /* enum ug_errcode, 0 when no error */
	char field[64];      /* input field at fault, "" if none */
	char message[512];   /* one line, human readable */
	int retry_after;     /* seconds, with UG_ELIMIT; else 0 */
};

/* Record an error and return -code, so callers can write
 *   return ug_fail(err, UG_EINVAL, "name", "name must not be empty");
 * err may be NULL.  Messages longer than the buffer are cut.  Field and
 * message are always UTF-8: a byte that is not part of a whole character
 * (from input quoted in the message, or a character cut in two) becomes
 * '?', so the error can always be sent in a JSON body. */
int ug_fail(struct ug_error *err, int code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Clear an error record. */
void ug_error_clear(struct ug_error *err);

/* Stable machine-readable name of a code ("invalid", "not_found", ...). */
const char *ug_errcode_name(int code);

#endif
