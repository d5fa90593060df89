// SPDX-License-Identifier: Apache-2.0
// The JSON pieces the pressure report and the soak report share: one run's metrics, and a list
// of facts (environment, configuration) as an object.
#pragma once

#include <nlohmann/json.hpp>

#include "results.hpp"

namespace eventbus::bench {

using nlohmann::ordered_json;

ordered_json run_json(const RunMetrics& r);
ordered_json facts_json(const Facts& f);

}  // namespace eventbus::bench
