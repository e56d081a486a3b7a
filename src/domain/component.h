/*
 * component.h - city components (部件) of the census: the national
 * component identifier, and the in-memory index answering "components of
 * a class within R metres of a point, nearest first".
 *
 * Identifiers (../shared/domain/standards.md §3.1):
 *   GB/T 47678.5-2026, 17 digits: 6 division + 5 class (2 major + 3 minor)
 *                                 + 6 serial     e.g. 11010101001000001
 *   CJ/T 214 (legacy), 16 digits: 6 division + 4 class (2 major + 2 minor)
 *                                 + 6 serial     e.g. 3205080101000001
 * A legacy class widens to the 5-digit class by zero-padding the minor
 * code (0101 上水井盖 -> 01001 供水井盖): the rule fits every pair of the
 * two lists we could compare, and is marked unverified in the docs.  The
 * stored identifier is always the 17-digit form.
 */
#ifndef UG_COMPONENT_H
#define UG_COMPONENT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

struct component_code {
	char code[18];     /* the 17-digit identifier */
	char division[7];  /* 6-digit county-level division */
	char klass[6];     /* 5-digit class code */
	char serial[7];
	int legacy;        /* 1 when read from a 16-digit identifier */
};

/*
 * Parse and normalise an identifier (surrounding spaces allowed).  0, or
 * UG_EINVAL with field `field` and a message: wrong length ("must be 16
 * (CJ/T 214) or 17 (GB/T 47678.5) digits, got 15"), a non-digit, a
 * division whose province part is not a real one (11..82), a major class
 * outside 01..05, a zero serial.  Whether the class exists in the
 * standard's table is the caller's check (it has the table).
 */
int component_code_parse(const char *text, const char *field,
			 struct component_code *out, struct ug_error *err);

/* ---- the nearest-component index ---------------------------------- */

struct component_point {
	int64_t id;       /* the 17-digit code as an integer */
	double lon, lat;  /* WGS84 */
	int32_t klass;    /* the 5-digit class as an integer */
};

struct component_hit {
	int64_t id;
	int32_t klass;
	double distance_m;
};

struct compindex;

/* An empty index.  NULL on allocation failure. */
struct compindex *compindex_new(void);
void compindex_free(struct compindex *ix); /* NULL accepted */

/*
 * Insert or move a component (same id replaces), or remove one (absent
 * is not an error).  Thread-safe against readers and other writers.
 * UG_EINVAL for a non-finite or out-of-range coordinate, UG_ENOMEM.
 */
int compindex_put(struct compindex *ix, const struct component_point *p,
		  struct ug_error *err);
void compindex_remove(struct compindex *ix, int64_t id);

/*
 * Up to `max` components within radius_m metres of (lon, lat), nearest
 * first (ties by id), of class `klass` or of any class when klass is 0.
 * Returns how many were written to hits.  Thread-safe (readers share a
 * read lock).  radius_m is capped at 5,000.
 */
size_t compindex_nearest(struct compindex *ix, double lon, double lat,
			 double radius_m, int32_t klass,
			 struct component_hit *hits, size_t max);

size_t compindex_count(struct compindex *ix);

#endif
