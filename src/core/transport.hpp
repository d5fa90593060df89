// SPDX-License-Identifier: Apache-2.0
// The contract between the Bus and a broker client. Kept small on purpose: the Bus validates,
// encodes, counts, gates intake and dispatches; a transport only moves bytes and reports what
// the broker said.
//
// Threads and ownership: every member is thread-safe. A publish belongs to the transport from
// publish() until it calls PendingPublish::finish, exactly once (on a thread of the transport's
// or the client library's, or on the caller's when it fails before reaching the client). A
// DeliverySink outlives the transport's consuming (until stop_consuming() returned).
// Close, in two steps the Bus calls once each, in order, after it has stopped intake: no
// publish() comes after close() has started.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/deadline.hpp"
#include "core/delivery.hpp"
#include "core/pending_publish.hpp"
#include "eventbus/error.hpp"
#include "eventbus/features.hpp"
#include "eventbus/health.hpp"
#include "eventbus/inspection.hpp"
#include "eventbus/reading.hpp"

namespace eventbus::core {

// Where a transport hands received messages. Implemented by the core (decode + dispatcher).
class DeliverySink {
 public:
  // Never blocks. `full` (its lane is full, or no handling rate-limit token is there): the
  // delivery stays with the caller, who pauses its source and offers it again after
  // wait_for_room(); `closed`: it was nacked and is gone.
  virtual SubmitResult try_deliver(DeliveryPtr& delivery) = 0;
  // Offers the deliveries at the front of `queue` in order, as try_deliver() would, until one
  // meets a full lane (it stays, with every one behind it); true when none is left. Take
  // room_epoch() before. One call for a burst: the sink may take the whole burst at once.
  virtual bool try_deliver_all(std::deque<DeliveryPtr>& queue) {
    while (!queue.empty()) {
      if (try_deliver(queue.front()) == SubmitResult::full) return false;
      queue.pop_front();
    }
    return true;
  }
  // Room is signalled, never polled for: take room_epoch() before offering, and after a `full`
  // wait_for_room(epoch, ...) returns at once if room came meanwhile, else once a lane gets
  // room or a handling token is due, at `until`, or when `stop` is requested.
  virtual std::uint64_t room_epoch() const = 0;
  virtual void wait_for_room(std::uint64_t since, Deadline until, std::stop_token stop) = 0;

 protected:
  ~DeliverySink() = default;
};

struct SubscriptionSpec {
  std::string topic;
  std::string group;
};

// Bus::read's callback, given each stored message in turn (it may move from the message).
using ReadCallback = std::function<ReadStep(StoredMessage&)>;

struct TransportHealth {
  bool connected = true;
  std::uint64_t reconnects = 0;   // connections lost (and made again) since the start
  std::vector<PartitionLag> lag;  // every subscription's backlog, topic and group filled in
};

class Transport {
 public:
  explicit Transport(std::string_view name) noexcept : name_(name) {}
  virtual ~Transport() = default;

  std::string_view name() const noexcept { return name_; }  // "memory", "nats", "kafka"
  virtual Features features() const noexcept = 0;

  // Takes the message (see the ownership rule above).
  virtual void publish(std::unique_ptr<PendingPublish> message) = 0;
  // Refuses a caller's key or header this transport cannot carry (the rules all transports
  // share are checked before, by core/publish/call_extras.hpp): not_supported or
  // invalid_option, `detail` naming it. Default: any key and header goes.
  virtual std::error_code check_outgoing(std::string_view /*key*/, const Headers& /*headers*/,
                                         std::string& /*detail*/) const {
    return {};
  }

  // Starts delivering `spec.topic` for `spec.group` into `sink` from a fetcher of the
  // transport's own. Blocks for the broker work (finding or making the topic, the consumer) up
  // to BusOptions::subscribe_timeout. On failure `detail` says why, in words for the log.
  virtual std::error_code subscribe(const SubscriptionSpec& spec, DeliverySink& sink,
                                    std::string& detail) = 0;

  // Stops delivering into `sink` (one subscription; no effect when it is not one of ours or
  // consuming stopped): what its fetcher still holds goes back to the broker, and no delivery
  // is handed to `sink` once the transport has applied it (memory and NATS: the fetcher is
  // joined before this returns; Kafka: the poll thread applies it at its next turn, offering
  // nothing to `sink` meanwhile that it has not offered before). Acks of deliveries already
  // handed on keep working. The broker-side subscription (a NATS durable, a Kafka group) stays.
  virtual void unsubscribe(DeliverySink& sink, Deadline deadline) = 0;

  // Reads `topic`'s stored messages on the calling thread, one call of `fn` at a time, as
  // ReadOptions says (eventbus/reading.hpp): an anonymous reader leaves nothing on the broker
  // once it returns; a group reader starts at the group's position and, with `commit`, settles
  // each message `fn` returned `next` for before it reads the next one. Without `follow` it
  // stops at the end the topic had when it started. Returns when that end is reached, `fn`
  // returned `stop`, `stop` was requested or the deadline passed (transport_error, saying how
  // far it got). What it fetched and did not settle goes back to the broker at once. A topic
  // that does not exist: unknown_topic. Default: not_supported.
  virtual ReadResult read(std::string_view /*topic*/, const ReadOptions& /*options*/,
                          Deadline /*deadline*/, const ReadCallback& /*fn*/,
                          std::stop_token /*stop*/) {
    return {make_error_code(errc::not_supported), "reading is not supported by this transport", 0};
  }

  // Every topic (Kafka, memory) or stream (NATS) the broker holds, with its messages
  // (eventbus/inspection.hpp), internal ones left out. Each broker call is bounded by the
  // transport's API timeout and by `deadline`; a requested `stop` (close()) ends it between
  // calls (closed). Default: not_supported.
  virtual TopicsReport topics(Deadline /*deadline*/, std::stop_token /*stop*/) {
    return {make_error_code(errc::not_supported),
            "listing topics is not supported by this transport",
            {}};
  }
  // The backlog of `group` on `topic` as the broker stores the group's position (Kafka:
  // committed offsets; NATS: the group's durable consumer), asked now, bounded as topics() is.
  // A topic that does not exist: unknown_topic. A group without a position is no error
  // (GroupLagReport::has_position). Default: not_supported.
  virtual GroupLagReport group_lag(const std::string& group, const std::string& topic,
                                   Deadline /*deadline*/, std::stop_token /*stop*/) {
    GroupLagReport report;
    report.error = make_error_code(errc::not_supported);
    report.detail = "group lag is not supported by this transport";
    report.topic = topic;
    report.group = group;
    return report;
  }

  // The connection now, and the backlog of every subscription. May ask the broker (NATS: one
  // request per subscription, 1 s at most each).
  virtual TransportHealth health() = 0;

  // Close, step 1: no delivery is handed to a sink after this returns; fetchers are joined.
  // Acks and nacks of deliveries already handed out keep working until close().
  virtual void stop_consuming(Deadline deadline) = 0;
  // Close, step 2: outstanding publishes get until the deadline, then finish as cancelled; the
  // client is released and every thread the transport started is joined (or, where a client
  // library cannot be cut short, left to core/background_closes.hpp). Returns by the deadline,
  // plus a few milliseconds.
  virtual void close(Deadline deadline) = 0;

 private:
  const std::string_view name_;  // a literal
};

}  // namespace eventbus::core
