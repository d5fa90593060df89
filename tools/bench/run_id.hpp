// SPDX-License-Identifier: Apache-2.0
// Names of runs, unique per run and per process: they name each run's topics, streams and
// consumer groups, so runs never read each other's messages.
#pragma once

#include <string>

namespace eventbus::bench {

// "<unix time hex>-<pid>-<counter>". The process id too: concurrent invocations
// (soak.sh --parallel) must not share topic names.
std::string next_run_id();

}  // namespace eventbus::bench
