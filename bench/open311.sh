#!/bin/sh
# open311.sh - Open311 throughput and p99 latency with wrk (2 threads x 16
# connections, DURATION s each, on the same 2 cores as the server):
#   GET /open311/v2/requests/{id}.json  - one request with its view
#   POST /open311/v2/requests.json      - form-encoded reports with a key
# each against its peer in the same run: a static file of the same size as
# the answer, served by the same binary (serve --site) - the floor of
# what the server does per request without any work of ours.
# Rate limits are off for the run (the bench is one address and one key).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init

bench_demo "$dir/b.db" 30
UG_TOKEN=$(bench_token "$dir/b.db" api_client)
export UG_TOKEN
mkdir "$dir/site"
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
serve_start "$dir/b.db" --site "$dir/site" --public-read-rate 0 --api-key-rate 0 ${SERVE_ARGS:-}

# A closed demo case of a public class: the richest answer (department,
# notes) a citizen would poll for.
id=$(sqlite3 "$dir/b.db" "SELECT number FROM case_file WHERE state = 'closed' ORDER BY id LIMIT 1")
curl -sf "$base/open311/v2/requests/$id.json" >"$dir/get.json"
post_reply=$(curl -sf -d "api_key=$UG_TOKEN&service_code=06010&lat=39.9&long=116.41&description=size" \
	"$base/open311/v2/requests.json")
printf '%s' "$post_reply" >"$dir/post.json"
# Static files of exactly those sizes.
head -c "$(wc -c <"$dir/get.json")" /dev/zero | tr '\0' 'x' >"$dir/site/get.json"
head -c "$(wc -c <"$dir/post.json")" /dev/zero | tr '\0' 'x' >"$dir/site/post.json"

run() { # name lua path
	wrk_line 28 "$@"
}

before=$(sqlite3 "$dir/b.db" "SELECT COUNT(*) FROM open311_request")
get=$(run "GET requests/{id}.json" bench/open311_get.lua "/open311/v2/requests/$id.json")
sget=$(run "static, same size" bench/open311_get.lua "/site/get.json")
post=$(run "POST requests.json" bench/open311_post.lua "/")
spost=$(run "static, same size" bench/open311_get.lua "/site/post.json")
kill -TERM "$pid"
wait "$pid" || true
after=$(sqlite3 "$dir/b.db" "SELECT COUNT(*) FROM open311_request")

echo "answer sizes: GET $(wc -c <"$dir/get.json") bytes, POST $(wc -c <"$dir/post.json") bytes"
echo "$get"
echo "$sget"
ratio GET/static 2 "$get" "$sget"
echo "$post"
echo "$spost"
ratio POST/static 2 "$post" "$spost"
echo "reports stored during the POST run: $((after - before))"
