#!/bin/bash
# private-mariadb.sh DIR start|stop [PORT]
# A throwaway MariaDB server for the tests: its own datadir and Unix socket
# under DIR, TCP on 127.0.0.1:PORT only, root through the socket. It never
# touches the system's MariaDB. stop ends only the server whose PID file is in DIR.
set -euo pipefail

D=$(realpath -m "${1:?usage: private-mariadb.sh DIR start|stop [PORT]}")
ACTION=${2:?usage: private-mariadb.sh DIR start|stop [PORT]}
PORT=${3:-16906}

die() { echo "private-mariadb: $*" >&2; exit 1; }

alive() {
	local pid
	[ -s "$D/mariadbd.pid" ] || return 1
	pid=$(cat "$D/mariadbd.pid")
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mariadbd ] || return 1
	# a zombie waiting for its parent is already dead
	[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

start() {
	alive && die "already running under $D"
	mkdir -p "$D"
	chmod 0755 "$D"
	# mariadbd runs as mysql: every parent directory must let it through
	local p=$D
	while [ "$p" != / ]; do
		p=$(dirname "$p")
		[ $(( 0$(stat -c %a "$p") & 1 )) = 1 ] || die "$p is not world-traversable (o+x)"
	done
	chown mysql:mysql "$D"
	if [ ! -d "$D/data/mysql" ]; then
		mariadb-install-db --no-defaults --user=mysql --datadir="$D/data" \
			--auth-root-authentication-method=socket --skip-test-db \
			> "$D/install.log" 2>&1 || { tail -20 "$D/install.log" >&2; die "mariadb-install-db failed"; }
	fi
	setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$D/data" \
		--socket="$D/mysqld.sock" --pid-file="$D/mysqld.pid" \
		--port="$PORT" --bind-address=127.0.0.1 \
		--innodb-buffer-pool-size=256M --innodb-log-file-size=64M \
		--innodb-flush-log-at-trx-commit=2 --max-connections=500 \
		> "$D/mariadbd.log" 2>&1 < /dev/null &
	echo $! > "$D/mariadbd.pid"
	local i
	for i in $(seq 300); do
		mariadb-admin --no-defaults -S "$D/mysqld.sock" -uroot ping > /dev/null 2>&1 && break
		alive || { tail -20 "$D/mariadbd.log" >&2; die "mariadbd exited during startup"; }
		sleep 0.1
	done
	mariadb-admin --no-defaults -S "$D/mysqld.sock" -uroot ping > /dev/null 2>&1 \
		|| die "mariadbd did not answer within 30 s"
}

stop() {
	alive || { rm -f "$D/mariadbd.pid"; return 0; }
	local pid i
	pid=$(cat "$D/mariadbd.pid")
	kill -CONT "$pid" 2> /dev/null || true  # a test may have frozen it
	kill -TERM "$pid"
	for i in $(seq 300); do alive || break; sleep 0.1; done
	alive && kill -KILL "$pid"
	rm -f "$D/mariadbd.pid"
}

case "$ACTION" in
	start) start ;;
	stop) stop ;;
	*) die "unknown action '$ACTION' (start|stop)" ;;
esac
