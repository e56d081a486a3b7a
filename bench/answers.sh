#!/bin/sh
# answers.sh - Open311's public reads with the answer cache (serve
# --public-cache-mb, the default) against the same server without it
# (--public-cache-mb 0), in the same run, wrk -t2 -c16 for DURATION s
# each on the same 2 cores as the server:
#   GET /open311/v2/requests/{id}.json               one report
#   GET /open311/v2/requests.json?extensions=true    the list (1,000)
# Nothing is written meanwhile, so every cached read is a hit: the
# figures are the ceiling a city's polling clients see between changes.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-build/urbangrid}
DURATION=${DURATION:-10}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

$BIN demo --db "$dir/b.db" --days 90 >/dev/null
. bench/serve.sh
id=$(sqlite3 "$dir/b.db" "SELECT number FROM case_file WHERE state = 'closed' ORDER BY id LIMIT 1")

run() { # name path
	WRK_PATH=$2 wrk -t2 -c16 -d"${DURATION}s" --timeout 10s -s bench/open311_get.lua "$base/" 2>&1 |
		grep '^requests' | awk -v name="$1" -v d="$DURATION" \
		'{ printf "%-34s %8.0f req/s  p50 %6s ms  p99 %6s ms  non-2xx %s\n", name, $2 / d, $6, $8, $4 }'
}
ratio() { # line line
	echo "$1" "$2" | awk '{ for (i = 1; i <= NF; i++) if ($i == "req/s") r[++n] = $(i - 1) }
		END { printf "ratio cached/uncached: %.1f\n", r[1] / r[2] }'
}

for mb in 64 0; do
	rm -f "$dir/out" # serve_start waits for it to fill
	serve_start "$dir/b.db" --public-read-rate 0 --public-cache-mb "$mb"
	curl -sf "$base/open311/v2/requests.json?extensions=true" >"$dir/list.json"
	eval "one_$mb=\$(run \"GET requests/{id}.json (cache $mb MB)\" \"/open311/v2/requests/$id.json\")"
	eval "list_$mb=\$(run \"GET requests.json?ext (cache $mb MB)\" \"/open311/v2/requests.json?extensions=true\")"
	kill -TERM "$pid"
	wait "$pid" || true
done
echo "list: $(wc -c <"$dir/list.json") bytes"
# shellcheck disable=SC2154 # set by eval above
{ echo "$one_64"; echo "$one_0"; ratio "$one_64" "$one_0"; echo "$list_64"; echo "$list_0"; ratio "$list_64" "$list_0"; }
