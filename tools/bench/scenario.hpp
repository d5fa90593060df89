// SPDX-License-Identifier: Apache-2.0
// The pressure scenario of the seed report: a level is a message count; its messages are spread
// over aggregates (messages / 10, clamped to 50..1000), each publishing versions 1, 2, ... in
// order, and aggregate i goes to topic i mod 5. A message is named by its sequence number:
// seq = (version - 1) * aggregates + aggregate, so versions of all aggregates interleave.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eventbus::bench {

struct Level {
  std::string name;  // low, medium, high, extreme, 100k, 1m, or the count itself
  std::uint64_t messages = 0;
};

// The seed's four levels: low 500, medium 2,000, high 5,000, extreme 10,000.
std::vector<Level> standard_levels();
// "low,medium,high,extreme,100k,1m" or plain counts ("500,2000"); "standard" = the four.
// Returns an empty list and sets `error` on a bad entry.
std::vector<Level> parse_levels(std::string_view text, std::string& error);

struct Scenario {
  std::uint64_t messages = 0;
  std::size_t aggregates = 0;
  std::int64_t max_version = 0;  // versions of the busiest aggregate
  std::size_t topics = 5;

  static Scenario for_messages(std::uint64_t messages, std::size_t topics = 5);

  std::size_t aggregate_of(std::uint64_t seq) const noexcept { return seq % aggregates; }
  std::int64_t version_of(std::uint64_t seq) const noexcept {
    return static_cast<std::int64_t>(seq / aggregates) + 1;
  }
  std::size_t topic_of(std::uint64_t seq) const noexcept { return aggregate_of(seq) % topics; }
};

// Calls visit(seq) for every message sender `sender` of `senders` owns, in publish order.
// Aggregate a belongs to sender a mod senders, so each aggregate's versions leave one thread in
// order; a sender walks version by version across its aggregates, as the seed did.
template <typename Visit>
void for_each_owned(const Scenario& s, std::size_t sender, std::size_t senders, Visit visit) {
  for (std::uint64_t base = 0; base < s.messages; base += s.aggregates) {
    for (std::size_t a = sender; a < s.aggregates && base + a < s.messages; a += senders) {
      visit(base + a);
    }
  }
}

}  // namespace eventbus::bench
