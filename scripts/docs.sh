#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the API reference of the public headers (include/eventbus/*.hpp) as HTML with doxygen,
# from docs/Doxyfile: scripts/docs.sh [output dir, relative to the repository's root; default
# build/docs]. The pages go to <output dir>/html. Exits non-zero on any doxygen warning, an
# undocumented public member included.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-build/docs}"
if ! command -v doxygen >/dev/null 2>&1; then
  echo "doxygen not found: scripts/install-deps.sh installs it" >&2
  exit 1
fi
version=$(sed -n 's/^#define EVENTBUS_VERSION_STRING "\(.*\)"$/\1/p' include/eventbus/version.hpp)
rm -rf "$out/html"  # no pages left over from members that are gone
mkdir -p "$out"
# doxygen reads its configuration from stdin ("-"); a setting given again overrides the first.
{
  cat docs/Doxyfile
  echo "OUTPUT_DIRECTORY = \"$out\""
  echo "PROJECT_NUMBER = \"$version\""
} | doxygen -
echo "API reference: $out/html/index.html"
