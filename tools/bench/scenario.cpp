// SPDX-License-Identifier: Apache-2.0
#include "scenario.hpp"

#include <algorithm>
#include <charconv>

namespace eventbus::bench {
namespace {

struct Named {
  const char* name;
  std::uint64_t messages;
};
constexpr Named kNamed[] = {{"low", 500},       {"medium", 2000}, {"high", 5000},
                            {"extreme", 10000}, {"100k", 100000}, {"1m", 1000000}};

bool parse_one(std::string_view item, std::vector<Level>& out) {
  if (item == "standard") {
    for (auto& l : standard_levels())
      out.push_back(l);
    return true;
  }
  for (const auto& n : kNamed) {
    if (item == n.name) {
      out.push_back({n.name, n.messages});
      return true;
    }
  }
  std::uint64_t count = 0;
  const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), count);
  if (ec != std::errc() || end != item.data() + item.size() || count == 0) return false;
  for (const auto& n : kNamed) {  // 2000 is "medium" in the report
    if (n.messages == count) {
      out.push_back({n.name, count});
      return true;
    }
  }
  out.push_back({std::string(item), count});
  return true;
}

}  // namespace

std::vector<Level> standard_levels() {
  return {{"low", 500}, {"medium", 2000}, {"high", 5000}, {"extreme", 10000}};
}

std::vector<Level> parse_levels(std::string_view text, std::string& error) {
  std::vector<Level> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (!parse_one(item, out)) {
      error = "level '" + std::string(item) +
              "': not one of low, medium, high, extreme, 100k, 1m, standard or a positive count";
      return {};
    }
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  if (out.empty()) error = "no levels given";
  return out;
}

Scenario Scenario::for_messages(std::uint64_t messages, std::size_t topics) {
  Scenario s;
  s.messages = messages;
  s.topics = std::max<std::size_t>(topics, 1);
  const std::uint64_t wanted = std::clamp<std::uint64_t>(messages / 10, 50, 1000);
  s.aggregates = static_cast<std::size_t>(std::max<std::uint64_t>(1, std::min(wanted, messages)));
  s.max_version = static_cast<std::int64_t>((messages + s.aggregates - 1) / s.aggregates);
  return s;
}

}  // namespace eventbus::bench
