// Consuming from NATS: a durable pull consumer per (topic, group), created or updated with the
// bus's settings, and one fetcher thread per subscription.

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <vector>

#include "eventbus/error.hpp"
#include "transport/nats/nats_names.hpp"
#include "transport/nats/nats_status.hpp"
#include "transport/nats/nats_transport.hpp"

namespace eventbus::nats {
namespace {

constexpr std::int64_t kNanosPerMilli = 1000000;

// The consumer configuration, with storage for the BackOff array it points into.
struct ConsumerConfig {
  jsConsumerConfig config;
  std::string durable;
  std::vector<std::int64_t> backoff;

  ConsumerConfig(const NatsOptions& n, const core::SubscriptionSpec& spec)
      : durable(consumer_name(spec.group, spec.topic)) {
    jsConsumerConfig_Init(&config);
    config.Durable = durable.c_str();
    config.FilterSubject = spec.topic.c_str();
    config.DeliverPolicy = js_DeliverAll;
    config.AckPolicy = js_AckExplicit;
    config.AckWait = n.ack_wait.count() * kNanosPerMilli;
    config.MaxAckPending = n.max_ack_pending;
    config.MaxDeliver = n.max_deliver;
    config.MaxWaiting = n.max_waiting;
    for (auto d : n.backoff)
      backoff.push_back(d.count() * kNanosPerMilli);
    if (!backoff.empty()) {
      config.BackOff = backoff.data();
      config.BackOffLen = static_cast<int>(backoff.size());
    }
  }
};

// How long the server lets a delivery go unacked before it sends it again. nats-server 2.9
// replaces AckWait with BackOff[0] when BackOff is set, and waits BackOff[n-1] after the n-th
// delivery: the shortest of them is what renewals must beat.
std::chrono::milliseconds server_ack_wait(const jsConsumerConfig& c) {
  std::int64_t nanos = c.AckWait;
  for (int i = 0; i < c.BackOffLen; ++i)
    if (c.BackOff[i] > 0 && (nanos <= 0 || c.BackOff[i] < nanos)) nanos = c.BackOff[i];
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
    consumer = make_consumer(spec, stream, deadline);
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
  fetchers_.emplace_back(
      [this, consumer, &sink](std::stop_token stop) { fetch_loop(stop, consumer, sink); });
  return {};
}

// Creates the durable consumer, or updates it so AckWait, MaxAckPending, MaxDeliver and
// BackOff really are what the options say, then binds a pull subscription to it.
std::shared_ptr<NatsConsumer> NatsTransport::make_consumer(const core::SubscriptionSpec& spec,
                                                           const std::string& stream,
                                                           core::Deadline deadline) {
  ConsumerConfig cfg(options_.nats, spec);
  jsOptions wait;  // each request within nats.api_timeout and the subscribe's deadline
  jsOptions_Init(&wait);
  wait.Wait = std::max<std::int64_t>(
      1, std::min<std::int64_t>(options_.nats.api_timeout.count(), core::ms_left(deadline)));
  if (!options_.nats.domain.empty()) wait.Domain = options_.nats.domain.c_str();
  jsConsumerInfo* raw = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_AddConsumer(&raw, js_.get(), stream.c_str(), &cfg.config, &wait, &jerr);
  ConsumerInfoPtr info(raw);
  if (s != NATS_OK && jerr == JSConsumerNameExistErr) {
    raw = nullptr;
    s = js_UpdateConsumer(&raw, js_.get(), stream.c_str(), &cfg.config, &wait, &jerr);
    info.reset(raw);
  }
  check(s, "nats: consumer " + cfg.durable + " on stream " + stream, jerr);
  std::chrono::milliseconds ack_wait = server_ack_wait(*info->Config);
  if (ack_wait != options_.nats.ack_wait) {
    log_->warn("nats",
               "consumer {} on stream {}: the server redelivers after {} ms, "
               "not nats.ack_wait = {} ms (with nats.backoff it takes backoff[0])",
               cfg.durable, stream, ack_wait.count(), options_.nats.ack_wait.count());
  }
  if (ack_wait.count() <= 0) ack_wait = options_.nats.ack_wait;
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Consumer = cfg.durable.c_str();  // bind: never create or delete it from here
  natsSubscription* sub = nullptr;
  s = js_PullSubscribe(&sub, js_.get(), spec.topic.c_str(), cfg.durable.c_str(), &wait, &so, &jerr);
  SubscriptionPtr owned(sub);
  check(s, "nats: pull subscription on " + spec.topic, jerr);
  auto consumer = std::make_shared<NatsConsumer>(connection_, std::move(owned), spec.topic,
                                                 spec.group, ack_wait);
  consumer->stream = stream;
  consumer->durable = cfg.durable;
  return consumer;
}

namespace {

// Keeps the server's AckWait from running out on what a consumer holds. A pass every third of
// it renews what has gone unrenewed for half a pass or more, so a delivery waits at most about
// 1.5 passes (half the AckWait) for its renewal; the other half is slack for a late pass.
class Renewals {
 public:
  explicit Renewals(std::chrono::milliseconds ack_wait)
      : every_(std::max(ack_wait / 3, std::chrono::milliseconds(1))),
        next_(core::Clock::now() + every_) {}

  void run_if_due(NatsConsumer& consumer) {
    if (core::Clock::now() < next_) return;
    consumer.keep_alive(every_ / 2);
    next_ = core::Clock::now() + every_;
  }
  core::Deadline next_due() const noexcept { return next_; }
  // A fetch waits no longer than this: with fetch_wait >= AckWait, passes that ran only
  // between fetches came too late (tests/nats/slow_handler_test.cpp).
  std::int64_t fetch_wait_ms(std::chrono::milliseconds fetch_wait) const {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_ - core::Clock::now());
    return std::clamp<std::int64_t>(left.count(), 1, fetch_wait.count());
  }

 private:
  std::chrono::milliseconds every_;
  core::Clock::time_point next_;
};

void pause(std::stop_token stop, std::chrono::milliseconds how_long) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, how_long, [] { return false; });
}

// Hands `delivery` on. While its lane is full (or no handling rate-limit token is there) it
// waits for the dispatcher's room signal, but no longer than the next renewal of what the
// consumer holds: waiting blind would let AckWait run out behind a slow handler
// (tests/nats/slow_handler_group_test.cpp). A delivery still held when stop is requested is
// dropped, which naks it.
void hand_on(std::stop_token stop, core::DeliveryPtr delivery, NatsConsumer& consumer,
             core::DeliverySink& sink, Renewals& renewals) {
  while (!stop.stop_requested()) {
    const std::uint64_t epoch = sink.room_epoch();
    if (sink.try_deliver(delivery) != core::SubmitResult::full) return;
    renewals.run_if_due(consumer);
    sink.wait_for_room(epoch, renewals.next_due(), stop);
  }
}

// nats.c 3.4.1 overruns its own array in natsSubscription_Fetch (valgrind: a write just past
// the batch-sized block, then heap corruption; seen after every broker restart in
// tests/fault/broker_crash_test.cpp). Its _fetch first takes up to `batch` messages already
// queued on the subscription (late answers to earlier pulls, and status messages), then asks
// the server for `batch - taken` more *by lowering req->Batch* and loops until the count
// equals that lowered number: when more than half the batch came from the queue, the count
// never equals it and runs off the array (read from its disassembly; newer nats.c compares
// with the original batch). With nothing queued, or a batch of 1, the count can only meet the
// bound, so: a batch of 1 while anything is queued, the full batch otherwise.
int safe_fetch_size(natsSubscription* subscription, int batch) {
  int queued = 0, bytes = 0;
  if (natsSubscription_GetPending(subscription, &queued, &bytes) != NATS_OK) return 1;
  return queued > 0 ? 1 : batch;
}

}  // namespace

// Pulls batches and hands them on, pausing while lanes are full; renews AckWait for what is
// fetched and not yet settled, between fetches and while waiting for room.
void NatsTransport::fetch_loop(std::stop_token stop, const std::shared_ptr<NatsConsumer>& consumer,
                               core::DeliverySink& sink) {
  const int batch = options_.nats.fetch_batch;
  Renewals renewals(consumer->ack_wait());
  std::vector<core::DeliveryPtr> fetched;
  fetched.reserve(static_cast<std::size_t>(batch));
  while (!stop.stop_requested()) {
    const auto fetch_start = core::Clock::now();
    natsMsgList list{};
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s = natsSubscription_Fetch(
        &list, consumer->subscription(), safe_fetch_size(consumer->subscription(), batch),
        renewals.fetch_wait_ms(options_.nats.fetch_wait), &jerr);
    // All tracked, as of the fetch's start, before the first is handed on: the server's
    // AckWait runs for the whole batch while the fetcher waits for room for its head.
    for (int i = 0; i < list.Count; ++i) {
      MessagePtr msg(list.Msgs[i]);
      list.Msgs[i] = nullptr;
      fetched.push_back(std::make_unique<NatsDelivery>(consumer, std::move(msg), fetch_start));
    }
    natsMsgList_Destroy(&list);
    for (auto& delivery : fetched)
      hand_on(stop, std::move(delivery), *consumer, sink, renewals);
    fetched.clear();
    renewals.run_if_due(*consumer);
    // Disconnected or refused: nats.c reconnects on its own; try again soon without spinning.
    if (s != NATS_OK && s != NATS_TIMEOUT) pause(stop, options_.nats.fetch_wait);
  }
}

void NatsTransport::stop_consuming(core::Deadline) {
  std::vector<std::jthread> fetchers;
  std::vector<std::shared_ptr<NatsConsumer>> consumers;
  {
    std::lock_guard lock(consumers_mutex_);
    consuming_stopped_ = true;
    fetchers.swap(fetchers_);
    consumers = consumers_;
  }
  for (auto& f : fetchers)
    f.request_stop();
  // A fetch waits up to fetch_wait for messages; unsubscribing ends it at once (the bound
  // durable consumer stays on the server, and acks of what was fetched still go out).
  for (const auto& c : consumers)
    natsSubscription_Unsubscribe(c->subscription());
  fetchers.clear();  // joins
}

}  // namespace eventbus::nats
