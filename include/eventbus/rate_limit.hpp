// SPDX-License-Identifier: Apache-2.0
/// @file
/// A token-bucket rate limit, for publishing and for handling, per bus and per topic.
#pragma once

#include <cstddef>

namespace eventbus {

/// `per_second` tokens are added each second up to `burst`; an operation takes one. The bucket
/// starts full, so up to `burst` operations pass at once after a quiet period.
struct RateLimit {
  double per_second = 0;  ///< 0: unlimited; otherwise a finite number > 0, at most 1e9
  std::size_t burst = 0;  ///< tokens the bucket holds; 0: max(1, per_second) rounded down;
                          ///< ignored when per_second is 0

  /// True when there is a limit: per_second > 0.
  bool limited() const noexcept { return per_second > 0; }
  /// The bucket's capacity: `burst`, or its default.
  std::size_t capacity() const noexcept {
    if (burst > 0) return burst;
    return per_second >= 1 ? static_cast<std::size_t>(per_second) : 1;
  }
};

}  // namespace eventbus
