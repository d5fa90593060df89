// Where the outcomes of a tenant's publishes go besides each call's own completion (the Go SDK's
// outbox registers a result channel per tenant). Written rarely: set() and remove() copy the map
// and swap the copy in. Read on every outcome of a tenant's envelope without a lock: one atomic
// load of a shared_ptr, skipped entirely while no tenant has a callback.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "eventbus/message.hpp"

namespace eventbus::core {

class TenantCompletions {
 public:
  TenantCompletions();

  void set(std::int64_t tenant_id, Completion done);
  void remove(std::int64_t tenant_id);
  // Runs the callback of result.tenant_id, if there is one; what it throws is logged.
  void notify(const PublishResult& result) const noexcept;

 private:
  using Map = std::unordered_map<std::int64_t, Completion>;
  void replace_locked(std::shared_ptr<const Map> next);

  std::mutex writers_;  // serialises copy-and-swap so no update is lost
  std::atomic<std::shared_ptr<const Map>> current_;
  std::atomic<bool> any_{false};  // current_ is not empty
};

}  // namespace eventbus::core
