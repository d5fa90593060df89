// SPDX-License-Identifier: Apache-2.0
// A fixed pool of sender threads sharing a run's aggregates (never a thread per aggregate or per
// message): sender k publishes the aggregates k, k + n, k + 2n, ..., each one's versions in order.
// The pool runs in the background so the caller can show progress while publishing goes on.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "scenario.hpp"

namespace eventbus::bench {

class SenderPool {
 public:
  using Send = std::function<void(std::size_t sender, std::uint64_t seq)>;

  // Starts `senders` threads calling send(sender, seq) for every message of the scenario.
  SenderPool(const Scenario& scenario, std::size_t senders, Send send)
      : scenario_(scenario), send_(std::move(send)) {
    threads_.reserve(senders);
    for (std::size_t k = 0; k < senders; ++k) {
      threads_.emplace_back([this, k, senders] {
        for_each_owned(scenario_, k, senders, [&](std::uint64_t seq) {
          if (!stop_.load(std::memory_order_relaxed)) send_(k, seq);
        });
      });
    }
  }
  SenderPool(const SenderPool&) = delete;
  SenderPool& operator=(const SenderPool&) = delete;
  ~SenderPool() {
    stop();
    join();
  }

  // Senders finish the call they are in and send nothing more (a run that gave up).
  void stop() noexcept { stop_.store(true); }
  void join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  Scenario scenario_;
  Send send_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace eventbus::bench
