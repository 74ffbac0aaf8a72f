#!/usr/bin/env bash
# Runs a throwaway PostgreSQL server for the IdentityPostgres and store-conformance tests.
#
#   Scripts/postgres-test-server.sh start    initdb + start on 127.0.0.1 (a free port); prints the URL
#   Scripts/postgres-test-server.sh url      prints the URL of the running server
#   Scripts/postgres-test-server.sh pause    stops the server, keeping its data (fault tests)
#   Scripts/postgres-test-server.sh resume   starts it again on the same port
#   Scripts/postgres-test-server.sh stop     stops the server and deletes its data
#
# Typical use:  export KISI_POSTGRES_URL="$(Scripts/postgres-test-server.sh start)"; swift test --package-path Server; Scripts/postgres-test-server.sh stop
#
# Needs Debian's PostgreSQL (apt-get install -y postgresql). The server never runs as root: when started by root
# it runs as the `postgres` user the package creates. Settings: KISI_POSTGRES_DIR (state directory, default
# /tmp/kisi-postgres-test), KISI_POSTGRES_BIN (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

STATE="${KISI_POSTGRES_DIR:-/tmp/kisi-postgres-test}"
BIN="${KISI_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
DB_USER=kisi
DB_NAME=kisi_test

die() { echo "postgres-test-server: $*" >&2; exit 1; }
[ -n "$BIN" ] && [ -x "$BIN/initdb" ] || die "PostgreSQL binaries not found; apt-get install -y postgresql"

# Runs a command as the unprivileged owner of the data directory.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "user 'postgres' missing (install the postgresql package)"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() { echo "postgres://$DB_USER@127.0.0.1:$(cat "$STATE/port")/$DB_NAME"; }

server_start() {
    local port fd; port="$(cat "$STATE/port")"
    # The server must not inherit the caller's descriptors beyond stdio: a parent that waits for a pipe to
    # close (Foundation's Process on Linux does) would otherwise wait for the server's lifetime.
    for fd in $(ls /proc/$$/fd); do
        [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
    done
    as_owner "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $STATE -c max_connections=200" start >/dev/null \
        || { cat "$STATE/server.log" >&2; die "the server did not start"; }
}

case "${1:-}" in
start)
    [ -f "$STATE/port" ] && die "already started in $STATE (stop it first)"
    mkdir -p "$STATE"
    [ "$(id -u)" = 0 ] && chown postgres "$STATE"
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$STATE/port"
    as_owner "$BIN/initdb" -D "$STATE/data" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
        || die "initdb failed"
    server_start
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$(cat "$STATE/port")" -U "$DB_USER" "$DB_NAME"
    url
    ;;
url) [ -f "$STATE/port" ] || die "not started"; url ;;
pause) as_owner "$BIN/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null ;;
resume) server_start ;;
stop)
    if [ -d "$STATE/data" ]; then
        as_owner "$BIN/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$STATE"
    ;;
*) die "usage: $0 start|url|pause|resume|stop" ;;
esac
