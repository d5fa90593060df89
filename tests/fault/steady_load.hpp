// SPDX-License-Identifier: Apache-2.0
// A steady publisher and the ledger the fault tests judge by: envelopes at a fixed rate over
// many aggregates (aggregate i of A gets versions 1, 2, ... in order, from one thread), every
// completion and every delivery recorded per call, and per-aggregate order checked on first
// delivery by the tests' OrderTracker (a redelivered message is a duplicate, not an order
// violation).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "eventbus/eventbus.hpp"
#include "support/order_tracker.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {

class SteadyLoad {
 public:
  using Clock = std::chrono::steady_clock;

  struct Settings {
    std::string topic;
    std::size_t aggregates = 1000;
    double rate = 1000;               // publish calls a second
    std::size_t max_calls = 100'000;  // the publisher stops by itself after this many
    std::size_t payload_bytes = 0;    // padding in the payload, beyond its few fixed bytes
  };

  explicit SteadyLoad(Settings settings);
  ~SteadyLoad();  // stops the publisher
  SteadyLoad(const SteadyLoad&) = delete;
  SteadyLoad& operator=(const SteadyLoad&) = delete;

  // The handler to subscribe with: records the delivery, checks its order, returns ok.
  EnvelopeHandler handler();
  // Stops the publisher when it goes out of scope. Declared after the bus, it stops the
  // publishing before the bus is destroyed, also when a failed assertion returns early.
  class [[nodiscard]] Running {
   public:
    explicit Running(SteadyLoad& load) : load_(load) {}
    ~Running() { load_.stop(); }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

   private:
    SteadyLoad& load_;
  };
  // Starts the one publisher thread on `bus`; stop() (or the guard) joins it.
  Running start(Bus& bus);
  void stop();
  // Publishes `count` envelopes as fast as the bus takes them, on the calling thread.
  void publish_burst(Bus& bus, std::size_t count);

  std::uint64_t calls() const { return calls_.load(); }
  std::uint64_t completions() const { return completions_.load(); }
  std::uint64_t acked() const { return acked_.load(); }
  std::uint64_t handled() const { return handled_.load(); }  // deliveries, duplicates included
  // Calls whose completion fired more than once (must be 0).
  std::uint64_t completed_twice() const { return completed_twice_.load(); }
  // Calls the broker acked but no handler has seen yet.
  std::uint64_t acked_not_handled() const { return acked_.load() - acked_and_handled_.load(); }
  // True once every acked call was handled, or false at the timeout.
  bool wait_until_acked_are_handled(std::chrono::milliseconds timeout);
  // True once at least `acks` more acks and `deliveries` more deliveries than now happened.
  bool wait_for_progress(std::uint64_t acks, std::uint64_t deliveries,
                         std::chrono::milliseconds timeout);
  // True once every call's completion has fired.
  bool wait_for_all_completions(std::chrono::milliseconds timeout);
  // True once every call made before call number `call` (calls() at some moment) has
  // completed and, if acked, been handled: the bus has caught up with that moment.
  bool wait_until_settled_before(std::size_t call, std::chrono::milliseconds timeout);
  // The longest a publish waited for its completion since the last call of this (or since
  // the start): how long a fault held the service's publishes up.
  Clock::duration take_longest_ack_wait() { return Clock::duration(longest_ack_wait_.exchange(0)); }

  const OrderTracker& order() const { return order_; }
  // Deliveries that were no call of this load (the handler fails them; must be 0).
  std::uint64_t unknown() const { return unknown_.load(); }
  // Failed publishes whose error is retriable (error_class::retriable): a caller may try them
  // again.
  std::uint64_t failed_retriable() const { return failed_retriable_.load(); }
  // "N publish calls, N acked, N failed; N deliveries of N distinct messages, N duplicates,
  // N order violations": the ledger in a line, for a test's output.
  std::string summary() const;
  // What must hold after a fault, once every completion fired and every acked message was
  // handled: each completion exactly once, nothing acked unhandled, no aggregate out of order,
  // no delivery of something this load did not publish (gtest expectations).
  void expect_ledger_holds() const;
  // The error and detail of the first publish that failed; empty when none did.
  std::string first_failure() const;

 private:
  // A call's state bits; whichever of ack and first delivery comes second counts the call
  // as acked-and-handled, so the tests' waits compare two counters instead of scanning.
  static constexpr std::uint8_t kAcked = 1, kHandled = 2;
  struct Call {
    std::atomic<std::uint8_t> completions{0};
    std::atomic<std::uint8_t> state{0};
    std::atomic<Clock::rep> published{0};  // when publish was called, Clock ticks
  };
  bool settled(std::size_t call) const;

  Envelope envelope(std::size_t call) const;
  void publish_one(Bus& bus, std::size_t call);
  void completed(std::size_t call, bool ok);
  void note_failure(const PublishResult& r);
  HandlerResult delivered(const Envelope& e);

  Settings settings_;
  std::unique_ptr<Call[]> ledger_;
  OrderTracker order_;
  std::atomic<std::uint64_t> calls_{0}, completions_{0}, acked_{0}, handled_{0},
      completed_twice_{0}, acked_and_handled_{0}, unknown_{0}, failed_retriable_{0};
  std::atomic<Clock::rep> longest_ack_wait_{0};
  std::size_t settled_cursor_ = 0;  // calls before it are settled; only waits move it
  Signal progress_;
  mutable std::mutex failure_mutex_;
  std::string first_failure_;  // guarded by failure_mutex_
  std::atomic<bool> stopping_{false};
  std::thread publisher_;
};

}  // namespace eventbus::testing
