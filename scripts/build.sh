#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds one flavour of the project into build/<flavour>.
#   scripts/build.sh release|asan|tsan [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
shift || true
case "$flavour" in
  release) sanitize="" ; type=RelWithDebInfo ;;
  asan) sanitize="address" ; type=Debug ;;
  tsan) sanitize="thread" ; type=RelWithDebInfo ;;
  *) echo "unknown flavour '$flavour' (release, asan, tsan)" >&2; exit 2 ;;
esac
source scripts/compiler-cache.sh
cmake -S . -B "build/$flavour" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
  -DEVENTBUS_SANITIZE="$sanitize" "${cache_args[@]}" >/dev/null
jobs="$(nproc)"
if [ $# -gt 0 ]; then
  cmake --build "build/$flavour" -j "$jobs" --target "$@"
else
  cmake --build "build/$flavour" -j "$jobs"
fi
