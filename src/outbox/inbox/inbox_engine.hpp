// SPDX-License-Identifier: Apache-2.0
// The inbox's per-delivery steps over any database: claim (in a short transaction of its own,
// or in the handler's where a claim locks out every other), run the handler in a transaction
// that also marks the event done if the claim's token still holds, or mark it failed. A store
// supplies the SQL (inbox_store.hpp).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "eventbus/bus.hpp"
#include "eventbus/outbox/inbox.hpp"
#include "outbox/inbox/inbox_store.hpp"

namespace eventbus::outbox {

class InboxEngine {
 public:
  InboxEngine(std::unique_ptr<InboxStore> store, InboxOptions options);

  // One delivery; `run` calls the application's handler on the session it is given.
  HandlerResult deliver(const Envelope& envelope, const Message& message,
                        const std::function<HandlerResult(InboxSession&)>& run);
  InboxStats stats() const;

 private:
  struct Claim {
    std::int64_t token = 1;
    std::uint32_t attempts = 1;
  };
  // Reads the row and claims it in the session's open transaction; a result when the delivery
  // is settled without the handler (done, dead, busy, a database error).
  // `counted`: the stats count what it found (false when claiming again after a rollback).
  std::optional<HandlerResult> claim(InboxSession& session, const InboxKey& key, Claim& claim,
                                     bool counted);
  void mark_failed(InboxSession& session, const InboxKey& key, Claim claim, bool claim_again,
                   const std::string& reason);
  void count(std::uint64_t InboxStats::*counter);
  void log(LogLevel level, const std::string& text) const;

  const std::unique_ptr<InboxStore> store_;
  const InboxOptions options_;
  mutable std::mutex mutex_;
  InboxStats stats_;
};

}  // namespace eventbus::outbox
