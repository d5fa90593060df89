// SPDX-License-Identifier: Apache-2.0
/// @file
/// The one API over every transport: publish (raw or envelope), subscribe, stats and close.
///
/// Threads: a bus starts the transport's client threads, at most one completion thread, the
/// dispatcher's workers, one fetcher per subscription and, only when heartbeats or monitor
/// thresholds are on, one monitor thread. close() joins all of them.
/// Every public member is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>

#include "eventbus/dead_letters.hpp"
#include "eventbus/envelope.hpp"
#include "eventbus/features.hpp"
#include "eventbus/health.hpp"
#include "eventbus/inspection.hpp"
#include "eventbus/message.hpp"
#include "eventbus/options.hpp"
#include "eventbus/reading.hpp"
#include "eventbus/stats.hpp"
#include "eventbus/subscription.hpp"

namespace eventbus {

/// A handler of raw messages (Bus::subscribe): its verdict decides ack, retry or dead letter.
using RawHandler = std::function<HandlerResult(const Message&)>;
/// A handler of envelopes (Bus::subscribe_envelope): the decoded envelope and its message.
using EnvelopeHandler = std::function<HandlerResult(const Envelope&, const Message&)>;

/// Overrides the bus's PublishOptions for one call. Its own defaults (block, 5 s) apply to a
/// call given a PublishCall, not those of BusOptions::publish.
struct PublishCall {
  /// At the in-flight bound or a rate limit: block (up to block_timeout) or fail at once.
  OverflowPolicy on_full = OverflowPolicy::block;
  /// How long `block` waits for room; 0 behaves like fail_fast.
  milliseconds block_timeout{5000};
  /// A W3C traceparent sent as the message's `traceparent` header, as given. Default empty: raw
  /// publishes send none; an envelope whose trace_id is a W3C trace id (32 lowercase hex) gets
  /// one with that trace id, a new parent id and flags 01. Invalid: the call is refused with
  /// invalid_traceparent.
  std::string traceparent;
  /// Raw publishes only: the message's key. Kafka: the record key, so records with one key land
  /// on one partition (the same partitioner as envelopes' aggregate ids) and a reader's lanes
  /// keep their order; memory: the message key. NATS messages have no key: a key there fails the
  /// call with not_supported (an `X-Aggregate-ID` header keeps a raw message's aggregate in one
  /// lane for eventbus readers). An envelope's key is its aggregate_id: a key given with
  /// publish_envelope fails with invalid_option. Empty: no key.
  std::string key;
  /// Headers sent with the message, in this order; a name may repeat. Kafka record headers,
  /// NATS headers, memory headers. Refused with invalid_option, the detail naming the header: an
  /// empty name or one holding a NUL byte; `traceparent` (set the field above, which is
  /// checked); on envelope publishes the names the bus writes from the envelope (X-Event-ID,
  /// X-Aggregate-ID, X-Event-Version, X-Event-Type, X-Trace-ID, X-Correlation-ID, X-Tenant-ID,
  /// Nats-Msg-Id); on NATS a name outside printable ASCII or holding ':', or a value holding CR,
  /// LF or NUL (NATS headers are text lines). Names are compared without regard to case.
  Headers headers;
};

/// Options of one subscribe call.
struct SubscribeOptions {
  std::string group;  ///< consumer group; empty means BusOptions::group
};

/// A publish result that owns its strings, for the blocking call (PublishResult's fields).
struct OwnedPublishResult {
  std::error_code error;        ///< empty when the broker acknowledged the message
  std::string topic;            ///< the topic published to
  std::string event_id;         ///< the envelope's event id
  std::string aggregate_id;     ///< the envelope's aggregate id
  std::string detail;           ///< the broker's or client library's words when error is set
  std::string stream;           ///< where it was stored: NATS stream, Kafka or memory topic
  std::int32_t partition = -1;  ///< Kafka partition; 0 for memory and NATS
  std::int64_t offset = -1;     ///< Kafka offset, NATS stream sequence, memory sequence
  std::int64_t tenant_id = 0;   ///< the envelope's tenant_id; 0 when none
};

/// What close() could not finish before its deadline.
struct CloseReport {
  std::error_code error;                  ///< empty when everything finished in time
  std::uint64_t cancelled_publishes = 0;  ///< completions fired as cancelled
  std::uint64_t abandoned_messages = 0;   ///< deliveries left unacked (they will be redelivered)
  /// Handlers still running at the deadline. close() returns without them; the Bus's
  /// destructor waits for them to return.
  std::uint64_t stuck_handlers = 0;
};

/// A bus on one transport (BusOptions::transport): memory, nats or kafka.
class Bus {
 public:
  /// Connects within the transport's connect timeout (at once with retry_on_failed_connect).
  /// Errors (std::system_error): invalid_option or unknown_transport naming the option;
  /// transport_error naming the servers when no broker answers in time.
  explicit Bus(BusOptions options);
  /// Closes with BusOptions::close_timeout; never throws.
  ~Bus();
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  /// @name Publishing
  /// Asynchronous publishes. The completion fires exactly once per call: on the transport's
  /// completion thread once the broker acks or fails the message, or on the calling thread
  /// before return when the call is refused (invalid input, closed, in-flight bound or rate
  /// limit under fail_fast or block timeout). The return value is that refusal, or empty when
  /// accepted. Never waits longer than PublishCall::block_timeout.
  /// Errors (returned): closed, invalid_topic, the envelope's invalid_* field, in_flight_limit
  /// (fail_fast), publish_timeout (no room within block_timeout), rate_limited,
  /// invalid_traceparent, invalid_option or not_supported (a PublishCall key or header that
  /// cannot be sent, named in the completion's detail). Errors (completion): publish_timeout
  /// (no ack within publish.ack_timeout, its detail naming the cause), rejected,
  /// message_too_large, cancelled (close), transport_error.
  ///@{

  /// Raw bytes, as they are, with BusOptions::publish's overflow policy and block timeout.
  std::error_code publish(std::string_view topic, std::string payload, Completion done = {});
  /// Raw bytes with `call`'s overflow policy, block timeout, traceparent, key and headers.
  std::error_code publish(std::string_view topic, std::string payload, Completion done,
                          const PublishCall& call);
  /// An envelope, validated and encoded (docs/wire-format.md), keyed by its aggregate id.
  std::error_code publish_envelope(std::string_view topic, const Envelope& envelope,
                                   Completion done = {});
  /// An envelope with `call`'s overflow policy, block timeout, traceparent and headers.
  std::error_code publish_envelope(std::string_view topic, const Envelope& envelope,
                                   Completion done, const PublishCall& call);
  ///@}

  /// Blocks until the completion fires; waits at most `timeout` (then publish_timeout; the
  /// message may still be stored later). Errors: those of publish_envelope, in the result.
  OwnedPublishResult publish_envelope_sync(std::string_view topic, const Envelope& envelope,
                                           milliseconds timeout = milliseconds{30000});

  /// Routes the outcome of every publish of an envelope with this tenant_id (ack, failure,
  /// refusal, cancellation by close) to `done` too: it runs once per call, after the call's own
  /// completion, on the same thread, so it may run on several threads at once. Replaces an
  /// earlier callback of the tenant; a publish whose completion is already running may still
  /// see the earlier one. Errors: invalid_option for tenant 0 (no tenant) or an empty `done`.
  std::error_code set_tenant_completion(std::int64_t tenant_id, Completion done);
  /// Stops routing the tenant's outcomes (no effect when none is set).
  void remove_tenant_completion(std::int64_t tenant_id);

  /// @name Subscribing
  /// Handlers run on the dispatcher's lane workers, one message of a lane at a time.
  /// Envelope topics decode each message; one that does not decode goes to "<topic>.dlq".
  /// Waits for the broker work (finding or making the topic, the consumer) up to
  /// subscribe_timeout; the log says why a subscription failed.
  /// Errors: closed, invalid_topic, invalid_option (a topic option the broker or the rule
  /// refuses), rejected (the broker refused), transport_error (no broker answered in time).
  /// Returns a handle to pause, resume or end the subscription (eventbus/subscription.hpp);
  /// its error() is the call's outcome.
  ///@{

  /// Raw messages: the handler gets the bytes as they arrived.
  Subscription subscribe(std::string_view topic, RawHandler handler,
                         const SubscribeOptions& options = {});
  /// Envelopes: each message is decoded first; one that does not decode is dead-lettered.
  Subscription subscribe_envelope(std::string_view topic, EnvelopeHandler handler,
                                  const SubscribeOptions& options = {});
  ///@}

  /// @name Reading and dead letters
  /// What an operator's tool needs (the `eventbus` command line's tail, dlq list and dlq
  /// replay). Each runs on the calling thread and returns by its timeout (a replay's publish
  /// waiting for its ack: by publish.ack_timeout after it), or soon after close() starts.
  /// close() from inside one of them returns close_from_handler.
  ///@{

  /// Calls `fn` with each stored message of `topic` in turn, as `options` says (where to
  /// start, up to the end or following it, a consumer group's position and settling; see
  /// eventbus/reading.hpp). Stops when `fn` returns ReadStep::stop or `stop` is requested.
  /// Memory, NATS and Kafka. Errors (in the result, with a detail): unknown_topic,
  /// invalid_topic, invalid_option, transport_error (no broker, or the deadline, saying how
  /// far it got), closed.
  ReadResult read(std::string_view topic, const ReadOptions& options,
                  const std::function<ReadStep(const StoredMessage&)>& fn,
                  std::stop_token stop = {});
  /// The unsettled dead letters of `topic` (on "<topic>.dlq", after the replay group's
  /// position) the filter selects, oldest first; moves nothing.
  DeadLetterReport list_dead_letters(std::string_view topic, const DeadLetterOptions& options = {});
  /// Replays the unsettled dead letters of `topic` the filter selects, oldest first (an
  /// aggregate's in their order): each is published to its original topic with its raw bytes,
  /// key and the event's headers plus X-Replay-Count, and settled in the replay group once
  /// that publish is acked. One the filter leaves out is stored again on "<topic>.dlq" (and
  /// its old copy settled), so it stays for a later replay. A failed publish stops the replay
  /// there, that dead letter unsettled. `dry_run`: lists instead (list_dead_letters).
  /// At-least-once: a replay interrupted between a publish's ack and the settling publishes
  /// that dead letter again when run again (NATS drops that copy within the stream's duplicate
  /// window: the replay's Nats-Msg-Id is "<event id>:replay:<count>").
  DeadLetterReport replay_dead_letters(std::string_view topic,
                                       const DeadLetterOptions& options = {});
  ///@}

  /// @name Inspection
  /// What the `eventbus topics` and `eventbus lag` commands show, asked of the broker now
  /// (eventbus/inspection.hpp). Each broker call waits up to the transport's API timeout
  /// (nats.api_timeout, kafka.admin_timeout), the whole query up to `timeout`; close() ends one
  /// under way (closed). Memory, NATS and Kafka.
  ///@{

  /// Every topic (Kafka, memory) or stream (NATS) with its messages (and partitions, subjects,
  /// bytes as the broker says them), by name; internal ones (names starting "__") left out.
  /// Errors (in the report, with a detail): transport_error (no broker answered in time; the
  /// detail names the servers, never a password), invalid_option (timeout <= 0), closed.
  TopicsReport topics(milliseconds timeout = milliseconds{30000});
  /// The backlog of consumer group `group` (empty: BusOptions::group) on `topic`: per Kafka
  /// partition its committed offset, high watermark and lag; for NATS the group's durable
  /// consumer's pending and ack-pending counts. A group that consumed nothing yet is no error:
  /// has_position is false and the lag counts every message. Errors (in the report):
  /// unknown_topic naming the topic, invalid_topic, invalid_option, transport_error, closed.
  GroupLagReport group_lag(std::string_view group, std::string_view topic,
                           milliseconds timeout = milliseconds{30000});
  ///@}

  /// Stops intake, drains lanes, flushes publishes and joins every thread, all within
  /// `timeout`. Safe from several threads at once: all callers get the first close's report.
  /// From inside a handler it returns close_from_handler at once instead of waiting for itself.
  /// Returns by `timeout` plus a few milliseconds whatever the broker does (docs/deadlines.md).
  /// Errors (CloseReport::error): close_from_handler; close_incomplete when publishes were
  /// cancelled, messages abandoned or handlers still ran at the deadline.
  CloseReport close(milliseconds timeout);

  /// A snapshot of this bus's counters.
  Stats stats() const;
  /// Connection, per-subscription progress and lag (see eventbus/health.hpp). For NATS it asks
  /// the server about each subscription's consumer (a round trip each, bounded by
  /// nats.api_timeout, a second at most); never blocks on a handler.
  Health health() const;
  /// Replaces the handler of the monitor thread's alerts (empty: alerts are only logged).
  void set_alert_handler(AlertHandler handler);
  /// This bus's metrics in the Prometheus text format (see eventbus/metrics.hpp), process-wide
  /// families included. Several buses together: MetricsRegistry or prometheus_text().
  std::string metrics_text() const;
  /// What this bus's transport can do.
  Features features() const;
  /// "memory", "nats" or "kafka".
  std::string_view transport_name() const;

  /// The bus's state, inside the library.
  class Impl;

 private:
  friend class MetricsRegistry;  // reads the bus's metrics link
  std::unique_ptr<Impl> impl_;
};

/// close() returns by its deadline whatever a broker does; what a client library cannot finish
/// by then (librdkafka destroys a consumer only once its last commit and group leave are answered
/// or time out, up to ~10 s against a broker that does not answer) finishes on one process-wide
/// background thread, which exists only while there is such work. Waits until that work is done
/// and the thread is joined; true when nothing is left, false when `timeout` passed first. Call it
/// before checking that every thread is gone, or before exit to let the last commits land.
bool await_background_closes(milliseconds timeout);

}  // namespace eventbus
