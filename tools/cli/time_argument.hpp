// SPDX-License-Identifier: Apache-2.0
// A point in time on the command line: an age ("90s", "10m", "2h", "1d") counted back from
// now, or an RFC 3339 instant ("2026-12-03T10:00:00Z"), as `--since` and `--until` take it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace eventbus::cli {

// The instant `text` names, or nothing with `error` saying what is wrong.
std::optional<std::chrono::system_clock::time_point> parse_time_argument(
    const std::string& text, std::chrono::system_clock::time_point now, std::string& error);

}  // namespace eventbus::cli
