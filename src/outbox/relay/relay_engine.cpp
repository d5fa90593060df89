// SPDX-License-Identifier: Apache-2.0
#include "outbox/relay/relay_engine.hpp"

#include <exception>
#include <utility>

#include "eventbus/codec.hpp"
#include "eventbus/error.hpp"
#include "outbox/headers_json.hpp"
#include "outbox/log_line.hpp"
#include "outbox/relay/backoff.hpp"
#include "outbox/unix_ms.hpp"

namespace eventbus::outbox {
namespace {

Error invalid(std::string detail) {
  return {eventbus::make_error_code(eventbus::errc::invalid_option), std::move(detail)};
}

}  // namespace

Error validate(const RelayOptions& options) {
  if (options.batch_size == 0) return invalid("outbox relay: batch_size must be > 0");
  if (options.poll_interval.count() <= 0) return invalid("outbox relay: poll_interval must be > 0");
  if (options.max_attempts == 0) return invalid("outbox relay: max_attempts must be > 0");
  if (options.initial_backoff.count() <= 0) {
    return invalid("outbox relay: initial_backoff must be > 0");
  }
  if (options.max_backoff < options.initial_backoff) {
    return invalid("outbox relay: max_backoff must be >= initial_backoff");
  }
  if (options.busy_timeout.count() < 0) return invalid("outbox relay: busy_timeout must be >= 0");
  if (options.database_timeout.count() <= 0) {
    return invalid("outbox relay: database_timeout must be > 0");
  }
  return {};
}

RelayEngine::RelayEngine(std::unique_ptr<Store> store, Bus& bus, RelayOptions options)
    : store_(std::move(store)),
      bus_(bus),
      options_(std::move(options)),
      thread_([this] { run(); }) {}

RelayEngine::~RelayEngine() {
  close(milliseconds(5000));
}

void RelayEngine::notify() {
  std::lock_guard lock(control_->mutex);
  control_->notified = true;
  control_->changed.notify_all();
}

Error RelayEngine::close(milliseconds timeout) {
  if (std::this_thread::get_id() == thread_.get_id()) {  // from the log handler: would join itself
    return {eventbus::make_error_code(eventbus::errc::close_from_handler),
            "outbox relay: close() from the relay's own thread (its log handler)"};
  }
  std::lock_guard closing(close_mutex_);
  if (closed_) return close_result_;
  {
    std::lock_guard lock(control_->mutex);
    control_->stopping = true;
    control_->deadline = std::chrono::steady_clock::now() + timeout;
    control_->changed.notify_all();
  }
  store_->give_up_at(std::chrono::steady_clock::now() + timeout);
  if (thread_.joinable()) thread_.join();
  closed_ = true;
  std::lock_guard lock(stats_mutex_);
  if (unacked_at_close_ > 0) {
    close_result_ = {eventbus::make_error_code(eventbus::errc::close_incomplete),
                     "outbox relay: " + std::to_string(unacked_at_close_) +
                         " publishes not acked by the close deadline; their rows stay pending "
                         "and are published again by the next relay"};
  }
  return close_result_;
}

RelayStats RelayEngine::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

Error RelayEngine::last_error() const {
  std::lock_guard lock(stats_mutex_);
  return last_error_;
}

void RelayEngine::run() {
  for (;;) {
    {
      std::lock_guard lock(control_->mutex);
      if (control_->stopping) return;
    }
    const bool more = round();
    std::unique_lock lock(control_->mutex);
    if (control_->stopping) return;
    if (!more) {
      control_->changed.wait_for(lock, options_.poll_interval,
                                 [&] { return control_->stopping || control_->notified; });
    }
    control_->notified = false;
  }
}

bool RelayEngine::round() {
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.rounds;
  }
  std::vector<OutboxRow> rows;
  if (Error error = store_->claim(unix_ms_now(), options_.batch_size, rows)) {
    fail_round(error);
    return false;
  }
  if (rows.empty()) return false;

  auto round = std::make_shared<Round>();
  round->outcomes.resize(rows.size());
  Settlement settlement;
  const std::int64_t claimed_at = unix_ms_now();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    publish(rows[i], i, round, settlement.failures, claimed_at);
  }
  const std::vector<Outcome> outcomes = await(round);

  settlement.now_ms = unix_ms_now();
  std::size_t unacked = 0;
  std::uint64_t failed = 0;  // publish attempts that failed
  bool bus_closed = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Outcome& outcome = outcomes[i];
    // Not done: never sent (a bad row, already in failures; or closing) or not acked by the
    // close deadline. Either way the row stays as it is.
    if (!outcome.done) continue;
    if (!outcome.error) {
      settlement.published.push_back(rows[i].id);
      continue;
    }
    // The bus closed (or is closing) under the relay: not the row's fault, so no attempt is
    // counted and the row stays pending for a relay on an open bus.
    if (outcome.error == eventbus::errc::closed || outcome.error == eventbus::errc::cancelled) {
      bus_closed = true;
      continue;
    }
    ++failed;
    std::string error = outcome.error.message();
    if (!outcome.detail.empty()) error += ": " + outcome.detail;
    settlement.failures.push_back(failure(rows[i], std::move(error), settlement.now_ms, false));
  }
  {
    std::lock_guard lock(control_->mutex);
    unacked = round->outstanding;
  }
  if (Error error = store_->settle(settlement)) {
    fail_round(error);
    return false;
  }
  std::uint64_t dead = 0;
  for (const RowFailure& f : settlement.failures) {
    if (!f.dead) continue;
    ++dead;
    log(LogLevel::error, "outbox: row " + std::to_string(f.id) + " is dead after " +
                             std::to_string(f.attempts) + " attempt(s): " + f.error);
  }
  std::lock_guard lock(stats_mutex_);
  stats_.published += settlement.published.size();
  stats_.failed += failed;
  stats_.dead += dead;
  unacked_at_close_ = unacked;
  if (dead > 0) {
    const RowFailure& last = settlement.failures.back();
    last_error_ = {make_error_code(errc::row_dead),
                   "row " + std::to_string(last.id) + " is dead: " + last.error};
  }
  if (bus_closed) {
    last_error_ = {eventbus::make_error_code(eventbus::errc::closed),
                   "outbox relay: the bus is closed; its rows stay pending (close the relay "
                   "before the bus)"};
    return false;  // no hurry: wait for the poll interval
  }
  return rows.size() == options_.batch_size;
}

void RelayEngine::publish(const OutboxRow& row, std::size_t index,
                          const std::shared_ptr<Round>& round, std::vector<RowFailure>& failures,
                          std::int64_t now) {
  {
    std::lock_guard lock(control_->mutex);
    if (control_->stopping) return;  // left pending for the next relay
  }
  DecodeResult decoded = decode(row.payload);
  if (!decoded) {
    failures.push_back(
        failure(row, "payload is not an envelope: " + decoded.error.detail, now, true));
    return;
  }
  PublishCall call;
  if (row.headers) {
    if (Error error = decode_headers(*row.headers, call.headers)) {
      failures.push_back(failure(row, error.detail, now, true));
      return;
    }
  }
  {
    std::lock_guard lock(control_->mutex);
    ++round->outstanding;
  }
  // The completion may fire on this thread (a refusal) or on the transport's; it records the
  // outcome in the round, which it keeps alive, and wakes the relay thread.
  bus_.publish_envelope(
      row.topic, decoded.envelope,
      [control = control_, round, index](const PublishResult& result) {
        std::lock_guard lock(control->mutex);
        Outcome& outcome = round->outcomes[index];
        outcome.done = true;
        outcome.error = result.error;
        outcome.detail = std::string(result.detail);
        --round->outstanding;
        control->changed.notify_all();
      },
      call);
}

std::vector<RelayEngine::Outcome> RelayEngine::await(const std::shared_ptr<Round>& round) {
  std::unique_lock lock(control_->mutex);
  for (;;) {
    if (round->outstanding == 0) break;
    if (control_->stopping) {
      // Closing: wait for the acks up to the close deadline, no longer.
      const auto deadline = control_->deadline;
      control_->changed.wait_until(lock, deadline, [&] { return round->outstanding == 0; });
      break;
    }
    // Not closing: the bus fires every completion within its ack timeout.
    control_->changed.wait(lock, [&] { return round->outstanding == 0 || control_->stopping; });
  }
  return round->outcomes;
}

RowFailure RelayEngine::failure(const OutboxRow& row, std::string error, std::int64_t now,
                                bool poison) const {
  RowFailure f;
  f.id = row.id;
  f.attempts = row.attempts + 1;
  f.error = std::move(error);
  f.dead = poison || f.attempts >= options_.max_attempts;
  f.next_attempt_at =
      now + backoff_after(f.attempts, options_.initial_backoff, options_.max_backoff).count();
  return f;
}

void RelayEngine::fail_round(const Error& error) {
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.failed_rounds;
    last_error_ = error;
  }
  log(LogLevel::warning, "outbox: round failed, trying again next round: " + error.detail);
}

void RelayEngine::log(LogLevel level, const std::string& message) const {
  log_line(options_.log, level, "outbox", message);
}

}  // namespace eventbus::outbox
