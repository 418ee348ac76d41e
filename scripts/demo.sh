#!/bin/bash
# demo.sh -- asbb in two minutes, on a fresh Debian 12 machine, as root:
# installs the dependencies, builds asbb and its SLURM plugin, starts a real
# local SLURM cluster with job_submit/budget loaded (scripts/local-cluster.sh),
# gives its accounts budgets and its burst partitions prices, and submits jobs
# as the demo users: some are accepted with a budget hold, some are refused
# with the plugin's one-line reason. Then the reports, the job context that
# aws-slurm-burst reads, and the reconciliation: once the accepted job has
# finished, asbb-poller charges its actual cost and releases the rest of its
# hold. The cluster keeps running afterwards.
#
#   scripts/demo.sh
#   ASBB_DEMO_DIR=/tmp/other ASBB_PORT_BASE=17800 scripts/demo.sh
#
# Knobs: ASBB_DEMO_DIR (default /tmp/asbb-demo), ASBB_PORT_BASE (default 16800,
# see local-cluster.sh), ASBB_BUILD_DIR (default build, as scripts/test.sh).
# Every run starts from scratch: a cluster left by an earlier run in
# ASBB_DEMO_DIR is stopped and its directory removed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=$(realpath -m "${ASBB_DEMO_DIR:-/tmp/asbb-demo}")
BUILD=${ASBB_BUILD_DIR:-$ROOT/build}
ASBB=$BUILD/src/asbb
POLLER=$BUILD/poller/asbb-poller
PLUGIN=$BUILD/plugin/job_submit_budget.so
CLUSTER=$ROOT/scripts/local-cluster.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() {
	echo "demo: error: $*" >&2
	exit 1
}
asbb() { "$ASBB" "$@"; }
# show CMD...: print the command, then run it
show() {
	printf '$ %s\n' "$*"
	"$@"
}

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts daemons)"

step "dependencies"
bash "$ROOT/scripts/install-deps.sh"

step "build ($BUILD)"
cmake -S "$ROOT" -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
[ -f "$PLUGIN" ] || die "$PLUGIN was not built"
[ -x "$POLLER" ] || die "$POLLER was not built"

step "local SLURM cluster under $DIR"
# A cluster from an earlier run: stop it and start over, so that every run
# tells the same story (fresh budgets, no holds). Only a directory that
# local-cluster.sh made is removed.
if [ -e "$DIR" ]; then
	if [ -f "$DIR/etc/local-cluster.conf" ]; then
		bash "$CLUSTER" "$DIR" stop
		rm -rf "$DIR"
	elif [ -n "$(ls -A "$DIR")" ]; then
		die "$DIR exists and is not a local-cluster directory; choose another ASBB_DEMO_DIR"
	fi
fi
ASBB_PLUGIN_SO=$PLUGIN bash "$CLUSTER" "$DIR" start
# shellcheck source=/dev/null
source "$DIR/env.sh"
cd "$DIR/jobs" # every demo user can enter it

step "asbb database, rates and budgets"
YEAR=$(date +%Y)
show asbb database migrate
show asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.17 --cpus-per-node=4 \
	--default-time=1:00:00
show asbb rates set --partition=aws-gpu --instance-type=p3.2xlarge --node-hour=3.06 --cpus-per-node=8
show asbb rates list
# root > physics > {proj001, proj002}; root > chem
for spec in root:5000 physics:100 proj001:50 proj002:500 chem:20; do
	show asbb account create --name="${spec%%:*}" --budget="${spec#*:}" \
		--start="$YEAR-01-01" --end="$YEAR-12-31"
done
show asbb account set-limit chem --partition=aws-gpu --limit=5
show asbb account list

# submit USER WHY SBATCH-ARGS...: sbatch as USER; print what happened. The
# job id of an accepted job is left in LAST_JOB.
LAST_JOB=''
submit() {
	local user=$1 why=$2 out err rc=0 job
	shift 2
	printf '\n-- %s\n$ runuser -u %s -- sbatch %s\n' "$why" "$user" "$*"
	out=$(mktemp) err=$(mktemp)
	runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" SBATCH_OUTPUT="$SBATCH_OUTPUT" \
		sbatch --parsable "$@" >"$out" 2>"$err" </dev/null || rc=$?
	if [ "$rc" = 0 ]; then
		job=$(cut -d';' -f1 "$out")
		LAST_JOB=$job
		echo "ACCEPTED: job $job; $(scontrol show job "$job" | grep -oE 'AdminComment=[^ ]*' || echo 'no AdminComment (no hold)')"
	else
		echo "REJECTED (sbatch exit $rc):"
		sed 's/^/    /' "$err"
	fi
	rm -f "$out" "$err"
}

step "jobs"
echo "Prices: aws-cpu \$0.17 per node-hour, aws-gpu \$3.06; every hold is the estimate x 1.2."
submit alice "alice, proj001, 2 nodes of aws-cpu for 2 hours: est. \$0.68, hold \$0.82 (accepted; runs 20 s)" \
	-p aws-cpu -A proj001 -N 2 -t 2:00:00 --wrap 'sleep 20'
FINISHING_JOB=$LAST_JOB
submit alice "alice, proj001, aws-gpu for 18 hours: hold \$66.10 > proj001's \$50 (its own budget refuses)" \
	-p aws-gpu -A proj001 -t 18:00:00 --wrap 'sleep 60'
submit bob "bob, proj002 (\$500), 4 array tasks on aws-gpu for 12 hours: hold \$176.26 > parent physics' \$100" \
	-p aws-gpu --array=1-4 -t 12:00:00 --wrap 'sleep 60'
submit carol "carol, chem, aws-gpu for 2 hours: hold \$7.34 fits chem's \$20 but not its \$5 limit on aws-gpu" \
	-p aws-gpu -t 2:00:00 --wrap 'sleep 60'
submit alice "alice on partition local: no rate, not budgeted, no database call (accepted)" \
	-p local -t 5 --wrap 'hostname'

step "budgets after the submissions"
show asbb usage summary
show asbb account show chem
show asbb holds

step "what aws-slurm-burst reads for job $FINISHING_JOB"
show asbb job-context --job-id="$FINISHING_JOB"

step "reconciliation: job $FINISHING_JOB finishes, asbb-poller charges it"
printf 'waiting for job %s to finish' "$FINISHING_JOB"
state=''
for ((i = 0; i < 120; i++)); do
	state=$(sacct -X -n -P -j "$FINISHING_JOB" -o State 2>/dev/null | head -n 1)
	case "$state" in COMPLETED | FAILED | CANCELLED* | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
	printf '.'
	sleep 1
done
printf ' %s\n' "${state:-unknown}"
sacct -X -j "$FINISHING_JOB" -o JobID,Account,Partition,NNodes,ElapsedRaw,State
show "$POLLER" --once
echo "Charged: ElapsedRaw x 2 nodes x \$0.17 / 3600 s; the rest of the \$0.82 hold is released."
show asbb transactions proj001
echo "Tables round to cents; -p/-P and --json are exact:"
show asbb transactions proj001 -P --type=charge,release format=Type,JobID,Amount,Balance
show asbb usage show physics

step "ledger check"
show asbb check

step "what next"
cat <<EOF
On a real cluster asbb-poller runs every minute from its systemd timer
(asbb-poller.timer); see asbb-poller(8). Reports: asbb usage, asbb
transactions, asbb forecast, asbb holds; see asbb(1).

The cluster keeps running. To use it:
  source $DIR/env.sh
  runuser -u alice -- env SLURM_CONF=\$SLURM_CONF sbatch -p aws-cpu -t 30 --wrap hostname
  $ASBB usage summary
Stop it with:
  $CLUSTER $DIR stop
EOF
