// The contract between the Bus and a broker client. Kept small on purpose: the Bus validates,
// encodes, counts and dispatches; a transport only moves bytes and reports what the broker said.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/delivery.hpp"
#include "core/dispatch/ordered_dispatcher.hpp"
#include "core/pending_publish.hpp"
#include "eventbus/features.hpp"
#include "eventbus/health.hpp"

namespace eventbus::core {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// Milliseconds left until `deadline`, clamped to 0..24 h: what C client calls take as an int
// timeout.
inline int ms_left(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(
      std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 24 * 3600 * 1000));
}

// Where a transport hands received messages. Implemented by the core (decode + dispatcher).
class DeliverySink {
 public:
  // Takes the delivery. Blocks while the dispatcher's lane for it is full or a handling rate
  // limit has no token for it (this is how fetching pauses); once the sink is stopping it nacks
  // the delivery and returns at once.
  virtual void deliver(DeliveryPtr delivery) = 0;
  // Never blocks. `full` (its lane is full, or no handling rate-limit token is there): the
  // delivery stays with the caller, who pauses its source and offers it again later; `closed`:
  // it was nacked and is gone.
  virtual SubmitResult try_deliver(DeliveryPtr& delivery) = 0;

 protected:
  ~DeliverySink() = default;
};

struct ConnectionHealth {
  bool connected = true;
  std::uint64_t reconnects = 0;
};

struct SubscriptionSpec {
  std::string topic;
  std::string group;
};

class Transport {
 public:
  virtual ~Transport() = default;

  virtual std::string_view name() const noexcept = 0;
  virtual Features features() const noexcept = 0;

  // Takes the message; calls PendingPublish::finish exactly once, from the transport's
  // completion thread, or from the calling thread when it fails before reaching the client.
  // Thread-safe.
  virtual void publish(std::unique_ptr<PendingPublish> message) = 0;

  // Starts delivering `spec.topic` for `spec.group` into `sink` from a fetcher of the
  // transport's own. The sink outlives the transport's consuming (see stop_consuming).
  virtual std::error_code subscribe(const SubscriptionSpec& spec, DeliverySink& sink) = 0;

  // Whether the client is connected now, and how often it lost its connection. Thread-safe.
  virtual ConnectionHealth connection_health() const { return {}; }
  // The backlog of every subscription (topic and group filled in). May ask the broker (NATS:
  // one request per subscription). Thread-safe; empty after stop_consuming().
  virtual std::vector<PartitionLag> lag() { return {}; }

  // Close, step 1: no delivery is handed to a sink after this returns; fetchers are joined.
  // Acks and nacks of deliveries already handed out keep working until close().
  virtual void stop_consuming(Deadline deadline) = 0;

  // Close, step 2: waits for outstanding publishes up to the deadline, then finishes the rest
  // as cancelled, releases the client and joins every thread the transport started.
  // Returns how many publishes it cancelled.
  virtual std::uint64_t close(Deadline deadline) = 0;
};

}  // namespace eventbus::core
