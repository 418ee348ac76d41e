#!/bin/bash
# check_units.sh ASBB_POLLER_BINARY [ASBB_BINARY]: systemd-analyze verify
# accepts the systemd units in etc/ (with ExecStart pointed at the built
# binaries, since verify checks that the program exists), no unit runs as
# root, and asbb-service.service runs as SlurmUser with its hardening.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
poller=${1:?usage: check_units.sh PATH_TO_ASBB_POLLER [PATH_TO_ASBB]}
asbb=${2:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
for unit in "$root"/etc/*.service "$root"/etc/*.timer; do
	sed -e "s|^ExecStart=/usr/local/sbin/asbb-poller|ExecStart=$poller|" \
		-e "s|^ExecStart=/usr/local/bin/asbb |ExecStart=${asbb:-/bin/true} |" \
		"$unit" >"$dir/$(basename "$unit")"
done
for unit in "$dir"/*; do
	out=$(cd "$dir" && systemd-analyze verify --man=no "$unit" 2>&1)
	# verify also complains about units elsewhere on the machine; only ours count
	ours=$(grep -F "$(basename "$unit")" <<<"$out" || true)
	if [ -z "$ours" ]; then
		echo "PASS: systemd-analyze verify $(basename "$unit")"
		passed=$((passed + 1))
	else
		echo "FAIL: systemd-analyze verify $(basename "$unit")"
		printf '%s\n' "$ours" | sed 's/^/      /'
		failed=$((failed + 1))
	fi
done
if grep -q '^User=root' "$root"/etc/*.service; then
	echo "FAIL: a unit runs as root"
	failed=$((failed + 1))
else
	echo "PASS: no unit runs as root"
	passed=$((passed + 1))
fi
# The service listens on the network: it must run as SlurmUser, confined.
svc=$root/etc/asbb-service.service
for want in '^User=slurm$' '^ExecStart=/usr/local/bin/asbb service start$' '^NoNewPrivileges=yes$' \
	'^ProtectSystem=strict$' '^ProtectHome=yes$' '^PrivateTmp=yes$' '^CapabilityBoundingSet=$' \
	'^RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6$' '^SystemCallFilter=@system-service$' \
	'^MemoryDenyWriteExecute=yes$' '^KillSignal=SIGTERM$'; do
	if grep -q "$want" "$svc"; then
		echo "PASS: asbb-service.service has $want"
		passed=$((passed + 1))
	else
		echo "FAIL: asbb-service.service lacks $want"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
