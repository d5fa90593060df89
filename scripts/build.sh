#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds one flavour of the project into build/<flavour>. "minimal" is a plain
# build without the broker transports (EVENTBUS_WITH_NATS=OFF, EVENTBUS_WITH_KAFKA=OFF): the
# core and the memory transport, with their tests, tools and example.
#   scripts/build.sh release|asan|tsan|minimal [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
shift || true
options=()
case "$flavour" in
  release) sanitize="" ; type=RelWithDebInfo ;;
  asan) sanitize="address" ; type=Debug ;;
  tsan) sanitize="thread" ; type=RelWithDebInfo ;;
  # Compiled like release, so ccache hands it release's objects for the files they share.
  minimal) sanitize="" ; type=RelWithDebInfo
    options=(-DEVENTBUS_WITH_NATS=OFF -DEVENTBUS_WITH_KAFKA=OFF) ;;
  *) echo "unknown flavour '$flavour' (release, asan, tsan, minimal)" >&2; exit 2 ;;
esac
source scripts/compiler-cache.sh
cmake -S . -B "build/$flavour" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
  -DEVENTBUS_SANITIZE="$sanitize" ${options[@]+"${options[@]}"} "${cache_args[@]}" >/dev/null
jobs="$(nproc)"
if [ $# -gt 0 ]; then
  cmake --build "build/$flavour" -j "$jobs" --target "$@"
else
  cmake --build "build/$flavour" -j "$jobs"
fi
