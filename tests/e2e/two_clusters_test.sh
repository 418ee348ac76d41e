#!/bin/bash
# two_clusters_test.sh -- scripts/local-cluster.sh can run a second cluster
# (its own name, ports, MariaDB, munge) beside the one the tests use; jobs
# run on both, each cluster's accounting sees only its own jobs, and stopping
# the second ends only its own daemons.
#
#   ASBB_E2E_DIR=/tmp/c bash tests/e2e/two_clusters_test.sh
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

FIRST_CONF=$SLURM_CONF
SECOND=$(mktemp -d /tmp/asbb-second.XXXXXX)
chmod 755 "$SECOND"
# a port base away from the first cluster's (BASE+6 .. BASE+24 each), below
# 32768: ports above may be taken by outgoing connections
FIRST_BASE=$(($(sed -n 's/^SlurmctldPort=\([0-9]*\)/\1/p' "$FIRST_CONF") - 17))
if [ $((FIRST_BASE + 1000)) -le 32700 ]; then
	SECOND_BASE=$((FIRST_BASE + 1000))
else
	SECOND_BASE=$((FIRST_BASE - 1000))
fi
cleanup() {
	ASBB_CLUSTER_NAME=lab2 bash "$E2E_ROOT/scripts/local-cluster.sh" "$SECOND" stop >/dev/null 2>&1
	rm -rf "$SECOND"
}
trap cleanup EXIT

if (unset SLURM_CONF ASBB_CLUSTER_NAME ASBB_CONF; ASBB_CLUSTER_NAME=lab2 ASBB_PORT_BASE=$SECOND_BASE \
	ASBB_JOB_SUBMIT=0 bash "$E2E_ROOT/scripts/local-cluster.sh" "$SECOND" start) >"$SECOND.log" 2>&1; then
	e2e_pass "a second cluster starts beside the first (port base $SECOND_BASE)"
else
	e2e_fail "a second cluster starts beside the first" "$(tail -n 5 "$SECOND.log")"
	e2e_summary
	exit 1
fi
rm -f "$SECOND.log"
SECOND_CONF=$SECOND/etc/slurm.conf

submit_on() { # CONF -> job id
	runuser -u alice -- env SLURM_CONF="$1" SBATCH_OUTPUT=/dev/null \
		sbatch --parsable -p local -t 1 --wrap true 2>/dev/null
}
done_on() { # CONF JOB
	local _
	for _ in $(seq 150); do
		SLURM_CONF=$1 sacct -n -X -P -j "$2" -o state 2>/dev/null | grep -q COMPLETED && return 0
		sleep 0.2
	done
	return 1
}

j1=$(submit_on "$FIRST_CONF")
j2=$(submit_on "$SECOND_CONF")
if [ -n "$j1" ] && done_on "$FIRST_CONF" "$j1"; then
	e2e_pass "a job completes on the first cluster"
else
	e2e_fail "a job completes on the first cluster" "job '$j1'"
fi
if [ -n "$j2" ] && done_on "$SECOND_CONF" "$j2"; then
	e2e_pass "a job completes on the second cluster"
else
	e2e_fail "a job completes on the second cluster" "job '$j2'"
fi
e2e_check_eq "each cluster's accounting is its own" \
	"$(SLURM_CONF=$SECOND_CONF sacctmgr -n -P list cluster format=cluster)" "lab2"

pids=$(cat "$SECOND"/run/pids/*.pid 2>/dev/null | tr '\n' ' ')
ASBB_CLUSTER_NAME=lab2 bash "$E2E_ROOT/scripts/local-cluster.sh" "$SECOND" stop >/dev/null 2>&1
left=''
for pid in $pids; do
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
	[ -n "$state" ] && [ "$state" != Z ] && left+=" $pid"
done
e2e_check_eq "stopping the second cluster ends all its daemons" "$left" ""
if timeout 10 scontrol ping | grep -q 'is UP' && e2e_db_up; then
	e2e_pass "the first cluster is untouched"
else
	e2e_fail "the first cluster is untouched"
fi
e2e_summary
