#!/bin/sh
# run.sh: the browser tests (CTest: browser/ui). Checks that what they need
# is installed and fails with the reason when it is not (never skips), then
# runs ui.test.mjs, which creates a shop, starts `ecrm serve` on a free
# 127.0.0.1 port, drives Debian's Chromium with playwright-core and stops
# the server itself. Screenshots go to tests/browser/output/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${ECRM_BIN:?ECRM_BIN is not set: run the browser tests through ctest}"
chromium=${ECRM_CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null 2>&1; then
	echo "FAIL: node is not installed: run scripts/deps.sh (Debian package nodejs)" >&2
	exit 1
fi
if [ ! -x "$chromium" ]; then
	echo "FAIL: $chromium is missing: run scripts/deps.sh (Debian package chromium)" >&2
	exit 1
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
	echo "FAIL: tests/browser/node_modules is missing: run scripts/deps.sh (npm ci in tests/browser)" >&2
	exit 1
fi
if command -v fc-list >/dev/null 2>&1 && ! fc-list | grep -qi "wenquanyi\|wqy"; then
	echo "FAIL: no CJK font (fonts-wqy-microhei): Chinese would not render; run scripts/deps.sh" >&2
	exit 1
fi
export ECRM_CHROMIUM="$chromium"
exec node --test --test-reporter=spec --test-concurrency=1 "$here/ui.test.mjs"
