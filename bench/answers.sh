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
. bench/lib.sh
bench_init

bench_demo "$dir/b.db" 90
id=$(sqlite3 "$dir/b.db" "SELECT number FROM case_file WHERE state = 'closed' ORDER BY id LIMIT 1")

run() { # name path
	wrk_line 34 "$1" bench/open311_get.lua "$2"
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
{ echo "$one_64"; echo "$one_0"; ratio cached/uncached 1 "$one_64" "$one_0"; echo "$list_64"; echo "$list_0"; ratio cached/uncached 1 "$list_64" "$list_0"; }
