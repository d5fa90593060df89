// SPDX-License-Identifier: Apache-2.0
// Consuming from NATS: a durable pull consumer per (topic, group), created or updated with the
// bus's settings, read by one PullFetcher thread per subscription (pull_fetcher.hpp).

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "eventbus/error.hpp"
#include "transport/nats/nats_names.hpp"
#include "transport/nats/nats_status.hpp"
#include "transport/nats/nats_transport.hpp"
#include "transport/nats/pull_fetcher.hpp"

namespace eventbus::nats {
namespace {

constexpr std::int64_t kNanosPerMilli = 1000000;

// The durable consumer's configuration, as the JetStream API takes it.
nlohmann::json consumer_config(const NatsOptions& n, const core::SubscriptionSpec& spec,
                               const std::string& durable) {
  nlohmann::json config{{"durable_name", durable},
                        {"filter_subject", spec.topic},
                        {"deliver_policy", "all"},
                        {"ack_policy", "explicit"},
                        {"replay_policy", "instant"},
                        {"ack_wait", n.ack_wait.count() * kNanosPerMilli},
                        {"max_ack_pending", n.max_ack_pending},
                        {"max_deliver", n.max_deliver},
                        {"max_waiting", n.max_waiting}};
  if (!n.backoff.empty()) {
    nlohmann::json& backoff = config["backoff"] = nlohmann::json::array();
    for (auto d : n.backoff)
      backoff.push_back(d.count() * kNanosPerMilli);
  }
  return config;
}

// How long the server lets a delivery go unacked before it sends it again. nats-server 2.9
// replaces AckWait with BackOff[0] when BackOff is set, and waits BackOff[n-1] after the n-th
// delivery: the shortest of them is what renewals must beat.
std::chrono::milliseconds server_ack_wait(const nlohmann::json& config) {
  std::int64_t nanos = config.value("ack_wait", std::int64_t{0});
  if (const auto backoff = config.find("backoff"); backoff != config.end() && backoff->is_array()) {
    for (const auto& step : *backoff) {
      const std::int64_t d = step.is_number_integer() ? step.get<std::int64_t>() : 0;
      if (d > 0 && (nanos <= 0 || d < nanos)) nanos = d;
    }
  }
  return std::chrono::milliseconds(nanos / kNanosPerMilli);
}

}  // namespace

// Bounded by subscribe_timeout: the preparer's thread finds (or makes) the stream, which a
// close() can cut short; this thread only makes the durable consumer.
std::error_code NatsTransport::subscribe(const core::SubscriptionSpec& spec,
                                         core::DeliverySink& sink, std::string& detail) {
  const core::Deadline deadline = core::Clock::now() + options_.subscribe_timeout;
  std::string stream;
  std::error_code ec = preparer_->await_ready(spec.topic, deadline, detail);
  if (!ec) ec = streams_->ensure(spec.topic, /*for_subscribe=*/true, deadline, stream, detail);
  if (ec) return ec;
  std::shared_ptr<NatsConsumer> consumer;
  try {
    const std::chrono::milliseconds ack_wait = ensure_consumer(spec, stream, deadline);
    const std::string durable = consumer_name(spec.group, spec.topic);
    ConsumerAddress address{spec.topic,
                            spec.group,
                            stream,
                            durable,
                            api_->subject("CONSUMER.MSG.NEXT." + stream + "." + durable),
                            api_->subject("CONSUMER.INFO." + stream + "." + durable)};
    consumer = std::make_shared<NatsConsumer>(connection_, std::move(address), ack_wait);
  } catch (const std::system_error& e) {
    detail = e.what();
    return e.code();
  }
  std::lock_guard lock(consumers_mutex_);
  if (consuming_stopped_) {
    detail = "the bus is closing";
    return make_error_code(errc::closed);
  }
  consumers_.push_back(consumer);
  auto remake = [this, spec, stream](std::string& why) {
    return remake_consumer(spec, stream, why);
  };
  fetchers_.push_back(
      {&sink, consumer,
       std::jthread([fetcher = std::make_shared<PullFetcher>(
                         consumer, sink, options_.nats.fetch_batch, options_.nats.fetch_wait, log_,
                         std::move(remake))](std::stop_token stop) { fetcher->run(stop); })});
  return {};
}

// The durable consumer stays on the server: the group's other members, and a later subscriber,
// read on from where it is.
void NatsTransport::unsubscribe(core::DeliverySink& sink, core::Deadline) {
  Fetcher fetcher;
  {
    std::lock_guard lock(consumers_mutex_);
    auto it = std::find_if(fetchers_.begin(), fetchers_.end(),
                           [&](const Fetcher& f) { return f.sink == &sink; });
    if (it == fetchers_.end()) return;
    fetcher = std::move(*it);
    fetchers_.erase(it);
    std::erase(consumers_, fetcher.consumer);
  }
  fetcher.thread.request_stop();
  fetcher.consumer->unsubscribe();  // wakes a fetcher waiting for its inbox
  fetcher.thread.join();
}

// Creates the durable consumer, or updates it so AckWait, MaxAckPending, MaxDeliver and
// BackOff really are what the options say. Returns the AckWait the server enforces.
std::chrono::milliseconds NatsTransport::ensure_consumer(const core::SubscriptionSpec& spec,
                                                         const std::string& stream,
                                                         core::Deadline deadline) {
  const std::string durable = consumer_name(spec.group, spec.topic);
  const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(
      1, std::min<std::int64_t>(options_.nats.api_timeout.count(), core::ms_left(deadline))));
  // nats-server 2.9 creates the durable, or updates the one of that name (2.10 and later do the
  // same for a request without an "action").
  const ApiAnswer answer = api_->request(
      "CONSUMER.DURABLE.CREATE." + stream + "." + durable,
      {{"stream_name", stream}, {"config", consumer_config(options_.nats, spec, durable)}}, wait);
  if (!answer.ok()) {
    throw std::system_error(
        answer.error(), "nats: consumer " + durable + " on stream " + stream + ": " + answer.text);
  }
  std::chrono::milliseconds ack_wait =
      server_ack_wait(answer.body.value("config", nlohmann::json::object()));
  if (ack_wait != options_.nats.ack_wait) {
    log_->warn("nats",
               "consumer {} on stream {}: the server redelivers after {} ms, "
               "not nats.ack_wait = {} ms (with nats.backoff it takes backoff[0])",
               durable, stream, ack_wait.count(), options_.nats.ack_wait.count());
  }
  if (ack_wait.count() <= 0) ack_wait = options_.nats.ack_wait;
  return ack_wait;
}

// On a fetcher's thread, after the server lost or deleted its durable consumer. Bounded by
// nats.api_timeout, and by a second at most so that a close() meanwhile is not held up long.
bool NatsTransport::remake_consumer(const core::SubscriptionSpec& spec, const std::string& stream,
                                    std::string& detail) {
  const auto bound = std::min(options_.nats.api_timeout, std::chrono::milliseconds(1000));
  try {
    ensure_consumer(spec, stream, core::Clock::now() + bound);
    return true;
  } catch (const std::system_error& e) {
    detail = e.what();
    return false;
  }
}

void NatsTransport::stop_consuming(core::Deadline) {
  std::vector<Fetcher> fetchers;
  std::vector<std::shared_ptr<NatsConsumer>> consumers;
  {
    std::lock_guard lock(consumers_mutex_);
    consuming_stopped_ = true;
    fetchers.swap(fetchers_);
    consumers = consumers_;
  }
  for (auto& f : fetchers)
    f.thread.request_stop();
  // A fetcher may be waiting for its inbox; unsubscribing wakes it at once (the durable
  // consumer stays on the server, and acks of what was handed on still go out).
  for (const auto& c : consumers)
    c->unsubscribe();
  fetchers.clear();  // joins
}

}  // namespace eventbus::nats
