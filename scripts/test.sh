#!/bin/bash
# test.sh -- the test command: installs what is missing (Debian 12, as root),
# builds asbb twice (plain, and with AddressSanitizer + UBSan), starts a
# private MariaDB server and a local SLURM cluster (scripts/local-cluster.sh,
# with the plain build's plugin) on loopback under a temporary directory, and
# runs every test with ctest in both builds (the e2e tests in the plain build
# only). Exits non-zero on any failure; the servers are stopped on every exit path.
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
	bash "$ROOT/scripts/local-cluster.sh" "$TMP/cluster" stop > /dev/null || true
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

# Ports of their own (a second test run or a demo cluster may use others),
# all below 32768: Linux hands out 32768-60999 to outgoing connections, and
# one of those may sit on a port a server here wants to bind.
# MariaDB: 20000-25999.
PORT=$(( 20000 + RANDOM % 6000 ))
log "starting a private MariaDB on 127.0.0.1:$PORT"
bash "$ROOT/scripts/lib/private-mariadb.sh" "$TMP/mariadb" start "$PORT"
export ASBB_TEST_DB_SOCKET=$TMP/mariadb/mysqld.sock
export ASBB_TEST_DB_PORT=$PORT
export ASBB_TEST_TMP=$TMP

# The e2e tests (label e2e) need a real SLURM cluster running the plugin of the
# plain build. Its ports are BASE+6..BASE+24 with BASE in 26000-30900
# (two_clusters_test.sh starts a second one at BASE+1000).
CLUSTER_BASE=$(( (26000 + RANDOM % 5000) / 100 * 100 ))
log "starting a local SLURM cluster (port base $CLUSTER_BASE) with the plugin"
ASBB_PLUGIN_SO=$BUILD/plugin/job_submit_budget.so ASBB_PORT_BASE=$CLUSTER_BASE \
	bash "$ROOT/scripts/local-cluster.sh" "$TMP/cluster" start > "$TMP/local-cluster.log"
export ASBB_E2E_DIR=$TMP/cluster

log "running the tests (plain build)"
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"

if [ "${ASBB_TEST_SANITIZE:-1}" = 1 ]; then
	log "building with AddressSanitizer + UBSan"
	build "$BUILD-asan" -DASBB_SANITIZE=ON
	log "running the tests (sanitizer build)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir "$BUILD-asan" --output-on-failure -j "$JOBS" -LE e2e
fi
log "all tests passed"
