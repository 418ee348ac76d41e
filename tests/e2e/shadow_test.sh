#!/bin/bash
# shadow_test.sh -- EnforcePolicy=shadow on a real cluster (issue 12, item 3):
# with real sbatch, the plugin places the holds that fit as under enforce,
# accepts every job enforce would refuse without a hold, and records each
# with the level that would have refused it; `asbb shadow report` lists
# them; `asbb slurm configure` shows the mode; back on enforce (a slurmctld
# restart) the same job is refused.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb bash tests/e2e/shadow_test.sh
#
# Budgets (today..tomorrow), tagged with this test's description and deleted
# at the end: physics $0.30 > proj001 $5 (alice). aws-cpu at $0.36 per
# node-hour, 1 node, -t 10: a $0.072 hold, so physics takes 4 and refuses
# the rest with $0.012 left. 24 jobs, all --hold (they never run): 4 holds,
# 20 would-be refusals at physics (an ancestor). Then asbb.conf is put back
# and slurmctld restarted on it, also when the test fails.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e shadow_test'
readonly ACCOUNTS=(proj001 physics) # children first: deletion order
readonly JOB=(-A proj001 -p aws-cpu -N1 -t 10 --hold -J e2e-shadow --wrap 'sleep 1')
readonly JOBS=24 FITTING=4
readonly HOLD_MICRO=72000 LEFT_MICRO=12000
T_START=$(date +%s)
readonly T_START
SINCE=$(date -d "@$T_START" +%FT%T)
readonly SINCE

ORIGINAL_CONF=$(mktemp)
cp -p "$ASBB_CONF" "$ORIGINAL_CONF"
CHANGED=0
cleanup() {
	timeout 30 scancel -n e2e-shadow 2>/dev/null || true
	if [ "$CHANGED" = 1 ]; then
		cat "$ORIGINAL_CONF" >"$ASBB_CONF"
		e2e_restart_ctld
	fi
	rm -f "$ORIGINAL_CONF"
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
	e2e_sql "DELETE FROM shadow_refusal WHERE account = 'proj001' AND created_at >= $T_START" >/dev/null
}
trap cleanup EXIT

grep -qiE '^[[:space:]]*EnforcePolicy[[:space:]]*=' "$ASBB_CONF" &&
	e2e_die "$ASBB_CONF sets EnforcePolicy; this test sets it itself"
e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
	--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "asbb rates set aws-cpu failed"
for spec in physics:0.30 proj001:5; do
	e2e_asbb account create --name="${spec%%:*}" --budget="${spec#*:}" --start="$(date +%F)" \
		--end="$(date -d tomorrow +%F)" --description="$TAG" >/dev/null || e2e_die "budget for ${spec%%:*}"
done

CHANGED=1
echo "EnforcePolicy=shadow" >>"$ASBB_CONF"
e2e_restart_ctld
configure=$(e2e_asbb slurm configure 2>&1)
e2e_check_match "slurm configure shows shadow mode" "$configure" '^note +EnforcePolicy=shadow: '

accepted=0 tagged=0 untagged=()
for ((i = 0; i < JOBS; i++)); do
	e2e_sbatch alice "${JOB[@]}"
	[ "$E2E_RC" = 0 ] || {
		e2e_log "sbatch $i refused: $E2E_ERR"
		continue
	}
	accepted=$((accepted + 1))
	if [ -n "$(e2e_hold_id "$E2E_JOB")" ]; then tagged=$((tagged + 1)); else untagged+=("$E2E_JOB"); fi
done
e2e_check_eq "shadow: all $JOBS jobs accepted" "$accepted" "$JOBS"
e2e_check_eq "shadow: the $FITTING that fit carry a hold" "$tagged" "$FITTING"
e2e_check_eq "shadow: physics holds exactly the $FITTING holds" \
	"$(e2e_sql "SELECT held_micro FROM budget WHERE account = 'physics' AND description = '$TAG'")" \
	$((FITTING * HOLD_MICRO))
e2e_check_eq "shadow: proj001's open holds are the $FITTING" \
	"$(e2e_sql "SELECT COUNT(*) FROM hold WHERE account = 'proj001' AND state IN ('pending', 'linked')
		AND created_at >= $T_START")" "$FITTING"

report=$(e2e_asbb shadow report proj001 --since="$SINCE" -n -P format=Account,User,Partition,Level,Kind,Needed,Available)
e2e_check_eq "shadow report: one line per would-be refusal" "$(grep -c . <<<"$report")" \
	$((JOBS - FITTING))
e2e_check_eq "shadow report: each names physics, the level that would refuse" \
	"$(sort -u <<<"$report")" "proj001|alice|aws-cpu|physics|ancestor|0.072|0.012"
summary=$(e2e_asbb shadow report proj001 --since="$SINCE" --summary -n -P)
e2e_check_match "shadow report --summary: 20 refusals needing \$1.44 at physics" "$summary" \
	"^proj001\|physics\|ancestor\|$((JOBS - FITTING))\|1.44\|"
e2e_check_ledger

# Back to enforce: the same job is refused, naming physics and what is left.
cat "$ORIGINAL_CONF" >"$ASBB_CONF"
CHANGED=0
e2e_restart_ctld
e2e_sbatch alice "${JOB[@]}"
e2e_check_eq "enforce again: the job is refused" "$E2E_RC" 1
e2e_check_match "enforce again: the refusal names physics and what it has left" "$E2E_ERR" \
	'parent account physics has \$0\.01 available'
configure=$(e2e_asbb slurm configure 2>&1)
e2e_check_match "slurm configure shows enforce" "$configure" '^ok +EnforcePolicy=enforce: '

e2e_summary
