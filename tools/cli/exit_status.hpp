// SPDX-License-Identifier: Apache-2.0
// The command line's exit statuses: 0 done, 1 failed (a broker refused, did not answer, or a
// publish failed), 2 the command itself is wrong (usage, bad input), as kcat and the nats CLI
// use them.
#pragma once

#include <cstdio>
#include <string>

namespace eventbus::cli {

inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;
inline constexpr int kUsage = 2;

// Says what is wrong on standard error and returns kUsage.
inline int usage_error(const std::string& what) {
  std::fprintf(stderr, "eventbus: %s\n", what.c_str());
  return kUsage;
}

}  // namespace eventbus::cli
