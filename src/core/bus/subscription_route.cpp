// SPDX-License-Identifier: Apache-2.0
#include "core/bus/subscription_route.hpp"

#include <exception>

#include "core/wire/traceparent_header.hpp"
#include "eventbus/codec.hpp"
#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

// docs/wire-format.md: a reader takes the aggregate id from the envelope, then the X-Aggregate-ID
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
  delivery.traceparent = incoming_traceparent(delivery.headers);
  delivery.metrics = &metrics_;
  if (std::holds_alternative<EnvelopeHandler>(handler_)) {
    DecodeResult decoded = decode(delivery.payload);
    if (decoded) {
      delivery.lane_key = decoded.envelope.aggregate_id;
      // The header carries the trace of a sender that left the envelope's trace_id empty.
      if (decoded.envelope.trace_id.empty() && !delivery.traceparent.empty()) {
        decoded.envelope.trace_id = delivery.traceparent.substr(3, 32);
      }
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

namespace {

constexpr unsigned kResumeBits = 16;
constexpr std::uint64_t kResumeMask = (std::uint64_t{1} << kResumeBits) - 1;

// The route whose handler this lane worker runs; null outside handlers.
thread_local const SubscriptionRoute* running_route = nullptr;

}  // namespace

std::uint64_t SubscriptionRoute::room_epoch() const {
  return (dispatcher_.room_epoch() << kResumeBits) |
         (resumes_.load(std::memory_order_acquire) & kResumeMask);
}

// A handling rate limit signals nothing: its next token's time bounds the wait. A held route
// waits for its resume (or `until`, or `stop`) instead of lane room.
void SubscriptionRoute::wait_for_room(std::uint64_t since, Clock::time_point until,
                                      std::stop_token stop) {
  if ((since & kResumeMask) != (resumes_.load(std::memory_order_acquire) & kResumeMask)) return;
  if (held_.load(std::memory_order_acquire)) {
    std::unique_lock lock(hold_mutex_);
    hold_changed_.wait_until(lock, stop, until, [&] { return !paused_ && !unsubscribed_; });
    return;
  }
  since >>= kResumeBits;
  if (rate_.gate.limited()) {  // a token still to come, not a full lane, may be what held it
    const Clock::time_point token_at = rate_.gate.next_pass_at();
    if (token_at > Clock::now()) until = std::min(until, token_at);
  }
  dispatcher_.wait_for_room(since, until, std::move(stop));
}

// Counted as accepted before the dispatcher sees it, so a worker's finished() can never come
// first; a refused delivery is counted out again.
SubmitResult SubscriptionRoute::try_deliver(DeliveryPtr& delivery) {
  if (held_.load(std::memory_order_acquire)) return SubmitResult::full;
  if (delivery->route == nullptr) prepare(*delivery);  // an offer after `full` is not decoded twice
  if (rate_.gate.limited()) {
    // No token: `full`, like a full lane; the fetcher pauses its source and offers it again.
    if (!rate_.gate.try_pass()) {
      if (!delivery->throttled) {
        delivery->throttled = true;
        rate_.throttled->fetch_add(1, std::memory_order_relaxed);
      }
      return SubmitResult::full;
    }
  }
  progress_.accepted();
  const SubmitResult result = dispatcher_.try_submit(delivery);
  if (result != SubmitResult::accepted) progress_.finished();
  if (result == SubmitResult::full && rate_.gate.limited()) rate_.gate.give_back();
  return result;
}

// A burst decoded first, then handed to the dispatcher under one lock. A handling rate limit
// takes a token per delivery: then one at a time.
bool SubscriptionRoute::try_deliver_all(std::deque<DeliveryPtr>& queue) {
  if (held_.load(std::memory_order_acquire)) return queue.empty();
  if (rate_.gate.limited()) return DeliverySink::try_deliver_all(queue);
  for (auto& delivery : queue) {
    if (delivery->route == nullptr) prepare(*delivery);
    progress_.accepted();
  }
  const std::size_t offered = queue.size();
  bool closed = false;
  const std::size_t queued = dispatcher_.try_submit_all(queue, closed);
  for (std::size_t i = queued; i < offered; ++i)  // refused: counted out again
    progress_.finished();
  return queue.empty();
}

HandlerResult SubscriptionRoute::handle(const Delivery& delivery, std::uint32_t attempt) noexcept {
  HandlerResult result;
  if (delivery.decode_error) {  // poison: never retried, straight to the dead-letter topic
    result = HandlerResult{delivery.decode_error.code};
    result.reason = delivery.decode_error.detail;
  } else {
    running_route = this;
    result = timed_handler(delivery, attempt);
    running_route = nullptr;
  }
  progress_.handler_returned(static_cast<bool>(result), delivery.partition, delivery.offset);
  return result;
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

// Called with the dispatcher's lock held. A drain waiter is woken through hold_mutex_, which
// no holder of it keeps while taking the dispatcher's lock.
void SubscriptionRoute::finished(const Delivery&) noexcept {
  progress_.finished();
  if (draining_.load()) {  // seq_cst: see SubscriptionProgress::finished()
    { std::lock_guard lock(hold_mutex_); }
    hold_changed_.notify_all();
  }
}

bool SubscriptionRoute::set_paused(bool paused) {
  {
    std::lock_guard lock(hold_mutex_);
    if (unsubscribed_) return false;
    if (paused_ == paused) return true;
    paused_ = paused;
    held_.store(paused, std::memory_order_release);
    if (!paused) resumes_.fetch_add(1, std::memory_order_acq_rel);
  }
  hold_changed_.notify_all();
  return true;
}

bool SubscriptionRoute::paused() const {
  std::lock_guard lock(hold_mutex_);
  return paused_;
}

bool SubscriptionRoute::begin_unsubscribe() {
  std::lock_guard lock(hold_mutex_);
  if (unsubscribed_) return false;
  unsubscribed_ = true;
  held_.store(true, std::memory_order_release);
  return true;
}

bool SubscriptionRoute::unsubscribed() const {
  std::lock_guard lock(hold_mutex_);
  return unsubscribed_;
}

bool SubscriptionRoute::wait_drained(Clock::time_point deadline) {
  draining_.store(true);  // seq_cst, then the count is read: see SubscriptionProgress::finished()
  std::unique_lock lock(hold_mutex_);
  return hold_changed_.wait_until(lock, deadline, [&] {
    return progress_.in_flight() == 0 || ended_;
  }) && progress_.in_flight() == 0;
}

void SubscriptionRoute::end() {
  {
    std::lock_guard lock(hold_mutex_);
    ended_ = true;
  }
  hold_changed_.notify_all();
}

bool SubscriptionRoute::in_own_handler() const noexcept {
  return running_route == this;
}

}  // namespace eventbus::core
