#!/bin/sh
# reads.sh - our fastest reads against the HTTP library itself: Open311
# `GET requests/{id}.json` (a closed demo case, from the answer cache),
# the public page's `GET /public/api/reports/{number}` and a static file
# of `serve --site` (the same size as the first), each against
# bench/bare_mhd.c — libmicrohttpd answering the same bytes from memory
# with the same thread pool, no work of ours — in the same run, wrk -t2
# -c16 on the same two cores.  RUNS rounds (default 3), each round every
# server in turn, DURATION s each (default 5); medians and the ratio.
# Rate limits are off (one address).  Needs wrk, sqlite3, curl.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${DURATION:-5}
bench_init
RUNS=${RUNS:-3}
THREADS=${THREADS:-32}
peer=""
trap 'kill "$pid" 2>/dev/null || true; [ -z "$peer" ] || kill "$peer" 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p build/bench
cc -std=c11 -O2 -D_DEFAULT_SOURCE -o build/bench/bare_mhd bench/bare_mhd.c \
	$(pkg-config --cflags --libs libmicrohttpd)

bench_demo "$dir/b.db" 30
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
mkdir "$dir/site"
serve_start "$dir/b.db" --threads "$THREADS" --public-read-rate 0 --site "$dir/site" ${SERVE_ARGS:-}
id=$(sqlite3 "$dir/b.db" "SELECT number FROM case_file WHERE state = 'closed' ORDER BY id LIMIT 1")
get=/open311/v2/requests/$id.json
page=/public/api/reports/$id
curl -sf "$base$get" >"$dir/get.json"
curl -sf "$base$page" >"$dir/page.json"
cp "$dir/get.json" "$dir/site/static.json"
static=/site/static.json
cp "$dir/get.json" "$dir/static.json"

# The peers: the same bytes from memory.
peer_start() { # file -> $peer, $peer_base
	build/bench/bare_mhd "$1" "$THREADS" >"$dir/peer.out" &
	peer=$!
	peer_base=""
	for _ in $(seq 100); do
		peer_base=$(sed -n 's/^listening on \(http:.*\)\/$/\1/p' "$dir/peer.out")
		[ -n "$peer_base" ] && break
		sleep 0.1
	done
	[ -n "$peer_base" ] || { echo "reads.sh: the bare peer did not start" >&2; exit 1; }
}
peer_stop() { kill "$peer"; wait "$peer" 2>/dev/null || true; peer=""; }

rate() { # base path -> req/s (2xx only: a run with errors reports them)
	WRK_PATH=$2 wrk -t2 -c16 -d"${DURATION}s" --timeout 10s -s bench/open311_get.lua "$1/" 2>&1 |
		awk -v d="$DURATION" '/^requests/ { if ($4 != 0) { print "non-2xx: " $4 > "/dev/stderr"; exit 1 } printf "%.0f\n", $2 / d }'
}

: >"$dir/ours_get"; : >"$dir/peer_get"; : >"$dir/ours_page"; : >"$dir/peer_page"
: >"$dir/ours_static"; : >"$dir/peer_static"
i=0
while [ "$i" -lt "$RUNS" ]; do
	rate "$base" "$get" >>"$dir/ours_get"
	peer_start "$dir/get.json"; rate "$peer_base" "$get" >>"$dir/peer_get"; peer_stop
	rate "$base" "$page" >>"$dir/ours_page"
	peer_start "$dir/page.json"; rate "$peer_base" "$page" >>"$dir/peer_page"; peer_stop
	rate "$base" "$static" >>"$dir/ours_static"
	peer_start "$dir/static.json"; rate "$peer_base" "$static" >>"$dir/peer_static"; peer_stop
	i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid" || true

echo "threads $THREADS, wrk -t2 -c16, ${DURATION} s x $RUNS rounds; load $(cut -d' ' -f1-3 /proc/loadavg)"
for what in get page static; do
	size=$(wc -c <"$dir/$what.json")
	ours=$(median <"$dir/ours_$what")
	bare=$(median <"$dir/peer_$what")
	case $what in
	get) name="GET requests/{id}.json ($size B)" ;;
	page) name="GET /public/api/reports ($size B)" ;;
	static) name="static file, --site ($size B)" ;;
	esac
	printf '%-34s ours %s (median %s)  bare %s (median %s)  ratio %.2f\n' "$name" \
		"$(tr '\n' ' ' <"$dir/ours_$what")" "$ours" "$(tr '\n' ' ' <"$dir/peer_$what")" "$bare" \
		"$(echo "$ours $bare" | awk '{ print $1 / $2 }')"
done
