#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The opt-in soak run (not in CI): each transport publishes at a fixed rate for N minutes while
# the process is sampled every second; the first minute is warm-up. Passes when nothing was
# lost or reordered, no duplicate lacks a redelivery, threads stayed flat and returned to their
# baseline after close, and the last minute's mean RSS is within 10% of the first measured
# minute's. Builds eventbus-bench, starts the brokers it needs on loopback and always stops them.
#
#   scripts/soak.sh                          10 minutes at 2,000 msg/s on kafka, nats, memory in turn
#   scripts/soak.sh --minutes 3 --rate 1000 --transports nats,memory
#   scripts/soak.sh --parallel               the transports at once, one process each (saves wall
#                                            time; they share the CPUs, so only at modest rates)
#   scripts/soak.sh --out DIR                reports in DIR (default soak-results/<UTC time>)
#   scripts/soak.sh --nats-url URL / --kafka-brokers HOSTS   use running brokers
#   scripts/soak.sh --skip-setup             do not run install-deps.sh / build.sh
#   any other argument goes to eventbus-bench, e.g. --soak-warmup 2m --rss-tolerance 0.05
#
# Writes DIR/<transport>.json (settings, environment, per-minute series, verdict) and
# DIR/<transport>.log, and prints one summary line per transport. Exit status 1 when any
# transport failed its checks.
set -euo pipefail
cd "$(dirname "$0")/.."

out="soak-results/$(date -u +%Y%m%dT%H%M%SZ)"
minutes=10 rate=2000 parallel=0 setup=1 transports="kafka,nats,memory"
nats_url="" kafka_brokers=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --transports) transports="$2"; shift 2 ;;
    --parallel) parallel=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --nats-url) nats_url="$2"; shift 2 ;;
    --kafka-brokers) kafka_brokers="$2"; shift 2 ;;
    --skip-setup) setup=0; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
pids=()
stop_all() {  # the soak processes this script started, then the brokers
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  stop_brokers
}
trap stop_all EXIT
trap 'exit 130' INT TERM  # runs the EXIT trap

build_bench

notes=(--env "git_commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")
[ "$parallel" = 0 ] || notes+=(--env "soak_parallel=$transports ran at the same time, one process each")
start_brokers
mkdir -p "$out"

soak() {  # transport: one eventbus-bench process, its output in DIR/<transport>.log
  build/release/tools/bench/eventbus-bench --soak "${minutes}m" --rate "$rate" \
    --transports "$1" --out "$out" \
    ${nats_url:+--nats-url "$nats_url"} ${kafka_brokers:+--kafka-brokers "$kafka_brokers"} \
    "${notes[@]}" ${args[@]+"${args[@]}"} >"$out/$1.log" 2>&1
}

IFS=, read -ra list <<<"$transports"
echo "soak: ${minutes} min at ${rate} msg/s per transport: ${transports}; logs and reports in $out" >&2
status=0
if [ "$parallel" = 1 ]; then
  for t in "${list[@]}"; do soak "$t" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  pids=()
else
  for t in "${list[@]}"; do soak "$t" || status=1; done
fi
stop_brokers
for t in "${list[@]}"; do
  grep -A5 "^soak $t:" "$out/$t.log" | grep -E "^soak |^  FAILED" ||
    { echo "soak $t: no result (see $out/$t.log)"; tail -5 "$out/$t.log"; status=1; }
done
exit "$status"
