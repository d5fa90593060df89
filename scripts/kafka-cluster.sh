#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a 3-node Apache Kafka cluster (KRaft; each node a broker and a controller in one JVM,
# three voters) on 127.0.0.1 for the cluster tests, from the same Maven Central jars as
# scripts/kafka-broker.sh. Each node's run dir (DIR/node1 ...) is a run dir of that script, so
# a node is launched, killed and restarted by it.
#
#   scripts/kafka-cluster.sh start [DIR]        format and start the nodes, wait until every one
#                                               registered with the quorum; prints DIR last
#   scripts/kafka-cluster.sh stop DIR           stop every node (SIGTERM, then SIGKILL), remove DIR
#   scripts/kafka-cluster.sh kill DIR N         SIGKILL node N (1-based), keep its data
#   scripts/kafka-cluster.sh shutdown DIR N     stop node N cleanly (SIGTERM), keep its data
#   scripts/kafka-cluster.sh restart DIR N      start node N again on its ports and data
#   scripts/kafka-cluster.sh freeze DIR N       SIGSTOP node N; returns once all its threads stopped
#   scripts/kafka-cluster.sh thaw DIR N         SIGCONT node N
#
# DIR/env (rewritten after every change of a node's process):
#   EVENTBUS_KAFKA_BROKERS=127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3   the bootstrap list
#   EVENTBUS_KAFKA_NODES=3
#   EVENTBUS_KAFKA_NODE<N>=127.0.0.1:PN, EVENTBUS_KAFKA_NODE<N>_PID, EVENTBUS_KAFKA_NODE<N>_DIR
# Node N has Kafka node.id N. Topics the cluster creates by itself (auto-create, the offsets
# topic) get 3 replicas and min.insync.replicas 2, the production shape.
#
# Environment: EVENTBUS_KAFKA_NODES (default 3), EVENTBUS_KAFKA_HEAP (default
# "-Xms128m -Xmx512m" here: three JVMs share the machine), and what kafka-broker.sh reads.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bp_name=kafka-cluster
# shellcheck source=scripts/lib/broker-process.sh
source "$here/lib/broker-process.sh"
# shellcheck source=scripts/lib/node-freeze.sh
source "$here/lib/node-freeze.sh"
broker=$here/kafka-broker.sh
export EVENTBUS_KAFKA_HEAP=${EVENTBUS_KAFKA_HEAP:--Xms128m -Xmx512m}
nodes=${EVENTBUS_KAFKA_NODES:-3}

prefix=EVENTBUS_KAFKA_ address_key=BROKERS
# shellcheck source=scripts/lib/cluster-nodes.sh
source "$here/lib/cluster-nodes.sh"

# A cluster id in StorageTool's random-uuid form (see kafka-broker.sh).
new_cluster_id() {
  python3 - <<'EOF'
import base64, os
u = "-"
while u.startswith("-") or u in ("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAQ"):
    u = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
print(u)
EOF
}

sed_value() { printf '%s' "$1" | sed 's/[\\&|]/\\&/g'; }

# write_node N PORT CONTROLLER_PORT VOTERS: node N's run dir, in kafka-broker.sh's layout.
write_node() {
  local n=$1 port=$2 cport=$3 voters=$4 node=$dir/node$1
  mkdir -p "$node"
  sed -e '/^##/d' \
    -e "s|@PORT@|$(sed_value "$port")|g" \
    -e "s|@CONTROLLER_PORT@|$(sed_value "$cport")|g" \
    -e "s|@DATA_DIR@|$(sed_value "$node/data")|g" \
    "$here/kafka/server.properties.in" >"$node/server.properties"
  # Later lines win (java.util.Properties keeps the last value of a key).
  cat >>"$node/server.properties" <<EOF
# Written by scripts/kafka-cluster.sh: node $n of $nodes.
node.id=$n
controller.quorum.voters=$voters
offsets.topic.replication.factor=$((nodes < 3 ? nodes : 3))
transaction.state.log.replication.factor=$((nodes < 3 ? nodes : 3))
transaction.state.log.min.isr=$((nodes < 2 ? 1 : 2))
default.replication.factor=$((nodes < 3 ? nodes : 3))
min.insync.replicas=$((nodes < 2 ? 1 : 2))
EOF
  if [[ -n ${EVENTBUS_KAFKA_PROPS:-} ]]; then
    printf '# EVENTBUS_KAFKA_PROPS\n%s\n' "$EVENTBUS_KAFKA_PROPS" >>"$node/server.properties"
  fi
  cat >"$node/env" <<EOF
EVENTBUS_KAFKA_BROKERS=127.0.0.1:$port
EVENTBUS_KAFKA_PID=
EVENTBUS_KAFKA_DIR=$node
EVENTBUS_KAFKA_VERSION=$version
EVENTBUS_KAFKA_CONTROLLER_PORT=$cport
EOF
}

format_node() {
  local node=$dir/node$1
  echo "$uuid" >"$node/cluster.id"
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$libs/*" kafka.tools.StorageTool \
    format -t "$uuid" -c "$node/server.properties" >>"$node/format.log" 2>&1 ||
    { cat "$node/format.log" >&2; die "StorageTool format failed for node $1"; }
}

cmd_start() {
  new_cluster_dir "${1:-}"
  libs=$("$broker" fetch | tail -1)
  version=${KAFKA_VERSION:-3.9.2}
  local -a ports
  read -r -a ports < <(cluster_free_ports $((2 * nodes))) || true
  ((${#ports[@]} == 2 * nodes)) || die "could not pick free loopback ports (python3 missing?)"
  uuid=$(new_cluster_id)
  local n voters=''
  for ((n = 1; n <= nodes; n++)); do
    voters+=${voters:+,}$n@127.0.0.1:${ports[2 * n - 1]}
  done
  for ((n = 1; n <= nodes; n++)); do
    write_node "$n" "${ports[2 * n - 2]}" "${ports[2 * n - 1]}" "$voters"
    format_node "$n"
  done
  # All at once: a node is ready only once it registered with an elected quorum, which needs
  # a majority of the nodes running.
  local -a waits=()
  for ((n = 1; n <= nodes; n++)); do
    "$broker" restart "$dir/node$n" >"$dir/node$n/start.out" 2>&1 &
    waits+=($!)
  done
  local failed=0
  for ((n = 1; n <= nodes; n++)); do
    wait "${waits[n - 1]}" || { failed=1; cat "$dir/node$n/start.out" >&2; }
  done
  if ((failed)); then
    for ((n = 1; n <= nodes; n++)); do "$broker" kill "$dir/node$n" 2>/dev/null || true; done
    die "the cluster did not come up; run dir kept for inspection: $dir"
  fi
  write_env
  log "Kafka cluster of $nodes ready at $(sed -n 's/^EVENTBUS_KAFKA_BROKERS=//p' "$dir/env")"
  echo "$dir"
}

cmd_node() {
  local verb=$1 n=$2 pid
  case $verb in
    kill) "$broker" kill "$dir/node$n" ;;
    shutdown) node_shutdown "$dir/node$n" ;;
    restart) "$broker" restart "$dir/node$n" >/dev/null ;;
    freeze | thaw)
      pid=$(node_value "$n" EVENTBUS_KAFKA_PID)
      "node_$verb" "$pid" || die "node $n (pid $pid) did not stop within 5 s of SIGSTOP"
      ;;
  esac
}

# A clean stop that keeps the node's data, as in a rolling restart.
node_shutdown() {
  local pid start
  read -r pid start <"$1/pid"
  bp_stop "$pid" "$start" 30 || die "pid $pid survived SIGKILL"
}

cmd_stop() {
  [[ -d $1 ]] || { log "$1 does not exist; nothing to stop"; return 0; }
  load_cluster "$1"
  local n job failed=0
  local -a jobs=()
  for ((n = 1; n <= nodes; n++)); do
    [[ -f $dir/node$n/pid ]] || continue
    node_thaw "$(node_value "$n" EVENTBUS_KAFKA_PID)" || true  # a frozen JVM ignores SIGTERM
    node_shutdown "$dir/node$n" &  # in parallel: each may take seconds
    jobs+=($!)
  done
  for job in "${jobs[@]}"; do wait "$job" || failed=1; done
  ((failed == 0)) || die "a node survived SIGKILL; $dir kept"
  rm -rf "$dir"
}

cluster_main "$@"
