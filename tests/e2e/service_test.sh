#!/bin/bash
# service_test.sh -- the asbb service on a real cluster (issue 6): users who
# cannot read asbb.conf run read verbs through it with their own MUNGE
# credential (acceptance 2), and SLURM's own tables decide:
#   1. alice (proj001, proj002) gets `account show proj001` exactly as the
#      admin sees it directly, in table and -P form; bob (proj002 only) is
#      refused proj001; alice's `account list` holds proj001 and proj002 only.
#      1b. alice's `usage show proj001` (and transactions, forecast, holds)
#      through the service is exactly the admin's; bob is refused.
#   2. `job-context` of alice's pending job, through the service as alice,
#      is the admin's document (the service asks slurmctld for the live job).
#   3. a coordinator made with sacctmgr (bob of physics) may change proj001's
#      description through the REST API; alice may not, and nothing changes.
#   4. SIGTERM stops the service with exit status 0.
#
#   ASBB_E2E_DIR=/tmp/c ASBB_BIN=build/src/asbb bash tests/e2e/service_test.sh
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e service_test'
readonly ACCOUNTS=(proj001 proj002 physics)
BASE=$(($(sed -n 's/^SlurmctldPort=\([0-9]*\)/\1/p' "$SLURM_CONF") - 17))
readonly PORT=$((BASE + 40))
readonly URL=http://127.0.0.1:$PORT
CONF=$(mktemp /tmp/asbb-e2e-service.XXXXXX)
SERVICE_PID=''

CLEANED=0
cleanup() {
	[ "$CLEANED" = 0 ] || return 0
	CLEANED=1
	[ -z "$SERVICE_PID" ] || kill "$SERVICE_PID" 2>/dev/null
	sacctmgr -i remove coordinator account=physics names=bob >/dev/null 2>&1
	e2e_cancel_jobs
	e2e_delete_budgets "$TAG" "${ACCOUNTS[@]}"
	rm -f "$CONF"
}
trap cleanup EXIT

e2e_claim_budgets "$TAG" "${ACCOUNTS[@]}"
e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.36 \
	--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_die "asbb rates set failed"
today=$(date +%F) tomorrow=$(date -d tomorrow +%F)
for a in physics proj001 proj002; do
	e2e_asbb account create --name=$a --budget=20 --start="$today" --end="$tomorrow" \
		--description="$TAG" >/dev/null || e2e_die "budget for $a"
done

# The service as the admin would run it (here as root), on the cluster's munged.
{
	cat "$ASBB_CONF"
	echo "ServiceAddress=127.0.0.1:$PORT"
	echo "MungeSocket=$ASBB_MUNGE_SOCKET"
} >"$CONF"
chmod 600 "$CONF"
ASBB_CONF=$CONF "$E2E_ASBB" service start >"$ASBB_CLUSTER_DIR/log/asbb-service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 50); do
	curl -fs "$URL/health" >/dev/null && break
	sleep 0.1
done
e2e_check_eq "service answers /health" "$(curl -s "$URL/health")" '{"status":"ok"}'

# as_user USER ARGS...: asbb as USER, who may not read asbb.conf (mode 600, root's)
as_user() {
	local user=$1
	shift
	e2e_as "$user" env ASBB_CONF="$CONF" ASBB_SERVICE_URL="$URL" \
		ASBB_MUNGE_SOCKET="$ASBB_MUNGE_SOCKET" "$E2E_ASBB" "$@"
}

# 1. account show / list
for form in "" "-P"; do
	# shellcheck disable=SC2086 # $form is one option or none
	admin=$(ASBB_CONF=$CONF "$E2E_ASBB" $form account show proj001)
	# shellcheck disable=SC2086
	as_user alice $form account show proj001
	e2e_check_eq "alice: account show proj001 ${form:-(table)}: exit 0" "$E2E_RC" 0
	e2e_check_eq "alice: account show proj001 ${form:-(table)}: the admin's output" "$E2E_OUT" "$admin"
done
as_user bob account show proj001
e2e_check_eq "bob: account show proj001: exit 1" "$E2E_RC" 1
e2e_check_eq "bob: account show proj001: refused" "$E2E_ERR" \
	"asbb: error: user bob may not read account proj001"
as_user alice -P -n format=Account account list
e2e_check_eq "alice: account list holds her accounts only" "$(sort <<<"$E2E_OUT" | tr '\n' ' ')" \
	"proj001 proj002 "

# 1b. acceptance 2 itself: usage show (and the other reports) as alice
for args in "usage show proj001" "-P usage show proj001" "-P transactions proj001" \
	"forecast proj001 --no-chart" "-P holds proj001"; do
	# shellcheck disable=SC2086 # $args is several words
	admin=$(ASBB_CONF=$CONF "$E2E_ASBB" $args)
	# shellcheck disable=SC2086
	as_user alice $args
	e2e_check_eq "alice: $args through the service: exit 0" "$E2E_RC" 0
	e2e_check_eq "alice: $args through the service: the admin's output" "$E2E_OUT" "$admin"
done
as_user bob usage show proj001
e2e_check_eq "bob: usage show proj001: refused" "$E2E_ERR" \
	"asbb: error: user bob may not read account proj001"

# 2. job-context of a live job
e2e_sbatch alice -A proj001 -p aws-cpu -t 10 --hold -J e2e-service --wrap true
job=$E2E_JOB
admin=$(ASBB_CONF=$CONF "$E2E_ASBB" job-context --job-id="$job" | grep -v generated_at)
as_user alice job-context --job-id="$job"
e2e_check_eq "alice: job-context through the service: exit 0" "$E2E_RC" 0
e2e_check_eq "alice: job-context through the service: the admin's document" \
	"$(grep -v generated_at <<<"$E2E_OUT")" "$admin"

# 3. a coordinator from sacctmgr may change the subtree; a user may not
sacctmgr -i add coordinator account=physics names=bob >/dev/null || e2e_die "sacctmgr add coordinator"
put() { # put USER ACCOUNT DESCRIPTION: prints the status code
	local cred
	cred=$(runuser -u "$1" -- munge -n -S "$ASBB_MUNGE_SOCKET")
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: MUNGE $cred" \
		-H 'Content-Type: application/json' --data "{\"description\":\"$3\"}" "$URL/api/v1/accounts/$2"
}
before=$(e2e_sql "SELECT description FROM budget WHERE account='proj001' AND status='active'")
e2e_check_eq "alice: PUT /api/v1/accounts/proj001 is 403" "$(put alice proj001 "$TAG alice")" 403
e2e_check_eq "after alice's refused PUT: description unchanged" \
	"$(e2e_sql "SELECT description FROM budget WHERE account='proj001' AND status='active'")" "$before"
e2e_check_eq "bob (coordinator of physics): PUT proj001 is 200" "$(put bob proj001 "$TAG")" 200
e2e_check_eq "bob: PUT root (above physics) is 403" "$(put bob root "$TAG bob")" 403

# 4. graceful stop
kill -TERM "$SERVICE_PID"
wait "$SERVICE_PID"
e2e_check_eq "SIGTERM: the service exits 0" "$?" 0
SERVICE_PID=''

cleanup
e2e_check_ledger
e2e_summary
