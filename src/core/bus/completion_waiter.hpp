// SPDX-License-Identifier: Apache-2.0
// Waits for one publish's completion: the blocking publish and the dead letter, which must know
// the broker's answer before they return.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>

#include "eventbus/bus.hpp"

namespace eventbus::core {

// A completion's result, kept beyond the call (its string views point into the bus).
inline OwnedPublishResult own(const PublishResult& r) {
  return OwnedPublishResult{r.error,
                            std::string(r.topic),
                            std::string(r.event_id),
                            std::string(r.aggregate_id),
                            std::string(r.detail),
                            std::string(r.stream),
                            r.partition,
                            r.offset,
                            r.tenant_id};
}

// Waits on the caller's stack for one completion; the completion captures only its address,
// which fits std::function's small buffer.
struct CompletionWaiter {
  std::mutex mutex;
  std::condition_variable fired;
  bool done = false;
  OwnedPublishResult result;

  void set(const PublishResult& r) {
    std::lock_guard lock(mutex);
    result = own(r);
    done = true;
    fired.notify_all();
  }
};

}  // namespace eventbus::core
