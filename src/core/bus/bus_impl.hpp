// SPDX-License-Identifier: Apache-2.0
// The Bus's state and the steps shared by every transport: validate, encode and count once,
// rate-limit and bound what is in flight, route deliveries through one dispatcher, route
// outcomes to tenants, close in order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stop_token>
#include <vector>

#include "core/bus/subscription_route.hpp"
#include "core/dispatch/ordered_dispatcher.hpp"
#include "core/health/bus_monitor.hpp"
#include "core/log.hpp"
#include "core/metrics/bus_metrics.hpp"
#include "core/metrics/metrics_link.hpp"
#include "core/publish/in_flight_limiter.hpp"
#include "core/publish/tenant_completions.hpp"
#include "core/rate_limit/rate_limits.hpp"
#include "core/stop_signal.hpp"
#include "core/transport.hpp"
#include "eventbus/bus.hpp"
#include "eventbus/subscription.hpp"

namespace eventbus {

class Bus::Impl final : public core::PublishTracker, public core::DeadLetterPublisher {
 public:
  explicit Impl(BusOptions options);
  ~Impl();

  std::error_code publish(std::string_view topic, std::string payload, Completion done,
                          const PublishCall& call);
  std::error_code publish_envelope(std::string_view topic, const Envelope& envelope,
                                   Completion done, const PublishCall& call);
  OwnedPublishResult publish_envelope_sync(std::string_view topic, const Envelope& envelope,
                                           milliseconds timeout);
  Subscription subscribe(std::string_view topic, core::SubscriptionRoute::Handler handler,
                         const SubscribeOptions& options);
  // Subscription::unsubscribe: hold the route, let what it handed on finish, then release the
  // transport's part.
  std::error_code unsubscribe(core::SubscriptionRoute& route, milliseconds timeout);
  CloseReport close(milliseconds timeout);
  // Bus::read: on the calling thread, until the end, the callback's stop, `stop` or close().
  ReadResult read(std::string_view topic, const ReadOptions& options, const core::ReadCallback& fn,
                  std::stop_token stop);
  // Bus::topics and Bus::group_lag: asked of the transport, until `timeout` or close().
  TopicsReport topics(milliseconds timeout);
  GroupLagReport group_lag(std::string_view group, std::string_view topic, milliseconds timeout);
  // Publishes bytes with their headers as stored (a replayed dead letter) and waits for the
  // broker's answer (by the ack timeout).
  OwnedPublishResult publish_stored(std::string_view topic, std::string key, Headers headers,
                                    std::string payload);
  Stats stats() const;
  Health health() const;
  void set_alert_handler(AlertHandler handler);
  core::TenantCompletions& tenants() noexcept { return tenants_; }

  const BusOptions& options() const noexcept { return options_; }
  core::Transport& transport() noexcept { return *transport_; }
  const core::Transport& transport() const noexcept { return *transport_; }
  const core::BusMetrics& metrics() const noexcept { return metrics_; }
  const std::shared_ptr<core::MetricsLink>& metrics_link() const noexcept { return metrics_link_; }
  // False from the moment close() starts.
  bool open() const noexcept { return open_.load(std::memory_order_relaxed); }

  void on_finished(core::PendingPublish& publish, const PublishResult& result) noexcept override;
  bool publish_dead_letter(const core::Delivery& delivery, const HandlerResult& why,
                           std::uint32_t attempts) noexcept override;

 private:
  std::error_code refuse(Completion& done, std::error_code error, std::string_view topic,
                         std::string_view detail, const Envelope* envelope,
                         core::Clock::time_point called_at);
  // Passes the open, topic and in-flight checks, or refuses. `metrics` gets the topic's entry.
  std::error_code admit(std::string_view topic, Completion& done, const PublishCall& call,
                        const Envelope* envelope, core::Clock::time_point called_at,
                        core::PublishMetrics*& metrics);
  std::error_code pass_rate_limits(std::string_view topic, Completion& done,
                                   core::Deadline deadline, const Envelope* envelope,
                                   core::Clock::time_point called_at);
  std::error_code check_extras(const PublishCall& call, bool envelope, std::string& detail) const;
  static void add_headers(core::PendingPublish& message, const PublishCall& call,
                          std::string traceparent);
  // Counts an accepted call, stamps it and hands it to the transport.
  void send(std::unique_ptr<core::PendingPublish> message, core::PublishMetrics& metrics,
            core::Clock::time_point called_at);
  std::error_code add_route(const std::shared_ptr<Subscription::State>& handle,
                            core::SubscriptionRoute::Handler handler);
  CloseReport run_close(milliseconds timeout);
  static bool on_read_thread() noexcept;
  core::OrderedDispatcher& dispatcher_locked();
  void start_monitor();

  const BusOptions options_;
  const core::LogPtr log_;    // before the transport and everything else that logs
  core::BusMetrics metrics_;  // before anything that counts into it
  std::shared_ptr<core::MetricsLink> metrics_link_;
  std::atomic<bool> open_{true};
  std::unique_ptr<core::Transport> transport_;
  core::InFlightLimiter limiter_;
  core::RateLimits publish_limits_;
  core::RateLimits handle_limits_;
  core::StopSignal publish_waits_end_;  // raised with the in-flight limiter's shutdown
  core::StopSignal handle_waits_end_;   // raised when close stops intake
  core::TenantCompletions tenants_{log_};
  core::DispatchCounters dispatch_counters_;
  std::atomic<bool> accepting_{true};  // written under intake_ (exclusive)
  std::shared_mutex intake_;           // send() holds it shared around transport_->publish

  mutable std::mutex subscriptions_mutex_;
  std::unique_ptr<core::OrderedDispatcher> dispatcher_;  // started with the first subscription
  std::vector<std::unique_ptr<core::SubscriptionRoute>> routes_;
  std::vector<std::shared_ptr<Subscription::State>> handles_;  // cut loose by ~Impl
  bool subscriptions_closed_ = false;
  // Held shared by an unsubscribe while it releases the transport's part, exclusively by
  // close() to stop consuming: the transport never sees both at once.
  std::shared_mutex consumption_;
  bool consumption_stopped_ = false;  // guarded by consumption_
  std::stop_source reads_end_;  // requested by close(): every read returns (they hold consumption_)
  std::atomic<core::OrderedDispatcher*> dispatcher_ptr_{nullptr};  // read without the mutex

  enum class CloseState { open, closing, closed };
  std::mutex close_mutex_;
  std::condition_variable close_done_;
  CloseState close_state_ = CloseState::open;
  CloseReport close_report_;

  std::atomic<std::uint64_t> published_{0}, acked_{0}, failed_{0}, cancelled_{0}, rejected_{0};
  std::atomic<std::uint64_t> decode_errors_{0};
  std::atomic<std::uint64_t> ack_latency_ns_{0};  // sum over acked publishes, for the monitor

  // Last: its thread samples everything above; stopped first by close().
  std::unique_ptr<core::BusMonitor> monitor_;
  std::atomic<std::uint64_t> rate_limited_{0}, throttled_{0};
};

}  // namespace eventbus
