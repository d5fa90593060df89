#include "core/subscription_route.hpp"

#include <exception>

#include "eventbus/codec.hpp"
#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

// WIRE.md: a reader takes the aggregate id from the envelope, then the X-Aggregate-ID
// header, then the key.
std::string_view header_value(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

void SubscriptionRoute::prepare(Delivery& delivery) {
  delivery.route = this;
  delivery.metrics = &metrics_;
  if (std::holds_alternative<EnvelopeHandler>(handler_)) {
    DecodeResult decoded = decode(delivery.payload);
    if (decoded) {
      delivery.lane_key = decoded.envelope.aggregate_id;
      delivery.envelope = std::move(decoded.envelope);
    } else {
      decode_errors_.fetch_add(1, std::memory_order_relaxed);
      metrics_.decode_errors.add();
      delivery.decode_error = std::move(decoded.error);
    }
  }
  if (delivery.lane_key.empty())
    delivery.lane_key = header_value(delivery.headers, "X-Aggregate-ID");
  if (delivery.lane_key.empty()) delivery.lane_key = delivery.key;
}

void SubscriptionRoute::deliver(DeliveryPtr delivery) {
  prepare(*delivery);
  dispatcher_.submit(std::move(delivery));
}

SubmitResult SubscriptionRoute::try_deliver(DeliveryPtr& delivery) {
  if (delivery->route == nullptr) prepare(*delivery);  // an offer after `full` is not decoded twice
  return dispatcher_.try_submit(delivery);
}

HandlerResult SubscriptionRoute::handle(const Delivery& delivery, std::uint32_t attempt) noexcept {
  if (delivery.decode_error) {  // poison: never retried, straight to the dead-letter topic
    HandlerResult result{delivery.decode_error.code};
    result.reason = delivery.decode_error.detail;
    return result;
  }
  return timed_handler(delivery, attempt);
}

// One run of the user's handler, timed and counted (decode errors never get here).
HandlerResult SubscriptionRoute::timed_handler(const Delivery& delivery,
                                               std::uint32_t attempt) noexcept {
  const auto started = std::chrono::steady_clock::now();
  HandlerResult result;
  try {
    result = call_handler(delivery, attempt);
  } catch (const std::exception& e) {
    result = HandlerResult::fail(std::string("handler threw: ") + e.what());
  } catch (...) {
    result = HandlerResult::fail("handler threw a non-std::exception");
  }
  metrics_.handler.observe(std::chrono::steady_clock::now() - started);
  if (!result) metrics_.handler_failures.add();
  return result;
}

HandlerResult SubscriptionRoute::call_handler(const Delivery& delivery, std::uint32_t attempt) {
  const Message message = delivery.view(attempt);
  if (const auto* raw = std::get_if<RawHandler>(&handler_)) return (*raw)(message);
  return std::get<EnvelopeHandler>(handler_)(*delivery.envelope, message);
}

bool SubscriptionRoute::dead_letter(const Delivery& delivery, const HandlerResult& why,
                                    std::uint32_t attempts) noexcept {
  return dead_letters_.publish_dead_letter(delivery, why, attempts);
}

}  // namespace eventbus::core
