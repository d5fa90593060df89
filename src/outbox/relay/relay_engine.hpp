// SPDX-License-Identifier: Apache-2.0
// The relay's thread and rounds over any Store: claim, publish through the Bus, wait for the
// completions, settle. Knows nothing of SQL.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "eventbus/bus.hpp"
#include "eventbus/log.hpp"
#include "eventbus/outbox/error.hpp"
#include "eventbus/outbox/relay_options.hpp"
#include "outbox/store.hpp"

namespace eventbus::outbox {

// Checks the options; the detail names the bad one.
Error validate(const RelayOptions& options);

class RelayEngine {
 public:
  // Starts the thread. `options` must be valid (validate()).
  RelayEngine(std::unique_ptr<Store> store, Bus& bus, RelayOptions options);
  ~RelayEngine();
  RelayEngine(const RelayEngine&) = delete;
  RelayEngine& operator=(const RelayEngine&) = delete;

  void notify();
  Error close(milliseconds timeout);
  RelayStats stats() const;
  Error last_error() const;

 private:
  // Shared with the completions, which may fire after a close() that stopped waiting for them.
  struct Control {
    std::mutex mutex;
    std::condition_variable changed;
    bool stopping = false;
    bool notified = false;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  };
  struct Outcome {
    bool done = false;
    std::error_code error;
    std::string detail;
  };
  // One round's publishes; outstanding counts those whose completion has not fired.
  struct Round {
    std::vector<Outcome> outcomes;
    std::size_t outstanding = 0;
  };

  void run();
  // True when the round claimed a full batch: there may be more due at once.
  bool round();
  // Publishes row `index` of the round; false (and `failure` set) when it cannot be sent at all.
  void publish(const OutboxRow& row, std::size_t index, const std::shared_ptr<Round>& round,
               std::vector<RowFailure>& failures, std::int64_t now);
  // Waits for the round's completions (until the close deadline once closing); returns them.
  std::vector<Outcome> await(const std::shared_ptr<Round>& round);
  RowFailure failure(const OutboxRow& row, std::string error, std::int64_t now, bool poison) const;
  void fail_round(const Error& error);
  void log(LogLevel level, const std::string& message) const;

  const std::unique_ptr<Store> store_;
  Bus& bus_;
  const RelayOptions options_;
  const std::shared_ptr<Control> control_ = std::make_shared<Control>();

  mutable std::mutex stats_mutex_;
  RelayStats stats_;
  Error last_error_;
  std::size_t unacked_at_close_ = 0;  // set by the thread before it ends

  std::mutex close_mutex_;
  bool closed_ = false;
  Error close_result_;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace eventbus::outbox
