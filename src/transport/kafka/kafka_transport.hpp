// SPDX-License-Identifier: Apache-2.0
// The Kafka transport over librdkafka: an idempotent producer whose delivery reports complete
// publishes, and one consumer-group member per group for all subscribed topics.
// Threads: librdkafka's own (about 3 per client plus one per broker), one completion thread
// for the producer, the topic preparer, one poll thread per consumer; a read runs on its
// caller's thread, with a consumer of its own (kafka_reader.hpp).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/log.hpp"
#include "core/transport.hpp"
#include "eventbus/options.hpp"
#include "transport/kafka/kafka_consumer.hpp"
#include "transport/kafka/kafka_producer.hpp"

namespace eventbus::kafka {

class KafkaTransport final : public core::Transport {
 public:
  KafkaTransport(const BusOptions& options, core::LogPtr log);
  ~KafkaTransport() override;

  Features features() const noexcept override;
  void publish(std::unique_ptr<core::PendingPublish> message) override;
  std::error_code subscribe(const core::SubscriptionSpec& spec, core::DeliverySink& sink,
                            std::string& detail) override;
  core::TransportHealth health() override;
  void unsubscribe(core::DeliverySink& sink, core::Deadline deadline) override;
  ReadResult read(std::string_view topic, const ReadOptions& options, core::Deadline deadline,
                  const core::ReadCallback& fn, std::stop_token stop) override;
  TopicsReport topics(core::Deadline deadline, std::stop_token stop) override;
  GroupLagReport group_lag(const std::string& group, const std::string& topic,
                           core::Deadline deadline, std::stop_token stop) override;
  void stop_consuming(core::Deadline deadline) override;
  void close(core::Deadline deadline) override;

 private:
  const BusOptions options_;
  const core::LogPtr log_;
  std::unique_ptr<KafkaProducer> producer_;
  mutable std::mutex mutex_;
  bool consuming_stopped_ = false;
  bool closed_ = false;
  std::map<std::string, std::unique_ptr<KafkaConsumer>> consumers_;  // by group
};

}  // namespace eventbus::kafka
