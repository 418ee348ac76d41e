#!/bin/bash
# job_context_test.sh -- `asbb job-context` for live jobs on a real cluster
# (issue 5, acceptance point 4): the JSON validates against
# etc/job-context.schema.json, and its figures are the ledger's.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb ASBB_VALIDATE_JSON_BIN=build/tests/validate_json \
#     bash tests/e2e/job_context_test.sh
#
# Budgets (today..tomorrow, tagged and deleted at the end): physics $20 with
# aws-cpu limited to $5, proj001 $10. Jobs, as alice on aws-cpu at $0.36 per
# node-hour, 1 node, -t 10, --hold so they stay pending (hold $0.072 each):
#   1. just submitted, not yet linked by the poller: job-context finds the hold
#      through the job's admin_comment (asked of slurmctld); schema-valid; hold
#      id, account, partition, user and amount are the job's; max_total_cost =
#      held + the least available of proj001, physics and the aws-cpu limit.
#   2. after asbb-poller --once links it: the same answer from the ledger.
#   3. a job on the unbudgeted partition 'local': one-line error, exit 1.
#   4. a job id slurmctld never had: one-line error, exit 1.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e job_context_test'
readonly ACCOUNTS=(proj001 physics)
readonly SCHEMA=$E2E_ROOT/etc/job-context.schema.json
VALIDATE=${ASBB_VALIDATE_JSON_BIN:-}
[ -x "$VALIDATE" ] || e2e_die "set ASBB_VALIDATE_JSON_BIN to the built tests/validate_json"
HOLD_MICRO=$(e2e_hold_micro 1 360000 600 1)
readonly HOLD_MICRO

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	e2e_cancel_jobs
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
}
trap cleanup EXIT

setup() {
	local today tomorrow
	e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
	e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
		--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "asbb rates set failed"
	today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
	e2e_asbb account create --name=physics --budget=20 --start="$today" --end="$tomorrow" \
		--description="$TAG" >/dev/null || e2e_die "budget for physics"
	e2e_asbb account set-limit physics --partition=aws-cpu --limit=5 >/dev/null ||
		e2e_die "limit for physics"
	e2e_asbb account create --name=proj001 --budget=10 --start="$today" --end="$tomorrow" \
		--description="$TAG" >/dev/null || e2e_die "budget for proj001"
}

# json_field JSON PATH: one scalar of the JSON (python3 is on every Debian box).
json_field() {
	python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v=v[int(k)] if k.isdigit() else v[k]
print("null" if v is None else v)' "$1" "$2"
}

# The most the job may spend, from the ledger itself: its hold's held amount
# plus the smallest amount still available at any of its levels (never less
# than nothing), in micro-dollars.
expected_ceiling_micro() {
	e2e_sql "SELECT h.held_micro + GREATEST(0, MIN(LEAST(
			b.allocated_micro - b.spent_micro - b.held_micro,
			IFNULL(p.limit_micro - p.spent_micro - p.held_micro, b.allocated_micro - b.spent_micro - b.held_micro))))
		FROM hold h JOIN hold_level l ON l.hold_id = h.id JOIN budget b ON b.id = l.budget_id
		LEFT JOIN partition_limit p ON p.id = l.partition_limit_id WHERE h.id = '$1'"
}

check_context() { # WHEN JOB
	local when=$1 job=$2 hold json rc=0 verdict
	hold=$(e2e_hold_id "$job")
	json=$(e2e_asbb job-context --job-id="$job" 2>&1) || rc=$?
	e2e_check_eq "$when: job-context exit status" "$rc" 0
	[ "$rc" = 0 ] || {
		e2e_log "job-context said: $json"
		return
	}
	verdict=$("$VALIDATE" "$SCHEMA" - <<<"$json" 2>&1) && verdict=valid
	e2e_check_eq "$when: JSON valid against etc/job-context.schema.json" "$verdict" valid
	e2e_check_eq "$when: job_id" "$(json_field "$json" job_id)" "$job"
	e2e_check_eq "$when: hold id is the job's tag" "$(json_field "$json" hold.id)" "$hold"
	e2e_check_eq "$when: account" "$(json_field "$json" account)" proj001
	e2e_check_eq "$when: partition" "$(json_field "$json" partition)" aws-cpu
	e2e_check_eq "$when: user" "$(json_field "$json" user)" alice
	e2e_check_eq "$when: hold amount" "$(e2e_micro "$(json_field "$json" hold.amount)")" "$HOLD_MICRO"
	e2e_check_eq "$when: three levels (proj001, physics, aws-cpu limit)" \
		"$(json_field "$json" levels.0.account) $(json_field "$json" levels.1.account) $(json_field "$json" levels.2.kind)" \
		"proj001 physics partition_limit"
	e2e_check_eq "$when: max_total_cost = held + least available" \
		"$(e2e_micro "$(json_field "$json" max_total_cost)")" "$(expected_ceiling_micro "$hold")"
	e2e_check_eq "$when: cost_constraints.max_total_cost is the same figure" \
		"$(json_field "$json" cost_constraints.max_total_cost)" "$(json_field "$json" max_total_cost)"
}

setup
e2e_sbatch alice -A proj001 -p aws-cpu -N1 -t 10 --hold -J e2e-job-context --wrap 'sleep 1'
[ "$E2E_RC" = 0 ] || e2e_die "sbatch refused: $E2E_ERR"
job=$E2E_JOB
# a second job, so the ceiling is not just the first hold's own figures
e2e_sbatch alice -A proj001 -p aws-cpu -N1 -t 10 --hold -J e2e-job-context --wrap 'sleep 1'

e2e_check_eq "before the poll: hold not linked yet" \
	"$(e2e_sql "SELECT IFNULL(job_id, 'NULL') FROM hold WHERE id='$(e2e_hold_id "$job")'")" NULL
check_context "live, unlinked" "$job"

e2e_poll_once
e2e_check_eq "asbb-poller --once" "$E2E_RC" 0
e2e_check_eq "after the poll: hold linked to the job" \
	"$(e2e_sql "SELECT job_id FROM hold WHERE id='$(e2e_hold_id "$job")'")" "$job"
check_context "linked" "$job"

e2e_sbatch alice -A proj001 -p local -t 1 --hold -J e2e-job-context --wrap true
local_job=$E2E_JOB
out=$(e2e_asbb job-context --job-id="$local_job" 2>&1)
e2e_check_eq "unbudgeted job: exit 1" "$?" 1
e2e_check_match "unbudgeted job: one line naming why" "$out" \
	"^asbb: error: job $local_job has no asbb hold \\(partition local is not budgeted"

out=$(e2e_asbb job-context --job-id=4000000000 2>&1)
e2e_check_eq "unknown job: exit 1" "$?" 1
e2e_check_match "unknown job: one line" "$out" '^asbb: error: job 4000000000 is unknown to asbb and to slurmctld'

cleanup
e2e_check_ledger
e2e_summary
