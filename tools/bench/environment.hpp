// SPDX-License-Identifier: Apache-2.0
// What the figures depend on besides the code: the machine, its load, the client library
// versions, and the client settings the bus and the raw baselines ran with.
#pragma once

#include "results.hpp"

namespace eventbus::bench {

// Machine and versions, plus the --env notes (broker versions, storage) given on the command line.
Facts collect_environment(const Settings& settings);
// The clients' settings, read from the library's defaults where the bus uses them.
Facts collect_configuration(const Settings& settings);
// The 1, 5 and 15 minute load averages, e.g. "2.72 2.66 2.50".
std::string load_average();

}  // namespace eventbus::bench
