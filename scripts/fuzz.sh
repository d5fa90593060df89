#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (clang, ASan + UBSan) into build/fuzz and runs each one for N
# seconds on a copy of its seed corpus in fuzz/corpus/ (new inputs stay in build/fuzz/run, the
# repository's corpus is never written). Exits non-zero on any crash, leak, UB, timeout or
# out-of-memory; the input that caused it is left in build/fuzz/run/<target>/artifacts/.
#   scripts/fuzz.sh [seconds-per-target]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
case "$seconds" in
  '' | *[!0-9]*) echo "seconds-per-target must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac

targets=(envelope_decode config_parse)
corpus_of() { case "$1" in envelope_decode) echo envelope ;; config_parse) echo config ;; esac; }

source scripts/compiler-cache.sh
CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEVENTBUS_FUZZ=ON -DEVENTBUS_BUILD_TESTS=OFF -DEVENTBUS_BUILD_EXAMPLES=OFF \
  -DEVENTBUS_BUILD_TOOLS=OFF -DEVENTBUS_BUILD_MICROBENCH=OFF "${cache_args[@]}" >/dev/null
cmake --build build/fuzz -j "$(nproc)" --target "${targets[@]/%/_fuzzer}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
summary=()
for target in "${targets[@]}"; do
  name="$(corpus_of "$target")"
  work="build/fuzz/run/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$name"/* "$work/corpus/"
  seeds="$(ls "$work/corpus" | wc -l)"
  dict=()
  if [ -f "fuzz/$name.dict" ]; then dict=(-dict="fuzz/$name.dict"); fi
  printf '\n--- %s: %s s on %s seed inputs ---\n' "$target" "$seconds" "$seeds"
  set +e
  "build/fuzz/fuzz/${target}_fuzzer" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" >"$work/log" 2>&1
  status=$?
  set -e
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)"
  summary+=("$(printf '%-18s %10s execs  %8s exec/s  corpus %s -> %s inputs  exit %s' \
    "$target" "${runs:-?}" "${rate:-?}" "$seeds" "$(ls "$work/corpus" | wc -l)" "$status")")
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$work/log"
    failed+=("$target")
  fi
done

printf '\n=== fuzz summary (%s s per target) ===\n' "$seconds"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED: ${failed[*]} (inputs in build/fuzz/run/<target>/artifacts/)" >&2
  exit 1
fi
