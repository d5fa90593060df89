// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_transport.hpp"

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_config.hpp"
#include "transport/kafka/kafka_reader.hpp"

namespace eventbus::kafka {

KafkaTransport::KafkaTransport(const BusOptions& options, core::LogPtr log)
    : core::Transport("kafka"),
      options_(options),
      log_(std::move(log)),
      producer_(std::make_unique<KafkaProducer>(options_, log_)) {
  // A bad consumer property fails here, naming it, not at the first subscribe.
  consumer_config(options_, options_.group);
  if (!options_.kafka.retry_on_failed_connect) {
    producer_->await_broker(options_.kafka.connect_timeout);
  }
}

KafkaTransport::~KafkaTransport() {
  stop_consuming(core::Clock::now());
  close(core::Clock::now());
}

Features KafkaTransport::features() const noexcept {
  Features f;
  f.persistent = true;
  f.redelivery = true;
  f.consumer_groups = true;
  f.ordered_per_key = true;
  f.group_members_keep_key_order = true;  // a key's partition belongs to one member at a time
  f.message_keys = true;                  // the record key
  return f;
}

void KafkaTransport::publish(std::unique_ptr<core::PendingPublish> message) {
  producer_->publish(std::move(message));
}

std::error_code KafkaTransport::subscribe(const core::SubscriptionSpec& spec,
                                          core::DeliverySink& sink, std::string& detail) {
  // The topic must exist with its partitions before the group assigns it. Bounded by
  // subscribe_timeout; the preparer's thread does the broker work.
  const core::Deadline deadline = core::Clock::now() + options_.subscribe_timeout;
  if (std::error_code ec = producer_->await_topic(spec.topic, deadline, detail)) return ec;
  std::lock_guard lock(mutex_);
  if (consuming_stopped_) {
    detail = "the bus is closing";
    return make_error_code(errc::closed);
  }
  auto& consumer = consumers_[spec.group];
  try {
    if (!consumer) consumer = std::make_unique<KafkaConsumer>(options_, spec.group, log_);
  } catch (const std::system_error& e) {
    detail = e.what();
    consumers_.erase(spec.group);
    return e.code();
  }
  consumer->add_topic(spec.topic, sink);
  return {};
}

// Asynchronous: the poll thread applies it. Until the rebalance revokes the topic's partitions
// it may still offer their parked records to `sink`, which the bus holds (they stay parked).
void KafkaTransport::unsubscribe(core::DeliverySink& sink, core::Deadline) {
  std::lock_guard lock(mutex_);
  if (consuming_stopped_) return;
  for (auto& [group, consumer] : consumers_) {
    if (consumer->remove_sink(sink)) return;
  }
}

ReadResult KafkaTransport::read(std::string_view topic, const ReadOptions& options,
                                core::Deadline deadline, const core::ReadCallback& fn,
                                std::stop_token stop) {
  return read_topic(options_, log_, topic, options, deadline, fn, stop);
}

core::TransportHealth KafkaTransport::health() {
  const KafkaProducer::Connection connection = producer_->connection();
  core::TransportHealth health{connection.connected, connection.reconnects, {}};
  std::lock_guard lock(mutex_);
  if (consuming_stopped_) return health;
  for (const auto& [group, consumer] : consumers_) {
    std::vector<PartitionLag> part = consumer->lag();
    health.lag.insert(health.lag.end(), std::make_move_iterator(part.begin()),
                      std::make_move_iterator(part.end()));
  }
  return health;
}

void KafkaTransport::stop_consuming(core::Deadline) {
  std::lock_guard lock(mutex_);
  consuming_stopped_ = true;
  for (auto& [group, consumer] : consumers_)
    consumer->stop();
}

void KafkaTransport::close(core::Deadline deadline) {
  std::map<std::string, std::unique_ptr<KafkaConsumer>> consumers;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    consumers.swap(consumers_);
  }
  // Consumers first: they commit what the handlers finished and leave their groups.
  for (auto& [group, consumer] : consumers)
    consumer->close(deadline);
  consumers.clear();
  producer_->close(deadline);
}

}  // namespace eventbus::kafka
