// One measured run of the bus on one transport: subscribe an envelope handler on each topic,
// warm up, publish every message from the sender pool, wait for all of them, close.
#pragma once

#include <string>

#include "run_frame.hpp"
#include "scenario.hpp"

namespace eventbus::bench {

RunMetrics run_bus(RunContext& context, const std::string& transport, const Level& level,
                   std::size_t repeat);

}  // namespace eventbus::bench
