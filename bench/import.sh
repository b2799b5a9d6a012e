#!/bin/sh
# bench/import.sh: Online Retail import time, lines/s and peak RSS, and
# `ecrm demo --customers N` generation + store time. Prints a table; never
# fails on time.
#   bench/import.sh [BIN] [RUNS] [DEMO_CUSTOMERS]
# BIN defaults to build/release/ecrm; RUNS to 5; DEMO_CUSTOMERS to 1000000
# (0 skips the demo run).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/ecrm}
runs=${2:-5}
demo_n=${3:-1000000}
data=${ECRM_DATA:-$root/../shared/data}
file=$data/online-retail/online_retail.csv
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecrm-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run DB ARGS...: runs one command under /usr/bin/time; prints "secs rss_kb".
run() {
	db=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" --quiet --db "$db" "$@" >"$tmp/out" 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	cat "$tmp/time"
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

lines=$(($(wc -l <"$file") - 1))
: >"$tmp/secs"
: >"$tmp/rss"
for i in $(seq "$runs"); do
	rm -f "$tmp/or.db"*
	"$bin" --db "$tmp/or.db" init >/dev/null
	set -- $(run "$tmp/or.db" import orders "$file")
	echo "$1" >>"$tmp/secs"
	echo "$2" >>"$tmp/rss"
done
secs=$(median <"$tmp/secs")
rss=$(median <"$tmp/rss")
set -- $(run "$tmp/or.db" import orders "$file")
again=$1

printf '%-42s %10s %12s %12s\n' "work" "seconds" "rows/s" "peak RSS MB"
printf '%-42s %10s %12.0f %12.1f\n' "Online Retail import (median of $runs)" "$secs" \
	"$(echo "$lines / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
printf '%-42s %10s %12.0f\n' "Online Retail re-import (no changes)" "$again" \
	"$(echo "$lines / $again" | bc -l)"

if [ "$demo_n" -gt 0 ]; then
	"$bin" --db "$tmp/demo.db" init >/dev/null
	set -- $(run "$tmp/demo.db" demo --customers "$demo_n")
	items=$("$bin" --db "$tmp/demo.db" stats --json | tr ',{}' '\n\n\n' |
		sed -n 's/^"order_items":\([0-9]*\)$/\1/p')
	printf '%-42s %10s %12.0f %12.1f\n' "demo --customers $demo_n ($items lines)" "$1" \
		"$(echo "$items / $1" | bc -l)" "$(echo "$2 / 1024" | bc -l)"
fi
