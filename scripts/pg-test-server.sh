#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, on a free loopback port, in a temporary folder.
#
#   eval "$(scripts/pg-test-server.sh start)"   # exports PORTWATCH_TEST_PG=postgres://...
#   scripts/pg-test-server.sh stop
#   scripts/pg-test-server.sh pause    # stops the server but keeps its data (an outage)
#   scripts/pg-test-server.sh resume   # starts it again on the same port with the same data
#
# `start` installs Debian's `postgresql` package when `initdb` is missing, runs `initdb` as the
# `postgres` user (initdb refuses root) in a new temporary folder, starts the server on
# 127.0.0.1 only (trust authentication: nothing but this machine can reach it, and no TLS is
# needed on loopback), creates the database `portwatch_test` and prints an `export` line on
# stdout; progress goes to stderr. The folder is remembered in $PG_TEST_STATE (default
# /tmp/portwatch-pg-test.state) so that `stop` finds the server and removes the folder.
set -euo pipefail

STATE="${PG_TEST_STATE:-/tmp/portwatch-pg-test.state}"

log() { echo "pg-test-server: $*" >&2; }

# The directory of the PostgreSQL server binaries, installing the package if needed.
pg_bindir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return
        fi
    done
    log "initdb not found: installing Debian's postgresql package"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    for dir in /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/initdb" ]]; then
            echo "$dir"
            return
        fi
    done
    log "postgresql was installed but no initdb was found under /usr/lib/postgresql"
    exit 1
}

# A TCP port on loopback that nothing listens on right now.
free_port() {
    local port
    for port in $(shuf -i 20000-60000 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    log "no free loopback port found"
    exit 1
}

# Runs a command as the server's owner (root runs it through runuser; anyone else as itself).
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Starts the server of folder $2 with the binaries in $1 on port $3.
run_server() {
    local bindir="$1" dir="$2" port="$3"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -k $dir -c max_connections=300" \
        start >&2 || {
        cat "$dir/server.log" >&2
        exit 1
    }
}

start() {
    if [[ -f "$STATE" ]]; then
        log "a test server is already recorded in $STATE; run '$0 stop' first"
        exit 1
    fi
    local bindir dir port user
    bindir="$(pg_bindir)"
    dir="$(mktemp -d /tmp/portwatch-pg.XXXXXX)"
    port="$(free_port)"
    user="$( [[ "$(id -u)" == 0 ]] && echo postgres || id -un )"
    [[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    # fsync stays on (the tests check durable commits); the socket lives in the folder.
    run_server "$bindir" "$dir" "$port"
    printf '%s\n%s\n%s\n' "$dir" "$bindir" "$port" >"$STATE"
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" portwatch_test
    local url="postgres://$user@127.0.0.1:$port/portwatch_test"
    log "PostgreSQL is up in $dir on 127.0.0.1:$port"
    echo "export PORTWATCH_TEST_PG=$url"
}

stop() {
    if [[ ! -f "$STATE" ]]; then
        log "no test server recorded in $STATE"
        return
    fi
    local dir bindir
    dir="$(sed -n 1p "$STATE")"
    bindir="$(sed -n 2p "$STATE")"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir" "$STATE"
    log "stopped and removed $dir"
}

# Stops the recorded server (connections are cut) and keeps its folder, for outage tests.
pause() {
    [[ -f "$STATE" ]] || { log "no test server recorded in $STATE"; exit 1; }
    as_owner "$(sed -n 2p "$STATE")/pg_ctl" -D "$(sed -n 1p "$STATE")/data" -m fast -w stop >&2
}

# Starts a paused server again, on the port it had.
resume() {
    [[ -f "$STATE" ]] || { log "no test server recorded in $STATE"; exit 1; }
    local port
    port="$(sed -n 3p "$STATE")"
    [[ -n "$port" ]] || { log "$STATE records no port (started by an older script)"; exit 1; }
    run_server "$(sed -n 2p "$STATE")" "$(sed -n 1p "$STATE")" "$port"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
pause) pause ;;
resume) resume ;;
*)
    echo "usage: $0 start|stop|pause|resume" >&2
    exit 2
    ;;
esac
