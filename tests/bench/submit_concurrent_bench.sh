#!/bin/bash
# submit_concurrent_bench.sh -- job_submit/budget under concurrent submissions
# (issue 10): BENCH_CLIENTS submitting clients at once, as several users, into
# two budget trees, plugin on and plugin off on the same cluster. Prints
# jobs/s for each and their ratio next to the issue's target (plugin on >=
# 0.8 x plugin off), marked met or not met; asserts nothing about time.
#
#   sudo tests/bench/submit_concurrent_bench.sh          this host's SLURM
#   scripts/bench.sh concurrent 24.11                    in the Debian 13 chroot
#   scripts/bench.sh concurrent 26.05                    in the Debian sid chroot
#   BENCH_JOBS=200 tests/bench/submit_concurrent_bench.sh   a short run
#
# One private cluster (scripts/local-cluster.sh, port base BENCH_PORT_BASE),
# started and stopped here, also on failure. Setup: two top-level accounts,
# tree1 > {tree1a, tree1b} and tree2 > {tree2a, tree2b}, all four leaves open
# to alice, bob and carol, and a budget on every one of the six accounts (so a
# hold reserves on its leaf and on its tree's top: the top is the row every
# hold in its tree locks). Client c submits as user c mod 3 to leaf c mod 4.
#   (a) plugin on:  BENCH_WARMUP serial jobs, then BENCH_CLIENTS clients at
#       once, each a loop of serial `sbatch -p aws-cpu --hold` (one runuser
#       per client, not per job), BENCH_JOBS jobs in all
#   (b) plugin off: the same after restarting slurmctld without JobSubmitPlugins
# --hold keeps every job pending; they are cancelled between the runs.
#
# Figures: jobs/s = jobs accepted / wall time from the first client's start
# to the last one's end. sdiag's REQUEST_SUBMIT_BATCH_JOB mean and max (the
# whole RPC, plugin included), and the plugin's own time per decision from its
# log lines, with the most sessions in use that it logged (how many calls
# overlapped inside the plugin). On 2 CPUs the 64 sbatch processes compete
# with slurmctld and MariaDB for the same cores, so the client side weighs on
# both runs alike; the ratio is the figure to read.
#
# SLURM 22.05 serialises job_submit calls (one mutex around every plugin
# call); 23.02 and later run them concurrently. The output says which.
#
# Knobs: BENCH_JOBS (2000), BENCH_CLIENTS (64), BENCH_WARMUP (10),
#        BENCH_PLUGIN_SESSIONS (4, the default of PluginSessions),
#        BENCH_PORT_BASE (23000: ports BASE+6..BASE+24; scripts/bench.sh uses
#        23100 in the 24.11 chroot and 23200 in the 26.05 one, so that the
#        three can run at once: chroots share the host's network),
#        ASBB_BIN, ASBB_PLUGIN_SO (default: the build/ tree).
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init

JOBS=${BENCH_JOBS:-2000}
CLIENTS=${BENCH_CLIENTS:-64}
WARMUP=${BENCH_WARMUP:-10}
SESSIONS=${BENCH_PLUGIN_SESSIONS:-4}
PORT_BASE=${BENCH_PORT_BASE:-23000}
for v in JOBS CLIENTS WARMUP SESSIONS PORT_BASE; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || bench_die "BENCH_$v must be a number, got '${!v}'"
done
[ "$CLIENTS" -ge 1 ] || bench_die "BENCH_CLIENTS must be at least 1"
[ "$JOBS" -ge "$CLIENTS" ] || bench_die "BENCH_JOBS ($JOBS) must be at least BENCH_CLIENTS ($CLIENTS)"
# every held job stays in slurmctld until cancelled; MaxJobCount is 10000 by default
[ $((JOBS + WARMUP)) -le 9000 ] || bench_die "BENCH_JOBS + BENCH_WARMUP must stay under 9000 (MaxJobCount)"
if [ "$SESSIONS" -lt 1 ] || [ "$SESSIONS" -gt 64 ]; then bench_die "BENCH_PLUGIN_SESSIONS must be 1 to 64"; fi
readonly JOBS CLIENTS WARMUP SESSIONS PORT_BASE
readonly USERS=(alice bob carol) LEAVES=(tree1a tree1b tree2a tree2b)
readonly SUBMIT=(-p aws-cpu --hold -J cbench --wrap true)

STARTED_AT=$(date '+%F %T %Z')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
SLURM_VERSION=$(slurmctld -V | awk '{print $2}')
SLURM_MAJOR=${SLURM_VERSION%%.*} SLURM_MINOR=${SLURM_VERSION#*.}
SLURM_MINOR=${SLURM_MINOR%%.*}
[[ "$SLURM_MAJOR$SLURM_MINOR" =~ ^[0-9]+$ ]] || bench_die "cannot read SLURM's version from 'slurmctld -V'"

bench_cluster_start "$PORT_BASE"
R=$BENCH_TMP/results
mkdir -p "$R"
readonly R LOG=$ASBB_CLUSTER_DIR/log/slurmctld.log

# ------------------------------------------------------------------- setup

# The two trees in SLURM (asbb reads the account tree from slurmdbd), then a
# budget on each account. $1,000,000 each covers every hold made here (1 h x
# $0.17 x 1.2 = $0.204 a job), so no job is refused for money.
setup_trees() {
	local top leaves today tomorrow a
	for top in tree1 tree2; do
		leaves="${top}a,${top}b"
		sacctmgr -i add account "$top" parent=root description="asbb concurrent bench" organization=bench \
			>>"$R/sacctmgr.log" 2>&1 || bench_die "sacctmgr add account $top failed (see $R/sacctmgr.log)"
		sacctmgr -i add account "$leaves" parent="$top" description="asbb concurrent bench" organization=bench \
			>>"$R/sacctmgr.log" 2>&1 || bench_die "sacctmgr add account $leaves failed (see $R/sacctmgr.log)"
	done
	sacctmgr -i add user "$(
		IFS=,
		echo "${USERS[*]}"
	)" account="$(
		IFS=,
		echo "${LEAVES[*]}"
	)" >>"$R/sacctmgr.log" 2>&1 || bench_die "sacctmgr add user failed (see $R/sacctmgr.log)"
	"$ASBB_BIN" database migrate >/dev/null || bench_die "asbb database migrate failed"
	"$ASBB_BIN" rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.17 \
		--cpus-per-node=4 --default-time=1:00:00 >/dev/null || bench_die "asbb rates set failed"
	today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
	for a in tree1 tree2 "${LEAVES[@]}"; do
		"$ASBB_BIN" account create --name="$a" --budget=1000000 --start="$today" --end="$tomorrow" \
			--description='asbb submit_concurrent_bench' >/dev/null || bench_die "asbb account create $a failed"
	done
	# The plugin reads its config at its first job, which comes after this.
	printf 'PluginSessions=%s\n' "$SESSIONS" >>"$ASBB_CONF"
}

# slurmctld learns of new associations from slurmdbd a moment after sacctmgr
# returns: wait until its cache has every user on every leaf. (Not with
# `sbatch --test-only`: that runs job_submit too.)
wait_associations() {
	local u a i
	for u in "${USERS[@]}"; do
		for a in "${LEAVES[@]}"; do
			for ((i = 0; i < 50; i++)); do
				scontrol show assoc_mgr flags=assoc users="$u" accounts="$a" 2>/dev/null |
					grep -q "Account=$a UserName=$u" && continue 2
				sleep 0.2
			done
			bench_die "slurmctld does not know user $u on account $a 10 s after sacctmgr added it"
		done
	done
}

# ------------------------------------------------------------- submitting

warm_up() {
	local i
	for ((i = 0; i < WARMUP; i++)); do
		runuser -u "${USERS[i % ${#USERS[@]}]}" -- env SLURM_CONF="$SLURM_CONF" SBATCH_OUTPUT="$SBATCH_OUTPUT" \
			sbatch --parsable -A "${LEAVES[i % ${#LEAVES[@]}]}" "${SUBMIT[@]}" >/dev/null 2>>"$R/warmup.err" </dev/null ||
			bench_die "warm-up sbatch failed: $(tail -n 1 "$R/warmup.err")"
	done
}

cancel_all() {
	local u i
	for u in "${USERS[@]}"; do timeout 60 scancel -u "$u" || bench_die "scancel -u $u failed"; done
	for ((i = 0; i < 300; i++)); do
		[ -z "$(squeue -h -t PD,R,CG -o %A)" ] && return 0
		sleep 0.2
	done
	bench_die "jobs still there 60 s after scancel"
}

# One client: one runuser, then a shell loop of serial sbatch. Each accepted
# job prints its id on stdout; refusals go to stderr. Both files are opened
# here, as root.
client() { # INDEX COUNT RUN
	local c=$1 n=$2 run=$3
	# shellcheck disable=SC2016 # $1 and $@ belong to the inner shell
	runuser -u "${USERS[c % ${#USERS[@]}]}" -- env SLURM_CONF="$SLURM_CONF" SBATCH_OUTPUT="$SBATCH_OUTPUT" \
		bash -c 'for ((i = 0; i < $1; i++)); do sbatch --parsable "${@:2}" </dev/null || true; done' \
		client "$n" -A "${LEAVES[c % ${#LEAVES[@]}]}" "${SUBMIT[@]}" \
		>"$R/$run.client$c.out" 2>"$R/$run.client$c.err"
}

# run_clients RUN: BENCH_JOBS jobs over BENCH_CLIENTS clients at once; writes
# RUN.wall (us), RUN.accepted, RUN.refused (the jobs not accepted) and the
# sdiag and log figures.
run_clients() {
	local run=$1 c n t0 t1 offset pids=()
	sdiag -r >/dev/null || bench_die "sdiag -r failed"
	offset=$(stat -c %s "$LOG")
	t0=$(bench_now_us)
	for ((c = 0; c < CLIENTS; c++)); do
		# the first JOBS mod CLIENTS clients take one job more
		n=$((JOBS / CLIENTS + (c < JOBS % CLIENTS ? 1 : 0)))
		client "$c" "$n" "$run" &
		pids+=($!)
	done
	for c in "${pids[@]}"; do wait "$c" || bench_die "a $run client (runuser) failed: see $R/$run.client*.err"; done
	t1=$(bench_now_us)
	echo $((t1 - t0)) >"$R/$run.wall"
	cat "$R/$run".client*.out | grep -cE '^[0-9]+' >"$R/$run.accepted" || true
	echo $((JOBS - $(<"$R/$run.accepted"))) >"$R/$run.refused"
	# the handler records its time after replying: let the last one land
	sleep 0.5
	sdiag >"$R/$run.sdiag" 2>&1 || bench_die "sdiag failed"
	tail -c +$((offset + 1)) "$LOG" >"$R/$run.log"
	sed -n -E 's/.*job_submit\/budget: .*\(([0-9]+) us\)$/\1/p' "$R/$run.log" >"$R/$run.plugin"
	sed -n -E 's/.*job_submit\/budget: .*\[([0-9]+)\/[0-9]+ sessions in use\].*/\1/p' "$R/$run.log" >"$R/$run.sessions"
	grep -c 'job_submit/budget: busy' "$R/$run.log" >"$R/$run.busy" || true
}

# ------------------------------------------------------------- the runs

setup_trees
wait_associations

bench_log "(a) plugin on: $WARMUP warm-up jobs, then $JOBS jobs from $CLIENTS clients at once"
warm_up
run_clients on
cancel_all

bench_log "(b) plugin off: restarting slurmctld without JobSubmitPlugins"
bench_cluster restart-ctld ASBB_JOB_SUBMIT=0
[ "$(scontrol show config | sed -n 's/^JobSubmitPlugins *= *//p')" = '(null)' ] ||
	bench_die "slurmctld still has JobSubmitPlugins set after restart-ctld ASBB_JOB_SUBMIT=0"
bench_log "(b) plugin off: $WARMUP warm-up jobs, then $JOBS jobs from $CLIENTS clients at once"
warm_up
run_clients off
cancel_all

FINISHED_AT=$(date '+%F %T %Z')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------- the figures

for run in on off; do
	[ "$(<"$R/$run.accepted")" -gt 0 ] || bench_die "no job accepted in run $run: $(cat "$R/$run".client*.err | head -n 1)"
done

rate() { awk -v n="$(<"$R/$1.accepted")" -v us="$(<"$R/$1.wall")" 'BEGIN { printf "%.1f", n / (us / 1e6) }'; }
wall() { awk -v us="$(<"$R/$1.wall")" 'BEGIN { printf "%.1f s", us / 1e6 }'; }
# sdiag's mean and max of REQUEST_SUBMIT_BATCH_JOB since the sdiag -r
sdiag_submit() {
	awk '$1 == "REQUEST_SUBMIT_BATCH_JOB" {
			for (i = 2; i <= NF; i++) {
				if ($i ~ /^ave_time:/) a = substr($i, 10)
				if ($i ~ /^total_time:/) t = substr($i, 12)
				if ($i ~ /^count:/) c = substr($i, 7)
			}
		}
		END { if (c > 0) printf "%d us (n=%d)", t / c, c; else print "-" }' "$R/$1.sdiag"
}
pair() {
	local n p50 p99
	read -r n p50 p99 _ < <(bench_stats "$1")
	if [ "$n" = 0 ]; then echo "-"; else echo "$p50 / $p99 us (n=$n)"; fi
}
most() { sort -n "$1" | tail -n 1 | grep . || echo -; }

on_rate=$(rate on) off_rate=$(rate off)
ratio=$(awk -v a="$on_rate" -v b="$off_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
if [ "$SLURM_MAJOR" -lt 23 ] || { [ "$SLURM_MAJOR" = 23 ] && [ "$SLURM_MINOR" -lt 2 ]; }; then
	concurrency="SLURM $SLURM_VERSION serialises job_submit calls (one mutex around every plugin call):
  the plugin sees one call at a time, however many clients submit (the 23.02+ figure is the one
  issue 10's target is for)"
else
	concurrency="SLURM $SLURM_VERSION calls job_submit concurrently (23.02 and later): up to
  PluginSessions=$SESSIONS calls use the database at once"
fi

echo
echo "== asbb concurrent submit benchmark (issue 10) =="
bench_machine
echo "run:      $STARTED_AT .. $FINISHED_AT; load before $LOAD_BEFORE, after $LOAD_AFTER"
echo "          (other work on this machine, e.g. a concurrent test run, adds noise)"
echo
echo "$JOBS sbatch -p aws-cpu --hold from $CLIENTS clients at once (users ${USERS[*]};"
echo "leaves ${LEAVES[*]} of two budgeted trees tree1, tree2), after $WARMUP warm-up jobs, one cluster:"
printf '  %-40s %-28s %-28s\n' '' 'plugin on' 'plugin off'
printf '  %-40s %-28s %-28s\n' 'throughput (accepted / wall time)' "$on_rate jobs/s" "$off_rate jobs/s"
printf '  %-40s %-28s %-28s\n' 'wall time' "$(wall on)" "$(wall off)"
printf '  %-40s %-28s %-28s\n' 'accepted / refused' "$(<"$R/on.accepted") / $(<"$R/on.refused")" \
	"$(<"$R/off.accepted") / $(<"$R/off.refused")"
printf '  %-40s %-28s %-28s\n' 'server submit, sdiag mean' "$(sdiag_submit on)" "$(sdiag_submit off)"
printf '  %-40s %-28s %-28s\n' "plugin's own time p50 / p99" "$(pair "$R/on.plugin")" '-'
printf '  %-40s %-28s %-28s\n' 'most sessions in use (plugin log)' "$(most "$R/on.sessions") of $SESSIONS" '-'
printf '  %-40s %-28s %-28s\n' "refused as busy (plugin log)" "$(<"$R/on.busy")" '-'
echo "  sdiag's time is the whole RPC, waiting for slurmctld's locks and the plugin included."
echo "  $concurrency"
echo
echo "Target (issue 10, for 24.11 and 26.05; met only means something on an idle machine):"
printf '  %-40s %-12s %s\n' 'jobs/s plugin on / plugin off >= 0.8' "$ratio" \
	"$(awk -v r="$ratio" 'BEGIN { if (r == "-") print "- (no figure)"; else print (r >= 0.8 ? "met" : "not met") }')"
if [ "$(<"$R/on.refused")" != 0 ] || [ "$(<"$R/off.refused")" != 0 ]; then
	echo "  refusals (first of each run, from sbatch):"
	for run in on off; do
		line=$(cat "$R/$run".client*.err | grep -m 1 . || true)
		[ -z "$line" ] || echo "    $run: $line"
	done
fi
BENCH_OK=1
