#!/bin/bash
# test.sh -- the test command (Debian 12 host, as root). It installs what is
# missing, then runs every SLURM target in ASBB_TEST_SLURM (default all three):
#
#   22.05  on this host: builds asbb twice (RelWithDebInfo, and Debug with
#          AddressSanitizer + UBSan), starts a private MariaDB and a local SLURM
#          cluster (scripts/local-cluster.sh, with the plain build's plugin) on
#          loopback under a temporary directory, runs every test with ctest in
#          both builds (e2e in the plain build only); the galera tests on a
#          3-node Galera cluster, and the e2e race on a second local cluster
#          whose database is a Galera cluster; then builds just the
#          concurrency tests (label tsan, tests/CMakeLists.txt) with
#          ThreadSanitizer and runs them; then builds Release
#   24.11  scripts/test-target.sh 24.11: a Debian 13 chroot, the .deb installed,
#          the integration and e2e suites on a real 24.11 cluster
#   26.05  scripts/test-target.sh 26.05: the same in a Debian sid chroot
#
# Exits non-zero on any failure; the servers are stopped on every exit path.
#
#   scripts/test.sh                        everything
#   ASBB_TEST_SLURM=22.05 scripts/test.sh  the host's target only
#   ASBB_TEST_SANITIZE=0 ...               skip the ASan/UBSan build (quicker local runs)
#   ASBB_TEST_TSAN=0 ...                   skip the ThreadSanitizer build
#   ASBB_TEST_BUILD_TYPES=0 ...            skip the extra build types
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ASBB_BUILD_DIR:-$ROOT/build}
JOBS=$(nproc)
export TS_T0=$(date +%s)
TARGETS=${ASBB_TEST_SLURM:-22.05,24.11,26.05}
# shellcheck source=scripts/lib/test-services.sh
source "$ROOT/scripts/lib/test-services.sh"

for t in ${TARGETS//,/ }; do
	case "$t" in 22.05 | 24.11 | 26.05) ;; *)
		echo "test.sh: unknown SLURM target '$t' in ASBB_TEST_SLURM (22.05, 24.11, 26.05)" >&2
		exit 2
		;;
	esac
done

bash "$ROOT/scripts/install-deps.sh"

TMP=$(mktemp -d /tmp/asbb-test.XXXXXX)
chmod 0755 "$TMP" # services run as their own users and must reach it
PREPARE_PIDS=()
cleanup() {
	local rc=$? pid
	for pid in "${PREPARE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	services_stop "$TMP"
	[ -d "$TMP/galera" ] && bash "$ROOT/scripts/lib/galera-cluster.sh" "$TMP/galera" stop >/dev/null 2>&1 || true
	if [ $rc = 0 ]; then rm -rf "$TMP"; else echo "test.sh: failed (rc=$rc); logs kept in $TMP" >&2; fi
	exit $rc
}
trap cleanup EXIT

# The other targets' chroots are made (downloads, unpacking) while the host
# builds; they are reused when the scripts that make them have not changed.
declare -A SUITE_OF=([24.11]=trixie [26.05]=sid)
for t in ${TARGETS//,/ }; do
	[ "$t" = 22.05 ] && continue
	bash "$ROOT/scripts/lib/target-chroot.sh" create "${SUITE_OF[$t]}" \
		"${ASBB_CHROOT_DIR:-/var/cache/asbb-test}/${SUITE_OF[$t]}" >"$TMP/chroot-$t.log" 2>&1 &
	PREPARE_PIDS+=($!)
done

host_suite() {
	. /etc/os-release
	[ "${VERSION_ID:-}" = 12 ] || {
		echo "test.sh: SLURM 22.05 is tested on a Debian 12 host (this is $PRETTY_NAME)" >&2
		return 1
	}
	log "SLURM 22.05 on this host: $(report_versions)"
	asbb_build "$BUILD" RelWithDebInfo "${ASBB_UNITY[@]}"
	services_start "$TMP" "$BUILD/plugin/job_submit_budget.so"
	log "running the tests (RelWithDebInfo build)"
	ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"
	# The ledger on a 3-node Galera cluster (about 10 s to start, a few to
	# run); the other runs leave ASBB_TEST_GALERA_* unset and skip them.
	log "running the Galera tests (3-node cluster, RelWithDebInfo build)"
	bash "$ROOT/scripts/lib/galera-cluster.sh" "$TMP/galera" start 18300
	ASBB_TEST_GALERA_PORTS=18300,18301,18302 ASBB_TEST_GALERA_SOCKET=$TMP/galera/node1/mysqld.sock \
		ctest --test-dir "$BUILD" --output-on-failure -L galera
	bash "$ROOT/scripts/lib/galera-cluster.sh" "$TMP/galera" stop
	galera_race "$TMP" "$BUILD/plugin/job_submit_budget.so" "$BUILD"
	if [ "${ASBB_TEST_SANITIZE:-1}" = 1 ]; then
		# Debug: the sanitizers see the code as written, and Debug is built too
		asbb_build "$BUILD-asan" Debug -DASBB_SANITIZE=ON "${ASBB_UNITY[@]}"
		log "running the tests (Debug + AddressSanitizer/UBSan build)"
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			ctest --test-dir "$BUILD-asan" --output-on-failure -j "$JOBS" -LE e2e
	fi
	if [ "${ASBB_TEST_TSAN:-1}" = 1 ]; then
		# Only the tests whose threads share the engine, the session pool or
		# the ledger, and only what they link (about 3.5 minutes to build on
		# two cores, under a minute to run). No suppressions file: MariaDB
		# Connector/C is not instrumented, so TSan sees none of its memory
		# accesses (nothing to suppress, and a race inside it goes unseen),
		# and its locks are pthread ones, which TSan intercepts.
		log "building $BUILD-tsan (Debug + ThreadSanitizer, the tsan-labelled tests only)"
		cmake -S "$ROOT" -B "$BUILD-tsan" -DCMAKE_BUILD_TYPE=Debug -DASBB_WERROR=ON -DASBB_TSAN=ON "${ASBB_UNITY[@]}" \
			>"$BUILD-tsan.cmake.log" 2>&1 || {
			tail -n 30 "$BUILD-tsan.cmake.log" >&2
			return 1
		}
		cmake --build "$BUILD-tsan" -j "$JOBS" --target asbb_tsan_tests
		log "running the concurrency tests (Debug + ThreadSanitizer build)"
		TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
			ctest --test-dir "$BUILD-tsan" --output-on-failure -L tsan
	fi
	services_stop "$TMP"
	if [ "${ASBB_TEST_BUILD_TYPES:-1}" = 1 ]; then
		asbb_build "$BUILD-release" Release -DASBB_BUILD_TESTS=OFF "${ASBB_UNITY[@]}" >"$TMP/build-release.log" 2>&1 ||
			{
				tail -n 40 "$TMP/build-release.log" >&2
				return 1
			}
		log "build type Release: built"
	fi
	log "SLURM 22.05: all passed"
}

for t in ${TARGETS//,/ }; do
	if [ "$t" = 22.05 ]; then
		host_suite
		continue
	fi
	for pid in "${PREPARE_PIDS[@]}"; do
		wait "$pid" || {
			cat "$TMP"/chroot-*.log >&2
			exit 1
		}
	done
	PREPARE_PIDS=()
	log "SLURM $t in a chroot (scripts/test-target.sh $t)"
	bash "$ROOT/scripts/test-target.sh" "$t"
done
log "all tests passed on SLURM ${TARGETS//,/, }"
