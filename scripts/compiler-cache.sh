# SPDX-License-Identifier: Apache-2.0
# Sourced by build.sh and fuzz.sh: compile through ccache when it is there (install-deps.sh
# installs it). CI builds four flavours of a fresh clone on every run; with the cache in
# ~/.cache/ccache only what changed is compiled again. Paths inside the clone are hashed
# relative to it, so a clone in another directory hits the same cache entries.
cache_args=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD"
  export CCACHE_NOHASHDIR=1
  cache_args=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
