#!/bin/sh
# intake-assess.sh - what keeping the assessment counters costs case
# intake: bench/intake.sh run alternately against this build and against
# the same sources built with -DASSESS_UPKEEP_OFF (assess_upkeep() returns
# at once), RUNS times each in the same session; prints every rate, the
# medians and their ratio.  Budget (issue #15): the upkeep may cost
# intake at most 15 %.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
DURATION=${DURATION:-8}
export DURATION
OFF=build/bench-noassess
make -s >/dev/null
make -s BUILD=$OFF CFLAGS=-DASSESS_UPKEEP_OFF $OFF/urbangrid >/dev/null

rate() { # BIN -> cases/s of one intake.sh run (which must pass)
	out=$(BIN=$1 bench/intake.sh 2>&1) || { echo "$out" >&2; exit 1; }
	echo "$out" | sed -n 's/^intake: .* = \([0-9]*\) cases\/s.*/\1/p'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

with="" without=""
i=0
while [ $i -lt "$RUNS" ]; do
	without="$without $(rate $OFF/urbangrid)"
	with="$with $(rate build/urbangrid)"
	i=$((i + 1))
done
m_with=$(echo "$with" | tr ' ' '\n' | grep . | median)
m_without=$(echo "$without" | tr ' ' '\n' | grep . | median)
echo "intake without counter upkeep:$without cases/s, median $m_without"
echo "intake with counter upkeep:   $with cases/s, median $m_with"
awk -v a="$m_with" -v b="$m_without" 'BEGIN {
	printf "ratio with/without: %.3f (upkeep costs %.1f %% of intake; budget 15 %%)\n", a / b, (1 - a / b) * 100 }'
