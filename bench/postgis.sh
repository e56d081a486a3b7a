#!/bin/sh
# postgis.sh - gridindex's peer in a database: PostGIS ST_Contains with a
# GiST index on the same 100,000 grids and 1,000,000 points as
# bench/gridindex_bench.c (its --dump), in a throwaway PostgreSQL cluster.
# Prints single-point queries/s, one bulk join's points/s, the ratio of our
# index to each, and how far the answers agree (bench/README.md).
# Without PostgreSQL + PostGIS it says so and exits 0.
#
#   bench/postgis.sh     # after scripts/bench built build/bench/gridindex_bench
#
# Environment: GRIDINDEX_BENCH (the bench binary), SINGLE (points of the
# server-side loop, 20000), PGBENCH_SECONDS (10).  Exit status 1 if
# PostGIS and our index disagree on a point that is not on a boundary.
# shellcheck disable=SC2154  # grids, points, found, x0... come from meta.env
set -eu
cd "$(dirname "$0")/.."

BENCH=${GRIDINDEX_BENCH:-build/bench/gridindex_bench}
SINGLE=${SINGLE:-20000}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-10}
RUNS=3

# The share directory of the server whose binaries are in $1.
server_sharedir() {
	if [ -x "$1/pg_config" ]; then
		"$1/pg_config" --sharedir
		return
	fi
	major=$("$1/postgres" --version | awk '{ split($3, v, "."); print v[1] }')
	for s in "/usr/share/postgresql/$major" "$1/../share/postgresql" "$1/../share"; do
		[ -d "$s/extension" ] && { echo "$s"; return; }
	done
}

# A bin directory holding initdb, pg_ctl and postgres whose share has
# PostGIS, or nothing.  Looked for: pg_config's (on Debian /usr/bin/pg_config
# comes with libpq-dev, which needs no server), Debian's versioned
# directories newest first, then PATH with symlinks resolved (this machine's
# /usr/local/bin/pg_ctl, initdb and postgres link into Debian's
# /usr/lib/postgresql/15/bin).
server_bindir() {
	for d in "$(pg_config --bindir 2>/dev/null || true)" \
		$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5rn) \
		"$(dirname "$(readlink -f "$(command -v pg_ctl || echo /none/pg_ctl)")")"; do
		[ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] &&
			[ -x "$d/postgres" ] || continue
		if [ -f "$(server_sharedir "$d")/extension/postgis.control" ]; then
			echo "$d"
			return
		fi
	done
}

median() {
	sort -g | awk '{ v[NR] = $1 }
		END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bindir=$(server_bindir)
if [ -z "$bindir" ]; then
	echo "PostGIS not installed: skipped (scripts/install-deps --bench installs it)"
	exit 0
fi
if [ ! -x "$BENCH" ]; then
	echo "postgis.sh: no $BENCH: scripts/bench builds it (or set GRIDINDEX_BENCH)" >&2
	exit 2
fi

# initdb and postgres refuse to run as root: the cluster then belongs to
# postgres (or nobody); psql and pgbench still run as us (trust auth).
AS=""
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	getent passwd "$owner" >/dev/null || owner=nobody
	AS="runuser -u $owner --"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ug-postgis.XXXXXX")
cleanup() {
	if [ -f "$tmp/data/postmaster.pid" ]; then
		as_owner "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
# the cluster's owner may not be allowed into our working directory
as_owner() { (cd "$tmp" && $AS "$@"); }
trap 'exit 130' INT TERM HUP
[ -z "$AS" ] || chown "$owner" "$tmp"

# Our index first: the same data, timed in the same run.
"$BENCH" --dump "$tmp/dump" >"$tmp/dump.out"
# shellcheck source=/dev/null
. "$tmp/dump/meta.env"

# The socket lives in $tmp; the port only has to differ from the machine's
# other servers (it names the socket and the shared-memory key).
port=55432
while ss -Hln 2>/dev/null | grep -q "[.:]$port\b"; do
	port=$((port + 1))
done
as_owner "$bindir/initdb" -D "$tmp/data" -U bench --auth=trust -E UTF8 --locale=C \
	--no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 2; }
# Durability off (fsync, synchronous_commit, full_page_writes): nothing
# here has to survive a crash, and the timed part only reads.
cat >>"$tmp/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$tmp'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_wal_size = 4GB
EOF
as_owner "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w start >/dev/null ||
	{ cat "$tmp/server.log" >&2; exit 2; }

sql() {
	"$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" \
		-U bench -d postgres "$@"
}

# ---- load: grids, points, our answers, the boundary points ----
t0=$(date +%s.%N)
sql <<EOF
CREATE EXTENSION postgis;
CREATE TABLE grids (id bigint PRIMARY KEY,
	geom geometry(MultiPolygon, 4326) NOT NULL);
\copy grids FROM '$tmp/dump/grids.tsv'
CREATE INDEX grids_geom ON grids USING gist (geom);
ANALYZE grids;
EOF
t1=$(date +%s.%N)
sql <<EOF
CREATE TABLE pts (id int PRIMARY KEY, lon float8 NOT NULL, lat float8 NOT NULL,
	geom geometry(Point, 4326) GENERATED ALWAYS AS
		(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED);
\copy pts (id, lon, lat) FROM '$tmp/dump/points.tsv'
CREATE TABLE ours (id int PRIMARY KEY, grid bigint);
\copy ours FROM '$tmp/dump/answers.tsv'
CREATE TABLE edges (id int PRIMARY KEY, lon float8 NOT NULL, lat float8 NOT NULL,
	geom geometry(Point, 4326) GENERATED ALWAYS AS
		(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
	grid bigint);
\copy edges (id, lon, lat, grid) FROM '$tmp/dump/edges.tsv'
VACUUM ANALYZE;

-- One query per point, server side: no client round trip; PL/pgSQL
-- prepares the SELECT once and reuses its plan.
CREATE FUNCTION bench_single(n int, OUT hits int, OUT secs float8)
LANGUAGE plpgsql AS \$\$
DECLARE
	xs float8[];
	ys float8[];
	g bigint;
	t0 timestamptz;
BEGIN
	SELECT array_agg(lon ORDER BY id), array_agg(lat ORDER BY id)
	  INTO xs, ys FROM pts WHERE id < n;
	hits := 0;
	t0 := clock_timestamp();
	FOR k IN 1 .. array_length(xs, 1) LOOP
		SELECT grids.id INTO g FROM grids
		 WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(xs[k], ys[k]), 4326))
		 LIMIT 1;
		IF FOUND THEN
			hits := hits + 1;
		END IF;
	END LOOP;
	secs := extract(epoch FROM clock_timestamp() - t0);
END \$\$;
EOF
load_s=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
version=$(sql -c "SELECT split_part(version(), ' on ', 1)
	|| ', PostGIS ' || postgis_lib_version() || ' (GEOS ' || postgis_geos_version() || ')'")

# ---- (a) single-point queries ----
: >"$tmp/single"
for _ in $(seq $RUNS); do
	sql -F ' ' -c "SELECT hits, secs FROM bench_single($SINGLE)" >>"$tmp/single"
done
single_hits=$(head -1 "$tmp/single" | cut -d' ' -f1)
single_qps=$(awk -v n="$SINGLE" '{ print n / $2 }' "$tmp/single" | median)
ours_single=$(sql -c "SELECT count(grid) FROM ours WHERE id < $SINGLE")

pgbench_qps=""
pgbench=$bindir/pgbench
[ -x "$pgbench" ] || pgbench=$(command -v pgbench || true)
if [ -n "$pgbench" ]; then
	# Uniform points over the same extent as the dumped ones, drawn by
	# pgbench (its \set has no way to read them from a file).
	awk -v x0="$x0" -v x1="$x1" -v y0="$y0" -v y1="$y1" 'BEGIN {
		printf "\\set lon %.17g + random(0, 999999999) * %.25f\n", x0, (x1 - x0) / 1e9
		printf "\\set lat %.17g + random(0, 999999999) * %.25f\n", y0, (y1 - y0) / 1e9
		print "SELECT id FROM grids WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) LIMIT 1;"
	}' >"$tmp/single.pgbench"
	: >"$tmp/pgbench"
	for _ in $(seq $RUNS); do
		"$pgbench" -n -c 1 -j 1 -M prepared -T "$PGBENCH_SECONDS" \
			-f "$tmp/single.pgbench" -h "$tmp" -p "$port" -U bench postgres \
			2>/dev/null | awk '/^tps = / { print $3 }' >>"$tmp/pgbench"
	done
	pgbench_qps=$(median <"$tmp/pgbench")
fi

# ---- (b) one bulk join of all the points, on one core and in parallel ----
join_secs() {
	sql <<EOF | awk -v want="$found" '
		/^Time:/ { print $2 / 1000; next }
		$1 != want { print "postgis.sh: join counted " $1 ", ours " want > "/dev/stderr"; exit 1 }'
SET max_parallel_workers_per_gather = $1;
\timing on
SELECT count(*) FROM pts p JOIN grids g ON ST_Contains(g.geom, p.geom);
EOF
}
: >"$tmp/join1"
: >"$tmp/joinp"
for _ in $(seq $RUNS); do
	join_secs 0 >>"$tmp/join1"
	join_secs 2 >>"$tmp/joinp"
done
join1_pps=$(awk -v n="$points" '{ print n / $1 }' "$tmp/join1" | median)
joinp_pps=$(awk -v n="$points" '{ print n / $1 }' "$tmp/joinp" | median)

# ---- agreement: PostGIS's ST_Contains against our answers ----
# A point on a grid's boundary is in no grid for ST_Contains (the boundary
# is not the interior) and in exactly one for our rule: such points are
# counted apart, found with ST_Intersects.
agreement() {
	sql -F ' ' <<EOF
WITH pg AS (
	SELECT p.id, p.geom, min(g.id) AS grid, count(g.id) AS n
	  FROM $1 p LEFT JOIN grids g ON ST_Contains(g.geom, p.geom)
	 GROUP BY p.id, p.geom)
SELECT count(*),
       count(*) FILTER (WHERE pg.grid IS NOT DISTINCT FROM o.grid),
       count(*) FILTER (WHERE pg.n > 1),
       count(*) FILTER (WHERE pg.grid IS NULL AND EXISTS
		(SELECT 1 FROM grids g WHERE ST_Intersects(g.geom, pg.geom))),
       count(*) FILTER (WHERE pg.grid IS DISTINCT FROM o.grid AND NOT
		(pg.grid IS NULL AND EXISTS
		 (SELECT 1 FROM grids g WHERE ST_Intersects(g.geom, pg.geom))))
  FROM pg JOIN $2 o USING (id);
EOF
}
# shellcheck disable=SC2046  # five numbers
set -- $(agreement pts ours)
r_all=$1 r_agree=$2 r_overlap=$3 r_boundary=$4 r_bad=$5
# shellcheck disable=SC2046
set -- $(agreement edges edges)
e_all=$1 e_agree=$2 e_overlap=$3 e_boundary=$4 e_bad=$5

# ---- report ----
ours=$ours_lookups_per_s
ratio() { awk -v a="$ours" -v b="$1" 'BEGIN { printf "%.0fx", a / b }'; }
fmt() {
	awk -v v="$1" 'BEGIN { if (v >= 1e6) printf "%.3g M", v / 1e6; else printf "%.0f", v }'
}
echo "# PostGIS bench"
echo
echo "$version"
echo "cluster: throwaway, unix socket only; fsync, synchronous_commit and"
echo "full_page_writes off (no durability: the timed part only reads);"
echo "shared_buffers 256MB; the rest default (JIT on)"
echo "data: gridindex_bench --dump: $grids grids (MultiPolygon, SRID 4326, GiST index;"
echo "COPY + index + ANALYZE ${load_s} s), $points random points ($found in a grid)"
echo
echo "| | gridindex, one core | PostGIS ST_Contains + GiST | ratio |"
echo "|---|---|---|---|"
echo "| single-point queries/s: PL/pgSQL loop over $SINGLE points, median of $RUNS | $(fmt "$ours") | $(fmt "$single_qps") | $(ratio "$single_qps") |"
if [ -n "$pgbench_qps" ]; then
	echo "| single-point queries/s: pgbench, 1 client, prepared, unix socket, ${PGBENCH_SECONDS} s, median of $RUNS | $(fmt "$ours") | $(fmt "$pgbench_qps") | $(ratio "$pgbench_qps") |"
else
	echo "| single-point queries/s: pgbench | | not installed: skipped | |"
fi
echo "| bulk join of $points points, points/s, one core (no parallel workers), median of $RUNS | $(fmt "$ours") | $(fmt "$join1_pps") | $(ratio "$join1_pps") |"
echo "| the same join, 2 parallel workers + leader on 2 cores, median of $RUNS | | $(fmt "$joinp_pps") | |"
echo
echo "gridindex: median of $ours_runs runs over the same $points points, in the same run."
echo "PL/pgSQL loop: $single_hits of $SINGLE points in a grid, ours $ours_single."
echo "agreement, random points: $r_all points, $r_agree agree, $r_boundary on a boundary"
echo "(in no grid for ST_Contains), $r_overlap in two grids, $r_bad DIFFER off a boundary"
echo "agreement, vertices and edge midpoints of every 7th grid: $e_all points, $e_agree"
echo "agree, $e_boundary exactly on a boundary (in no grid for ST_Contains; our rule"
echo "gives $((e_all - e_agree - e_bad)) of them a grid, the others lie on the city's outer"
echo "rim, where it leaves them outside), $e_overlap in two grids, $e_bad DIFFER off a boundary"
[ "$r_bad" -eq 0 ] && [ "$e_bad" -eq 0 ]
