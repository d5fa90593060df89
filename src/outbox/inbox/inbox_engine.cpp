// SPDX-License-Identifier: Apache-2.0
#include "outbox/inbox/inbox_engine.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "eventbus/error.hpp"
#include "outbox/log_line.hpp"
#include "outbox/unix_ms.hpp"

namespace eventbus::outbox {
namespace {

HandlerResult database_failure(const Error& error) {
  return HandlerResult::fail("inbox: " + error.detail);
}

}  // namespace

Error validate(const InboxOptions& options) {
  const auto invalid = [](std::string detail) {
    return Error{eventbus::make_error_code(eventbus::errc::invalid_option), std::move(detail)};
  };
  if (options.group.empty()) return invalid("inbox: group must not be empty");
  if (options.lease.count() <= 0) return invalid("inbox: lease must be > 0");
  if (options.max_attempts == 0) return invalid("inbox: max_attempts must be > 0");
  if (options.busy_timeout.count() < 0) return invalid("inbox: busy_timeout must be >= 0");
  if (options.database_timeout.count() <= 0) {
    return invalid("inbox: database_timeout must be > 0");
  }
  return {};
}

InboxEngine::InboxEngine(std::unique_ptr<InboxStore> store, InboxOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

std::optional<HandlerResult> InboxEngine::claim(InboxSession& session, const InboxKey& key,
                                                Claim& claim, bool counted) {
  // A claim made again after a rollback (mark_failed) must not count what the first counted.
  const auto count_once = [&](std::uint64_t InboxStats::*counter) {
    if (counted) count(counter);
  };
  std::optional<InboxRow> row;
  Error error = session.read(key, row);
  if (error) return database_failure(error);
  const std::int64_t now = unix_ms_now();
  const ClaimDecision decision = decide(row, now);
  switch (decision) {
    case ClaimDecision::insert:
      claim = Claim{1, 1};
      error = session.insert(key, now + options_.lease.count(), now);
      break;
    case ClaimDecision::take:
    case ClaimDecision::reclaim:
      claim = Claim{row->token + 1, row->attempts + 1};
      error = session.claim(key, row->token, now + options_.lease.count(), claim.attempts);
      if (decision == ClaimDecision::reclaim) count_once(&InboxStats::reclaimed);
      break;
    case ClaimDecision::busy:
      count_once(&InboxStats::busy);
      return HandlerResult::fail("inbox: event " + key.event_id +
                                 " is being handled by another consumer (its claim holds " +
                                 std::to_string(row->lease_until - now) + " ms more)");
    case ClaimDecision::done:
      count_once(&InboxStats::duplicates);
      return HandlerResult::ok();
    case ClaimDecision::dead:
      return HandlerResult::fail("inbox: event " + key.event_id + " is dead after " +
                                 std::to_string(row->attempts) + " attempt(s): " + row->last_error);
  }
  if (error) return database_failure(error);
  return std::nullopt;
}

HandlerResult InboxEngine::deliver(const Envelope& envelope, const Message& message,
                                   const std::function<HandlerResult(InboxSession&)>& run) {
  const InboxKey key{options_.group, envelope.event_id, std::string(message.topic)};
  std::shared_ptr<InboxSession> session;
  if (Error error = store_->acquire(session)) return database_failure(error);
  // Where a claim's transaction keeps every other claim out until it ends (SQLite's one
  // writer), the claim is made in the handler's transaction: one commit per message, and a
  // claim never outlives a crash. Elsewhere it commits first, so other consumers see it (and
  // its lease) while the handler runs.
  const bool one_transaction = store_->claims_lock_out_others();

  Claim claim;
  if (Error error = session->begin(one_transaction)) return database_failure(error);
  if (std::optional<HandlerResult> settled = this->claim(*session, key, claim, true)) {
    session->rollback();
    return *settled;
  }
  if (!one_transaction) {
    Error error = session->commit();
    if (!error) error = session->begin(true);
    if (error) {
      session->rollback();
      return database_failure(error);
    }
  }

  // The handler's writes, and the done mark only while the claim is still ours.
  HandlerResult result;
  try {
    result = run(*session);
  } catch (const std::exception& e) {
    result = HandlerResult::fail(e.what());
  } catch (...) {
    result = HandlerResult::fail("the handler threw something that is not a std::exception");
  }
  if (result) {
    bool ours = false;
    Error error = session->settle(key, claim.token, "done", "", unix_ms_now(), ours);
    if (!error && !ours) {
      session->rollback();
      count(&InboxStats::stale);
      log(LogLevel::warning, "inbox: event " + key.event_id + " of group " + key.group +
                                 " was taken over while its handler ran (token " +
                                 std::to_string(claim.token) +
                                 " is stale); its writes were rolled back and the new claim "
                                 "handles it");
      return HandlerResult::ok();
    }
    if (!error) error = session->commit();
    if (!error) {
      count(&InboxStats::handled);
      return HandlerResult::ok();
    }
    result = database_failure(error);
  }
  session->rollback();
  count(&InboxStats::failed);
  mark_failed(*session, key, claim, one_transaction, result.reason);
  return result;
}

void InboxEngine::mark_failed(InboxSession& session, const InboxKey& key, Claim claim,
                              bool claim_again, const std::string& reason) {
  // The handler's writes are gone. The mark lets the next delivery take the event at once (or
  // stops it, when dead); where the claim was rolled back with them it is made again first.
  // Best effort: without the mark a committed claim's lease runs out and it is reclaimed.
  Error error = session.begin(false);
  if (!error && claim_again) {
    if (const std::optional<HandlerResult> settled = this->claim(session, key, claim, false)) {
      session.rollback();  // another consumer settled it meanwhile: its mark stands
      return;
    }
  }
  const bool dead = claim.attempts >= options_.max_attempts;
  bool ours = false;
  if (!error) {
    error = session.settle(key, claim.token, dead ? "dead" : "failed", reason, unix_ms_now(), ours);
  }
  if (!error) error = session.commit();
  if (error) {
    session.rollback();
    log(LogLevel::warning,
        "inbox: could not mark event " + key.event_id + " failed: " + error.detail);
  } else if (dead && ours) {
    count(&InboxStats::dead);
    log(LogLevel::error, "inbox: event " + key.event_id + " of group " + key.group +
                             " is dead after " + std::to_string(claim.attempts) +
                             " attempt(s): " + reason);
  }
}

InboxStats InboxEngine::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void InboxEngine::count(std::uint64_t InboxStats::*counter) {
  std::lock_guard lock(mutex_);
  ++(stats_.*counter);
}

void InboxEngine::log(LogLevel level, const std::string& message) const {
  log_line(options_.log, level, "inbox", message);
}

}  // namespace eventbus::outbox
