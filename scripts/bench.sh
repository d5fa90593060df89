#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command: the Kafka-vs-NATS-vs-memory pressure comparison on this machine.
# Installs what is needed, builds eventbus-bench, starts nats-server and a Kafka broker on
# loopback (unless addresses are given), runs the four levels on the three transports with the
# raw nats.c / librdkafka baselines, writes the report, and always stops the brokers it started.
#
#   scripts/bench.sh                       all four levels, kafka + nats + memory, baselines
#   scripts/bench.sh --memory-only         the memory transport only: no brokers, no Java
#   scripts/bench.sh --out DIR             report directory (default bench-results/<UTC time>)
#   scripts/bench.sh --nats-url URL        use this NATS server instead of starting one
#   scripts/bench.sh --kafka-brokers HOSTS use this Kafka broker instead of starting one
#   scripts/bench.sh --skip-setup          do not run install-deps.sh / build.sh (CI smoke)
#   scripts/bench.sh --outbox sqlite|postgres [--postgres-url URL]
#                                          the outbox relay's figures instead (docs/outbox.md);
#                                          starts a PostgreSQL server unless a URL is given
#   any other argument goes to eventbus-bench, e.g. --levels low,100k --repeats 3
#   (build/release/tools/bench/eventbus-bench --help lists them)
#
# Exit status: eventbus-bench's (1 when a message was lost or reordered, a thread leaked or
# the heap in use after close exceeded the heap before by more than --heap-after-close-limit MB).
set -euo pipefail
cd "$(dirname "$0")/.."

out="bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
nats_url="" kafka_brokers="" postgres_url="" outbox="" memory_only=0 setup=1
transports="kafka,nats,memory"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --nats-url) nats_url="$2"; shift 2 ;;
    --kafka-brokers) kafka_brokers="$2"; shift 2 ;;
    --memory-only) memory_only=1; transports="memory"; shift ;;
    --transports) transports="$2"; shift 2 ;;
    --skip-setup) setup=0; shift ;;
    --outbox) outbox="$2"; args+=(--outbox "$2"); shift 2 ;;
    --postgres-url) postgres_url="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
trap stop_brokers EXIT
trap 'exit 130' INT TERM  # runs the EXIT trap

build_bench

notes=(--env "git_commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")
start_brokers

status=0
build/release/tools/bench/eventbus-bench --transports "$transports" --out "$out" \
  ${nats_url:+--nats-url "$nats_url"} ${kafka_brokers:+--kafka-brokers "$kafka_brokers"} \
  ${postgres_url:+--postgres-url "$postgres_url"} \
  "${notes[@]}" ${args[@]+"${args[@]}"} || status=$?
stop_brokers
exit "$status"
