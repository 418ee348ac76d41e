#!/bin/bash
# target-chroot.sh -- a Debian release of another SLURM version in a chroot, for
# asbb's tests on that version (scripts/test-target.sh).
#
#   target-chroot.sh create SUITE DIR   debootstrap SUITE (trixie, sid, ...) into DIR
#                                       and install what the tests need (install-deps.sh
#                                       with ASBB_DEPS=target). A DIR made by the same
#                                       scripts is reused: its stamp is a hash of them.
#   target-chroot.sh run DIR SRC CMD... run CMD inside DIR, with SRC (the source tree)
#                                       bind-mounted read-only at /src, in a private
#                                       mount and PID namespace: when CMD ends, every
#                                       daemon it started ends with it and every mount
#                                       goes away, whatever way CMD ended.
#
# Everything comes from Debian's archive. sid's Release file is served past its
# Valid-Until date here, so apt inside a sid chroot skips that check.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly MIRROR=${ASBB_DEBIAN_MIRROR:-http://deb.debian.org/debian}

die() {
	echo "target-chroot: $*" >&2
	exit 1
}
log() { printf '[target-chroot %s] %s\n' "$(date +%T)" "$*"; }

apt_opts_for() { [ "$1" = sid ] && echo "-o Acquire::Check-Valid-Until=false" || true; }

# What the chroot's contents depend on: these scripts and the package list.
stamp_of() {
	cat "$SCRIPT_DIR/target-chroot.sh" "$SCRIPT_DIR/../install-deps.sh" | sha256sum | cut -c1-16
}

do_create() {
	local suite=$1 dir=$2 stamp
	[[ "$suite" =~ ^[a-z]+$ ]] || die "suite '$suite' is not a Debian suite name"
	[[ "$dir" =~ ^/[A-Za-z0-9._/-]+$ ]] && [ "$dir" != / ] || die "DIR '$dir' is not a plain absolute path"
	stamp="$suite $(stamp_of)"
	if [ "$(cat "$dir/.asbb-chroot" 2>/dev/null)" = "$stamp" ]; then
		log "$dir: $suite chroot already made by these scripts"
		return 0
	fi
	command -v debootstrap >/dev/null || die "debootstrap missing (scripts/install-deps.sh installs it)"
	log "debootstrap $suite into $dir"
	rm -rf --one-file-system "$dir"
	mkdir -p "$dir"
	debootstrap --variant=minbase "$suite" "$dir" "$MIRROR" >"$dir.debootstrap.log" 2>&1 ||
		{
			tail -n 20 "$dir.debootstrap.log" >&2
			die "debootstrap $suite failed (log: $dir.debootstrap.log)"
		}
	install -m 0755 "$SCRIPT_DIR/../install-deps.sh" "$dir/root/install-deps.sh"
	log "installing the test packages in the $suite chroot"
	in_namespace "$dir" "" env ASBB_DEPS=target ASBB_APT_OPTS="$(apt_opts_for "$suite")" \
		bash /root/install-deps.sh >"$dir.install.log" 2>&1 ||
		{
			tail -n 20 "$dir.install.log" >&2
			die "installing packages in the $suite chroot failed (log: $dir.install.log)"
		}
	echo "$stamp" >"$dir/.asbb-chroot"
	log "$suite chroot ready in $dir"
}

# in_namespace DIR SRC CMD...: CMD in DIR with /proc, /sys, /dev and SRC mounted,
# in new mount and PID namespaces (unshare), so nothing outlives CMD.
in_namespace() {
	local dir=$1 src=$2
	shift 2
	unshare --mount --propagation private --pid --fork -- \
		bash "$SCRIPT_DIR/target-chroot.sh" __enter "$dir" "$src" "$@"
}

# Runs as PID 1 of the new namespace: mounts, then CMD as its child (so that
# PID 1 stays a shell that reaps orphaned daemons).
do_enter() {
	local dir=$1 src=$2 rc=0
	shift 2
	mount -t proc proc "$dir/proc"
	mount -t sysfs -o ro sysfs "$dir/sys"
	mount --rbind /dev "$dir/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$dir/dev/shm"
	[ -e /etc/resolv.conf ] && cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
	if [ -n "$src" ]; then
		mkdir -p "$dir/src"
		mount --bind "$src" "$dir/src"
		mount -o remount,bind,ro "$dir/src"
	fi
	chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
		ASBB_TEST_TARGET_ENV="${ASBB_TEST_TARGET_ENV:-}" "$@" || rc=$?
	return $rc
}

case "${1:-}" in
create)
	[ $# = 3 ] || die "usage: target-chroot.sh create SUITE DIR"
	do_create "$2" "$3"
	;;
run)
	[ $# -ge 4 ] || die "usage: target-chroot.sh run DIR SRC CMD..."
	dir=$2 src=$3
	shift 3
	[ -f "$dir/.asbb-chroot" ] || die "$dir is not a chroot made by target-chroot.sh create"
	in_namespace "$dir" "$src" "$@"
	;;
__enter)
	shift
	do_enter "$@"
	;;
*) die "usage: target-chroot.sh create SUITE DIR | run DIR SRC CMD..." ;;
esac
