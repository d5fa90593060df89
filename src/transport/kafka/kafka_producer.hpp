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
#include "core/transport.hpp"
#include "eventbus/options.hpp"
#include "transport/kafka/client_context.hpp"
#include "transport/kafka/kafka_handles.hpp"

namespace eventbus::kafka {

class KafkaProducer {
 public:
  KafkaProducer(const BusOptions& options, core::LogPtr log);
  ~KafkaProducer();

  void publish(std::unique_ptr<core::PendingPublish> message);
  // Creates or checks `topic` per its TopicOptions, once per topic and producer.
  std::error_code ensure_topic(const std::string& topic, std::string& detail);
  // Throws std::system_error (transport_error) naming the brokers when none answers a
  // metadata request within `timeout`.
  void await_broker(std::chrono::milliseconds timeout);
  // Flushes until the deadline, purges the rest (their completions fire as cancelled), stops
  // the completion thread and frees the producer. Returns how many it cancelled.
  std::uint64_t close(core::Deadline deadline);
  rd_kafka_t* handle() const noexcept { return producer_.get(); }
  // From librdkafka's statistics (every second): a broker connection is up; how many dropped.
  core::ConnectionHealth connection() const noexcept {
    return {connected_.load(std::memory_order_relaxed),
            disconnects_.load(std::memory_order_relaxed)};
  }

 private:
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) noexcept;
  static int on_statistics(rd_kafka_t*, char* json, size_t size, void* self) noexcept;
  void completion_loop(std::stop_token stop);
  rd_kafka_resp_err_t produce(core::PendingPublish& message);

  const BusOptions& options_;
  const core::LogPtr log_;
  const ClientContextPtr context_ = std::make_shared<ClientContext>();  // before producer_
  HandlePtr producer_;
  std::shared_mutex gate_;  // publish() holds it shared; close() takes it to stop intake
  bool closing_ = false;
  bool offsets_confirmed_ = true;  // acks != 0: a stored message comes back with its offset
  std::atomic<std::uint64_t> cancelled_{0};
  std::atomic<bool> connected_{true};  // await_broker() checked, unless told not to wait
  std::atomic<std::uint64_t> disconnects_{0};
  std::mutex topics_mutex_;
  std::unordered_set<std::string> ready_topics_;
  std::jthread completions_;
};

}  // namespace eventbus::kafka
