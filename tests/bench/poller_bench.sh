#!/bin/bash
# poller_bench.sh -- how fast asbb-poller catches up and how long an idle poll
# takes (issue 4, acceptance point 6; DESIGN 8: "catch up on 1,000,000
# finished jobs in a minute; an idle poll in tens of milliseconds"). Prints
# figures; asserts nothing about time.
#
#   sudo tests/bench/poller_bench.sh                 (scripts/bench.sh builds first)
#   BENCH_ROWS=200000 tests/bench/poller_bench.sh    a shorter run
#
# One private cluster (scripts/local-cluster.sh under a temp dir, port base
# BENCH_PORT_BASE, without the job_submit plugin), started and stopped here,
# also on failure. `asbb database migrate`, one budget on proj001 (its
# ancestors have none), then BENCH_ROWS synthetic finished job runs are put
# straight into the real slurmdbd job table (<cluster>_job_table of
# slurm_acct_db, every NOT NULL column of slurmdbd's own schema filled), each
# with admin_comment 'asbb:hold=<id>' naming a pending hold of its own. The
# holds go into asbb.hold, hold_level and journal ('hold' rows) in bulk SQL
# and budget.held_micro grows by their sum, so the ledger is what placing them
# one by one would have left and `asbb check` is clean before and after. All of
# it is INSERT ... SELECT over MariaDB's SEQUENCE engine (seq_1_to_N), in
# transactions of BENCH_INSERT_CHUNK rows; its time is shown but is no figure.
#
# The runs: alice's association on proj001, partition aws-cpu, 1 or 2 nodes,
# 60..3600 s elapsed, state COMPLETED (every tenth FAILED), id_job from
# 10,000,001 up, ended 2 days ago or earlier (so slurmdbd's hourly rollup, which
# works on recent hours, leaves them alone). Each hold: 1 h at $0.17 per
# node-hour x 1.2, i.e. $0.204 per node, so every charge fits in its hold.
#
# How each figure is measured:
#   (1) catch-up    one `asbb-poller --once --charge-only` over all the rows, the
#                   whole process timed (start-up and connect included): wall
#                   seconds, rows/s = rows / wall; its own pass time from its log
#                   line; its user+sys CPU (bash `time`) and the CPU mariadbd used
#                   meanwhile (/proc/PID/stat). Batch: the poller's --batch-rows,
#                   5000 by default (BENCH_BATCH_ROWS passes another). Afterwards
#                   the journal must hold exactly one charge per row, adding up to
#                   the cost computed in SQL, else the run fails (the figure would
#                   not be a catch-up).
#   (2) idle poll   right after, BENCH_IDLE_RUNS more `asbb-poller --once
#                   --charge-only` with nothing new: wall ms of each whole process
#                   (p50 / max) and the pass time it logs. Each must read 0 runs.
#   (3) sacct       then BENCH_SACCT_ROWS (default 20000) more runs and holds of
#                   the same shapes, ended about a day ago (job ids from
#                   20,000,001), and the sacct source's position set just before
#                   them, so its window holds exactly these runs; then one timed
#                   `asbb-poller --once --charge-only --source=sacct` (sacct
#                   --json over slurmdbd, parsing, charging) and BENCH_IDLE_RUNS
#                   idle polls with it. Fewer rows than (1): sacct --json prints
#                   about 3.5 kB per job (1,000,000 would be about 3.5 GB of
#                   JSON in one answer), so the figure is for this count and
#                   says so. The same check: one charge per run, the SQL total.
# --charge-only because --once without it would also close every hold whose job
# has ended (a transaction per hold): after this catch-up that is BENCH_ROWS
# holds, which is no idle poll and is not measured here.
#
# `asbb check` runs after the catch-up (with StatementTimeout=600000: its sums
# over a million holds take longer than the default 10 s); its result is
# printed, and a ledger that does not add up makes the run fail after the
# figures are out.
#
# Knobs: BENCH_ROWS (1000000), BENCH_IDLE_RUNS (10), BENCH_BATCH_ROWS (poller
#        default), BENCH_SACCT_ROWS (20000; 0 skips (3)),
#        BENCH_INSERT_CHUNK (100000), BENCH_PORT_BASE (25000: ports
#        BASE+6..BASE+24), ASBB_BIN, ASBB_POLLER_BIN (default: the build/ tree).
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init_poller

ROWS=${BENCH_ROWS:-1000000}
IDLE_RUNS=${BENCH_IDLE_RUNS:-10}
BATCH_ROWS=${BENCH_BATCH_ROWS:-}
CHUNK=${BENCH_INSERT_CHUNK:-100000}
SACCT_ROWS=${BENCH_SACCT_ROWS:-20000}
PORT_BASE=${BENCH_PORT_BASE:-25000}
for v in ROWS IDLE_RUNS CHUNK PORT_BASE SACCT_ROWS; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || bench_die "BENCH_$v must be a number, got '${!v}'"
done
[ -z "$BATCH_ROWS" ] || [[ "$BATCH_ROWS" =~ ^[0-9]+$ ]] ||
	bench_die "BENCH_BATCH_ROWS must be a number, got '$BATCH_ROWS'"
# id_job = 10,000,000 + n stays below SLURM's MaxJobId default (67,043,328)
if [ "$ROWS" -lt 1 ] || [ "$ROWS" -gt 50000000 ]; then bench_die "BENCH_ROWS must be from 1 to 50000000"; fi
[ "$IDLE_RUNS" -ge 1 ] || bench_die "BENCH_IDLE_RUNS must be at least 1"
[ "$CHUNK" -ge 1 ] || bench_die "BENCH_INSERT_CHUNK must be at least 1"
[ "$ROWS" -le 10000000 ] || bench_die "BENCH_ROWS must be at most 10000000 (job ids of (3) start at 20,000,001)"
[ "$SACCT_ROWS" -le 1000000 ] || bench_die "BENCH_SACCT_ROWS must be at most 1000000"
readonly ROWS IDLE_RUNS BATCH_ROWS CHUNK PORT_BASE SACCT_ROWS
readonly PRICE_MICRO=170000 HOLD_PER_NODE_MICRO=204000
JOB_ID_BASE=10000000

POLL=(--once --charge-only)
[ -z "$BATCH_ROWS" ] || POLL+=("--batch-rows=$BATCH_ROWS")
readonly POLL

STARTED_AT=$(date '+%F %T %Z')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

bench_cluster_start "$PORT_BASE"
R=$BENCH_TMP/results
mkdir -p "$R"
CLUSTER=$ASBB_CLUSTER_NAME
JOBS_TABLE="\`$ASBB_SLURM_DB_NAME\`.\`${CLUSTER}_job_table\`"
readonly R CLUSTER JOBS_TABLE

# ------------------------------------------------------------------- setup

# One budget on proj001, big enough for every hold ($0.408 at most each).
"$ASBB_BIN" database migrate >/dev/null || bench_die "asbb database migrate failed"
"$ASBB_BIN" account create --name=proj001 --budget=$((ROWS + SACCT_ROWS + 1000)) --start="$(date +%F)" \
	--end="$(date -d tomorrow +%F)" --description='asbb poller_bench' >/dev/null ||
	bench_die "asbb account create failed"
BUDGET_ID=$(bench_sql -N -e "SELECT id FROM asbb.budget WHERE account = 'proj001' AND status = 'active'")
ASSOC_ID=$(bench_sql -N -e "SELECT id_assoc FROM \`$ASBB_SLURM_DB_NAME\`.\`${CLUSTER}_assoc_table\`
	WHERE user = 'alice' AND acct = 'proj001' AND \`partition\` = '' AND deleted = 0")
ALICE_UID=$(id -u alice) ALICE_GID=$(id -g alice)
for v in BUDGET_ID ASSOC_ID ALICE_UID ALICE_GID; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || bench_die "could not find $v (got '${!v}')"
done
# Submit times from T0 on, 20 a second; the last run ends 2 days ago at the latest.
T0=$(($(date +%s) - 172800 - ROWS / 20 - 3700))
# Hold ids as asbb makes them: 48 bits of milliseconds first (time-ordered),
# then 16 bits that mark this benchmark, then the row number.
ID_HEAD=$(printf '%012xbe0c' $((T0 * 1000)))
readonly BUDGET_ID ASSOC_ID ALICE_UID ALICE_GID

# insert_chunk LO HI: runs LO..HI and their holds, in one transaction. Row n:
# nodes 1 + n % 2, elapsed 60 + (n * 7919) % 3541 s (60..3600), submitted at
# T0 + n / 20, started 5 s later.
insert_chunk() {
	local lo=$1 hi=$2 seq hold_id nodes elapsed submit
	seq="seq_${lo}_to_${hi}"
	hold_id="CONCAT('$ID_HEAD', LPAD(LOWER(HEX(seq)), 16, '0'))"
	nodes="(1 + seq % 2)"
	elapsed="(60 + (seq * 7919) % 3541)"
	submit="($T0 + seq DIV 20)"
	bench_sql -D asbb <<EOF
START TRANSACTION;
INSERT INTO asbb.hold (id, state, cluster, account, partition_name, user_name, uid, nodes,
    time_limit_s, array_tasks, node_hour_price_micro, hold_factor_ppm, estimate_micro,
    amount_micro, held_micro, created_at, updated_at)
  SELECT $hold_id, 'pending', '$CLUSTER', 'proj001', 'aws-cpu', 'alice', $ALICE_UID, $nodes,
    3600, 1, $PRICE_MICRO, 1200000, $nodes * $PRICE_MICRO,
    $nodes * $HOLD_PER_NODE_MICRO, $nodes * $HOLD_PER_NODE_MICRO, $submit, $submit
  FROM $seq;
INSERT INTO asbb.hold_level (hold_id, level_no, budget_id, partition_limit_id)
  SELECT $hold_id, 0, $BUDGET_ID, NULL FROM $seq;
INSERT INTO asbb.journal (created_at, kind, budget_id, hold_id, amount_micro, held_delta_micro,
    cluster, partition_name, user_name, actor, reason)
  SELECT $submit, 'hold', $BUDGET_ID, $hold_id, $nodes * $HOLD_PER_NODE_MICRO,
    $nodes * $HOLD_PER_NODE_MICRO, '$CLUSTER', 'aws-cpu', 'alice', 'poller_bench',
    'synthetic hold for job of 1 h'
  FROM $seq;
UPDATE asbb.budget SET held_micro = held_micro +
    (SELECT SUM($nodes * $HOLD_PER_NODE_MICRO) FROM $seq) WHERE id = $BUDGET_ID;
INSERT INTO $JOBS_TABLE (mod_time, account, admin_comment, cpus_req, job_name, id_assoc, id_job,
    id_resv, id_wckey, id_user, id_group, het_job_id, het_job_offset, state_reason_prev,
    nodes_alloc, \`partition\`, priority, state, timelimit, time_submit, time_eligible,
    time_start, time_end, work_dir, tres_alloc, tres_req)
  SELECT $submit + 5 + $elapsed, 'proj001', CONCAT('asbb:hold=', $hold_id), 4 * $nodes,
    'bench', $ASSOC_ID, $JOB_ID_BASE + seq, 0, 0, $ALICE_UID, $ALICE_GID, 0, 4294967294, 0,
    $nodes, 'aws-cpu', 1, IF(seq % 10 = 0, 5, 3), 60, $submit, $submit,
    $submit + 5, $submit + 5 + $elapsed, '/tmp', CONCAT('1=', 4 * $nodes, ',4=', $nodes), ''
  FROM $seq;
COMMIT;
EOF
}

# insert_runs N: runs 1..N (JOB_ID_BASE, T0 and ID_HEAD as set), in chunks.
insert_runs() {
	local lo hi
	for ((lo = 1; lo <= $1; lo += CHUNK)); do
		hi=$((lo + CHUNK - 1))
		[ "$hi" -le "$1" ] || hi=$1
		insert_chunk "$lo" "$hi" || bench_die "inserting rows $lo..$hi failed"
	done
}

bench_log "inserting $ROWS finished runs into $CLUSTER's job table, with their holds"
insert_t0=$(bench_now_us)
insert_runs "$ROWS"
insert_t1=$(bench_now_us)
INSERT_US=$((insert_t1 - insert_t0))
inserted=$(bench_sql -N -e "SELECT COUNT(*) FROM $JOBS_TABLE WHERE id_job > $JOB_ID_BASE")
[ "$inserted" = "$ROWS" ] || bench_die "$inserted runs in the job table, expected $ROWS"
# What the poller must charge: elapsed x nodes x price / 3600 s, rounded half up.
EXPECTED_MICRO=$(bench_sql -D asbb -N -e "SELECT SUM((2 * (60 + (seq * 7919) % 3541) * (1 + seq % 2)
	* $PRICE_MICRO + 3600) DIV 7200) FROM seq_1_to_$ROWS")

# ------------------------------------------------------------- measuring

# CPU seconds (user + sys) mariadbd has used so far
MARIADBD_PID=$(<"$ASBB_CLUSTER_DIR/run/pids/mariadbd.pid")
[ "$(cat "/proc/$MARIADBD_PID/comm" 2>/dev/null)" = mariadbd ] ||
	bench_die "PID $MARIADBD_PID from mariadbd.pid is not mariadbd"
CLK_TCK=$(getconf CLK_TCK)
readonly MARIADBD_PID CLK_TCK
mariadbd_cpu() {
	awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$MARIADBD_PID/stat"
}

# poll NAME: one timed `asbb-poller` run; its log in R/NAME.log, "wall user sys"
# seconds (bash `time`) in R/NAME.time, its wall in us in R/NAME.us
# (more arguments go to the poller)
poll() {
	local name=$1 t0 t1 TIMEFORMAT='%3R %3U %3S'
	shift
	t0=$(bench_now_us)
	if ! { time "$ASBB_POLLER_BIN" "${POLL[@]}" "$@" --config="$ASBB_CONF" >"$R/$name.log" 2>&1; } 2>"$R/$name.time"; then
		bench_die "asbb-poller failed in $name: $(tail -n 3 "$R/$name.log")"
	fi
	t1=$(bench_now_us)
	echo $((t1 - t0)) >"$R/$name.us"
}
# the numbers of the poller's summary line ("runs read N, charged M ...; X ms")
runs_read() { sed -n -E 's/.*runs read ([0-9]+), .*/\1/p' "$R/$1.log" | tail -n 1; }
runs_charged() { sed -n -E 's/.*runs read [0-9]+, charged ([0-9]+) .*/\1/p' "$R/$1.log" | tail -n 1; }
pass_ms() { sed -n -E 's/.*; ([0-9]+) ms$/\1/p' "$R/$1.log" | tail -n 1; }

LOAD_CATCHUP=$(cut -d' ' -f1-3 /proc/loadavg)
bench_log "(1) catch-up: asbb-poller ${POLL[*]} over $ROWS runs"
db_cpu0=$(mariadbd_cpu)
poll catchup
db_cpu1=$(mariadbd_cpu)
if [ "$(runs_read catchup)" != "$ROWS" ] || [ "$(runs_charged catchup)" != "$ROWS" ]; then
	bench_die "catch-up read $(runs_read catchup) and charged $(runs_charged catchup) runs, expected $ROWS: $(tail -n 1 "$R/catchup.log")"
fi
read -r charges charged_micro < <(bench_sql -N -e "SELECT COUNT(*), COALESCE(SUM(amount_micro), 0)
	FROM asbb.journal WHERE kind = 'charge'")
if [ "$charges" != "$ROWS" ] || [ "$charged_micro" != "$EXPECTED_MICRO" ]; then
	bench_die "journal after catch-up: $charges charges of $charged_micro micro-dollars, expected $ROWS of $EXPECTED_MICRO"
fi

bench_log "(2) idle poll: $IDLE_RUNS runs with nothing new"
: >"$R/idle.us"
: >"$R/idle.ms"
for ((i = 1; i <= IDLE_RUNS; i++)); do
	poll "idle$i"
	[ "$(runs_read "idle$i")" = 0 ] || bench_die "idle poll $i read $(runs_read "idle$i") runs, expected 0"
	cat "$R/idle$i.us" >>"$R/idle.us"
	pass_ms "idle$i" >>"$R/idle.ms"
done

# (3) the sacct source, on a second set of runs of its own.
if [ "$SACCT_ROWS" -gt 0 ]; then
	JOB_ID_BASE=20000000
	T0=$(($(date +%s) - 86400 - SACCT_ROWS / 20 - 3700))
	ID_HEAD=$(printf '%012xbe0d' $((T0 * 1000)))
	bench_log "(3) inserting $SACCT_ROWS more runs (ended about a day ago) for the sacct source"
	insert_runs "$SACCT_ROWS"
	SACCT_EXPECTED_MICRO=$(bench_sql -D asbb -N -e "SELECT SUM((2 * (60 + (seq * 7919) % 3541) * (1 + seq % 2)
		* $PRICE_MICRO + 3600) DIV 7200) FROM seq_1_to_$SACCT_ROWS")
	# Its position: just before these runs (its overlap reaches back 10 min,
	# still after every run of (1)), so the window holds exactly them.
	"$ASBB_BIN" database migrate >/dev/null
	bench_sql -D asbb -e "INSERT INTO poller_sacct_state (cluster, window_end, updated_at)
		VALUES ('$CLUSTER', $((T0 - 1)), $((T0 - 1)))"
	bench_log "(3) catch-up: asbb-poller ${POLL[*]} --source=sacct over $SACCT_ROWS runs"
	db_cpu2=$(mariadbd_cpu)
	poll sacct_catchup --source=sacct
	db_cpu3=$(mariadbd_cpu)
	if [ "$(runs_read sacct_catchup)" != "$SACCT_ROWS" ] || [ "$(runs_charged sacct_catchup)" != "$SACCT_ROWS" ]; then
		bench_die "sacct catch-up read $(runs_read sacct_catchup) and charged $(runs_charged sacct_catchup) runs, expected $SACCT_ROWS: $(tail -n 1 "$R/sacct_catchup.log")"
	fi
	read -r sacct_charges sacct_micro < <(bench_sql -N -e "SELECT COUNT(*), COALESCE(SUM(amount_micro), 0)
		FROM asbb.journal WHERE kind = 'charge' AND job_id > 20000000")
	if [ "$sacct_charges" != "$SACCT_ROWS" ] || [ "$sacct_micro" != "$SACCT_EXPECTED_MICRO" ]; then
		bench_die "journal after the sacct catch-up: $sacct_charges charges of $sacct_micro micro-dollars, expected $SACCT_ROWS of $SACCT_EXPECTED_MICRO"
	fi
	# sacct alone, the same query, for how much of the time is sacct's
	sacct_t0=$(bench_now_us)
	sacct --json -a -X -D -M "$CLUSTER" -S "$(date -d "@$((T0 - 601))" +%FT%T)" \
		-E "$(date +%FT%T)" >"$R/sacct.json" 2>/dev/null || bench_die "sacct --json failed"
	sacct_t1=$(bench_now_us)
	SACCT_ONLY_US=$((sacct_t1 - sacct_t0))
	SACCT_JSON_BYTES=$(stat -c %s "$R/sacct.json")
	rm -f "$R/sacct.json"
	bench_log "(3) idle poll with --source=sacct: $IDLE_RUNS runs"
	: >"$R/sacct_idle.us"
	: >"$R/sacct_idle.ms"
	for ((i = 1; i <= IDLE_RUNS; i++)); do
		poll "sacct_idle$i" --source=sacct
		cat "$R/sacct_idle$i.us" >>"$R/sacct_idle.us"
		pass_ms "sacct_idle$i" >>"$R/sacct_idle.ms"
	done
fi

bench_log "asbb check"
check_t0=$(bench_now_us)
CHECK_OK=1
# A ledger of a million holds and two million journal rows is summed in
# statements longer than asbb.conf's default StatementTimeout (10 s): the
# check gets ten minutes here.
CHECK_CONF=$BENCH_TMP/check.conf
{
	grep -v -i '^[[:space:]]*StatementTimeout' "$ASBB_CONF"
	echo 'StatementTimeout=600000'
} >"$CHECK_CONF"
chmod 600 "$CHECK_CONF"
"$ASBB_BIN" --config="$CHECK_CONF" check >"$R/check.out" 2>&1 || CHECK_OK=0
check_t1=$(bench_now_us)

FINISHED_AT=$(date '+%F %T %Z')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------- the figures

read -r wall user sys <"$R/catchup.time"
read -r _ idle_p50 _ idle_max < <(bench_stats "$R/idle.us")
read -r _ own_p50 _ own_max < <(bench_stats "$R/idle.ms")
commit=$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git -C "$BENCH_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	commit+=" with uncommitted changes"
fi

echo
echo "== asbb poller benchmark (issue 4, point 6) =="
bench_machine
echo "asbb:     $("$ASBB_POLLER_BIN" --version) ($ASBB_POLLER_BIN); this tree is at $commit"
echo "mariadb:  $(bench_sql -N -e "SELECT CONCAT('innodb_buffer_pool_size=', @@innodb_buffer_pool_size DIV 1048576,
	'M innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit)") (scripts/local-cluster.sh's settings)"
echo "run:      $STARTED_AT .. $FINISHED_AT; load before $LOAD_BEFORE, at the catch-up $LOAD_CATCHUP, after $LOAD_AFTER"
echo "          (other work on this machine, e.g. a concurrent test run, adds noise)"
echo
echo "$ROWS synthetic finished runs in slurmdbd's ${CLUSTER}_job_table (1-2 nodes, 60-3600 s,"
echo "COMPLETED / every tenth FAILED), each naming its own pending hold in admin_comment;"
awk -v n="$ROWS" -v us="$INSERT_US" 'BEGIN { printf "inserted with their holds in %.1f s (%.0f rows/s; setup, not a figure)\n", us / 1e6, n / (us / 1e6) }'
echo
echo "(1) catch-up, DB source: asbb-poller ${POLL[*]}, ${BATCH_ROWS:-5000 (default)} rows per transaction"
awk -v n="$ROWS" -v w="$wall" -v own="$(pass_ms catchup)" 'BEGIN {
	printf "    %d runs charged in %.1f s wall (whole process) = %.0f rows/s; pass time it logs: %.1f s\n", n, w, n / w, own / 1000 }'
awk -v u="$user" -v s="$sys" -v d0="$db_cpu0" -v d1="$db_cpu1" 'BEGIN {
	printf "    CPU: asbb-poller %.1f s user + %.1f s sys; mariadbd %.1f s meanwhile\n", u, s, d1 - d0 }'
echo "    every run charged once, total $(awk -v m="$charged_micro" 'BEGIN { printf "$%.6f", m / 1e6 }') = the cost computed in SQL"
echo "    DESIGN 8 aims at 1,000,000 runs in 60 s (16,667 rows/s)"
echo
echo "(2) idle poll right after (nothing new), $IDLE_RUNS runs of asbb-poller ${POLL[*]}:"
awk -v p="$idle_p50" -v m="$idle_max" 'BEGIN { printf "    whole process p50 / max: %.1f / %.1f ms\n", p / 1000, m / 1000 }'
echo "    pass time it logs p50 / max: $own_p50 / $own_max ms"
echo "    DESIGN 8 aims at tens of milliseconds"
echo
if [ "$SACCT_ROWS" -gt 0 ]; then
	read -r wall3 user3 sys3 <"$R/sacct_catchup.time"
	read -r _ sidle_p50 _ sidle_max < <(bench_stats "$R/sacct_idle.us")
	read -r _ sown_p50 _ sown_max < <(bench_stats "$R/sacct_idle.ms")
	echo "(3) catch-up, sacct source: asbb-poller ${POLL[*]} --source=sacct over $SACCT_ROWS runs"
	echo "    (fewer than (1): sacct --json answers a window in one JSON document, about"
	awk -v b="$SACCT_JSON_BYTES" -v n="$SACCT_ROWS" 'BEGIN { printf "    %.1f kB per job here, %.0f MB for these runs)\n", b / n / 1000, b / 1e6 }'
	awk -v n="$SACCT_ROWS" -v w="$wall3" -v own="$(pass_ms sacct_catchup)" 'BEGIN {
		printf "    %d runs charged in %.1f s wall (whole process) = %.0f rows/s; pass time it logs: %.1f s\n", n, w, n / w, own / 1000 }'
	awk -v u="$user3" -v s="$sys3" -v d0="$db_cpu2" -v d1="$db_cpu3" 'BEGIN {
		printf "    CPU: asbb-poller %.1f s user + %.1f s sys (sacct is a child: its CPU counts here too); mariadbd %.1f s meanwhile\n", u, s, d1 - d0 }'
	awk -v us="$SACCT_ONLY_US" -v n="$SACCT_ROWS" 'BEGIN { printf "    the same sacct --json query alone: %.1f s (%.0f rows/s)\n", us / 1e6, n / (us / 1e6) }'
	echo "    every run charged once, total $(awk -v m="$sacct_micro" 'BEGIN { printf "$%.6f", m / 1e6 }') = the cost computed in SQL"
	echo "    idle poll, $IDLE_RUNS runs with --source=sacct (its window: the last 10 min):"
	awk -v p="$sidle_p50" -v m="$sidle_max" 'BEGIN { printf "    whole process p50 / max: %.1f / %.1f ms\n", p / 1000, m / 1000 }'
	echo "    pass time it logs p50 / max: $sown_p50 / $sown_max ms"
else
	echo "(3) sacct source: skipped (BENCH_SACCT_ROWS=0)"
fi
echo
if [ "$CHECK_OK" = 1 ]; then
	awk -v us="$((check_t1 - check_t0))" 'BEGIN { printf "asbb check after the runs: clean (%.1f s)\n", us / 1e6 }'
else
	echo "asbb check after the runs: NOT clean:"
	sed 's/^/    /' "$R/check.out" | head -n 20
	bench_die "the ledger does not add up after the catch-up (logs in $BENCH_TMP)"
fi
BENCH_OK=1
