// SPDX-License-Identifier: Apache-2.0
// What one measured run (one transport, one level, one repeat; the bus or a raw client)
// produced: plain data, filled by the runners and read by every report.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace eventbus::bench {

struct LatencySummary {  // nanoseconds
  std::uint64_t count = 0;
  double mean = 0;
  std::int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};

// RunMetrics::client: the bus, or a client library used directly (a baseline). NATS has two
// baselines: its Fetch consumer (what the bus's transport uses) and its push consumer (nats.c's
// fastest way to consume, the ceiling).
inline constexpr const char* kBusClient = "bus";
inline constexpr const char* kRawClient = "raw";           // nats.c Fetch / librdkafka
inline constexpr const char* kRawPushClient = "raw-push";  // nats.c push consumer

struct RunMetrics {
  std::string transport;  // memory | nats | kafka
  std::string client;     // kBusClient, kRawClient or kRawPushClient
  std::string level;
  std::uint64_t messages = 0;
  std::uint64_t aggregates = 0;
  std::uint64_t repeat = 0;
  std::string error;  // set when the run could not be set up or did not finish

  // first publish call -> the handler that completed the set (no sleeps inside).
  double seconds = 0;
  double throughput = 0;  // distinct messages handled / seconds
  double warmup_ms = 0;   // subscribing until one message per topic went round (not measured)
  double close_ms = 0;

  LatencySummary publish_call;  // the publish call itself
  LatencySummary send;          // call -> broker ack (the completion)
  LatencySummary end_to_end;    // just before the call -> handler start
  LatencySummary handler;       // the handler's own time

  std::uint64_t acked = 0;
  std::uint64_t publish_failed = 0;  // refused or failed completions
  std::uint64_t distinct = 0;        // distinct messages handled
  std::uint64_t duplicates = 0;
  std::uint64_t redelivered_duplicates = 0;  // duplicates delivered with Message::attempt > 1
  std::uint64_t order_violations = 0;
  std::uint64_t unknown = 0;  // messages not of this run (should be 0)
  double success_rate = 0;    // distinct / messages

  std::uint64_t threads_before = 0;  // process threads before the client existed
  std::uint64_t peak_threads = 0;
  std::uint64_t threads_after = 0;     // after close, allowing ~1 s for library threads to end
  std::uint64_t threads_expected = 0;  // threads_before + the library's process-wide threads
  std::int64_t leaked_threads = 0;     // threads_after - threads_expected when positive
  std::uint64_t rss_before = 0, peak_rss = 0, rss_after = 0;  // bytes
  std::uint64_t heap_before = 0, heap_after = 0;  // bytes held from malloc (heap_in_use())

  bool lost() const { return distinct < messages; }
};

inline RunMetrics new_run(std::string transport, std::string client, std::string level,
                          std::uint64_t messages, std::uint64_t aggregates, std::uint64_t repeat) {
  RunMetrics m;
  m.transport = std::move(transport);
  m.client = std::move(client);
  m.level = std::move(level);
  m.messages = messages;
  m.aggregates = aggregates;
  m.repeat = repeat;
  return m;
}

}  // namespace eventbus::bench
