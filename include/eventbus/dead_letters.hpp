// SPDX-License-Identifier: Apache-2.0
/// @file
/// Dead letters of a topic, read and replayed to the topic they came from.
///
/// A message its handler gave up on is stored on "<topic>.dlq" with its raw bytes and the
/// reason in headers (docs/concepts.md). Replaying one publishes those bytes to the original
/// topic again, once the cause is fixed; the dead letter is settled (committed or acked in the
/// replay group) only once that publish is acked.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventbus/reading.hpp"

namespace eventbus {

/// The header a replayed message carries: how often it has been replayed ("1" the first time).
inline constexpr std::string_view kReplayCountHeader = "X-Replay-Count";

/// One dead letter, with what its headers say about it.
struct DeadLetter {
  StoredMessage stored;        ///< the dead letter as stored on "<topic>.dlq"
  std::string original_topic;  ///< X-DLQ-Original-Topic
  std::string error;           ///< X-DLQ-Error: the reason, one line
  /// X-DLQ-Error-Code: "<category>:<value>", e.g. "eventbus:24" (handler_failed).
  std::string error_code;
  std::uint32_t attempts = 0;  ///< X-DLQ-Attempts: handler runs before it was given up
  std::uint32_t replays = 0;   ///< X-Replay-Count: how often it was replayed before
  /// X-Aggregate-ID, else the envelope's (when the bytes decode as one), else the record key.
  std::string aggregate_id;
  /// X-Event-ID, else the envelope's; empty for raw bytes without it.
  std::string event_id;
};

/// Reads a stored message as a dead letter: the X-DLQ-* headers and the event's identity. A
/// message without X-DLQ-Original-Topic (not written by a bus) is returned with that field
/// empty, never dropped.
DeadLetter dead_letter_from(StoredMessage stored);

/// Which dead letters a list or replay selects; an empty field selects all.
struct DeadLetterFilter {
  /// X-DLQ-Error-Code as written ("eventbus:24"), or an eventbus::errc name ("handler_failed").
  std::string error_code;
  std::string aggregate_id;  ///< X-Aggregate-ID (or the record key) equal to this
  std::string event_id;      ///< X-Event-ID equal to this
  std::optional<std::chrono::system_clock::time_point> since;  ///< stored at or after
  std::optional<std::chrono::system_clock::time_point> until;  ///< stored before

  /// True when `letter` passes every field that is set.
  bool matches(const DeadLetter& letter) const;
};

/// How Bus::replay_dead_letters and Bus::list_dead_letters work.
struct DeadLetterOptions {
  DeadLetterFilter filter;  ///< which dead letters; default: all
  /// The group whose position marks what is settled. Every bus and CLI that replays a topic's
  /// dead letters should use the same one.
  std::string group = "eventbus-dlq-replay";
  /// Replay: list what would be replayed, publish and settle nothing.
  bool dry_run = false;
  /// The whole call: reading, and each publish's ack.
  std::chrono::milliseconds timeout{60000};
};

/// What a list or replay found and did.
struct DeadLetterReport {
  /// Empty when the unsettled dead letters were all read (and, replaying, all replayed or
  /// kept). Otherwise the error that stopped it (a publish that failed, the deadline, an
  /// unknown topic); what was settled before it stays settled.
  std::error_code error;
  std::string detail;                ///< what stopped it, in words
  std::vector<DeadLetter> selected;  ///< list and dry run: the dead letters the filter selects
  std::uint64_t read = 0;            ///< unsettled dead letters read
  std::uint64_t replayed = 0;        ///< republished, acked, and settled
  /// Not selected by the filter, so stored again at the end of "<topic>.dlq" (and the old copy
  /// settled): a later replay finds them unsettled.
  std::uint64_t kept = 0;
};

}  // namespace eventbus
