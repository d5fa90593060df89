// SPDX-License-Identifier: Apache-2.0
// The counters and latency histograms a bus keeps per topic, for the metrics exposition.
//
// Kept cheap on the hot path: every value is a relaxed atomic; a publish finds its topic's
// entry with a lock-free lookup and keeps the pointer in its PendingPublish until it is acked,
// and a subscription route holds its (topic, group) entry for its whole life, so no message
// takes a lock for metrics. Entries live as long as the bus; nothing is ever removed.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/errc_name.hpp"
#include "core/metrics/latency_histogram.hpp"

namespace eventbus::core {

struct Counter {
  std::atomic<std::uint64_t> value{0};
  void add(std::uint64_t n = 1) noexcept { value.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
};

// The publish side of one topic. The two groups are written by different threads (the
// publishing callers; the transport's completion thread), so they sit on separate cache lines.
struct PublishMetrics {
  explicit PublishMetrics(std::string topic_name) : topic(std::move(topic_name)) {}

  const std::string topic;

  alignas(64) Counter published;             // calls handed to the transport
  LatencyHistogram call;                     // time inside publish(), refused calls included
  std::array<Counter, kErrcCount> rejected;  // calls refused before the transport, by errc

  alignas(64) Counter acked;               // completions with success
  LatencyHistogram ack;                    // accepted -> broker ack (successes only)
  std::array<Counter, kErrcCount> failed;  // completions with an error, by errc
};

// The consume side of one (topic, group) of a bus; subscriptions to the same pair share it.
struct ConsumeMetrics {
  ConsumeMetrics(std::string topic_name, std::string group_name)
      : topic(std::move(topic_name)), group(std::move(group_name)) {}

  const std::string topic;
  const std::string group;

  Counter delivered;         // messages handed to a handler (first attempts)
  Counter handled;           // handler successes
  Counter handler_failures;  // handler runs that failed or threw
  Counter retries;           // re-runs scheduled after a failure
  Counter dead_letters;      // messages stored on <topic>.dlq
  Counter decode_errors;     // messages that did not decode as envelopes
  LatencyHistogram handler;  // one handler run
};

class BusMetrics {
 public:
  // Topics tracked one by one on the publish side; later topics add up under kOtherTopics, so
  // a bus publishing to ever new topics cannot grow the exposition without bound.
  static constexpr std::size_t kMaxPublishTopics = 512;
  // Labels that no valid topic name can be (they hold parentheses).
  static constexpr std::string_view kOtherTopics = "(other)";
  static constexpr std::string_view kInvalidTopic = "(invalid)";

  BusMetrics();
  ~BusMetrics();
  BusMetrics(const BusMetrics&) = delete;
  BusMetrics& operator=(const BusMetrics&) = delete;

  // The entry of a topic that passed validate_topic(). Lock-free once the topic was seen; the
  // first call for a topic takes a mutex and allocates.
  PublishMetrics& publishing(std::string_view topic);
  // For refused calls: validates `topic` first; an invalid one counts under kInvalidTopic.
  PublishMetrics& publishing_any(std::string_view topic);
  // The entry of a subscription, created on first use. Takes a mutex: call at subscribe time.
  ConsumeMetrics& consuming(std::string_view topic, std::string_view group);

  // Visit every entry, in creation order (kOtherTopics last), holding off new entries.
  template <typename F>
  void for_each_publishing(F&& visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& entry : publishing_)
      visit(*entry);
    if (other_topics_) visit(*other_topics_);
  }
  template <typename F>
  void for_each_consuming(F&& visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& entry : consuming_)
      visit(*entry);
  }

 private:
  static constexpr std::size_t kSlots = 2 * kMaxPublishTopics;  // a power of two, half empty

  PublishMetrics* find_publishing(std::string_view topic, std::size_t hash) const noexcept;
  PublishMetrics& add_publishing_locked(std::string_view topic);

  // Open addressing, insert-only: readers load slots without the mutex; writers fill an empty
  // slot under it, publishing the entry with a release store.
  std::array<std::atomic<PublishMetrics*>, kSlots> slots_{};
  mutable std::mutex mutex_;  // guards the vectors and inserting into slots_
  std::vector<std::unique_ptr<PublishMetrics>> publishing_;
  std::unique_ptr<PublishMetrics> other_topics_;  // created when the first topic overflows
  std::vector<std::unique_ptr<ConsumeMetrics>> consuming_;
};

}  // namespace eventbus::core
