#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CTest fixture hooks: start a broker before the tests that need it, stop it after.
#   scripts/ctest-broker.sh nats|kafka|postgres start|stop STATE_DIR
# STATE_DIR/env holds the broker's address for the tests (EVENTBUS_*_STATE points there).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
broker="$1" action="$2" state="$3"
case "$broker" in
  nats) script="$here/nats-server.sh" ;;
  kafka) script="$here/kafka-broker.sh" ;;
  postgres) script="$here/postgres.sh" ;;
  *) echo "unknown broker '$broker'" >&2; exit 2 ;;
esac
case "$action" in
  start)
    mkdir -p "$state"
    if [ -f "$state/rundir" ]; then  # a previous run that was not cleaned up
      "$script" stop "$(cat "$state/rundir")" || true
    fi
    rundir=$("$script" start | tail -1)
    echo "$rundir" >"$state/rundir"
    cp "$rundir/env" "$state/env"
    cat "$state/env"
    ;;
  stop)
    [ -f "$state/rundir" ] && "$script" stop "$(cat "$state/rundir")"
    rm -rf "$state"
    ;;
  *) echo "unknown action '$action'" >&2; exit 2 ;;
esac
