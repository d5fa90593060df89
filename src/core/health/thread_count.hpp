// SPDX-License-Identifier: Apache-2.0
// This process's thread count, for the eventbus_process_threads gauge of the metrics.
#pragma once

#include <cstddef>

namespace eventbus::core {

// Threads of this process now: entries of /proc/self/task, the kernel's task list.
std::size_t process_thread_count();

}  // namespace eventbus::core
