#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs Debian's PostgreSQL server on loopback for the outbox's tests and benchmarks, in a
# cluster of its own (initdb in a temp dir), like nats-server.sh runs a broker.
#   scripts/postgres.sh start              prints the run dir (last line)
#   scripts/postgres.sh stop DIR | kill DIR | restart DIR
# The run dir holds `env` (EVENTBUS_POSTGRES_URL, EVENTBUS_POSTGRES_PID, EVENTBUS_POSTGRES_DIR),
# the server's log and its data. The server trusts connections from loopback only, as the
# superuser `eventbus`: a test database, not one to keep anything in.
#
# PostgreSQL refuses to run as root: as root the cluster belongs to Debian's `postgres` user
# and the server runs as that user (setpriv execs it, so the recorded pid is the server's).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bp_name=postgres
# shellcheck source=scripts/lib/broker-process.sh
source "$here/lib/broker-process.sh"

ready_timeout=30  # seconds; start-up takes about one
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  echo "postgres: no server in /usr/lib/postgresql/*/bin (scripts/install-deps.sh installs it)" >&2
  exit 1
fi

as_owner=()  # the command prefix that runs as the cluster's owner
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env)
fi

logged_ready() {
  grep -q "database system is ready to accept connections" "$1/server.log" 2>/dev/null
}

# PostgreSQL cannot pick its own port: try a few random ones until one binds.
free_port() {
  local candidate
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 40000))
    # Not listening on any address (/proc/net/tcp* lists ports in hex).
    if ! grep -qi ":$(printf '%04X' "$candidate") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# launch DIR PORT: starts the server on 127.0.0.1:PORT, records its pid in DIR/pid and waits
# until it accepts connections. Returns 3 when the port was taken meanwhile (try another).
launch() {
  local dir=$1 rc=0
  port=$2
  : >"$dir/server.log"
  [ ${#as_owner[@]} -eq 0 ] || chown postgres: "$dir/server.log"
  bp_launch "$dir/server.log" "${as_owner[@]}" "$bin/postgres" -D "$dir/data" \
    -c listen_addresses=127.0.0.1 -p "$port" -k "$dir/socket" -c max_connections=200
  bp_save "$dir/pid"
  bp_wait_ready "$bp_pid" "$bp_start" "$ready_timeout" logged_ready "$dir" || rc=$?
  case $rc in
    0) return 0 ;;
    2) if grep -q "could not bind\|Address already in use" "$dir/server.log"; then return 3; fi
       echo "postgres exited during start-up:" >&2 ;;
    *) echo "postgres not ready within $ready_timeout s:" >&2
       bp_kill "$bp_pid" "$bp_start" || true ;;
  esac
  tail -20 "$dir/server.log" >&2
  return 1
}

write_env() {  # dir: after launch, which set bp_pid and $port
  cat >"$1/env" <<ENV
EVENTBUS_POSTGRES_URL=postgresql://eventbus@127.0.0.1:$port/postgres
EVENTBUS_POSTGRES_PID=$bp_pid
EVENTBUS_POSTGRES_DIR=$1
ENV
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/eventbus-postgres.XXXXXX")
    chmod 755 "$dir"
    mkdir -p "$dir/data" "$dir/socket"
    [ ${#as_owner[@]} -eq 0 ] || chown postgres: "$dir/data" "$dir/socket"
    if ! "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U eventbus --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
      echo "postgres: initdb failed:" >&2
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    for _ in 1 2 3 4 5; do
      port=$(free_port) || { echo "postgres: no free port found" >&2; exit 1; }
      rc=0
      launch "$dir" "$port" || rc=$?
      [ $rc -eq 3 ] || break
    done
    [ $rc -eq 0 ] || exit 1
    echo "$port" >"$dir/port"
    write_env "$dir"
    echo "$dir"
    ;;
  restart)  # the same port and data, as after a crash
    dir="$1"
    bp_load "$dir/pid"
    if bp_alive "$bp_pid" "$bp_start"; then
      bp_log "the server of $dir still runs (pid $bp_pid); kill or stop it first"; exit 1
    fi
    rm -f "$dir/data/postmaster.pid" "$dir"/socket/.s.PGSQL.*.lock  # left by a killed server
    launch "$dir" "$(cat "$dir/port")"
    write_env "$dir"
    ;;
  kill)  # the server and its backends at once, as a machine crash would end them
    bp_load "$1/pid"
    children=()
    if bp_alive "$bp_pid" "$bp_start"; then mapfile -t children < <(pgrep -P "$bp_pid" || true); fi
    bp_kill "$bp_pid" "$bp_start" || { bp_log "pid $bp_pid survived SIGKILL"; exit 1; }
    for child in "${children[@]}"; do kill -KILL "$child" 2>/dev/null || true; done
    for child in "${children[@]}"; do  # bounded: SIGKILL cannot be ignored
      for _ in $(seq 1 100); do [ -d "/proc/$child" ] || break; sleep 0.1; done
    done
    ;;
  stop)
    dir="$1"
    bp_load "$dir/pid"
    bp_stop "$bp_pid" "$bp_start" 15 || { bp_log "pid $bp_pid survived SIGKILL; $dir kept"; exit 1; }
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR | kill DIR | restart DIR" >&2; exit 2 ;;
esac
