#!/bin/sh
# import.sh - `urbangrid import cases` against sqlite3's own .import of the
# same rows into a plain table, in the same run.  A demo city (东城区, its
# 5,930 grids and departments) gets ROWS generated rows of case history
# (bench/import_gen.py: CSV with the documented columns, points at grid
# centres, 4 in 5 closed, 9 in 10 with an agency, five years); each run
# starts from a fresh copy of the database.  Printed: source rows/s of
# both (median of RUNS), their ratio, and the rows our import writes per
# source row (cases + history lines; the counter rows of the recount
# apart).  A second peer: sqlite3 writing the same cases and history
# lines into our schema from its plain table (bench/import_floor.sql:
# nothing checked, no counters) - the floor of what these rows cost.
# FORMAT=json runs the same with an Open311 requests.json array.
# BEFORE=/path/to/other/urbangrid also runs that build, alternated with
# this one on the same file (before/after a change, in one session).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh # median
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
FORMAT=${FORMAT:-csv}
BEFORE=${BEFORE:-}
make -s >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
build/urbangrid demo --db "$dir/city.db" --days 0 >/dev/null
python3 bench/import_gen.py "$dir/city.db" "$FORMAT" "$ROWS" "$dir/rows.$FORMAT"
# The peer reads CSV: for a JSON run it imports the same rows as CSV.
[ "$FORMAT" = csv ] || python3 bench/import_gen.py "$dir/city.db" csv "$ROWS" "$dir/rows.csv"

now() { date +%s.%N; }

ours="" peer="" floor="" before="" summary=""
# The indexes the import sets aside and builds again (store_case_bulk_
# indexes_off), one "name<TAB>sql" a line (each on one line).
indexes=$(sqlite3 -separator '	' "$dir/city.db" "SELECT name, replace(replace(sql, char(10), ' '), char(9), ' ') FROM sqlite_schema
	WHERE type = 'index' AND tbl_name IN ('case_file', 'case_event') AND sql IS NOT NULL
	AND sql NOT LIKE 'CREATE UNIQUE%' AND name <> 'case_event_case'")
i=0
while [ $i -lt "$RUNS" ]; do
	rm -f "$dir"/peer.db*
	t0=$(now)
	sqlite3 "$dir/peer.db" -cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=NORMAL" \
		".import --csv $dir/rows.csv plain" >/dev/null
	t1=$(now)
	n=$(sqlite3 "$dir/peer.db" "SELECT COUNT(*) FROM plain")
	[ "$n" -eq "$ROWS" ] || { echo "sqlite3 imported $n rows of $ROWS" >&2; exit 1; }
	peer="$peer $(echo "$ROWS $t0 $t1" | awk '{ printf "%.0f", $1 / ($3 - $2) }')"
	# The floor: the CSV into the plain table (above), then into our
	# schema - both inside SQLite.
	rm -f "$dir"/floor.db*
	cp "$dir/city.db" "$dir/floor.db"
	t2=$(now)
	{ echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-524288; PRAGMA temp_store=MEMORY; BEGIN;"
	  echo "$indexes" | awk -F'\t' '{ print "DROP INDEX \"" $1 "\";" }'
	  cat bench/import_floor.sql
	  echo "$indexes" | awk -F'\t' '{ print $2 ";" }'
	  echo "COMMIT;"; } | sqlite3 "$dir/floor.db" -cmd "ATTACH '$dir/peer.db' AS src" >/dev/null
	t3=$(now)
	floor="$floor $(echo "$ROWS $t0 $t1 $t2 $t3" | awk '{ printf "%.0f", $1 / ($3 - $2 + $5 - $4) }')"

	if [ -n "$BEFORE" ]; then
		rm -f "$dir"/x.db*
		cp "$dir/city.db" "$dir/x.db"
		t0=$(now)
		"$BEFORE" import cases --db "$dir/x.db" --map "$dir/rows.$FORMAT.map" "$dir/rows.$FORMAT" >/dev/null 2>&1
		t1=$(now)
		before="$before $(echo "$ROWS $t0 $t1" | awk '{ printf "%.0f", $1 / ($3 - $2) }')"
	fi

	rm -f "$dir"/x.db*
	cp "$dir/city.db" "$dir/x.db"
	t0=$(now)
	summary=$(build/urbangrid import cases --db "$dir/x.db" --map "$dir/rows.$FORMAT.map" "$dir/rows.$FORMAT" 2>"$dir/bad.txt")
	t1=$(now)
	ours="$ours $(echo "$ROWS $t0 $t1" | awk '{ printf "%.0f", $1 / ($3 - $2) }')"
	i=$((i + 1))
done
echo "$summary"
echo "bad rows: $(wc -l <"$dir/bad.txt") (points at grid centres that lie outside their grid)"
cases=$(sqlite3 "$dir/x.db" "SELECT COUNT(*) FROM case_file")
lines=$(sqlite3 "$dir/x.db" "SELECT COUNT(*) FROM case_event")
build/urbangrid assess check --db "$dir/x.db" | tail -1
m_ours=$(echo "$ours" | median)
m_peer=$(echo "$peer" | median)
echo "sqlite3 .import (plain table):$peer rows/s, median $m_peer"
m_floor=$(echo "$floor" | median)
echo "sqlite3 into our schema (import_floor.sql):$floor rows/s, median $m_floor ($(sqlite3 "$dir/floor.db" "SELECT (SELECT COUNT(*) FROM case_file) || ' cases + ' || (SELECT COUNT(*) FROM case_event) || ' history lines'"))"
echo "urbangrid import cases ($FORMAT):$ours rows/s, median $m_ours"
[ -z "$BEFORE" ] || echo "$BEFORE import cases ($FORMAT):$before rows/s, median $(echo "$before" | median)"
awk -v a="$m_ours" -v f="$m_floor" 'BEGIN { printf "ratio ours/floor: %.3f\n", a / f }'
awk -v a="$m_ours" -v b="$m_peer" -v c="$cases" -v l="$lines" -v r="$ROWS" 'BEGIN {
	printf "ratio ours/sqlite3: %.3f; rows written per source row: %.2f (%d cases + %d history lines)\n", a / b, (c + l) / r, c, l }'
