#!/bin/bash
# bench.sh -- runs every benchmark in tests/bench (*_bench.sh), one after the
# other, after installing what is missing and building. As root: the
# benchmarks start private SLURM clusters. Not part of scripts/test.sh: the
# benchmarks print figures and assert nothing about time.
#
#   scripts/bench.sh                 all of them
#   BENCH_JOBS=300 scripts/bench.sh  knobs are passed through (see each benchmark)
#
# Exits non-zero when a benchmark could not run to its end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build

[ "$(id -u)" = 0 ] || {
	echo "bench.sh: run as root" >&2
	exit 1
}
bash "$ROOT/scripts/install-deps.sh" >&2

# Configure only a fresh build dir (keeping whatever build type it has
# otherwise); the build itself is incremental, so it is cheap when nothing changed.
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
cmake --build "$BUILD" -j "$(nproc)" >&2

export ASBB_BIN=$BUILD/src/asbb
export ASBB_PLUGIN_SO=$BUILD/plugin/job_submit_budget.so

failed=()
for bench in "$ROOT"/tests/bench/*_bench.sh; do
	[ -e "$bench" ] || continue
	echo "== $(basename "$bench")" >&2
	bash "$bench" || failed+=("$(basename "$bench")")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench.sh: failed: ${failed[*]}" >&2
	exit 1
fi
