// SPDX-License-Identifier: Apache-2.0
// health() and the monitor thread's wiring: the parts of Bus::Impl that observe it.

#include <map>

#include "core/bus/bus_impl.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

std::string heartbeat_group(const BusOptions& o) {
  return o.heartbeat.group.empty() ? o.group + ".health." + o.client_name : o.heartbeat.group;
}

}  // namespace

Health Bus::Impl::health() const {
  Health h;
  h.transport = std::string(transport_->name());
  h.closed = !accepting_.load(std::memory_order_acquire);
  h.publish_in_flight = limiter_.in_flight();
  if (monitor_) h.last_heartbeat = monitor_->last_heartbeat();
  std::vector<const core::SubscriptionRoute*> routes;
  {
    std::lock_guard lock(subscriptions_mutex_);
    for (const auto& route : routes_) {
      if (!route->unsubscribed()) routes.push_back(route.get());  // routes live as long as the bus
    }
  }
  const auto now = core::Clock::now();
  for (const core::SubscriptionRoute* route : routes) {
    SubscriptionHealth& s = h.subscriptions.emplace_back();
    s.topic = route->topic();
    s.group = route->group();
    route->progress().fill(s, now, options_.monitor.stall_after);
    s.paused = route->paused();
  }
  if (h.closed) return h;
  // NATS: a round trip per subscription, made without our locks held.
  core::TransportHealth transport = transport_->health();
  h.connected = transport.connected;
  h.reconnects = transport.reconnects;
  h.lag = std::move(transport.lag);
  std::map<std::pair<std::string, std::string>, std::int64_t> lag_of;
  for (const PartitionLag& p : h.lag)
    lag_of[{p.topic, p.group}] += p.lag();
  for (SubscriptionHealth& s : h.subscriptions) {
    if (const auto it = lag_of.find({s.topic, s.group}); it != lag_of.end()) s.lag = it->second;
  }
  return h;
}

void Bus::Impl::set_alert_handler(AlertHandler handler) {
  if (monitor_) monitor_->set_handler(std::move(handler));
}

// After the transport exists: heartbeats go through it, and their watcher is a subscription.
void Bus::Impl::start_monitor() {
  if (!core::BusMonitor::wanted(options_)) return;
  core::BusMonitor::Hooks hooks;
  hooks.sample = [this] { return health(); };
  hooks.ack_totals = [this] {
    // count second: a concurrent ack may add to the sum first, never the other way round
    const std::uint64_t sum = ack_latency_ns_.load(std::memory_order_relaxed);
    return std::make_pair(sum, acked_.load(std::memory_order_relaxed));
  };
  hooks.publish = [this](std::string payload) {
    const std::string& topic = options_.heartbeat.topic;
    publish(
        topic, std::move(payload),
        [topic, log = log_](const PublishResult& r) {
          if (r.error) {
            log->warn("monitor", "heartbeat on '{}' failed: {} {}", topic, r.error.message(),
                      r.detail);
          }
        },
        PublishCall{.on_full = OverflowPolicy::block,
                    .block_timeout = options_.heartbeat.timeout,
                    .traceparent = {},
                    .key = {},
                    .headers = {}});
  };
  monitor_ = std::make_unique<core::BusMonitor>(options_, log_, std::move(hooks));
  if (!options_.heartbeat.watch) {
    monitor_->start();
    return;
  }
  core::BusMonitor* monitor = monitor_.get();
  const RawHandler watch = [monitor](const Message& m) {
    std::string error;
    const auto beat = core::decode_heartbeat(m.payload, error);
    if (!beat) return HandlerResult::fail(error);  // to the dead-letter topic, with the reason
    monitor->heartbeat_received(*beat);
    return HandlerResult::ok();
  };
  SubscribeOptions subscribe_options;
  subscribe_options.group = heartbeat_group(options_);
  if (std::error_code ec = subscribe(options_.heartbeat.topic, watch, subscribe_options).error()) {
    monitor_->stop();
    throw std::system_error(
        ec, "heartbeat.topic: cannot subscribe to '" + options_.heartbeat.topic + "'");
  }
  monitor_->start();
}

}  // namespace eventbus
