#!/bin/bash
# bill_import_bench.sh -- how fast `asbb bill import` reads a Cost and Usage
# Report, and whether its memory grows with the file (issue 11, acceptance 6:
# >= 200,000 lines/s on this VM, memory independent of the file's size).
# Generates a legacy CUR CSV of BENCH_LINES lines (24 columns, ~330 bytes a
# line: instance-hours of 64 instances, EBS, data transfer, tax; quoted
# commas, exponent costs, 10 decimals), plain and gzip, and a tenth of it;
# imports each with --dry-run and then for real into a private MariaDB, and
# prints wall seconds, lines/s and peak RSS (GNU time). Asserts nothing about
# time; fails when an import fails or its Total is not the generator's sum.
#
#   sudo tests/bench/bill_import_bench.sh        (scripts/bench.sh builds first)
#   BENCH_LINES=200000 tests/bench/bill_import_bench.sh
#
# Knobs: BENCH_LINES (1000000), BENCH_PORT_BASE (25100), ASBB_BIN.
set -euo pipefail

# shellcheck source=tests/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init_cli

LINES=${BENCH_LINES:-1000000}
PORT_BASE=${BENCH_PORT_BASE:-25100}
for v in LINES PORT_BASE; do
	[[ "${!v}" =~ ^[1-9][0-9]*$ ]] || bench_die "BENCH_$v must be a positive integer, not '${!v}'"
done
[ "$LINES" -ge 10 ] || bench_die "BENCH_LINES must be at least 10"

BENCH_TMP=$(mktemp -d /tmp/asbb-bill-bench.XXXXXX)
chmod 755 "$BENCH_TMP"
db_stop() { bash "$BENCH_ROOT/scripts/lib/private-mariadb.sh" "$BENCH_TMP/db" stop >/dev/null 2>&1 || true; }
BENCH_EXIT_HOOKS+=(db_stop)
trap bench_cleanup EXIT

bench_log "starting a private mariadbd under $BENCH_TMP/db"
bash "$BENCH_ROOT/scripts/lib/private-mariadb.sh" "$BENCH_TMP/db" start $((PORT_BASE + 6)) \
	>"$BENCH_TMP/mariadb.log" 2>&1 || bench_die "mariadbd did not start (see $BENCH_TMP/mariadb.log)"
cat >"$BENCH_TMP/asbb.conf" <<CONF
DbSocket=$BENCH_TMP/db/mysqld.sock
DbUser=root
DbPass=
DbName=asbb_bench
SlurmDbName=slurm_acct_db
ClusterName=bench
SlurmUser=root
CONF
chmod 600 "$BENCH_TMP/asbb.conf"
asbb() { "$ASBB_BIN" --config="$BENCH_TMP/asbb.conf" "$@"; }
asbb database migrate >/dev/null

# generate N PATH: N lines of a legacy CUR; prints their exact sum in 10^-10
# dollars (awk's integers are exact below 2^53, far above this sum).
generate() {
	awk -v n="$1" 'BEGIN {
		print "identity/LineItemId,identity/TimeInterval,bill/InvoiceId,bill/BillingEntity," \
			"bill/BillType,bill/PayerAccountId,bill/BillingPeriodStartDate," \
			"bill/BillingPeriodEndDate,lineItem/UsageAccountId,lineItem/LineItemType," \
			"lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode," \
			"lineItem/UsageType,lineItem/Operation,lineItem/AvailabilityZone," \
			"lineItem/ResourceId,lineItem/UsageAmount,lineItem/CurrencyCode," \
			"lineItem/UnblendedRate,lineItem/UnblendedCost,lineItem/LineItemDescription," \
			"product/legalEntity,pricing/term"
		sum = 0
		for (i = 0; i < n; i++) {
			hour = int(i / 100) % 720; day = 1 + int(hour / 24); h = hour % 24
			start = sprintf("2026-11-%02dT%02d:00:00.000Z", day, h)
			end = sprintf("2026-11-%02dT%02d:59:59.000Z", day, h)
			k = i % 100
			if (k < 64) {
				type = "Usage"; usage = (k % 2 ? "USE1-SpotUsage:c5.large" : "USE1-BoxUsage:c5.large")
				res = sprintf("i-%017d", k); units = 850000000 + k * 1234567
			} else if (k < 90) {
				type = "Usage"; usage = "USE1-EBS:VolumeUsage.gp3"
				res = sprintf("vol-%017d", k); units = 1095891 + k
			} else if (k < 99) {
				type = "Usage"; usage = "USE1-DataTransfer-Out-Bytes"; res = ""; units = 9052 + k
			} else {
				type = "Tax"; usage = ""; res = ""; units = 110000005
			}
			sum += units
			# 10^-10 dollars as AWS writes them: exponent form for the small ones
			if (units < 100000) cost = sprintf("%dE-10", units)
			else cost = sprintf("%d.%010d", int(units / 10000000000), units % 10000000000)
			printf "li%d,%s/%s,EUCA26-1,AWS,Anniversary,123456789012,2026-11-01T00:00:00.000Z," \
				"2026-12-01T00:00:00.000Z,210987654321,%s,%s,%s,AmazonEC2,%s,RunInstances," \
				"us-east-1a,%s,1.0000000000,USD,%s,%s,\"$0.085 per On Demand Linux, c5.large\"," \
				"\"Amazon Web Services, Inc.\",%s\n", i, start, end, type, start, end, usage, res,
				cost, cost, (k % 3 ? "OnDemand" : "")
		}
		printf "%.0f\n", sum > "/dev/stderr"
	}' 2>"$2.sum" >"$2"
	cat "$2.sum"
}

# micro_of TENTH_NANO: rounded half away from zero (all sums here are positive)
micro_of() { echo $((($1 + 5000) / 10000)); }

# run LABEL FILE LINES WANT_MICRO ARGS...: one import; prints its figures
run() {
	local label=$1 file=$2 lines=$3 want=$4 out wall rss total
	shift 4
	/usr/bin/time -f '%e %M' -o "$BENCH_TMP/time" \
		"$ASBB_BIN" --config="$BENCH_TMP/asbb.conf" bill import "$file" "$@" -P -n format=Lines,Total \
		>"$BENCH_TMP/out" 2>"$BENCH_TMP/err" || bench_die "$label failed: $(cat "$BENCH_TMP/err")"
	out=$(cat "$BENCH_TMP/out")
	read -r wall rss <"$BENCH_TMP/time"
	total=${out#*|}
	[ "${out%%|*}" = "$lines" ] || bench_die "$label: read ${out%%|*} lines, not $lines"
	# the Total printed exactly ("78.21"), compared in micro-dollars
	local whole=${total%%.*} frac=${total#*.}
	[ "$whole" = "$total" ] && frac=''
	frac=$(printf '%-6s' "$frac" | tr ' ' 0)
	[ $((10#$whole * 1000000 + 10#$frac)) = "$want" ] || bench_die "$label: Total $total, want $want micro-dollars"
	printf '%-34s %9d lines %7.2f s %9.0f lines/s  peak RSS %6d KiB\n' "$label" "$lines" "$wall" \
		"$(awk -v l="$lines" -v w="$wall" 'BEGIN { print (w > 0 ? l / w : 0) }')" "$rss"
}

bench_log "generating $LINES and $((LINES / 10)) lines"
small_sum=$(generate $((LINES / 10)) "$BENCH_TMP/small.csv")
big_sum=$(generate "$LINES" "$BENCH_TMP/cur.csv")
gzip -k -1 "$BENCH_TMP/cur.csv"
bench_log "cur.csv: $(du -h "$BENCH_TMP/cur.csv" | cut -f1), cur.csv.gz: $(du -h "$BENCH_TMP/cur.csv.gz" | cut -f1)"

bench_machine
echo "asbb bill import, $(date -u '+%F %T UTC')"
run "small.csv, --dry-run" "$BENCH_TMP/small.csv" $((LINES / 10)) "$(micro_of "$small_sum")" --dry-run
run "cur.csv, --dry-run" "$BENCH_TMP/cur.csv" "$LINES" "$(micro_of "$big_sum")" --dry-run
run "cur.csv.gz, --dry-run" "$BENCH_TMP/cur.csv.gz" "$LINES" "$(micro_of "$big_sum")" --dry-run
run "cur.csv.gz, imported" "$BENCH_TMP/cur.csv.gz" "$LINES" "$(micro_of "$big_sum")"
BENCH_OK=1
