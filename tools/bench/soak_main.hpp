// SPDX-License-Identifier: Apache-2.0
// eventbus-bench --soak: one soak run per transport, each written to DIR/<transport>.json.
#pragma once

#include <string>

#include "settings.hpp"

namespace eventbus::bench {

// Runs the soak on each of settings.transports in turn; prints each one's summary line on
// stdout. Returns 0 when every verdict passed, 1 otherwise (or when a report cannot be written).
int run_soaks(const Settings& settings, const std::string& run_id);

}  // namespace eventbus::bench
