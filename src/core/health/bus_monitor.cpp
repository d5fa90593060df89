// SPDX-License-Identifier: Apache-2.0
#include "core/health/bus_monitor.hpp"

#include <algorithm>
#include <stop_token>

#include "eventbus/envelope.hpp"

namespace eventbus::core {
namespace {

using std::chrono::milliseconds;
using Clock = BusMonitor::Clock;

double as_ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Without thresholds of its own the monitor still has to notice a missed heartbeat promptly.
Clock::duration check_period(const BusOptions& o) {
  if (o.monitor.interval.count() > 0) return o.monitor.interval;
  return std::clamp<Clock::duration>(o.heartbeat.interval / 2, milliseconds(10),
                                     milliseconds(1000));
}

void log_alert(const Log& log, const Alert& a) {
  const std::string where = a.topic.empty() ? std::string() : " " + a.topic + "/" + a.group;
  if (a.cleared) {
    log.info("monitor", "{}{} cleared: {}", to_string(a.kind), where, a.detail);
    return;
  }
  const LogLevel level = a.severity == Severity::warning ? LogLevel::warning : LogLevel::error;
  log.write(level, "monitor", "{}{} ({}): {}", to_string(a.kind), where, to_string(a.severity),
            a.detail);
}

}  // namespace

bool BusMonitor::wanted(const BusOptions& o) noexcept {
  return o.heartbeat.publish || o.heartbeat.watch || o.monitor.interval.count() > 0;
}

BusMonitor::BusMonitor(const BusOptions& options, LogPtr log, Hooks hooks)
    : options_(options),
      log_(std::move(log)),
      hooks_(std::move(hooks)),
      check_every_(check_period(options)) {}

void BusMonitor::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void BusMonitor::stop() {
  thread_.request_stop();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void BusMonitor::set_handler(AlertHandler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

// A heartbeat older than one interval plus its grace is history (a new consumer group reading
// a Kafka topic from the start), not a sign of life.
void BusMonitor::heartbeat_received(const HeartbeatMessage& message) {
  const auto wall_now = std::chrono::system_clock::now();
  const auto sent =
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(message.timestamp.utc);
  if (wall_now - sent > options_.heartbeat.interval + options_.heartbeat.timeout) return;
  std::lock_guard lock(mutex_);
  last_heartbeat_ = Clock::now();
  last_heartbeat_wall_ = wall_now;
}

std::optional<std::chrono::system_clock::time_point> BusMonitor::last_heartbeat() const {
  std::lock_guard lock(mutex_);
  return last_heartbeat_wall_;
}

void BusMonitor::run(std::stop_token stop) {
  std::mutex wait_mutex;
  std::condition_variable_any wake;
  Clock::time_point next_beat = Clock::now();
  Clock::time_point next_check = Clock::now() + check_every_;
  while (!stop.stop_requested()) {
    const Clock::time_point now = Clock::now();
    if (options_.heartbeat.publish && now >= next_beat) {
      HeartbeatMessage beat{new_event_id(), Timestamp::now(), options_.client_name,
                            options_.transport};
      hooks_.publish(encode_heartbeat(beat));
      next_beat = std::max(next_beat + options_.heartbeat.interval, now);
    }
    if (now >= next_check) {
      check(now);
      next_check = Clock::now() + check_every_;
    }
    const Clock::time_point until =
        options_.heartbeat.publish ? std::min(next_beat, next_check) : next_check;
    std::unique_lock lock(wait_mutex);
    wake.wait_until(lock, stop, until, [] { return false; });
  }
}

void BusMonitor::check(Clock::time_point now) {
  if (options_.heartbeat.watch) check_heartbeats(now);
  if (options_.monitor.interval.count() <= 0) return;  // heartbeats only
  const Health health = hooks_.sample();
  if (health.closed) return;
  raise(Alert{AlertKind::disconnected,
              {},
              false,
              {},
              {},
              health.connected ? 0.0 : 1.0,
              0,
              health.connected ? "connected again" : "no connection to the broker"},
        health.connected ? std::nullopt : std::optional(Severity::error));
  check_publisher(health);
  check_subscriptions(health, now);
}

// Missed = how many whole intervals passed beyond the first interval + grace.
void BusMonitor::check_heartbeats(Clock::time_point now) {
  const HeartbeatOptions& h = options_.heartbeat;
  Clock::time_point since;
  {
    std::lock_guard lock(mutex_);
    since = last_heartbeat_.value_or(started_);
  }
  const Clock::duration quiet = now - since;
  std::uint32_t missed = 0;
  if (quiet >= h.interval + h.timeout) {
    missed = 1 + static_cast<std::uint32_t>((quiet - h.interval - h.timeout) / h.interval);
  }
  std::optional<Severity> severity;
  if (missed >= h.critical_misses) {
    severity = Severity::critical;
  } else if (missed >= h.error_misses) {
    severity = Severity::error;
  } else if (missed >= h.warning_misses) {
    severity = Severity::warning;
  }
  const std::string detail = severity ? "no heartbeat on '" + h.topic + "' for " +
                                            std::to_string(static_cast<long long>(as_ms(quiet))) +
                                            " ms (" + std::to_string(missed) + " missed)"
                                      : "heartbeats arrive again on '" + h.topic + "'";
  raise(Alert{AlertKind::heartbeat_missing,
              {},
              false,
              h.topic,
              {},
              static_cast<double>(missed),
              static_cast<double>(h.warning_misses),
              detail},
        severity);
}

void BusMonitor::check_publisher(const Health& health) {
  const MonitorOptions& m = options_.monitor;
  if (m.in_flight > 0) {
    const bool over = health.publish_in_flight >= m.in_flight;
    raise(Alert{AlertKind::in_flight,
                {},
                false,
                {},
                {},
                static_cast<double>(health.publish_in_flight),
                static_cast<double>(m.in_flight),
                std::to_string(health.publish_in_flight) + " publishes await their ack"},
          over ? std::optional(Severity::warning) : std::nullopt);
  }
  const auto totals = hooks_.ack_totals();
  const std::uint64_t acks = totals.second - last_ack_totals_.second;
  const std::uint64_t sum_ns = totals.first - last_ack_totals_.first;
  last_ack_totals_ = totals;
  if (m.ack_latency.count() > 0 && acks > 0) {  // no acks in the window: nothing to judge
    const double mean_ms = static_cast<double>(sum_ns) / static_cast<double>(acks) / 1e6;
    const double bound = static_cast<double>(m.ack_latency.count());
    raise(Alert{AlertKind::ack_latency,
                {},
                false,
                {},
                {},
                mean_ms,
                bound,
                "mean ack latency " + std::to_string(mean_ms) + " ms over " + std::to_string(acks) +
                    " acks"},
          mean_ms >= bound ? std::optional(Severity::warning) : std::nullopt);
  }
}

void BusMonitor::check_subscriptions(const Health& health, Clock::time_point now) {
  const MonitorOptions& m = options_.monitor;
  std::map<std::pair<std::string, std::string>, std::int64_t> pending;
  for (const PartitionLag& p : health.lag)
    pending[{p.topic, p.group}] += p.pending;
  for (const SubscriptionHealth& s : health.subscriptions) {
    raise(
        Alert{AlertKind::stalled,
              {},
              false,
              s.topic,
              s.group,
              static_cast<double>(s.in_progress),
              as_ms(m.stall_after),
              s.stalled ? std::to_string(s.in_progress) + " messages and no handler finished for " +
                              std::to_string(m.stall_after.count()) + " ms"
                        : "handlers finish again"},
        s.stalled ? std::optional(Severity::error) : std::nullopt);
    if (m.lag_messages > 0) {
      const bool over = s.lag >= m.lag_messages;
      raise(Alert{AlertKind::lag,
                  {},
                  false,
                  s.topic,
                  s.group,
                  static_cast<double>(s.lag),
                  static_cast<double>(m.lag_messages),
                  "lag " + std::to_string(s.lag) + " messages"},
            over ? std::optional(Severity::warning) : std::nullopt);
    }
    const auto key = std::make_pair(s.topic, s.group);
    const auto it = pending.find(key);
    if (it == pending.end() || it->second <= 0) {
      pending_since_.erase(key);
    } else {
      pending_since_.emplace(key, now);
    }
    if (m.lag_age.count() > 0) {
      const auto since = pending_since_.find(key);
      const Clock::duration age =
          since == pending_since_.end() ? Clock::duration() : now - since->second;
      raise(Alert{AlertKind::lag_age,
                  {},
                  false,
                  s.topic,
                  s.group,
                  as_ms(age),
                  as_ms(m.lag_age),
                  "messages waiting to be fetched for " +
                      std::to_string(static_cast<long long>(as_ms(age))) + " ms"},
            age >= m.lag_age ? std::optional(Severity::warning) : std::nullopt);
    }
  }
}

void BusMonitor::raise(Alert alert, std::optional<Severity> severity) {
  const std::optional<Alert> out = tracker_.update(std::move(alert), severity);
  if (!out) return;
  log_alert(*log_, *out);
  AlertHandler handler;
  {
    std::lock_guard lock(mutex_);
    handler = handler_;
  }
  if (!handler) return;
  try {
    handler(*out);
  } catch (const std::exception& e) {
    log_->error("monitor", "an alert handler threw: {}", e.what());
  } catch (...) {
    log_->error("monitor", "an alert handler threw a non-std::exception");
  }
}

}  // namespace eventbus::core
