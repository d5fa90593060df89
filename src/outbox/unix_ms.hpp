// SPDX-License-Identifier: Apache-2.0
// The outbox's and the inbox's times: Unix milliseconds, as their tables store them.
#pragma once

#include <chrono>
#include <cstdint>

namespace eventbus::outbox {

inline std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace eventbus::outbox
