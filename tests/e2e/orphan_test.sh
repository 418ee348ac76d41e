#!/bin/bash
# orphan_test.sh -- orphaned holds on a real cluster: issue 4's acceptance point 2.
# `sbatch --test-only` and a job that SLURM rejects after job_submit/budget
# accepted it leave holds that no job will ever carry; asbb-poller must expire
# them once they are older than OrphanHoldTTL (default 600 s), and must not
# expire the hold of a job that is still pending after the TTL.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb ASBB_POLLER_BIN=build/poller/asbb-poller \
#     bash tests/e2e/orphan_test.sh
#
# The poller's clock is moved with ASBB_NOW=<epoch s> (util/local_time.cpp),
# so nothing waits ten minutes. All as alice on aws-cpu ($0.36 per node-hour),
# 1 node, -t 10 (so each hold is 72000 micro-dollars):
#   testonly  sbatch --test-only: the plugin runs and holds, no job is made
#   rejected  sbatch --qos=nope: the plugin holds, then slurmctld's job creation
#             refuses it ("Invalid qos specification"), before any job record
#             exists. (`-N 5` on the 2-node aws-cpu is no good here: with
#             EnforcePartLimits=NO SLURM accepts it and it pends with
#             Reason=PartitionNodeLimit.)
#   nodecfg   sbatch --mem=100G: the plugin holds, then node selection refuses
#             it ("Requested node configuration is not available"). SLURM has
#             made the job by then and records it in slurmdbd as FAILED with
#             the hold's tag, so the poller treats it as a job that ended
#             before it started: a charge of 0 and the whole hold released
#             (state charged), not an expiry. The test requires nothing
#             charged, nothing held and the full amount given back, and
#             shows which way the hold was closed.
#   pending   sbatch --hold: stays PENDING (JobHeldUser) past the TTL; its
#             hold must stay open and keep its money.
# Then:
#   1. asbb-poller --once, real clock: nothing of ours expires (younger than
#      the TTL); the pending job's hold is linked to it.
#   2. asbb-poller --once at now + TTL + 100 s with slurmctld unreachable
#      (SLURM_CONF: a copy of slurm.conf with SlurmctldPort on a closed port
#      and MessageTimeout=2, else libslurm retries ~MessageTimeout s):
#      nothing expires.
#   3. asbb-poller --once at now + TTL + 100 s: testonly and rejected expired
#      (state expired, held 0, one 'expire' journal row of the whole amount),
#      pending not; the budgets hold exactly the pending job's hold.
#   4. asbb check is clean.
#
# Budgets (today..tomorrow), tagged with this test's description and deleted at
# the end: physics $20 > proj001 $10 (alice). The test refuses to run when one
# of these accounts (or root) has a budget it did not make, or when asbb.conf
# sets OrphanHoldTTL. It sets aws-cpu's rate. Run it alone (ctest:
# RUN_SERIAL): the poller reconciles every job and may expire every orphaned
# hold of the cluster, and pass 3's clock makes every pending hold look old.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e orphan_test'
readonly ACCOUNTS=(proj001 physics) # children first: deletion order
readonly TTL=600                    # OrphanHoldTTL's default; setup checks asbb.conf keeps it
readonly PRICE_MICRO=360000         # $0.36 per node-hour
readonly TIME_S=600                 # -t 10
HOLD_MICRO=$(e2e_hold_micro 1 "$PRICE_MICRO" "$TIME_S" 1)
readonly HOLD_MICRO
T_START=$(date +%s)
readonly T_START
BAD_CONF_DIR=''

# ------------------------------------------------------------ setup/cleanup

current_budget_sql="status='active' AND period_start <= UNIX_TIMESTAMP() AND period_end > UNIX_TIMESTAMP()"

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	e2e_cancel_jobs
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
	[ -z "$BAD_CONF_DIR" ] || rm -rf "$BAD_CONF_DIR"
}
trap cleanup EXIT

setup() {
	local today tomorrow spec
	grep -qiE '^[[:space:]]*OrphanHoldTTL[[:space:]]*=' "$ASBB_CONF" &&
		e2e_die "$ASBB_CONF sets OrphanHoldTTL; this test needs the default ($TTL s)"
	e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
	e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
		--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "asbb rates set aws-cpu failed"
	today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
	for spec in physics:20 proj001:10; do
		e2e_asbb account create --name="${spec%%:*}" --budget="${spec#*:}" --start="$today" \
			--end="$tomorrow" --description="$TAG" >/dev/null || e2e_die "budget for ${spec%%:*}"
	done
}

# ------------------------------------------------------------ helpers

hold_ids() { e2e_sql "SELECT id FROM hold WHERE cluster='$ASBB_CLUSTER_NAME' ORDER BY id" | LC_ALL=C sort; }

# new_hold NAME BEFORE-LIST: the one hold id not in BEFORE-LIST, into HOLD[NAME].
declare -A HOLD=()
new_hold() {
	local name=$1 before=$2 fresh
	fresh=$(LC_ALL=C comm -13 <(printf '%s\n' "$before") <(hold_ids))
	if [ -n "$fresh" ] && [ "$(wc -l <<<"$fresh")" = 1 ]; then
		HOLD[$name]=$fresh
		e2e_pass "$name: one new hold (${fresh:0:8}…)"
	else
		HOLD[$name]=''
		e2e_fail "$name: exactly one new hold" "new hold ids: '$(paste -sd' ' - <<<"$fresh")'"
	fi
}

hold_row() { # state, job, held, charged of hold $1
	e2e_sql "SELECT CONCAT('state=', state, ' job=', IFNULL(job_id, 'NULL'), ' held=', held_micro,
		' charged=', charged_micro) FROM hold WHERE id='$1'"
}

journal_kinds() { # kind:amount:held_delta of every journal row of hold $1, in order
	e2e_sql "SELECT CONCAT(kind, ':', amount_micro, ':', held_delta_micro) FROM journal
		WHERE hold_id='$1' ORDER BY id" | paste -sd' ' -
}

budget_held() {
	e2e_sql "SELECT held_micro FROM budget WHERE account='$1' AND description='$TAG' AND $current_budget_sql"
}

# Ids of the jobs in slurmdbd's job table tagged with hold $1.
jobs_tagged() {
	mariadb --no-defaults -S "$ASBB_DB_SOCKET" -uroot -N -B "$ASBB_SLURM_DB_NAME" -e "SELECT id_job
		FROM ${ASBB_CLUSTER_NAME}_job_table WHERE admin_comment LIKE '%asbb:hold=$1%' ORDER BY job_db_inx"
}

last_line() { echo "${1##*$'\n'}"; }

# ------------------------------------------------------------------- run

setup
e2e_log "budgets and rate set; submitting"

# testonly: the plugin's job_submit runs for a will-run request, no job is made.
before=$(hold_ids)
e2e_as alice sbatch --test-only -p aws-cpu -t 10 -J e2e-orphan-testonly --wrap 'sleep 1'
e2e_check_eq "testonly: sbatch --test-only exit status ($E2E_ERR)" "$E2E_RC" 0
e2e_check_match "testonly: sbatch --test-only reports a start" "$E2E_ERR" 'to start at'
e2e_check_eq "testonly: no job made" "$(squeue -h -a -t all -n e2e-orphan-testonly -o %i)" ''
new_hold testonly "$before"

# rejected: refused by slurmctld after the plugin, no job record.
before=$(hold_ids)
e2e_as alice sbatch --parsable -p aws-cpu -t 10 --qos=nope -J e2e-orphan-rejected --wrap 'sleep 1'
if [ "$E2E_RC" != 0 ]; then
	e2e_pass "rejected: sbatch --qos=nope fails (exit $E2E_RC)"
else
	E2E_JOBS+=("${E2E_OUT%%;*}")
	e2e_fail "rejected: sbatch --qos=nope fails" "it made job $E2E_OUT"
fi
e2e_check_match "rejected: SLURM's reason" "$E2E_ERR" 'Invalid qos specification'
new_hold rejected "$before"

# nodecfg: refused by node selection after the plugin; SLURM records it as FAILED.
before=$(hold_ids)
e2e_as alice sbatch --parsable -p aws-cpu -t 10 --mem=100G -J e2e-orphan-nodecfg --wrap 'sleep 1'
if [ "$E2E_RC" != 0 ]; then
	e2e_pass "nodecfg: sbatch --mem=100G fails (exit $E2E_RC)"
else
	E2E_JOBS+=("${E2E_OUT%%;*}")
	e2e_fail "nodecfg: sbatch --mem=100G fails" "it made job $E2E_OUT"
fi
e2e_check_match "nodecfg: SLURM's reason" "$E2E_ERR" 'Requested node configuration is not available'
new_hold nodecfg "$before"
# Wait for slurmdbd's FAILED row, so pass 1 sees it whatever the timing.
NODECFG_JOB=''
if [ -n "${HOLD[nodecfg]}" ]; then
	for _ in $(seq 1 75); do
		NODECFG_JOB=$(jobs_tagged "${HOLD[nodecfg]}" | head -n 1)
		[ -n "$NODECFG_JOB" ] && break
		sleep 0.2
	done
	e2e_check_match "nodecfg: slurmdbd records the refused job (job ${NODECFG_JOB:-none})" \
		"$(e2e_job_state "${NODECFG_JOB:-0}")" '^FAILED$'
fi
# slurmdbd has caught up with the earlier two by now: neither left a job row.
for name in testonly rejected; do
	e2e_check_eq "$name: no job in slurmdbd carries its hold" "$(jobs_tagged "${HOLD[$name]:-none}")" ''
done

# pending: held by the user, PENDING for as long as the test runs.
e2e_sbatch alice -p aws-cpu -t 10 --hold -J e2e-orphan-pending --wrap 'sleep 1'
PENDING_JOB=$E2E_JOB
if [ -n "$PENDING_JOB" ]; then
	HOLD[pending]=$(e2e_hold_id "$PENDING_JOB")
	e2e_check_match "pending: job $PENDING_JOB tagged asbb:hold=<id>" "${HOLD[pending]}" '^[0-9a-f]{32}$'
else
	HOLD[pending]=''
	e2e_fail "pending: sbatch --hold accepted" "sbatch exit $E2E_RC: $E2E_ERR"
fi

for name in testonly rejected nodecfg pending; do
	[ -n "${HOLD[$name]}" ] || continue
	e2e_check_eq "$name: hold of 1 node, 600 s, alice on proj001/aws-cpu, $HOLD_MICRO held" \
		"$(e2e_sql "SELECT CONCAT_WS(' ', state, account, partition_name, user_name, nodes,
			time_limit_s, amount_micro, held_micro) FROM hold WHERE id='${HOLD[$name]}'")" \
		"pending proj001 aws-cpu alice 1 $TIME_S $HOLD_MICRO $HOLD_MICRO"
done

# ---- pass 1: the real clock; every hold is younger than the TTL.
e2e_poll_once
e2e_check_eq "pass 1, real clock ($(last_line "$E2E_OUT")) exit status" "$E2E_RC" 0
for name in testonly rejected; do
	e2e_check_eq "pass 1: $name not expired (younger than the TTL)" "$(hold_row "${HOLD[$name]:-none}")" \
		"state=pending job=NULL held=$HOLD_MICRO charged=0"
done
e2e_check_eq "pass 1: pending's hold linked to job $PENDING_JOB, still held" \
	"$(hold_row "${HOLD[pending]:-none}")" "state=linked job=$PENDING_JOB held=$HOLD_MICRO charged=0"
e2e_check_match "pass 1: nodecfg's hold not expired" "$(hold_row "${HOLD[nodecfg]:-none}")" '^state=(pending|linked|charged) '

# ---- pass 2: after the TTL, slurmctld unreachable: nothing may expire.
e2e_log "pass 2: slurmctld unreachable"
BAD_CONF_DIR=$(mktemp -d)
closed_port=1 # tcpmux: nothing listens there on a test machine; checked below
if (exec 3<>"/dev/tcp/127.0.0.1/$closed_port") 2>/dev/null; then
	e2e_fail "pass 2: port $closed_port on 127.0.0.1 is closed (something listens there; sub-check skipped)"
else
	sed -e "s/^SlurmctldPort=.*/SlurmctldPort=$closed_port/" -e '/^MessageTimeout=/d' "$SLURM_CONF" \
		>"$BAD_CONF_DIR/slurm.conf"
	echo 'MessageTimeout=2' >>"$BAD_CONF_DIR/slurm.conf"
	cp "$(dirname "$SLURM_CONF")/gres.conf" "$BAD_CONF_DIR/" 2>/dev/null || true
	t0=$(date +%s)
	E2E_RC=0
	E2E_OUT=$(ASBB_NOW=$(($(date +%s) + TTL + 100)) SLURM_CONF="$BAD_CONF_DIR/slurm.conf" \
		timeout 30 "$E2E_POLLER" --once 2>&1) || E2E_RC=$?
	e2e_log "pass 2 took $(($(date +%s) - t0)) s"
	e2e_check_eq "pass 2, slurmctld unreachable ($(last_line "$E2E_OUT")) exit status" "$E2E_RC" 0
	e2e_check_match "pass 2: the poller says it cannot ask slurmctld" "$E2E_OUT" \
		'cannot list jobs from slurmctld.*no hold is closed or expired'
	for name in testonly rejected; do
		e2e_check_eq "pass 2: $name not expired (slurmctld unreachable)" "$(hold_row "${HOLD[$name]:-none}")" \
			"state=pending job=NULL held=$HOLD_MICRO charged=0"
	done
	e2e_check_eq "pass 2: pending's hold untouched" "$(hold_row "${HOLD[pending]:-none}")" \
		"state=linked job=$PENDING_JOB held=$HOLD_MICRO charged=0"
	# asbb recover follows the same rule: no slurmctld, nothing expired, exit 3.
	E2E_RC=0
	E2E_OUT=$(ASBB_NOW=$(($(date +%s) + TTL + 100)) SLURM_CONF="$BAD_CONF_DIR/slurm.conf" \
		timeout 30 "$E2E_ASBB" recover 2>&1) || E2E_RC=$?
	e2e_check_eq "pass 2: asbb recover with slurmctld unreachable exits 3 ($E2E_OUT)" "$E2E_RC" 3
	e2e_check_eq "pass 2: asbb recover expired nothing" "$(hold_row "${HOLD[testonly]:-none}")" \
		"state=pending job=NULL held=$HOLD_MICRO charged=0"
fi

# ---- asbb recover --dry-run after the TTL: lists testonly and rejected
# (not pending, whose job slurmctld has), and changes nothing.
E2E_RC=0
E2E_OUT=$(ASBB_NOW=$(($(date +%s) + TTL + 100)) "$E2E_ASBB" recover --dry-run -P -n \
	format=HoldID,Action 2>&1) || E2E_RC=$?
e2e_check_eq "asbb recover --dry-run exit status" "$E2E_RC" 0
for name in testonly rejected; do
	e2e_check_match "asbb recover --dry-run lists $name" "$E2E_OUT" \
		"^${HOLD[$name]:-none}\\|would expire$"
	e2e_check_eq "asbb recover --dry-run left $name alone" "$(hold_row "${HOLD[$name]:-none}")" \
		"state=pending job=NULL held=$HOLD_MICRO charged=0"
done
e2e_check_eq "asbb recover --dry-run does not list pending" \
	"$(grep -c "^${HOLD[pending]:-none}|" <<<"$E2E_OUT")" 0

# ---- pass 3: after the TTL, slurmctld answers.
e2e_log "pass 3: clock at now + $((TTL + 100)) s"
ASBB_NOW=$(($(date +%s) + TTL + 100)) e2e_poll_once
e2e_check_eq "pass 3, after the TTL ($(last_line "$E2E_OUT")) exit status" "$E2E_RC" 0
for name in testonly rejected; do
	e2e_check_eq "pass 3: $name expired" "$(hold_row "${HOLD[$name]:-none}")" \
		"state=expired job=NULL held=0 charged=0"
	e2e_check_eq "pass 3: $name's journal: the hold, then one expiry of all of it" \
		"$(journal_kinds "${HOLD[$name]:-none}")" "hold:$HOLD_MICRO:$HOLD_MICRO expire:$HOLD_MICRO:-$HOLD_MICRO"
done
# nodecfg: closed either way, nothing charged, the whole amount given back.
nodecfg_row=$(hold_row "${HOLD[nodecfg]:-none}")
nodecfg_journal=$(journal_kinds "${HOLD[nodecfg]:-none}")
given_back=$(e2e_sql "SELECT IFNULL(SUM(amount_micro), 0) FROM journal
	WHERE hold_id='${HOLD[nodecfg]:-none}' AND kind IN ('release', 'expire')")
charged=$(e2e_sql "SELECT IFNULL(SUM(amount_micro), 0) FROM journal
	WHERE hold_id='${HOLD[nodecfg]:-none}' AND kind = 'charge'")
if [[ "$nodecfg_row" =~ ^state=(charged|expired)\ job=[0-9A-Z]+\ held=0\ charged=0$ ]] &&
	[ "$given_back" = "$HOLD_MICRO" ] && [ "$charged" = 0 ]; then
	e2e_pass "pass 3: nodecfg's hold closed, nothing charged, all given back ($nodecfg_row; journal $nodecfg_journal)"
else
	e2e_fail "pass 3: nodecfg's hold closed, nothing charged, all given back" \
		"hold:    $nodecfg_row" "journal: $nodecfg_journal" "released/expired: $given_back, charged: $charged"
fi
e2e_check_eq "pass 3: pending's hold not expired, still held" "$(hold_row "${HOLD[pending]:-none}")" \
	"state=linked job=$PENDING_JOB held=$HOLD_MICRO charged=0"
e2e_check_eq "pass 3: pending's journal: the hold only" "$(journal_kinds "${HOLD[pending]:-none}")" \
	"hold:$HOLD_MICRO:$HOLD_MICRO"
e2e_check_eq "pending: job $PENDING_JOB still PENDING" "$(squeue -h -j "${PENDING_JOB:-0}" -o %T 2>/dev/null)" PENDING
e2e_check_eq "proj001 holds only the pending job's hold" "$(budget_held proj001)" "$HOLD_MICRO"
e2e_check_eq "physics (parent) holds only the pending job's hold" "$(budget_held physics)" "$HOLD_MICRO"

# asbb reconcile on the pending job: nothing to charge, the hold stays
# linked and held, twice over.
for round in 1 2; do
	e2e_check_eq "asbb reconcile $PENDING_JOB (round $round)" \
		"$("$E2E_ASBB" reconcile "${PENDING_JOB:-0}" -P -n format=JobID,Charged,Amount,HoldState 2>&1)" \
		"${PENDING_JOB:-0}|0|0.00|linked"
	e2e_check_eq "after asbb reconcile (round $round): pending's hold still held" \
		"$(hold_row "${HOLD[pending]:-none}")" "state=linked job=$PENDING_JOB held=$HOLD_MICRO charged=0"
done
e2e_check_eq "asbb reconcile of a job nobody knows" "$("$E2E_ASBB" reconcile 4000000 2>&1)" \
	"asbb: error: job 4000000 is unknown on cluster $ASBB_CLUSTER_NAME (not in slurmdbd, slurmctld or the ledger)"

e2e_check_ledger

# -------------------------------------------------------------------- end

e2e_log "cleaning up; the test took $(($(date +%s) - T_START)) s"
cleanup
trap - EXIT
e2e_summary
