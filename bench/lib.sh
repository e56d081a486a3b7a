# shellcheck shell=sh
# lib.sh - sourced by the HTTP benchmarks (from the checkout's root, after
# `set -eu`): the run's set-up and the pieces they share.
#   bench_init               BIN (default build/urbangrid), DURATION (default
#                            10), a temp folder $dir removed on exit, when
#                            the server ($pid) is stopped too
#   bench_demo DB DAYS       the demo city into DB with DAYS days of cases
#   bench_token DB USER      print a new API token of USER
#   serve_start DB [FLAGS...]  start `urbangrid serve` on a free loopback
#                            port and wait for it; sets $pid and $base
#                            (http://127.0.0.1:PORT)
#   wrk_line WIDTH NAME LUA PATH  one wrk run (2 threads x 16 connections,
#                            DURATION s) of script LUA on PATH as a line:
#                            NAME (WIDTH wide), req/s, p50, p99, non-2xx
#   ratio LABEL DIGITS LINE LINE  "ratio LABEL: x", x the first line's req/s
#                            over the second's, DIGITS decimals
#   median                   the median of the numbers on stdin (any
#                            blanks between; an even count: the mean of
#                            the middle two)
bench_init() {
	BIN=${BIN:-build/urbangrid}
	DURATION=${DURATION:-10}
	dir=$(mktemp -d)
	pid=""
	trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
}

bench_demo() {
	$BIN demo --db "$1" --days "$2" >/dev/null
}

bench_token() {
	$BIN token create --db "$1" --user "$2"
}

serve_start() {
	db=$1
	shift
	$BIN serve --db "$db" --listen 127.0.0.1:0 --quiet "$@" >"$dir/out" 2>"$dir/err" &
	pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		grep -q '^listening on' "$dir/out" 2>/dev/null && break
		sleep 0.2
	done
	base=$(sed -n 's/^listening on \(http:.*\)\/$/\1/p' "$dir/out")
	[ -n "$base" ] || { cat "$dir/err" >&2; exit 1; }
}

wrk_line() {
	WRK_PATH=$4 wrk -t2 -c16 -d"${DURATION}s" --timeout 10s -s "$3" "$base/" 2>&1 |
		grep '^requests' | awk -v name="$2" -v w="$1" -v d="$DURATION" \
		'{ printf "%-*s %8.0f req/s  p50 %6s ms  p99 %6s ms  non-2xx %s\n", w, name, $2 / d, $6, $8, $4 }'
}

ratio() {
	echo "$3" "$4" | awk -v label="$1" -v digits="$2" \
		'{ for (i = 1; i <= NF; i++) if ($i == "req/s") r[++n] = $(i - 1) }
		END { printf "ratio %s: %.*f\n", label, digits, r[1] / r[2] }'
}

median() {
	tr -s ' \t' '\n\n' | grep . | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
