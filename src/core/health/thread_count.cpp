// SPDX-License-Identifier: Apache-2.0
// Counts this process's threads the way a leak check must: by the kernel's task list.
#include "core/health/thread_count.hpp"

#include <filesystem>
#include <system_error>

namespace eventbus::core {

std::size_t process_thread_count() {
  std::error_code ec;
  std::size_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  return count;
}

}  // namespace eventbus::core
