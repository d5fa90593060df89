// SPDX-License-Identifier: Apache-2.0
// What health() asks of the NATS transport: the connection's state, and each durable
// consumer's backlog as the server counts it (NumPending: not yet delivered; NumAckPending:
// delivered, not acked).

#include <algorithm>

#include "transport/nats/nats_transport.hpp"

namespace eventbus::nats {

core::TransportHealth NatsTransport::health() {
  core::TransportHealth health;
  {
    std::lock_guard lock(consumers_mutex_);
    health.connected = connection_ && connection_->connected();
    health.reconnects = connection_ ? connection_->reconnects() : 0;
  }
  if (health.connected) health.lag = lag();  // no request can be answered: do not wait
  return health;
}

// One request per consumer, made with copies of the consumers: close() may clear the list
// meanwhile, and a consumer keeps its subscription and connection alive while we hold it.
std::vector<PartitionLag> NatsTransport::lag() {
  std::vector<std::shared_ptr<NatsConsumer>> consumers;
  {
    std::lock_guard lock(consumers_mutex_);
    if (consuming_stopped_) return {};
    consumers = consumers_;
  }
  // Bounded well below close()'s usual deadlines: a monitor sampling a dead server must not
  // hold anything up for long.
  const auto wait = std::min(options_.nats.api_timeout, std::chrono::milliseconds(1000));
  std::vector<PartitionLag> out;
  for (const auto& consumer : consumers) {
    const ConsumerAddress& at = consumer->address();
    const ApiAnswer info =
        api_->request("CONSUMER.INFO." + at.stream + "." + at.durable, nullptr, wait);
    if (!info.ok()) {
      log_->debug("nats", "consumer info for {}: {}", consumer->topic(), info.text);
      continue;  // unknown is left out rather than reported as 0
    }
    PartitionLag& lag = out.emplace_back();
    lag.topic = consumer->topic();
    lag.group = consumer->group();
    lag.stream = at.stream;
    lag.consumer = at.durable;
    lag.pending = info.body.value("num_pending", std::int64_t{0});
    lag.unacked = info.body.value("num_ack_pending", std::int64_t{0});
    lag.lost_pull_requests = consumer->lost_requests();
  }
  return out;
}

}  // namespace eventbus::nats
