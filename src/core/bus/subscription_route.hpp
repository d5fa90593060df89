// SPDX-License-Identifier: Apache-2.0
// One subscription's path from transport to handler: decode (envelope topics), pick the lane,
// wait for a handling rate-limit token, run the handler with exceptions contained, and
// dead-letter what cannot be handled.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <variant>

#include "core/delivery.hpp"
#include "core/dispatch/ordered_dispatcher.hpp"
#include "core/health/subscription_progress.hpp"
#include "core/metrics/bus_metrics.hpp"
#include "core/rate_limit/rate_gate.hpp"
#include "core/stop_signal.hpp"
#include "core/transport.hpp"
#include "eventbus/bus.hpp"

namespace eventbus::core {

// Publishes a dead letter and waits for the broker's answer. Implemented by the bus.
class DeadLetterPublisher {
 public:
  virtual bool publish_dead_letter(const Delivery& delivery, const HandlerResult& why,
                                   std::uint32_t attempts) noexcept = 0;

 protected:
  ~DeadLetterPublisher() = default;
};

// How fast deliveries of a subscription may enter the lanes. Retries in a lane take no token.
struct HandleRate {
  RateGate gate;                                    // default: no limit
  StopSignal* stop = nullptr;                       // ends the waits at close; set when limited
  std::atomic<std::uint64_t>* throttled = nullptr;  // deliveries held back; set when limited
};

class SubscriptionRoute final : public MessageRoute, public DeliverySink {
 public:
  using Handler = std::variant<RawHandler, EnvelopeHandler>;

  // `metrics`: the (topic, group) entry of the bus's metrics, which outlives the route.
  SubscriptionRoute(std::string topic, std::string group, Handler handler,
                    OrderedDispatcher& dispatcher, DeadLetterPublisher& dead_letters,
                    std::atomic<std::uint64_t>& decode_errors, HandleRate rate,
                    ConsumeMetrics& metrics)
      : topic_(std::move(topic)),
        group_(std::move(group)),
        handler_(std::move(handler)),
        dispatcher_(dispatcher),
        dead_letters_(dead_letters),
        decode_errors_(decode_errors),
        rate_(rate),
        metrics_(metrics) {}

  SubmitResult try_deliver(DeliveryPtr& delivery) override;
  bool try_deliver_all(std::deque<DeliveryPtr>& queue) override;
  std::uint64_t room_epoch() const override;
  void wait_for_room(std::uint64_t since, Clock::time_point until, std::stop_token stop) override;
  HandlerResult handle(const Delivery& delivery, std::uint32_t attempt) noexcept override;
  bool dead_letter(const Delivery& delivery, const HandlerResult& why,
                   std::uint32_t attempts) noexcept override;
  void finished(const Delivery&) noexcept override;

  const std::string& topic() const noexcept { return topic_; }
  const std::string& group() const noexcept { return group_; }
  const SubscriptionProgress& progress() const noexcept { return progress_; }

  // Held (paused or unsubscribed), the route refuses every offer as a full lane would: the
  // transport keeps what it fetched and pauses its source; what is in the lanes runs on.
  // False when unsubscribed (nothing changes).
  bool set_paused(bool paused);
  bool paused() const;
  // Holds the route for good; false when it was already unsubscribed.
  bool begin_unsubscribe();
  bool unsubscribed() const;
  // Waits until every delivery handed to the dispatcher is finished (true), or until
  // `deadline` or end() (false).
  bool wait_drained(Clock::time_point deadline);
  // The bus is closing: ends wait_drained() at once.
  void end();
  // True on a lane worker while it runs this route's handler.
  bool in_own_handler() const noexcept;

 private:
  HandlerResult call_handler(const Delivery& delivery, std::uint32_t attempt);
  HandlerResult timed_handler(const Delivery& delivery, std::uint32_t attempt) noexcept;
  void prepare(Delivery& delivery);  // decode and pick the lane key, once per delivery

  const std::string topic_;
  const std::string group_;
  Handler handler_;
  SubscriptionProgress progress_;
  OrderedDispatcher& dispatcher_;
  DeadLetterPublisher& dead_letters_;
  std::atomic<std::uint64_t>& decode_errors_;
  HandleRate rate_;
  ConsumeMetrics& metrics_;

  // Holding: `held_` is read without the lock on every offer; the rest is guarded by
  // hold_mutex_. A resume raises `resumes_`, which room_epoch() carries in its low bits so that
  // a resume between a refused offer and wait_for_room() is not slept through.
  std::atomic<bool> held_{false};
  std::atomic<std::uint64_t> resumes_{0};
  std::atomic<bool> draining_{false};
  mutable std::mutex hold_mutex_;
  std::condition_variable_any hold_changed_;
  bool paused_ = false;
  bool unsubscribed_ = false;
  bool ended_ = false;
};

}  // namespace eventbus::core
