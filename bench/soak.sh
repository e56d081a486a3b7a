#!/bin/sh
# soak.sh - `make soak`: the server under a steady day's mix (bench/
# soak.lua) at half its measured peak for SOAK_MINUTES (30), one wrk run
# per minute; after each minute the server's resident memory (VmRSS) and
# the minute's p50/p99.  Passes when, after the warm-up, memory grew
# less than 5 % and no minute's p99 is above 3x the median minute's p99.
# The warm-up lasts while the server's bounded caches fill (a page cache
# per connection, the answer cache): at least the first sixth of the
# run, and until resident memory moved less than 1 % over two minutes -
# judged from the run, since how long the caches take depends on the
# data the mix grows.  Memory that has not settled by half the run is a
# FAIL (a leak never settles; one that starts later shows as growth
# after the warm-up).  Not part of make test; results in
# bench/results/soak.txt.
#   SOAK_MINUTES=10 bench/soak.sh   a shorter run (at least 6)
#   SERVE_ARGS="--public-cache-mb 0" bench/soak.sh   other server flags
#   SOAK_WRITE_PCT=10 bench/soak.sh   new reports' share of the requests
#                                     (1 % by default: bench/soak.lua)
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init
MINUTES=${SOAK_MINUTES:-30}
warm=$((MINUTES / 6))
[ "$warm" -ge 1 ] || warm=1
# The warm-up is judged over two minutes within the first half, and a
# minute after it is needed to judge anything.
[ "$MINUTES" -ge 6 ] || { echo "soak: SOAK_MINUTES must be at least 6" >&2; exit 2; }
CONNS=16

bench_demo "$dir/s.db" 30
UG_TOKEN=$(bench_token "$dir/s.db" api_client)
UG_STAFF=$(bench_token "$dir/s.db" leader)
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
serve_start "$dir/s.db" --public-read-rate 0 --public-write-rate 0 --api-key-rate 0 \
	--metrics-listen 127.0.0.1:0 ${SERVE_ARGS:-}
metrics=$(sed -n 's/^metrics on \(http:.*\)$/\1/p' "$dir/out")
# The cases Open311 shows (its list), which citizens' apps poll.
SOAK_IDS=$(curl -sf "$base/open311/v2/requests.json" |
	node -e 'let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
		console.log(JSON.parse(s).map((r) => r.service_request_id).slice(0, 200).join(",")); });')
[ -n "$SOAK_IDS" ] || { echo "soak: Open311 lists no case" >&2; exit 1; }
SOAK_WRITE_PCT=${SOAK_WRITE_PCT:-1}
export UG_TOKEN UG_STAFF SOAK_IDS SOAK_WRITE_PCT

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
# The allocator's heap in use, KiB (/metrics): what RSS holds besides is
# freed heap the server keeps (cmd_serve.c) - shown, not judged.
heap() { curl -s "$metrics" | awk '/^urbangrid_heap_bytes\{state="in_use"\}/ { printf "%d", $2 / 1024 }'; }
minute() { # seconds delay -> "requests errors p50 p99"
	SOAK_DELAY_MS=$2 wrk -t2 -c$CONNS -d"$1s" --timeout 10s -s bench/soak.lua "$base/" 2>&1 |
		awk '/^requests/ { print $2, $4, $6, $8 }'
}

# The peak of this mix on this machine, then half of it: each connection
# waits so that CONNS connections make half the peak's requests.
set -- $(minute 20 0)
peak=$(($1 / 20))
[ "$peak" -gt 0 ] || { echo "soak: no answers at peak" >&2; exit 1; }
delay=$(awk -v c=$CONNS -v p="$peak" -v lat="$3" 'BEGIN { d = c * 1000 / (p / 2) - lat; printf "%d", d < 1 ? 1 : d }')
echo "peak ${peak} req/s (p99 $4 ms); soak at about $((peak / 2)) req/s: $CONNS connections, ${delay} ms between requests, $MINUTES minutes, ${SOAK_WRITE_PCT} % new reports; server ${SERVE_ARGS:-with its defaults}"
out=$dir/minutes
: >"$out"
i=1
while [ "$i" -le "$MINUTES" ]; do
	set -- $(minute 60 "$delay")
	r=$(rss)
	printf 'minute %2d  %7.0f req/s  non-2xx %s  p50 %6s ms  p99 %7s ms  rss %s KiB  heap in use %s KiB\n' \
		"$i" "$(($1 / 60))" "$2" "$3" "$4" "$r" "$(heap)" | tee -a "$out"
	i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid" || true
# The warm-up's end: the first minute from the sixth of the run on whose
# memory is within 1 % of two minutes before; none by half the run: 0.
settled=$(awk -v w="$warm" -v half=$((MINUTES / 2)) '{ r[NR] = $14 }
	END { for (i = (w > 2 ? w : 3); i <= half; i++)
		if (r[i] - r[i - 2] < r[i - 2] / 100 && r[i - 2] - r[i] < r[i - 2] / 100) { print i; exit }
	      print 0 }' "$out")
if [ "$settled" -eq 0 ]; then
	echo "memory did not settle (within 1 % over two minutes) by minute $((MINUTES / 2))"
	echo "soak: FAIL"
	exit 1
fi
warm=$settled
# After the warm-up: memory growth, the median and worst minute's p99.
base=$(awk -v w="$warm" 'NR == w { print $14 }' "$out")
last=$(awk 'END { print $14 }' "$out")
errors=$(awk '{ e += $6 } END { print e }' "$out")
awk -v w="$warm" 'NR > w { print $11 }' "$out" | sort -n >"$dir/p99"
m=$(wc -l <"$dir/p99")
med=$(awk -v m="$m" '{ v[NR] = $1 } END { print (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }' "$dir/p99")
worst=$(tail -1 "$dir/p99")
awk -v w="$warm" -v b="$base" -v l="$last" -v med="$med" -v worst="$worst" -v e="$errors" 'BEGIN {
	g = 100 * (l - b) / b
	printf "after the %d-minute warm-up: rss %d -> %d KiB (%+.1f %%), p99 median %.2f ms, worst %.2f ms (%.1fx), non-2xx %d\n",
		w, b, l, g, med, worst, worst / med, e
	ok = g < 5 && worst <= 3 * med && e == 0
	print ok ? "soak: PASS" : "soak: FAIL"
	exit ok ? 0 : 1
}'
