#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's test command: installs what is needed, then builds and runs every test suite:
# plain, plain without the broker transports (memory only), libFuzzer for two minutes, under
# AddressSanitizer + UndefinedBehaviorSanitizer, and under ThreadSanitizer.
# Exits non-zero on the first failure.
#
#   scripts/test.sh             everything above (what CI runs; the cluster tests in their short
#                               form: one leader kill and one 10 s freeze per broker)
#   scripts/test.sh --cluster   only the cluster tests, in full: three leader kills, the freeze
#                               and a rolling restart on 3-node NATS and Kafka clusters; the
#                               figures go to build/release/cluster-figures.txt
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

# Each step says when it began (seconds since the start): where CI's time budget goes.
step() { printf '\n=== %s (at %d s) ===\n' "$*" "$SECONDS"; }

if [ "${1:-}" = "--cluster" ]; then
  step "cluster tests, full form (3-node NATS and Kafka clusters)"
  scripts/build.sh release cluster_test
  EVENTBUS_CLUSTER_FULL=1 build/release/tests/cluster_test 2>&1 |
    tee build/release/cluster-test.log | grep -E '^(nats|kafka)|^\[ +(OK|FAILED) '
  grep -E '^(nats|kafka)' build/release/cluster-test.log >build/release/cluster-figures.txt
  exit 0  # pipefail: a failed test failed the pipeline above, and set -e left already
fi

step "format check (clang-format)"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

step "documentation links and snippets"
scripts/check-links.sh
scripts/check-snippets.sh

step "API reference (doxygen, warnings are errors)"
scripts/docs.sh build/docs

step "plain build + all tests"
scripts/build.sh release
ctest --test-dir build/release --output-on-failure -j 2 --timeout 600

step "clang-tidy on src/ (the checks and their opt-outs: .clang-tidy)"
scripts/tidy.sh build/release

step "eventbus-bench smoke: 500 messages on memory, NATS and Kafka, with raw baselines"
# Starts and stops its own brokers; fails on a lost or reordered message or a leaked thread.
scripts/bench.sh --skip-setup --levels 500 --no-prime --warmup-timeout 30 --idle-timeout 20 \
  --progress never --out build/release/bench-smoke

step "eventbus-bench --outbox smoke: 500 events relayed from SQLite and PostgreSQL to memory and NATS"
scripts/bench.sh --skip-setup --outbox sqlite --transports nats,memory --levels 500 --repeats 1 \
  --idle-timeout 20
scripts/bench.sh --skip-setup --outbox postgres --transports nats,memory --levels 500 \
  --repeats 1 --idle-timeout 20

step "package: cmake --install, then a separate project with find_package, with pkg-config and as a subproject"
scripts/package-test.sh build/release

step "minimal build: no NATS, no Kafka (EVENTBUS_WITH_NATS/KAFKA=OFF), its tests and its package"
# The core and the memory transport only; most objects come from the plain build's ccache
# entries. Only memory, unit and bench-metric tests exist there. The package check hides
# libnats and rdkafka from pkg-config.
scripts/build.sh minimal
ctest --test-dir build/minimal --output-on-failure -j 2 --timeout 600
scripts/package-test.sh build/minimal

step "examples: order_events (10,000 events over 1,000 aggregates), then every API example on memory"
build/release/examples/order_events --messages 10000 --aggregates 1000
scripts/run-examples.sh build/release

if command -v go >/dev/null 2>&1; then
  step "wire vectors cross-checked with Go's encoding/json"
  (cd tests/vectors/gen && GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off go run . ../envelopes.json)
fi

step "libFuzzer: envelope decoder and configuration parser, 60 s each (clang, ASan + UBSan)"
# Fails on a crash, leak, UB or a broken envelope round trip; new inputs stay in build/fuzz.
scripts/fuzz.sh 60

# Under the sanitizers: the unit tests, the conformance suite on memory, NATS and Kafka, the
# NATS transport tests, the bench's metric tests and the outbox's. The Kafka-specific and fault tests (JVM
# brokers killed and restarted, group joins, frozen brokers) run in the plain build above;
# under sanitizers they do not fit CI's time budget on 2 cores.
sanitized_labels='unit|memory|nats|bench'
sanitized_kafka='Conformance'  # with -L kafka; ctest adds the broker fixture itself

step "AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/build.sh asan sanitized_tests  # tests/CMakeLists.txt: what the runs below need
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/asan --output-on-failure -j 2 --timeout 900 -L "$sanitized_labels"
ctest --test-dir build/asan --output-on-failure -j 2 --timeout 900 -L kafka -R "$sanitized_kafka"
# The outbox and the inbox on SQLite and PostgreSQL (their crash tests run in the plain build).
ctest --test-dir build/asan --output-on-failure -j 2 --timeout 900 -L outbox
# The NATS broker-crash test twice in a row under ASan (scripts/crash-loop.sh 20 for the full
# form): restarts are where the consume path once corrupted the heap.
scripts/crash-loop.sh 2

step "ThreadSanitizer"
scripts/build.sh tsan sanitized_tests
# setarch -R: TSan's shadow memory layout cannot cope with the kernel's high-entropy ASLR.
# tests/tsan.supp: librdkafka is not instrumented (see the file).
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp"
setarch "$(uname -m)" -R ctest --test-dir build/tsan --output-on-failure -j 2 --timeout 900 \
  -L "$sanitized_labels"
setarch "$(uname -m)" -R ctest --test-dir build/tsan --output-on-failure -j 2 --timeout 900 \
  -L kafka -R "$sanitized_kafka"
setarch "$(uname -m)" -R ctest --test-dir build/tsan --output-on-failure -j 2 --timeout 900 \
  -L outbox
