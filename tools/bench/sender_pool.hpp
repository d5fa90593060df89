// A fixed pool of sender threads sharing a run's aggregates (never a thread per aggregate or per
// message): sender k publishes the aggregates k, k + n, k + 2n, ..., each one's versions in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "scenario.hpp"

namespace eventbus::bench {

// Runs send(sender, seq) for every message of the scenario on `senders` threads; returns when
// all of them returned.
inline void run_senders(const Scenario& scenario, std::size_t senders,
                        const std::function<void(std::size_t, std::uint64_t)>& send) {
  std::vector<std::thread> pool;
  pool.reserve(senders);
  for (std::size_t k = 0; k < senders; ++k) {
    pool.emplace_back(
        [&, k] { for_each_owned(scenario, k, senders, [&](std::uint64_t seq) { send(k, seq); }); });
  }
  for (auto& t : pool)
    t.join();
}

}  // namespace eventbus::bench
