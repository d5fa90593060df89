#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a 3-node NATS cluster with JetStream (Debian's nats-server, routes on 127.0.0.1) for the
# cluster tests. Each node's run dir (DIR/node1 ...) is a run dir of scripts/nats-server.sh, so
# a node is launched, killed and restarted by it.
#
#   scripts/nats-cluster.sh start [DIR]       start the nodes, wait until JetStream's metadata
#                                             group has a leader and every node; prints DIR last
#   scripts/nats-cluster.sh stop DIR          stop every node, remove DIR
#   scripts/nats-cluster.sh kill DIR N        SIGKILL node N (1-based), keep its store
#   scripts/nats-cluster.sh shutdown DIR N    stop node N cleanly (SIGTERM), keep its store
#   scripts/nats-cluster.sh restart DIR N     start node N again on its ports and store
#   scripts/nats-cluster.sh freeze DIR N      SIGSTOP node N; returns once all its threads stopped
#   scripts/nats-cluster.sh thaw DIR N        SIGCONT node N
#
# DIR/env (rewritten after every change of a node's process):
#   EVENTBUS_NATS_URL=nats://127.0.0.1:P1,nats://127.0.0.1:P2,nats://127.0.0.1:P3
#   EVENTBUS_NATS_NODES=3
#   EVENTBUS_NATS_NODE<N>=nats://127.0.0.1:PN, EVENTBUS_NATS_NODE<N>_PID,
#   EVENTBUS_NATS_NODE<N>_DIR, EVENTBUS_NATS_NODE<N>_NAME (the server name, n<N>)
# Environment: EVENTBUS_NATS_NODES (default 3).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bp_name=nats-cluster
# shellcheck source=scripts/lib/broker-process.sh
source "$here/lib/broker-process.sh"
# shellcheck source=scripts/lib/node-freeze.sh
source "$here/lib/node-freeze.sh"
server=$here/nats-server.sh
nodes=${EVENTBUS_NATS_NODES:-3}
leader_timeout=60  # seconds for the metadata group to form; it takes about one

prefix=EVENTBUS_NATS_ address_key=URL
# shellcheck source=scripts/lib/cluster-nodes.sh
source "$here/lib/cluster-nodes.sh"

node_extra_env() { echo "EVENTBUS_NATS_NODE${1}_NAME=n$1"; }

# The JetStream metadata group has a leader and every node as a current peer, as the nodes'
# monitoring endpoints (/jsz) say: only then can a stream with a replica on every node be
# made. A leader alone is not enough; the first R3 stream then fails with "no suitable peers
# for placement" while the last node is still joining.
meta_group_complete() {
  python3 - "$nodes" "${monitor_ports[@]}" <<'PY'
import json, sys, urllib.request
nodes = int(sys.argv[1])
for port in sys.argv[2:]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/jsz", timeout=1) as r:
            meta = json.load(r).get("meta_cluster") or {}
    except Exception:
        continue
    peers = meta.get("replicas") or []
    if meta.get("leader") and len(peers) == nodes - 1 and all(p.get("current") for p in peers):
        sys.exit(0)
sys.exit(1)
PY
}

cmd_start() {
  new_cluster_dir "${1:-}"
  # Per node: client, route and monitoring port.
  local -a ports
  read -r -a ports < <(cluster_free_ports $((3 * nodes))) || true
  ((${#ports[@]} == 3 * nodes)) || die "could not pick free loopback ports (python3 missing?)"
  local n routes=''
  monitor_ports=()
  for ((n = 1; n <= nodes; n++)); do
    routes+=${routes:+,}nats://127.0.0.1:${ports[3 * n - 2]}
    monitor_ports+=("${ports[3 * n - 1]}")
  done
  for ((n = 1; n <= nodes; n++)); do
    # nats-server.sh passes these after its own `-p -1`: the later -p wins. It returns once
    # the node listens, before the routes form.
    EVENTBUS_NATS_RUN_DIR=$dir/node$n "$server" start -p "${ports[3 * n - 3]}" -n "n$n" \
      --cluster_name eventbus --cluster "nats://127.0.0.1:${ports[3 * n - 2]}" \
      --routes "$routes" -m "${ports[3 * n - 1]}" >/dev/null ||
      { cmd_stop "$dir" || true; die "node $n did not start"; }
  done
  local deadline=$((SECONDS + leader_timeout))
  until meta_group_complete; do
    ((SECONDS < deadline)) || { cmd_stop "$dir" || true; die "the JetStream metadata group did not form within ${leader_timeout}s"; }
    sleep 0.1
  done
  write_env
  log "NATS cluster of $nodes ready at $(sed -n 's/^EVENTBUS_NATS_URL=//p' "$dir/env")"
  echo "$dir"
}

cmd_node() {
  local verb=$1 n=$2 pid start
  case $verb in
    kill) "$server" kill "$dir/node$n" ;;
    shutdown)
      read -r pid start <"$dir/node$n/pid"
      bp_stop "$pid" "$start" 15 || die "pid $pid survived SIGKILL"
      ;;
    restart) "$server" restart "$dir/node$n" ;;
    freeze | thaw)
      pid=$(node_value "$n" EVENTBUS_NATS_PID)
      "node_$verb" "$pid" || die "node $n (pid $pid) did not stop within 5 s of SIGSTOP"
      ;;
  esac
}

cmd_stop() {
  [[ -d $1 ]] || { log "$1 does not exist; nothing to stop"; return 0; }
  dir=$(cd "$1" && pwd)
  local node failed=0
  for node in "$dir"/node*/; do
    [[ -f $node/pid ]] || continue
    node_thaw "$(cut -d' ' -f1 "$node/pid")"
    "$server" stop "$node" || failed=1
  done
  ((failed == 0)) || die "a node survived SIGKILL; $dir kept"
  rm -rf "$dir"
}

cluster_main "$@"
