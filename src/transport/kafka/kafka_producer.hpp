// SPDX-License-Identifier: Apache-2.0
// The producing half of the Kafka transport: one idempotent librdkafka producer, a completion
// thread turning delivery reports into completions, and the topic admin.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_set>

#include "core/log.hpp"
#include "core/publish/topic_preparer.hpp"
#include "core/transport.hpp"
#include "eventbus/options.hpp"
#include "transport/kafka/client_context.hpp"
#include "transport/kafka/kafka_handles.hpp"
#include "transport/kafka/kafka_topic_readiness.hpp"

namespace eventbus::kafka {

class KafkaProducer {
 public:
  KafkaProducer(const BusOptions& options, core::LogPtr log);
  ~KafkaProducer();

  // The topic is made ready (kafka_topic_readiness.hpp) on the preparer's thread first.
  void publish(std::unique_ptr<core::PendingPublish> message);
  // For subscribe(): waits until the preparer made `topic` ready, or `deadline`.
  std::error_code await_topic(const std::string& topic, core::Deadline deadline,
                              std::string& detail);
  // Throws std::system_error (transport_error) naming the brokers when none answers a
  // metadata request within `timeout`.
  void await_broker(std::chrono::milliseconds timeout);
  // Flushes until the deadline, purges the rest (their completions fire as cancelled), stops
  // the completion thread and frees the producer; a topic preparation that a broker holds up
  // finishes in the background.
  void close(core::Deadline deadline);
  // From librdkafka's statistics (every second): a broker connection is up; how many dropped.
  struct Connection {
    bool connected;
    std::uint64_t reconnects;
  };
  Connection connection() const noexcept {
    return {connected_.load(std::memory_order_relaxed),
            disconnects_.load(std::memory_order_relaxed)};
  }

 private:
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) noexcept;
  static int on_statistics(rd_kafka_t*, char* json, size_t size, void* self) noexcept;
  void completion_loop(std::stop_token stop);
  void produce_now(std::unique_ptr<core::PendingPublish> message);
  rd_kafka_resp_err_t produce(core::PendingPublish& message);

  const BusOptions& options_;
  const core::LogPtr log_;
  const ClientContextPtr context_ = std::make_shared<ClientContext>();  // before producer_
  std::shared_ptr<rd_kafka_t> producer_;  // shared with the preparer's topic work
  std::atomic<bool> closed_{false};
  bool offsets_confirmed_ = true;      // acks != 0: a stored message comes back with its offset
  std::atomic<bool> connected_{true};  // await_broker() checked, unless told not to wait
  std::atomic<std::uint64_t> disconnects_{0};
  std::jthread completions_;
  std::shared_ptr<KafkaTopicReadiness> readiness_;  // the preparer's topic work
  std::shared_ptr<core::TopicPreparer> preparer_;   // shared with a background close
};

}  // namespace eventbus::kafka
