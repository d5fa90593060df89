#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command: installs what is needed, builds, and runs the order-events
# example (10,000 events over 1,000 aggregates, consumed in order). Extra arguments go to it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release order_events >/dev/null
exec build/release/examples/order_events "$@"
