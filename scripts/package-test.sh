#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the release build into a temporary prefix and builds tests/package against it twice,
# as a separate project would: with CMake's find_package(eventbus 0.2 CONFIG) and with
# pkg-config; then builds it a third time with eventbus as a subproject (add_subdirectory),
# where only the library may be built. Each program publishes and handles one envelope on the
# memory transport; when the package has eventbus::prometheus_cpp, a fourth reads a bus's
# metrics through it, and when it has eventbus::outbox, a fifth relays an event from SQLite. A
# build without a broker transport (scripts/build.sh minimal) is checked
# with pkg-config unable to see that transport's client library: neither the package nor the
# subproject may need it.
#   scripts/package-test.sh [build dir, default build/release]   (built by scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
[ -f "$build/src/libeventbus.a" ] || { echo "package-test: build $build first" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/eventbus-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >"$work/install.log"
echo "package-test: installed $(find "$prefix" -type f | wc -l) files into a temporary prefix"

# The transports the build has (EVENTBUS_WITH_NATS / EVENTBUS_WITH_KAFKA in its cache), passed
# on to the subproject; the .pc files of those it left out are hidden from pkg-config.
built() {
  local value
  value=$(sed -n "s/^EVENTBUS_WITH_$1:BOOL=//p" "$build/CMakeCache.txt")
  case "${value^^}" in ON|1|TRUE|YES|Y|"") return 0 ;; *) return 1 ;; esac
}
transport_args=() hidden=()
for transport in NATS KAFKA; do
  if built "$transport"; then
    transport_args+=("-DEVENTBUS_WITH_$transport=ON")
  else
    transport_args+=("-DEVENTBUS_WITH_$transport=OFF")
    case "$transport" in NATS) hidden+=(libnats) ;; KAFKA) hidden+=(rdkafka rdkafka++) ;; esac
  fi
done
if [ ${#hidden[@]} -gt 0 ]; then
  echo "package-test: without ${hidden[*]}: pkg-config sees every other .pc file of this machine"
  mkdir "$work/pkgconfig"
  IFS=: read -r -a pc_dirs <<<"$(pkg-config --variable pc_path pkg-config)"
  for dir in "${pc_dirs[@]}"; do
    for pc in "$dir"/*.pc; do
      [ -e "$pc" ] || continue
      name=$(basename "$pc" .pc)
      [[ " ${hidden[*]} " == *" $name "* ]] && continue
      [ -e "$work/pkgconfig/$name.pc" ] || ln -s "$pc" "$work/pkgconfig/$name.pc"
    done
  done
  export PKG_CONFIG_LIBDIR="$work/pkgconfig"
  if pkg-config --exists "${hidden[0]}"; then
    echo "package-test: ${hidden[0]} is still visible (PKG_CONFIG_PATH?)" >&2
    exit 1
  fi
fi

echo "package-test: find_package(eventbus) from a separate CMake project"
cmake -S tests/package -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/cmake" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/cmake/package_test"
if [ -x "$work/cmake/package_test_outbox" ]; then
  "$work/cmake/package_test_outbox"  # find_dependency(SQLite3) in the package
fi
if [ -x "$work/cmake/package_test_prometheus_cpp" ]; then
  "$work/cmake/package_test_prometheus_cpp"  # find_dependency(prometheus-cpp) in the package
fi

echo "package-test: pkg-config eventbus"
pcdir=$(dirname "$(find "$prefix" -name eventbus.pc)")
read -r -a flags <<<"$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs eventbus)"
c++ tests/package/main.cpp "${flags[@]}" -o "$work/pc_test"
"$work/pc_test"

echo "package-test: add_subdirectory(eventbus) from a separate CMake project"
# shellcheck source=scripts/compiler-cache.sh
source scripts/compiler-cache.sh  # the library's objects, compiled once more, through ccache
cmake -S tests/package -B "$work/sub" -G Ninja -DEVENTBUS_SOURCE_DIR="$PWD" \
  -DCMAKE_BUILD_TYPE=Release "${transport_args[@]}" ${cache_args[@]+"${cache_args[@]}"} \
  >"$work/sub-configure.log" || { cat "$work/sub-configure.log"; exit 1; }
cmake --build "$work/sub" --target package_test >"$work/sub-build.log" ||
  { cat "$work/sub-build.log"; exit 1; }
"$work/sub/package_test"
