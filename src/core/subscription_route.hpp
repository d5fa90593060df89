// One subscription's path from transport to handler: decode (envelope topics), pick the lane,
// run the handler with exceptions contained, and dead-letter what cannot be handled.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <variant>

#include "core/bus_metrics.hpp"
#include "core/delivery.hpp"
#include "core/ordered_dispatcher.hpp"
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

class SubscriptionRoute final : public MessageRoute, public DeliverySink {
 public:
  using Handler = std::variant<RawHandler, EnvelopeHandler>;

  // `metrics`: the (topic, group) entry of the bus's metrics, which outlives the route.
  SubscriptionRoute(Handler handler, OrderedDispatcher& dispatcher,
                    DeadLetterPublisher& dead_letters, std::atomic<std::uint64_t>& decode_errors,
                    ConsumeMetrics& metrics)
      : handler_(std::move(handler)),
        dispatcher_(dispatcher),
        dead_letters_(dead_letters),
        decode_errors_(decode_errors),
        metrics_(metrics) {}

  void deliver(DeliveryPtr delivery) override;
  SubmitResult try_deliver(DeliveryPtr& delivery) override;
  HandlerResult handle(const Delivery& delivery, std::uint32_t attempt) noexcept override;
  bool dead_letter(const Delivery& delivery, const HandlerResult& why,
                   std::uint32_t attempts) noexcept override;

 private:
  HandlerResult call_handler(const Delivery& delivery, std::uint32_t attempt);
  HandlerResult timed_handler(const Delivery& delivery, std::uint32_t attempt) noexcept;
  void prepare(Delivery& delivery);  // decode and pick the lane key, once per delivery

  Handler handler_;
  OrderedDispatcher& dispatcher_;
  DeadLetterPublisher& dead_letters_;
  std::atomic<std::uint64_t>& decode_errors_;
  ConsumeMetrics& metrics_;
};

}  // namespace eventbus::core
