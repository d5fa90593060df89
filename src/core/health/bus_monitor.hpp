// SPDX-License-Identifier: Apache-2.0
// The bus's monitor thread (one, only when heartbeats or monitor thresholds are on): publishes
// heartbeats, notices when watched heartbeats stop, samples health() and raises alerts when a
// threshold is crossed and when it clears. Joined by stop(), which close() calls first.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "core/health/alert_tracker.hpp"
#include "core/health/heartbeat_message.hpp"
#include "core/log.hpp"
#include "eventbus/health.hpp"
#include "eventbus/options.hpp"

namespace eventbus::core {

class BusMonitor {
 public:
  using Clock = std::chrono::steady_clock;
  struct Hooks {
    std::function<Health()> sample;                    // Bus::health()
    std::function<void(std::string payload)> publish;  // a heartbeat, fire and forget
    std::function<std::pair<std::uint64_t, std::uint64_t>()> ack_totals;  // {sum ns, count}
  };

  // Whether `options` ask for a monitor thread at all.
  static bool wanted(const BusOptions& options) noexcept;

  BusMonitor(const BusOptions& options, LogPtr log, Hooks hooks);
  ~BusMonitor() { stop(); }

  // Starts the thread: only once whoever its hooks reach can be reached (the bus's pointer to
  // this monitor included; health() reads it).
  void start();

  // Joins the thread (from any thread but its own; from its own it only asks it to stop).
  void stop();
  void set_handler(AlertHandler handler);
  // From the watching subscription's handler.
  void heartbeat_received(const HeartbeatMessage& message);
  std::optional<std::chrono::system_clock::time_point> last_heartbeat() const;

 private:
  void run(std::stop_token stop);
  void check(Clock::time_point now);
  void check_heartbeats(Clock::time_point now);
  void check_publisher(const Health& health);
  void check_subscriptions(const Health& health, Clock::time_point now);
  void raise(Alert alert, std::optional<Severity> severity);

  const BusOptions& options_;
  const LogPtr log_;
  const Hooks hooks_;
  const Clock::duration check_every_;
  const Clock::time_point started_ = Clock::now();

  mutable std::mutex mutex_;
  AlertHandler handler_;                                                      // guarded by mutex_
  std::optional<Clock::time_point> last_heartbeat_;                           // guarded by mutex_
  std::optional<std::chrono::system_clock::time_point> last_heartbeat_wall_;  // guarded

  // Monitor thread only.
  AlertTracker tracker_;
  std::pair<std::uint64_t, std::uint64_t> last_ack_totals_{0, 0};
  std::map<std::pair<std::string, std::string>, Clock::time_point> pending_since_;

  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace eventbus::core
