#!/bin/bash
# submit_bench.sh -- what job_submit/budget costs slurmctld (issue 3, acceptance
# point 8; issue 10's targets). Prints figures, and issue 10's targets marked
# met or not met next to them; asserts nothing about time.
#
#   sudo tests/bench/submit_bench.sh              (scripts/bench.sh builds first)
#   BENCH_JOBS=300 tests/bench/submit_bench.sh    a shorter run
#
# One private cluster (scripts/local-cluster.sh under a temp dir, port base
# BENCH_PORT_BASE), started and stopped here, also on failure:
#   (a) plugin on:  BENCH_JOBS serial `sbatch -p aws-cpu --hold` as alice
#   (b) plugin off: the same after restarting slurmctld with JobSubmitPlugins unset
#   (c) MariaDB frozen (SIGSTOP), plugin on: BENCH_FROZEN_JOBS submissions
#   (d) the server's floor: mean time of a durable one-row commit and of a
#       trivial round trip on the same MariaDB, back to back and each after
#       15 ms of idle (as submissions come), to see how much of the plugin's
#       time is the database's own
# Before (a), (b) and (c), BENCH_WARMUP unmeasured jobs let slurmctld and the
# plugin settle (first config read, first DB connection). --hold keeps every
# job pending, so nothing runs and each run sees only held jobs; they are
# cancelled between the runs.
#
# How each figure is measured:
#   server (sdiag)  per submission, the growth of sdiag's total_time for
#                   REQUEST_SUBMIT_BATCH_JOB, read after each sbatch. slurmctld
#                   times the whole RPC handler there, job_submit plugins included.
#   server (log)    slurmctld's "_slurm_rpc_submit_batch_job: JobId=N ... usec=N"
#                   line, logged at SlurmctldDebug=info on 22.05 (no debug level
#                   or DebugFlags needed). Its timer restarts after the job write
#                   lock is taken, i.e. after the job_submit plugin has run, so it
#                   excludes the plugin: shown only for comparison with the lab notes.
#   plugin          the "(N us)" the plugin logs with each budget decision
#                   (time inside engine->submit; plugin run only)
#   sbatch          wall time of `runuser -u alice -- sbatch ...` on the client
#                   (runuser and process start-up included); throughput = jobs
#                   / the sum of those times (the sdiag reads between them excluded)
#
# Frozen DB: PluginDeadline is 200 ms (the default, written explicitly) and
# FailPolicy=closed. The first failure opens the circuit breaker, so with the
# default BreakerSeconds=30 only one submission would ever wait for the
# deadline; BreakerSeconds=5 here, and the first BENCH_DEADLINE_HITS
# submissions are spaced past it, so that several do. The rest follow back to
# back with the breaker open (5 s, not less: on a busy 2-CPU machine 15 of
# them took about 2 s). Which case a submission was is read from the plugin's
# own log line ("circuit breaker open" or not), never assumed.
#
# Knobs: BENCH_JOBS (500), BENCH_WARMUP (10), BENCH_FROZEN_JOBS (20),
#        BENCH_DEADLINE_HITS (5), BENCH_PORT_BASE (21000: ports BASE+6..BASE+24),
#        ASBB_BIN, ASBB_PLUGIN_SO (default: the build/ tree).
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init

JOBS=${BENCH_JOBS:-500}
WARMUP=${BENCH_WARMUP:-10}
FROZEN_JOBS=${BENCH_FROZEN_JOBS:-20}
DEADLINE_HITS=${BENCH_DEADLINE_HITS:-5}
PORT_BASE=${BENCH_PORT_BASE:-21000}
for v in JOBS WARMUP FROZEN_JOBS DEADLINE_HITS PORT_BASE; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || bench_die "BENCH_$v must be a number, got '${!v}'"
done
[ "$JOBS" -ge 1 ] || bench_die "BENCH_JOBS must be at least 1"
[ "$DEADLINE_HITS" -le "$FROZEN_JOBS" ] || bench_die "BENCH_DEADLINE_HITS > BENCH_FROZEN_JOBS"
readonly JOBS WARMUP FROZEN_JOBS DEADLINE_HITS PORT_BASE
readonly DEADLINE_MS=200 BREAKER_S=5
readonly SUBMIT=(-p aws-cpu --hold -J bench --wrap true)

STARTED_AT=$(date '+%F %T %Z')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

bench_cluster_start "$PORT_BASE"
R=$BENCH_TMP/results
mkdir -p "$R"
readonly R LOG=$ASBB_CLUSTER_DIR/log/slurmctld.log

# ------------------------------------------------------------------- setup

# Only alice's default account proj001 gets a budget: its ancestors have none,
# so they do not limit it. $1,000,000 covers every hold made here (each is
# 1 h x $0.17 x 1.2 = $0.204).
setup_budget() {
	local today tomorrow
	"$ASBB_BIN" database migrate >/dev/null || bench_die "asbb database migrate failed"
	"$ASBB_BIN" rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.17 \
		--cpus-per-node=4 --default-time=1:00:00 >/dev/null || bench_die "asbb rates set failed"
	today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
	"$ASBB_BIN" account create --name=proj001 --budget=1000000 --start="$today" --end="$tomorrow" \
		--description='asbb submit_bench' >/dev/null || bench_die "asbb account create failed"
	# The plugin reads its config at its first job, which comes after this.
	printf 'PluginDeadline=%s\nBreakerSeconds=%s\n' "$DEADLINE_MS" "$BREAKER_S" >>"$ASBB_CONF"
}

# ------------------------------------------------------------- submitting

submit() { # one sbatch as alice; its exit status
	runuser -u alice -- env SLURM_CONF="$SLURM_CONF" SBATCH_OUTPUT="$SBATCH_OUTPUT" \
		sbatch --parsable "${SUBMIT[@]}" >/dev/null 2>>"$R/sbatch.err" </dev/null
}

warm_up() {
	local i
	for ((i = 0; i < WARMUP; i++)); do submit || bench_die "warm-up sbatch failed: $(tail -n 1 "$R/sbatch.err")"; done
}

cancel_all() {
	local i
	timeout 30 scancel -u alice || bench_die "scancel -u alice failed"
	for ((i = 0; i < 100; i++)); do
		[ -z "$(squeue -h -u alice -t PD,R,CG -o %A)" ] && return 0
		sleep 0.1
	done
	bench_die "alice's jobs still there 10 s after scancel"
}

SERIES='' SERIES_LOG_OFFSET=0
series_begin() {
	SERIES=$1
	: >"$R/$SERIES.client"
	sdiag -r >/dev/null || bench_die "sdiag -r failed"
	bench_sdiag_submit >"$R/$SERIES.sdiag"
	SERIES_LOG_OFFSET=$(stat -c %s "$LOG")
}

# series_submit MUST_ACCEPT: one timed sbatch, then sdiag's counters
series_submit() {
	local t0 t1 rc=0
	t0=$(bench_now_us)
	submit || rc=$?
	t1=$(bench_now_us)
	echo $((t1 - t0)) >>"$R/$SERIES.client"
	if [ "$1" = 1 ] && [ "$rc" != 0 ]; then bench_die "sbatch refused in run $SERIES: $(tail -n 1 "$R/sbatch.err")"; fi
	bench_sdiag_submit >>"$R/$SERIES.sdiag"
}

# Per-submission server times from the sdiag snapshots, and the log lines.
series_end() {
	local s=$SERIES
	# the handler records its time after replying: let the last one land
	sleep 0.5
	bench_sdiag_submit >>"$R/$s.sdiag"
	# A snapshot taken before the previous RPC was recorded shows no growth;
	# the next one then covers two submissions, each counted at the average.
	awk 'NR == 1 { pc = $1; pt = $2; next }
		$1 > pc { d = $1 - pc; for (k = 0; k < d; k++) print int(($2 - pt) / d + 0.5); pc = $1; pt = $2 }' \
		"$R/$s.sdiag" >"$R/$s.server"
	tail -c +$((SERIES_LOG_OFFSET + 1)) "$LOG" >"$R/$s.log"
	sed -n -E 's/.*_slurm_rpc_submit_batch_job: JobId=[0-9]+ InitPrio=[0-9]+ usec=([0-9]+)$/\1/p' \
		"$R/$s.log" >"$R/$s.logusec"
	sed -n -E 's/.*job_submit\/budget: .*\(([0-9]+) us\)$/\1/p' "$R/$s.log" >"$R/$s.plugin"
}

# ------------------------------------------------------------- the runs

setup_budget

bench_log "(a) plugin on: $WARMUP warm-up + $JOBS measured submissions"
warm_up
series_begin on
for ((i = 0; i < JOBS; i++)); do series_submit 1; done
series_end
cancel_all

bench_log "(b) plugin off: restarting slurmctld without JobSubmitPlugins"
bench_cluster restart-ctld ASBB_JOB_SUBMIT=0
[ "$(scontrol show config | sed -n 's/^JobSubmitPlugins *= *//p')" = '(null)' ] ||
	bench_die "slurmctld still has JobSubmitPlugins set after restart-ctld ASBB_JOB_SUBMIT=0"
bench_log "(b) plugin off: $WARMUP warm-up + $JOBS measured submissions"
warm_up
series_begin off
for ((i = 0; i < JOBS; i++)); do series_submit 1; done
series_end
cancel_all

bench_log "(c) frozen DB: restarting slurmctld with the plugin"
bench_cluster restart-ctld ASBB_PLUGIN_SO="$ASBB_PLUGIN_SO"
[ "$(scontrol show config | sed -n 's/^JobSubmitPlugins *= *//p')" = budget ] ||
	bench_die "slurmctld runs without job_submit/budget after restart-ctld"
# warm-up: the plugin's kept DB connection exists when the database freezes
warm_up
cancel_all

FROZEN_PID=''
thaw_db() {
	[ -n "$FROZEN_PID" ] || return 0
	kill -CONT "$FROZEN_PID" 2>/dev/null || true
	FROZEN_PID=''
}
BENCH_EXIT_HOOKS+=(thaw_db)
pid=$(<"$ASBB_CLUSTER_DIR/run/pids/mariadbd.pid")
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mariadbd ] || bench_die "PID $pid from mariadbd.pid is not mariadbd"
bench_log "(c) frozen DB: SIGSTOP to mariadbd ($pid), $FROZEN_JOBS submissions"
FROZEN_PID=$pid
kill -STOP "$pid"
series_begin frozen
for ((i = 1; i <= FROZEN_JOBS; i++)); do
	series_submit 0
	# let the breaker close again so that the next submission meets the deadline
	if [ "$i" -lt "$DEADLINE_HITS" ]; then sleep "$BREAKER_S.5"; fi
done
series_end
thaw_db
for ((i = 0; i < 100; i++)); do
	mariadb-admin --no-defaults -S "$ASBB_DB_SOCKET" -uroot ping >/dev/null 2>&1 && break
	sleep 0.1
done

# (d) the server's floor: what one durable commit and one trivial round trip
# cost on this MariaDB, through one client session. A hold is at least one
# commit (innodb_flush_log_at_trx_commit=1 waits for the log's disk flush).
FLOOR_OPS=200
bench_log "(d) floor: $FLOOR_OPS autocommit INSERTs and $FLOOR_OPS SELECT 1 on one session"
bench_sql -e "CREATE DATABASE IF NOT EXISTS asbb_bench_floor;
	CREATE TABLE IF NOT EXISTS asbb_bench_floor.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=InnoDB"
floor_mean_us() { # SQL-TEMPLATE: mean us per statement over FLOOR_OPS of them
	local t0 t1
	t0=$(bench_now_us)
	for ((i = 0; i < FLOOR_OPS; i++)); do echo "$1"; done | bench_sql >/dev/null
	t1=$(bench_now_us)
	echo $(((t1 - t0) / FLOOR_OPS))
}
# The same after 15 ms of idle each, as every submission comes (sbatch takes
# about that long to start): on this VM an idle vCPU wakes slowly, and a
# statement that follows idle time costs up to twice what it costs in a
# back-to-back loop. Measured as (idle + statement) - (idle alone).
COLD_OPS=100
floor_cold_us() { # SQL-TEMPLATE
	local t0 t1 t2 cold
	t0=$(bench_now_us)
	for ((i = 0; i < COLD_OPS; i++)); do echo 'DO SLEEP(0.015);'; done | bench_sql >/dev/null
	t1=$(bench_now_us)
	for ((i = 0; i < COLD_OPS; i++)); do echo "DO SLEEP(0.015); $1"; done | bench_sql >/dev/null
	t2=$(bench_now_us)
	cold=$(((t2 - t1 - (t1 - t0)) / COLD_OPS))
	echo $((cold > 0 ? cold : 0))
}
FLOOR_COMMIT_US=$(floor_mean_us 'INSERT INTO asbb_bench_floor.t (v) VALUES (1);')
FLOOR_TRIP_US=$(floor_mean_us 'SELECT 1;')
bench_log "(d) floor after idle: $COLD_OPS of each, 15 ms apart"
COLD_COMMIT_US=$(floor_cold_us 'INSERT INTO asbb_bench_floor.t (v) VALUES (1);')
COLD_TRIP_US=$(floor_cold_us 'SELECT 1;')
FLUSH_AT_COMMIT=$(bench_sql -N -B -e 'SELECT @@innodb_flush_log_at_trx_commit')
bench_sql -e "DROP DATABASE asbb_bench_floor"

FINISHED_AT=$(date '+%F %T %Z')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------- the figures

# p50/p99 of FILE as "p50 / p99 us" (or the count when it differs from WANT)
pair() {
	local n p50 p99 max
	read -r n p50 p99 max < <(bench_stats "$1")
	if [ "$n" = 0 ]; then
		echo "-"
	elif [ -n "${2:-}" ] && [ "$n" != "$2" ]; then
		echo "$p50 / $p99 us (n=$n)"
	else
		echo "$p50 / $p99 us"
	fi
}
throughput() { awk '{ s += $1 } END { if (s > 0) printf "%.1f jobs/s", NR / (s / 1e6); else print "-" }' "$1"; }
mean() { awk '{ s += $1 } END { if (NR) printf "%d us", s / NR; else print "-" }' "$1"; }
p50() { bench_stats "$1" | cut -d' ' -f2; }
us_or_dash() { if [ "$1" = - ]; then echo -; else echo "$1 us"; fi; }
# verdict VALUE LIMIT: "met" when VALUE <= LIMIT, "not met", or "-" without a value
verdict() {
	[ "$1" != - ] || {
		echo "- (no figure)"
		return 0
	}
	awk -v v="$1" -v l="$2" 'BEGIN { print (v <= l ? "met" : "not met") }'
}

# The frozen run's submissions, one per plugin log line, in submission order
# (serial submissions); split by whether the breaker was open.
frozen_split() {
	local kind
	sed -n -E '/job_submit\/budget: .*\([0-9]+ us\)$/{/circuit breaker open/{s/.*/open/p;b};s/.*/deadline/p}' \
		"$R/frozen.log" >"$R/frozen.kind"
	for kind in deadline open; do
		paste "$R/frozen.kind" "$R/frozen.plugin" | awk -v k="$kind" '$1 == k { print $2 }' >"$R/frozen.$kind.plugin"
		# client and server files line up with the kinds only when every
		# submission produced exactly one plugin line and one sdiag count
		if [ "$(wc -l <"$R/frozen.kind")" = "$FROZEN_JOBS" ] && [ "$(wc -l <"$R/frozen.server")" = "$FROZEN_JOBS" ]; then
			paste "$R/frozen.kind" "$R/frozen.client" | awk -v k="$kind" '$1 == k { print $2 }' >"$R/frozen.$kind.client"
			paste "$R/frozen.kind" "$R/frozen.server" | awk -v k="$kind" '$1 == k { print $2 }' >"$R/frozen.$kind.server"
		else
			: >"$R/frozen.$kind.client"
			: >"$R/frozen.$kind.server"
		fi
	done
}
frozen_split
p50max() {
	local n p50 p99 max
	read -r n p50 p99 max < <(bench_stats "$1")
	if [ "$n" = 0 ]; then echo "-"; else echo "$p50 / $max"; fi
}

echo
echo "== asbb submit benchmark (issue 3, point 8; issue 10) =="
bench_machine
echo "run:      $STARTED_AT .. $FINISHED_AT; load before $LOAD_BEFORE, after $LOAD_AFTER"
echo "          (other work on this machine, e.g. a concurrent test run, adds noise)"
echo
echo "$JOBS serial sbatch -p aws-cpu --hold as alice, after $WARMUP warm-up jobs, one cluster:"
printf '  %-36s %-24s %-24s\n' '' 'plugin on' 'plugin off'
printf '  %-36s %-24s %-24s\n' 'server submit, sdiag     p50 / p99' "$(pair "$R/on.server" "$JOBS")" "$(pair "$R/off.server" "$JOBS")"
printf '  %-36s %-24s %-24s\n' 'server submit, sdiag     mean' "$(mean "$R/on.server")" "$(mean "$R/off.server")"
printf '  %-36s %-24s %-24s\n' 'server submit, log usec  p50 / p99' "$(pair "$R/on.logusec" "$JOBS")" "$(pair "$R/off.logusec" "$JOBS")"
printf '  %-36s %-24s %-24s\n' "plugin's own time        p50 / p99" "$(pair "$R/on.plugin" "$JOBS")" "$(pair "$R/off.plugin")"
printf '  %-36s %-24s %-24s\n' 'sbatch wall (client)     p50 / p99' "$(pair "$R/on.client" "$JOBS")" "$(pair "$R/off.client" "$JOBS")"
printf '  %-36s %-24s %-24s\n' 'sbatch throughput (serial)' "$(throughput "$R/on.client")" "$(throughput "$R/off.client")"
echo "  sdiag = REQUEST_SUBMIT_BATCH_JOB total_time growth per submission (whole RPC, plugin included);"
echo "  log usec = _slurm_rpc_submit_batch_job usec=, which SLURM 22.05 times only after the plugin ran."
echo
echo "MariaDB frozen (SIGSTOP), $FROZEN_JOBS submissions, PluginDeadline=${DEADLINE_MS} ms, FailPolicy=closed, BreakerSeconds=$BREAKER_S:"
printf '  %-16s %-4s %-26s %-26s %-26s\n' '' 'n' 'plugin p50 / max (us)' 'server p50 / max (us)' 'sbatch p50 / max (us)'
for kind in deadline open; do
	case "$kind" in deadline) label='before breaker' ;; *) label='breaker open' ;; esac
	printf '  %-16s %-4s %-26s %-26s %-26s\n' "$label" "$(wc -l <"$R/frozen.$kind.plugin")" \
		"$(p50max "$R/frozen.$kind.plugin")" "$(p50max "$R/frozen.$kind.server")" "$(p50max "$R/frozen.$kind.client")"
done
refused=$(grep -c 'budget service is unavailable' "$R/sbatch.err" || true)
echo "  $refused of $FROZEN_JOBS refused with 'budget service is unavailable' (FailPolicy=closed)"
echo
echo "The server's floor (one mariadb client session, mean of $FLOOR_OPS back to back / $COLD_OPS each after 15 ms idle):"
echo "  durable single-row commit (innodb_flush_log_at_trx_commit=$FLUSH_AT_COMMIT): $FLOOR_COMMIT_US us / $COLD_COMMIT_US us after idle"
echo "  trivial round trip (SELECT 1): $FLOOR_TRIP_US us / $COLD_TRIP_US us after idle"
echo "  a hold is at least one durable commit: no plugin can cost less than that"
echo
on_p50=$(p50 "$R/on.server") off_p50=$(p50 "$R/off.server")
plugin_p50=$(p50 "$R/on.plugin") plugin_p99=$(bench_stats "$R/on.plugin" | cut -d' ' -f3)
cost_p50=-
if [ "$on_p50" != - ] && [ "$off_p50" != - ]; then cost_p50=$((on_p50 - off_p50)); fi
ratio=-
if [ "$on_p50" != - ] && [ "$off_p50" != - ] && [ "$off_p50" -gt 0 ]; then
	ratio=$(awk -v a="$on_p50" -v b="$off_p50" 'BEGIN { printf "%.2f", a / b }')
fi
echo "The plugin's cost at p50, next to the floor above (same run, same MariaDB):"
printf '  %-44s %s\n' 'server p50, plugin on - plugin off (sdiag)' "$(us_or_dash "$cost_p50")"
printf '  %-44s %s\n' "plugin's own time p50 (its log lines)" "$(us_or_dash "$plugin_p50")"
printf '  %-44s %s\n' 'durable one-row commit (mean)' "$FLOOR_COMMIT_US us, $COLD_COMMIT_US us after idle"
printf '  %-44s %s\n' 'trivial round trip, SELECT 1 (mean)' "$FLOOR_TRIP_US us, $COLD_TRIP_US us after idle"
printf '  %-44s %s\n' 'server p50 ratio, plugin on / plugin off' "$ratio"
echo

# Issue 10's targets (2-core VM, idle), next to this run's figures. Printed
# only: a loaded machine misses them without anything being wrong.
COST_TARGET_US=$((2 * FLOOR_COMMIT_US > 500 ? 2 * FLOOR_COMMIT_US : 500))
COLD_TARGET_US=$((2 * COLD_COMMIT_US > 500 ? 2 * COLD_COMMIT_US : 500))
echo "Targets (issue 10; met only means something on an idle machine, see the load above):"
echo "  plugin cost p50 <= max(500 us, 2 x commit floor) = $COST_TARGET_US us (back-to-back floor)"
printf '  %-58s %-12s %s\n' '    as server p50 on - off (sdiag)' "$(us_or_dash "$cost_p50")" "$(verdict "$cost_p50" "$COST_TARGET_US")"
printf '  %-58s %-12s %s\n' "    as the plugin's own p50" "$(us_or_dash "$plugin_p50")" "$(verdict "$plugin_p50" "$COST_TARGET_US")"
echo "  the same against the floor after idle, as submissions arrive: $COLD_TARGET_US us"
printf '  %-58s %-12s %s\n' '    as server p50 on - off (sdiag)' "$(us_or_dash "$cost_p50")" "$(verdict "$cost_p50" "$COLD_TARGET_US")"
printf '  %-58s %-12s %s\n' "    as the plugin's own p50" "$(us_or_dash "$plugin_p50")" "$(verdict "$plugin_p50" "$COLD_TARGET_US")"
printf '  %-58s %-12s %s\n' 'server p50 ratio on / off <= 1.5' "$ratio" "$(verdict "$ratio" 1.5)"
printf '  %-58s %-12s %s\n' "plugin's own p99 <= 2000 us" "$(us_or_dash "$plugin_p99")" "$(verdict "$plugin_p99" 2000)"
BENCH_OK=1
