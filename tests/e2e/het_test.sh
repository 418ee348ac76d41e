#!/bin/bash
# het_test.sh -- a heterogeneous job on a real cluster (issue 4: "Het jobs:
# each component"). SLURM runs job_submit once per component, so each
# component carries its own hold in its own AdminComment; the poller must
# charge each component against its own hold, exactly ElapsedRaw × NNodes ×
# that partition's price, and release the rest; `asbb explain` on a
# component's id shows its own hold and its run's arithmetic.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb ASBB_POLLER_BIN=build/poller/asbb-poller \
#     bash tests/e2e/het_test.sh
#
# As alice on proj001 ($10, today..tomorrow, tagged and deleted at the end):
#   component 0: aws-cpu, 1 node, -t 2, at $0.36 per node-hour
#   component 1: aws-gpu, 1 node, -t 3, at $3.06 per node-hour
# both run `sleep 2`. Run it alone (ctest: RUN_SERIAL): it sets both rates.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e het_test'
readonly ACCOUNTS=(proj001)
declare -A PRICE_MICRO=([aws-cpu]=360000 [aws-gpu]=3060000)

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	e2e_cancel_jobs
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
}
trap cleanup EXIT

e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
	--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "rates aws-cpu"
e2e_asbb rates set --partition=aws-gpu --instance-type=p3.2xlarge --node-hour=3.06 \
	--cpus-per-node=8 --default-time=1:00:00 >/dev/null || e2e_die "rates aws-gpu"
e2e_asbb account create --name=proj001 --budget=10 --start="$(date +%F)" \
	--end="$(date -d tomorrow +%F)" --description="$TAG" >/dev/null || e2e_die "budget"

e2e_sbatch alice -A proj001 -J e2e-het -p aws-cpu -N1 -t 2 --wrap 'sleep 2' : -p aws-gpu -N1 -t 3
[ "$E2E_RC" = 0 ] || e2e_die "het job refused: $E2E_ERR"
het=$E2E_JOB
# the components' own job ids, in HetJobOffset order
mapfile -t components < <(scontrol show job "$het" | sed -n 's/^JobId=\([0-9]*\) HetJobId=.*/\1/p')
e2e_check_eq "two components" "${#components[@]}" 2
[ "${#components[@]}" = 2 ] || e2e_die "scontrol show job $het: not a 2-component het job"
declare -A HOLD=()
for job in "${components[@]}"; do HOLD[$job]=$(e2e_hold_id "$job"); done
c0=${components[0]} c1=${components[1]}
e2e_check_eq "each component has its own hold" \
	"$([ -n "${HOLD[$c0]}" ] && [ -n "${HOLD[$c1]}" ] && [ "${HOLD[$c0]}" != "${HOLD[$c1]}" ] && echo yes)" yes
e2e_check_eq "component holds sized per partition (0: 1 node x 2 min on aws-cpu, 1: 1 node x 3 min on aws-gpu)" \
	"$(e2e_sql "SELECT amount_micro FROM hold WHERE id='${HOLD[$c0]}'") $(e2e_sql "SELECT amount_micro FROM hold WHERE id='${HOLD[$c1]}'")" \
	"$(e2e_hold_micro 1 360000 120 1) $(e2e_hold_micro 1 3060000 180 1)"

e2e_wait_state "$het" COMPLETED 90 || e2e_fail "het job completed" "state $(e2e_job_state "$het")"
e2e_poll_once
e2e_check_eq "asbb-poller --once" "$E2E_RC" 0

for job in "${components[@]}"; do
	row=$(sacct -X -n -P -j "$job" -o JobIDRaw,ElapsedRaw,NNodes,Partition 2>/dev/null |
		awk -F'|' -v j="$job" '$1 == j' | head -n 1)
	IFS='|' read -r _ elapsed nodes partition <<<"$row"
	want=$(((elapsed * nodes * ${PRICE_MICRO[$partition]:-0} + 1800) / 3600))
	e2e_check_eq "component $job ($partition): charged ElapsedRaw $elapsed x NNodes $nodes x price" \
		"$(e2e_sql "SELECT IFNULL(SUM(amount_micro), -1) FROM journal WHERE kind='charge' AND hold_id='${HOLD[$job]}'")" "$want"
	e2e_check_eq "component $job: one charge, the rest released, hold closed" \
		"$(e2e_sql "SELECT CONCAT(state, ' ', held_micro, ' ', amount_micro - charged_micro = (SELECT SUM(amount_micro) FROM journal WHERE kind='release' AND hold_id=h.id)) FROM hold h WHERE id='${HOLD[$job]}'")" \
		"charged 0 1"
	# asbb explain on a component's own id (issue 12, item 4): its hold, and
	# the charge's arithmetic from slurmdbd's record of the run
	explained=$(e2e_asbb explain "$job" 2>&1)
	e2e_check_match "asbb explain $job: its own hold, on $partition" "$explained" \
		"Hold ${HOLD[$job]} \(charged\)"
	e2e_check_match "asbb explain $job: the run's arithmetic" "$explained" \
		"run of job $job submitted [0-9T:-]+: $elapsed s x $nodes node\(s\)"
done

cleanup
e2e_check_ledger
e2e_summary
