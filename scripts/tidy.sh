#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# clang-tidy on the library's sources (the checks and their opt-outs: .clang-tidy), with the
# compile commands of the plain build: scripts/tidy.sh [build dir, default build/release].
# Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
[ -f "$build/compile_commands.json" ] || scripts/build.sh release eventbus >/dev/null
run-clang-tidy -p "$build" -j "$(nproc)" -quiet "$PWD/src/"
