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
 * Parse and normalise an identifier.  Leading and trailing ASCII spaces
 * (' ' only) are ignored; field may be NULL ("code").  0 and *out filled,
 * or UG_EINVAL with err->field = field, *out zeroed, and a message that
 * starts with the field's name and says what is wrong, checked in this
 * order:
 *   - missing (NULL) or empty;
 *   - a non-digit: its position in characters after trimming (1-based)
 *     and the character ("character 5 is 'x', not a digit 0-9"; a
 *     full-width digit is named as such);
 *   - wrong length ("code must be 16 (CJ/T 214) or 17 (GB/T 47678.5)
 *     digits, got 15");
 *   - a division whose first two digits are not a province code (11-15,
 *     21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82);
 *   - a major class outside 01..05 (a legacy 06 其他设施 is refused with
 *     its own message: widened it would read as event class 06);
 *   - serial 000000.
 * Whether the class exists in the standard's table is the caller's check
 * (it has the table).
 */
int component_code_parse(const char *text, const char *field,
			 struct component_code *out, struct ug_error *err);

/* ---- the nearest-component index ---------------------------------- */

/*
 * An in-memory index of component positions answering "components of a
 * class within R metres of a point, nearest first".  Pure computation:
 * loading from the store and keeping it current sit above this module.
 *
 * Distance: the haversine great-circle distance on a sphere of radius
 * 6,371,008.8 m, with no projection, computed as (degrees in, RAD =
 * pi / 180, every step a double, no fused multiply-add)
 *     s1 = sin((lat2 - lat1) * RAD / 2),  s2 = sin((lon2 - lon1) * RAD / 2)
 *     a  = s1 * s1 + cos(lat1 * RAD) * cos(lat2 * RAD) * s2 * s2
 *     d  = 2 * 6371008.8 * asin(sqrt(min(a, 1)))
 * with (lon1, lat1) the query point, so a brute-force peer doing the same
 * gets the same doubles, hence the same hits in the same order.
 *
 * Design: a uniform spatial hash over lon/lat with fixed cells of 0.001 x
 * 0.001 degrees (111 m north-south; 85 m east-west at Beijing, 56 m at
 * 60 N).  Fixed rather than scaled to the data's latitude: a key depends
 * on nothing but the point, so the index needs no rebuild whatever is put
 * first; up to 60 degrees of latitude a cell stays within a factor of two
 * of square (nearer the poles a query just reads more cells east-west).
 * Occupied cells live in an open-addressing hash table keyed by (ix, iy);
 * each holds a small growable array of its points.  An id -> cell map
 * (another such table) serves moves and removes in O(1).  A query reads
 * the cells meeting the bounding box of its circle (exact for the sphere,
 * wrapping at the antimeridian; every longitude when the circle holds a
 * pole; every occupied cell when the box has more cells than the table
 * has slots), keeps the best `max` hits in a heap in the caller's array
 * and sorts them: O(points in those cells * log max), no allocation.  A 50 m query reads 2-6 cells (4 on average at
 * 40 N).  Memory: about 180 bytes per component.  bench/README.md has the
 * measured figures.
 *
 * Thread safety: one rwlock per index; queries and compindex_count share
 * it, puts and removes hold it exclusively (on glibc, writers are
 * preferred, so a steady stream of queries cannot starve an update).  A
 * query sees each write entirely or not at all.  compindex_free must not
 * race with other calls.  No global state: any number of indexes.
 */
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
 * Insert or move a component (same id replaces: position and class), or
 * remove one (absent is not an error).  Thread-safe against readers and
 * other writers.  UG_EINVAL (field "lon", "lat" or "class") for a
 * non-finite or out-of-range coordinate or a class outside 1..99999 (0
 * means "any class" in queries, so it cannot be a component's), field
 * "component" for p NULL; UG_ENOMEM.  On any error the index is unchanged.
 */
int compindex_put(struct compindex *ix, const struct component_point *p,
		  struct ug_error *err);
void compindex_remove(struct compindex *ix, int64_t id);

/*
 * Up to `max` components within radius_m metres of (lon, lat) (distance
 * <= radius, as defined above), nearest first (ties by id), of class
 * `klass` or of any class when klass is 0.  Returns how many (n) were
 * written to hits[0..n); hits[n..max) are left alone.  radius_m is capped
 * at 5,000.  0 when max is 0 (hits may then be NULL), for a non-finite or
 * out-of-range point, or a negative or NaN radius.
 * Thread-safe (readers share a read lock).
 */
size_t compindex_nearest(struct compindex *ix, double lon, double lat,
			 double radius_m, int32_t klass,
			 struct component_hit *hits, size_t max);

/* Components in the index.  Thread-safe. */
size_t compindex_count(struct compindex *ix);

#endif
