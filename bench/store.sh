#!/bin/sh
# bench/store.sh: SQLite and PostgreSQL side by side, in one run: the Online
# Retail import (bench_store, which also times key reads and a scan); then,
# on `ecrm demo --customers 1000000`, the customer 360 view (GET
# /api/customers/{random id}) under wrk after a 10 s warm-up, wrk against
# two servers on the one PostgreSQL database (half the connections each)
# beside one server, and `ecrm analyze all` last. Prints the raw outputs and a summary table in
# Markdown; never fails on time (it fails on errors: a wrong count, non-2xx
# replies, a server that does not start).
#
#   bench/store.sh [BUILD_DIR] [SECONDS]
#
# Environment:
#   ECRM_BENCH_SQLITE   a 1M-customer SQLite demo database to copy (its .key
#                       beside it); without it one is generated (~20 min)
#   ECRM_BENCH_PG_DIR   where the PostgreSQL cluster lives (default: a new
#                       directory, removed at the end); an existing cluster
#                       there is started and reused, and so is its demo
#                       database when it holds N customers
#   ECRM_BENCH_N        demo customers (default 1000000)
#   ECRM_BENCH_END      the demos' last day (default 2026-10-31): both stores
#                       get the same shop only with the same --end, and a
#                       kept or copied demo must match it (checked)
#   ECRM_BENCH_KEEP=1   leave the cluster running at the end
#   ECRM_BENCH_IMPORT=0 skip bench_store (trying the script out)
#   PGBIN               PostgreSQL server binaries
#
# PostgreSQL runs with settings close to ecrm's SQLite ones: fsync on,
# synchronous_commit off (like WAL with synchronous=NORMAL: a crash may lose
# the last commits, never the database), shared_buffers 1 GB.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
SECS=${2:-30}
N=${ECRM_BENCH_N:-1000000}
END=${ECRM_BENCH_END:-2026-10-31}
ECRM=$BUILD/ecrm
DATA=${ECRM_DATA:-$ROOT/../shared/data}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ecrm-bench-store-XXXXXX")
PGDIR=${ECRM_BENCH_PG_DIR:-$(mktemp -d /tmp/ecrm-bench-pg.XXXXXX)}
PIDS=""

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	if [ "${ECRM_BENCH_KEEP:-0}" != 1 ] && [ -d "$PGDIR/data" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	[ -n "${ECRM_BENCH_PG_DIR:-}" ] || rm -rf "$PGDIR"
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

say() { echo "== $*" >&2; }

# ---- the PostgreSQL cluster ----
pg_start() {
	if [ ! -d "$PGDIR/data" ]; then
		# As root the cluster belongs to the postgres user: it must reach it.
		mkdir -p "$PGDIR"
		chmod 755 "$PGDIR"
		[ "$(id -u)" -ne 0 ] || chown postgres: "$PGDIR"
		as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 \
			--locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 ||
			{ cat "$PGDIR/initdb.log" >&2; exit 1; }
		port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 40000) }')
		cat >>"$PGDIR/data/postgresql.conf" <<-EOF
			port = $port
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$PGDIR'
			synchronous_commit = off
			shared_buffers = 1GB
			max_wal_size = 8GB
			max_connections = 100
		EOF
		head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$PGDIR/ecrm.key"
	fi
	if ! as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
		as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start \
			>/dev/null || { tail -20 "$PGDIR/server.log" >&2; exit 1; }
	fi
	port=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$PGDIR/data/postgresql.conf" | tail -1)
	PGURL=postgresql://postgres@127.0.0.1:$port
}

# e DB ARGS...: `ecrm --db DB ARGS...`, with the cluster's personal-data
# key for PostgreSQL (SQLite databases have theirs beside them).
e() {
	db=$1
	shift
	case "$db" in
	postgresql:*) ECRM_KEY=$PGKEY "$ECRM" --db "$db" "$@" ;;
	*) env -u ECRM_KEY "$ECRM" --db "$db" "$@" ;;
	esac
}

# timed DB ARGS...: runs `ecrm --db DB ARGS...` (as e does) under
# /usr/bin/time; prints "wall_s cpu_s peak_rss_mb".
timed() {
	db=$1
	shift
	case "$db" in
	postgresql:*) set -- env ECRM_KEY="$PGKEY" "$ECRM" --db "$db" "$@" ;;
	*) set -- env -u ECRM_KEY "$ECRM" --db "$db" "$@" ;;
	esac
	/usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; exit 1; }
	awk '{ printf "%.1f %.1f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$TMP/time"
}

customers_in() { # DB
	e "$1" --json stats 2>/dev/null | tr ',{}' '\n\n\n' |
		sed -n 's/^"customers":\([0-9]*\)$/\1/p'
}

# ---- the servers ----
# serve DB PORTFILE: starts `ecrm serve` on a free port, writes the port to
# PORTFILE and sets SERVED to the server's pid (a child of this shell).
serve() {
	out=$TMP/serve.$(date +%s%N)
	case "$1" in
	postgresql:*)
		ECRM_KEY=$PGKEY "$ECRM" --db "$1" serve --listen 127.0.0.1:0 --threads 2 \
			</dev/null >"$out" 2>"$out.err" &
		;;
	*)
		env -u ECRM_KEY "$ECRM" --db "$1" serve --listen 127.0.0.1:0 --threads 2 \
			</dev/null >"$out" 2>"$out.err" &
		;;
	esac
	SERVED=$!
	PIDS="$PIDS $SERVED"
	for _ in $(seq 300); do grep -q listening "$out" && break; sleep 0.1; done
	# The line names the database too, which may hold another 127.0.0.1:PORT.
	sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$out" | head -1 >"$2"
	[ -s "$2" ] || { cat "$out.err" >&2; exit 1; }
}

# wrk360 PORT CONNS THREADS KEY OUT: the 360 view of random customers,
# after 10 s of the same not counted (a server just started, or a cluster
# just started, reads its pages from disk at first).
wrk360() {
	ECRM_BENCH_MODE=customer ECRM_BENCH_KEY=$4 ECRM_BENCH_N=$N \
		wrk -t"$3" -c"$2" -d10s -s "$ROOT/bench/api_get.lua" "http://127.0.0.1:$1" >/dev/null
	ECRM_BENCH_MODE=customer ECRM_BENCH_KEY=$4 ECRM_BENCH_N=$N \
		wrk -t"$3" -c"$2" -d"${SECS}s" --latency -s "$ROOT/bench/api_get.lua" \
		"http://127.0.0.1:$1" >"$5"
	cat "$5" >&2
}
rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$1"; }
pct() { awk -v p="$2%" '$1 == p { print $2 }' "$1"; }
errors() { # non-2xx replies plus socket errors
	awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i } END { print n + 0 }' "$1"
}

# ---- 1. Online Retail import, key reads, scan (bench_store) ----
pg_start
export ECRM_DATA="$DATA"
say "bench_store (Online Retail import on both stores)"
if [ "${ECRM_BENCH_IMPORT:-1}" = 1 ]; then
	"$BUILD/bench_store" "$PGURL/postgres" >"$TMP/bench_store.txt"
else
	: >"$TMP/bench_store.txt"
fi
cat "$TMP/bench_store.txt" >&2
imp() { awk -F'|' -v b="$1" '$2 ~ b && $3 ~ /Online Retail import *$/ { gsub(/ /, "", $4); print $4 }' "$TMP/bench_store.txt"; }

# ---- 2. the demo databases ----
SQLITE_DB=$TMP/demo.db
if [ -n "${ECRM_BENCH_SQLITE:-}" ]; then
	say "copying $ECRM_BENCH_SQLITE"
	cp "$ECRM_BENCH_SQLITE" "$SQLITE_DB"
	cp "$ECRM_BENCH_SQLITE.key" "$SQLITE_DB.key"
	# An older copy takes the newer migrations here, not inside a timing.
	r=$(timed "$SQLITE_DB" --quiet init); set -- $r
	say "SQLite migrations on the copy: $1 s"
	sqlite_load="copied from $ECRM_BENCH_SQLITE"
else
	e "$SQLITE_DB" init >/dev/null
	r=$(timed "$SQLITE_DB" --quiet demo --customers "$N" --end "$END"); set -- $r
	sqlite_load="$1 s wall, $2 s CPU"
fi
PGKEY=$(cat "$PGDIR/ecrm.key")
PG_DB=$PGURL/demo
if [ "$(customers_in "$PG_DB" || true)" = "$N" ]; then
	r=$(timed "$PG_DB" --quiet init); set -- $r
	say "PostgreSQL migrations on the kept database: $1 s"
	pg_load="reused from an earlier run"
else
	say "ecrm demo --customers $N on PostgreSQL"
	e "$PG_DB" init >/dev/null
	r=$(timed "$PG_DB" --quiet demo --customers "$N" --end "$END"); set -- $r
	pg_load="$1 s wall, $2 s CPU"
fi
[ "$(customers_in "$SQLITE_DB")" = "$N" ] || { echo "SQLite demo: not $N customers" >&2; exit 1; }
[ "$(customers_in "$PG_DB")" = "$N" ] || { echo "PostgreSQL demo: not $N customers" >&2; exit 1; }
# The same seed and --end make the same shop: a kept or copied demo made
# on another day (the default --end is "now") is another shop, and the two
# stores would be compared on different data.
s_stats=$(e "$SQLITE_DB" --json stats)
p_stats=$(e "$PG_DB" --json stats)
if [ "$s_stats" != "$p_stats" ]; then
	echo "the two demos are not the same shop (made with another --end than $END?):" >&2
	echo "  SQLite:     $s_stats" >&2
	echo "  PostgreSQL: $p_stats" >&2
	exit 1
fi
say "demo load: SQLite $sqlite_load; PostgreSQL $pg_load"

# ---- 3. the 360 view under wrk, one server per store ----
key_for() { e "$1" apikey create --role analyst --name bench 2>/dev/null | head -1; }
KEY_SQLITE=$(key_for "$SQLITE_DB")
KEY_PG=$(key_for "$PG_DB")
say "360 view, SQLite, one server, wrk -t2 -c64"
serve "$SQLITE_DB" "$TMP/port"
p=$SERVED
wrk360 "$(cat "$TMP/port")" 64 2 "$KEY_SQLITE" "$TMP/w_sqlite"
kill "$p"; wait "$p" 2>/dev/null || true
say "360 view, PostgreSQL, one server, wrk -t2 -c64"
serve "$PG_DB" "$TMP/port"
p=$SERVED
wrk360 "$(cat "$TMP/port")" 64 2 "$KEY_PG" "$TMP/w_pg"
kill "$p"; wait "$p" 2>/dev/null || true

# ---- 4. two servers, one PostgreSQL database, 32 connections each ----
say "360 view, PostgreSQL, two servers at once, wrk -t1 -c32 on each"
serve "$PG_DB" "$TMP/port1"
p1=$SERVED
serve "$PG_DB" "$TMP/port2"
p2=$SERVED
wrk360 "$(cat "$TMP/port1")" 32 1 "$KEY_PG" "$TMP/w_two1" &
w1=$!
wrk360 "$(cat "$TMP/port2")" 32 1 "$KEY_PG" "$TMP/w_two2"
wait "$w1"
kill "$p1" "$p2"; wait "$p1" "$p2" 2>/dev/null || true

# ---- 5. analyze all (last: on PostgreSQL its million-row upsert leaves
# work for autovacuum and the checkpointer that would slow what follows) ----
say "ecrm analyze all, SQLite"
r=$(timed "$SQLITE_DB" --quiet analyze all); set -- $r
an_sqlite=$1 an_sqlite_cpu=$2 an_sqlite_rss=$3
say "ecrm analyze all, PostgreSQL"
r=$(timed "$PG_DB" --quiet analyze all); set -- $r
an_pg=$1 an_pg_cpu=$2 an_pg_rss=$3

for f in w_sqlite w_pg w_two1 w_two2; do
	[ "$(errors "$TMP/$f")" = 0 ] || { echo "$f: errors in wrk's output" >&2; exit 1; }
done

# ---- the table ----
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }'; }
two=$(awk -v a="$(rps "$TMP/w_two1")" -v b="$(rps "$TMP/w_two2")" 'BEGIN { printf "%.0f", a + b }')
i_s=$(imp sqlite); i_p=$(imp postgres)
r_s=$(rps "$TMP/w_sqlite"); r_p=$(rps "$TMP/w_pg")
cat <<EOF

| work | SQLite | PostgreSQL | PostgreSQL / SQLite |
| --- | --- | --- | --- |
| Online Retail import (s, bench_store) | $i_s | $i_p | $(ratio "$i_s" "$i_p") |
| \`ecrm analyze all\`, $N-customer demo (s wall) | $an_sqlite | $an_pg | $(ratio "$an_sqlite" "$an_pg") |
| \`ecrm analyze all\` (s CPU of ecrm; peak RSS MB) | $an_sqlite_cpu; $an_sqlite_rss | $an_pg_cpu; $an_pg_rss | - |
| 360 view under wrk -t2 -c64, one server (req/s) | $r_s | $r_p | $(ratio "$r_p" "$r_s") (time per request) |
| 360 view p50 / p99 | $(pct "$TMP/w_sqlite" 50) / $(pct "$TMP/w_sqlite" 99) | $(pct "$TMP/w_pg" 50) / $(pct "$TMP/w_pg" 99) | - |

| PostgreSQL, 360 view | req/s | p50 / p99 | errors |
| --- | --- | --- | --- |
| one server, wrk -t2 -c64 | $r_p | $(pct "$TMP/w_pg" 50) / $(pct "$TMP/w_pg" 99) | $(errors "$TMP/w_pg") |
| two servers at once, wrk -t1 -c32 each: server 1 | $(rps "$TMP/w_two1") | $(pct "$TMP/w_two1" 50) / $(pct "$TMP/w_two1" 99) | $(errors "$TMP/w_two1") |
| two servers at once: server 2 | $(rps "$TMP/w_two2") | $(pct "$TMP/w_two2" 50) / $(pct "$TMP/w_two2" 99) | $(errors "$TMP/w_two2") |
| two servers, combined | $two | - | $(( $(errors "$TMP/w_two1") + $(errors "$TMP/w_two2") )) |

Demo load: SQLite $sqlite_load; PostgreSQL $pg_load.
EOF
