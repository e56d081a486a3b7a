/*
 * compindex_bench.c - "components of a class within 50 m, nearest first":
 * domain/spatial/component.h's index against a brute-force peer (the haversine of
 * every component, then a sort) on the same 200,000 components, in one
 * run, with a cross-check that both give the same hits in the same order.
 * What it measures and how to read it: bench/README.md.
 *
 * Build and run from the repository root:
 *
 *   cc -std=c11 -O2 -D_GNU_SOURCE -Isrc -o build/compindex_bench \
 *      bench/compindex_bench.c src/domain/spatial/component.c src/lib/error.c \
 *      src/lib/fault.c src/lib/util.c src/lib/iso8601.c -lsodium -lpthread -lm
 *   build/compindex_bench [components [queries [runs]]]
 *
 * lib/util.c (pulled in by lib/error.c) needs libsodium.  Exit status 1 if
 * the index and the peer disagree on any query, or input fails.
 */
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/spatial/component.h"
#include "lib/error.h"
#include "lib/util.h"

#include "bench.h"
#include "../tests/unit/tu_rand.h"

/* the peer's distance must round exactly like the index's */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/* ---- the test city ------------------------------------------------------ */

#define CENTRE_LON 116.40
#define CENTRE_LAT 39.90
#define HALF_LAT 0.135           /* 30 x 30 km: +-15 km north-south */
#define HALF_LON 0.176           /* +-15 km east-west at 39.9 N */
#define STREET_EVERY 0.003       /* degrees between streets, ~270-330 m */
#define STREET_SHARE 70          /* % of components along streets */
#define RADIUS 50.0              /* metres */
#define MAX_HITS 16
#define NCOMPONENTS 200000
#define NQUERIES 1000000
#define RUNS 5                   /* the median of these is reported */
#define PEER_QUERIES 2000        /* one timed run of the peer (about
				    20 s), kept as the cross-check's
				    reference */
#define THREADS 2

/* Twenty common classes (manholes, lamps, poles, bins, trees...). */
static const int32_t classes[] = {
	1001, 1002, 1003, 1004, 1005, 1007, 1011, 1030, 1031, 1037,
	2004, 2010, 2012, 2017, 2021, 2027, 3005, 3008, 4002, 4007,
};
#define NCLASSES ((int)(sizeof classes / sizeof classes[0]))

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double uniform(uint64_t *s)
{
	return (double)(next_random(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* 70 % of components within ~10 m of a street of a 300 m street grid
 * (where manholes, lamps and poles are), the rest anywhere. */
static void make_components(struct component_point *p, size_t n,
			    uint64_t seed)
{
	for (size_t k = 0; k < n; k++) {
		double lon = CENTRE_LON + (2 * uniform(&seed) - 1) * HALF_LON;
		double lat = CENTRE_LAT + (2 * uniform(&seed) - 1) * HALF_LAT;
		double jitter = (uniform(&seed) - 0.5) * 0.0002;

		if (next_random(&seed) % 100 < STREET_SHARE) {
			if (next_random(&seed) % 2)
				lon = round(lon / STREET_EVERY) *
				      STREET_EVERY + jitter;
			else
				lat = round(lat / STREET_EVERY) *
				      STREET_EVERY + jitter;
		}
		/* 17-digit identifiers: division 110101, class, serial */
		p[k].klass = classes[next_random(&seed) % NCLASSES];
		p[k].id = 11010100000000000 + (int64_t)p[k].klass * 1000000 +
			  (int64_t)k + 1;
		p[k].lon = lon;
		p[k].lat = lat;
	}
}

struct query {
	double lon, lat;
	int32_t klass;       /* 0 in the unfiltered set */
};

static void make_queries(struct query *q, size_t n, int filtered,
			 uint64_t seed)
{
	for (size_t k = 0; k < n; k++) {
		q[k].lon = CENTRE_LON + (2 * uniform(&seed) - 1) * HALF_LON;
		q[k].lat = CENTRE_LAT + (2 * uniform(&seed) - 1) * HALF_LAT;
		q[k].klass = filtered ? classes[next_random(&seed) % NCLASSES]
				      : 0;
	}
}

/* ---- the brute-force peer ----------------------------------------------- */
/* What one would write first: the distance to every component, keep those
 * in range, sort.  The distance is the one component.h defines
 * (tu_ref_distance(), which the unit test checks the index against). */

static int hit_cmp(const void *a, const void *b)
{
	const struct component_hit *x = a, *y = b;

	if (x->distance_m != y->distance_m)
		return x->distance_m < y->distance_m ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* scratch holds n hits */
static size_t peer_nearest(const struct component_point *p, size_t n,
			   const struct query *q, struct component_hit *scratch,
			   struct component_hit *hits, size_t max)
{
	size_t found = 0;

	for (size_t k = 0; k < n; k++) {
		double d;

		if (q->klass && p[k].klass != q->klass)
			continue;
		d = tu_ref_distance(q->lon, q->lat, p[k].lon, p[k].lat);
		if (d <= RADIUS) {
			scratch[found].id = p[k].id;
			scratch[found].klass = p[k].klass;
			scratch[found].distance_m = d;
			found++;
		}
	}
	qsort(scratch, found, sizeof *scratch, hit_cmp);
	if (found > max)
		found = max;
	memcpy(hits, scratch, found * sizeof *hits);
	return found;
}

/* ---- timing ------------------------------------------------------------- */

/* One timed pass of the index over queries; queries/s.  *hits_total
 * counts hits (and keeps the compiler from dropping the work). */
static double run_index(struct compindex *ix, const struct query *q,
			size_t n, uint64_t *hits_total)
{
	struct component_hit h[MAX_HITS];
	int64_t t0 = ug_monotonic_us();
	uint64_t sum = 0;

	for (size_t k = 0; k < n; k++)
		sum += compindex_nearest(ix, q[k].lon, q[k].lat, RADIUS,
					 q[k].klass, h, MAX_HITS);
	*hits_total = sum;
	return n / ((ug_monotonic_us() - t0 + 1) / 1e6);
}

/* The peer's answers to n queries: hits[k * MAX_HITS ...], nhits[k]. */
struct answers {
	struct component_hit *hits;
	size_t *nhits;
};

/* One timed pass of the peer, keeping its answers; queries/s. */
static double run_peer(const struct component_point *p, size_t np,
		       const struct query *q, size_t n,
		       struct component_hit *scratch, struct answers *ans,
		       uint64_t *hits_total)
{
	int64_t t0 = ug_monotonic_us();
	uint64_t sum = 0;

	for (size_t k = 0; k < n; k++) {
		ans->nhits[k] = peer_nearest(p, np, &q[k], scratch,
					     &ans->hits[k * MAX_HITS],
					     MAX_HITS);
		sum += ans->nhits[k];
	}
	*hits_total = sum;
	return n / ((ug_monotonic_us() - t0 + 1) / 1e6);
}

struct thread_arg {
	struct compindex *ix;
	const struct query *q;
	size_t n;
	uint64_t hits;
};

static void *thread_run(void *p)
{
	struct thread_arg *a = p;

	run_index(a->ix, a->q, a->n, &a->hits);
	return NULL;
}

/* THREADS threads sharing the queries; queries/s in all. */
static double run_threads(struct compindex *ix, const struct query *q,
			  size_t n)
{
	pthread_t th[THREADS];
	struct thread_arg arg[THREADS];
	int64_t t0 = ug_monotonic_us();

	for (int t = 0; t < THREADS; t++) {
		arg[t].ix = ix;
		arg[t].q = q + n / THREADS * (size_t)t;
		arg[t].n = n / THREADS;
		if (pthread_create(&th[t], NULL, thread_run, &arg[t]) != 0)
			return 0;
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	return n / THREADS * THREADS / ((ug_monotonic_us() - t0 + 1) / 1e6);
}

/* ---- cross-check -------------------------------------------------------- */

static int same_hits(const struct component_hit *a,
		     const struct component_hit *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (a[k].id != b[k].id || a[k].klass != b[k].klass ||
		    a[k].distance_m != b[k].distance_m)
			return 0;
	return 1;
}

/* The index against the peer's answers to the same queries: the same
 * hits (id, class, distance to the bit) in the same order.  Returns the
 * number of disagreements. */
static size_t cross_check(struct compindex *ix, const struct query *q,
			  size_t n, const struct answers *ans)
{
	struct component_hit a[MAX_HITS];
	size_t bad = 0;

	for (size_t k = 0; k < n; k++) {
		size_t na = compindex_nearest(ix, q[k].lon, q[k].lat, RADIUS,
					      q[k].klass, a, MAX_HITS);

		if (na == ans->nhits[k] &&
		    same_hits(a, &ans->hits[k * MAX_HITS], na))
			continue;
		if (bad++ < 5)
			fprintf(stderr, "compindex_bench: query %zu (%.7f, "
				"%.7f) class %d: index %zu hits, peer %zu\n",
				k, q[k].lon, q[k].lat, (int)q[k].klass, na,
				ans->nhits[k]);
	}
	return bad;
}

int main(int argc, char **argv)
{
	size_t np = argc > 1 ? strtoul(argv[1], NULL, 10) : NCOMPONENTS;
	size_t nq = argc > 2 ? strtoul(argv[2], NULL, 10) : NQUERIES;
	int runs = argc > 3 ? atoi(argv[3]) : RUNS;
	struct component_point *p = NULL;
	struct component_hit *scratch = NULL;
	struct query *q[2] = { NULL, NULL };
	struct answers ans[2] = { { NULL, NULL }, { NULL, NULL } };
	struct compindex *ix = NULL;
	struct ug_error err;
	double ops[2], peer_ops[2], two_threads, v[RUNS];
	double build_s, move_s, heap_mb;
	uint64_t hits[2], peer_hits[2];
	size_t bad = 0, npeer;
	struct mallinfo2 mi0, mi1;
	int64_t t0;
	int rc = 1;

	if (np < 1 || nq < THREADS || runs < 1 || runs > RUNS) {
		fprintf(stderr, "usage: compindex_bench [components [queries "
			"[runs <= %d]]]\n", RUNS);
		return 1;
	}
	npeer = nq < PEER_QUERIES ? nq : PEER_QUERIES;
	p = malloc(np * sizeof *p);
	scratch = malloc(np * sizeof *scratch);
	q[0] = malloc(nq * sizeof *q[0]);
	q[1] = malloc(nq * sizeof *q[1]);
	if (!p || !scratch || !q[0] || !q[1])
		goto out;
	for (int f = 0; f < 2; f++) {
		ans[f].hits = malloc(npeer * MAX_HITS * sizeof *ans[f].hits);
		ans[f].nhits = malloc(npeer * sizeof *ans[f].nhits);
		if (!ans[f].hits || !ans[f].nhits)
			goto out;
	}
	make_components(p, np, 0x243F6A8885A308D3u);
	make_queries(q[0], nq, 0, 0x13198A2E03707344u);
	make_queries(q[1], nq, 1, 0xA4093822299F31D0u);

	/* build: one put per component */
	mi0 = mallinfo2();
	t0 = ug_monotonic_us();
	if (!(ix = compindex_new()))
		goto out;
	for (size_t k = 0; k < np; k++) {
		if (compindex_put(ix, &p[k], &err) != 0) {
			fprintf(stderr, "compindex_bench: %s\n", err.message);
			goto out;
		}
	}
	build_s = (ug_monotonic_us() - t0) / 1e6;
	mi1 = mallinfo2();
	heap_mb = ((double)mi1.uordblks + (double)mi1.hblkhd -
		   (double)mi0.uordblks - (double)mi0.hblkhd) / 1e6;

	for (int f = 0; f < 2; f++) {
		for (int r = 0; r < runs; r++)
			v[r] = run_index(ix, q[f], nq, &hits[f]);
		ops[f] = median(v, runs);
		peer_ops[f] = run_peer(p, np, q[f], npeer, scratch, &ans[f],
				       &peer_hits[f]);
		bad += cross_check(ix, q[f], npeer, &ans[f]);
	}
	for (int r = 0; r < runs; r++)
		v[r] = run_threads(ix, q[0], nq);
	two_threads = median(v, runs);

	/* moves: every component to a point a few metres away, then back
	 * (half of them change cell); the index must answer as before */
	t0 = ug_monotonic_us();
	for (size_t k = 0; k < np; k++) {
		struct component_point m = p[k];

		m.lon += 0.00005;
		if (compindex_put(ix, &m, &err) != 0) {
			fprintf(stderr, "compindex_bench: %s\n", err.message);
			goto out;
		}
	}
	for (size_t k = 0; k < np; k++)
		(void)compindex_put(ix, &p[k], &err);
	move_s = (ug_monotonic_us() - t0) / 1e6;
	bad += cross_check(ix, q[0], npeer, &ans[0]);
	bad += cross_check(ix, q[1], npeer, &ans[1]);

	printf("# compindex bench\n\n");
	printf("data: %zu components in a 30 x 30 km box around %.2f E "
	       "%.2f N, %d %% within ~10 m of a street every ~300 m, %d "
	       "classes\n", np, CENTRE_LON, CENTRE_LAT, STREET_SHARE,
	       NCLASSES);
	printf("queries: %zu uniform points, radius %.0f m, at most %d "
	       "hits; unfiltered, and filtered by one random class\n\n", nq,
	       RADIUS, MAX_HITS);
	printf("| | compindex | brute force (haversine of every component, "
	       "sort) | ratio |\n");
	printf("|---|---|---|---|\n");
	printf("| queries/s, any class, one core | %.3g (median of %d x %zu) "
	       "| %.3g (1 x %zu) | %.0fx |\n", ops[0], runs, nq,
	       peer_ops[0], npeer, ops[0] / peer_ops[0]);
	printf("| queries/s, one class, one core | %.3g (median of %d x %zu) "
	       "| %.3g (1 x %zu) | %.0fx |\n", ops[1], runs, nq,
	       peer_ops[1], npeer, ops[1] / peer_ops[1]);
	printf("| ns per query, any class / one class | %.0f / %.0f | "
	       "%.0f / %.0f | |\n", 1e9 / ops[0], 1e9 / ops[1],
	       1e9 / peer_ops[0], 1e9 / peer_ops[1]);
	printf("| hits per query, any class / one class (over the queries "
	       "each ran) | %.2f / %.3f | %.2f / %.3f | |\n\n",
	       (double)hits[0] / (double)nq,
	       (double)hits[1] / (double)nq,
	       (double)peer_hits[0] / (double)npeer,
	       (double)peer_hits[1] / (double)npeer);
	printf("%d threads, any class: %.3g queries/s in all (median of %d)\n",
	       THREADS, two_threads, runs);
	printf("build: %zu puts in %.3f s (%.2g puts/s); malloc heap grew "
	       "%.1f MB = %.0f bytes per component\n", np, build_s,
	       np / build_s, heap_mb, heap_mb * 1e6 / (double)np);
	printf("moves: %zu puts of known ids, %.2g puts/s\n", 2 * np,
	       2 * np / move_s);
	printf("cross-check against the peer: %zu + %zu queries, again after "
	       "the moves: %s\n", npeer, npeer, bad ? "DISAGREE" : "agree");
	rc = bad ? 1 : 0;
out:
	compindex_free(ix);
	free(p);
	free(scratch);
	for (int f = 0; f < 2; f++) {
		free(q[f]);
		free(ans[f].hits);
		free(ans[f].nhits);
	}
	return rc;
}
