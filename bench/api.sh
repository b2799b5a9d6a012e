#!/bin/sh
# api.sh: HTTP figures for the REST API on a large database (bench/api.c
# makes one): wrk -t2 -c64 on /healthz and on GET /api/customers/{random id}
# (the 360 view, masked for an analyst key and unmasked + audited for an
# agent key), then the list and search shapes. Prints wrk's req/s and
# latency lines, and the server's CPU time per request (user + system, from
# /proc/PID/stat around each run).
#   usage: bench/api.sh [BUILD_DIR] [DB] [N] [SECONDS] [CONNECTIONS]
# e.g. build/release/bench_api gen /tmp/bench1m.db 1000000 && bench/api.sh
set -eu
BUILD=${1:-build/release}
DB=${2:-/tmp/bench1m.db}
N=${3:-1000000}
SECS=${4:-30}
CONNS=${5:-64}
ECRM=$BUILD/ecrm
HERE=$(cd "$(dirname "$0")" && pwd)
[ -f "$DB" ] || "$BUILD/bench_api" gen "$DB" "$N"
ANALYST=$("$ECRM" --db "$DB" apikey create --role analyst --name bench 2>/dev/null | head -1)
AGENT=$("$ECRM" --db "$DB" apikey create --role agent --name bench 2>/dev/null | head -1)
[ -n "$ANALYST" ] && [ -n "$AGENT" ] || {
	echo "api.sh: cannot create API keys (is $DB.key there?)" >&2
	exit 1
}
OUT=$(mktemp)
WRK=$(mktemp)
"$ECRM" --db "$DB" serve --listen 127.0.0.1:0 --threads 2 >"$OUT" 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$OUT" "$WRK"' EXIT
for _ in $(seq 50); do grep -q listening "$OUT" && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT" | head -1)
URL=http://127.0.0.1:$PORT
TICK=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg);" \
	"wrk -t2 -c$CONNS -d${SECS}s"
# title mode key [connections]: one wrk run, its figures and the server's
# CPU per request
run() {
	c=${4:-$CONNS}
	echo "== $1 (-c$c)"
	before=$(cpu)
	if [ "$2" = healthz ]; then
		wrk -t2 -c"$c" -d"${SECS}s" --latency "$URL/healthz" >"$WRK"
	else
		ECRM_BENCH_MODE=$2 ECRM_BENCH_KEY=$3 ECRM_BENCH_N=$N \
			wrk -t2 -c"$c" -d"${SECS}s" --latency -s "$HERE/api_get.lua" "$URL" >"$WRK"
	fi
	after=$(cpu)
	grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors" "$WRK"
	awk -v t="$((after - before))" -v hz="$TICK" '/requests in/ {
		printf "  server CPU per request: %.0f us\n", t / hz * 1e6 / $1 }' "$WRK"
}
run "/healthz" healthz ""
# The cheapest requests that check their caller: what the 360 view's share
# of /healthz is measured against.
run "GET /api/me, analyst" me "$ANALYST"
run "GET /api/products/{random id in 1..1000}, analyst" product "$ANALYST"
run "GET /api/customers/{random id}, analyst (masked, not audited)" customer "$ANALYST"
run "GET /api/customers/{random id}, agent (personal data, audited)" customer "$AGENT"
run "GET /api/customers?q=... (2-3 Chinese chars, Latin, email)" search "$ANALYST"
run "GET /api/customers?... (first pages, sorts, filters)" list "$ANALYST"
# The same two with one connection per server thread: the time a request
# takes when it does not queue behind 31 others.
run "GET /api/customers?q=... (2-3 Chinese chars, Latin, email)" search "$ANALYST" 2
run "GET /api/customers?... (first pages, sorts, filters)" list "$ANALYST" 2
