#!/bin/bash
# chaos_test.sh -- issue 13's chaos suite on a real cluster: daemons killed
# mid-burst, and the ledger must still come out exact. The faults:
#   service  `asbb service` killed with -9 while clients GET accounts and POST
#            budget checks (some placing holds) against it, then restarted:
#            requests after the restart work, none got a 5xx.
#   ctld-a   kill -9 slurmctld right after a burst of sbatch, before any
#            poller pass linked the jobs; restart it. Holds of the jobs it
#            lost stay pending and must expire after OrphanHoldTTL.
#   ctld-b   a burst, one poller pass (links the jobs), kill -9 slurmctld,
#            restart it, then a burst that (usually) reuses the lost job ids.
#            After one pass a lost job's hold whose id now carries another
#            hold's tag is released at once, the other lost ones stay linked;
#            they must expire after LinkedHoldGrace. Whether ids were reused
#            on this run is printed (slurmctld saves its state in the
#            background, so what it lost varies); the invariants hold anyway.
#   mariadb  kill -9 of the cluster's mariadbd in the middle of a burst, then
#            started again: refusals while it is down say "unavailable", jobs
#            are accepted again once it is back.
# All along, a background sampler reads the test's budgets every 0.5 s and
# records any sample with spent + held > allocated. After the faults, once
# OrphanHoldTTL and LinkedHoldGrace (both set to their minimum, 60 s, in the
# cluster's asbb.conf; the file is put back at the end) have passed and every
# job has ended, ONE asbb-poller --once, then:
#   - every hold of the test's budgets is charged, released or expired;
#   - every finished run sacct shows (-X -D, our job name) is charged exactly
#     once, ElapsedRaw × NNodes × its hold's locked price, to the micro-dollar;
#     no run is charged twice, nothing is charged that sacct does not show
#     finished, and physics (parent of both leaves) spent = Σ of all runs;
#   - asbb check is clean; the sampler saw no budget over its allocation.
# When mariadbd is down while jobs start and end, slurmdbd can write a run's
# row final before its start time (slurmctld re-sends the start after the
# completion); the poller must wait for the start (core/job_run.hpp,
# run_awaits_start) rather than charge such a run 0 s: the exact-charge
# check above fails on it.
# Runs for about 70 s (most of it the 60 s TTL/grace, which the faults
# overlap) and prints its duration.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb ASBB_POLLER_BIN=build/poller/asbb-poller \
#     bash tests/e2e/chaos_test.sh
#
# Budgets (today..tomorrow), tagged with this test's description and deleted
# at the end: physics $0.25 > proj001 $0.15 (alice), proj002 $0.15 (bob): about
# 34 holds of 7200 micro-dollars at once, all jobs on aws-cpu at $0.36 per node-hour. kill -9 of poller passes is
# tests/integration/poller_crash_test.cpp's. Run it alone (ctest: RUN_SERIAL).
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e chaos_test'
readonly ACCOUNTS=(proj001 proj002 physics) # children first: deletion order
readonly TTL=60                              # OrphanHoldTTL and LinkedHoldGrace: their minimum
readonly JOB_NAME=e2e-chaos
readonly CTLD_PID_FILE=$ASBB_CLUSTER_DIR/run/pids/slurmctld.pid
readonly MARIADB_PID_FILE=$ASBB_CLUSTER_DIR/run/pids/mariadbd.pid
readonly FINAL='^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY)$'
readonly RUN_OVER='^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY|REQUEUED)$'
BASE=$(($(sed -n 's/^SlurmctldPort=\([0-9]*\)/\1/p' "$SLURM_CONF") - 17))
readonly PORT=$((BASE + 41))
readonly URL=http://127.0.0.1:$PORT
T_START=$(date +%s)
readonly T_START
export SLURM_TIME_FORMAT=%s # sacct and squeue print epoch seconds

WORK=$(mktemp -d /tmp/asbb-e2e-chaos.XXXXXX)
chmod 755 "$WORK"
ORIGINAL_CONF=$WORK/asbb.conf.orig
cp -p "$ASBB_CONF" "$ORIGINAL_CONF"
SERVICE_CONF=$WORK/service.conf
SERVICE_PID='' SAMPLER_PID=''
BUDGET_IDS=''

current_budget_sql="status='active' AND period_start <= UNIX_TIMESTAMP() AND period_end > UNIX_TIMESTAMP()"

# ------------------------------------------------------------ setup/cleanup

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	[ -z "$SAMPLER_PID" ] || kill "$SAMPLER_PID" 2>/dev/null
	[ -z "$SERVICE_PID" ] || kill -9 "$SERVICE_PID" 2>/dev/null
	kill -CONT "$(cat "$MARIADB_PID_FILE" 2>/dev/null)" 2>/dev/null
	e2e_db_up || e2e_db_start || true
	timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP' ||
		bash "$E2E_ROOT/scripts/local-cluster.sh" "$ASBB_CLUSTER_DIR" restart-ctld >/dev/null || true
	timeout 20 scancel -n "$JOB_NAME" 2>/dev/null || true
	repair_slurm # leave no node drained by this test's crashes
	cat "$ORIGINAL_CONF" >"$ASBB_CONF"
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
	rm -rf "$WORK"
}
trap cleanup EXIT

setup() {
	local today tomorrow spec
	grep -qiE '^[[:space:]]*(OrphanHoldTTL|LinkedHoldGrace)[[:space:]]*=' "$ASBB_CONF" &&
		e2e_die "$ASBB_CONF sets OrphanHoldTTL or LinkedHoldGrace; this test sets them itself"
	e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
	e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
		--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "asbb rates set aws-cpu failed"
	today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
	for spec in physics:0.25 proj001:0.15 proj002:0.15; do
		e2e_asbb account create --name="${spec%%:*}" --budget="${spec#*:}" --start="$today" \
			--end="$tomorrow" --description="$TAG" >/dev/null || e2e_die "budget for ${spec%%:*}"
	done
	BUDGET_IDS=$(e2e_sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM budget WHERE description='$TAG'
		AND $current_budget_sql")
	# the poller reads asbb.conf on every pass; slurmctld's plugin needs neither key
	printf 'OrphanHoldTTL=%s\nLinkedHoldGrace=%s\n' "$TTL" "$TTL" >>"$ASBB_CONF"
}

# ------------------------------------------------------------ helpers

# The sampler: every 0.5 s, our budgets with spent + held > allocated (none, or
# a line per sample in $WORK/over); each answered sample adds a line to
# $WORK/samples. While MariaDB is down a sample fails and is not counted.
sampler() {
	local out
	while [ ! -e "$WORK/stop-sampler" ]; do
		if out=$(timeout 3 mariadb --no-defaults --connect-timeout=1 -S "$ASBB_DB_SOCKET" -uroot -N -B \
			"$ASBB_DB_NAME" -e "SELECT CONCAT(account, ' allocated=', allocated_micro, ' spent=',
			spent_micro, ' held=', held_micro) FROM budget WHERE id IN ($BUDGET_IDS)
			AND spent_micro + held_micro > allocated_micro" 2>/dev/null); then
			echo . >>"$WORK/samples"
			[ -z "$out" ] || printf '%s %s\n' "$(date +%T.%3N)" "$out" >>"$WORK/over"
		fi
		sleep 0.5
	done
}

# burst NAME N [GAP]: N sbatch, alternately alice on proj001 and bob on
# proj002, 1 node, -t 1 (a hold of 7200 micro-dollars), sleep 1-5 s, GAP
# seconds apart. One line per sbatch in $WORK/burst-NAME: "ok JOBID" or
# "refused EPOCH.MS ERROR".
burst() {
	local name=$1 n=$2 gap=${3:-0} i user account out rc
	: >"$WORK/burst-$name"
	for ((i = 0; i < n; i++)); do
		if ((i % 2 == 0)); then user=alice account=proj001; else user=bob account=proj002; fi
		rc=0
		out=$(runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" SBATCH_OUTPUT="$SBATCH_OUTPUT" \
			sbatch --parsable -p aws-cpu -A "$account" -N 1 -t 1 -J "$JOB_NAME" \
			--wrap "sleep $((1 + i % 5))" 2>&1 </dev/null) || rc=$?
		if [ "$rc" = 0 ]; then
			echo "ok ${out%%;*}" >>"$WORK/burst-$name"
		else
			echo "refused $(date +%s.%3N) $(tr '\n' ' ' <<<"$out")" >>"$WORK/burst-$name"
		fi
		[ "$gap" = 0 ] || sleep "$gap"
	done
}
burst_jobs() { sed -n 's/^ok //p' "$WORK/burst-$1"; }

# gone JOB_PID: the process has exited (a zombie counts: nobody may reap it)
gone() { [ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ] || [ ! -e "/proc/$1" ]; }
kill_ctld() {
	local pid
	pid=$(cat "$CTLD_PID_FILE")
	kill -9 "$pid"
	for _ in $(seq 100); do
		gone "$pid" && return 0
		sleep 0.05
	done
}
# known JOB: slurmctld has the job (any state)
known() { [ -n "$(squeue -h -t all -j "$1" -o %i 2>/dev/null)" ]; }

# What an admin does after slurmctld reused the id of a job it lost while a
# slurmd still had the old one: SLURM drains the node ("Duplicate jobid") and
# requeues the new job held ("launch failed requeued held"). Resume those
# nodes and release those jobs of ours (SLURM's side of the crash, not asbb's);
# each repair is logged and listed at the end.
REPAIRS=()
repair_slurm() {
	local nodes jobs
	nodes=$(sinfo -h -R -N -o '%N|%E' 2>/dev/null | grep '|Duplicate jobid' | cut -d'|' -f1 | sort -u | paste -sd, -)
	if [ -n "$nodes" ] && scontrol update nodename="$nodes" state=resume 2>/dev/null; then
		REPAIRS+=("resumed $nodes")
		e2e_log "slurm: nodes $nodes drained for a duplicate job id: resumed"
	fi
	jobs=$(squeue -h -n "$JOB_NAME" -t PD -o '%i|%r' 2>/dev/null | grep '|launch failed requeued held' | cut -d'|' -f1)
	# shellcheck disable=SC2086 # one id a word
	if [ -n "$jobs" ] && scontrol release $jobs 2>/dev/null; then
		REPAIRS+=("released $(paste -sd' ' - <<<"$jobs")")
		e2e_log "slurm: jobs $(paste -sd' ' - <<<"$jobs") requeued held after a failed launch: released"
	fi
}

poll() { # WHAT: one pass, which must succeed
	e2e_poll_once
	e2e_check_eq "$1: asbb-poller --once (${E2E_OUT##*$'\n'}) exit status" "$E2E_RC" 0
}

hold_state() { e2e_sql "SELECT state FROM hold WHERE id='$1'"; }

# Holds on our budgets (any level), and those still open.
our_holds_sql="SELECT DISTINCT hold_id FROM hold_level WHERE budget_id IN (\$BUDGET_IDS)"
open_holds() {
	e2e_sql "SELECT CONCAT(id, ' ', state, ' job=', IFNULL(job_id, 'NULL'), ' created=', created_at,
		' updated=', updated_at) FROM hold WHERE id IN (${our_holds_sql//\$BUDGET_IDS/$BUDGET_IDS})
		AND state IN ('pending', 'linked') ORDER BY created_at"
}

# ------------------------------------------------------------ run

setup
e2e_log "budgets $BUDGET_IDS, OrphanHoldTTL=LinkedHoldGrace=$TTL s; starting the sampler"
sampler &
SAMPLER_PID=$!

# ---- service: kill -9 mid-request, restart
{
	cat "$ASBB_CONF"
	echo "ServiceAddress=127.0.0.1:$PORT"
	echo "MungeSocket=$ASBB_MUNGE_SOCKET"
} >"$SERVICE_CONF"
chmod 600 "$SERVICE_CONF"
start_service() {
	ASBB_CONF=$SERVICE_CONF "$E2E_ASBB" service start >>"$ASBB_CLUSTER_DIR/log/asbb-service-chaos.log" 2>&1 &
	SERVICE_PID=$!
	local i
	for i in $(seq 50); do
		curl -fs "$URL/health" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# client KIND: requests until $WORK/stop-clients, one status code a line; the
# holding client stops after 6 requests (6 holds of 7200 on proj002 at most)
client() {
	local kind=$1 cred n=0
	while [ ! -e "$WORK/stop-clients" ]; do
		if [ "$kind" = hold ]; then
			n=$((n + 1))
			[ "$n" -le 6 ] || break
			sleep 0.3
		fi
		cred=$(munge -n -S "$ASBB_MUNGE_SOCKET")
		case "$kind" in
		get) curl -s -o /dev/null -w '%{http_code}\n' -m 5 -H "Authorization: MUNGE $cred" \
			"$URL/api/v1/accounts/proj001" ;;
		hold) curl -s -o /dev/null -w '%{http_code}\n' -m 5 -X POST -H "Authorization: MUNGE $cred" \
			-H 'Content-Type: application/json' \
			--data '{"account":"proj002","partition":"aws-cpu","nodes":1,"wall_time":"1:00","hold":true}' \
			"$URL/api/v1/budget/check" ;;
		esac
	done >>"$WORK/codes-$kind"
}
if start_service; then
	e2e_pass "service: answers /health"
else
	e2e_fail "service: answers /health" "$(tail -n 5 "$ASBB_CLUSTER_DIR/log/asbb-service-chaos.log")"
fi
: >"$WORK/codes-get"
: >"$WORK/codes-hold"
client get &
c1=$!
client hold &
c2=$!
client get &
c3=$!
sleep 1.5
kill -9 "$SERVICE_PID"
wait "$SERVICE_PID" 2>/dev/null
e2e_log "service: killed with -9 after $(wc -l <"$WORK/codes-get") GETs, $(wc -l <"$WORK/codes-hold") holding POSTs"
sleep 0.5
if start_service; then
	e2e_pass "service: restarted after kill -9, answers /health"
else
	e2e_fail "service: restarted after kill -9, answers /health"
fi
sleep 1
touch "$WORK/stop-clients"
wait "$c1" "$c2" "$c3"
codes=$(cat "$WORK/codes-get" "$WORK/codes-hold" | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')
e2e_log "service: status codes during the run: $codes(000: no answer)"
e2e_check_eq "service: no request answered other than 200 (000 = no answer while it was down)" \
	"$(cat "$WORK/codes-get" "$WORK/codes-hold" | grep -cvE '^(200|000)$')" 0
after=$(tail -n 3 "$WORK/codes-get" | sort -u)
e2e_check_eq "service: the clients' last GETs after the restart were 200" "$after" 200
cred=$(munge -n -S "$ASBB_MUNGE_SOCKET")
e2e_check_match "service: GET /api/v1/accounts/proj001 after the restart" \
	"$(curl -s -m 5 -H "Authorization: MUNGE $cred" "$URL/api/v1/accounts/proj001")" '"proj001"'
cred=$(munge -n -S "$ASBB_MUNGE_SOCKET")
e2e_check_match "service: POST /api/v1/budget/check after the restart" \
	"$(curl -s -m 5 -X POST -H "Authorization: MUNGE $cred" -H 'Content-Type: application/json' \
		--data '{"account":"proj001","partition":"aws-cpu","nodes":1,"wall_time":"1:00"}' \
		"$URL/api/v1/budget/check")" '"available":true'
kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID"
e2e_check_eq "service: SIGTERM after the restart: exit 0" "$?" 0
SERVICE_PID=''

# ---- ctld-a: kill -9 before the poller linked the burst
burst a 8
kill_ctld
e2e_log "ctld-a: slurmctld killed with -9 right after $(burst_jobs a | wc -l) jobs ($(burst_jobs a | paste -sd' ' -))"
e2e_restart_ctld
lost_a=()
for j in $(burst_jobs a); do known "$j" || lost_a+=("$j"); done
e2e_log "ctld-a: slurmctld came back without ${#lost_a[@]} of them: ${lost_a[*]:-none}"
e2e_check_match "ctld-a: slurmctld answers after the restart" "$(scontrol ping)" 'is UP'

# ---- ctld-b: a burst, a pass that links it, kill -9, restart, reuse
burst b 8
poll "ctld-b: pass linking the burst"
kill_ctld
e2e_log "ctld-b: slurmctld killed with -9 after the pass linked $(burst_jobs b | paste -sd' ' -)"
e2e_restart_ctld
lost_b=()
declare -A LOST_HOLD=() # job id -> hold linked to it before the crash
for j in $(burst_jobs b); do
	known "$j" && continue
	lost_b+=("$j")
	h=$(e2e_sql "SELECT id FROM hold WHERE cluster='$ASBB_CLUSTER_NAME' AND job_id=$j AND state='linked'
		AND id IN (${our_holds_sql//\$BUDGET_IDS/$BUDGET_IDS}) ORDER BY created_at DESC LIMIT 1")
	[ -z "$h" ] || LOST_HOLD[$j]=$h
done
e2e_log "ctld-b: slurmctld came back without ${#lost_b[@]} of them: ${lost_b[*]:-none} (${#LOST_HOLD[@]} with a linked hold)"
burst reuse 8
reused=$(LC_ALL=C comm -12 <(cat <(burst_jobs a) <(burst_jobs b) | sort -u) <(burst_jobs reuse | sort -u) | paste -sd' ' -)
if [ -n "$reused" ]; then
	e2e_log "id reuse: HAPPENED, ids $reused got new jobs after the crashes"
else
	e2e_log "id reuse: did NOT happen on this run (slurmctld had saved every id it handed out)"
fi
poll "ctld-b: pass after the reuse burst"
for j in "${!LOST_HOLD[@]}"; do
	h=${LOST_HOLD[$j]}
	if [ "$(e2e_sql "SELECT COUNT(*) FROM journal WHERE hold_id='$h' AND kind='charge'")" != 0 ]; then
		e2e_log "ctld-b: lost job $j had a finished run in slurmdbd: its hold …${h: -8} is charged ($(hold_state "$h"))"
	elif known "$j"; then
		e2e_check_eq "ctld-b: lost job $j's id reused: its old hold …${h: -8} released at once" \
			"$(hold_state "$h")" released
	else
		e2e_check_eq "ctld-b: lost job $j (id not reused): its hold …${h: -8} still linked within the grace" \
			"$(hold_state "$h")" linked
	fi
done
repair_slurm

# ---- mariadb: kill -9 in the middle of a burst, start again
burst db 14 0.3 &
burst_pid=$!
sleep 1.2
kill -9 "$(cat "$MARIADB_PID_FILE")"
db_down=$(date +%s.%3N)
e2e_log "mariadb: mariadbd killed with -9 mid-burst"
sleep 1.5
e2e_db_start || e2e_die "mariadbd did not start again"
db_up=$(date +%s.%3N)
e2e_log "mariadb: mariadbd started again ($(awk -v a="$db_down" -v b="$db_up" 'BEGIN { printf "%.1f", b - a }') s down)"
wait "$burst_pid"
refused_other=$(grep '^refused ' "$WORK/burst-db" | grep -cv 'unavailable' || true)
e2e_check_eq "mariadb: every refusal said the budget service is unavailable" "$refused_other" 0
e2e_log "mariadb: $(burst_jobs db | wc -l) of 14 accepted, $(grep -c '^refused ' "$WORK/burst-db") refused"
ok=0
for _ in $(seq 20); do
	e2e_sbatch alice -p aws-cpu -A proj001 -N 1 -t 1 -J "$JOB_NAME" --wrap 'sleep 1'
	[ "$E2E_RC" = 0 ] && ok=1 && break
	sleep 0.5
done
e2e_check_eq "mariadb: budgeted jobs are accepted again after mariadbd is back" "$ok" 1
poll "mariadb: pass after the restart"

# ---- wait for the TTL and the grace, and for every job to end
pending_deadline=$(e2e_sql "SELECT IFNULL(MAX(created_at), 0) + $TTL FROM hold WHERE state='pending'
	AND id IN (${our_holds_sql//\$BUDGET_IDS/$BUDGET_IDS})")
linked_deadline=0
for j in "${!LOST_HOLD[@]}"; do
	d=$(e2e_sql "SELECT IFNULL(MAX(updated_at), 0) + $TTL FROM hold WHERE id='${LOST_HOLD[$j]}'
		AND state='linked'")
	[ "$d" -le "$linked_deadline" ] || linked_deadline=$d
done
deadline=$((pending_deadline > linked_deadline ? pending_deadline : linked_deadline))
e2e_log "faults done at +$(($(date +%s) - T_START)) s; waiting until +$((deadline + 1 - T_START)) s (TTL and grace)"
while [ "$(date +%s)" -le "$deadline" ] || [ -n "$(squeue -h -n "$JOB_NAME" -t PD,R,CG,S -o %i)" ]; do
	if [ "$(date +%s)" -gt $((deadline + 60)) ]; then
		e2e_fail "every job ended within 60 s after the grace" "$(squeue -n "$JOB_NAME")"
		break
	fi
	repair_slurm
	sleep 1
done

# sacct's runs of our jobs: JobIDRaw|Submit|ElapsedRaw|NNodes|State|AdminComment.
# A run is final once its state is; a row that never ends is a job slurmctld
# lost while it ran (a runaway), which nothing may charge.
sacct_runs() {
	sacct -X -D -n -P -a --name="$JOB_NAME" -S "$(date -d "@$T_START" +%FT%T)" -E now \
		-o JobIDRaw,Submit,ElapsedRaw,NNodes,State,AdminComment 2>/dev/null
}
# slurmdbd has every run slurmctld knows ended: each ended job's (id, submit)
# is in sacct with a final state.
dbd_caught_up() {
	local runs id submit state
	runs=$(sacct_runs)
	while read -r id submit state; do
		if [ "$submit" -lt "$T_START" ] || ! [[ "$state" =~ $FINAL ]]; then continue; fi
		grep -qE "^$id\|$submit\|[0-9]+\|[0-9]+\|(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)" \
			<<<"$runs" || return 1
	done < <(squeue -h -a -t all -n "$JOB_NAME" -o '%i %V %T')
}
for _ in $(seq 150); do
	dbd_caught_up && break
	sleep 0.2
done
dbd_caught_up || e2e_fail "slurmdbd shows every ended job finished"

# ---- the final pass
poll "final pass"
open=$(open_holds)
e2e_check_eq "every hold of the test's budgets is charged, released or expired" "$open" ''
e2e_log "holds by state: $(e2e_sql "SELECT CONCAT(state, '=', COUNT(*)) FROM hold
	WHERE id IN (${our_holds_sql//\$BUDGET_IDS/$BUDGET_IDS}) GROUP BY state" | paste -sd' ' -)"
e2e_check_eq "nothing left held on the test's budgets" \
	"$(e2e_sql "SELECT SUM(held_micro) FROM budget WHERE id IN ($BUDGET_IDS)")" 0

# every finished run: exactly one charge of elapsed × nodes × its hold's price
runs=$(sacct_runs)
bad=() total=0 nruns=0 nrunaway=0
declare -A SEEN_KEY=()
while IFS='|' read -r id submit elapsed nnodes state comment; do
	# (a run of an earlier test: the job name is the same)
	if [ -z "$id" ] || ! [[ "$submit" =~ ^[0-9]+$ ]] || [ "$submit" -lt "$T_START" ]; then continue; fi
	key=$((submit * 67108864 + id))
	state=${state%% *}
	got=$(e2e_sql "SELECT CONCAT(COUNT(*), ' ', IFNULL(SUM(amount_micro), 0)) FROM journal WHERE kind='charge'
		AND cluster='$ASBB_CLUSTER_NAME' AND job_db_inx=$key")
	if ! [[ "$state" =~ $RUN_OVER ]]; then
		nrunaway=$((nrunaway + 1))
		[ "$got" = "0 0" ] || bad+=("job $id (submit $submit) never ended ($state) but is charged: $got")
		continue
	fi
	hold=$(grep -oE 'asbb:hold=[0-9a-f]{32}' <<<"$comment" | cut -d= -f2)
	price=$(e2e_sql "SELECT node_hour_price_micro FROM hold WHERE id='$hold'")
	if [ -z "$hold" ] || [ -z "$price" ]; then
		bad+=("job $id (submit $submit): no hold tag in '$comment'")
		continue
	fi
	want=$(((elapsed * nnodes * price + 1800) / 3600))
	charge=$(e2e_sql "SELECT CONCAT(created_at, ' ', reason) FROM journal
		WHERE kind='charge' AND cluster='$ASBB_CLUSTER_NAME' AND job_db_inx=$key" | paste -sd';' -)
	row=$(mariadb --no-defaults -S "$ASBB_DB_SOCKET" -uroot -N -B "$ASBB_SLURM_DB_NAME" -e "SELECT
		CONCAT_WS(' ', state, time_start, time_end, nodes_alloc, mod_time) FROM ${ASBB_CLUSTER_NAME}_job_table
		WHERE id_job=$id AND time_submit=$submit")
	if [ "$got" = "1 $want" ]; then
		:
	else
		bad+=("job $id (submit $submit, $state, ${elapsed} s × $nnodes node(s) × $price): charges '$got', want '1 $want'" \
			"  charge (created_at, reason): $charge" \
			"  slurmdbd row (state time_start time_end nodes_alloc mod_time): $row")
	fi
	SEEN_KEY[$key]=1
	total=$((total + want))
	nruns=$((nruns + 1))
done <<<"$runs"
if [ ${#bad[@]} = 0 ] && [ "$nruns" -gt 0 ]; then
	e2e_pass "all $nruns finished runs charged once, ElapsedRaw × NNodes × the hold's price ($nrunaway runaway rows, uncharged)"
else
	e2e_fail "every finished run charged once, ElapsedRaw × NNodes × the hold's price ($nruns runs)" "${bad[@]}"
fi
# nothing else charged on our holds, and no run twice
extra=()
while read -r key count; do
	[ -n "$key" ] || continue
	[ "$count" = 1 ] || extra+=("run key $key charged $count times")
	[ -n "${SEEN_KEY[$key]:-}" ] || extra+=("run key $key charged, but sacct shows no such finished run")
done < <(e2e_sql "SELECT job_db_inx, COUNT(*) FROM journal WHERE kind='charge'
	AND hold_id IN (${our_holds_sql//\$BUDGET_IDS/$BUDGET_IDS}) GROUP BY job_db_inx")
e2e_check_eq "no run charged twice, nothing charged beyond sacct's finished runs" "${extra[*]:-}" ''
e2e_check_eq "physics (parent of both leaves): spent = Σ of every run charged as sacct says" \
	"$(e2e_sql "SELECT spent_micro FROM budget WHERE account='physics' AND id IN ($BUDGET_IDS)")" \
	"$total"

e2e_check_ledger

touch "$WORK/stop-sampler"
wait "$SAMPLER_PID"
SAMPLER_PID=''
nsamples=$(wc -l <"$WORK/samples" 2>/dev/null || echo 0)
if [ -s "$WORK/over" ]; then
	e2e_fail "sampler: no budget over its allocation in $nsamples samples" "$(head -n 10 "$WORK/over")"
elif [ "$nsamples" -lt 50 ]; then
	e2e_fail "sampler: at least 50 samples taken" "only $nsamples"
else
	e2e_pass "sampler: no budget over its allocation (spent + held <= allocated) in $nsamples samples"
fi

# -------------------------------------------------------------------- end

e2e_log "cleaning up"
cleanup
trap - EXIT
e2e_check_eq "asbb.conf restored" "$(grep -ciE '^(OrphanHoldTTL|LinkedHoldGrace)=' "$ASBB_CONF")" 0
e2e_log "SLURM repairs: ${REPAIRS[*]:-none}"
e2e_log "id reuse on this run: ${reused:-none}; the test took $(($(date +%s) - T_START)) s"
e2e_summary
