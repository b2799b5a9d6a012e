#!/bin/sh
# Installs every Debian (and, for the web UI, npm) package that ecrm's build,
# run and tests need. Skips what is already installed; uses sudo only when not
# root. Nothing is downloaded from anywhere but Debian's and npm's registries.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev
libcmocka-dev libgsl-dev liblinear-dev libopenblas-dev liblapacke-dev
libinih-dev libcurl4-openssl-dev libunistring-dev
postgresql sqlite3 curl wrk hyperfine time bc nodejs npm chromium fonts-wqy-microhei"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# A machine with a newer Node.js outside Debian's packages keeps it.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi

if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	echo "deps: installing$missing"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: all Debian packages present"
fi

# npm packages for the web UI and browser tests (lock files are committed).
# `npm ci` runs when node_modules is missing or was installed from another
# package-lock.json (a stamp holds the lock's hash), so an installed tree
# needs no network; --prefer-offline uses npm's cache when it can.
root=$(cd "$(dirname "$0")/.." && pwd)
for dir in "$root/web" "$root/tests/browser"; do
	[ -f "$dir/package.json" ] || continue
	if [ ! -f "$dir/package-lock.json" ]; then
		echo "deps: ${dir#"$root"/}/package-lock.json is missing" >&2
		exit 1
	fi
	want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
	stamp="$dir/node_modules/.ecrm-lock-sha256"
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
		echo "deps: npm ci in ${dir#"$root"/}"
		(cd "$dir" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
		echo "$want" >"$stamp"
	fi
done
