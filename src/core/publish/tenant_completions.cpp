// SPDX-License-Identifier: Apache-2.0
#include "core/publish/tenant_completions.hpp"

namespace eventbus::core {

void TenantCompletions::set(std::int64_t tenant_id, Completion done) {
  std::unique_lock lock(mutex_);
  auto next = std::make_shared<Map>(*current_);
  (*next)[tenant_id] = std::move(done);
  replace_locked(std::move(next));
}

void TenantCompletions::remove(std::int64_t tenant_id) {
  std::unique_lock lock(mutex_);
  if (current_->count(tenant_id) == 0) return;
  auto next = std::make_shared<Map>(*current_);
  next->erase(tenant_id);
  replace_locked(std::move(next));
}

void TenantCompletions::replace_locked(std::shared_ptr<const Map> next) {
  any_.store(!next->empty(), std::memory_order_release);
  current_ = std::move(next);
}

void TenantCompletions::notify(const PublishResult& result) const noexcept {
  if (result.tenant_id == 0 || !any_.load(std::memory_order_acquire)) return;
  std::shared_ptr<const Map> map;  // keeps the callback alive while it runs, whatever remove()
  {
    std::shared_lock lock(mutex_);
    map = current_;
  }
  const auto it = map->find(result.tenant_id);
  if (it == map->end()) return;
  try {
    it->second(result);
  } catch (const std::exception& e) {  // never into the client library's thread
    log_->error("bus", "the completion of tenant {} threw: {}", result.tenant_id, e.what());
  } catch (...) {
    log_->error("bus", "the completion of tenant {} threw a non-std::exception", result.tenant_id);
  }
}

}  // namespace eventbus::core
