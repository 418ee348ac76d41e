#!/bin/bash
# service_bench.sh -- issue 6, acceptance 5: requests per second and p99 of
# the asbb service's POST /api/v1/budget/check and GET
# /api/v1/accounts/{account} under wrk on loopback. Every request is a real
# one: a fresh MUNGE credential decoded by munged, the caller's SLURM roles
# read, the budget levels read from MariaDB. Prints figures; asserts nothing
# about time. As root (starts a private cluster: munged, MariaDB, slurmdbd).
#
# knobs: BENCH_SECONDS (10 per endpoint), BENCH_THREADS (2), BENCH_CONNECTIONS
#        (8), BENCH_SERVICE_THREADS (4, ServiceThreads), BENCH_PORT_BASE (25500:
#        the cluster's ports), BENCH_SERVICE_PORT (25590), BENCH_CREDENTIALS
#        (20000 per endpoint; a request beyond them is refused and counted)
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECONDS_EACH=${BENCH_SECONDS:-10}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
WORKERS=${BENCH_SERVICE_THREADS:-4}
PORT_BASE=${BENCH_PORT_BASE:-25500}
SERVICE_PORT=${BENCH_SERVICE_PORT:-25590}
CREDENTIALS=${BENCH_CREDENTIALS:-20000}
command -v wrk >/dev/null || bench_die "wrk is missing (scripts/install-deps.sh installs it)"

bench_init_cli
# shellcheck disable=SC2034 # read by bench_cluster_start: no plugin
ASBB_PLUGIN_SO=''
bench_cluster_start "$PORT_BASE"
"$ASBB_BIN" database migrate >/dev/null
"$ASBB_BIN" rates set --partition=aws-cpu --instance-type=c5.large --node-hour=0.085 \
	--default-time=1:00:00 >/dev/null
"$ASBB_BIN" account create --name=proj001 --budget=50000 --start=now-1days --end=now+300days >/dev/null
"$ASBB_BIN" account create --name=physics --budget=100000 --start=now-1days --end=now+300days >/dev/null

conf=$BENCH_TMP/service.conf
{
	cat "$ASBB_CONF"
	echo "ServiceAddress=127.0.0.1:$SERVICE_PORT"
	echo "ServiceThreads=$WORKERS"
	echo "MungeSocket=$ASBB_MUNGE_SOCKET"
} >"$conf"
chmod 600 "$conf"
ASBB_CONF=$conf "$ASBB_BIN" service start >"$BENCH_TMP/service.log" 2>&1 &
service_pid=$!
stop_service() { kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null; return 0; }
BENCH_EXIT_HOOKS+=(stop_service)
for _ in $(seq 50); do
	curl -fs "http://127.0.0.1:$SERVICE_PORT/health" >/dev/null && break
	sleep 0.1
done
curl -fs "http://127.0.0.1:$SERVICE_PORT/health" >/dev/null || bench_die "the service did not start"

# Credentials for alice (a plain user of proj001: the common, most checked
# case), minted with libmunge directly (the munge command forks per credential).
mint() { # mint COUNT FILE
	runuser -u alice -- /usr/bin/python3 - "$ASBB_MUNGE_SOCKET" "$1" >"$2" <<'PY'
import ctypes, sys
lib = ctypes.CDLL("libmunge.so.2")
ctx = lib.munge_ctx_create()
lib.munge_ctx_set(ctx, 8, ctypes.c_char_p(sys.argv[1].encode()))  # MUNGE_OPT_SOCKET
cred = ctypes.c_char_p()
out = sys.stdout
for _ in range(int(sys.argv[2])):
    if lib.munge_encode(ctypes.byref(cred), ctx, None, 0) != 0:
        sys.exit("munge_encode failed")
    out.write(cred.value.decode() + "\n")
PY
}

run() { # run NAME METHOD PATH [BODY]
	local name=$1 method=$2 path=$3 body=${4:-} creds=$BENCH_TMP/creds-$1 out
	bench_log "minting $CREDENTIALS credentials for $name"
	mint "$CREDENTIALS" "$creds"
	# the service must answer this request with 200 at all
	local status
	status=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" -H "Content-Type: application/json" \
		-H "Authorization: MUNGE $(runuser -u alice -- munge -n -S "$ASBB_MUNGE_SOCKET")" \
		${body:+--data "$body"} "http://127.0.0.1:$SERVICE_PORT$path")
	[ "$status" = 200 ] || bench_die "$method $path answered $status"
	bench_log "wrk: $name, ${SECONDS_EACH}s, $THREADS threads, $CONNECTIONS connections"
	out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency \
		-s "$BENCH_LIB_DIR/service_wrk.lua" "http://127.0.0.1:$SERVICE_PORT" \
		-- "$creds" "$THREADS" "$method" "$path" "$body")
	echo "$out" >"$BENCH_TMP/wrk-$name.txt"
	local rps figures
	rps=$(sed -n 's/^Requests\/sec: *//p' <<<"$out")
	figures=$(sed -n 's/^figures: //p' <<<"$out")
	# figures: requests N errors_status N p50_us N p99_us N max_us N
	read -r _ requests _ refused _ p50 _ p99 _ max <<<"$figures"
	awk -v what="$method $path" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v max="$max" \
		-v n="$requests" -v refused="$refused" 'BEGIN {
		printf "%-40s %9s req/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%d requests, %d not 2xx)\n",
			what, rps, p50 / 1000, p99 / 1000, max / 1000, n, refused }'
}

echo "asbb service under wrk on loopback ($THREADS threads, $CONNECTIONS connections, ServiceThreads=$WORKERS, ${SECONDS_EACH}s each)"
bench_machine
run check POST /api/v1/budget/check \
	'{"account":"proj001","partition":"aws-cpu","nodes":2,"cpus":4,"wall_time":"02:00:00"}'
run account GET /api/v1/accounts/proj001
# shellcheck disable=SC2034 # read by bench_cleanup
BENCH_OK=1
