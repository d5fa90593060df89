// SPDX-License-Identifier: Apache-2.0
// One publish on its way to the broker: the message itself plus whom to tell when it lands.
//
// The Bus allocates one PendingPublish per accepted call (the only per-message allocation
// besides the caller's bytes) and hands its ownership to the transport. The transport keeps it
// until the broker answers, then calls finish() exactly once, from whatever thread the client
// library reports on.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "eventbus/envelope.hpp"
#include "eventbus/message.hpp"

namespace eventbus::core {

struct StoredAt {
  std::string_view stream;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
};

class PendingPublish;
struct PublishMetrics;

// Receives every finished publish exactly once (the Bus: counts, frees the in-flight slot,
// runs the caller's completion).
class PublishTracker {
 public:
  virtual void on_finished(PendingPublish& publish, const PublishResult& result) noexcept = 0;

 protected:
  ~PublishTracker() = default;
};

class PendingPublish {
 public:
  PendingPublish(PublishTracker& tracker, Completion done) noexcept
      : tracker_(&tracker), done_(std::move(done)) {}

  std::string topic;
  std::string key;             // the aggregate id; empty for raw messages (no key)
  std::string payload;         // the encoded envelope or the caller's raw bytes
  std::string event_id;        // empty for raw messages
  std::int64_t tenant_id = 0;  // the envelope's; 0 for none and for raw messages
  Headers headers;  // headers the bus adds (dead-letter metadata); transports add their own
  // The envelope being published, for transports that copy its fields into headers.
  // Valid only during Transport::publish(); null for raw messages.
  const Envelope* envelope = nullptr;
  std::chrono::steady_clock::time_point accepted_at;
  // Its topic's counters, found once when the call was accepted; null outside a bus.
  PublishMetrics* metrics = nullptr;

  const Completion& completion() const noexcept { return done_; }

  // Reports the outcome and destroys the publish. Exactly once per publish.
  static void finish(std::unique_ptr<PendingPublish> self, std::error_code error,
                     const StoredAt& where = {}, std::string_view detail = {}) noexcept;

 private:
  PublishTracker* tracker_;
  Completion done_;
};

}  // namespace eventbus::core
