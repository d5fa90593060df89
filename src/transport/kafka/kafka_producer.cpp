// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_producer.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/background_closes.hpp"
#include "eventbus/error.hpp"
#include "transport/kafka/kafka_config.hpp"
#include "transport/kafka/kafka_topic_readiness.hpp"

namespace eventbus::kafka {
namespace {

// docs/wire-format.md's headers: always id, aggregate, version and type; the optional ones when
// set.
void add_envelope_headers(rd_kafka_headers_t* h, const Envelope& e) {
  const auto add = [h](const char* name, const std::string& value) {
    rd_kafka_header_add(h, name, -1, value.data(), static_cast<ssize_t>(value.size()));
  };
  add("X-Event-ID", e.event_id);
  add("X-Aggregate-ID", e.aggregate_id);
  add("X-Event-Version", std::to_string(e.event_version));
  add("X-Event-Type", e.event_type);
  if (!e.trace_id.empty()) add("X-Trace-ID", e.trace_id);
  if (!e.correlation_id.empty()) add("X-Correlation-ID", e.correlation_id);
  if (e.tenant_id != 0) add("X-Tenant-ID", std::to_string(e.tenant_id));
}

// The same headers as Headers, for a publish that waits for its topic past the call.
void envelope_headers(const Envelope& e, Headers& out) {
  out.emplace_back("X-Event-ID", e.event_id);
  out.emplace_back("X-Aggregate-ID", e.aggregate_id);
  out.emplace_back("X-Event-Version", std::to_string(e.event_version));
  out.emplace_back("X-Event-Type", e.event_type);
  if (!e.trace_id.empty()) out.emplace_back("X-Trace-ID", e.trace_id);
  if (!e.correlation_id.empty()) out.emplace_back("X-Correlation-ID", e.correlation_id);
  if (e.tenant_id != 0) out.emplace_back("X-Tenant-ID", std::to_string(e.tenant_id));
}

}  // namespace

KafkaProducer::KafkaProducer(const BusOptions& options, core::LogPtr log)
    : options_(options), log_(std::move(log)) {
  ConfPtr conf = producer_config(options);
  char acks[16] = "";
  size_t acks_size = sizeof acks;
  rd_kafka_conf_get(conf.get(), "acks", acks, &acks_size);
  offsets_confirmed_ = std::string_view(acks) != "0";  // acks=0: the broker never answers
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaProducer::on_delivery);
  rd_kafka_conf_set_stats_cb(conf.get(), &KafkaProducer::on_statistics);
  context_->log = log_;
  context_->owner = this;
  attach_context(conf.get(), *context_);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error);
  if (rk == nullptr) {
    throw std::system_error(make_error_code(errc::transport_error),
                            std::string("kafka: producer: ") + error);
  }
  static_cast<void>(conf.release());  // rd_kafka_new took it
  producer_.reset(rk, &rd_kafka_destroy);
  completions_ = std::jthread([this](std::stop_token stop) { completion_loop(stop); });
  // The preparer's topic work holds only what it shares (see kafka_topic_readiness.hpp).
  readiness_ = std::make_shared<KafkaTopicReadiness>(producer_, options_, log_);
  core::TopicPreparer::Hooks hooks;
  hooks.prepare = [readiness = readiness_](const std::string& topic, bool, core::Deadline deadline,
                                           std::string& detail) {
    return readiness->prepare(topic, deadline, detail);
  };
  hooks.send = [this](std::unique_ptr<core::PendingPublish> m) { produce_now(std::move(m)); };
  hooks.hold = [](core::PendingPublish& m) {  // the envelope is the caller's, valid only now
    if (m.envelope == nullptr) return;
    Headers own;
    envelope_headers(*m.envelope, own);
    own.insert(own.end(), m.headers.begin(), m.headers.end());
    m.headers = std::move(own);
    m.envelope = nullptr;
  };
  preparer_ = std::make_shared<core::TopicPreparer>(std::move(hooks), options_.kafka.admin_timeout,
                                                    options_.publish.ack_timeout);
}

void KafkaProducer::await_broker(std::chrono::milliseconds timeout) {
  // Asked in slices: a refused login or a failed TLS handshake, which librdkafka reports as an
  // error event (its error callback: client_context.hpp) and no retry cures, ends the wait
  // at once with its cause instead of a timeout that would only say nobody answered. Each
  // slice is twice the last, so a slow broker's answer still gets the time it needs.
  int slice_ms = 250;
  const core::Deadline deadline = core::Clock::now() + timeout;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
  do {
    // No topic named: the request asks only for the brokers, so it creates nothing.
    const rd_kafka_metadata_t* md = nullptr;
    const int wait = std::min(core::ms_left(deadline), slice_ms);
    slice_ms = std::min(slice_ms * 2, 60000);
    err = rd_kafka_metadata(producer_.get(), 0, nullptr, &md, wait);
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (const std::string why = context_->lasting_error(); !why.empty()) {
      throw std::system_error(make_error_code(errc::transport_error),
                              "kafka: the broker at " + options_.kafka.brokers +
                                  " refused the connection (kafka.security, protocol " +
                                  options_.kafka.security.protocol + "): " + why);
    }
  } while (core::ms_left(deadline) > 0);
  throw std::system_error(make_error_code(errc::transport_error),
                          "kafka: no broker at " + options_.kafka.brokers + " answered within " +
                              std::to_string(timeout.count()) +
                              " ms (kafka.connect_timeout): " + rd_kafka_err2str(err) +
                              "; set kafka.retry_on_failed_connect to start without one");
}

KafkaProducer::~KafkaProducer() {
  close(core::Clock::now());
}

// Runs on the completion thread. Only brokers learnt from metadata count (nodeid >= 0): the
// bootstrap entry is a placeholder librdkafka may leave down once it knows the real ones.
int KafkaProducer::on_statistics(rd_kafka_t*, char* json, size_t size, void* self) noexcept {
  auto* me = ClientContext::owner_of<KafkaProducer>(self);
  if (me == nullptr) return 0;
  const auto stats = nlohmann::json::parse(json, json + size, nullptr, false);
  const auto brokers = stats.is_object() ? stats.find("brokers") : stats.end();
  if (!stats.is_object() || brokers == stats.end() || !brokers->is_object()) return 0;
  bool up = false;
  std::uint64_t disconnects = 0;
  for (const auto& [name, broker] : brokers->items()) {
    if (!broker.is_object() || broker.value("nodeid", -1) < 0) continue;
    up = up || broker.value("state", "") == "UP";
    disconnects += broker.value("disconnects", std::uint64_t{0});
  }
  me->connected_.store(up, std::memory_order_relaxed);
  me->disconnects_.store(disconnects, std::memory_order_relaxed);
  return 0;  // librdkafka frees the JSON
}

// The one thread that runs delivery reports, hence publish completions.
void KafkaProducer::completion_loop(std::stop_token stop) {
  while (!stop.stop_requested())
    rd_kafka_poll(producer_.get(), 100);
}

void KafkaProducer::publish(std::unique_ptr<core::PendingPublish> message) {
  preparer_->publish(std::move(message));
}

std::error_code KafkaProducer::await_topic(const std::string& topic, core::Deadline deadline,
                                           std::string& detail) {
  return preparer_->await_ready(topic, deadline, detail);
}

// A publish of a ready topic, on the caller's thread or the preparer's.
void KafkaProducer::produce_now(std::unique_ptr<core::PendingPublish> message) {
  // Ownership passes to librdkafka (as the message opaque) before the delivery report can run.
  core::PendingPublish* in_flight = message.release();
  if (const rd_kafka_resp_err_t err = produce(*in_flight); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    core::PendingPublish::finish(std::unique_ptr<core::PendingPublish>(in_flight), to_error(err),
                                 {}, std::string("kafka: produce: ") + rd_kafka_err2str(err));
  }
}

// The payload is not copied: it stays in the PendingPublish until its delivery report.
rd_kafka_resp_err_t KafkaProducer::produce(core::PendingPublish& m) {
  HeadersPtr headers(rd_kafka_headers_new(8));
  if (m.envelope != nullptr) add_envelope_headers(headers.get(), *m.envelope);
  for (const auto& [name, value] : m.headers) {
    rd_kafka_header_add(headers.get(), name.c_str(), -1, value.data(),
                        static_cast<ssize_t>(value.size()));
  }
#if defined(__clang__)  // RD_KAFKA_V_* type-check their arguments with GNU ({ }) expressions
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wgnu-statement-expression"
#endif
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_.get(), RD_KAFKA_V_TOPIC(m.topic.c_str()),
      RD_KAFKA_V_KEY(m.key.empty() ? nullptr : m.key.data(), m.key.size()),
      RD_KAFKA_V_VALUE(m.payload.data(), m.payload.size()), RD_KAFKA_V_MSGFLAGS(0),
      RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_OPAQUE(&m), RD_KAFKA_V_END);
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) static_cast<void>(headers.release());  // librdkafka's
  return err;
}

void KafkaProducer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) noexcept {
  auto* self = ClientContext::owner_of<KafkaProducer>(opaque);
  if (self == nullptr) return;  // the producer let go: nothing of it is left to report to
  std::unique_ptr<core::PendingPublish> message(static_cast<core::PendingPublish*>(m->_private));
  if (!message) return;
  std::error_code error = to_error(m->err);
  std::string_view detail = m->err ? rd_kafka_err2str(m->err) : "";
  // A message the broker stored has an offset. librdkafka 2.0.2's idempotent producer also
  // reports success without one when it acks a message "implicitly" because a later batch of
  // the partition succeeded, even when the message's own batch failed (NOT_LEADER on a new
  // partition, whose broker then took the later sequence as the first): the "acked" message
  // was not in the log (backpressure_test on a fresh broker, 4 of 13 runs under ASan; debug
  // log "IMPLICITACK"). Unconfirmed is not stored: it completes as a retriable failure, so
  // the caller may publish again (a duplicate at worst) instead of losing it silently.
  if (!error && m->offset < 0 && self->offsets_confirmed_) {
    error = make_error_code(errc::transport_error);
    detail = "kafka: the broker confirmed no offset for this message; it may not be stored";
  }
  const core::StoredAt where{message->topic, m->partition, error ? -1 : m->offset};
  core::PendingPublish::finish(std::move(message), error, where, detail);
}

void KafkaProducer::close(core::Deadline deadline) {
  if (closed_.exchange(true)) return;
  // 1. Publishes still waiting for their topic never reached librdkafka: cancelled; none is
  //    being produced by the preparer any more.
  preparer_->close();
  // 2. The completion thread stops (flush() serves the remaining reports on this thread); a
  //    yield on the main queue ends its poll's wait at once.
  completions_.request_stop();
  {
    QueuePtr main(rd_kafka_queue_get_main(producer_.get()));
    rd_kafka_queue_yield(main.get());
  }
  if (completions_.joinable()) completions_.join();
  // 3. Until the deadline librdkafka delivers; what is left will not make it: purged messages
  //    report __PURGE_* (cancelled) on the next poll, at once even against a frozen broker.
  //    Every completion fires before the producer goes, within a bounded grace period.
  rd_kafka_flush(producer_.get(), core::ms_left(deadline));
  rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  const auto grace = core::Clock::now() + std::chrono::seconds(5);
  while (rd_kafka_outq_len(producer_.get()) > 0 && core::Clock::now() < grace) {
    rd_kafka_poll(producer_.get(), 50);
  }
  context_->owner.store(nullptr);  // no callback reaches this object from now on
  // 4. A topic preparation a broker holds up (a metadata request waits its whole timeout)
  //    finishes in the background, with the handle it shares; otherwise the handle goes now
  //    (rd_kafka_destroy joins librdkafka's threads).
  readiness_->stop();
  std::thread preparer = preparer_->release_thread();
  if (preparer.joinable() && preparer_->busy()) {
    core::close_in_background([thread = std::make_shared<std::thread>(std::move(preparer)),
                               keep = preparer_, handle = producer_,
                               context = context_] { thread->join(); });
  } else if (preparer.joinable()) {
    preparer.join();
  }
  producer_.reset();
}

}  // namespace eventbus::kafka
