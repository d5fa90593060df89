// SPDX-License-Identifier: Apache-2.0
// Subscribing and dead-lettering: the parts of Bus::Impl that run for a subscription.
#include <algorithm>

#include "core/bus/bus_impl.hpp"
#include "core/bus/completion_waiter.hpp"
#include "core/bus/subscription_state.hpp"
#include "core/topic_name.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

// Header values must stay on one line for NATS and be readable in any tool.
std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return out;
}

}  // namespace

core::OrderedDispatcher& Bus::Impl::dispatcher_locked() {
  if (!dispatcher_) {
    dispatcher_ = std::make_unique<core::OrderedDispatcher>(options_.dispatch, dispatch_counters_);
    dispatcher_ptr_.store(dispatcher_.get());
  }
  return *dispatcher_;
}

Subscription Bus::Impl::subscribe(std::string_view topic, core::SubscriptionRoute::Handler handler,
                                  const SubscribeOptions& options) {
  auto state = std::make_shared<Subscription::State>();
  state->topic.assign(topic);
  state->group = options.group.empty() ? options_.group : options.group;
  state->error = add_route(state, std::move(handler));
  return Subscription(std::move(state));
}

std::error_code Bus::Impl::add_route(const std::shared_ptr<Subscription::State>& handle,
                                     core::SubscriptionRoute::Handler handler) {
  Subscription::State& state = *handle;
  if (std::error_code ec = core::validate_topic(state.topic)) return ec;
  std::lock_guard lock(subscriptions_mutex_);
  if (subscriptions_closed_) return make_error_code(errc::closed);
  core::HandleRate rate;
  if (handle_limits_.limited()) {
    rate = core::HandleRate{handle_limits_.gate(state.topic), &handle_waits_end_, &throttled_};
  }
  const core::SubscriptionSpec spec{state.topic, state.group};
  auto route = std::make_unique<core::SubscriptionRoute>(
      spec.topic, spec.group, std::move(handler), dispatcher_locked(), *this, decode_errors_, rate,
      metrics_.consuming(spec.topic, spec.group));
  std::string detail;
  if (std::error_code ec = transport_->subscribe(spec, *route, detail)) {
    log_->error("bus", "subscribe to {} (group {}): {}", spec.topic, spec.group, detail);
    return ec;
  }
  state.bus = this;  // no handle has it yet: no lock needed
  state.route = route.get();
  routes_.push_back(std::move(route));
  handles_.push_back(handle);
  return {};
}

std::error_code Bus::Impl::unsubscribe(core::SubscriptionRoute& route, milliseconds timeout) {
  const core::Deadline deadline = core::Clock::now() + timeout;
  if (route.in_own_handler()) return make_error_code(errc::close_from_handler);
  if (!open() || !route.begin_unsubscribe()) return make_error_code(errc::closed);
  // Handed-on messages finish (their acks go out as usual); the fetcher holds the rest.
  const bool drained = route.wait_drained(deadline);
  {
    std::shared_lock lock(consumption_);
    if (consumption_stopped_) return make_error_code(errc::closed);  // close() stops it all
    transport_->unsubscribe(route, deadline);
  }
  log_->info("bus", "unsubscribed from {} (group {})", route.topic(), route.group());
  return drained ? std::error_code() : make_error_code(errc::close_incomplete);
}

// Stores the raw bytes on "<topic>.dlq", the reason in headers, and waits for the broker:
// the original is acked only once its dead letter is safe.
bool Bus::Impl::publish_dead_letter(const core::Delivery& delivery, const HandlerResult& why,
                                    std::uint32_t attempts) noexcept {
  try {
    core::CompletionWaiter waiter;
    auto message = std::make_unique<core::PendingPublish>(
        *this, [&waiter](const PublishResult& r) { waiter.set(r); });
    message->topic = delivery.topic + ".dlq";
    message->key = delivery.key;
    message->payload = delivery.payload;
    message->headers = delivery.headers;
    // A dead letter is a message of its own. With the original's JetStream dedup id, a stream
    // holding both subjects would take it for a duplicate and ack it unstored.
    for (auto& [name, value] : message->headers) {
      if (name == "Nats-Msg-Id") value += ":dlq";
    }
    message->headers.emplace_back("X-DLQ-Original-Topic", delivery.topic);
    message->headers.emplace_back("X-DLQ-Error",
                                  one_line(why.reason.empty() ? why.code.message() : why.reason));
    message->headers.emplace_back("X-DLQ-Error-Code", std::string(why.code.category().name()) +
                                                          ":" + std::to_string(why.code.value()));
    message->headers.emplace_back("X-DLQ-Attempts", std::to_string(attempts));
    const core::Clock::time_point called_at = core::Clock::now();
    if (limiter_.acquire(called_at + options_.publish.ack_timeout)) return false;
    send(std::move(message), metrics_.publishing_any(delivery.topic + ".dlq"), called_at);
    // No timeout here: the transport fires every completion, by its ack timeout at the latest.
    std::unique_lock lock(waiter.mutex);
    waiter.fired.wait(lock, [&] { return waiter.done; });
    return !waiter.result.error;
  } catch (const std::exception&) {
    return false;  // out of memory: the delivery is nacked and comes back later
  }
}

}  // namespace eventbus
