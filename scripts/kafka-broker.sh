#!/usr/bin/env bash
# Runs a real, single-node Apache Kafka broker (KRaft, broker+controller in one JVM) on
# 127.0.0.1 for tests and benchmarks, from Maven Central jars: no Docker, nothing installed
# by hand. Needs java (17) and mvn; python3 only to pick free ports.
#
#   scripts/kafka-broker.sh start [DIR]   fetch jars (cached), format, start, wait until ready;
#                                         writes DIR/env and prints DIR as the last stdout line:
#                                           dir=$(scripts/kafka-broker.sh start | tail -1)
#                                           source "$dir/env"   # EVENTBUS_KAFKA_BROKERS=127.0.0.1:PORT ...
#   scripts/kafka-broker.sh stop DIR      SIGTERM, then SIGKILL after 30 s; removes DIR
#   scripts/kafka-broker.sh kill DIR      SIGKILL only (fault tests); keeps DIR for restart
#   scripts/kafka-broker.sh restart DIR   start again on the same ports and data, no reformat
#   scripts/kafka-broker.sh status DIR    exit 0 if the broker of DIR is running
#   scripts/kafka-broker.sh fetch         only download the jars into the cache
#   scripts/kafka-broker.sh stop-all      SIGKILL every broker this script started (CI cleanup)
#
# Environment:
#   KAFKA_VERSION             default 3.9.2 (3.9.x: Debian's librdkafka 2.0.2 predates Kafka 4,
#                             which dropped old protocol versions; 4.x runs too, see below)
#   EVENTBUS_CACHE            jar cache root, default $HOME/.cache/eventbus (outside the repo)
#   EVENTBUS_KAFKA_PROPS      extra server.properties lines appended last (they win), e.g.
#                             $'num.partitions=1\nlog.segment.bytes=1048576'
#   EVENTBUS_KAFKA_HEAP       JVM heap flags, default "-Xms256m -Xmx768m"
#   EVENTBUS_KAFKA_TIMEOUT    seconds to wait for readiness, default 90
#   EVENTBUS_KAFKA_LOG_LEVEL  broker log level (slf4j-simple), default info
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=${KAFKA_VERSION:-3.9.2}
cache=${EVENTBUS_CACHE:-$HOME/.cache/eventbus}/kafka-$version
libs=$cache/libs
ready_timeout=${EVENTBUS_KAFKA_TIMEOUT:-90}
# Every broker JVM carries this property on its command line, so that a pid read from an env
# file is only ever signalled if it is still *our* broker (pids get reused), and so that
# stop-all can find leftovers without matching unrelated java processes.
marker_prop=eventbus.kafka.dir

die() { echo "kafka-broker: $*" >&2; exit 1; }
log() { echo "kafka-broker: $*" >&2; }

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# --- jars -----------------------------------------------------------------------------------

# Downloads kafka_2.13:$version and its runtime dependencies into $libs once. A marker file is
# written only after mvn succeeded and the jars were moved into place, so an interrupted
# download is redone rather than half-used. flock serialises parallel test processes that
# all call `start` on a cold cache.
fetch_jars() {
  [[ -f $cache/.complete ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  mkdir -p "$cache"
  exec 9>"$cache/.lock"
  flock 9
  if [[ ! -f $cache/.complete ]]; then
    log "downloading Apache Kafka $version jars from Maven Central into $cache"
    local tmp=$cache/libs.tmp.$$
    rm -rf "$tmp" "$libs"
    # includeScope=runtime also copies kafka_2.13 itself and its runtime-scoped modules
    # (kafka-server, kafka-raft, ...); -B keeps mvn output free of progress bars.
    # mvn's output goes to a file (Maven 3.8 -q still prints colour codes) and is shown on failure.
    if ! mvn -q -B -f "$here/kafka/pom.xml" -Dkafka.version="$version" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
        >"$cache/mvn.log" 2>&1; then
      cat "$cache/mvn.log" >&2
      rm -rf "$tmp"
      die "mvn could not fetch org.apache.kafka:kafka_2.13:$version"
    fi
    ls "$tmp"/kafka_2.13-"$version".jar >/dev/null 2>&1 || die "kafka_2.13-$version.jar missing after mvn"
    mv "$tmp" "$libs"
    date -u +%FT%TZ >"$cache/.complete"
  fi
  flock -u 9
  exec 9>&-
}

# For the short-lived StorageTool JVMs: warnings only, or each prints the whole KafkaConfig.
java_cp() { java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$libs/*" "$@"; }

# --- process helpers ------------------------------------------------------------------------

# True if $1 is a live (non-zombie) process whose command line names run dir $2. A zombie has
# an empty cmdline, so it counts as gone.
is_our_broker() {
  local pid=$1 dir=$2 cmd
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  cmd=$(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline) || return 1
  [[ $cmd == *"-D$marker_prop=$dir "* ]]
}

# wait_gone PID DIR SECONDS: polls every 0.2 s; returns 1 if the process is still there.
wait_gone() {
  local pid=$1 dir=$2 n=$(($3 * 5))
  while ((n-- > 0)); do
    is_our_broker "$pid" "$dir" || return 0
    sleep 0.2
  done
  ! is_our_broker "$pid" "$dir"
}

# Prints "PORT CONTROLLER_PORT CLUSTER_ID".
# The ports: two distinct free loopback ports. Both sockets stay open until both are chosen,
# so the kernel cannot hand out the same one twice; another process may still grab one before
# Kafka binds it, which cmd_start handles by retrying with new ports.
# The cluster id is what `kafka.tools.StorageTool random-uuid` prints (16 random bytes,
# base64url without padding, not starting with '-'), made here to save a JVM start (~0.7 s).
free_ports_and_uuid() {
  python3 - <<'EOF'
import base64, os, socket
a = socket.socket(); a.bind(("127.0.0.1", 0))
b = socket.socket(); b.bind(("127.0.0.1", 0))
u = "-"
while u.startswith("-") or u in ("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAQ"):
    u = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
print(a.getsockname()[1], b.getsockname()[1], u)
EOF
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

load_env() {
  local dir=$1
  [[ -f $dir/env && -f $dir/server.properties ]] || die "$dir is not a run dir of this script (no env/server.properties)"
  # shellcheck disable=SC1091
  source "$dir/env"
  port=${EVENTBUS_KAFKA_BROKERS##*:}
  pid=$EVENTBUS_KAFKA_PID
  # restart must use the jars of the version the dir was formatted with
  version=$EVENTBUS_KAFKA_VERSION
  cache=${EVENTBUS_CACHE:-$HOME/.cache/eventbus}/kafka-$version
  libs=$cache/libs
}

write_env() {
  local dir=$1
  cat >"$dir/env.tmp" <<EOF
EVENTBUS_KAFKA_BROKERS=127.0.0.1:$port
EVENTBUS_KAFKA_PID=$pid
EVENTBUS_KAFKA_DIR=$dir
EVENTBUS_KAFKA_VERSION=$version
EVENTBUS_KAFKA_CONTROLLER_PORT=$cport
EOF
  mv "$dir/env.tmp" "$dir/env" # atomic: a reader never sees half a file
}

# --- broker ---------------------------------------------------------------------------------

write_properties() {
  local dir=$1
  cat >"$dir/server.properties" <<EOF
# Written by scripts/kafka-broker.sh: single-node KRaft, broker and controller in one process.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data

# One node: internal topics cannot have more replicas than that.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Internal topics default to 50 partitions; creating those on the first consumer group or
# transaction costs seconds on 2 cores, so keep them small.
offsets.topic.num.partitions=4
transaction.state.log.num.partitions=4
# Consumer groups form at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions=4
default.replication.factor=1
min.insync.replicas=1

# After a kill -9, the controller refuses the restarted broker's registration
# (DuplicateBrokerRegistrationException) until the dead incarnation's session expires:
# 9 s by default. 4 s keeps restarts in fault tests short while leaving slack for a stall
# on a loaded 2-core machine (broker and controller share one JVM, so a GC pause stops both).
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000

# Sized for a 2-core CI machine.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
num.replica.fetchers=1
log.cleaner.threads=1
# The cleaner allocates this on the heap at start-up (default 128 MiB of our 768).
log.cleaner.dedupe.buffer.size=33554432
log.segment.bytes=67108864
log.retention.check.interval.ms=60000
EOF
  if [[ $version == 4.* ]]; then
    # Kafka 4 adds share groups, whose state topic also defaults to replication factor 3.
    printf '%s\n' share.coordinator.state.topic.replication.factor=1 share.coordinator.state.topic.min.isr=1 \
      >>"$dir/server.properties"
  fi
  if [[ -n ${EVENTBUS_KAFKA_PROPS:-} ]]; then
    printf '# EVENTBUS_KAFKA_PROPS\n%s\n' "$EVENTBUS_KAFKA_PROPS" >>"$dir/server.properties"
  fi
}

format_storage() {
  local dir=$1 uuid=$2
  echo "$uuid" >"$dir/cluster.id"
  if ! java_cp kafka.tools.StorageTool format -t "$uuid" -c "$dir/server.properties" >>"$dir/format.log" 2>&1; then
    cat "$dir/format.log" >&2
    die "StorageTool format failed (Kafka $version)"
  fi
}

# Launches the JVM in the background and sets $pid. stdin is /dev/null and stdout/stderr go
# to broker.log, so the JVM holds no pipe of the caller: `$(kafka-broker.sh start)` returns.
launch() {
  local dir=$1
  local -a heap
  read -r -a heap <<<"${EVENTBUS_KAFKA_HEAP:--Xms256m -Xmx768m}"
  printf '\n===== %s start (Kafka %s) =====\n' "$(date -u +%FT%TZ)" "$version" >>"$dir/broker.log"
  log_offset=$(stat -c %s "$dir/broker.log")
  java "${heap[@]}" -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -D"$marker_prop=$dir" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel="${EVENTBUS_KAFKA_LOG_LEVEL:-info}" \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS" \
    -cp "$libs/*" kafka.Kafka "$dir/server.properties" \
    </dev/null >>"$dir/broker.log" 2>&1 &
  pid=$!
  # Not our job to report: without this bash prints "Killed" when fail_start kills it.
  disown "$pid"
  # Until the forked subshell has exec'd java, /proc/$pid/cmdline is still this script's, and
  # is_our_broker would call the broker dead. Wait (bounded) for the exec.
  local n=100
  while ((n-- > 0)) && ! is_our_broker "$pid" "$dir"; do
    [[ -e /proc/$pid ]] || break
    sleep 0.02
  done
}

# Ready = the broker logged "Kafka Server started" (KafkaRaftServer, after the broker
# registered with the controller and unfenced) AND its port accepts TCP connections.
# Returns 0 ready, 1 timed out, 2 the JVM exited, 3 a port was taken by someone else.
wait_ready() {
  local dir=$1 n=$((ready_timeout * 5)) started=0
  while ((n-- > 0)); do
    if ! is_our_broker "$pid" "$dir"; then
      tail -c +"$((log_offset + 1))" "$dir/broker.log" | grep -q 'Address already in use' && return 3
      return 2
    fi
    if ((!started)) && tail -c +"$((log_offset + 1))" "$dir/broker.log" | grep -q 'Kafka Server started'; then
      started=1
    fi
    if ((started)) && port_open "$port"; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

fail_start() {
  local dir=$1 why=$2
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" "$dir" 5 || true
  {
    echo "kafka-broker: $why; last lines of $dir/broker.log:"
    tail -n 60 "$dir/broker.log"
    echo "kafka-broker: run dir kept for inspection: $dir"
  } >&2
  exit 1
}

cmd_start() {
  local dir=${1:-} attempt rc uuid
  # Kafka 4 dropped old protocol versions (KIP-896). librdkafka 2.0.2 produced, consumed and
  # read metadata against 4.0.0 here, but the project's pin is 3.9.x.
  [[ $version != 3.9.* ]] && log "note: Kafka $version is not the pinned 3.9.x line"
  fetch_jars
  if [[ -z $dir ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/eventbus-kafka.XXXXXX")
  else
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ ! -e $dir/server.properties ]] || die "$dir already holds a broker; use restart or stop"
  fi
  # Up to 3 tries: the only expected failure that new ports fix is a port race.
  for attempt in 1 2 3; do
    port='' cport='' uuid=''
    read -r port cport uuid < <(free_ports_and_uuid) || true
    [[ $port =~ ^[0-9]+$ && $cport =~ ^[0-9]+$ && -n $uuid ]] ||
      die "could not pick free loopback ports (python3 missing?)"
    rm -rf "$dir/data"
    write_properties "$dir"
    format_storage "$dir" "$uuid"
    launch "$dir"
    rc=0
    wait_ready "$dir" || rc=$?
    case $rc in
      0) break ;;
      3) log "port $port or $cport taken meanwhile (try $attempt), retrying with new ports"
         wait_gone "$pid" "$dir" 5 || kill -KILL "$pid" 2>/dev/null || true ;;
      2) fail_start "$dir" "the broker JVM exited during start-up" ;;
      *) fail_start "$dir" "not ready within ${ready_timeout}s" ;;
    esac
  done
  ((rc == 0)) || fail_start "$dir" "could not bind free ports after 3 tries"
  write_env "$dir"
  log "Kafka $version ready at 127.0.0.1:$port (pid $pid)"
  echo "$dir"
}

cmd_restart() {
  local dir=$1 rc=0
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  is_our_broker "$pid" "$dir" && die "broker of $dir still running (pid $pid); kill or stop it first"
  fetch_jars
  cport=$EVENTBUS_KAFKA_CONTROLLER_PORT
  launch "$dir" # same server.properties: same ports, same data, no reformat
  wait_ready "$dir" || rc=$?
  case $rc in
    0) ;;
    3) fail_start "$dir" "port $port or $cport is taken by another process" ;;
    2) fail_start "$dir" "the broker JVM exited during restart" ;;
    *) fail_start "$dir" "not ready within ${ready_timeout}s after restart" ;;
  esac
  write_env "$dir"
  log "Kafka $version restarted at 127.0.0.1:$port (pid $pid)"
  echo "$dir"
}

cmd_kill() {
  local dir=$1
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  if is_our_broker "$pid" "$dir"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" "$dir" 10 || die "pid $pid survived SIGKILL"
  fi
}

cmd_stop() {
  local dir=$1
  [[ -d $dir ]] || { log "$dir does not exist; nothing to stop"; return 0; }
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  if is_our_broker "$pid" "$dir"; then
    # A clean shutdown lets KRaft close its log cleanly; 30 s is far above its usual ~1-3 s.
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$dir" 30; then
      log "pid $pid ignored SIGTERM for 30 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" "$dir" 10 || die "pid $pid survived SIGKILL; $dir kept"
    fi
  fi
  rm -rf "$dir" # load_env checked it is one of ours
}

cmd_status() {
  local dir=$1
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  is_our_broker "$pid" "$dir" && port_open "$port"
}

# Kills every JVM carrying our marker property, e.g. from a CI trap after a test crashed
# between start and stop. Run dirs are left in place.
cmd_stop_all() {
  local p
  for p in $(pgrep -f -- "-D$marker_prop=" || true); do
    log "killing leftover broker pid $p"
    kill -KILL "$p" 2>/dev/null || true
  done
}

case ${1:-} in
  start) cmd_start "${2:-}" ;;
  stop) [[ -n ${2:-} ]] || usage; cmd_stop "$2" ;;
  kill) [[ -n ${2:-} ]] || usage; cmd_kill "$2" ;;
  restart) [[ -n ${2:-} ]] || usage; cmd_restart "$2" ;;
  status) [[ -n ${2:-} ]] || usage; cmd_status "$2" ;;
  fetch) fetch_jars; echo "$libs" ;;
  stop-all) cmd_stop_all ;;
  *) usage ;;
esac
