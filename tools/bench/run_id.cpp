// SPDX-License-Identifier: Apache-2.0
#include "run_id.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace eventbus::bench {

std::string next_run_id() {
  static unsigned counter = 0;
  char id[48];
  std::snprintf(id, sizeof id, "%llx-%d-%u", static_cast<unsigned long long>(std::time(nullptr)),
                static_cast<int>(getpid()), counter++);
  return id;
}

}  // namespace eventbus::bench
