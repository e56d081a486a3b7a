/*
 * component.c - component identifiers and the nearest-component index (see
 * component.h for the contract and the design).  Order of this file: the
 * identifier parser, then the index: distance, hash tables, cells, writers,
 * the query.
 */
#include "domain/spatial/component.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault.h"

/* The query must compute distances exactly as documented in component.h,
 * so that a brute-force peer gets the very same doubles: no fused
 * multiply-add (gcc does not contract in ISO C mode; clang would). */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
#if defined(__FAST_MATH__)
#error "component.c needs IEEE arithmetic: do not build it with -ffast-math"
#endif

/* ---- identifiers -------------------------------------------------------- */

/* Provincial prefixes of GB/T 2260 division codes, as ranges. */
static const struct {
	int from, to;
} province_ranges[] = {
	{ 11, 15 }, { 21, 23 }, { 31, 37 }, { 41, 46 }, { 50, 54 },
	{ 61, 65 }, { 71, 71 }, { 81, 82 },
};

#define PROVINCE_LIST "11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82"

static int province_valid(int code)
{
	for (size_t i = 0; i < sizeof province_ranges /
				   sizeof province_ranges[0]; i++)
		if (code >= province_ranges[i].from &&
		    code <= province_ranges[i].to)
			return 1;
	return 0;
}

static int two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Report the first non-digit of s[0..n) (there is one): its position
 * (1-based, after trimming; everything before it is an ASCII digit, so
 * bytes and characters count alike) and what it is.  -UG_EINVAL. */
static int fail_non_digit(const char *s, size_t n, const char *field,
			  struct ug_error *err)
{
	size_t i = 0, pos;
	unsigned char c;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	pos = i + 1;
	c = (unsigned char)s[i];
	if (c >= 0x20 && c < 0x7F)
		return ug_fail(err, UG_EINVAL, field, "%s: character %zu is "
			       "'%c', not a digit 0-9", field, pos, c);
	/* U+FF10..U+FF19, what a Chinese input method types for digits */
	if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBC &&
	    (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99)
		return ug_fail(err, UG_EINVAL, field, "%s: character %zu is a "
			       "full-width digit; use ASCII digits 0-9", field,
			       pos);
	return ug_fail(err, UG_EINVAL, field, "%s: character %zu is not a "
		       "digit 0-9 (byte 0x%02X)", field, pos, c);
}

int component_code_parse(const char *text, const char *field,
			 struct component_code *out, struct ug_error *err)
{
	const char *s = text, *klass;
	size_t n;
	int legacy, major;

	if (!field)
		field = "code";
	memset(out, 0, sizeof *out);
	if (!text)
		return ug_fail(err, UG_EINVAL, field, "%s is missing", field);
	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0)
		return ug_fail(err, UG_EINVAL, field, "%s is empty", field);
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return fail_non_digit(s, n, field, err);
	if (n != 16 && n != 17)
		return ug_fail(err, UG_EINVAL, field, "%s must be 16 "
			       "(CJ/T 214) or 17 (GB/T 47678.5) digits, "
			       "got %zu", field, n);
	legacy = n == 16;
	klass = s + 6;
	if (!province_valid(two_digits(s)))
		return ug_fail(err, UG_EINVAL, field, "%s: division %.6s is in "
			       "no province: %.2s is not a province code ("
			       PROVINCE_LIST ")", field, s, s);
	major = two_digits(klass);
	if (legacy && major == 6)
		return ug_fail(err, UG_EINVAL, field, "%s: CJ/T 214 class %.4s "
			       "is in major class 06 (other facilities), which "
			       "has no GB/T 47678.5 component class", field,
			       klass);
	if (major < 1 || major > 5)
		return ug_fail(err, UG_EINVAL, field, "%s: class %.*s has "
			       "major class %.2s; component classes are 01-05",
			       field, legacy ? 4 : 5, klass, klass);
	if (memcmp(s + n - 6, "000000", 6) == 0)
		return ug_fail(err, UG_EINVAL, field, "%s: serial 000000 is "
			       "not allowed (serials start at 000001)", field);

	memcpy(out->division, s, 6);
	memcpy(out->klass, klass, 2);
	if (legacy) {             /* minor "01" -> "001" */
		out->klass[2] = '0';
		memcpy(out->klass + 3, klass + 2, 2);
	} else {
		memcpy(out->klass + 2, klass + 2, 3);
	}
	memcpy(out->serial, s + n - 6, 6);
	memcpy(out->code, out->division, 6);
	memcpy(out->code + 6, out->klass, 5);
	memcpy(out->code + 11, out->serial, 6);
	out->legacy = legacy;
	return 0;
}

/* ---- the index: distance ------------------------------------------------ */

#define CI_EARTH_R 6371008.8          /* metres, mean radius (IUGG) */
#define CI_RAD (3.14159265358979323846 / 180.0)
#define CI_MAX_RADIUS 5000.0          /* metres */
#define CI_PER_DEG 1000.0             /* cells per degree, both axes */
#define CI_NX 360000                  /* cells around a parallel */
/* The query box is widened by this much (relative, and absolute degrees)
 * so rounding in the box arithmetic can never drop a point. */
#define CI_BOX_REL 1e-9
#define CI_BOX_ABS 1e-9

/* The haversine distance in metres, computed exactly as component.h
 * documents (cos1, cos2: the cosines of lat1, lat2 in radians). */
static double haversine_m(double lon1, double lat1, double cos1,
			  double lon2, double lat2, double cos2)
{
	double sdlat = sin((lat2 - lat1) * CI_RAD / 2);
	double sdlon = sin((lon2 - lon1) * CI_RAD / 2);
	double a = sdlat * sdlat + cos1 * cos2 * sdlon * sdlon;

	if (a > 1)
		a = 1;
	return 2 * CI_EARTH_R * asin(sqrt(a));
}

/* ---- the index: open-addressing hash tables ----------------------------- */

/*
 * Two tables share this code: cells by their packed (ix, iy) key, and
 * components by id.  Linear probing with a load of at most 1/2 and
 * backward-shift deletion (no tombstones, so a table that sees endless
 * puts and removes never degrades).  Every slot type starts with a
 * struct ci_head; the table knows only the slot size.
 */
struct ci_head {
	uint64_t key;
	uint32_t used;
	uint32_t n;      /* cell: points held; id: position in its cell */
};

struct ci_point {
	int64_t id;
	double lon, lat;
	double coslat;   /* cos(lat * CI_RAD), computed once at put */
	int32_t klass;
};

struct ci_cell {
	struct ci_head h;        /* key: (uint64)iy << 32 | ix */
	struct ci_point *v;      /* h.n points, room for cap */
	uint32_t cap;
};

struct ci_id {
	struct ci_head h;        /* key: the id; n: its position in v */
	uint64_t cell;           /* the key of the cell holding it */
};

struct ci_table {
	unsigned char *slots;
	size_t size;             /* bytes per slot */
	size_t cap;              /* slots: 0 or a power of two */
	size_t n;                /* used slots */
};

/* The finaliser of MurmurHash3: every key bit moves every hash bit, so
 * neighbouring cells and consecutive ids spread over the table. */
static uint64_t ci_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static struct ci_head *slot_at(const struct ci_table *t, size_t i)
{
	return (struct ci_head *)(void *)(t->slots + i * t->size);
}

/* The slot holding key, or NULL. */
static struct ci_head *table_find(const struct ci_table *t, uint64_t key)
{
	size_t mask = t->cap - 1, i;

	if (!t->cap)
		return NULL;
	for (i = ci_hash(key) & mask;; i = (i + 1) & mask) {
		struct ci_head *h = slot_at(t, i);

		if (!h->used)
			return NULL;
		if (h->key == key)
			return h;
	}
}

/* Place a slot (copied from src, key and all) in a table known to have
 * room and not to hold the key; returns where it went. */
static struct ci_head *table_place(struct ci_table *t,
				   const struct ci_head *src)
{
	size_t mask = t->cap - 1, i = ci_hash(src->key) & mask;

	while (slot_at(t, i)->used)
		i = (i + 1) & mask;
	memcpy(slot_at(t, i), src, t->size);
	t->n++;
	return slot_at(t, i);
}

/* Make room for `more` new keys.  0, or -1 when out of memory (then the
 * table is unchanged). */
static int table_reserve(struct ci_table *t, size_t more)
{
	struct ci_table bigger = *t;
	size_t cap = t->cap ? t->cap : 64;

	while ((t->n + more) * 2 > cap) {
		if (cap > SIZE_MAX / 2 / t->size)
			return -1;
		cap *= 2;
	}
	if (cap == t->cap)
		return 0;
	if (fault_should_fail(FAULT_ALLOC) ||
	    !(bigger.slots = calloc(cap, t->size)))
		return -1;
	bigger.cap = cap;
	bigger.n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (slot_at(t, i)->used)
			table_place(&bigger, slot_at(t, i));
	free(t->slots);
	*t = bigger;
	return 0;
}

/* Empty slot h, moving later slots of its probe run back so every key
 * stays reachable from its home slot. */
static void table_delete(struct ci_table *t, struct ci_head *h)
{
	size_t mask = t->cap - 1;
	size_t hole = (size_t)((unsigned char *)h - t->slots) / t->size;

	for (size_t j = (hole + 1) & mask; slot_at(t, j)->used;
	     j = (j + 1) & mask) {
		size_t home = ci_hash(slot_at(t, j)->key) & mask;

		/* j may move to the hole unless its home lies cyclically
		 * in (hole, j] */
		if ((j > hole && (home <= hole || home > j)) ||
		    (j < hole && home <= hole && home > j)) {
			memcpy(slot_at(t, hole), slot_at(t, j), t->size);
			hole = j;
		}
	}
	memset(slot_at(t, hole), 0, t->size);
	t->n--;
}

/* ---- the index: cells --------------------------------------------------- */

struct compindex {
	pthread_rwlock_t lock;   /* readers share, writers exclusive */
	struct ci_table cells;   /* struct ci_cell */
	struct ci_table ids;     /* struct ci_id */
};

static int64_t cell_ix(double lon)
{
	int64_t ix = (int64_t)floor((lon + 180.0) * CI_PER_DEG);

	return ix >= CI_NX ? ix - CI_NX : ix;   /* 180 is -180 */
}

static int64_t cell_iy(double lat)
{
	return (int64_t)floor((lat + 90.0) * CI_PER_DEG);
}

static uint64_t cell_key(int64_t ix, int64_t iy)
{
	return (uint64_t)iy << 32 | (uint64_t)ix;
}

static struct ci_cell *cell_find(const struct compindex *ix, uint64_t key)
{
	return (struct ci_cell *)(void *)table_find(&ix->cells, key);
}

/* Remove the point at position pos of cell c (swap with the last, whose
 * id entry follows it); a cell left empty leaves the table. */
static void cell_take(struct compindex *ix, struct ci_cell *c, uint32_t pos)
{
	uint32_t last = c->h.n - 1;

	if (pos != last) {
		struct ci_id *moved = (struct ci_id *)(void *)
			table_find(&ix->ids, (uint64_t)c->v[last].id);

		c->v[pos] = c->v[last];
		moved->h.n = pos;
	}
	c->h.n--;
	if (c->h.n == 0) {
		free(c->v);
		table_delete(&ix->cells, &c->h);
	}
}

/* Make room for one more point in the cell of `key`, creating the cell if
 * needed.  The cell, or NULL when out of memory (nothing changed). */
static struct ci_cell *cell_room(struct compindex *ix, uint64_t key)
{
	struct ci_cell *c = cell_find(ix, key), fresh;
	struct ci_point *v;
	uint32_t cap;

	if (c && c->h.n < c->cap)
		return c;
	if (c && c->cap > UINT32_MAX / 2)
		return NULL;
	cap = c ? c->cap * 2 : 4;
	if (!c && table_reserve(&ix->cells, 1))
		return NULL;
	if (fault_should_fail(FAULT_ALLOC) ||
	    !(v = realloc(c ? c->v : NULL, cap * sizeof *v)))
		return NULL;
	if (c) {
		c->v = v;
		c->cap = cap;
		return c;
	}
	memset(&fresh, 0, sizeof fresh);
	fresh.h.key = key;
	fresh.h.used = 1;
	fresh.v = v;
	fresh.cap = cap;
	return (struct ci_cell *)(void *)table_place(&ix->cells, &fresh.h);
}

/* ---- the index: life cycle and writers ---------------------------------- */

struct compindex *compindex_new(void)
{
	struct compindex *ix;
	pthread_rwlockattr_t attr;

	if (fault_should_fail(FAULT_ALLOC) || !(ix = calloc(1, sizeof *ix)))
		return NULL;
	ix->cells.size = sizeof(struct ci_cell);
	ix->ids.size = sizeof(struct ci_id);
	pthread_rwlockattr_init(&attr);
#if defined(__GLIBC__)
	/* glibc's default lets a steady stream of readers starve a writer */
	pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	if (pthread_rwlock_init(&ix->lock, &attr) != 0) {
		pthread_rwlockattr_destroy(&attr);
		free(ix);
		return NULL;
	}
	pthread_rwlockattr_destroy(&attr);
	return ix;
}

void compindex_free(struct compindex *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->cells.cap; i++) {
		struct ci_cell *c = (struct ci_cell *)(void *)
			slot_at(&ix->cells, i);

		if (c->h.used)
			free(c->v);
	}
	free(ix->cells.slots);
	free(ix->ids.slots);
	pthread_rwlock_destroy(&ix->lock);
	free(ix);
}

static int point_check(const struct component_point *p, struct ug_error *err)
{
	if (!p)
		return ug_fail(err, UG_EINVAL, "component", "no component "
			       "given");
	if (!isfinite(p->lon) || p->lon < -180 || p->lon > 180)
		return ug_fail(err, UG_EINVAL, "lon", "lon of component %"
			       PRId64 " must be in [-180, 180], got %g", p->id,
			       p->lon);
	if (!isfinite(p->lat) || p->lat < -90 || p->lat > 90)
		return ug_fail(err, UG_EINVAL, "lat", "lat of component %"
			       PRId64 " must be in [-90, 90], got %g", p->id,
			       p->lat);
	if (p->klass < 1 || p->klass > 99999)
		return ug_fail(err, UG_EINVAL, "class", "class of component %"
			       PRId64 " must be a 5-digit class code 00001-"
			       "99999, got %" PRId32, p->id, p->klass);
	return 0;
}

int compindex_put(struct compindex *ix, const struct component_point *p,
		  struct ug_error *err)
{
	struct ci_point pt;
	struct ci_id *old, fresh;
	struct ci_cell *c;
	uint64_t key;
	int rc;

	if ((rc = point_check(p, err)) < 0)
		return rc;
	pt.id = p->id;
	pt.lon = p->lon;
	pt.lat = p->lat;
	pt.coslat = cos(p->lat * CI_RAD);
	pt.klass = p->klass;
	key = cell_key(cell_ix(p->lon), cell_iy(p->lat));

	pthread_rwlock_wrlock(&ix->lock);
	old = (struct ci_id *)(void *)table_find(&ix->ids, (uint64_t)p->id);
	if (old && old->cell == key) {            /* moved within its cell */
		cell_find(ix, key)->v[old->h.n] = pt;
		goto out;
	}
	/* everything that can fail comes first: then nothing changes */
	if ((!old && table_reserve(&ix->ids, 1)) ||
	    !(c = cell_room(ix, key))) {
		rc = ug_fail(err, UG_ENOMEM, "", "out of memory adding "
			     "component %" PRId64 " to the index", p->id);
		goto out;
	}
	c->v[c->h.n] = pt;
	if (old) {
		uint32_t pos = c->h.n++;

		/* the old cell differs from c; taking the point out may
		 * delete that cell and shift c within the table, so the new
		 * position is recorded first (by id, not through c) */
		cell_take(ix, cell_find(ix, old->cell), old->h.n);
		old->cell = key;
		old->h.n = pos;
	} else {
		memset(&fresh, 0, sizeof fresh);
		fresh.h.key = (uint64_t)p->id;
		fresh.h.used = 1;
		fresh.h.n = c->h.n++;
		fresh.cell = key;
		table_place(&ix->ids, &fresh.h);
	}
out:
	pthread_rwlock_unlock(&ix->lock);
	return rc;
}

void compindex_remove(struct compindex *ix, int64_t id)
{
	struct ci_id *e;

	pthread_rwlock_wrlock(&ix->lock);
	e = (struct ci_id *)(void *)table_find(&ix->ids, (uint64_t)id);
	if (e) {
		cell_take(ix, cell_find(ix, e->cell), e->h.n);
		table_delete(&ix->ids, &e->h);
	}
	pthread_rwlock_unlock(&ix->lock);
}

size_t compindex_count(struct compindex *ix)
{
	size_t n;

	pthread_rwlock_rdlock(&ix->lock);
	n = ix->ids.n;
	pthread_rwlock_unlock(&ix->lock);
	return n;
}

/* ---- the index: the query ----------------------------------------------- */

/* One query: the circle, its widened bounding box, the best hits so far
 * (a max-heap on (distance, id) in the caller's array). */
struct ci_query {
	double lon, lat, coslat, radius;
	double dlat;                 /* half-height of the box, degrees */
	int32_t klass;
	struct component_hit *heap;
	size_t n, max;
};

static int hit_before(const struct component_hit *a,
		      const struct component_hit *b)
{
	return a->distance_m < b->distance_m ||
	       (a->distance_m == b->distance_m && a->id < b->id);
}

static void heap_down(struct component_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		struct component_hit t;

		if (l < n && hit_before(&h[big], &h[l]))
			big = l;
		if (r < n && hit_before(&h[big], &h[r]))
			big = r;
		if (big == i)
			return;
		t = h[i];
		h[i] = h[big];
		h[big] = t;
		i = big;
	}
}

/* Keep the `max` best hits: while the heap is not full, add; then a
 * better hit replaces the worst (the root). */
static void query_offer(struct ci_query *q, const struct component_hit *hit)
{
	size_t i;

	if (q->n == q->max) {
		if (!hit_before(hit, &q->heap[0]))
			return;
		q->heap[0] = *hit;
		heap_down(q->heap, q->n, 0);
		return;
	}
	for (i = q->n++; i > 0 && hit_before(&q->heap[(i - 1) / 2], hit);
	     i = (i - 1) / 2)
		q->heap[i] = q->heap[(i - 1) / 2];
	q->heap[i] = *hit;
}

static void query_cell(struct ci_query *q, const struct ci_cell *c)
{
	for (uint32_t k = 0; k < c->h.n; k++) {
		const struct ci_point *p = &c->v[k];
		struct component_hit hit;

		if ((q->klass && p->klass != q->klass) ||
		    fabs(p->lat - q->lat) > q->dlat)
			continue;
		hit.distance_m = haversine_m(q->lon, q->lat, q->coslat,
					     p->lon, p->lat, p->coslat);
		if (hit.distance_m <= q->radius) {
			hit.id = p->id;
			hit.klass = p->klass;
			query_offer(q, &hit);
		}
	}
}

size_t compindex_nearest(struct compindex *ix, double lon, double lat,
			 double radius_m, int32_t klass,
			 struct component_hit *hits, size_t max)
{
	struct ci_query q;
	double ang, dlon = 180, s;
	int64_t iy0, iy1, kx0, kx1;
	int all_lon;

	if (max == 0 || !isfinite(lon) || lon < -180 || lon > 180 ||
	    !isfinite(lat) || lat < -90 || lat > 90 || !(radius_m >= 0))
		return 0;
	q.lon = lon;
	q.lat = lat;
	q.coslat = cos(lat * CI_RAD);
	q.radius = radius_m < CI_MAX_RADIUS ? radius_m : CI_MAX_RADIUS;
	q.klass = klass;
	q.heap = hits;
	q.n = 0;
	q.max = max;

	/* The box of the spherical cap: latitude +- the angular radius;
	 * longitude +- asin(sin(angle) / cos(lat)), unless the cap holds a
	 * pole (then every longitude). */
	ang = q.radius / CI_EARTH_R;
	q.dlat = ang / CI_RAD * (1 + CI_BOX_REL) + CI_BOX_ABS;
	all_lon = lat + q.dlat >= 90 || lat - q.dlat <= -90;
	if (!all_lon) {
		s = sin(ang) / q.coslat;
		if (s >= 1)
			all_lon = 1;
		else
			dlon = asin(s) / CI_RAD * (1 + CI_BOX_REL) +
			       CI_BOX_ABS;
	}
	iy0 = cell_iy(fmax(lat - q.dlat, -90));
	iy1 = cell_iy(fmin(lat + q.dlat, 90));
	kx0 = (int64_t)floor((lon - dlon + 180.0) * CI_PER_DEG);
	kx1 = (int64_t)floor((lon + dlon + 180.0) * CI_PER_DEG);
	if (all_lon || kx1 - kx0 + 1 >= CI_NX) {
		kx0 = 0;
		kx1 = CI_NX - 1;
	}

	pthread_rwlock_rdlock(&ix->lock);
	if ((double)(kx1 - kx0 + 1) * (double)(iy1 - iy0 + 1) >
	    (double)ix->cells.cap) {
		/* the box spans more cells than the table has slots (a wide
		 * query or a small index): read every cell instead */
		for (size_t i = 0; i < ix->cells.cap; i++) {
			const struct ci_cell *c = (const struct ci_cell *)
				(const void *)slot_at(&ix->cells, i);

			if (c->h.used)
				query_cell(&q, c);
		}
	} else {
		for (int64_t iy = iy0; iy <= iy1; iy++) {
			for (int64_t kx = kx0; kx <= kx1; kx++) {
				int64_t cx = ((kx % CI_NX) + CI_NX) % CI_NX;
				const struct ci_cell *c =
					cell_find(ix, cell_key(cx, iy));

				if (c)
					query_cell(&q, c);
			}
		}
	}
	pthread_rwlock_unlock(&ix->lock);

	/* heap sort: the worst goes to the end, repeatedly */
	for (size_t n = q.n; n > 1; n--) {
		struct component_hit t = hits[0];

		hits[0] = hits[n - 1];
		hits[n - 1] = t;
		heap_down(hits, n - 1, 0);
	}
	return q.n;
}
