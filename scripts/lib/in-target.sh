#!/bin/bash
# in-target.sh SLURM_SERIES -- runs inside a test chroot (scripts/test-target.sh
# puts it there, with the source tree read-only at /src). On that Debian
# release's own SLURM, GCC and MariaDB it:
#   1. builds asbb Release with its tests (-Werror), and the .deb from that build;
#   2. installs the .deb with apt-get and checks what it installed;
#   3. starts a private MariaDB and a local SLURM cluster whose slurmctld loads
#      the installed job_submit_budget.so from SLURM's PluginDir;
#   4. checks that `asbb slurm configure` says the plugin matches;
#   5. runs the integration and e2e suites, the e2e ones against the installed
#      asbb and asbb-poller; then the e2e race again on a second local cluster
#      whose database is a 3-node Galera cluster (galera_race);
#   6. builds the other build types a packager may pick (Debug, RelWithDebInfo),
#      without the tests (ASBB_TEST_BUILD_TYPES=0 skips this).
set -euo pipefail

SERIES=${1:?usage: in-target.sh SLURM_SERIES (e.g. 24.11)}
# shellcheck source=scripts/lib/test-services.sh
source /src/scripts/lib/test-services.sh
readonly PLUGIN_DIR=/usr/lib/x86_64-linux-gnu/slurm-wlm
readonly B=/build

log "$(report_versions)"
running=$(slurmctld -V | awk '{print $2}')
[[ "$running" == "$SERIES".* ]] || {
	echo "in-target: this chroot has SLURM $running, not $SERIES" >&2
	exit 1
}

TMP=$(mktemp -d /tmp/asbb-test.XXXXXX)
chmod 0755 "$TMP"
on_exit() {
	local rc=$?
	services_stop "$TMP"
	[ $rc = 0 ] || echo "in-target: SLURM $SERIES failed (rc=$rc); logs in the chroot's $TMP" >&2
	exit $rc
}
trap on_exit EXIT

mkdir -p "$B"
asbb_build "$B/release" Release -DCMAKE_INSTALL_PREFIX=/usr -DASBB_E2E_INSTALLED=ON "${ASBB_UNITY[@]}"

log "packaging: cpack -G DEB"
(cd "$B/release" && cpack -G DEB >"$B/cpack.log" 2>&1) || {
	tail -n 30 "$B/cpack.log" >&2
	exit 1
}
deb=$(ls "$B"/release/asbb_*.deb)
log "installing $(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >"$B/apt.log" 2>&1 || {
	tail -n 30 "$B/apt.log" >&2
	exit 1
}
for f in /usr/bin/asbb /usr/sbin/asbb-poller "$PLUGIN_DIR/job_submit_budget.so" \
	/usr/share/man/man1/asbb.1 /usr/lib/systemd/system/asbb-poller.timer; do
	[ -e "$f" ] || {
		echo "in-target: the package did not install $f" >&2
		exit 1
	}
done
log "installed: $(dpkg-query -W -f='${Package} ${Version}' asbb); $(/usr/bin/asbb --version)"

services_start "$TMP" "$PLUGIN_DIR/job_submit_budget.so"
grep -qx 'JobSubmitPlugins=budget' "$ASBB_E2E_DIR/etc/slurm.conf"
[ ! -e "$ASBB_E2E_DIR/plugins/job_submit_budget.so" ] # loaded from PluginDir, not a copy

log "asbb slurm configure against the running slurmctld"
configure_out=$(
	# shellcheck source=/dev/null
	source "$ASBB_E2E_DIR/env.sh"
	/usr/bin/asbb database migrate >/dev/null
	/usr/bin/asbb slurm configure 2>&1
) || true
echo "$configure_out" | sed 's/^/    /'
grep -qE "^ok +$PLUGIN_DIR/job_submit_budget\.so is job_submit/budget for SLURM $running, the one that runs" \
	<<<"$configure_out" || {
	echo "in-target: asbb slurm configure does not say the installed plugin matches SLURM $running" >&2
	exit 1
}

log "running the integration and e2e suites (SLURM $running)"
ctest --test-dir "$B/release" --output-on-failure -j "$(nproc)" -L 'integration|e2e'
galera_race "$TMP" "$PLUGIN_DIR/job_submit_budget.so" "$B/release"

if [ "${ASBB_TEST_BUILD_TYPES:-1}" = 1 ]; then
	services_stop "$TMP"
	# Debug one file per unit (see ASBB_UNITY), RelWithDebInfo as one CI builds.
	for type in Debug RelWithDebInfo; do
		unity=()
		[ "$type" = Debug ] || unity=("${ASBB_UNITY[@]}")
		asbb_build "$B/$type" "$type" -DASBB_BUILD_TESTS=OFF "${unity[@]}" >"$B/$type.log" 2>&1 || {
			tail -n 40 "$B/$type.log" >&2
			exit 1
		}
		log "build type $type: built"
	done
fi
log "SLURM $running: all passed"
