# test-services.sh -- sourced by scripts/test.sh (Debian 12 host) and by
# scripts/lib/in-target.sh (inside another release's chroot): the real services
# the integration and e2e suites need, started under TMP on loopback, and the
# build helper both use.
#
#   services_start TMP PLUGIN_SO   a private MariaDB (integration tests) and a
#                                  local SLURM cluster running PLUGIN_SO (e2e);
#                                  exports what the tests read
#   services_stop TMP              stops both, and the Galera one below (safe to call twice)
#   galera_race TMP PLUGIN_SO BUILD
#                                  a second local cluster, its database a 3-node
#                                  Galera cluster, running PLUGIN_SO: BUILD's
#                                  e2e_failure against it (the race, on Galera), then
#                                  stops it
#   asbb_build DIR TYPE [ARGS...]  cmake configure + build, -Werror on
#   report_versions                one line naming SLURM, GCC, MariaDB and cmake
#
# shellcheck shell=bash

TS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TS_T0=${TS_T0:-$(date +%s)}
log() { printf '[test +%ds] %s\n' $(($(date +%s) - TS_T0)) "$*"; }

# Unity builds (CMake compiles 16 of a target's sources as one unit) halve the
# library code's compile time, which is most of CI's time on two cores. The
# builds that stay one-file-per-unit are the Debug builds in the 24.11 and
# 26.05 chroots (in-target.sh): a packager's default build, where a file that
# forgot an #include would fail. Their newer libstdc++ includes less behind
# one's back than Debian 12's, so they are the stricter check of the two.
# The repo's own rule keeps unity builds working: no two sources of one
# library define the same file-local name.
ASBB_UNITY=(-DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16)

asbb_build() { # DIR TYPE [cmake args...]
	local dir=$1 type=$2
	shift 2
	log "building $dir ($type${*:+ $*})"
	cmake -S "$TS_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DASBB_WERROR=ON "$@" \
		>"$dir.cmake.log" 2>&1 || {
		tail -n 30 "$dir.cmake.log" >&2
		return 1
	}
	cmake --build "$dir" -j "$(nproc)"
}

report_versions() {
	local slurm gcc mariadb
	slurm=$(slurmctld -V 2>/dev/null | awk '{print $2}')
	gcc=$(gcc -dumpfullversion 2>/dev/null)
	mariadb=$(mariadbd --version 2>/dev/null | grep -oE 'Ver [^ ]+' | cut -d' ' -f2)
	. /etc/os-release
	echo "target: Debian ${VERSION_ID:-$VERSION_CODENAME} ($PRETTY_NAME): SLURM $slurm, GCC $gcc," \
		"MariaDB $mariadb, $(cmake --version | head -n 1)"
}

services_start() { # TMP PLUGIN_SO
	local tmp=$1 plugin=$2 port cluster_base
	# Ports below 32768 (Linux hands out 32768-60999 to outgoing connections).
	# MariaDB 20000-25999; clusters BASE+6..BASE+24 with BASE in 26000-30900
	# (two_clusters_test.sh starts a second one at BASE+1000).
	port=$((20000 + RANDOM % 6000))
	log "starting a private MariaDB on 127.0.0.1:$port"
	bash "$TS_ROOT/scripts/lib/private-mariadb.sh" "$tmp/mariadb" start "$port"
	export ASBB_TEST_DB_SOCKET=$tmp/mariadb/mysqld.sock
	export ASBB_TEST_DB_PORT=$port
	export ASBB_TEST_TMP=$tmp
	cluster_base=$(((26000 + RANDOM % 5000) / 100 * 100))
	log "starting a local SLURM cluster (port base $cluster_base) with $plugin"
	ASBB_PLUGIN_SO=$plugin ASBB_PORT_BASE=$cluster_base \
		bash "$TS_ROOT/scripts/local-cluster.sh" "$tmp/cluster" start >"$tmp/local-cluster.log" 2>&1 || {
		tail -n 30 "$tmp/local-cluster.log" >&2
		return 1
	}
	export ASBB_E2E_DIR=$tmp/cluster
}

galera_race() { # TMP PLUGIN_SO BUILD
	local tmp=$1 plugin=$2 build=$3 base rc=0
	# 37 ports from BASE, in 31000-32536: above the clusters of services_start
	# (and their second cluster at +1000), below the outgoing ports at 32768
	base=$((31000 + RANDOM % 16 * 100))
	log "starting a local SLURM cluster on a 3-node Galera cluster (port base $base) with $plugin"
	ASBB_DB_GALERA=1 ASBB_PLUGIN_SO=$plugin ASBB_PORT_BASE=$base \
		bash "$TS_ROOT/scripts/local-cluster.sh" "$tmp/galera-cluster" start \
		>"$tmp/galera-local-cluster.log" 2>&1 || {
		tail -n 30 "$tmp/galera-local-cluster.log" >&2
		return 1
	}
	log "running e2e_failure (the race) against it"
	ASBB_E2E_DIR=$tmp/galera-cluster ctest --test-dir "$build" --output-on-failure -R '^e2e_failure$' || rc=$?
	bash "$TS_ROOT/scripts/local-cluster.sh" "$tmp/galera-cluster" stop >/dev/null 2>&1 || true
	return $rc
}

services_stop() { # TMP
	[ ! -d "$1/galera-cluster" ] || bash "$TS_ROOT/scripts/local-cluster.sh" "$1/galera-cluster" stop >/dev/null 2>&1 || true
	bash "$TS_ROOT/scripts/local-cluster.sh" "$1/cluster" stop >/dev/null 2>&1 || true
	bash "$TS_ROOT/scripts/lib/private-mariadb.sh" "$1/mariadb" stop >/dev/null 2>&1 || true
}
