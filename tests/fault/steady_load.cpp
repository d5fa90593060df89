// SPDX-License-Identifier: Apache-2.0
#include "fault/steady_load.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <stdexcept>

namespace eventbus::testing {

SteadyLoad::SteadyLoad(Settings settings)
    : settings_(std::move(settings)), ledger_(std::make_unique<Call[]>(settings_.max_calls)) {}

SteadyLoad::~SteadyLoad() {
  stop();
}

// Call n is aggregate n mod A at version n / A + 1: a delivery names its call without a map.
Envelope SteadyLoad::envelope(std::size_t call) const {
  const std::size_t aggregate = call % settings_.aggregates;
  const auto version = static_cast<std::int64_t>(call / settings_.aggregates + 1);
  std::string payload = R"({"n":)" + std::to_string(call) + R"(,"pad":")" +
                        std::string(settings_.payload_bytes, 'x') + "\"}";
  return make_envelope("agg-" + std::to_string(aggregate), "FaultTest", version,
                       std::move(payload));
}

void SteadyLoad::publish_one(Bus& bus, std::size_t call) {
  calls_.fetch_add(1);
  ledger_[call].published.store(Clock::now().time_since_epoch().count());
  // The completion fires exactly once, on the calling thread when the call is refused.
  bus.publish_envelope(settings_.topic, envelope(call), [this, call](const PublishResult& r) {
    if (r.error) note_failure(r);
    completed(call, !r.error);
  });
}

void SteadyLoad::note_failure(const PublishResult& r) {
  if (r.error == error_class::retriable) failed_retriable_.fetch_add(1);
  std::lock_guard lock(failure_mutex_);
  if (first_failure_.empty()) first_failure_ = r.error.message() + ": " + std::string(r.detail);
}

std::string SteadyLoad::first_failure() const {
  std::lock_guard lock(failure_mutex_);
  return first_failure_;
}

void SteadyLoad::completed(std::size_t call, bool ok) {
  Call& c = ledger_[call];
  if (c.completions.fetch_add(1) > 0) completed_twice_.fetch_add(1);
  const Clock::rep waited = Clock::now().time_since_epoch().count() - c.published.load();
  Clock::rep longest = longest_ack_wait_.load();
  while (waited > longest && !longest_ack_wait_.compare_exchange_weak(longest, waited)) {
  }
  const std::uint8_t before = ok ? c.state.fetch_or(kAcked) : c.state.load();
  const bool first_ack = ok && !(before & kAcked);
  progress_.update([&] {
    completions_.fetch_add(1);
    if (first_ack) acked_.fetch_add(1);
    if (first_ack && (before & kHandled)) acked_and_handled_.fetch_add(1);
  });
}

HandlerResult SteadyLoad::delivered(const Envelope& e) {
  std::size_t aggregate = 0;
  const char* digits = e.aggregate_id.data() + 4;  // after "agg-"
  if (e.aggregate_id.rfind("agg-", 0) != 0 ||
      std::from_chars(digits, e.aggregate_id.data() + e.aggregate_id.size(), aggregate).ec !=
          std::errc{} ||
      aggregate >= settings_.aggregates || e.event_version < 1) {
    unknown_.fetch_add(1);
    return HandlerResult::fail("not an event of this load: " + e.aggregate_id);
  }
  const std::size_t call =
      static_cast<std::size_t>(e.event_version - 1) * settings_.aggregates + aggregate;
  if (call >= settings_.max_calls) {
    unknown_.fetch_add(1);
    return HandlerResult::fail("version beyond the load's calls");
  }
  order_.record(e.aggregate_id, e.event_version, e.event_id);
  const std::uint8_t before = ledger_[call].state.fetch_or(kHandled);
  progress_.update([&] {
    handled_.fetch_add(1);
    if ((before & kAcked) && !(before & kHandled)) acked_and_handled_.fetch_add(1);
  });
  return HandlerResult::ok();
}

EnvelopeHandler SteadyLoad::handler() {
  return [this](const Envelope& e, const Message&) { return delivered(e); };
}

SteadyLoad::Running SteadyLoad::start(Bus& bus) {
  stopping_ = false;
  publisher_ = std::thread([this, &bus] {
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / settings_.rate));
    auto due = Clock::now();
    for (std::size_t call = calls_.load(); call < settings_.max_calls && !stopping_; ++call) {
      // Pacing, not synchronisation: the load's rate. A call that blocked past its slot (the
      // in-flight bound during an outage) does not make the next ones burst to catch up.
      std::this_thread::sleep_until(due);
      publish_one(bus, call);
      due = std::max(due + period, Clock::now());
    }
  });
  return Running(*this);
}

void SteadyLoad::stop() {
  stopping_ = true;
  if (publisher_.joinable()) publisher_.join();
}

void SteadyLoad::publish_burst(Bus& bus, std::size_t count) {
  const std::size_t first = calls_.load();
  if (first + count > settings_.max_calls) throw std::logic_error("burst beyond max_calls");
  for (std::size_t call = first; call < first + count; ++call)
    publish_one(bus, call);
}

bool SteadyLoad::wait_until_acked_are_handled(std::chrono::milliseconds timeout) {
  return progress_.wait_for(timeout, [&] { return acked_not_handled() == 0; });
}

bool SteadyLoad::wait_for_progress(std::uint64_t acks, std::uint64_t deliveries,
                                   std::chrono::milliseconds timeout) {
  const std::uint64_t acks_goal = acked_.load() + acks;
  const std::uint64_t handled_goal = handled_.load() + deliveries;
  return progress_.wait_for(
      timeout, [&] { return acked_.load() >= acks_goal && handled_.load() >= handled_goal; });
}

bool SteadyLoad::wait_for_all_completions(std::chrono::milliseconds timeout) {
  return progress_.wait_for(timeout, [&] { return completions_.load() >= calls_.load(); });
}

std::string SteadyLoad::summary() const {
  const auto n = [](std::uint64_t v) { return std::to_string(v); };
  return n(calls()) + " publish calls, " + n(acked()) + " acked, " + n(completions() - acked()) +
         " failed; " + n(handled()) + " deliveries of " + n(order_.distinct()) +
         " distinct messages, " + n(order_.duplicates()) + " duplicates, " +
         n(order_.order_violations()) + " order violations";
}

void SteadyLoad::expect_ledger_holds() const {
  EXPECT_EQ(completions(), calls());
  EXPECT_EQ(completed_twice(), 0u);
  EXPECT_EQ(acked_not_handled(), 0u);
  EXPECT_EQ(order_.order_violations(), 0u);
  EXPECT_EQ(unknown(), 0u);
}

bool SteadyLoad::settled(std::size_t call) const {
  const Call& c = ledger_[call];
  if (c.completions.load() == 0) return false;
  const std::uint8_t state = c.state.load();
  return !(state & kAcked) || (state & kHandled);
}

bool SteadyLoad::wait_until_settled_before(std::size_t call, std::chrono::milliseconds timeout) {
  return progress_.wait_for(timeout, [&] {
    while (settled_cursor_ < call && settled(settled_cursor_))
      ++settled_cursor_;
    return settled_cursor_ >= call;
  });
}

}  // namespace eventbus::testing
