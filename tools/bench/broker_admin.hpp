// SPDX-License-Identifier: Apache-2.0
// Removes what a run left on a broker (its NATS streams, its Kafka topics), so repeated runs on
// a long-lived broker neither see each other's messages nor fill its disk. Best effort: a
// failure is reported on stderr, never fails the run.
#pragma once

#include <string>
#include <vector>

#include "settings.hpp"

namespace eventbus::bench {

// The NATS stream the benchmark names for a topic (set through TopicOptions::stream).
std::string nats_stream_name(const std::string& topic);

// Defined only when the transport is built (EVENTBUS_WITH_NATS / EVENTBUS_WITH_KAFKA).
void delete_nats_streams(const std::string& url, const std::vector<std::string>& streams);
void delete_kafka_topics(const std::string& brokers, const std::vector<std::string>& topics);

// The bus's topics on `transport` (memory: nothing to do).
void delete_topics(const Settings& settings, const std::string& transport,
                   const std::vector<std::string>& topics);

// The client library behind a transport, as the thread ledger names it.
std::string library_of(const std::string& transport);

// Threads nats.c starts once per process and keeps until nats_Close() (docs/client-facts.md);
// a bus that ends the library on close (nats.close_library_on_close) leaves none.
inline constexpr std::size_t kNatsProcessThreads = 3;

}  // namespace eventbus::bench
