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
  jsOptions o;
  jsOptions_Init(&o);
  // Bounded well below close()'s usual deadlines: a monitor sampling a dead server must not
  // hold anything up for long.
  o.Wait = std::min<std::int64_t>(options_.nats.api_timeout.count(), 1000);
  std::vector<PartitionLag> out;
  // js_ is held only while asking: close() resets it under js_mutex_.
  std::lock_guard js_lock(js_mutex_);
  if (!js_) return {};
  for (const auto& consumer : consumers) {
    jsConsumerInfo* raw = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const ConsumerAddress& at = consumer->address();
    const natsStatus s =
        js_GetConsumerInfo(&raw, js_.get(), at.stream.c_str(), at.durable.c_str(), &o, &jerr);
    ConsumerInfoPtr info(raw);
    if (s != NATS_OK || !info) {
      log_->debug("nats", "consumer info for {}: {}", consumer->topic(), natsStatus_GetText(s));
      continue;  // unknown is left out rather than reported as 0
    }
    PartitionLag& lag = out.emplace_back();
    lag.topic = consumer->topic();
    lag.group = consumer->group();
    lag.stream = at.stream;
    lag.consumer = at.durable;
    lag.lost_pull_requests = consumer->lost_requests();
    lag.pending = static_cast<std::int64_t>(info->NumPending);
    lag.unacked = info->NumAckPending;
  }
  return out;
}

}  // namespace eventbus::nats
