#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian package the project builds, tests and benchmarks with. Idempotent:
# when everything is already there it returns without touching apt.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ccache
  clang clang-format clang-tidy libclang-rt-14-dev  # libFuzzer, sanitizers, format, tidy
  googletest libgtest-dev libbenchmark-dev
  doxygen  # the API reference (scripts/docs.sh)
  nlohmann-json3-dev libfmt-dev libcli11-dev libyaml-cpp-dev libcpp-httplib-dev
  libnats-dev nats-server librdkafka-dev
  libsqlite3-dev  # eventbus::outbox (optional; built and tested when present)
  libpq-dev postgresql  # its PostgreSQL store; the server runs for the tests (scripts/postgres.sh)
  prometheus-cpp-dev  # eventbus::prometheus_cpp (optional; built and tested when present)
  openssl procps python3
  maven openjdk-17-jre-headless  # runs Apache Kafka's broker jars from Maven Central
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The interop tests' Go service: the Go SDK's client libraries at the versions its go.mod and
# go.sum pin, from the Go module proxy into the module cache (a no-op when they are there).
# Go itself comes with the machine (Debian's golang-go is older than go.mod's 1.23).
if ! command -v go >/dev/null 2>&1; then
  echo "go not found: the interop tests (tests/interop) need Go 1.23 or newer" >&2
  exit 1
fi
(cd "$(dirname "$0")/../tests/interop/goservice" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download)
