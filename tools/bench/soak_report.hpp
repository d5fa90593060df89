// SPDX-License-Identifier: Apache-2.0
// A soak run's report: the JSON file (settings, environment, per-minute series, verdict) and
// the one-line summary scripts/soak.sh prints per transport.
#pragma once

#include <string>

#include "results.hpp"
#include "soak_runner.hpp"

namespace eventbus::bench {

std::string soak_json(const Settings& settings, const Facts& environment,
                      const Facts& configuration, const SoakRun& run);

// "soak nats: OK  600,000 msgs at 1,000/s, lost 0, reordered 0, duplicates 0, RSS ... "
std::string soak_line(const Settings& settings, const SoakRun& run);

}  // namespace eventbus::bench
