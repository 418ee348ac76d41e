#!/bin/bash
# shellcheck disable=SC2016 # the $ in the message patterns is a literal dollar
# submit_test.sh -- job_submit/budget on a real cluster: issue 3's acceptance
# points 1-4 and 7. Real users submit real jobs with sbatch; the checks read
# scontrol and the asbb database.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb bash tests/e2e/submit_test.sh
#
# The cluster (scripts/local-cluster.sh, started with ASBB_PLUGIN_SO) belongs to
# the caller. This test sets the rates below, gives the cluster's demo accounts
# budgets tagged with its own description, and deletes them again (releasing
# their holds) at the end; current budgets it finds from an earlier run that
# died are deleted first, so runs do not depend on each other. It refuses to
# run when one of these accounts (or root) has a budget for now that it did
# not make. Every budgeted job it
# submits is held (--hold) and cancelled at the end, so it occupies no node. It
# stops MariaDB for a while (point 4): run it alone (ctest: RUN_SERIAL).
#
# Budgets (period: today..tomorrow):
#   physics $100 > proj001 $40, proj002 $1000;  chem $1000, aws-gpu limit $10
# Rates: aws-cpu $0.17/node-hour, 4 CPUs per node, default time 1:00:00;
#        aws-gpu $3.06/node-hour, 8 CPUs per node, no default time.
# HoldFactor 1.2 (asbb.conf's default).
# The jobs accepted on proj001 hold about $16 in all, so each rejection below
# fails at exactly one level whatever order the checks run in.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e submit_test'
readonly ACCOUNTS=(proj001 proj002 chem physics) # children first: deletion order
CPU_PRICE=$(e2e_micro 0.17) GPU_PRICE=$(e2e_micro 3.06)
readonly CPU_PRICE GPU_PRICE
readonly FACTOR=1200000
readonly JOB=(-J e2e-submit --hold --wrap 'sleep 1') # pending until cancelled

# ------------------------------------------------------------ setup/cleanup

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	e2e_db_up || e2e_db_start || echo "cleanup: could not start MariaDB again" >&2
	e2e_cancel_jobs
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
}
trap cleanup EXIT

setup() {
	local today tomorrow
	e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
	e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.17 \
		--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "asbb rates set aws-cpu failed"
	e2e_asbb rates set --partition=aws-gpu --instance-type=p3.2xlarge --node-hour=3.06 \
		--cpus-per-node=8 >/dev/null || e2e_die "asbb rates set aws-gpu failed"
	today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
	local spec name amount
	for spec in physics:100 proj001:40 proj002:1000 chem:1000; do
		name=${spec%%:*} amount=${spec#*:}
		e2e_asbb account create --name="$name" --budget="$amount" --start="$today" \
			--end="$tomorrow" --description="$TAG" >/dev/null || e2e_die "budget for $name"
	done
	e2e_asbb account set-limit chem --partition=aws-gpu --limit=10 >/dev/null ||
		e2e_die "partition limit for chem"
}

# -------------------------------------------------------------- check helpers

# The hold row as one comparable line.
hold_row() {
	e2e_sql "SELECT CONCAT('state=', state, ' account=', account, ' partition=', partition_name,
		' nodes=', nodes, ' time_s=', time_limit_s, ' tasks=', array_tasks,
		' price=', node_hour_price_micro, ' factor=', hold_factor_ppm,
		' estimate=', estimate_micro, ' amount=', amount_micro) FROM hold WHERE id='$1'"
}
hold_amount() { e2e_sql "SELECT amount_micro FROM hold WHERE id='$1'"; }
budget_held() {
	e2e_sql "SELECT held_micro FROM budget WHERE status='active' AND account='$1'
		AND period_start <= UNIX_TIMESTAMP() AND period_end > UNIX_TIMESTAMP()"
}

# Everything a rejected submission must leave alone.
db_snapshot() {
	e2e_sql "SELECT CONCAT((SELECT COUNT(*) FROM hold), ' holds, ', (SELECT COUNT(*) FROM journal),
		' journal rows, ', (SELECT COALESCE(SUM(held_micro), 0) FROM budget), ' held')"
}

# The plugin's one line, without sbatch's "sbatch: error: " in front.
asbb_message() { grep -oE 'asbb: .*' <<<"$E2E_ERR" | head -n 1; }

# expect_hold WHAT ACCOUNT PARTITION NODES PRICE TIME_S TASKS: the last
# e2e_sbatch was accepted, tagged with a hold id, and the hold row is exactly
# the expected one (amount computed here in integer arithmetic).
expect_hold() {
	local what=$1 account=$2 partition=$3 nodes=$4 price=$5 secs=$6 tasks=$7 id
	if [ "$E2E_RC" != 0 ]; then
		e2e_fail "$what: accepted" "sbatch exit $E2E_RC: $E2E_ERR"
		return 1
	fi
	id=$(e2e_hold_id "$E2E_JOB")
	if [ -z "$id" ]; then
		e2e_fail "$what: job $E2E_JOB tagged asbb:hold=<id>" "AdminComment: '$(e2e_admin_comment "$E2E_JOB")'"
		return 1
	fi
	e2e_check_eq "$what: job $E2E_JOB, hold row" "$(hold_row "$id")" \
		"state=pending account=$account partition=$partition nodes=$nodes time_s=$secs tasks=$tasks price=$price factor=$FACTOR estimate=$(e2e_estimate_micro "$nodes" "$price" "$secs" "$tasks") amount=$(e2e_hold_micro "$nodes" "$price" "$secs" "$tasks" "$FACTOR")"
}

# expect_rejected WHAT REGEX BEFORE: the last e2e_sbatch failed with the
# plugin's message matching REGEX, and the database equals snapshot BEFORE.
expect_rejected() {
	local what=$1 regex=$2 before=$3 msg
	if [ "$E2E_RC" = 0 ]; then
		e2e_fail "$what: rejected" "accepted as job $E2E_JOB"
	else
		msg=$(asbb_message)
		e2e_check_match "$what: rejected with '$regex'" "${msg:-$E2E_ERR}" "$regex"
	fi
	e2e_check_eq "$what: nothing written" "$(db_snapshot)" "$before"
}

# ------------------------------------------------------------------- checks

setup
e2e_log "budgets and rates set; submitting"

# 1. Within budget: accepted, tagged, hold row exact to the micro-dollar.
e2e_sbatch alice -p aws-cpu -A proj001 -N 2 -t 30 "${JOB[@]}"
e2e_check_match "1: AdminComment of an accepted job holds asbb:hold=<32 hex>" \
	"$(e2e_admin_comment "${E2E_JOB:-none}")" 'asbb:hold=[0-9a-f]{32}'
expect_hold "1: alice proj001 aws-cpu -N 2 -t 30" proj001 aws-cpu 2 "$CPU_PRICE" 1800 1

# 2. Over budget at each level: rejected, naming the level; nothing written.
before=$(db_snapshot)
e2e_sbatch alice -p aws-gpu -A proj001 -t 12:00:00 "${JOB[@]}" # $44.06 > proj001's $40
expect_rejected "2: over its own budget (proj001)" \
	'^asbb: job needs \$44\.06 .* on aws-gpu but account proj001 has ' "$before"
e2e_sbatch bob -p aws-gpu --array=0-1 -t 1-0 "${JOB[@]}" # $176.26: fits proj002, not physics
expect_rejected "2: over a parent's budget (physics)" \
	'^asbb: job needs \$176\.26 .* on aws-gpu but (parent )?account physics has ' "$before"
e2e_sbatch carol -p aws-gpu -t 4:00:00 "${JOB[@]}" # $14.69 > chem's $10 limit on aws-gpu
expect_rejected "2: over a partition limit (chem on aws-gpu)" \
	'^asbb: job needs \$14\.69 .* but .*partition limit.*chem|^asbb: .*chem.*partition limit' "$before"

# 3. The forms a submission takes.
e2e_sbatch alice -p aws-cpu -t 10 "${JOB[@]}"
expect_hold "3: no -A (alice's default proj001)" proj001 aws-cpu 1 "$CPU_PRICE" 600 1
e2e_sbatch alice -p aws-cpu -A PROJ001 -t 20 "${JOB[@]}"
expect_hold "3: -A PROJ001" proj001 aws-cpu 1 "$CPU_PRICE" 1200 1
for form in 90:5400 1:30:00:5400 0-1:3600 1-0:00:00:86400; do
	e2e_sbatch alice -p aws-cpu -t "${form%:*}" "${JOB[@]}"
	expect_hold "3: --time=${form%:*}" proj001 aws-cpu 1 "$CPU_PRICE" "${form##*:}" 1
done
e2e_sbatch alice -p aws-cpu "${JOB[@]}"
expect_hold "3: no --time on aws-cpu (rate default 1:00:00)" proj001 aws-cpu 1 "$CPU_PRICE" 3600 1
e2e_sbatch alice -p aws-cpu -t 1:00:00 --array=0-9 "${JOB[@]}"
expect_hold "3: --array=0-9" proj001 aws-cpu 1 "$CPU_PRICE" 3600 10
e2e_sbatch alice -p aws-cpu -t 1:00:00 -n 8 "${JOB[@]}"
expect_hold "3: -n 8 without -N (4 CPUs per node: 2 nodes)" proj001 aws-cpu 2 "$CPU_PRICE" 3600 1
before=$(db_snapshot)
e2e_sbatch alice -p aws-gpu "${JOB[@]}"
expect_rejected "3: no --time on aws-gpu (no default time)" '^asbb: .*--time' "$before"

# 7. scontrol update of a pending job's time limit resizes its hold.
# job_modify finds a job's hold by its job id, which the poller links (job ids
# do not exist yet when the hold is placed): one poller pass first.
e2e_sbatch alice -p aws-gpu -A proj001 -t 1:00:00 "${JOB[@]}"
if expect_hold "7: pending aws-gpu job for the update" proj001 aws-gpu 1 "$GPU_PRICE" 3600 1; then
	job=$E2E_JOB
	e2e_poll_once
	e2e_check_eq "7: asbb-poller --once links the hold to job $job (${E2E_OUT##*$'\n'})" \
		"$(e2e_sql "SELECT CONCAT(state, ' ', IFNULL(job_id, 'NULL')) FROM hold WHERE id='$(e2e_hold_id "$job")'")" \
		"linked $job"
	held=$(budget_held proj001)
	e2e_as root scontrol update job="$job" TimeLimit=2:00:00
	e2e_check_eq "7: root raises TimeLimit to 2:00:00 (exit status)" "$E2E_RC" 0
	e2e_check_eq "7: TimeLimit after raise" "$(e2e_job_field "$job" TimeLimit)" 02:00:00
	id=$(e2e_hold_id "$job")
	want=$(e2e_hold_micro 1 "$GPU_PRICE" 7200 1)
	e2e_check_eq "7: hold amount after raise" "$(hold_amount "$id")" "$want"
	e2e_check_eq "7: proj001 held grew by the difference" "$(budget_held proj001)" \
		$((held + want - $(e2e_hold_micro 1 "$GPU_PRICE" 3600 1)))

	held=$(budget_held proj001)
	e2e_as root scontrol update job="$job" TimeLimit=1-00:00:00 # $88.13 > proj001's $40
	if [ "$E2E_RC" != 0 ]; then e2e_pass "7: raise to 1-00:00:00 beyond the budget refused ($E2E_ERR)"; else
		e2e_fail "7: raise to 1-00:00:00 beyond the budget refused" "scontrol update succeeded"; fi
	e2e_check_eq "7: TimeLimit after refused raise" "$(e2e_job_field "$job" TimeLimit)" 02:00:00
	e2e_check_eq "7: hold amount after refused raise" "$(hold_amount "$(e2e_hold_id "$job")")" "$want"
	e2e_check_eq "7: proj001 held unchanged by the refused raise" "$(budget_held proj001)" "$held"

	e2e_as alice scontrol update job="$job" TimeLimit=30
	e2e_check_eq "7: alice lowers TimeLimit to 30 (exit status)" "$E2E_RC" 0
	e2e_check_eq "7: hold amount after lowering" "$(hold_amount "$(e2e_hold_id "$job")")" \
		"$(e2e_hold_micro 1 "$GPU_PRICE" 1800 1)"
fi

# 4. A partition without a rate needs no database: accepted with MariaDB down.
e2e_log "stopping MariaDB"
e2e_db_stop
if e2e_db_up; then e2e_fail "4: MariaDB stopped"; fi
t0=$(date +%s%N)
e2e_sbatch alice -p local -t 1 -J e2e-submit --wrap true
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$E2E_RC" = 0 ]; then
	e2e_pass "4: job $E2E_JOB on partition local accepted with MariaDB down (sbatch took ${ms} ms)"
	e2e_check_eq "4: no hold tag on the local job" "$(e2e_hold_id "$E2E_JOB")" ''
else
	e2e_fail "4: job on partition local accepted with MariaDB down" "sbatch exit $E2E_RC: $E2E_ERR"
fi
local_job=$E2E_JOB
# A budgeted job with MariaDB down is refused, which opens the breaker for
# BreakerSeconds (30 here).
e2e_sbatch alice -p aws-cpu -A proj001 -t 1 "${JOB[@]}"
if [ "$E2E_RC" != 0 ] && grep -q 'unavailable' <<<"$E2E_ERR"; then
	e2e_pass "4: a budgeted job with MariaDB down is refused as unavailable"
else
	e2e_fail "4: a budgeted job with MariaDB down is refused as unavailable" "exit $E2E_RC: $E2E_ERR"
fi
e2e_log "starting MariaDB again"
e2e_db_start || e2e_fail "4: MariaDB started again"
# The breaker half-opens: one submission per BreakerProbeMs (1 s by default)
# tries the database, so budgeted submissions work again within a few seconds
# of the restart, not after BreakerSeconds. (The next test needs them too.)
breaker=$(sed -n 's/^[[:space:]]*BreakerSeconds[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$ASBB_CONF" | tail -n 1)
t0=$(date +%s%N)
end=$(($(date +%s) + ${breaker:-30} + 15))
while :; do
	e2e_sbatch alice -p aws-cpu -A proj001 -t 1 "${JOB[@]}"
	[ "$E2E_RC" = 0 ] || [ "$(date +%s)" -ge "$end" ] && break
	sleep 0.2
done
back_ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$E2E_RC" = 0 ] && [ "$back_ms" -lt 8000 ]; then
	e2e_pass "4: budgeted submissions work again ${back_ms} ms after MariaDB restarted (BreakerSeconds ${breaker:-30})"
else
	e2e_fail "4: budgeted submissions work again within 8 s of MariaDB's restart, well inside BreakerSeconds ${breaker:-30}" "after ${back_ms} ms: exit $E2E_RC: $E2E_ERR"
fi
if [ -n "$local_job" ]; then
	if e2e_wait_state "$local_job" COMPLETED 90; then
		e2e_pass "4: local job $local_job COMPLETED"
	else
		e2e_fail "4: local job $local_job COMPLETED" "state: '$(e2e_job_state "$local_job")'"
	fi
fi

# -------------------------------------------------------------------- end

e2e_log "cleaning up: cancelling ${#E2E_JOBS[@]} jobs, deleting this test's budgets"
cleanup
trap - EXIT
check_rc=0
check_out=$(e2e_asbb check 2>&1) || check_rc=$?
e2e_check_eq "asbb check after cleanup: $check_out" "$check_rc" 0
e2e_summary
