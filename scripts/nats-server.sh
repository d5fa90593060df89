#!/usr/bin/env bash
# Runs Debian's nats-server with JetStream on loopback for tests and benchmarks.
#   scripts/nats-server.sh start [extra nats-server args...]   prints the run dir (last line)
#   scripts/nats-server.sh stop DIR | kill DIR | restart DIR
# The run dir holds `env` (EVENTBUS_NATS_URL, EVENTBUS_NATS_PID, EVENTBUS_NATS_DIR), the log and
# the JetStream store. The server picks its own free port (-p -1), read back from its log, so
# two runs never race for a port.
set -euo pipefail

wait_ready() {  # dir: bounded wait for "Server is ready" and the client port in the log
  local dir="$1" deadline=$((SECONDS + 30)) port=""
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "nats-server exited during start-up:" >&2; tail -20 "$dir/server.log" >&2; return 1
    fi
    if grep -q "Server is ready" "$dir/server.log" 2>/dev/null; then
      port=$(sed -n 's/.*Listening for client connections on [0-9.]*:\([0-9]*\).*/\1/p' \
        "$dir/server.log" | tail -1)
      [ -n "$port" ] && { echo "$port"; return 0; }
    fi
    sleep 0.1
  done
  echo "nats-server not ready within 30 s:" >&2; tail -20 "$dir/server.log" >&2
  return 1
}

launch() {  # dir args...: start in the background, record pid
  local dir="$1"; shift
  nats-server "$@" >>"$dir/server.log" 2>&1 &
  echo $! >"$dir/pid"
}

write_env() {  # dir port
  cat >"$1/env" <<ENV
EVENTBUS_NATS_URL=nats://127.0.0.1:$2
EVENTBUS_NATS_PID=$(cat "$1/pid")
EVENTBUS_NATS_DIR=$1
ENV
}

stop_pid() {  # pid signal: bounded wait for the process to go
  local pid="$1" signal="$2" deadline=$((SECONDS + 15))
  kill "-$signal" "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/eventbus-nats.XXXXXX")
    : >"$dir/args"
    [ $# -eq 0 ] || printf '%s\n' "$@" >"$dir/args"
    launch "$dir" -a 127.0.0.1 -p -1 -js -sd "$dir/store" "$@"
    port=$(wait_ready "$dir")
    echo "$port" >"$dir/port"
    write_env "$dir" "$port"
    echo "$dir"
    ;;
  restart)  # the same port and store, as after a crash
    dir="$1"; mapfile -t args <"$dir/args"
    port=$(cat "$dir/port"); : >"$dir/server.log"
    launch "$dir" -a 127.0.0.1 -p "$port" -js -sd "$dir/store" "${args[@]}"
    wait_ready "$dir" >/dev/null
    write_env "$dir" "$port"
    ;;
  kill) stop_pid "$(cat "$1/pid")" KILL ;;
  stop)
    dir="$1"
    [ -f "$dir/pid" ] && stop_pid "$(cat "$dir/pid")" TERM
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start [args] | stop DIR | kill DIR | restart DIR" >&2; exit 2 ;;
esac
