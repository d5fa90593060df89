#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every API example of examples/ on the memory transport, as CI does, and stops at the
# first that exits non-zero (or runs over 60 s), naming it. service_skeleton runs its
# --self-test (it ends by sending itself SIGTERM); config_with_env reads examples/service.yaml
# with an EVENTBUS_* variable overriding one of its keys. order_events, the load generator, is
# run by scripts/test.sh with its own arguments.
#   scripts/run-examples.sh [build-dir]     (default: build/release; build it first)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
bin="$build/examples"
output="$(mktemp)"  # the last example's output
trap 'rm -f "$output"' EXIT

# run NAME [VAR=value...] [-- ARGS...]: runs $bin/NAME with those variables and arguments.
run() {
  local name="$1" vars=() args=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  printf '\n--- %s ---\n' "${vars[*]:+${vars[*]} }$name${args[*]:+ ${args[*]}}"
  if [ ! -x "$bin/$name" ]; then
    echo "run-examples: $bin/$name is not built" >&2
    exit 1
  fi
  local start end status=0
  start="$(date +%s%N)"
  env "${vars[@]}" timeout -k 5 60 "$bin/$name" "${args[@]}" >"$output" || status=$?
  cat "$output"
  end="$(date +%s%N)"
  if [ "$status" -ne 0 ]; then
    echo "run-examples: $name failed (exit status $status)" >&2
    exit 1
  fi
  printf -- '--- %s: passed in %d ms ---\n' "$name" $(((end - start) / 1000000))
}

run quick_start
run service_skeleton -- --self-test
run retries_and_dead_letters
run config_with_env EVENTBUS_SUBSCRIBER_WORKERS=1 -- examples/service.yaml
# The file says 2: the variable must have won.
if ! grep -Eq '^ +subscriber\.workers +1 \(from EVENTBUS_SUBSCRIBER_WORKERS' "$output"; then
  echo "run-examples: config_with_env did not apply EVENTBUS_SUBSCRIBER_WORKERS=1" >&2
  exit 1
fi
run tracing
run tenant_completions
if grep -q '^EVENTBUS_METRICS_SERVER:BOOL=ON$' "$build/CMakeCache.txt"; then
  run metrics_endpoint
else
  echo "run-examples: metrics_endpoint skipped: built without EVENTBUS_METRICS_SERVER"
fi
echo "run-examples: all passed"
