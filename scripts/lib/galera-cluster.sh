#!/bin/bash
# galera-cluster.sh DIR start|stop BASEPORT
# A throwaway 3-node MariaDB Galera cluster for the galera tests, on
# loopback only, under DIR (node1..node3, each with its own datadir, socket,
# pid file and log, run as mysql like private-mariadb.sh). Node N (1..3):
#   SQL port        BASEPORT+N-1
#   group comm.     BASEPORT+3+N-1
#   IST             BASEPORT+6+N-1
#   SST (rsync)     BASEPORT+9+N-1
# start bootstraps node 1 (--wsrep-new-cluster), joins 2 and 3 (rsync SST),
# waits until wsrep_cluster_size=3 and every node is Synced, and creates the
# TCP login the tests use: asbb_galera / galera-pass @127.0.0.1, all
# privileges. stop ends only the servers whose PID files are in DIR; safe to
# call twice.
set -euo pipefail

D=$(realpath -m "${1:?usage: galera-cluster.sh DIR start|stop BASEPORT}")
ACTION=${2:?usage: galera-cluster.sh DIR start|stop BASEPORT}
BASE=${3:-18300}
PROVIDER=/usr/lib/galera/libgalera_smm.so

die() { echo "galera-cluster: $*" >&2; exit 1; }

alive() { # N
	local pid f=$D/node$1/mariadbd.pid
	[ -s "$f" ] || return 1
	pid=$(cat "$f")
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mariadbd ] || return 1
	[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

sql() { # N STATEMENT
	mariadb --no-defaults -S "$D/node$1/mysqld.sock" -uroot -N -B -e "$2"
}

status_of() { # N VARIABLE
	sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'
}

# One node at a time: two mariadb-install-db runs at once collide on their
# temporary tables in the shared tmpdir ("Unknown table 'mysql.tmp_user_sys'",
# seen in CI), so each gets its own tmpdir and they run in turn.
install() { # N
	local n=$1 d=$D/node$1
	mkdir -p "$d/tmp"
	chown mysql:mysql "$d" "$d/tmp"
	[ -d "$d/data/mysql" ] && return 0
	mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" --tmpdir="$d/tmp" \
		--auth-root-authentication-method=socket --skip-test-db \
		>"$d/install.log" 2>&1 || { tail -20 "$d/install.log" >&2; die "mariadb-install-db failed (node $n)"; }
}

launch() { # N [EXTRA...]
	local n=$1 d=$D/node$1
	shift
	local gcomm="gcomm://127.0.0.1:$((BASE + 3)),127.0.0.1:$((BASE + 4)),127.0.0.1:$((BASE + 5))"
	setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$d/data" --tmpdir="$d/tmp" \
		--socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" \
		--port=$((BASE + n - 1)) --bind-address=127.0.0.1 \
		--innodb-buffer-pool-size=128M --innodb-log-file-size=48M \
		--innodb-flush-log-at-trx-commit=2 --max-connections=500 \
		--binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
		--wsrep-on=ON --wsrep-provider=$PROVIDER --wsrep-cluster-name=asbb-test \
		--wsrep-cluster-address="$gcomm" --wsrep-node-name="node$n" \
		--wsrep-node-address="127.0.0.1:$((BASE + 3 + n - 1))" \
		--wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$((BASE + 3 + n - 1));ist.recv_addr=127.0.0.1:$((BASE + 6 + n - 1));gcache.size=64M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S" \
		--wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$((BASE + 9 + n - 1))" \
		--wsrep-slave-threads=2 --log-bin-trust-function-creators=ON \
		"$@" >"$d/mariadbd.log" 2>&1 </dev/null &
	echo $! >"$d/mariadbd.pid"
}

wait_synced() { # N SECONDS
	local i
	for i in $(seq $(($2 * 10))); do
		[ "$(status_of "$1" wsrep_local_state_comment)" = Synced ] && return 0
		alive "$1" || { tail -30 "$D/node$1/mariadbd.log" >&2; die "node $1 exited during startup"; }
		sleep 0.1
	done
	tail -30 "$D/node$1/mariadbd.log" >&2
	die "node $1 was not Synced within $2 s"
}

start() {
	local n
	for n in 1 2 3; do alive $n && die "node $n already running under $D"; done
	mkdir -p "$D"
	chmod 0755 "$D"
	local p=$D
	while [ "$p" != / ]; do
		p=$(dirname "$p")
		[ $((0$(stat -c %a "$p") & 1)) = 1 ] || die "$p is not world-traversable (o+x)"
	done
	chown mysql:mysql "$D"
	# A fresh bootstrap every time: grastate from an earlier run would refuse it.
	rm -f "$D"/node*/data/grastate.dat "$D"/node*/data/gvwstate.dat
	for n in 1 2 3; do install $n; done
	launch 1 --wsrep-new-cluster
	wait_synced 1 30
	# The joiners receive node 1's data by SST.
	# (launch's mariadbd is a job of the shell that ran it: wait for these two only)
	local two three
	launch 2 &
	two=$!
	launch 3 &
	three=$!
	wait "$two" "$three"
	wait_synced 2 40
	wait_synced 3 40
	local size
	for n in 1 2 3; do
		size=$(status_of $n wsrep_cluster_size)
		[ "$size" = 3 ] || die "node $n sees a cluster of ${size:-?} nodes, not 3"
	done
	sql 1 "CREATE USER IF NOT EXISTS 'asbb_galera'@'127.0.0.1' IDENTIFIED BY 'galera-pass';
		GRANT ALL PRIVILEGES ON *.* TO 'asbb_galera'@'127.0.0.1' WITH GRANT OPTION"
}

stop_node() { # N
	local pid i f=$D/node$1/mariadbd.pid
	alive "$1" || { rm -f "$f"; return 0; }
	pid=$(cat "$f")
	kill -CONT "$pid" 2>/dev/null || true
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 300); do alive "$1" || break; sleep 0.1; done
	alive "$1" && kill -KILL "$pid"
	rm -f "$f"
}

stop() {
	# Joiners first, so that the last node leaves a clean state behind.
	local two three
	stop_node 3 &
	three=$!
	stop_node 2 &
	two=$!
	wait "$two" "$three"
	stop_node 1
}

case "$ACTION" in
	start) start ;;
	stop) stop ;;
	*) die "unknown action '$ACTION' (start|stop)" ;;
esac
