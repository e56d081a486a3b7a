/*
 * calendar_bench.c - throughput of deadline computation in the working
 * calendar (domain/calendar/calendar.h) against a naive minute-stepping peer run in
 * the same process on the same calendar, with a cross-check that both give
 * the same answers.  Target: >= 5 million add-working-hours per second on
 * one core.  See bench/README.md.
 *
 * The table has the server's shape: 1901-2099, the file's days, and the
 * statutory holidays by rule (domain/calendar/holidays.h) for every year the file
 * does not hold, as domain/calendar/workcal.c builds it for provisional years.
 *
 * Build and run from the repository root (scripts/bench does both):
 *   cc -std=c11 -O2 -D_DEFAULT_SOURCE -Isrc -o build/calendar_bench \
 *     bench/calendar_bench.c src/domain/calendar/calendar.c src/domain/calendar/holidays.c \
 *     src/domain/calendar/lunar.c src/domain/calendar/solarterm.c src/lib/ics.c \
 *     src/lib/iso8601.c src/lib/buf.c src/lib/error.c src/lib/fault.c \
 *     src/lib/util.c -lsodium -lm
 *   build/calendar_bench [holidays.ics]
 * (default: tests/fixtures/calendar/cn-2026.ics; e.g.
 * node_modules/chinese-days/dist/holidays.ics for the real file).
 * Exit status 1 if the two implementations disagree or input fails.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar/calendar.h"
#include "domain/calendar/holidays.h"
#include "lib/error.h"
#include "lib/ics.h"
#include "lib/util.h"

#include "bench.h"
#include "../tests/unit/tu_minutes.h"
#include "../tests/unit/tu_rand.h"

#define FIRST_YEAR HOLIDAYS_FIRST_YEAR /* the table, as the server's */
#define LAST_YEAR HOLIDAYS_LAST_YEAR
#define SAMPLE_YEAR 2026       /* random starts fall in this year */
#define RUNS 7                 /* the median of these is reported */
#define OPS 2000000            /* per run of the table */
#define NAIVE_RUNS 3
#define NAIVE_OPS 2000         /* per run of the naive peer; also the
				  cross-check sample */
#define MAX_HOURS 40           /* working hours to add: 1..MAX_HOURS */
#define MAX_SPAN (30 * 86400)  /* elapsed() over 0..30 days */

struct input {
	int64_t start;
	int64_t amount;  /* seconds to add, or the end for elapsed() */
};

/* ---- the naive peer --------------------------------------------------- */
/* What one would write first: step minute by minute from the start and
 * count the minutes that fall in a working period.  It reads the config
 * (not the table), so agreeing with it is a real cross-check. */

static const struct calendar_day *naive_day(const struct calendar_config *cfg,
					    int32_t date)
{
	static const struct calendar_day none;
	size_t lo = 0, hi = cfg->noverrides;
	int32_t wd;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cfg->overrides[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cfg->noverrides && cfg->overrides[lo].date == date) {
		const struct calendar_override *o = &cfg->overrides[lo];

		if (o->kind == CALENDAR_DAY_OFF)
			return &none;
		return o->own_periods ? &o->periods : &cfg->workday;
	}
	wd = ((date + 3) % 7 + 7) % 7;  /* 1970-01-01 was a Thursday */
	return &cfg->week[wd];
}

static int64_t naive_add(const struct calendar_config *cfg, int64_t t,
			 int64_t seconds)
{
	return tu_minutes_add(cfg, naive_day, t, seconds);
}

static int64_t naive_elapsed(const struct calendar_config *cfg, int64_t a,
			     int64_t b)
{
	return tu_minutes_elapsed(cfg, naive_day, a, b);
}

/* ---- helpers ------------------------------------------------------------ */


/* Random inputs: starts anywhere in SAMPLE_YEAR (to the second, or to the
 * minute when `minutes` is set, which the naive peer needs to be exact),
 * working hours to add and an end up to MAX_SPAN later. */
static void make_inputs(struct input *add, struct input *span, int n,
			int minutes, uint64_t seed)
{
	const int64_t from = calendar_utc_from_local(CALENDAR_UTC_OFFSET_CHINA,
						     SAMPLE_YEAR, 1, 1, 0, 0,
						     0);
	const int64_t year = calendar_utc_from_local(CALENDAR_UTC_OFFSET_CHINA,
						     SAMPLE_YEAR + 1, 1, 1, 0,
						     0, 0) - from;

	for (int i = 0; i < n; i++) {
		int64_t t = from + (int64_t)(tu_xorshift(&seed) %
					     (uint64_t)year);

		if (minutes)
			t -= (t - from) % 60;
		add[i].start = t;
		add[i].amount = (int64_t)(1 + tu_xorshift(&seed) % MAX_HOURS) *
				3600;
		span[i].start = t;
		span[i].amount = t + (int64_t)(tu_xorshift(&seed) % MAX_SPAN);
		if (minutes)
			span[i].amount -= (span[i].amount - t) % 60;
	}
}

enum op { OP_ADD, OP_ELAPSED, OP_ADD_DAYS };

/* One timed pass of `op` over the inputs with the table; ops/s.  The
 * checksum keeps the compiler from dropping the work. */
static double run_table(const struct calendar *cal, const struct input *in,
			int n, enum op op, int64_t *checksum)
{
	struct ug_error err;
	int64_t t0 = ug_monotonic_us(), sum = 0, out = 0;
	int rc = 0;

	for (int i = 0; i < n; i++) {
		if (op == OP_ADD)
			rc |= calendar_add_working(cal, in[i].start,
						   in[i].amount, &out, &err);
		else if (op == OP_ELAPSED)
			rc |= calendar_elapsed_working(cal, in[i].start,
						       in[i].amount, &out,
						       &err);
		else
			rc |= calendar_add_working_days(cal, in[i].start,
							in[i].amount / 3600 %
								20 + 1,
							&out, &err);
		sum += out;
	}
	if (rc) {
		fprintf(stderr, "calendar_bench: %s\n", err.message);
		exit(1);
	}
	*checksum += sum;
	return n / ((ug_monotonic_us() - t0 + 1) / 1e6);
}

static double run_naive(const struct calendar_config *cfg,
			const struct input *in, int n, enum op op,
			int64_t *checksum)
{
	int64_t t0 = ug_monotonic_us(), sum = 0;

	for (int i = 0; i < n; i++)
		sum += op == OP_ADD
			       ? naive_add(cfg, in[i].start, in[i].amount)
			       : naive_elapsed(cfg, in[i].start, in[i].amount);
	*checksum += sum;
	return n / ((ug_monotonic_us() - t0 + 1) / 1e6);
}

/* Median ops/s of `runs` passes. */
static double measure(const struct calendar *cal,
		      const struct calendar_config *cfg,
		      const struct input *in, int n, enum op op, int runs,
		      int64_t *checksum)
{
	double v[RUNS];

	for (int r = 0; r < runs; r++)
		v[r] = cal ? run_table(cal, in, n, op, checksum)
			   : run_naive(cfg, in, n, op, checksum);
	return median(v, runs);
}

/* Both implementations on the same minute-aligned sample; returns the
 * number of disagreements (each printed). */
static int cross_check(const struct calendar *cal,
		       const struct calendar_config *cfg,
		       const struct input *add, const struct input *span,
		       int n)
{
	struct ug_error err;
	int bad = 0;

	for (int i = 0; i < n; i++) {
		int64_t fast = 0, slow = naive_add(cfg, add[i].start,
						   add[i].amount);
		char a[32], b[32], s[32];

		if (calendar_add_working(cal, add[i].start, add[i].amount,
					 &fast, &err) != 0 || fast != slow) {
			if (bad++ < 5)
				printf("  MISMATCH add %s + %" PRId64 " s: "
				       "table %s, naive %s\n",
				       calendar_format_local(cfg->utc_offset,
							     add[i].start, s,
							     32),
				       add[i].amount,
				       calendar_format_local(cfg->utc_offset,
							     fast, a, 32),
				       calendar_format_local(cfg->utc_offset,
							     slow, b, 32));
		}
		slow = naive_elapsed(cfg, span[i].start, span[i].amount);
		if (calendar_elapsed_working(cal, span[i].start,
					     span[i].amount, &fast,
					     &err) != 0 || fast != slow) {
			if (bad++ < 5)
				printf("  MISMATCH elapsed %s: table %" PRId64
				       ", naive %" PRId64 "\n",
				       calendar_format_local(cfg->utc_offset,
							     span[i].start, s,
							     32),
				       fast, slow);
		}
	}
	return bad;
}

static int load(struct calendar_config *cfg, const char *path)
{
	struct ics_reader r;
	struct ug_error err;
	FILE *fp = fopen(path, "rb");
	int added;

	if (!fp) {
		fprintf(stderr, "calendar_bench: cannot open %s (run from the "
			"repository root)\n", path);
		return -1;
	}
	ics_init(&r, fp, path);
	added = calendar_config_add_ics(cfg, &r, &err);
	ics_free(&r);
	fclose(fp);
	if (added < 0)
		fprintf(stderr, "calendar_bench: %s\n", err.message);
	return added;
}

/* The statutory days by rule of every year the file holds nothing of,
 * marked provisional (what workcal.c does for provisional years). */
static int add_rules(struct calendar_config *cfg)
{
	struct ug_error err;

	for (int y = FIRST_YEAR; y <= LAST_YEAR; y++) {
		struct holiday_day d[HOLIDAYS_MAX_DAYS];
		int32_t jan1 = ics_civil_to_days(y, 1, 1);
		int n, held = 0;

		for (size_t i = 0; i < cfg->noverrides; i++)
			held |= cfg->overrides[i].date >= jan1 &&
				cfg->overrides[i].date <
					ics_civil_to_days(y + 1, 1, 1);
		if (held)
			continue;
		cfg->provisional_year[y - FIRST_YEAR] = 1;
		n = holidays_of_year(y, d);
		for (int i = 0; i < n; i++)
			if (calendar_config_add_override(cfg, d[i].date,
							 CALENDAR_DAY_OFF,
							 NULL, &err) ||
			    calendar_config_mark_provisional(cfg, d[i].date,
							     &err)) {
				fprintf(stderr, "calendar_bench: %s\n",
					err.message);
				return -1;
			}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1]
				    : "tests/fixtures/calendar/cn-2026.ics";
	struct calendar_config cfg;
	struct calendar *cal;
	struct ug_error err;
	struct input *add, *span, *nadd, *nspan;
	double table_add, table_elapsed, table_days, naive_add_ops,
		naive_elapsed_ops, build_ms[RUNS];
	int64_t checksum = 0;
	int added, bad;

	calendar_config_init(&cfg, FIRST_YEAR, LAST_YEAR);
	if ((added = load(&cfg, path)) < 0 || add_rules(&cfg) < 0)
		return 1;
	for (int r = 0; r < RUNS; r++) {
		int64_t t0 = ug_monotonic_us();

		if (calendar_build(&cfg, &cal, &err) != 0) {
			fprintf(stderr, "calendar_bench: %s\n", err.message);
			return 1;
		}
		build_ms[r] = (ug_monotonic_us() - t0) / 1e3;
		if (r + 1 < RUNS)
			calendar_free(cal);
	}
	add = malloc(OPS * sizeof *add);
	span = malloc(OPS * sizeof *span);
	nadd = malloc(NAIVE_OPS * sizeof *nadd);
	nspan = malloc(NAIVE_OPS * sizeof *nspan);
	if (!add || !span || !nadd || !nspan)
		return 1;
	make_inputs(add, span, OPS, 0, 0x243F6A8885A308D3u);
	make_inputs(nadd, nspan, NAIVE_OPS, 1, 0x13198A2E03707344u);

	printf("calendar_bench: %s, %d overrides, table %d..%d built in "
	       "%.2f ms (median of %d)\n", path, added, FIRST_YEAR, LAST_YEAR,
	       median(build_ms, RUNS), RUNS);
	printf("random starts over %d, 1..%d working hours, elapsed over "
	       "0..%d days\n\n", SAMPLE_YEAR, MAX_HOURS, MAX_SPAN / 86400);

	table_add = measure(cal, &cfg, add, OPS, OP_ADD, RUNS, &checksum);
	table_elapsed = measure(cal, &cfg, span, OPS, OP_ELAPSED, RUNS,
				&checksum);
	table_days = measure(cal, &cfg, add, OPS, OP_ADD_DAYS, RUNS,
			     &checksum);
	naive_add_ops = measure(NULL, &cfg, nadd, NAIVE_OPS, OP_ADD,
				NAIVE_RUNS, &checksum);
	naive_elapsed_ops = measure(NULL, &cfg, nspan, NAIVE_OPS, OP_ELAPSED,
				    NAIVE_RUNS, &checksum);

	printf("| operation | implementation | median ops/s | runs x ops |\n");
	printf("|---|---|---:|---|\n");
	printf("| add working hours | table | %.0f | %d x %d |\n", table_add,
	       RUNS, OPS);
	printf("| add working hours | naive minute steps | %.0f | %d x %d |\n",
	       naive_add_ops, NAIVE_RUNS, NAIVE_OPS);
	printf("| elapsed | table | %.0f | %d x %d |\n", table_elapsed, RUNS,
	       OPS);
	printf("| elapsed | naive minute steps | %.0f | %d x %d |\n",
	       naive_elapsed_ops, NAIVE_RUNS, NAIVE_OPS);
	printf("| add working days | table | %.0f | %d x %d |\n\n",
	       table_days, RUNS, OPS);
	printf("ratio table/naive: add %.0fx, elapsed %.0fx\n",
	       table_add / naive_add_ops, table_elapsed / naive_elapsed_ops);
	printf("target >= 5000000 add/s on one core: %s\n",
	       table_add >= 5e6 ? "met" : "NOT MET");

	bad = cross_check(cal, &cfg, nadd, nspan, NAIVE_OPS);
	printf("cross-check on %d add + %d elapsed samples: %s\n", NAIVE_OPS,
	       NAIVE_OPS, bad ? "DISAGREE" : "agree");
	printf("(checksum %" PRId64 ")\n", checksum);

	calendar_free(cal);
	calendar_config_free(&cfg);
	free(add);
	free(span);
	free(nadd);
	free(nspan);
	return bad ? 1 : 0;
}
