#!/bin/bash
# poller_test.sh -- asbb-poller on a real cluster: issue 4's acceptance point 1.
# Real jobs of several shapes run on aws-cpu; once all have ended and slurmdbd
# shows them, ONE `asbb-poller --once` must charge each exactly elapsed × nodes
# × the hold's price (compared with sacct's ElapsedRaw and NNodes, to the
# micro-dollar), close every hold (nothing left held), and leave `asbb check`
# clean. A second pass must change nothing. Then acceptance point 4: from the
# same ledger, `asbb-poller --once --source=sacct` must write the very same
# journal rows for these jobs as the database source did.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb ASBB_POLLER_BIN=build/poller/asbb-poller \
#     bash tests/e2e/poller_test.sh
#
# The jobs (all on aws-cpu, $0.36 per node-hour = 100 micro-dollars per
# node-second, so every cost is an exact integer):
#   one20      alice, 1 node, sleep 20
#   two20      bob, -N2 (cpu1 and cpu2), sleep 20
#   one30      alice, 1 node, sleep 30
#   array      bob, --array=0-4, sleep 3 (one hold for the array)
#   pendcancel alice, submitted --hold and cancelled while pending
#   runcancel  bob, sleep 300, cancelled once it runs
#   fail       alice, sleep 2 then exit 1
#   requeue    alice, sleep 20, `scontrol requeue` while it runs; SLURM then
#              delays the next start (Reason=BeginTime), which
#              `scontrol update StartTime=now` undoes. Two runs, both charged.
# They run side by side; the test takes about a minute.
#
# Budgets (today..tomorrow), tagged with this test's description and deleted at
# the end: physics $20 > proj001 $10 (alice), proj002 $10 (bob). The test
# refuses to run when one of these accounts (or root) has a budget it did not
# make. It sets aws-cpu's rate (other tests set their own). Run it alone
# (ctest: RUN_SERIAL): the poller reconciles every job of the cluster.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e poller_test'
readonly ACCOUNTS=(proj001 proj002 physics) # children first: deletion order
readonly PRICE_MICRO=360000                  # $0.36 per node-hour
readonly NODE_SECOND_MICRO=100               # = PRICE_MICRO / 3600, exactly
readonly END_TIMEOUT=240                     # seconds for all jobs to end and reach slurmdbd
T_START=$(date +%s)
readonly T_START

# ------------------------------------------------------------ setup/cleanup

current_budget_sql="status='active' AND period_start <= UNIX_TIMESTAMP() AND period_end > UNIX_TIMESTAMP()"

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	e2e_cancel_jobs
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
}
trap cleanup EXIT

BUDGET_IDS=''
setup() {
	local today tomorrow spec
	e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
	e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
		--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "asbb rates set aws-cpu failed"
	today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
	for spec in physics:20 proj001:10 proj002:10; do
		e2e_asbb account create --name="${spec%%:*}" --budget="${spec#*:}" --start="$today" \
			--end="$tomorrow" --description="$TAG" >/dev/null || e2e_die "budget for ${spec%%:*}"
	done
	BUDGET_IDS=$(e2e_sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM budget WHERE description='$TAG'
		AND $current_budget_sql")
}

# ------------------------------------------------------------ jobs

# NAMES in submission order; JOB[name] its id (the array's id for the array),
# HOLD[name] the hold id the plugin tagged it with, RUNS[name] how many runs
# (sacct -X -D rows) it must end with, STATES[name] their states in order.
NAMES=()
declare -A JOB=() HOLD=() RUNS=() STATES=() USER_OF=()

# submit NAME USER RUNS STATES SBATCH-ARGS...
submit() {
	local name=$1 user=$2 runs=$3 states=$4
	shift 4
	e2e_sbatch "$user" -p aws-cpu -J e2e-poller "$@"
	if [ "$E2E_RC" != 0 ] || [ -z "$E2E_JOB" ]; then
		e2e_fail "submit $name ($user: $*)" "sbatch exit $E2E_RC: $E2E_ERR"
		return 1
	fi
	NAMES+=("$name")
	JOB[$name]=$E2E_JOB
	RUNS[$name]=$runs
	STATES[$name]=$states
	USER_OF[$name]=$user
	HOLD[$name]=$(e2e_hold_id "$E2E_JOB")
	[ -n "${HOLD[$name]}" ] ||
		e2e_fail "$name: job $E2E_JOB tagged asbb:hold=<id>" "AdminComment: '$(e2e_admin_comment "$E2E_JOB")'"
}

# sacct's rows of a job, every run of every task: JobIDRaw|ElapsedRaw|NNodes|State
sacct_rows() { sacct -X -D -n -P -j "$1" -o JobIDRaw,ElapsedRaw,NNodes,State 2>/dev/null; }

# The first word of each row's state, space separated ("CANCELLED by 0" -> CANCELLED).
sacct_states() { sacct_rows "$1" | cut -d'|' -f4 | sed 's/ .*//' | paste -sd' ' -; }

readonly FINAL='^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY|REQUEUED)$'

# A job has ended for this test when slurmctld no longer runs (or completes)
# any part of it and sacct shows all its runs, each in a final state.
job_done() {
	local name=$1 id=${JOB[$1]} s states
	for s in $(e2e_live_state "$id"); do
		[[ "$s" =~ $FINAL ]] && [ "$s" != REQUEUED ] || return 1
	done
	states=$(sacct_states "$id")
	[ "$(wc -w <<<"$states")" = "${RUNS[$name]}" ] || return 1
	for s in $states; do [[ "$s" =~ $FINAL ]] || return 1; done
	# a requeued run shows REQUEUED; the job's last run must be over too
	[ "${states##* }" != REQUEUED ]
}

# Σ over the runs sacct shows of ElapsedRaw × NNodes × 100 micro-dollars.
expected_micro() {
	sacct_rows "$1" | awk -F'|' -v p="$NODE_SECOND_MICRO" '{ s += $2 * $3 * p } END { printf "%d\n", s }'
}

# Everything about a job, for a FAIL's details.
job_details() {
	local name=$1 id=${JOB[$1]}
	echo "sacct -X -D (JobIDRaw|ElapsedRaw|NNodes|State):"
	sacct_rows "$id"
	echo "slurmdbd ${ASBB_CLUSTER_NAME}_job_table (job_db_inx id_job id_array_job state start end end-start nodes_alloc admin_comment):"
	mariadb --no-defaults -S "$ASBB_DB_SOCKET" -uroot -N -B slurm_acct_db -e "SELECT job_db_inx, id_job,
		id_array_job, state, time_start, time_end, time_end - time_start, nodes_alloc, admin_comment
		FROM ${ASBB_CLUSTER_NAME}_job_table WHERE id_job = $id OR id_array_job = $id ORDER BY job_db_inx"
	echo "journal (id kind hold_id amount held_delta job_id job_db_inx reason):"
	e2e_sql "SELECT id, kind, hold_id, amount_micro, held_delta_micro, IFNULL(job_id, 'NULL'),
		IFNULL(job_db_inx, 'NULL'), reason FROM journal
		WHERE hold_id = '${HOLD[$name]}' OR (cluster = '$ASBB_CLUSTER_NAME' AND job_id = $id) ORDER BY id"
	echo "hold (id state job_id amount held charged price):"
	e2e_sql "SELECT id, state, IFNULL(job_id, 'NULL'), amount_micro, held_micro, charged_micro,
		node_hour_price_micro FROM hold WHERE id = '${HOLD[$name]}'"
}

# What a second pass must leave as it is: our budgets, their journal, our holds.
ledger_snapshot() {
	local holds=()
	local n
	for n in "${NAMES[@]}"; do holds+=("${HOLD[$n]}"); done
	e2e_sql "SELECT CONCAT(id, ' ', account, ' allocated=', allocated_micro, ' held=', held_micro,
		' spent=', spent_micro) FROM budget WHERE id IN (${BUDGET_IDS:-0}) ORDER BY id"
	e2e_sql "SELECT CONCAT(COUNT(*), ' journal rows, max id ', IFNULL(MAX(id), 0), ', sum ',
		IFNULL(SUM(amount_micro), 0)) FROM journal WHERE budget_id IN (${BUDGET_IDS:-0})"
	e2e_sql "SELECT CONCAT(id, ' ', state, ' held=', held_micro, ' charged=', charged_micro)
		FROM hold WHERE id IN ($(e2e_sql_list "${holds[@]}")) ORDER BY id"
}

# ------------------------------------------------------------------- run

setup
e2e_log "budgets and rate set (budgets $BUDGET_IDS); submitting"

# Longest first, so the 30 s job and the two that need to run early get nodes
# at once (8 cores: the array's tasks take what is left).
submit one30 alice 1 COMPLETED -t 3 --wrap 'sleep 30'
submit requeue alice 2 'REQUEUED COMPLETED' -t 3 --requeue --wrap 'sleep 20'
submit runcancel bob 1 CANCELLED -t 10 --wrap 'sleep 300'
submit two20 bob 1 COMPLETED -N 2 -t 2 --wrap 'sleep 20'
submit one20 alice 1 COMPLETED -t 2 --wrap 'sleep 20'
submit fail alice 1 FAILED -t 1 --wrap 'sleep 2; exit 1'
submit array bob 5 'COMPLETED COMPLETED COMPLETED COMPLETED COMPLETED' -t 1 --array=0-4 --wrap 'sleep 3'
submit pendcancel alice 1 CANCELLED -t 5 --hold --wrap 'sleep 300'

# Cancelled while pending (held: it cannot start).
if [ -n "${JOB[pendcancel]:-}" ]; then
	s=$(e2e_live_state "${JOB[pendcancel]}")
	e2e_check_eq "pendcancel: job ${JOB[pendcancel]} pending before scancel" "$s" PENDING
	scancel "${JOB[pendcancel]}" || e2e_fail "scancel ${JOB[pendcancel]}"
fi

# Cancelled while running; requeued while running.
if [ -n "${JOB[runcancel]:-}" ]; then
	if e2e_wait_live "${JOB[runcancel]}" RUNNING 60; then
		sleep 3
		scancel "${JOB[runcancel]}" || e2e_fail "scancel ${JOB[runcancel]}"
		e2e_log "runcancel: job ${JOB[runcancel]} cancelled while RUNNING"
	else
		e2e_fail "runcancel: job ${JOB[runcancel]} RUNNING within 60 s" "state: $(e2e_live_state "${JOB[runcancel]}")"
	fi
fi
if [ -n "${JOB[requeue]:-}" ]; then
	id=${JOB[requeue]}
	if e2e_wait_live "$id" RUNNING 60; then
		sleep 3
		e2e_as root scontrol requeue "$id"
		e2e_check_eq "requeue: scontrol requeue $id while RUNNING (exit status)" "$E2E_RC" 0
		# the old run is torn down first; then the job pends for BeginTime
		if e2e_wait_live "$id" PENDING 30; then
			# slurmd refuses a launch whose credential is not newer, in whole
			# seconds, than the revocation of the old run ("Job credential
			# revoked", seen on 24.11): SLURM's own BeginTime delay avoids
			# that, StartTime=now would not, so let two seconds pass first
			sleep 2
			reason=$(squeue -h -j "$id" -o %r)
			e2e_as root scontrol update jobid="$id" StartTime=now
			how="scontrol update StartTime=now (reason was $reason)"
			if ! e2e_wait_live "$id" RUNNING 15; then
				e2e_as root scontrol release "$id"
				how+=", then scontrol release"
			fi
			if e2e_wait_live "$id" RUNNING 60; then
				e2e_pass "requeue: job $id runs again after $how"
			else
				e2e_fail "requeue: job $id runs again after $how" \
					"$(scontrol show job "$id" | grep -E 'JobState|StartTime')"
			fi
		else
			e2e_fail "requeue: job $id pending after scontrol requeue" "state: $(e2e_live_state "$id")"
		fi
	else
		e2e_fail "requeue: job $id RUNNING within 60 s" "state: $(e2e_live_state "$id")"
	fi
fi

# Every job ended, in slurmctld and in slurmdbd (sacct, every 0.5 s).
e2e_log "waiting for ${#NAMES[@]} jobs to end and reach slurmdbd"
end=$(($(date +%s) + END_TIMEOUT))
while :; do
	pending=()
	for name in "${NAMES[@]}"; do job_done "$name" || pending+=("$name"); done
	[ ${#pending[@]} = 0 ] && break
	if [ "$(date +%s)" -ge "$end" ]; then
		for name in "${pending[@]}"; do
			e2e_fail "$name: job ${JOB[$name]} ended and in slurmdbd within $END_TIMEOUT s" \
				"slurmctld: $(e2e_live_state "${JOB[$name]}" | paste -sd' ' -)" "sacct: $(sacct_states "${JOB[$name]}")"
		done
		break
	fi
	sleep 0.5
done
e2e_log "all jobs ended $(($(date +%s) - T_START)) s after the start"
for name in "${NAMES[@]}"; do
	e2e_check_eq "$name: job ${JOB[$name]} ended as (sacct -X -D)" "$(sacct_states "${JOB[$name]}")" "${STATES[$name]}"
done
e2e_check_match "two20: 2 nodes allocated" "$(sacct_rows "${JOB[two20]:-0}" | cut -d'|' -f3)" '^2$'

# The ledger as the poller finds it, for the sacct half below (acceptance 4).
LEDGER_DUMP=$(mktemp)
mariadb-dump --no-defaults -S "$ASBB_DB_SOCKET" -uroot --single-transaction --triggers \
	"$ASBB_DB_NAME" >"$LEDGER_DUMP" || e2e_die "mariadb-dump $ASBB_DB_NAME failed"

# ONE pass of the poller.
e2e_poll_once
e2e_check_eq "asbb-poller --once (${E2E_OUT##*$'\n'}) exit status" "$E2E_RC" 0

total_alice=0 total_bob=0
for name in "${NAMES[@]}"; do
	id=${JOB[$name]} hold=${HOLD[$name]}
	want=$(expected_micro "$id")
	runs=$(sacct_rows "$id" | wc -l)
	got=$(e2e_sql "SELECT CONCAT(COUNT(*), ' charges of ', COUNT(DISTINCT job_db_inx), ' runs, ',
		IFNULL(SUM(amount_micro), 0)) FROM journal WHERE kind='charge'
		AND cluster='$ASBB_CLUSTER_NAME' AND job_id=$id")
	if [ "$got" = "$runs charges of $runs runs, $want" ]; then
		e2e_pass "$name: job $id charged $want micro-dollars in $runs charge(s), one per run (sacct: Σ ElapsedRaw × NNodes × 100)"
	else
		e2e_fail "$name: job $id charged Σ ElapsedRaw × NNodes × 100, once per run" \
			"got:  '$got'" "want: '$runs charges of $runs runs, $want'" "$(job_details "$name")"
	fi
	e2e_check_eq "$name: hold ${hold:0:8}… closed" \
		"$(e2e_sql "SELECT CONCAT('state=', state, ' job=', IFNULL(job_id, 'NULL'), ' held=', held_micro,
			' charged=', charged_micro, ' price=', node_hour_price_micro) FROM hold WHERE id='$hold'")" \
		"state=charged job=$id held=0 charged=$want price=$PRICE_MICRO"
	if [ "${USER_OF[$name]}" = alice ]; then
		total_alice=$((total_alice + want))
	else
		total_bob=$((total_bob + want))
	fi
done

budget_row() {
	e2e_sql "SELECT CONCAT('held=', held_micro, ' spent=', spent_micro) FROM budget
		WHERE account='$1' AND description='$TAG' AND $current_budget_sql"
}
e2e_check_eq "proj001 (alice's jobs): nothing held, spent = Σ of its jobs" "$(budget_row proj001)" \
	"held=0 spent=$total_alice"
e2e_check_eq "proj002 (bob's jobs): nothing held, spent = Σ of its jobs" "$(budget_row proj002)" \
	"held=0 spent=$total_bob"
e2e_check_eq "physics (parent of both): nothing held, spent = Σ of all" "$(budget_row physics)" \
	"held=0 spent=$((total_alice + total_bob))"

# A second pass changes nothing.
before=$(ledger_snapshot)
e2e_poll_once
after=$(ledger_snapshot)
e2e_check_eq "second asbb-poller --once (${E2E_OUT##*$'\n'}) exit status" "$E2E_RC" 0
e2e_check_match "second pass charges nothing" "$E2E_OUT" 'charged 0 '
if [ "$before" = "$after" ]; then
	e2e_pass "second pass leaves our budgets, their journal and our holds as they were"
else
	e2e_fail "second pass leaves our budgets, their journal and our holds as they were" \
		"before:" "$before" "after:" "$after"
fi

e2e_check_ledger

# ------------------------------------------- acceptance 4: --source=sacct
# The same jobs from the same ledger, read through `sacct --json` instead of
# slurmdbd's tables: the ledger goes back to the dump taken before the first
# pass, one `asbb-poller --once --source=sacct` runs, and the journal rows of
# our holds must equal, row for row, those the database source wrote (every
# field that matters: kind, hold, budget, job, run key, amount, the three
# deltas, partition, user, reason).
journal_of_our_holds() {
	local holds=() n
	for n in "${NAMES[@]}"; do holds+=("${HOLD[$n]}"); done
	e2e_sql "SELECT CONCAT_WS(' ', kind, hold_id, budget_id, IFNULL(job_id, 'NULL'),
		IFNULL(job_db_inx, 'NULL'), amount_micro, allocated_delta_micro, held_delta_micro,
		spent_delta_micro, IFNULL(partition_name, 'NULL'), IFNULL(user_name, 'NULL'), reason)
		FROM journal WHERE hold_id IN ($(e2e_sql_list "${holds[@]}"))
		ORDER BY hold_id, IFNULL(job_db_inx, 0), FIELD(kind, 'hold', 'charge', 'release', 'expire',
		'adjust'), budget_id, amount_micro"
}
db_journal=$(journal_of_our_holds)
db_charges=$(grep -c '^charge ' <<<"$db_journal")
mariadb --no-defaults -S "$ASBB_DB_SOCKET" -uroot "$ASBB_DB_NAME" <"$LEDGER_DUMP" ||
	e2e_die "restoring $ASBB_DB_NAME from the dump failed"
rm -f "$LEDGER_DUMP"
e2e_check_eq "ledger reset: none of our holds charged" \
	"$(journal_of_our_holds | grep -c '^charge ')" 0
E2E_RC=0
E2E_OUT=$("$E2E_POLLER" --once --source=sacct 2>&1) || E2E_RC=$?
e2e_check_eq "asbb-poller --once --source=sacct (${E2E_OUT##*$'\n'}) exit status" "$E2E_RC" 0
sacct_journal=$(journal_of_our_holds)
if [ "$sacct_journal" = "$db_journal" ] && [ "$db_charges" -gt 0 ]; then
	e2e_pass "--source=sacct wrote the same $(wc -l <<<"$db_journal") journal rows ($db_charges charges) as the database source"
else
	e2e_fail "--source=sacct wrote the same journal rows as the database source" \
		"diff (< database source, > sacct source):" \
		"$(diff <(echo "$db_journal") <(echo "$sacct_journal"))"
fi
before=$(ledger_snapshot)
E2E_RC=0
E2E_OUT=$("$E2E_POLLER" --once --source=sacct 2>&1) || E2E_RC=$?
e2e_check_match "second --source=sacct pass charges nothing" "$E2E_OUT" 'charged 0 '
e2e_check_eq "second --source=sacct pass leaves our ledger as it was" "$(ledger_snapshot)" "$before"
e2e_check_ledger

# -------------------------------------------------------------------- end

e2e_log "cleaning up; the test took $(($(date +%s) - T_START)) s"
cleanup
trap - EXIT
e2e_summary
