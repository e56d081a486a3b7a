# serve.sh - sourced by the HTTP benchmarks: start `urbangrid serve` on a
# free loopback port and wait for it.
#   serve_start DB [FLAGS...]  sets $pid and $base (http://127.0.0.1:PORT);
#                              uses $BIN and $dir (the run's temp folder)
serve_start() {
	db=$1
	shift
	$BIN serve --db "$db" --listen 127.0.0.1:0 --quiet "$@" >"$dir/out" 2>"$dir/err" &
	pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		[ -s "$dir/out" ] && break
		sleep 0.2
	done
	base=$(sed -n 's/^listening on \(http:.*\)\/$/\1/p' "$dir/out")
	[ -n "$base" ] || { cat "$dir/err" >&2; exit 1; }
}
