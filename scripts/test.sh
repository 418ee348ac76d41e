#!/bin/bash
# test.sh -- the test command: installs what is missing (Debian 12, as root),
# builds asbb twice (plain, and with AddressSanitizer + UBSan), starts a
# private MariaDB server on loopback under a temporary directory, and runs
# every test with ctest in both builds. Exits non-zero on any failure; the
# server is stopped on every exit path.
#
#   scripts/test.sh            everything
#   ASBB_TEST_SANITIZE=0 ...   skip the sanitizer build (quicker local runs)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ASBB_BUILD_DIR:-$ROOT/build}
JOBS=$(nproc)
T0=$(date +%s)
log() { printf '[test.sh +%ds] %s\n' $(( $(date +%s) - T0 )) "$*"; }

bash "$ROOT/scripts/install-deps.sh"

# Services run as their own users and must reach the temp dir: /tmp is o+x.
TMP=$(mktemp -d /tmp/asbb-test.XXXXXX)
chmod 0755 "$TMP"
cleanup() {
	local rc=$?
	bash "$ROOT/scripts/lib/private-mariadb.sh" "$TMP/mariadb" stop || true
	if [ $rc = 0 ]; then rm -rf "$TMP"; else echo "test.sh: failed (rc=$rc); logs kept in $TMP" >&2; fi
	exit $rc
}
trap cleanup EXIT

build() { # build DIR [cmake args...]
	local dir=$1; shift
	cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > "$TMP/cmake-$(basename "$dir").log"
	cmake --build "$dir" -j "$JOBS"
}

log "building $BUILD"
build "$BUILD"

# A port of its own: a second test run or a demo cluster may be using others.
PORT=$(( 20000 + RANDOM % 20000 ))
log "starting a private MariaDB on 127.0.0.1:$PORT"
bash "$ROOT/scripts/lib/private-mariadb.sh" "$TMP/mariadb" start "$PORT"
export ASBB_TEST_DB_SOCKET=$TMP/mariadb/mysqld.sock
export ASBB_TEST_DB_PORT=$PORT
export ASBB_TEST_TMP=$TMP

log "running the tests (plain build)"
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"

if [ "${ASBB_TEST_SANITIZE:-1}" = 1 ]; then
	log "building with AddressSanitizer + UBSan"
	build "$BUILD-asan" -DASBB_SANITIZE=ON
	log "running the tests (sanitizer build)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir "$BUILD-asan" --output-on-failure -j "$JOBS"
fi
log "all tests passed"
