#!/bin/bash
# bill_test.sh -- the AWS bill on a real cluster: issue 11's acceptance point 1.
# Real jobs run on aws-cpu and aws-gpu (two side by side on one node, one
# requeued), the poller charges them, and the test writes a Cost and Usage
# Report for those nodes' hours: BoxUsage lines tagged with the node
# (resourceTags/user:Name, as aws-slurm-burst tags instances), a SpotUsage
# line for gpu1 that carries no tag (its node comes from `asbb bill map
# --csv`), and EBS, data transfer and Tax lines. After `asbb bill import`
# (with BillNodeTag=Name), each job's true-up must equal billed - charged to
# the micro-dollar, where the test computes both itself: billed by cutting
# each line at every run's start and end on its node (all runs slurmdbd has
# there, other tests' too) and sharing each piece by the runs' CPUs on the
# node (sacct AllocCPUS / NNodes), charged as Σ ElapsedRaw × NNodes × the
# price. `asbb bill show`'s Total must equal the file's sum, `asbb check` must
# be clean, and importing the file again must change nothing.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb ASBB_POLLER_BIN=build/poller/asbb-poller \
#     bash tests/e2e/bill_test.sh
#
# The jobs ($0.36 per node-hour on aws-cpu = 100 micro-dollars a node-second,
# $3.06 on aws-gpu = 850; each line costs a whole number of micro-dollars a
# second, and the runs on one node at once hold 1, 3 or 4 of its 4 CPUs, so
# every share is exact):
#   pair1   alice, cpu1, 1 CPU, sleep 20
#   pair3   bob, cpu1, 3 CPUs, sleep 12 (beside pair1)
#   requeue alice, cpu2, 4 CPUs, sleep 15, `scontrol requeue` once it runs
#   gpu     bob, aws-gpu (gpu1), 2 CPUs, sleep 10
# Budgets (today..tomorrow), tagged and deleted at the end: physics $20 >
# proj001 $10 (alice), proj002 $10 (bob). The report's payer is this run's
# own, so that runs on one cluster never replace each other's imports. Run it
# alone (ctest: RUN_SERIAL): it sets both rates and runs the poller.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init
export SLURM_TIME_FORMAT=%s # sacct prints epoch seconds

readonly TAG='asbb e2e bill_test'
readonly ACCOUNTS=(proj001 proj002 physics)
declare -A PRICE_S=([aws-cpu]=100 [aws-gpu]=850)          # micro-dollars per node-second
declare -A LINE_S=([cpu1]=1000 [cpu2]=1000 [gpu1]=2000)   # the bill's, per second
readonly END_TIMEOUT=180
PAYER=$(printf '9%011d' $(($(date +%s) % 100000000000)))
readonly PAYER
# This run's instances: i- and 17 hex digits, never seen before.
INSTANCE_HEX=$(printf '%014x' "$(date +%s%N | cut -c1-15)")
declare -A INSTANCE=([cpu1]="i-a${INSTANCE_HEX}01" [cpu2]="i-a${INSTANCE_HEX}02"
	[gpu1]="i-a${INSTANCE_HEX}03")
WORK=$(mktemp -d)

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	e2e_cancel_jobs
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
	rm -rf "$WORK"
}
trap cleanup EXIT

e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
	--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "rates aws-cpu"
e2e_asbb rates set --partition=aws-gpu --instance-type=p3.2xlarge --node-hour=3.06 \
	--cpus-per-node=8 --default-time=1:00:00 >/dev/null || e2e_die "rates aws-gpu"
for spec in physics:20 proj001:10 proj002:10; do
	e2e_asbb account create --name="${spec%%:*}" --budget="${spec#*:}" --start="$(date +%F)" \
		--end="$(date -d tomorrow +%F)" --description="$TAG" >/dev/null || e2e_die "budget ${spec%%:*}"
done
# asbb.conf with BillNodeTag=Name: a copy, so other tests keep theirs.
CONF="$WORK/asbb.conf"
{ cp -p "$ASBB_CONF" "$CONF" && echo 'BillNodeTag=Name' >>"$CONF"; } || e2e_die "asbb.conf copy"
bill_asbb() { e2e_asbb --config="$CONF" "$@"; }

# ------------------------------------------------------------------ jobs

NAMES=()
declare -A JOB=() RUNS=() PARTITION=()
submit() { # NAME USER RUNS PARTITION SBATCH-ARGS...
	local name=$1 user=$2 runs=$3 partition=$4
	shift 4
	e2e_sbatch "$user" -p "$partition" -J e2e-bill "$@"
	if [ "$E2E_RC" != 0 ] || [ -z "$E2E_JOB" ]; then
		e2e_die "submit $name: sbatch exit $E2E_RC: $E2E_ERR"
	fi
	NAMES+=("$name")
	JOB[$name]=$E2E_JOB RUNS[$name]=$runs PARTITION[$name]=$partition
}
sacct_rows() { sacct -X -D -n -P -j "$1" -o JobIDRaw,ElapsedRaw,NNodes,State 2>/dev/null; }
readonly FINAL='^(COMPLETED|CANCELLED|FAILED|TIMEOUT)$'
job_done() {
	local states
	! e2e_live_state "${JOB[$1]}" | grep -qvE "$FINAL" || return 1
	states=$(sacct_rows "${JOB[$1]}" | cut -d'|' -f4 | sed 's/ .*//' | paste -sd' ' -)
	[ "$(wc -w <<<"$states")" = "${RUNS[$1]}" ] && [[ "${states##* }" =~ $FINAL ]]
}

submit requeue alice 2 aws-cpu -w cpu2 -n1 -c4 -t 3 --requeue --wrap 'sleep 15'
submit pair1 alice 1 aws-cpu -w cpu1 -n1 -c1 -t 2 --wrap 'sleep 20'
submit pair3 bob 1 aws-cpu -w cpu1 -n1 -c3 -t 2 --wrap 'sleep 12'
submit gpu bob 1 aws-gpu -n1 -c2 -t 2 --wrap 'sleep 10'

# Requeued while it runs; SLURM then delays the next start (BeginTime),
# which `scontrol update StartTime=now` undoes after the credential's
# second has passed (see poller_test.sh).
id=${JOB[requeue]}
e2e_wait_live "$id" RUNNING 60 || e2e_die "requeue: job $id not RUNNING within 60 s"
sleep 3
e2e_as root scontrol requeue "$id"
[ "$E2E_RC" = 0 ] || e2e_die "scontrol requeue $id: $E2E_ERR"
e2e_wait_live "$id" PENDING 30 || e2e_die "requeue: job $id not PENDING after scontrol requeue"
sleep 2
e2e_as root scontrol update jobid="$id" StartTime=now
e2e_wait_live "$id" RUNNING 15 || e2e_as root scontrol release "$id"
e2e_wait_live "$id" RUNNING 60 || e2e_die "requeue: job $id does not run again"

e2e_log "waiting for ${#NAMES[@]} jobs to end and reach slurmdbd"
end=$(($(date +%s) + END_TIMEOUT))
for name in "${NAMES[@]}"; do
	until job_done "$name"; do
		[ "$(date +%s)" -lt "$end" ] || e2e_die "$name: job ${JOB[$name]} not over in slurmdbd"
		sleep 0.5
	done
done
e2e_poll_once
e2e_check_eq "asbb-poller --once exit status" "$E2E_RC" 0

# ----------------------------------------------------------------- the bill

# Every run slurmdbd has on our nodes around our jobs: JOB NODE START END CPUS.
first_s=$(for n in "${NAMES[@]}"; do sacct -X -D -n -P -j "${JOB[$n]}" -o Start; done | sort -n | head -1)
last_s=$(for n in "${NAMES[@]}"; do sacct -X -D -n -P -j "${JOB[$n]}" -o End; done | sort -n | tail -1)
HOUR_FIRST=$((first_s / 3600 * 3600)) HOUR_LAST=$((last_s / 3600 * 3600))
sacct -a -X -D -n -P -S "$(date -d "@$HOUR_FIRST" +%FT%T)" -E "$(date -d "@$((HOUR_LAST + 3600))" +%FT%T)" \
	-o JobIDRaw,NodeList,Start,End,AllocCPUS,NNodes 2>/dev/null |
	while IFS='|' read -r job nodes start end cpus count; do
		[[ "$start" =~ ^[0-9]+$ ]] || continue     # never started
		[[ "$count" =~ ^[1-9][0-9]*$ ]] || continue # no node
		[[ "$end" =~ ^[0-9]+$ ]] || end=$((HOUR_LAST + 3600)) # still running
		for node in $(scontrol show hostnames "$nodes"); do
			echo "run $job $node $start $end $(((cpus / count) > 0 ? cpus / count : 1))"
		done
	done >"$WORK/runs"

# The report: each hour, one line per node, plus a volume, transfer and tax.
cur_line() { # TYPE START RESOURCE USAGE COST TAG
	local month
	month=$(date -u -d "@$2" +%Y-%m-01T00:00:00Z)
	echo "$PAYER,$month,$1,$(date -u -d "@$2" +%FT%TZ),$(date -u -d "@$(($2 + 3600))" +%FT%TZ),$3,$4,$5,$6"
}
{
	echo 'bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ResourceId,lineItem/UsageType,lineItem/UnblendedCost,resourceTags/user:Name'
	for ((h = HOUR_FIRST; h <= HOUR_LAST; h += 3600)); do
		cur_line Usage "$h" "${INSTANCE[cpu1]}" USE1-BoxUsage:c5.xlarge 3.6 cpu1
		cur_line Usage "$h" "${INSTANCE[cpu2]}" USE1-BoxUsage:c5.xlarge 3.600000 cpu2
		cur_line Usage "$h" "${INSTANCE[gpu1]}" USE1-SpotUsage:p3.2xlarge 7.2E0 ''
		cur_line Usage "$h" vol-0e2e000000000001 USE1-EBS:VolumeUsage.gp3 0.0137 ''
		cur_line Usage "$h" "${INSTANCE[cpu1]}" USE1-DataTransfer-Out-Bytes 0.0042 cpu1
		cur_line Tax "$h" '' Tax 0.25 ''
	done
} >"$WORK/cur.csv"
echo "node,instance_id,start" >"$WORK/map.csv"
echo "gpu1,${INSTANCE[gpu1]},$(date -u -d "@$((HOUR_FIRST - 600))" +%FT%TZ)" >>"$WORK/map.csv"
for node in cpu1 cpu2 gpu1; do
	for ((h = HOUR_FIRST; h <= HOUR_LAST; h += 3600)); do
		echo "line $node $h $((h + 3600)) ${LINE_S[$node]}"
	done
done >>"$WORK/runs"

# billed[job] = Σ over each line's pieces (cut at every run's start and end
# on the line's node) of the piece's cost × the run's CPUs / all CPUs held
# through the piece, in micro-dollars.
expected_billed() {
	awk '
	$1 == "run" { n = ++runs; rj[n] = $2; rn[n] = $3; rs[n] = $4; re[n] = $5; rc[n] = $6; next }
	$1 == "line" { m = ++lines; ln[m] = $2; ls[m] = $3; le[m] = $4; lc[m] = $5 }
	END {
		for (m = 1; m <= lines; m++) {
			k = 0; cut[++k] = ls[m]; cut[++k] = le[m]
			for (n = 1; n <= runs; n++) if (rn[n] == ln[m]) {
				if (rs[n] > ls[m] && rs[n] < le[m]) cut[++k] = rs[n]
				if (re[n] > ls[m] && re[n] < le[m]) cut[++k] = re[n]
			}
			for (i = 2; i <= k; i++) for (j = i; j > 1 && cut[j] < cut[j - 1]; j--) {
				t = cut[j]; cut[j] = cut[j - 1]; cut[j - 1] = t
			}
			for (i = 1; i < k; i++) {
				a = cut[i]; b = cut[i + 1]; if (b <= a) continue
				total = 0
				for (n = 1; n <= runs; n++)
					if (rn[n] == ln[m] && rs[n] <= a && re[n] >= b) total += rc[n]
				for (n = 1; n <= runs; n++)
					if (rn[n] == ln[m] && rs[n] <= a && re[n] >= b) billed[rj[n]] += lc[m] * (b - a) * rc[n] / total
			}
		}
		for (j in billed) printf "%s %.0f\n", j, billed[j]
	}' "$WORK/runs"
}
declare -A BILLED=()
while read -r job micro; do BILLED[$job]=$micro; done < <(expected_billed)

bill_asbb bill map --csv="$WORK/map.csv" >/dev/null || e2e_fail "asbb bill map --csv"
out=$(bill_asbb bill import "$WORK/cur.csv" -P -n format=Period,Payer,Instances,Jobs,Uncharged,Idle,Untagged,Total,Action 2>&1)
e2e_check_match "asbb bill import: $out" "$out" "\\|$PAYER\\|.*\\|imported$"

for name in "${NAMES[@]}"; do
	id=${JOB[$name]}
	charged=$(sacct_rows "$id" | awk -F'|' -v p="${PRICE_S[${PARTITION[$name]}]}" '{ s += $2 * $3 * p } END { printf "%d", s }')
	want_billed=${BILLED[$id]:-0}
	got=$(e2e_sql "SELECT CONCAT(c.runs, ' runs billed ', c.billed_micro, ' charged ', c.charged_micro,
		' true_up ', c.true_up_micro) FROM bill_job_cost c JOIN bill_import i ON i.id = c.import_id
		WHERE i.payer_account = '$PAYER' AND i.current_mark = 1 AND c.job_id = $id")
	e2e_check_eq "$name: job $id billed as its CPU-seconds' share of its nodes' lines, trued up by billed - charged" \
		"$got" "${RUNS[$name]} runs billed $want_billed charged $charged true_up $((want_billed - charged))"
	journal=$(e2e_sql "SELECT IFNULL(SUM(amount_micro), 0) FROM journal WHERE kind = 'true_up'
		AND cluster = '$ASBB_CLUSTER_NAME' AND job_id = $id AND reason LIKE '%payer $PAYER,%'")
	e2e_check_eq "$name: the journal's true_up for job $id" "$journal" "$((want_billed - charged))"
done

# The report's own sum, and the import's figures adding up to it.
file_total=$(tail -n +2 "$WORK/cur.csv" | awk -F, '{ s += $8 * 1000000 } END { printf "%.0f", s }')
IFS='|' read -r _ _ instances jobs uncharged idle untagged total _ <<<"${out%%$'\n'*}"
e2e_check_eq "bill import: Total is the file's sum" "$(e2e_micro "$total")" "$file_total"
# Each figure is rounded once (Jobs: each hold's Billed), so the parts may
# miss Instances by at most half a micro-dollar for each rounded part.
parts=$(($(e2e_micro "$jobs") + $(e2e_micro "$uncharged") + $(e2e_micro "$idle") + $(e2e_micro "$untagged")))
holds=$(e2e_sql "SELECT COUNT(*) FROM bill_job_cost c JOIN bill_import i ON i.id = c.import_id
	WHERE i.payer_account = '$PAYER' AND i.current_mark = 1")
miss=$((parts - $(e2e_micro "$instances")))
if [ "${miss#-}" -le $(((holds + 3 + 1) / 2)) ]; then
	e2e_pass "bill import: Jobs + Uncharged + Idle + Untagged = Instances, to the rounding of $((holds + 3)) figures (off by $miss)"
else
	e2e_fail "bill import: Jobs + Uncharged + Idle + Untagged = Instances, to the rounding of $((holds + 3)) figures" \
		"parts: $parts micro-dollars" "Instances: $instances"
fi
e2e_check_eq "bill import: every instance line found its node (tag or map)" "$untagged" "0.00"
shown=$(bill_asbb bill show -P -n format=Payer,Total | grep "^$PAYER|" | cut -d'|' -f2)
e2e_check_eq "bill show: Total is the file's sum" "$(e2e_micro "$shown")" "$file_total"
e2e_check_ledger
again=$(bill_asbb bill import "$WORK/cur.csv" -P -n format=Action 2>&1)
e2e_check_match "the same file again: $again" "$again" '^unchanged: the same as #[0-9]+$'

e2e_summary
