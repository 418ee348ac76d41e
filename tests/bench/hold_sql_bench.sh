#!/bin/bash
# hold_sql_bench.sh -- what the plugin's hold costs inside MariaDB, without
# SLURM: the server time of one CALL asbb_place_hold_ids (sql/010) on a
# three-level tree, next to 009's asbb_place_hold (now an adapter onto it),
# a refused hold, a durable one-row commit and a trivial round trip, all on
# one MariaDB session of the mariadb client. Prints figures; asserts nothing
# about time. Used to choose how the procedures take their levels (issue 10).
#
#   sudo tests/bench/hold_sql_bench.sh            (scripts/bench.sh builds first)
#   BENCH_CALLS=500 tests/bench/hold_sql_bench.sh a shorter run
#
# A private mariadbd (scripts/lib/private-mariadb.sh) under a temp dir, port
# BENCH_PORT_BASE+6, first with innodb_flush_log_at_trx_commit=1 (every commit
# waits for the log's disk flush, as a hold must), then with 2 (the server's
# CPU time alone: what the procedures' shape decides). Each figure is the mean per call
# over BENCH_CALLS calls sent as one script; BENCH_ROUNDS rounds interleave
# the cases, and the median and the best round are printed, because this
# VM's neighbours make single runs vary by 2x.
#
# Knobs: BENCH_CALLS (1500), BENCH_ROUNDS (5), BENCH_PORT_BASE (25000), ASBB_BIN.
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init_cli

CALLS=${BENCH_CALLS:-1500}
ROUNDS=${BENCH_ROUNDS:-5}
PORT_BASE=${BENCH_PORT_BASE:-25000}
for v in CALLS ROUNDS PORT_BASE; do
	[[ "${!v}" =~ ^[1-9][0-9]*$ ]] || bench_die "BENCH_$v must be a positive integer, not '${!v}'"
done

BENCH_TMP=$(mktemp -d /tmp/asbb-hold-sql-bench.XXXXXX)
chmod 755 "$BENCH_TMP"
db_stop() { bash "$BENCH_ROOT/scripts/lib/private-mariadb.sh" "$BENCH_TMP/db" stop >/dev/null 2>&1 || true; }
BENCH_EXIT_HOOKS+=(db_stop)
trap bench_cleanup EXIT

bench_log "starting a private mariadbd under $BENCH_TMP/db"
bash "$BENCH_ROOT/scripts/lib/private-mariadb.sh" "$BENCH_TMP/db" start $((PORT_BASE + 6)) \
	>"$BENCH_TMP/mariadb.log" 2>&1 || bench_die "mariadbd did not start (see $BENCH_TMP/mariadb.log)"
SOCKET=$BENCH_TMP/db/mysqld.sock
sql() { mariadb --no-defaults -S "$SOCKET" -uroot "$@"; }

cat >"$BENCH_TMP/asbb.conf" <<EOF
DbSocket=$SOCKET
DbUser=root
DbPass=
DbName=asbb_bench
SlurmDbName=slurm_acct_db
ClusterName=bench
SlurmUser=root
BudgetedPartitions=aws-cpu
EOF
chmod 600 "$BENCH_TMP/asbb.conf"
"$ASBB_BIN" --config="$BENCH_TMP/asbb.conf" database migrate >&2

# The tree: root > dept > proj, each with a budget that never runs out, ids
# 1, 2, 3 (level order proj, dept, root; lock order 3, 2, 1), and a fourth,
# empty budget for the refusals.
sql asbb_bench -e "
	INSERT INTO budget (account, period_start, period_end, allocated_micro, created_at, updated_at)
	VALUES ('root', 0, 4000000000, 1000000000000000, 0, 0),
	       ('dept', 0, 4000000000, 1000000000000000, 0, 0),
	       ('proj', 0, 4000000000, 1000000000000000, 0, 0),
	       ('empty', 0, 4000000000, 0, 0, 0);
	CREATE TABLE floor_t (id INT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=InnoDB"
GENERATION=$(sql -N -B asbb_bench -e "SELECT generation FROM ledger_generation WHERE id = 1")

# Durable first (as a hold must be), then without the disk flush at commit:
# the second shows the server's CPU time alone, which is what the shape of
# the procedures decides; the flush is the disk's and varies most on a VM.
for FLUSH in 1 2; do
sql -e "SET GLOBAL innodb_flush_log_at_trx_commit = $FLUSH"
bench_log "innodb_flush_log_at_trx_commit=$FLUSH: $ROUNDS rounds of $CALLS calls per case"
python3 - "$SOCKET" "$CALLS" "$ROUNDS" "$GENERATION" "$FLUSH" <<'PY'
import statistics, subprocess, sys, time

socket, calls, rounds, generation, flush = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
client = ["mariadb", "--no-defaults", "-S", socket, "-uroot", "asbb_bench"]
hold = ("'{id}', 'bench', 'proj', 'aws-cpu', 'alice', 1000, 1, 3600, 1, 1000000, 1200000,"
        " 1000000, 1200000, 1700000000, 'plugin', 'bench'")
cases = [
    ("trivial round trip (SELECT 1)", "SELECT 1"),
    ("durable one-row commit (autocommit INSERT)", "INSERT INTO floor_t (v) VALUES (1)"),
    ("hold, 3 levels: CALL asbb_place_hold_ids (010)",
     f"CALL asbb_place_hold_ids({generation}, {hold}, '3:0,2:0,1:0', '3,2,1', '')"),
    ("hold, 3 levels: CALL asbb_place_hold (009 adapter)",
     f"CALL asbb_place_hold({generation}, {hold}, '[[3,0],[2,0],[1,0]]')"),
    ("refused hold, 1 empty level: asbb_place_hold_ids",
     f"CALL asbb_place_hold_ids({generation}, {hold}, '4:0', '4', '')"),
]
serial = int(flush) * 10**9
means = {name: [] for name, _ in cases}
for _ in range(rounds):
    for name, template in cases:
        lines = []
        for _ in range(calls):
            serial += 1
            lines.append(template.replace("{id}", "%032x" % serial) + ";")
        script = "\n".join(lines).encode()
        start = time.perf_counter()
        run = subprocess.run(client, input=script, capture_output=True)
        took = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(f"bench: error: {name}: {run.stderr.decode().strip()}")
        if "asbb_place_hold" in template:
            want = "short" if "'4:0'" in template else "placed"
            answers = [l.split("\t")[0] for l in run.stdout.decode().splitlines()]
            if answers.count(want) != calls:
                sys.exit(f"bench: error: {name}: {answers.count(want)} of {calls} answered {want}")
        means[name].append(took / calls * 1e6)
what = "durable commits" if flush == "1" else "no disk flush at commit"
print(f"innodb_flush_log_at_trx_commit={flush} ({what}), one mariadb client session, {calls} calls x {rounds} rounds:")
print(f"  {'':54} {'median':>8} {'best':>8}")
for name, _ in cases:
    print(f"  {name:54} {statistics.median(means[name]):6.0f}us {min(means[name]):6.0f}us")
print()
PY
done
bench_machine
BENCH_OK=1
