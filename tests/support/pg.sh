#!/bin/sh
# pg.sh: a throwaway PostgreSQL cluster for the tests, on 127.0.0.1 and a
# free port, data under /tmp, trust authentication, fsync off.
#
#   pg.sh start STATE   start a cluster; writes STATE/url (postgresql://...)
#                       and STATE/dir (the cluster's directory); prints the URL
#   pg.sh stop STATE    stop it and remove its directory
#   pg.sh run CMD...    start, run CMD with ECRM_TEST_DB_URL set, stop
#
# initdb refuses to run as root: as root the cluster belongs to the postgres
# user. PGBIN overrides where the server binaries are. A failure to start
# prints the server's log and exits non-zero: the tests never skip quietly.
set -eu

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "pg.sh: no PostgreSQL server binaries (install the postgresql package or set PGBIN)" >&2
	exit 1
fi

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

stop() {
	state=$1
	[ -f "$state/dir" ] || return 0
	dir=$(cat "$state/dir")
	if [ -d "$dir/data" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	case "$dir" in
	/tmp/ecrm-pg.*) rm -rf "$dir" ;;
	esac
	rm -f "$state/dir" "$state/url"
}

start() {
	state=$1
	mkdir -p "$state"
	# A cluster an interrupted run left behind goes first.
	stop "$state"
	dir=$(mktemp -d /tmp/ecrm-pg.XXXXXX)
	echo "$dir" >"$state/dir"
	chmod 755 "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
	if ! as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		echo "pg.sh: initdb failed (log above)" >&2
		return 1
	fi
	# A port taken between the pick and the start makes pg_ctl fail: try
	# another few.
	tries=0
	while :; do
		port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 40000) }')
		port=$(( (port + $$ + tries * 7919) % 40000 + 20000 ))
		if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
			-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 5 ] || ! grep -q "already in use" "$dir/server.log" 2>/dev/null; then
			cat "$dir/server.log" >&2 2>/dev/null || true
			echo "pg.sh: the PostgreSQL server did not start (log above)" >&2
			return 1
		fi
	done
	url="postgresql://postgres@127.0.0.1:$port/postgres"
	echo "$url" >"$state/url"
	echo "$url"
}

cmd=${1:-}
case "$cmd" in
start)
	[ $# -eq 2 ] || { echo "usage: pg.sh start STATE_DIR" >&2; exit 2; }
	start "$2"
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: pg.sh stop STATE_DIR" >&2; exit 2; }
	stop "$2"
	;;
run)
	shift
	[ $# -ge 1 ] || { echo "usage: pg.sh run CMD [ARG...]" >&2; exit 2; }
	state=$(mktemp -d /tmp/ecrm-pgstate.XXXXXX)
	trap 'stop "$state"; rm -rf "$state"' EXIT INT TERM
	ECRM_TEST_DB_URL=$(start "$state")
	export ECRM_TEST_DB_URL
	"$@"
	;;
*)
	echo "usage: pg.sh start|stop STATE_DIR, or pg.sh run CMD [ARG...]" >&2
	exit 2
	;;
esac
