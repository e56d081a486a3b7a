#!/bin/sh
# intake-assess.sh - what keeping the assessment counters costs case
# intake: bench/intake.sh run alternately against this build and against
# the same sources built with -DASSESS_UPKEEP_OFF (assess_upkeep() returns
# at once), RUNS times each in the same session; prints every rate, the
# medians and their ratio.  Budget (issue #15): the upkeep may cost
# intake at most 15 %.  Then the same comparison in one process without
# HTTP (bench/assess_bench.c: microseconds and WAL pages per report).
# BEFORE=DIR (a built checkout of another version, e.g. main) runs that
# build's urbangrid and assess_bench in the same alternation too: the
# cost of a change to the upkeep, before against after, in one session.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
DURATION=${DURATION:-8}
export DURATION
OFF=build/bench-noassess
make -s >/dev/null
make -s BUILD=$OFF CFLAGS=-DASSESS_UPKEEP_OFF $OFF/urbangrid >/dev/null
mkdir -p build/bench
for lib in build $OFF; do
	cc -std=c11 -O2 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Isrc \
		-o "$lib/assess_bench" bench/assess_bench.c "$lib/libug.a" \
		$(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium geos proj cairo) \
		-lpthread -lm
done

rate() { # BIN -> cases/s of one intake.sh run (which must pass)
	out=$(BIN=$1 bench/intake.sh 2>&1) || { echo "$out" >&2; exit 1; }
	echo "$out" | sed -n 's/^intake: .* = \([0-9]*\) cases\/s.*/\1/p'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

BEFORE=${BEFORE:-}
if [ -n "$BEFORE" ]; then
	cc -std=c11 -O2 -D_DEFAULT_SOURCE -D_GNU_SOURCE -I"$BEFORE/src" \
		-o build/bench/assess_bench_before "$BEFORE/bench/assess_bench.c" \
		"$BEFORE/build/libug.a" \
		$(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium geos proj cairo) \
		-lpthread -lm
fi

with="" without="" before=""
i=0
while [ $i -lt "$RUNS" ]; do
	without="$without $(rate $OFF/urbangrid)"
	[ -z "$BEFORE" ] || before="$before $(rate "$BEFORE/build/urbangrid")"
	with="$with $(rate build/urbangrid)"
	i=$((i + 1))
done
m_with=$(echo "$with" | median)
m_without=$(echo "$without" | median)
echo "intake without counter upkeep:$without cases/s, median $m_without"
echo "intake with counter upkeep:   $with cases/s, median $m_with"
awk -v a="$m_with" -v b="$m_without" 'BEGIN {
	printf "ratio with/without: %.3f (upkeep costs %.1f %% of intake; budget 15 %%)\n", a / b, (1 - a / b) * 100 }'
if [ -n "$BEFORE" ]; then
	m_before=$(echo "$before" | median)
	echo "intake with the upkeep of $BEFORE:$before cases/s, median $m_before"
	awk -v a="$m_before" -v b="$m_without" 'BEGIN {
		printf "ratio before/without: %.3f (its upkeep costs %.1f %% of intake)\n", a / b, (1 - a / b) * 100 }'
fi

# In one process: 3,000 reports a run, WAL checkpoints off so that the
# pages each report writes can be counted.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
build/urbangrid demo --db "$dir/a.db" --days 0 >/dev/null
us_with="" us_without="" us_before="" p_before=""
i=0
while [ $i -lt "$RUNS" ]; do
	for lib in $OFF build ${BEFORE:+before}; do
		bench=$lib/assess_bench
		[ "$lib" != before ] || bench=build/bench/assess_bench_before
		cp "$dir/a.db" "$dir/x.db"
		out=$(ASSESS_BENCH_NO_CHECKPOINT=1 "$bench" "$dir/x.db" 3000)
		us=$(echo "$out" | sed -n 's/.*, \([0-9.]*\) us each/\1/p')
		pages=$(echo "$out" | sed -n 's/^\([0-9.]*\) pages.*/\1/p')
		if [ "$lib" = build ]; then us_with="$us_with $us"; p_with=$pages
		elif [ "$lib" = before ]; then us_before="$us_before $us"; p_before=$pages
		else us_without="$us_without $us"; p_without=$pages; fi
		rm -f "$dir"/x.db*
	done
	i=$((i + 1))
done
echo "in one process, us per report without:$us_without, median $(echo "$us_without" | median); $p_without WAL pages per report"
echo "in one process, us per report with:   $us_with, median $(echo "$us_with" | median); $p_with WAL pages per report"
[ -z "$BEFORE" ] || echo "in one process, us per report before: $us_before, median $(echo "$us_before" | median); $p_before WAL pages per report"
