// SPDX-License-Identifier: Apache-2.0
/// @file
/// A point-in-time snapshot of a bus's counters.
#pragma once

#include <cstdint>

namespace eventbus {

/// A point-in-time snapshot of a bus's counters: Bus::stats().
struct Stats {
  std::uint64_t published = 0;      ///< publish calls accepted (handed to the transport)
  std::uint64_t acked = 0;          ///< completions with success
  std::uint64_t failed = 0;         ///< completions with an error (including cancelled)
  std::uint64_t cancelled = 0;      ///< completions cancelled by close
  std::uint64_t rejected = 0;       ///< publish calls refused before reaching the transport
  std::uint64_t delivered = 0;      ///< messages handed to handlers (first attempts)
  std::uint64_t handled = 0;        ///< handler successes
  std::uint64_t retried = 0;        ///< handler re-runs after a failure
  std::uint64_t dead_lettered = 0;  ///< messages sent to a `<topic>.dlq`
  std::uint64_t decode_errors = 0;  ///< envelope-topic messages that failed to decode
  std::uint64_t in_flight = 0;      ///< publishes awaiting their broker ack now
  std::uint64_t lanes_busy = 0;     ///< lanes with queued or running messages now
  std::uint64_t queued = 0;         ///< messages waiting in lanes now
  std::uint64_t rate_limited = 0;   ///< publish calls refused by a rate limit (also in rejected)
  std::uint64_t throttled = 0;  ///< publish calls and deliveries held back for a rate-limit token
};

}  // namespace eventbus
