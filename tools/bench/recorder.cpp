// SPDX-License-Identifier: Apache-2.0
#include "recorder.hpp"

#include <thread>

#include "payload_stamp.hpp"

namespace eventbus::bench {
namespace {

void store_max(std::atomic<std::int64_t>& slot, std::int64_t value) noexcept {
  std::int64_t seen = slot.load(std::memory_order_relaxed);
  while (value > seen && !slot.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

void store_min(std::atomic<std::int64_t>& slot, std::int64_t value) noexcept {
  std::int64_t seen = slot.load(std::memory_order_relaxed);
  while (value < seen && !slot.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

LatencySummary summary(const LogHistogram& h) {
  return {h.count(),          h.mean(),           h.percentile(50), h.percentile(90),
          h.percentile(99.0), h.percentile(99.9), h.max()};
}

}  // namespace

Recorder::Recorder(const Scenario& scenario)
    : scenario_(scenario),
      started_(new std::atomic<std::int64_t>[scenario.messages]()),
      checker_(scenario.aggregates, scenario.max_version) {}

void Recorder::publish_started(std::uint64_t seq, std::int64_t start) noexcept {
  if (seq >= scenario_.messages) return;
  started_[seq].store(start, std::memory_order_relaxed);
  store_min(first_sent_, start);
  if (series_ != nullptr) series_->sent(start);
}

void Recorder::publish_returned(std::int64_t start, std::int64_t end) noexcept {
  call_.record(end - start);
}

void Recorder::completed(std::uint64_t seq, bool ok) noexcept {
  if (seq >= scenario_.messages) return;
  const std::int64_t now = now_ns();
  if (!ok) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::int64_t latency = now - started_[seq].load(std::memory_order_relaxed);
  send_.record(latency);
  acked_.fetch_add(1, std::memory_order_relaxed);
  if (series_ != nullptr) series_->acked(now, latency);
}

OrderChecker::Verdict Recorder::handled(std::string_view bytes, std::int64_t start,
                                        std::uint32_t attempt) noexcept {
  const auto stamp = read_stamp(bytes);
  if (!stamp) {
    bad_stamps_.fetch_add(1, std::memory_order_relaxed);
    return OrderChecker::Verdict::unknown;
  }
  if (stamp->seq >= scenario_.messages) {
    warmups_.fetch_add(1, std::memory_order_relaxed);
    return OrderChecker::Verdict::unknown;
  }
  end_to_end_.record(start - stamp->sent_ns);
  const auto verdict =
      checker_.record(scenario_.aggregate_of(stamp->seq), scenario_.version_of(stamp->seq));
  if (verdict == OrderChecker::Verdict::in_order ||
      verdict == OrderChecker::Verdict::out_of_order) {
    store_max(last_handled_, now_ns());
    if (series_ != nullptr) series_->handled(start, start - stamp->sent_ns);
  } else if (verdict == OrderChecker::Verdict::duplicate && attempt > 1) {
    redelivered_duplicates_.fetch_add(1, std::memory_order_relaxed);
  }
  handler_.record(now_ns() - start);
  return verdict;
}

bool Recorder::finished() const noexcept {
  const std::uint64_t got = checker_.distinct();
  return got >= scenario_.messages || got + failed_.load() >= scenario_.messages;
}

std::uint64_t Recorder::activity() const noexcept {
  return checker_.distinct() + checker_.duplicates() + acked_.load() + failed_.load();
}

bool Recorder::wait(std::chrono::milliseconds idle,
                    const std::function<void(std::uint64_t)>& tick) {
  auto last_change = std::chrono::steady_clock::now();
  std::uint64_t last_activity = activity();
  while (!finished()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto now = std::chrono::steady_clock::now();
    if (const std::uint64_t a = activity(); a != last_activity) {
      last_activity = a;
      last_change = now;
    } else if (now - last_change > idle) {
      break;
    }
    if (tick) tick(checker_.distinct());
  }
  return finished();
}

void Recorder::summarize(RunMetrics& out) const {
  out.publish_call = summary(call_);
  out.send = summary(send_);
  out.end_to_end = summary(end_to_end_);
  out.handler = summary(handler_);
  out.acked = acked_.load();
  out.publish_failed = failed_.load();
  out.distinct = checker_.distinct();
  out.duplicates = checker_.duplicates();
  out.redelivered_duplicates = redelivered_duplicates_.load();
  out.order_violations = checker_.order_violations();
  out.unknown = checker_.unknown() + bad_stamps_.load();
  out.success_rate =
      scenario_.messages == 0 ? 0 : static_cast<double>(out.distinct) / scenario_.messages;
  const std::int64_t first = first_sent_.load(), last = last_handled_.load();
  out.seconds = last > first ? static_cast<double>(last - first) / 1e9 : 0;
  out.throughput = out.seconds > 0 ? out.distinct / out.seconds : 0;
}

}  // namespace eventbus::bench
