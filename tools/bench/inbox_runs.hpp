// SPDX-License-Identifier: Apache-2.0
// eventbus-bench --inbox: what the inbox costs a handler on SQLite, per message. Per level, a
// fresh file; the same side effect (one INSERT) runs for each of the level's events once in a
// plain transaction of the handler's own and once through SqliteInbox::wrap, interleaved over
// --repeats; then every event is delivered again through the inbox (the cost of skipping a
// duplicate). No broker: the handler is called as the bus would call it.
#pragma once

#include <string>

#include "settings.hpp"

namespace eventbus::bench {

int run_inbox_levels(const Settings& settings, const std::string& run_id);

}  // namespace eventbus::bench
