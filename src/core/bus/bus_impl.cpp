// SPDX-License-Identifier: Apache-2.0
#include "core/bus/bus_impl.hpp"

#include <fmt/format.h>

#include "core/bus/subscription_state.hpp"
#include "core/publish/call_extras.hpp"
#include "core/topic_name.hpp"
#include "core/transport_factory.hpp"
#include "core/wire/traceparent_header.hpp"
#include "eventbus/codec.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

BusOptions checked(BusOptions options) {
  std::string detail;
  if (std::error_code ec = options.validate(&detail)) throw std::system_error(ec, detail);
  return options;
}

core::Deadline room_deadline(const PublishCall& call) {
  if (call.on_full == OverflowPolicy::fail_fast || call.block_timeout.count() <= 0) {
    return core::Deadline::min();
  }
  return core::Clock::now() + call.block_timeout;
}

std::string no_token(std::string_view limit_name, const RateLimit& limit) {
  return fmt::format("{} ({:g}/s, burst {}): no token before the call's deadline", limit_name,
                     limit.per_second, limit.capacity());
}

}  // namespace

Bus::Impl::Impl(BusOptions options)
    : options_(checked(std::move(options))),
      log_(std::make_shared<const core::Log>(options_.log)),
      metrics_link_(std::make_shared<core::MetricsLink>(*this)),
      transport_(core::make_transport(options_, log_)),
      limiter_(options_.publish.max_in_flight),
      publish_limits_(options_, options_.publish.rate_limit, &TopicOptions::publish_rate_limit),
      handle_limits_(options_, options_.dispatch.rate_limit, &TopicOptions::handle_rate_limit) {
  start_monitor();
}

Bus::Impl::~Impl() {
  metrics_link_->cut();  // no registry reads this bus from now on
  close(options_.close_timeout);
  // Handles may outlive the bus: wait for their calls under way, then cut them loose.
  for (const auto& handle : handles_) {
    std::unique_lock lock(handle->mutex);
    handle->idle.wait(lock, [&] { return handle->users == 0; });
    handle->bus = nullptr;
    handle->route = nullptr;
  }
  monitor_.reset();  // joined by close() already, unless close() ran on the monitor thread
  // Order matters: workers may still publish dead letters through the transport and call
  // into routes, so they go first; fetchers (inside the transport) were joined by close().
  if (dispatcher_) dispatcher_->join();
  dispatcher_.reset();
  transport_.reset();
  routes_.clear();
}

// Fires the completion of a call that never reached the transport, on the caller's thread.
std::error_code Bus::Impl::refuse(Completion& done, std::error_code error, std::string_view topic,
                                  std::string_view detail, const Envelope* envelope,
                                  core::Clock::time_point called_at) {
  rejected_.fetch_add(1, std::memory_order_relaxed);
  core::PublishMetrics& metrics = metrics_.publishing_any(topic);
  metrics.rejected[core::errc_index(error)].add();
  metrics.call.observe(core::Clock::now() - called_at);
  PublishResult result;
  result.error = error;
  result.topic = topic;
  result.detail = detail;
  if (envelope != nullptr) {
    result.event_id = envelope->event_id;
    result.aggregate_id = envelope->aggregate_id;
    result.tenant_id = envelope->tenant_id;
  }
  if (done) {
    try {
      done(result);
    } catch (...) {  // the caller gets the exception; the tenant still hears of the outcome
      tenants_.notify(result);
      throw;
    }
  }
  tenants_.notify(result);
  return error;
}

// Everything a publish must pass to be sent: open bus, valid topic, rate-limit tokens, then an
// in-flight slot, the waits for the last two sharing the call's deadline.
std::error_code Bus::Impl::admit(std::string_view topic, Completion& done, const PublishCall& call,
                                 const Envelope* envelope, core::Clock::time_point called_at,
                                 core::PublishMetrics*& metrics) {
  if (!accepting_.load(std::memory_order_acquire)) {
    return refuse(done, errc::closed, topic, "the bus is closed", envelope, called_at);
  }
  std::string detail;
  if (std::error_code ec = core::validate_topic(topic, &detail)) {
    return refuse(done, ec, topic, detail, envelope, called_at);
  }
  const core::Deadline deadline = room_deadline(call);
  if (publish_limits_.limited()) {
    if (std::error_code ec = pass_rate_limits(topic, done, deadline, envelope, called_at)) {
      return ec;
    }
  }
  if (std::error_code ec = limiter_.acquire(deadline)) {
    return refuse(done, ec, topic, ec.message(), envelope, called_at);
  }
  metrics = &metrics_.publishing(topic);
  return {};
}

std::error_code Bus::Impl::pass_rate_limits(std::string_view topic, Completion& done,
                                            core::Deadline deadline, const Envelope* envelope,
                                            core::Clock::time_point called_at) {
  using Outcome = core::RateGate::Outcome;
  switch (publish_limits_.gate(topic).pass(deadline, publish_waits_end_, throttled_)) {
    case Outcome::passed:
    case Outcome::waited:
      return {};
    case Outcome::stopped:
      return refuse(done, errc::closed, topic,
                    "the bus closed while the publish waited for a rate-limit token", envelope,
                    called_at);
    case Outcome::refused_by_bus:
      rate_limited_.fetch_add(1, std::memory_order_relaxed);
      return refuse(done, errc::rate_limited, topic,
                    no_token("publish.rate_limit", options_.publish.rate_limit), envelope,
                    called_at);
    case Outcome::refused_by_topic:
      break;
  }
  rate_limited_.fetch_add(1, std::memory_order_relaxed);
  const std::string name(topic);
  return refuse(done, errc::rate_limited, topic,
                no_token("the publish_rate_limit of topic " + name,
                         options_.topic_options(name).publish_rate_limit),
                envelope, called_at);
}

// The one intake gate: close() takes intake_ exclusively to stop publishes before it closes
// the transport, so no transport ever sees a publish during or after its close.
void Bus::Impl::send(std::unique_ptr<core::PendingPublish> message, core::PublishMetrics& metrics,
                     core::Clock::time_point called_at) {
  message->metrics = &metrics;
  message->accepted_at = core::Clock::now();
  published_.fetch_add(1, std::memory_order_relaxed);
  metrics.published.add();
  std::shared_lock intake(intake_);
  if (!accepting_.load(std::memory_order_relaxed)) {  // close began after admit()
    intake.unlock();
    core::PendingPublish::finish(std::move(message), make_error_code(errc::cancelled), {},
                                 "the bus closed before the publish reached the broker client");
    return;
  }
  transport_->publish(std::move(message));  // may finish it, even on this thread
  intake.unlock();
  metrics.call.observe(core::Clock::now() - called_at);
}

// The caller's key and headers: the rules every transport shares, then the transport's own.
std::error_code Bus::Impl::check_extras(const PublishCall& call, bool envelope,
                                        std::string& detail) const {
  if (call.key.empty() && call.headers.empty()) return {};
  if (std::error_code ec = core::check_call_extras(call, envelope, detail)) return ec;
  return transport_->check_outgoing(call.key, call.headers, detail);
}

// The caller's headers in their order, then the traceparent the bus sends.
void Bus::Impl::add_headers(core::PendingPublish& message, const PublishCall& call,
                            std::string traceparent) {
  if (!call.headers.empty()) message.headers = call.headers;
  if (!traceparent.empty()) {
    message.headers.emplace_back(core::kTraceparentHeader, std::move(traceparent));
  }
}

std::error_code Bus::Impl::publish(std::string_view topic, std::string payload, Completion done,
                                   const PublishCall& call) {
  const core::Clock::time_point called_at = core::Clock::now();
  std::string traceparent, detail;
  if (std::error_code ec = core::outgoing_traceparent(call, nullptr, traceparent, detail)) {
    return refuse(done, ec, topic, detail, nullptr, called_at);
  }
  if (std::error_code ec = check_extras(call, false, detail)) {
    return refuse(done, ec, topic, detail, nullptr, called_at);
  }
  core::PublishMetrics* metrics = nullptr;
  if (std::error_code ec = admit(topic, done, call, nullptr, called_at, metrics)) return ec;
  auto message = std::make_unique<core::PendingPublish>(*this, std::move(done));
  message->topic.assign(topic);
  message->payload = std::move(payload);
  message->key = call.key;
  add_headers(*message, call, std::move(traceparent));
  send(std::move(message), *metrics, called_at);
  return {};
}

std::error_code Bus::Impl::publish_envelope(std::string_view topic, const Envelope& envelope,
                                            Completion done, const PublishCall& call) {
  const core::Clock::time_point called_at = core::Clock::now();
  std::string body;  // encode() reserves what it needs at once
  if (ValidationError invalid = encode(envelope, body)) {
    return refuse(done, invalid.code, topic, invalid.detail, &envelope, called_at);
  }
  std::string traceparent, detail;
  if (std::error_code ec = core::outgoing_traceparent(call, &envelope, traceparent, detail)) {
    return refuse(done, ec, topic, detail, &envelope, called_at);
  }
  if (std::error_code ec = check_extras(call, true, detail)) {
    return refuse(done, ec, topic, detail, &envelope, called_at);
  }
  core::PublishMetrics* metrics = nullptr;
  if (std::error_code ec = admit(topic, done, call, &envelope, called_at, metrics)) return ec;
  auto message = std::make_unique<core::PendingPublish>(*this, std::move(done));
  message->topic.assign(topic);
  message->key = envelope.aggregate_id;
  message->event_id = envelope.event_id;
  message->tenant_id = envelope.tenant_id;
  add_headers(*message, call, std::move(traceparent));
  message->payload = std::move(body);
  message->envelope = &envelope;
  send(std::move(message), *metrics, called_at);
  return {};
}

void Bus::Impl::on_finished(core::PendingPublish& publish, const PublishResult& result) noexcept {
  // Per topic first, then the bus's Stats (a release: stats() reads with acquire), then the
  // completion: whoever waits for either of the later ones finds the earlier ones counted.
  core::PublishMetrics* metrics = publish.metrics;
  if (!result.error) {
    const auto took = core::Clock::now() - publish.accepted_at;
    if (metrics != nullptr) {
      metrics->ack.observe(took);
      metrics->acked.add();
    }
    ack_latency_ns_.fetch_add(static_cast<std::uint64_t>(std::chrono::nanoseconds(took).count()),
                              std::memory_order_relaxed);
    acked_.fetch_add(1, std::memory_order_release);
  } else {
    if (metrics != nullptr) metrics->failed[core::errc_index(result.error)].add();
    failed_.fetch_add(1, std::memory_order_release);
    if (result.error == errc::cancelled) cancelled_.fetch_add(1, std::memory_order_relaxed);
  }
  if (const Completion& done = publish.completion()) {
    try {
      done(result);
    } catch (const std::exception& e) {  // never into the client library's thread
      log_->error("bus", "a publish completion threw: {}", e.what());
    } catch (...) {
      log_->error("bus", "a publish completion threw a non-std::exception");
    }
  }
  tenants_.notify(result);
  limiter_.release();
}

Stats Bus::Impl::stats() const {
  Stats s;
  s.published = published_.load();
  s.acked = acked_.load();
  s.failed = failed_.load();
  s.cancelled = cancelled_.load();
  s.rejected = rejected_.load();
  s.delivered = dispatch_counters_.delivered.load();
  s.handled = dispatch_counters_.handled.load();
  s.retried = dispatch_counters_.retried.load();
  s.dead_lettered = dispatch_counters_.dead_lettered.load();
  s.decode_errors = decode_errors_.load();
  s.rate_limited = rate_limited_.load();
  s.throttled = throttled_.load();
  s.in_flight = limiter_.in_flight();
  if (const core::OrderedDispatcher* d = dispatcher_ptr_.load()) {
    s.lanes_busy = d->lanes_busy();
    s.queued = d->queued();
  }
  return s;
}

}  // namespace eventbus
