// SPDX-License-Identifier: Apache-2.0
// eventbus-bench --outbox sqlite|postgres: per transport and level, a fresh outbox (an SQLite
// file, or a schema of its own on PostgreSQL) gets the level's events added in transactions of
// 100 through the application's API (outbox::add), then a relay publishes them through a bus
// and marks them: the relay's figure is events acked and marked per second, from the relay's
// start to its last mark; the add figure is the cost of outbox::add per event in the
// application's transaction. Median of --repeats. Exit 1 when a run did not publish every row.
#pragma once

#include <string>

#include "settings.hpp"

namespace eventbus::bench {

int run_outbox_levels(const Settings& settings, const std::string& run_id);

}  // namespace eventbus::bench
