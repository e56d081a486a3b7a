#!/bin/sh
# answers.sh - Open311's public reads with the answer cache (serve
# --public-cache-mb, the default) against the same server without it
# (--public-cache-mb 0), in the same run, wrk -t2 -c16 for DURATION s
# each on the same 2 cores as the server:
#   GET /open311/v2/requests/{id}.json               one report
#   GET /open311/v2/requests.json?extensions=true    the list (1,000)
# Nothing is written meanwhile, so every cached read is a hit: the
# figures are the ceiling a city's polling clients see between changes.
# Then the list again while reports arrive (one every 100 ms through
# Open311's POST, a curl loop beside wrk): every report moves the
# version, so each change costs the list once - or once per asker
# caught by it, without the cache's one-maker rule.
# BIN=... runs another build (before/after).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init

bench_demo "$dir/b.db" 90
id=$(sqlite3 "$dir/b.db" "SELECT number FROM case_file WHERE state = 'closed' ORDER BY id LIMIT 1")

run() { # name path
	wrk_line 34 "$1" bench/open311_get.lua "$2"
}
key=$(bench_token "$dir/b.db" api_client)

# Reports every 100 ms until the flag file goes (the writes wrk's run
# sees; the rate is what a busy city's hour looks like, times ten).
reports() {
	n=0
	while [ -e "$dir/writing" ]; do
		n=$((n + 1))
		curl -sf -o /dev/null -X POST "$base/open311/v2/requests.json" \
			-d "api_key=$key&service_code=06010&lat=39.91&long=116.41&description=bench+$n" ||
			echo "answers: a report was refused" >&2
		sleep 0.1
	done
}

for mb in 64 0; do
	rm -f "$dir/out" # serve_start waits for it to fill
	serve_start "$dir/b.db" --public-read-rate 0 --public-write-rate 0 --api-key-rate 0 \
		--public-cache-mb "$mb"
	curl -sf "$base/open311/v2/requests.json?extensions=true" >"$dir/list.json"
	eval "one_$mb=\$(run \"GET requests/{id}.json (cache $mb MB)\" \"/open311/v2/requests/$id.json\")"
	eval "list_$mb=\$(run \"GET requests.json?ext (cache $mb MB)\" \"/open311/v2/requests.json?extensions=true\")"
	touch "$dir/writing"
	reports &
	writer=$!
	eval "busy_$mb=\$(run \"the same, reports arriving ($mb MB)\" \"/open311/v2/requests.json?extensions=true\")"
	rm -f "$dir/writing"
	wait "$writer"
	kill -TERM "$pid"
	wait "$pid" || true
done
echo "list: $(wc -c <"$dir/list.json") bytes"
# shellcheck disable=SC2154 # set by eval above
{ echo "$one_64"; echo "$one_0"; ratio cached/uncached 1 "$one_64" "$one_0"; echo "$list_64"; echo "$list_0"; ratio cached/uncached 1 "$list_64" "$list_0"; echo "$busy_64"; echo "$busy_0"; ratio cached/uncached 1 "$busy_64" "$busy_0"; }
