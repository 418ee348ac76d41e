# tests/e2e/lib.sh -- helpers for the end-to-end tests on a real local SLURM
# cluster (scripts/local-cluster.sh). Source it from a test script (bash,
# as root: submissions go through runuser, and env.sh holds DB passwords).
#
# A test expects a cluster that its caller started with the plugin loaded:
#   ASBB_E2E_DIR   the cluster's DIR (scripts/test.sh exports it)
#   ASBB_BIN       the asbb binary (ctest passes $<TARGET_FILE:asbb>)
#   ASBB_POLLER_BIN  asbb-poller (ctest passes it when the target exists)
# Without ASBB_E2E_DIR a test exits with E2E_SKIP (77), which ctest reports as
# skipped rather than failed.
#
# What is here:
#   e2e_init                      checks, sources DIR/env.sh, sets E2E_ASBB etc.
#   e2e_cluster_start|stop DIR    start/stop a cluster (for scripts that own one)
#   e2e_db_stop / e2e_db_start    stop/start the cluster's MariaDB alone
#   e2e_restart_ctld              restart slurmctld alone (it re-reads asbb.conf)
#   e2e_as USER CMD...            run CMD as USER; sets E2E_OUT, E2E_ERR, E2E_RC
#   e2e_sbatch USER ARGS...       sbatch --parsable as USER; also sets E2E_JOB
#   e2e_job_state JOB             the job's state from sacct ("" if unknown yet)
#   e2e_wait_state JOB STATE [S]  poll sacct every 0.2 s until STATE (or S seconds)
#   e2e_live_state JOB            the job's state in slurmctld (squeue), '' once gone
#   e2e_wait_live JOB STATE S     poll squeue every 0.2 s until STATE (S seconds at most)
#   e2e_admin_comment JOB         AdminComment from scontrol show job
#   e2e_hold_id JOB               the 32-hex hold id tagged on the job ("" if none)
#   e2e_sql SQL                   one query on the asbb DB; tab-separated, no header
#   e2e_asbb ARGS...              run asbb on this cluster's config
#   e2e_sql_list A B ...          'A','B' for SQL IN lists
#   e2e_delete_budgets TAG ACC... delete a test's current budgets (releases holds)
#   e2e_claim_budgets TAG ACC...  migrate, refuse foreign budgets, delete leftovers
#   e2e_check_ledger              asbb check is clean
#   e2e_poll_once                 asbb-poller --once (links live jobs to their holds)
#   e2e_micro DOLLARS             "3.06" -> 3060000 (exact, in bash)
#   e2e_hold_micro N P T A [F]    expected hold in micro-dollars, as the plugin sizes it
#   e2e_pass / e2e_fail / e2e_check_eq / e2e_check_match / e2e_summary
#
# shellcheck shell=bash disable=SC2034 # E2E_* results are read by the test scripts

readonly E2E_SKIP=77
E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly E2E_LIB_DIR
E2E_ROOT=$(cd "$E2E_LIB_DIR/../.." && pwd)
readonly E2E_ROOT
E2E_PASSED=0
E2E_FAILED=0
E2E_OUT='' E2E_ERR='' E2E_RC=0 E2E_JOB=''

e2e_log() { printf '[%s] %s\n' "$(date +%T.%3N)" "$*"; }
e2e_die() {
	echo "e2e: error: $*" >&2
	exit 1
}

# ------------------------------------------------------------------ setup

e2e_init() {
	if [ -z "${ASBB_E2E_DIR:-}" ]; then
		echo "SKIP: ASBB_E2E_DIR is not set (scripts/test.sh starts a cluster and sets it)"
		exit "$E2E_SKIP"
	fi
	[ "$(id -u)" = 0 ] || e2e_die "run as root (jobs are submitted with runuser)"
	[ -f "$ASBB_E2E_DIR/env.sh" ] || e2e_die "$ASBB_E2E_DIR/env.sh missing: no cluster there"
	# shellcheck source=/dev/null
	source "$ASBB_E2E_DIR/env.sh"
	E2E_ASBB=${ASBB_BIN:-$E2E_ROOT/build/src/asbb}
	[ -x "$E2E_ASBB" ] || e2e_die "asbb binary $E2E_ASBB not found (set ASBB_BIN)"
	E2E_POLLER=${ASBB_POLLER_BIN:-$E2E_ROOT/build/poller/asbb-poller}
	# slurmctld must answer and run the plugin
	timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP' ||
		e2e_die "slurmctld of $ASBB_E2E_DIR does not answer (run scripts/local-cluster.sh $ASBB_E2E_DIR start)"
	grep -qx 'JobSubmitPlugins=budget' "$SLURM_CONF" ||
		e2e_die "the cluster under $ASBB_E2E_DIR runs without job_submit/budget (start it with ASBB_PLUGIN_SO=...)"
	# submissions run from a directory every demo user can enter
	cd "$ASBB_CLUSTER_DIR/jobs" || e2e_die "cannot cd to $ASBB_CLUSTER_DIR/jobs"
}

e2e_cluster_start() { bash "$E2E_ROOT/scripts/local-cluster.sh" "$1" start; }
e2e_cluster_stop() { bash "$E2E_ROOT/scripts/local-cluster.sh" "$1" stop; }
e2e_db_stop() { bash "$E2E_ROOT/scripts/local-cluster.sh" "$ASBB_CLUSTER_DIR" db-stop >/dev/null; }
e2e_db_start() { bash "$E2E_ROOT/scripts/local-cluster.sh" "$ASBB_CLUSTER_DIR" db-start >/dev/null; }
e2e_db_up() { mariadb-admin --no-defaults -S "$ASBB_DB_SOCKET" -uroot ping >/dev/null 2>&1; }

# e2e_restart_ctld: restart (or start again) slurmctld alone, which reads
# asbb.conf afresh at its first job.
e2e_restart_ctld() {
	local out
	out=$(bash "$E2E_ROOT/scripts/local-cluster.sh" "$ASBB_CLUSTER_DIR" restart-ctld 2>&1) ||
		e2e_die "slurmctld did not start again: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
}

# ---------------------------------------------------------- users and jobs

# e2e_as USER CMD...: CMD runs as USER with only this cluster's SLURM_CONF (and
# the job output location) from the caller's environment.
e2e_as() {
	local user=$1 out err
	shift
	out=$(mktemp) err=$(mktemp)
	E2E_RC=0
	runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" SBATCH_OUTPUT="$SBATCH_OUTPUT" "$@" \
		>"$out" 2>"$err" </dev/null || E2E_RC=$?
	E2E_OUT=$(<"$out") E2E_ERR=$(<"$err")
	rm -f "$out" "$err"
	return 0
}

# e2e_sbatch USER ARGS...: E2E_JOB is the job id when accepted, else empty.
# Every job a test submits is remembered in E2E_JOBS for e2e_cancel_jobs.
E2E_JOBS=()
e2e_sbatch() {
	local user=$1
	shift
	e2e_as "$user" sbatch --parsable "$@"
	E2E_JOB=''
	if [ "$E2E_RC" = 0 ]; then
		E2E_JOB=${E2E_OUT%%;*}
		E2E_JOBS+=("$E2E_JOB")
	fi
}

e2e_cancel_jobs() {
	[ ${#E2E_JOBS[@]} -gt 0 ] || return 0
	timeout 20 scancel "${E2E_JOBS[@]}" 2>/dev/null || true
}

# First word of sacct's state ("CANCELLED by 0" -> CANCELLED); empty while
# slurmdbd has not heard of the job yet.
e2e_job_state() {
	local s
	s=$(sacct -n -X -P -j "$1" -o state 2>/dev/null | head -n 1)
	echo "${s%% *}"
}

# e2e_wait_state JOB STATE [SECONDS]: sbatch --wait polls slowly, sacct is quicker.
e2e_wait_state() {
	local job=$1 want=$2 seconds=${3:-60} end now
	end=$(($(date +%s) + seconds))
	while :; do
		[ "$(e2e_job_state "$job")" = "$want" ] && return 0
		now=$(date +%s)
		[ "$now" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# The state slurmctld reports for a job (an array: one line per task), or ''.
e2e_live_state() { squeue -h -t all -j "$1" -o %T 2>/dev/null; }

# e2e_wait_live JOB STATE SECONDS: poll slurmctld every 0.2 s until STATE.
e2e_wait_live() {
	local end=$(($(date +%s) + $3))
	while [ "$(e2e_live_state "$1")" != "$2" ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

e2e_admin_comment() {
	scontrol show job "$1" 2>/dev/null | sed -n 's/^ *AdminComment=//p' | head -n 1
}

e2e_hold_id() {
	e2e_admin_comment "$1" | grep -oE 'asbb:hold=[0-9a-f]{32}' | head -n 1 | cut -d= -f2
}

# e2e_job_field JOB KEY: one Key=Value field of scontrol show job (e.g. TimeLimit).
e2e_job_field() {
	scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# ---------------------------------------------------------------- asbb side

# Root reaches MariaDB through the socket (unix_socket auth): no password.
e2e_sql() {
	mariadb --no-defaults -S "$ASBB_DB_SOCKET" -uroot -N -B "$ASBB_DB_NAME" -e "$1"
}

e2e_asbb() { "$E2E_ASBB" "$@"; }

# e2e_sql_list A B ...: 'A','B' for an SQL IN (...) list.
e2e_sql_list() {
	local out='' a
	for a in "$@"; do out+="${out:+,}'$a'"; done
	echo "$out"
}

# e2e_claim_budgets TAG ACCOUNT...: migrates, refuses to run when root or one
# of the accounts has a budget (now or in the next two days) that this test
# (TAG, its budgets' description) did not make, and deletes the test's own
# budgets left by a run that died.
e2e_claim_budgets() {
	local tag=$1 foreign
	shift
	e2e_asbb database migrate >/dev/null || e2e_die "asbb database migrate failed"
	foreign=$(e2e_sql "SELECT CONCAT(account, ' (id ', id, ')') FROM budget WHERE status='active'
		AND account IN ($(e2e_sql_list root "$@")) AND description <> '$tag'
		AND period_end > UNIX_TIMESTAMP() AND period_start < UNIX_TIMESTAMP() + 2 * 86400")
	[ -z "$foreign" ] ||
		e2e_die "budgets not made by this test exist on $(tr '\n' ' ' <<<"$foreign"); use a cluster without them"
	e2e_delete_budgets "$tag" "$@"
}

# e2e_check_ledger: asbb check exits 0 and says the ledger is ok.
e2e_check_ledger() {
	local rc=0 out
	out=$(e2e_asbb check 2>&1) || rc=$?
	e2e_check_eq "asbb check exit status" "$rc" 0
	e2e_check_match "asbb check: $out" "$out" 'ledger ok'
}

# e2e_delete_budgets TAG ACCOUNT...: deletes the current budgets a test made
# (their description is TAG), with --force so their holds are released.
# Give children before parents.
e2e_delete_budgets() {
	local tag=$1 a
	shift
	for a in "$@"; do
		[ "$(e2e_sql "SELECT COUNT(*) FROM budget WHERE status='active' AND account='$a'
			AND description='$tag' AND period_start <= UNIX_TIMESTAMP()
			AND period_end > UNIX_TIMESTAMP()")" = 0 ] && continue
		e2e_asbb account delete "$a" --force >/dev/null ||
			e2e_fail "cleanup: asbb account delete $a --force"
	done
}

# One pass of the poller: its log (stdout and stderr) in E2E_OUT, status in E2E_RC.
e2e_poll_once() {
	E2E_RC=0 E2E_ERR=''
	if [ ! -x "$E2E_POLLER" ]; then
		E2E_RC=127 E2E_OUT="asbb-poller $E2E_POLLER not found (set ASBB_POLLER_BIN)"
		return 0
	fi
	E2E_OUT=$("$E2E_POLLER" --once 2>&1) || E2E_RC=$?
}

# e2e_micro DOLLARS: exact conversion of a non-negative amount with at most six
# decimals to micro-dollars.
e2e_micro() {
	local whole=${1%%.*} frac=''
	[[ "$1" == *.* ]] && frac=${1#*.}
	frac="${frac}000000"
	echo $((10#$whole * 1000000 + 10#${frac:0:6}))
}

# e2e_hold_micro NODES PRICE_MICRO TIME_S TASKS [FACTOR_PPM]: what the plugin
# must hold: estimate = nodes × price × time × tasks / 3600 rounded half-up to
# the micro-dollar, then hold = estimate × factor rounded half-up again.
e2e_hold_micro() {
	local nodes=$1 price=$2 secs=$3 tasks=$4 ppm=${5:-1200000} est
	est=$(((nodes * tasks * price * secs + 1800) / 3600))
	echo $(((est * ppm + 500000) / 1000000))
}
e2e_estimate_micro() {
	echo $((($1 * $4 * $2 * $3 + 1800) / 3600))
}

# ------------------------------------------------------------------ checks

e2e_pass() {
	E2E_PASSED=$((E2E_PASSED + 1))
	echo "PASS: $1"
}

# e2e_fail WHAT [DETAIL...]: DETAIL lines are indented below the FAIL line.
e2e_fail() {
	E2E_FAILED=$((E2E_FAILED + 1))
	echo "FAIL: $1"
	shift
	local d
	for d in "$@"; do printf '%s\n' "$d" | sed 's/^/      /'; done
}

e2e_check_eq() { # WHAT GOT WANT
	if [ "$2" = "$3" ]; then e2e_pass "$1"; else e2e_fail "$1" "got:  '$2'" "want: '$3'"; fi
}

e2e_check_match() { # WHAT TEXT EXTENDED-REGEX
	if grep -qE -- "$3" <<<"$2"; then
		e2e_pass "$1"
	else
		e2e_fail "$1" "text:  '$2'" "wants: /$3/"
	fi
}

# Last line, in exactly this form; exit status non-zero when anything failed.
e2e_summary() {
	echo "$E2E_PASSED passed, $E2E_FAILED failed"
	[ "$E2E_FAILED" = 0 ]
}
