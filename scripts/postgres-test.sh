#!/usr/bin/env bash
# postgres-test.sh COMMAND [ARGS...]
#
# Runs COMMAND with GOGNITO_TEST_POSTGRES set to the DSN of a private,
# throw-away PostgreSQL cluster: installed from Debian's packages if its
# server binaries are missing, created in a temporary directory, listening on
# a free loopback port (and a unix socket in that directory), stopped and
# removed when COMMAND ends. Example:
#
#   scripts/postgres-test.sh go test -count=1 ./internal/store/postgres
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 COMMAND [ARGS...]" >&2
	exit 2
fi

log() { echo "postgres-test: $*" >&2; }

# find_bin locates initdb/pg_ctl: PATH, else the newest Debian install.
find_bin() {
	local d
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(readlink -f "$(command -v initdb)")"
		return 0
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

if ! PGBIN=$(find_bin); then
	log "PostgreSQL server not found; installing it with apt-get"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	timeout 600 $SUDO apt-get update -qq
	# The server matching the installed client if there is one, else Debian's default.
	pkg=postgresql
	if command -v psql >/dev/null 2>&1; then
		v=$(psql --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
		if apt-cache show "postgresql-$v" >/dev/null 2>&1; then pkg="postgresql-$v"; fi
	fi
	timeout 900 $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >&2
	PGBIN=$(find_bin) || { log "no initdb/pg_ctl after installing $pkg"; exit 1; }
fi
log "using $PGBIN"

# The cluster must not belong to root: initdb refuses to run as root.
RUNAS=()
DIR=$(mktemp -d "${TMPDIR:-/tmp}/gognito-pg.XXXXXX")
if [ "$(id -u)" -eq 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin postgres
	fi
	chown postgres: "$DIR"
	chmod 700 "$DIR"
	RUNAS=(runuser -u postgres --)
fi
DATA="$DIR/data"

cleanup() {
	local rc=$?
	if [ -f "$DATA/postmaster.pid" ]; then
		"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
	fi
	rm -rf "$DIR"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port asks the kernel for an unused loopback port.
free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
	else
		echo $((20000 + RANDOM % 40000))
	fi
}

"${RUNAS[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 ||
	"${RUNAS[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 ||
	{ cat "$DIR/initdb.log" >&2; exit 1; }

started=""
for attempt in 1 2 3 4 5; do
	PORT=$(free_port)
	if "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null; then
		started=1
		break
	fi
	log "start on port $PORT failed (attempt $attempt)"
done
if [ -z "$started" ]; then
	cat "$DIR/postgres.log" >&2 || true
	exit 1
fi

"${RUNAS[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt \
	-c "CREATE DATABASE gognito_test ENCODING 'UTF8' TEMPLATE template0" >/dev/null

export GOGNITO_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PORT/gognito_test?sslmode=disable"
log "PostgreSQL on 127.0.0.1:$PORT ($GOGNITO_TEST_POSTGRES)"
set +e
"$@"
rc=$?
set -e
exit $rc
