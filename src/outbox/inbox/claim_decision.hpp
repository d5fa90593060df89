// SPDX-License-Identifier: Apache-2.0
// What a delivery does with the inbox row of its (group, event id), whichever the database: the
// rules in one place, the SQL in each store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace eventbus::outbox {

// The row as read under the claim's lock.
struct InboxRow {
  std::string state;  // processing | done | failed | dead
  std::int64_t token = 0;
  std::int64_t lease_until = 0;  // Unix ms
  std::uint32_t attempts = 0;
  std::string last_error;
};

enum class ClaimDecision {
  insert,   // no row: claim it with token 1
  take,     // failed before: claim it with the next token
  reclaim,  // processing, but its lease ran out: take it over with the next token
  busy,     // processing under a live lease: another consumer has it now
  done,     // handled before: ack without the handler
  dead,     // failed max_attempts times: fail at once with its last error
};

inline ClaimDecision decide(const std::optional<InboxRow>& row, std::int64_t now_ms) {
  if (!row) return ClaimDecision::insert;
  if (row->state == "done") return ClaimDecision::done;
  if (row->state == "dead") return ClaimDecision::dead;
  if (row->state == "processing") {
    return row->lease_until > now_ms ? ClaimDecision::busy : ClaimDecision::reclaim;
  }
  return ClaimDecision::take;  // failed
}

}  // namespace eventbus::outbox
