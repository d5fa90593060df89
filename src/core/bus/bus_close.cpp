// SPDX-License-Identifier: Apache-2.0
// Closing a bus: bounded, in an order where each step only waits for work the earlier steps
// have already stopped feeding.
#include "core/bus/bus_impl.hpp"
#include "eventbus/error.hpp"

namespace eventbus {

CloseReport Bus::Impl::close(milliseconds timeout) {
  if (const core::OrderedDispatcher* d = dispatcher_ptr_.load();
      (d && d->on_worker_thread()) || on_read_thread()) {
    CloseReport report;  // waiting here would wait for the handler or read that is calling us
    report.error = make_error_code(errc::close_from_handler);
    return report;
  }
  std::unique_lock lock(close_mutex_);
  if (close_state_ == CloseState::open) {
    close_state_ = CloseState::closing;
    lock.unlock();
    CloseReport report = run_close(timeout);
    lock.lock();
    close_report_ = report;
    close_state_ = CloseState::closed;
    close_done_.notify_all();
  }
  close_done_.wait(lock, [&] { return close_state_ == CloseState::closed; });
  return close_report_;
}

CloseReport Bus::Impl::run_close(milliseconds timeout) {
  const core::Deadline deadline = core::Clock::now() + timeout;
  // Cancellations are counted where every completion passes (on_finished), whichever part of
  // a transport (or its topic preparer) cancels them.
  const std::uint64_t cancelled_before = cancelled_.load();
  // 0. No more heartbeats or alerts: the monitor samples what the steps below take apart.
  if (monitor_) monitor_->stop();
  open_.store(false, std::memory_order_relaxed);
  core::OrderedDispatcher* dispatcher = nullptr;
  {
    std::lock_guard lock(subscriptions_mutex_);
    subscriptions_closed_ = true;
    dispatcher = dispatcher_.get();
    for (const auto& route : routes_)
      route->end();  // an unsubscribe waiting for its handlers returns now
  }
  CloseReport report;
  // 1. Fetchers blocked on a full lane or waiting for a handling rate-limit token let go; what
  //    they still hold is nacked (redelivered).
  handle_waits_end_.stop();
  if (dispatcher != nullptr) dispatcher->stop_intake();
  // 2. No new deliveries, fetcher threads joined; reads stop (a replay's publish waiting for
  //    its ack, by the ack timeout).
  reads_end_.request_stop();
  {
    std::unique_lock lock(consumption_);  // an unsubscribe releasing its part finishes first
    consumption_stopped_ = true;
  }
  transport_->stop_consuming(deadline);
  // 3. Handlers finish what is queued (and may still publish, dead letters included); what
  //    misses the deadline is nacked.
  if (dispatcher != nullptr) {
    const core::DrainReport drained = dispatcher->drain(deadline);
    report.abandoned_messages = drained.abandoned;
    report.stuck_handlers = drained.stuck_handlers;
  }
  // 4. Only now refuse publishes: anyone waiting for an in-flight slot or a rate-limit token
  //    gives up, and a send() under way has reached the transport before it closes.
  {
    std::unique_lock intake(intake_);
    accepting_.store(false, std::memory_order_release);
  }
  limiter_.shutdown();
  publish_waits_end_.stop();
  // 5. Outstanding publishes get until the deadline, then complete as cancelled; the
  //    transport's threads are joined.
  transport_->close(deadline);  // every publish it held has completed when it returns
  report.cancelled_publishes = cancelled_.load() - cancelled_before;
  if (report.cancelled_publishes + report.abandoned_messages + report.stuck_handlers > 0) {
    report.error = make_error_code(errc::close_incomplete);
  }
  return report;
}

}  // namespace eventbus
