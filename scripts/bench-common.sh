# SPDX-License-Identifier: Apache-2.0
# Sourced by bench.sh and soak.sh: install and build eventbus-bench, start the brokers a
# benchmark needs on loopback (unless an address was given) and stop them again. Expects $setup
# (1 or 0) and $transports ("kafka,nats,memory") and may be given $nats_url / $kafka_brokers
# (and $outbox / $postgres_url: a PostgreSQL server for --outbox postgres);
# sets them, and appends --env notes about the brokers to the array $notes. The caller installs
# `trap stop_brokers EXIT` before starting any.

nats_dir="" kafka_dir="" postgres_dir=""

build_bench() {  # unless --skip-setup: Debian packages, then the release build of the tool
  [ "$setup" = 1 ] || return 0
  scripts/install-deps.sh
  echo "building eventbus-bench (release)..." >&2
  scripts/build.sh release eventbus-bench >/dev/null
}

wants() { [[ ",$transports," == *",$1,"* ]]; }

stop_brokers() {
  [ -z "$nats_dir" ] || scripts/nats-server.sh stop "$nats_dir" || true
  [ -z "$kafka_dir" ] || scripts/kafka-broker.sh stop "$kafka_dir" >/dev/null 2>&1 || true
  [ -z "$postgres_dir" ] || scripts/postgres.sh stop "$postgres_dir" || true
  nats_dir="" kafka_dir="" postgres_dir=""
}

start_brokers() {
  local storage version
  storage=$(df -PT "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}')
  if wants nats; then
    if [ -z "$nats_url" ]; then
      nats_dir=$(scripts/nats-server.sh start | tail -1)
      nats_url=$(sed -n 's/^EVENTBUS_NATS_URL=//p' "$nats_dir/env")
      notes+=(--env "broker_nats=$(nats-server --version) on loopback, JetStream store on $storage (${TMPDIR:-/tmp})")
    else
      notes+=(--env "broker_nats=given: $nats_url")
    fi
  fi
  if wants kafka; then
    if [ -z "$kafka_brokers" ]; then
      echo "starting Kafka (the first time downloads its jars from Maven Central)..." >&2
      kafka_dir=$(scripts/kafka-broker.sh start | tail -1)
      kafka_brokers=$(sed -n 's/^EVENTBUS_KAFKA_BROKERS=//p' "$kafka_dir/env")
      version=$(sed -n 's/^EVENTBUS_KAFKA_VERSION=//p' "$kafka_dir/env")
      notes+=(--env "broker_kafka=Apache Kafka $version (KRaft, one node) on loopback, log dirs on $storage (${TMPDIR:-/tmp})")
    else
      notes+=(--env "broker_kafka=given: $kafka_brokers")
    fi
  fi
  if [ "${outbox:-}" = postgres ] && [ -z "${postgres_url:-}" ]; then
    postgres_dir=$(scripts/postgres.sh start | tail -1)
    postgres_url=$(sed -n 's/^EVENTBUS_POSTGRES_URL=//p' "$postgres_dir/env")
  fi
}
