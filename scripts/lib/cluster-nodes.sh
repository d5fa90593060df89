# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Sourced by kafka-cluster.sh and nats-cluster.sh: a cluster run dir holds one run dir of the
# single-node script per node (DIR/node1 ...) and an `env` naming them all. The caller sets
# bp_name (message prefix), prefix (EVENTBUS_KAFKA_ or EVENTBUS_NATS_), address_key (the
# single-node env's address key: BROKERS or URL) and nodes, and defines cmd_start, cmd_stop and
# cmd_node VERB N; cluster_main dispatches to them.

die() { echo "$bp_name: $*" >&2; exit 1; }
log() { echo "$bp_name: $*" >&2; }

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# cluster_free_ports COUNT: COUNT free loopback ports, all held open until all are chosen (so
# none is handed out twice). The nodes must know each other's ports before the first starts.
cluster_free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}

# node_value N KEY: KEY of node N's own env file.
node_value() { sed -n "s/^$2=//p" "$dir/node$1/env"; }

# Writes DIR/env from the nodes' env files: the address list, then per node its address, PID
# and dir, and what node_extra_env N prints (a hook the caller may define).
write_env() {
  local n list='' out=$dir/env.tmp
  for ((n = 1; n <= nodes; n++)); do
    list+=${list:+,}$(node_value "$n" "$prefix$address_key")
  done
  {
    echo "$prefix$address_key=$list"
    echo "${prefix}NODES=$nodes"
    echo "${prefix}DIR=$dir"
    for ((n = 1; n <= nodes; n++)); do
      echo "${prefix}NODE$n=$(node_value "$n" "$prefix$address_key")"
      echo "${prefix}NODE${n}_PID=$(node_value "$n" "${prefix}PID")"
      echo "${prefix}NODE${n}_DIR=$dir/node$n"
      if declare -F node_extra_env >/dev/null; then node_extra_env "$n"; fi
    done
  } >"$out"
  mv "$out" "$dir/env"  # atomic: a reader never sees half a file
}

load_cluster() {
  dir=$(cd "$1" && pwd)
  [[ -f $dir/env ]] || die "$dir is not a run dir of this script (no env)"
  nodes=$(sed -n "s/^${prefix}NODES=//p" "$dir/env")
}

node_arg() {
  [[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= nodes)) || die "no node '$1' (1..$nodes)"
}

# A new run dir, or DIR made sure to hold no cluster yet.
new_cluster_dir() {
  if [[ -z $1 ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/eventbus-$bp_name.XXXXXX")
  else
    mkdir -p "$1" && dir=$(cd "$1" && pwd)
    [[ ! -e $dir/env ]] || die "$dir already holds a cluster; use restart or stop"
  fi
}

cluster_main() {
  case ${1:-} in
    start) cmd_start "${2:-}" ;;
    stop) [[ -n ${2:-} ]] || usage; cmd_stop "$2" ;;
    kill | shutdown | restart | freeze | thaw)
      [[ -n ${2:-} && -n ${3:-} ]] || usage
      load_cluster "$2"
      node_arg "$3"
      cmd_node "$1" "$3"
      write_env
      ;;
    *) usage ;;
  esac
}
