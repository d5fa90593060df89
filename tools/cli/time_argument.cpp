// SPDX-License-Identifier: Apache-2.0
#include "time_argument.hpp"

#include <charconv>

#include "eventbus/timestamp.hpp"

namespace eventbus::cli {

std::optional<std::chrono::system_clock::time_point> parse_time_argument(
    const std::string& text, std::chrono::system_clock::time_point now, std::string& error) {
  using namespace std::chrono;
  if (const std::optional<Timestamp> instant = Timestamp::parse(text)) {
    return time_point_cast<system_clock::duration>(instant->utc);
  }
  std::int64_t amount = 0;
  const char* end = text.data() + text.size();
  const auto [unit, ec] = std::from_chars(text.data(), end, amount);
  const std::string_view suffix(unit, static_cast<std::size_t>(end - unit));
  if (ec == std::errc() && amount >= 0 && unit != text.data()) {
    if (suffix == "ms") return now - milliseconds(amount);
    if (suffix == "s") return now - seconds(amount);
    if (suffix == "m") return now - minutes(amount);
    if (suffix == "h") return now - hours(amount);
    if (suffix == "d") return now - hours(24 * amount);
  }
  error = "'" + text +
          "': expected an age such as 90s, 10m, 2h or 1d, or an RFC 3339 time such as "
          "2026-12-03T10:00:00Z";
  return std::nullopt;
}

}  // namespace eventbus::cli
