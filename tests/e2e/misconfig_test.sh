#!/bin/bash
# misconfig_test.sh -- a misconfiguration is not an outage (issue 9, point 4),
# on the real cluster: slurmctld's plugin is pointed at an asbb database one
# migration behind (the binaries were upgraded, `asbb database migrate` was
# forgotten). Every budgeted job is then refused with the misconfiguration
# message (admin, slurmctld's log), never "unavailable ... try again in a few
# minutes"; the server's own words are in slurmctld's log; the circuit breaker
# does not open, so the first submission after the admin runs the migration is
# accepted, with no restart and well inside BreakerSeconds.
#
# It edits the cluster's asbb.conf (DbName) and restarts slurmctld; the file is
# put back and the scratch database dropped at the end. Run it alone.
set -uo pipefail

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

readonly TAG='asbb e2e misconfig_test'
readonly SCRATCH_DB=asbb_e2e_misconfig
readonly CTLD_LOG=$ASBB_CLUSTER_DIR/log/slurmctld.log
readonly JOB=(-p aws-cpu -N1 -t 10 --hold -J e2e-misconfig --wrap 'sleep 1')

root_sql() { mariadb --no-defaults -S "$ASBB_DB_SOCKET" -uroot -N -B -e "$1"; }

ORIGINAL_CONF=$(mktemp)
cp "$ASBB_CONF" "$ORIGINAL_CONF"
cleanup() {
	timeout 30 scancel -n e2e-misconfig 2>/dev/null || true
	cat "$ORIGINAL_CONF" >"$ASBB_CONF" && rm -f "$ORIGINAL_CONF"
	e2e_restart_ctld
	root_sql "DROP DATABASE IF EXISTS $SCRATCH_DB" || true
}
trap cleanup EXIT

# A database one migration behind, as the plugin sees it: migrated by `asbb
# database migrate` (the mariadb client cannot apply the files that define
# stored procedures: it splits them at every ';'), then its newest
# schema_version row taken away. The plugin goes by that version, as after a
# forgotten migrate; the admin's fix below applies the newest file again, so
# this needs the newest migration to be re-runnable, as the ones that define
# procedures and triggers are written to be (CREATE OR REPLACE). A newest
# migration that is not would make the fix below fail loudly, not pass.
files=("$E2E_ROOT"/sql/[0-9][0-9][0-9]_*.sql)
newest=$(basename "${files[-1]}")
root_sql "DROP DATABASE IF EXISTS $SCRATCH_DB; CREATE DATABASE $SCRATCH_DB CHARACTER SET utf8mb4"
for host in localhost 127.0.0.1; do
	root_sql "GRANT ALL ON $SCRATCH_DB.* TO '$ASBB_DB_USER'@'$host'"
done

sed -i "s/^DbName=.*/DbName=$SCRATCH_DB/" "$ASBB_CONF"
sed -i '/^BreakerSeconds=/d' "$ASBB_CONF"
echo "BreakerSeconds=600" >>"$ASBB_CONF" # an opened breaker could not hide in this test
e2e_asbb database migrate >/dev/null || e2e_die "asbb database migrate on $SCRATCH_DB"
root_sql "DELETE FROM $SCRATCH_DB.schema_version WHERE file_name = '$newest'"
e2e_log "scratch database $SCRATCH_DB at $(root_sql "SELECT MAX(version) FROM $SCRATCH_DB.schema_version") of ${#files[@]} migrations (missing $newest)"
e2e_restart_ctld
mark=$(wc -l <"$CTLD_LOG")

for i in 1 2 3; do
	e2e_sbatch alice -A proj001 "${JOB[@]}"
	e2e_check_eq "one migration behind, job $i: refused" "$E2E_RC" 1
	e2e_check_match "job $i: the user is told asbb is misconfigured and to ask the admin" "$E2E_ERR" \
		'asbb: .*misconfigured.*(admin|slurmctld)'
	if grep -qiE 'unavailable|try again in a few minutes|circuit' <<<"$E2E_ERR"; then
		e2e_fail "job $i: not told the budget service is down" "$E2E_ERR"
	else
		e2e_pass "job $i: not told the budget service is down"
	fi
done
logged=$(tail -n +"$((mark + 1))" "$CTLD_LOG" | grep 'job_submit/budget:' | head -n 1)
e2e_check_match "slurmctld's log names the missing migration or the server's error" "$logged" \
	"misconfigured.*(migration|schema|Table|column|doesn't exist)"
if tail -n +"$((mark + 1))" "$CTLD_LOG" | grep 'job_submit/budget:' | grep -qi 'breaker'; then
	e2e_fail "the circuit breaker never opened" "$(tail -n +"$((mark + 1))" "$CTLD_LOG" | grep breaker | head -n 3)"
else
	e2e_pass "the circuit breaker never opened"
fi

# The admin's fix, with slurmctld running as it is.
fixed_at=$(date +%s)
e2e_asbb database migrate >/dev/null || e2e_fail "asbb database migrate on $SCRATCH_DB"
e2e_check_eq "migrated to the newest" \
	"$(root_sql "SELECT file_name FROM $SCRATCH_DB.schema_version ORDER BY version DESC LIMIT 1")" "$newest"
e2e_asbb rates set --partition=aws-cpu --instance-type=c5.xlarge --node-hour=0.17 \
	--cpus-per-node=4 --default-time=1:00:00 >/dev/null || e2e_fail "rates set"
e2e_asbb account create --name=proj001 --budget=100 --start="$(date +%F)" \
	--end="$(date -d tomorrow +%F)" --description="$TAG" >/dev/null || e2e_fail "account create"
e2e_sbatch alice -A proj001 "${JOB[@]}"
e2e_check_eq "after the migration the next job is accepted (no restart)" "$E2E_RC" 0
[ "$E2E_RC" = 0 ] || e2e_log "refused with: $E2E_ERR"
e2e_check_match "it carries its hold" "$(e2e_hold_id "$E2E_JOB")" '^[0-9a-f]{32}$'
e2e_log "accepted $(($(date +%s) - fixed_at)) s after the fix (BreakerSeconds=600)"
e2e_check_ledger

e2e_summary
