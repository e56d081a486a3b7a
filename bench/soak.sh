#!/bin/sh
# soak.sh - `make soak`: the server under a steady day's mix (bench/
# soak.lua) at half its measured peak for SOAK_MINUTES (30), one wrk run
# per minute; after each minute the server's resident memory - the
# median of its VmRSS read every 5 s through the minute, and the minute's
# peak (VmHWM, reset as the minute starts) - and the minute's p50/p99.
# The median, not one reading: the server gives free heap back when it
# has grown by a few MB (cmd_serve.c), so one reading lands anywhere
# between two trims, and the peak catches the moments it works hardest
# (the daily reports rendered) rather than its level.  Judged on the
# median; the peak is shown.  Passes when, after the warm-up, memory grew
# less than 5 % along the least-squares line through the minutes (a leak,
# a creep or a step tilts it; a minute above or below the others does
# not), no minute's p99 is above 3x the median minute's p99, and no
# answer was an error, the mix's or the desk's (bench/soak_desk.mjs: a
# receptionist rejecting the mix's reports as they arrive, so the open
# cases stay at a city's level rather than pile up).  The warm-up lasts while the server's bounded
# caches fill: at least the first sixth of the run, and until the minute
# from which on memory grew less than 5 %; none by half the run is a
# FAIL.  Not part of make
# test; results in bench/results/soak.txt.
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
# A line needs a few minutes after the warm-up.
[ "$MINUTES" -ge 6 ] || { echo "soak: SOAK_MINUTES must be at least 6" >&2; exit 2; }
CONNS=16

bench_demo "$dir/s.db" 30
UG_TOKEN=$(bench_token "$dir/s.db" api_client)
UG_STAFF=$(bench_token "$dir/s.db" leader)
UG_DESK=$(bench_token "$dir/s.db" receptionist)
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
export UG_TOKEN UG_STAFF SOAK_IDS SOAK_WRITE_PCT UG_DESK
# The receptionist's desk, for the whole run (the peak's minute too).
node bench/soak_desk.mjs "$base" >"$dir/desk" 2>&1 &
desk=$!

# The minute's peak: the kernel's high-water mark, reset to the current
# size by "5" in clear_refs (proc(5), Linux 4.0 and later).
peak_reset() {
	echo 5 >"/proc/$pid/clear_refs" 2>/dev/null ||
		{ echo "soak: cannot reset the server's peak memory (/proc/$pid/clear_refs)" >&2; exit 1; }
}
rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
# The allocator's heap in use or free but kept (in_use|free), KiB
# (/metrics) - shown, not judged: RSS is.
heap() { curl -s "$metrics" | awk -v s="$1" '$1 == "urbangrid_heap_bytes{state=\"" s "\"}" { printf "%d", $2 / 1024 }'; }
minute() { # seconds delay -> "requests errors p50 p99"; VmRSS every 5 s
	# into $dir/samples meanwhile
	: >"$dir/samples"
	SOAK_DELAY_MS=$2 wrk -t2 -c$CONNS -d"$1s" --timeout 10s -s bench/soak.lua "$base/" >"$dir/wrk" 2>&1 &
	w=$!
	while sleep 5 && kill -0 "$w" 2>/dev/null; do
		rss VmRSS >>"$dir/samples"
	done
	wait "$w" || true
	awk '/^requests/ { print $2, $4, $6, $8 }' "$dir/wrk"
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
	peak_reset
	set -- $(minute 60 "$delay")
	r=$(median <"$dir/samples")
	printf 'minute %2d  %7.0f req/s  non-2xx %s  p50 %6s ms  p99 %7s ms  rss %s KiB  peak %s KiB  heap in use %s KiB  free %s KiB\n' \
		"$i" "$(($1 / 60))" "$2" "$3" "$4" "$r" "$(rss VmHWM)" "$(heap in_use)" "$(heap free)" | tee -a "$out"
	i=$((i + 1))
done
kill -TERM "$desk"
wait "$desk" || true
kill -TERM "$pid"
wait "$pid" || true
cat "$dir/desk"
desk_failed=$(awk '/^desk:/ { print $4 }' "$dir/desk")
[ -n "$desk_failed" ] || { echo "soak: the desk gave no count" >&2; desk_failed=1; }
# Memory growth is read off the least-squares line through the minutes'
# memory (the server's memory moves both ways by a few per cent from
# minute to minute - it gives free heap back - so two single minutes
# would judge the noise; a leak, a creep or a step still tilts the line).
# grow FIRST: "growth% fitted_first fitted_last" over minutes FIRST..end.
grow() {
	awk -v w="$1" 'NR >= w { n++; x[n] = NR; y[n] = $14; sx += NR; sy += $14 }
	END { mx = sx / n; my = sy / n
	      for (i = 1; i <= n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ^ 2 }
	      k = sxx > 0 ? sxy / sxx : 0; a = my + k * (x[1] - mx); b = a + k * (x[n] - x[1])
	      printf "%.1f %d %d\n", 100 * (b - a) / a, a, b }' "$out"
}
# The warm-up lasts while the server's bounded caches fill (a page cache
# per connection, the answer cache; how long depends on the data the mix
# grows): it ends at the first minute from the sixth of the run from
# which on memory grew less than 5 %.  None by half the run: a FAIL (a
# leak never settles).  Shown too: the growth from the sixth on.
settled=0
i=$((warm + 1))
while [ "$i" -le $((MINUTES / 2)) ]; do
	set -- $(grow "$i")
	if awk -v g="$1" 'BEGIN { exit !(g < 5) }'; then settled=$i; break; fi
	i=$((i + 1))
done
set -- $(grow $((warm + 1)))
echo "memory from minute $((warm + 1)) (the sixth of the run) on: $1 % along its line ($2 -> $3 KiB)"
if [ "$settled" -eq 0 ]; then
	echo "memory did not settle (grew 5 % or more from every minute up to the half of the run)"
	echo "soak: FAIL"
	exit 1
fi
warm=$((settled - 1))
set -- $(grow "$settled")
growth=$1 fit_first=$2 fit_last=$3
base=$(awk -v w="$settled" 'NR == w { print $14 }' "$out")
last=$(awk 'END { print $14 }' "$out")
errors=$(awk -v d="$desk_failed" '{ e += $6 } END { print e + d }' "$out")
med=$(awk -v w="$warm" 'NR > w { print $11 }' "$out" | median)
worst=$(awk -v w="$warm" 'NR > w { print $11 }' "$out" | sort -g | tail -1)
awk -v w="$warm" -v g="$growth" -v f="$fit_first" -v fl="$fit_last" -v b="$base" -v l="$last" -v med="$med" -v worst="$worst" -v e="$errors" 'BEGIN {
	printf "after the %d-minute warm-up: rss along its trend %d -> %d KiB (%+.1f %%; minutes %d -> %d KiB), p99 median %.2f ms, worst %.2f ms (%.1fx), non-2xx %d (with the desk)\n",
		w, f, fl, g, b, l, med, worst, worst / med, e
	ok = g < 5 && worst <= 3 * med && e == 0
	print ok ? "soak: PASS" : "soak: FAIL"
	exit ok ? 0 : 1
}'
