// SPDX-License-Identifier: Apache-2.0
#include "soak_settings.hpp"

#include <charconv>

namespace eventbus::bench {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit.empty() || unit == "s") return std::chrono::seconds(value);
  if (unit == "m") return std::chrono::minutes(value);
  if (unit == "h") return std::chrono::hours(value);
  return std::nullopt;
}

}  // namespace eventbus::bench
