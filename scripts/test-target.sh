#!/bin/bash
# test-target.sh SLURM_SERIES -- asbb's integration and e2e suites on another
# SLURM release, inside a chroot of the Debian release that ships it (built
# with debootstrap from Debian's archive, kept under ASBB_CHROOT_DIR for the
# next run and remade whenever the scripts that make it change):
#
#   22.05  Debian 12 (bookworm)   the host's own; scripts/test.sh runs it there
#   24.11  Debian 13 (trixie)
#   26.05  Debian sid
#
# Inside, scripts/lib/in-target.sh builds, packages, installs the .deb, starts
# a real cluster on it and runs the suites. Run as root on a Debian host.
#   scripts/test-target.sh 26.05
#   ASBB_CHROOT_DIR=/var/cache/asbb-test   where the chroots live
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERIES=${1:?usage: test-target.sh 22.05|24.11|26.05}
case "$SERIES" in
22.05) SUITE=bookworm ;;
24.11) SUITE=trixie ;;
26.05) SUITE=sid ;;
*)
	echo "test-target: no Debian release ships SLURM $SERIES (22.05, 24.11, 26.05)" >&2
	exit 2
	;;
esac
[ "$(id -u)" = 0 ] || {
	echo "test-target: run as root (debootstrap, chroot)" >&2
	exit 1
}
DIR=${ASBB_CHROOT_DIR:-/var/cache/asbb-test}/$SUITE

bash "$ROOT/scripts/lib/target-chroot.sh" create "$SUITE" "$DIR"
# A fresh build tree each run: a clean checkout's build, not the last run's.
rm -rf "$DIR/build"
bash "$ROOT/scripts/lib/target-chroot.sh" run "$DIR" "$ROOT" bash /src/scripts/lib/in-target.sh "$SERIES"
