#!/bin/bash
# local-cluster.sh -- a real SLURM cluster (22.05, 24.11 or 26.05) on this one machine, for asbb's
# end-to-end tests and demos: munged, MariaDB, slurmdbd, slurmctld and four slurmd,
# all run as root from DIR with private sockets and private ports on 127.0.0.1.
# Nothing outside DIR is touched except the demo Unix users alice, bob and carol
# (useradd -M when missing). Packages come from scripts/install-deps.sh.
#
# Usage: local-cluster.sh DIR ACTION
#   start         start every daemon (first run: create DIR, configs, DBs, accounts)
#   stop          cancel this cluster's jobs, stop every daemon started under DIR
#   status        each daemon's state and sinfo; exit 0 only when all are running
#   restart-ctld  restart slurmctld alone (to load a rebuilt job_submit plugin)
#   db-stop       stop mariadbd alone (tests of behaviour while the DB is down)
#   db-start      start mariadbd again after db-stop
#
# Knobs (environment). Name and port base are fixed at a DIR's first start and
# recorded in DIR/etc/local-cluster.conf; every later action reuses them.
#   ASBB_CLUSTER_NAME=lab   SLURM ClusterName (tables are <name>_job_table, ...)
#   ASBB_PORT_BASE=16800    every port is BASE+offset (layout below), so two
#                           clusters whose bases differ by 25 or more (37 with Galera)
#                           can run side by side
#   ASBB_PLUGIN_SO=PATH     a built job_submit_budget.so: copied to DIR/plugins and
#                           enabled with JobSubmitPlugins=budget (also for restart-ctld);
#                           the installed one (SLURM's PluginDir) is loaded from there
#   ASBB_JOB_SUBMIT=0       keep the plugin off even when ASBB_PLUGIN_SO is set
#   ASBB_SMOKE=1            after start, run one job as alice in each partition
#   ASBB_DB_GALERA=1        instead of one mariadbd, a 3-node MariaDB Galera cluster
#                           (scripts/lib/galera-cluster.sh, under DIR/galera) holds both
#                           slurmdbd's tables and asbb's: slurmdbd uses node 1, asbb.conf's
#                           DbHost lists all three. Fixed at the first start like the name.
#                           db-stop/db-start are not available on it.
#
# Ports: mariadb BASE+6, slurmctld BASE+17, SlurmdPort BASE+18, slurmdbd BASE+19,
#        slurmd loc1 BASE+21, cpu1 BASE+22, cpu2 BASE+23, gpu1 BASE+24;
#        with ASBB_DB_GALERA=1 the nodes use BASE+25..BASE+36 instead of BASE+6
#        (SQL ports BASE+25, +26, +27; see galera-cluster.sh for the rest).
# Partitions: local (loc1, default, not budgeted), aws-cpu (cpu1,cpu2), aws-gpu (gpu1, 2 fake GPUs).
# Accounts: root > physics > {proj001, proj002}; root > chem.
# Users: alice (proj001*, proj002), bob (proj002*), carol (chem*), root (root*, proj001, chem).
#
# After start: `source DIR/env.sh` (root only: it holds the DB password) sets SLURM_CONF,
# ASBB_CONF (DIR/etc/asbb.conf), ASBB_CLUSTER_DIR, ASBB_DB_* and SBATCH_OUTPUT.
# Submit as a demo user: runuser -u alice -- env SLURM_CONF=$SLURM_CONF sbatch ...
#
# Facts behind the choices below (G1..G16) are in the lab notes,
# notes/slurm-lab-findings.md, of the project's shared design material.
set -euo pipefail

readonly SLURM_LIBDIR=/usr/lib/x86_64-linux-gnu/slurm-wlm
readonly NODES=(loc1 cpu1 cpu2 gpu1)
readonly SLURM_DB=slurm_acct_db
readonly ASBB_DB=asbb
readonly ASBB_DB_USER=asbb
readonly PORT_SPAN=37 # ports used: BASE .. BASE+24, and BASE+25 .. BASE+36 with Galera
readonly GALERA_OFFSET=25
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

# ---------------------------------------------------------------- small helpers

T0=$(date +%s%N)
log() {
	local ms=$((($(date +%s%N) - T0) / 1000000))
	printf '[local-cluster +%d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"
}
warn() { echo "local-cluster: warning: $*" >&2; }
die() {
	echo "local-cluster: error: $*" >&2
	exit 1
}
usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
	exit 2
}

# node_port NODE: each slurmd listens on its own port (several slurmd on one host)
node_port() {
	local i
	for i in "${!NODES[@]}"; do
		if [ "${NODES[$i]}" = "$1" ]; then
			echo $((BASE + 21 + i))
			return 0
		fi
	done
	die "unknown node $1"
}

# ------------------------------------------------------------ settings and checks

# Paths end up unquoted in slurm.conf and in SQL, so only plain characters are allowed.
validate_dir() {
	if [ -z "$D" ] || [ "$D" = / ]; then die "DIR must not be /"; fi
	[[ "$D" =~ ^/[A-Za-z0-9._/-]+$ ]] ||
		die "DIR '$D' may contain only letters, digits and . _ / -"
}

# The settings start used live in DIR/etc/local-cluster.conf (mode 600: passwords),
# so stop, status and the partial actions need no knobs and cannot mix two clusters.
load_settings() {
	local state=$D/etc/local-cluster.conf key value
	CLUSTER='' BASE='' DB_PASS='' SLURMDB_PASS='' PLUGIN_SRC='' DATABASE=''
	if [ -f "$state" ]; then
		while IFS='=' read -r key value; do
			case "$key" in
			ClusterName) CLUSTER=$value ;;
			PortBase) BASE=$value ;;
			DbPass) DB_PASS=$value ;;
			SlurmDbPass) SLURMDB_PASS=$value ;;
			PluginSource) PLUGIN_SRC=$value ;;
			Database) DATABASE=$value ;;
			esac
		done <"$state"
		# a DIR made before Galera was an option has one mariadbd
		DATABASE=${DATABASE:-mariadb}
	fi
}

# start only. A DIR keeps the name and ports of its first start: slurmctld refuses a
# StateSaveLocation written for another ClusterName, the DB holds that cluster's
# tables, and env.sh exports ASBB_CLUSTER_NAME, so a shell that sourced another
# cluster's env.sh must not redirect this one. New DIR: the knobs decide.
apply_knobs() {
	if [ -n "$CLUSTER" ]; then
		local ignored=''
		[ "${ASBB_CLUSTER_NAME:-$CLUSTER}" = "$CLUSTER" ] || ignored+=" ASBB_CLUSTER_NAME=$ASBB_CLUSTER_NAME"
		[ "${ASBB_PORT_BASE:-$BASE}" = "$BASE" ] || ignored+=" ASBB_PORT_BASE=$ASBB_PORT_BASE"
		[ "${ASBB_DB_GALERA:-x}" = x ] || [ "$(database_of_knob)" = "$DATABASE" ] ||
			ignored+=" ASBB_DB_GALERA=$ASBB_DB_GALERA"
		[ -z "$ignored" ] ||
			warn "$D is cluster '$CLUSTER' on port base $BASE since its first start; ignoring$ignored"
	else
		CLUSTER=${ASBB_CLUSTER_NAME:-lab}
		BASE=${ASBB_PORT_BASE:-16800}
		DATABASE=$(database_of_knob)
	fi
	case "$DATABASE" in mariadb | galera) ;; *)
		die "ASBB_DB_GALERA '${ASBB_DB_GALERA:-}' must be 0 or 1"
		;;
	esac
	[[ "$CLUSTER" =~ ^[a-z][a-z0-9_]{0,39}$ ]] ||
		die "cluster name '$CLUSTER': lower-case letters, digits and _ only (it names DB tables)"
	if ! [[ "$BASE" =~ ^[0-9]+$ ]] || [ "$BASE" -lt 1024 ] || [ "$BASE" -gt $((65535 - PORT_SPAN)) ]; then
		die "ASBB_PORT_BASE '$BASE' must be a number from 1024 to $((65535 - PORT_SPAN))"
	fi
	# random once per DIR, then kept: the DB users already exist with them
	DB_PASS=${DB_PASS:-$(random_password)}
	SLURMDB_PASS=${SLURMDB_PASS:-$(random_password)}
}

database_of_knob() {
	case "${ASBB_DB_GALERA:-0}" in
	0) echo mariadb ;;
	1) echo galera ;;
	*) echo invalid ;;
	esac
}

random_password() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

save_settings() {
	(
		umask 077
		cat >"$D/etc/local-cluster.conf" <<EOF
ClusterName=$CLUSTER
PortBase=$BASE
DbPass=$DB_PASS
SlurmDbPass=$SLURMDB_PASS
PluginSource=$PLUGIN_SRC
Database=$DATABASE
EOF
	)
}

require_cluster() {
	if [ ! -f "$D/etc/local-cluster.conf" ] || [ ! -f "$D/etc/slurm.conf" ]; then
		die "no cluster under $D (run: $0 $D start)"
	fi
}

# DB_PORT and DB_SOCKET: the server slurmdbd uses and root administers
# (Galera: node 1); DB_HOSTS: the servers asbb.conf lists.
derive_ports() {
	if [ "${DATABASE:-mariadb}" = galera ]; then
		GALERA_BASE=$((BASE + GALERA_OFFSET))
		DB_PORT=$GALERA_BASE
		DB_SOCKET=$D/galera/node1/mysqld.sock
		DB_HOSTS="127.0.0.1:$GALERA_BASE,127.0.0.1:$((GALERA_BASE + 1)),127.0.0.1:$((GALERA_BASE + 2))"
	else
		DB_PORT=$((BASE + 6))
		DB_SOCKET=$D/mysql/mysqld.sock
		DB_HOSTS=127.0.0.1
	fi
	CTLD_PORT=$((BASE + 17))
	SLURMD_PORT=$((BASE + 18))
	DBD_PORT=$((BASE + 19))
}

all_ports() {
	local n
	echo "$DB_PORT" "$CTLD_PORT" "$SLURMD_PORT" "$DBD_PORT"
	for n in "${NODES[@]}"; do node_port "$n"; done
	if [ "$DATABASE" = galera ]; then seq $((GALERA_BASE + 1)) $((GALERA_BASE + 11)); fi
}

# A port taken by another cluster or service would make a daemon die later with a
# less obvious message, so check them all before anything starts.
check_ports_free() {
	local p busy=''
	for p in $(all_ports); do
		if [ -n "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then busy="$busy $p"; fi
	done
	[ -z "$busy" ] || die "ports in use:$busy (another cluster on this ASBB_PORT_BASE=$BASE?)"
}

# munged and mariadbd run as the munge and mysql users (G2): they must reach DIR.
check_parents_traversable() {
	local p=$D mode
	while [ "$p" != / ]; do
		p=$(dirname "$p")
		[ -d "$p" ] || continue # mkdir -p will create it with mode 0755
		mode=$(stat -c %a "$p")
		[ $((8#$mode & 1)) = 1 ] ||
			die "$p is not world-traversable (o+x), so the munge and mysql users cannot reach $D"
	done
}

ensure_binaries() {
	local b missing=''
	for b in munged mungekey munge unmunge mariadbd mariadb mariadb-admin mariadb-install-db \
		slurmdbd slurmctld slurmd sacctmgr sbatch sacct scontrol sinfo squeue scancel ss flock pgrep runuser; do
		command -v "$b" >/dev/null || missing="$missing $b"
	done
	[ -n "$missing" ] || return 0
	log "missing:$missing; running scripts/install-deps.sh"
	"$SCRIPT_DIR/install-deps.sh"
	for b in $missing; do command -v "$b" >/dev/null || die "$b still missing after install-deps.sh"; done
}

# One action at a time per DIR. Daemons get fd 9 closed (see launch), or they
# would hold the lock for ever.
take_lock() {
	exec 9>"$D/run/lock"
	flock -n 9 || die "another local-cluster.sh action is running on $D"
}

# ----------------------------------------------------------------- daemons by PID

pidfile() { echo "$D/run/pids/$1.pid"; }
comm_of() { echo "${1%%-*}"; } # slurmd-gpu1 runs as slurmd

# is_alive NAME: the PID in NAME's PID file exists, runs the expected program
# (PIDs get reused) and is not a zombie waiting for PID 1 to reap it (G12).
is_alive() {
	local f pid state
	f=$(pidfile "$1")
	[ -s "$f" ] || return 1
	pid=$(<"$f")
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$(comm_of "$1")" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# Daemons started by this invocation, watched by wait_for so that one dying during
# startup fails the start at once instead of after a timeout.
STARTED=()

# launch NAME CMD...: run a daemon in the foreground mode in its own session (a
# Ctrl-C or hangup of this script must not reach it), stdout/stderr to DIR/log/NAME.out
# (G3), with a clean environment so a caller's SLURM_* or ASBB_* cannot leak in.
# setsid execs in place (we are not a group leader), so $! is the daemon's PID.
launch() {
	local name=$1
	shift
	setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 SLURM_CONF="$SLURM_CONF" \
		"$@" >"$D/log/$name.out" 2>&1 </dev/null 9>&- &
	echo $! >"$(pidfile "$name")"
	STARTED+=("$name")
	wait_exec "$name" $!
}

# wait_exec NAME PID: until PID has exec'd its daemon (or died). Until then its
# comm is bash, setsid or env, and is_alive would call a daemon that is still
# starting dead: on a loaded CI machine a wait_for poll did, once, in that window.
wait_exec() {
	local want i
	want=$(comm_of "$1")
	for ((i = 0; i < 100; i++)); do
		[ -e "/proc/$2" ] || return 0
		[ "$(cat "/proc/$2/comm" 2>/dev/null)" != "$want" ] || return 0
		sleep 0.05
	done
}

log_files_of() {
	case "$1" in
	munged) echo "$D/log/munged.out $D/munge/munged.log" ;;
	mariadbd) echo "$D/log/mariadbd.out" ;;
	*) echo "$D/log/$1.out $D/log/$1.log" ;;
	esac
}

show_log_tail() {
	local f
	for f in $(log_files_of "$1"); do
		[ -s "$f" ] || continue
		echo "---- last lines of $f" >&2
		tail -n 15 "$f" >&2
	done
}

# wait_for SECONDS WHAT CMD...: poll CMD every 0.2 s; fail fast, with the log tail,
# when a daemon started by this invocation has died.
wait_for() {
	local seconds=$1 what=$2 name
	shift 2
	local end=$(($(date +%s) + seconds))
	until "$@" >/dev/null 2>&1; do
		for name in "${STARTED[@]}"; do
			if ! is_alive "$name"; then
				show_log_tail "$name"
				die "$name exited while waiting for $what"
			fi
		done
		if [ "$(date +%s)" -ge "$end" ]; then
			# alive but not answering: the newest daemon's log is the likeliest clue
			if [ ${#STARTED[@]} -gt 0 ]; then show_log_tail "${STARTED[-1]}"; fi
			die "timeout after ${seconds}s waiting for $what"
		fi
		sleep 0.2
	done
}

# stop_daemons NAME...: SIGTERM to all of them at once, then wait; SIGKILL after 15 s.
stop_daemons() {
	local name pid live=() i
	for name in "$@"; do
		if is_alive "$name"; then
			kill -TERM "$(<"$(pidfile "$name")")" 2>/dev/null || true
			live+=("$name")
		else
			rm -f "$(pidfile "$name")"
		fi
	done
	for name in "${live[@]}"; do
		pid=$(<"$(pidfile "$name")")
		for ((i = 0; i < 150; i++)); do
			is_alive "$name" || break
			sleep 0.1
		done
		if is_alive "$name"; then
			kill -KILL "$pid" 2>/dev/null || true
			log "$name ($pid) did not stop in 15 s: killed"
		else
			log "$name ($pid) stopped"
		fi
		rm -f "$(pidfile "$name")"
	done
}

# ---------------------------------------------------------------- configuration

# choose_plugin fresh|keep: decide JobSubmitPlugins from the environment; with
# keep (restart-ctld) an unset ASBB_PLUGIN_SO means the plugin recorded before,
# re-copied so that a rebuilt .so is loaded. Sets PLUGIN_SRC; empty means off.
choose_plugin() {
	local keep_recorded=$1
	if [ "${ASBB_JOB_SUBMIT:-1}" = 0 ]; then
		PLUGIN_SRC=''
	elif [ -n "${ASBB_PLUGIN_SO:-}" ]; then
		PLUGIN_SRC=$(realpath -m "$ASBB_PLUGIN_SO")
	elif [ "$keep_recorded" != keep ]; then
		PLUGIN_SRC=''
	fi
	if [ -n "$PLUGIN_SRC" ]; then
		# a missing plugin would make slurmctld fatal at startup: say so before that
		[ -f "$PLUGIN_SRC" ] || die "job_submit plugin $PLUGIN_SRC does not exist (ASBB_PLUGIN_SO)"
		[[ "$PLUGIN_SRC" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "plugin path '$PLUGIN_SRC' has unusual characters"
	fi
}

# Copy the plugin (a rebuilt .so replaces the old one; G10: slurmctld must restart
# to load it) and set the JobSubmitPlugins line of slurm.conf accordingly.
install_plugin() {
	local line
	if [ "$PLUGIN_SRC" = "$SLURM_LIBDIR/job_submit_budget.so" ]; then
		# the installed plugin (the .deb's): slurmctld loads it from SLURM's own
		# PluginDir, the second entry of PluginDir, exactly as a site's would
		rm -f "$D/plugins/job_submit_budget.so"
		line='JobSubmitPlugins=budget'
	elif [ -n "$PLUGIN_SRC" ]; then
		install -m 0755 "$PLUGIN_SRC" "$D/plugins/job_submit_budget.so.new"
		mv -f "$D/plugins/job_submit_budget.so.new" "$D/plugins/job_submit_budget.so"
		line='JobSubmitPlugins=budget'
	else
		rm -f "$D/plugins/job_submit_budget.so"
		# G9: "JobSubmitPlugins=" with an empty value breaks every client; comment it out
		line='#JobSubmitPlugins=budget'
	fi
	sed -i "s|^#\{0,1\}JobSubmitPlugins=.*|$line|" "$D/etc/slurm.conf"
}

write_slurm_conf() {
	local host n
	host=$(uname -n | cut -d. -f1)
	{
		cat <<EOF
# slurm.conf of the local asbb test cluster '$CLUSTER', written by scripts/local-cluster.sh.
ClusterName=$CLUSTER
SlurmctldHost=$host(127.0.0.1)
# a lab: every daemon runs as root, so no slurm user needs access to DIR
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/spool/ctld
SlurmdSpoolDir=$D/spool/d/%n
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd-%n.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
# DIR/plugins first: it holds job_submit_budget.so when the plugin is enabled
PluginDir=$D/plugins:$SLURM_LIBDIR
# the next line is JobSubmitPlugins=budget only when ASBB_PLUGIN_SO is given (never empty: G9)
#JobSubmitPlugins=budget
# no cgroups here: processes tracked by parent PID, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
# G7: the default MailProg does not exist here
MailProg=/bin/true
# a node that was DOWN comes back as soon as its slurmd registers again
ReturnToService=2
# let the fake CPU and memory counts below stand (this VM has fewer cores)
SlurmdParameters=config_overrides
# finished jobs stay visible in squeue/scontrol for 5 minutes
MinJobAge=300
GresTypes=gpu
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
# G1: with auth/munge this names the munge socket for the slurmdbd connection,
# which ignores AuthInfo above
AccountingStoragePass=$D/munge/munge.socket
# jobs need an association (G16); limits and QOS are enforced as in production
AccountingStorageEnforce=associations,limits,qos
AccountingStorageTRES=gres/gpu
# otherwise a job's --comment never reaches the DB
AccountingStoreFlags=job_comment
JobCompType=jobcomp/none
# PrivateData stays unset on purpose: every user sees every job and association
EOF
		# several slurmd on one host: same address, one port each (slurmd -N NAME)
		for n in "${NODES[@]}"; do
			case "$n" in
			gpu1) printf 'NodeName=%s NodeHostname=%s NodeAddr=127.0.0.1 Port=%s CPUs=8 RealMemory=8000 Gres=gpu:2 State=UNKNOWN\n' \
				"$n" "$host" "$(node_port "$n")" ;;
			*) printf 'NodeName=%s NodeHostname=%s NodeAddr=127.0.0.1 Port=%s CPUs=4 RealMemory=4000 State=UNKNOWN\n' \
				"$n" "$host" "$(node_port "$n")" ;;
			esac
		done
		cat <<EOF
# 'local' is not budgeted; the aws-* partitions are what job_submit/budget charges
PartitionName=local Nodes=loc1 Default=YES MaxTime=INFINITE State=UP
PartitionName=aws-cpu Nodes=cpu1,cpu2 DefaultTime=01:00:00 MaxTime=1-00:00:00 State=UP
PartitionName=aws-gpu Nodes=gpu1 DefaultTime=01:00:00 MaxTime=1-00:00:00 State=UP TRESBillingWeights=CPU=1.0,GRES/gpu=4.0
EOF
	} >"$D/etc/slurm.conf"
	# G6: GPUs need device files; char devices with /dev/null's numbers keep slurmd quiet
	echo "NodeName=gpu1 Name=gpu File=$D/dev/fakegpu[0-1]" >"$D/etc/gres.conf"
	write_cgroup_conf
}

# slurmd from 24.11 on initialises a cgroup plugin at startup even with
# proctrack/linuxproc and task/none, and fails in a chroot or container without
# a writable cgroup tree; CgroupPlugin=disabled (unknown to 22.05) turns that off.
write_cgroup_conf() {
	local version major
	version=$(slurmd -V | awk '{print $2}')
	major=${version%%.*}
	if [ "${major:-0}" -ge 24 ]; then
		echo "CgroupPlugin=disabled" >"$D/etc/cgroup.conf"
	else
		rm -f "$D/etc/cgroup.conf"
	fi
}

write_slurmdbd_conf() {
	(
		# G5: slurmdbd refuses a slurmdbd.conf readable by group or others
		umask 077
		cat >"$D/etc/slurmdbd.conf" <<EOF
# slurmdbd.conf of the local asbb test cluster '$CLUSTER', written by scripts/local-cluster.sh.
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
DebugLevel=info
LogFile=$D/log/slurmdbd.log
PidFile=$D/run/slurmdbd.pid
PluginDir=$SLURM_LIBDIR
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$SLURMDB_PASS
StorageLoc=$SLURM_DB
EOF
	)
	chmod 600 "$D/etc/slurmdbd.conf"
}

# asbb.conf: asbb refuses it unless it is mode 600/640 and owned by root or SlurmUser.
write_asbb_conf() {
	(
		umask 077
		cat >"$D/etc/asbb.conf" <<EOF
# asbb.conf for the local test cluster '$CLUSTER', written by scripts/local-cluster.sh.
$([ "$DATABASE" = galera ] || echo "DbSocket=$DB_SOCKET")
DbPort=$DB_PORT
DbHost=$DB_HOSTS
DbUser=$ASBB_DB_USER
DbPass=$DB_PASS
DbName=$ASBB_DB
SlurmDbName=$SLURM_DB
ClusterName=$CLUSTER
SlurmUser=root
SpoolDir=$D/spool/asbb
BudgetedPartitions=aws-cpu,aws-gpu
# FailPolicy and PluginDeadline may be appended by tests
FailPolicy=${ASBB_FAIL_POLICY:-closed}
EOF
	)
	chown root:root "$D/etc/asbb.conf"
	chmod 600 "$D/etc/asbb.conf"
}

# env.sh holds the DB password too, so it is root's only (others need just SLURM_CONF).
write_env_sh() {
	(
		umask 077
		cat >"$D/env.sh" <<EOF
# source me (as root): the local asbb test cluster '$CLUSTER' under $D
export SLURM_CONF=$D/etc/slurm.conf
export ASBB_CONF=$D/etc/asbb.conf
export ASBB_CLUSTER_DIR=$D
export ASBB_CLUSTER_NAME=$CLUSTER
export ASBB_MUNGE_SOCKET=$D/munge/munge.socket
export ASBB_DB_HOST=127.0.0.1
export ASBB_DB_PORT=$DB_PORT
export ASBB_DB_SOCKET=$DB_SOCKET
export ASBB_DB_HOSTS=$DB_HOSTS
export ASBB_DB_KIND=$DATABASE
export ASBB_DB_USER=$ASBB_DB_USER
export ASBB_DB_PASS=$DB_PASS
export ASBB_DB_NAME=$ASBB_DB
export ASBB_SLURM_DB_NAME=$SLURM_DB
# job output lands in DIR/jobs (mode 1777), whatever the submitter's cwd
export SBATCH_OUTPUT=$D/jobs/slurm-%j.out
# MariaDB as root: mariadb --no-defaults -S \$ASBB_DB_SOCKET -uroot
EOF
	)
}

make_fake_gpus() {
	local i
	for i in 0 1; do
		[ -e "$D/dev/fakegpu$i" ] && continue
		# a plain file also works, but then slurmd logs "not a valid character or block device"
		mknod "$D/dev/fakegpu$i" c 1 3 2>/dev/null || touch "$D/dev/fakegpu$i"
	done
}

make_dirs() {
	mkdir -p "$D"/{etc,log,run/pids,munge,mysql,spool/ctld,spool/d,spool/asbb,plugins,jobs,dev}
	chmod 0755 "$D" "$D/etc"
	chmod 0700 "$D/spool/asbb"
	chmod 1777 "$D/jobs" # G14: every demo user writes its job output here
	local n
	for n in "${NODES[@]}"; do mkdir -p "$D/spool/d/$n"; done
}

# --------------------------------------------------------------------- starting

start_munged() {
	chown munge:munge "$D/munge"
	chmod 0755 "$D/munge" # G2: munged wants the socket directory traversable by all
	if [ ! -s "$D/etc/munge.key" ]; then
		mungekey --create --keyfile="$D/etc/munge.key" 2>/dev/null ||
			dd if=/dev/urandom of="$D/etc/munge.key" bs=1024 count=1 status=none
	fi
	chown munge:munge "$D/etc/munge.key"
	chmod 0600 "$D/etc/munge.key"
	rm -f "$D/munge/munged.pid"
	# munged daemonizes itself; its own PID file tells us the daemon's PID
	runuser -u munge -- /usr/sbin/munged --socket="$D/munge/munge.socket" \
		--key-file="$D/etc/munge.key" --pid-file="$D/munge/munged.pid" \
		--log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed" \
		>"$D/log/munged.out" 2>&1 </dev/null 9>&- ||
		{
			show_log_tail munged
			die "munged did not start"
		}
	cp "$D/munge/munged.pid" "$(pidfile munged)"
	STARTED+=(munged)
	wait_for 10 "munged to answer" munge_works
	log "munged up (pid $(<"$(pidfile munged)"), socket $D/munge/munge.socket)"
}

munge_works() { munge -n -S "$D/munge/munge.socket" | unmunge -S "$D/munge/munge.socket"; }

# root logs in through the unix socket (unix_socket auth), no password
db_root() { mariadb --no-defaults -S "$DB_SOCKET" -uroot; }
db_ping() { mariadb-admin --no-defaults -S "$DB_SOCKET" -uroot ping; }

start_database() {
	if [ "$DATABASE" = galera ]; then
		log "starting a 3-node Galera cluster under $D/galera (SQL ports $DB_HOSTS)"
		# 9>&-: the nodes must not inherit (and keep) this script's lock
		bash "$SCRIPT_DIR/lib/galera-cluster.sh" "$D/galera" start "$GALERA_BASE" \
			>"$D/log/galera-cluster.log" 2>&1 9>&- || {
			tail -n 30 "$D/log/galera-cluster.log" >&2
			die "the Galera cluster did not start (see $D/log/galera-cluster.log)"
		}
		log "Galera cluster up (3 nodes synced; slurmdbd uses node 1, socket $DB_SOCKET)"
	else
		start_mariadb
	fi
}

stop_database() {
	if [ "$DATABASE" = galera ]; then
		bash "$SCRIPT_DIR/lib/galera-cluster.sh" "$D/galera" stop >/dev/null 2>&1 ||
			warn "galera-cluster.sh stop failed"
	else
		stop_daemons mariadbd
	fi
}

refuse_on_galera() {
	[ "$DATABASE" != galera ] ||
		die "$1 works on a single mariadbd only; this cluster's database is Galera (stop a node with kill)"
}

start_mariadb() {
	chown mysql:mysql "$D/mysql"
	if [ ! -d "$D/mysql/data/mysql" ]; then
		# root logs in through the unix socket only: no root password to keep
		mariadb-install-db --no-defaults --user=mysql --datadir="$D/mysql/data" \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$D/log/mariadb-install-db.log" 2>&1 ||
			die "mariadb-install-db failed (see $D/log/mariadb-install-db.log)"
	fi
	# G4: slurmdbd warns unless the buffer pool, log file and lock wait are this large
	launch mariadbd /usr/sbin/mariadbd --no-defaults --user=mysql \
		--datadir="$D/mysql/data" --socket="$D/mysql/mysqld.sock" \
		--pid-file="$D/mysql/mysqld.pid" --port="$DB_PORT" --bind-address=127.0.0.1 \
		--innodb-buffer-pool-size=512M --innodb-log-file-size=64M \
		--innodb-lock-wait-timeout=900 --max-allowed-packet=64M
	wait_for 60 "mariadbd to answer" db_ping
	log "mariadbd up (pid $(<"$(pidfile mariadbd)"), 127.0.0.1:$DB_PORT, socket $D/mysql/mysqld.sock)"
}

# Idempotent: a restart re-applies it; ALTER USER keeps passwords equal to the conf files.
setup_databases() {
	local host
	{
		echo "CREATE DATABASE IF NOT EXISTS \`$SLURM_DB\`;"
		echo "CREATE DATABASE IF NOT EXISTS \`$ASBB_DB\` CHARACTER SET utf8mb4;"
		for host in localhost 127.0.0.1; do
			cat <<EOF
CREATE USER IF NOT EXISTS 'slurm'@'$host' IDENTIFIED BY '$SLURMDB_PASS';
ALTER USER 'slurm'@'$host' IDENTIFIED BY '$SLURMDB_PASS';
GRANT ALL ON \`$SLURM_DB\`.* TO 'slurm'@'$host';
CREATE USER IF NOT EXISTS '$ASBB_DB_USER'@'$host' IDENTIFIED BY '$DB_PASS';
ALTER USER '$ASBB_DB_USER'@'$host' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON \`$ASBB_DB\`.* TO '$ASBB_DB_USER'@'$host';
GRANT SELECT ON \`$SLURM_DB\`.* TO '$ASBB_DB_USER'@'$host';
EOF
		done
	} | db_root
}

start_slurmdbd() {
	launch slurmdbd /usr/sbin/slurmdbd -D
	wait_for 60 "slurmdbd to answer" sacctmgr -n list cluster
	log "slurmdbd up (pid $(<"$(pidfile slurmdbd)"), port $DBD_PORT)"
}

ctld_up() { scontrol ping | grep -q 'is UP'; }

start_slurmctld() {
	# -i: on the first start there are no state files yet.
	# ASBB_CONF tells job_submit/budget, inside slurmctld, where this cluster's config is.
	launch slurmctld env ASBB_CONF="$D/etc/asbb.conf" /usr/sbin/slurmctld -D -i
	wait_for 60 "slurmctld to answer" ctld_up
	log "slurmctld up (pid $(<"$(pidfile slurmctld)"), port $CTLD_PORT, plugin ${PLUGIN_SRC:-off})"
}

start_slurmds() {
	local n
	for n in "${NODES[@]}"; do
		launch "slurmd-$n" /usr/sbin/slurmd -D -N "$n"
	done
}

nodes_ready() {
	local states
	states=$(sinfo -h -N -o '%t' | sort -u)
	[ -n "$states" ] && ! grep -qvxE 'idle|mix|alloc|comp' <<<"$states"
}

wait_nodes_ready() {
	wait_for 60 "all nodes to be idle" nodes_ready
	log "slurmd up: $(for n in "${NODES[@]}"; do printf '%s=%s ' "$n" "$(<"$(pidfile "slurmd-$n")")"; done)"
}

ensure_unix_users() {
	local u
	for u in alice bob carol; do
		id "$u" >/dev/null 2>&1 || useradd -M -s /bin/bash "$u"
	done
}

# The cluster and the demo tree in sacctmgr's dump format. One `sacctmgr load`
# creates it all in about 1.5 s (one `sacctmgr add` per item took 0.5 s each), adds
# only what is missing on a restart, and must run before slurmctld starts: slurmctld
# registers with slurmdbd only for a cluster that exists there.
write_accounts_file() {
	cat >"$D/etc/accounts.cfg" <<EOF
Cluster - '$CLUSTER'
Parent - 'root'
Account - 'physics':Description='physics':Organization='physics'
Account - 'chem':Description='chemistry':Organization='chem'
Parent - 'physics'
Account - 'proj001':Description='project 001':Organization='physics'
Account - 'proj002':Description='project 002':Organization='physics'
Parent - 'proj001'
User - 'alice':DefaultAccount='proj001'
User - 'root':DefaultAccount='root'
Parent - 'proj002'
User - 'alice':DefaultAccount='proj001'
User - 'bob':DefaultAccount='proj002'
Parent - 'chem'
User - 'carol':DefaultAccount='chem'
User - 'root':DefaultAccount='root'
EOF
}

load_accounts() {
	sacctmgr -i load file="$D/etc/accounts.cfg" >"$D/log/sacctmgr-load.out" 2>&1 || {
		tail -n 15 "$D/log/sacctmgr-load.out" >&2
		die "sacctmgr load of $D/etc/accounts.cfg failed"
	}
	log "cluster '$CLUSTER' and accounts: root > physics > {proj001, proj002}; root > chem"
}

job_state() { sacct -n -X -P -j "$1" -o state 2>/dev/null | head -n 1; }
job_finished() {
	case "$(job_state "$1")" in
	'' | PENDING | RUNNING | COMPLETING | REQUEUED | RESIZING | SUSPENDED) return 1 ;;
	*) return 0 ;;
	esac
}

# G13: sbatch --wait polls slowly, so poll sacct instead.
smoke_test() {
	local part job jobs=() opts
	for part in local aws-cpu aws-gpu; do
		case "$part" in
		aws-cpu) opts=(-N 2) ;;
		aws-gpu) opts=(--gres=gpu:1) ;;
		*) opts=() ;;
		esac
		job=$(cd "$D/jobs" && runuser -u alice -- env SLURM_CONF="$SLURM_CONF" sbatch --parsable \
			-p "$part" -t 1 "${opts[@]}" -o "$D/jobs/smoke-%j.out" --wrap 'hostname') ||
			die "smoke: sbatch as alice to $part failed"
		jobs+=("${job%%;*}")
	done
	for job in "${jobs[@]}"; do
		wait_for 60 "smoke job $job" job_finished "$job"
		[ "$(job_state "$job")" = COMPLETED ] || die "smoke job $job ended $(job_state "$job")"
	done
	log "smoke: alice's jobs ${jobs[*]} (local, aws-cpu -N2, aws-gpu gpu:1) COMPLETED"
}

any_alive() {
	local f name
	for f in "$D"/run/pids/*.pid; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .pid)
		if is_alive "$name"; then echo "$name"; fi
	done
}

on_start_exit() {
	local rc=$?
	[ "$rc" = 0 ] && return 0
	echo "local-cluster: start failed (rc=$rc); stopping what this start began" >&2
	stop_all || true
}

die_if_running() {
	local running
	running=$(any_alive | tr '\n' ' ')
	[ -z "$running" ] || die "already running under $D: $running(run: $0 $D stop)"
}

do_start() {
	ensure_binaries
	# every check that can fail comes before DIR is created or changed
	load_settings
	apply_knobs
	derive_ports
	choose_plugin fresh
	check_parents_traversable
	die_if_running
	check_ports_free
	make_dirs
	take_lock
	die_if_running # again, now under the lock
	# from here on, a failure stops whatever this start had begun
	trap on_start_exit EXIT
	save_settings
	write_slurm_conf
	install_plugin
	write_slurmdbd_conf
	write_asbb_conf
	write_env_sh
	write_accounts_file
	make_fake_gpus
	ensure_unix_users
	start_munged
	start_database
	setup_databases
	start_slurmdbd
	load_accounts
	start_slurmctld
	start_slurmds
	wait_nodes_ready
	if [ "${ASBB_SMOKE:-0}" = 1 ]; then smoke_test; fi
	trap - EXIT
	log "cluster '$CLUSTER' is up under $D (ports $BASE+6..$BASE+24); source $D/env.sh"
}

# --------------------------------------------------------------------- stopping

# Jobs left running would keep their slurmstepd (and the job's processes) alive
# after slurmd is gone, so cancel them and wait until slurmctld has none left.
cancel_jobs() {
	is_alive slurmctld || return 0
	local jobs i
	jobs=$(timeout 10 squeue -h -o %A 2>/dev/null || true)
	[ -n "$jobs" ] || return 0
	log "cancelling jobs: $(echo "$jobs" | tr '\n' ' ')"
	echo "$jobs" | xargs -r timeout 10 scancel 2>/dev/null || true
	for ((i = 0; i < 75; i++)); do
		[ -z "$(timeout 10 squeue -h -t PD,R,CG,S -o %A 2>/dev/null || true)" ] && return 0
		sleep 0.2
	done
	warn "jobs still present after 15 s: $(timeout 10 squeue -h -o '%A %T' | tr '\n' ' ')"
}

# slurmstepd of this cluster (found by our SLURM_CONF in its environment, which it
# inherits from our slurmd) that outlived its slurmd: end them too.
stop_leftover_stepds() {
	local pid
	# pgrep only finds candidates (one fork instead of one per process); the
	# environment check decides which of them belong to this cluster
	for pid in $(pgrep -x slurmstepd || true); do
		tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "SLURM_CONF=$SLURM_CONF" || continue
		warn "slurmstepd $pid of this cluster outlived its slurmd; sending SIGTERM"
		kill -TERM "$pid" 2>/dev/null || true
	done
}

stop_all() {
	local n slurmds=()
	cancel_jobs
	for n in "${NODES[@]}"; do slurmds+=("slurmd-$n"); done
	stop_daemons "${slurmds[@]}"
	stop_leftover_stepds
	# slurmctld sends its last records to slurmdbd, which needs the DB: stop in this order
	stop_daemons slurmctld
	stop_daemons slurmdbd
	stop_database
	stop_daemons munged
}

do_stop() {
	[ -d "$D/run/pids" ] || {
		log "nothing to stop under $D"
		return 0
	}
	take_lock
	load_settings
	derive_ports
	stop_all
	log "stopped everything under $D"
}

# ----------------------------------------------------------- status and partials

do_status() {
	require_cluster
	load_settings
	derive_ports
	local name n all_up=0 pid
	echo "cluster '$CLUSTER' under $D (port base $BASE, plugin ${PLUGIN_SRC:-off})"
	local daemons=(munged mariadbd slurmdbd slurmctld)
	[ "$DATABASE" = galera ] && daemons=(munged slurmdbd slurmctld)
	for name in "${daemons[@]}" $(for n in "${NODES[@]}"; do echo "slurmd-$n"; done); do
		if is_alive "$name"; then
			pid=$(<"$(pidfile "$name")")
			printf '  %-12s running  pid %s\n' "$name" "$pid"
		else
			printf '  %-12s stopped\n' "$name"
			all_up=1
		fi
	done
	if [ "$DATABASE" = galera ]; then
		for n in 1 2 3; do
			if mariadb-admin --no-defaults -S "$D/galera/node$n/mysqld.sock" -uroot ping >/dev/null 2>&1; then
				printf '  %-12s running  127.0.0.1:%s\n' "galera-$n" $((GALERA_BASE + n - 1))
			else
				printf '  %-12s stopped\n' "galera-$n"
				all_up=1
			fi
		done
	fi
	echo "  ports: mariadb $DB_PORT, slurmctld $CTLD_PORT, slurmdbd $DBD_PORT, slurmd" \
		"$(for n in "${NODES[@]}"; do printf '%s:%s ' "$n" "$(node_port "$n")"; done)"
	if is_alive slurmctld; then timeout 10 sinfo || all_up=1; fi
	return $all_up
}

do_restart_ctld() {
	require_cluster
	take_lock
	load_settings
	derive_ports
	is_alive slurmdbd || die "slurmdbd is not running under $D (run: $0 $D start)"
	choose_plugin keep
	install_plugin
	save_settings
	stop_daemons slurmctld
	start_slurmctld
	# Restored nodes stay 'unknown' for about 4 s until slurmctld asks the slurmd to
	# register; a reconfigure makes them register at once. It does not re-init the
	# job_submit plugin: JobSubmitPlugins did not change since this start (G10).
	scontrol reconfigure >/dev/null || warn "scontrol reconfigure failed"
	# running jobs survive the restart; wait until every node is usable again
	wait_nodes_ready
}

do_db_stop() {
	require_cluster
	take_lock
	load_settings
	refuse_on_galera db-stop
	stop_daemons mariadbd
}

do_db_start() {
	require_cluster
	take_lock
	load_settings
	derive_ports
	refuse_on_galera db-start
	if is_alive mariadbd; then
		log "mariadbd is already running"
		return 0
	fi
	start_mariadb
}

# ------------------------------------------------------------------------- main

main() {
	[ $# = 2 ] || usage
	D=$(realpath -m "$1")
	validate_dir
	export SLURM_CONF=$D/etc/slurm.conf # every SLURM client below talks to this cluster
	case "$2" in
	status) ;;
	start | stop | restart-ctld | db-stop | db-start)
		[ "$(id -u)" = 0 ] || die "run as root"
		;;
	*) usage ;;
	esac
	case "$2" in
	start) do_start ;;
	stop) do_stop ;;
	status) do_status ;;
	restart-ctld) do_restart_ctld ;;
	db-stop) do_db_stop ;;
	db-start) do_db_start ;;
	esac
}

main "$@"
