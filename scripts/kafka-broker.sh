#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
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
#   EVENTBUS_KAFKA_SASL       1: `start` adds a second listener, SASL_SSL with SCRAM-SHA-512, on
#                             another free port, for the security tests. The plaintext listener
#                             stays as it is. A self-signed certificate for 127.0.0.1 is made
#                             with the JDK's keytool in DIR/tls, and a user with a random
#                             password is created when the storage is formatted. DIR/env then
#                             also holds EVENTBUS_KAFKA_SASL_BROKERS=127.0.0.1:PORT2,
#                             EVENTBUS_KAFKA_SASL_USER, EVENTBUS_KAFKA_SASL_PASSWORD and
#                             EVENTBUS_KAFKA_CA_FILE (the certificate as PEM, for librdkafka's
#                             ssl.ca.location). restart keeps the listener; other commands
#                             ignore the variable.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bp_name=kafka-broker
# shellcheck source=scripts/lib/broker-process.sh
source "$here/lib/broker-process.sh"
version=${KAFKA_VERSION:-3.9.2}
cache=${EVENTBUS_CACHE:-$HOME/.cache/eventbus}/kafka-$version
libs=$cache/libs
ready_timeout=${EVENTBUS_KAFKA_TIMEOUT:-90}
# Every broker JVM carries this property on its command line, so that stop-all can find
# leftovers without matching unrelated java processes. (Which process a run dir's broker is,
# DIR/pid records: see lib/broker-process.sh.)
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

# --- ports and run dir ----------------------------------------------------------------------

# Prints "PORT CONTROLLER_PORT SASL_PORT CLUSTER_ID".
# The ports: three distinct free loopback ports (the SASL one is used only with
# EVENTBUS_KAFKA_SASL=1). All sockets stay open until all are chosen,
# so the kernel cannot hand out the same one twice; another process may still grab one before
# Kafka binds it, which cmd_start handles by retrying with new ports.
# The cluster id is what `kafka.tools.StorageTool random-uuid` prints (16 random bytes,
# base64url without padding, not starting with '-'), made here to save a JVM start (~0.7 s).
free_ports_and_uuid() {
  python3 - <<'EOF'
import base64, os, socket
a = socket.socket(); a.bind(("127.0.0.1", 0))
b = socket.socket(); b.bind(("127.0.0.1", 0))
c = socket.socket(); c.bind(("127.0.0.1", 0))
u = "-"
while u.startswith("-") or u in ("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAQ"):
    u = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
print(a.getsockname()[1], b.getsockname()[1], c.getsockname()[1], u)
EOF
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

load_env() {
  local dir=$1
  [[ -f $dir/env && -f $dir/server.properties ]] || die "$dir is not a run dir of this script (no env/server.properties)"
  # shellcheck disable=SC1091
  source "$dir/env"
  port=${EVENTBUS_KAFKA_BROKERS##*:}
  # A broker started with EVENTBUS_KAFKA_SASL=1 keeps its SASL listener on restart.
  sasl_port='' sasl_password=''
  if [[ -n ${EVENTBUS_KAFKA_SASL_BROKERS:-} ]]; then
    sasl_port=${EVENTBUS_KAFKA_SASL_BROKERS##*:}
    sasl_password=$EVENTBUS_KAFKA_SASL_PASSWORD
  fi
  # Which process the broker is: pid and start time, from its last launch (a restart that
  # failed leaves env naming the one before).
  bp_load "$dir/pid"
  pid=$bp_pid start=$bp_start
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
  if [[ -n $sasl_port ]]; then
    cat >>"$dir/env.tmp" <<EOF
EVENTBUS_KAFKA_SASL_BROKERS=127.0.0.1:$sasl_port
EVENTBUS_KAFKA_SASL_USER=$sasl_user
EVENTBUS_KAFKA_SASL_PASSWORD=$sasl_password
EVENTBUS_KAFKA_CA_FILE=$dir/tls/ca.pem
EOF
  fi
  mv "$dir/env.tmp" "$dir/env" # atomic: a reader never sees half a file
}

# --- broker ---------------------------------------------------------------------------------

# sed_value TEXT: TEXT as the replacement of a sed s|||, its \, & and | escaped.
sed_value() { printf '%s' "$1" | sed 's/[\\&|]/\\&/g'; }

# server.properties from kafka/server.properties.in. sed rather than envsubst: sed is always
# there, while gettext-base (envsubst) is not among the packages install-deps.sh installs.
write_properties() {
  local dir=$1
  sed -e '/^##/d' \
    -e "s|@PORT@|$(sed_value "$port")|g" \
    -e "s|@CONTROLLER_PORT@|$(sed_value "$cport")|g" \
    -e "s|@DATA_DIR@|$(sed_value "$dir/data")|g" \
    "$here/kafka/server.properties.in" >"$dir/server.properties"
  if [[ $version == 4.* ]]; then
    # Kafka 4 adds share groups, whose state topic also defaults to replication factor 3.
    printf '%s\n' share.coordinator.state.topic.replication.factor=1 share.coordinator.state.topic.min.isr=1 \
      >>"$dir/server.properties"
  fi
  [[ -z $sasl_port ]] || write_sasl_properties "$dir"
  if [[ -n ${EVENTBUS_KAFKA_PROPS:-} ]]; then
    printf '# EVENTBUS_KAFKA_PROPS\n%s\n' "$EVENTBUS_KAFKA_PROPS" >>"$dir/server.properties"
  fi
}

# --- SASL_SSL listener (EVENTBUS_KAFKA_SASL=1) ----------------------------------------------

sasl_user=eventbus
sasl_port='' sasl_password=''

# A random hex secret: safe inside StorageTool's [name=...,password=...] syntax and in a
# properties file without quoting.
random_secret() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }

# DIR/tls/broker.p12: a self-signed RSA certificate for 127.0.0.1 (SAN as ip and as dns, so
# librdkafka's host name check passes whichever it compares), and DIR/tls/ca.pem, the same
# certificate as PEM: trusting it is trusting this broker. Valid 2 days; restart reuses it.
make_certificate() {
  local dir=$1
  rm -rf "$dir/tls"
  mkdir -p "$dir/tls"
  keystore_password=$(random_secret)
  if ! keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 2 \
      -dname CN=127.0.0.1 -ext SAN=ip:127.0.0.1,dns:127.0.0.1,dns:localhost \
      -keystore "$dir/tls/broker.p12" -storetype PKCS12 \
      -storepass "$keystore_password" -keypass "$keystore_password" >"$dir/tls/keytool.log" 2>&1 ||
    ! keytool -exportcert -rfc -alias broker -file "$dir/tls/ca.pem" \
      -keystore "$dir/tls/broker.p12" -storetype PKCS12 -storepass "$keystore_password" \
      >>"$dir/tls/keytool.log" 2>&1; then
    cat "$dir/tls/keytool.log" >&2
    die "keytool could not make the broker's certificate"
  fi
}

# The second listener. Lines appended to server.properties replace the template's (the last
# of a key wins), before EVENTBUS_KAFKA_PROPS so that those still win. The broker itself
# keeps talking PLAINTEXT to its controller and to itself.
write_sasl_properties() {
  local dir=$1
  cat >>"$dir/server.properties" <<EOF
# EVENTBUS_KAFKA_SASL: a SASL_SSL listener with SCRAM-SHA-512 next to the plaintext one.
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport,SASL_SSL://127.0.0.1:$sasl_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_SSL://127.0.0.1:$sasl_port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$dir/tls/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=$keystore_password
listener.name.sasl_ssl.ssl.key.password=$keystore_password
EOF
}

format_storage() {
  local dir=$1 uuid=$2
  echo "$uuid" >"$dir/cluster.id"
  local -a scram=()
  # SCRAM credentials live in the cluster metadata: KRaft takes them at format time.
  [[ -z $sasl_port ]] || scram=(--add-scram "SCRAM-SHA-512=[name=$sasl_user,password=$sasl_password]")
  if ! java_cp kafka.tools.StorageTool format -t "$uuid" -c "$dir/server.properties" \
      ${scram[@]+"${scram[@]}"} >>"$dir/format.log" 2>&1; then
    cat "$dir/format.log" >&2
    die "StorageTool format failed (Kafka $version)"
  fi
}

# Launches the JVM in the background, sets $pid and $start and records them in DIR/pid.
launch() {
  local dir=$1
  local -a heap
  read -r -a heap <<<"${EVENTBUS_KAFKA_HEAP:--Xms256m -Xmx768m}"
  printf '\n===== %s start (Kafka %s) =====\n' "$(date -u +%FT%TZ)" "$version" >>"$dir/broker.log"
  log_offset=$(stat -c %s "$dir/broker.log")
  bp_launch "$dir/broker.log" java "${heap[@]}" -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -D"$marker_prop=$dir" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel="${EVENTBUS_KAFKA_LOG_LEVEL:-info}" \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS" \
    -cp "$libs/*" kafka.Kafka "$dir/server.properties"
  bp_save "$dir/pid"
  pid=$bp_pid start=$bp_start
}

# logged_since_launch DIR PATTERN: the broker's log holds PATTERN since the last launch. grep
# reads a process substitution, not a pipe: with pipefail, `tail | grep -q` fails whenever grep
# stops early and tail gets SIGPIPE.
logged_since_launch() {
  grep -q "$2" < <(tail -c +"$((log_offset + 1))" "$1/broker.log")
}

# Readiness probe: the broker logged "Kafka Server started" (KafkaRaftServer, after the broker
# registered with the controller and unfenced) AND its port accepts TCP connections.
broker_ready() {
  if ((!logged_started)); then
    logged_since_launch "$1" 'Kafka Server started' || return 1
    logged_started=1
  fi
  port_open "$port" && { [[ -z $sasl_port ]] || port_open "$sasl_port"; }
}

# Returns 0 ready, 1 timed out, 2 the JVM exited, 3 a port was taken by someone else.
wait_ready() {
  local dir=$1 rc=0
  logged_started=0
  bp_wait_ready "$pid" "$start" "$ready_timeout" broker_ready "$dir" || rc=$?
  if ((rc == 2)) && logged_since_launch "$dir" 'Address already in use'; then
    rc=3
  fi
  return "$rc"
}

fail_start() {
  local dir=$1 why=$2
  bp_kill "$pid" "$start" || true
  {
    echo "kafka-broker: $why; last lines of $dir/broker.log:"
    tail -n 60 "$dir/broker.log"
    echo "kafka-broker: run dir kept for inspection: $dir"
  } >&2
  exit 1
}

cmd_start() {
  local dir=${1:-} attempt rc uuid sasl_free
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
    port='' cport='' sasl_free='' uuid=''
    read -r port cport sasl_free uuid < <(free_ports_and_uuid) || true
    [[ $port =~ ^[0-9]+$ && $cport =~ ^[0-9]+$ && $sasl_free =~ ^[0-9]+$ && -n $uuid ]] ||
      die "could not pick free loopback ports (python3 missing?)"
    sasl_port='' sasl_password=''
    if [[ ${EVENTBUS_KAFKA_SASL:-} == 1 ]]; then
      sasl_port=$sasl_free
      sasl_password=$(random_secret)
      make_certificate "$dir"
    fi
    rm -rf "$dir/data"
    write_properties "$dir"
    format_storage "$dir" "$uuid"
    launch "$dir"
    rc=0
    wait_ready "$dir" || rc=$?
    case $rc in
      0) break ;;
      3) log "port $port or $cport taken meanwhile (try $attempt), retrying with new ports"
         bp_kill "$pid" "$start" || true ;;
      2) fail_start "$dir" "the broker JVM exited during start-up" ;;
      *) fail_start "$dir" "not ready within ${ready_timeout}s" ;;
    esac
  done
  ((rc == 0)) || fail_start "$dir" "could not bind free ports after 3 tries"
  write_env "$dir"
  log "Kafka $version ready at 127.0.0.1:$port${sasl_port:+ and SASL_SSL 127.0.0.1:$sasl_port} (pid $pid)"
  echo "$dir"
}

cmd_restart() {
  local dir=$1 rc=0
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  bp_alive "$pid" "$start" && die "broker of $dir still running (pid $pid); kill or stop it first"
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
  log "Kafka $version restarted at 127.0.0.1:$port${sasl_port:+ and SASL_SSL 127.0.0.1:$sasl_port} (pid $pid)"
  echo "$dir"
}

cmd_kill() {
  local dir=$1
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  bp_kill "$pid" "$start" || die "pid $pid survived SIGKILL"
}

cmd_stop() {
  local dir=$1
  [[ -d $dir ]] || { log "$dir does not exist; nothing to stop"; return 0; }
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  # A clean shutdown lets KRaft close its log cleanly; 30 s is far above its usual ~1-3 s.
  bp_stop "$pid" "$start" 30 || die "pid $pid survived SIGKILL; $dir kept"
  rm -rf "$dir" # load_env checked it is one of ours
}

cmd_status() {
  local dir=$1
  dir=$(cd "$dir" && pwd)
  load_env "$dir"
  bp_alive "$pid" "$start" && port_open "$port"
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
