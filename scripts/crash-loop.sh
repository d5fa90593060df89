#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the NATS broker-crash fault test (three SIGKILLs of nats-server in 30 s of steady
# publishing and consuming) several times in a row under AddressSanitizer + UBSan, stopping at
# the first failure. It is where a heap corruption in the consume path shows: messages queued
# from before a restart meet requests made after it.
#   scripts/crash-loop.sh [RUNS]    RUNS defaults to 20 (about 12 minutes); CI runs 2.
# Expects build/asan (scripts/build.sh asan); starts and kills its own servers.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
binary=build/asan/tests/fault_test
[ -x "$binary" ] || { echo "crash-loop: $binary missing; run scripts/build.sh asan first" >&2; exit 2; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
filter='*BrokerCrash*nats*'
for ((run = 1; run <= runs; run++)); do
  start=$SECONDS
  if ! "$binary" --gtest_filter="$filter" --gtest_brief=1 >"build/asan/crash-loop.log" 2>&1; then
    cat build/asan/crash-loop.log
    echo "crash-loop: run $run of $runs FAILED (log above)" >&2
    exit 1
  fi
  echo "crash-loop: run $run of $runs passed in $((SECONDS - start)) s"
done
echo "crash-loop: $runs of $runs passed"
