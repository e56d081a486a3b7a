#!/bin/sh
# intake.sh - cases/s through POST /api/v1/cases (photo-less bodies, an API
# client's Bearer token, 2 wrk threads x 16 connections for DURATION s)
# against the peer: SQLite's own rate of single-row durable transactions
# (bench/sqlite_peer.c: one INSERT of a row of the same width per
# transaction, WAL, synchronous=FULL, a file in the same folder) in the
# same run; the peer with synchronous=NORMAL is printed too.
# Checks nothing is lost: every 2xx answer has its row (a few more rows may
# exist: requests in flight when wrk stopped counting, at most one per
# connection, completed on the server).
# BIN=... runs another build (e.g. an older one, for before/after);
# SERVE_ARGS=... adds serve flags; HISTORY=N loads N closed cases of the
# two years before (bench/intake_history.sql) under the run.  The group commit's figures from
# /metrics follow: transactions a commit, the time of a commit and of a
# turn on the writer (0 for a build without urbangrid_db_turns_total).
# And the server's CPU time per case (from /proc/PID/stat).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init

bench_demo "$dir/b.db" 0
# HISTORY=N: the city's closed history first (bench/intake_history.sql).
if [ "${HISTORY:-0}" -gt 0 ]; then
	printf '.parameter set @n %d\n.read bench/intake_history.sql\n' "$HISTORY" |
		sqlite3 "$dir/b.db"
	sqlite3 "$dir/b.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
UG_TOKEN=$(bench_token "$dir/b.db" api_client)
export UG_TOKEN
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
serve_start "$dir/b.db" --metrics-listen 127.0.0.1:0 ${SERVE_ARGS:-}
before=$(sqlite3 "$dir/b.db" "SELECT COUNT(*) FROM case_file")
# The server's CPU time (user + system, clock ticks) around the run: per
# case, it is less at the mercy of this machine's neighbours than the rate.
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
cpu0=$(ticks)
wrk -t2 -c16 -d"${DURATION}s" -s bench/intake.lua "$base/" >"$dir/wrk" 2>&1
cpu1=$(ticks)
metrics=$(sed -n 's/^metrics on \(http:.*\)$/\1/p' "$dir/out")
curl -s "$metrics" >"$dir/metrics"
kill -TERM "$pid"
wait "$pid" || true
after=$(sqlite3 "$dir/b.db" "SELECT COUNT(*) FROM case_file")
summary=$(grep '^requests' "$dir/wrk")
requests=$(echo "$summary" | awk '{print $2}')
bad=$(echo "$summary" | awk '{print $4}')
ok=$((requests - bad))
rate=$(awk -v n="$ok" -v d="$DURATION" 'BEGIN { printf "%.0f", n / d }')

# The peer: single-row transactions straight into SQLite, on the same
# disk (the run's folder).
PEER=build/sqlite_peer
if [ ! -x $PEER ] || [ bench/sqlite_peer.c -nt $PEER ]; then
	mkdir -p build
	cc -std=c11 -O2 -D_DEFAULT_SOURCE -o $PEER bench/sqlite_peer.c -lsqlite3
fi
peer_full=$($PEER "$dir/peer-full.db" 3000 full | awk '{ print $(NF-2) }')
peer_normal=$($PEER "$dir/peer-normal.db" 20000 normal | awk '{ print $(NF-2) }')
peer=$peer_full

echo "intake: $ok cases in ${DURATION}s = $rate cases/s (non-2xx: $bad; $summary)"
rows=$((after - before))
lost=no
if [ "$rows" -lt "$ok" ] || [ "$rows" -gt $((ok + 16)) ]; then lost=yes; fi
echo "rows written: $rows (2xx answers counted by wrk: $ok; in flight at the end: $((rows - ok))) -> $( [ $lost = no ] && echo 'nothing lost' || echo 'MISMATCH')"
awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$ok" 'BEGIN {
	printf "server CPU: %.0f us a case (user + system, /proc)\n", n ? t * 1e6 / hz / n : 0 }'
echo "peer: SQLite single-row transactions, synchronous=FULL: $peer_full rows/s (NORMAL: $peer_normal rows/s)"
awk -v a="$rate" -v b="$peer" 'BEGIN { printf "ratio intake/sqlite FULL: %.2f\n", a / b }'
awk '$1 ~ /^urbangrid_db_/ { v[$1] = $2 }
END {
	c = v["urbangrid_db_commits_total"]; t = v["urbangrid_db_turns_total"]
	printf "group commit: %.1f transactions a commit, %.0f us a commit, %.0f us a turn\n",
		c ? v["urbangrid_db_transactions_total"] / c : 0,
		c ? v["urbangrid_db_commit_seconds_total"] * 1e6 / c : 0,
		t ? v["urbangrid_db_turn_seconds_total"] * 1e6 / t : 0
}' "$dir/metrics"
[ $lost = no ]
