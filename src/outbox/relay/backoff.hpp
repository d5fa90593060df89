// SPDX-License-Identifier: Apache-2.0
// The wait before a row's next attempt: initial x 2^(attempts-1), at most max (as the bus's own
// handler retries grow, docs/concepts.md#retries).
#pragma once

#include <chrono>
#include <cstdint>

namespace eventbus::outbox {

inline std::chrono::milliseconds backoff_after(std::uint32_t attempts,
                                               std::chrono::milliseconds initial,
                                               std::chrono::milliseconds max) {
  std::chrono::milliseconds wait = initial;
  for (std::uint32_t n = 1; n < attempts && wait < max; ++n)
    wait *= 2;  // no overflow: stops at max
  return wait < max ? wait : max;
}

}  // namespace eventbus::outbox
