// SPDX-License-Identifier: Apache-2.0
// The pressure comparison: every level, repeat and transport of the settings, each run judged
// for loss, order and leaked threads, collected into the Results the reports are made from.
#pragma once

#include "results.hpp"
#include "settings.hpp"

namespace eventbus::bench {

// Prints one line per run on stderr as it finishes.
Results run_levels(const Settings& settings);

}  // namespace eventbus::bench
