# tests/bench/lib.sh -- helpers for the benchmarks in tests/bench (bash, as
# root). A benchmark prints figures and asserts nothing about time: it fails
# only when it could not measure (a daemon did not start, a job that should be
# accepted was refused, ...).
#
# What is here:
#   bench_log / bench_die            timestamped progress on stderr / abort
#   bench_init                       root check, BENCH_ROOT, ASBB_BIN, ASBB_PLUGIN_SO
#   bench_init_poller                root check, ASBB_BIN, ASBB_POLLER_BIN; no plugin
#   bench_cluster_start BASE         a private cluster (scripts/local-cluster.sh)
#                                    with the plugin after bench_init, without after
#                                    bench_init_poller; stopped by the EXIT trap
#   bench_sql [ARGS...]              the mariadb client as root on that cluster's socket
#   bench_cluster ACTION             local-cluster.sh on that cluster (restart-ctld, ...)
#   bench_now_us                     wall clock in microseconds (no fork)
#   bench_sdiag_submit               "COUNT TOTAL_US" of REQUEST_SUBMIT_BATCH_JOB from sdiag
#   bench_stats FILE                 "n p50 p99 max" of the integers in FILE (nearest rank)
#   bench_machine                    the machine, SLURM and MariaDB versions, load
#
# shellcheck shell=bash

BENCH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly BENCH_LIB_DIR
BENCH_ROOT=$(cd "$BENCH_LIB_DIR/../.." && pwd)
readonly BENCH_ROOT

# Progress goes to stderr so that stdout holds only the figures.
bench_log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
bench_die() {
	echo "bench: error: $*" >&2
	exit 1
}

# bench_init: the asbb CLI and the job_submit plugin, for a cluster with the plugin.
bench_init() {
	bench_init_cli
	ASBB_PLUGIN_SO=${ASBB_PLUGIN_SO:-$BENCH_ROOT/build/plugin/job_submit_budget.so}
	[ -f "$ASBB_PLUGIN_SO" ] || bench_die "$ASBB_PLUGIN_SO not found: build first (scripts/bench.sh does)"
	ASBB_PLUGIN_SO=$(realpath "$ASBB_PLUGIN_SO")
}

# bench_init_poller: the asbb CLI and asbb-poller, for a cluster without the
# plugin (ASBB_PLUGIN_SO empty: bench_cluster_start then leaves it off).
bench_init_poller() {
	bench_init_cli
	ASBB_POLLER_BIN=${ASBB_POLLER_BIN:-$BENCH_ROOT/build/poller/asbb-poller}
	[ -x "$ASBB_POLLER_BIN" ] || bench_die "$ASBB_POLLER_BIN not found: build first (scripts/bench.sh does)"
	ASBB_PLUGIN_SO=''
}

bench_init_cli() {
	[ "$(id -u)" = 0 ] || bench_die "run as root (the benchmarks start a private SLURM cluster, and submit as its demo users with runuser)"
	ASBB_BIN=${ASBB_BIN:-$BENCH_ROOT/build/src/asbb}
	[ -x "$ASBB_BIN" ] || bench_die "$ASBB_BIN not found: build first (scripts/bench.sh does)"
}

# ------------------------------------------------------------- the cluster

BENCH_TMP='' BENCH_CLUSTER_DIR='' BENCH_OK=0
# Hooks run first on exit (e.g. SIGCONT to a frozen mariadbd, or `stop` would
# wait 15 s for it and then SIGKILL the database).
BENCH_EXIT_HOOKS=()

bench_cleanup() {
	local rc=$? hook
	trap - EXIT
	for hook in "${BENCH_EXIT_HOOKS[@]}"; do "$hook" || true; done
	if [ -n "$BENCH_CLUSTER_DIR" ] && [ -d "$BENCH_CLUSTER_DIR/run" ]; then
		bench_log "stopping the cluster under $BENCH_CLUSTER_DIR"
		bash "$BENCH_ROOT/scripts/local-cluster.sh" "$BENCH_CLUSTER_DIR" stop \
			>>"$BENCH_TMP/local-cluster.log" 2>&1 || echo "bench: could not stop $BENCH_CLUSTER_DIR" >&2
	fi
	if [ -n "$BENCH_TMP" ]; then
		if [ "$rc" = 0 ] && [ "$BENCH_OK" = 1 ]; then
			rm -rf "$BENCH_TMP"
		else
			echo "bench: failed (rc=$rc); logs kept in $BENCH_TMP" >&2
		fi
	fi
	exit "$rc"
}

# bench_cluster_start PORT_BASE: a cluster of our own under a new temp dir.
# It must not be a cluster someone else uses: the benchmark restarts its
# slurmctld and freezes its database. With the plugin when bench_init found
# one (ASBB_PLUGIN_SO set), else with JobSubmitPlugins unset.
bench_cluster_start() {
	local base=$1 job_submit=1 plugin_state=on
	if [ -z "$ASBB_PLUGIN_SO" ]; then job_submit=0 plugin_state=off; fi
	# the munge and mysql users must reach DIR, so it lives under world-traversable /tmp
	BENCH_TMP=$(mktemp -d /tmp/asbb-bench.XXXXXX)
	chmod 0755 "$BENCH_TMP"
	BENCH_CLUSTER_DIR=$BENCH_TMP/cluster
	trap bench_cleanup EXIT
	# without these traps a Ctrl-C would skip the EXIT trap and leave daemons running
	trap 'exit 130' INT
	trap 'exit 143' TERM
	bench_log "starting a local cluster under $BENCH_CLUSTER_DIR (port base $base, plugin $plugin_state)"
	ASBB_PLUGIN_SO=$ASBB_PLUGIN_SO ASBB_JOB_SUBMIT=$job_submit ASBB_PORT_BASE=$base ASBB_FAIL_POLICY=closed \
		bash "$BENCH_ROOT/scripts/local-cluster.sh" "$BENCH_CLUSTER_DIR" start \
		>>"$BENCH_TMP/local-cluster.log" 2>&1 ||
		bench_die "local-cluster.sh start failed (see $BENCH_TMP/local-cluster.log)"
	# shellcheck source=/dev/null
	source "$BENCH_CLUSTER_DIR/env.sh"
	# sbatch runs as the demo users: they must be able to enter the cwd
	cd "$BENCH_CLUSTER_DIR/jobs" || bench_die "cannot cd to $BENCH_CLUSTER_DIR/jobs"
}

# bench_cluster ACTION [VAR=VALUE...]: e.g. bench_cluster restart-ctld ASBB_JOB_SUBMIT=0
bench_cluster() {
	local action=$1
	shift
	env "$@" bash "$BENCH_ROOT/scripts/local-cluster.sh" "$BENCH_CLUSTER_DIR" "$action" \
		>>"$BENCH_TMP/local-cluster.log" 2>&1 ||
		bench_die "local-cluster.sh $action failed (see $BENCH_TMP/local-cluster.log)"
}

# bench_sql [ARGS...]: the mariadb client as the database's root (unix socket
# authentication: we are root) on the cluster's private socket.
bench_sql() {
	mariadb --no-defaults -S "$ASBB_DB_SOCKET" -uroot "$@"
}

# ------------------------------------------------------------- measuring

# EPOCHREALTIME (bash 5) avoids a fork of date inside timed loops.
bench_now_us() {
	local t=${EPOCHREALTIME//[.,]/}
	echo "$((10#$t))"
}

# sdiag's cumulative count and total time (us) of REQUEST_SUBMIT_BATCH_JOB,
# "0 0" before the first one. slurmctld times the whole RPC handler here,
# job_submit plugins included.
bench_sdiag_submit() {
	sdiag 2>/dev/null | awk '
		$1 == "REQUEST_SUBMIT_BATCH_JOB" {
			for (i = 2; i <= NF; i++) {
				if ($i ~ /^count:/) c = substr($i, 7)
				if ($i ~ /^total_time:/) t = substr($i, 12)
			}
		}
		END { print (c == "" ? 0 : c), (t == "" ? 0 : t) }'
}

# bench_stats FILE: "n p50 p99 max" over one integer per line (nearest-rank
# percentiles, so every figure is a value that was measured); "0 - - -" if empty.
bench_stats() {
	sort -n "$1" | awk '
		{ v[++n] = $1 }
		function rank(p,   r) { r = int(p * n); if (r < p * n) r++; return r < 1 ? 1 : r }
		END {
			if (n == 0) { print "0 - - -"; exit }
			print n, v[rank(0.50)], v[rank(0.99)], v[n]
		}'
}

bench_machine() {
	local cpu
	cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
	echo "machine:  $(uname -n), $(nproc) CPUs (${cpu:-unknown}), kernel $(uname -r)"
	echo "software: $(slurmctld -V), $(mariadbd --version | sed 's/^.*Ver /MariaDB /; s/ for .*//')"
	echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at $(date '+%F %T %Z')"
}
