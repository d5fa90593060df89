#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs Debian's nats-server with JetStream on loopback for tests and benchmarks.
#   scripts/nats-server.sh start [extra nats-server args...]   prints the run dir (last line)
#   scripts/nats-server.sh stop DIR | kill DIR | restart DIR
# EVENTBUS_NATS_RUN_DIR, when set, is the run dir `start` uses instead of a new temp dir.
# The run dir holds `env` (EVENTBUS_NATS_URL, EVENTBUS_NATS_PID, EVENTBUS_NATS_DIR), the log and
# the JetStream store. The server picks its own free port (-p -1), read back from its log, so
# two runs never race for a port.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bp_name=nats-server
# shellcheck source=scripts/lib/broker-process.sh
source "$here/lib/broker-process.sh"

ready_timeout=30  # seconds; start-up takes well under one

# Readiness probe: the log says "Server is ready" and names the client port (sets $port).
logged_ready() {
  local log=$1/server.log found
  grep -q "Server is ready" "$log" 2>/dev/null || return 1
  found=$(sed -n 's/.*Listening for client connections on [0-9.]*:\([0-9]*\).*/\1/p' "$log" | tail -1)
  [ -n "$found" ] || return 1
  port=$found
}

# launch DIR ARGS...: starts the server, records in DIR/pid which process it is, and waits
# until it is ready. A server that is not ready in time is killed, not left running unseen.
launch() {
  local dir=$1 rc=0
  shift
  bp_launch "$dir/server.log" nats-server "$@"
  bp_save "$dir/pid"
  bp_wait_ready "$bp_pid" "$bp_start" "$ready_timeout" logged_ready "$dir" || rc=$?
  case $rc in
    0) return 0 ;;
    2) echo "nats-server exited during start-up:" >&2 ;;
    *) echo "nats-server not ready within $ready_timeout s:" >&2
       bp_kill "$bp_pid" "$bp_start" || true ;;
  esac
  tail -20 "$dir/server.log" >&2
  return 1
}

write_env() {  # dir: after launch, which set bp_pid and $port
  cat >"$1/env" <<ENV
EVENTBUS_NATS_URL=nats://127.0.0.1:$port
EVENTBUS_NATS_PID=$bp_pid
EVENTBUS_NATS_DIR=$1
ENV
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    if [ -n "${EVENTBUS_NATS_RUN_DIR:-}" ]; then  # the cluster script names its nodes' dirs
      dir=$EVENTBUS_NATS_RUN_DIR; mkdir -p "$dir"
    else
      dir=$(mktemp -d "${TMPDIR:-/tmp}/eventbus-nats.XXXXXX")
    fi
    : >"$dir/args"
    [ $# -eq 0 ] || printf '%s\n' "$@" >"$dir/args"
    launch "$dir" -a 127.0.0.1 -p -1 -js -sd "$dir/store" "$@"
    echo "$port" >"$dir/port"
    write_env "$dir"
    echo "$dir"
    ;;
  restart)  # the same port and store, as after a crash
    dir="$1"; mapfile -t args <"$dir/args"
    bp_load "$dir/pid"
    if bp_alive "$bp_pid" "$bp_start"; then
      bp_log "the server of $dir still runs (pid $bp_pid); kill or stop it first"; exit 1
    fi
    port=$(cat "$dir/port"); : >"$dir/server.log"
    launch "$dir" -a 127.0.0.1 -p "$port" -js -sd "$dir/store" "${args[@]}"
    write_env "$dir"
    ;;
  kill)
    bp_load "$1/pid"
    bp_kill "$bp_pid" "$bp_start" || { bp_log "pid $bp_pid survived SIGKILL"; exit 1; }
    ;;
  stop)
    dir="$1"
    bp_load "$dir/pid"
    bp_stop "$bp_pid" "$bp_start" 15 || { bp_log "pid $bp_pid survived SIGKILL; $dir kept"; exit 1; }
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start [args] | stop DIR | kill DIR | restart DIR" >&2; exit 2 ;;
esac
