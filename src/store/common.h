/*
 * common.h - what every storage header shares: the conventions and the
 * size limits of the rows.
 *
 * Every SQL statement of the program lives behind the functions of the
 * store/<concern>/ headers, in their sources, written once in portable SQL
 * and run through store/db.h.  The domain passes and receives plain
 * structs; it never sees SQL or an engine.
 *
 * Conventions: functions take the connection first and a struct ug_error
 * last, return 0 or a negative UG_E* code (UG_ENOTFOUND when a looked-up
 * object does not exist, UG_ECONFLICT on a uniqueness violation).  String
 * members are fixed-size arrays sized to the limits that the edge enforces
 * (see the *_MAX constants), copied with truncation, never overflowed.
 * List functions hand rows to a callback: return 0 to go on, non-zero to
 * stop (that value is returned by the list function).
 */
#ifndef UG_STORE_COMMON_H
#define UG_STORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define USERNAME_MAX 64      /* bytes; ASCII letters, digits, . _ - */
#define NAME_MAX_BYTES 400   /* 100 characters of UTF-8 */
#define CODE_MAX 32          /* division / department / category codes */
#define PASSWORD_HASH_MAX 128

#endif
