#!/bin/bash
# install-deps.sh -- install everything asbb needs to build, test and run, from
# Debian's packages (12, 13 or sid: the names are the same), non-interactively,
# as root. A second run only checks dpkg's status and returns: it never calls
# apt-get when nothing is missing.
#
#   ASBB_DEPS=target   inside a test chroot of another Debian release
#                      (scripts/test-target.sh): what the integration and e2e
#                      suites and the .deb need, without the host's formatting,
#                      benchmark and systemd tools
#   ASBB_APT_OPTS=...  extra apt-get options (the sid chroot's Release file is
#                      served past its Valid-Until date)
set -euo pipefail

PKGS=(
	# build
	build-essential cmake pkg-config
	libmariadb-dev libcurl4-openssl-dev rapidjson-dev libcxxopts-dev zlib1g-dev
	libspdlog-dev libfmt-dev libgtest-dev libslurm-dev libmunge-dev
	# asbb service: HTTP server (Debian builds it as a library)
	libcpp-httplib-dev
	# services the tests and the demo start (privately, under a temp dir)
	mariadb-server mariadb-client munge
	slurmctld slurmd slurmdbd slurm-client
	# man page checks
	groff-base man-db
	# tools used by the test and demo scripts
	procps psmisc iproute2 passwd util-linux
	# tests/bench/service_bench.sh mints MUNGE credentials with python3 (ctypes);
	# tests/e2e/job_context_test.sh reads JSON fields with it
	python3
	# tests/e2e/service_test.sh and the service benchmark talk HTTP with curl
	curl
	# the .deb (cpack -G DEB runs dpkg-shlibdeps)
	dpkg-dev file
	# the 3-node Galera cluster of the galera tests and of the e2e race on
	# Galera (scripts/lib/galera-cluster.sh; rsync is its state transfer)
	galera-4 rsync
)
# On the test host only: formatting checks, the service benchmark's load
# generator (wrk), systemd-analyze verify of the units in etc/, and
# debootstrap for the other SLURM targets' chroots.
HOST_PKGS=(clang-format wrk systemd debootstrap time)
[ "${ASBB_DEPS:-host}" = target ] || PKGS+=("${HOST_PKGS[@]}")

[ "$(id -u)" = 0 ] || { echo "install-deps.sh: run as root" >&2; exit 1; }

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
		|| missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
# Package postinst scripts would start system-wide munge, mariadb and slurm
# services; asbb's scripts start private ones instead. A policy-rc.d that
# exits 101 forbids those starts for the duration of the install only.
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=1
fi
cleanup() { [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # ASBB_APT_OPTS is a list of options
apt-get ${ASBB_APT_OPTS:-} update -q
# shellcheck disable=SC2086
apt-get ${ASBB_APT_OPTS:-} install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
