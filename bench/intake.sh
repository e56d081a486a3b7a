#!/bin/sh
# intake.sh - cases/s through POST /api/v1/cases (photo-less bodies, an API
# client's Bearer token, 2 wrk threads x 16 connections for DURATION s)
# against the peer: SQLite's own rate of single-row transactions (INSERT of
# a row of the same width, WAL, synchronous=NORMAL) in the same run.
# Checks nothing is lost: every 2xx answer has its row (a few more rows may
# exist: requests in flight when wrk stopped counting, at most one per
# connection, completed on the server).
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-build/urbangrid}
DURATION=${DURATION:-10}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

$BIN demo --db "$dir/b.db" --days 0 >/dev/null
UG_TOKEN=$($BIN token create --db "$dir/b.db" --user api_client)
export UG_TOKEN
. bench/serve.sh
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
serve_start "$dir/b.db" ${SERVE_ARGS:-}
before=$(sqlite3 "$dir/b.db" "SELECT COUNT(*) FROM case_file")
wrk -t2 -c16 -d"${DURATION}s" -s bench/intake.lua "$base/" >"$dir/wrk" 2>&1
kill -TERM "$pid"
wait "$pid" || true
after=$(sqlite3 "$dir/b.db" "SELECT COUNT(*) FROM case_file")
summary=$(grep '^requests' "$dir/wrk")
requests=$(echo "$summary" | awk '{print $2}')
bad=$(echo "$summary" | awk '{print $4}')
ok=$((requests - bad))
rate=$(awk -v n="$ok" -v d="$DURATION" 'BEGIN { printf "%.0f", n / d }')

# The peer: N single-row transactions straight into SQLite.
n=20000
{
	echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	echo "CREATE TABLE t (id INTEGER PRIMARY KEY, number TEXT, state TEXT, category TEXT, description TEXT, lon REAL, lat REAL, area TEXT, created_at INTEGER);"
	i=0
	while [ $i -lt $n ]; do
		echo "BEGIN; INSERT INTO t (number, state, category, description, lon, lat, area, created_at) VALUES ('20261123$i', 'reported', '06010', '压测上报 $i', 116.4, 39.9, '110101001', 1795400000); COMMIT;"
		i=$((i + 1))
	done
} >"$dir/peer.sql"
start=$(date +%s.%N)
sqlite3 "$dir/peer.db" <"$dir/peer.sql" >/dev/null
end=$(date +%s.%N)
peer=$(awk -v n=$n -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')

echo "intake: $ok cases in ${DURATION}s = $rate cases/s (non-2xx: $bad; $summary)"
rows=$((after - before))
lost=no
if [ "$rows" -lt "$ok" ] || [ "$rows" -gt $((ok + 16)) ]; then lost=yes; fi
echo "rows written: $rows (2xx answers counted by wrk: $ok; in flight at the end: $((rows - ok))) -> $( [ $lost = no ] && echo 'nothing lost' || echo 'MISMATCH')"
echo "peer: sqlite3 single-row transactions: $peer rows/s"
awk -v a="$rate" -v b="$peer" 'BEGIN { printf "ratio intake/sqlite: %.2f\n", a / b }'
[ $lost = no ]
