#include "core/bus_impl.hpp"

#include <spdlog/spdlog.h>

#include "core/topic_name.hpp"
#include "core/transport_factory.hpp"
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

}  // namespace

Bus::Impl::Impl(BusOptions options)
    : options_(checked(std::move(options))),
      metrics_link_(std::make_shared<core::MetricsLink>(*this)),
      transport_(core::make_transport(options_)),
      limiter_(options_.publish.max_in_flight) {}

Bus::Impl::~Impl() {
  metrics_link_->cut();  // no registry reads this bus from now on
  close(options_.close_timeout);
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
  if (done) {
    PublishResult result;
    result.error = error;
    result.topic = topic;
    result.detail = detail;
    if (envelope != nullptr) {
      result.event_id = envelope->event_id;
      result.aggregate_id = envelope->aggregate_id;
    }
    done(result);
  }
  return error;
}

// Everything a publish must pass before it takes an in-flight slot: open bus, valid topic.
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
  if (std::error_code ec = limiter_.acquire(room_deadline(call))) {
    return refuse(done, ec, topic, ec.message(), envelope, called_at);
  }
  metrics = &metrics_.publishing(topic);
  return {};
}

void Bus::Impl::send(std::unique_ptr<core::PendingPublish> message, core::PublishMetrics& metrics,
                     core::Clock::time_point called_at) {
  message->metrics = &metrics;
  message->accepted_at = core::Clock::now();
  published_.fetch_add(1, std::memory_order_relaxed);
  metrics.published.add();
  transport_->publish(std::move(message));  // may finish it, even on this thread
  metrics.call.observe(core::Clock::now() - called_at);
}

std::error_code Bus::Impl::publish(std::string_view topic, std::string payload, Completion done,
                                   const PublishCall& call) {
  const core::Clock::time_point called_at = core::Clock::now();
  core::PublishMetrics* metrics = nullptr;
  if (std::error_code ec = admit(topic, done, call, nullptr, called_at, metrics)) return ec;
  auto message = std::make_unique<core::PendingPublish>(*this, std::move(done));
  message->topic.assign(topic);
  message->payload = std::move(payload);
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
  core::PublishMetrics* metrics = nullptr;
  if (std::error_code ec = admit(topic, done, call, &envelope, called_at, metrics)) return ec;
  auto message = std::make_unique<core::PendingPublish>(*this, std::move(done));
  message->topic.assign(topic);
  message->key = envelope.aggregate_id;
  message->event_id = envelope.event_id;
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
    if (metrics != nullptr) {
      metrics->ack.observe(core::Clock::now() - publish.accepted_at);
      metrics->acked.add();
    }
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
      spdlog::error("eventbus: a publish completion threw: {}", e.what());
    } catch (...) {
      spdlog::error("eventbus: a publish completion threw a non-std::exception");
    }
  }
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
  s.in_flight = limiter_.in_flight();
  if (const core::OrderedDispatcher* d = dispatcher_ptr_.load()) {
    s.lanes_busy = d->lanes_busy();
    s.queued = d->queued();
  }
  return s;
}

}  // namespace eventbus
