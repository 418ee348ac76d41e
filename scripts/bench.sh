#!/bin/bash
# bench.sh -- runs the benchmarks in tests/bench (*_bench.sh), after installing
# what is missing and building what they run. As root: the benchmarks start
# private SLURM clusters. Not part of scripts/test.sh: the benchmarks print
# figures and assert nothing about time.
#
#   scripts/bench.sh                       all of them, one after the other, on this
#                                          host (SLURM 22.05)
#   scripts/bench.sh NAME [SERIES]         one of them: NAME is its file name without
#                                          _bench.sh (submit, submit_concurrent, poller,
#                                          service, bill_import; "concurrent" is short for
#                                          submit_concurrent). SERIES 22.05 (default)
#                                          runs it on this host; 24.11 or 26.05 runs it
#                                          inside that release's chroot (Debian 13 /
#                                          sid, made and cached by
#                                          scripts/lib/target-chroot.sh as for
#                                          scripts/test-target.sh), built there with
#                                          that release's GCC and libslurm
#   BENCH_JOBS=300 scripts/bench.sh ...    knobs (BENCH_*) are passed through, into the
#                                          chroot too (see each benchmark)
#
# e.g. scripts/bench.sh concurrent 24.11; BENCH_JOBS=200 scripts/bench.sh concurrent 26.05
#
# In a chroot the build lives in the chroot's /bench-build (kept for the next
# run; test-target.sh's /build is remade by every test run), and a benchmark
# that stops with an error keeps its logs in the chroot's /tmp. Without a
# BENCH_PORT_BASE the submit benchmarks take a port base of their own per
# release (submit 21000/21100/21200, submit_concurrent 23000/23100/23200 for
# 22.05/24.11/26.05), so that runs on the three releases can overlap: the
# chroots share the host's network.
#
# Exits non-zero when a benchmark could not run to its end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT

die() {
	echo "bench.sh: $*" >&2
	exit 1
}

# bench_file NAME: tests/bench/NAME_bench.sh, or a one-line error
bench_file() {
	local name=$1 f names=''
	[ "$name" = concurrent ] && name=submit_concurrent
	if [[ "$name" =~ ^[a-z_]+$ ]] && [ -f "$ROOT/tests/bench/${name}_bench.sh" ]; then
		echo "$ROOT/tests/bench/${name}_bench.sh"
		return 0
	fi
	for f in "$ROOT"/tests/bench/*_bench.sh; do
		f=$(basename "$f")
		names+=" ${f%_bench.sh}"
	done
	die "no benchmark '$1' (there are:$names)"
}

# default_port_base BENCH_FILE SERIES: the port base a submit benchmark gets on
# SERIES when BENCH_PORT_BASE is not set (empty: the benchmark's own default)
default_port_base() {
	local first step
	case "$(basename "$1")" in
	submit_bench.sh) first=21000 ;;
	submit_concurrent_bench.sh) first=23000 ;;
	*) return 0 ;;
	esac
	case "$2" in 22.05) step=0 ;; 24.11) step=1 ;; 26.05) step=2 ;; esac
	echo $((first + 100 * step))
}

# A hash of the source files' contents. make goes by modification times, so a
# build dir reused for another checkout (a worktree, another clone at /src) can
# keep objects compiled from other headers: a plugin built that way crashed
# slurmctld. A dir built from other sources is therefore started afresh.
source_stamp() {
	(cd "$ROOT" && find CMakeLists.txt cmake src plugin poller sql tests/CMakeLists.txt -type f \
		-print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# build DIR: configure a fresh DIR (keeping whatever build type it has
# otherwise), then build only what the benchmarks run; incremental, so it is
# cheap when nothing changed.
build() {
	local dir=$1 stamp
	stamp=$(source_stamp)
	if [ -f "$dir/CMakeCache.txt" ] && [ "$(cat "$dir/.asbb-source" 2>/dev/null)" != "$stamp" ]; then
		echo "bench.sh: $dir was built from other sources: building afresh" >&2
		rm -rf "$dir"
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/CMakeCache.txt" ]; then
		cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
	fi
	cmake --build "$dir" -j "$(nproc)" --target asbb asbb-poller job_submit_budget >&2
	echo "$stamp" >"$dir/.asbb-source"
}

run_benches() { # BENCH_FILE...
	local bench failed=()
	for bench in "$@"; do
		echo "== $(basename "$bench")" >&2
		bash "$bench" || failed+=("$(basename "$bench")")
	done
	[ ${#failed[@]} = 0 ] || die "failed: ${failed[*]}"
}

# On this host (SLURM 22.05): build in build/, run BENCH_FILE..., or all.
on_host() {
	local build_dir=$ROOT/build
	bash "$ROOT/scripts/install-deps.sh" >&2
	build "$build_dir"
	export ASBB_BIN=$build_dir/src/asbb
	export ASBB_PLUGIN_SO=$build_dir/plugin/job_submit_budget.so
	export ASBB_POLLER_BIN=$build_dir/poller/asbb-poller
	if [ $# = 0 ]; then
		set -- "$ROOT"/tests/bench/*_bench.sh
	elif [ -z "${BENCH_PORT_BASE:-}" ] && [ -n "$(default_port_base "$1" 22.05)" ]; then
		BENCH_PORT_BASE=$(default_port_base "$1" 22.05)
		export BENCH_PORT_BASE
	fi
	run_benches "$@"
}

# In SERIES's chroot: make (or reuse) it, then run this script's in-target
# part there, with the source tree read-only at /src and the BENCH_* knobs
# (target-chroot.sh starts CMD with a clean environment).
in_chroot() {
	local series=$1 bench=$2 suite dir knobs=() v
	case "$series" in 24.11) suite=trixie ;; 26.05) suite=sid ;; esac
	dir=${ASBB_CHROOT_DIR:-/var/cache/asbb-test}/$suite
	bash "$ROOT/scripts/lib/target-chroot.sh" create "$suite" "$dir" >&2
	for v in $(compgen -v BENCH_ || true); do knobs+=("$v=${!v}"); done
	if [ -z "${BENCH_PORT_BASE:-}" ] && [ -n "$(default_port_base "$bench" "$series")" ]; then
		knobs+=("BENCH_PORT_BASE=$(default_port_base "$bench" "$series")")
	fi
	bash "$ROOT/scripts/lib/target-chroot.sh" run "$dir" "$ROOT" \
		env "${knobs[@]}" bash /src/scripts/bench.sh __in-target "$series" "$(basename "$bench")"
}

# Inside the chroot (ROOT is /src, read-only): build in /bench-build, run one benchmark.
in_target() {
	local series=$1 bench=$ROOT/tests/bench/$2 running dir=/bench-build/RelWithDebInfo
	running=$(slurmctld -V | awk '{print $2}')
	[[ "$running" == "$series".* ]] || die "this chroot has SLURM $running, not $series"
	echo "bench.sh: SLURM $running in $(. /etc/os-release && echo "$PRETTY_NAME"), GCC $(gcc -dumpfullversion);" \
		"building in the chroot's $dir" >&2
	mkdir -p "$dir"
	build "$dir" >"$dir.build.log" 2>&1 || {
		tail -n 30 "$dir.build.log" >&2
		die "building in the chroot failed (log: $dir.build.log in the chroot)"
	}
	export ASBB_BIN=$dir/src/asbb
	export ASBB_PLUGIN_SO=$dir/plugin/job_submit_budget.so
	export ASBB_POLLER_BIN=$dir/poller/asbb-poller
	run_benches "$bench"
}

[ "$(id -u)" = 0 ] || die "run as root"
case $# in
0) on_host ;;
1 | 2)
	if [ "$1" = __in-target ]; then
		die "usage: bench.sh __in-target SERIES BENCH_FILE (used inside a chroot)"
	fi
	bench=$(bench_file "$1")
	case "${2:-22.05}" in
	22.05) on_host "$bench" ;;
	24.11 | 26.05) in_chroot "$2" "$bench" ;;
	*) die "no chroot for SLURM '$2' (22.05 on this host, 24.11, 26.05)" ;;
	esac
	;;
3)
	[ "$1" = __in-target ] || die "usage: bench.sh [NAME [22.05|24.11|26.05]]"
	in_target "$2" "$3"
	;;
*) die "usage: bench.sh [NAME [22.05|24.11|26.05]]" ;;
esac
